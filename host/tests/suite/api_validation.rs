//! Input validation at the edge, the same on both engines (issue 15, item 2): every
//! numeric parameter and stored filter is ranged, a NUL in any text is a 422 naming
//! the field, JSON numbers read back as they were written, and a row that an older
//! writer left unreadable does not make reads fail.

use crate::common;

use axum::http::Method;
use common::fake_supabase::token_signed_with;
use common::{count_rows, TestApp, TestDb, TestResponse};
use jobscout::storage::Pool;
use serde_json::{json, Value};
use uuid::Uuid;

const JWT_SECRET: &str = "api-validation-test-secret-0123456789";
const ADMIN_TOKEN: &str = "api-validation-admin-token";

async fn app_for(db: &TestDb) -> TestApp {
    TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_SUPABASE_JWT_SECRET", JWT_SECRET),
            ("JOBSCOUT_ADMIN_TOKEN", ADMIN_TOKEN),
        ],
    )
    .await
}

fn bearer(user_id: Uuid) -> String {
    format!(
        "Bearer {}",
        token_signed_with(JWT_SECRET, user_id, "val@example.com", 600)
    )
}

async fn as_user(
    app: &TestApp,
    user_id: Uuid,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> TestResponse {
    let authorization = bearer(user_id);
    app.send(method, uri, &[("authorization", &authorization)], body)
        .await
}

/// The `loc` of each issue of a 422.
fn locations(response: &TestResponse) -> Vec<Value> {
    response.json()["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("not a 422 list: {}", response.text()))
        .iter()
        .map(|issue| issue["loc"].clone())
        .collect()
}

async fn execute(pool: &Pool, sql: &str) {
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Pool::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

#[tokio::test]
async fn posted_since_is_ranged_on_every_engine() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        // 3 million days overflowed PostgreSQL's dates (500), 3 billion panicked chrono.
        for days in [
            "3000000",
            "2500000",
            "95000000",
            "3000000000",
            "9223372036854775807",
            "36501",
            "-1",
        ] {
            let response = app.get(&format!("/api/v1/jobs?posted_since={days}")).await;
            assert_eq!(
                response.status,
                422,
                "{} {days}: {}",
                db.name,
                response.text()
            );
            assert_eq!(locations(&response), [json!(["query", "posted_since"])]);
        }
        for days in ["0", "7", "36500"] {
            let response = app.get(&format!("/api/v1/jobs?posted_since={days}")).await;
            assert_eq!(
                response.status,
                200,
                "{} {days}: {}",
                db.name,
                response.text()
            );
        }
    }
}

#[tokio::test]
async fn numeric_query_parameters_are_ranged() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        for (query, name) in [
            ("min_score=1e308", "min_score"),
            ("min_score=-0.5", "min_score"),
            ("page=1000001", "page"),
            ("page=0", "page"),
            ("page_size=51", "page_size"),
        ] {
            let response = app.get(&format!("/api/v1/jobs?{query}")).await;
            assert_eq!(
                response.status,
                422,
                "{} {query}: {}",
                db.name,
                response.text()
            );
            assert_eq!(locations(&response), [json!(["query", name])], "{query}");
        }
        let response = app
            .get("/api/v1/jobs?min_score=100&page=1000000&page_size=50")
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
    }
}

#[tokio::test]
async fn nul_in_query_and_path_is_422_naming_the_field() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        let response = app.get("/api/v1/jobs?q=rust&location=%00").await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["query", "location"])]);
        assert_eq!(response.json()["detail"][0]["type"], "string_nul");

        let response = app.get("/api/v1/jobs?q=a%00b&sort=x%00").await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(
            locations(&response),
            [json!(["query", "q"]), json!(["query", "sort"])]
        );

        let response = app.get("/api/v1/jobs/abc%00def").await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["path", "job_id"])]);

        let user_id = Uuid::new_v4();
        let response = as_user(
            &app,
            user_id,
            Method::GET,
            &format!("/api/v1/saved-searches/{}%00", Uuid::new_v4()),
            None,
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["path", "search_id"])]);
    }
}

#[tokio::test]
async fn nul_in_json_bodies_is_422_naming_the_field_and_stores_nothing() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        let user_id = Uuid::new_v4();

        // At any depth, in values and in keys.
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            "/api/v1/profile",
            Some(json!({"headline": "ok", "links": {"a": {"b": ["x", "y\u{0}"]}}})),
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(
            locations(&response),
            [json!(["body", "links", "a", "b", "1"])]
        );
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            "/api/v1/profile",
            Some(json!({"projects": {"k\u{0}": 1}})),
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(
            locations(&response),
            [json!(["body", "projects", "k\u{0}"])]
        );
        let response = as_user(&app, user_id, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(response.json()["profile"], Value::Null, "{}", db.name);

        let response = as_user(
            &app,
            user_id,
            Method::POST,
            "/api/v1/saved-searches",
            Some(json!({"name": "x\u{0}", "filters": {"location": "Berlin\u{0}"}})),
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(
            locations(&response),
            [
                json!(["body", "filters", "location"]),
                json!(["body", "name"])
            ]
        );
        assert_eq!(count_rows(&db.pool, "saved_searches").await, 0);

        let response = as_user(
            &app,
            user_id,
            Method::POST,
            "/api/v1/apply/job/import",
            Some(json!({"title": "Engineer", "company": "A\u{0}B"})),
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["body", "company"])]);
        assert_eq!(count_rows(&db.pool, "job_targets").await, 0);

        // Analytics events were answered 204 and stored on SQLite, dropped on PostgreSQL.
        let response = app
            .send(
                Method::POST,
                "/api/v1/metrics/event",
                &[],
                Some(json!({"event_name": "view", "properties": {"k": "\u{0}"}})),
            )
            .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["body", "properties", "k"])]);
        assert_eq!(count_rows(&db.pool, "analytics_events").await, 0);

        // The admin trigger reads its optional body by hand; same rule.
        let admin = format!("Bearer {ADMIN_TOKEN}");
        let response = app
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", &admin)],
                Some(json!({"query": "rust\u{0}"})),
            )
            .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(locations(&response), [json!(["body", "query"])]);
        assert_eq!(count_rows(&db.pool, "runs").await, 0);
    }
}

