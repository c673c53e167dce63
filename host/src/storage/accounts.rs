//! The ledgers behind plans, quotas and credits (reference §4.8):
//! `usage_ledger` (what quotas count), `credit_ledger` (signed deltas, the
//! source of truth for money; each grant and spend has an idempotency key, a
//! repeated key is ignored) and `pack_topups` (legacy extra packs).
//!
//! Times are written by the host, never by column defaults, so the injected
//! clock of the tests and the one format SQLite compares as text agree.
//! [`pay_for`] is the one write that spends: the work (a pack, or a premium-AI
//! result's usage), its usage row and its spend commit together or not at all,
//! under the user's lock.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::apply::packs::{get_owned, insert_pack, StoredPack};
use super::codec::{on_pool, BeginWrite as _, Id, Json, Time};
use super::Pool;

/// Balance at `$2`: rows already available and not yet expired.
const BALANCE: &str = "SELECT CAST(COALESCE(SUM(delta_credits), 0) AS BIGINT) FROM credit_ledger \
     WHERE user_id = $1 AND (available_at IS NULL OR available_at <= $2) \
     AND (expires_at IS NULL OR expires_at > $2)";

const USAGE_SINCE: &str =
    "SELECT COUNT(*) FROM usage_ledger WHERE user_id = $1 AND action_type = $2 AND created_at >= $3";

const RECORD_USAGE: &str =
    "INSERT INTO usage_ledger (usage_id, user_id, action_type, apply_pack_id, created_at) \
     VALUES ($1, $2, $3, $4, $5)";

pub(crate) const ADD_CREDITS: &str =
    "INSERT INTO credit_ledger (entry_id, user_id, delta_credits, reason, feature, \
     idempotency_key, metadata, available_at, expires_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

/// Times the user used `action_type` since `since` (a quota's window).
pub async fn usage_since(
    pool: &Pool,
    user_id: Uuid,
    action_type: &str,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar(USAGE_SINCE)
            .bind(Id::from(user_id))
            .bind(action_type)
            .bind(Time(Some(since)))
            .fetch_one(pool)
            .await
    })
}

/// Records one use of `action_type` at `at`.
pub async fn record_usage(
    pool: &Pool,
    user_id: Uuid,
    action_type: &str,
    apply_pack_id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query(RECORD_USAGE)
            .bind(Id::from(Uuid::new_v4()))
            .bind(Id::from(user_id))
            .bind(action_type)
            .bind(Id(apply_pack_id))
            .bind(Time(Some(at)))
            .execute(pool)
            .await
            .map(drop)
    })
}

/// The user's applications still in play (not rejected, withdrawn or offer):
/// what the tracking quota counts.
pub async fn active_applications(pool: &Pool, user_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications WHERE user_id = $1 \
             AND status NOT IN ('rejected', 'withdrawn', 'offer')",
        )
        .bind(Id::from(user_id))
        .fetch_one(pool)
        .await
    })
}

/// Extra apply packs from top-ups not expired at `now`.
pub async fn topup_packs(
    pool: &Pool,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(pack_count), 0) AS BIGINT) FROM pack_topups \
             WHERE user_id = $1 AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(Id::from(user_id))
        .bind(Time(Some(now)))
        .fetch_one(pool)
        .await
    })
}

/// The credits the user can spend at `now`.
pub async fn credit_balance(
    pool: &Pool,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar(BALANCE)
            .bind(Id::from(user_id))
            .bind(Time(Some(now)))
            .fetch_one(pool)
            .await
    })
}

/// Whether the user has any credit-ledger row (with a paid plan, credit mode).
pub async fn has_credit_rows(pool: &Pool, user_id: Uuid) -> Result<bool, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM (SELECT 1 FROM credit_ledger WHERE user_id = $1 LIMIT 1) AS found")
            .bind(Id::from(user_id))
            .fetch_one(pool)
            .await
            .map(|found| found > 0)
    })
}

/// The soonest expiry after `now` of credits already available.
pub async fn next_expiry(
    pool: &Pool,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let soonest: Option<Time> = on_pool!(pool, pool => {
        sqlx::query_scalar(
            "SELECT expires_at FROM credit_ledger WHERE user_id = $1 AND delta_credits > 0 \
             AND expires_at IS NOT NULL AND expires_at > $2 \
             AND (available_at IS NULL OR available_at <= $2) ORDER BY expires_at LIMIT 1",
        )
        .bind(Id::from(user_id))
        .bind(Time(Some(now)))
        .fetch_optional(pool)
        .await?
    });
    Ok(soonest.and_then(|time| time.0))
}

/// One credit-ledger row to write.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditEntry {
    /// Positive for grants, negative for spends.
    pub delta_credits: i64,
    /// `plan_grant`, `topup`, `spend` or `referral`.
    pub reason: &'static str,
    pub feature: Option<String>,
    /// A second entry with the same key is ignored.
    pub idempotency_key: String,
    pub metadata: Option<Value>,
    pub available_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Writes `entry` unless its key was written before; true when it was written.
