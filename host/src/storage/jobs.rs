//! The `jobs` table: the list query with every filter and sort of the earlier
//! backend, single-job lookup, catalogue stats, and a batch upsert.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, QueryBuilder, Type, ValueRef as _};

use super::codec::{on_pool, StoredRow, Time};
use super::job_filter::{fts_query, push_filters, SearchPlan};
pub use super::job_filter::{search_words, JobFilter};
use super::{Engine, Pool};

/// One stored job with every column the API and the pipeline use.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobRecord {
    pub job_id: String,
    pub provider_id: Option<String>,
    pub source: String,
    pub source_url: Option<String>,
    pub title: String,
    pub title_normalized: Option<String>,
    pub company: String,
    pub company_normalized: Option<String>,
    pub location_raw: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub remote_type: Option<String>,
    pub employment_types: Vec<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    /// hour, day, week, month or year, when the source said.
    pub salary_period: Option<String>,
    /// The salary range converted to a yearly amount (written by the pipeline; not read back by lists).
    pub salary_annual_min: Option<f64>,
    pub salary_annual_max: Option<f64>,
    pub job_url: Option<String>,
    pub job_url_canonical: Option<String>,
    pub apply_url: Option<String>,
    pub description_text: Option<String>,
    pub emails: Vec<String>,
    pub company_website: Option<String>,
    pub linkedin_url: Option<String>,
    pub tags: Vec<String>,
    pub posted_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub first_seen_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub relevance_score: Option<f64>,
    pub relevance_reasons: Option<String>,
    pub ai_score: Option<f64>,
    pub ai_reasons: Option<String>,
    pub ai_seniority: Option<String>,
    pub ai_summary: Option<String>,
    pub ai_requirements: Option<String>,
    pub ai_tech_stack: Option<String>,
    pub ai_company_summary: Option<String>,
    pub ai_flags: Vec<String>,
}

/// Sort orders of `GET /jobs`. Unknown values fall back to relevance, as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobSort {
    #[default]
    Relevance,
    AiScore,
    PostedAt,
    FirstSeenAt,
}

impl JobSort {
    pub fn from_param(value: Option<&str>) -> Self {
        match value.unwrap_or_default() {
            "ai_score" => JobSort::AiScore,
            "posted_at" => JobSort::PostedAt,
            "first_seen_at" => JobSort::FirstSeenAt,
            // `personalized` needs embeddings (not kept); it ranks by relevance like
            // the earlier SQLite mode did.
            _ => JobSort::Relevance,
        }
    }

    fn order_by(self, engine: Engine) -> &'static str {
        // SQLite sorts NULL lowest, so DESC already puts NULLs last; PostgreSQL needs
        // it spelled out. Each order matches an index of the migrations.
        match (self, engine) {
            (JobSort::Relevance, Engine::Sqlite) => {
                "coalesce(relevance_score, 0) DESC, posted_at DESC, first_seen_at DESC, job_id"
            }
            (JobSort::Relevance, Engine::Postgres) => {
                "coalesce(relevance_score, 0) DESC, posted_at DESC NULLS LAST, first_seen_at DESC, job_id"
            }
            (JobSort::AiScore, Engine::Sqlite) => "coalesce(ai_score, 0) DESC, posted_at DESC, first_seen_at DESC, job_id",
            (JobSort::AiScore, Engine::Postgres) => {
                "coalesce(ai_score, 0) DESC, posted_at DESC NULLS LAST, first_seen_at DESC, job_id"
            }
            (JobSort::PostedAt, Engine::Sqlite) => "posted_at DESC, first_seen_at DESC, job_id",
            (JobSort::PostedAt, Engine::Postgres) => "posted_at DESC NULLS LAST, first_seen_at DESC, job_id",
            (JobSort::FirstSeenAt, _) => "first_seen_at DESC, job_id",
        }
    }
}

#[derive(Debug, Clone)]
pub struct JobPage {
    pub jobs: Vec<JobRecord>,
    pub total: i64,
}

const LIST_COLUMNS: &str = "job_id, provider_id, source, source_url, title, title_normalized, company, \
    company_normalized, location_raw, country, city, remote_type, employment_types, salary_min, salary_max, \
    salary_currency, job_url, job_url_canonical, apply_url, company_website, linkedin_url, tags, posted_at, \
    expires_at, first_seen_at, last_seen_at, relevance_score, relevance_reasons, ai_score, ai_reasons, \
    ai_seniority, ai_summary, ai_requirements, ai_tech_stack, ai_flags";

const DETAIL_EXTRA_COLUMNS: &str = ", description_text, emails, ai_company_summary";

