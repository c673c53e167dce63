//! Shared test support: a fresh database per test on each engine, an app wired to
//! it, and request helpers.
//!
//! SQLite tests always run. PostgreSQL tests use `JOBSCOUT_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`) to create a throwaway
//! database per test; when that server is unreachable they are skipped with a
//! message, unless `JOBSCOUT_TEST_REQUIRE_POSTGRES=1` (CI sets it), which fails them.

#![allow(dead_code)]

pub mod db_proxy;
pub mod fake_supabase;
pub mod routes;
pub mod seed;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use jobscout::config::Settings;
use jobscout::http::{router, AppState};
use jobscout::plugins::PluginHost;
use jobscout::storage::{self, Database, Pool};
use jobscout::telemetry::Telemetry;
use serde_json::Value;
use tower::ServiceExt as _;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn postgres_admin_url() -> String {
    std::env::var("JOBSCOUT_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

fn postgres_required() -> bool {
    std::env::var("JOBSCOUT_TEST_REQUIRE_POSTGRES")
        .is_ok_and(|value| value == "1" || value == "true")
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub pool: Pool,
    pub name: &'static str,
    /// SQLite: the folder holding the file.
    dir: Option<tempfile::TempDir>,
    /// PostgreSQL: (admin URL, database name) to drop.
    postgres: Option<(String, String)>,
    pub url: String,
}

impl TestDb {
    /// An empty SQLite file, not yet migrated.
    pub async fn sqlite_empty() -> TestDb {
        Self::sqlite_in_temp_dir(|_| {}).await
    }

    /// A SQLite database that starts as a copy of `original` (which stays untouched).
    pub async fn sqlite_copy_of(original: &std::path::Path) -> TestDb {
        Self::sqlite_in_temp_dir(|path| {
            std::fs::copy(original, path).expect("copy database");
        })
        .await
    }

    /// Opens `jobscout-test.db` in a fresh temporary folder after `prepare` ran on its path.
    async fn sqlite_in_temp_dir(prepare: impl FnOnce(&std::path::Path)) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("jobscout-test.db");
        prepare(&path);
        let target = jobscout::config::DatabaseTarget::Sqlite(path.clone());
        let pool = storage::connect(&target, 4, std::time::Duration::from_secs(5))
            .await
            .expect("open sqlite");
        TestDb {
            pool,
            name: "sqlite",
            dir: Some(dir),
            postgres: None,
            url: format!("sqlite://{}", path.display()),
        }
    }

    /// An empty PostgreSQL database, or `None` when no server is reachable (and not required).
    pub async fn postgres_empty() -> Option<TestDb> {
        use sqlx::Connection as _;
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(connection) => connection,
            Err(error) => {
                if postgres_required() {
                    panic!("PostgreSQL required (JOBSCOUT_TEST_REQUIRE_POSTGRES) but unreachable at {admin_url}: {error}");
                }
                eprintln!(
                    "skipping PostgreSQL half of this test: {admin_url} unreachable ({error})"
                );
                return None;
            }
        };
        let name = format!("jobscout_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("JOBSCOUT_TEST_POSTGRES_URL must end with /<database>"),
        };
        let target = jobscout::config::DatabaseTarget::Postgres(url.clone());
        let pool = storage::connect(&target, 4, std::time::Duration::from_secs(5))
            .await
            .expect("connect to test database");
        Some(TestDb {
            pool,
            name: "postgres",
            dir: None,
            postgres: Some((admin_url, name)),
            url,
        })
    }

    /// Every engine available here, empty and not migrated.
    pub async fn all_empty() -> Vec<TestDb> {
        let mut databases = vec![TestDb::sqlite_empty().await];
        databases.extend(TestDb::postgres_empty().await);
        databases
    }

    /// Every engine available here, migrated.
    pub async fn all() -> Vec<TestDb> {
        let databases = TestDb::all_empty().await;
        for database in &databases {
            storage::migrate(&database.pool).await.expect("migrate");
        }
        databases
    }

    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.dir
            .as_ref()
            .map(|dir| dir.path().join("jobscout-test.db"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async context: use a short-lived runtime on a thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                use sqlx::Connection as _;
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                Some(())
            })
        })
        .join();
    }
}

/// An application over a test database, driven in-process with `oneshot`.
pub struct TestApp {
    pub state: AppState,
    pub router: axum::Router,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl TestApp {
    /// An app over `pool`. Unless a test sets it, the plugins file points nowhere,
    /// so no plugin loads.
    pub async fn new(pool: &Pool, settings: &[(&str, &str)]) -> TestApp {
        let mut pairs: Vec<(&str, &str)> = vec![(
            "JOBSCOUT_PLUGINS_FILE",
            "/nonexistent/jobscout-test-plugins.toml",
        )];
        pairs.extend_from_slice(settings);
        let settings = Settings::from_pairs(pairs)
            .into_result()
            .expect("test settings");
        Self::with_database(Database::ready(pool.clone()), settings).await
    }

    /// An app over `pool` whose users sign in through `fake` (plus `extra` settings).
    pub async fn signed_in_through(
        pool: &Pool,
        fake: &fake_supabase::FakeSupabase,
        extra: &[(&str, &str)],
    ) -> TestApp {
        let settings = fake.settings();
        let mut pairs: Vec<(&str, &str)> = settings
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        pairs.extend_from_slice(extra);
        Self::new(pool, &pairs).await
    }

    pub async fn with_database(db: Database, settings: Settings) -> TestApp {
        let plugins = PluginHost::start(&settings).await;
        let state = AppState::new(Arc::new(settings), db, plugins, Telemetry::global());
        let router = router(state.clone());
        TestApp { state, router }
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match body {
            Some(value) => {
                builder = builder.header("content-type", "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.request(builder.body(body).unwrap()).await
    }
}

/// The number `sql` (a `SELECT count(*) …`) returns, on either engine.
pub async fn count(pool: &Pool, sql: &str) -> i64 {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// The number of rows in `table`.
pub async fn count_rows(pool: &Pool, table: &str) -> i64 {
    count(pool, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// The recorded earlier database in `../shared`, when this checkout has it.
pub fn shared_earlier_db() -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/earlier-db/jobscout-earlier.sqlite");
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} is absent (it exists beside the checkout in CI)",
            path.display()
        );
        None
    }
}
