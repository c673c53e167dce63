//! The scheduler's coordination in the database: one claim per time slot, and a
//! PostgreSQL advisory lock held while a scheduled scrape runs.

use sqlx::pool::PoolConnection;

use super::codec::{on_pool, Time};
use super::Pool;

/// `pg_try_advisory_lock` key, as the earlier backend used it.
const LOCK_NAME: &str = "jobscout_scheduled_scrape";

/// Marks `slot` as taken; true only for the one caller that took it.
pub async fn claim_slot(pool: &Pool, slot: u64) -> Result<bool, sqlx::Error> {
    let now = chrono::Utc::now();
    let affected = on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO scheduler_slots (slot, claimed_at) VALUES ($1, $2) ON CONFLICT (slot) DO NOTHING",
        )
        .bind(slot as i64)
        .bind(Time(Some(now)))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(affected == 1)
}

/// Slots claimed so far, oldest first (tests and diagnostics).
pub async fn claimed_slots(pool: &Pool) -> Result<Vec<i64>, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT slot FROM scheduler_slots ORDER BY slot")
            .fetch_all(pool)
            .await
    })
}

/// The scheduler lock, released by [`SchedulerLock::release`].
pub enum SchedulerLock {
    /// SQLite is one server's file: the slot claim alone is enough.
    Local,
    Postgres(PoolConnection<sqlx::Postgres>),
}

/// Takes the advisory lock if no other instance holds it.
pub async fn try_lock(pool: &Pool) -> Result<Option<SchedulerLock>, sqlx::Error> {
    match pool {
        Pool::Sqlite(_) => Ok(Some(SchedulerLock::Local)),
        Pool::Postgres(pool) => {
            // Session-level lock: it lives on this connection until released.
            let mut connection = pool.acquire().await?;
            let acquired: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
                .bind(LOCK_NAME)
                .fetch_one(&mut *connection)
                .await?;
            Ok(acquired.then_some(SchedulerLock::Postgres(connection)))
        }
    }
}

impl SchedulerLock {
    pub async fn release(self) {
        if let SchedulerLock::Postgres(mut connection) = self {
            let released = sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
                .bind(LOCK_NAME)
                .execute(&mut *connection)
                .await;
            if released.is_err() {
                // Never return a connection that may still hold the lock to the pool.
                connection.detach();
            }
        }
    }
}
