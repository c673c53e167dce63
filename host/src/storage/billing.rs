//! What Paddle's webhook writes (reference §9): a user's subscription columns,
//! plan-credit and top-up grants, the referral reward, and the event's id, all
//! in one transaction under the user's lock, so a delivery is applied wholly or
//! not at all, and a second delivery of the same event changes nothing.
//!
//! Two rules the earlier backend lacked: a subscription change older than the
//! newest one applied to the user is skipped (its grants still count: money was
//! received), and a change writes only the columns it carries (the earlier
//! `update_user_plan` wiped the subscription and customer ids).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::accounts::{bind_credit_entry, CreditEntry, ADD_CREDITS};
use super::codec::{now_sql, on_pool, BeginWrite as _, Id, Time};
use super::referrals::reward_referrer;
use super::Pool;

/// The subscription columns an event sets; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscriptionChange {
    pub plan: Option<String>,
    pub status: Option<String>,
    pub subscription_id: Option<String>,
    pub customer_id: Option<String>,
    /// `Some(None)` clears the end (a renewed or resumed subscription).
    pub ends_at: Option<Option<DateTime<Utc>>>,
}

/// The referrer's reward an event earns, if the user was referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralReward {
    pub credits: i64,
    pub packs: i64,
}

/// One webhook delivery, matched to a user and turned into writes.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingEvent {
    pub event_id: String,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub change: Option<SubscriptionChange>,
    /// Plan grants and top-ups, each with its idempotency key.
    pub grants: Vec<CreditEntry>,
    pub reward: Option<ReferralReward>,
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Written; `stale` when its subscription change was older than the user's
    /// newest and so was skipped.
    Written { stale: bool },
    /// The event id was applied before: nothing changed.
    Duplicate,
}

const LAST_EVENT_AT: &str =
    "SELECT last_event_at FROM paddle_subscription_state WHERE user_id = $1";

const STAMP: &str =
    "INSERT INTO paddle_subscription_state (user_id, last_event_at, last_event_id) \
     VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE \
     SET last_event_at = excluded.last_event_at, last_event_id = excluded.last_event_id";

const RECORD_EVENT: &str = "INSERT INTO paddle_events \
     (event_id, event_type, occurred_at, user_id, outcome, received_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING";

const STATE: &str =
    "SELECT subscription_status, subscription_ends_at FROM users WHERE user_id = $1";

/// A cancelled subscription's plan grants end when it does (the annual rows
/// not yet available never become so); top-ups and referral credits stay.
const EXPIRE_PLAN_GRANTS: &str = "UPDATE credit_ledger SET expires_at = $1 \
     WHERE user_id = $2 AND reason = 'plan_grant' AND delta_credits > 0 AND expires_at IS NULL";

