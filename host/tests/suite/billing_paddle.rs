//! Paddle billing through the real router on both engines, with a fake Paddle
//! on 127.0.0.1: webhooks applied once by event id (replays, duplicates and
//! concurrent deliveries change nothing), out-of-order deliveries, the
//! signature in both forms and every way it is refused, top-ups and the
//! referral reward, and the checkout creating the customer and transaction
//! through Paddle's API.

use futures::future::join_all;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::apply_support::{Client, World};
use crate::common::{count, TestApp, TestDb};
use crate::paddle_support::{deliver, deliver_raw, paddle_signature, webhook, FakePaddle};
use jobscout::storage::Pool;

const SECRET: &str = "pdl_ntfset_01test_webhook_secret";

fn billing_settings(paddle: &FakePaddle) -> Vec<(&'static str, String)> {
    vec![
        ("JOBSCOUT_PADDLE_WEBHOOK_SECRET", SECRET.into()),
        ("JOBSCOUT_PADDLE_API_KEY", "pdl_sdbx_apikey_test".into()),
        ("JOBSCOUT_PADDLE_API_BASE_URL", paddle.base_url.clone()),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_PRO",
            "pri_01monthlypro0000000000000".into(),
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_POWER",
            "pri_01monthlypower00000000000".into(),
        ),
        (
            "JOBSCOUT_PADDLE_PRICE_ID_TOPUP_20",
            "pri_01topup2000000000000000000".into(),
        ),
    ]
}

async fn billing_app(world: &World, db: &TestDb, paddle: &FakePaddle) -> TestApp {
    let settings = billing_settings(paddle);
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    world.app(db, &pairs).await
}

async fn quota(client: &Client<'_>) -> Value {
    let response = client.get("/api/v1/apply/quota").await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

/// One text column of one row, on either engine.
async fn text(pool: &Pool, sql: &str, user_id: Uuid) -> Option<String> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql)
            .bind(user_id.to_string())
            .fetch_one(pool)
            .await
            .unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql)
            .bind(user_id)
            .fetch_one(pool)
            .await
            .unwrap(),
    }
}

async fn events_recorded(pool: &Pool) -> i64 {
    count(pool, "SELECT COUNT(*) FROM paddle_events").await
}

fn ok(response: &crate::common::TestResponse, what: &str) {
    assert_eq!(response.status, 200, "{what}: {}", response.text());
    assert_eq!(response.json(), json!({"status": "ok"}), "{what}");
}

#[tokio::test]
async fn each_period_is_granted_once_however_often_paddle_delivers() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    for db in TestDb::all().await {
        let app = billing_app(&world, &db, &paddle).await;
        let ada = world.client(&app, "ada@example.com");
        assert_eq!(quota(&ada).await["plan"], "free");

        let created = webhook("subscription-created.json", ada.user_id);
        ok(&deliver(&app, SECRET, &created).await, "created");
        let account = quota(&ada).await;
        assert_eq!(account["plan"], "monthly_pro", "{}", db.name);
        assert_eq!(account["subscription_status"], "active");
        assert_eq!(account["credits_enabled"], true);
        assert_eq!(account["credits_balance"], 2_500);

        // A replay, and the first payment's own event about the same period.
        ok(&deliver(&app, SECRET, &created).await, "replayed");
        let first_payment = webhook("transaction-completed.json", ada.user_id);
        ok(
            &deliver(&app, SECRET, &first_payment).await,
            "first payment",
        );
        assert_eq!(quota(&ada).await["credits_balance"], 2_500, "{}", db.name);

        // Twenty simultaneous deliveries of the renewal grant it once.
        let renewal = webhook("transaction-completed-renewal.json", ada.user_id);
        let deliveries = (0..20).map(|_| deliver(&app, SECRET, &renewal));
        for response in join_all(deliveries).await {
            ok(&response, "concurrent renewal");
        }
        assert_eq!(quota(&ada).await["credits_balance"], 5_000, "{}", db.name);
        assert_eq!(events_recorded(&db.pool).await, 3, "{}", db.name);
        let grants = count(
            &db.pool,
            "SELECT COUNT(*) FROM credit_ledger WHERE reason = 'plan_grant'",
        )
        .await;
        assert_eq!(grants, 2, "{}", db.name);
    }
}

