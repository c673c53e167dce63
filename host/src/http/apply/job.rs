//! Job targets: parse a URL or pasted text, read one back, import one captured
//! elsewhere (the extension's only endpoint), edit one.

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{service, ParsedJob};
use crate::apply::jobs::{self, Edit, Import, Parsed};
use crate::http::extractor::AppJson;
use crate::http::profile::parse_uuid;
use crate::http::user::AuthUser;
use crate::http::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apply/job/parse", post(parse_job))
        .route("/apply/job/target/{job_target_id}", get(get_job_target))
        .route("/apply/job/import", post(import_job))
        .route("/apply/job/{job_target_id}", put(update_job))
}

/// One of the two fields at least (neither is a 400).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(min_properties = 1)]
pub struct ParseRequest {
    /// An http(s) URL of the posting; fetched by the server.
    pub job_url: Option<String>,
    /// A pasted description.
    pub job_text: Option<String>,
}

/// FastAPI's `HttpUrl`: http or https with a host, else 422.
fn validate_url(url: &str) -> Result<String> {
    match url::Url::parse(url.trim()) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() =>
        {
            Ok(parsed.to_string())
        }
        _ => Err(Error::Validation(vec![
            crate::http::error::ValidationIssue::new(
                &["body", "job_url"],
                "Input should be a valid URL (http or https)",
                "url_parsing",
            )
            .with_input(url.to_string()),
        ])),
    }
}

/// Parses a job from its URL (fetched under the egress policy) or pasted text.
/// The same input from the same user returns the stored target (`cached`).
#[utoipa::path(post, path = "/api/v1/apply/job/parse", tag = "apply", security(("bearer" = [])), request_body = ParseRequest,
    responses((status = 200, body = ParsedJob), (status = 400, description = "neither field, or the URL could not be fetched or parsed"),
        (status = 422, description = "job_url is not an http(s) URL"), (status = 503, description = "the job-parse processor is unavailable")))]
pub async fn parse_job(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<ParseRequest>,
) -> Result<Json<ParsedJob>> {
    let job_url = body
        .job_url
        .filter(|url| !url.trim().is_empty())
        .map(|url| validate_url(&url))
        .transpose()?;
    let apply = service(&state)?;
    let parsed = jobs::parse(&apply, user.user_id, job_url, body.job_text).await?;
    Ok(Json(parsed.into()))
}

/// One of the caller's job targets (the extension's deep link).
#[utoipa::path(get, path = "/api/v1/apply/job/target/{job_target_id}", tag = "apply", security(("bearer" = [])),
    params(("job_target_id" = Uuid, Path)),
    responses((status = 200, body = ParsedJob), (status = 404, description = "not found or not the caller's"), (status = 422)))]
pub async fn get_job_target(
    user: AuthUser,
    State(state): State<AppState>,
    Path(job_target_id): Path<String>,
) -> Result<Json<ParsedJob>> {
    let job_target_id = parse_uuid(&job_target_id, "job_target_id")?;
    let apply = service(&state)?;
    let target = jobs::owned(&apply, user.user_id, job_target_id).await?;
    Ok(Json(
        Parsed {
            target,
            extraction_method: "job_target".into(),
            extracted: true,
        }
        .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportRequest {
    pub title: String,
    pub company: String,
    pub job_id: Option<String>,
    /// `jobscout` by default; `extension` from the browser extension (30 per hour per user).
    pub source: Option<String>,
    pub captured_from: Option<String>,
    pub job_url: Option<String>,
    pub apply_url: Option<String>,
    pub location_raw: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    pub employment_types: Option<Vec<String>>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
    pub company_website: Option<String>,
    pub linkedin_url: Option<String>,
    pub ai_company_summary: Option<String>,
    pub ai_summary: Option<String>,
    pub ai_requirements: Option<String>,
    pub ai_tech_stack: Option<String>,
}

/// Stores a job captured by the app or the extension; never deduplicated.
#[utoipa::path(post, path = "/api/v1/apply/job/import", tag = "apply", security(("bearer" = [])), request_body = ImportRequest,
    responses((status = 200, body = ParsedJob), (status = 422, description = "title or company missing"),
        (status = 429, description = "more than 30 extension imports in an hour")))]
pub async fn import_job(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<ImportRequest>,
) -> Result<Json<ParsedJob>> {
    if jobs::import_source(body.source.as_deref()) == "extension" {
        if let Some(limiter) = &state.rate_limits.job_capture {
            limiter.check(&user.user_id)?;
        }
    }
    let apply = service(&state)?;
    let import = Import {
        title: body.title,
        company: body.company,
        job_id: body.job_id,
        source: body.source,
        captured_from: body.captured_from,
        job_url: body.job_url,
        apply_url: body.apply_url,
        location_raw: body.location_raw,
        location: body.location,
        remote_type: body.remote_type,
        employment_types: body.employment_types.unwrap_or_default(),
        salary_min: body.salary_min,
        salary_max: body.salary_max,
        salary_currency: body.salary_currency,
        description_text: body.description_text,
        company_website: body.company_website,
        linkedin_url: body.linkedin_url,
        ai_company_summary: body.ai_company_summary,
        ai_summary: body.ai_summary,
        ai_requirements: body.ai_requirements,
        ai_tech_stack: body.ai_tech_stack,
    };
    Ok(Json(
        jobs::import(&apply, user.user_id, import).await?.into(),
    ))
}

/// At least one field (none is a 400).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(min_properties = 1)]
pub struct UpdateRequest {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    /// Stored as a list (the earlier backend failed with 500 on this field).
    pub employment_type: Option<Vec<String>>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpdatedJob {
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
}

/// Edits the caller's job target; fields left out (or null) are kept.
#[utoipa::path(put, path = "/api/v1/apply/job/{job_target_id}", tag = "apply", security(("bearer" = [])),
    params(("job_target_id" = Uuid, Path)), request_body = UpdateRequest,
    responses((status = 200, body = UpdatedJob), (status = 400, description = "no fields"),
        (status = 404, description = "not found or not the caller's"), (status = 422)))]
pub async fn update_job(
    user: AuthUser,
    State(state): State<AppState>,
    Path(job_target_id): Path<String>,
    AppJson(body): AppJson<UpdateRequest>,
) -> Result<Json<UpdatedJob>> {
    let job_target_id = parse_uuid(&job_target_id, "job_target_id")?;
    let apply = service(&state)?;
    let edit = Edit {
        title: body.title,
        company: body.company,
        location: body.location,
        remote_type: body.remote_type,
        employment_types: body.employment_type,
        salary_min: body.salary_min,
        salary_max: body.salary_max,
        salary_currency: body.salary_currency,
        description_text: body.description_text,
    };
    let target = jobs::edit(&apply, user.user_id, job_target_id, edit).await?;
    Ok(Json(UpdatedJob {
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
    }))
}
