//! Trust reports on the caller's job targets, and community feedback on them.

use axum::extract::{Path, Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::service;
use crate::apply::trust::{self, Feedback, TrustOptions};
use crate::http::extractor::AppJson;
use crate::http::profile::parse_uuid;
use crate::http::user::AuthUser;
use crate::http::{AppState, Error, Result};
use crate::storage::apply::feedback::Community;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apply/job/{job_target_id}/trust", post(trust_report))
        .route(
            "/apply/job/{job_target_id}/trust/feedback",
            post(trust_feedback),
        )
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrustQuery {
    /// Store a new report even when one exists.
    #[serde(default)]
    pub force: bool,
    /// Check the apply link again even when the last check is recent.
    #[serde(default)]
    pub refresh_apply_link: bool,
}

/// The trust report of the caller's job target (docs/processors.md, `trust`): scam, ghost,
/// staleness, apply link, domain consistency, confidence, community, next steps.
/// Stored on the first call or with `force`; otherwise recomputed and returned
/// with the stored `trust_report_id` and `verified_at`.
#[utoipa::path(post, path = "/api/v1/apply/job/{job_target_id}/trust", tag = "apply", security(("bearer" = [])),
    params(("job_target_id" = Uuid, Path), TrustQuery),
    responses((status = 200, description = "the trust report: its fields (scam, ghost, staleness, apply link, domain, confidence, community, next steps) with trust_report_id, verified_at and apply_link_cached"),
        (status = 404, description = "not found or not the caller's"), (status = 422),
        (status = 503, description = "the trust processor is unavailable")))]
pub async fn trust_report(
    user: AuthUser,
    State(state): State<AppState>,
    Path(job_target_id): Path<String>,
    query: std::result::Result<Query<TrustQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>> {
    let job_target_id = parse_uuid(&job_target_id, "job_target_id")?;
    let Query(query) = query.map_err(|rejection| {
        Error::validation(&["query"], rejection.body_text(), "bool_parsing")
    })?;
    let apply = service(&state)?;
    let options = TrustOptions {
        force: query.force,
        refresh_apply_link: query.refresh_apply_link,
    };
    Ok(Json(
        trust::report(&apply, user.user_id, job_target_id, options).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// `report` or `accuracy` (case and surrounding spaces are ignored; others are a 400).
    #[schema(schema_with = feedback_kind_schema)]
    pub feedback_kind: String,
    /// `overall` (default), `scam`, `ghost`, `staleness` or `link` (others are a 400).
    #[schema(schema_with = dimension_schema)]
    pub dimension: Option<String>,
    /// report: scam|ghost|expired|other (others become other); accuracy: accurate|inaccurate.
    pub value: Option<String>,
    /// Trimmed to 800 characters.
    pub comment: Option<String>,
}

fn text_enum(values: &[&str]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

fn feedback_kind_schema() -> utoipa::openapi::Object {
    text_enum(&["report", "accuracy"])
}

fn dimension_schema() -> utoipa::openapi::Object {
    text_enum(&["overall", "scam", "ghost", "staleness", "link"])
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackResponse {
    pub ok: bool,
    pub community: Community,
}

/// Records feedback on the caller's job target's report.
#[utoipa::path(post, path = "/api/v1/apply/job/{job_target_id}/trust/feedback", tag = "apply", security(("bearer" = [])),
    params(("job_target_id" = Uuid, Path)), request_body = FeedbackRequest,
    responses((status = 200, body = FeedbackResponse), (status = 400, description = "bad kind, dimension or accuracy value"),
        (status = 404, description = "not found or not the caller's"), (status = 422)))]
pub async fn trust_feedback(
    user: AuthUser,
    State(state): State<AppState>,
    Path(job_target_id): Path<String>,
    AppJson(body): AppJson<FeedbackRequest>,
) -> Result<Json<FeedbackResponse>> {
    let job_target_id = parse_uuid(&job_target_id, "job_target_id")?;
    let apply = service(&state)?;
    let feedback = Feedback {
        feedback_kind: body.feedback_kind,
        dimension: body.dimension,
        value: body.value,
        comment: body.comment,
    };
    let community = trust::add_feedback(&apply, user.user_id, job_target_id, feedback).await?;
    Ok(Json(FeedbackResponse {
        ok: true,
        community,
    }))
}
