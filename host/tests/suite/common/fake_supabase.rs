//! A local stand-in for Supabase Auth: `GET /auth/v1/user` answers the way Supabase
//! does (200 with the user for a valid access token, 401 for a bad, expired or
//! revoked one, 401 without the project's `apikey`), plus slow and failing modes.
//! It signs the tokens it accepts with its own HS256 secret, like a real project.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};
use uuid::Uuid;

pub const ANON_KEY: &str = "fake-anon-key-9d1c7e";
pub const JWT_SECRET: &str = "fake-jwt-secret-4f8a2b6c0e";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Normal,
    /// Answers after this delay.
    Slow(Duration),
    /// Answers with this status (Supabase itself failing).
    Failing(u16),
}

struct FakeState {
    mode: Mutex<Mode>,
    calls: AtomicUsize,
    revoked: Mutex<HashSet<String>>,
    jwks: Mutex<Value>,
    jwks_reads: AtomicUsize,
}

pub struct FakeSupabase {
    pub url: String,
    state: Arc<FakeState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSupabase {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An access token as Supabase issues them, expiring `expires_in` seconds from now
/// (negative: already expired), signed with `secret`.
pub fn token_signed_with(secret: &str, user_id: Uuid, email: &str, expires_in: i64) -> String {
    let claims = json!({
        "sub": user_id.to_string(),
        "email": email,
        "aud": "authenticated",
        "role": "authenticated",
        "iat": unix_now(),
        "exp": unix_now() + expires_in,
    });
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

impl FakeSupabase {
    pub async fn start() -> FakeSupabase {
        let state = Arc::new(FakeState {
            mode: Mutex::new(Mode::Normal),
            calls: AtomicUsize::new(0),
            revoked: Mutex::new(HashSet::new()),
            jwks: Mutex::new(json!({"keys": []})),
            jwks_reads: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/auth/v1/user", get(user))
            .route("/auth/v1/.well-known/jwks.json", get(jwks))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeSupabase { url, state, task }
    }

    /// A URL where nothing listens (Supabase down).
    pub async fn down_url() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        url
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// `/auth/v1/user` calls answered so far.
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }

    /// Signs the user out: Supabase refuses the token from now on.
    pub fn revoke(&self, token: &str) {
        self.state.revoked.lock().unwrap().insert(token.to_string());
    }

    /// Publishes the project's signing keys (a JWKS document).
    pub fn set_jwks(&self, jwks: Value) {
        *self.state.jwks.lock().unwrap() = jwks;
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/auth/v1/.well-known/jwks.json", self.url)
    }

    /// JWKS documents served so far.
    pub fn jwks_reads(&self) -> usize {
        self.state.jwks_reads.load(Ordering::SeqCst)
    }

    pub fn token(&self, user_id: Uuid, email: &str, expires_in: i64) -> String {
        token_signed_with(JWT_SECRET, user_id, email, expires_in)
    }

    /// The settings that point JobScout at this fake.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("JOBSCOUT_SUPABASE_URL", self.url.clone()),
            ("JOBSCOUT_SUPABASE_ANON_KEY", ANON_KEY.to_string()),
        ]
    }
}

fn supabase_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"code": status.as_u16(), "error_code": code, "msg": message})),
    )
        .into_response()
}

async fn jwks(State(state): State<Arc<FakeState>>) -> Json<Value> {
    state.jwks_reads.fetch_add(1, Ordering::SeqCst);
    Json(state.jwks.lock().unwrap().clone())
}

async fn user(State(state): State<Arc<FakeState>>, headers: HeaderMap) -> Response {
    state.calls.fetch_add(1, Ordering::SeqCst);
    let mode = *state.mode.lock().unwrap();
    match mode {
        Mode::Normal => {}
        Mode::Slow(delay) => tokio::time::sleep(delay).await,
        Mode::Failing(status) => {
            let status = StatusCode::from_u16(status).unwrap();
            return supabase_error(status, "unexpected_failure", "Unexpected failure");
        }
    }
    if headers.get("apikey").and_then(|value| value.to_str().ok()) != Some(ANON_KEY) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Invalid API key"})),
        )
            .into_response();
    }
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    if state.revoked.lock().unwrap().contains(&token) {
        return supabase_error(
            StatusCode::FORBIDDEN,
            "session_not_found",
            "Session from session_id claim in JWT does not exist",
        );
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_audience(&["authenticated"]);
    let claims = match jsonwebtoken::decode::<Value>(
        &token,
        &DecodingKey::from_secret(JWT_SECRET.as_bytes()),
        &validation,
    ) {
        Ok(data) => data.claims,
        Err(error) => {
            return supabase_error(
                StatusCode::UNAUTHORIZED,
                "bad_jwt",
                &format!("invalid JWT: {error}"),
            )
        }
    };
    Json(json!({
        "id": claims["sub"],
        "aud": "authenticated",
        "role": "authenticated",
        "email": claims["email"],
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {},
        "created_at": "2026-01-01T00:00:00Z",
    }))
    .into_response()
}
