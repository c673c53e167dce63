//! `jobscout-bench faults`: the server under a steady mix of reads and writes while
//! every database connection is killed at a fixed interval (PostgreSQL's
//! `pg_terminate_backend`, as a failover or an administrator would). Reports the
//! failed requests per kill, how long each kill took to recover from, and whether
//! any write the server acknowledged is missing afterwards (the target is none).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use jobscout::config::{DatabaseTarget, Settings};
use jobscout::http::AppState;
use jobscout::plugins::PluginHost;
use jobscout::storage::Database;
use jobscout::telemetry::Telemetry;
use serde_json::json;

const JWT_SECRET: &str = "jobscout-bench-faults-secret";
const WORDS: [&str; 8] = [
    "engineer", "rust", "remote", "data", "senior", "python", "manager", "designer",
];

/// One request's outcome, at the time its answer came (from the start of the run).
struct Outcome {
    answered_at: Duration,
    ok: bool,
}

#[derive(Default)]
struct Log {
    outcomes: Vec<Outcome>,
    acknowledged_ids: Vec<String>,
    statuses: std::collections::BTreeMap<String, usize>,
}

pub async fn run(seconds: u64, kill_every: u64, clients: usize) -> anyhow::Result<()> {
    let mut settings = Settings::load()
        .map_err(anyhow::Error::msg)?
        .into_result()
        .map_err(anyhow::Error::msg)?;
    let DatabaseTarget::Postgres(url) = settings.database.clone() else {
        anyhow::bail!("faults needs PostgreSQL: set JOBSCOUT_DATABASE_URL=postgres://…");
    };
    // Every read reaches the database, writes are signed in locally, nothing throttles.
    settings.jobs_cache_ttl = Duration::ZERO;
    settings.supabase_jwt_secret = Some(JWT_SECRET.to_string());
    settings.rate_limit_ip_per_minute = 0;
    settings.rate_limit_user_per_minute = 0;
    settings.plugins_file = "/nonexistent/jobscout-bench-plugins.toml".into();
    jobscout::telemetry::init_tracing(&settings);
    let (_trigger, shutdown) = jobscout::shutdown::channel();
    let db = Database::start(&settings, shutdown.clone());
    let ready = Instant::now();
    while db.pool().is_err() {
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(30),
            "database not ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let settings = Arc::new(settings);
    let plugins = PluginHost::start(&settings).await;
    let state = AppState::new(settings, db, plugins, Telemetry::global());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(jobscout::http::serve_on(listener, state, shutdown));

    let admin = {
        use sqlx::Connection as _;
        sqlx::PgConnection::connect(&url)
            .await
            .context("admin connection")?
    };
    let log = Arc::new(Mutex::new(Log::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (log, stop, base) = (log.clone(), stop.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            load(client, &base, &log, &stop, started).await
        }));
    }
    let kills = kill_loop(admin, seconds, kill_every, started).await?;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await??;
    }
    let log = Arc::into_inner(log).unwrap().into_inner().unwrap();
    report(&url, &log, &kills, started.elapsed()).await
}

/// Sends reads (three in four) and writes until `stop`: searches over varied words
/// and pages, and saved searches of fresh users (so each write also provisions a user).
async fn load(
    client: usize,
    base: &str,
    log: &Mutex<Log>,
    stop: &AtomicBool,
    started: Instant,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut sequence = client;
    while !stop.load(Ordering::Relaxed) {
        sequence += 7;
        let is_read = !sequence.is_multiple_of(4);
        let (ok, status, id) = if is_read {
            let url = format!(
                "{base}/api/v1/jobs?q={}&page={}",
                WORDS[sequence % WORDS.len()],
                1 + sequence % 5
            );
            match http.get(url).send().await {
                Ok(response) => {
                    let status = response.status();
                    let _ = response.bytes().await;
                    (status.is_success(), status.as_u16().to_string(), None)
                }
                Err(error) => (false, short_error(&error), None),
            }
        } else {
            let token = token_for(uuid::Uuid::new_v4())?;
            let response = http
                .post(format!("{base}/api/v1/saved-searches"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(json!({"query": format!("rust {sequence}")}).to_string())
                .send()
                .await;
            match response {
                Ok(response) => {
                    let status = response.status();
                    let body: serde_json::Value = match response.bytes().await {
                        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
                        Err(_) => serde_json::Value::Null,
                    };
                    let id = body["search_id"].as_str().map(str::to_string);
                    (
                        status.is_success() && id.is_some(),
                        status.as_u16().to_string(),
                        id,
                    )
                }
                Err(error) => (false, short_error(&error), None),
            }
        };
        let answered_at = started.elapsed();
        let mut log = log.lock().unwrap();
        log.outcomes.push(Outcome { answered_at, ok });
        let method = if is_read { "GET" } else { "POST" };
        *log.statuses
            .entry(format!("{method} {status}"))
            .or_default() += 1;
        log.acknowledged_ids.extend(id);
    }
    Ok(())
}

fn short_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timeout".into()
    } else {
        "connection error".into()
    }
}

