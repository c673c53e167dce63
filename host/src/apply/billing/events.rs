//! Reading a Paddle webhook delivery and deciding what it changes (reference
//! §9). Pure: no I/O, so every event type's rule is tested on payloads alone.
//!
//! Both naming schemes are handled: Paddle Billing's (`subscription.canceled`,
//! `transaction.completed`, `transaction.payment_failed`) and the earlier
//! backend's (`subscription.cancelled`, `payment.succeeded`, `payment.failed`).
//! A completed transaction of a subscription pays a billing period and grants
//! that period's plan credits; the earlier backend granted credits only on
//! `payment.succeeded`, which Paddle Billing never sends, so renewals granted
//! nothing. Plan grants are keyed by subscription and billing period, so the
//! `subscription.created` and `transaction.completed` of the same first
//! payment grant once.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::apply::plans;
use crate::apply::referrals::{REFERRAL_CREDITS, REFERRER_PACKS};
use crate::config::{PaddleSettings, TOPUP_PLAN};
use crate::storage::accounts::CreditEntry;
use crate::storage::billing::{BillingEvent, ReferralReward, SubscriptionChange};

/// One delivery's envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    /// When Paddle says it happened (absent in the earlier payloads: then the
    /// time it was received).
    pub occurred_at: Option<DateTime<Utc>>,
    pub data: Value,
}

impl Delivery {
    /// Parses a body; the error is the 400's detail.
    pub fn parse(body: &[u8]) -> Result<Delivery, String> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|error| format!("Invalid JSON payload: {error}"))?;
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let event_type = text("event_type").ok_or("Missing event_type")?;
        let event_id = text("event_id").ok_or("Missing event_id")?;
        Ok(Delivery {
            event_id,
            event_type,
            occurred_at: text("occurred_at").and_then(|time| parse_time(&time)),
            data: value.get("data").cloned().unwrap_or(Value::Null),
        })
    }
}

/// What kind of change an event type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SubscriptionCreated,
    /// `subscription.updated` and the other state events (`activated`,
    /// `past_due`, `paused`, `resumed`, `trialing`).
    SubscriptionUpdated,
    SubscriptionCanceled,
    /// A payment: `transaction.completed`, or the earlier `payment.succeeded`
    /// (which always paid for the plan).
    Payment {
        earlier: bool,
    },
    PaymentFailed,
    /// Acknowledged and otherwise ignored.
    Other,
}

impl Kind {
    pub fn of(event_type: &str) -> Kind {
        match event_type {
            "subscription.created" => Kind::SubscriptionCreated,
            "subscription.canceled" | "subscription.cancelled" => Kind::SubscriptionCanceled,
            "subscription.updated"
            | "subscription.activated"
            | "subscription.past_due"
            | "subscription.paused"
            | "subscription.resumed"
            | "subscription.trialing" => Kind::SubscriptionUpdated,
            "transaction.completed" => Kind::Payment { earlier: false },
            "payment.succeeded" => Kind::Payment { earlier: true },
            "payment.failed" | "transaction.payment_failed" => Kind::PaymentFailed,
            _ => Kind::Other,
        }
    }
}

/// What a delivery's `data` says, in either naming scheme.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub custom_user_id: Option<Uuid>,
    pub custom_plan: Option<String>,
    pub custom_topup: bool,
    pub customer_id: Option<String>,
    pub subscription_id: Option<String>,
    pub transaction_id: Option<String>,
    pub status: Option<String>,
    pub price_ids: Vec<String>,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    /// A cancellation scheduled for the end of the period.
    pub scheduled_cancel: Option<DateTime<Utc>>,
}

