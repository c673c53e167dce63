//! The Supabase Auth call the earlier backend made on every request:
//! `GET {url}/auth/v1/user` with the user's bearer token and the project's `apikey`.

use std::time::Duration;

use reqwest::StatusCode;

use super::{user_from_fields, AuthError, SessionUser};

pub struct SupabaseClient {
    user_url: String,
    anon_key: String,
    /// The shared client for configured endpoints (`net::endpoint_client`).
    http: reqwest::Client,
    timeout: Duration,
}

impl SupabaseClient {
    pub fn new(base_url: &str, anon_key: &str, timeout: Duration) -> Self {
        Self {
            user_url: format!("{}/auth/v1/user", base_url.trim_end_matches('/')),
            anon_key: anon_key.to_string(),
            http: crate::net::endpoint_client(),
            timeout,
        }
    }

    /// The user behind `token`. A refusal is a 401; not getting an answer is a 503,
    /// so an outage does not log everyone out.
    pub async fn user(&self, token: &str) -> Result<SessionUser, AuthError> {
        let response = self
            .http
            .get(&self.user_url)
            .timeout(self.timeout)
            .bearer_auth(token)
            .header("apikey", &self.anon_key)
            .send()
            .await
            .map_err(|error| {
                // reqwest errors name the URL, never the headers.
                let reason = if error.is_timeout() {
                    "timed out"
                } else {
                    "unreachable"
                };
                tracing::warn!(error = %error, "supabase auth {reason}");
                AuthError::Unavailable(format!("Supabase {reason}"))
            })?;
        let status = response.status();
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            tracing::warn!(%status, "supabase auth answered with an error");
            return Err(AuthError::Unavailable(format!(
                "Supabase answered {}",
                status.as_u16()
            )));
        }
        if status != StatusCode::OK {
            return Err(AuthError::Invalid);
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|_| AuthError::InvalidPayload)?;
        let body: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| AuthError::InvalidPayload)?;
        user_from_fields(body.get("id"), body.get("email"))
    }
}
