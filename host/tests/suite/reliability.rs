//! Database trouble on either engine. No acknowledged write is ever lost: reads
//! that fail or are cancelled half-way never leave a pooled connection inside a
//! transaction, where the next request's writes would be answered 200 and then
//! rolled back. A database that goes away, breaks a connection, turns read-only or
//! fills its disk is a fast 503 with `Retry-After`, and `/health` follows it both ways.

use crate::common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::Method;
use common::db_proxy::DbProxy;
use common::fake_supabase::FakeSupabase;
use common::{TestApp, TestDb};
use jobscout::config::DatabaseTarget;
use jobscout::storage::jobs::{self, JobFilter, JobSort};
use jobscout::storage::{self, Pool};
use serde_json::json;
use uuid::Uuid;

/// A small xorshift sequence: cancellation points that differ from one read to the next.
fn next_random(state: &AtomicU64) -> u64 {
    let mut x = state.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    state.store(x, Ordering::Relaxed);
    x
}

/// Reads that fail inside the database (a NUL byte PostgreSQL refuses) or are dropped
/// at a random point, as a client that hangs up or a sibling query that fails does.
async fn hostile_reads(app: &TestApp, pool: &Pool, stop: &AtomicBool, seed: u64) -> u64 {
    let random = AtomicU64::new(seed | 1);
    let mut reads = 0;
    while !stop.load(Ordering::Relaxed) {
        reads += 1;
        // Through the API, as the fuzzer sent them (refused at the edge or failing in SQL).
        let _ = app.get("/api/v1/jobs?q=rust&location=%00").await;
        let _ = app
            .get("/api/v1/jobs?q=engineer&posted_since=3000000")
            .await;
        // Straight at storage, so the failing query runs whatever the edge accepts.
        let failing = JobFilter {
            q: Some("rust".into()),
            location: Some("\0".into()),
            ..JobFilter::default()
        };
        let _ = jobs::list_jobs(pool, &failing, JobSort::Relevance, 1, 20).await;
        // Dropped mid-flight: a count in its transaction, a page, a plan lookup.
        let searching = JobFilter {
            q: Some(["rust", "engineer", "remote", "data"][(reads % 4) as usize].into()),
            ..JobFilter::default()
        };
        let after = Duration::from_micros(next_random(&random) % 3_000);
        let _ = tokio::time::timeout(
            after,
            jobs::list_jobs(pool, &searching, JobSort::Relevance, 1, 20),
        )
        .await;
    }
    reads
}

/// Signed-in users saving searches; returns the ids the API acknowledged with a 200.
async fn acknowledged_writes(app: &TestApp, fake: &FakeSupabase, writes: usize) -> Vec<String> {
    let mut acknowledged = Vec::new();
    for index in 0..writes {
        let token = format!(
            "Bearer {}",
            fake.token(Uuid::new_v4(), &format!("writer{index}@example.com"), 600)
        );
        let response = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &[("authorization", token.as_str())],
                Some(json!({"query": format!("rust {index}")})),
            )
            .await;
        if response.status == 200 {
            acknowledged.push(response.json()["search_id"].as_str().unwrap().to_string());
        }
    }
    acknowledged
}

async fn stored_search_ids(pool: &Pool) -> Vec<String> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar("SELECT search_id FROM saved_searches")
            .fetch_all(pool)
            .await
            .unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar("SELECT search_id::text FROM saved_searches")
            .fetch_all(pool)
            .await
            .unwrap(),
    }
}

