//! The shared database handle: a pool once connected, and the health `/health`
//! reports. Start-up never waits for the database; a background task connects,
//! migrates, checks and reconnects.
//!
//! Health follows the database closely: a request that meets trouble wakes the
//! checker at once, `/health` checks live when its last answer is over a second
//! old, and while the database is down it is checked twice a second, so the state
//! turns on the first failed check and back on the first good one.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Notify;
use utoipa::ToSchema;

use super::connection::{connect, migrate, Pool};
use super::trouble::DatabaseTrouble;
use super::Engine;
use crate::config::{DatabaseTarget, Settings};
use crate::shutdown::ShutdownSignal;

/// How long one check may take before the database counts as unavailable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Checks while healthy (requests that meet trouble wake the checker sooner).
const HEALTHY_INTERVAL: Duration = Duration::from_secs(10);
/// Checks while not healthy, so recovery shows at once.
const UNHEALTHY_INTERVAL: Duration = Duration::from_millis(500);
/// `/health` answers from a check at most this old, checking again otherwise.
const LIVE_CHECK_AGE: Duration = Duration::from_secs(1);
/// A write that failed for a full disk marks the database for this long: no check
/// can tell a full disk without writing, so the last failure is the evidence.
const DISK_FULL_WINDOW: Duration = Duration::from_secs(30);
/// Longest wait between two attempts to connect at all.
const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(2);

/// Why [`Database::pool`] has no pool to give; its text is the answer's `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("Database is starting up; try again shortly")]
    StartingUp,
    #[error("Database unavailable; try again shortly")]
    Down,
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
    /// Not reachable; requests answer 503 at once and the checker keeps trying.
    Unavailable,
    /// Reads work, writes are refused (a read-only file, connection or server).
    ReadOnly,
    /// Reads work, writes fail: the disk holding the database is full.
    DiskFull,
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
    last_check: Option<Instant>,
    disk_full_at: Option<Instant>,
}

