//! Paddle Billing (reference §9): the webhook that turns Paddle's deliveries
//! into plan changes and credit grants, and the checkout URL the Account page
//! opens. `signature.rs` checks a delivery, `events.rs` decides what it changes,
//! `storage::billing` writes it in one transaction, `paddle_api.rs` is the
//! checkout's two calls to Paddle.

pub mod events;
mod paddle_api;
pub mod signature;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{quota, Apply, Error, Result};
use crate::config::{PaddleSettings, CHECKOUT_PLANS, TOPUP_PLAN};
use crate::storage::billing::{self, Applied};
use events::{Delivery, Facts, Kind};
use paddle_api::PaddleApi;

/// What became of a delivery; each is acknowledged with 200 so Paddle stops
/// retrying, and counted in `jobscout_paddle_webhooks_total{outcome}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Its subscription change was older than the newest applied (its grants,
    /// if any, were written).
    Stale,
    /// The event id was applied before.
    Duplicate,
    /// No user holds its `custom_data.user_id`, customer id or subscription id.
    /// Not recorded, so a replay from Paddle's dashboard applies it later.
    Unmatched,
    /// An event type or a purchase that changes nothing here.
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Stale => "stale",
            Outcome::Duplicate => "duplicate",
            Outcome::Unmatched => "unmatched",
            Outcome::Ignored => "ignored",
        }
    }
}

/// The 503 of a webhook while no secret is set.
pub fn webhook_secret(paddle: &PaddleSettings) -> Result<&str> {
    paddle.webhook_secret.as_deref().ok_or_else(|| {
        Error::Unavailable(
            "Paddle webhooks are not configured: set JOBSCOUT_PADDLE_WEBHOOK_SECRET".into(),
        )
    })
}

/// Applies one delivery whose signature was verified; 400 for a body that is
/// not an event.
pub async fn receive(apply: &Apply, body: &[u8], now: DateTime<Utc>) -> Result<Outcome> {
    let delivery = Delivery::parse(body).map_err(Error::Invalid)?;
    let outcome = apply_delivery(apply, &delivery, now).await?;
    metrics::counter!("jobscout_paddle_webhooks_total", "outcome" => outcome.as_str()).increment(1);
    tracing::info!(
        event_id = %delivery.event_id,
        event_type = %delivery.event_type,
        outcome = outcome.as_str(),
        "paddle webhook"
    );
    Ok(outcome)
}

async fn apply_delivery(apply: &Apply, delivery: &Delivery, now: DateTime<Utc>) -> Result<Outcome> {
    let kind = Kind::of(&delivery.event_type);
    if kind == Kind::Other {
        return Ok(Outcome::Ignored);
    }
    // A cheap answer for the common retry; the transaction decides races.
    if billing::seen(&apply.pool, &delivery.event_id).await? {
        return Ok(Outcome::Duplicate);
    }
    let facts = Facts::of(kind, &delivery.data);
    let user = billing::find_user(
        &apply.pool,
        facts.custom_user_id,
        facts.customer_id.as_deref(),
        facts.subscription_id.as_deref(),
    )
    .await?;
    let Some(user_id) = user else {
        tracing::warn!(
            event_id = %delivery.event_id,
            event_type = %delivery.event_type,
            customer_id = facts.customer_id.as_deref().unwrap_or("-"),
            subscription_id = facts.subscription_id.as_deref().unwrap_or("-"),
            "paddle webhook matches no user; replay it from Paddle once the user exists"
        );
        return Ok(Outcome::Unmatched);
    };
    let Some(event) = events::writes(delivery, &facts, &apply.settings.paddle, user_id, now) else {
        return Ok(Outcome::Ignored);
    };
    Ok(
        match billing::apply_event(&apply.pool, &event, now).await? {
            Applied::Written { stale: false } => Outcome::Applied,
            Applied::Written { stale: true } => Outcome::Stale,
            Applied::Duplicate => Outcome::Duplicate,
        },
    )
}

