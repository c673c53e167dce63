//! Job targets through the real router, the real `job-parse`/`job-analyze`
//! processors and a local job-page server, on both engines: parse (URL and
//! text), the per-user parse cache, deep links, imports (with the extension's
//! rate limit), edits, and isolation between users.

use crate::apply_support;
use crate::common;
use crate::plugins_support;

use apply_support::World;
use axum::http::Method;
use common::TestDb;
use serde_json::json;

#[tokio::test]
async fn parse_a_job_page_and_read_it_back() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let url = world.pages.url("/jobs/clean");
        let fetches = world.pages.hits("/jobs/clean");

        let response = ada
            .post("/api/v1/apply/job/parse", json!({"job_url": url}))
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let parsed = response.json();
        assert_eq!(parsed["title"], "Senior Rust Engineer", "{}", db.name);
        assert_eq!(parsed["company"], "Ferris Labs");
        assert_eq!(parsed["extraction_method"], "json_ld");
        assert_eq!(parsed["extracted"], true);
        assert_eq!(parsed["job_url"], url);
        let employment = parsed["employment_type"].as_array().unwrap();
        assert_eq!(
            employment.len(),
            2,
            "the list is kept as a list: {employment:?}"
        );
        assert!(
            parsed["posted_at"].is_string(),
            "posted_at is stored now: {parsed}"
        );
        assert!(parsed["valid_through"].is_string());
        assert_eq!(parsed["salary_currency"], "EUR");
        let id = parsed["job_target_id"].as_str().unwrap().to_string();
        assert_eq!(world.pages.hits("/jobs/clean"), fetches + 1);

        // The same input again is the stored target, without a fetch.
        let again = ada
            .post("/api/v1/apply/job/parse", json!({"job_url": url}))
            .await
            .json();
        assert_eq!(again["job_target_id"], id.as_str());
        assert_eq!(again["extraction_method"], "cached");
        assert_eq!(
            world.pages.hits("/jobs/clean"),
            fetches + 1,
            "a cache hit fetches nothing"
        );

        // The deep link the extension opens.
        let stored = ada.get(&format!("/api/v1/apply/job/target/{id}")).await;
        assert_eq!(stored.status, 200);
        let stored = stored.json();
        assert_eq!(stored["extraction_method"], "job_target");
        assert_eq!(stored["title"], "Senior Rust Engineer");
        assert_eq!(stored["employment_type"], parsed["employment_type"]);

        // Requirement analysis ran (job-analyze) and is stored with the target.
        let (keywords, must_haves) = analysis_of(&db, &id).await;
        assert!(keywords > 0, "{}: keywords stored", db.name);
        // The four bullets under "Requirements" in the JSON-LD description's plain text.
        assert_eq!(must_haves, 4, "{}: must-haves stored", db.name);
    }
}

/// (keywords, must-haves) stored for a job target.
async fn analysis_of(db: &TestDb, id: &str) -> (usize, usize) {
    let uuid = uuid::Uuid::parse_str(id).unwrap();
    let target =
        jobscout::storage::apply::job_targets::get_owned(&db.pool, owner_of(db, id).await, uuid)
            .await
            .unwrap()
            .unwrap();
    (target.keywords.len(), target.must_haves.len())
}

async fn owner_of(db: &TestDb, id: &str) -> uuid::Uuid {
    use jobscout::storage::Pool;
    match &db.pool {
        Pool::Sqlite(pool) => {
            let text: String =
                sqlx::query_scalar("SELECT user_id FROM job_targets WHERE job_target_id = ?")
                    .bind(id)
                    .fetch_one(pool)
                    .await
                    .unwrap();
            uuid::Uuid::parse_str(&text).unwrap()
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar("SELECT user_id FROM job_targets WHERE job_target_id = $1")
                .bind(uuid::Uuid::parse_str(id).unwrap())
                .fetch_one(pool)
                .await
                .unwrap()
        }
    }
}