/// The shared database handle: a pool once connected, and its health.
#[derive(Debug, Clone)]
pub struct Database {
    inner: Arc<RwLock<Inner>>,
    /// Wakes the background checker early (a request met trouble).
    wake: Arc<Notify>,
    /// One check at a time; concurrent `/health` calls share its answer.
    checking: Arc<tokio::sync::Mutex<()>>,
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
                last_check: None,
                disk_full_at: None,
            })),
            wake: Arc::new(Notify::new()),
            checking: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// A handle over an already connected and migrated pool (tests, CLI commands).
    pub fn ready(pool: Pool) -> Self {
        let database = Self::new(pool.engine());
        database.set(Some(pool), DatabaseState::Ok, None);
        database
    }

    /// Starts connecting in the background and returns at once. The task retries
    /// until connected and migrated, then checks the connection until `shutdown`.
    pub fn start(settings: &Settings, shutdown: ShutdownSignal) -> Self {
        let engine = match settings.database {
            DatabaseTarget::Sqlite(_) => Engine::Sqlite,
            DatabaseTarget::Postgres(_) => Engine::Postgres,
        };
        let database = Self::new(engine);
        let task_handle = database.clone();
        let target = settings.database.clone();
        let max_connections = settings.database_max_connections;
        let timeout = settings.database_acquire_timeout;
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
        let mut backoff = Duration::from_millis(250);
        loop {
            let wait = match self.current_pool() {
                None => match connect(&target, max_connections, timeout).await {
                    Ok(pool) => {
                        self.migrate(pool).await;
                        backoff = Duration::from_millis(250);
                        self.next_check_in()
                    }
                    Err(error) => {
                        tracing::error!(error = format!("{error:#}"), retry_in = ?backoff, "database unavailable");
                        self.set(None, DatabaseState::Unavailable, Some(format!("{error:#}")));
                        let wait = backoff;
                        backoff = (backoff * 2).min(MAX_CONNECT_BACKOFF);
                        wait
                    }
                },
                Some(pool) if self.health().state == DatabaseState::MigrationFailed => {
                    self.migrate(pool).await;
                    self.next_check_in()
                }
                Some(_) => {
                    self.check_now().await;
                    self.next_check_in()
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = shutdown.wait() => {
                    if let Some(pool) = self.current_pool() {
                        pool.close().await;
                    }
                    return;
                }
            }
        }
    }

    async fn migrate(&self, pool: Pool) {
        match migrate(&pool).await {
            Ok(()) => {
                tracing::info!(engine = ?pool.engine(), "database connected and migrated");
                self.set(Some(pool), DatabaseState::Ok, None);
            }
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "database migration failed; serving with the existing schema and retrying"
                );
                self.set(
                    Some(pool),
                    DatabaseState::MigrationFailed,
                    Some(format!("{error:#}")),
                );
            }
        }
    }

    fn next_check_in(&self) -> Duration {
        if self.health().state == DatabaseState::Ok {
            HEALTHY_INTERVAL
        } else {
            UNHEALTHY_INTERVAL
        }
    }

    /// Checks the database now (reachable, and taking writes) and records the
    /// outcome. Does nothing before the first connection or while migrations fail:
    /// the background task owns those states.
    pub async fn check_now(&self) {
        let asked_at = Instant::now();
        let _one_at_a_time = self.checking.lock().await;
        // Callers that waited for a check share its answer rather than queueing
        // one check (of up to CHECK_TIMEOUT) each while the database is down.
        if self
            .read_lock()
            .last_check
            .is_some_and(|checked| checked >= asked_at)
        {
            return;
        }
        let Some(pool) = self.current_pool() else {
            return;
        };
        if self.health().state == DatabaseState::MigrationFailed {
            return;
        }
        let reachable = tokio::time::timeout(CHECK_TIMEOUT, pool.ping()).await;
        let (state, error) = match reachable {
            Err(_) => (
                DatabaseState::Unavailable,
                Some(format!("no answer within {CHECK_TIMEOUT:?}")),
            ),
            Ok(Err(error)) => (DatabaseState::Unavailable, Some(error.to_string())),
            Ok(Ok(())) => match tokio::time::timeout(CHECK_TIMEOUT, pool.takes_writes()).await {
                Ok(Ok(false)) => (
                    DatabaseState::ReadOnly,
                    Some("the database refuses writes".to_string()),
                ),
                // Waiting behind another writer (a long upsert holds SQLite's write
                // lock) shows writes work; it must not make a reachable database look down.
                _ => (DatabaseState::Ok, None),
            },
        };
        let previous = self.health().state;
        if state != previous {
            match state {
                DatabaseState::Ok => tracing::info!("database healthy again"),
                _ => tracing::error!(
                    ?state,
                    error = error.as_deref().unwrap_or(""),
                    "database check failed"
                ),
            }
        }
        // Keep the pool when a check fails: sqlx reconnects its connections by itself.
        self.set(Some(pool), state, error);
        self.write_lock().last_check = Some(Instant::now());
    }

    /// [`Database::check_now`] unless the database is healthy and the last check is
    /// under a second old (so recovery shows on the first good check).
    pub async fn check_if_stale(&self) {
        let fresh = {
            let inner = self.read_lock();
            inner.health.state == DatabaseState::Ok
                && inner
                    .last_check
                    .is_some_and(|checked| checked.elapsed() < LIVE_CHECK_AGE)
        };
        if !fresh {
            self.check_now().await;
        }
    }

    /// A request met `trouble`: a full disk is recorded (no check can see it), and
    /// anything else wakes the checker to confirm it at once.
    pub fn report_trouble(&self, trouble: DatabaseTrouble) {
        {
            let mut inner = self.write_lock();
            if trouble == DatabaseTrouble::DiskFull {
                inner.disk_full_at = Some(Instant::now());
            }
            // The next `/health` checks live instead of repeating the last answer.
            inner.last_check = None;
        }
        self.wake.notify_one();
    }

    fn set(&self, pool: Option<Pool>, state: DatabaseState, error: Option<String>) {
        let mut inner = self.write_lock();
        inner.pool = pool;
        inner.health.state = state;
        inner.health.error = error;
    }

    fn current_pool(&self) -> Option<Pool> {
        self.read_lock().pool.clone()
    }

    /// The pool, or [`Unavailable`] at once when there is none or the last check
    /// found the database down (requests would otherwise each wait out the pool's
    /// timeout; the HTTP layer answers 503).
    pub fn pool(&self) -> Result<Pool, Unavailable> {
        let inner = self.read_lock();
        match (&inner.pool, inner.health.state) {
            (Some(_), DatabaseState::Unavailable) => Err(Unavailable::Down),
            (Some(pool), _) => Ok(pool.clone()),
            (None, DatabaseState::Connecting) => Err(Unavailable::StartingUp),
            (None, _) => Err(Unavailable::Down),
        }
    }

    pub fn health(&self) -> DatabaseHealth {
        let inner = self.read_lock();
        let mut health = inner.health.clone();
        let disk_full = inner
            .disk_full_at
            .is_some_and(|at| at.elapsed() < DISK_FULL_WINDOW);
        if disk_full && health.state == DatabaseState::Ok {
            health.state = DatabaseState::DiskFull;
            health.error = Some(DatabaseTrouble::DiskFull.detail().to_string());
        }
        health
    }

    fn read_lock(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
