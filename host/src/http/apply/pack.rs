//! Apply packs: generate one (10 a minute per user), read one back, its
//! documents (DOCX, ZIP, ATS text), and the history of the caller's packs.
//! Owner-scoped: another user's pack is a 404.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{page_bounds, service};
use crate::apply::documents::{self, Export};
use crate::apply::packs::{self, PackRequest};
use crate::http::extractor::AppJson;
use crate::http::profile::parse_uuid;
use crate::http::user::AuthUser;
use crate::http::{AppState, Error, Result};
use crate::storage::apply::packs::{self as stored_packs, HistoryEntry, StoredPack};

/// The history's page size when none is given, and the largest allowed.
const HISTORY_DEFAULT_LIMIT: i64 = 50;
const HISTORY_MAX_LIMIT: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apply/pack/generate", post(generate_pack))
        .route("/apply/pack/{apply_pack_id}", get(get_pack))
        .route("/apply/pack/{apply_pack_id}/export", get(export_pack))
        .route("/apply/pack/{apply_pack_id}/ats-preview", get(ats_preview))
        .route("/apply/history", get(history))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateRequest {
    /// The resume as text (from `/apply/resume/upload` or pasted).
    pub resume_text: String,
    /// An http(s) URL of the posting; fetched by the server.
    pub job_url: Option<String>,
    /// A pasted description (used when the URL is absent or cannot be fetched).
    pub job_text: Option<String>,
    /// Have the AI provider write the texts (default true); false gives the template pack.
    #[serde(default = "default_use_ai")]
    pub use_ai: bool,
}

fn default_use_ai() -> bool {
    true
}

/// The earlier `ApplyPack`, plus `job_target_id`, `ai_model`, `cached` and `created_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyPack {
    pub apply_pack_id: Uuid,
    pub job_target_id: Option<Uuid>,
    pub tailored_summary: Option<String>,
    /// `[{text, match_score}]`, `match_score` 0–100.
    #[schema(value_type = Vec<Object>)]
    pub tailored_bullets: Value,
    pub cover_note: Option<String>,
    /// `{keyword_coverage, matched_skills, missing_skills}`, and for AI packs
    /// `optimized_experience` and `optimized_resume`.
    #[schema(value_type = Object)]
    pub ats_checklist: Value,
    pub keyword_coverage: Option<f64>,
    /// The model that wrote the texts; null for the template pack.
    pub ai_model: Option<String>,
    /// True when this request did not generate the pack: the caller's stored pack for
    /// the same resume and job, or a read by id.
    pub cached: bool,
    pub created_at: Option<DateTime<Utc>>,
}

impl ApplyPack {
    fn new(pack: StoredPack, cached: bool) -> Self {
        ApplyPack {
            apply_pack_id: pack.apply_pack_id,
            job_target_id: pack.job_target_id,
            tailored_summary: pack.tailored_summary,
            tailored_bullets: pack.tailored_bullets.unwrap_or(Value::Array(Vec::new())),
            cover_note: pack.cover_note,
            ats_checklist: pack
                .ats_checklist
                .unwrap_or_else(|| Value::Object(Default::default())),
            keyword_coverage: pack.keyword_coverage,
            ai_model: pack.ai_model,
            cached,
            created_at: pack.created_at,
        }
    }
}

/// Generates a tailored apply pack for a resume and a job (URL or pasted text).
/// The same resume and job (and `use_ai`) return the caller's stored pack.
#[utoipa::path(post, path = "/api/v1/apply/pack/generate", tag = "apply", security(("bearer" = [])), request_body = GenerateRequest,
    responses((status = 200, body = ApplyPack),
        (status = 400, description = "empty resume_text, neither job field, or the job URL could not be fetched or parsed"),
        (status = 403, description = "the apply-pack quota is used up, or the credits do not cover a pack"),
        (status = 422, description = "resume_text missing or a field of the wrong type"),
        (status = 429, description = "more than 10 packs a minute"),
        (status = 502, description = "the AI provider failed or answered outside the schema"),
        (status = 503, description = "use_ai=true without an AI provider (the detail names the setting), the provider is unavailable, or a processor is")))]
pub async fn generate_pack(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<GenerateRequest>,
) -> Result<Json<ApplyPack>> {
    if let Some(limiter) = &state.rate_limits.apply_pack {
        limiter.check(&user.user_id)?;
    }
    let apply = service(&state)?;
    let request = PackRequest {
        resume_text: body.resume_text,
        job_url: body.job_url,
        job_text: body.job_text,
        use_ai: body.use_ai,
    };
    let generated = packs::generate(&apply, user.user_id, request).await?;
    Ok(Json(ApplyPack::new(generated.pack, generated.cached)))
}

/// One of the caller's packs.
#[utoipa::path(get, path = "/api/v1/apply/pack/{apply_pack_id}", tag = "apply", security(("bearer" = [])),
    params(("apply_pack_id" = Uuid, Path)),
    responses((status = 200, body = ApplyPack), (status = 404, description = "not found or not the caller's"), (status = 422)))]
