//! The `users` table: one row per Supabase user, created on their first
//! authenticated call, with the plan and e-mail preferences.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::codec::{now_sql, on_pool, BeginWrite as _, Id, Json, StoredRow, Time};
use super::Pool;

/// Creates the user or refreshes their e-mail. An e-mail held by another user id
/// (an account deleted and signed up again in Supabase) moves to this one: the
/// earlier backend failed with 500 on the UNIQUE constraint instead.
pub async fn upsert_user(
    pool: &Pool,
    user_id: Uuid,
    email: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = now_sql(pool);
    let release_email = format!(
        "UPDATE users SET email = NULL, updated_at = {now} WHERE email = $1 AND user_id <> $2"
    );
    let upsert = format!(
        "INSERT INTO users (user_id, email) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET email = COALESCE(excluded.email, users.email), updated_at = {now} \
         WHERE excluded.email IS NOT NULL AND users.email IS DISTINCT FROM excluded.email"
    );
    on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        if let Some(email) = email {
            sqlx::query(&release_email)
                .bind(email)
                .bind(Id::from(user_id))
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query(&upsert)
            .bind(Id::from(user_id))
            .bind(email)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    })
}

/// What the API shows of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub user_id: Uuid,
    pub email: Option<String>,
    pub plan: String,
}

pub async fn get_user(pool: &Pool, user_id: Uuid) -> Result<Option<UserRecord>, sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> = on_pool!(pool, pool => {
        sqlx::query_as("SELECT email, plan FROM users WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|(email, plan)| UserRecord {
        user_id,
        email,
        plan: plan.unwrap_or_else(|| "free".to_string()),
    }))
}

/// A user's plan and subscription state, as billing writes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subscription {
    pub plan: String,
    pub status: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for Subscription {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(Subscription {
            plan: row
                .read::<Option<String>>("plan")?
                .unwrap_or_else(|| "free".to_string()),
            status: row.read("subscription_status")?,
            ends_at: row.read::<Time>("subscription_ends_at")?.0,
        })
    }
}

pub async fn subscription(pool: &Pool, user_id: Uuid) -> Result<Option<Subscription>, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_as(
            "SELECT plan, subscription_status, subscription_ends_at FROM users WHERE user_id = $1",
        )
        .bind(Id::from(user_id))
        .fetch_optional(pool)
        .await
    })
}

/// Moves the user to `plan` (the legacy-plan migration; billing later).
pub async fn set_plan(pool: &Pool, user_id: Uuid, plan: &str) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE users SET plan = $1, updated_at = {} WHERE user_id = $2",
        now_sql(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(plan)
            .bind(Id::from(user_id))
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// The defaults every user starts with (and the earlier column default).
pub fn default_email_preferences() -> Value {
    json!({"weekly_digest": true, "job_alerts": true, "marketing": true})
}

/// `{weekly_digest, job_alerts, marketing}`: stored values over the defaults.
pub async fn email_preferences(pool: &Pool, user_id: Uuid) -> Result<Value, sqlx::Error> {
    let stored: Option<Json> = on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT email_preferences FROM users WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await?
    });
    let stored = stored.and_then(|stored| stored.0);
    let mut preferences = default_email_preferences();
    if let (Some(Value::Object(stored)), Value::Object(merged)) = (stored, &mut preferences) {
        for (key, value) in stored {
            if merged.contains_key(&key) && value.is_boolean() {
                merged.insert(key, value);
            }
        }
    }
    Ok(preferences)
}

pub async fn set_email_preferences(
    pool: &Pool,
    user_id: Uuid,
    preferences: &Value,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE users SET email_preferences = $1, updated_at = {} WHERE user_id = $2",
        now_sql(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(Json::from(preferences))
            .bind(Id::from(user_id))
            .execute(pool)
            .await?;
    });
    Ok(())
}
