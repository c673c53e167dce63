//! `/api/v1/saved-searches`: a user's saved job searches and e-mail preferences
//!. The earlier routes failed on every write (JSONB quirk); these
//! keep their paths, bodies and answers and work on both engines.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::error::ValidationIssue;
use super::extractor::AppJson;
use super::profile::parse_uuid;
use super::user::AuthUser;
use super::validation::{check_min_score, check_posted_since};
use super::{AppState, Error, Result};
use crate::storage::saved_searches::{self, SavedSearch, SearchFields};
use crate::storage::users;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/saved-searches", get(list_searches).post(create_search))
        .route(
            "/saved-searches/preferences/email",
            get(get_email_preferences).put(put_email_preferences),
        )
        .route(
            "/saved-searches/{search_id}",
            get(get_search).put(update_search).delete(delete_search),
        )
}

/// The filters a search applies, as `GET /jobs` names them and with its ranges.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SearchFilters {
    pub location: Option<String>,
    pub remote: Option<String>,
    pub employment: Option<String>,
    /// 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub min_score: Option<f64>,
    /// Days, 0 (no filter) to 36500.
    #[schema(minimum = 0, maximum = 36500)]
    pub posted_since: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSavedSearch {
    /// At most 255 characters; generated from the query or filters when absent.
    #[schema(max_length = 255)]
    pub name: Option<String>,
    /// At most 500 characters.
    #[schema(max_length = 500)]
    pub query: Option<String>,
    pub filters: Option<SearchFilters>,
    /// 1 to 32 characters; `weekly` by default.
    #[schema(min_length = 1, max_length = 32)]
    pub notify_frequency: Option<String>,
}

/// At least one field (none is a 400).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(min_properties = 1)]
pub struct UpdateSavedSearch {
    #[schema(max_length = 255)]
    pub name: Option<String>,
    #[schema(max_length = 500)]
    pub query: Option<String>,
    pub filters: Option<SearchFilters>,
    #[schema(min_length = 1, max_length = 32)]
    pub notify_frequency: Option<String>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EmailPreferences {
    pub weekly_digest: bool,
    pub job_alerts: bool,
    pub marketing: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmailPreferencesUpdate {
    pub weekly_digest: Option<bool>,
    pub job_alerts: Option<bool>,
    pub marketing: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedResponse {
    pub status: String,
}

/// Lengths of the texts and ranges of the filters (the same as `GET /jobs`), so a
/// stored search never holds a filter the job list would refuse.
fn check_fields(
    name: &Option<String>,
    query: &Option<String>,
    frequency: Option<&str>,
    filters: Option<&SearchFilters>,
) -> Result<()> {
    let mut issues = Vec::new();
    if let Some(filters) = filters {
        if let Some(days) = filters.posted_since {
            check_posted_since(&["body", "filters", "posted_since"], days, &mut issues);
        }
        if let Some(score) = filters.min_score {
            check_min_score(&["body", "filters", "min_score"], score, &mut issues);
        }
    }
    let mut check = |field: &str, value: Option<&str>, min: usize, max: usize| {
        if let Some(value) = value {
            let length = value.chars().count();
            if length > max {
                issues.push(ValidationIssue::new(
                    &["body", field],
                    format!("String should have at most {max} characters"),
                    "string_too_long",
                ));
            } else if length < min {
                issues.push(ValidationIssue::new(
                    &["body", field],
                    format!("String should have at least {min} character"),
                    "string_too_short",
                ));
            }
        }
    };
    check("name", name.as_deref(), 0, 255);
    check("query", query.as_deref(), 0, 500);
    check("notify_frequency", frequency, 1, 32);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(issues))
    }
}

/// The earlier automatic name: `Search: <first 30 chars of the query>`, else the
/// remote type and location, else `My Search`.
fn automatic_name(query: Option<&str>, filters: &SearchFilters) -> String {
    if let Some(query) = query.map(str::trim).filter(|query| !query.is_empty()) {
        return format!("Search: {}", query.chars().take(30).collect::<String>());
    }
    let parts: Vec<&str> = [filters.remote.as_deref(), filters.location.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        "My Search".to_string()
    } else {
        parts.join(" ")
    }
}

fn filters_value(filters: &SearchFilters) -> Value {
    serde_json::to_value(filters).unwrap_or_else(|_| Value::Object(Default::default()))
}

/// Saves a search (at most `JOBSCOUT_SAVED_SEARCHES_MAX_FREE` on the free plan,
/// `JOBSCOUT_SAVED_SEARCHES_MAX_PAID` on others).
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "saved-searches", security(("bearer" = [])),
    request_body = CreateSavedSearch,
    responses((status = 200, body = SavedSearch), (status = 403, description = "limit reached"), (status = 422)))]
pub async fn create_search(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<CreateSavedSearch>,
) -> Result<Json<SavedSearch>> {
    let notify_frequency = body.notify_frequency.unwrap_or_else(|| "weekly".into());
    check_fields(
        &body.name,
        &body.query,
        Some(&notify_frequency),
        body.filters.as_ref(),
    )?;
    let pool = state.db.pool()?;
    let plan = users::get_user(&pool, user.user_id)
        .await?
        .map(|record| record.plan)
        .unwrap_or_else(|| "free".into());
    let limit = if plan == "free" {
        state.settings.saved_searches_max_free
    } else {
        state.settings.saved_searches_max_paid
    };
    if saved_searches::count(&pool, user.user_id).await? >= i64::from(limit) {
        return Err(Error::Forbidden(format!(
            "Saved search limit reached ({limit} on the {plan} plan). Delete a search or upgrade to save more."
        )));
    }
    let filters = body.filters.unwrap_or_default();
    let name = body
        .name
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| automatic_name(body.query.as_deref(), &filters));
    let fields = SearchFields {
        name: Some(name),
        query: body.query,
        filters: filters_value(&filters),
        notify_frequency,
        is_active: true,
    };
    Ok(Json(
        saved_searches::insert(&pool, user.user_id, &fields).await?,
    ))
}

