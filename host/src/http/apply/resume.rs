//! `POST /apply/resume/upload`: a resume file in, its text out; nothing is kept.
//! The multipart body is streamed: the size cap is enforced while reading, so an
//! oversized upload is refused (413) before it is held in memory.

use axum::body::Body;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, FromRequest as _, Request, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::apply::resume::extract_text;
use crate::http::user::AuthUser;
use crate::http::{AppState, Error, Result};

/// The earlier Apply route's minimum of extracted text.
pub const MIN_RESUME_CHARS: usize = 50;

/// Room for multipart boundaries, headers and small fields beside the file.
const MULTIPART_OVERHEAD_BYTES: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/apply/resume/upload",
        // The general body limit would refuse real resumes; `read_upload` enforces
        // JOBSCOUT_UPLOAD_MAX_BYTES while streaming instead.
        post(upload_resume).layer(DefaultBodyLimit::disable()),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResumeUpload {
    pub resume_text: String,
    pub filename: String,
    /// Bytes received.
    pub size: usize,
}

/// The multipart `file` field, read up to a size cap.
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

fn too_large(max_bytes: usize) -> Error {
    Error::PayloadTooLarge(format!(
        "The file is larger than the {} limit; upload a smaller PDF or DOCX.",
        human_size(max_bytes)
    ))
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

fn multipart_error(error: axum::extract::multipart::MultipartError, max_bytes: usize) -> Error {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(max_bytes);
    }
    Error::BadRequest(format!(
        "The upload could not be read: {}",
        error.body_text()
    ))
}

/// Reads the `file` field of a multipart request. The body itself is capped at
/// `max_bytes` plus a little overhead (the multipart parser reads ahead whatever
/// the connection has ready, so the cap must sit under it), and every field's
/// bytes count toward it: reading stops with 413 as soon as it is passed, and
/// neither a big file nor big other fields are ever held whole.
pub async fn read_upload(request: Request, state: &AppState, max_bytes: usize) -> Result<Upload> {
    let budget = max_bytes + MULTIPART_OVERHEAD_BYTES;
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, budget)));
    let mut multipart = Multipart::from_request(request, state).await.map_err(|_| {
        Error::BadRequest(
            "Send the resume as multipart/form-data with the file in a field named `file`.".into(),
        )
    })?;
    let mut total = 0usize;
    let mut upload = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| multipart_error(error, max_bytes))?
    {
        let is_file = field.name() == Some("file") && upload.is_none();
        let filename = field.file_name().map(str::to_string);
        let mut data = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|error| multipart_error(error, max_bytes))?
        {
            total += chunk.len();
            if total > budget || (is_file && data.len() + chunk.len() > max_bytes) {
                return Err(too_large(max_bytes));
            }
            if is_file {
                data.extend_from_slice(&chunk);
            }
        }
        if is_file {
            let filename = filename
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .ok_or_else(|| Error::BadRequest("The uploaded file has no filename.".into()))?;
            upload = Some(Upload { filename, data });
        }
    }
    let upload = upload.ok_or_else(|| {
        Error::BadRequest("No file uploaded: send it in a multipart field named `file`.".into())
    })?;
    if upload.data.is_empty() {
        return Err(Error::BadRequest("The uploaded file is empty.".into()));
    }
    Ok(upload)
}

/// Extracts the text of a PDF or DOCX resume. The type is read from the content
/// (a PNG renamed `.pdf` is a 415); at most `JOBSCOUT_UPLOAD_MAX_BYTES`; nothing is stored.
#[utoipa::path(post, path = "/api/v1/apply/resume/upload", tag = "apply", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: the resume (PDF or DOCX)"),
    responses((status = 200, body = ResumeUpload),
        (status = 400, description = "no file, damaged document, or fewer than 50 characters of text"),
        (status = 413, description = "larger than JOBSCOUT_UPLOAD_MAX_BYTES"),
        (status = 415, description = "not a PDF or DOCX (legacy .doc included)"),
        (status = 503, description = "the resume-text processor is unavailable")))]
pub async fn upload_resume(
    _user: AuthUser,
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<ResumeUpload>> {
    let upload = read_upload(request, &state, state.settings.upload_max_bytes).await?;
    let apply = service(&state)?;
    let size = upload.data.len();
    let text = extract_text(&apply, upload.data, MIN_RESUME_CHARS).await?;
    Ok(Json(ResumeUpload {
        resume_text: text.text,
        filename: upload.filename,
        size,
    }))
}
