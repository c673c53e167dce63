//! Write transactions that hold up when two writers meet: two scrape runs storing
//! the same jobs at once (the scheduler and an admin run, or two servers).
//!
//! * SQLite: a plain `BEGIN` takes no lock; a statement that reads before it
//!   writes (an upsert's conflict check) starts a read snapshot, and when another
//!   connection commits before this one gets the write lock, the upgrade fails at
//!   once with "database is locked" (the busy timeout cannot help: the snapshot is
//!   stale). `BEGIN IMMEDIATE` takes the write lock first, waiting for it.
//! * PostgreSQL: two transactions updating shared rows in different orders
//!   deadlock, and PostgreSQL aborts one. The jobs upsert avoids it by taking turns
//!   (an advisory lock, `storage::upsert`); other batch writers sort their rows by
//!   key, so the usual case does not deadlock, and [`retry_conflicts`] runs the
//!   loser of a rare one again.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use sqlx::{Sqlite, SqlitePool, Transaction};

/// Attempts of one write before its conflict error is returned.
const ATTEMPTS: u32 = 4;

/// A SQLite transaction that holds the write lock from its start.
pub async fn begin_sqlite_write(
    pool: &SqlitePool,
) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// True for the errors PostgreSQL asks a client to retry: `deadlock_detected`
/// (40P01) and `serialization_failure` (40001).
fn is_retryable_conflict(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(error) => {
            matches!(error.code().as_deref(), Some("40P01") | Some("40001"))
        }
        _ => false,
    }
}

/// Runs `write` (a whole transaction, rolled back when it fails) until it succeeds,
/// fails otherwise, or conflicted [`ATTEMPTS`] times. Waits a few milliseconds,
/// more each time and jittered, so the two writers do not meet again at once.
pub async fn retry_conflicts<T, F, Fut>(mut write: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(error) if attempt < ATTEMPTS && is_retryable_conflict(&error) => {
                let jitter = RandomState::new().hash_one(attempt) % 10;
                let wait = Duration::from_millis(10 * u64::from(attempt) + jitter);
                tracing::debug!(
                    attempt,
                    ?wait,
                    "write conflicted with another writer ({error}); retrying"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}