/// `GET /paddle/checkout-url`'s answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    pub checkout_url: String,
    pub plan: String,
}

/// Statuses of a subscription that is still running: buying another plan
/// would charge twice (a top-up is still fine).
const RUNNING: [&str; 3] = ["active", "trialing", "past_due"];

/// Creates a Paddle transaction for `plan` (none: `monthly_standard`, else the
/// earlier vendor-id fallback) and returns its checkout URL. 400 for an unknown
/// plan, a second subscription or a user without an e-mail; 503 when billing
/// or the plan's price is not configured or Paddle fails.
pub async fn checkout(
    apply: &Apply,
    user_id: Uuid,
    email: Option<&str>,
    plan: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Checkout> {
    let paddle = &apply.settings.paddle;
    // An unknown plan is the caller's mistake whatever is configured.
    let (plan, price_id) = price_for(paddle, plan)?;
    let api = PaddleApi::new(paddle).ok_or_else(|| {
        Error::Unavailable("Billing is not configured: set JOBSCOUT_PADDLE_API_KEY".into())
    })?;
    let is_topup = plan == TOPUP_PLAN;
    let account = quota::account(apply, user_id, now).await?;
    let running = account
        .subscription
        .status
        .as_deref()
        .is_some_and(|status| RUNNING.contains(&status.trim()));
    if account.paid && running && !is_topup {
        return Err(Error::Invalid(
            "You already have an active subscription. Manage it from your account page, or buy a top-up for more credits.".into(),
        ));
    }
    let stored = crate::storage::users::get_user(&apply.pool, user_id).await?;
    let email = email
        .map(str::to_string)
        .or_else(|| stored.and_then(|user| user.email))
        .ok_or_else(|| {
            Error::Invalid(
                "Your account has no e-mail address; Paddle needs one for the receipt.".into(),
            )
        })?;
    let unavailable = |error: paddle_api::PaddleError| {
        tracing::warn!(%error, "paddle checkout failed");
        Error::Unavailable(format!("Could not start the checkout: {error}"))
    };
    let customer_id = match billing::customer_id(&apply.pool, user_id).await? {
        Some(id) => id,
        None => {
            let id = api.customer_for(&email).await.map_err(unavailable)?;
            billing::set_customer_id(&apply.pool, user_id, &id).await?;
            id
        }
    };
    let custom_data = json!({ "user_id": user_id, "plan": plan, "is_topup": is_topup });
    let checkout_url = api
        .checkout_url(&customer_id, &price_id, custom_data)
        .await
        .map_err(unavailable)?;
    Ok(Checkout { checkout_url, plan })
}

/// The plan asked for and its configured price id.
fn price_for(paddle: &PaddleSettings, plan: Option<&str>) -> Result<(String, String)> {
    let asked = plan
        .map(|plan| plan.trim().to_lowercase())
        .filter(|plan| !plan.is_empty());
    let Some(plan) = asked else {
        let fallback = paddle
            .price_of("monthly_standard")
            .or(paddle.vendor_id.as_deref());
        return fallback
            .map(|price| ("monthly_standard".to_string(), price.to_string()))
            .ok_or_else(|| {
                Error::Unavailable(format!(
                    "Billing has no default plan: set {}",
                    PaddleSettings::price_setting("monthly_standard")
                ))
            });
    };
    if !CHECKOUT_PLANS.contains(&plan.as_str()) {
        return Err(Error::Invalid(format!(
            "Unknown plan '{plan}'. Choose one of: {}",
            CHECKOUT_PLANS.join(", ")
        )));
    }
    let price = paddle.price_of(&plan).ok_or_else(|| {
        Error::Unavailable(format!(
            "Billing for plan '{plan}' is not configured: set {}",
            PaddleSettings::price_setting(&plan)
        ))
    })?;
    Ok((plan.clone(), price.to_string()))
}
