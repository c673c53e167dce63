//! Connecting, migrating and keeping the connection state that `/health` reports.

use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::shutdown::ShutdownSignal;
use anyhow::Context as _;
use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions as _;
use utoipa::ToSchema;

use super::Engine;
use crate::config::{mask_url_password, DatabaseTarget, Settings};
use crate::http::error::Error;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A connected pool on one of the two engines. Cloning is cheap.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    pub fn engine(&self) -> Engine {
        match self {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// (connections open, of which idle) for `/metrics`.
    pub fn usage(&self) -> (u32, usize) {
        match self {
            Pool::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Pool::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Pool::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Opens a pool for `target`. SQLite files are created when missing and use WAL.
pub async fn connect(
    target: &DatabaseTarget,
    max_connections: u32,
    timeout: Duration,
) -> anyhow::Result<Pool> {
    match target {
        DatabaseTarget::Sqlite(path) => {
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create the folder for {}", path.display()))?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("cache_size", "-16000")
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open SQLite database {}", path.display()))?;
            Ok(Pool::Sqlite(pool))
        }
        DatabaseTarget::Postgres(url) => {
            let options = PgConnectOptions::from_str(url)
                .with_context(|| format!("invalid PostgreSQL URL {}", mask_url_password(url)))?
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .min_connections(1)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .with_context(|| {
                    format!("cannot connect to PostgreSQL at {}", mask_url_password(url))
                })?;
            Ok(Pool::Postgres(pool))
        }
    }
}

/// Applies the engine's migrations. Running it again applies nothing new.
pub async fn migrate(pool: &Pool) -> anyhow::Result<()> {
    match pool {
        Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
        Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
    }
    .context("database migration failed")
}

/// What `/health` says about the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseState {
    /// Start-up has not connected yet.
    Connecting,
    /// Connected and migrated.
    Ok,
    /// Connected, but a migration failed; queries may still work.
    MigrationFailed,
    /// Not reachable; the background task keeps trying.
    Unavailable,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatabaseHealth {
    pub engine: Engine,
    pub state: DatabaseState,
    /// The last error, when the state is not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug)]
struct Inner {
    pool: Option<Pool>,
    health: DatabaseHealth,
}

/// The shared database handle: a pool once connected, and its health.
#[derive(Debug, Clone)]
pub struct Database {
    inner: Arc<RwLock<Inner>>,
}

impl Database {
    fn new(engine: Engine) -> Self {
        Self {
            inner: Arc::new(RwLock::new(Inner {
                pool: None,
                health: DatabaseHealth {
                    engine,
                    state: DatabaseState::Connecting,
                    error: None,
                },
            })),
        }
    }

    /// A handle over an already connected and migrated pool (tests, CLI commands).
    pub fn ready(pool: Pool) -> Self {
        let database = Self::new(pool.engine());
        database.set(Some(pool), DatabaseState::Ok, None);
        database
    }

    /// Starts connecting in the background and returns at once. The task retries
    /// with backoff until connected and migrated, then checks the connection
    /// periodically until `shutdown` fires.
    pub fn start(settings: &Settings, shutdown: ShutdownSignal) -> Self {
        let engine = match settings.database {
            DatabaseTarget::Sqlite(_) => Engine::Sqlite,
            DatabaseTarget::Postgres(_) => Engine::Postgres,
        };
        let database = Self::new(engine);
        let task_handle = database.clone();
        let target = settings.database.clone();
        let max_connections = settings.database_max_connections;
        let timeout = settings.database_connect_timeout;
        tokio::spawn(async move {
            task_handle
                .keep_connected(target, max_connections, timeout, shutdown)
                .await
        });
        database
    }

    async fn keep_connected(
        &self,
        target: DatabaseTarget,
        max_connections: u32,
        timeout: Duration,
        mut shutdown: ShutdownSignal,
    ) {
        let mut backoff = Duration::from_millis(500);
        let max_backoff = Duration::from_secs(30);
        loop {
            let healthy = match self.current_pool() {
                None => match connect(&target, max_connections, timeout).await {
                    Ok(pool) => {
                        let migration = migrate(&pool).await;
                        match migration {
                            Ok(()) => {
                                tracing::info!(engine = ?pool.engine(), "database connected and migrated");
                                self.set(Some(pool), DatabaseState::Ok, None);
                                true
                            }
                            Err(error) => {
                                tracing::error!(error = format!("{error:#}"), "database migration failed; serving with the existing schema and retrying");
                                self.set(
                                    Some(pool),
                                    DatabaseState::MigrationFailed,
                                    Some(format!("{error:#}")),
                                );
                                false
                            }
                        }
                    }
                    Err(error) => {
                        tracing::error!(error = format!("{error:#}"), retry_in = ?backoff, "database unavailable");
                        self.set(None, DatabaseState::Unavailable, Some(format!("{error:#}")));
                        false
                    }
                },
                Some(pool) => {
                    let state = self.health().state;
                    if state == DatabaseState::MigrationFailed {
                        match migrate(&pool).await {
                            Ok(()) => {
                                tracing::info!("database migration succeeded on retry");
                                self.set(Some(pool), DatabaseState::Ok, None);
                                true
                            }
                            Err(error) => {
                                self.set(
                                    Some(pool),
                                    DatabaseState::MigrationFailed,
                                    Some(format!("{error:#}")),
                                );
                                false
                            }
                        }
                    } else {
                        match pool.ping().await {
                            Ok(()) => {
                                if state != DatabaseState::Ok {
                                    tracing::info!("database reachable again");
                                }
                                self.set(Some(pool), DatabaseState::Ok, None);
                                true
                            }
                            Err(error) => {
                                tracing::error!(error = %error, "database check failed");
                                // Keep the pool: sqlx reconnects its connections by itself.
                                self.set(
                                    Some(pool),
                                    DatabaseState::Unavailable,
                                    Some(error.to_string()),
                                );
                                false
                            }
                        }
                    }
                }
            };
            let wait = if healthy {
                backoff = Duration::from_millis(500);
                Duration::from_secs(10)
            } else {
                let wait = backoff;
                backoff = (backoff * 2).min(max_backoff);
                wait
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.wait() => {
                    if let Some(pool) = self.current_pool() {
                        pool.close().await;
                    }
                    return;
                }
            }
        }
    }

    fn set(&self, pool: Option<Pool>, state: DatabaseState, error: Option<String>) {
        let mut inner = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.pool = pool;
        inner.health.state = state;
        inner.health.error = error;
    }

    fn current_pool(&self) -> Option<Pool> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pool
            .clone()
    }

    /// The pool, or a 503 that says why there is none.
    pub fn pool(&self) -> Result<Pool, Error> {
        let inner = self
            .inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &inner.pool {
            Some(pool) => Ok(pool.clone()),
            None => Err(Error::Unavailable(match inner.health.state {
                DatabaseState::Connecting => {
                    "Database is starting up; try again shortly".to_string()
                }
                _ => "Database unavailable; try again shortly".to_string(),
            })),
        }
    }

    pub fn health(&self) -> DatabaseHealth {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .health
            .clone()
    }
}
