//! The one error type every handler returns. Each variant maps to a status code and
//! renders as the earlier backend's shape, `{"detail": ...}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::storage::trouble::{self, DatabaseTrouble};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the request is well-formed but asks for something invalid.
    #[error("{0}")]
    BadRequest(String),

    /// 401: credentials are missing or not accepted.
    #[error("{0}")]
    Unauthorized(String),

    /// 403: credentials were understood and refused.
    #[error("{0}")]
    Forbidden(String),

    /// 404: the resource does not exist (or is not the caller's).
    #[error("{0}")]
    NotFound(String),

    /// 413: the request body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),

    /// 415: the uploaded document is of a kind that is not handled.
    #[error("{0}")]
    UnsupportedMediaType(String),

    /// 422: validation failed; `detail` is a list of pydantic-style errors.
    #[error("validation failed")]
    Validation(Vec<ValidationIssue>),

    /// 429: too many requests; `Retry-After` is set from the seconds given.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_seconds: u64,
    },

    /// 502: a dependency (the AI provider) answered, but not usably.
    #[error("{0}")]
    BadGateway(String),

    /// 503: a dependency (the database, an identity provider) is unavailable.
    #[error("{0}")]
    Unavailable(String),

    /// 503: a database statement met trouble with the database itself (down, busy,
    /// read-only, full). The response carries the [`DatabaseTrouble`] as an extension,
    /// so a layer can report it to `/health` and ask a safe request again.
    #[error("{}", .0.detail())]
    Database(DatabaseTrouble),

    /// 500: anything unexpected. The client sees a generic text; the cause is logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// One entry of a 422 `detail` list, in the shape FastAPI clients already parse.
#[derive(Debug, Clone, serde::Serialize, PartialEq, utoipa::ToSchema)]
pub struct ValidationIssue {
    /// Where the bad value was, e.g. `["query", "page_size"]`.
    pub loc: Vec<String>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The value refused, when it helps to show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Value>)]
    pub input: Option<Value>,
}

impl ValidationIssue {
    pub fn new(loc: &[&str], msg: impl Into<String>, kind: &str) -> Self {
        Self {
            loc: loc.iter().map(|part| part.to_string()).collect(),
            msg: msg.into(),
            kind: kind.to_string(),
            input: None,
        }
    }

    pub fn with_input(mut self, input: impl Into<Value>) -> Self {
        self.input = Some(input.into());
        self
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match trouble::classify(&error) {
            Some(trouble) => {
                tracing::warn!(error = %error, ?trouble, "database trouble");
                Error::Database(trouble)
            }
            None => Error::Internal(anyhow::Error::new(error).context("database query failed")),
        }
    }
}

impl Error {
    /// An AI failure of `feature` ("Apply pack generation") as the earlier backend
    /// answered it: 503 when the provider is unavailable or not configured, 502 when
    /// its answer was invalid or the call failed. The cause (never the key) is logged.
    pub fn from_ai(feature: &str, error: &crate::ai::AiError) -> Self {
        tracing::warn!(feature, %error, "AI call failed");
        let detail = error.detail(feature);
        match error.status() {
            503 => Error::Unavailable(detail),
            _ => Error::BadGateway(detail),
        }
    }
}

impl From<crate::storage::Unavailable> for Error {
    fn from(unavailable: crate::storage::Unavailable) -> Self {
        Error::Unavailable(unavailable.to_string())
    }
}

