//! What a scrape run writes besides jobs: the run's lifecycle (start, heartbeat,
//! finish, interrupted), each source's outcome, sightings, and the identity lookups
//! dedupe needs.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row as _;

use super::sql::{Bind, SqlBuilder};
use super::write::{begin_sqlite_write, retry_conflicts};
use super::{format_timestamp, parse_timestamp, Pool};

/// The identity columns of a stored job, as dedupe compares them
/// (read here, compared in `pipeline::dedupe`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIdentity {
    pub job_id: String,
    pub job_url_canonical: Option<String>,
    pub company_normalized: Option<String>,
    pub title_normalized: Option<String>,
    pub location_raw: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
}

/// Rows per statement for `IN (...)` lookups and batched inserts.
const CHUNK: usize = 500;

/// One source's part of a run.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourceOutcome {
    pub source: String,
    /// `ok`, `failed` or `timeout`.
    pub status: String,
    /// Postings the source returned.
    pub collected: i64,
    /// Postings left after the run filters.
    pub kept: i64,
    pub duration_ms: i64,
    pub error: Option<String>,
    /// Parts of the query this source cannot apply (it returned unfiltered results).
    pub ignored_filters: Vec<String>,
}

/// The counters a finished run stores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTotals {
    pub jobs_collected: i64,
    pub jobs_new: i64,
    pub jobs_updated: i64,
    pub jobs_filtered: i64,
    pub errors: i64,
    pub sources: Vec<String>,
    pub filter_counts: Value,
}

/// Inserts a `running` run and returns its id.
pub async fn start_run(pool: &Pool, criteria: &Value) -> Result<i64, sqlx::Error> {
    let now = Utc::now();
    match pool {
        Pool::Sqlite(pool) => {
            let row = sqlx::query(
                "INSERT INTO runs (started_at, status, heartbeat_at, criteria, jobs_collected, jobs_new, jobs_updated, \
                 jobs_filtered, errors) VALUES (?, 'running', ?, ?, 0, 0, 0, 0, 0) RETURNING run_id",
            )
            .bind(format_timestamp(&now))
            .bind(format_timestamp(&now))
            .bind(criteria.to_string())
            .fetch_one(pool)
            .await?;
            row.try_get("run_id")
        }
        Pool::Postgres(pool) => {
            let row = sqlx::query(
                "INSERT INTO runs (started_at, status, heartbeat_at, criteria, jobs_collected, jobs_new, jobs_updated, \
                 jobs_filtered, errors) VALUES ($1, 'running', $1, $2, 0, 0, 0, 0, 0) RETURNING run_id",
            )
            .bind(now)
            .bind(sqlx::types::Json(criteria))
            .fetch_one(pool)
            .await?;
            Ok(i64::from(row.try_get::<i32, _>("run_id")?))
        }
    }
}