#[tokio::test]
async fn an_older_delivery_never_overwrites_a_newer_state_nor_wipes_the_ids() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    for db in TestDb::all().await {
        let app = billing_app(&world, &db, &paddle).await;
        let bob = world.client(&app, "bob@example.com");
        quota(&bob).await;

        // Paddle delivers the cancellation (Dec 2) before the plan change
        // (Nov 20) and before the subscription's creation (Nov 2).
        for name in [
            "subscription-canceled.json",
            "subscription-updated.json",
            "subscription-created.json",
        ] {
            ok(
                &deliver(&app, SECRET, &webhook(name, bob.user_id)).await,
                name,
            );
        }
        let sql = |column: &str| format!("SELECT {column} FROM users WHERE user_id = $1");
        let column = |name: &'static str| {
            let sql = sql(name);
            let pool = db.pool.clone();
            let user = bob.user_id;
            async move { text(&pool, &sql, user).await }
        };
        assert_eq!(
            column("subscription_status").await.as_deref(),
            Some("canceled"),
            "{}",
            db.name
        );
        // The older plan change did not apply; the plan stays what the
        // cancellation found (free here, as nothing newer set one).
        assert_ne!(column("plan").await.as_deref(), Some("monthly_power"));
        assert_eq!(
            column("subscription_id").await.as_deref(),
            Some("sub_01hv8x2ad3b4c5d6e7f8g9h0jk")
        );
        assert_eq!(
            column("paddle_customer_id").await.as_deref(),
            Some("ctm_01hv8wzq6xk1m2n3p4q5r6s7t8")
        );
        let stale = count(
            &db.pool,
            "SELECT COUNT(*) FROM paddle_events WHERE outcome = 'stale'",
        )
        .await;
        assert_eq!(stale, 2, "{}", db.name);
        // The late creation's grant was written (it was paid for) and ends with
        // the subscription, which has ended: nothing to spend.
        let expired = count(
            &db.pool,
            "SELECT COUNT(*) FROM credit_ledger WHERE reason = 'plan_grant' AND expires_at IS NOT NULL",
        )
        .await;
        assert_eq!(expired, 1, "{}", db.name);
        let account = quota(&bob).await;
        assert_eq!(account["credits_balance"], 0, "{}", db.name);
        assert_eq!(account["credits_enabled"], false);
    }
}

#[tokio::test]
async fn in_order_a_cancellation_keeps_the_plan_until_it_ends() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    for db in TestDb::all().await {
        let app = billing_app(&world, &db, &paddle).await;
        let cy = world.client(&app, "cy@example.com");
        quota(&cy).await;
        for name in ["subscription-created.json", "subscription-updated.json"] {
            ok(
                &deliver(&app, SECRET, &webhook(name, cy.user_id)).await,
                name,
            );
        }
        let account = quota(&cy).await;
        assert_eq!(account["plan"], "monthly_power", "{}", db.name);
        let ends = text(
            &db.pool,
            "SELECT CAST(subscription_ends_at AS TEXT) FROM users WHERE user_id = $1",
            cy.user_id,
        )
        .await
        .unwrap();
        assert!(ends.starts_with("2026-12-02"), "{}: {ends}", db.name);
        ok(
            &deliver(
                &app,
                SECRET,
                &webhook("transaction-payment-failed.json", cy.user_id),
            )
            .await,
            "payment failed",
        );
        assert_eq!(quota(&cy).await["subscription_status"], "past_due");
    }
}

#[tokio::test]
async fn top_ups_add_credits_and_a_paying_referee_rewards_the_referrer_once() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    for db in TestDb::all().await {
        let app = billing_app(&world, &db, &paddle).await;
        let ada = world.client(&app, "ada@example.com");
        let bob = world.client(&app, "bob@example.com");
        let code = ada.get("/api/v1/referrals/stats").await.json()["referral_code"]
            .as_str()
            .unwrap()
            .to_string();
        let applied = bob
            .post("/api/v1/referrals/apply", json!({"referral_code": code}))
            .await;
        assert_eq!(applied.status, 200, "{}", applied.text());

        // A top-up is not a subscription: no reward.
        let topup = webhook("transaction-completed-topup.json", bob.user_id);
        ok(&deliver(&app, SECRET, &topup).await, "topup");
        ok(&deliver(&app, SECRET, &topup).await, "topup replayed");
        let balance = |user: Uuid| {
            let pool = db.pool.clone();
            async move {
                count(
                    &pool,
                    &format!(
                        "SELECT CAST(COALESCE(SUM(delta_credits), 0) AS BIGINT) FROM credit_ledger WHERE user_id = '{user}'"
                    ),
                )
                .await
            }
        };
        assert_eq!(balance(bob.user_id).await, 200, "{}", db.name);
        assert_eq!(balance(ada.user_id).await, 0);

        for name in [
            "subscription-created.json",
            "transaction-completed.json",
            "transaction-completed-renewal.json",
        ] {
            ok(
                &deliver(&app, SECRET, &webhook(name, bob.user_id)).await,
                name,
            );
        }
        assert_eq!(
            balance(ada.user_id).await,
            50,
            "{}: once per referee",
            db.name
        );
        assert_eq!(balance(bob.user_id).await, 200 + 2 * 2_500);
        let stats = ada.get("/api/v1/referrals/stats").await.json();
        assert_eq!(stats["completed_referrals"], 1, "{}", db.name);
        assert_eq!(stats["total_packs_earned"], 5);
    }
}

