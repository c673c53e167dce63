//! Trust reports through the real router and the real `trust` processor, on both
//! engines: a clean, a scam-like and a ghost-like posting; the persistence rule
//! (first call or `force` stores, later calls return the stored id); the
//! apply-link check (login walls, dead links, redirect limits) and its cache;
//! community feedback.

use crate::apply_support;
use crate::common;

use apply_support::{Client, World};
use common::{count_rows, TestDb};
use serde_json::{json, Value};

async fn parse(client: &Client<'_>, url: &str) -> String {
    let response = client
        .post("/api/v1/apply/job/parse", json!({"job_url": url}))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["job_target_id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn import(client: &Client<'_>, apply_url: &str) -> String {
    let job = json!({"title": "Backend Engineer", "company": "Ferris Labs", "apply_url": apply_url,
        "description_text": apply_support::pages::CLEAN_DESCRIPTION});
    let response = client.post("/api/v1/apply/job/import", job).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["job_target_id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn trust(client: &Client<'_>, id: &str, query: &str) -> Value {
    let response = client
        .post(&format!("/api/v1/apply/job/{id}/trust{query}"), json!({}))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn clean_scam_and_ghost_postings() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");

        let clean = trust(
            &ada,
            &parse(&ada, &world.pages.url("/jobs/clean")).await,
            "",
        )
        .await;
        assert_eq!(clean["scam_risk"], "low", "{}: {clean}", db.name);
        assert_eq!(clean["ghost_likelihood"], "low", "{clean}");
        assert_eq!(clean["apply_link_status"], "valid", "{clean}");
        assert_eq!(clean["apply_link_cached"], false);
        assert_eq!(
            clean["community"],
            json!({"reports_total": 0, "accurate_total": 0, "inaccurate_total": 0,
            "reports_scam": 0, "reports_ghost": 0, "reports_expired": 0})
        );
        for key in [
            "trust_report_id",
            "verified_at",
            "confidence",
            "next_steps",
            "staleness_score",
            "trust_score_raw",
        ] {
            assert!(!clean[key].is_null(), "{key} missing: {clean}");
        }
        let clean_score = clean["trust_score"].as_i64().unwrap();
        assert!(
            clean_score >= 70,
            "clean posting scored {clean_score}: {clean}"
        );

        let scam = trust(&ada, &parse(&ada, &world.pages.url("/jobs/scam")).await, "").await;
        assert_eq!(scam["scam_risk"], "high", "{}: {scam}", db.name);
        assert!(!scam["scam_reasons"].as_array().unwrap().is_empty());
        let scam_score = scam["trust_score"].as_i64().unwrap();
        assert!(
            scam_score + 20 < clean_score,
            "scam {scam_score} vs clean {clean_score}"
        );

        let ghost = trust(
            &ada,
            &parse(&ada, &world.pages.url("/jobs/ghost")).await,
            "",
        )
        .await;
        assert_ne!(ghost["ghost_likelihood"], "low", "{}: {ghost}", db.name);
        assert!(!ghost["ghost_reasons"].as_array().unwrap().is_empty());
        assert!(
            ghost["staleness_score"].as_i64().unwrap() >= 20,
            "posted 240 days ago: {ghost}"
        );
        assert!(ghost["trust_score"].as_i64().unwrap() < clean_score);
        assert_eq!(count_rows(&db.pool, "trust_reports").await, 3);
    }
}

#[tokio::test]
async fn reports_are_stored_once_unless_forced_and_the_link_check_is_cached() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let id = import(&ada, &world.pages.url("/apply/ok")).await;
        let checks = || world.pages.hits("/apply/ok");
        let before = checks();

        let first = trust(&ada, &id, "").await;
        assert_eq!(checks(), before + 1);
        assert_eq!(first["apply_link_cached"], false);
        assert_eq!(first["apply_link_status"], "valid");

        let second = trust(&ada, &id, "").await;
        assert_eq!(
            second["trust_report_id"], first["trust_report_id"],
            "{}",
            db.name
        );
        assert_eq!(second["verified_at"], first["verified_at"]);
        assert_eq!(second["apply_link_cached"], true);
        assert_eq!(checks(), before + 1, "the cached link status is reused");
        assert_eq!(
            count_rows(&db.pool, "trust_reports").await,
            1,
            "no new row without force"
        );

        let refreshed = trust(&ada, &id, "?refresh_apply_link=true").await;
        assert_eq!(refreshed["apply_link_cached"], false);
        assert_eq!(checks(), before + 2);
        assert_eq!(refreshed["trust_report_id"], first["trust_report_id"]);

        let forced = trust(&ada, &id, "?force=true").await;
        assert_ne!(forced["trust_report_id"], first["trust_report_id"]);
        assert_eq!(count_rows(&db.pool, "trust_reports").await, 2);
        let after = trust(&ada, &id, "").await;
        assert_eq!(
            after["trust_report_id"], forced["trust_report_id"],
            "the newest report is the stored one"
        );

        let bad_flag = ada
            .post(
                &format!("/api/v1/apply/job/{id}/trust?force=maybe"),
                json!({}),
            )
            .await;
        assert_eq!(bad_flag.status, 422);
    }
}

