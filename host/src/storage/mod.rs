//! Storage through sqlx on two engines: embedded SQLite (the default) and PostgreSQL.
//!
//! Queries are runtime-checked and written once for both engines (`codec.rs`), per
//! engine only where their SQL differs (full-text search, upsert syntax); every
//! query is tested on both engines.
//! [`Database`] owns the connection state: start-up never waits for it, handlers get
//! a 503 while it is down, and a background task keeps reconnecting.

pub mod accounts;
pub mod ai_usage;
pub mod analytics;
pub mod apply;
pub mod billing;
mod codec;
mod connection;
mod database;
mod job_filter;
pub mod jobs;
pub mod json;
pub mod profiles;
pub mod referrals;
pub mod runs;
pub mod saved_searches;
pub mod scheduler;
pub mod scrape;
mod time;
pub mod trouble;
mod upsert;
pub mod users;
pub mod write;

pub use connection::{connect, migrate, Pool};
pub use database::{Database, DatabaseHealth, DatabaseState, Unavailable};
pub use time::{format_timestamp, parse_timestamp};

/// Which SQL dialect a pool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Sqlite,
    Postgres,
}
