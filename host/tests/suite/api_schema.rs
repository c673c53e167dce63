//! `/openapi.json` tells the truth (issue 15, item 5): every route is in it, each
//! operation documents the statuses its extractors and storage can answer (401 for
//! user routes, 401/403 for admin routes, 422 where input is validated, 503 where
//! the database is used), and what the server answers with its database down or
//! without credentials is documented for that operation.

use crate::common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::Request;
use common::fake_supabase::token_signed_with;
use common::routes::{handler, routes_in_source, Handler};
use common::{TestApp, TestDb};
use jobscout::config::Settings;
use jobscout::http::openapi::{ApiDoc, WITHOUT_DATABASE};
use jobscout::shutdown;
use jobscout::storage::Database;
use serde_json::{json, Value};
use utoipa::OpenApi as _;
use uuid::Uuid;

const JWT_SECRET: &str = "api-schema-test-secret-0123456789abcdef";
const ADMIN_TOKEN: &str = "api-schema-admin-token";

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap()
}

/// (method, path, operation) of every operation in the document.
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if common::routes::METHODS.contains(&method.as_str()) {
                found.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

fn documented(operation: &Value, status: u16) -> bool {
    operation["responses"]
        .as_object()
        .unwrap()
        .contains_key(&status.to_string())
}

fn schemes(operation: &Value) -> BTreeSet<String> {
    operation["security"]
        .as_array()
        .map(|requirements| {
            requirements
                .iter()
                .flat_map(|requirement| {
                    let names: Vec<String> =
                        requirement.as_object().unwrap().keys().cloned().collect();
                    if names.is_empty() {
                        vec![String::new()]
                    } else {
                        names
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn handler_of(operation: &Value) -> (String, Handler) {
    let id = operation["operationId"].as_str().unwrap().to_string();
    let source =
        handler(&id).unwrap_or_else(|| panic!("no handler `pub async fn {id}` in src/http"));
    (id, source)
}

/// Whether the handler fails when storage does: it takes the pool or the Apply
/// service with `?`, queues a run, or takes `AuthUser` (which writes the `users`
/// row). `/health`, `/metrics` and analytics events read the state without failing.
fn uses_database(source: &Handler) -> bool {
    source.signature.contains("AuthUser")
        || [
            "db.pool()?",
            "service(&state)?",
            "service(state)?",
            "scrapes.enqueue",
        ]
        .iter()
        .any(|needle| source.body.contains(needle))
}

/// Whether a parameter or body is parsed, so that a 422 can come back.
fn validates_input(source: &Handler) -> bool {
    [
        "AppJson",
        "Path(",
        "RawQuery",
        "Query<",
        "body: axum::body::Bytes",
    ]
    .iter()
    .any(|needle| source.signature.contains(needle))
}

/// Routes of `http/openapi.rs` that serve the document and Swagger UI.
const DOCUMENTATION_ROUTES: [&str; 4] = ["/openapi.json", "/docs", "/docs/", "/docs/{*file}"];

#[test]
fn every_route_of_the_router_is_documented() {
    let document = document();
    let documented: BTreeSet<(String, String)> = operations(&document)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    // The documentation itself (the document and Swagger UI) is not an operation of it.
    let missing: Vec<_> = routes_in_source()
        .difference(&documented)
        .filter(|(_, path)| !DOCUMENTATION_ROUTES.contains(&path.as_str()))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from /openapi.json: {missing:?}"
    );
    let stale: Vec<_> = documented
        .difference(&routes_in_source())
        .cloned()
        .collect();
    assert!(
        stale.is_empty(),
        "documented operations the router lacks: {stale:?}"
    );
}

#[test]
fn each_operation_documents_what_its_extractors_and_storage_answer() {
    let document = document();
    let mut problems = Vec::new();
    for (method, path, operation) in operations(&document) {
        let label = format!("{method} {path}");
        let (id, source) = handler_of(&operation);
        let schemes = schemes(&operation);
        let needs = |status: u16, why: &str, problems: &mut Vec<String>| {
            if !documented(&operation, status) {
                problems.push(format!("{label}: {why} but {status} is not documented"));
            }
        };
        if source.signature.contains("AuthUser") {
            if schemes != BTreeSet::from(["bearer".to_string()]) {
                problems.push(format!(
                    "{label}: takes AuthUser but its security is {schemes:?}"
                ));
            }
            needs(401, "takes AuthUser", &mut problems);
            needs(429, "takes AuthUser (per-user rate limit)", &mut problems);
        } else if source.signature.contains("MaybeUser") {
            if schemes != BTreeSet::from([String::new(), "bearer".to_string()]) {
                problems.push(format!(
                    "{label}: takes MaybeUser but its security is {schemes:?} (want anonymous or bearer)"
                ));
            }
            needs(
                401,
                "takes MaybeUser (a bad bearer is refused)",
                &mut problems,
            );
            needs(
                503,
                "checks bearer tokens with the identity provider",
                &mut problems,
            );
        } else if source.signature.contains("AdminAuth") {
            if schemes != BTreeSet::from(["admin".to_string()]) {
                problems.push(format!(
                    "{label}: takes AdminAuth but its security is {schemes:?}"
                ));
            }
            needs(401, "takes AdminAuth", &mut problems);
            needs(403, "takes AdminAuth", &mut problems);
            needs(
                503,
                "takes AdminAuth (no admin token configured)",
                &mut problems,
            );
        } else if !schemes.is_empty() {
            problems.push(format!(
                "{label}: no auth extractor but security {schemes:?}"
            ));
        }
        if uses_database(&source) {
            needs(503, "uses the database", &mut problems);
            if WITHOUT_DATABASE.contains(&id.as_str()) {
                problems.push(format!(
                    "{label}: listed in WITHOUT_DATABASE but uses the database"
                ));
            }
        }
        if validates_input(&source) {
            needs(422, "parses a parameter or body", &mut problems);
        }
        if path.starts_with("/api/v1/") {
            needs(429, "is under /api/v1 (per-IP rate limit)", &mut problems);
        }
        for (status, response) in operation["responses"].as_object().unwrap() {
            let error = status.starts_with('4') || status.starts_with('5');
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            let expected = if status == "422" {
                "#/components/schemas/ValidationErrorResponse"
            } else {
                "#/components/schemas/ErrorResponse"
            };
            if error && schema != expected {
                problems.push(format!("{label}: {status} has no {expected} body"));
            }
        }
    }
    // Links name operations that exist, by a parameter they take.
    let ids: BTreeSet<String> = operations(&document)
        .iter()
        .map(|(_, _, operation)| operation["operationId"].as_str().unwrap().to_string())
        .collect();
    for (method, path, operation) in operations(&document) {
        for response in operation["responses"].as_object().unwrap().values() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let target = link["operationId"].as_str().unwrap_or_default();
                if !ids.contains(target) {
                    problems.push(format!("{method} {path}: link {name} names no operation"));
                }
            }
        }
    }
    for id in WITHOUT_DATABASE {
        assert!(
            handler(id).is_some(),
            "WITHOUT_DATABASE names `{id}`, which is no handler"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A request for `operation` with its path parameters filled in, as the given
/// user or admin, with an empty JSON object as body where it takes one.
fn request_for(
    path: &str,
    method: &str,
    operation: &Value,
    authorization: Option<&str>,
) -> Request<Body> {
    let mut uri = path.to_string();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if parameter["in"] != "path" {
            continue;
        }
        let name = parameter["name"].as_str().unwrap();
        let value = match (
            parameter["schema"]["type"].as_str(),
            parameter["schema"]["format"].as_str(),
        ) {
            (_, Some("uuid")) => Uuid::new_v4().to_string(),
            (Some("integer"), _) => "1".to_string(),
            _ => "0123456789abcdef01234567".to_string(),
        };
        uri = uri.replace(&format!("{{{name}}}"), &value);
    }
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(authorization) = authorization {
        builder = builder.header("authorization", authorization);
    }
    let content = &operation["requestBody"]["content"];
    if content.get("application/json").is_some() {
        builder = builder.header("content-type", "application/json");
        builder.body(Body::from("{}")).unwrap()
    } else if content.get("multipart/form-data").is_some() {
        builder = builder.header("content-type", "multipart/form-data; boundary=x");
        builder.body(Body::from("--x--\r\n")).unwrap()
    } else {
        builder.body(Body::empty()).unwrap()
    }
}

fn credentials(operation: &Value, user: &str) -> Option<String> {
    let schemes = schemes(operation);
    if schemes.contains("admin") {
        Some(format!("Bearer {ADMIN_TOKEN}"))
    } else if schemes.contains("bearer") {
        Some(format!("Bearer {user}"))
    } else {
        None
    }
}

#[tokio::test]
async fn with_the_database_down_every_answer_is_documented() {
    let directory = tempfile::tempdir().unwrap();
    let unusable = directory.path().join("not-a-directory");
    std::fs::write(&unusable, b"").unwrap();
    let sqlite_path = unusable.join("j.db");
    let settings = Settings::from_pairs([
        ("JOBSCOUT_SQLITE_PATH", sqlite_path.to_str().unwrap()),
        (
            "JOBSCOUT_PLUGINS_FILE",
            "/nonexistent/jobscout-test-plugins.toml",
        ),
        ("JOBSCOUT_SUPABASE_JWT_SECRET", JWT_SECRET),
        ("JOBSCOUT_ADMIN_TOKEN", ADMIN_TOKEN),
    ])
    .into_result()
    .unwrap();
    let (_trigger, signal) = shutdown::channel();
    let app = TestApp::with_database(Database::start(&settings, signal), settings).await;
    let user = token_signed_with(JWT_SECRET, Uuid::new_v4(), "schema@example.com", 600);
    let document = document();
    let mut problems = Vec::new();
    for (method, path, operation) in operations(&document) {
        let (id, source) = handler_of(&operation);
        let authorization = credentials(&operation, &user);
        let response = app
            .request(request_for(
                &path,
                &method,
                &operation,
                authorization.as_deref(),
            ))
            .await;
        let status = response.status.as_u16();
        if !documented(&operation, status) {
            problems.push(format!(
                "{method} {path}: answered an undocumented {status} with the database down: {}",
                response.text()
            ));
        }
        if status == 503 && WITHOUT_DATABASE.contains(&id.as_str()) {
            problems.push(format!(
                "{method} {path}: in WITHOUT_DATABASE but answered 503"
            ));
        }
        // Every route that uses storage reports the outage, except where the
        // contract says otherwise (a disabled public scrape is a 404 first; the
        // admin trigger reports a run it could not queue as a 200 `error`).
        if uses_database(&source)
            && status != 503
            && !["public_scrape", "admin_run"].contains(&id.as_str())
        {
            problems.push(format!(
                "{method} {path}: uses the database but answered {status} with it down"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn refused_credentials_answer_a_documented_401_on_every_engine() {
    for db in TestDb::all().await {
        let app = TestApp::new(
            &db.pool,
            &[
                ("JOBSCOUT_SUPABASE_JWT_SECRET", JWT_SECRET),
                ("JOBSCOUT_ADMIN_TOKEN", ADMIN_TOKEN),
            ],
        )
        .await;
        let expired = token_signed_with(JWT_SECRET, Uuid::new_v4(), "old@example.com", -600);
        let document = document();
        let mut problems = Vec::new();
        for (method, path, operation) in operations(&document) {
            let schemes = schemes(&operation);
            if schemes.is_empty() {
                continue;
            }
            // No header: 401 for users and admins; anonymous routes carry on.
            let response = app
                .request(request_for(&path, &method, &operation, None))
                .await;
            let status = response.status.as_u16();
            if !schemes.contains("") && status != 401 {
                problems.push(format!("{method} {path}: {status} without credentials"));
            }
            // An expired bearer: 401 wherever a bearer is read, 403 on admin routes.
            let response = app
                .request(request_for(
                    &path,
                    &method,
                    &operation,
                    Some(&format!("Bearer {expired}")),
                ))
                .await;
            let refused = response.status.as_u16();
            let expected = if schemes.contains("admin") { 403 } else { 401 };
            if refused != expected {
                problems.push(format!("{method} {path}: {refused} for an expired token"));
            }
            for status in [status, refused] {
                if !documented(&operation, status) {
                    problems.push(format!(
                        "{method} {path}: answered an undocumented {status}"
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}:\n{}", db.name, problems.join("\n"));
        assert_eq!(
            app.get("/openapi.json").await.json()["paths"],
            json!(document["paths"])
        );
    }
}