impl Facts {
    pub fn of(kind: Kind, data: &Value) -> Facts {
        let text = |value: Option<&Value>| {
            value
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let time = |value: Option<&Value>| text(value).and_then(|time| parse_time(&time));
        let custom = data.get("custom_data");
        let is_subscription = matches!(
            kind,
            Kind::SubscriptionCreated | Kind::SubscriptionUpdated | Kind::SubscriptionCanceled
        );
        // A subscription event's own id is the subscription's; a transaction's is the transaction's.
        let own_id = text(data.get("id"));
        let (subscription_id, transaction_id) = if is_subscription {
            (
                text(data.get("subscription_id")).or(own_id),
                text(data.get("transaction_id")),
            )
        } else {
            (
                text(data.get("subscription_id")),
                own_id.or_else(|| text(data.get("transaction_id"))),
            )
        };
        let mut price_ids: Vec<String> = data
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| {
                text(item.pointer("/price/id")).or_else(|| text(item.get("price_id")))
            })
            .collect();
        price_ids.extend(text(data.get("price_id")));
        let period = data
            .get("current_billing_period")
            .filter(|period| !period.is_null())
            .or_else(|| data.get("billing_period"));
        let scheduled = data
            .get("scheduled_change")
            .filter(|change| change.get("action").and_then(Value::as_str) == Some("cancel"));
        Facts {
            custom_user_id: text(custom.and_then(|custom| custom.get("user_id")))
                .and_then(|id| Uuid::parse_str(&id).ok()),
            custom_plan: text(custom.and_then(|custom| custom.get("plan")))
                .map(|plan| plan.to_lowercase()),
            custom_topup: custom
                .and_then(|custom| custom.get("is_topup"))
                .is_some_and(truthy),
            customer_id: text(data.get("customer_id")),
            subscription_id,
            transaction_id,
            status: text(data.get("status")).map(|status| status.to_lowercase()),
            price_ids,
            period_start: time(period.and_then(|period| period.get("starts_at"))),
            period_end: time(period.and_then(|period| period.get("ends_at"))),
            canceled_at: time(data.get("canceled_at")),
            scheduled_cancel: time(scheduled.and_then(|change| change.get("effective_at"))),
        }
    }

    /// Whether this pays for the top-up rather than a plan.
    pub fn is_topup(&self, paddle: &PaddleSettings) -> bool {
        self.custom_topup
            || self.custom_plan.as_deref() == Some(TOPUP_PLAN)
            || self
                .price_ids
                .iter()
                .any(|price| paddle.plan_of_price(price) == Some(TOPUP_PLAN))
    }

    /// The plan paid for: the configured price mapping, else `custom_data.plan`
    /// when it names a plan.
    pub fn plan(&self, paddle: &PaddleSettings) -> Option<String> {
        self.price_ids
            .iter()
            .find_map(|price| paddle.plan_of_price(price))
            .filter(|plan| *plan != TOPUP_PLAN)
            .map(str::to_string)
            .or_else(|| {
                self.custom_plan
                    .clone()
                    .filter(|plan| plans::plan_credits(plan).is_some())
            })
    }
}

/// The plan a payment or a new subscription falls back to, as before.
const DEFAULT_PLAN: &str = "monthly_standard";

/// Statuses under which a subscription keeps its plan; any other means free.
const PLAN_KEEPING: [&str; 5] = ["active", "trialing", "past_due", "canceled", "cancelled"];

