//! `/api/v1/paddle` (reference §1.6, §9): Paddle's webhook and the checkout URL
//! of the Account page. The webhook is authenticated by its signature, not by a
//! session; the work is done in `crate::apply::billing`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::apply::service;
use super::user::AuthUser;
use super::{AppState, Error, Result};
use crate::apply::billing::{self, signature};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/paddle/webhook", post(paddle_webhook))
        .route("/paddle/checkout-url", get(paddle_checkout_url))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAck {
    /// Always `ok`: applied, already applied, or nothing to apply.
    pub status: &'static str,
}

/// Paddle's webhook: verifies the `Paddle-Signature` header (or the earlier
/// `p-signature`), then applies the event once by its `event_id`.
#[utoipa::path(post, path = "/api/v1/paddle/webhook", tag = "billing",
    request_body(content = String, description = "Paddle's event JSON, signed as sent", content_type = "application/json"),
    params(
        ("Paddle-Signature" = Option<String>, Header, description = "`ts=<unix>;h1=<hex HMAC-SHA256 of ts:body>`"),
        ("p-signature" = Option<String>, Header, description = "the earlier form: hex HMAC-SHA256 of the body"),
    ),
    responses((status = 200, body = WebhookAck),
        (status = 400, description = "not JSON, or no event_type or event_id"),
        (status = 401, description = "the signature does not match, or its timestamp is more than 5 minutes from now"),
        (status = 422, description = "no signature header"),
        (status = 503, description = "JOBSCOUT_PADDLE_WEBHOOK_SECRET is unset, or the database is unavailable (Paddle retries)")))]
pub async fn paddle_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookAck>> {
    let secret = billing::webhook_secret(&state.settings.paddle)?;
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let now = Utc::now();
    let signatures = signature::Headers {
        paddle_signature: header("paddle-signature"),
        p_signature: header("p-signature"),
    };
    match signature::verify(secret, signatures, &body, now) {
        Ok(()) => {}
        Err(signature::Refusal::Missing) => {
            return Err(Error::validation(
                &["header", "paddle-signature"],
                "Field required: send Paddle-Signature (or the earlier p-signature)",
                "missing",
            ));
        }
        Err(signature::Refusal::Invalid(reason)) => {
            tracing::warn!(reason, "paddle webhook refused");
            metrics::counter!("jobscout_paddle_webhooks_total", "outcome" => "refused")
                .increment(1);
            return Err(Error::Unauthorized(format!("Invalid signature: {reason}")));
        }
    }
    let apply = service(&state)?;
    billing::receive(&apply, &body, now).await?;
    Ok(Json(WebhookAck { status: "ok" }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CheckoutQuery {
    /// One of the plans (`weekly_standard` … `annual_power`) or `topup_20`;
    /// none means `monthly_standard`.
    pub plan: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutUrl {
    pub checkout_url: String,
    pub message: String,
}

/// A Paddle checkout for the caller: creates their Paddle customer once, then a
/// transaction whose checkout URL the web app opens.
#[utoipa::path(get, path = "/api/v1/paddle/checkout-url", tag = "billing", security(("bearer" = [])),
    params(CheckoutQuery),
    responses((status = 200, body = CheckoutUrl),
        (status = 400, description = "an unknown plan, a second subscription, or no e-mail on the account"),
        (status = 503, description = "billing or the plan's price is not configured, or Paddle failed")))]
pub async fn paddle_checkout_url(
    user: AuthUser,
    State(state): State<AppState>,
    Query(query): Query<CheckoutQuery>,
) -> Result<Json<CheckoutUrl>> {
    let apply = service(&state)?;
    let checkout = billing::checkout(
        &apply,
        user.user_id,
        user.email.as_deref(),
        query.plan.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(Json(CheckoutUrl {
        message: format!("Checkout created for {}", checkout.plan),
        checkout_url: checkout.checkout_url,
    }))
}
