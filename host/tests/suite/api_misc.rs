//! Root, health, stats, runs, metrics events, docs, CORS and error shapes, on both
//! engines where storage is involved.

use crate::common;

use axum::http::Method;
use chrono::{Duration, Utc};
use common::{seed, TestApp, TestDb};
use jobscout::storage::runs::{insert_run, RunRecord};
use serde_json::json;

const NO_CACHE: &[(&str, &str)] = &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")];

#[tokio::test]
async fn root_and_health_describe_the_service() {
    for db in TestDb::all().await {
        let app = TestApp::new(&db.pool, &[("JOBSCOUT_APP_NAME", "JobScout Test")]).await;
        let root = app.get("/").await;
        assert_eq!(root.status, 200);
        assert_eq!(root.json()["name"], "JobScout Test");
        assert_eq!(root.json()["docs"], "/docs");

        let health = app.get("/health").await.json();
        assert_eq!(health["status"], "healthy", "{health}");
        assert_eq!(health["database"]["engine"], db.name);
        assert_eq!(health["database"]["state"], "ok");
        assert_eq!(health["plugins"]["total"], 0);
    }
}

#[tokio::test]
async fn stats_count_the_catalogue_and_the_newest_run() {
    for db in TestDb::all().await {
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let empty = app.get("/api/v1/admin/stats").await.json();
        assert_eq!(
            empty,
            json!({"total_jobs": 0, "jobs_last_24h": 0, "jobs_last_7d": 0, "sources": {}, "last_run_at": null, "last_run_jobs_new": 0})
        );

        seed::seed(&db.pool).await;
        let finished = Utc::now() - Duration::hours(1);
        insert_run(
            &db.pool,
            &RunRecord {
                run_id: 0,
                started_at: Some(finished - Duration::minutes(5)),
                finished_at: Some(finished),
                jobs_new: 42,
                ..RunRecord::default()
            },
        )
        .await
        .unwrap();
        let stats = app.get("/api/v1/admin/stats").await.json();
        assert_eq!(stats["total_jobs"], 5, "{}", db.name);
        assert_eq!(
            stats["jobs_last_24h"], 1,
            "{}: only the job first seen 6 hours ago",
            db.name
        );
        assert_eq!(stats["jobs_last_7d"], 3, "{}", db.name);
        assert_eq!(
            stats["sources"],
            json!({"greenhouse": 1, "lever": 1, "remoteok": 2, "remotive": 1})
        );
        assert_eq!(stats["last_run_jobs_new"], 42);
        let last_run_at =
            chrono::DateTime::parse_from_rfc3339(stats["last_run_at"].as_str().unwrap()).unwrap();
        assert_eq!(last_run_at.timestamp(), finished.timestamp(), "{}", db.name);

        // A newer run still in progress: last_run_at is null while it runs.
        insert_run(
            &db.pool,
            &RunRecord {
                jobs_new: 7,
                ..RunRecord::default()
            },
        )
        .await
        .unwrap();
        let stats = app.get("/api/v1/admin/stats").await.json();
        assert_eq!(stats["last_run_at"], serde_json::Value::Null, "{}", db.name);
        assert_eq!(stats["last_run_jobs_new"], 7);
    }
}

#[tokio::test]
async fn runs_latest_and_by_id() {
    for db in TestDb::all().await {
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let none = app.get("/api/v1/runs/latest").await;
        assert_eq!(none.status, 404, "{}", db.name);
        assert_eq!(none.json(), json!({"detail": "No runs found"}));

        let started = Utc::now() - Duration::hours(2);
        let first = insert_run(
            &db.pool,
            &RunRecord {
                started_at: Some(started),
                finished_at: Some(started + Duration::minutes(3)),
                jobs_collected: 120,
                jobs_new: 30,
                jobs_updated: 80,
                jobs_filtered: 10,
                errors: 1,
                sources: Some("remoteok,remotive".into()),
                criteria: Some(json!({"query": "rust", "location": "Remote", "use_ai": false})),
                ..RunRecord::default()
            },
        )
        .await
        .unwrap();
        let second = insert_run(&db.pool, &RunRecord::default()).await.unwrap();
        assert!(second > first);

        let latest = app.get("/api/v1/runs/latest").await.json();
        assert_eq!(latest["run_id"], second);
        assert_eq!(latest["status"], "running");
        assert_eq!(latest["finished_at"], serde_json::Value::Null);
        assert_eq!(latest["criteria"], serde_json::Value::Null);

        let run = app.get(&format!("/api/v1/runs/{first}")).await.json();
        assert_eq!(run["status"], "finished", "{}", db.name);
        assert_eq!(run["jobs_collected"], 120);
        assert_eq!(run["jobs_new"], 30);
        assert_eq!(run["jobs_updated"], 80);
        assert_eq!(run["jobs_filtered"], 10);
        assert_eq!(run["errors"], 1);
        assert_eq!(run["sources"], "remoteok,remotive");
        assert_eq!(
            run["criteria"],
            json!({"query": "rust", "location": "Remote", "use_ai": false})
        );

        let missing = app.get("/api/v1/runs/999999").await;
        assert_eq!(missing.status, 404);
        assert_eq!(
            missing.json()["detail"],
            "Run 999999 not found. Total runs in DB: 2"
        );
        let huge = app.get("/api/v1/runs/99999999999").await;
        assert_eq!(
            huge.status, 404,
            "{}: ids beyond the column type simply do not exist",
            db.name
        );
        let bad = app.get("/api/v1/runs/abc").await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.json()["detail"][0]["loc"], json!(["path", "run_id"]));
    }
}