#[tokio::test]
async fn parse_pasted_text_and_the_errors() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let text = format!(
            "Title: Platform Engineer\nCompany: Quill Media\nLocation: Remote\n\n{}",
            apply_support::pages::CLEAN_DESCRIPTION
        );
        let response = ada
            .post("/api/v1/apply/job/parse", json!({"job_text": text}))
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let parsed = response.json();
        assert_eq!(parsed["title"], "Platform Engineer");
        assert_eq!(parsed["company"], "Quill Media");
        assert_eq!(parsed["job_url"], serde_json::Value::Null);

        let neither = ada.post("/api/v1/apply/job/parse", json!({})).await;
        assert_eq!(neither.status, 400);
        assert_eq!(
            neither.json()["detail"],
            "Either job_url or job_text is required"
        );
        let not_a_url = ada
            .post(
                "/api/v1/apply/job/parse",
                json!({"job_url": "ftp://example.com/job"}),
            )
            .await;
        assert_eq!(not_a_url.status, 422);
        assert_eq!(
            not_a_url.json()["detail"][0]["loc"],
            json!(["body", "job_url"])
        );
        let missing = ada
            .post(
                "/api/v1/apply/job/parse",
                json!({"job_url": world.pages.url("/jobs/nope")}),
            )
            .await;
        assert_eq!(missing.status, 400);
        assert!(
            missing.json()["detail"]
                .as_str()
                .unwrap()
                .starts_with("Failed to parse job URL"),
            "{}",
            missing.text()
        );
        // The egress policy applies to the host's own fetches: only the fixture
        // server's address is allowed locally.
        let private = ada
            .post(
                "/api/v1/apply/job/parse",
                json!({"job_url": "http://10.1.2.3/job"}),
            )
            .await;
        assert_eq!(private.status, 400);
        assert!(
            private.json()["detail"]
                .as_str()
                .unwrap()
                .contains("private"),
            "{}",
            private.text()
        );
    }
}

#[tokio::test]
async fn users_never_see_each_others_targets() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let bob = world.client(&app, "bob@example.com");
        let url = world.pages.url("/jobs/clean");
        let hits_before = world.pages.hits("/jobs/clean");
        let adas = ada
            .post("/api/v1/apply/job/parse", json!({"job_url": url}))
            .await
            .json();
        let id = adas["job_target_id"].as_str().unwrap().to_string();

        // The parse cache is per user: Bob gets his own target (the earlier backend
        // handed him Ada's id).
        let bobs = bob
            .post("/api/v1/apply/job/parse", json!({"job_url": url}))
            .await
            .json();
        assert_ne!(bobs["job_target_id"], adas["job_target_id"], "{}", db.name);
        assert_ne!(bobs["extraction_method"], "cached");
        assert_eq!(world.pages.hits("/jobs/clean"), hits_before + 2);

        // Every route on Ada's target is a 404 for Bob, with the same detail as a
        // target that does not exist.
        let unknown = uuid::Uuid::new_v4();
        for target in [id.clone(), unknown.to_string()] {
            let read = bob.get(&format!("/api/v1/apply/job/target/{target}")).await;
            let update = bob
                .call(
                    Method::PUT,
                    &format!("/api/v1/apply/job/{target}"),
                    Some(json!({"title": "Mine now"})),
                )
                .await;
            let trust = bob
                .post(&format!("/api/v1/apply/job/{target}/trust"), json!({}))
                .await;
            let feedback = bob
                .post(
                    &format!("/api/v1/apply/job/{target}/trust/feedback"),
                    json!({"feedback_kind": "report", "value": "scam"}),
                )
                .await;
            for (route, response) in [
                ("read", read),
                ("update", update),
                ("trust", trust),
                ("feedback", feedback),
            ] {
                assert_eq!(
                    response.status,
                    404,
                    "{}: {route}: {}",
                    db.name,
                    response.text()
                );
                assert_eq!(response.json()["detail"], "Job target not found");
            }
        }
        let still = ada
            .get(&format!("/api/v1/apply/job/target/{id}"))
            .await
            .json();
        assert_eq!(
            still["title"], "Senior Rust Engineer",
            "Bob's update changed nothing"
        );
        let bad_id = ada.get("/api/v1/apply/job/target/not-a-uuid").await;
        assert_eq!(bad_id.status, 422);
    }
}

