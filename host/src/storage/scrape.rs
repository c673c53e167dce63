//! What a scrape run writes besides jobs: the run's lifecycle (start, heartbeat,
//! finish, interrupted), each source's outcome, sightings, and the identity lookups
//! dedupe needs.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::codec::{on_pool, BeginWrite as _, Int, Json, List, StoredRow, Time};
use super::write::{begin_sqlite_write, retry_conflicts};
use super::{format_timestamp, Engine, Pool};

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
    let now = Time(Some(Utc::now()));
    let run_id: Int = on_pool!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO runs (started_at, status, heartbeat_at, criteria, jobs_collected, jobs_new, jobs_updated, \
             jobs_filtered, errors) VALUES ($1, 'running', $1, $2, 0, 0, 0, 0, 0) RETURNING run_id",
        )
        .bind(now)
        .bind(Json::from(criteria))
        .fetch_one(pool)
        .await?
    });
    run_id.required("run_id")
}

/// Marks a running run as alive, so that it is not taken for a crashed one.
pub async fn heartbeat(pool: &Pool, run_id: i64) -> Result<(), sqlx::Error> {
    let now = Time(Some(Utc::now()));
    on_pool!(pool, pool => {
        sqlx::query("UPDATE runs SET heartbeat_at = $1 WHERE run_id = $2 AND status = 'running'")
            .bind(now)
            .bind(Int::from(run_id))
            .execute(pool)
            .await?;
    });
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
    let now = Time(Some(Utc::now()));
    let sources = Some(totals.sources.join(",")).filter(|text| !text.is_empty());
    let upsert_outcome = match pool.engine() {
        Engine::Sqlite => {
            "INSERT OR REPLACE INTO run_sources (run_id, source, status, collected, kept, duration_ms, error, \
             ignored_filters) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        }
        Engine::Postgres => {
            "INSERT INTO run_sources (run_id, source, status, collected, kept, duration_ms, error, ignored_filters) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, source) DO UPDATE SET \
             status = excluded.status, collected = excluded.collected, kept = excluded.kept, \
             duration_ms = excluded.duration_ms, error = excluded.error, ignored_filters = excluded.ignored_filters"
        }
    };
    on_pool!(pool, pool => {
        let mut transaction = pool.begin_write().await?;
        sqlx::query(
            "UPDATE runs SET finished_at = $1, status = $2, error = $3, jobs_collected = $4, jobs_new = $5, \
             jobs_updated = $6, jobs_filtered = $7, errors = $8, sources = $9, filter_counts = $10 WHERE run_id = $11",
        )
        .bind(now)
        .bind(status)
        .bind(error)
        .bind(Int::from(totals.jobs_collected))
        .bind(Int::from(totals.jobs_new))
        .bind(Int::from(totals.jobs_updated))
        .bind(Int::from(totals.jobs_filtered))
        .bind(Int::from(totals.errors))
        .bind(&sources)
        .bind(Json::from(&totals.filter_counts))
        .bind(Int::from(run_id))
        .execute(&mut *transaction)
        .await?;
        for outcome in outcomes {
            sqlx::query(upsert_outcome)
                .bind(Int::from(run_id))
                .bind(&outcome.source)
                .bind(&outcome.status)
                .bind(Int::from(outcome.collected))
                .bind(Int::from(outcome.kept))
                .bind(Int::from(outcome.duration_ms))
                .bind(&outcome.error)
                .bind(List(Some(outcome.ignored_filters.clone())))
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await
    })
}

/// Marks runs that stopped sending heartbeats before `stale_before` (a crash or a
/// kill) as `interrupted`, with `finished_at` set to their last heartbeat. Runs of
/// the earlier backend left unfinished forever are closed the same way.
pub async fn mark_interrupted_runs(
    pool: &Pool,
    stale_before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let message = "interrupted: the server stopped before this run finished";
    Ok(on_pool!(pool, pool => {
        sqlx::query(
            "UPDATE runs SET status = 'interrupted', error = $1, finished_at = coalesce(heartbeat_at, started_at) \
             WHERE finished_at IS NULL AND coalesce(heartbeat_at, started_at) < $2",
        )
        .bind(message)
        .bind(Time(Some(stale_before)))
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

/// True when `run_id` cannot name a run: PostgreSQL's `run_id` is a 32-bit SERIAL.
fn beyond_run_ids(pool: &Pool, run_id: i64) -> bool {
    pool.engine() == Engine::Postgres && i32::try_from(run_id).is_err()
}

/// Status and error columns of a run (absent on runs of the earlier backend).
pub async fn run_status(
    pool: &Pool,
    run_id: i64,
) -> Result<Option<(Option<String>, Option<String>, Value)>, sqlx::Error> {
    if beyond_run_ids(pool, run_id) {
        return Ok(None);
    }
    fn status_of<R: StoredRow>(row: R) -> (Option<String>, Option<String>, Value) {
        let counts = row
            .read::<Json>("filter_counts")
            .ok()
            .and_then(|counts| counts.0)
            .unwrap_or(Value::Null);
        (
            row.read("status").ok().flatten(),
            row.read("error").ok().flatten(),
            counts,
        )
    }
    Ok(on_pool!(pool, pool => {
        sqlx::query("SELECT status, error, filter_counts FROM runs WHERE run_id = $1")
            .bind(Int::from(run_id))
            .fetch_optional(pool)
            .await?
            .map(status_of)
    }))
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for SourceOutcome {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(SourceOutcome {
            source: row.read("source")?,
            status: row.read("status")?,
            collected: row.read::<Int>("collected")?.required("collected")?,
            kept: row.read::<Int>("kept")?.required("kept")?,
            duration_ms: row.read::<Int>("duration_ms")?.required("duration_ms")?,
            error: row.read("error")?,
            ignored_filters: row.read::<List>("ignored_filters")?.0.unwrap_or_default(),
        })
    }
}

pub async fn source_outcomes(pool: &Pool, run_id: i64) -> Result<Vec<SourceOutcome>, sqlx::Error> {
    if beyond_run_ids(pool, run_id) {
        return Ok(Vec::new());
    }
    on_pool!(pool, pool => {
        sqlx::query_as(
            "SELECT source, status, collected, kept, duration_ms, error, ignored_filters FROM run_sources \
             WHERE run_id = $1 ORDER BY source",
        )
        .bind(Int::from(run_id))
        .fetch_all(pool)
        .await
    })
}

/// Stored jobs that share an id, a canonical URL or a normalized company+title pair
/// with the candidates.
pub async fn stored_identities(
    pool: &Pool,
    ids: &[String],
    urls: &[String],
    companies: &[String],
) -> Result<Vec<StoredIdentity>, sqlx::Error> {
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
            let rows: Vec<StoredIdentity> = on_pool!(pool, pool => {
                let mut builder = sqlx::QueryBuilder::new(
                    "SELECT job_id, job_url_canonical, company_normalized, title_normalized, location_raw, posted_at \
                     FROM jobs WHERE ",
                );
                builder.push(column).push(" IN (");
                let mut values = builder.separated(", ");
                for value in chunk {
                    values.push_bind(value);
                }
                builder.push(")");
                builder.build_query_as().fetch_all(pool).await?
            });
            for identity in rows {
                if seen.insert(identity.job_id.clone()) {
                    found.push(identity);
                }
            }
        }
    }
    Ok(found)
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for StoredIdentity {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(StoredIdentity {
            job_id: row.read("job_id")?,
            job_url_canonical: row.read("job_url_canonical")?,
            company_normalized: row.read("company_normalized")?,
            title_normalized: row.read("title_normalized")?,
            location_raw: row.read("location_raw")?,
            posted_at: row.read::<Time>("posted_at")?.0,
        })
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
    on_pool!(pool, pool => {
        sqlx::query_as("SELECT source, url FROM job_sightings WHERE job_id = $1 ORDER BY source, url")
            .bind(job_id)
            .fetch_all(pool)
            .await
    })
}
