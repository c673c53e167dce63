//! `/api/v1/apply`: the Apply Workspace (reference §1.4): job targets, resume
//! upload, trust reports, apply packs. One module per resource; the work is done in
//! `crate::apply`. Every job-target route is owner-scoped and answers 404 for
//! another user's id (not 403, so ids do not leak).

pub mod application;
pub mod job;
pub mod pack;
pub mod quota;
pub mod resume;
pub mod trust;

use axum::Router;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AppState, Error};
use crate::apply::{self, jobs::Parsed, Apply};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(application::router())
        .merge(job::router())
        .merge(pack::router())
        .merge(quota::router())
        .merge(resume::router())
        .merge(trust::router())
}

impl From<apply::Error> for Error {
    fn from(error: apply::Error) -> Self {
        match error {
            apply::Error::Invalid(message) => Error::BadRequest(message),
            apply::Error::NotFound(message) => Error::NotFound(message),
            apply::Error::Forbidden(message) => Error::Forbidden(message),
            apply::Error::TooLarge(message) => Error::PayloadTooLarge(message),
            apply::Error::Unsupported(message) => Error::UnsupportedMediaType(message),
            apply::Error::Unavailable(message) => Error::Unavailable(message),
            apply::Error::Ai { feature, error } => Error::from_ai(feature, &error),
            apply::Error::Database(error) => Error::from(error),
            apply::Error::Internal(error) => Error::Internal(error),
        }
    }
}

/// A list page's `limit` (1 to `max`, `default` when absent) and `offset` (0 or
/// more), or the 422 naming the one out of range.
pub(crate) fn page_bounds(
    limit: Option<i64>,
    offset: Option<i64>,
    default: i64,
    max: i64,
) -> Result<(i64, i64), Error> {
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(Error::validation(
            &["query", "limit"],
            format!("Input should be between 1 and {max}"),
            "less_than_equal",
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(Error::validation(
            &["query", "offset"],
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ));
    }
    Ok((limit, offset))
}

/// The service over this request's state; 503 while the database is down.
pub(crate) fn service(state: &AppState) -> Result<Apply, Error> {
    Ok(Apply {
        pool: state.db.pool()?,
        plugins: state.plugins.clone(),
        settings: state.settings.clone(),
        fetcher: state.fetcher.clone(),
        ai: state.ai.clone(),
    })
}

/// A job target as the earlier `ParsedJob` (plus `posted_at`, `valid_through`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ParsedJob {
    pub job_target_id: Uuid,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    pub employment_type: Vec<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
    pub job_url: Option<String>,
    pub apply_url: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    pub valid_through: Option<DateTime<Utc>>,
    /// Whether fields were extracted (always true for imports, stored targets and cache hits).
    pub extracted: bool,
    /// `json_ld`, `html`, `text`, `cached`, `job_target` or `jobscout_import`.
    pub extraction_method: String,
}

impl From<Parsed> for ParsedJob {
    fn from(parsed: Parsed) -> Self {
        let target = parsed.target;
        let apply_url = target
            .extracted_json
            .as_ref()
            .and_then(|extracted| extracted["apply_url"].as_str())
            .map(str::to_string);
        ParsedJob {
            job_target_id: target.job_target_id,
            title: target.title,
            company: target.company,
            location: target.location,
            remote_type: target.remote_type,
            employment_type: target.employment_types,
            salary_min: target.salary_min,
            salary_max: target.salary_max,
            salary_currency: target.salary_currency,
            description_text: target.description_text,
            job_url: target.job_url,
            apply_url,
            posted_at: target.posted_at,
            valid_through: target.valid_through,
            extracted: parsed.extracted,
            extraction_method: parsed.extraction_method,
        }
    }
}
