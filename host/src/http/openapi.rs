//! The OpenAPI document, generated from the handlers' annotations, and Swagger UI
//! served from files compiled into the binary (no CDN), so `/docs` works offline.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{Content, Ref, RefOr, Response as ApiResponse};
use utoipa::{Modify, OpenApi, ToSchema};

use super::error::ValidationIssue;
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
        super::metrics_event::options_event,
        super::admin_plugins::list_plugins,
        super::admin_plugins::reload_plugins,
        super::admin_plugins::enable_plugin,
        super::admin_plugins::disable_plugin,
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
        super::apply::pack::generate_pack,
        super::apply::pack::get_pack,
        super::apply::pack::export_pack,
        super::apply::pack::ats_preview,
        super::apply::pack::history,
        super::apply::application::create_application,
        super::apply::application::list_applications,
        super::apply::application::update_application,
        super::apply::application::add_feedback,
        super::apply::application::list_feedback,
        super::apply::application::insights,
        super::apply::quota::get_quota,
        super::referrals::referral_stats,
        super::referrals::apply_referral,
        super::referrals::check_referral,
        super::paddle::paddle_webhook,
        super::paddle::paddle_checkout_url,
    ),
    components(schemas(ErrorResponse, ValidationErrorResponse, ValidationIssue)),
    modifiers(&SecuritySchemes, &CommonResponses, &ResponseLinks),
    tags(
        (name = "root", description = "Service information, health and metrics"),
        (name = "jobs", description = "The job catalogue"),
        (name = "admin", description = "Catalogue statistics and administration"),
        (name = "runs", description = "Scrape runs"),
        (name = "metrics", description = "Client analytics events"),
        (name = "profile", description = "The signed-in user's profile and resumes (Supabase bearer token)"),
        (name = "saved-searches", description = "Saved searches and e-mail preferences (Supabase bearer token)"),
        (name = "apply", description = "Apply Workspace: job targets, resume upload, trust reports, apply packs, the application tracker, quotas and credits (Supabase bearer token; other users' job targets, packs and applications answer 404)"),
        (name = "referrals", description = "Referral codes, applying one, and the public check of a code"),
        (name = "billing", description = "Paddle Billing: the signed webhook and the checkout URL"),
    )
)]
pub struct ApiDoc;

/// Declares the two schemes operations name: `bearer`, a Supabase access token
/// (user routes), and `admin`, `Bearer <JOBSCOUT_ADMIN_TOKEN>` (admin routes).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        let mut admin = Http::new(HttpAuthScheme::Bearer);
        admin.description = Some("The server's JOBSCOUT_ADMIN_TOKEN".into());
        components.add_security_scheme("admin", SecurityScheme::Http(admin));
    }
}

/// The body of every error but 422: `{"detail": "..."}`.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: errors are rendered by `Error`
pub struct ErrorResponse {
    pub detail: String,
}

/// The body of a 422: the list of every problem found.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: errors are rendered by `Error`
pub struct ValidationErrorResponse {
    pub detail: Vec<ValidationIssue>,
}

/// Operations that never touch the database, so never answer its 503. Every other
/// operation gets the 503 by default: a new route is documented as able to fail
/// with the database unless it is listed here (`host/tests/suite/api_schema.rs` checks
/// this list against the handlers and against a server whose database is down).
pub const WITHOUT_DATABASE: &[&str] = &[
    "index",
    "health",
    "prometheus_metrics",
    // Always 204: an event that cannot be stored is logged and dropped.
    "track_event",
    "options_event",
    "list_plugins",
    "reload_plugins",
    "enable_plugin",
    "disable_plugin",
];

/// Adds the responses every operation of a kind shares, so each handler documents
/// only its own: 401 (and 403 for admin) with its security, 422 wherever a
/// parameter or body is validated, 413 for bodies, 429 for rate limits, 503 for
/// the database and identity provider; and the `{"detail": ...}` body of each error.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_responses(path, operation);
            }
        }
    }
}