#[tokio::test]
async fn deliveries_are_matched_by_customer_then_subscription_and_unknown_ones_wait() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    for db in TestDb::all().await {
        let app = billing_app(&world, &db, &paddle).await;
        let dee = world.client(&app, "dee@example.com");
        quota(&dee).await;
        let mut created = webhook("subscription-created.json", Uuid::new_v4());
        created["data"]["custom_data"] = Value::Null;
        // Nobody holds this customer yet: acknowledged, not recorded.
        ok(&deliver(&app, SECRET, &created).await, "unmatched");
        assert_eq!(events_recorded(&db.pool).await, 0, "{}", db.name);
        // Once the checkout stored the customer id, Paddle's retry applies.
        let stored = sqlx_update_customer(&db.pool, dee.user_id).await;
        assert_eq!(stored, 1);
        ok(&deliver(&app, SECRET, &created).await, "matched");
        assert_eq!(quota(&dee).await["plan"], "monthly_pro", "{}", db.name);
        assert_eq!(events_recorded(&db.pool).await, 1);
    }
}

async fn sqlx_update_customer(pool: &Pool, user_id: Uuid) -> u64 {
    let sql =
        "UPDATE users SET paddle_customer_id = 'ctm_01hv8wzq6xk1m2n3p4q5r6s7t8' WHERE user_id = $1";
    match pool {
        Pool::Sqlite(pool) => sqlx::query(sql)
            .bind(user_id.to_string())
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
        Pool::Postgres(pool) => sqlx::query(sql)
            .bind(user_id)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
    }
}

#[tokio::test]
async fn signatures_are_checked_in_both_forms_and_refusals_write_nothing() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = billing_app(&world, &db, &paddle).await;
    let eve = world.client(&app, "eve@example.com");
    quota(&eve).await;
    let body = webhook("subscription-created.json", eve.user_id)
        .to_string()
        .into_bytes();
    let now = chrono::Utc::now().timestamp();
    let signed =
        |secret: &str, at: i64| vec![("paddle-signature", paddle_signature(secret, at, &body))];

    let missing = deliver_raw(&app, &[], &body).await;
    assert_eq!(missing.status, 422, "{}", missing.text());
    assert_eq!(
        missing.json()["detail"][0]["loc"],
        json!(["header", "paddle-signature"])
    );

    let refusals = [
        (signed("another-secret", now), "signature mismatch"),
        (signed(SECRET, now - 301), "more than 5 minutes"),
        (signed(SECRET, now + 301), "more than 5 minutes"),
        (vec![("paddle-signature", format!("ts={now};h1"))], "no h1"),
        (
            vec![("p-signature", "00ff".to_string())],
            "signature mismatch",
        ),
    ];
    for (headers, reason) in refusals {
        let refused = deliver_raw(&app, &headers, &body).await;
        assert_eq!(refused.status, 401, "{headers:?}: {}", refused.text());
        let detail = refused.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains(reason), "{detail}");
    }
    // A signature over other bytes: the body was changed on the way.
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let refused = deliver_raw(&app, &signed(SECRET, now), &tampered).await;
    assert_eq!(refused.status, 401);
    assert_eq!(events_recorded(&db.pool).await, 0);
    assert_eq!(quota(&eve).await["plan"], "free");

    // Signed but not an event: 400.
    for (bad, detail) in [
        (&b"{not json"[..], "Invalid JSON payload"),
        (
            &br#"{"event_id":"evt_x","data":{}}"#[..],
            "Missing event_type",
        ),
    ] {
        let headers = vec![("paddle-signature", paddle_signature(SECRET, now, bad))];
        let response = deliver_raw(&app, &headers, bad).await;
        assert_eq!(response.status, 400, "{}", response.text());
        assert!(response.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with(detail));
    }

    // The earlier backend's p-signature still works.
    let earlier = jobscout::apply::billing::signature::sign_earlier(SECRET, &body);
    ok(
        &deliver_raw(&app, &[("p-signature", earlier)], &body).await,
        "p-signature",
    );
    assert_eq!(quota(&eve).await["plan"], "monthly_pro");

    // Without a secret the webhook says which setting is missing.
    let unconfigured = world.app(&db, &[]).await;
    let response = deliver(&unconfigured, SECRET, &json!({})).await;
    assert_eq!(response.status, 503);
    assert!(response.text().contains("JOBSCOUT_PADDLE_WEBHOOK_SECRET"));
}

