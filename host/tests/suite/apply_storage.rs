//! Apply-Workspace storage on both engines: job targets (owner-scoped reads,
//! per-user hash lookups, lists stored as lists), trust reports with the link
//! cache, feedback counters; and adopting the earlier backend's tables.

use crate::common;

use chrono::{TimeZone as _, Utc};
use common::TestDb;
use jobscout::storage::apply::feedback::{self, Community, NewFeedback};
use jobscout::storage::apply::job_targets::{self, JobTarget};
use jobscout::storage::apply::trust_reports::{self, LinkCheck};
use jobscout::storage::apply::{outcomes, packs};
use jobscout::storage::profiles;
use jobscout::storage::{self, users, Pool};
use serde_json::json;
use uuid::Uuid;

fn target(user_id: Uuid, hash: &str) -> JobTarget {
    JobTarget {
        user_id: Some(user_id),
        job_url: Some("https://jobs.example/1".into()),
        job_hash: hash.into(),
        extracted_json: Some(
            json!({"source": "apply_parse", "apply_url": "https://ats.example/1"}),
        ),
        title: Some("Senior Rust Engineer".into()),
        company: Some("Ferris Labs".into()),
        employment_types: vec!["full_time".into(), "contract".into()],
        salary_min: Some(90000.0),
        keywords: vec!["Rust".into()],
        must_haves: vec!["5+ years of Rust".into()],
        html: Some("<html></html>".into()),
        posted_at: Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
        ..JobTarget::default()
    }
}

#[tokio::test]
async fn job_targets_are_scoped_to_their_owner() {
    for db in TestDb::all().await {
        let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
        users::upsert_user(&db.pool, ada, Some("ada@example.com"))
            .await
            .unwrap();
        users::upsert_user(&db.pool, bob, Some("bob@example.com"))
            .await
            .unwrap();
        let stored = job_targets::insert(&db.pool, &target(ada, "h1"))
            .await
            .unwrap();
        assert_eq!(
            stored.employment_types,
            ["full_time", "contract"],
            "{}",
            db.name
        );
        assert_eq!(stored.salary_min, Some(90000.0));
        assert_eq!(stored.posted_at, target(ada, "h1").posted_at);
        assert_eq!(
            stored.extracted_json.as_ref().unwrap()["apply_url"],
            "https://ats.example/1"
        );
        assert!(stored.created_at.is_some());

        let id = stored.job_target_id;
        assert!(
            job_targets::get_owned(&db.pool, bob, id)
                .await
                .unwrap()
                .is_none(),
            "{}",
            db.name
        );
        assert!(job_targets::find_by_hash(&db.pool, bob, "h1")
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            job_targets::find_by_hash(&db.pool, ada, "h1")
                .await
                .unwrap()
                .unwrap()
                .job_target_id,
            id
        );

        let mut edited = stored.clone();
        edited.title = Some("Staff Rust Engineer".into());
        edited.employment_types = vec!["part_time".into()];
        assert!(job_targets::update_owned(&db.pool, bob, &edited)
            .await
            .unwrap()
            .is_none());
        let updated = job_targets::update_owned(&db.pool, ada, &edited)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(updated.title.as_deref(), Some("Staff Rust Engineer"));
        assert_eq!(updated.employment_types, ["part_time"]);
        assert_eq!(updated.html, stored.html, "the page is kept");
    }
}

#[tokio::test]
async fn trust_reports_keep_the_link_cache_and_feedback_counts() {
    for db in TestDb::all().await {
        let ada = Uuid::new_v4();
        users::upsert_user(&db.pool, ada, None).await.unwrap();
        let id = job_targets::insert(&db.pool, &target(ada, "h"))
            .await
            .unwrap()
            .job_target_id;
        assert!(trust_reports::latest(&db.pool, id).await.unwrap().is_none());
        let link = LinkCheck {
            status: "valid".into(),
            final_url: Some("https://ats.example/1/apply".into()),
            redirects: 1,
            http_status: Some(200),
            login_required: false,
            checked_at: Some(Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()),
        };
        let report = json!({"scam_risk": "low", "scam_score": 0, "ghost_likelihood": "medium", "ghost_score": 22,
            "scam_reasons": [], "ghost_reasons": ["Generic wording"], "trust_score": 81, "staleness_score": 10});
        let stored = trust_reports::insert(&db.pool, id, &report, &link)
            .await
            .unwrap();
        assert_eq!(stored.link, link, "{}", db.name);
        assert_eq!(stored.report.as_ref(), Some(&report));
        let later = LinkCheck {
            status: "valid".into(),
            login_required: true,
            http_status: Some(403),
            ..link.clone()
        };
        trust_reports::update_link(&db.pool, stored.trust_report_id, &later)
            .await
            .unwrap();
        let latest = trust_reports::latest(&db.pool, id).await.unwrap().unwrap();
        assert_eq!(latest.trust_report_id, stored.trust_report_id);
        assert_eq!(latest.link, later);

        assert_eq!(
            feedback::community(&db.pool, id).await.unwrap(),
            Community::default()
        );
        for (kind, value) in [
            ("report", "scam"),
            ("report", "ghost"),
            ("report", "other"),
            ("accuracy", "accurate"),
        ] {
            let entry = NewFeedback {
                feedback_kind: kind.into(),
                dimension: "overall".into(),
                value: Some(value.into()),
                comment: None,
            };
            feedback::insert(&db.pool, id, ada, &entry).await.unwrap();
        }
        assert_eq!(
            feedback::community(&db.pool, id).await.unwrap(),
            Community {
                reports_total: 3,
                accurate_total: 1,
                inaccurate_total: 0,
                reports_scam: 1,
                reports_ghost: 1,
                reports_expired: 0
            },
            "{}",
            db.name
        );
    }
}