/// Applies `event` in one transaction (see the module's rules).
pub async fn apply_event(
    pool: &Pool,
    event: &BillingEvent,
    now: DateTime<Utc>,
) -> Result<Applied, sqlx::Error> {
    let lock = match pool {
        Pool::Sqlite(_) => "SELECT user_id FROM users WHERE user_id = $1",
        Pool::Postgres(_) => "SELECT user_id FROM users WHERE user_id = $1 FOR UPDATE",
    };
    let update = format!(
        "UPDATE users SET plan = COALESCE($1, plan), \
         subscription_status = COALESCE($2, subscription_status), \
         subscription_id = COALESCE($3, subscription_id), \
         paddle_customer_id = COALESCE($4, paddle_customer_id), \
         subscription_ends_at = CASE WHEN $5 THEN $6 ELSE subscription_ends_at END, \
         updated_at = {} WHERE user_id = $7",
        now_sql(pool)
    );
    let user = Id::from(event.user_id);
    on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        sqlx::query(lock).bind(user).fetch_optional(&mut *transaction).await?;
        let mut stale = false;
        if let Some(change) = &event.change {
            let newest: Option<Time> = sqlx::query_scalar(LAST_EVENT_AT)
                .bind(user)
                .fetch_optional(&mut *transaction)
                .await?;
            stale = newest
                .and_then(|time| time.0)
                .is_some_and(|newest| newest > event.occurred_at);
            if !stale {
                sqlx::query(&update)
                    .bind(change.plan.as_deref())
                    .bind(change.status.as_deref())
                    .bind(change.subscription_id.as_deref())
                    .bind(change.customer_id.as_deref())
                    .bind(change.ends_at.is_some())
                    .bind(Time(change.ends_at.flatten()))
                    .bind(user)
                    .execute(&mut *transaction)
                    .await?;
                sqlx::query(STAMP)
                    .bind(user)
                    .bind(Time(Some(event.occurred_at)))
                    .bind(event.event_id.as_str())
                    .execute(&mut *transaction)
                    .await?;
            }
        }
        for grant in &event.grants {
            bind_credit_entry(sqlx::query(ADD_CREDITS), event.user_id, grant, now)
                .execute(&mut *transaction)
                .await?;
        }
        if let Some(reward) = event.reward {
            reward_referrer!(transaction, event.user_id, reward.credits, reward.packs, now).await?;
        }
        // Whatever order the grants and the cancellation came in, a cancelled
        // subscription's plan grants end with it.
        let state: Option<(Option<String>, Time)> = sqlx::query_as(STATE)
            .bind(user)
            .fetch_optional(&mut *transaction)
            .await?;
        if let Some((Some(status), Time(Some(ends_at)))) = state {
            if matches!(status.trim(), "canceled" | "cancelled") {
                sqlx::query(EXPIRE_PLAN_GRANTS)
                    .bind(Time(Some(ends_at)))
                    .bind(user)
                    .execute(&mut *transaction)
                    .await?;
            }
        }
        let recorded = sqlx::query(RECORD_EVENT)
            .bind(event.event_id.as_str())
            .bind(event.event_type.as_str())
            .bind(Time(Some(event.occurred_at)))
            .bind(user)
            .bind(if stale { "stale" } else { "applied" })
            .bind(Time(Some(now)))
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        if recorded == 0 {
            // Applied before (or by a concurrent delivery that committed first):
            // undo this attempt's writes.
            transaction.rollback().await?;
            return Ok(Applied::Duplicate);
        }
        transaction.commit().await?;
        Ok(Applied::Written { stale })
    })
}

/// The user a delivery is for: its `custom_data.user_id` when that user
/// exists, else the holder of its Paddle customer id, else of its
/// subscription id.
pub async fn find_user(
    pool: &Pool,
    user_id: Option<Uuid>,
    customer_id: Option<&str>,
    subscription_id: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    if let Some(user_id) = user_id {
        let found: Option<Id> = on_pool!(pool, pool => {
            sqlx::query_scalar("SELECT user_id FROM users WHERE user_id = $1")
                .bind(Id::from(user_id))
                .fetch_optional(pool)
                .await?
        });
        if found.is_some() {
            return Ok(Some(user_id));
        }
    }
    let lookups = [
        ("paddle_customer_id", customer_id),
        ("subscription_id", subscription_id),
    ];
    for (column, value) in lookups {
        let Some(value) = value else { continue };
        let sql = format!("SELECT user_id FROM users WHERE {column} = $1 LIMIT 1");
        let found: Option<Id> = on_pool!(pool, pool => {
            sqlx::query_scalar(&sql)
                .bind(value)
                .fetch_optional(pool)
                .await?
        });
        if let Some(found) = found.and_then(|id| id.0) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Whether the event id was applied before.
pub async fn seen(pool: &Pool, event_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT event_id FROM paddle_events WHERE event_id = $1")
            .bind(event_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// The Paddle customer id stored for the user.
pub async fn customer_id(pool: &Pool, user_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    let found: Option<Option<String>> = on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT paddle_customer_id FROM users WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await?
    });
    Ok(found.flatten())
}

/// Stores the user's Paddle customer id; nothing else changes (the earlier
/// backend called its plan update here without a plan and answered 500).
pub async fn set_customer_id(
    pool: &Pool,
    user_id: Uuid,
    customer_id: &str,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE users SET paddle_customer_id = $1, updated_at = {} WHERE user_id = $2",
        now_sql(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(customer_id)
            .bind(Id::from(user_id))
            .execute(pool)
            .await?;
    });
    Ok(())
}