/// One page of jobs and the total count under the same filters.
pub async fn list_jobs(
    pool: &Pool,
    filter: &JobFilter,
    sort: JobSort,
    page: i64,
    page_size: i64,
) -> Result<JobPage, sqlx::Error> {
    // Both run to the end even when one fails: a query dropped half-way is how a
    // connection used to go back to the pool mid-transaction.
    let (jobs, total) = tokio::join!(
        page_jobs(pool, filter, sort, page, page_size),
        count_jobs(pool, filter)
    );
    Ok(JobPage {
        jobs: jobs?,
        total: total?,
    })
}

/// The jobs of one page (`page` from 1).
pub async fn page_jobs(
    pool: &Pool,
    filter: &JobFilter,
    sort: JobSort,
    page: i64,
    page_size: i64,
) -> Result<Vec<JobRecord>, sqlx::Error> {
    let engine = pool.engine();
    let offset = (page - 1).saturating_mul(page_size);
    let plan = search_plan(pool, filter, offset.saturating_add(page_size)).await?;
    on_pool!(pool, pool => {
        let mut query = QueryBuilder::new(format!("SELECT {LIST_COLUMNS} FROM jobs"));
        push_filters(&mut query, engine, filter, Utc::now(), plan);
        query
            .push(format_args!(" ORDER BY {} LIMIT ", sort.order_by(engine)))
            .push_bind(page_size)
            .push(" OFFSET ")
            .push_bind(offset);
        query.build_query_as().fetch_all(pool).await
    })
}

/// How a SQLite `q` search should read the index for a page ending at `rows_needed`
/// (see [`SearchPlan`]): decided by counting matches only up to the point where
/// walking the sort order wins, which costs little even for a broad word.
async fn search_plan(
    pool: &Pool,
    filter: &JobFilter,
    rows_needed: i64,
) -> Result<SearchPlan, sqlx::Error> {
    let (Pool::Sqlite(pool), Some(fts)) = (pool, filter.q.as_deref().and_then(fts_query)) else {
        return Ok(SearchPlan::default());
    };
    // `search_rowid` only grows, so its maximum bounds the indexed jobs in O(1).
    let (indexed,): (i64,) =
        sqlx::query_as("SELECT coalesce(max(search_rowid), 0) FROM job_search_keys")
            .fetch_one(pool)
            .await?;
    let threshold = SearchPlan::walk_threshold(indexed, rows_needed);
    let (matches,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM (SELECT 1 FROM jobs_fts WHERE jobs_fts MATCH ? LIMIT ?)",
    )
    .bind(&fts)
    .bind(threshold)
    .fetch_one(pool)
    .await?;
    Ok(SearchPlan::choose(matches, indexed, rows_needed))
}

/// How many jobs match `filter`.
pub async fn count_jobs(pool: &Pool, filter: &JobFilter) -> Result<i64, sqlx::Error> {
    let engine = pool.engine();
    if let (Pool::Sqlite(pool), Some(fts)) = (pool, filter.q.as_deref().and_then(fts_query)) {
        // The index holds exactly one row per job, so a search with no other filter
        // is counted there, without reading a single job.
        if filter.only_searches() {
            let (total,): (i64,) =
                sqlx::query_as("SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?")
                    .bind(&fts)
                    .fetch_one(pool)
                    .await?;
            return Ok(total);
        }
    }
    let now = Utc::now();
    match pool {
        Pool::Postgres(pool) if filter.q.is_some() => {
            // The planner prices a sequential scan without the cost of detoasting every
            // stored `search_vector`, so for a broad word it scans the table (325 ms on
            // 100k jobs) where the GIN bitmap takes 84 ms. Steer this one count to the index.
            // `SET LOCAL` needs a transaction, and a transaction must never be dropped
            // half-way (a failed sibling query or a client hanging up would drop it), so
            // it runs in a task of its own that always reaches its commit or rollback.
            let mut query = QueryBuilder::new("SELECT COUNT(*) FROM jobs");
            push_filters(&mut query, engine, filter, now, SearchPlan::default());
            let pool = pool.clone();
            let task = tokio::spawn(async move {
                let mut transaction = pool.begin().await?;
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *transaction)
                    .await?;
                let total = query
                    .build_query_scalar::<i64>()
                    .fetch_one(&mut *transaction)
                    .await;
                match total {
                    Ok(total) => {
                        transaction.commit().await?;
                        Ok(total)
                    }
                    Err(error) => {
                        transaction.rollback().await?;
                        Err(error)
                    }
                }
            });
            match task.await {
                Ok(total) => total,
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(error) => Err(sqlx::Error::Protocol(format!("count task ended: {error}"))),
            }
        }
        pool => on_pool!(pool, pool => {
            let mut query = QueryBuilder::new("SELECT COUNT(*) FROM jobs");
            push_filters(&mut query, engine, filter, now, SearchPlan::default());
            query.build_query_scalar::<i64>().fetch_one(pool).await
        }),
    }
}