#[tokio::test]
async fn stored_filters_are_ranged_like_the_job_list() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        let user_id = Uuid::new_v4();
        for (filters, name) in [
            (json!({"posted_since": 3_000_000}), "posted_since"),
            (json!({"posted_since": -1}), "posted_since"),
            (json!({"min_score": 101}), "min_score"),
            (json!({"min_score": 1.7976931348623157e308}), "min_score"),
        ] {
            let response = as_user(
                &app,
                user_id,
                Method::POST,
                "/api/v1/saved-searches",
                Some(json!({"query": "rust", "filters": filters})),
            )
            .await;
            assert_eq!(
                response.status,
                422,
                "{} {filters}: {}",
                db.name,
                response.text()
            );
            assert_eq!(locations(&response), [json!(["body", "filters", name])]);
        }
        assert_eq!(count_rows(&db.pool, "saved_searches").await, 0);

        let response = as_user(
            &app,
            user_id,
            Method::POST,
            "/api/v1/saved-searches",
            Some(json!({"query": "rust", "filters": {"posted_since": 30, "min_score": 50}})),
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let search_id = response.json()["search_id"].as_str().unwrap().to_string();
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            &format!("/api/v1/saved-searches/{search_id}"),
            Some(json!({"filters": {"posted_since": 95_000_000}})),
        )
        .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(
            locations(&response),
            [json!(["body", "filters", "posted_since"])]
        );
        let response = as_user(
            &app,
            user_id,
            Method::GET,
            &format!("/api/v1/saved-searches/{search_id}"),
            None,
        )
        .await;
        assert_eq!(response.json()["filters"]["posted_since"], 30);
    }
}

#[tokio::test]
async fn client_times_outside_years_1_to_9999_are_422() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        for client_ts in [json!(-1e14), json!(9e15), json!("0000-06-01T00:00:00Z")] {
            let response = app
                .send(
                    Method::POST,
                    "/api/v1/metrics/event",
                    &[],
                    Some(json!({"event_name": "view", "client_ts": client_ts})),
                )
                .await;
            assert_eq!(
                response.status,
                422,
                "{} {client_ts}: {}",
                db.name,
                response.text()
            );
            assert_eq!(locations(&response), [json!(["body", "client_ts"])]);
        }
        assert_eq!(count_rows(&db.pool, "analytics_events").await, 0);
    }
}

#[tokio::test]
async fn the_largest_double_reads_back_from_a_profile() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        let user_id = Uuid::new_v4();
        // PostgreSQL prints it back in 309 plain digits, which serde_json's default
        // parser overflowed on: the PUT answered 500 after storing, and GET failed.
        let links = json!({"n": f64::MAX, "tiny": 5e-324, "neg": -1.7976931348623157e308});
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            "/api/v1/profile",
            Some(json!({"links": links})),
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(response.json()["profile"]["links"], links, "{}", db.name);
        let response = as_user(&app, user_id, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(response.json()["profile"]["links"], links, "{}", db.name);

        // Beyond a double is a JSON error at the edge, on both engines.
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            "/api/v1/profile",
            Some(json!({"links": {"n": 1}})),
        )
        .await;
        assert_eq!(response.status, 200);
        let authorization = bearer(user_id);
        let response = app
            .request(
                axum::http::Request::put("/api/v1/profile")
                    .header("authorization", &authorization)
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(r#"{"links": {"n": 1e400}}"#))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, 422, "{}: {}", db.name, response.text());
        assert_eq!(response.json()["detail"][0]["type"], "json_invalid");
    }
}

#[tokio::test]
async fn rows_an_older_writer_left_with_huge_numbers_still_read() {
    for db in TestDb::all().await {
        let app = app_for(&db).await;
        let user_id = Uuid::new_v4();
        let response = as_user(
            &app,
            user_id,
            Method::PUT,
            "/api/v1/profile",
            Some(json!({"links": {"n": 1}})),
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let response = as_user(
            &app,
            user_id,
            Method::POST,
            "/api/v1/saved-searches",
            Some(json!({"query": "rust"})),
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        // As the earlier (Python) backend could write them: integers of any size.
        // The same SQL on both engines: a JSONB cast on PostgreSQL, text on SQLite.
        let huge = format!("1{}", "0".repeat(400));
        execute(
            &db.pool,
            &format!("UPDATE user_profiles SET links = '{{\"n\": {huge}, \"ok\": 2}}'"),
        )
        .await;
        execute(
            &db.pool,
            &format!("UPDATE saved_searches SET filters = '{{\"min_score\": -{huge}}}'"),
        )
        .await;
        execute(
            &db.pool,
            &format!(
                "UPDATE users SET email_preferences = '{{\"marketing\": false, \"x\": {huge}}}'"
            ),
        )
        .await;

        let response = as_user(&app, user_id, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(
            response.json()["profile"]["links"],
            json!({"n": huge, "ok": 2}),
            "{}",
            db.name
        );
        let response = as_user(&app, user_id, Method::GET, "/api/v1/saved-searches", None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(
            response.json()[0]["filters"],
            json!({"min_score": format!("-{huge}")})
        );
        let response = as_user(
            &app,
            user_id,
            Method::GET,
            "/api/v1/saved-searches/preferences/email",
            None,
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(response.json()["marketing"], false);
    }
}