/// The names of the schemes an operation accepts (`""` for anonymous).
fn security_names(operation: &Operation) -> Vec<String> {
    let mut names = Vec::new();
    for requirement in operation.security.iter().flatten() {
        match serde_json::to_value(requirement) {
            Ok(serde_json::Value::Object(map)) if map.is_empty() => names.push(String::new()),
            Ok(serde_json::Value::Object(map)) => names.extend(map.keys().cloned()),
            _ => {}
        }
    }
    names
}

fn add_common_responses(path: &str, operation: &mut Operation) {
    let schemes = security_names(operation);
    let signed_in = schemes.iter().any(|name| name == "bearer");
    let anonymous_allowed = schemes.is_empty() || schemes.iter().any(String::is_empty);
    let admin = schemes.iter().any(|name| name == "admin");
    let validated = operation
        .parameters
        .as_ref()
        .is_some_and(|parameters| !parameters.is_empty())
        || operation.request_body.is_some();
    let id = operation.operation_id.clone().unwrap_or_default();
    let responses = &mut operation.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(ApiResponse::new(description)));
    };
    if signed_in {
        add("401", "missing, malformed, expired or revoked bearer token");
        add(
            "503",
            "the identity provider (Supabase) or the database is unavailable",
        );
        if !anonymous_allowed {
            add(
                "429",
                "per-user rate limit (JOBSCOUT_RATE_LIMIT_USER_PER_MINUTE); see Retry-After",
            );
        }
    }
    if admin {
        add("401", "no Authorization header");
        add("403", "not the admin token");
        add("503", "no admin token is configured (JOBSCOUT_ADMIN_TOKEN)");
    }
    if validated {
        add(
            "422",
            "invalid parameter or body; `detail` lists every problem",
        );
    }
    if operation.request_body.is_some() {
        add("413", "body larger than JOBSCOUT_MAX_BODY_BYTES");
    }
    if path.starts_with("/api/v1/") {
        add(
            "429",
            "per-IP rate limit (JOBSCOUT_RATE_LIMIT_IP_PER_MINUTE); see Retry-After",
        );
    }
    if !WITHOUT_DATABASE.contains(&id.as_str()) {
        add("503", "the database is unavailable; try again shortly");
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let is_error = status.starts_with('4') || status.starts_with('5');
        if is_error && response.content.is_empty() {
            let schema = if status == "422" {
                "ValidationErrorResponse"
            } else {
                "ErrorResponse"
            };
            response.content.insert(
                "application/json".to_string(),
                Content::new(Some(Ref::from_schema_name(schema))),
            );
        }
    }
}

/// OpenAPI links from the operations that create a resource to those that read or
/// change it, so clients (and the fuzz gate's stateful phase) can follow ids:
/// (creating operation, id parameter, where the id is in its 200 body, operations).
const LINKS: &[(&str, &str, &str, &[&str])] = &[
    (
        "import_job",
        "job_target_id",
        "$response.body#/job_target_id",
        &[
            "get_job_target",
            "update_job",
            "trust_report",
            "trust_feedback",
        ],
    ),
    (
        "parse_job",
        "job_target_id",
        "$response.body#/job_target_id",
        &[
            "get_job_target",
            "update_job",
            "trust_report",
            "trust_feedback",
        ],
    ),
    (
        "create_search",
        "search_id",
        "$response.body#/search_id",
        &["get_search", "update_search", "delete_search"],
    ),
    (
        "resume_from_text",
        "resume_id",
        "$response.body#/resume/resume_id",
        &["get_resume"],
    ),
];

struct ResponseLinks;

impl Modify for ResponseLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let id = operation.operation_id.clone().unwrap_or_default();
                let Some(RefOr::T(created)) = operation.responses.responses.get_mut("200") else {
                    continue;
                };
                for (source, parameter, expression, targets) in LINKS {
                    if *source != id {
                        continue;
                    }
                    for target in *targets {
                        // utoipa 5.5 writes `operation_id` in snake case, which no
                        // client reads; the spec's `operationId` goes in as an extension
                        // (written as is) and utoipa's own field stays empty (omitted).
                        let link = LinkBuilder::new()
                            .parameter(*parameter, *expression)
                            .extensions(Some(Extensions::from_iter([("operationId", *target)])))
                            .build();
                        created.links.insert(target.to_string(), RefOr::T(link));
                    }
                }
            }
        }
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
