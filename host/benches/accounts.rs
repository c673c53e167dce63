//! `GET /api/v1/apply/quota` through the real router for a paid user in credit
//! mode whose credit ledger holds 1 000 rows (and 300 usage rows), on embedded
//! SQLite and on PostgreSQL; figures go to BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench accounts` (`BENCH_ITERATIONS` sets
//! the sequential requests, default 2 000; `BENCH_POSTGRES_URL` the server, by
//! default the developer machines' `postgres://postgres@127.0.0.1:5432/test`, in
//! which a scratch database is created and dropped). Prints p50/p99 of one request
//! (token check, plan, both ledgers, the response) and the requests per second of
//! 4 concurrent clients for 3 s. Then Paddle's webhook for the same user:
//! p50/p99 of one signed delivery (signature check, parse, user match, the
//! transaction with its grant or state change) and of a duplicate delivery, and
//! the deliveries per second of 4 concurrent senders of distinct events.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Utc;
use jobscout::config::{DatabaseTarget, Settings};
use jobscout::http::{router, AppState};
use jobscout::plugins::PluginHost;
use jobscout::storage::accounts::{self, CreditEntry};
use jobscout::storage::{Database, Pool};
use jobscout::telemetry::Telemetry;
use serde_json::json;
use tower::ServiceExt;
use uuid::Uuid;

const SECRET: &str = "bench-jwt-secret-0123456789abcdef0123456789abcdef";
const LEDGER_ROWS: usize = 1_000;
const USAGE_ROWS: usize = 300;

fn token(user_id: Uuid) -> String {
    let now = Utc::now().timestamp();
    let claims = json!({"sub": user_id.to_string(), "email": "bench@example.com",
        "aud": "authenticated", "role": "authenticated", "iat": now, "exp": now + 3_600});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * fraction).round() as usize]
}

/// A paid user with `LEDGER_ROWS` credit rows (grants, spends, some expiring or
/// not yet available) and `USAGE_ROWS` usage rows.
async fn seed(pool: &Pool, user_id: Uuid) {
    jobscout::storage::users::upsert_user(pool, user_id, Some("bench@example.com"))
        .await
        .unwrap();
    jobscout::storage::users::set_plan(pool, user_id, "monthly_pro")
        .await
        .unwrap();
    let now = Utc::now();
    for n in 0..LEDGER_ROWS {
        let grant = n % 2 == 0;
        let entry = CreditEntry {
            delta_credits: if grant { 30 } else { -10 },
            reason: if grant { "plan_grant" } else { "spend" },
            feature: (!grant).then(|| "apply_pack".to_string()),
            idempotency_key: format!("bench:{user_id}:{n}"),
            metadata: None,
            available_at: (n % 10 == 0).then(|| now + chrono::Duration::days(30)),
            expires_at: (n % 7 == 0).then(|| now + chrono::Duration::days(3 + n as i64 % 40)),
        };
        accounts::add_credits(
            pool,
            user_id,
            &entry,
            now - chrono::Duration::days(n as i64 % 60),
        )
        .await
        .unwrap();
    }
    for n in 0..USAGE_ROWS {
        let at = now - chrono::Duration::hours(n as i64 * 5);
        accounts::record_usage(pool, user_id, "docx_export", None, at)
            .await
            .unwrap();
    }
}

async fn run(label: &str, target: DatabaseTarget, iterations: usize) {
    let mut pairs = vec![
        (
            "JOBSCOUT_PLUGINS_FILE".to_string(),
            "/nonexistent/bench-plugins.toml".to_string(),
        ),
        (
            "JOBSCOUT_SUPABASE_JWT_SECRET".to_string(),
            SECRET.to_string(),
        ),
        (
            "JOBSCOUT_RATE_LIMIT_USER_PER_MINUTE".to_string(),
            "1000000".to_string(),
        ),
        ("JOBSCOUT_LOG".to_string(), "warn".to_string()),
        (
            "JOBSCOUT_PADDLE_WEBHOOK_SECRET".to_string(),
            WEBHOOK_SECRET.to_string(),
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_PRO".to_string(),
            "pri_bench_monthly_pro".to_string(),
        ),
    ];
    match &target {
        DatabaseTarget::Sqlite(path) => {
            pairs.push(("JOBSCOUT_SQLITE_PATH".into(), path.display().to_string()))
        }
        DatabaseTarget::Postgres(url) => pairs.push(("JOBSCOUT_DATABASE_URL".into(), url.clone())),
    }
    let settings = Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .into_result()
        .expect("settings");
    let pool = jobscout::storage::connect(&target, 8, Duration::from_secs(5))
        .await
        .unwrap();
    jobscout::storage::migrate(&pool).await.unwrap();
    let user_id = Uuid::new_v4();
    seed(&pool, user_id).await;
    let plugins = PluginHost::start(&settings).await;
    let state = AppState::new(
        Arc::new(settings),
        Database::ready(pool),
        plugins,
        Telemetry::global(),
    );
    let app = router(state);
    let authorization = format!("Bearer {}", token(user_id));
    let request = || {
        Request::get("/api/v1/apply/quota")
            .header(header::AUTHORIZATION, &authorization)
            .body(Body::empty())
            .unwrap()
    };
    let first = app.clone().oneshot(request()).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let body = axum::body::to_bytes(first.into_body(), usize::MAX)
        .await
        .unwrap();
    let quota: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(quota["credits_enabled"], true, "{quota}");

    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let response = app.clone().oneshot(request()).await.unwrap();
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        samples.push(started.elapsed());
    }
    let p50 = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);

    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let app = app.clone();
            let done = done.clone();
            let authorization = authorization.clone();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let request = Request::get("/api/v1/apply/quota")
                        .header(header::AUTHORIZATION, &authorization)
                        .body(Body::empty())
                        .unwrap();
                    let response = app.clone().oneshot(request).await.unwrap();
                    assert_eq!(response.status(), StatusCode::OK);
                    let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    println!(
        "{label:<11} GET /apply/quota, {LEDGER_ROWS} ledger rows: p50 {:.2} ms, p99 {:.2} ms; 4 clients: {:.0} req/s",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        done.load(Ordering::Relaxed) as f64 / 3.0
    );
    webhooks(label, &app, user_id, iterations).await;
}