/// Marks a running run as alive, so that it is not taken for a crashed one.
pub async fn heartbeat(pool: &Pool, run_id: i64) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query("UPDATE runs SET heartbeat_at = ? WHERE run_id = ? AND status = 'running'")
                .bind(format_timestamp(&now))
                .bind(run_id)
                .execute(pool)
                .await?;
        }
        Pool::Postgres(pool) => {
            sqlx::query(
                "UPDATE runs SET heartbeat_at = $1 WHERE run_id = $2 AND status = 'running'",
            )
            .bind(now)
            .bind(run_id as i32)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// Writes the counters and outcomes of a run and sets its final status.
pub async fn finish_run(
    pool: &Pool,
    run_id: i64,
    status: &str,
    error: Option<&str>,
    totals: &RunTotals,
    outcomes: &[SourceOutcome],
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let sources = Some(totals.sources.join(",")).filter(|text| !text.is_empty());
    match pool {
        Pool::Sqlite(pool) => {
            let mut transaction = begin_sqlite_write(pool).await?;
            sqlx::query(
                "UPDATE runs SET finished_at = ?, status = ?, error = ?, jobs_collected = ?, jobs_new = ?, \
                 jobs_updated = ?, jobs_filtered = ?, errors = ?, sources = ?, filter_counts = ? WHERE run_id = ?",
            )
            .bind(format_timestamp(&now))
            .bind(status)
            .bind(error)
            .bind(totals.jobs_collected)
            .bind(totals.jobs_new)
            .bind(totals.jobs_updated)
            .bind(totals.jobs_filtered)
            .bind(totals.errors)
            .bind(&sources)
            .bind(totals.filter_counts.to_string())
            .bind(run_id)
            .execute(&mut *transaction)
            .await?;
            for outcome in outcomes {
                sqlx::query(
                    "INSERT OR REPLACE INTO run_sources (run_id, source, status, collected, kept, duration_ms, error, \
                     ignored_filters) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(run_id)
                .bind(&outcome.source)
                .bind(&outcome.status)
                .bind(outcome.collected)
                .bind(outcome.kept)
                .bind(outcome.duration_ms)
                .bind(&outcome.error)
                .bind(serde_json::to_string(&outcome.ignored_filters).unwrap_or_else(|_| "[]".into()))
                .execute(&mut *transaction)
                .await?;
            }
            transaction.commit().await
        }
        Pool::Postgres(pool) => {
            let narrow = |value: i64| i32::try_from(value).unwrap_or(i32::MAX);
            let mut transaction = pool.begin().await?;
            sqlx::query(
                "UPDATE runs SET finished_at = $1, status = $2, error = $3, jobs_collected = $4, jobs_new = $5, \
                 jobs_updated = $6, jobs_filtered = $7, errors = $8, sources = $9, filter_counts = $10 WHERE run_id = $11",
            )
            .bind(now)
            .bind(status)
            .bind(error)
            .bind(narrow(totals.jobs_collected))
            .bind(narrow(totals.jobs_new))
            .bind(narrow(totals.jobs_updated))
            .bind(narrow(totals.jobs_filtered))
            .bind(narrow(totals.errors))
            .bind(&sources)
            .bind(sqlx::types::Json(&totals.filter_counts))
            .bind(narrow(run_id))
            .execute(&mut *transaction)
            .await?;
            for outcome in outcomes {
                sqlx::query(
                    "INSERT INTO run_sources (run_id, source, status, collected, kept, duration_ms, error, ignored_filters) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, source) DO UPDATE SET \
                     status = excluded.status, collected = excluded.collected, kept = excluded.kept, \
                     duration_ms = excluded.duration_ms, error = excluded.error, ignored_filters = excluded.ignored_filters",
                )
                .bind(narrow(run_id))
                .bind(&outcome.source)
                .bind(&outcome.status)
                .bind(narrow(outcome.collected))
                .bind(narrow(outcome.kept))
                .bind(narrow(outcome.duration_ms))
                .bind(&outcome.error)
                .bind(&outcome.ignored_filters)
                .execute(&mut *transaction)
                .await?;
            }
            transaction.commit().await
        }
    }
}

/// Marks runs that stopped sending heartbeats before `stale_before` (a crash or a
/// kill) as `interrupted`, with `finished_at` set to their last heartbeat. Runs of
/// the earlier backend left unfinished forever are closed the same way.
pub async fn mark_interrupted_runs(
    pool: &Pool,
    stale_before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let message = "interrupted: the server stopped before this run finished";
    let result = match pool {
        Pool::Sqlite(pool) => sqlx::query(
            "UPDATE runs SET status = 'interrupted', error = ?, finished_at = coalesce(heartbeat_at, started_at) \
             WHERE finished_at IS NULL AND coalesce(heartbeat_at, started_at) < ?",
        )
        .bind(message)
        .bind(format_timestamp(&stale_before))
        .execute(pool)
        .await?
        .rows_affected(),
        Pool::Postgres(pool) => sqlx::query(
            "UPDATE runs SET status = 'interrupted', error = $1, finished_at = coalesce(heartbeat_at, started_at) \
             WHERE finished_at IS NULL AND coalesce(heartbeat_at, started_at) < $2",
        )
        .bind(message)
        .bind(stale_before)
        .execute(pool)
        .await?
        .rows_affected(),
    };
    Ok(result)
}

/// Status and error columns of a run (absent on runs of the earlier backend).
pub async fn run_status(
    pool: &Pool,
    run_id: i64,
) -> Result<Option<(Option<String>, Option<String>, Value)>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => {
            let row = sqlx::query("SELECT status, error, filter_counts FROM runs WHERE run_id = ?")
                .bind(run_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|row| {
                let counts = super::json::sqlite_json(&row, "filter_counts")
                    .ok()
                    .flatten()
                    .unwrap_or(Value::Null);
                (
                    row.try_get("status").ok().flatten(),
                    row.try_get("error").ok().flatten(),
                    counts,
                )
            }))
        }
        Pool::Postgres(pool) => {
            let Ok(run_id) = i32::try_from(run_id) else {
                return Ok(None);
            };
            let row =
                sqlx::query("SELECT status, error, filter_counts FROM runs WHERE run_id = $1")
                    .bind(run_id)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|row| {
                let counts = super::json::pg_json(&row, "filter_counts")
                    .ok()
                    .flatten()
                    .unwrap_or(Value::Null);
                (
                    row.try_get("status").ok().flatten(),
                    row.try_get("error").ok().flatten(),
                    counts,
                )
            }))
        }
    }
}

