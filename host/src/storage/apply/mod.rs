//! Apply-Workspace storage: job targets (owner-scoped), trust reports with the
//! apply-link cache, and community feedback. Lists are `TEXT[]` on PostgreSQL and
//! JSON text on SQLite; JSON columns are JSONB / JSON text; timestamps
//! `TIMESTAMPTZ` / ISO text.

pub mod feedback;
pub mod job_targets;
pub mod trust_reports;

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use uuid::Uuid;

use super::json::{pg_json, sqlite_json as sqlite_text_json};
use super::parse_timestamp;

/// A JSON-text list; a missing or unreadable value reads as empty.
fn sqlite_list(row: &sqlx::sqlite::SqliteRow, name: &str) -> Result<Vec<String>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

fn sqlite_time(
    row: &sqlx::sqlite::SqliteRow,
    name: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .as_deref()
        .and_then(parse_timestamp))
}

fn sqlite_uuid(row: &sqlx::sqlite::SqliteRow, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .and_then(|text| Uuid::parse_str(&text).ok()))
}

fn pg_list(row: &sqlx::postgres::PgRow, name: &str) -> Result<Vec<String>, sqlx::Error> {
    Ok(row
        .try_get::<Option<Vec<String>>, _>(name)?
        .unwrap_or_default())
}

fn list_text(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn time_text(value: &Option<DateTime<Utc>>) -> Option<String> {
    value.as_ref().map(super::format_timestamp)
}
