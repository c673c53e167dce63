//! The application tracker through the real router on both engines, with the
//! real `feedback-parse` processor: applications for a pack or a job target,
//! the status timeline, the list with its real `total`, owner scoping, the 422s
//! that replace the earlier 500s, outcome feedback and the insights.

use axum::http::Method;
use serde_json::{json, Value};

use crate::apply_support::{Client, World};
use crate::common::TestDb;
use crate::plugins_support;

fn fixture(name: &str) -> String {
    let path = plugins_support::repository_root()
        .join("fixtures/jobs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A template pack of `client`'s: (apply_pack_id, job_target_id).
async fn pack(client: &Client<'_>) -> (String, String) {
    let response = client
        .post(
            "/api/v1/apply/pack/generate",
            json!({"resume_text": fixture("resume-senior-backend.txt"),
                   "job_text": fixture("pasted-labelled.txt"), "use_ai": false}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let pack = response.json();
    (
        pack["apply_pack_id"].as_str().unwrap().to_string(),
        pack["job_target_id"].as_str().unwrap().to_string(),
    )
}

async fn put(client: &Client<'_>, id: &str, body: Value) -> crate::common::TestResponse {
    client
        .call(
            Method::PUT,
            &format!("/api/v1/apply/application/{id}"),
            Some(body),
        )
        .await
}

const STATUS_DETAIL: &str =
    "Input should be 'applied', 'interview', 'offer', 'rejected' or 'withdrawn'";

#[tokio::test]
async fn applications_keep_their_timeline_and_are_counted_and_owner_scoped() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let bob = world.client(&app, "bob@example.com");
        let (pack_id, job_target_id) = pack(&ada).await;

        let created = ada
            .post(
                "/api/v1/apply/application",
                json!({"apply_pack_id": pack_id}),
            )
            .await;
        assert_eq!(created.status, 200, "{}: {}", db.name, created.text());
        let first = created.json();
        assert_eq!(first["status"], "applied");
        assert!(first["applied_at"].is_string(), "{first}");
        assert_eq!(first["interview_at"], Value::Null);
        // The job's fields come through the pack's job target.
        assert_eq!(first["job_target_id"], Value::Null);
        assert!(first["title"].is_string(), "{first}");
        let first_id = first["application_id"].as_str().unwrap().to_string();

        let second = ada
            .post(
                "/api/v1/apply/application",
                json!({"job_target_id": job_target_id, "status": "interview", "notes": "Panel on Friday",
                       "reminder_at": "2026-12-24T09:00:00Z", "contact_email": "hiring@acme.example"}),
            )
            .await;
        assert_eq!(second.status, 200, "{}", second.text());
        let second = second.json();
        assert!(second["interview_at"].is_string(), "{second}");
        assert_eq!(second["reminder_at"], "2026-12-24T09:00:00Z");
        assert_eq!(second["contact_email"], "hiring@acme.example");

        // Bad input: a 422 naming the statuses (the earlier backend's 500), and
        // another user's pack or job target is a 404.
        let ghosted = ada
            .post("/api/v1/apply/application", json!({"status": "ghosted"}))
            .await;
        assert_eq!(ghosted.status, 422, "{}", ghosted.text());
        assert_eq!(ghosted.json()["detail"][0]["msg"], STATUS_DETAIL);
        assert_eq!(
            ghosted.json()["detail"][0]["loc"],
            json!(["body", "status"])
        );
        let bad_time = ada
            .post(
                "/api/v1/apply/application",
                json!({"reminder_at": "next Friday"}),
            )
            .await;
        assert_eq!(bad_time.status, 422, "{}", bad_time.text());
        for body in [
            json!({"apply_pack_id": pack_id}),
            json!({"job_target_id": job_target_id}),
        ] {
            let foreign = bob.post("/api/v1/apply/application", body).await;
            assert_eq!(foreign.status, 404, "{}", foreign.text());
        }

        // The list: the latest applied first, `total` the real count.
        let page = ada.get("/api/v1/apply/application?limit=1").await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        assert_eq!(page["total"], 2, "{}: every match, not the page", db.name);
        assert_eq!(page["applications"].as_array().unwrap().len(), 1);
        let interviews = ada
            .get("/api/v1/apply/application?status=interview")
            .await
            .json();
        assert_eq!(interviews["total"], 1);
        assert_eq!(interviews["applications"][0]["notes"], "Panel on Friday");
        assert_eq!(
            ada.get("/api/v1/apply/application?status=ghosted")
                .await
                .status,
            422
        );
        assert_eq!(
            ada.get("/api/v1/apply/application?limit=0").await.status,
            422
        );
        assert_eq!(
            bob.get("/api/v1/apply/application").await.json()["total"],
            0
        );

        // The timeline: a status's time is stamped when first reached, never moved.
        let interview = put(&ada, &first_id, json!({"status": "interview"})).await;
        assert_eq!(interview.status, 200, "{}", interview.text());
        let interview_at = interview.json()["interview_at"].clone();
        assert!(interview_at.is_string(), "{}", interview.text());
        let offer = put(&ada, &first_id, json!({"status": "offer"}))
            .await
            .json();
        assert!(offer["offer_at"].is_string(), "{offer}");
        assert_eq!(offer["interview_at"], interview_at);
        let back = put(
            &ada,
            &first_id,
            json!({"status": "interview", "notes": null, "contact_phone": "+1 555 0100"}),
        )
        .await
        .json();
        assert_eq!(back["status"], "interview");
        assert_eq!(back["interview_at"], interview_at, "the first stamp stays");
        assert_eq!(back["offer_at"], offer["offer_at"]);
        assert_eq!(back["contact_phone"], "+1 555 0100");
        assert_eq!(back["applied_at"], first["applied_at"]);

        let nothing = put(&ada, &first_id, json!({"notes": null})).await;
        assert_eq!(nothing.status, 400, "{}", nothing.text());
        assert_eq!(nothing.json()["detail"], "No fields to update");
        let bad_status = put(&ada, &first_id, json!({"status": "hired"})).await;
        assert_eq!(bad_status.status, 422);
        assert_eq!(bad_status.json()["detail"][0]["msg"], STATUS_DETAIL);
        let foreign = put(&bob, &first_id, json!({"notes": "mine now"})).await;
        assert_eq!(foreign.status, 404, "{}", foreign.text());
        assert_eq!(
            put(&ada, "not-a-uuid", json!({"notes": "x"})).await.status,
            422
        );
        let unchanged = ada
            .get("/api/v1/apply/application?status=interview")
            .await
            .json();
        assert_eq!(unchanged["total"], 2);
        assert_ne!(unchanged["applications"][0]["notes"], "mine now");
    }
}

#[tokio::test]
async fn outcomes_are_parsed_listed_and_counted_in_the_insights() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let bob = world.client(&app, "bob@example.com");
        let application = ada
            .post(
                "/api/v1/apply/application",
                json!({"notes": "Acme backend role"}),
            )
            .await
            .json();
        let id = application["application_id"].as_str().unwrap().to_string();
        let feedback_uri = format!("/api/v1/apply/application/{id}/feedback");

        let rejection = ada
            .post(
                &feedback_uri,
                json!({"feedback_type": "rejection", "raw_text":
                    "We went with a candidate with more years of experience in Kubernetes and AWS; \
                     we also cannot offer visa sponsorship for this role."}),
            )
            .await;
        assert_eq!(rejection.status, 200, "{}: {}", db.name, rejection.text());
        let rejection = rejection.json();
        assert_eq!(rejection["parsed_json"]["decision"], "rejection");
        assert_eq!(
            rejection["parsed_json"]["reason_categories"],
            json!(["sponsorship", "experience_level"])
        );
        assert_eq!(
            rejection["parsed_json"]["signals"],
            json!(["AWS", "Kubernetes"])
        );

        // A parse the client made itself is stored as given.
        let given = json!({"decision": "rejection", "reason_categories": ["sponsorship", "comp"], "signals": []});
        let second = ada
            .post(
                &feedback_uri,
                json!({"feedback_type": "rejection", "parsed_json": given}),
            )
            .await
            .json();
        assert_eq!(second["parsed_json"], given);
        let offer = ada
            .post(&feedback_uri, json!({"feedback_type": "offer"}))
            .await
            .json();
        assert_eq!(offer["parsed_json"]["decision"], "offer");

        let bad = ada
            .post(&feedback_uri, json!({"feedback_type": "ghosted"}))
            .await;
        assert_eq!(bad.status, 422, "{}", bad.text());
        assert_eq!(
            bad.json()["detail"][0]["msg"],
            "Input should be 'rejection', 'shortlisted', 'offer', 'no_response' or 'withdrawn'"
        );
        let foreign = bob
            .post(&feedback_uri, json!({"feedback_type": "offer"}))
            .await;
        assert_eq!(foreign.status, 404, "{}", foreign.text());
        assert_eq!(bob.get(&feedback_uri).await.status, 404);

        let listed = ada.get(&feedback_uri).await;
        assert_eq!(listed.status, 200, "{}", listed.text());
        let types: Vec<Value> = listed.json()["feedback"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["feedback_type"].clone())
            .collect();
        assert_eq!(
            types,
            [json!("offer"), json!("rejection"), json!("rejection")],
            "newest first"
        );

        let insights = ada.get("/api/v1/apply/insights").await;
        assert_eq!(insights.status, 200, "{}", insights.text());
        let text = insights.text();
        assert_eq!(
            insights.json()["by_type"],
            json!({"offer": 1, "rejection": 2})
        );
        assert_eq!(
            insights.json()["reason_counts"],
            json!({"sponsorship": 2, "comp": 1, "experience_level": 1})
        );
        // The most given reason first, as the earlier backend ordered them.
        assert!(
            text.find("\"sponsorship\"") < text.find("\"comp\""),
            "{text}"
        );
        assert_eq!(
            bob.get("/api/v1/apply/insights").await.json(),
            json!({"by_type": {}, "reason_counts": {}})
        );
    }
}

#[tokio::test]
async fn without_the_processor_an_unparsed_outcome_is_a_503_and_nothing_is_stored() {
    let world = World::start_without(&["feedback-parse"]).await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.expect("migrate");
    let app = world.app(&db, &[]).await;
    let ada = world.client(&app, "ada@example.com");
    let id = ada
        .post("/api/v1/apply/application", json!({}))
        .await
        .json()["application_id"]
        .as_str()
        .unwrap()
        .to_string();
    let uri = format!("/api/v1/apply/application/{id}/feedback");
    let refused = ada
        .post(
            &uri,
            json!({"feedback_type": "rejection", "raw_text": "No."}),
        )
        .await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("feedback-parse"),
        "{}",
        refused.text()
    );
    assert_eq!(ada.get(&uri).await.json()["feedback"], json!([]));
    // A parse given by the client needs no processor.
    let given = ada
        .post(
            &uri,
            json!({"feedback_type": "offer", "parsed_json": {"decision": "offer"}}),
        )
        .await;
    assert_eq!(given.status, 200, "{}", given.text());
}