/// Server-side sessions of this test's database that sit inside a transaction.
async fn sessions_in_transaction(pool: &Pool) -> i64 {
    let Pool::Postgres(pool) = pool else {
        return 0;
    };
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid() AND state IN ('idle in transaction', 'idle in transaction (aborted)')",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Saved-search ids as a fresh connection (not one of the pool's) sees them:
/// committed rows only.
async fn committed_search_ids(db: &TestDb) -> Vec<String> {
    use sqlx::Connection as _;
    match &db.pool {
        Pool::Sqlite(_) => {
            let mut connection = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar("SELECT search_id FROM saved_searches")
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        Pool::Postgres(_) => {
            let mut connection = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar("SELECT search_id::text FROM saved_searches")
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    }
}

/// Every connection of the pool begins a transaction behind sqlx's back (on
/// PostgreSQL one of them also fails a statement, aborting it) and goes back to the
/// pool: what a request dropped at the wrong moment leaves behind.
async fn leave_transactions_open(pool: &Pool) {
    match pool {
        Pool::Sqlite(pool) => {
            let mut held = Vec::new();
            for _ in 0..4 {
                let mut connection = pool.acquire().await.unwrap();
                sqlx::raw_sql("BEGIN")
                    .execute(&mut *connection)
                    .await
                    .unwrap();
                held.push(connection);
            }
        }
        Pool::Postgres(pool) => {
            let mut held = Vec::new();
            for index in 0..4 {
                let mut connection = pool.acquire().await.unwrap();
                sqlx::raw_sql("BEGIN")
                    .execute(&mut *connection)
                    .await
                    .unwrap();
                if index == 0 {
                    let _ = sqlx::raw_sql("SELECT 1/0").execute(&mut *connection).await;
                }
                held.push(connection);
            }
        }
    }
}

/// The server-side process of each connection a run of queries used.
async fn backend_pids(pool: &Pool, queries: usize) -> std::collections::HashSet<i64> {
    let mut pids = std::collections::HashSet::new();
    for _ in 0..queries {
        let pid: i64 = match pool {
            Pool::Sqlite(_) => return pids,
            Pool::Postgres(pool) => sqlx::query_scalar("SELECT pg_backend_pid()::bigint")
                .fetch_one(pool)
                .await
                .unwrap(),
        };
        pids.insert(pid);
    }
    pids
}

#[tokio::test]
async fn a_connection_released_cleanly_is_used_again() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    // The pool holds at most 4; closing each after its query would open 50.
    let pids = backend_pids(&db.pool, 50).await;
    assert!(
        pids.len() <= 4,
        "{} connections for 50 queries in a row",
        pids.len()
    );
}

#[tokio::test]
async fn a_connection_released_inside_a_transaction_never_serves_another_request() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = TestApp::signed_in_through(&db.pool, &fake, &[]).await;
        leave_transactions_open(&db.pool).await;
        // Connections go back to the pool in background tasks; let them arrive.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let acknowledged = acknowledged_writes(&app, &fake, 8).await;
        assert_eq!(
            acknowledged.len(),
            8,
            "{}: every write answered 200",
            db.name
        );
        let committed = committed_search_ids(&db).await;
        for id in &acknowledged {
            assert!(
                committed.contains(id),
                "{}: acknowledged write {id} is not committed",
                db.name
            );
        }
        assert_eq!(sessions_in_transaction(&db.pool).await, 0, "{}", db.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failing_and_cancelled_reads_never_lose_acknowledged_writes() {
    let fake = Arc::new(FakeSupabase::start().await);
    for db in TestDb::all().await {
        common::seed::seed(&db.pool).await;
        // Cache off: every read reaches the database.
        let app = Arc::new(
            TestApp::signed_in_through(&db.pool, &fake, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")])
                .await,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let mut attackers = Vec::new();
        for seed in 1..=3u64 {
            let (app, stop, pool) = (app.clone(), stop.clone(), db.pool.clone());
            attackers.push(tokio::spawn(async move {
                hostile_reads(&app, &pool, &stop, seed * 7919).await
            }));
        }
        let mut writers = Vec::new();
        for _ in 0..3 {
            let (app, fake) = (app.clone(), fake.clone());
            writers.push(tokio::spawn(async move {
                acknowledged_writes(&app, &fake, 40).await
            }));
        }
        let mut acknowledged = Vec::new();
        for writer in writers {
            acknowledged.extend(writer.await.unwrap());
        }
        stop.store(true, Ordering::Relaxed);
        let mut reads = 0;
        for attacker in attackers {
            reads += attacker.await.unwrap();
        }
        assert!(reads > 10, "{}: the attack ran ({reads} rounds)", db.name);
        assert!(
            acknowledged.len() >= 60,
            "{}: most writes were acknowledged ({} of 120)",
            db.name,
            acknowledged.len()
        );
        // Connections go back to the pool in background tasks; let them settle.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let stored = stored_search_ids(&db.pool).await;
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !stored.contains(id))
            .collect();
        assert!(
            lost.is_empty(),
            "{}: {} of {} acknowledged writes are missing: {lost:?}",
            db.name,
            lost.len(),
            acknowledged.len()
        );
        assert_eq!(
            sessions_in_transaction(&db.pool).await,
            0,
            "{}: a pooled connection was left inside a transaction",
            db.name
        );
    }
}

/// The `host:port` of a PostgreSQL URL.
fn server_address(url: &str) -> SocketAddr {
    let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
    let host_port = authority.rsplit('@').next().unwrap();
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    host_port
        .replace("localhost", "127.0.0.1")
        .parse()
        .expect("a numeric host in JOBSCOUT_TEST_POSTGRES_URL")
}

async fn health_of(app: &TestApp) -> serde_json::Value {
    let response = app.get("/health").await;
    assert_eq!(response.status, 200);
    response.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_goes_away_is_a_fast_503_and_health_follows_it_both_ways() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&db.pool).await.unwrap();
    common::seed::seed(&db.pool).await;
    let proxy = DbProxy::start(server_address(&db.url)).await;
    let target = DatabaseTarget::Postgres(proxy.url_for(&db.url));
    let pool = storage::connect(&target, 4, Duration::from_millis(500))
        .await
        .unwrap();
    let app = TestApp::new(&pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    assert_eq!(health_of(&app).await["status"], "healthy");
    assert_eq!(app.get("/api/v1/jobs").await.status, 200);

    proxy.stop();
    let started = Instant::now();
    let response = app.get("/api/v1/jobs").await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert!(response.headers.contains_key("retry-after"));
    assert!(
        response.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("Database"),
        "{}",
        response.text()
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered after {:?}",
        started.elapsed()
    );

    // The request's trouble makes the next /health check live: degraded at once.
    let health = health_of(&app).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"]["state"], "unavailable", "{health}");
    // Known to be down: no request waits for a connection any more.
    let started = Instant::now();
    let response = app.get("/api/v1/jobs?page=2").await;
    assert_eq!(response.status, 503);
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "answered after {:?}",
        started.elapsed()
    );

    proxy.resume().await;
    // Healthy on the first good check, and serving again.
    let health = health_of(&app).await;
    assert_eq!(health["status"], "healthy", "{health}");
    assert_eq!(app.get("/api/v1/jobs").await.status, 200);
}

/// Waits until a session of this database waits for a lock, and ends it as an
/// administrator (or a crashing server) would.
async fn terminate_the_waiting_session(pool: &Pool) {
    let Pool::Postgres(pool) = pool else {
        unreachable!()
    };
    for _ in 0..500 {
        let ended: Option<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' LIMIT 1",
        )
        .fetch_optional(pool)
        .await
        .unwrap();
        if ended == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no session waited for the lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_connection_repeats_a_read_and_never_a_write() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&db.pool).await.unwrap();
    common::seed::seed(&db.pool).await;
    let fake = FakeSupabase::start().await;
    let app = Arc::new(
        TestApp::signed_in_through(&db.pool, &fake, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await,
    );
    let Pool::Postgres(pg) = &db.pool else {
        unreachable!()
    };

    // A read whose connection is ended under it is asked again and answered.
    let mut lock = pg.begin().await.unwrap();
    sqlx::query("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let reader = {
        let app = app.clone();
        tokio::spawn(async move { app.get("/api/v1/jobs").await })
    };
    terminate_the_waiting_session(&db.pool).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    lock.commit().await.unwrap();
    let response = reader.await.unwrap();
    assert_eq!(response.status, 200, "{}", response.text());

    // A write whose connection is ended under it is a 503, and is not written behind
    // the client's back once the database is free again.
    let token = format!(
        "Bearer {}",
        fake.token(Uuid::new_v4(), "writer@example.com", 600)
    );
    assert_eq!(
        app.send(
            Method::GET,
            "/api/v1/saved-searches",
            &[("authorization", token.as_str())],
            None
        )
        .await
        .status,
        200
    );
    let mut lock = pg.begin().await.unwrap();
    sqlx::query("LOCK TABLE saved_searches IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let writer = {
        let app = app.clone();
        let token = token.clone();
        tokio::spawn(async move {
            app.send(
                Method::POST,
                "/api/v1/saved-searches",
                &[("authorization", token.as_str())],
                Some(json!({"query": "rust"})),
            )
            .await
        })
    };
    terminate_the_waiting_session(&db.pool).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    lock.commit().await.unwrap();
    let response = writer.await.unwrap();
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(response.headers["retry-after"], "1");
    assert_eq!(
        response.json()["detail"],
        "Database connection lost; try again shortly"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(common::count_rows(&db.pool, "saved_searches").await, 0);
}

#[tokio::test]
async fn a_read_only_sqlite_database_serves_reads_and_says_so() {
    let db = TestDb::sqlite_empty().await;
    storage::migrate(&db.pool).await.unwrap();
    common::seed::seed(&db.pool).await;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db.sqlite_path().unwrap())
        .read_only(true);
    let read_only = Pool::Sqlite(
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap(),
    );
    let fake = FakeSupabase::start().await;
    let app = TestApp::signed_in_through(&read_only, &fake, &[]).await;

    let health = health_of(&app).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"]["state"], "read_only", "{health}");
    assert_eq!(app.get("/api/v1/jobs").await.status, 200);
    // A signed-in user's first request would write their row; their reads still work.
    let token = format!(
        "Bearer {}",
        fake.token(Uuid::new_v4(), "reader@example.com", 600)
    );
    let auth = [("authorization", token.as_str())];
    let response = app
        .send(Method::GET, "/api/v1/saved-searches", &auth, None)
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let response = app
        .send(
            Method::POST,
            "/api/v1/saved-searches",
            &auth,
            Some(json!({"query": "rust"})),
        )
        .await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(response.headers["retry-after"], "30");
    assert_eq!(
        response.json()["detail"],
        "Database is read-only; changes cannot be saved right now"
    );
}

/// A small tmpfs, or `None` where this process may not mount (not root).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            eprintln!("skipping: cannot mount a small tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk { dir })
    }

    /// Writes a file until the disk has no room left.
    fn fill(&self) {
        use std::io::Write as _;
        let mut filler = std::fs::File::create(self.dir.path().join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.flush();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_serves_reads_refuses_writes_and_says_so() {
    let Some(disk) = SmallDisk::mount(8 * 1024 * 1024) else {
        return;
    };
    let path = disk.dir.path().join("jobscout.db");
    let pool = storage::connect(&DatabaseTarget::Sqlite(path), 2, Duration::from_secs(2))
        .await
        .unwrap();
    storage::migrate(&pool).await.unwrap();
    common::seed::seed(&pool).await;
    let fake = FakeSupabase::start().await;
    let app =
        TestApp::signed_in_through(&pool, &fake, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
    let token = format!(
        "Bearer {}",
        fake.token(Uuid::new_v4(), "writer@example.com", 600)
    );
    let auth = [("authorization", token.as_str())];
    assert_eq!(
        app.send(Method::GET, "/api/v1/saved-searches", &auth, None)
            .await
            .status,
        200
    );
    disk.fill();

    let mut refused = None;
    for index in 0..200 {
        let response = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({"query": format!("rust {index} {}", "x".repeat(200))})),
            )
            .await;
        if response.status != 200 {
            refused = Some(response);
            break;
        }
        // The free-plan limit would refuse before the disk does: make room.
        let id = response.json()["search_id"].as_str().unwrap().to_string();
        let _ = app
            .send(
                Method::DELETE,
                &format!("/api/v1/saved-searches/{id}"),
                &auth,
                None,
            )
            .await;
    }
    let refused = refused.expect("a write on a full disk is refused");
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(
        refused.json()["detail"],
        "Database disk is full; changes cannot be saved right now"
    );
    let health = health_of(&app).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"]["state"], "disk_full", "{health}");
    assert_eq!(app.get("/api/v1/jobs").await.status, 200);
    pool.close().await;
}