#[tokio::test]
async fn metrics_events_are_stored_and_always_204() {
    for db in TestDb::all().await {
        let app = TestApp::new(&db.pool, NO_CACHE).await;
        let body = json!({"event_name": "trust_report_generated", "properties": {"score": 80}, "distinct_id": "d1",
                          "path": "/apply", "client_ts": 1_764_000_000_000_i64});
        let response = app
            .send(Method::POST, "/api/v1/metrics/event", &[], Some(body))
            .await;
        assert_eq!(response.status, 204, "{}: {}", db.name, response.text());
        assert!(response.body.is_empty());
        let stored = jobscout::storage::analytics::count_events(&db.pool, "trust_report_generated")
            .await
            .unwrap();
        assert_eq!(stored, 1, "{}", db.name);

        let options = app
            .send(Method::OPTIONS, "/api/v1/metrics/event", &[], None)
            .await;
        assert_eq!(options.status, 204);

        let invalid = app
            .send(
                Method::POST,
                "/api/v1/metrics/event",
                &[],
                Some(json!({"event_name": ""})),
            )
            .await;
        assert_eq!(invalid.status, 422);
        assert_eq!(
            invalid.json()["detail"][0]["loc"],
            json!(["body", "event_name"])
        );

        let not_json = app
            .request(
                axum::http::Request::post("/api/v1/metrics/event")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{not json"))
                    .unwrap(),
            )
            .await;
        assert_eq!(not_json.status, 422);
        assert!(not_json.json()["detail"].is_array());
    }
}

#[tokio::test]
async fn storage_failures_still_answer_204_for_metrics() {
    let db = TestDb::sqlite_empty().await; // not migrated: the insert fails
    let app = TestApp::new(&db.pool, NO_CACHE).await;
    let response = app
        .send(
            Method::POST,
            "/api/v1/metrics/event",
            &[],
            Some(json!({"event_name": "page_view"})),
        )
        .await;
    assert_eq!(response.status, 204);
    // A query that fails is a 500 with a generic text, never the database's words.
    let jobs = app.get("/api/v1/jobs").await;
    assert_eq!(jobs.status, 500);
    assert_eq!(jobs.json(), json!({"detail": "Internal server error"}));
}

#[tokio::test]
async fn docs_and_openapi_are_served_offline() {
    let db = TestDb::sqlite_empty().await;
    let app = TestApp::new(&db.pool, NO_CACHE).await;
    let openapi = app.get("/openapi.json").await;
    assert_eq!(openapi.status, 200);
    let spec = openapi.json();
    for path in [
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/admin/stats",
        "/api/v1/runs/latest",
        "/api/v1/runs/{run_id}",
        "/api/v1/metrics/event",
        "/health",
        "/",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    let parameters: Vec<&str> = spec["paths"]["/api/v1/jobs"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        parameters,
        [
            "q",
            "location",
            "remote",
            "employment",
            "source",
            "posted_since",
            "min_score",
            "sort",
            "page",
            "page_size"
        ]
    );

    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text().contains("swagger-ui"), "{}", docs.text());
    assert!(
        !docs.text().contains("cdn"),
        "the UI must not load from a CDN"
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200, "Swagger UI assets are compiled in");
    assert!(bundle.body.len() > 100_000);
    // `/docs` itself answers 200 (the earlier deploy check warns on anything else),
    // with the same page, whose asset links point under `/docs/` from either URL.
    let page = app.get("/docs").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), docs.text());
    let html = page.text();
    let links: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.ends_with(".css") || part.ends_with(".js") || part.ends_with(".png"))
        .collect();
    assert!(links.len() >= 6, "{links:?}");
    for link in links {
        assert!(link.starts_with("/docs/"), "{link} in {html}");
        assert_eq!(app.get(link).await.status, 200, "{link}");
    }
    let initializer = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(initializer.status, 200);
    assert!(
        initializer.text().contains("/openapi.json"),
        "{}",
        initializer.text()
    );
    let missing = app.get("/docs/no-such-file.js").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({"detail": "Not Found"}));
}