async fn execute(pool: &Pool, script: &str) {
    match pool {
        Pool::Sqlite(pool) => sqlx::raw_sql(script).execute(pool).await.map(drop),
        Pool::Postgres(pool) => sqlx::raw_sql(script).execute(pool).await.map(drop),
    }
    .expect("fixture script");
}

/// The earlier backend's Apply tables (from its `apply_schema.sql` and follow-ups)
/// with rows: migrating keeps every row and turns the comma-joined employment
/// text into the list.
#[tokio::test]
async fn earlier_apply_tables_are_adopted_without_losing_rows() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    execute(
        &db.pool,
        include_str!("fixtures/earlier_postgres_schema.sql"),
    )
    .await;
    execute(
        &db.pool,
        include_str!("fixtures/earlier_postgres_apply_schema.sql"),
    )
    .await;
    storage::migrate(&db.pool)
        .await
        .expect("migrate over the earlier tables");
    storage::migrate(&db.pool).await.expect("and again");
    let owner = Uuid::parse_str("5b0c1f1e-3a1d-4c55-9c1e-0f2a3b4c5d6e").unwrap();
    let id = Uuid::parse_str("0d7b6c54-1e5f-4a3b-8c2d-9e8f7a6b5c4d").unwrap();
    let adopted = job_targets::get_owned(&db.pool, owner, id)
        .await
        .unwrap()
        .expect("the earlier row");
    assert_eq!(adopted.title.as_deref(), Some("QA Automation Engineer"));
    assert_eq!(adopted.employment_types, ["full_time", "contract"]);
    assert_eq!(adopted.must_haves, ["3+ years of Selenium"]);
    let report = trust_reports::latest(&db.pool, id)
        .await
        .unwrap()
        .expect("the earlier report");
    assert_eq!(report.link.status, "valid");
    assert_eq!(report.report, None, "earlier rows have no report JSON");
    assert_eq!(
        feedback::community(&db.pool, id)
            .await
            .unwrap()
            .reports_scam,
        1
    );
    let Pool::Postgres(pool) = &db.pool else {
        unreachable!()
    };
    let legacy: Option<String> =
        sqlx::query_scalar("SELECT employment_type FROM job_targets WHERE job_target_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        legacy.as_deref(),
        Some("full_time, contract"),
        "the earlier column is untouched"
    );

    // The earlier pack, its resume version, and the outcome feedback are read as they are.
    let pack_id = Uuid::parse_str("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d").unwrap();
    let pack = packs::get_owned(&db.pool, owner, pack_id)
        .await
        .unwrap()
        .expect("the earlier pack");
    assert_eq!(
        pack.tailored_bullets,
        Some(json!([{"text": "Cut flaky tests by 30%", "match_score": 60}]))
    );
    assert_eq!(pack.keyword_coverage, Some(100.0));
    assert_eq!(pack.ai_model, None, "the new column is added empty");
    assert_eq!(packs::count(&db.pool, owner).await.unwrap(), 1);
    let resume = profiles::find_resume_by_hash(&db.pool, owner, "a1b2")
        .await
        .unwrap()
        .expect("the earlier resume version");
    assert_eq!(resume.extracted_skills, Some(json!(["Selenium", "CI"])));
    let outcomes = outcomes::recent_feedback(&db.pool, owner, 50)
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].feedback_type, "rejection");
    assert_eq!(
        outcomes[0].parsed_json.as_ref().unwrap()["reason_categories"],
        json!(["sponsorship"])
    );
    let contact: Option<String> =
        sqlx::query_scalar("SELECT contact_email FROM applications WHERE user_id = $1")
            .bind(owner)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        contact, None,
        "the contact columns are added to the earlier table"
    );
}