pub async fn source_outcomes(pool: &Pool, run_id: i64) -> Result<Vec<SourceOutcome>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT source, status, collected, kept, duration_ms, error, ignored_filters FROM run_sources \
                 WHERE run_id = ? ORDER BY source",
            )
            .bind(run_id)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(SourceOutcome {
                        source: row.try_get("source")?,
                        status: row.try_get("status")?,
                        collected: row.try_get("collected")?,
                        kept: row.try_get("kept")?,
                        duration_ms: row.try_get("duration_ms")?,
                        error: row.try_get("error")?,
                        ignored_filters: serde_json::from_str(
                            &row.try_get::<String, _>("ignored_filters")?,
                        )
                        .unwrap_or_default(),
                    })
                })
                .collect()
        }
        Pool::Postgres(pool) => {
            let Ok(run_id) = i32::try_from(run_id) else {
                return Ok(Vec::new());
            };
            let rows = sqlx::query(
                "SELECT source, status, collected, kept, duration_ms, error, ignored_filters FROM run_sources \
                 WHERE run_id = $1 ORDER BY source",
            )
            .bind(run_id)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(SourceOutcome {
                        source: row.try_get("source")?,
                        status: row.try_get("status")?,
                        collected: i64::from(row.try_get::<i32, _>("collected")?),
                        kept: i64::from(row.try_get::<i32, _>("kept")?),
                        duration_ms: i64::from(row.try_get::<i32, _>("duration_ms")?),
                        error: row.try_get("error")?,
                        ignored_filters: row.try_get("ignored_filters")?,
                    })
                })
                .collect()
        }
    }
}

fn in_list(builder: &mut SqlBuilder, values: &[String]) {
    builder.push("(");
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            builder.push(", ");
        }
        builder.bind(Bind::Text(value.clone()));
    }
    builder.push(")");
}

/// Stored jobs that share an id, a canonical URL or a normalized company+title pair
/// with the candidates.
pub async fn stored_identities(
    pool: &Pool,
    ids: &[String],
    urls: &[String],
    companies: &[String],
) -> Result<Vec<StoredIdentity>, sqlx::Error> {
    let engine = pool.engine();
    let mut found: Vec<StoredIdentity> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (column, values) in [
        ("job_id", ids),
        ("job_url_canonical", urls),
        ("company_normalized", companies),
    ] {
        for chunk in values.chunks(CHUNK) {
            if chunk.is_empty() {
                continue;
            }
            let mut builder = SqlBuilder::new(engine);
            builder.push(
                "SELECT job_id, job_url_canonical, company_normalized, title_normalized, location_raw, posted_at \
                 FROM jobs WHERE ",
            );
            builder.push(column).push(" IN ");
            in_list(&mut builder, chunk);
            let rows = match pool {
                Pool::Sqlite(pool) => {
                    let query = super::sql::bind_sqlite(
                        sqlx::query_as::<_, SqliteIdentity>(&builder.sql),
                        &builder.binds,
                    );
                    query
                        .fetch_all(pool)
                        .await?
                        .into_iter()
                        .map(|row| row.0)
                        .collect::<Vec<_>>()
                }
                Pool::Postgres(pool) => {
                    let query = super::sql::bind_postgres(
                        sqlx::query_as::<_, PgIdentity>(&builder.sql),
                        &builder.binds,
                    );
                    query
                        .fetch_all(pool)
                        .await?
                        .into_iter()
                        .map(|row| row.0)
                        .collect::<Vec<_>>()
                }
            };
            for identity in rows {
                if seen.insert(identity.job_id.clone()) {
                    found.push(identity);
                }
            }
        }
    }
    Ok(found)
}

