//! Every route × {no header, malformed, expired, valid user, admin}.
//!
//! The route list is read from the router's own source: every `.route("…", …)` call
//! in `host/src/http/`, with its methods. Each route must be classified below; a
//! route added without a class fails this test, so it cannot ship unprotected by
//! accident. Each class is then checked against the real router.

use crate::common;

use std::collections::BTreeSet;

use axum::http::Method;
use common::fake_supabase::FakeSupabase;
use common::routes::routes_in_source;
use common::{TestApp, TestDb};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// No credentials needed; credentials are ignored.
    Public,
    /// Anonymous allowed; a bearer token that is present must be valid.
    OptionalUser,
    /// A valid Supabase session.
    User,
    /// `Bearer <JOBSCOUT_ADMIN_TOKEN>`.
    Admin,
}

/// The declared access of every route. Add new routes here.
const ACCESS: &[(&str, &str, Access)] = &[
    ("GET", "/", Access::Public),
    ("GET", "/health", Access::Public),
    ("GET", "/metrics", Access::Public),
    ("GET", "/openapi.json", Access::Public),
    ("GET", "/docs", Access::Public),
    ("GET", "/docs/", Access::Public),
    ("GET", "/docs/{*file}", Access::Public),
    ("GET", "/api/v1/jobs", Access::OptionalUser),
    ("GET", "/api/v1/jobs/{job_id}", Access::Public),
    // Public in the earlier backend despite its prefix (the home page shows it).
    ("GET", "/api/v1/admin/stats", Access::Public),
    ("GET", "/api/v1/runs/latest", Access::Public),
    ("GET", "/api/v1/runs/{run_id}", Access::Public),
    ("POST", "/api/v1/metrics/event", Access::OptionalUser),
    ("OPTIONS", "/api/v1/metrics/event", Access::Public),
    ("POST", "/api/v1/admin/run", Access::Admin),
    // Off by default (404); rate-limited per IP when on.
    ("POST", "/api/v1/scrape", Access::Public),
    ("GET", "/api/v1/admin/plugins", Access::Admin),
    ("POST", "/api/v1/admin/plugins/reload", Access::Admin),
    ("POST", "/api/v1/admin/plugins/{id}/enable", Access::Admin),
    ("POST", "/api/v1/admin/plugins/{id}/disable", Access::Admin),
    ("GET", "/api/v1/profile", Access::User),
    ("PUT", "/api/v1/profile", Access::User),
    ("POST", "/api/v1/profile/resume/text", Access::User),
    ("POST", "/api/v1/profile/resume/upload", Access::User),
    ("PUT", "/api/v1/profile/resume/primary", Access::User),
    ("GET", "/api/v1/profile/resume/{resume_id}", Access::User),
    ("GET", "/api/v1/saved-searches", Access::User),
    ("POST", "/api/v1/saved-searches", Access::User),
    (
        "GET",
        "/api/v1/saved-searches/preferences/email",
        Access::User,
    ),
    (
        "PUT",
        "/api/v1/saved-searches/preferences/email",
        Access::User,
    ),
    ("GET", "/api/v1/saved-searches/{search_id}", Access::User),
    ("PUT", "/api/v1/saved-searches/{search_id}", Access::User),
    ("DELETE", "/api/v1/saved-searches/{search_id}", Access::User),
    ("POST", "/api/v1/apply/job/parse", Access::User),
    (
        "GET",
        "/api/v1/apply/job/target/{job_target_id}",
        Access::User,
    ),
    ("POST", "/api/v1/apply/job/import", Access::User),
    ("PUT", "/api/v1/apply/job/{job_target_id}", Access::User),
    ("POST", "/api/v1/apply/resume/upload", Access::User),
    (
        "POST",
        "/api/v1/apply/job/{job_target_id}/trust",
        Access::User,
    ),
    (
        "POST",
        "/api/v1/apply/job/{job_target_id}/trust/feedback",
        Access::User,
    ),
    ("POST", "/api/v1/apply/pack/generate", Access::User),
    ("GET", "/api/v1/apply/pack/{apply_pack_id}", Access::User),
    (
        "GET",
        "/api/v1/apply/pack/{apply_pack_id}/export",
        Access::User,
    ),
    (
        "GET",
        "/api/v1/apply/pack/{apply_pack_id}/ats-preview",
        Access::User,
    ),
    ("GET", "/api/v1/apply/history", Access::User),
    ("POST", "/api/v1/apply/application", Access::User),
    ("GET", "/api/v1/apply/application", Access::User),
    (
        "PUT",
        "/api/v1/apply/application/{application_id}",
        Access::User,
    ),
    (
        "POST",
        "/api/v1/apply/application/{application_id}/feedback",
        Access::User,
    ),
    (
        "GET",
        "/api/v1/apply/application/{application_id}/feedback",
        Access::User,
    ),
    ("GET", "/api/v1/apply/insights", Access::User),
    ("GET", "/api/v1/apply/quota", Access::User),
    ("GET", "/api/v1/referrals/stats", Access::User),
    ("POST", "/api/v1/referrals/apply", Access::User),
    ("GET", "/api/v1/referrals/check/{code}", Access::Public),
    // Authenticated by Paddle's signature, never by a session (422 without one).
    ("POST", "/api/v1/paddle/webhook", Access::Public),
    ("GET", "/api/v1/paddle/checkout-url", Access::User),
];

