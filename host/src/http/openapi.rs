//! The OpenAPI document, generated from the handlers' annotations, and Swagger UI
//! served from files compiled into the binary (no CDN), so `/docs` works offline.

use axum::Router;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "JobScout API",
        description = "Job search and the Apply Workspace. Errors are `{\"detail\": ...}`; 422 carries a list of issues."
    ),
    paths(
        super::root::index,
        super::root::health,
        super::root::prometheus_metrics,
        super::jobs::list_jobs,
        super::jobs::get_job,
        super::admin::stats,
        super::runs::latest_run,
        super::runs::get_run,
        super::metrics_event::track_event,
    ),
    tags(
        (name = "root", description = "Service information, health and metrics"),
        (name = "jobs", description = "The job catalogue"),
        (name = "admin", description = "Catalogue statistics and administration"),
        (name = "runs", description = "Scrape runs"),
        (name = "metrics", description = "Client analytics events"),
    )
)]
pub struct ApiDoc;

/// `/openapi.json` and the Swagger UI at `/docs`.
pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
}
