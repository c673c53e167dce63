//! CORS exactly as the earlier backend answered it: the configured
//! origins, the always-allowed ones and any `chrome-extension://` origin get
//! `Access-Control-Allow-Origin: <origin>` with credentials, on every response
//! including errors. Standard preflights get 200 (or 400 for other origins); other
//! `OPTIONS` requests from allowed origins get 204.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

const PREFLIGHT_METHODS: &str = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
const OPTIONS_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
/// Headers a browser script may read; `Retry-After` tells clients when to retry a 429.
const EXPOSED_HEADERS: &str = "Retry-After, Content-Disposition";

pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let allowed = state.settings.is_origin_allowed(&origin);

    if request.method() == Method::OPTIONS {
        let is_preflight = request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if is_preflight {
            return preflight(&origin, allowed, request.headers());
        }
        if allowed {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let headers = response.headers_mut();
            allow_origin(headers, &origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(OPTIONS_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("*"),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            );
            return response;
        }
    }

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if allowed {
        allow_origin(headers, &origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

fn preflight(origin: &str, allowed: bool, request_headers: &HeaderMap) -> Response {
    if !allowed {
        let mut response = (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"detail": "Disallowed CORS origin"})),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
        return response;
    }
    let mut response = Response::new(Body::from("OK"));
    let headers = response.headers_mut();
    allow_origin(headers, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(PREFLIGHT_METHODS),
    );
    // With credentials a literal `*` is not honoured by browsers: echo what was asked.
    if let Some(requested) = request_headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn allow_origin(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
}
