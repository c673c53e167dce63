//! `GET /api/v1/admin/stats`: catalogue figures for the home page. Public, as it
//! was in the earlier backend (the frontend shows it to everyone).

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::response_cache::json_bytes;
use super::{AppState, Error, Result};
use crate::storage::{jobs, runs};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/stats", get(stats))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsResponse {
    pub total_jobs: i64,
    pub jobs_last_24h: i64,
    pub jobs_last_7d: i64,
    /// Jobs per source name.
    pub sources: BTreeMap<String, i64>,
    /// When the newest run finished (null while it runs or when there is none).
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_run_jobs_new: i64,
}

/// Catalogue counts: total, first seen in the last 24 hours and 7 days, per source,
/// and the newest run.
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin",
    responses((status = 200, body = StatsResponse), (status = 503, description = "database unavailable")))]
pub async fn stats(State(state): State<AppState>) -> Result<Response> {
    let pool = state.db.pool()?;
    let body = state
        .cache
        .get_or_compute("admin/stats".to_string(), || async move {
            // Joined to the end even when one fails, so no query is dropped half-way.
            let (catalogue, latest) =
                tokio::join!(jobs::catalogue_stats(&pool), runs::latest_run(&pool));
            let (catalogue, latest) = (catalogue?, latest?);
            let response = StatsResponse {
                total_jobs: catalogue.total_jobs,
                jobs_last_24h: catalogue.jobs_last_24h,
                jobs_last_7d: catalogue.jobs_last_7d,
                sources: catalogue.sources,
                last_run_at: latest.as_ref().and_then(|run| run.finished_at),
                last_run_jobs_new: latest.map(|run| run.jobs_new).unwrap_or(0),
            };
            let body =
                serde_json::to_vec(&response).map_err(|error| Error::Internal(error.into()))?;
            Ok::<_, Error>(Bytes::from(body))
        })
        .await?;
    Ok(json_bytes(body))
}
