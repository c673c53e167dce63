//! Migrations: running them twice, and adopting databases that the earlier Python
//! backend created (its `jobs` and `runs` tables, no migrations table) on both
//! engines, without changing or losing a row.

use crate::common;

use common::{count_rows, shared_earlier_db, TestApp, TestDb};
use jobscout::storage::{self, Pool};
use sqlx::Row as _;

/// The columns `table` has now.
async fn columns_of(pool: &Pool, table: &str) -> Vec<String> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
            .fetch_all(pool)
            .await
            .unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap(),
    }
}

/// Every row of `table`, the given columns, as text, in key order.
async fn snapshot_columns(pool: &Pool, table: &str, key: &str, columns: &[String]) -> Vec<String> {
    match pool {
        Pool::Sqlite(pool) => {
            let expression = columns
                .iter()
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            sqlx::query_scalar(&format!("SELECT {expression} FROM {table} ORDER BY {key}"))
                .fetch_all(pool)
                .await
                .unwrap()
        }
        Pool::Postgres(pool) => sqlx::query_scalar(&format!(
            "SELECT row_to_json(t)::text FROM (SELECT {} FROM {table} ORDER BY {key}) t",
            columns.join(", ")
        ))
        .fetch_all(pool)
        .await
        .unwrap(),
    }
}

/// Every row of `table`, every column it has now.
async fn snapshot(pool: &Pool, table: &str, key: &str) -> Vec<String> {
    let columns = columns_of(pool, table).await;
    snapshot_columns(pool, table, key, &columns).await
}

async fn execute_script(pool: &Pool, script: &str) {
    match pool {
        Pool::Sqlite(pool) => sqlx::raw_sql(script).execute(pool).await.map(drop),
        Pool::Postgres(pool) => sqlx::raw_sql(script).execute(pool).await.map(drop),
    }
    .expect("run fixture script");
}

/// Migrates an adopted database twice and checks that no earlier row changed.
/// (New columns may be added; no earlier column of any row may change.)
async fn assert_adopted_unchanged(db: &TestDb) -> (Vec<String>, Vec<String>) {
    let job_columns = columns_of(&db.pool, "jobs").await;
    let run_columns = columns_of(&db.pool, "runs").await;
    let jobs_before = snapshot_columns(&db.pool, "jobs", "job_id", &job_columns).await;
    let runs_before = snapshot_columns(&db.pool, "runs", "run_id", &run_columns).await;
    storage::migrate(&db.pool)
        .await
        .expect("first migration over the earlier schema");
    let applied = count_rows(&db.pool, "_sqlx_migrations").await;
    storage::migrate(&db.pool).await.expect("second migration");
    assert_eq!(
        count_rows(&db.pool, "_sqlx_migrations").await,
        applied,
        "{}: the second run applies nothing",
        db.name
    );
    let jobs_after = snapshot_columns(&db.pool, "jobs", "job_id", &job_columns).await;
    let runs_after = snapshot_columns(&db.pool, "runs", "run_id", &run_columns).await;
    assert_eq!(jobs_after, jobs_before, "{}: jobs rows unchanged", db.name);
    assert_eq!(runs_after, runs_before, "{}: runs rows unchanged", db.name);
    (jobs_before, runs_before)
}

