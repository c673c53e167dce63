//! The `users` table: one row per Supabase user, created on their first
//! authenticated call, with the plan and e-mail preferences.

use chrono::{SecondsFormat, Utc};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use sqlx::Row as _;
use uuid::Uuid;

use super::Pool;

/// SQLite timestamps of these tables keep milliseconds, as the column defaults do.
pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Creates the user or refreshes their e-mail. An e-mail held by another user id
/// (an account deleted and signed up again in Supabase) moves to this one: the
/// earlier backend failed with 500 on the UNIQUE constraint instead.
pub async fn upsert_user(
    pool: &Pool,
    user_id: Uuid,
    email: Option<&str>,
) -> Result<(), sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => {
            let mut transaction = super::write::begin_sqlite_write(pool).await?;
            let now = now_text();
            if let Some(email) = email {
                sqlx::query("UPDATE users SET email = NULL, updated_at = ? WHERE email = ? AND user_id <> ?")
                    .bind(&now)
                    .bind(email)
                    .bind(user_id.to_string())
                    .execute(&mut *transaction)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO users (user_id, email, created_at, updated_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (user_id) DO UPDATE SET email = COALESCE(excluded.email, users.email), updated_at = excluded.updated_at \
                 WHERE excluded.email IS NOT NULL AND users.email IS NOT excluded.email",
            )
            .bind(user_id.to_string())
            .bind(email)
            .bind(&now)
            .bind(&now)
            .execute(&mut *transaction)
            .await?;
            transaction.commit().await
        }
        Pool::Postgres(pool) => {
            let mut transaction = pool.begin().await?;
            if let Some(email) = email {
                sqlx::query("UPDATE users SET email = NULL, updated_at = now() WHERE email = $1 AND user_id <> $2")
                    .bind(email)
                    .bind(user_id)
                    .execute(&mut *transaction)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO users (user_id, email) VALUES ($1, $2) \
                 ON CONFLICT (user_id) DO UPDATE SET email = COALESCE(excluded.email, users.email), updated_at = now() \
                 WHERE excluded.email IS NOT NULL AND users.email IS DISTINCT FROM excluded.email",
            )
            .bind(user_id)
            .bind(email)
            .execute(&mut *transaction)
            .await?;
            transaction.commit().await
        }
    }
}

/// What the API shows of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub user_id: Uuid,
    pub email: Option<String>,
    pub plan: String,
}

pub async fn get_user(pool: &Pool, user_id: Uuid) -> Result<Option<UserRecord>, sqlx::Error> {
    let row = match pool {
        Pool::Sqlite(pool) => sqlx::query("SELECT email, plan FROM users WHERE user_id = ?")
            .bind(user_id.to_string())
            .fetch_optional(pool)
            .await?
            .map(|row| -> Result<_, sqlx::Error> {
                Ok((row.try_get("email")?, row.try_get("plan")?))
            })
            .transpose()?,
        Pool::Postgres(pool) => sqlx::query("SELECT email, plan FROM users WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
            .map(|row| -> Result<_, sqlx::Error> {
                Ok((row.try_get("email")?, row.try_get("plan")?))
            })
            .transpose()?,
    };
    Ok(row.map(
        |(email, plan): (Option<String>, Option<String>)| UserRecord {
            user_id,
            email,
            plan: plan.unwrap_or_else(|| "free".to_string()),
        },
    ))
}

/// The defaults every user starts with (and the earlier column default).
pub fn default_email_preferences() -> Value {
    json!({"weekly_digest": true, "job_alerts": true, "marketing": true})
}

/// `{weekly_digest, job_alerts, marketing}`: stored values over the defaults.
pub async fn email_preferences(pool: &Pool, user_id: Uuid) -> Result<Value, sqlx::Error> {
    let stored: Option<Value> = match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar::<_, Option<String>>(
            "SELECT email_preferences FROM users WHERE user_id = ?",
        )
        .bind(user_id.to_string())
        .fetch_optional(pool)
        .await?
        .flatten()
        .as_deref()
        .and_then(super::json::parse_stored),
        Pool::Postgres(pool) => sqlx::query_scalar::<_, Option<sqlx::types::Json<Box<RawValue>>>>(
            "SELECT email_preferences FROM users WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .flatten()
        .and_then(|raw| super::json::parse_stored(raw.0.get())),
    };
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
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query("UPDATE users SET email_preferences = ?, updated_at = ? WHERE user_id = ?")
                .bind(preferences.to_string())
                .bind(now_text())
                .bind(user_id.to_string())
                .execute(pool)
                .await?;
        }
        Pool::Postgres(pool) => {
            sqlx::query(
                "UPDATE users SET email_preferences = $1, updated_at = now() WHERE user_id = $2",
            )
            .bind(sqlx::types::Json(preferences))
            .bind(user_id)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}
