//! The two calls the checkout makes to Paddle's API (version 1): create a
//! customer, and create a transaction whose checkout URL the web app opens.
//! Through the host's client for configured endpoints; the key is sent only to
//! the configured host and never appears in an error.

use serde_json::{json, Value};

use crate::config::PaddleSettings;
use crate::net;

/// Why a call to Paddle did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaddleError {
    /// Not reached, timed out, or answered 5xx.
    Unreachable(String),
    /// Answered with Paddle's error object: `(HTTP status, code, detail)`.
    Refused {
        status: u16,
        code: String,
        detail: String,
    },
    /// Answered 2xx without the expected field.
    Unexpected(String),
}

impl std::fmt::Display for PaddleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaddleError::Unreachable(reason) => write!(f, "Paddle could not be reached ({reason})"),
            PaddleError::Refused {
                status,
                code,
                detail,
            } => write!(f, "Paddle refused the request ({status} {code}: {detail})"),
            PaddleError::Unexpected(what) => write!(f, "Paddle's answer had no {what}"),
        }
    }
}

pub struct PaddleApi<'a> {
    settings: &'a PaddleSettings,
    api_key: &'a str,
}

impl<'a> PaddleApi<'a> {
    /// `None` while `JOBSCOUT_PADDLE_API_KEY` is unset.
    pub fn new(settings: &'a PaddleSettings) -> Option<Self> {
        Some(PaddleApi {
            settings,
            api_key: settings.api_key.as_deref()?,
        })
    }

    /// Creates a customer for `email`; when Paddle already has one with that
    /// e-mail (409 `customer_already_exists`), that customer's id.
    pub async fn customer_for(&self, email: &str) -> Result<String, PaddleError> {
        match self.post("/customers", &json!({ "email": email })).await {
            Ok(answer) => string_at(&answer, "/data/id", "customer id"),
            Err(PaddleError::Refused { code, detail, .. }) if code == "customer_already_exists" => {
                match existing_customer_id(&detail) {
                    Some(id) => Ok(id),
                    None => self.find_customer(email).await,
                }
            }
            Err(error) => Err(error),
        }
    }

    /// The first customer Paddle lists for `email`.
    async fn find_customer(&self, email: &str) -> Result<String, PaddleError> {
        let request = self
            .request(reqwest::Method::GET, "/customers")
            .query(&[("email", email)]);
        let answer = self.send(request).await?;
        string_at(&answer, "/data/0/id", "customer id")
    }

    /// Creates a transaction for one `price_id` with `custom_data` (which Paddle
    /// copies onto the subscription and every webhook about it) and returns its
    /// checkout URL.
    pub async fn checkout_url(
        &self,
        customer_id: &str,
        price_id: &str,
        custom_data: Value,
    ) -> Result<String, PaddleError> {
        let body = json!({
            "items": [{ "price_id": price_id, "quantity": 1 }],
            "customer_id": customer_id,
            "custom_data": custom_data,
            "collection_mode": "automatic",
        });
        let answer = self.post("/transactions", &body).await?;
        ["/data/checkout/url", "/data/url", "/url"]
            .iter()
            .find_map(|pointer| answer.pointer(pointer).and_then(Value::as_str))
            .filter(|url| !url.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                PaddleError::Unexpected(
                    "checkout URL (set a default payment link in Paddle > Checkout > Checkout settings)"
                        .into(),
                )
            })
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, PaddleError> {
        let request = self
            .request(reqwest::Method::POST, path)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.send(request).await
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.settings.api_base());
        net::endpoint_client()
            .request(method, url)
            .bearer_auth(self.api_key)
            .header("Paddle-Version", "1")
            .timeout(self.settings.timeout)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, PaddleError> {
        // reqwest's error texts name the URL, never the headers: the key stays out.
        let response = request
            .send()
            .await
            .map_err(|error| PaddleError::Unreachable(error.without_url().to_string()))?;
        let status = response.status();
        let answer: Value = match response.bytes().await {
            Ok(body) => serde_json::from_slice(&body).unwrap_or(Value::Null),
            Err(error) => return Err(PaddleError::Unreachable(error.without_url().to_string())),
        };
        if status.is_success() {
            return Ok(answer);
        }
        if status.is_server_error() {
            return Err(PaddleError::Unreachable(format!(
                "HTTP {}",
                status.as_u16()
            )));
        }
        let text = |pointer: &str| {
            answer
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Err(PaddleError::Refused {
            status: status.as_u16(),
            code: text("/error/code"),
            detail: text("/error/detail"),
        })
    }
}

fn string_at(answer: &Value, pointer: &str, what: &str) -> Result<String, PaddleError> {
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
        .ok_or_else(|| PaddleError::Unexpected(what.to_string()))
}

/// The `ctm_…` id in "customer email conflicts with customer of id ctm_…".
fn existing_customer_id(detail: &str) -> Option<String> {
    let start = detail.find("ctm_")?;
    let id: String = detail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (id.len() > 4).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conflicting_customer_is_read_from_paddles_detail() {
        let path = format!(
            "{}/../fixtures/paddle/customer-already-exists.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let answer: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let detail = answer.pointer("/error/detail").unwrap().as_str().unwrap();
        assert_eq!(
            existing_customer_id(detail).as_deref(),
            Some("ctm_01hv8wzq6xk1m2n3p4q5r6s7t8")
        );
        assert_eq!(existing_customer_id("customer email conflicts"), None);
        assert_eq!(existing_customer_id("id ctm_"), None);
    }
}