const WEBHOOK_SECRET: &str = "pdl_ntfset_bench_secret";

/// The n-th distinct event for `user_id`: renewals (a new billing period, so a
/// new grant) alternating with subscription updates (a newer state).
fn event(user_id: Uuid, n: u64) -> Vec<u8> {
    let start = Utc::now() - chrono::Duration::days(3_000) + chrono::Duration::minutes(n as i64);
    let at = start.to_rfc3339();
    let body = if n.is_multiple_of(2) {
        json!({"event_id": format!("evt_bench_{user_id}_{n}"), "event_type": "transaction.completed",
            "occurred_at": at, "data": {"id": format!("txn_bench_{n}"), "status": "completed",
            "customer_id": "ctm_bench", "subscription_id": "sub_bench",
            "custom_data": {"user_id": user_id, "plan": "monthly_pro", "is_topup": false},
            "billing_period": {"starts_at": at, "ends_at": at},
            "items": [{"price": {"id": "pri_bench_monthly_pro"}, "quantity": 1}]}})
    } else {
        json!({"event_id": format!("evt_bench_{user_id}_{n}"), "event_type": "subscription.updated",
            "occurred_at": at, "data": {"id": "sub_bench", "status": "active",
            "customer_id": "ctm_bench", "scheduled_change": null,
            "custom_data": {"user_id": user_id},
            "items": [{"price": {"id": "pri_bench_monthly_pro"}, "quantity": 1}]}})
    };
    body.to_string().into_bytes()
}

fn delivery(body: Vec<u8>) -> Request<Body> {
    let signature =
        jobscout::apply::billing::signature::sign(WEBHOOK_SECRET, Utc::now().timestamp(), &body);
    Request::post("/api/v1/paddle/webhook")
        .header("paddle-signature", signature)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

async fn deliver(app: &axum::Router, body: Vec<u8>) -> Duration {
    let started = Instant::now();
    let response = app.clone().oneshot(delivery(body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
    started.elapsed()
}

async fn webhooks(label: &str, app: &axum::Router, user_id: Uuid, iterations: usize) {
    let iterations = iterations as u64 / 2;
    let mut fresh = Vec::new();
    for n in 0..iterations {
        fresh.push(deliver(app, event(user_id, n)).await);
    }
    let mut duplicates = Vec::new();
    for n in 0..iterations {
        duplicates.push(deliver(app, event(user_id, n)).await);
    }
    let next = Arc::new(AtomicU64::new(iterations));
    let deadline = Instant::now() + Duration::from_secs(3);
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let app = app.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut sent = 0_u64;
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    deliver(&app, event(user_id, n)).await;
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    let mut sent = 0;
    for sender in senders {
        sent += sender.await.unwrap();
    }
    println!(
        "{label:<11} POST /paddle/webhook: new event p50 {:.2} ms, p99 {:.2} ms; duplicate p50 {:.2} ms, p99 {:.2} ms; 4 senders: {:.0} events/s",
        percentile(&mut fresh, 0.5).as_secs_f64() * 1e3,
        percentile(&mut fresh, 0.99).as_secs_f64() * 1e3,
        percentile(&mut duplicates, 0.5).as_secs_f64() * 1e3,
        percentile(&mut duplicates, 0.99).as_secs_f64() * 1e3,
        sent as f64 / 3.0
    );
}

#[tokio::main]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2_000);
    println!(
        "accounts benchmarks ({iterations} sequential requests; machine: {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = tempfile::tempdir().unwrap();
    run(
        "SQLite",
        DatabaseTarget::Sqlite(dir.path().join("bench.db")),
        iterations,
    )
    .await;

    let server = std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let scratch = format!("jobscout_bench_accounts_{}", std::process::id());
    let admin = match sqlx::PgPool::connect(&server).await {
        Ok(admin) => admin,
        Err(error) => {
            println!("PostgreSQL  skipped: cannot connect to {server}: {error}");
            return;
        }
    };
    sqlx::query(&format!("CREATE DATABASE {scratch}"))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!(
        "{}/{scratch}",
        server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base)
    );
    run("PostgreSQL", DatabaseTarget::Postgres(url), iterations).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
}