struct SqliteIdentity(StoredIdentity);
struct PgIdentity(StoredIdentity);

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for SqliteIdentity {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(SqliteIdentity(StoredIdentity {
            job_id: row.try_get("job_id")?,
            job_url_canonical: row.try_get("job_url_canonical")?,
            company_normalized: row.try_get("company_normalized")?,
            title_normalized: row.try_get("title_normalized")?,
            location_raw: row.try_get("location_raw")?,
            posted_at: row
                .try_get::<Option<String>, _>("posted_at")?
                .as_deref()
                .and_then(parse_timestamp),
        }))
    }
}

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for PgIdentity {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        Ok(PgIdentity(StoredIdentity {
            job_id: row.try_get("job_id")?,
            job_url_canonical: row.try_get("job_url_canonical")?,
            company_normalized: row.try_get("company_normalized")?,
            title_normalized: row.try_get("title_normalized")?,
            location_raw: row.try_get("location_raw")?,
            posted_at: row.try_get("posted_at")?,
        }))
    }
}

/// Records that `job_id` was seen at `source`/`url` now; the first sighting keeps its time.
pub async fn record_sightings(
    pool: &Pool,
    sightings: &[(String, String, String)],
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    match pool {
        Pool::Sqlite(pool) => {
            let now = format_timestamp(&now);
            let mut transaction = begin_sqlite_write(pool).await?;
            for chunk in sightings.chunks(CHUNK) {
                // ?1 is the time; row n binds ?(3n+2) to ?(3n+4).
                let rows: Vec<String> = (0..chunk.len())
                    .map(|row| {
                        let first = 3 * row + 2;
                        format!("(?{first}, ?{}, ?{}, ?1, ?1)", first + 1, first + 2)
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO job_sightings (job_id, source, url, first_seen_at, last_seen_at) VALUES {} \
                     ON CONFLICT (job_id, source, url) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                    rows.join(", ")
                );
                let mut query = sqlx::query(&sql).bind(&now);
                for (job_id, source, url) in chunk {
                    query = query.bind(job_id).bind(source).bind(url);
                }
                query.execute(&mut *transaction).await?;
            }
            transaction.commit().await
        }
        Pool::Postgres(pool) => {
            // Two runs recording the same sightings lock them in one order (by key),
            // and the rare deadlock left is retried.
            let mut sorted: Vec<&(String, String, String)> = sightings.iter().collect();
            sorted.sort_unstable();
            sorted.dedup();
            retry_conflicts(|| record_sightings_postgres(pool, &sorted, now)).await
        }
    }
}

/// One try of `record_sightings` on PostgreSQL: one transaction, `UNNEST` arrays.
async fn record_sightings_postgres(
    pool: &sqlx::PgPool,
    sightings: &[&(String, String, String)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin().await?;
    for chunk in sightings.chunks(CHUNK) {
        let (ids, rest): (Vec<&str>, Vec<(&str, &str)>) = chunk
            .iter()
            .map(|(id, source, url)| (id.as_str(), (source.as_str(), url.as_str())))
            .unzip();
        let (sources, urls): (Vec<&str>, Vec<&str>) = rest.into_iter().unzip();
        sqlx::query(
            "INSERT INTO job_sightings (job_id, source, url, first_seen_at, last_seen_at) \
             SELECT * , $4::timestamptz, $4::timestamptz FROM UNNEST($1::text[], $2::text[], $3::text[]) \
             ON CONFLICT (job_id, source, url) DO UPDATE SET last_seen_at = excluded.last_seen_at",
        )
        .bind(&ids)
        .bind(&sources)
        .bind(&urls)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await
}

/// Every place `job_id` was seen: (source, url, first seen, last seen).
pub async fn sightings_of(pool: &Pool, job_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows: Vec<(String, String)> = match pool {
        Pool::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT source, url FROM job_sightings WHERE job_id = ? ORDER BY source, url",
            )
            .bind(job_id)
            .fetch_all(pool)
            .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_as(
                "SELECT source, url FROM job_sightings WHERE job_id = $1 ORDER BY source, url",
            )
            .bind(job_id)
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows)
}
