//! Cross-cutting layers: one tracing span and metrics per request, the limits on
//! request targets and header blocks, and JSON bodies for error responses that
//! axum or tower produce on their own.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use super::AppState;

/// Records method, route, status and latency: a span around the handler, one log
/// line when it finishes, and the Prometheus request counter and histogram.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The route template, not the raw path, keeps metric labels bounded.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let span = tracing::info_span!(
        "request",
        method = %method,
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!("request finished");
        } else {
            tracing::debug!("request finished");
        }
    });
    state
        .telemetry
        .record_request(method.as_str(), &route, status, latency);
    response
}

/// Refuses a request target longer than `JOBSCOUT_MAX_URI_BYTES` (414) and a header
/// block over `JOBSCOUT_MAX_HEADER_BYTES` or `JOBSCOUT_MAX_HEADERS` (431). hyper's own
/// limits are set above these (see `serve.rs`) so such requests get here and are
/// answered in JSON like every other error, with CORS headers and metrics.
pub async fn request_limits(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let settings = &state.settings;
    let uri_bytes = request_target_len(request.uri());
    if uri_bytes > settings.max_uri_bytes {
        return json_detail(
            StatusCode::URI_TOO_LONG,
            format!(
                "URI too long: the request target has {uri_bytes} bytes, at most {} are accepted",
                settings.max_uri_bytes
            ),
        );
    }
    let headers = request.headers();
    if headers.len() > settings.max_headers {
        return json_detail(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "Request header fields too large: {} header lines, at most {} are accepted",
                headers.len(),
                settings.max_headers
            ),
        );
    }
    let header_bytes = header_block_len(headers);
    if header_bytes > settings.max_header_bytes {
        return json_detail(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "Request header fields too large: {header_bytes} bytes of headers, at most {} are accepted",
                settings.max_header_bytes
            ),
        );
    }
    next.run(request).await
}

/// The request target's length as the client sent it (origin or absolute form).
fn request_target_len(uri: &axum::http::Uri) -> usize {
    let scheme = uri
        .scheme_str()
        .map_or(0, |scheme| scheme.len() + "://".len());
    let authority = uri
        .authority()
        .map_or(0, |authority| authority.as_str().len());
    let path_and_query = uri
        .path_and_query()
        .map_or(0, |path_and_query| path_and_query.as_str().len());
    scheme + authority + path_and_query
}

/// Bytes of the header block on the wire: `name: value` and a line end per header.
fn header_block_len(headers: &axum::http::HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + ": \r\n".len())
        .sum()
}

fn json_detail(status: StatusCode, detail: String) -> Response {
    (status, axum::Json(serde_json::json!({ "detail": detail }))).into_response()
}

/// Gives error responses without a JSON body (unknown routes, timeouts, limits) the
/// `{"detail": ...}` shape every client expects.
pub async fn json_error_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (mut parts, _body) = response.into_parts();
    let detail = status.canonical_reason().unwrap_or("Error");
    let body = serde_json::json!({ "detail": detail }).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({"detail": "Not Found"})),
    )
        .into_response()
}

pub async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(serde_json::json!({"detail": "Method Not Allowed"})),
    )
        .into_response()
}