fn concrete(path: &str) -> String {
    path.replace("{run_id}", "1")
        .replace("{*file}", "swagger-ui.css")
        .replace("{job_id}", "0123456789abcdef01234567")
        .replace("{id}", "echo")
        // A plan nobody sells: 400 for a signed-in caller whatever is configured.
        .replace("checkout-url", "checkout-url?plan=no-such-plan")
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "7d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a".to_string()
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_route_in_the_router_has_a_declared_access() {
    let in_source = routes_in_source();
    let declared: BTreeSet<(String, String)> = ACCESS
        .iter()
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    let undeclared: Vec<_> = in_source.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "routes without a declared access class (add them to ACCESS): {undeclared:?}"
    );
    let stale: Vec<_> = declared.difference(&in_source).collect();
    assert!(
        stale.is_empty(),
        "ACCESS lists routes the router no longer has: {stale:?}"
    );
    assert!(
        in_source.len() >= 36,
        "the source scan found {} routes",
        in_source.len()
    );
}

#[tokio::test]
async fn every_route_enforces_its_access_for_every_credential() {
    const ADMIN_TOKEN: &str = "matrix-admin-token-5e1f";
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let settings = fake.settings();
    let mut pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    pairs.push(("JOBSCOUT_ADMIN_TOKEN", ADMIN_TOKEN));
    pairs.push(("JOBSCOUT_PADDLE_WEBHOOK_SECRET", "matrix-webhook-secret"));
    let app = TestApp::new(&db.pool, &pairs).await;

    let user_id = Uuid::new_v4();
    let valid = format!("Bearer {}", fake.token(user_id, "matrix@example.com", 600));
    let expired = format!("Bearer {}", fake.token(user_id, "matrix@example.com", -60));
    let admin = format!("Bearer {ADMIN_TOKEN}");
    let credentials: [(&str, Option<&str>); 5] = [
        ("no header", None),
        ("malformed", Some("Bearer not.a-token")),
        ("expired", Some(&expired)),
        ("valid user", Some(&valid)),
        ("admin", Some(&admin)),
    ];

    let mut failures = Vec::new();
    for (method, path, access) in ACCESS {
        for (label, header) in credentials {
            let headers: Vec<(&str, &str)> = header
                .map(|value| ("authorization", value))
                .into_iter()
                .collect();
            let body = matches!(*method, "POST" | "PUT").then(|| serde_json::json!({}));
            let response = app
                .send(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &concrete(path),
                    &headers,
                    body,
                )
                .await;
            let status = response.status.as_u16();
            // 500/503 would hide a failure.
            // The router's own 404/405 fallbacks would mean the route is not there.
            let unrouted =
                status == 405 || (status == 404 && response.text() == r#"{"detail":"Not Found"}"#);
            let allowed = || !matches!(status, 401 | 403 | 500 | 503) && !unrouted;
            let ok = match (access, label) {
                (Access::Public, _) => allowed(),
                (Access::OptionalUser, "no header" | "valid user") => allowed(),
                (Access::OptionalUser, _) => status == 401,
                (Access::User, "valid user") => allowed(),
                (Access::User, _) => status == 401,
                (Access::Admin, "admin") => allowed(),
                (Access::Admin, "no header") => status == 401,
                (Access::Admin, _) => status == 403,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} [{access:?}] with {label}: {status} {}",
                    response.text()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access violations:\n{}",
        failures.join("\n")
    );
}