/// One job with its full description, or `None`.
pub async fn get_job(pool: &Pool, job_id: &str) -> Result<Option<JobRecord>, sqlx::Error> {
    let sql = format!("SELECT {LIST_COLUMNS}{DETAIL_EXTRA_COLUMNS} FROM jobs WHERE job_id = $1");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql).bind(job_id).fetch_optional(pool).await
    })
}

/// The catalogue figures of `GET /admin/stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueStats {
    pub total_jobs: i64,
    pub jobs_last_24h: i64,
    pub jobs_last_7d: i64,
    pub sources: BTreeMap<String, i64>,
}

pub async fn catalogue_stats(pool: &Pool) -> Result<CatalogueStats, sqlx::Error> {
    let now = Utc::now();
    let day_ago = now - Duration::hours(24);
    let week_ago = now - Duration::days(7);
    let (total, last_24h, last_7d, sources) = on_pool!(pool, pool => {
        let (total, last_24h, last_7d): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM jobs), \
             (SELECT COUNT(*) FROM jobs WHERE first_seen_at >= $1), \
             (SELECT COUNT(*) FROM jobs WHERE first_seen_at >= $2)",
        )
        .bind(Time(Some(day_ago)))
        .bind(Time(Some(week_ago)))
        .fetch_one(pool)
        .await?;
        let sources: Vec<(String, i64)> =
            sqlx::query_as("SELECT source, COUNT(*) FROM jobs GROUP BY source")
                .fetch_all(pool)
                .await?;
        (total, last_24h, last_7d, sources)
    });
    Ok(CatalogueStats {
        total_jobs: total,
        jobs_last_24h: last_24h,
        jobs_last_7d: last_7d,
        sources: sources.into_iter().collect(),
    })
}

pub use super::upsert::upsert_jobs;

fn empty_to_none(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.is_empty())
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for JobRecord {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        let text = |name: &str| -> Result<Option<String>, sqlx::Error> { row.read(name) };
        let list =
            |name: &str| -> Result<Vec<String>, sqlx::Error> { Ok(row.read::<JobList>(name)?.0) };
        let real =
            |name: &str| -> Result<Option<f64>, sqlx::Error> { Ok(row.read::<JobReal>(name)?.0) };
        let time = |name: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
            Ok(row.read::<Time>(name)?.0)
        };
        let has_detail = row.has_column("description_text");
        Ok(JobRecord {
            job_id: row.read("job_id")?,
            provider_id: empty_to_none(text("provider_id")?),
            source: row.read("source")?,
            source_url: empty_to_none(text("source_url")?),
            title: row.read("title")?,
            title_normalized: empty_to_none(text("title_normalized")?),
            company: row.read("company")?,
            company_normalized: empty_to_none(text("company_normalized")?),
            location_raw: empty_to_none(text("location_raw")?),
            country: empty_to_none(text("country")?),
            city: empty_to_none(text("city")?),
            remote_type: empty_to_none(text("remote_type")?),
            employment_types: list("employment_types")?,
            salary_min: real("salary_min")?,
            salary_max: real("salary_max")?,
            salary_currency: empty_to_none(text("salary_currency")?),
            salary_period: None,
            salary_annual_min: None,
            salary_annual_max: None,
            job_url: empty_to_none(text("job_url")?),
            job_url_canonical: empty_to_none(text("job_url_canonical")?),
            apply_url: empty_to_none(text("apply_url")?),
            description_text: if has_detail {
                text("description_text")?
            } else {
                None
            },
            emails: if has_detail {
                list("emails")?
            } else {
                Vec::new()
            },
            company_website: empty_to_none(text("company_website")?),
            linkedin_url: empty_to_none(text("linkedin_url")?),
            tags: list("tags")?,
            posted_at: time("posted_at")?,
            expires_at: time("expires_at")?,
            first_seen_at: time("first_seen_at")?,
            last_seen_at: time("last_seen_at")?,
            relevance_score: real("relevance_score")?,
            relevance_reasons: empty_to_none(text("relevance_reasons")?),
            ai_score: real("ai_score")?,
            ai_reasons: empty_to_none(text("ai_reasons")?),
            ai_seniority: empty_to_none(text("ai_seniority")?),
            ai_summary: empty_to_none(text("ai_summary")?),
            ai_requirements: empty_to_none(text("ai_requirements")?),
            ai_tech_stack: empty_to_none(text("ai_tech_stack")?),
            ai_company_summary: if has_detail {
                empty_to_none(text("ai_company_summary")?)
            } else {
                None
            },
            ai_flags: list("ai_flags")?,
        })
    }
}

