//! `job_targets`: one row per job a user parsed, imported or edited. Every read
//! and write names the owner, so another user's id reads as absent.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Row as _;
use uuid::Uuid;

use super::{
    list_text, pg_json, pg_list, sqlite_list, sqlite_text_json, sqlite_time, sqlite_uuid, time_text,
};
use crate::storage::users::now_text;
use crate::storage::Pool;

/// A `job_targets` row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobTarget {
    pub job_target_id: Uuid,
    pub user_id: Option<Uuid>,
    pub job_url: Option<String>,
    pub job_text: Option<String>,
    pub job_hash: String,
    pub extracted_json: Option<Value>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    pub employment_types: Vec<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
    pub requirements: Vec<String>,
    pub keywords: Vec<String>,
    pub must_haves: Vec<String>,
    pub role_rubric: Option<String>,
    pub html: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    pub valid_through: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "job_target_id, user_id, job_url, job_text, job_hash, extracted_json, title, company, \
     location, remote_type, employment_types, salary_min, salary_max, salary_currency, description_text, \
     requirements, keywords, must_haves, role_rubric, html, posted_at, valid_through, created_at, updated_at";

fn from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<JobTarget, sqlx::Error> {
    Ok(JobTarget {
        job_target_id: sqlite_uuid(row, "job_target_id")?.unwrap_or_default(),
        user_id: sqlite_uuid(row, "user_id")?,
        job_url: row.try_get("job_url")?,
        job_text: row.try_get("job_text")?,
        job_hash: row.try_get("job_hash")?,
        extracted_json: sqlite_text_json(row, "extracted_json")?,
        title: row.try_get("title")?,
        company: row.try_get("company")?,
        location: row.try_get("location")?,
        remote_type: row.try_get("remote_type")?,
        employment_types: sqlite_list(row, "employment_types")?,
        salary_min: row.try_get("salary_min")?,
        salary_max: row.try_get("salary_max")?,
        salary_currency: row.try_get("salary_currency")?,
        description_text: row.try_get("description_text")?,
        requirements: sqlite_list(row, "requirements")?,
        keywords: sqlite_list(row, "keywords")?,
        must_haves: sqlite_list(row, "must_haves")?,
        role_rubric: row.try_get("role_rubric")?,
        html: row.try_get("html")?,
        posted_at: sqlite_time(row, "posted_at")?,
        valid_through: sqlite_time(row, "valid_through")?,
        created_at: sqlite_time(row, "created_at")?,
        updated_at: sqlite_time(row, "updated_at")?,
    })
}

fn from_postgres(row: &sqlx::postgres::PgRow) -> Result<JobTarget, sqlx::Error> {
    let real = |name: &str| -> Result<Option<f64>, sqlx::Error> {
        Ok(row.try_get::<Option<f32>, _>(name)?.map(f64::from))
    };
    Ok(JobTarget {
        job_target_id: row.try_get("job_target_id")?,
        user_id: row.try_get("user_id")?,
        job_url: row.try_get("job_url")?,
        job_text: row.try_get("job_text")?,
        job_hash: row.try_get("job_hash")?,
        extracted_json: pg_json(row, "extracted_json")?,
        title: row.try_get("title")?,
        company: row.try_get("company")?,
        location: row.try_get("location")?,
        remote_type: row.try_get("remote_type")?,
        employment_types: pg_list(row, "employment_types")?,
        salary_min: real("salary_min")?,
        salary_max: real("salary_max")?,
        salary_currency: row.try_get("salary_currency")?,
        description_text: row.try_get("description_text")?,
        requirements: pg_list(row, "requirements")?,
        keywords: pg_list(row, "keywords")?,
        must_haves: pg_list(row, "must_haves")?,
        role_rubric: row.try_get("role_rubric")?,
        html: row.try_get("html")?,
        posted_at: row.try_get("posted_at")?,
        valid_through: row.try_get("valid_through")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Stores a new job target for `target.user_id` (a fresh id is assigned) and
/// returns it as stored.
pub async fn insert(pool: &Pool, target: &JobTarget) -> Result<JobTarget, sqlx::Error> {
    let job_target_id = Uuid::new_v4();
    match pool {
        Pool::Sqlite(sqlite) => {
            let now = now_text();
            sqlx::query(&format!(
                "INSERT INTO job_targets ({COLUMNS}) VALUES \
                 (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ))
            .bind(job_target_id.to_string())
            .bind(target.user_id.map(|id| id.to_string()))
            .bind(&target.job_url)
            .bind(&target.job_text)
            .bind(&target.job_hash)
            .bind(target.extracted_json.as_ref().map(Value::to_string))
            .bind(&target.title)
            .bind(&target.company)
            .bind(&target.location)
            .bind(&target.remote_type)
            .bind(list_text(&target.employment_types))
            .bind(target.salary_min)
            .bind(target.salary_max)
            .bind(&target.salary_currency)
            .bind(&target.description_text)
            .bind(list_text(&target.requirements))
            .bind(list_text(&target.keywords))
            .bind(list_text(&target.must_haves))
            .bind(&target.role_rubric)
            .bind(&target.html)
            .bind(time_text(&target.posted_at))
            .bind(time_text(&target.valid_through))
            .bind(&now)
            .bind(&now)
            .execute(sqlite)
            .await?;
        }
        Pool::Postgres(postgres) => {
            sqlx::query(
                "INSERT INTO job_targets (job_target_id, user_id, job_url, job_text, job_hash, extracted_json, title, \
                 company, location, remote_type, employment_types, salary_min, salary_max, salary_currency, \
                 description_text, requirements, keywords, must_haves, role_rubric, html, posted_at, valid_through) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
            )
            .bind(job_target_id)
            .bind(target.user_id)
            .bind(&target.job_url)
            .bind(&target.job_text)
            .bind(&target.job_hash)
            .bind(target.extracted_json.clone().map(sqlx::types::Json))
            .bind(&target.title)
            .bind(&target.company)
            .bind(&target.location)
            .bind(&target.remote_type)
            .bind(&target.employment_types)
            .bind(target.salary_min.map(|value| value as f32))
            .bind(target.salary_max.map(|value| value as f32))
            .bind(&target.salary_currency)
            .bind(&target.description_text)
            .bind(&target.requirements)
            .bind(&target.keywords)
            .bind(&target.must_haves)
            .bind(&target.role_rubric)
            .bind(&target.html)
            .bind(target.posted_at)
            .bind(target.valid_through)
            .execute(postgres)
            .await?;
        }
    }
    let owner = target.user_id.unwrap_or_default();
    Ok(get_owned(pool, owner, job_target_id)
        .await?
        .unwrap_or_default())
}

/// One of `user_id`'s job targets; another user's (or an ownerless) id reads as absent.
pub async fn get_owned(
    pool: &Pool,
    user_id: Uuid,
    job_target_id: Uuid,
) -> Result<Option<JobTarget>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM job_targets WHERE job_target_id = ? AND user_id = ?"
        ))
        .bind(job_target_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_sqlite)
        .transpose(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM job_targets WHERE job_target_id = $1 AND user_id = $2"
        ))
        .bind(job_target_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_postgres)
        .transpose(),
    }
}

