//! `saved_searches`: a user's stored job searches and how often to be told about
//! them. `filters` is JSONB on PostgreSQL (bound and read as JSON: the earlier
//! backend passed dicts to asyncpg without a codec, so every write failed) and JSON
//! text on SQLite.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row as _;
use utoipa::ToSchema;
use uuid::Uuid;

use super::users::now_text;
use super::{parse_timestamp, Pool};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SavedSearch {
    pub search_id: Uuid,
    #[serde(skip)]
    pub user_id: Uuid,
    pub name: Option<String>,
    pub query: Option<String>,
    pub filters: Value,
    pub notify_frequency: String,
    pub is_active: bool,
    #[serde(skip)]
    pub last_notified_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub updated_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "search_id, user_id, name, query, filters, notify_frequency, last_notified_at, is_active, created_at, updated_at";

fn from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<SavedSearch, sqlx::Error> {
    let uuid = |name: &str| -> Result<Uuid, sqlx::Error> {
        let text: String = row.try_get(name)?;
        Uuid::parse_str(&text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
    };
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(name)?
            .as_deref()
            .and_then(parse_timestamp))
    };
    Ok(SavedSearch {
        search_id: uuid("search_id")?,
        user_id: uuid("user_id")?,
        name: row.try_get("name")?,
        query: row.try_get("query")?,
        filters: super::json::sqlite_json(row, "filters")?
            .unwrap_or_else(|| Value::Object(Default::default())),
        notify_frequency: row
            .try_get::<Option<String>, _>("notify_frequency")?
            .unwrap_or_else(|| "weekly".into()),
        is_active: row.try_get::<Option<bool>, _>("is_active")?.unwrap_or(true),
        last_notified_at: time("last_notified_at")?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
    })
}

fn from_postgres(row: &sqlx::postgres::PgRow) -> Result<SavedSearch, sqlx::Error> {
    Ok(SavedSearch {
        search_id: row.try_get("search_id")?,
        user_id: row
            .try_get::<Option<Uuid>, _>("user_id")?
            .unwrap_or_default(),
        name: row.try_get("name")?,
        query: row.try_get("query")?,
        filters: super::json::pg_json(row, "filters")?
            .unwrap_or_else(|| Value::Object(Default::default())),
        notify_frequency: row
            .try_get::<Option<String>, _>("notify_frequency")?
            .unwrap_or_else(|| "weekly".into()),
        is_active: row.try_get::<Option<bool>, _>("is_active")?.unwrap_or(true),
        last_notified_at: row.try_get("last_notified_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The fields a client sets.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchFields {
    pub name: Option<String>,
    pub query: Option<String>,
    pub filters: Value,
    pub notify_frequency: String,
    pub is_active: bool,
}

pub async fn count(pool: &Pool, user_id: Uuid) -> Result<i64, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM saved_searches WHERE user_id = ?")
                .bind(user_id.to_string())
                .fetch_one(pool)
                .await
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM saved_searches WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(pool)
                .await
        }
    }
}

pub async fn insert(
    pool: &Pool,
    user_id: Uuid,
    fields: &SearchFields,
) -> Result<SavedSearch, sqlx::Error> {
    let search_id = Uuid::new_v4();
    match pool {
        Pool::Sqlite(sqlite) => {
            let now = now_text();
            sqlx::query(
                "INSERT INTO saved_searches (search_id, user_id, name, query, filters, notify_frequency, is_active, \
                 created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(search_id.to_string())
            .bind(user_id.to_string())
            .bind(&fields.name)
            .bind(&fields.query)
            .bind(fields.filters.to_string())
            .bind(&fields.notify_frequency)
            .bind(fields.is_active)
            .bind(&now)
            .bind(&now)
            .execute(sqlite)
            .await?;
        }
        Pool::Postgres(postgres) => {
            sqlx::query(
                "INSERT INTO saved_searches (search_id, user_id, name, query, filters, notify_frequency, is_active) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(search_id)
            .bind(user_id)
            .bind(&fields.name)
            .bind(&fields.query)
            .bind(sqlx::types::Json(&fields.filters))
            .bind(&fields.notify_frequency)
            .bind(fields.is_active)
            .execute(postgres)
            .await?;
        }
    }
    get(pool, user_id, search_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The user's searches, newest first.
pub async fn list(pool: &Pool, user_id: Uuid) -> Result<Vec<SavedSearch>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE user_id = ? ORDER BY created_at DESC, rowid DESC"
        ))
        .bind(user_id.to_string())
        .fetch_all(pool)
        .await?
        .iter()
        .map(from_sqlite)
        .collect(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE user_id = $1 ORDER BY created_at DESC NULLS LAST"
        ))
        .bind(user_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(from_postgres)
        .collect(),
    }
}

/// One of the user's searches; another user's id reads as absent.
pub async fn get(
    pool: &Pool,
    user_id: Uuid,
    search_id: Uuid,
) -> Result<Option<SavedSearch>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE search_id = ? AND user_id = ?"
        ))
        .bind(search_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_sqlite)
        .transpose(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE search_id = $1 AND user_id = $2"
        ))
        .bind(search_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_postgres)
        .transpose(),
    }
}

/// Writes every field of one of the user's searches; `None` when it is not theirs.
pub async fn update(
    pool: &Pool,
    user_id: Uuid,
    search_id: Uuid,
    fields: &SearchFields,
) -> Result<Option<SavedSearch>, sqlx::Error> {
    let changed = match pool {
        Pool::Sqlite(sqlite) => sqlx::query(
            "UPDATE saved_searches SET name = ?, query = ?, filters = ?, notify_frequency = ?, is_active = ?, \
             updated_at = ? WHERE search_id = ? AND user_id = ?",
        )
        .bind(&fields.name)
        .bind(&fields.query)
        .bind(fields.filters.to_string())
        .bind(&fields.notify_frequency)
        .bind(fields.is_active)
        .bind(now_text())
        .bind(search_id.to_string())
        .bind(user_id.to_string())
        .execute(sqlite)
        .await?
        .rows_affected(),
        Pool::Postgres(postgres) => sqlx::query(
            "UPDATE saved_searches SET name = $1, query = $2, filters = $3, notify_frequency = $4, is_active = $5, \
             updated_at = now() WHERE search_id = $6 AND user_id = $7",
        )
        .bind(&fields.name)
        .bind(&fields.query)
        .bind(sqlx::types::Json(&fields.filters))
        .bind(&fields.notify_frequency)
        .bind(fields.is_active)
        .bind(search_id)
        .bind(user_id)
        .execute(postgres)
        .await?
        .rows_affected(),
    };
    if changed == 0 {
        return Ok(None);
    }
    get(pool, user_id, search_id).await
}

/// Deletes one of the user's searches; `false` when it is not theirs.
pub async fn delete(pool: &Pool, user_id: Uuid, search_id: Uuid) -> Result<bool, sqlx::Error> {
    let deleted = match pool {
        Pool::Sqlite(pool) => {
            sqlx::query("DELETE FROM saved_searches WHERE search_id = ? AND user_id = ?")
                .bind(search_id.to_string())
                .bind(user_id.to_string())
                .execute(pool)
                .await?
                .rows_affected()
        }
        Pool::Postgres(pool) => {
            sqlx::query("DELETE FROM saved_searches WHERE search_id = $1 AND user_id = $2")
                .bind(search_id)
                .bind(user_id)
                .execute(pool)
                .await?
                .rows_affected()
        }
    };
    Ok(deleted > 0)
}
