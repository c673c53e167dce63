//! Admin routes for plugins (`/admin/plugins…`, admin token required): list
//! states and health, reload from disk, enable and disable.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::extractor::AdminAuth;
use super::{AppState, Error, Result};
use crate::plugins::reload::ReloadReport;
use crate::plugins::{PluginError, PluginStatus, PluginsSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/plugins", get(list_plugins))
        .route("/admin/plugins/reload", post(reload_plugins))
        .route("/admin/plugins/{id}/enable", post(enable_plugin))
        .route("/admin/plugins/{id}/disable", post(disable_plugin))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PluginList {
    pub plugins: Vec<PluginStatus>,
    pub summary: PluginsSummary,
    /// Why plugins.toml could not be applied at the last (re)load, if so.
    pub manifest_error: Option<String>,
}

/// Every declared plugin with its state, reason, build and call statistics.
#[utoipa::path(get, path = "/api/v1/admin/plugins", tag = "admin", security(("admin" = [])),
    responses((status = 200, body = PluginList)))]
pub async fn list_plugins(_admin: AdminAuth, State(state): State<AppState>) -> Json<PluginList> {
    Json(PluginList {
        plugins: state.plugins.list(),
        summary: state.plugins.summary(),
        manifest_error: state.plugins.manifest_error(),
    })
}

/// Re-reads plugins.toml and the `.wasm` files; changed plugins are swapped
/// atomically, and a plugin whose new build fails keeps serving the old one.
#[utoipa::path(post, path = "/api/v1/admin/plugins/reload", tag = "admin", security(("admin" = [])),
    responses((status = 200, body = ReloadReport), (status = 400, description = "plugins.toml is invalid; nothing changed")))]
pub async fn reload_plugins(
    _admin: AdminAuth,
    State(state): State<AppState>,
) -> Result<Json<ReloadReport>> {
    let report = state.plugins.reload().await;
    if let Some(message) = &report.manifest_error {
        return Err(Error::BadRequest(format!(
            "plugins file not applied, plugins unchanged: {message}"
        )));
    }
    Ok(Json(report))
}

/// Enables a plugin disabled through this API and clears its circuit breaker.
#[utoipa::path(post, path = "/api/v1/admin/plugins/{id}/enable", tag = "admin", security(("admin" = [])),
    params(("id" = String, Path, description = "plugin id from plugins.toml")),
    responses((status = 200, body = PluginStatus), (status = 400, description = "the plugin cannot be enabled (it failed to load)"),
        (status = 404, description = "no such plugin")))]
pub async fn enable_plugin(
    _admin: AdminAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PluginStatus>> {
    state
        .plugins
        .set_enabled(&id, true)
        .map(Json)
        .map_err(admin_error)
}

/// Stops calls to a plugin until it is enabled again (or the process restarts).
#[utoipa::path(post, path = "/api/v1/admin/plugins/{id}/disable", tag = "admin", security(("admin" = [])),
    params(("id" = String, Path, description = "plugin id from plugins.toml")),
    responses((status = 200, body = PluginStatus), (status = 400, description = "the plugin cannot be disabled"),
        (status = 404, description = "no such plugin")))]
pub async fn disable_plugin(
    _admin: AdminAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PluginStatus>> {
    state
        .plugins
        .set_enabled(&id, false)
        .map(Json)
        .map_err(admin_error)
}

fn admin_error(error: PluginError) -> Error {
    match error {
        PluginError::NotFound(_) => Error::NotFound(error.to_string()),
        other => Error::BadRequest(other.to_string()),
    }
}
