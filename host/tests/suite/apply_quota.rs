//! Plans, quotas and credits through the real router on both engines (reference
//! §4.8): the free plan's quotas on packs, exports and active applications with
//! the earlier 403 texts; credit mode, where 50 simultaneous pack generations
//! holding credits for exactly 10 get exactly 10 packs; `GET /apply/quota` in
//! both modes with the legacy-plan migration; quota windows across a week and a
//! month boundary with an injected clock.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::apply_support::{Client, World};
use crate::common::TestDb;
use crate::plugins_support;
use jobscout::storage::accounts::{self, CreditEntry};
use jobscout::storage::Pool;

fn fixture(name: &str) -> String {
    let path = plugins_support::repository_root()
        .join("fixtures/jobs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A template pack request for the n-th job (a new job each n: no cache hit).
fn pack_request(n: usize) -> Value {
    json!({"resume_text": fixture("resume-senior-backend.txt"),
           "job_text": format!("{}\nReference: quota-{n}", fixture("pasted-labelled.txt")),
           "use_ai": false})
}

async fn generate(client: &Client<'_>, n: usize) -> crate::common::TestResponse {
    client
        .post("/api/v1/apply/pack/generate", pack_request(n))
        .await
}

async fn set_plan(pool: &Pool, user_id: Uuid, plan: &str, status: Option<&str>) {
    let sql = "UPDATE users SET plan = $1, subscription_status = $2 WHERE user_id = $3";
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query(sql)
                .bind(plan)
                .bind(status)
                .bind(user_id.to_string())
                .execute(pool)
                .await
                .unwrap();
        }
        Pool::Postgres(pool) => {
            sqlx::query(sql)
                .bind(plan)
                .bind(status)
                .bind(user_id)
                .execute(pool)
                .await
                .unwrap();
        }
    }
}

fn grant(credits: i64, key: &str) -> CreditEntry {
    CreditEntry {
        delta_credits: credits,
        reason: "plan_grant",
        feature: None,
        idempotency_key: key.to_string(),
        metadata: None,
        available_at: None,
        expires_at: None,
    }
}

/// `(sum of deltas, spend rows, usage rows)` of the user.
async fn ledgers(pool: &Pool, user_id: Uuid) -> (i64, i64, i64) {
    let sums = "SELECT CAST(COALESCE(SUM(delta_credits), 0) AS BIGINT), \
                CAST(COUNT(*) FILTER (WHERE reason = 'spend') AS BIGINT) FROM credit_ledger WHERE user_id = $1";
    let usage =
        "SELECT COUNT(*) FROM usage_ledger WHERE user_id = $1 AND action_type = 'apply_pack'";
    match pool {
        Pool::Sqlite(pool) => {
            let (sum, spends): (i64, i64) = sqlx::query_as(sums)
                .bind(user_id.to_string())
                .fetch_one(pool)
                .await
                .unwrap();
            let used: i64 = sqlx::query_scalar(usage)
                .bind(user_id.to_string())
                .fetch_one(pool)
                .await
                .unwrap();
            (sum, spends, used)
        }
        Pool::Postgres(pool) => {
            let (sum, spends): (i64, i64) = sqlx::query_as(sums)
                .bind(user_id)
                .fetch_one(pool)
                .await
                .unwrap();
            let used: i64 = sqlx::query_scalar(usage)
                .bind(user_id)
                .fetch_one(pool)
                .await
                .unwrap();
            (sum, spends, used)
        }
    }
}

const NO_PACK_LIMIT: (&str, &str) = ("JOBSCOUT_RATE_LIMIT_APPLY_PACK_PER_MINUTE", "1000000");

