//! Shared by the Python plugin's test and benchmark: builds the component with
//! the project's own tooling and serves the plugin's fixture like the API.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use super::plugins_support::{entry, repository_root};

pub const PLUGIN_DIR: &str = "plugins/python/landingjobs";
pub const WASM: &str = "plugins/target/wasm32-wasip2/release/jobscout_source_landingjobs_py.wasm";

pub fn skipped() -> bool {
    let skip = std::env::var("JOBSCOUT_TEST_SKIP_PYTHON").is_ok_and(|value| value == "1");
    if skip {
        println!("JOBSCOUT_TEST_SKIP_PYTHON=1: the Python plugin tests are skipped");
    }
    skip
}

/// Builds the Python plugin through the project's own tooling, once per test process.
pub fn python_wasm() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    BUILT
        .get_or_init(|| {
            let root = repository_root();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let started = Instant::now();
            let output = Command::new(cargo)
                .current_dir(&root)
                .args(["run", "--quiet", "--package", "xtask", "--", "build-plugins", "--python-only"])
                .output()
                .map_err(|error| format!("cannot run cargo to build the Python plugin: {error}"))?;
            if !output.status.success() {
                return Err(format!(
                    "`cargo xtask build-plugins --python-only` failed (set JOBSCOUT_TEST_SKIP_PYTHON=1 to skip the Python plugin tests):\n{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            println!(
                "python plugin build step: {:.1?}\n{}",
                started.elapsed(),
                String::from_utf8_lossy(&output.stdout)
            );
            Ok(root.join(WASM))
        })
        .clone()
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The fixture, served like `GET /api/v1/jobs?limit=&offset=`; `/broken/…`
/// answers HTML with status 200, `/failing/…` a 500.
pub async fn start_api() -> (std::net::SocketAddr, Arc<Mutex<Vec<(usize, usize)>>>) {
    use axum::extract::Query;
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::get;
    use std::collections::HashMap;

    let items: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(
            repository_root()
                .join(PLUGIN_DIR)
                .join("fixtures/landingjobs.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let app = axum::Router::new()
        .route(
            "/api/v1/jobs",
            get(move |Query(params): Query<HashMap<String, String>>| {
                let seen = seen.clone();
                let items = items.clone();
                async move {
                    let number = |key: &str, default: usize| {
                        params
                            .get(key)
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(default)
                    };
                    let (limit, offset) = (number("limit", 10), number("offset", 0));
                    seen.lock().unwrap().push((limit, offset));
                    let page: Vec<_> = items.iter().skip(offset).take(limit).cloned().collect();
                    axum::Json(page)
                }
            }),
        )
        .route(
            "/broken/api/v1/jobs",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html>We'll be back soon</html>",
                )
            }),
        )
        .route(
            "/failing/api/v1/jobs",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response() }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (address, requests)
}

pub fn declare(id: &str, wasm: &Path, allowed: &str, base_url: &str) -> String {
    entry(
        id,
        "source",
        wasm,
        &format!(
            "allowed_hosts = [{allowed}]\n\n[plugin.config]\nbase_url = \"{base_url}\"\npage_size = 2\n\n[plugin.limits]\nmemory_mib = 128\ntimeout_ms = 30000\n"
        ),
    )
}
