//! `/api/v1/profile`: the signed-in user's profile and resume versions.
//!
//! Resume files are read by the `resume-text` processor (the same streamed, capped,
//! content-sniffed upload as `/apply/resume/upload`), and every stored resume is
//! analysed by `resume-analyze` (skills, seniority, metric bullets). The analysis is
//! best effort: with the analyzer unavailable the resume is stored with empty fields.

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extractor::AppJson;
use super::user::AuthUser;
use super::{AppState, Error, Result};
use crate::storage::profiles::{self, NewResume, Profile, ResumeVersion};

/// How many resume versions `GET /profile` lists.
const RESUME_LIST_LIMIT: i64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(get_profile).put(put_profile))
        .route("/profile/resume/text", post(resume_from_text))
        .route(
            "/profile/resume/upload",
            // The upload reader enforces JOBSCOUT_UPLOAD_MAX_BYTES while streaming.
            post(resume_upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/profile/resume/primary", put(set_primary_resume))
        .route("/profile/resume/{resume_id}", get(get_resume))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileOverview {
    pub user_id: Uuid,
    pub email: Option<String>,
    pub profile: Option<Profile>,
    /// The newest 25, without their text.
    pub resume_versions: Vec<ResumeVersion>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileEnvelope {
    pub profile: Profile,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResumeEnvelope {
    pub resume: ResumeVersion,
}

/// The body of `PUT /profile`: every field replaces the stored one (omitted fields
/// become null), except `primary_resume_id`, which is kept when omitted.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ProfileUpdate {
    pub headline: Option<String>,
    pub location: Option<String>,
    pub desired_roles: Option<Vec<String>>,
    pub work_authorization: Option<String>,
    pub remote_preferences: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub salary_expectations: Option<Map<String, Value>>,
    pub skills: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub education: Option<Map<String, Value>>,
    pub certifications: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub projects: Option<Map<String, Value>>,
    pub interests: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub links: Option<Map<String, Value>>,
    pub primary_resume_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResumeTextRequest {
    /// Not blank (a blank text is a 400).
    #[schema(pattern = r"\S")]
    pub resume_text: String,
    pub proof_points: Option<String>,
    /// Accepted for compatibility; the analysis is always the `resume-analyze` processor's.
    #[serde(default = "default_true")]
    pub use_ai: bool,
}

fn default_true() -> bool {
    true
}

pub use crate::apply::resume::ResumeAnalysis;

#[derive(Debug, Serialize, ToSchema)]
pub struct ResumeWithAnalysis {
    pub resume: ResumeVersion,
    pub analysis: ResumeAnalysis,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PrimaryResumeRequest {
    pub resume_id: Uuid,
}

/// The signed-in user, their profile and their newest resume versions.
#[utoipa::path(get, path = "/api/v1/profile", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = ProfileOverview), (status = 401, description = "not signed in")))]
pub async fn get_profile(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Json<ProfileOverview>> {
    let pool = state.db.pool()?;
    let profile = profiles::get_profile(&pool, user.user_id).await?;
    let resume_versions = profiles::list_resumes(&pool, user.user_id, RESUME_LIST_LIMIT).await?;
    Ok(Json(ProfileOverview {
        user_id: user.user_id,
        email: user.email,
        profile,
        resume_versions,
    }))
}

/// Replaces the profile.
#[utoipa::path(put, path = "/api/v1/profile", tag = "profile", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 200, body = ProfileEnvelope), (status = 404, description = "primary resume not found"), (status = 422)))]
pub async fn put_profile(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<Value>,
) -> Result<Json<ProfileEnvelope>> {
    let keeps_primary = !body
        .as_object()
        .is_some_and(|object| object.contains_key("primary_resume_id"));
    let update: ProfileUpdate = serde_json::from_value(body)
        .map_err(|error| Error::validation(&["body"], error.to_string(), "value_error"))?;
    let pool = state.db.pool()?;
    let primary_resume_id = if keeps_primary {
        profiles::get_profile(&pool, user.user_id)
            .await?
            .and_then(|profile| profile.primary_resume_id)
    } else {
        if let Some(resume_id) = update.primary_resume_id {
            ensure_own_resume(&pool, user.user_id, resume_id).await?;
        }
        update.primary_resume_id
    };
    let profile_hash = profile_hash(&update);
    let object = |map: Option<Map<String, Value>>| map.map(Value::Object);
    let profile = Profile {
        user_id: user.user_id,
        headline: update.headline,
        location: update.location,
        desired_roles: update.desired_roles,
        work_authorization: update.work_authorization,
        remote_preferences: update.remote_preferences,
        salary_expectations: object(update.salary_expectations),
        skills: update.skills,
        education: object(update.education),
        certifications: update.certifications,
        projects: object(update.projects),
        interests: update.interests,
        links: object(update.links),
        primary_resume_id,
        profile_hash: Some(profile_hash),
        created_at: None,
        updated_at: None,
    };
    let profile = profiles::replace_profile(&pool, user.user_id, &profile).await?;
    Ok(Json(ProfileEnvelope { profile }))
}

/// Stores a new resume version from pasted text.
#[utoipa::path(post, path = "/api/v1/profile/resume/text", tag = "profile", security(("bearer" = [])),
    request_body = ResumeTextRequest,
    responses((status = 200, body = ResumeWithAnalysis), (status = 400, description = "empty resume text"), (status = 422)))]
pub async fn resume_from_text(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<ResumeTextRequest>,
) -> Result<Json<ResumeWithAnalysis>> {
    if body.resume_text.trim().is_empty() {
        return Err(Error::BadRequest("Resume text is required".into()));
    }
    let proof_points = body.proof_points.filter(|text| !text.trim().is_empty());
    store_resume(&state, &user, body.resume_text, proof_points)
        .await
        .map(Json)
}

/// Analyses a resume text and stores it as a new version.
async fn store_resume(
    state: &AppState,
    user: &AuthUser,
    resume_text: String,
    proof_points: Option<String>,
) -> Result<ResumeWithAnalysis> {
    let apply = super::apply::service(state)?;
    let analysis = crate::apply::resume::analyze(&apply, &resume_text).await;
    let resume_hash = hex(&Sha256::digest(resume_text.as_bytes()));
    let resume = profiles::insert_resume(
        &apply.pool,
        user.user_id,
        &NewResume {
            resume_text,
            resume_hash,
            proof_points,
            // The earlier profile endpoints' shape: `{"skills": [...]}`.
            extracted_skills: Some(json!({ "skills": analysis.skills })),
            extracted_seniority: analysis.seniority.clone(),
            extracted_bullets: Some(json!(analysis.bullets)),
        },
    )
    .await?;
    Ok(ResumeWithAnalysis { resume, analysis })
}

/// Stores a new resume version from a PDF or DOCX file (multipart field `file`).
#[utoipa::path(post, path = "/api/v1/profile/resume/upload", tag = "profile", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: the resume (PDF or DOCX)"),
    responses((status = 200, body = ResumeWithAnalysis),
        (status = 400, description = "no file, damaged document or no text"),
        (status = 413, description = "larger than JOBSCOUT_UPLOAD_MAX_BYTES"),
        (status = 415, description = "not a PDF or DOCX"),
        (status = 503, description = "the resume-text processor is unavailable")))]
pub async fn resume_upload(
    user: AuthUser,
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<ResumeWithAnalysis>> {
    let upload =
        super::apply::resume::read_upload(request, &state, state.settings.upload_max_bytes).await?;
    let apply = super::apply::service(&state)?;
    let text = crate::apply::resume::extract_text(&apply, upload.data, 1).await?;
    store_resume(&state, &user, text.text, None).await.map(Json)
}

/// One of the user's resume versions, with its text.
#[utoipa::path(get, path = "/api/v1/profile/resume/{resume_id}", tag = "profile", security(("bearer" = [])),
    params(("resume_id" = Uuid, Path)),
    responses((status = 200, body = ResumeEnvelope), (status = 404, description = "not found"), (status = 422)))]
pub async fn get_resume(
    user: AuthUser,
    State(state): State<AppState>,
    Path(resume_id): Path<String>,
) -> Result<Json<ResumeEnvelope>> {
    let resume_id = parse_uuid(&resume_id, "resume_id")?;
    let pool = state.db.pool()?;
    let resume = profiles::get_resume(&pool, user.user_id, resume_id)
        .await?
        .ok_or_else(|| Error::NotFound("Resume not found".into()))?;
    Ok(Json(ResumeEnvelope { resume }))
}

/// Makes one of the user's resumes the primary one.
#[utoipa::path(put, path = "/api/v1/profile/resume/primary", tag = "profile", security(("bearer" = [])),
    request_body = PrimaryResumeRequest,
    responses((status = 200, body = ProfileEnvelope), (status = 404, description = "not found"), (status = 422)))]