#[tokio::test]
async fn the_free_plan_counts_packs_exports_and_active_applications() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[NO_PACK_LIMIT]).await;
        let ada = world.client(&app, "ada@example.com");

        let quota = ada.get("/api/v1/apply/quota").await;
        assert_eq!(quota.status, 200, "{}: {}", db.name, quota.text());
        let quota = quota.json();
        assert_eq!(quota["plan"], "free");
        assert_eq!(
            quota["apply_packs"],
            json!({"allowed": true, "remaining": 2, "limit": 2, "used": 0})
        );
        assert_eq!(quota["docx_export"]["limit"], 6);
        assert_eq!(quota["tracking"]["limit"], 5);
        assert_eq!(quota["credits_balance"], 0);
        assert_eq!(quota["credits_enabled"], false);
        assert_eq!(quota["premium_ai_enabled"], false);
        assert_eq!(quota["apply_pack_review_enabled"], true);

        let first = generate(&ada, 0).await;
        assert_eq!(first.status, 200, "{}", first.text());
        let pack_id = first.json()["apply_pack_id"].as_str().unwrap().to_string();
        assert_eq!(generate(&ada, 1).await.status, 200);
        let refused = generate(&ada, 2).await;
        assert_eq!(refused.status, 403, "{}", refused.text());
        assert_eq!(
            refused.json()["detail"],
            "Quota exceeded. 2/2 apply packs used this month."
        );
        // A pack already made is the cache's, and free.
        assert_eq!(generate(&ada, 0).await.status, 200);
        assert_eq!(
            ada.get("/api/v1/apply/quota").await.json()["apply_packs"],
            json!({"allowed": false, "remaining": 0, "limit": 2, "used": 2})
        );

        let export = format!("/api/v1/apply/pack/{pack_id}/export?format=resume");
        for _ in 0..6 {
            assert_eq!(ada.get(&export).await.status, 200);
        }
        let seventh = ada.get(&export).await;
        assert_eq!(seventh.status, 403, "{}", seventh.text());
        assert!(
            seventh.json()["detail"]
                .as_str()
                .unwrap()
                .starts_with("Quota exceeded. 6/6 document exports used this month."),
            "{}",
            seventh.text()
        );

        let mut ids = Vec::new();
        for _ in 0..5 {
            let created = ada.post("/api/v1/apply/application", json!({})).await;
            assert_eq!(created.status, 200, "{}", created.text());
            ids.push(
                created.json()["application_id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        let sixth = ada.post("/api/v1/apply/application", json!({})).await;
        assert_eq!(sixth.status, 403, "{}", sixth.text());
        assert!(
            sixth.json()["detail"]
                .as_str()
                .unwrap()
                .starts_with("Tracking limit reached. 5/5 active applications"),
            "{}",
            sixth.text()
        );
        // A closed application frees its place.
        let closed = ada
            .call(
                axum::http::Method::PUT,
                &format!("/api/v1/apply/application/{}", ids[0]),
                Some(json!({"status": "rejected"})),
            )
            .await;
        assert_eq!(closed.status, 200);
        assert_eq!(
            ada.post("/api/v1/apply/application", json!({}))
                .await
                .status,
            200
        );
        assert_eq!(
            ada.get("/api/v1/apply/quota").await.json()["tracking"],
            json!({"allowed": false, "remaining": 0, "limit": 5, "used": 5})
        );
    }
}

#[tokio::test]
async fn fifty_simultaneous_packs_holding_credits_for_ten_make_exactly_ten() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[NO_PACK_LIMIT]).await;
        let ada = world.client(&app, "ada@example.com");
        // The first call creates the user's row; then the plan is paid, with credits.
        assert_eq!(ada.get("/api/v1/apply/quota").await.status, 200);
        set_plan(&db.pool, ada.user_id, "monthly_pro", Some("active")).await;
        let now = Utc::now();
        assert!(accounts::add_credits(
            &db.pool,
            ada.user_id,
            &grant(100, &format!("grant:{}", ada.user_id)),
            now
        )
        .await
        .unwrap());
        // The same grant again changes nothing.
        assert!(!accounts::add_credits(
            &db.pool,
            ada.user_id,
            &grant(100, &format!("grant:{}", ada.user_id)),
            now
        )
        .await
        .unwrap());
        let quota = ada.get("/api/v1/apply/quota").await.json();
        assert_eq!(quota["credits_enabled"], true);
        assert_eq!(quota["credits_balance"], 100);
        assert_eq!(
            quota["apply_packs"],
            json!({"allowed": true, "remaining": 10, "limit": 10, "used": 0})
        );

        let requests = (0..50).map(|n| generate(&ada, 1_000 + n));
        let answers = futures::future::join_all(requests).await;
        let statuses: Vec<u16> = answers
            .iter()
            .map(|answer| answer.status.as_u16())
            .collect();
        let made = statuses.iter().filter(|status| **status == 200).count();
        let refused = statuses.iter().filter(|status| **status == 403).count();
        assert_eq!((made, refused), (10, 40), "{}: {statuses:?}", db.name);
        for answer in answers.iter().filter(|answer| answer.status == 403) {
            assert!(
                answer.json()["detail"].as_str().unwrap().starts_with(
                    "Insufficient credits: this needs 10 credits and your balance is "
                ),
                "{}",
                answer.text()
            );
        }
        assert_eq!(
            ledgers(&db.pool, ada.user_id).await,
            (0, 10, 10),
            "{}",
            db.name
        );
        let history = ada.get("/api/v1/apply/history").await.json();
        assert_eq!(history["total"], 10);
        let quota = ada.get("/api/v1/apply/quota").await.json();
        assert_eq!(quota["credits_balance"], 0);
        assert_eq!(quota["apply_packs"]["allowed"], false);
    }
}

