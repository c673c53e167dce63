//! The application tracker (reference §1.4, §4.7): `POST/GET /apply/application`,
//! `PUT /apply/application/{id}`, its outcome feedback and `/apply/insights`.
//! Owner-scoped: another user's application is a 404. Fixed on purpose: a status
//! or feedback type outside the allowed values is a 422 naming them (the earlier
//! backend answered 500), and the list's `total` counts every match, not the page.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{page_bounds, service};
use crate::apply::tracker::{self, FEEDBACK_TYPES, STATUSES};
use crate::http::extractor::AppJson;
use crate::http::profile::parse_uuid;
use crate::http::user::AuthUser;
use crate::http::{AppState, Error, Result};
use crate::storage::apply::applications::{self, ApplicationFields, StoredApplication};
use crate::storage::apply::outcomes::FeedbackRow;

/// The list's page size when none is given, and the largest allowed.
const LIST_DEFAULT_LIMIT: i64 = 50;
const LIST_MAX_LIMIT: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/apply/application",
            post(create_application).get(list_applications),
        )
        .route(
            "/apply/application/{application_id}",
            put(update_application),
        )
        .route(
            "/apply/application/{application_id}/feedback",
            post(add_feedback).get(list_feedback),
        )
        .route("/apply/insights", get(insights))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewApplication {
    /// One of the caller's packs.
    pub apply_pack_id: Option<Uuid>,
    /// One of the caller's job targets.
    pub job_target_id: Option<Uuid>,
    /// `applied` (default), `interview`, `offer`, `rejected` or `withdrawn`.
    pub status: Option<String>,
    pub notes: Option<String>,
    /// ISO 8601 date-time.
    pub reminder_at: Option<String>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
}

/// The earlier `Application`, with its job's title, company and URL.
#[derive(Debug, Serialize, ToSchema)]
pub struct Application {
    pub application_id: Uuid,
    pub apply_pack_id: Option<Uuid>,
    pub job_target_id: Option<Uuid>,
    pub status: String,
    pub applied_at: Option<DateTime<Utc>>,
    pub interview_at: Option<DateTime<Utc>>,
    pub offer_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub reminder_at: Option<DateTime<Utc>>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub job_url: Option<String>,
}

impl From<StoredApplication> for Application {
    fn from(stored: StoredApplication) -> Self {
        Application {
            application_id: stored.application_id,
            apply_pack_id: stored.apply_pack_id,
            job_target_id: stored.job_target_id,
            status: stored.status,
            applied_at: stored.applied_at,
            interview_at: stored.interview_at,
            offer_at: stored.offer_at,
            rejected_at: stored.rejected_at,
            notes: stored.notes,
            reminder_at: stored.reminder_at,
            contact_email: stored.contact_email,
            contact_linkedin_url: stored.contact_linkedin_url,
            contact_phone: stored.contact_phone,
            title: stored.title,
            company: stored.company,
            job_url: stored.job_url,
        }
    }
}

/// A value of `allowed`, or the 422 naming them all.
fn one_of(value: &str, allowed: &[&str], field: &str) -> Result<()> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let names: Vec<String> = allowed.iter().map(|name| format!("'{name}'")).collect();
    let (last, rest) = names.split_last().expect("a non-empty list");
    Err(Error::validation(
        &["body", field],
        format!("Input should be {} or {last}", rest.join(", ")),
        "literal_error",
    ))
}

fn reminder(text: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    text.map(|text| {
        crate::storage::parse_timestamp(text).ok_or_else(|| {
            Error::validation(
                &["body", "reminder_at"],
                "Input should be a valid datetime (ISO 8601, e.g. 2026-12-24T09:00:00Z)",
                "datetime_from_date_parsing",
            )
        })
    })
    .transpose()
}

/// Records an application: for a pack and/or a job target of the caller's.
#[utoipa::path(post, path = "/api/v1/apply/application", tag = "apply", security(("bearer" = [])), request_body = NewApplication,
    responses((status = 200, body = Application),
        (status = 403, description = "the tracking quota (active applications) is used up"),
        (status = 404, description = "the pack or job target is not the caller's"),
        (status = 422, description = "a status outside the allowed values, a bad reminder_at or id")))]
