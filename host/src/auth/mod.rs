//! Who is calling: Supabase access tokens turned into a [`SessionUser`].
//!
//! A token is checked in the cheapest way available: a malformed or already expired
//! token is refused without any network call; a token that a configured HS256
//! secret or JWKS key can verify is verified locally; anything else is asked of
//! Supabase (`GET /auth/v1/user`, as the earlier backend did). Supabase answers are
//! cached, keyed by a hash of the token, for at most `JOBSCOUT_AUTH_CACHE_TTL_SECONDS`
//! and never past the token's own `exp`.

mod jwt;
mod supabase;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::config::Settings;

pub use jwt::LocalVerifier;
pub use supabase::SupabaseClient;

/// A signed-in user as Supabase knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: Uuid,
    pub email: Option<String>,
}

/// Why a token was not accepted. The texts of the 401s are the earlier backend's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// 401: bad signature, expired, revoked, not a token at all.
    #[error("Invalid or expired session")]
    Invalid,
    /// 401: Supabase accepted the token but the user it returned has no UUID `id`.
    #[error("Invalid session payload")]
    InvalidPayload,
    /// 503: neither local verification nor Supabase is configured.
    #[error(
        "Supabase auth not configured: set JOBSCOUT_SUPABASE_URL and JOBSCOUT_SUPABASE_ANON_KEY"
    )]
    NotConfigured,
    /// 503: Supabase could not be asked (down, slow, 5xx); the session may well be valid.
    #[error("Authentication service unavailable ({0}); please retry")]
    Unavailable(String),
}

/// What the cache keeps for one validated token.
#[derive(Debug, Clone)]
struct CachedSession {
    user: SessionUser,
    /// The earlier of (validation + cache TTL) and the token's `exp`.
    valid_until: Instant,
}

struct SessionExpiry;

impl moka::Expiry<[u8; 32], CachedSession> for SessionExpiry {
    fn expire_after_create(
        &self,
        _key: &[u8; 32],
        value: &CachedSession,
        created_at: Instant,
    ) -> Option<Duration> {
        Some(value.valid_until.saturating_duration_since(created_at))
    }
}

/// Validates access tokens. Shared by every request (`Arc` inside `AppState`).
pub struct Authenticator {
    supabase: Option<SupabaseClient>,
    local: Option<LocalVerifier>,
    cache: Option<moka::sync::Cache<[u8; 32], CachedSession>>,
    cache_ttl: Duration,
}

impl Authenticator {
    pub fn from_settings(settings: &Settings) -> Arc<Self> {
        let supabase = match (&settings.supabase_url, &settings.supabase_anon_key) {
            (Some(url), Some(key)) => {
                Some(SupabaseClient::new(url, key, settings.supabase_timeout))
            }
            _ => None,
        };
        let local = LocalVerifier::new(
            settings.supabase_jwt_secret.as_deref(),
            settings.supabase_jwks_url.as_deref(),
            settings.supabase_timeout,
        );
        let cache = (settings.auth_cache_max_entries > 0 && !settings.auth_cache_ttl.is_zero())
            .then(|| {
                moka::sync::Cache::builder()
                    .max_capacity(settings.auth_cache_max_entries)
                    .expire_after(SessionExpiry)
                    .build()
            });
        Arc::new(Self {
            supabase,
            local,
            cache,
            cache_ttl: settings.auth_cache_ttl,
        })
    }

    /// Whether any way of validating user tokens is configured.
    pub fn is_configured(&self) -> bool {
        self.supabase.is_some() || self.local.is_some()
    }

    /// The user a bearer token belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<SessionUser, AuthError> {
        if !self.is_configured() {
            return Err(AuthError::NotConfigured);
        }
        // Refuse what cannot be a live Supabase token before any work or network call.
        let Some(claims) = unverified_claims(token) else {
            return Err(AuthError::Invalid);
        };
        let now_unix = unix_now();
        let exp = claims.get("exp").and_then(serde_json::Value::as_u64);
        if exp.is_some_and(|exp| exp <= now_unix) {
            return Err(AuthError::Invalid);
        }

        if let Some(local) = &self.local {
            match local.verify(token).await {
                jwt::Outcome::Verified(user) => return Ok(user),
                jwt::Outcome::Rejected(error) => return Err(error),
                // Signed with a key this verifier does not hold: ask Supabase.
                jwt::Outcome::Unknown => {}
            }
        }