#[tokio::test]
async fn apply_links_behind_logins_dead_links_and_redirects() {
    let world = World::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    // TTL 0: every report checks its link again.
    let app = world
        .app(&db, &[("JOBSCOUT_APPLY_LINK_CACHE_TTL_HOURS", "0")])
        .await;
    let ada = world.client(&app, "ada@example.com");
    for (path, status, redirects) in [
        ("/apply/login", "valid", 0),
        ("/apply/gone", "broken", 0),
        ("/hop/2", "valid", 2),
        ("/hop/3", "broken", 0),
    ] {
        let id = import(&ada, &world.pages.url(path)).await;
        let report = trust(&ada, &id, "").await;
        assert_eq!(report["apply_link_status"], status, "{path}: {report}");
        if status == "valid" {
            assert_eq!(
                report["apply_link_redirects"], redirects,
                "{path}: {report}"
            );
        }
        let again = trust(&ada, &id, "").await;
        assert_eq!(
            again["apply_link_cached"], false,
            "TTL 0 never reuses a check"
        );
    }
    // Links to private addresses are never fetched; they count as broken.
    let id = import(&ada, "http://192.168.1.10/apply").await;
    assert_eq!(trust(&ada, &id, "").await["apply_link_status"], "broken");
    // No link at all is `missing`.
    let none = ada
        .post(
            "/api/v1/apply/job/import",
            json!({"title": "Engineer", "company": "Acme"}),
        )
        .await
        .json();
    let report = trust(&ada, none["job_target_id"].as_str().unwrap(), "").await;
    assert_eq!(report["apply_link_status"], "missing");
}

#[tokio::test]
async fn community_feedback_counts_and_lowers_the_score() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let id = parse(&ada, &world.pages.url("/jobs/clean")).await;
        let before = trust(&ada, &id, "").await;
        let uri = format!("/api/v1/apply/job/{id}/trust/feedback");
        for (body, status) in [
            (
                json!({"feedback_kind": "report", "dimension": "scam", "value": "scam", "comment": "asked for a fee"}),
                200,
            ),
            (json!({"feedback_kind": "report", "value": "phishing"}), 200),
            (
                json!({"feedback_kind": "accuracy", "value": "inaccurate"}),
                200,
            ),
            (json!({"feedback_kind": "accuracy", "value": "so-so"}), 400),
            (json!({"feedback_kind": "vote"}), 400),
            (
                json!({"feedback_kind": "report", "dimension": "salary"}),
                400,
            ),
        ] {
            let response = ada.post(&uri, body.clone()).await;
            assert_eq!(
                response.status.as_u16(),
                status,
                "{}: {body}: {}",
                db.name,
                response.text()
            );
        }
        let last = ada
            .post(&uri, json!({"feedback_kind": "report", "value": "expired"}))
            .await
            .json();
        assert_eq!(last["ok"], true);
        assert_eq!(
            last["community"],
            json!({"reports_total": 3, "accurate_total": 0, "inaccurate_total": 1,
                "reports_scam": 1, "reports_ghost": 0, "reports_expired": 1})
        );
        let after = trust(&ada, &id, "").await;
        assert_eq!(after["community"], last["community"]);
        assert!(
            after["trust_score_after_community"].as_i64().unwrap()
                < before["trust_score_after_community"].as_i64().unwrap(),
            "{before}\n{after}"
        );
        assert!(!after["community_reasons"].as_array().unwrap().is_empty());
    }
}
