//! User authentication as extractors: [`AuthUser`] for routes that need a signed-in
//! user, [`MaybeUser`] for routes that also serve anonymous callers.
//!
//! | request | `AuthUser` | `MaybeUser` |
//! |---|---|---|
//! | no `Authorization` header | 401 (the earlier 422 was an accident) | anonymous |
//! | a header that is not `Bearer …` | 401 | anonymous (as before) |
//! | a bad or expired bearer token | 401 "Invalid or expired session" | 401 |
//! | Supabase unreachable or unconfigured | 503 | 503 |
//!
//! `AuthUser` also counts the request against the per-user rate limit and makes
//! sure the user has a `users` row (remembered, so not one upsert per request).

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;

use super::{AppState, Error};
use crate::auth::{AuthError, SessionUser};

pub const BEARER_REQUIRED: &str = "Authorization: Bearer token required";

/// A signed-in user with a `users` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub user_id: Uuid,
    pub email: Option<String>,
}

/// The signed-in user, if the request carries a bearer token; a bad token is still a 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeUser(pub Option<AuthUser>);

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Invalid | AuthError::InvalidPayload => {
                Error::Unauthorized(error.to_string())
            }
            AuthError::NotConfigured | AuthError::Unavailable(_) => {
                Error::Unavailable(error.to_string())
            }
        }
    }
}

enum Credentials<'a> {
    Missing,
    NotBearer,
    Bearer(&'a str),
}

fn credentials(parts: &Parts) -> Credentials<'_> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Credentials::Missing;
    };
    let Ok(value) = value.to_str() else {
        return Credentials::NotBearer;
    };
    match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => {
            Credentials::Bearer(value[7..].trim())
        }
        _ => Credentials::NotBearer,
    }
}

async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, Error> {
    let SessionUser { user_id, email } = state.auth.authenticate(token).await?;
    Ok(AuthUser { user_id, email })
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = match credentials(parts) {
            Credentials::Bearer(token) => token,
            Credentials::Missing | Credentials::NotBearer => {
                return Err(Error::Unauthorized(BEARER_REQUIRED.into()))
            }
        };
        let user = authenticate(state, token).await?;
        if let Some(limiter) = &state.rate_limits.user {
            limiter.check(&user.user_id)?;
        }
        state.known_users.ensure(state, &user).await?;
        Ok(user)
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match credentials(parts) {
            Credentials::Missing | Credentials::NotBearer => Ok(MaybeUser(None)),
            Credentials::Bearer(token) => Ok(MaybeUser(Some(authenticate(state, token).await?))),
        }
    }
}

/// Users whose row is known to be current: provisioning is one upsert per user per
/// `JOBSCOUT_USER_REFRESH_SECONDS`, or when their e-mail changes.
#[derive(Clone)]
pub struct KnownUsers {
    cache: Option<moka::sync::Cache<Uuid, Option<String>>>,
}

impl KnownUsers {
    pub fn new(refresh: Duration) -> Self {
        let cache = (!refresh.is_zero()).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(refresh)
                .build()
        });
        Self { cache }
    }

    async fn ensure(&self, state: &AppState, user: &AuthUser) -> Result<(), Error> {
        if let Some(cache) = &self.cache {
            if cache
                .get(&user.user_id)
                .is_some_and(|email| email == user.email)
            {
                return Ok(());
            }
        }
        let pool = state.db.pool()?;
        if let Err(error) =
            crate::storage::users::upsert_user(&pool, user.user_id, user.email.as_deref()).await
        {
            match Error::from(error) {
                // A database that only refuses writes still serves reads: the user is
                // signed in by their token, and the row is written once it can be.
                Error::Database(trouble) if trouble.refuses_only_writes() => {
                    state.db.report_trouble(trouble);
                    return Ok(());
                }
                error => return Err(error),
            }
        }
        if let Some(cache) = &self.cache {
            cache.insert(user.user_id, user.email.clone());
        }
        Ok(())
    }
}