pub async fn add_credits(
    pool: &Pool,
    user_id: Uuid,
    entry: &CreditEntry,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let written = on_pool!(pool, pool => {
        bind_credit_entry(sqlx::query(ADD_CREDITS), user_id, entry, now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(written == 1)
}

/// Why a paid write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The quota's window holds `used` of `limit` already.
    Quota { used: i64, limit: i64 },
    /// The balance does not cover the cost.
    Credits { balance: i64, cost: i64 },
}

/// How a pack is paid for.
#[derive(Debug, Clone, PartialEq)]
pub enum Payment {
    /// Counted against a quota of `limit` (none: unlimited) since `since`.
    Quota {
        since: DateTime<Utc>,
        limit: Option<i64>,
    },
    /// Spent from the credit ledger: `(credits, feature)` per spend, each keyed
    /// `<user>:<feature>:<pack id>`.
    Credits { spends: Vec<(i64, &'static str)> },
}

/// What a paid write pays for.
#[derive(Debug, Clone, Copy)]
pub enum PaidWork<'a> {
    /// An apply pack, stored in the same transaction.
    Pack(&'a StoredPack),
    /// A premium-AI result (`ai_interview_coach`, `ai_template`): its usage row
    /// and spend are the write; the result itself is the caller's to keep.
    Premium { action_type: &'static str },
}

impl PaidWork<'_> {
    fn action_type(&self) -> &'static str {
        match self {
            PaidWork::Pack(_) => "apply_pack",
            PaidWork::Premium { action_type } => action_type,
        }
    }
}

/// Stores `pack` (owned by `user_id`) and pays for it: see [`pay_for`].
pub async fn store_paid_pack(
    pool: &Pool,
    user_id: Uuid,
    pack: &StoredPack,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<Result<StoredPack, Refused>, sqlx::Error> {
    let apply_pack_id = match pay_for(pool, user_id, PaidWork::Pack(pack), payment, now).await? {
        Ok(id) => id,
        Err(refused) => return Ok(Err(refused)),
    };
    let stored = get_owned(pool, user_id, apply_pack_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(Ok(stored))
}

/// Records `work`'s usage and, in credit mode, its spends (each keyed
/// `<user>:<feature>:<id>`, the id returned), storing the pack when the work is
/// one: all in one transaction that first takes the user's lock (`SELECT … FOR
/// UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite) and then checks the quota
/// or the balance, so concurrent requests cannot both pass on the last unit.
/// `Ok(Err(_))` when refused: nothing was written.
pub async fn pay_for(
    pool: &Pool,
    user_id: Uuid,
    work: PaidWork<'_>,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let work_id = Uuid::new_v4();
    let action_type = work.action_type();
    let lock = match pool {
        Pool::Sqlite(_) => "SELECT user_id FROM users WHERE user_id = $1",
        Pool::Postgres(_) => "SELECT user_id FROM users WHERE user_id = $1 FOR UPDATE",
    };
    let refused = on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        sqlx::query(lock)
            .bind(Id::from(user_id))
            .fetch_optional(&mut *transaction)
            .await?;
        let refused = match payment {
            Payment::Quota { since, limit } => match limit {
                None => None,
                Some(limit) => {
                    let used: i64 = sqlx::query_scalar(USAGE_SINCE)
                        .bind(Id::from(user_id))
                        .bind(action_type)
                        .bind(Time(Some(*since)))
                        .fetch_one(&mut *transaction)
                        .await?;
                    (used >= *limit).then_some(Refused::Quota { used, limit: *limit })
                }
            },
            Payment::Credits { spends } => {
                let balance: i64 = sqlx::query_scalar(BALANCE)
                    .bind(Id::from(user_id))
                    .bind(Time(Some(now)))
                    .fetch_one(&mut *transaction)
                    .await?;
                let cost: i64 = spends.iter().map(|(credits, _)| credits).sum();
                (balance < cost).then_some(Refused::Credits { balance, cost })
            }
        };
        if refused.is_none() {
            let pack_id = match work {
                PaidWork::Pack(pack) => {
                    insert_pack!(&mut *transaction, work_id, user_id, pack).await?;
                    Some(work_id)
                }
                PaidWork::Premium { .. } => None,
            };
            sqlx::query(RECORD_USAGE)
                .bind(Id::from(Uuid::new_v4()))
                .bind(Id::from(user_id))
                .bind(action_type)
                .bind(Id(pack_id))
                .bind(Time(Some(now)))
                .execute(&mut *transaction)
                .await?;
            if let Payment::Credits { spends } = payment {
                for (credits, feature) in spends {
                    let entry = CreditEntry {
                        delta_credits: -credits,
                        reason: "spend",
                        feature: Some(feature.to_string()),
                        idempotency_key: format!("{user_id}:{feature}:{work_id}"),
                        metadata: Some(match work {
                            PaidWork::Pack(_) => serde_json::json!({ "apply_pack_id": work_id }),
                            PaidWork::Premium { .. } => serde_json::json!({ "result_id": work_id }),
                        }),
                        available_at: None,
                        expires_at: None,
                    };
                    bind_credit_entry(sqlx::query(ADD_CREDITS), user_id, &entry, now)
                        .execute(&mut *transaction)
                        .await?;
                }
            }
            transaction.commit().await?;
        }
        refused
    });
    Ok(match refused {
        Some(refused) => Err(refused),
        None => Ok(work_id),
    })
}

/// Binds [`ADD_CREDITS`]'s parameters for `entry`, on either engine.
pub(crate) fn bind_credit_entry<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    user_id: Uuid,
    entry: &'q CreditEntry,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    Id: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Time: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Json: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(Id::from(Uuid::new_v4()))
        .bind(Id::from(user_id))
        .bind(entry.delta_credits)
        .bind(entry.reason)
        .bind(entry.feature.clone())
        .bind(entry.idempotency_key.as_str())
        .bind(Json(entry.metadata.clone()))
        .bind(Time(entry.available_at))
        .bind(Time(entry.expires_at))
        .bind(Time(Some(now)))
}