/// The writes a delivery for `user_id` makes; `None` when it changes nothing.
pub fn writes(
    delivery: &Delivery,
    facts: &Facts,
    paddle: &PaddleSettings,
    user_id: Uuid,
    received_at: DateTime<Utc>,
) -> Option<BillingEvent> {
    let occurred_at = delivery.occurred_at.unwrap_or(received_at);
    let mut change = None;
    let mut grants = Vec::new();
    let mut reward = None;
    let ids = || SubscriptionChange {
        subscription_id: facts.subscription_id.clone(),
        customer_id: facts.customer_id.clone(),
        ..SubscriptionChange::default()
    };
    match Kind::of(&delivery.event_type) {
        Kind::SubscriptionCreated => {
            let plan = facts.plan(paddle).unwrap_or_else(|| DEFAULT_PLAN.into());
            let status = facts.status.clone().unwrap_or_else(|| "active".into());
            if status != "trialing" {
                grants = plan_grants(&plan, facts, user_id, &delivery.event_id, occurred_at);
                reward = Some(referral_reward());
            }
            change = Some(SubscriptionChange {
                plan: Some(plan),
                status: Some(status),
                ends_at: Some(facts.scheduled_cancel),
                ..ids()
            });
        }
        Kind::SubscriptionUpdated => {
            let status = facts.status.clone();
            let plan = match status.as_deref() {
                Some(status) if !PLAN_KEEPING.contains(&status) => Some("free".to_string()),
                _ => facts.plan(paddle),
            };
            let ends_at = match status.as_deref() {
                Some("canceled" | "cancelled") => Some(Some(cancellation_end(facts, occurred_at))),
                _ => Some(facts.scheduled_cancel),
            };
            change = Some(SubscriptionChange {
                plan,
                status,
                ends_at,
                ..ids()
            });
        }
        Kind::SubscriptionCanceled => {
            change = Some(SubscriptionChange {
                status: Some(facts.status.clone().unwrap_or_else(|| "cancelled".into())),
                ends_at: Some(Some(cancellation_end(facts, occurred_at))),
                ..ids()
            });
        }
        Kind::Payment { earlier } => {
            if facts.is_topup(paddle) {
                let key = facts
                    .transaction_id
                    .clone()
                    .unwrap_or_else(|| delivery.event_id.clone());
                grants.push(CreditEntry {
                    delta_credits: plans::TOPUP_CREDITS,
                    reason: "topup",
                    feature: Some(TOPUP_PLAN.into()),
                    idempotency_key: format!("paddle:topup:{key}"),
                    metadata: Some(serde_json::json!({ "transaction_id": key })),
                    available_at: None,
                    expires_at: None,
                });
            } else if earlier || facts.subscription_id.is_some() {
                let plan = facts.plan(paddle).unwrap_or_else(|| DEFAULT_PLAN.into());
                grants = plan_grants(&plan, facts, user_id, &delivery.event_id, occurred_at);
                reward = Some(referral_reward());
                change = Some(SubscriptionChange {
                    plan: Some(plan),
                    status: Some("active".into()),
                    ..ids()
                });
            } else {
                return None;
            }
        }
        Kind::PaymentFailed => {
            change = Some(SubscriptionChange {
                status: Some("past_due".into()),
                ..ids()
            });
        }
        Kind::Other => return None,
    }
    Some(BillingEvent {
        event_id: delivery.event_id.clone(),
        event_type: delivery.event_type.clone(),
        occurred_at,
        user_id,
        change,
        grants,
        reward,
    })
}

fn referral_reward() -> ReferralReward {
    ReferralReward {
        credits: REFERRAL_CREDITS,
        packs: REFERRER_PACKS,
    }
}

/// When a cancelled subscription ends: the scheduled date, else when it was
/// cancelled, else the end of its period, else when the event occurred.
fn cancellation_end(facts: &Facts, occurred_at: DateTime<Utc>) -> DateTime<Utc> {
    facts
        .scheduled_cancel
        .or(facts.canceled_at)
        .or(facts.period_end)
        .unwrap_or(occurred_at)
}

/// `plan`'s credits for the billing period the facts name: one row, or for
/// annual plans one row per 30-day cycle, each available from its cycle's start.
/// Keyed by subscription (else user) and period start (else the transaction,
/// else the event), so any delivery about the same period grants once.
fn plan_grants(
    plan: &str,
    facts: &Facts,
    user_id: Uuid,
    event_id: &str,
    occurred_at: DateTime<Utc>,
) -> Vec<CreditEntry> {
    let Some((credits, cycles)) = plans::plan_credits(plan) else {
        return Vec::new();
    };
    let owner = facts
        .subscription_id
        .clone()
        .unwrap_or_else(|| user_id.to_string());
    let period = match (facts.period_start, &facts.transaction_id) {
        (Some(start), _) => start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (None, Some(transaction)) => transaction.clone(),
        (None, None) => event_id.to_string(),
    };
    let start = facts.period_start.unwrap_or(occurred_at);
    (0..cycles)
        .map(|cycle| CreditEntry {
            delta_credits: credits,
            reason: "plan_grant",
            feature: Some(plan.to_string()),
            idempotency_key: format!("paddle:plan_grant:{owner}:{period}:{cycle}"),
            metadata: Some(serde_json::json!({
                "plan": plan,
                "subscription_id": facts.subscription_id,
                "transaction_id": facts.transaction_id,
                "cycle": cycle,
            })),
            available_at: (cycle > 0).then(|| start + Duration::days(30 * cycle)),
            expires_at: None,
        })
        .collect()
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::String(text) => matches!(text.trim().to_lowercase().as_str(), "true" | "1" | "yes"),
        Value::Number(number) => number.as_i64() == Some(1),
        _ => false,
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
