//! The OpenAPI document, generated from the handlers' annotations, and Swagger UI
//! served from files compiled into the binary (no CDN), so `/docs` works offline.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use utoipa::OpenApi;

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

/// `/openapi.json` and the Swagger UI, whose page answers 200 at both `/docs` and
/// `/docs/` (the earlier backend's deploy check probes `/docs` and warns on anything
/// else), with its assets under `/docs/`.
pub fn router() -> Router<AppState> {
    // Rendered once: both are fixed for the life of the binary.
    let document = Bytes::from(
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serializes"),
    );
    let config = Arc::new(utoipa_swagger_ui::Config::from("/openapi.json"));
    let page = Bytes::from(docs_page(&config));
    let serve_page = move || {
        let page = page.clone();
        async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page) }
    };
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], document) }
            }),
        )
        .route("/docs", get(serve_page.clone()))
        .route("/docs/", get(serve_page))
        .route(
            "/docs/{*file}",
            get(move |Path(file): Path<String>| {
                let config = config.clone();
                async move { docs_file(&file, config) }
            }),
        )
}

/// The Swagger UI page with its asset links made absolute (`./swagger-ui.css` becomes
/// `/docs/swagger-ui.css`), so they resolve whether the page was fetched as `/docs` or
/// `/docs/`. (A `<base>` element would also move the UI's in-page `#` links.)
fn docs_page(config: &Arc<utoipa_swagger_ui::Config<'static>>) -> String {
    let file = utoipa_swagger_ui::serve("index.html", config.clone())
        .ok()
        .flatten()
        .expect("the Swagger UI page is compiled in");
    String::from_utf8_lossy(&file.bytes)
        .replace("href=\"./", "href=\"/docs/")
        .replace("src=\"./", "src=\"/docs/")
        .replace("href=\"index.css\"", "href=\"/docs/index.css\"")
}

fn docs_file(file: &str, config: Arc<utoipa_swagger_ui::Config<'static>>) -> Response {
    match utoipa_swagger_ui::serve(file, config) {
        Ok(Some(file)) => (
            [(header::CONTENT_TYPE, file.content_type)],
            file.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, file, "cannot render a Swagger UI file");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
