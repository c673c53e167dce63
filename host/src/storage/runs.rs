//! The `runs` table: one row per scrape run with its counters and criteria.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Row as _;

use super::{format_timestamp, parse_timestamp, Pool};

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

fn from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<RunRecord, sqlx::Error> {
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(name)?
            .as_deref()
            .and_then(parse_timestamp))
    };
    let count = |name: &str| -> Result<i64, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0))
    };
    Ok(RunRecord {
        run_id: row.try_get("run_id")?,
        started_at: time("started_at")?,
        finished_at: time("finished_at")?,
        jobs_collected: count("jobs_collected")?,
        jobs_new: count("jobs_new")?,
        jobs_updated: count("jobs_updated")?,
        jobs_filtered: count("jobs_filtered")?,
        errors: count("errors")?,
        sources: row
            .try_get::<Option<String>, _>("sources")?
            .filter(|text| !text.is_empty()),
        criteria: super::json::sqlite_json(row, "criteria")?,
    })
}

fn from_postgres(row: &sqlx::postgres::PgRow) -> Result<RunRecord, sqlx::Error> {
    let count = |name: &str| -> Result<i64, sqlx::Error> {
        Ok(row
            .try_get::<Option<i32>, _>(name)?
            .map(i64::from)
            .unwrap_or(0))
    };
    Ok(RunRecord {
        run_id: i64::from(row.try_get::<i32, _>("run_id")?),
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        jobs_collected: count("jobs_collected")?,
        jobs_new: count("jobs_new")?,
        jobs_updated: count("jobs_updated")?,
        jobs_filtered: count("jobs_filtered")?,
        errors: count("errors")?,
        sources: row
            .try_get::<Option<String>, _>("sources")?
            .filter(|text| !text.is_empty()),
        criteria: super::json::pg_json(row, "criteria")?,
    })
}

/// The run with the highest id.
pub async fn latest_run(pool: &Pool) -> Result<Option<RunRecord>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM runs ORDER BY run_id DESC LIMIT 1");
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&sql)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(from_sqlite)
            .transpose(),
        Pool::Postgres(pool) => sqlx::query(&sql)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(from_postgres)
            .transpose(),
    }
}

pub async fn get_run(pool: &Pool, run_id: i64) -> Result<Option<RunRecord>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!("SELECT {COLUMNS} FROM runs WHERE run_id = ?"))
            .bind(run_id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(from_sqlite)
            .transpose(),
        Pool::Postgres(pool) => {
            // run_id is a 32-bit SERIAL; larger ids cannot exist.
            let Ok(run_id) = i32::try_from(run_id) else {
                return Ok(None);
            };
            sqlx::query(&format!("SELECT {COLUMNS} FROM runs WHERE run_id = $1"))
                .bind(run_id)
                .fetch_optional(pool)
                .await?
                .as_ref()
                .map(from_postgres)
                .transpose()
        }
    }
}

pub async fn count_runs(pool: &Pool) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = match pool {
        Pool::Sqlite(pool) => {
            sqlx::query_as("SELECT COUNT(*) FROM runs")
                .fetch_one(pool)
                .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_as("SELECT COUNT(*) FROM runs")
                .fetch_one(pool)
                .await?
        }
    };
    Ok(count)
}

/// Inserts a finished or running run as given (tests and imports); returns its id.
pub async fn insert_run(pool: &Pool, run: &RunRecord) -> Result<i64, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => {
            let row = sqlx::query(
                "INSERT INTO runs (started_at, finished_at, jobs_collected, jobs_new, jobs_updated, jobs_filtered, \
                 errors, sources, criteria) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id",
            )
            .bind(format_timestamp(&run.started_at.unwrap_or_else(Utc::now)))
            .bind(run.finished_at.as_ref().map(format_timestamp))
            .bind(run.jobs_collected)
            .bind(run.jobs_new)
            .bind(run.jobs_updated)
            .bind(run.jobs_filtered)
            .bind(run.errors)
            .bind(&run.sources)
            .bind(run.criteria.as_ref().map(Value::to_string))
            .fetch_one(pool)
            .await?;
            row.try_get("run_id")
        }
        Pool::Postgres(pool) => {
            let narrow = |value: i64| i32::try_from(value).unwrap_or(i32::MAX);
            let row = sqlx::query(
                "INSERT INTO runs (started_at, finished_at, jobs_collected, jobs_new, jobs_updated, jobs_filtered, \
                 errors, sources, criteria) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING run_id",
            )
            .bind(run.started_at.unwrap_or_else(Utc::now))
            .bind(run.finished_at)
            .bind(narrow(run.jobs_collected))
            .bind(narrow(run.jobs_new))
            .bind(narrow(run.jobs_updated))
            .bind(narrow(run.jobs_filtered))
            .bind(narrow(run.errors))
            .bind(&run.sources)
            .bind(run.criteria.clone().map(sqlx::types::Json))
            .fetch_one(pool)
            .await?;
            Ok(i64::from(row.try_get::<i32, _>("run_id")?))
        }
    }
}