#[tokio::test]
async fn migrations_run_twice_change_nothing() {
    for db in TestDb::all_empty().await {
        storage::migrate(&db.pool).await.unwrap();
        common::seed::seed(&db.pool).await;
        let before = snapshot(&db.pool, "jobs", "job_id").await;
        let applied = count_rows(&db.pool, "_sqlx_migrations").await;
        storage::migrate(&db.pool).await.unwrap();
        assert_eq!(
            count_rows(&db.pool, "_sqlx_migrations").await,
            applied,
            "{}",
            db.name
        );
        assert_eq!(
            snapshot(&db.pool, "jobs", "job_id").await,
            before,
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn an_earlier_sqlite_database_is_adopted_as_it_is() {
    let db = TestDb::sqlite_empty().await;
    execute_script(&db.pool, include_str!("fixtures/earlier_sqlite_schema.sql")).await;
    let (jobs, runs) = assert_adopted_unchanged(&db).await;
    assert_eq!((jobs.len(), runs.len()), (2, 2));

    let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    let list = app.get("/api/v1/jobs?sort=posted_at").await.json();
    assert_eq!(list["total"], 2);
    let first = &list["jobs"][0];
    assert_eq!(
        first["job_id"], "001f1df3d39fdbede87673d3",
        "the job with a posted date sorts first"
    );
    assert_eq!(
        first["posted_at"], "2026-11-17T07:04:18Z",
        "`+00:00` timestamps are read"
    );
    assert_eq!(first["employment_types"], serde_json::json!(["full_time"]));
    assert_eq!(
        first["linkedin_url"], "",
        "empty text stays an empty string, as the earlier backend sent it"
    );
    let second = &list["jobs"][1];
    assert_eq!(second["posted_at"], serde_json::Value::Null);
    assert_eq!(second["relevance_score"], 72.3);
    // The full-text index covers adopted rows.
    assert_eq!(
        app.get("/api/v1/jobs?q=quillmedia").await.json()["total"],
        1
    );
    assert_eq!(app.get("/api/v1/jobs?q=rust").await.json()["total"], 1);
    let latest = app.get("/api/v1/runs/latest").await.json();
    assert_eq!(latest["status"], "running");
    assert_eq!(latest["criteria"]["query"], "qa automation engineer");
}

#[tokio::test]
async fn an_earlier_postgres_database_is_adopted_as_it_is() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    execute_script(
        &db.pool,
        include_str!("fixtures/earlier_postgres_schema.sql"),
    )
    .await;
    execute_script(
        &db.pool,
        "INSERT INTO jobs (job_id, source, title, company, employment_types, tags, emails, posted_at, first_seen_at, \
         last_seen_at, relevance_score, ai_flags, description_text) VALUES \
         ('001f1df3d39fdbede87673d3', 'careerjet', 'Senior Test Automation Engineer', 'QuillMedia', '{full_time}', \
          '{Kotlin,GraphQL}', '{}', '2026-11-17T07:04:18+00:00', '2026-11-18T02:58:35Z', '2026-11-18T02:58:35Z', 9.0, \
          NULL, 'CI/CD and Linux'), \
         ('a2b3c4d5e6f708192a3b4c5d', 'remoteok', 'Backend Engineer (Rust)', 'Ferris Labs GmbH', '{full_time,contract}', \
          '{rust}', '{jobs@ferris.example}', NULL, '2026-11-20T10:00:00Z', '2026-11-26T10:00:00Z', 72.3, '{}', 'Rust'); \
         INSERT INTO runs (started_at, finished_at, jobs_new, criteria) VALUES \
         ('2026-11-27T00:00:00Z', '2026-11-27T06:01:44Z', 1096, '{\"query\": \"backend engineer\", \"location\": \"Remote\", \"use_ai\": false}');",
    )
    .await;
    let (jobs, runs) = assert_adopted_unchanged(&db).await;
    assert_eq!((jobs.len(), runs.len()), (2, 1));
    let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    let list = app.get("/api/v1/jobs").await.json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["jobs"][0]["relevance_score"], 72.3);
    assert_eq!(
        list["jobs"][0]["employment_types"],
        serde_json::json!(["full_time", "contract"])
    );
    assert_eq!(
        app.get("/api/v1/jobs?q=rust&employment=contract")
            .await
            .json()["total"],
        1
    );
    assert_eq!(
        app.get("/api/v1/runs/latest").await.json()["jobs_new"],
        1096
    );
}

/// Column kinds of the earlier `jobs` table, to copy SQLite text into PostgreSQL types.
fn postgres_cast(column: &str) -> &'static str {
    match column {
        "employment_types"
        | "emails"
        | "other_urls"
        | "tags"
        | "ai_employment_types"
        | "ai_flags" => "array",
        "posted_at" | "expires_at" | "first_seen_at" | "last_seen_at" => "timestamptz",
        "salary_min" | "salary_max" | "relevance_score" | "ai_score" | "ai_confidence" => "real",
        _ => "text",
    }
}

