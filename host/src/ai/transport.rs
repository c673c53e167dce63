//! One POST to the provider with the call's retries: 429 and 5xx answers, timeouts
//! and lost connections are tried again (honouring `Retry-After`) while the call's
//! budget lasts; any other answer is final.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;

use super::wire::{ErrorBody, ErrorResponse};

/// Largest response body read from the provider.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// The first wait between tries when the provider names none; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// How one POST ended when it did not give a readable answer.
#[derive(Debug)]
pub(super) enum CallFailure {
    /// Busy, down, out of quota or out of time, after every try the budget allowed.
    Unavailable(String),
    /// A final 4xx answer (bad key, unknown model, a parameter the server refuses).
    Refused {
        status: StatusCode,
        error: ErrorBody,
    },
    /// A 2xx answer whose body is not the expected shape.
    Unreadable(String),
}

pub(super) struct Post<'a> {
    pub client: &'a reqwest::Client,
    pub url: String,
    pub api_key: Option<&'a str>,
    pub max_attempts: u32,
    pub deadline: Instant,
}

impl Post<'_> {
    pub(super) async fn send<B: Serialize, R: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<R, CallFailure> {
        let body = serde_json::to_vec(body).map_err(|error| {
            CallFailure::Unavailable(format!("cannot encode the request: {error}"))
        })?;
        let mut last_problem = String::from("no try was made");
        for attempt in 1..=self.max_attempts.max(1) {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            let mut request = self
                .client
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .timeout(remaining);
            if let Some(key) = self.api_key {
                request = request.bearer_auth(key);
            }
            let wait = match request.send().await {
                Err(error) => {
                    last_problem = if error.is_timeout() {
                        "the provider did not answer in time".to_string()
                    } else {
                        format!("cannot reach the provider: {}", without_url(&error))
                    };
                    None
                }
                Ok(response) => match judge(response).await {
                    Verdict::Final(result) => return result,
                    Verdict::TryAgain { problem, wait } => {
                        last_problem = problem;
                        wait
                    }
                },
            };
            if attempt == self.max_attempts {
                break;
            }
            let wait = wait.unwrap_or(FIRST_BACKOFF * 2u32.saturating_pow(attempt - 1));
            if Instant::now() + wait >= self.deadline {
                last_problem.push_str(&format!(
                    " (the next try, in {wait:?}, would pass the call's time budget)"
                ));
                break;
            }
            tokio::time::sleep(wait).await;
        }
        Err(CallFailure::Unavailable(last_problem))
    }
}

/// What one answer means for the call.
enum Verdict<R> {
    Final(Result<R, CallFailure>),
    TryAgain {
        problem: String,
        /// The wait the provider asked for, if any.
        wait: Option<Duration>,
    },
}

async fn judge<R: DeserializeOwned>(response: reqwest::Response) -> Verdict<R> {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = match read_body(response).await {
        Ok(bytes) => bytes,
        Err(problem) => {
            return Verdict::TryAgain {
                problem,
                wait: None,
            }
        }
    };
    if status.is_success() {
        return Verdict::Final(serde_json::from_slice(&bytes).map_err(|error| {
            CallFailure::Unreadable(format!("unexpected answer shape: {error}"))
        }));
    }
    let error = error_body(&bytes);
    if status == StatusCode::TOO_MANY_REQUESTS
        && error.code.as_ref().and_then(|code| code.as_str()) == Some("insufficient_quota")
    {
        // Out of credit: no wait will help.
        return Verdict::Final(Err(CallFailure::Unavailable(format!(
            "the provider's quota is used up: {}",
            error.message
        ))));
    }
    if !retryable(status) {
        return Verdict::Final(Err(CallFailure::Refused { status, error }));
    }
    Verdict::TryAgain {
        problem: format!("the provider answered {status}: {}", error.message),
        wait: retry_after(&headers),
    }
}

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(format!(
                        "the provider's answer is larger than {MAX_RESPONSE_BYTES} bytes"
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) if error.is_timeout() => {
                return Err("the provider did not finish its answer in time".to_string())
            }
            Err(error) => {
                return Err(format!(
                    "the provider's answer broke off: {}",
                    without_url(&error)
                ))
            }
        }
    }
}

/// The `{"error": …}` body of a refusal, or its text when it has another shape.
fn error_body(bytes: &[u8]) -> ErrorBody {
    serde_json::from_slice::<ErrorResponse>(bytes)
        .map(|response| response.error)
        .unwrap_or_else(|_| ErrorBody {
            message: String::from_utf8_lossy(&bytes[..bytes.len().min(500)]).into_owned(),
            param: None,
            code: None,
        })
}

/// How long the provider asks to wait: OpenAI's `retry-after-ms`, else `Retry-After`
/// in seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(millis) = header("retry-after-ms").and_then(|value| value.parse::<f64>().ok()) {
        return seconds(millis / 1000.0);
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now()).to_std().ok()?;
    Some(wait)
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// A reqwest error's text without the URL it carries (the base URL may hold a
/// password).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the provider");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn retry_after_reads_every_form_the_providers_send() {
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")])),
            Some(Duration::from_millis(500))
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let wait = retry_after(&headers(&[("retry-after", &later)])).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn refusals_of_other_shapes_keep_their_text() {
        let llama = error_body(
            br#"{"error":{"code":400,"message":"bad grammar","type":"invalid_request_error"}}"#,
        );
        assert_eq!(llama.message, "bad grammar");
        assert_eq!(llama.code, Some(serde_json::json!(400)));
        let plain = error_body(b"upstream connect error");
        assert_eq!(plain.message, "upstream connect error");
    }
}
