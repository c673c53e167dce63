//! Connecting and migrating, and the pools' release check that keeps a connection
//! inside a transaction out of the pool (the state `/health` reports is `database.rs`).

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions as _;

use super::Engine;
use crate::config::{mask_url_password, DatabaseTarget};

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

    /// Whether the database takes writes (`Ok(false)`: it refuses them). SQLite runs
    /// a write that changes nothing and rolls it back, which a read-only file or
    /// connection refuses; PostgreSQL says whether this session may write (a standby
    /// may not).
    pub async fn takes_writes(&self) -> Result<bool, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => {
                // A WAL database opened read-only still grants `BEGIN IMMEDIATE`; the
                // first write statement is what it refuses, even one that changes no row.
                let mut transaction = super::write::begin_sqlite_write(pool).await?;
                let written = sqlx::query("UPDATE _sqlx_migrations SET success = success WHERE 0")
                    .execute(&mut *transaction)
                    .await;
                transaction.rollback().await?;
                match written {
                    Ok(_) => Ok(true),
                    Err(error)
                        if super::trouble::classify(&error)
                            == Some(super::trouble::DatabaseTrouble::ReadOnly) =>
                    {
                        Ok(false)
                    }
                    Err(error) => Err(error),
                }
            }
            Pool::Postgres(pool) => {
                let read_only: String = sqlx::query_scalar("SHOW transaction_read_only")
                    .fetch_one(pool)
                    .await?;
                Ok(read_only != "on")
            }
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
                .after_release(|connection, _| Box::pin(sqlite_outside_transaction(connection)))
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
                .after_release(|connection, _| Box::pin(postgres_outside_transaction(connection)))
                .connect_with(options)
                .await
                .with_context(|| {
                    format!("cannot connect to PostgreSQL at {}", mask_url_password(url))
                })?;
            Ok(Pool::Postgres(pool))
        }
    }
}

/// What the release checks log when they close a connection.
const RELEASED_IN_TRANSACTION: &str = "closing a database connection released inside a transaction";

/// The pool's release check: a connection goes back to the pool only when no
/// transaction is open on it. One left open (begun by a request that was dropped
/// half-way, or aborted by a failed statement) would make the next borrower's
/// writes part of it, answered as done and then rolled back; it is closed instead.
async fn postgres_outside_transaction(
    connection: &mut sqlx::PgConnection,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection as _;
    if connection.is_in_transaction() {
        tracing::warn!("{RELEASED_IN_TRANSACTION}");
        return Ok(false);
    }
    // sqlx's own count misses a transaction begun by a plain `BEGIN` statement; ask
    // the server. A query without parameters goes as one simple-protocol message, so
    // outside a transaction it starts its own and both timestamps are the message's
    // arrival; in an open one they differ, and in an aborted one the query fails.
    // (Through the extended protocol they differ by the gap between its messages.)
    let outside = sqlx::Executor::fetch_one(
        &mut *connection,
        "SELECT statement_timestamp() = transaction_timestamp()",
    )
    .await
    .and_then(|row| sqlx::Row::try_get::<bool, _>(&row, 0));
    match outside {
        Ok(true) => Ok(true),
        Ok(false) => {
            tracing::warn!("{RELEASED_IN_TRANSACTION}");
            Ok(false)
        }
        Err(error) => {
            tracing::warn!(%error, "closing a database connection that failed its release check");
            Ok(false)
        }
    }
}

/// The SQLite side of [`postgres_outside_transaction`]. sqlx's own count misses a
/// transaction begun by a plain `BEGIN` statement, so SQLite is asked: a `BEGIN`
/// inside a transaction fails, and outside one it takes no lock and is undone at once.
async fn sqlite_outside_transaction(
    connection: &mut sqlx::SqliteConnection,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection as _;
    if connection.is_in_transaction() {
        tracing::warn!("{RELEASED_IN_TRANSACTION}");
        return Ok(false);
    }
    match sqlx::query("BEGIN").execute(&mut *connection).await {
        Ok(_) => {
            sqlx::query("ROLLBACK").execute(&mut *connection).await?;
            Ok(true)
        }
        Err(error) => {
            tracing::warn!(%error, "{RELEASED_IN_TRANSACTION}");
            Ok(false)
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