pub async fn create_application(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<NewApplication>,
) -> Result<Json<Application>> {
    let status = body.status.unwrap_or_else(|| "applied".to_string());
    one_of(&status, &STATUSES, "status")?;
    let fields = ApplicationFields {
        status: Some(status),
        notes: body.notes,
        reminder_at: reminder(body.reminder_at.as_deref())?,
        contact_email: body.contact_email,
        contact_linkedin_url: body.contact_linkedin_url,
        contact_phone: body.contact_phone,
    };
    let apply = service(&state)?;
    let created = tracker::create(
        &apply,
        user.user_id,
        body.apply_pack_id,
        body.job_target_id,
        &fields,
    )
    .await?;
    Ok(Json(created.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only applications of this status.
    pub status: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Applications to skip, 0 or more (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    pub applications: Vec<Application>,
    /// Every application of the caller's that matches (the earlier backend
    /// counted only this page).
    pub total: i64,
}

/// The caller's applications, the latest applied first.
#[utoipa::path(get, path = "/api/v1/apply/application", tag = "apply", security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = ApplicationList), (status = 422, description = "status, limit or offset out of range")))]
pub async fn list_applications(
    user: AuthUser,
    State(state): State<AppState>,
    query: std::result::Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApplicationList>> {
    let Query(query) = query
        .map_err(|rejection| Error::validation(&["query"], rejection.body_text(), "int_parsing"))?;
    if let Some(status) = &query.status {
        one_of(status, &STATUSES, "status").map_err(|_| status_query_error())?;
    }
    let (limit, offset) = page_bounds(
        query.limit,
        query.offset,
        LIST_DEFAULT_LIMIT,
        LIST_MAX_LIMIT,
    )?;
    let pool = state.db.pool()?;
    let status = query.status.as_deref();
    let page = applications::list(&pool, user.user_id, status, limit, offset).await?;
    let total = applications::count(&pool, user.user_id, status).await?;
    Ok(Json(ApplicationList {
        applications: page.into_iter().map(Application::from).collect(),
        total,
    }))
}

fn status_query_error() -> Error {
    let names: Vec<String> = STATUSES.iter().map(|name| format!("'{name}'")).collect();
    Error::validation(
        &["query", "status"],
        format!("Input should be one of {}", names.join(", ")),
        "literal_error",
    )
}

/// The fields to change; absent or null fields are left as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApplicationUpdate {
    pub status: Option<String>,
    pub notes: Option<String>,
    pub reminder_at: Option<String>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
}

/// The earlier answer of an update: the writable fields, plus the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdatedApplication {
    pub application_id: Uuid,
    pub status: String,
    pub notes: Option<String>,
    pub reminder_at: Option<DateTime<Utc>>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub interview_at: Option<DateTime<Utc>>,
    pub offer_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
}

/// Changes an application. A new status stamps its time (`interview_at`,
/// `offer_at`, `rejected_at`, `applied_at`) the first time it is reached.
#[utoipa::path(put, path = "/api/v1/apply/application/{application_id}", tag = "apply", security(("bearer" = [])),
    params(("application_id" = Uuid, Path)), request_body = ApplicationUpdate,
    responses((status = 200, body = UpdatedApplication), (status = 400, description = "no fields"),
        (status = 404, description = "not found or not the caller's"),
        (status = 422, description = "a status outside the allowed values, a bad reminder_at or id")))]