#[tokio::test]
async fn imports_are_stored_every_time_and_extension_imports_are_limited() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world
            .app(&db, &[("JOBSCOUT_RATE_LIMIT_JOB_CAPTURE_PER_HOUR", "3")])
            .await;
        let ada = world.client(&app, "ada@example.com");
        let job = json!({
            "title": "Backend Engineer", "company": "Quill Media", "source": "Extension",
            "captured_from": "linkedin", "job_url": "https://www.linkedin.com/jobs/view/1",
            "apply_url": "https://quill.example/careers/1", "location_raw": "Remote (EU)",
            "employment_types": ["full_time"], "salary_min": 70000, "description_text": apply_support::pages::CLEAN_DESCRIPTION
        });
        let mut ids = Vec::new();
        for _ in 0..3 {
            let response = ada.post("/api/v1/apply/job/import", job.clone()).await;
            assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
            let imported = response.json();
            assert_eq!(imported["extraction_method"], "jobscout_import");
            assert_eq!(imported["location"], "Remote (EU)");
            assert_eq!(imported["apply_url"], "https://quill.example/careers/1");
            assert_eq!(imported["employment_type"], json!(["full_time"]));
            ids.push(imported["job_target_id"].as_str().unwrap().to_string());
        }
        ids.dedup();
        assert_eq!(ids.len(), 3, "imports are never deduplicated");
        let limited = ada.post("/api/v1/apply/job/import", job.clone()).await;
        assert_eq!(limited.status, 429, "{}", limited.text());
        assert!(limited.headers.contains_key("retry-after"));
        // Only extension imports count.
        let mut from_app = job.clone();
        from_app["source"] = json!("jobscout");
        assert_eq!(
            ada.post("/api/v1/apply/job/import", from_app).await.status,
            200
        );
        let missing_company = ada
            .post("/api/v1/apply/job/import", json!({"title": "x"}))
            .await;
        assert_eq!(missing_company.status, 422);
    }
}

#[tokio::test]
async fn edits_replace_fields_and_store_the_employment_list() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let imported = ada
            .post(
                "/api/v1/apply/job/import",
                json!({"title": "Engineer", "company": "Acme"}),
            )
            .await
            .json();
        let id = imported["job_target_id"].as_str().unwrap();
        let uri = format!("/api/v1/apply/job/{id}");
        let empty = ada.call(Method::PUT, &uri, Some(json!({}))).await;
        assert_eq!(empty.status, 400);
        let response = ada
            .call(
                Method::PUT,
                &uri,
                Some(json!({"title": "Staff Engineer", "employment_type": ["full_time", "contract"], "salary_max": 150000})),
            )
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let updated = response.json();
        assert_eq!(updated["title"], "Staff Engineer");
        assert_eq!(updated["company"], "Acme", "fields left out are kept");
        assert_eq!(updated["employment_type"], json!(["full_time", "contract"]));
        assert_eq!(updated["salary_max"], 150000.0);
        let read = ada
            .get(&format!("/api/v1/apply/job/target/{id}"))
            .await
            .json();
        assert_eq!(
            read["employment_type"],
            json!(["full_time", "contract"]),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_missing_processor_is_a_503_naming_it() {
    let world = World::start_without(&["job-parse"]).await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = world.app(&db, &[]).await;
    let ada = world.client(&app, "ada@example.com");
    let response = ada
        .post(
            "/api/v1/apply/job/parse",
            json!({"job_text": "Title: Engineer\nCompany: Acme\nWe build things."}),
        )
        .await;
    assert_eq!(response.status, 503, "{}", response.text());
    let detail = response.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("'job-parse'") && detail.contains("plugins.toml"),
        "{detail}"
    );
    // Imports need no parser: they still work.
    let imported = ada
        .post(
            "/api/v1/apply/job/import",
            json!({"title": "Engineer", "company": "Acme"}),
        )
        .await;
    assert_eq!(imported.status, 200);
}

/// The repository's plugins.toml declares every processor of docs/processors.md,
/// enabled, with no hosts (processors do no I/O).
#[test]
fn bundled_plugins_toml_declares_every_processor() {
    let root = plugins_support::repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    for (id, stem) in apply_support::PROCESSORS {
        let decl = manifest
            .plugins
            .iter()
            .find(|decl| decl.id.as_str() == id)
            .unwrap_or_else(|| panic!("{id} is not declared in plugins.toml"));
        assert_eq!(decl.kind, jobscout::plugins::PluginKind::Processor, "{id}");
        assert!(decl.enabled, "{id}");
        assert!(decl.allowed_hosts.is_empty(), "{id} must not fetch");
        assert!(
            decl.path
                .ends_with(format!("plugins/target/wasm32-wasip2/release/{stem}.wasm")),
            "{id}: {}",
            decl.path.display()
        );
    }
}
