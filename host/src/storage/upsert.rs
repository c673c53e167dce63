//! The batch upsert of jobs, in one transaction per call, so a scrape of thousands
//! of postings costs a few round trips. Rows whose values did not change are not
//! written at all, and a job seen again with nothing new but `last_seen_at` gets only
//! that column written, so it costs no index or full-text work.
//!
//! * SQLite: a multi-row `INSERT … ON CONFLICT DO UPDATE … WHERE <something other
//!   than last_seen_at changed>`, then one `UPDATE … FROM (VALUES …)` of
//!   `last_seen_at` for the rest. SQLite rewrites every index whose column is in an
//!   UPDATE's SET list, changed or not, hence the narrow second statement.
//! * PostgreSQL: one statement per chunk, its rows bound as one typed array per
//!   column and read with `UNNEST`: the rows that exist and changed are updated, the
//!   others inserted. Inserting only rows that do not exist yet keeps the
//!   `search_vector` insert trigger (migration 0030) from running for rows that
//!   end up as updates, as it would with `ON CONFLICT DO UPDATE`; that clause stays
//!   for a row another session inserts meanwhile. The trigger computes every new
//!   row's `search_vector` (computing plain texts' vectors here did not pay on real
//!   sources' texts: BENCHMARKS.md, "search_vector in the host"). A batch of
//!   several chunks is written in two halves on two connections at once.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, Postgres};

use super::jobs::JobRecord;
use super::write::begin_sqlite_write;
use super::{format_timestamp, Pool};

/// How an existing row takes a column's new value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// `job_id`: the conflict key.
    Key,
    /// `first_seen_at`: never overwritten.
    KeepFirst,
    /// Takes the new value.
    Replace,
    /// Takes the new value unless it is missing (the earlier backend COALESCEd these).
    KeepIfMissing,
    /// `last_seen_at`: takes the new value, written on its own when nothing else changed.
    Seen,
}

/// A column of the upsert, its PostgreSQL array element type, and its [`Rule`].
struct Column {
    name: &'static str,
    postgres_type: &'static str,
    rule: Rule,
}

const fn column(name: &'static str, postgres_type: &'static str, rule: Rule) -> Column {
    Column {
        name,
        postgres_type,
        rule,
    }
}

/// Every column the upsert writes, in bind order. `TEXT[]` columns travel as array
/// literals (`text`), since `UNNEST` would flatten an array of arrays.
const COLUMNS: [Column; 41] = [
    column("job_id", "text", Rule::Key),
    column("provider_id", "text", Rule::Replace),
    column("source", "text", Rule::Replace),
    column("source_url", "text", Rule::Replace),
    column("title", "text", Rule::Replace),
    column("title_normalized", "text", Rule::Replace),
    column("company", "text", Rule::Replace),
    column("company_normalized", "text", Rule::Replace),
    column("location_raw", "text", Rule::Replace),
    column("country", "text", Rule::Replace),
    column("city", "text", Rule::Replace),
    column("remote_type", "text", Rule::Replace),
    column("employment_types", "text[]", Rule::Replace),
    column("salary_min", "real", Rule::Replace),
    column("salary_max", "real", Rule::Replace),
    column("salary_currency", "text", Rule::Replace),
    column("salary_period", "text", Rule::Replace),
    column("salary_annual_min", "real", Rule::Replace),
    column("salary_annual_max", "real", Rule::Replace),
    column("job_url", "text", Rule::Replace),
    column("job_url_canonical", "text", Rule::Replace),
    column("apply_url", "text", Rule::Replace),
    column("description_text", "text", Rule::Replace),
    column("emails", "text[]", Rule::Replace),
    column("company_website", "text", Rule::Replace),
    column("linkedin_url", "text", Rule::Replace),
    column("tags", "text[]", Rule::Replace),
    column("posted_at", "timestamptz", Rule::KeepIfMissing),
    column("expires_at", "timestamptz", Rule::Replace),
    column("first_seen_at", "timestamptz", Rule::KeepFirst),
    column("last_seen_at", "timestamptz", Rule::Seen),
    column("relevance_score", "real", Rule::KeepIfMissing),
    column("relevance_reasons", "text", Rule::KeepIfMissing),
    column("ai_score", "real", Rule::KeepIfMissing),
    column("ai_reasons", "text", Rule::KeepIfMissing),
    column("ai_seniority", "text", Rule::Replace),
    column("ai_summary", "text", Rule::Replace),
    column("ai_requirements", "text", Rule::Replace),
    column("ai_tech_stack", "text", Rule::Replace),
    column("ai_company_summary", "text", Rule::Replace),
    column("ai_flags", "text[]", Rule::Replace),
];