pub async fn set_primary_resume(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<PrimaryResumeRequest>,
) -> Result<Json<ProfileEnvelope>> {
    let pool = state.db.pool()?;
    ensure_own_resume(&pool, user.user_id, body.resume_id).await?;
    let profile = profiles::set_primary_resume(&pool, user.user_id, body.resume_id).await?;
    Ok(Json(ProfileEnvelope { profile }))
}

async fn ensure_own_resume(
    pool: &crate::storage::Pool,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<()> {
    match profiles::get_resume(pool, user_id, resume_id).await? {
        Some(_) => Ok(()),
        None => Err(Error::NotFound("Resume not found".into())),
    }
}

/// A path id, with FastAPI's 422 when it is not a UUID.
pub(crate) fn parse_uuid(text: &str, name: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|error| {
        super::error::Error::Validation(vec![super::error::ValidationIssue::new(
            &["path", name],
            format!("Input should be a valid UUID, {error}"),
            "uuid_parsing",
        )
        .with_input(text.to_string())])
    })
}

/// SHA-256 of the payload as JSON with sorted keys, so equal profiles hash equal.
fn profile_hash(update: &ProfileUpdate) -> String {
    let value = serde_json::to_value(update).unwrap_or(Value::Null);
    hex(&Sha256::digest(canonical_json(&value).as_bytes()))
}

fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        Value::String(key.clone()),
                        canonical_json(&map[key])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(canonical_json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"d": [1, {"z": 1, "y": 2}], "c": null}});
        let b = json!({"a": {"c": null, "d": [1, {"y": 2, "z": 1}]}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}"#
        );
    }

    #[test]
    fn bad_ids_are_422() {
        assert!(matches!(
            parse_uuid("nope", "resume_id"),
            Err(Error::Validation(_))
        ));
        assert!(parse_uuid("4b9f0c3e-8f7a-4c1e-9a43-1d2b3c4d5e6f", "resume_id").is_ok());
    }
}