/// The user's saved searches, newest first.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "saved-searches", security(("bearer" = [])),
    responses((status = 200, body = [SavedSearch])))]
pub async fn list_searches(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<SavedSearch>>> {
    let pool = state.db.pool()?;
    Ok(Json(saved_searches::list(&pool, user.user_id).await?))
}

#[utoipa::path(get, path = "/api/v1/saved-searches/{search_id}", tag = "saved-searches", security(("bearer" = [])),
    params(("search_id" = uuid::Uuid, Path)),
    responses((status = 200, body = SavedSearch), (status = 404, description = "not found")))]
pub async fn get_search(
    user: AuthUser,
    State(state): State<AppState>,
    Path(search_id): Path<String>,
) -> Result<Json<SavedSearch>> {
    let search_id = parse_uuid(&search_id, "search_id")?;
    let pool = state.db.pool()?;
    saved_searches::get(&pool, user.user_id, search_id)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// Changes the fields given; the others keep their values.
#[utoipa::path(put, path = "/api/v1/saved-searches/{search_id}", tag = "saved-searches", security(("bearer" = [])),
    params(("search_id" = uuid::Uuid, Path)), request_body = UpdateSavedSearch,
    responses((status = 200, body = SavedSearch), (status = 400, description = "no fields"), (status = 404, description = "not found")))]
pub async fn update_search(
    user: AuthUser,
    State(state): State<AppState>,
    Path(search_id): Path<String>,
    AppJson(body): AppJson<UpdateSavedSearch>,
) -> Result<Json<SavedSearch>> {
    let search_id = parse_uuid(&search_id, "search_id")?;
    check_fields(
        &body.name,
        &body.query,
        body.notify_frequency.as_deref(),
        body.filters.as_ref(),
    )?;
    if body.name.is_none()
        && body.query.is_none()
        && body.filters.is_none()
        && body.notify_frequency.is_none()
        && body.is_active.is_none()
    {
        return Err(Error::BadRequest("No fields to update".into()));
    }
    let pool = state.db.pool()?;
    let Some(current) = saved_searches::get(&pool, user.user_id, search_id).await? else {
        return Err(not_found());
    };
    let fields = SearchFields {
        name: body.name.or(current.name),
        query: body.query.or(current.query),
        filters: body
            .filters
            .as_ref()
            .map(filters_value)
            .unwrap_or(current.filters),
        notify_frequency: body.notify_frequency.unwrap_or(current.notify_frequency),
        is_active: body.is_active.unwrap_or(current.is_active),
    };
    saved_searches::update(&pool, user.user_id, search_id, &fields)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

#[utoipa::path(delete, path = "/api/v1/saved-searches/{search_id}", tag = "saved-searches", security(("bearer" = [])),
    params(("search_id" = uuid::Uuid, Path)),
    responses((status = 200, body = DeletedResponse), (status = 404, description = "not found")))]
pub async fn delete_search(
    user: AuthUser,
    State(state): State<AppState>,
    Path(search_id): Path<String>,
) -> Result<Json<DeletedResponse>> {
    let search_id = parse_uuid(&search_id, "search_id")?;
    let pool = state.db.pool()?;
    if saved_searches::delete(&pool, user.user_id, search_id).await? {
        Ok(Json(DeletedResponse {
            status: "deleted".into(),
        }))
    } else {
        Err(not_found())
    }
}

/// The user's e-mail preferences (all on by default).
#[utoipa::path(get, path = "/api/v1/saved-searches/preferences/email", tag = "saved-searches", security(("bearer" = [])),
    responses((status = 200, body = EmailPreferences)))]
pub async fn get_email_preferences(
    user: AuthUser,
    State(state): State<AppState>,
) -> Result<Json<Value>> {
    let pool = state.db.pool()?;
    Ok(Json(users::email_preferences(&pool, user.user_id).await?))
}

/// Changes the preferences given and returns all of them.
#[utoipa::path(put, path = "/api/v1/saved-searches/preferences/email", tag = "saved-searches", security(("bearer" = [])),
    request_body = EmailPreferencesUpdate, responses((status = 200, body = EmailPreferences), (status = 422)))]
pub async fn put_email_preferences(
    user: AuthUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<EmailPreferencesUpdate>,
) -> Result<Json<Value>> {
    let pool = state.db.pool()?;
    let mut preferences = users::email_preferences(&pool, user.user_id).await?;
    for (key, value) in [
        ("weekly_digest", body.weekly_digest),
        ("job_alerts", body.job_alerts),
        ("marketing", body.marketing),
    ] {
        if let Some(value) = value {
            preferences[key] = Value::Bool(value);
        }
    }
    users::set_email_preferences(&pool, user.user_id, &preferences).await?;
    Ok(Json(preferences))
}

fn not_found() -> Error {
    Error::NotFound("Saved search not found".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_names_follow_the_earlier_rules() {
        let none = SearchFilters::default();
        assert_eq!(
            automatic_name(Some("senior rust engineer in distributed systems"), &none),
            "Search: senior rust engineer in distri"
        );
        let filters = SearchFilters {
            remote: Some("remote".into()),
            location: Some("Berlin".into()),
            ..SearchFilters::default()
        };
        assert_eq!(automatic_name(Some("  "), &filters), "remote Berlin");
        assert_eq!(automatic_name(None, &none), "My Search");
    }
}
