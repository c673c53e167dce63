//! Referral codes (`users.referral_code`, stored once per user), who referred
//! whom (`users.referred_by`, set once per user) and the `referrals` rows with
//! their reward state, granted by [`reward_referrer!`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::accounts::CreditEntry;
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
        sqlx::query_scalar(REFERRER_OF)
            .bind(Id::from(referee))
            .fetch_optional(pool)
            .await?
    });
    Ok(referrer.and_then(|id| id.0))
}

pub(crate) const REFERRER_OF: &str = "SELECT referred_by FROM users WHERE user_id = $1";

/// Marks a pending referral completed: `$1` when, `$2` the packs shown to the
/// referrer, `$3` the referrer, `$4` the referee.
pub(crate) const COMPLETE: &str =
    "UPDATE referrals SET status = 'completed', completed_at = $1, packs_awarded_referrer = $2 \
     WHERE referrer_id = $3 AND referee_id = $4 AND status = 'pending'";

/// The reward of one referee's referrer: `credits` keyed
/// `referral:<referrer>:<referee>`, so it is granted once per referee.
pub fn reward_entry(referrer: Uuid, referee: Uuid, credits: i64) -> CreditEntry {
    CreditEntry {
        delta_credits: credits,
        reason: "referral",
        feature: Some("referral".into()),
        idempotency_key: format!("referral:{referrer}:{referee}"),
        metadata: Some(serde_json::json!({ "referee_id": referee })),
        available_at: None,
        expires_at: None,
    }
}

/// Rewards the referrer of `$referee` inside `$transaction` (a transaction of
/// either engine, held in a variable): [`reward_entry`]'s credits and the
/// referral marked completed with `$packs` (again after a crash between the
/// two, harmlessly). Evaluates to `Result<bool, sqlx::Error>`: true when the
/// credits were granted now, false when they were before or nobody referred
/// the user. Billing's webhook transaction and [`reward`] share it.
macro_rules! reward_referrer {
    ($transaction:ident, $referee:expr, $credits:expr, $packs:expr, $now:expr) => {
        async {
            use $crate::storage::codec::{Id, Time};
            let referee: uuid::Uuid = $referee;
            let referrer: Option<Id> = sqlx::query_scalar($crate::storage::referrals::REFERRER_OF)
                .bind(Id::from(referee))
                .fetch_optional(&mut *$transaction)
                .await?;
            let Some(referrer) = referrer.and_then(|id| id.0) else {
                return Ok::<bool, sqlx::Error>(false);
            };
            let entry = $crate::storage::referrals::reward_entry(referrer, referee, $credits);
            let granted = $crate::storage::accounts::bind_credit_entry(
                sqlx::query($crate::storage::accounts::ADD_CREDITS),
                referrer,
                &entry,
                $now,
            )
            .execute(&mut *$transaction)
            .await?
            .rows_affected()
                == 1;
            sqlx::query($crate::storage::referrals::COMPLETE)
                .bind(Time(Some($now)))
                .bind($packs)
                .bind(Id::from(referrer))
                .bind(Id::from(referee))
                .execute(&mut *$transaction)
                .await?;
            Ok(granted)
        }
    };
}
pub(crate) use reward_referrer;

/// Rewards the referrer of `referee` in a transaction of its own (see
/// [`reward_referrer!`]).
pub async fn reward(
    pool: &Pool,
    referee: Uuid,
    credits: i64,
    packs: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        let granted = reward_referrer!(transaction, referee, credits, packs, now).await?;
        transaction.commit().await?;
        Ok(granted)
    })
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
