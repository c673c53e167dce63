//! The admin plugin API and the plugin metrics, through the real router.

use crate::common;
use crate::plugins_support;

use axum::http::{Method, StatusCode};
use common::{TestApp, TestDb};
use jobscout::plugins::PluginError;
use plugins_support::*;

const TOKEN: &str = "plugin-admin-token";

async fn app(dir: &std::path::Path) -> (TestApp, TestDb) {
    let manifest = write_manifest(dir, &entry("echo", "source", &echo_wasm(), ""));
    let db = TestDb::sqlite_empty().await;
    let manifest = manifest.display().to_string();
    let cache = shared_cache_dir().display().to_string();
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_PLUGINS_FILE", manifest.as_str()),
            ("JOBSCOUT_PLUGIN_CACHE_DIR", cache.as_str()),
            ("JOBSCOUT_ADMIN_TOKEN", TOKEN),
        ],
    )
    .await;
    (app, db)
}

fn bearer() -> [(&'static str, String); 1] {
    [("authorization", format!("Bearer {TOKEN}"))]
}

async fn admin(app: &TestApp, method: Method, uri: &str) -> common::TestResponse {
    let [(name, value)] = bearer();
    app.send(method, uri, &[(name, value.as_str())], None).await
}

#[tokio::test]
async fn listing_needs_the_admin_token_and_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _db) = app(dir.path()).await;

    assert_eq!(
        app.get("/api/v1/admin/plugins").await.status,
        StatusCode::UNAUTHORIZED
    );
    let wrong = app
        .send(
            Method::GET,
            "/api/v1/admin/plugins",
            &[("authorization", "Bearer nope")],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    app.state
        .plugins
        .search("echo", &query("metrics", 2))
        .await
        .unwrap();
    let listed = admin(&app, Method::GET, "/api/v1/admin/plugins").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let body = listed.json();
    let plugin = &body["plugins"][0];
    for field in [
        "id",
        "kind",
        "version",
        "wit_version",
        "state",
        "reason",
        "loaded_at",
        "hash",
        "calls",
        "failures",
        "p50_ms",
        "p95_ms",
    ] {
        assert!(plugin.get(field).is_some(), "missing {field} in {plugin}");
    }
    assert_eq!(plugin["id"], "echo");
    assert_eq!(plugin["kind"], "source");
    assert_eq!(plugin["state"], "loaded");
    assert_eq!(plugin["wit_version"], "0.2.0");
    assert_eq!(plugin["calls"], 1);
    assert_eq!(body["summary"]["loaded"], 1);

    let metrics = app.get("/metrics").await.text();
    assert!(
        metrics.contains("jobscout_plugin_calls_total{plugin=\"echo\",outcome=\"ok\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("jobscout_plugin_call_duration_seconds_bucket{plugin=\"echo\""),
        "{metrics}"
    );
}

#[tokio::test]
async fn plugins_are_disabled_enabled_and_reloaded_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _db) = app(dir.path()).await;

    let disabled = admin(&app, Method::POST, "/api/v1/admin/plugins/echo/disable").await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_eq!(disabled.json()["state"], "disabled");
    assert_eq!(disabled.json()["reason"], "disabled through the admin API");
    assert!(matches!(
        app.state.plugins.search("echo", &query("x", 1)).await,
        Err(PluginError::Unavailable { .. })
    ));

    let enabled = admin(&app, Method::POST, "/api/v1/admin/plugins/echo/enable").await;
    assert_eq!(enabled.json()["state"], "loaded");
    assert!(app
        .state
        .plugins
        .search("echo", &query("x", 1))
        .await
        .is_ok());

    let missing = admin(&app, Method::POST, "/api/v1/admin/plugins/nope/enable").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json()["detail"],
        "no plugin 'nope' is declared in plugins.toml"
    );

    let reloaded = admin(&app, Method::POST, "/api/v1/admin/plugins/reload").await;
    assert_eq!(reloaded.status, StatusCode::OK, "{}", reloaded.text());
    assert_eq!(reloaded.json()["unchanged"], serde_json::json!(["echo"]));

    write_manifest(
        dir.path(),
        "[[plugin]]\nid = \"echo\"\nkind = \"scraper\"\n",
    );
    let refused = admin(&app, Method::POST, "/api/v1/admin/plugins/reload").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let detail = refused.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.starts_with("plugins file not applied, plugins unchanged: "),
        "{detail}"
    );
    assert!(
        detail.contains("plugins.toml:5:8: key `kind`: unknown variant `scraper`"),
        "{detail}"
    );
    assert_eq!(
        app.state.plugins.status("echo").unwrap().state,
        jobscout::plugins::PluginState::Loaded
    );
}