pub async fn update_application(
    user: AuthUser,
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    AppJson(body): AppJson<ApplicationUpdate>,
) -> Result<Json<UpdatedApplication>> {
    let application_id = parse_uuid(&application_id, "application_id")?;
    if let Some(status) = &body.status {
        one_of(status, &STATUSES, "status")?;
    }
    let fields = ApplicationFields {
        status: body.status,
        notes: body.notes,
        reminder_at: reminder(body.reminder_at.as_deref())?,
        contact_email: body.contact_email,
        contact_linkedin_url: body.contact_linkedin_url,
        contact_phone: body.contact_phone,
    };
    if fields == ApplicationFields::default() {
        return Err(Error::BadRequest("No fields to update".into()));
    }
    let apply = service(&state)?;
    let updated = tracker::update(&apply, user.user_id, application_id, &fields).await?;
    Ok(Json(UpdatedApplication {
        application_id: updated.application_id,
        status: updated.status,
        notes: updated.notes,
        reminder_at: updated.reminder_at,
        contact_email: updated.contact_email,
        contact_linkedin_url: updated.contact_linkedin_url,
        contact_phone: updated.contact_phone,
        applied_at: updated.applied_at,
        interview_at: updated.interview_at,
        offer_at: updated.offer_at,
        rejected_at: updated.rejected_at,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewFeedback {
    /// `rejection`, `shortlisted`, `offer`, `no_response` or `withdrawn`.
    pub feedback_type: String,
    /// The message received, or the applicant's notes.
    pub raw_text: Option<String>,
    /// `{decision, reason_categories, signals}`; parsed from `raw_text` when absent.
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Feedback {
    pub feedback_id: Uuid,
    pub feedback_type: String,
    pub raw_text: Option<String>,
    /// `{decision, reason_categories[], signals[]}`.
    #[schema(value_type = Option<Object>)]
    pub parsed_json: Option<Value>,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<FeedbackRow> for Feedback {
    fn from(row: FeedbackRow) -> Self {
        Feedback {
            feedback_id: row.feedback_id,
            feedback_type: row.feedback_type,
            raw_text: row.raw_text,
            parsed_json: row.parsed_json,
            created_at: row.created_at,
        }
    }
}

/// Records an outcome of an application; without `parsed_json` the text is
/// parsed into a decision, reason categories and signals.
#[utoipa::path(post, path = "/api/v1/apply/application/{application_id}/feedback", tag = "apply", security(("bearer" = [])),
    params(("application_id" = Uuid, Path)), request_body = NewFeedback,
    responses((status = 200, body = Feedback), (status = 404, description = "not found or not the caller's"),
        (status = 422, description = "a feedback_type outside the allowed values, or a bad id"),
        (status = 503, description = "the feedback-parse processor is unavailable")))]
pub async fn add_feedback(
    user: AuthUser,
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    AppJson(body): AppJson<NewFeedback>,
) -> Result<Json<Feedback>> {
    let application_id = parse_uuid(&application_id, "application_id")?;
    one_of(&body.feedback_type, &FEEDBACK_TYPES, "feedback_type")?;
    if body
        .parsed_json
        .as_ref()
        .is_some_and(|parsed| !parsed.is_object())
    {
        return Err(Error::validation(
            &["body", "parsed_json"],
            "Input should be a valid dictionary",
            "dict_type",
        ));
    }
    let apply = service(&state)?;
    let row = tracker::add_feedback(
        &apply,
        user.user_id,
        application_id,
        &body.feedback_type,
        body.raw_text.as_deref(),
        body.parsed_json,
    )
    .await?;
    Ok(Json(row.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackList {
    pub feedback: Vec<Feedback>,
}

/// An application's outcomes, newest first.
#[utoipa::path(get, path = "/api/v1/apply/application/{application_id}/feedback", tag = "apply", security(("bearer" = [])),
    params(("application_id" = Uuid, Path)),
    responses((status = 200, body = FeedbackList), (status = 404, description = "not found or not the caller's"), (status = 422)))]
pub async fn list_feedback(
    user: AuthUser,
    State(state): State<AppState>,
    Path(application_id): Path<String>,
) -> Result<Json<FeedbackList>> {
    let application_id = parse_uuid(&application_id, "application_id")?;
    let apply = service(&state)?;
    let rows = tracker::feedback(&apply, user.user_id, application_id).await?;
    Ok(Json(FeedbackList {
        feedback: rows.into_iter().map(Feedback::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Insights {
    /// Outcomes by `feedback_type`.
    pub by_type: BTreeMap<String, i64>,
    /// The reasons given, at most 15, the most frequent first.
    #[schema(value_type = Object)]
    pub reason_counts: InOrder,
}

/// Counts written as one JSON object whose keys keep this order (the earlier
/// backend's dict did; JavaScript keeps it too).
#[derive(Debug)]
pub struct InOrder(Vec<(String, i64)>);

impl Serialize for InOrder {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, count)| (key, count)))
    }
}

/// What the caller's recorded outcomes say.
#[utoipa::path(get, path = "/api/v1/apply/insights", tag = "apply", security(("bearer" = [])),
    responses((status = 200, body = Insights)))]
pub async fn insights(user: AuthUser, State(state): State<AppState>) -> Result<Json<Insights>> {
    let apply = service(&state)?;
    let insights = tracker::insights(&apply, user.user_id).await?;
    Ok(Json(Insights {
        by_type: insights.by_type,
        reason_counts: InOrder(insights.reason_counts),
    }))
}
