//! Every event type's rule, on the payloads of `fixtures/paddle`.

use super::*;
use crate::config::Settings;

const FIXTURE_USER: &str = "00000000-0000-4000-8000-000000000001";

fn paddle() -> PaddleSettings {
    Settings::from_pairs([
        (
            "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_PRO",
            "pri_01monthlypro0000000000000",
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_POWER",
            "pri_01monthlypower00000000000",
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_ANNUAL_PRO",
            "pri_01annualpro00000000000000",
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_TOPUP_20",
            "pri_01topup2000000000000000000",
        ),
        ("JOBSCOUT_PADDLE_PRODUCT_ID", "pro_legacy_single"),
    ])
    .settings
    .paddle
}

fn delivery(name: &str) -> Delivery {
    let path = format!("{}/../fixtures/paddle/{name}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    Delivery::parse(&body).unwrap()
}

fn user() -> Uuid {
    Uuid::parse_str(FIXTURE_USER).unwrap()
}

fn received() -> DateTime<Utc> {
    parse_time("2026-12-07T12:00:00Z").unwrap()
}

fn writes_of(name: &str) -> Option<BillingEvent> {
    let delivery = delivery(name);
    let facts = Facts::of(Kind::of(&delivery.event_type), &delivery.data);
    writes(&delivery, &facts, &paddle(), user(), received())
}

#[test]
fn envelopes_need_an_event_type_and_an_event_id() {
    assert_eq!(
        Delivery::parse(b"{not json").unwrap_err().split(':').next(),
        Some("Invalid JSON payload")
    );
    assert_eq!(
        Delivery::parse(br#"{"event_id":"evt_1","data":{}}"#).unwrap_err(),
        "Missing event_type"
    );
    assert_eq!(
        Delivery::parse(br#"{"event_type":"subscription.created"}"#).unwrap_err(),
        "Missing event_id"
    );
    let delivery = delivery("subscription-created.json");
    assert_eq!(delivery.event_id, "evt_01hv8x2a6cy7c0d1e2f3g4h5j6");
    assert_eq!(
        delivery.occurred_at,
        parse_time("2026-11-02T10:15:31.284719Z")
    );
}

#[test]
fn a_new_subscription_sets_the_plan_grants_its_period_and_rewards_the_referrer() {
    let event = writes_of("subscription-created.json").unwrap();
    let change = event.change.unwrap();
    assert_eq!(change.plan.as_deref(), Some("monthly_pro"));
    assert_eq!(change.status.as_deref(), Some("active"));
    assert_eq!(
        change.subscription_id.as_deref(),
        Some("sub_01hv8x2ad3b4c5d6e7f8g9h0jk")
    );
    assert_eq!(
        change.customer_id.as_deref(),
        Some("ctm_01hv8wzq6xk1m2n3p4q5r6s7t8")
    );
    assert_eq!(change.ends_at, Some(None), "a new subscription has no end");
    assert_eq!(event.grants.len(), 1);
    let grant = &event.grants[0];
    assert_eq!((grant.delta_credits, grant.reason), (2_500, "plan_grant"));
    assert_eq!(
        grant.idempotency_key,
        "paddle:plan_grant:sub_01hv8x2ad3b4c5d6e7f8g9h0jk:2026-11-02T10:15:29Z:0"
    );
    assert_eq!(
        event.reward,
        Some(ReferralReward {
            credits: 50,
            packs: 5
        })
    );
}

#[test]
fn the_first_payment_grants_under_the_same_key_as_the_new_subscription() {
    let created = writes_of("subscription-created.json").unwrap();
    let paid = writes_of("transaction-completed.json").unwrap();
    assert_eq!(created.grants, paid.grants, "one grant for one period");
    let renewal = writes_of("transaction-completed-renewal.json").unwrap();
    assert_eq!(renewal.grants.len(), 1);
    assert_eq!(
        renewal.grants[0].idempotency_key,
        "paddle:plan_grant:sub_01hv8x2ad3b4c5d6e7f8g9h0jk:2026-12-02T10:15:29Z:0",
        "a renewal pays a new period"
    );
    let change = renewal.change.unwrap();
    assert_eq!(change.status.as_deref(), Some("active"));
    assert_eq!(change.ends_at, None, "a payment leaves the end alone");
}

#[test]
fn a_top_up_grants_200_credits_once_per_transaction_and_touches_no_plan() {
    let event = writes_of("transaction-completed-topup.json").unwrap();
    assert_eq!(event.change, None);
    assert_eq!(event.reward, None);
    assert_eq!(event.grants.len(), 1);
    assert_eq!(
        (
            event.grants[0].delta_credits,
            event.grants[0].reason,
            event.grants[0].idempotency_key.as_str()
        ),
        (200, "topup", "paddle:topup:txn_01j0topup00000000000000001")
    );
}

#[test]
fn an_update_moves_the_plan_and_records_a_scheduled_cancellation() {
    let event = writes_of("subscription-updated.json").unwrap();
    assert!(event.grants.is_empty());
    assert_eq!(event.reward, None);
    let change = event.change.unwrap();
    assert_eq!(change.plan.as_deref(), Some("monthly_power"));
    assert_eq!(change.status.as_deref(), Some("active"));
    assert_eq!(change.ends_at, Some(parse_time("2026-12-02T10:15:29.402Z")));
}

#[test]
fn an_update_to_a_status_that_does_not_keep_the_plan_means_free() {
    let mut delivery = delivery("subscription-updated.json");
    delivery.data["status"] = "paused".into();
    let facts = Facts::of(Kind::SubscriptionUpdated, &delivery.data);
    let change = writes(&delivery, &facts, &paddle(), user(), received())
        .unwrap()
        .change
        .unwrap();
    assert_eq!(change.plan.as_deref(), Some("free"));
    assert_eq!(change.status.as_deref(), Some("paused"));
    // The ids are kept: the earlier backend wiped them here.
    assert!(change.subscription_id.is_some() && change.customer_id.is_some());
}

#[test]
fn a_cancellation_keeps_the_plan_and_ends_when_paddle_says() {
    let event = writes_of("subscription-canceled.json").unwrap();
    let change = event.change.unwrap();
    assert_eq!(change.plan, None, "the plan is kept until the end");
    assert_eq!(change.status.as_deref(), Some("canceled"));
    assert_eq!(change.ends_at, Some(parse_time("2026-12-02T10:15:29.402Z")));
    assert!(event.grants.is_empty());
}

#[test]
fn a_failed_payment_marks_the_subscription_past_due() {
    let event = writes_of("transaction-payment-failed.json").unwrap();
    let change = event.change.unwrap();
    assert_eq!(change.status.as_deref(), Some("past_due"));
    assert_eq!(change.plan, None);
    assert!(event.grants.is_empty());
}

#[test]
fn the_earlier_payment_succeeded_grants_an_annual_plan_as_twelve_cycles() {
    let event = writes_of("earlier-payment-succeeded.json").unwrap();
    assert_eq!(event.occurred_at, received(), "no occurred_at: received");
    assert_eq!(event.grants.len(), 12);
    assert!(event
        .grants
        .iter()
        .all(|grant| grant.delta_credits == 1_500));
    assert_eq!(event.grants[0].available_at, None);
    assert_eq!(
        event.grants[11].available_at,
        Some(received() + Duration::days(330))
    );
    let keys: std::collections::BTreeSet<_> = event
        .grants
        .iter()
        .map(|grant| grant.idempotency_key.clone())
        .collect();
    assert_eq!(keys.len(), 12, "each cycle has its own key");
}

#[test]
fn the_plan_comes_from_the_price_then_custom_data_then_the_default() {
    let paddle = paddle();
    let facts = |prices: &[&str], plan: Option<&str>| Facts {
        price_ids: prices.iter().map(|price| price.to_string()).collect(),
        custom_plan: plan.map(str::to_string),
        ..Facts::default()
    };
    assert_eq!(
        facts(&["pri_01monthlypower00000000000"], Some("weekly_pro")).plan(&paddle),
        Some("monthly_power".into())
    );
    assert_eq!(
        facts(&["pri_unknown"], Some("weekly_pro")).plan(&paddle),
        Some("weekly_pro".into())
    );
    assert_eq!(
        facts(&["pro_legacy_single"], None).plan(&paddle),
        Some("monthly_standard".into()),
        "the earlier product id"
    );
    assert_eq!(facts(&[], Some("platinum")).plan(&paddle), None);
}

#[test]
fn other_events_and_one_off_purchases_change_nothing() {
    let mut delivery = delivery("transaction-completed.json");
    delivery.event_type = "customer.updated".into();
    let facts = Facts::of(Kind::of(&delivery.event_type), &delivery.data);
    assert_eq!(
        writes(&delivery, &facts, &paddle(), user(), received()),
        None
    );
    let mut one_off = self::delivery("transaction-completed.json");
    one_off.data["subscription_id"] = Value::Null;
    one_off.data["items"][0]["price"]["id"] = "pri_unknown".into();
    one_off.data["custom_data"]["plan"] = Value::Null;
    let facts = Facts::of(Kind::of(&one_off.event_type), &one_off.data);
    assert_eq!(
        writes(&one_off, &facts, &paddle(), user(), received()),
        None
    );
}
