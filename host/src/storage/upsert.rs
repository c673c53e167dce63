//! The batch upsert of jobs: multi-row `INSERT … ON CONFLICT` statements inside one
//! transaction, so a scrape of thousands of postings costs a few round trips.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::jobs::JobRecord;
use super::{format_timestamp, Engine, Pool};

const COLUMNS: [&str; 41] = [
    "job_id",
    "provider_id",
    "source",
    "source_url",
    "title",
    "title_normalized",
    "company",
    "company_normalized",
    "location_raw",
    "country",
    "city",
    "remote_type",
    "employment_types",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_annual_min",
    "salary_annual_max",
    "job_url",
    "job_url_canonical",
    "apply_url",
    "description_text",
    "emails",
    "company_website",
    "linkedin_url",
    "tags",
    "posted_at",
    "expires_at",
    "first_seen_at",
    "last_seen_at",
    "relevance_score",
    "relevance_reasons",
    "ai_score",
    "ai_reasons",
    "ai_seniority",
    "ai_summary",
    "ai_requirements",
    "ai_tech_stack",
    "ai_company_summary",
    "ai_flags",
];

/// Columns a missing new value must not erase (the earlier backend COALESCEd them).
const KEEP_IF_MISSING: [&str; 5] = [
    "posted_at",
    "relevance_score",
    "relevance_reasons",
    "ai_score",
    "ai_reasons",
];

/// Rows per statement: 200 × 41 binds stays far below both engines' limits.
const ROWS_PER_STATEMENT: usize = 200;

fn statement(engine: Engine, rows: usize) -> String {
    let mut sql = format!("INSERT INTO jobs ({}) VALUES ", COLUMNS.join(", "));
    let mut placeholder = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..COLUMNS.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            placeholder += 1;
            match engine {
                Engine::Sqlite => sql.push('?'),
                Engine::Postgres => {
                    sql.push('$');
                    sql.push_str(&placeholder.to_string());
                }
            }
        }
        sql.push(')');
    }
    let updates: Vec<String> = COLUMNS
        .iter()
        .filter(|column| !matches!(**column, "job_id" | "first_seen_at"))
        .map(|column| {
            if KEEP_IF_MISSING.contains(column) {
                format!("{column} = coalesce(excluded.{column}, jobs.{column})")
            } else {
                format!("{column} = excluded.{column}")
            }
        })
        .collect();
    sql.push_str(" ON CONFLICT (job_id) DO UPDATE SET ");
    sql.push_str(&updates.join(", "));
    sql
}

/// Inserts or refreshes jobs by `job_id` in one transaction. An existing row keeps
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
            let mut transaction = pool.begin().await?;
            for chunk in unique.chunks(ROWS_PER_STATEMENT) {
                let sql = statement(Engine::Sqlite, chunk.len());
                let mut query = sqlx::query(&sql);
                for job in chunk {
                    query = bind_sqlite(query, job, now);
                }
                query.execute(&mut *transaction).await?;
            }
            transaction.commit().await
        }
        Pool::Postgres(pool) => {
            let mut transaction = pool.begin().await?;
            for chunk in unique.chunks(ROWS_PER_STATEMENT) {
                let sql = statement(Engine::Postgres, chunk.len());
                let mut query = sqlx::query(&sql);
                for job in chunk {
                    query = bind_postgres(query, job, now);
                }
                query.execute(&mut *transaction).await?;
            }
            transaction.commit().await
        }
    }
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

/// Binds one job in `COLUMNS` order; arrays as `TEXT[]`, numbers as `REAL`.
fn bind_postgres<'q>(query: PgQuery<'q>, job: &'q JobRecord, now: DateTime<Utc>) -> PgQuery<'q> {
    let real = |value: Option<f64>| value.map(|number| number as f32);
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
        .bind(&job.employment_types)
        .bind(real(job.salary_min))
        .bind(real(job.salary_max))
        .bind(&job.salary_currency)
        .bind(&job.salary_period)
        .bind(real(job.salary_annual_min))
        .bind(real(job.salary_annual_max))
        .bind(&job.job_url)
        .bind(&job.job_url_canonical)
        .bind(&job.apply_url)
        .bind(&job.description_text)
        .bind(&job.emails)
        .bind(&job.company_website)
        .bind(&job.linkedin_url)
        .bind(&job.tags)
        .bind(job.posted_at)
        .bind(job.expires_at)
        .bind(job.first_seen_at.unwrap_or(now))
        .bind(job.last_seen_at.unwrap_or(now))
        .bind(real(job.relevance_score))
        .bind(&job.relevance_reasons)
        .bind(real(job.ai_score))
        .bind(&job.ai_reasons)
        .bind(&job.ai_seniority)
        .bind(&job.ai_summary)
        .bind(&job.ai_requirements)
        .bind(&job.ai_tech_stack)
        .bind(&job.ai_company_summary)
        .bind(&job.ai_flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_placeholders_per_engine() {
        let sqlite = statement(Engine::Sqlite, 2);
        assert_eq!(sqlite.matches('?').count(), 2 * COLUMNS.len());
        let postgres = statement(Engine::Postgres, 2);
        assert!(postgres.contains(&format!("${}", 2 * COLUMNS.len())));
        assert!(!postgres.contains(&format!("${}", 2 * COLUMNS.len() + 1)));
        assert!(
            !postgres.contains("first_seen_at = "),
            "first_seen_at is never overwritten"
        );
        assert!(postgres.contains("posted_at = coalesce(excluded.posted_at, jobs.posted_at)"));
    }
}
