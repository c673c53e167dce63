//! `POST /api/v1/metrics/event`: the frontend's fire-and-forget analytics. Always
//! 204 once the body is valid, even when storing fails (the event is then logged).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Datelike as _, TimeZone, Utc};
use serde_json::Value;
use utoipa::ToSchema;

use super::error::ValidationIssue;
use super::extractor::AppJson;
use super::user::MaybeUser;
use super::{AppState, Error, Result};
use crate::storage::analytics::{insert_event, AnalyticsEvent};

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics/event", post(track_event).options(options_event))
}

/// The body of `POST /metrics/event`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only: the body is validated by hand for exact 422s
pub struct MetricEventRequest {
    /// 1 to 120 characters.
    #[schema(min_length = 1, max_length = 120)]
    event_name: String,
    properties: Option<std::collections::HashMap<String, Value>>,
    /// At most 200 characters.
    #[schema(max_length = 200)]
    distinct_id: Option<String>,
    /// At most 500 characters.
    #[schema(max_length = 500)]
    path: Option<String>,
    /// ISO-8601 time or Unix seconds, years 1 to 9999.
    client_ts: Option<DateTime<Utc>>,
}

/// Records one analytics event.
#[utoipa::path(post, path = "/api/v1/metrics/event", tag = "metrics", request_body = MetricEventRequest,
    security((), ("bearer" = [])),
    responses((status = 204, description = "accepted (also when storing it failed: the event is then logged)")))]
pub async fn track_event(
    viewer: MaybeUser,
    State(state): State<AppState>,
    AppJson(body): AppJson<Value>,
) -> Result<StatusCode> {
    let mut event = validate(&body)?;
    event.user_id = viewer.0.map(|user| user.user_id);
    match state.db.pool() {
        Ok(pool) => {
            if let Err(error) = insert_event(&pool, &event).await {
                tracing::warn!(%error, event_name = event.event_name.as_str(), "analytics event not stored");
            }
        }
        Err(_) => tracing::warn!(
            event_name = event.event_name.as_str(),
            "analytics event dropped: database unavailable"
        ),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Answers explicit `OPTIONS` (e.g. from `navigator.sendBeacon` polyfills) with 204.
#[utoipa::path(options, path = "/api/v1/metrics/event", tag = "metrics",
    responses((status = 204, description = "no content")))]
pub async fn options_event() -> StatusCode {
    StatusCode::NO_CONTENT
}

fn validate(body: &Value) -> Result<AnalyticsEvent> {
    let Some(object) = body.as_object() else {
        return Err(Error::validation(
            &["body"],
            "Input should be a valid dictionary",
            "dict_type",
        ));
    };
    let mut issues = Vec::new();
    let mut text = |name: &str, min: usize, max: usize, required: bool| -> Option<String> {
        match object.get(name) {
            None | Some(Value::Null) => {
                if required {
                    issues.push(ValidationIssue::new(
                        &["body", name],
                        "Field required",
                        "missing",
                    ));
                }
                None
            }
            Some(Value::String(value)) => {
                let length = value.chars().count();
                if length < min {
                    issues.push(
                        ValidationIssue::new(
                            &["body", name],
                            format!("String should have at least {min} character"),
                            "string_too_short",
                        )
                        .with_input(value.clone()),
                    );
                    None
                } else if length > max {
                    issues.push(ValidationIssue::new(
                        &["body", name],
                        format!("String should have at most {max} characters"),
                        "string_too_long",
                    ));
                    None
                } else {
                    Some(value.clone())
                }
            }
            Some(other) => {
                issues.push(
                    ValidationIssue::new(
                        &["body", name],
                        "Input should be a valid string",
                        "string_type",
                    )
                    .with_input(other.clone()),
                );
                None
            }
        }
    };
    let event_name = text("event_name", 1, 120, true);
    let distinct_id = text("distinct_id", 0, 200, false);
    let path = text("path", 0, 500, false);
    let properties = match object.get("properties") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(Value::Object(map.clone())),
        Some(other) => {
            issues.push(
                ValidationIssue::new(
                    &["body", "properties"],
                    "Input should be a valid dictionary",
                    "dict_type",
                )
                .with_input(other.clone()),
            );
            None
        }
    };
    let client_ts = match object.get("client_ts") {
        None | Some(Value::Null) => None,
        Some(value) => match parse_client_time(value) {
            Some(time) => Some(time),
            None => {
                issues.push(
                    ValidationIssue::new(
                        &["body", "client_ts"],
                        "Input should be a valid datetime",
                        "datetime_parsing",
                    )
                    .with_input(value.clone()),
                );
                None
            }
        },
    };
    match event_name {
        Some(event_name) if issues.is_empty() => Ok(AnalyticsEvent {
            event_name,
            user_id: None,
            distinct_id,
            path,
            client_ts,
            properties,
        }),
        _ => Err(Error::Validation(issues)),
    }
}

/// ISO-8601 text or Unix time in seconds or milliseconds, as pydantic accepted,
/// in years 1 to 9999 like Python's `datetime` (PostgreSQL refuses dates before
/// 4713 BC; SQLite would keep them).
fn parse_client_time(value: &Value) -> Option<DateTime<Utc>> {
    parse_client_time_any_year(value).filter(|time| (1..=9999).contains(&time.year()))
}

fn parse_client_time_any_year(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(text) => crate::storage::parse_timestamp(text),
        Value::Number(number) => {
            let seconds = number.as_f64()?;
            // pydantic reads values above 2e10 as milliseconds.
            let seconds = if seconds.abs() > 2e10 {
                seconds / 1000.0
            } else {
                seconds
            };
            Utc.timestamp_millis_opt((seconds * 1000.0) as i64).single()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_event_is_accepted() {
        let event = validate(&json!({
            "event_name": "apply_pack_created",
            "properties": {"plan": "free"},
            "distinct_id": "d-1",
            "path": "/apply",
            "client_ts": "2026-11-27T10:00:00Z"
        }))
        .unwrap();
        assert_eq!(event.event_name, "apply_pack_created");
        assert_eq!(event.properties, Some(json!({"plan": "free"})));
        assert_eq!(
            event.client_ts.unwrap().to_rfc3339(),
            "2026-11-27T10:00:00+00:00"
        );
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let Err(Error::Validation(issues)) = validate(&json!({
            "event_name": "",
            "distinct_id": "x".repeat(201),
            "properties": [1],
            "client_ts": "soon"
        })) else {
            panic!("expected validation errors");
        };
        let fields: Vec<_> = issues.iter().map(|issue| issue.loc[1].as_str()).collect();
        assert_eq!(
            fields,
            ["event_name", "distinct_id", "properties", "client_ts"]
        );
    }

    #[test]
    fn missing_event_name_is_required() {
        let Err(Error::Validation(issues)) = validate(&json!({})) else {
            panic!("expected validation errors");
        };
        assert_eq!(issues[0].kind, "missing");
    }

    #[test]
    fn times_outside_years_1_to_9999_are_refused() {
        assert!(parse_client_time(&json!(-1e14)).is_none());
        assert!(parse_client_time(&json!(9e15)).is_none());
        assert!(parse_client_time(&json!("0000-01-01T00:00:00Z")).is_none());
        assert!(parse_client_time(&json!("9999-12-31T00:00:00Z")).is_some());
    }

    #[test]
    fn unix_times_in_seconds_and_milliseconds() {
        let seconds = parse_client_time(&json!(1_700_000_000)).unwrap();
        let millis = parse_client_time(&json!(1_700_000_000_000_i64)).unwrap();
        assert_eq!(seconds, millis);
    }
}
