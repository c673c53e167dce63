//! Scrape triggers: `POST /api/v1/admin/run` (admin) and `POST /api/v1/scrape`
//! (public, off by default, with an in-flight cap and a per-IP hourly limit).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::client_ip::client_ip;
use super::error::ValidationIssue;
use super::extractor::{AdminAuth, AppJson};
use super::{AppState, Error, Result};
use crate::pipeline::service::{PublicError, Refusal};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/run", post(admin_run))
        .route("/scrape", post(public_scrape))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AdminRunRequest {
    /// Defaults to JOBSCOUT_DEFAULT_SEARCH_QUERY.
    pub query: Option<String>,
    /// Absent: JOBSCOUT_DEFAULT_LOCATION; `""`: no location filter.
    pub location: Option<String>,
    /// Accepted for compatibility; AI is never used by server-side scrapes.
    pub use_ai: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunStarted {
    /// `started` (admin), `queued` (public) or `error`.
    pub status: &'static str,
    pub message: String,
    pub run_id: Option<i64>,
}

/// Starts a scrape run in the background (the scheduled GitHub workflow calls this).
#[utoipa::path(post, path = "/api/v1/admin/run", tag = "admin", security(("admin" = [])),
    request_body(content = Option<AdminRunRequest>, description = "optional: an empty body takes the defaults"),
    responses((status = 200, body = RunStarted, description = "started, or `status: error` when the run could not be queued")))]
pub async fn admin_run(
    _admin: AdminAuth,
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<RunStarted>> {
    // The body is optional: the defaults apply to an empty one.
    let body: AdminRunRequest = if body.iter().all(u8::is_ascii_whitespace) {
        AdminRunRequest::default()
    } else {
        super::validation::json_body(&body)?
    };
    let query = body
        .query
        .map(|query| query.trim().to_string())
        .filter(|query| !query.is_empty())
        .unwrap_or_else(|| state.settings.default_search_query.clone());
    // Absent: the default location; sent empty: none (every location).
    let location = match body.location {
        None => Some(state.settings.default_location.clone()),
        Some(location) if location.trim().is_empty() => None,
        Some(location) => Some(location.trim().to_string()),
    };
    let request = state.scrapes.request(query, location);
    // As before: an enqueue failure is a 200 with status "error", which the
    // workflow prints, rather than a failed call.
    Ok(Json(match state.scrapes.enqueue(request).await {
        Ok(run_id) => RunStarted {
            status: "started",
            message: "Scrape run queued".into(),
            run_id: Some(run_id),
        },
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "admin run could not start");
            RunStarted {
                status: "error",
                message: format!("Could not start the run: {error}"),
                run_id: None,
            }
        }
    }))
}

/// The body of `POST /scrape` (documentation: it is validated by hand for the
/// earlier 422s).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only
pub struct PublicScrapeRequest {
    /// 2 to 120 characters once trimmed.
    #[schema(min_length = 2, max_length = 120)]
    query: String,
    location: Option<String>,
    /// Accepted for compatibility; ignored.
    use_ai: Option<bool>,
}

/// Queues a scrape for anyone, when JOBSCOUT_PUBLIC_SCRAPE_ENABLED is true.
#[utoipa::path(post, path = "/api/v1/scrape", tag = "runs", request_body = PublicScrapeRequest,
    responses((status = 200, body = RunStarted), (status = 404, description = "public scrape disabled"),
              (status = 422), (status = 429, description = "capacity or per-IP limit; see Retry-After")))]
pub async fn public_scrape(
    State(state): State<AppState>,
    connect_info: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    AppJson(body): AppJson<Value>,
) -> Result<Json<RunStarted>> {
    if !state.settings.public_scrape_enabled {
        return Err(Error::NotFound("Public scrape is disabled".into()));
    }
    let (query, location) = validate_public(&body)?;
    let peer = connect_info
        .map(|axum::Extension(ConnectInfo(address))| address.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let client = client_ip(peer, forwarded, &state.settings.trusted_proxies);
    match state.scrapes.enqueue_public(client, query, location).await {
        Ok(run_id) => Ok(Json(RunStarted {
            status: "queued",
            message: "Scrape queued".into(),
            run_id: Some(run_id),
        })),
        Err(PublicError::Refused(Refusal::Capacity {
            retry_after_seconds,
        })) => Err(Error::TooManyRequests {
            message: "Scrape capacity reached. Try again shortly.".into(),
            retry_after_seconds,
        }),
        Err(PublicError::Refused(Refusal::RateLimited {
            retry_after_seconds,
        })) => Err(Error::TooManyRequests {
            message: format!(
                "Rate limit reached. Try again later (in {retry_after_seconds} seconds)."
            ),
            retry_after_seconds,
        }),
        Err(PublicError::Failed(error)) => Err(Error::Internal(error)),
    }
}

fn validate_public(body: &Value) -> Result<(String, Option<String>)> {
    let query = match body.get("query") {
        Some(Value::String(query)) => {
            let length = query.trim().chars().count();
            if !(2..=120).contains(&length) {
                return Err(Error::Validation(vec![ValidationIssue::new(
                    &["body", "query"],
                    "String should have between 2 and 120 characters",
                    if length < 2 {
                        "string_too_short"
                    } else {
                        "string_too_long"
                    },
                )
                .with_input(query.clone())]));
            }
            query.trim().to_string()
        }
        Some(other) => {
            return Err(Error::Validation(vec![ValidationIssue::new(
                &["body", "query"],
                "Input should be a valid string",
                "string_type",
            )
            .with_input(other.clone())]))
        }
        None => {
            return Err(Error::validation(
                &["body", "query"],
                "Field required",
                "missing",
            ))
        }
    };
    let location = body
        .get("location")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|location| !location.is_empty())
        .map(str::to_string);
    Ok((query, location))
}
