//! `GET /api/v1/runs/latest` and `GET /api/v1/runs/{run_id}`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppState, Error, Result};
use crate::storage::runs::{self, RunRecord};
use crate::storage::scrape::{self, SourceOutcome};
use crate::storage::Pool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/runs/latest", get(latest_run))
        .route("/runs/{run_id}", get(get_run))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunCriteria {
    pub query: Option<String>,
    pub location: Option<String>,
    pub use_ai: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResponse {
    pub run_id: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub jobs_collected: i64,
    pub jobs_new: i64,
    pub jobs_updated: i64,
    pub jobs_filtered: i64,
    pub errors: i64,
    /// Comma-joined source names.
    pub sources: Option<String>,
    pub criteria: Option<RunCriteria>,
    /// `running`, `finished`, `failed` or `interrupted` (cut short by a crash or
    /// restart). The earlier backend declared this field but never sent it.
    pub status: String,
    /// Why the run failed or was interrupted.
    pub error: Option<String>,
    /// Postings each run filter dropped: `{remote_only, location, employment}`.
    #[schema(value_type = Object)]
    pub filter_counts: serde_json::Value,
    /// What each source did in this run.
    pub source_outcomes: Vec<SourceOutcome>,
}

impl From<RunRecord> for RunResponse {
    fn from(run: RunRecord) -> Self {
        let criteria = run
            .criteria
            .as_ref()
            .and_then(|value| value.as_object())
            .map(|object| RunCriteria {
                query: object
                    .get("query")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                location: object
                    .get("location")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                use_ai: object.get("use_ai").and_then(|v| v.as_bool()),
            });
        RunResponse {
            status: if run.finished_at.is_some() {
                "finished"
            } else {
                "running"
            }
            .to_string(),
            error: None,
            filter_counts: serde_json::Value::Null,
            source_outcomes: Vec::new(),
            run_id: run.run_id,
            started_at: run.started_at,
            finished_at: run.finished_at,
            jobs_collected: run.jobs_collected,
            jobs_new: run.jobs_new,
            jobs_updated: run.jobs_updated,
            jobs_filtered: run.jobs_filtered,
            errors: run.errors,
            sources: run.sources,
            criteria,
        }
    }
}

/// A run with its pipeline details (status, filters, per-source outcomes).
async fn detailed(pool: &Pool, run: RunRecord) -> Result<RunResponse> {
    let run_id = run.run_id;
    let mut response = RunResponse::from(run);
    if let Some((status, error, filter_counts)) = scrape::run_status(pool, run_id).await? {
        if let Some(status) = status {
            response.status = status;
        }
        response.error = error;
        response.filter_counts = filter_counts;
    }
    response.source_outcomes = scrape::source_outcomes(pool, run_id).await?;
    Ok(response)
}

/// The newest run (highest id).
#[utoipa::path(get, path = "/api/v1/runs/latest", tag = "runs",
    responses((status = 200, body = RunResponse), (status = 404, description = "no run yet")))]
pub async fn latest_run(State(state): State<AppState>) -> Result<Json<RunResponse>> {
    let pool = state.db.pool()?;
    match runs::latest_run(&pool).await? {
        Some(run) => Ok(Json(detailed(&pool, run).await?)),
        None => Err(Error::NotFound("No runs found".into())),
    }
}

/// One run by id.
#[utoipa::path(get, path = "/api/v1/runs/{run_id}", tag = "runs",
    params(("run_id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunResponse), (status = 404), (status = 422)))]
pub async fn get_run(
    State(state): State<AppState>,
    Path(run_id): Path<String>,
) -> Result<Json<RunResponse>> {
    let run_id: i64 = run_id.parse().map_err(|_| {
        Error::Validation(vec![super::error::ValidationIssue::new(
            &["path", "run_id"],
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        )
        .with_input(run_id.clone())])
    })?;
    let pool = state.db.pool()?;
    match runs::get_run(&pool, run_id).await? {
        Some(run) => Ok(Json(detailed(&pool, run).await?)),
        None => {
            let total = runs::count_runs(&pool).await?;
            Err(Error::NotFound(format!(
                "Run {run_id} not found. Total runs in DB: {total}"
            )))
        }
    }
}
