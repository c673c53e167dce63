//! `job_targets`: one row per job a user parsed, imported or edited. Every read
//! and write names the owner, so another user's id reads as absent.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::storage::codec::{
    newest_first, now_sql, on_pool, Id, Json, List, Real, StoredRow, Time,
};
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

impl<R: StoredRow> sqlx::FromRow<'_, R> for JobTarget {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        let list = |name: &str| -> Result<Vec<String>, sqlx::Error> {
            Ok(row.read::<List>(name)?.0.unwrap_or_default())
        };
        Ok(JobTarget {
            job_target_id: row.read::<Id>("job_target_id")?.0.unwrap_or_default(),
            user_id: row.read::<Id>("user_id")?.0,
            job_url: row.read("job_url")?,
            job_text: row.read("job_text")?,
            job_hash: row.read("job_hash")?,
            extracted_json: row.read::<Json>("extracted_json")?.0,
            title: row.read("title")?,
            company: row.read("company")?,
            location: row.read("location")?,
            remote_type: row.read("remote_type")?,
            employment_types: list("employment_types")?,
            salary_min: row.read::<Real>("salary_min")?.0,
            salary_max: row.read::<Real>("salary_max")?.0,
            salary_currency: row.read("salary_currency")?,
            description_text: row.read("description_text")?,
            requirements: list("requirements")?,
            keywords: list("keywords")?,
            must_haves: list("must_haves")?,
            role_rubric: row.read("role_rubric")?,
            html: row.read("html")?,
            posted_at: row.read::<Time>("posted_at")?.0,
            valid_through: row.read::<Time>("valid_through")?.0,
            created_at: row.read::<Time>("created_at")?.0,
            updated_at: row.read::<Time>("updated_at")?.0,
        })
    }
}

/// Stores a new job target for `target.user_id` (a fresh id is assigned) and
/// returns it as stored.
pub async fn insert(pool: &Pool, target: &JobTarget) -> Result<JobTarget, sqlx::Error> {
    let job_target_id = Uuid::new_v4();
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO job_targets (job_target_id, user_id, job_url, job_text, job_hash, extracted_json, title, \
             company, location, remote_type, employment_types, salary_min, salary_max, salary_currency, \
             description_text, requirements, keywords, must_haves, role_rubric, html, posted_at, valid_through) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
        )
        .bind(Id::from(job_target_id))
        .bind(Id::from(target.user_id))
        .bind(&target.job_url)
        .bind(&target.job_text)
        .bind(&target.job_hash)
        .bind(Json::from(&target.extracted_json))
        .bind(&target.title)
        .bind(&target.company)
        .bind(&target.location)
        .bind(&target.remote_type)
        .bind(List::from(target.employment_types.as_slice()))
        .bind(Real(target.salary_min))
        .bind(Real(target.salary_max))
        .bind(&target.salary_currency)
        .bind(&target.description_text)
        .bind(List::from(target.requirements.as_slice()))
        .bind(List::from(target.keywords.as_slice()))
        .bind(List::from(target.must_haves.as_slice()))
        .bind(&target.role_rubric)
        .bind(&target.html)
        .bind(Time(target.posted_at))
        .bind(Time(target.valid_through))
        .execute(pool)
        .await?;
    });
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
    let sql =
        format!("SELECT {COLUMNS} FROM job_targets WHERE job_target_id = $1 AND user_id = $2");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(job_target_id))
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
    })
}

/// The user's newest job target with this hash (the parse cache). Scoped to the
/// user: the earlier backend looked the hash up across all users.
pub async fn find_by_hash(
    pool: &Pool,
    user_id: Uuid,
    job_hash: &str,
) -> Result<Option<JobTarget>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM job_targets WHERE user_id = $1 AND job_hash = $2 ORDER BY {} LIMIT 1",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(job_hash)
            .fetch_optional(pool)
            .await
    })
}

/// Writes the editable fields and analysis of `target` (matched by id and owner)
/// and returns the stored row, or `None` when it is not the owner's.
pub async fn update_owned(
    pool: &Pool,
    user_id: Uuid,
    target: &JobTarget,
) -> Result<Option<JobTarget>, sqlx::Error> {
    let sql = format!(
        "UPDATE job_targets SET title = $1, company = $2, location = $3, remote_type = $4, employment_types = $5, \
         salary_min = $6, salary_max = $7, salary_currency = $8, description_text = $9, requirements = $10, \
         keywords = $11, must_haves = $12, role_rubric = $13, updated_at = {} \
         WHERE job_target_id = $14 AND user_id = $15",
        now_sql(pool)
    );
    let changed = on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(&target.title)
            .bind(&target.company)
            .bind(&target.location)
            .bind(&target.remote_type)
            .bind(List::from(target.employment_types.as_slice()))
            .bind(Real(target.salary_min))
            .bind(Real(target.salary_max))
            .bind(&target.salary_currency)
            .bind(&target.description_text)
            .bind(List::from(target.requirements.as_slice()))
            .bind(List::from(target.keywords.as_slice()))
            .bind(List::from(target.must_haves.as_slice()))
            .bind(&target.role_rubric)
            .bind(Id::from(target.job_target_id))
            .bind(Id::from(user_id))
            .execute(pool)
            .await?
            .rows_affected()
    });
    if changed == 0 {
        return Ok(None);
    }
    get_owned(pool, user_id, target.job_target_id).await
}