pub async fn get_pack(
    user: AuthUser,
    State(state): State<AppState>,
    Path(apply_pack_id): Path<String>,
) -> Result<Json<ApplyPack>> {
    let apply_pack_id = parse_uuid(&apply_pack_id, "apply_pack_id")?;
    let apply = service(&state)?;
    let pack = packs::owned(&apply, user.user_id, apply_pack_id).await?;
    Ok(Json(ApplyPack::new(pack, true)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `resume` (tailored_resume.docx), `cover` (cover_letter.docx), anything else
    /// or nothing: apply_pack.zip with both.
    pub format: Option<String>,
}

/// The pack's documents as a download: the tailored resume or the cover letter
/// (DOCX), or both in a ZIP.
#[utoipa::path(get, path = "/api/v1/apply/pack/{apply_pack_id}/export", tag = "apply", security(("bearer" = [])),
    params(("apply_pack_id" = Uuid, Path), ExportQuery),
    responses((status = 200, description = "the file, with Content-Disposition: attachment",
            content(("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("application/zip"))),
        (status = 403, description = "the document-export quota is used up"),
        (status = 404, description = "not found or not the caller's, or its resume is no longer stored"), (status = 422),
        (status = 503, description = "the documents processor is unavailable")))]
pub async fn export_pack(
    user: AuthUser,
    State(state): State<AppState>,
    Path(apply_pack_id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response> {
    let apply_pack_id = parse_uuid(&apply_pack_id, "apply_pack_id")?;
    let apply = service(&state)?;
    let export = Export::from_param(query.format.as_deref());
    let download = documents::export(&apply, user.user_id, apply_pack_id, export).await?;
    Ok((
        [
            (header::CONTENT_TYPE, download.media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", download.filename),
            ),
        ],
        download.data,
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AtsPreview {
    /// The tailored resume as plain text, one fact per line.
    pub text: String,
}

/// The tailored resume as an applicant-tracking system reads it: plain text.
#[utoipa::path(get, path = "/api/v1/apply/pack/{apply_pack_id}/ats-preview", tag = "apply", security(("bearer" = [])),
    params(("apply_pack_id" = Uuid, Path)),
    responses((status = 200, body = AtsPreview), (status = 404, description = "not found or not the caller's"), (status = 422),
        (status = 503, description = "the documents processor is unavailable")))]
pub async fn ats_preview(
    user: AuthUser,
    State(state): State<AppState>,
    Path(apply_pack_id): Path<String>,
) -> Result<Json<AtsPreview>> {
    let apply_pack_id = parse_uuid(&apply_pack_id, "apply_pack_id")?;
    let apply = service(&state)?;
    let text = documents::ats_preview(&apply, user.user_id, apply_pack_id).await?;
    Ok(Json(AtsPreview { text }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Packs to skip, 0 or more (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// A history entry: the stored pack with its job's title, company and URL.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPack {
    pub apply_pack_id: Uuid,
    pub user_id: Option<Uuid>,
    pub resume_id: Option<Uuid>,
    pub job_target_id: Option<Uuid>,
    pub pack_hash: String,
    pub tailored_summary: Option<String>,
    /// JSON (the earlier backend sent these JSON columns as strings).
    #[schema(value_type = Option<Vec<Object>>)]
    pub tailored_bullets: Option<Value>,
    pub cover_note: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub ats_checklist: Option<Value>,
    pub keyword_coverage: Option<f64>,
    pub ai_model: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub job_url: Option<String>,
}

impl From<HistoryEntry> for HistoryPack {
    fn from(entry: HistoryEntry) -> Self {
        let pack = entry.pack;
        HistoryPack {
            apply_pack_id: pack.apply_pack_id,
            user_id: pack.user_id,
            resume_id: pack.resume_id,
            job_target_id: pack.job_target_id,
            pack_hash: pack.pack_hash,
            tailored_summary: pack.tailored_summary,
            tailored_bullets: pack.tailored_bullets,
            cover_note: pack.cover_note,
            ats_checklist: pack.ats_checklist,
            keyword_coverage: pack.keyword_coverage,
            ai_model: pack.ai_model,
            created_at: pack.created_at,
            updated_at: pack.updated_at,
            title: entry.title,
            company: entry.company,
            job_url: entry.job_url,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub packs: Vec<HistoryPack>,
    /// All of the caller's packs (the earlier backend counted only this page).
    pub total: i64,
}

/// The caller's packs, newest first.
#[utoipa::path(get, path = "/api/v1/apply/history", tag = "apply", security(("bearer" = [])),
    params(HistoryQuery),
    responses((status = 200, body = History), (status = 422, description = "limit or offset out of range")))]
pub async fn history(
    user: AuthUser,
    State(state): State<AppState>,
    query: std::result::Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<History>> {
    let Query(query) = query
        .map_err(|rejection| Error::validation(&["query"], rejection.body_text(), "int_parsing"))?;
    let (limit, offset) = page_bounds(
        query.limit,
        query.offset,
        HISTORY_DEFAULT_LIMIT,
        HISTORY_MAX_LIMIT,
    )?;
    let pool = state.db.pool()?;
    let entries = stored_packs::history(&pool, user.user_id, limit, offset).await?;
    let total = stored_packs::count(&pool, user.user_id).await?;
    Ok(Json(History {
        packs: entries.into_iter().map(HistoryPack::from).collect(),
        total,
    }))
}
