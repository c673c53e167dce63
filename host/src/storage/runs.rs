//! The `runs` table: one row per scrape run with its counters and criteria.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::codec::{on_pool, Int, Json, StoredRow, Time};
use super::{Engine, Pool};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRecord {
    pub run_id: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub jobs_collected: i64,
    pub jobs_new: i64,
    pub jobs_updated: i64,
    pub jobs_filtered: i64,
    pub errors: i64,
    pub sources: Option<String>,
    /// `{query, location, use_ai}` as stored.
    pub criteria: Option<Value>,
}

const COLUMNS: &str =
    "run_id, started_at, finished_at, jobs_collected, jobs_new, jobs_updated, jobs_filtered, errors, sources, criteria";

impl<R: StoredRow> sqlx::FromRow<'_, R> for RunRecord {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        let count =
            |name: &str| -> Result<i64, sqlx::Error> { Ok(row.read::<Int>(name)?.0.unwrap_or(0)) };
        Ok(RunRecord {
            run_id: row.read::<Int>("run_id")?.required("run_id")?,
            started_at: row.read::<Time>("started_at")?.0,
            finished_at: row.read::<Time>("finished_at")?.0,
            jobs_collected: count("jobs_collected")?,
            jobs_new: count("jobs_new")?,
            jobs_updated: count("jobs_updated")?,
            jobs_filtered: count("jobs_filtered")?,
            errors: count("errors")?,
            sources: row
                .read::<Option<String>>("sources")?
                .filter(|text| !text.is_empty()),
            criteria: row.read::<Json>("criteria")?.0,
        })
    }
}

/// The run with the highest id.
pub async fn latest_run(pool: &Pool) -> Result<Option<RunRecord>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM runs ORDER BY run_id DESC LIMIT 1");
    on_pool!(pool, pool => sqlx::query_as(&sql).fetch_optional(pool).await)
}

pub async fn get_run(pool: &Pool, run_id: i64) -> Result<Option<RunRecord>, sqlx::Error> {
    // On PostgreSQL run_id is a 32-bit SERIAL; larger ids cannot exist.
    if pool.engine() == Engine::Postgres && i32::try_from(run_id).is_err() {
        return Ok(None);
    }
    let sql = format!("SELECT {COLUMNS} FROM runs WHERE run_id = $1");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql).bind(Int::from(run_id)).fetch_optional(pool).await
    })
}

pub async fn count_runs(pool: &Pool) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM runs").fetch_one(pool).await
    })
}

/// Inserts a finished or running run as given (tests and imports); returns its id.
pub async fn insert_run(pool: &Pool, run: &RunRecord) -> Result<i64, sqlx::Error> {
    let run_id: Int = on_pool!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO runs (started_at, finished_at, jobs_collected, jobs_new, jobs_updated, jobs_filtered, \
             errors, sources, criteria) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING run_id",
        )
        .bind(Time(Some(run.started_at.unwrap_or_else(Utc::now))))
        .bind(Time(run.finished_at))
        .bind(Int::from(run.jobs_collected))
        .bind(Int::from(run.jobs_new))
        .bind(Int::from(run.jobs_updated))
        .bind(Int::from(run.jobs_filtered))
        .bind(Int::from(run.errors))
        .bind(&run.sources)
        .bind(Json::from(&run.criteria))
        .fetch_one(pool)
        .await?
    });
    run_id.required("run_id")
}