/// Seconds a client should wait before asking again after a 503.
fn retry_after_seconds(error: &Error) -> Option<u64> {
    match error {
        Error::Unavailable(_) => Some(1),
        Error::Database(trouble) if trouble.refuses_only_writes() => Some(30),
        Error::Database(_) => Some(1),
        Error::TooManyRequests {
            retry_after_seconds,
            ..
        } => Some((*retry_after_seconds).max(1)),
        _ => None,
    }
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Error::Unavailable(_) | Error::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A copy of an error that several waiters share (one cache computation). The
    /// cause of an internal error is kept as text.
    pub fn duplicate(&self) -> Self {
        match self {
            Error::BadRequest(message) => Error::BadRequest(message.clone()),
            Error::Unauthorized(message) => Error::Unauthorized(message.clone()),
            Error::Forbidden(message) => Error::Forbidden(message.clone()),
            Error::NotFound(message) => Error::NotFound(message.clone()),
            Error::PayloadTooLarge(message) => Error::PayloadTooLarge(message.clone()),
            Error::UnsupportedMediaType(message) => Error::UnsupportedMediaType(message.clone()),
            Error::Validation(issues) => Error::Validation(issues.clone()),
            Error::TooManyRequests {
                message,
                retry_after_seconds,
            } => Error::TooManyRequests {
                message: message.clone(),
                retry_after_seconds: *retry_after_seconds,
            },
            Error::BadGateway(message) => Error::BadGateway(message.clone()),
            Error::Unavailable(message) => Error::Unavailable(message.clone()),
            Error::Database(trouble) => Error::Database(*trouble),
            Error::Internal(cause) => Error::Internal(anyhow::anyhow!("{cause:#}")),
        }
    }

    pub fn validation(loc: &[&str], msg: impl Into<String>, kind: &str) -> Self {
        Error::Validation(vec![ValidationIssue::new(loc, msg, kind)])
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Error::Validation(issues) => json!({ "detail": issues }),
            Error::Internal(cause) => {
                // The request span carries method and route; the cause stays server-side.
                tracing::error!(error = format!("{cause:#}"), "request failed");
                json!({ "detail": "Internal server error" })
            }
            Error::Unavailable(reason) => {
                tracing::warn!(reason = reason.as_str(), "dependency unavailable");
                json!({ "detail": reason })
            }
            other => json!({ "detail": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after_seconds(&self) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Error::Database(trouble) = self {
            response.extensions_mut().insert(trouble);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(response: Response) -> Value {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let response = Error::Internal(anyhow::anyhow!("password=hunter2 leaked")).into_response();
        assert_eq!(response.status(), 500);
        assert_eq!(
            body_of(response).await,
            json!({"detail": "Internal server error"})
        );
    }

    #[tokio::test]
    async fn too_many_requests_keeps_retry_after() {
        let response = Error::TooManyRequests {
            message: "Rate limit exceeded. Please try again in 7 seconds.".into(),
            retry_after_seconds: 7,
        }
        .into_response();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(
            body_of(response).await["detail"],
            "Rate limit exceeded. Please try again in 7 seconds."
        );
    }

    #[tokio::test]
    async fn database_trouble_is_a_503_with_retry_after_and_its_kind() {
        let error = Error::from(sqlx::Error::PoolTimedOut);
        let response = error.into_response();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        assert_eq!(
            response.extensions().get::<DatabaseTrouble>(),
            Some(&DatabaseTrouble::Busy)
        );
        assert_eq!(
            body_of(response).await["detail"],
            "Database busy or unavailable; try again shortly"
        );
        // A statement's own error stays a 500 with a generic text.
        let response = Error::from(sqlx::Error::RowNotFound).into_response();
        assert_eq!(response.status(), 500);
    }

    #[tokio::test]
    async fn ai_failures_answer_as_the_earlier_backend_did() {
        use crate::ai::AiError;
        let feature = "Apply pack generation";
        let cases = [
            (
                AiError::Unavailable("429 from sk-…".into()),
                503,
                "AI provider is temporarily unavailable. Please try again in a few minutes.",
            ),
            (
                AiError::Invalid("not JSON".into()),
                502,
                "Apply pack generation returned an invalid AI response",
            ),
            (
                AiError::Failed("401".into()),
                502,
                "Apply pack generation failed",
            ),
        ];
        for (error, status, detail) in cases {
            let response = Error::from_ai(feature, &error).into_response();
            assert_eq!(response.status(), status, "{error:?}");
            assert_eq!(body_of(response).await["detail"], detail);
        }
    }

    #[tokio::test]
    async fn validation_errors_are_a_list() {
        let response = Error::validation(&["query", "page_size"], "too big", "less_than_equal")
            .into_response();
        assert_eq!(response.status(), 422);
        let body = body_of(response).await;
        assert_eq!(body["detail"][0]["loc"], json!(["query", "page_size"]));
        assert_eq!(body["detail"][0]["type"], "less_than_equal");
    }
}
