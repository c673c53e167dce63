//! `/api/v1/profile` on both engines, as the web app calls it, against the fake Supabase.

use crate::common;

use axum::http::Method;
use common::fake_supabase::FakeSupabase;
use common::{TestApp, TestDb};
use serde_json::{json, Value};
use uuid::Uuid;

struct Client<'a> {
    app: &'a TestApp,
    authorization: String,
}

impl Client<'_> {
    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> common::TestResponse {
        self.app
            .send(
                method,
                uri,
                &[("authorization", self.authorization.as_str())],
                body,
            )
            .await
    }
}

async fn app_for(db: &TestDb, fake: &FakeSupabase) -> TestApp {
    let settings = fake.settings();
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    TestApp::new(&db.pool, &pairs).await
}

#[tokio::test]
async fn profile_and_resume_flow() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = app_for(&db, &fake).await;
        let user_id = Uuid::new_v4();
        let me = Client {
            app: &app,
            authorization: format!("Bearer {}", fake.token(user_id, "ada@example.com", 600)),
        };

        // A new user: no profile, no resumes.
        let response = me.call(Method::GET, "/api/v1/profile", None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(
            response.json(),
            json!({"user_id": user_id.to_string(), "email": "ada@example.com", "profile": null, "resume_versions": []})
        );

        // Resumes from pasted text.
        let response = me
            .call(
                Method::POST,
                "/api/v1/profile/resume/text",
                Some(json!({"resume_text": "   "})),
            )
            .await;
        assert_eq!(response.status, 400);
        assert_eq!(response.json()["detail"], "Resume text is required");
        let response = me
            .call(
                Method::POST,
                "/api/v1/profile/resume/text",
                Some(json!({"resume_text": "Ada Lovelace\nAnalyst", "proof_points": "Engines"})),
            )
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let first = response.json();
        let first_id = first["resume"]["resume_id"].as_str().unwrap().to_string();
        // SHA-256 of the raw text, as the earlier backend computed it.
        assert_eq!(
            first["resume"]["resume_hash"],
            sha256_hex("Ada Lovelace\nAnalyst")
        );
        assert_eq!(first["resume"]["resume_text"], "Ada Lovelace\nAnalyst");
        // No resume-analyze processor is installed here: stored without analysis.
        assert_eq!(
            first["analysis"],
            json!({"skills": [], "seniority": null, "bullets": []})
        );
        let second = me
            .call(
                Method::POST,
                "/api/v1/profile/resume/text",
                Some(json!({"resume_text": "Ada Lovelace v2"})),
            )
            .await
            .json();
        let second_id = second["resume"]["resume_id"].as_str().unwrap().to_string();

        // An upload needs a multipart body (files: host/tests/suite/apply_uploads.rs).
        let response = me
            .call(Method::POST, "/api/v1/profile/resume/upload", None)
            .await;
        assert_eq!(response.status, 400, "{}", response.text());

        // Full replace; the primary resume is checked and then kept when omitted.
        let full = json!({
            "headline": "Engineer",
            "location": "London",
            "desired_roles": ["Rust engineer", "Backend engineer"],
            "work_authorization": "UK",
            "remote_preferences": "remote",
            "salary_expectations": {"min": 90000, "currency": "GBP"},
            "skills": ["rust", "sql"],
            "education": {"degree": "BSc"},
            "certifications": ["CKA"],
            "projects": {"engine": {"year": 1843}},
            "interests": ["math"],
            "links": {"github": "https://github.com/ada"},
            "primary_resume_id": first_id,
        });
        let response = me
            .call(Method::PUT, "/api/v1/profile", Some(full.clone()))
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let profile = response.json()["profile"].clone();
        for field in [
            "headline",
            "desired_roles",
            "salary_expectations",
            "skills",
            "education",
            "projects",
            "links",
            "primary_resume_id",
        ] {
            assert_eq!(profile[field], full[field], "{} {field}", db.name);
        }
        let hash = profile["profile_hash"].as_str().unwrap().to_string();
        assert_eq!(hash.len(), 64);

        // The same payload in another key order hashes the same.
        let reordered: Value = serde_json::from_str(&reorder(&full)).unwrap();
        let again = me
            .call(Method::PUT, "/api/v1/profile", Some(reordered))
            .await
            .json();
        assert_eq!(again["profile"]["profile_hash"], hash);

        let response = me
            .call(
                Method::PUT,
                "/api/v1/profile",
                Some(json!({"headline": "Only this"})),
            )
            .await;
        let profile = response.json()["profile"].clone();
        assert_eq!(profile["headline"], "Only this");
        assert_eq!(
            profile["skills"],
            Value::Null,
            "{}: omitted fields are cleared",
            db.name
        );
        assert_eq!(profile["salary_expectations"], Value::Null);
        assert_eq!(profile["primary_resume_id"], first_id, "kept when omitted");

        let response = me
            .call(
                Method::PUT,
                "/api/v1/profile",
                Some(json!({"primary_resume_id": Uuid::new_v4().to_string()})),
            )
            .await;
        assert_eq!(response.status, 404);
        let response = me
            .call(
                Method::PUT,
                "/api/v1/profile",
                Some(json!({"skills": "rust"})),
            )
            .await;
        assert_eq!(response.status, 422);

        // Switch the primary resume.
        let response = me
            .call(
                Method::PUT,
                "/api/v1/profile/resume/primary",
                Some(json!({"resume_id": second_id})),
            )
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json()["profile"]["primary_resume_id"], second_id);
        assert_eq!(response.json()["profile"]["headline"], "Only this");

        // Reading back.
        let response = me
            .call(
                Method::GET,
                &format!("/api/v1/profile/resume/{first_id}"),
                None,
            )
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json()["resume"]["proof_points"], "Engines");
        assert_eq!(
            me.call(Method::GET, "/api/v1/profile/resume/not-a-uuid", None)
                .await
                .status,
            422
        );

        let overview = me.call(Method::GET, "/api/v1/profile", None).await.json();
        let listed: Vec<&str> = overview["resume_versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|resume| resume["resume_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            [second_id.as_str(), first_id.as_str()],
            "{}: newest first",
            db.name
        );
        assert!(
            overview["resume_versions"][0].get("resume_text").is_none(),
            "lists leave the text out"
        );
        assert_eq!(overview["profile"]["primary_resume_id"], second_id);

        // Another user sees none of it.
        let other = Client {
            app: &app,
            authorization: format!(
                "Bearer {}",
                fake.token(Uuid::new_v4(), "eve@example.com", 600)
            ),
        };
        assert_eq!(
            other
                .call(
                    Method::GET,
                    &format!("/api/v1/profile/resume/{first_id}"),
                    None
                )
                .await
                .status,
            404
        );
        let response = other
            .call(
                Method::PUT,
                "/api/v1/profile/resume/primary",
                Some(json!({"resume_id": first_id})),
            )
            .await;
        assert_eq!(response.status, 404);
        assert_eq!(
            other
                .call(Method::GET, "/api/v1/profile", None)
                .await
                .json()["profile"],
            Value::Null
        );
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The object's keys in reverse order, as text.
fn reorder(value: &Value) -> String {
    let object = value.as_object().unwrap();
    let mut keys: Vec<&String> = object.keys().collect();
    keys.sort();
    keys.reverse();
    let fields: Vec<String> = keys
        .iter()
        .map(|key| format!("{:?}:{}", key, object[*key]))
        .collect();
    format!("{{{}}}", fields.join(","))
}
