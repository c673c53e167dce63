//! Referral codes (`users.referral_code`, stored once per user), who referred
//! whom (`users.referred_by`, set once per user) and the `referrals` rows with
//! their reward state.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::codec::{on_pool, BeginWrite as _, Id, Time};
use super::Pool;

/// The user's code, storing `fresh` first if they have none (a concurrent call
/// that stored one first wins: its code is returned). `None` without a user row.
pub async fn code_or_store(
    pool: &Pool,
    user_id: Uuid,
    fresh: &str,
) -> Result<Option<String>, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query("UPDATE users SET referral_code = $1 WHERE user_id = $2 AND referral_code IS NULL")
            .bind(fresh)
            .bind(Id::from(user_id))
            .execute(pool)
            .await?;
        sqlx::query_scalar::<_, Option<String>>("SELECT referral_code FROM users WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
    })
}

/// The owner of `code` and their e-mail.
pub async fn owner_of(
    pool: &Pool,
    code: &str,
) -> Result<Option<(Uuid, Option<String>)>, sqlx::Error> {
    let row: Option<(Id, Option<String>)> = on_pool!(pool, pool => {
        sqlx::query_as("SELECT user_id, email FROM users WHERE referral_code = $1")
            .bind(code)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(|(id, email)| id.0.map(|id| (id, email))))
}

/// Records that `referrer` referred `referee` with `code`, unless the referee
/// was referred before: true when it was recorded now.
pub async fn record(
    pool: &Pool,
    referrer: Uuid,
    referee: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        let set = sqlx::query("UPDATE users SET referred_by = $1 WHERE user_id = $2 AND referred_by IS NULL")
            .bind(Id::from(referrer))
            .bind(Id::from(referee))
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        if set == 1 {
            sqlx::query(
                "INSERT INTO referrals (referral_id, referrer_id, referee_id, referral_code, status, created_at) \
                 VALUES ($1, $2, $3, $4, 'pending', $5)",
            )
            .bind(Id::from(Uuid::new_v4()))
            .bind(Id::from(referrer))
            .bind(Id::from(referee))
            .bind(code)
            .bind(Time(Some(now)))
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(set == 1)
    })
}

/// Who referred the user, if anyone.
pub async fn referrer_of(pool: &Pool, referee: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let referrer: Option<Id> = on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT referred_by FROM users WHERE user_id = $1")
            .bind(Id::from(referee))
            .fetch_optional(pool)
            .await?
    });
    Ok(referrer.and_then(|id| id.0))
}

/// Marks the referral of `referee` by `referrer` completed, with the packs
/// shown to the referrer; true when it was still pending.
pub async fn complete(
    pool: &Pool,
    referrer: Uuid,
    referee: Uuid,
    packs_awarded_referrer: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = on_pool!(pool, pool => {
        sqlx::query(
            "UPDATE referrals SET status = 'completed', completed_at = $1, packs_awarded_referrer = $2 \
             WHERE referrer_id = $3 AND referee_id = $4 AND status = 'pending'",
        )
        .bind(Time(Some(now)))
        .bind(packs_awarded_referrer)
        .bind(Id::from(referrer))
        .bind(Id::from(referee))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// A referrer's counters: (completed, pending, packs earned).
pub async fn stats(pool: &Pool, referrer: Uuid) -> Result<(i64, i64, i64), sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_as(
            "SELECT CAST(COUNT(*) FILTER (WHERE status = 'completed') AS BIGINT), \
             CAST(COUNT(*) FILTER (WHERE status = 'pending') AS BIGINT), \
             CAST(COALESCE(SUM(packs_awarded_referrer), 0) AS BIGINT) \
             FROM referrals WHERE referrer_id = $1",
        )
        .bind(Id::from(referrer))
        .fetch_one(pool)
        .await
    })
}