/// The user's newest job target with this hash (the parse cache). Scoped to the
/// user: the earlier backend looked the hash up across all users.
pub async fn find_by_hash(
    pool: &Pool,
    user_id: Uuid,
    job_hash: &str,
) -> Result<Option<JobTarget>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM job_targets WHERE user_id = ? AND job_hash = ? \
             ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ))
        .bind(user_id.to_string())
        .bind(job_hash)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_sqlite)
        .transpose(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM job_targets WHERE user_id = $1 AND job_hash = $2 \
             ORDER BY created_at DESC NULLS LAST LIMIT 1"
        ))
        .bind(user_id)
        .bind(job_hash)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_postgres)
        .transpose(),
    }
}

/// Writes the editable fields and analysis of `target` (matched by id and owner)
/// and returns the stored row, or `None` when it is not the owner's.
pub async fn update_owned(
    pool: &Pool,
    user_id: Uuid,
    target: &JobTarget,
) -> Result<Option<JobTarget>, sqlx::Error> {
    let changed = match pool {
        Pool::Sqlite(sqlite) => sqlx::query(
            "UPDATE job_targets SET title = ?, company = ?, location = ?, remote_type = ?, employment_types = ?, \
             salary_min = ?, salary_max = ?, salary_currency = ?, description_text = ?, requirements = ?, \
             keywords = ?, must_haves = ?, role_rubric = ?, updated_at = ? \
             WHERE job_target_id = ? AND user_id = ?",
        )
        .bind(&target.title)
        .bind(&target.company)
        .bind(&target.location)
        .bind(&target.remote_type)
        .bind(list_text(&target.employment_types))
        .bind(target.salary_min)
        .bind(target.salary_max)
        .bind(&target.salary_currency)
        .bind(&target.description_text)
        .bind(list_text(&target.requirements))
        .bind(list_text(&target.keywords))
        .bind(list_text(&target.must_haves))
        .bind(&target.role_rubric)
        .bind(now_text())
        .bind(target.job_target_id.to_string())
        .bind(user_id.to_string())
        .execute(sqlite)
        .await?
        .rows_affected(),
        Pool::Postgres(postgres) => sqlx::query(
            "UPDATE job_targets SET title = $1, company = $2, location = $3, remote_type = $4, employment_types = $5, \
             salary_min = $6, salary_max = $7, salary_currency = $8, description_text = $9, requirements = $10, \
             keywords = $11, must_haves = $12, role_rubric = $13, updated_at = now() \
             WHERE job_target_id = $14 AND user_id = $15",
        )
        .bind(&target.title)
        .bind(&target.company)
        .bind(&target.location)
        .bind(&target.remote_type)
        .bind(&target.employment_types)
        .bind(target.salary_min.map(|value| value as f32))
        .bind(target.salary_max.map(|value| value as f32))
        .bind(&target.salary_currency)
        .bind(&target.description_text)
        .bind(&target.requirements)
        .bind(&target.keywords)
        .bind(&target.must_haves)
        .bind(&target.role_rubric)
        .bind(target.job_target_id)
        .bind(user_id)
        .execute(postgres)
        .await?
        .rows_affected(),
    };
    if changed == 0 {
        return Ok(None);
    }
    get_owned(pool, user_id, target.job_target_id).await
}
