//! Scrape triggers: the admin run, the public scrape's guardrails under a concurrent
//! burst and its trusted-proxy rules, and the scheduler running each slot once
//! across two server processes that share one PostgreSQL database.

use crate::common;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use common::{TestApp, TestDb};
use jobscout::pipeline::service::Refusal;
use serde_json::json;

async fn wait_finished(app: &TestApp, run_id: i64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let run = app.get(&format!("/api/v1/runs/{run_id}")).await.json();
        if run["status"] != "running" || Instant::now() > deadline {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn admin_run_needs_the_token_and_starts_a_run() {
    for db in TestDb::all().await {
        let closed = TestApp::new(&db.pool, &[]).await;
        let response = closed
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", "Bearer x")],
                None,
            )
            .await;
        assert_eq!(
            response.status, 503,
            "no token configured: admin routes are closed"
        );

        let app = TestApp::new(
            &db.pool,
            &[
                ("JOBSCOUT_ADMIN_TOKEN", "s3cret"),
                ("JOBSCOUT_DEFAULT_SEARCH_QUERY", "automation engineer"),
            ],
        )
        .await;
        assert_eq!(
            app.send(Method::POST, "/api/v1/admin/run", &[], None)
                .await
                .status,
            401
        );
        let wrong = app
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", "Bearer nope")],
                None,
            )
            .await;
        assert_eq!(wrong.status, 403);
        assert_eq!(wrong.json()["detail"], "Invalid admin token");

        let started = app
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", "Bearer s3cret")],
                Some(json!({"query": "automation engineer", "location": "Remote", "use_ai": true})),
            )
            .await;
        assert_eq!(started.status, 200, "{}", started.text());
        let body = started.json();
        assert_eq!(body["status"], "started");
        assert_eq!(body["message"], "Scrape run queued");
        let run = wait_finished(&app, body["run_id"].as_i64().unwrap()).await;
        assert_eq!(run["status"], "finished", "{}: {run}", db.name);
        assert_eq!(
            run["criteria"],
            json!({"query": "automation engineer", "location": "Remote", "use_ai": false}),
            "AI forced off"
        );

        // An empty body takes the defaults.
        let defaults = app
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", "Bearer s3cret")],
                None,
            )
            .await;
        let run = wait_finished(&app, defaults.json()["run_id"].as_i64().unwrap()).await;
        assert_eq!(run["criteria"]["query"], "automation engineer");
        assert_eq!(
            run["criteria"]["location"], "Remote",
            "the default location"
        );

        // An explicit empty location means none.
        let anywhere = app
            .send(
                Method::POST,
                "/api/v1/admin/run",
                &[("authorization", "Bearer s3cret")],
                Some(json!({"query": "rust", "location": ""})),
            )
            .await;
        let run = wait_finished(&app, anywhere.json()["run_id"].as_i64().unwrap()).await;
        assert!(run["criteria"]["location"].is_null(), "{run}");
    }
}

#[tokio::test]
async fn public_scrape_is_off_by_default_and_validates() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let off = TestApp::new(&db.pool, &[]).await;
    let response = off
        .send(
            Method::POST,
            "/api/v1/scrape",
            &[],
            Some(json!({"query": "rust"})),
        )
        .await;
    assert_eq!(response.status, 404);

    let on = TestApp::new(&db.pool, &[("JOBSCOUT_PUBLIC_SCRAPE_ENABLED", "true")]).await;
    for bad in [
        json!({"query": "r"}),
        json!({"query": "x".repeat(121)}),
        json!({}),
        json!({"query": 5}),
    ] {
        let response = on
            .send(Method::POST, "/api/v1/scrape", &[], Some(bad.clone()))
            .await;
        assert_eq!(response.status, 422, "{bad}");
        assert_eq!(
            response.json()["detail"][0]["loc"],
            json!(["body", "query"])
        );
    }
    let queued = on
        .send(
            Method::POST,
            "/api/v1/scrape",
            &[],
            Some(json!({"query": "rust", "use_ai": true})),
        )
        .await;
    assert_eq!(queued.status, 200);
    assert_eq!(queued.json()["status"], "queued");
    let run = wait_finished(&on, queued.json()["run_id"].as_i64().unwrap()).await;
    assert_eq!(run["criteria"]["use_ai"], false);
    assert_eq!(
        run["criteria"]["location"], "Remote",
        "the public default location"
    );
}

