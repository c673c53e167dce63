//! Root routes: `GET /`, `GET /health` and `GET /metrics`.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::plugins::PluginsSummary;
use crate::storage::{DatabaseHealth, DatabaseState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/metrics", get(prometheus_metrics))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndexResponse {
    pub name: String,
    pub version: String,
    pub docs: String,
}

/// Service name, version and where the docs are.
#[utoipa::path(get, path = "/", tag = "root", responses((status = 200, body = IndexResponse)))]
pub async fn index(State(state): State<AppState>) -> Json<IndexResponse> {
    Json(IndexResponse {
        name: state.settings.app_name.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        docs: "/docs".to_string(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `healthy` when the database is connected and migrated, else `degraded`.
    pub status: &'static str,
    pub database: DatabaseHealth,
    pub plugins: PluginsSummary,
    pub uptime_seconds: u64,
}

/// Liveness and dependency state. Always 200 so that a database outage degrades the
/// service instead of getting it restarted; read `status` for readiness.
#[utoipa::path(get, path = "/health", tag = "root", responses((status = 200, body = HealthResponse)))]
pub async fn health(State(state): State<AppState>) -> Json<HealthResponse> {
    // A live answer: the check runs now unless the last one is under a second old.
    state.db.check_if_stale().await;
    let database = state.db.health();
    let status = if database.state == DatabaseState::Ok {
        "healthy"
    } else {
        "degraded"
    };
    Json(HealthResponse {
        status,
        database,
        plugins: state.plugins.summary(),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    })
}

/// Prometheus text exposition: requests and latency by route, database pool, plugins.
#[utoipa::path(get, path = "/metrics", tag = "root", responses((status = 200, content_type = "text/plain")))]
pub async fn prometheus_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let usage = state.db.pool().ok().map(|pool| pool.usage());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.telemetry.render(usage),
    )
}
