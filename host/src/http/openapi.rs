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
        super::scrape::admin_run,
        super::scrape::public_scrape,
        super::metrics_event::track_event,
        super::profile::get_profile,
        super::profile::put_profile,
        super::profile::resume_from_text,
        super::profile::resume_upload,
        super::profile::get_resume,
        super::profile::set_primary_resume,
        super::saved_searches::create_search,
        super::saved_searches::list_searches,
        super::saved_searches::get_search,
        super::saved_searches::update_search,
        super::saved_searches::delete_search,
        super::saved_searches::get_email_preferences,
        super::saved_searches::put_email_preferences,
        super::apply::job::parse_job,
        super::apply::job::get_job_target,
        super::apply::job::import_job,
        super::apply::job::update_job,
        super::apply::resume::upload_resume,
        super::apply::trust::trust_report,
        super::apply::trust::trust_feedback,
    ),
    modifiers(&BearerSecurity),
    tags(
        (name = "root", description = "Service information, health and metrics"),
        (name = "jobs", description = "The job catalogue"),
        (name = "admin", description = "Catalogue statistics and administration"),
        (name = "runs", description = "Scrape runs"),
        (name = "metrics", description = "Client analytics events"),
        (name = "profile", description = "The signed-in user's profile and resumes (Supabase bearer token)"),
        (name = "saved-searches", description = "Saved searches and e-mail preferences (Supabase bearer token)"),
        (name = "apply", description = "Apply Workspace: job targets, resume upload, trust reports (Supabase bearer token; other users' job targets answer 404)"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme user routes name: a Supabase access token.
struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `/openapi.json` and the Swagger UI at `/docs`.
pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
}