/// A list column of `jobs`: `TEXT[]` on PostgreSQL; on SQLite JSON text in any of
/// the earlier shapes (non-string items as their JSON, nulls dropped, anything
/// unreadable as empty).
struct JobList(Vec<String>);

impl Type<Sqlite> for JobList {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Decode<'_, Sqlite> for JobList {
    fn decode(value: SqliteValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(Self(json_list(<Option<String> as Decode<Sqlite>>::decode(
            value,
        )?)))
    }
}

impl Type<Postgres> for JobList {
    fn type_info() -> PgTypeInfo {
        <Vec<String> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <Vec<String> as Type<Postgres>>::compatible(ty)
    }
}

impl Decode<'_, Postgres> for JobList {
    fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(Self(
            <Option<Vec<String>> as Decode<Postgres>>::decode(value)?.unwrap_or_default(),
        ))
    }
}

fn json_list(value: Option<String>) -> Vec<String> {
    value
        .and_then(|text| serde_json::from_str::<Vec<serde_json::Value>>(&text).ok())
        .map(|items| {
            items
                .into_iter()
                .filter_map(|item| match item {
                    serde_json::Value::String(text) => Some(text),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A REAL column of `jobs`. SQLite does not enforce column types, and the earlier
/// backend sometimes wrote empty text, which reads as no value (any other value
/// that is neither a number nor text too). PostgreSQL returns `f32`, read through
/// its shortest decimal form.
struct JobReal(Option<f64>);

impl Type<Sqlite> for JobReal {
    fn type_info() -> SqliteTypeInfo {
        <f64 as Type<Sqlite>>::type_info()
    }
    fn compatible(_: &SqliteTypeInfo) -> bool {
        true
    }
}

impl Decode<'_, Sqlite> for JobReal {
    fn decode(value: SqliteValueRef<'_>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(Self(None));
        }
        let stored = value.type_info().into_owned();
        if <f64 as Type<Sqlite>>::compatible(&stored) {
            return Ok(Self(Some(<f64 as Decode<Sqlite>>::decode(value)?)));
        }
        if <String as Type<Sqlite>>::compatible(&stored) {
            return Ok(Self(
                <String as Decode<Sqlite>>::decode(value)?
                    .trim()
                    .parse()
                    .ok(),
            ));
        }
        Ok(Self(None))
    }
}

impl Type<Postgres> for JobReal {
    fn type_info() -> PgTypeInfo {
        <f32 as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <f32 as Type<Postgres>>::compatible(ty)
    }
}

impl Decode<'_, Postgres> for JobReal {
    fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(Self(real_to_f64(
            <Option<f32> as Decode<Postgres>>::decode(value)?,
        )))
    }
}

/// REAL columns come back as `f32` from PostgreSQL; going through their shortest
/// decimal form keeps 72.3 from turning into 72.30000305175781.
fn real_to_f64(value: Option<f32>) -> Option<f64> {
    value.and_then(|number| number.to_string().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_split_like_the_indexes() {
        assert_eq!(
            search_words("Senior Node.js  Engineer"),
            ["senior", "node", "js", "engineer"]
        );
        assert!(search_words("++ --").is_empty());
        assert_eq!(search_words("Größe"), ["größe"]);
    }

    #[test]
    fn json_lists_tolerate_the_earlier_shapes() {
        assert_eq!(
            json_list(Some(r#"["full_time","contract"]"#.into())),
            ["full_time", "contract"]
        );
        assert!(json_list(Some(String::new())).is_empty());
        assert!(json_list(Some("not json".into())).is_empty());
        assert!(json_list(None).is_empty());
    }

    #[test]
    fn reals_keep_their_decimal_form() {
        assert_eq!(real_to_f64(Some(72.3_f32)), Some(72.3));
        assert_eq!(real_to_f64(None), None);
    }

    #[test]
    fn unknown_sorts_fall_back_to_relevance() {
        assert_eq!(
            JobSort::from_param(Some("personalized")),
            JobSort::Relevance
        );
        assert_eq!(JobSort::from_param(Some("bogus")), JobSort::Relevance);
        assert_eq!(JobSort::from_param(Some("posted_at")), JobSort::PostedAt);
        assert_eq!(JobSort::from_param(None), JobSort::Relevance);
    }
}
