//! Checking that a webhook delivery comes from Paddle.
//!
//! Paddle Billing sends `Paddle-Signature: ts=<unix seconds>;h1=<hex>`, where h1
//! is HMAC-SHA256 of `<ts>:<raw body>` under the notification destination's
//! secret (two h1 values while a secret is rotated). A timestamp more than five
//! minutes away from now is refused, so a captured delivery cannot be replayed
//! later. The earlier backend's form, `p-signature: <hex HMAC-SHA256 of the
//! body>`, is still accepted so a deployment configured for it keeps working.
//! Every comparison is constant-time (`Mac::verify_slice`).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, either way.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Neither header was sent (422, as the earlier backend answered).
    Missing,
    /// A header that does not parse, a wrong signature or a stale timestamp (401).
    Invalid(&'static str),
}

/// The signature headers of one delivery.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    pub paddle_signature: Option<&'a str>,
    pub p_signature: Option<&'a str>,
}

/// Checks `body` against the headers with `secret`. When both headers are sent,
/// Paddle Billing's is the one checked.
pub fn verify(
    secret: &str,
    headers: Headers<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if let Some(header) = headers.paddle_signature {
        return verify_paddle_signature(secret, header, body, now);
    }
    if let Some(header) = headers.p_signature {
        let signature = decode_hex(header.trim()).ok_or(Refusal::Invalid("malformed signature"))?;
        return check(secret, &[body], &signature);
    }
    Err(Refusal::Missing)
}

fn verify_paddle_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(';') {
        match part.trim().split_once('=') {
            Some(("ts", value)) => timestamp = Some(value.trim()),
            Some(("h1", value)) => signatures.push(value.trim()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(Refusal::Invalid("the signature has no ts"))?;
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| Refusal::Invalid("the signature's ts is not a number"))?;
    if (now.timestamp() - seconds).abs() > TOLERANCE_SECONDS {
        return Err(Refusal::Invalid(
            "the signature's timestamp is more than 5 minutes from now",
        ));
    }
    if signatures.is_empty() {
        return Err(Refusal::Invalid("the signature has no h1"));
    }
    let signed = [timestamp.as_bytes(), b":", body];
    let matches = signatures.iter().any(|signature| {
        decode_hex(signature).is_some_and(|signature| check(secret, &signed, &signature).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(Refusal::Invalid("signature mismatch"))
    }
}

fn check(secret: &str, parts: &[&[u8]], signature: &[u8]) -> Result<(), Refusal> {
    let mut mac = mac(secret);
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(signature)
        .map_err(|_| Refusal::Invalid("signature mismatch"))
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this cannot fail.
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

/// The `Paddle-Signature` value Paddle would send for `body` at `timestamp`
/// (the fake Paddle of the tests and the webhook benchmark sign with it).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b":");
    mac.update(body);
    format!(
        "ts={timestamp};h1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The earlier `p-signature` value for `body`.
pub fn sign_earlier(secret: &str, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &str = "pdl_ntfset_01h_test_secret";
    const BODY: &[u8] = br#"{"event_id":"evt_1","event_type":"subscription.created"}"#;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    fn billing(header: &str) -> Headers<'_> {
        Headers {
            paddle_signature: Some(header),
            p_signature: None,
        }
    }

    #[test]
    fn signatures_match_an_independent_hmac() {
        // Computed outside Rust:
        // printf '%s' "1671552777:$BODY" | openssl dgst -sha256 -hmac "$SECRET"
        let header = sign(SECRET, 1_671_552_777, BODY);
        assert_eq!(
            header,
            "ts=1671552777;h1=c078605d8fd6a578b8032a1eed458d70bb81a0df1c73260a46ae7ea833f556e3"
        );
        // printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
        assert_eq!(
            sign_earlier(SECRET, BODY),
            "e1aeccf1cf6d22dbc3d680135adda654a0c734259cf57a0601e26a5533b82fc8"
        );
        assert_eq!(
            verify(SECRET, billing(&header), BODY, at(1_671_552_777)),
            Ok(())
        );
    }

    #[test]
    fn any_change_to_body_secret_or_time_is_refused() {
        let header = sign(SECRET, 1_000_000, BODY);
        let mismatch = Err(Refusal::Invalid("signature mismatch"));
        assert_eq!(
            verify(SECRET, billing(&header), b"{}", at(1_000_000)),
            mismatch
        );
        assert_eq!(
            verify("another", billing(&header), BODY, at(1_000_000)),
            mismatch
        );
        // The timestamp is signed: moving it breaks the signature.
        let moved = header.replace("ts=1000000", "ts=1000001");
        assert_eq!(
            verify(SECRET, billing(&moved), BODY, at(1_000_000)),
            mismatch
        );
    }

    #[test]
    fn timestamps_more_than_five_minutes_away_are_refused() {
        let header = sign(SECRET, 1_000_000, BODY);
        assert!(verify(SECRET, billing(&header), BODY, at(1_000_300)).is_ok());
        assert!(verify(SECRET, billing(&header), BODY, at(999_700)).is_ok());
        for now in [1_000_301, 999_699] {
            assert_eq!(
                verify(SECRET, billing(&header), BODY, at(now)),
                Err(Refusal::Invalid(
                    "the signature's timestamp is more than 5 minutes from now"
                ))
            );
        }
    }

    #[test]
    fn a_rotated_secret_sends_two_h1_values_and_either_verifies() {
        let old = sign("old-secret", 1_000_000, BODY);
        let new = sign(SECRET, 1_000_000, BODY);
        let old_h1 = old.split_once(";h1=").unwrap().1;
        let both = format!("{new};h1={old_h1}");
        assert!(verify(SECRET, billing(&both), BODY, at(1_000_000)).is_ok());
        assert!(verify("old-secret", billing(&both), BODY, at(1_000_000)).is_ok());
        assert!(verify("third", billing(&both), BODY, at(1_000_000)).is_err());
    }

    #[test]
    fn malformed_headers_are_refused_with_a_reason() {
        let cases = [
            ("h1=abcd", "the signature has no ts"),
            ("ts=soon;h1=abcd", "the signature's ts is not a number"),
            ("ts=1000000", "the signature has no h1"),
            ("ts=1000000;h1=not-hex", "signature mismatch"),
        ];
        for (header, reason) in cases {
            assert_eq!(
                verify(SECRET, billing(header), BODY, at(1_000_000)),
                Err(Refusal::Invalid(reason)),
                "{header}"
            );
        }
        assert_eq!(
            verify(SECRET, Headers::default(), BODY, at(0)),
            Err(Refusal::Missing)
        );
    }

    #[test]
    fn the_earlier_p_signature_form_still_verifies() {
        let headers = |value| Headers {
            paddle_signature: None,
            p_signature: Some(value),
        };
        let good = sign_earlier(SECRET, BODY);
        assert!(verify(SECRET, headers(&good), BODY, at(0)).is_ok());
        assert!(verify(SECRET, headers(&good), b"{}", at(0)).is_err());
        assert_eq!(
            verify(SECRET, headers("zz"), BODY, at(0)),
            Err(Refusal::Invalid("malformed signature"))
        );
    }
}
