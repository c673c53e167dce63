//! `GET /api/v1/jobs` and `GET /api/v1/jobs/{id}` on both engines: every filter,
//! sort and page edge of the earlier backend's contract.

use crate::common;

use common::seed::{self, DATA_ENGINEER, ENG_MANAGER, FRONTEND, QA_AUTOMATION, SENIOR_RUST};
use common::{TestApp, TestDb};
use serde_json::Value;

fn ids(body: &Value) -> Vec<String> {
    body["jobs"]
        .as_array()
        .expect("jobs array")
        .iter()
        .map(|job| job["job_id"].as_str().unwrap().to_string())
        .collect()
}

/// Caching off: each request must reflect the database.
const NO_CACHE: &[(&str, &str)] = &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")];

#[tokio::test]
async fn sorts_follow_the_earlier_rules() {
    for db in TestDb::all().await {
        seed::seed(&db.pool).await;
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let cases: [(&str, [&str; 5]); 6] = [
            (
                "",
                [
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
            ),
            (
                "sort=relevance_score",
                [
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
            ),
            (
                "sort=personalized",
                [
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
            ),
            (
                "sort=posted_at",
                [
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
            ),
            (
                "sort=first_seen_at",
                [
                    SENIOR_RUST,
                    FRONTEND,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                ],
            ),
            (
                "sort=ai_score",
                [
                    ENG_MANAGER,
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    FRONTEND,
                ],
            ),
        ];
        for (query, expected) in cases {
            let response = app.get(&format!("/api/v1/jobs?{query}")).await;
            assert_eq!(
                response.status,
                200,
                "{} {query}: {}",
                db.name,
                response.text()
            );
            assert_eq!(
                ids(&response.json()),
                expected,
                "{} sort `{query}`",
                db.name
            );
        }
    }
}

#[tokio::test]
async fn every_filter_narrows_the_list() {
    for db in TestDb::all().await {
        seed::seed(&db.pool).await;
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let cases: Vec<(&str, Vec<&str>)> = vec![
            // Words match title, company or description; the last word is a prefix.
            (
                "q=engineer",
                vec![SENIOR_RUST, QA_AUTOMATION, DATA_ENGINEER, ENG_MANAGER],
            ),
            (
                "q=ENGINEER",
                vec![SENIOR_RUST, QA_AUTOMATION, DATA_ENGINEER, ENG_MANAGER],
            ),
            ("q=rust", vec![SENIOR_RUST]),
            ("q=ferris", vec![SENIOR_RUST]),
            ("q=node.js", vec![ENG_MANAGER]),
            ("q=data%20engineer", vec![DATA_ENGINEER]),
            ("q=engineer%20data", vec![]),
            ("q=playwright", vec![QA_AUTOMATION]),
            ("q=100%25", vec![QA_AUTOMATION]),
            ("q=%2B%2B", vec![]),
            ("q=nothing-like-this", vec![]),
            ("location=berlin", vec![DATA_ENGINEER]),
            (
                "location=REMOTE",
                vec![SENIOR_RUST, QA_AUTOMATION, ENG_MANAGER],
            ),
            ("location=%25", vec![]),
            ("remote=hybrid", vec![DATA_ENGINEER]),
            ("remote=remote", vec![SENIOR_RUST, ENG_MANAGER]),
            ("employment=contract", vec![DATA_ENGINEER]),
            ("employment=part_time", vec![FRONTEND]),
            ("employment=time", vec![]),
            ("source=remoteok", vec![SENIOR_RUST, ENG_MANAGER]),
            ("source=REMOTEOK", vec![]),
            ("posted_since=7", vec![SENIOR_RUST, QA_AUTOMATION, FRONTEND]),
            (
                "posted_since=0",
                vec![
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
            ),
            ("min_score=80", vec![SENIOR_RUST, ENG_MANAGER]),
            ("min_score=0", vec![SENIOR_RUST, ENG_MANAGER]),
            (
                "q=engineer&remote=remote&posted_since=30",
                vec![SENIOR_RUST],
            ),
            (
                "q=engineer&source=remotive&employment=full_time",
                vec![QA_AUTOMATION],
            ),
        ];
        for (query, expected) in cases {
            let response = app.get(&format!("/api/v1/jobs?{query}")).await;
            assert_eq!(
                response.status,
                200,
                "{} {query}: {}",
                db.name,
                response.text()
            );
            let body = response.json();
            assert_eq!(ids(&body), expected, "{} filter `{query}`", db.name);
            assert_eq!(
                body["total"],
                expected.len(),
                "{} total for `{query}`",
                db.name
            );
        }
    }
}

#[tokio::test]
async fn pages_and_their_edges() {
    for db in TestDb::all().await {
        seed::seed(&db.pool).await;
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let expectations = [
            ("page_size=2", 1, 2, vec![SENIOR_RUST, QA_AUTOMATION], true),
            (
                "page_size=2&page=2",
                2,
                2,
                vec![DATA_ENGINEER, ENG_MANAGER],
                true,
            ),
            ("page_size=2&page=3", 3, 2, vec![FRONTEND], false),
            ("page_size=2&page=4", 4, 2, vec![], false),
            (
                "page_size=5",
                1,
                5,
                vec![
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
                false,
            ),
            (
                "page_size=50",
                1,
                50,
                vec![
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
                false,
            ),
            (
                "",
                1,
                20,
                vec![
                    SENIOR_RUST,
                    QA_AUTOMATION,
                    DATA_ENGINEER,
                    ENG_MANAGER,
                    FRONTEND,
                ],
                false,
            ),
        ];
        for (query, page, page_size, expected, has_more) in expectations {
            let body = app.get(&format!("/api/v1/jobs?{query}")).await.json();
            assert_eq!(ids(&body), expected, "{} `{query}`", db.name);
            assert_eq!(body["page"], page, "{} `{query}`", db.name);
            assert_eq!(body["page_size"], page_size, "{} `{query}`", db.name);
            assert_eq!(body["total"], 5, "{} `{query}`", db.name);
            assert_eq!(body["has_more"], has_more, "{} `{query}`", db.name);
        }
        for bad in [
            "page_size=51",
            "page_size=0",
            "page=0",
            "page=-1",
            "page=abc",
            "page_size=2.5",
            "min_score=x",
        ] {
            let response = app.get(&format!("/api/v1/jobs?{bad}")).await;
            assert_eq!(response.status, 422, "{} `{bad}`", db.name);
            let detail = &response.json()["detail"];
            assert!(detail.is_array(), "{bad}: detail must be a list: {detail}");
            assert_eq!(detail[0]["loc"][0], "query", "{bad}");
        }
    }
}

#[tokio::test]
async fn list_items_and_detail_have_the_earlier_fields() {
    for db in TestDb::all().await {
        seed::seed(&db.pool).await;
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let list = app.get("/api/v1/jobs?q=rust").await.json();
        let item = &list["jobs"][0];
        let expected_fields = [
            "job_id",
            "title",
            "company",
            "location_raw",
            "country",
            "city",
            "remote_type",
            "employment_types",
            "salary_min",
            "salary_max",
            "salary_currency",
            "job_url",
            "apply_url",
            "description_text",
            "company_website",
            "linkedin_url",
            "tags",
            "source",
            "posted_at",
            "first_seen_at",
            "last_seen_at",
            "relevance_score",
            "relevance_reasons",
            "ai_score",
            "ai_reasons",
            "ai_seniority",
            "ai_summary",
            "ai_requirements",
            "ai_tech_stack",
            "ai_flags",
        ];
        let mut fields: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        let mut sorted_expected = expected_fields.to_vec();
        sorted_expected.sort_unstable();
        assert_eq!(fields, sorted_expected, "{}", db.name);
        assert_eq!(
            item["description_text"],
            Value::Null,
            "lists never carry descriptions"
        );
        assert_eq!(item["salary_min"], 120000.0);
        assert_eq!(item["salary_currency"], "EUR");
        assert_eq!(item["employment_types"], serde_json::json!(["full_time"]));
        assert_eq!(item["tags"], serde_json::json!(["rust", "tokio"]));
        assert_eq!(item["relevance_score"], 90.0);
        let posted = item["posted_at"].as_str().unwrap();
        assert!(
            posted.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(posted).is_ok(),
            "{posted}"
        );

        let detail = app.get(&format!("/api/v1/jobs/{SENIOR_RUST}")).await;
        assert_eq!(detail.status, 200);
        let detail = detail.json();
        assert_eq!(
            detail["description_text"],
            "Write async services in Rust with Tokio and PostgreSQL."
        );
        assert_eq!(detail["emails"], serde_json::json!(["jobs@ferris.example"]));
        assert_eq!(detail["ai_company_summary"], "Rust tooling company");
        assert_eq!(detail["title"], "Senior Rust Engineer");

        let missing = app.get("/api/v1/jobs/ffffffffffffffffffffffff").await;
        assert_eq!(missing.status, 404);
        assert_eq!(
            missing.json(),
            serde_json::json!({"detail": "Job not found"})
        );
    }
}

/// Text fields the earlier backend always sent as strings.
const TEXT_FIELDS: [&str; 15] = [
    "location_raw",
    "country",
    "city",
    "remote_type",
    "salary_currency",
    "job_url",
    "apply_url",
    "company_website",
    "linkedin_url",
    "relevance_reasons",
    "ai_reasons",
    "ai_seniority",
    "ai_summary",
    "ai_requirements",
    "ai_tech_stack",
];

#[tokio::test]
async fn missing_text_is_an_empty_string_never_null() {
    const BARE: &str = "0000000000000000000000b1";
    const EMPTY: &str = "0000000000000000000000b2";
    for db in TestDb::all().await {
        // One job stored with NULLs (as JobScout writes a missing value), one with
        // empty text (as the earlier backend wrote it).
        let bare = |job_id: &str| jobscout::storage::jobs::JobRecord {
            job_id: job_id.into(),
            title: "Bare Job".into(),
            company: "Nobody".into(),
            source: "test".into(),
            ..Default::default()
        };
        jobscout::storage::jobs::upsert_jobs(&db.pool, &[bare(BARE), bare(EMPTY)])
            .await
            .unwrap();
        let blank_all = format!(
            "UPDATE jobs SET {}, description_text = '', ai_company_summary = '' WHERE job_id = '{EMPTY}'",
            TEXT_FIELDS.map(|field| format!("{field} = ''")).join(", ")
        );
        match &db.pool {
            jobscout::storage::Pool::Sqlite(pool) => {
                sqlx::query(&blank_all).execute(pool).await.unwrap();
            }
            jobscout::storage::Pool::Postgres(pool) => {
                sqlx::query(&blank_all).execute(pool).await.unwrap();
            }
        }
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let list = app.get("/api/v1/jobs?source=test").await.json();
        assert_eq!(list["total"], 2, "{}", db.name);
        for item in list["jobs"].as_array().unwrap() {
            for field in TEXT_FIELDS {
                assert_eq!(
                    item[field], "",
                    "{} list {}: {field}",
                    db.name, item["job_id"]
                );
            }
            assert_eq!(
                item["description_text"],
                Value::Null,
                "lists never carry descriptions"
            );
        }
        for job_id in [BARE, EMPTY] {
            let detail = app.get(&format!("/api/v1/jobs/{job_id}")).await.json();
            for field in TEXT_FIELDS
                .into_iter()
                .chain(["description_text", "ai_company_summary"])
            {
                assert_eq!(detail[field], "", "{} detail {job_id}: {field}", db.name);
            }
        }
    }

    // The schema says so too: plain strings, not nullable.
    let db = TestDb::sqlite_empty().await;
    let app = TestApp::new(&db.pool, NO_CACHE).await;
    let spec = app.get("/openapi.json").await.json();
    let schemas = &spec["components"]["schemas"];
    for field in TEXT_FIELDS {
        assert_eq!(
            schemas["JobResponse"]["properties"][field]["type"], "string",
            "JobResponse.{field}"
        );
    }
    let detail = &schemas["JobDetailResponse"];
    let detail_type = detail["properties"]["ai_company_summary"]["type"].clone();
    let detail_type = if detail_type.is_null() {
        // Flattened into an allOf: find the part that declares it.
        detail["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|part| part["properties"]["ai_company_summary"]["type"].as_str())
            .map(Value::from)
            .unwrap_or(Value::Null)
    } else {
        detail_type
    };
    assert_eq!(detail_type, "string", "{detail}");
}

#[tokio::test]
async fn cached_lists_are_refreshed_by_invalidation() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    seed::seed(&db.pool).await;
    let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "60000")]).await;
    assert_eq!(app.get("/api/v1/jobs").await.json()["total"], 5);
    let mut extra = seed::catalogue().remove(0);
    extra.job_id = "fffffffffffffffffffffff6".into();
    jobscout::storage::jobs::upsert_jobs(&db.pool, &[extra])
        .await
        .unwrap();
    assert_eq!(
        app.get("/api/v1/jobs").await.json()["total"],
        5,
        "served from the cache within the TTL"
    );
    app.state.cache.invalidate();
    assert_eq!(
        app.get("/api/v1/jobs").await.json()["total"],
        6,
        "fresh after invalidation"
    );
}

#[tokio::test]
async fn upsert_keeps_first_seen_and_known_posted_dates() {
    for db in TestDb::all().await {
        let original = seed::seed(&db.pool).await.remove(0);
        let mut repeat = original.clone();
        repeat.first_seen_at = Some(chrono::Utc::now());
        repeat.posted_at = None;
        repeat.title = "Senior Rust Engineer (updated)".into();
        jobscout::storage::jobs::upsert_jobs(&db.pool, &[repeat])
            .await
            .unwrap();
        let stored = jobscout::storage::jobs::get_job(&db.pool, SENIOR_RUST)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored.title, "Senior Rust Engineer (updated)",
            "{}",
            db.name
        );
        let seconds =
            |value: Option<chrono::DateTime<chrono::Utc>>| value.map(|time| time.timestamp());
        assert_eq!(
            seconds(stored.first_seen_at),
            seconds(original.first_seen_at),
            "{}",
            db.name
        );
        assert_eq!(
            seconds(stored.posted_at),
            seconds(original.posted_at),
            "{}",
            db.name
        );
        // The search index follows the new title.
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        assert_eq!(
            app.get("/api/v1/jobs?q=updated").await.json()["total"],
            1,
            "{}",
            db.name
        );
    }
}