        let key = token_key(token);
        if let Some(cache) = &self.cache {
            if let Some(session) = cache.get(&key) {
                // moka expires lazily; check both bounds again so an entry is never
                // used a moment past the token's exp.
                if session.valid_until > Instant::now() && exp.is_some_and(|exp| exp > unix_now()) {
                    return Ok(session.user);
                }
                cache.invalidate(&key);
            }
        }

        let Some(supabase) = &self.supabase else {
            // Only local verification is configured and it does not know this key.
            return Err(AuthError::Invalid);
        };
        let user = supabase.user(token).await?;

        // Without an exp the lifetime of the session is unknown: do not cache it.
        if let (Some(cache), Some(exp)) = (&self.cache, exp) {
            let remaining = Duration::from_secs(exp.saturating_sub(unix_now()));
            let valid_until = Instant::now() + remaining.min(self.cache_ttl);
            cache.insert(
                key,
                CachedSession {
                    user: user.clone(),
                    valid_until,
                },
            );
        }
        Ok(user)
    }

    /// Sessions currently cached (tests and metrics).
    pub fn cached_sessions(&self) -> u64 {
        self.cache.as_ref().map_or(0, |cache| {
            cache.run_pending_tasks();
            cache.entry_count()
        })
    }
}

/// The token's claims, read without checking the signature; `None` when the token
/// is not a JWT (three base64url parts with a JSON object in the middle).
fn unverified_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Tokens are cached under their SHA-256, so the cache never holds a usable token.
fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Reads a Supabase user object (`/auth/v1/user` body or verified JWT claims).
fn user_from_fields(
    id: Option<&serde_json::Value>,
    email: Option<&serde_json::Value>,
) -> Result<SessionUser, AuthError> {
    let user_id = id
        .and_then(serde_json::Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or(AuthError::InvalidPayload)?;
    let email = email
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|email| !email.is_empty())
        .map(str::to_string);
    Ok(SessionUser { user_id, email })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_with(payload: &str) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            engine.encode(r#"{"alg":"HS256"}"#),
            engine.encode(payload)
        )
    }

    #[test]
    fn claims_are_read_only_from_three_part_tokens() {
        assert!(unverified_claims("abc").is_none());
        assert!(unverified_claims("a.b").is_none());
        assert!(unverified_claims("a.b.c.d").is_none());
        assert!(unverified_claims(&token_with("[1]")).is_none());
        let claims = unverified_claims(&token_with(r#"{"exp": 12}"#)).unwrap();
        assert_eq!(claims["exp"], 12);
    }

    #[test]
    fn user_payload_needs_a_uuid() {
        let id = serde_json::json!("4b9f0c3e-8f7a-4c1e-9a43-1d2b3c4d5e6f");
        let email = serde_json::json!(" ada@example.com ");
        let user = user_from_fields(Some(&id), Some(&email)).unwrap();
        assert_eq!(user.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            user_from_fields(Some(&serde_json::json!("nope")), None),
            Err(AuthError::InvalidPayload)
        );
        assert_eq!(
            user_from_fields(None, Some(&email)),
            Err(AuthError::InvalidPayload)
        );
    }

    #[tokio::test]
    async fn unconfigured_auth_is_not_a_401() {
        let settings = Settings::from_pairs([("JOBSCOUT_X", "1")]).settings;
        let auth = Authenticator::from_settings(&settings);
        assert_eq!(
            auth.authenticate("a.b.c").await,
            Err(AuthError::NotConfigured)
        );
    }

    #[tokio::test]
    async fn garbage_and_expired_tokens_never_reach_the_network() {
        // The URL points nowhere routable: reaching it would be a 503, not a 401.
        let settings = Settings::from_pairs([
            ("JOBSCOUT_SUPABASE_URL", "http://192.0.2.1:9"),
            ("JOBSCOUT_SUPABASE_ANON_KEY", "anon"),
        ])
        .settings;
        let auth = Authenticator::from_settings(&settings);
        assert_eq!(
            auth.authenticate("not-a-jwt").await,
            Err(AuthError::Invalid)
        );
        let expired = token_with(&format!(r#"{{"exp": {}}}"#, unix_now() - 1));
        assert_eq!(auth.authenticate(&expired).await, Err(AuthError::Invalid));
    }
}