/// SQLite rows per statement: 750 × 41 binds stays below SQLite's 32 766.
const SQLITE_ROWS_PER_STATEMENT: usize = 750;

/// PostgreSQL rows per statement (41 array binds, whatever the row count).
const POSTGRES_ROWS_PER_STATEMENT: usize = 1000;

/// Rows from which a PostgreSQL upsert is split over two connections.
const POSTGRES_PARALLEL_MIN_ROWS: usize = 2 * POSTGRES_ROWS_PER_STATEMENT;

/// The transaction-level advisory lock by which upserts of `jobs` take turns.
const UPSERT_LOCK: &str = "jobscout_jobs_upsert";

/// How long a large upsert waits for a new second connection before going alone.
const SECOND_CONNECTION_WAIT: Duration = Duration::from_millis(100);

fn column_names() -> String {
    COLUMNS
        .iter()
        .map(|column| column.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One text per column an existing row takes from the new one (`last_seen_at` only
/// `with_seen`): `replace` for the columns that take the new value, `keep` for
/// those that keep a stored value when the new one is missing.
fn per_updated_column(
    with_seen: bool,
    replace: impl Fn(&str) -> String,
    keep: impl Fn(&str) -> String,
) -> Vec<String> {
    COLUMNS
        .iter()
        .filter_map(|column| match column.rule {
            Rule::Key | Rule::KeepFirst => None,
            Rule::Seen if !with_seen => None,
            Rule::Replace | Rule::Seen => Some(replace(column.name)),
            Rule::KeepIfMissing => Some(keep(column.name)),
        })
        .collect()
}

/// `SET` assignments for an existing row (`jobs`) from the new one (`new`).
fn assignments(new: &str, with_seen: bool) -> String {
    per_updated_column(
        with_seen,
        |name| format!("{name} = {new}.{name}"),
        |name| format!("{name} = coalesce({new}.{name}, jobs.{name})"),
    )
    .join(", ")
}

/// True when the assignments would change the existing row (`jobs`). `distinct` is
/// the engine's null-safe "not equal" (`IS NOT`, `IS DISTINCT FROM`).
fn changes(new: &str, distinct: &str, with_seen: bool) -> String {
    per_updated_column(
        with_seen,
        |name| format!("jobs.{name} {distinct} {new}.{name}"),
        |name| format!("coalesce({new}.{name}, jobs.{name}) {distinct} jobs.{name}"),
    )
    .join(" OR ")
}

/// Inserts `rows` rows, and fully updates those that exist and changed in anything
/// but `last_seen_at` (SQLite).
fn sqlite_upsert(rows: usize) -> String {
    let row = format!("({})", vec!["?"; COLUMNS.len()].join(", "));
    format!(
        "INSERT INTO jobs ({}) VALUES {} ON CONFLICT (job_id) DO UPDATE SET {} WHERE {}",
        column_names(),
        vec![row; rows].join(", "),
        assignments("excluded", true),
        changes("excluded", "IS NOT", false),
    )
}

/// Moves `last_seen_at` of `rows` (job_id, last_seen_at) pairs where it differs (SQLite).
fn sqlite_seen(rows: usize) -> String {
    format!(
        "WITH seen (job_id, last_seen_at) AS (VALUES {}) \
         UPDATE jobs SET last_seen_at = seen.last_seen_at FROM seen \
         WHERE jobs.job_id = seen.job_id AND jobs.last_seen_at IS NOT seen.last_seen_at",
        vec!["(?, ?)"; rows].join(", ")
    )
}

/// The PostgreSQL statement: `$n` is the array of column n.
fn postgres_upsert() -> String {
    let arrays = COLUMNS
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let element = match column.postgres_type {
                "text[]" => "text",
                other => other,
            };
            format!("${}::{element}[]", index + 1)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let typed = COLUMNS
        .iter()
        .map(|column| match column.postgres_type {
            "text[]" => format!("{0}::text[] AS {0}", column.name),
            _ => column.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // An unchanged description keeps its stored (compressed, out-of-line) value
    // instead of being compressed and written again.
    let updates = assignments("batch", true).replace(
        "description_text = batch.description_text",
        "description_text = CASE WHEN jobs.description_text IS DISTINCT FROM batch.description_text \
         THEN batch.description_text ELSE jobs.description_text END",
    );
    let names = column_names();
    format!(
        "WITH batch AS (SELECT {typed} FROM UNNEST({arrays}) AS u ({names})), \
         changed AS (UPDATE jobs SET {updates} FROM batch \
         WHERE jobs.job_id = batch.job_id AND ({changes})) \
         INSERT INTO jobs ({names}) \
         SELECT {names} FROM batch \
         WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.job_id = batch.job_id) \
         ON CONFLICT (job_id) DO UPDATE SET {conflict}",
        changes = changes("batch", "IS DISTINCT FROM", true),
        conflict = assignments("excluded", true),
    )
}

/// Inserts or refreshes jobs by `job_id` in one transaction (two on PostgreSQL for a
/// large batch); concurrent upserts take turns. An existing row keeps
/// its `first_seen_at` and takes the new values, except that a missing `posted_at`,
/// relevance or AI score does not erase a stored one. When one id appears twice,
/// the later record wins.
pub async fn upsert_jobs(pool: &Pool, jobs: &[JobRecord]) -> Result<(), sqlx::Error> {
    // One statement may not touch a row twice (PostgreSQL refuses it).
    let mut last_index: HashMap<&str, usize> = HashMap::with_capacity(jobs.len());
    for (index, job) in jobs.iter().enumerate() {
        last_index.insert(job.job_id.as_str(), index);
    }
    let unique: Vec<&JobRecord> = jobs
        .iter()
        .enumerate()
        .filter(|(index, job)| last_index.get(job.job_id.as_str()) == Some(index))
        .map(|(_, job)| job)
        .collect();
    let now = Utc::now();
    match pool {
        Pool::Sqlite(pool) => {
            let mut transaction = begin_sqlite_write(pool).await?;
            for chunk in unique.chunks(SQLITE_ROWS_PER_STATEMENT) {
                let sql = sqlite_upsert(chunk.len());
                let mut query = sqlx::query(&sql);
                for job in chunk {
                    query = bind_sqlite(query, job, now);
                }
                query.execute(&mut *transaction).await?;
                let sql = sqlite_seen(chunk.len());
                let mut query = sqlx::query(&sql);
                for job in chunk {
                    query = query
                        .bind(&job.job_id)
                        .bind(format_timestamp(&job.last_seen_at.unwrap_or(now)));
                }
                query.execute(&mut *transaction).await?;
            }
            transaction.commit().await
        }
        Pool::Postgres(pool) => upsert_postgres(pool, &unique, now).await,
    }
}

/// PostgreSQL runs each statement on one core, so a batch of several chunks is
/// split in two halves written at once on two connections, when a second one is
/// to be had. The halves hold disjoint ids, so they never wait on each other.
/// Both are committed only after both succeeded; a failure rolls both back.
/// Only a failure of the second commit itself (the connection lost at that
/// moment) leaves the first half stored, which the next run's upsert repeats.
///
/// Upserts take turns through [`UPSERT_LOCK`], across every process on the
/// database. Two upserts sharing rows would otherwise deadlock, and with two
/// halves PostgreSQL could not even see it: a half that finished waits in this
/// process for its other half before committing, holding its row locks.
async fn upsert_postgres(
    pool: &PgPool,
    jobs: &[&JobRecord],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sql = postgres_upsert();
    let mut first = pool.begin().await?;
    // Taken before any row is touched or a second connection is asked for, so a
    // waiting upsert holds nothing another one needs.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(UPSERT_LOCK)
        .execute(&mut *first)
        .await?;
    let second = if jobs.len() >= POSTGRES_PARALLEL_MIN_ROWS {
        second_connection(pool).await
    } else {
        None
    };
    let Some(mut second) = second else {
        upsert_postgres_chunks(&mut first, &sql, jobs, now).await?;
        return first.commit().await;
    };
    let mut second = sqlx::Connection::begin(&mut *second).await?;
    let (head, tail) = jobs.split_at(jobs.len() / 2);
    let (head_done, tail_done) = tokio::join!(
        upsert_postgres_chunks(&mut first, &sql, head, now),
        upsert_postgres_chunks(&mut second, &sql, tail, now),
    );
    head_done?;
    tail_done?;
    first.commit().await?;
    second.commit().await
}

/// An idle connection of the pool, or a new one if the pool has room and opens it
/// quickly; `None` otherwise (a pool of one connection, or all of them busy).
async fn second_connection(pool: &PgPool) -> Option<PoolConnection<Postgres>> {
    if let Some(connection) = pool.try_acquire() {
        return Some(connection);
    }
    if pool.size() >= pool.options().get_max_connections() {
        return None;
    }
    tokio::time::timeout(SECOND_CONNECTION_WAIT, pool.acquire())
        .await
        .ok()?
        .ok()
}

/// Upserts `jobs` in statements of `POSTGRES_ROWS_PER_STATEMENT` rows.
async fn upsert_postgres_chunks(
    transaction: &mut sqlx::Transaction<'_, Postgres>,
    sql: &str,
    jobs: &[&JobRecord],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for chunk in jobs.chunks(POSTGRES_ROWS_PER_STATEMENT) {
        bind_postgres(sqlx::query(sql), chunk, now)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;
type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds one job in `COLUMNS` order; arrays as JSON text, times as ISO text.
fn bind_sqlite<'q>(
    query: SqliteQuery<'q>,
    job: &'q JobRecord,
    now: DateTime<Utc>,
) -> SqliteQuery<'q> {
    let json = |values: &Vec<String>| serde_json::to_string(values).unwrap_or_else(|_| "[]".into());
    let time = |value: &Option<DateTime<Utc>>| value.as_ref().map(format_timestamp);
    query
        .bind(&job.job_id)
        .bind(&job.provider_id)
        .bind(&job.source)
        .bind(&job.source_url)
        .bind(&job.title)
        .bind(&job.title_normalized)
        .bind(&job.company)
        .bind(&job.company_normalized)
        .bind(&job.location_raw)
        .bind(&job.country)
        .bind(&job.city)
        .bind(&job.remote_type)
        .bind(json(&job.employment_types))
        .bind(job.salary_min)
        .bind(job.salary_max)
        .bind(&job.salary_currency)
        .bind(&job.salary_period)
        .bind(job.salary_annual_min)
        .bind(job.salary_annual_max)
        .bind(&job.job_url)
        .bind(&job.job_url_canonical)
        .bind(&job.apply_url)
        .bind(&job.description_text)
        .bind(json(&job.emails))
        .bind(&job.company_website)
        .bind(&job.linkedin_url)
        .bind(json(&job.tags))
        .bind(time(&job.posted_at))
        .bind(time(&job.expires_at))
        .bind(format_timestamp(&job.first_seen_at.unwrap_or(now)))
        .bind(format_timestamp(&job.last_seen_at.unwrap_or(now)))
        .bind(job.relevance_score)
        .bind(&job.relevance_reasons)
        .bind(job.ai_score)
        .bind(&job.ai_reasons)
        .bind(&job.ai_seniority)
        .bind(&job.ai_summary)
        .bind(&job.ai_requirements)
        .bind(&job.ai_tech_stack)
        .bind(&job.ai_company_summary)
        .bind(json(&job.ai_flags))
}

/// A PostgreSQL array literal of `values` (`{"a","b \"c\""}`), for `::text[]`.
fn array_literal(values: &[String]) -> String {
    let mut literal = String::with_capacity(2 + values.iter().map(|v| v.len() + 3).sum::<usize>());
    literal.push('{');
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            literal.push(',');
        }
        literal.push('"');
        for character in value.chars() {
            if character == '"' || character == '\\' {
                literal.push('\\');
            }
            literal.push(character);
        }
        literal.push('"');
    }
    literal.push('}');
    literal
}

/// Binds `jobs` as one array per column, in `COLUMNS` order; numbers as `REAL`.
fn bind_postgres<'q>(
    query: PgQuery<'q>,
    jobs: &[&'q JobRecord],
    now: DateTime<Utc>,
) -> PgQuery<'q> {
    let text = |field: fn(&'q JobRecord) -> Option<&'q str>| -> Vec<Option<&'q str>> {
        jobs.iter().map(|job| field(job)).collect()
    };
    let required = |field: fn(&'q JobRecord) -> &'q str| -> Vec<&'q str> {
        jobs.iter().map(|job| field(job)).collect()
    };
    let real = |field: fn(&JobRecord) -> Option<f64>| -> Vec<Option<f32>> {
        jobs.iter()
            .map(|job| field(job).map(|number| number as f32))
            .collect()
    };
    let list = |field: fn(&JobRecord) -> &Vec<String>| -> Vec<String> {
        jobs.iter().map(|job| array_literal(field(job))).collect()
    };
    let time = |field: fn(&JobRecord) -> Option<DateTime<Utc>>| -> Vec<Option<DateTime<Utc>>> {
        jobs.iter().map(|job| field(job)).collect()
    };
    query
        .bind(required(|job| job.job_id.as_str()))
        .bind(text(|job| job.provider_id.as_deref()))
        .bind(required(|job| job.source.as_str()))
        .bind(text(|job| job.source_url.as_deref()))
        .bind(required(|job| job.title.as_str()))
        .bind(text(|job| job.title_normalized.as_deref()))
        .bind(required(|job| job.company.as_str()))
        .bind(text(|job| job.company_normalized.as_deref()))
        .bind(text(|job| job.location_raw.as_deref()))
        .bind(text(|job| job.country.as_deref()))
        .bind(text(|job| job.city.as_deref()))
        .bind(text(|job| job.remote_type.as_deref()))
        .bind(list(|job| &job.employment_types))
        .bind(real(|job| job.salary_min))
        .bind(real(|job| job.salary_max))
        .bind(text(|job| job.salary_currency.as_deref()))
        .bind(text(|job| job.salary_period.as_deref()))
        .bind(real(|job| job.salary_annual_min))
        .bind(real(|job| job.salary_annual_max))
        .bind(text(|job| job.job_url.as_deref()))
        .bind(text(|job| job.job_url_canonical.as_deref()))
        .bind(text(|job| job.apply_url.as_deref()))
        .bind(text(|job| job.description_text.as_deref()))
        .bind(list(|job| &job.emails))
        .bind(text(|job| job.company_website.as_deref()))
        .bind(text(|job| job.linkedin_url.as_deref()))
        .bind(list(|job| &job.tags))
        .bind(time(|job| job.posted_at))
        .bind(time(|job| job.expires_at))
        .bind(
            jobs.iter()
                .map(|job| job.first_seen_at.unwrap_or(now))
                .collect::<Vec<_>>(),
        )
        .bind(
            jobs.iter()
                .map(|job| job.last_seen_at.unwrap_or(now))
                .collect::<Vec<_>>(),
        )
        .bind(real(|job| job.relevance_score))
        .bind(text(|job| job.relevance_reasons.as_deref()))
        .bind(real(|job| job.ai_score))
        .bind(text(|job| job.ai_reasons.as_deref()))
        .bind(text(|job| job.ai_seniority.as_deref()))
        .bind(text(|job| job.ai_summary.as_deref()))
        .bind(text(|job| job.ai_requirements.as_deref()))
        .bind(text(|job| job.ai_tech_stack.as_deref()))
        .bind(text(|job| job.ai_company_summary.as_deref()))
        .bind(list(|job| &job.ai_flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_statements_bind_every_column_of_every_row() {
        let upsert = sqlite_upsert(2);
        assert_eq!(upsert.matches('?').count(), 2 * COLUMNS.len());
        assert!(
            !upsert.contains("first_seen_at = "),
            "first_seen_at is never overwritten"
        );
        assert!(upsert.contains("posted_at = coalesce(excluded.posted_at, jobs.posted_at)"));
        let (_, condition) = upsert.split_once(" WHERE ").unwrap();
        assert!(
            !condition.contains("last_seen_at"),
            "a new last_seen_at alone is the second statement's"
        );
        assert!(condition.contains("jobs.title IS NOT excluded.title"));
        assert_eq!(sqlite_seen(3).matches('?').count(), 6);
    }

    #[test]
    fn the_postgres_statement_binds_one_array_per_column() {
        let statement = postgres_upsert();
        assert!(statement.contains(&format!("${}::text[]", COLUMNS.len())));
        assert!(!statement.contains(&format!("${}", COLUMNS.len() + 1)));
        assert!(statement.contains("tags::text[] AS tags"));
        assert!(!statement.contains("first_seen_at = "));
        assert!(statement.contains("jobs.last_seen_at IS DISTINCT FROM batch.last_seen_at"));
    }

    #[test]
    fn array_literals_quote_every_element() {
        assert_eq!(array_literal(&[]), "{}");
        assert_eq!(
            array_literal(&["a b".into(), "NULL".into(), "q\"\\".into(), "{x,y}".into()]),
            r#"{"a b","NULL","q\"\\","{x,y}"}"#
        );
    }
}
