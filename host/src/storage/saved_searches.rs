//! `saved_searches`: a user's stored job searches and how often to be told about
//! them. `filters` is JSONB on PostgreSQL (bound and read as JSON: the earlier
//! backend passed dicts to asyncpg without a codec, so every write failed) and JSON
//! text on SQLite.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::codec::{newest_first, now_sql, on_pool, Id, Json, StoredRow, Time};
use super::Pool;

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

impl<R: StoredRow> sqlx::FromRow<'_, R> for SavedSearch {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(SavedSearch {
            search_id: row.read::<Id>("search_id")?.required("search_id")?,
            user_id: row.read::<Id>("user_id")?.required("user_id")?,
            name: row.read("name")?,
            query: row.read("query")?,
            filters: row
                .read::<Json>("filters")?
                .0
                .unwrap_or_else(|| Value::Object(Default::default())),
            notify_frequency: row
                .read::<Option<String>>("notify_frequency")?
                .unwrap_or_else(|| "weekly".into()),
            is_active: row.read::<Option<bool>>("is_active")?.unwrap_or(true),
            last_notified_at: row.read::<Time>("last_notified_at")?.0,
            created_at: row.read::<Time>("created_at")?.0,
            updated_at: row.read::<Time>("updated_at")?.0,
        })
    }
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
    on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM saved_searches WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_one(pool)
            .await
    })
}

pub async fn insert(
    pool: &Pool,
    user_id: Uuid,
    fields: &SearchFields,
) -> Result<SavedSearch, sqlx::Error> {
    let search_id = Uuid::new_v4();
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO saved_searches (search_id, user_id, name, query, filters, notify_frequency, is_active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Id::from(search_id))
        .bind(Id::from(user_id))
        .bind(&fields.name)
        .bind(&fields.query)
        .bind(Json::from(&fields.filters))
        .bind(&fields.notify_frequency)
        .bind(fields.is_active)
        .execute(pool)
        .await?;
    });
    get(pool, user_id, search_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The user's searches, newest first.
pub async fn list(pool: &Pool, user_id: Uuid) -> Result<Vec<SavedSearch>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM saved_searches WHERE user_id = $1 ORDER BY {}",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql).bind(Id::from(user_id)).fetch_all(pool).await
    })
}

/// One of the user's searches; another user's id reads as absent.
pub async fn get(
    pool: &Pool,
    user_id: Uuid,
    search_id: Uuid,
) -> Result<Option<SavedSearch>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM saved_searches WHERE search_id = $1 AND user_id = $2");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(search_id))
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
    })
}

/// Writes every field of one of the user's searches; `None` when it is not theirs.
pub async fn update(
    pool: &Pool,
    user_id: Uuid,
    search_id: Uuid,
    fields: &SearchFields,
) -> Result<Option<SavedSearch>, sqlx::Error> {
    let sql = format!(
        "UPDATE saved_searches SET name = $1, query = $2, filters = $3, notify_frequency = $4, is_active = $5, \
         updated_at = {} WHERE search_id = $6 AND user_id = $7",
        now_sql(pool)
    );
    let changed = on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(&fields.name)
            .bind(&fields.query)
            .bind(Json::from(&fields.filters))
            .bind(&fields.notify_frequency)
            .bind(fields.is_active)
            .bind(Id::from(search_id))
            .bind(Id::from(user_id))
            .execute(pool)
            .await?
            .rows_affected()
    });
    if changed == 0 {
        return Ok(None);
    }
    get(pool, user_id, search_id).await
}

/// Deletes one of the user's searches; `false` when it is not theirs.
pub async fn delete(pool: &Pool, user_id: Uuid, search_id: Uuid) -> Result<bool, sqlx::Error> {
    let deleted = on_pool!(pool, pool => {
        sqlx::query("DELETE FROM saved_searches WHERE search_id = $1 AND user_id = $2")
            .bind(Id::from(search_id))
            .bind(Id::from(user_id))
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted > 0)
}