#[tokio::test]
async fn the_checkout_creates_the_customer_once_and_a_transaction_per_click() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let paddle = FakePaddle::start().await;
        let app = billing_app(&world, &db, &paddle).await;
        let fay = world.client(&app, "fay@example.com");

        let response = fay
            .get("/api/v1/paddle/checkout-url?plan=monthly_pro")
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let answer = response.json();
        assert_eq!(
            answer["checkout_url"],
            "https://jobiqueue.com/pay?_ptxn=txn_fake00000000000000000001"
        );
        assert!(answer["message"].as_str().unwrap().contains("monthly_pro"));
        let received = paddle.received();
        assert_eq!(received.len(), 2, "{received:?}");
        assert_eq!(
            (received[0].method.as_str(), received[0].path.as_str()),
            ("POST", "/customers")
        );
        assert_eq!(received[0].body, json!({"email": "fay@example.com"}));
        assert_eq!(
            received[0].authorization.as_deref(),
            Some("Bearer pdl_sdbx_apikey_test")
        );
        assert_eq!(received[0].paddle_version.as_deref(), Some("1"));
        let transaction = &received[1].body;
        assert_eq!(received[1].path, "/transactions");
        assert_eq!(
            transaction["items"],
            json!([{"price_id": "pri_01monthlypro0000000000000", "quantity": 1}])
        );
        assert_eq!(transaction["customer_id"], "ctm_fake00000000000000000001");
        assert_eq!(
            transaction["custom_data"],
            json!({"user_id": fay.user_id, "plan": "monthly_pro", "is_topup": false})
        );

        // The customer id was stored: a second click creates only a transaction.
        let again = fay.get("/api/v1/paddle/checkout-url?plan=topup_20").await;
        assert_eq!(again.status, 200, "{}", again.text());
        let received = paddle.received();
        assert_eq!(received.len(), 3);
        assert_eq!(received[2].path, "/transactions");
        assert_eq!(received[2].body["custom_data"]["is_topup"], true);
    }
}

#[tokio::test]
async fn checkout_errors_are_clear_400s_and_503s() {
    let world = World::start().await;
    let paddle = FakePaddle::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = billing_app(&world, &db, &paddle).await;
    let gus = world.client(&app, "gus@example.com");

    let unknown = gus.get("/api/v1/paddle/checkout-url?plan=platinum").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text().contains("Choose one of: weekly_standard"));
    let unpriced = gus.get("/api/v1/paddle/checkout-url?plan=annual_pro").await;
    assert_eq!(unpriced.status, 503);
    assert!(unpriced
        .text()
        .contains("set JOBSCOUT_PADDLE_PRICE_ID_ANNUAL_PRO"));
    let no_default = gus.get("/api/v1/paddle/checkout-url").await;
    assert_eq!(no_default.status, 503);
    assert!(no_default
        .text()
        .contains("JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_STANDARD"));

    // Paddle already knows the e-mail: its customer is reused.
    paddle.add_customer("gus@example.com", "ctm_01existing0000000000000000");
    let reused = gus
        .get("/api/v1/paddle/checkout-url?plan=monthly_pro")
        .await;
    assert_eq!(reused.status, 200, "{}", reused.text());
    let received = paddle.received();
    assert_eq!(
        received.last().unwrap().body["customer_id"],
        "ctm_01existing0000000000000000"
    );

    // Subscribed: a second plan is refused, a top-up is not.
    ok(
        &deliver(
            &app,
            SECRET,
            &webhook("subscription-created.json", gus.user_id),
        )
        .await,
        "created",
    );
    let second = gus
        .get("/api/v1/paddle/checkout-url?plan=monthly_power")
        .await;
    assert_eq!(second.status, 400, "{}", second.text());
    assert!(second
        .text()
        .contains("already have an active subscription"));
    let topup = gus.get("/api/v1/paddle/checkout-url?plan=topup_20").await;
    assert_eq!(topup.status, 200, "{}", topup.text());

    paddle.set_down(true);
    let down = gus.get("/api/v1/paddle/checkout-url?plan=topup_20").await;
    assert_eq!(down.status, 503);
    assert!(
        down.text().contains("Could not start the checkout"),
        "{}",
        down.text()
    );
    assert!(!down.text().contains("pdl_sdbx_apikey_test"));

    let unconfigured = world
        .app(
            &db,
            &[(
                "JOBSCOUT_PADDLE_PRICE_ID_MONTHLY_PRO",
                "pri_01monthlypro0000000000000",
            )],
        )
        .await;
    let hal = world.client(&unconfigured, "hal@example.com");
    let response = hal
        .get("/api/v1/paddle/checkout-url?plan=monthly_pro")
        .await;
    assert_eq!(response.status, 503);
    assert!(response.text().contains("set JOBSCOUT_PADDLE_API_KEY"));
}