#[tokio::test]
async fn guardrails_are_exact_under_a_concurrent_burst() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_PUBLIC_SCRAPE_MAX_CONCURRENT", "5"),
            ("JOBSCOUT_PUBLIC_SCRAPE_RATE_LIMIT_PER_HOUR", "8"),
        ],
    )
    .await;
    let service = app.state.scrapes.clone();
    let client: IpAddr = "198.51.100.1".parse().unwrap();

    // 20 at once, holding what they get: exactly 5 slots; the rest are capacity refusals.
    let burst = |count: usize| {
        let service = service.clone();
        async move {
            let barrier = Arc::new(tokio::sync::Barrier::new(count));
            let tasks: Vec<_> = (0..count)
                .map(|_| {
                    let service = service.clone();
                    let barrier = barrier.clone();
                    tokio::spawn(async move {
                        barrier.wait().await;
                        service.reserve_public(client)
                    })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        }
    };
    let first = burst(20).await;
    let granted = first.iter().filter(|result| result.is_ok()).count();
    assert_eq!(granted, 5);
    assert!(first
        .iter()
        .filter_map(|result| result.as_ref().err())
        .all(|refusal| matches!(refusal, Refusal::Capacity { .. })));
    drop(first); // the runs end: slots free again

    // The client has 3 of its 8 hourly scrapes left: exactly 3 more get through.
    let second = burst(10).await;
    assert_eq!(second.iter().filter(|result| result.is_ok()).count(), 3);
    let rate_limited: Vec<u64> = second
        .iter()
        .filter_map(|result| match result {
            Err(Refusal::RateLimited {
                retry_after_seconds,
            }) => Some(*retry_after_seconds),
            _ => None,
        })
        .collect();
    assert!(!rate_limited.is_empty());
    assert!(rate_limited
        .iter()
        .all(|seconds| (1..=3600).contains(seconds)));
    drop(second);

    // Another client is unaffected.
    assert!(service
        .reserve_public("198.51.100.2".parse().unwrap())
        .is_ok());
}

fn scrape_request(peer: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut builder = Request::post("/api/v1/scrape").header("content-type", "application/json");
    if let Some(value) = forwarded_for {
        builder = builder.header("x-forwarded-for", value);
    }
    let mut request = builder
        .body(Body::from(json!({"query": "rust"}).to_string()))
        .unwrap();
    let address: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(address));
    request
}

#[tokio::test]
async fn the_client_ip_comes_from_forwarded_for_only_behind_trusted_proxies() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_PUBLIC_SCRAPE_ENABLED", "true"),
            ("JOBSCOUT_PUBLIC_SCRAPE_MAX_CONCURRENT", "50"),
            ("JOBSCOUT_PUBLIC_SCRAPE_RATE_LIMIT_PER_HOUR", "1"),
            ("JOBSCOUT_TRUSTED_PROXIES", "10.9.9.9"),
        ],
    )
    .await;
    // Behind the trusted proxy, two different clients each get their own allowance.
    assert_eq!(
        app.request(scrape_request("10.9.9.9", Some("203.0.113.1")))
            .await
            .status,
        200
    );
    assert_eq!(
        app.request(scrape_request("10.9.9.9", Some("203.0.113.2")))
            .await
            .status,
        200
    );
    let again = app
        .request(scrape_request("10.9.9.9", Some("203.0.113.1")))
        .await;
    assert_eq!(again.status, 429);
    assert!(
        again.headers.contains_key("retry-after"),
        "Retry-After is kept on 429s"
    );
    assert!(again.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("Rate limit reached. Try again later"));
    // A forged left-most entry does not buy a fresh allowance.
    let forged = app
        .request(scrape_request("10.9.9.9", Some("1.1.1.1, 203.0.113.1")))
        .await;
    assert_eq!(forged.status, 429);
    // A client that is not a trusted proxy cannot pick its address with the header.
    assert_eq!(
        app.request(scrape_request("192.0.2.50", Some("203.0.113.77")))
            .await
            .status,
        200
    );
    assert_eq!(
        app.request(scrape_request("192.0.2.50", Some("203.0.113.78")))
            .await
            .status,
        429
    );
}

fn jobscout(dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jobscout"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.to_ascii_uppercase().starts_with("JOBSCOUT_") {
            command.env_remove(name);
        }
    }
    command
}

#[tokio::test]
async fn two_instances_on_one_postgres_run_each_scheduled_slot_once() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut servers: Vec<std::process::Child> = (0..2)
        .map(|_| {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            jobscout(dir.path())
                .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
                .env("JOBSCOUT_DATABASE_URL", &db.url)
                .env("JOBSCOUT_SCRAPE_INTERVAL_SECONDS", "2")
                .env("JOBSCOUT_SCHEDULED_QUERIES", "rust engineer")
                .env("JOBSCOUT_SCHEDULED_QUERIES_PER_RUN", "1")
                .env("JOBSCOUT_PLUGINS_FILE", "/nonexistent.toml")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(9)).await;
    for server in &mut servers {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status();
    }
    for server in &mut servers {
        let _ = server.wait();
    }
    let slots = jobscout::storage::scheduler::claimed_slots(&db.pool)
        .await
        .unwrap();
    assert!(slots.len() >= 2, "slots claimed: {slots:?}");
    let unique: std::collections::HashSet<_> = slots.iter().collect();
    assert_eq!(unique.len(), slots.len());
    let jobscout::storage::Pool::Postgres(pool) = &db.pool else {
        unreachable!()
    };
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM runs")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        runs as usize,
        slots.len(),
        "one run per slot (one query per tick), never two"
    );
    let queries: Vec<String> = sqlx::query_scalar("SELECT DISTINCT criteria->>'query' FROM runs")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(queries, ["rust engineer"]);
}