#[tokio::test]
async fn a_legacy_paid_plan_moves_to_a_current_one_with_its_credits_once() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        assert_eq!(ada.get("/api/v1/apply/quota").await.status, 200);
        set_plan(&db.pool, ada.user_id, "pro_plus", None).await;
        let quota = ada.get("/api/v1/apply/quota").await.json();
        assert_eq!(quota["plan"], "monthly_pro", "{}", db.name);
        assert_eq!(quota["credits_balance"], 2_500);
        assert_eq!(quota["packs_equivalent"], 250);
        assert_eq!(quota["credits_enabled"], true);
        assert_eq!(
            quota["docx_export"],
            json!({"allowed": true, "remaining": null, "limit": null})
        );
        // Again (or moved back by hand): no second grant.
        set_plan(&db.pool, ada.user_id, "pro_plus", None).await;
        assert_eq!(
            ada.get("/api/v1/apply/quota").await.json()["credits_balance"],
            2_500
        );

        // An unpaid legacy plan is not migrated and gets the free limits.
        let bob = world.client(&app, "bob@example.com");
        assert_eq!(bob.get("/api/v1/apply/quota").await.status, 200);
        set_plan(&db.pool, bob.user_id, "pro", Some("cancelled")).await;
        let quota = bob.get("/api/v1/apply/quota").await.json();
        assert_eq!(quota["plan"], "pro");
        assert_eq!(quota["apply_packs"]["limit"], 2);
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn quota_windows_turn_over_at_the_week_and_the_month_with_an_injected_clock() {
    for db in TestDb::all().await {
        let user_id = Uuid::new_v4();
        jobscout::storage::users::upsert_user(&db.pool, user_id, None)
            .await
            .unwrap();
        // Sunday 2026-12-06 late, then Monday the 7th: a new week.
        for time in [
            "2026-11-30T09:00:00Z",
            "2026-12-06T23:59:59Z",
            "2026-12-07T00:00:00Z",
        ] {
            accounts::record_usage(&db.pool, user_id, "apply_pack", None, at(time))
                .await
                .unwrap();
        }
        // The rows the quota counts at `now`, in the window `plans` gives it.
        let used = |now: &'static str, weekly: bool| {
            let pool = db.pool.clone();
            async move {
                let since = jobscout::apply::plans::window_start(at(now), weekly);
                accounts::usage_since(&pool, user_id, "apply_pack", since)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            jobscout::apply::plans::window_start(at("2026-12-07T12:00:00Z"), true),
            at("2026-12-07T00:00:00Z")
        );
        assert_eq!(
            used("2026-12-07T12:00:00Z", true).await,
            1,
            "{}: this week",
            db.name
        );
        assert_eq!(
            jobscout::apply::plans::window_start(at("2026-12-06T23:59:59Z"), true),
            at("2026-11-30T00:00:00Z")
        );
        assert_eq!(used("2026-12-06T23:59:59Z", true).await, 3, "last week");
        // December so far: the two December rows, not November's.
        assert_eq!(
            jobscout::apply::plans::window_start(at("2026-12-31T23:59:59Z"), false),
            at("2026-12-01T00:00:00Z")
        );
        assert_eq!(
            used("2026-12-31T23:59:59Z", false).await,
            2,
            "{}: this month",
            db.name
        );
        assert_eq!(
            jobscout::apply::plans::window_start(at("2027-01-01T00:00:00Z"), false),
            at("2027-01-01T00:00:00Z")
        );
        assert_eq!(used("2027-01-01T00:00:00Z", false).await, 0, "January");

        // Credits: available from their date, gone at their expiry.
        let mut later = grant(50, &format!("later:{user_id}"));
        later.available_at = Some(at("2026-12-10T00:00:00Z"));
        later.expires_at = Some(at("2027-01-09T00:00:00Z"));
        accounts::add_credits(&db.pool, user_id, &later, at("2026-12-07T00:00:00Z"))
            .await
            .unwrap();
        let balance = |when: &'static str| {
            let pool = db.pool.clone();
            async move {
                accounts::credit_balance(&pool, user_id, at(when))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(balance("2026-12-09T23:59:59Z").await, 0);
        assert_eq!(balance("2026-12-10T00:00:00Z").await, 50);
        assert_eq!(balance("2027-01-09T00:00:00Z").await, 0, "{}", db.name);
        assert_eq!(
            accounts::next_expiry(&db.pool, user_id, at("2027-01-03T00:00:00Z"))
                .await
                .unwrap(),
            Some(at("2027-01-09T00:00:00Z"))
        );
    }
}

/// The Apply service over a test app's state (the premium-AI routes come with
/// the premium-AI issue; their gate is checked here).
fn service(app: &crate::common::TestApp, db: &TestDb) -> jobscout::apply::Apply {
    jobscout::apply::Apply {
        pool: db.pool.clone(),
        plugins: app.state.plugins.clone(),
        settings: app.state.settings.clone(),
        fetcher: app.state.fetcher.clone(),
        ai: app.state.ai.clone(),
    }
}

#[tokio::test]
async fn premium_ai_is_gated_by_its_switch_its_monthly_quota_and_its_credits() {
    use jobscout::apply::plans::Feature;
    use jobscout::apply::quota::{charge_premium, premium_gate};
    let world = World::start().await;
    for db in TestDb::all().await {
        let off = world.app(&db, &[]).await;
        let ada = world.client(&off, "ada@example.com");
        let bob = world.client(&off, "bob@example.com");
        for client in [&ada, &bob] {
            assert_eq!(client.get("/api/v1/apply/quota").await.status, 200);
        }
        let now = Utc::now();
        let disabled = premium_gate(&service(&off, &db), ada.user_id, Feature::AiTemplate, now)
            .await
            .unwrap_err();
        assert!(
            matches!(disabled, jobscout::apply::Error::NotFound(_)),
            "{disabled}"
        );

        let app = world
            .app(&db, &[("JOBSCOUT_PREMIUM_AI_ENABLED", "true")])
            .await;
        let apply = service(&app, &db);
        let free = premium_gate(&apply, ada.user_id, Feature::AiTemplate, now)
            .await
            .unwrap_err();
        assert_eq!(free.to_string(), "Quota exceeded. 0/0 used this month.");

        // Quota mode: monthly_standard has 20 coach sessions a month; of 30
        // simultaneous requests exactly 20 are charged.
        set_plan(&db.pool, ada.user_id, "monthly_standard", Some("active")).await;
        let attempts = (0..30).map(|_| async {
            let gate = premium_gate(&apply, ada.user_id, Feature::AiInterviewCoach, now).await?;
            charge_premium(&apply, ada.user_id, gate, now).await
        });
        let outcomes = futures::future::join_all(attempts).await;
        let charged = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
        assert_eq!(charged, 20, "{}", db.name);
        for refused in outcomes.iter().filter_map(|outcome| outcome.as_ref().err()) {
            assert_eq!(
                refused.to_string(),
                "Quota exceeded. 20/20 used this month."
            );
        }
        let after = premium_gate(&apply, ada.user_id, Feature::AiInterviewCoach, now)
            .await
            .unwrap_err();
        assert_eq!(after.to_string(), "Quota exceeded. 20/20 used this month.");

        // Credit mode: 30 credits pay two coach sessions (12 each) but not a
        // third; a template (5) still fits.
        set_plan(&db.pool, bob.user_id, "monthly_pro", Some("active")).await;
        accounts::add_credits(
            &db.pool,
            bob.user_id,
            &grant(30, &format!("premium:{}", bob.user_id)),
            now,
        )
        .await
        .unwrap();
        for _ in 0..2 {
            let gate = premium_gate(&apply, bob.user_id, Feature::AiInterviewCoach, now)
                .await
                .unwrap();
            charge_premium(&apply, bob.user_id, gate, now)
                .await
                .unwrap();
        }
        let short = premium_gate(&apply, bob.user_id, Feature::AiInterviewCoach, now)
            .await
            .unwrap_err();
        assert_eq!(
            short.to_string(),
            "Insufficient credits: this needs 12 credits and your balance is 6."
        );
        let gate = premium_gate(&apply, bob.user_id, Feature::AiTemplate, now)
            .await
            .unwrap();
        charge_premium(&apply, bob.user_id, gate, now)
            .await
            .unwrap();
        assert_eq!(
            accounts::credit_balance(&db.pool, bob.user_id, now)
                .await
                .unwrap(),
            1,
            "{}",
            db.name
        );
    }
}
