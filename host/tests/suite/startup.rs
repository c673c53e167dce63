//! Start-up and the command line: best-effort database connection with background
//! reconnect, `check-config`, `migrate`, and `serve` stopping cleanly on SIGTERM.

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestApp;
use jobscout::config::Settings;
use jobscout::shutdown;
use jobscout::storage::Database;

async fn wait_for_state(app: &TestApp, wanted: &str, within: Duration) -> serde_json::Value {
    let deadline = Instant::now() + within;
    loop {
        let health = app.get("/health").await.json();
        if health["database"]["state"] == wanted || Instant::now() > deadline {
            return health;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_unusable_sqlite_path_degrades_instead_of_failing() {
    let settings = Settings::from_pairs([
        (
            "JOBSCOUT_SQLITE_PATH",
            "/proc/jobscout-cannot-write-here/j.db",
        ),
        ("JOBSCOUT_PLUGINS_FILE", "/nonexistent.toml"),
    ])
    .into_result()
    .unwrap();
    let (_trigger, signal) = shutdown::channel();
    let app = TestApp::with_database(Database::start(&settings, signal), settings).await;
    let health = wait_for_state(&app, "unavailable", Duration::from_secs(10)).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"]["state"], "unavailable", "{health}");
    assert!(
        health["database"]["error"]
            .as_str()
            .unwrap()
            .contains("jobscout-cannot-write-here"),
        "{health}"
    );
    let jobs = app.get("/api/v1/jobs").await;
    assert_eq!(jobs.status, 503);
    assert_eq!(
        jobs.json()["detail"],
        "Database unavailable; try again shortly"
    );
}

#[tokio::test]
async fn postgres_outage_at_start_recovers_in_the_background() {
    use sqlx::Connection as _;
    let admin_url = std::env::var("JOBSCOUT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| common::DEFAULT_POSTGRES_URL.into());
    let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await else {
        assert!(
            std::env::var("JOBSCOUT_TEST_REQUIRE_POSTGRES").is_err(),
            "PostgreSQL required"
        );
        eprintln!("skipping: PostgreSQL unreachable");
        return;
    };
    let name = format!("jobscout_test_{}", uuid::Uuid::new_v4().simple());
    let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let settings = Settings::from_pairs([
        ("JOBSCOUT_DATABASE_URL", url.as_str()),
        ("JOBSCOUT_PLUGINS_FILE", "/nonexistent.toml"),
        ("JOBSCOUT_JOBS_CACHE_TTL_MS", "0"),
    ])
    .into_result()
    .unwrap();
    let (trigger, signal) = shutdown::channel();
    let app = TestApp::with_database(Database::start(&settings, signal), settings).await;

    // The database does not exist yet: the server answers, degraded.
    let health = wait_for_state(&app, "unavailable", Duration::from_secs(10)).await;
    assert_eq!(health["database"]["state"], "unavailable", "{health}");
    assert_eq!(app.get("/api/v1/jobs").await.status, 503);
    assert_eq!(app.get("/").await.status, 200);

    // Once it appears, the background task connects and migrates by itself.
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let health = wait_for_state(&app, "ok", Duration::from_secs(45)).await;
    assert_eq!(health["status"], "healthy", "{health}");
    let jobs = app.get("/api/v1/jobs").await;
    assert_eq!(jobs.status, 200, "{}", jobs.text());
    assert_eq!(jobs.json()["total"], 0);

    trigger.fire();
    tokio::time::sleep(Duration::from_millis(200)).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}

fn jobscout(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jobscout"));
    command.current_dir(dir);
    // Only the variables each test sets: nothing from the developer's shell.
    for (name, _) in std::env::vars() {
        if name.to_ascii_uppercase().starts_with("JOBSCOUT_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn check_config_prints_settings_masked_and_fails_on_problems() {
    let dir = tempfile::tempdir().unwrap();
    let good = jobscout(dir.path())
        .arg("check-config")
        .env("JOBSCOUT_ADMIN_TOKEN", "very-secret-token")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{stdout}");
    assert!(stdout.contains("JOBSCOUT_PORT=8000"), "{stdout}");
    assert!(
        stdout.contains("JOBSCOUT_ADMIN_TOKEN=set (17 chars, masked)"),
        "{stdout}"
    );
    assert!(!stdout.contains("very-secret-token"), "{stdout}");

    // A `.env` file is read; the environment wins over it; bad values are all listed.
    std::fs::write(
        dir.path().join(".env"),
        "JOBSCOUT_PORT=9001\njobscout_log_format=yaml\n",
    )
    .unwrap();
    let bad = jobscout(dir.path())
        .arg("check-config")
        .env("JOBSCOUT_PUBLIC_SCRAPE_ENABLED", "sometimes")
        .env("JOBSCOUT_TYPO_SETTING", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("JOBSCOUT_PORT=9001"), "{stdout}");
    assert!(stdout.contains("2 problem(s)"), "{stdout}");
    assert!(
        stdout.contains("JOBSCOUT_LOG_FORMAT=\"yaml\" is not valid: expected one of: pretty, json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("JOBSCOUT_PUBLIC_SCRAPE_ENABLED=\"sometimes\" is not valid"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: JOBSCOUT_TYPO_SETTING is not a JobScout setting"),
        "{stdout}"
    );
}

#[test]
fn serve_refuses_bad_settings_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = jobscout(dir.path())
        .env("JOBSCOUT_PORT", "99999")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("JOBSCOUT_PORT=\"99999\" is not valid: expected a number from 1 to 65535"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_the_sqlite_file_and_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = jobscout(dir.path())
            .arg("migrate")
            .env("JOBSCOUT_SQLITE_PATH", "data/j.db")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("migrations applied"));
    }
    assert!(dir.path().join("data/j.db").exists());
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serve_answers_on_sqlite_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = jobscout(dir.path())
        .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
        .env("JOBSCOUT_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut health = None;
    while Instant::now() < deadline {
        if let Some(response) = http_get(port, "/health").filter(|r| r.contains("\"healthy\"")) {
            health = Some(response);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let health = health.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("server never became healthy")
    });
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let jobs = http_get(port, "/api/v1/jobs").unwrap();
    assert!(
        jobs.starts_with("HTTP/1.1 200") && jobs.contains("\"total\":0"),
        "{jobs}"
    );
    assert!(
        dir.path().join("jobscout.db").exists(),
        "the default SQLite file is created"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(exit.success(), "exit {exit:?}; logs: {logs}");
    assert!(logs.contains("SIGTERM received"), "{logs}");
    // JOBSCOUT_LOG_FORMAT=json: every log line is one JSON object.
    assert!(logs.lines().count() >= 2, "{logs}");
    assert!(
        logs.lines()
            .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok()),
        "{logs}"
    );
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let db = common::TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(&db.pool, &[]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (trigger, signal) = shutdown::channel();
    let server = tokio::spawn(jobscout::http::serve_on(
        listener,
        app.state.clone(),
        signal,
    ));

    // A request is half sent when shutdown begins...
    let body = br#"{"event_name": "page_view", "path": "/jobs"}"#;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/metrics/event HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    trigger.fire();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !server.is_finished(),
        "the server waits for the request in flight"
    );

    // ...and still gets its answer once the rest arrives.
    stream.write_all(&body[10..]).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    assert_eq!(
        jobscout::storage::analytics::count_events(&db.pool, "page_view")
            .await
            .unwrap(),
        1
    );
}