fn token_for(user: uuid::Uuid) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": user.to_string(), "email": format!("{user}@bench.invalid"),
        "aud": "authenticated", "role": "authenticated", "iat": now, "exp": now + 3600,
    });
    Ok(jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )?)
}

/// Ends every other session of the database every `kill_every` seconds; returns
/// when each kill happened.
async fn kill_loop(
    mut admin: sqlx::PgConnection,
    seconds: u64,
    kill_every: u64,
    started: Instant,
) -> anyhow::Result<Vec<Duration>> {
    let mut kills = Vec::new();
    let end = Duration::from_secs(seconds);
    let every = Duration::from_secs(kill_every.max(1));
    let mut next = every;
    while started.elapsed() < end {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if kill_every == 0 || started.elapsed() < next {
            continue;
        }
        next += every;
        kills.push(started.elapsed());
        let ended: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended",
        )
        .fetch_one(&mut admin)
        .await?;
        eprintln!(
            "{:>6.2} s: ended {ended} sessions",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(kills)
}

async fn report(url: &str, log: &Log, kills: &[Duration], elapsed: Duration) -> anyhow::Result<()> {
    let failed = log.outcomes.iter().filter(|outcome| !outcome.ok).count();
    println!(
        "requests: {} in {:.1} s ({:.0}/s), failed: {failed}, kills: {}",
        log.outcomes.len(),
        elapsed.as_secs_f64(),
        log.outcomes.len() as f64 / elapsed.as_secs_f64(),
        kills.len()
    );
    println!("answers: {:?}", log.statuses);
    if !kills.is_empty() {
        println!(
            "failed requests per kill: {:.2}",
            failed as f64 / kills.len() as f64
        );
        // Recovery: from a kill to the last failed answer before the next kill.
        let mut recoveries: Vec<Duration> = kills
            .iter()
            .enumerate()
            .map(|(index, kill)| {
                let until = kills.get(index + 1).copied().unwrap_or(elapsed);
                log.outcomes
                    .iter()
                    .filter(|outcome| {
                        !outcome.ok && outcome.answered_at >= *kill && outcome.answered_at < until
                    })
                    .map(|outcome| outcome.answered_at - *kill)
                    .max()
                    .unwrap_or_default()
            })
            .collect();
        recoveries.sort();
        println!(
            "time to recover: median {:.1} ms, max {:.1} ms",
            recoveries[recoveries.len() / 2].as_secs_f64() * 1000.0,
            recoveries.last().unwrap().as_secs_f64() * 1000.0
        );
    }
    let stored: i64 = {
        use sqlx::Connection as _;
        let mut connection = sqlx::PgConnection::connect(url).await?;
        sqlx::query_scalar("SELECT count(*) FROM saved_searches WHERE search_id::text = ANY($1)")
            .bind(&log.acknowledged_ids)
            .fetch_one(&mut connection)
            .await?
    };
    let lost = log.acknowledged_ids.len() as i64 - stored;
    println!(
        "acknowledged writes: {}, lost: {lost}",
        log.acknowledged_ids.len()
    );
    anyhow::ensure!(lost == 0, "{lost} acknowledged writes are missing");
    Ok(())
}
