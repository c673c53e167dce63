//! Request preconditions as extractors: admin authentication and JSON bodies whose
//! rejections use JobScout's `{"detail": ...}` shape.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, ValidationIssue};
use super::AppState;

/// Proof that the caller sent `Authorization: Bearer <JOBSCOUT_ADMIN_TOKEN>`.
///
/// 401 when the header is missing, 403 when the token is wrong, and 503 when no
/// admin token is configured: admin routes are then closed, never open.
#[derive(Debug, Clone, Copy)]
pub struct AdminAuth;

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(expected) = state.settings.admin_token.as_deref() else {
            return Err(Error::Unavailable(
                "Admin token not configured: set JOBSCOUT_ADMIN_TOKEN to enable admin routes"
                    .into(),
            ));
        };
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Err(Error::Unauthorized(
                "Authorization: Bearer <admin token> required".into(),
            ));
        };
        let header = header.to_str().unwrap_or_default().trim();
        // The earlier backend also accepted the bare token; its clients may rely on it.
        let presented = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => header,
        };
        if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
            Ok(AdminAuth)
        } else {
            Err(Error::Forbidden("Invalid admin token".into()))
        }
    }
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    let mut difference = left.len() ^ right.len();
    for index in 0..left.len().max(right.len()) {
        let a = left.get(index).copied().unwrap_or(0);
        let b = right.get(index).copied().unwrap_or(0);
        difference |= usize::from(a ^ b);
    }
    difference == 0
}

/// `Json<T>` whose rejections are 422 `{"detail": [...]}` (or 413/415 as appropriate).
/// The body is read as a JSON value first and checked by
/// [`validation::json_value`](super::validation::json_value): a NUL in any string or
/// key, or a field of the wrong type, is a 422 naming that field.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => super::validation::json_value(value).map(AppJson),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> Error {
    match rejection {
        JsonRejection::JsonDataError(error) => {
            let message = std::error::Error::source(&error)
                .map(ToString::to_string)
                .unwrap_or_else(|| error.body_text());
            Error::Validation(vec![ValidationIssue::new(
                &["body"],
                message,
                "value_error",
            )])
        }
        JsonRejection::JsonSyntaxError(error) => {
            let message = std::error::Error::source(&error)
                .map(ToString::to_string)
                .unwrap_or_else(|| error.body_text());
            Error::Validation(vec![ValidationIssue::new(
                &["body"],
                format!("JSON decode error: {message}"),
                "json_invalid",
            )])
        }
        JsonRejection::MissingJsonContentType(_) => Error::Validation(vec![ValidationIssue::new(
            &["body"],
            "Expected a JSON body with Content-Type: application/json",
            "model_attributes_type",
        )]),
        JsonRejection::BytesRejection(error) => {
            if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge("Request body too large".into())
            } else {
                Error::BadRequest(error.body_text())
            }
        }
        other => Error::BadRequest(other.body_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }
}
