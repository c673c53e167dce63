//! Local verification of Supabase access tokens: HS256 with the project's JWT secret,
//! or the asymmetric keys of its JWKS. A token signed with a key we do not hold is
//! neither accepted nor refused here; the caller asks Supabase.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use tokio::sync::RwLock;

use super::{user_from_fields, AuthError, SessionUser};

/// Keys are re-read this often, and at most this often when an unknown `kid` shows up.
const JWKS_MAX_AGE: Duration = Duration::from_secs(600);
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

pub enum Outcome {
    Verified(SessionUser),
    Rejected(AuthError),
    /// Not verifiable with the keys held here.
    Unknown,
}

pub struct LocalVerifier {
    secret: Option<DecodingKey>,
    jwks: Option<Jwks>,
}

struct Jwks {
    url: String,
    /// The shared client for configured endpoints (`net::endpoint_client`).
    http: reqwest::Client,
    timeout: Duration,
    /// The last key set read and when; `None` before the first successful read.
    keys: RwLock<(Option<Instant>, JwkSet)>,
}

impl LocalVerifier {
    /// `None` when neither a secret nor a JWKS URL is configured.
    pub fn new(secret: Option<&str>, jwks_url: Option<&str>, timeout: Duration) -> Option<Self> {
        let secret = secret.map(|secret| DecodingKey::from_secret(secret.as_bytes()));
        let jwks = jwks_url.map(|url| Jwks {
            url: url.to_string(),
            http: crate::net::endpoint_client(),
            timeout,
            keys: RwLock::new((None, JwkSet { keys: Vec::new() })),
        });
        (secret.is_some() || jwks.is_some()).then_some(Self { secret, jwks })
    }

    pub async fn verify(&self, token: &str) -> Outcome {
        let Ok(header) = jsonwebtoken::decode_header(token) else {
            return Outcome::Rejected(AuthError::Invalid);
        };
        if header.alg == Algorithm::HS256 {
            return match &self.secret {
                Some(key) => check(token, key, Algorithm::HS256),
                None => Outcome::Unknown,
            };
        }
        let Some(jwks) = &self.jwks else {
            return Outcome::Unknown;
        };
        match jwks.key(header.kid.as_deref()).await {
            Some(key) => check(token, &key, header.alg),
            None => Outcome::Unknown,
        }
    }
}

impl Jwks {
    async fn key(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let kid = kid?;
        {
            let guard = self.keys.read().await;
            let fresh = guard
                .0
                .is_some_and(|read_at| read_at.elapsed() < JWKS_MAX_AGE);
            if fresh {
                if let Some(jwk) = guard.1.find(kid) {
                    return DecodingKey::from_jwk(jwk).ok();
                }
                if guard
                    .0
                    .is_some_and(|read_at| read_at.elapsed() < JWKS_MIN_REFRESH)
                {
                    return None;
                }
            }
        }
        let mut guard = self.keys.write().await;
        // Another request may have refreshed while this one waited.
        let recently = guard
            .0
            .is_some_and(|read_at| read_at.elapsed() < JWKS_MIN_REFRESH);
        if !recently {
            match self.fetch().await {
                Ok(set) => *guard = (Some(Instant::now()), set),
                Err(error) => {
                    tracing::warn!(url = self.url.as_str(), %error, "JWKS not readable; asking Supabase instead")
                }
            }
        }
        guard
            .1
            .find(kid)
            .and_then(|jwk| DecodingKey::from_jwk(jwk).ok())
    }

    async fn fetch(&self) -> anyhow::Result<JwkSet> {
        let response = self
            .http
            .get(&self.url)
            .timeout(self.timeout)
            .send()
            .await?
            .error_for_status()?;
        let bytes = response.bytes().await?;
        Ok(serde_json::from_slice::<JwkSet>(&bytes)?)
    }
}

fn check(token: &str, key: &DecodingKey, algorithm: Algorithm) -> Outcome {
    let mut validation = Validation::new(algorithm);
    // No grace period: an expired token is refused at once.
    validation.leeway = 0;
    validation.set_audience(&["authenticated"]);
    validation.set_required_spec_claims(&["exp", "sub", "aud"]);
    match jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
        token,
        key,
        &validation,
    ) {
        Ok(data) => match user_from_fields(data.claims.get("sub"), data.claims.get("email")) {
            Ok(user) => Outcome::Verified(user),
            Err(error) => Outcome::Rejected(error),
        },
        Err(_) => Outcome::Rejected(AuthError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    fn sign(claims: serde_json::Value, secret: &str) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn now() -> u64 {
        super::super::unix_now()
    }

    #[tokio::test]
    async fn hs256_tokens_are_checked_locally() {
        let verifier = LocalVerifier::new(Some("s3cret"), None, Duration::from_secs(1)).unwrap();
        let sub = "4b9f0c3e-8f7a-4c1e-9a43-1d2b3c4d5e6f";
        let good = sign(
            json!({"sub": sub, "email": "a@b.c", "aud": "authenticated", "exp": now() + 60}),
            "s3cret",
        );
        let Outcome::Verified(user) = verifier.verify(&good).await else {
            panic!("a valid token is verified");
        };
        assert_eq!(user.user_id.to_string(), sub);

        let cases = [
            sign(
                json!({"sub": sub, "aud": "authenticated", "exp": now() + 60}),
                "other",
            ),
            sign(
                json!({"sub": sub, "aud": "authenticated", "exp": now() - 1}),
                "s3cret",
            ),
            sign(
                json!({"sub": sub, "aud": "anon", "exp": now() + 60}),
                "s3cret",
            ),
            sign(json!({"sub": sub, "aud": "authenticated"}), "s3cret"),
        ];
        for token in cases {
            assert!(
                matches!(
                    verifier.verify(&token).await,
                    Outcome::Rejected(AuthError::Invalid)
                ),
                "{token}"
            );
        }
        let no_uuid = sign(
            json!({"sub": "service", "aud": "authenticated", "exp": now() + 60}),
            "s3cret",
        );
        assert!(matches!(
            verifier.verify(&no_uuid).await,
            Outcome::Rejected(AuthError::InvalidPayload)
        ));
    }

    #[tokio::test]
    async fn foreign_algorithms_fall_back() {
        let verifier = LocalVerifier::new(Some("s3cret"), None, Duration::from_secs(1)).unwrap();
        // An ES256 header: this verifier holds no such key.
        let token = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4In0.c2ln";
        assert!(matches!(verifier.verify(token).await, Outcome::Unknown));
        assert!(LocalVerifier::new(None, None, Duration::from_secs(1)).is_none());
    }
}
