//! Referrals through the real router on both engines: a code stored once per
//! user, the public check, applying a code (once, never one's own), and the reward
//! granted once per referee, each referee with a row of their own (the earlier
//! backend kept one row per referrer).

use chrono::Utc;
use serde_json::{json, Value};

use crate::apply_support::World;
use crate::common::TestDb;
use jobscout::apply::referrals;
use jobscout::storage::accounts;

#[tokio::test]
async fn codes_are_applied_once_and_rewarded_once_per_referee() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world
            .app(&db, &[("JOBSCOUT_SITE_URL", "https://app.example.com/")])
            .await;
        let ada = world.client(&app, "ada.lovelace@example.com");
        let bob = world.client(&app, "bob@example.com");
        let carol = world.client(&app, "carol@example.com");

        let stats = ada.get("/api/v1/referrals/stats").await;
        assert_eq!(stats.status, 200, "{}: {}", db.name, stats.text());
        let stats = stats.json();
        let code = stats["referral_code"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 11, "{code}");
        assert!(code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(
            stats["referral_link"],
            format!("https://app.example.com/login?ref={code}")
        );
        assert_eq!(
            (
                stats["completed_referrals"].clone(),
                stats["pending_referrals"].clone(),
                stats["total_packs_earned"].clone()
            ),
            (json!(0), json!(0), json!(0))
        );
        let again = ada.get("/api/v1/referrals/stats").await.json();
        assert_eq!(again["referral_code"], code.as_str(), "stored once");

        // The public check needs no sign-in.
        let valid = app.get(&format!("/api/v1/referrals/check/{code}")).await;
        assert_eq!(valid.status, 200);
        assert_eq!(
            valid.json(),
            json!({"valid": true, "referrer_name": "ada.lovelace"})
        );
        assert_eq!(
            app.get("/api/v1/referrals/check/nobody-has-it")
                .await
                .json(),
            json!({"valid": false})
        );

        let applied = bob
            .post("/api/v1/referrals/apply", json!({"referral_code": code}))
            .await;
        assert_eq!(applied.status, 200, "{}", applied.text());
        assert_eq!(applied.json()["status"], "applied");
        let twice = bob
            .post("/api/v1/referrals/apply", json!({"referral_code": code}))
            .await
            .json();
        assert_eq!(twice["status"], "already_referred");
        let own = ada
            .post("/api/v1/referrals/apply", json!({"referral_code": code}))
            .await;
        assert_eq!(own.status, 400, "{}", own.text());
        assert_eq!(
            own.json()["detail"],
            "You cannot use your own referral code"
        );
        let unknown = carol
            .post(
                "/api/v1/referrals/apply",
                json!({"referral_code": "nobody-has-it"}),
            )
            .await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.json()["detail"], "Invalid referral code");
        assert_eq!(
            carol
                .post("/api/v1/referrals/apply", json!({}))
                .await
                .status,
            422
        );
        assert_eq!(
            carol
                .post("/api/v1/referrals/apply", json!({"referral_code": code}))
                .await
                .json()["status"],
            "applied"
        );
        assert_eq!(
            ada.get("/api/v1/referrals/stats").await.json()["pending_referrals"],
            2
        );

        // Paying referees reward their referrer once each.
        let now = Utc::now();
        assert!(referrals::reward(&db.pool, bob.user_id, now).await.unwrap());
        assert!(
            !referrals::reward(&db.pool, bob.user_id, now).await.unwrap(),
            "once per referee"
        );
        assert!(
            !referrals::reward(&db.pool, ada.user_id, now).await.unwrap(),
            "nobody referred ada"
        );
        let stats: Value = ada.get("/api/v1/referrals/stats").await.json();
        assert_eq!(
            (
                stats["completed_referrals"].clone(),
                stats["pending_referrals"].clone(),
                stats["total_packs_earned"].clone()
            ),
            (json!(1), json!(1), json!(5)),
            "{}",
            db.name
        );
        assert!(referrals::reward(&db.pool, carol.user_id, now)
            .await
            .unwrap());
        assert_eq!(
            ada.get("/api/v1/referrals/stats").await.json()["total_packs_earned"],
            10
        );
        assert_eq!(
            accounts::credit_balance(&db.pool, ada.user_id, now)
                .await
                .unwrap(),
            2 * referrals::REFERRAL_CREDITS
        );
    }
}