/// Copies the recorded earlier SQLite database into an earlier-shaped PostgreSQL one.
async fn copy_sample_to_postgres(sample: &Pool, target: &Pool) {
    // The earlier PostgreSQL columns (the SQLite copy may have gained new ones).
    let target_columns = columns_of(target, "jobs").await;
    let (Pool::Sqlite(sample), Pool::Postgres(target)) = (sample, target) else {
        unreachable!()
    };
    let columns: Vec<String> =
        sqlx::query_scalar::<_, String>("SELECT name FROM pragma_table_info('jobs') ORDER BY cid")
            .fetch_all(sample)
            .await
            .unwrap()
            .into_iter()
            .filter(|column| target_columns.contains(column))
            .collect();
    let select = columns
        .iter()
        .map(|c| format!("CAST({c} AS TEXT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let values = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let n = index + 1;
            match postgres_cast(column) {
                "array" => format!("CASE WHEN ${n} IS NULL OR ${n} = '' THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb)) END"),
                "timestamptz" => format!("NULLIF(${n}, '')::timestamptz"),
                "real" => format!("NULLIF(${n}, '')::real"),
                _ => format!("${n}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO jobs ({}) VALUES ({values})",
        columns.join(", ")
    );
    let rows = sqlx::query(&format!("SELECT {select} FROM jobs"))
        .fetch_all(sample)
        .await
        .unwrap();
    let mut transaction = target.begin().await.unwrap();
    for row in rows {
        let mut query = sqlx::query(&insert);
        for index in 0..columns.len() {
            query = query.bind(row.get::<Option<String>, _>(index));
        }
        query.execute(&mut *transaction).await.unwrap();
    }
    let runs = sqlx::query(
        "SELECT run_id, started_at, finished_at, jobs_collected, jobs_new, jobs_updated, jobs_filtered, errors, sources, criteria FROM runs",
    )
    .fetch_all(sample)
    .await
    .unwrap();
    for run in runs {
        sqlx::query(
            "INSERT INTO runs VALUES ($1, $2::timestamptz, NULLIF($3, '')::timestamptz, $4, $5, $6, $7, $8, $9, $10::jsonb)",
        )
        .bind(run.get::<i64, _>(0) as i32)
        .bind(run.get::<String, _>(1))
        .bind(run.get::<Option<String>, _>(2))
        .bind(run.get::<i64, _>(3) as i32)
        .bind(run.get::<i64, _>(4) as i32)
        .bind(run.get::<i64, _>(5) as i32)
        .bind(run.get::<i64, _>(6) as i32)
        .bind(run.get::<i64, _>(7) as i32)
        .bind(run.get::<Option<String>, _>(8))
        .bind(run.get::<Option<String>, _>(9))
        .execute(&mut *transaction)
        .await
        .unwrap();
    }
    sqlx::query("SELECT setval('runs_run_id_seq', (SELECT max(run_id) FROM runs))")
        .execute(&mut *transaction)
        .await
        .unwrap();
    transaction.commit().await.unwrap();
}

/// Reads `../shared/fixtures/earlier-db` (a database the earlier backend wrote);
/// skipped when this checkout has no `../shared`.
#[tokio::test]
async fn the_recorded_earlier_database_is_adopted_on_both_engines() {
    let Some(sample_path) = shared_earlier_db() else {
        return;
    };
    // Work on a copy: the recorded file is read-only and must stay as recorded.
    let adopted = TestDb::sqlite_copy_of(&sample_path).await;
    let (jobs, runs) = assert_adopted_unchanged(&adopted).await;
    assert_eq!((jobs.len(), runs.len()), (2000, 481));
    let app = TestApp::new(&adopted.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    let list = app.get("/api/v1/jobs?q=engineer&page_size=50").await.json();
    assert!(list["total"].as_i64().unwrap() > 100, "{}", list["total"]);
    assert_eq!(app.get("/api/v1/jobs").await.json()["total"], 2000);
    assert_eq!(app.get("/api/v1/runs/latest").await.json()["run_id"], 481);
    let stats = app.get("/api/v1/admin/stats").await.json();
    assert_eq!(stats["total_jobs"], 2000);
    assert_eq!(stats["sources"].as_object().unwrap().len(), 25);

    let Some(postgres) = TestDb::postgres_empty().await else {
        return;
    };
    execute_script(
        &postgres.pool,
        include_str!("fixtures/earlier_postgres_schema.sql"),
    )
    .await;
    copy_sample_to_postgres(&adopted.pool, &postgres.pool).await;
    let (jobs, runs) = assert_adopted_unchanged(&postgres).await;
    assert_eq!((jobs.len(), runs.len()), (2000, 481));
    let app = TestApp::new(&postgres.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    let sqlite_app = TestApp::new(&adopted.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    // Both engines answer the same filters over the same data identically.
    for query in [
        "",
        "?remote=remote&page=3",
        "?sort=posted_at&page_size=50",
        "?employment=contract",
        "?location=berlin",
        "?source=remotive&sort=first_seen_at",
        "?posted_since=30",
    ] {
        let from_postgres = app.get(&format!("/api/v1/jobs{query}")).await.json();
        let from_sqlite = sqlite_app.get(&format!("/api/v1/jobs{query}")).await.json();
        assert_eq!(
            from_postgres["total"], from_sqlite["total"],
            "total for `{query}`"
        );
        let ids = |body: &serde_json::Value| {
            body["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|job| job["job_id"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&from_postgres),
            ids(&from_sqlite),
            "order for `{query}`"
        );
    }
    for (engine, app) in [("PostgreSQL", &app), ("SQLite", &sqlite_app)] {
        assert_location_raw_is_never_null(engine, app).await;
    }
}

/// The earlier backend sent its 42 empty `location_raw` values as `""`; so must we,
/// in every list page and in the details.
async fn assert_location_raw_is_never_null(engine: &str, app: &TestApp) {
    let mut empty = Vec::new();
    for page in 1..=40 {
        let list = app
            .get(&format!("/api/v1/jobs?page_size=50&page={page}"))
            .await
            .json();
        for job in list["jobs"].as_array().unwrap() {
            let location = &job["location_raw"];
            assert!(location.is_string(), "{engine}: {}", job["job_id"]);
            if location == "" {
                empty.push(job["job_id"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(empty.len(), 42, "{engine}");
    for job_id in &empty[..5] {
        let detail = app.get(&format!("/api/v1/jobs/{job_id}")).await.json();
        assert_eq!(detail["location_raw"], "", "{engine}: {job_id}");
    }
}