#[tokio::test]
async fn cors_matches_the_earlier_backend() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(
        &db.pool,
        &[("JOBSCOUT_CORS_ORIGINS", "https://app.example")],
    )
    .await;

    // Preflight from an allowed origin.
    let preflight = app
        .send(
            Method::OPTIONS,
            "/api/v1/jobs",
            &[
                ("origin", "https://app.example"),
                ("access-control-request-method", "GET"),
                (
                    "access-control-request-headers",
                    "authorization,content-type",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(
        preflight.headers["access-control-allow-credentials"],
        "true"
    );
    assert_eq!(
        preflight.headers["access-control-allow-headers"],
        "authorization,content-type"
    );
    assert!(preflight.headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("PUT"));

    // Preflight from an unknown origin.
    let refused = app
        .send(
            Method::OPTIONS,
            "/api/v1/jobs",
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "GET"),
            ],
            None,
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.headers.get("access-control-allow-origin").is_none());

    // Plain OPTIONS from an allowed origin (no preflight headers): 204.
    let options = app
        .send(
            Method::OPTIONS,
            "/api/v1/jobs",
            &[("origin", "chrome-extension://abcdefghijklmnop")],
            None,
        )
        .await;
    assert_eq!(options.status, 204);
    assert_eq!(
        options.headers["access-control-allow-origin"],
        "chrome-extension://abcdefghijklmnop"
    );
    assert_eq!(options.headers["access-control-max-age"], "86400");

    // Actual requests, successful and failing, carry the headers.
    for (uri, status) in [
        ("/api/v1/jobs", 200),
        ("/api/v1/jobs?page_size=99", 422),
        ("/api/v1/nope", 404),
    ] {
        let response = app
            .send(
                Method::GET,
                uri,
                &[("origin", "https://jobiqueue.com")],
                None,
            )
            .await;
        assert_eq!(response.status, status, "{uri}");
        assert_eq!(
            response.headers["access-control-allow-origin"], "https://jobiqueue.com",
            "{uri}"
        );
        assert_eq!(
            response.headers["access-control-allow-credentials"], "true",
            "{uri}"
        );
        assert!(response.headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("Retry-After"));
    }
    let foreign = app
        .send(
            Method::GET,
            "/api/v1/jobs",
            &[("origin", "https://evil.example")],
            None,
        )
        .await;
    assert_eq!(foreign.status, 200);
    assert!(foreign.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn errors_are_json_everywhere_and_responses_compress() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    seed::seed(&db.pool).await;
    let app = TestApp::new(&db.pool, NO_CACHE).await;
    let missing = app.get("/no/such/route").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({"detail": "Not Found"}));
    let wrong_method = app.send(Method::DELETE, "/api/v1/jobs", &[], None).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.json(), json!({"detail": "Method Not Allowed"}));

    let compressed = app
        .send(
            Method::GET,
            "/api/v1/jobs",
            &[("accept-encoding", "gzip")],
            None,
        )
        .await;
    assert_eq!(compressed.status, 200);
    assert_eq!(compressed.headers["content-encoding"], "gzip");
    let brotli = app
        .send(
            Method::GET,
            "/api/v1/jobs",
            &[("accept-encoding", "br")],
            None,
        )
        .await;
    assert_eq!(brotli.headers["content-encoding"], "br");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(&db.pool, &[("JOBSCOUT_MAX_BODY_BYTES", "2048")]).await;
    let big = json!({"event_name": "x", "properties": {"blob": "y".repeat(10_000)}});
    let response = app
        .send(Method::POST, "/api/v1/metrics/event", &[], Some(big))
        .await;
    assert_eq!(response.status, 413);
    assert!(response.json()["detail"].is_string());
}

#[tokio::test]
async fn prometheus_metrics_count_requests_by_route() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(&db.pool, NO_CACHE).await;
    for _ in 0..3 {
        app.get("/api/v1/jobs/000000000000000000000000").await;
    }
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    assert!(
        text.lines()
            .any(|line| line.starts_with("jobscout_http_requests_total")
                && line.contains("route=\"/api/v1/jobs/{job_id}\"")
                && line.contains("status=\"404\"")),
        "{text}"
    );
    assert!(
        text.contains("jobscout_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("jobscout_db_pool_connections"), "{text}");
}
