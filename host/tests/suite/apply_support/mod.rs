//! Shared by the `apply_*` tests: an app over a test database with the fake
//! Supabase, the real processor plugins (built from `plugins/`), and a local
//! 127.0.0.1 server for job pages and apply links (egress allows only it).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, Request};
use axum::http::{header, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;

use crate::common::fake_supabase::FakeSupabase;
use crate::common::{TestApp, TestDb, TestResponse};
use crate::plugins_support;

/// The processors of `docs/processors.md`: (plugin id, wasm file stem).
pub const PROCESSORS: [(&str, &str); 9] = [
    ("resume-text", "jobscout_processor_resume_text"),
    ("resume-analyze", "jobscout_processor_resume_analyze"),
    ("job-parse", "jobscout_processor_job_parse"),
    ("job-analyze", "jobscout_processor_job_analyze"),
    ("trust", "jobscout_processor_trust"),
    ("apply-pack", "jobscout_processor_apply_pack"),
    ("documents", "jobscout_processor_documents"),
    ("feedback-parse", "jobscout_processor_feedback_parse"),
    ("learning-summary", "jobscout_processor_learning_summary"),
];

/// plugins.toml with every processor (except those in `without`), in a temp dir.
pub fn processors_manifest(without: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for (id, stem) in PROCESSORS {
        if without.contains(&id) {
            continue;
        }
        body.push_str(&plugins_support::entry(
            id,
            "processor",
            &plugins_support::wasm(stem),
            "[plugin.limits]\nmemory_mib = 256\ntimeout_ms = 20000\nmax_concurrent_calls = 64\n",
        ));
    }
    let path = plugins_support::write_manifest(dir.path(), &body);
    (dir, path)
}

/// A signed-in caller.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub user_id: Uuid,
    pub authorization: String,
}

impl Client<'_> {
    pub async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> TestResponse {
        self.app
            .send(
                method,
                uri,
                &[("authorization", self.authorization.as_str())],
                body,
            )
            .await
    }

    pub async fn post(&self, uri: &str, body: Value) -> TestResponse {
        self.call(Method::POST, uri, Some(body)).await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.call(Method::GET, uri, None).await
    }

    /// A multipart upload of one `file` field.
    pub async fn upload(&self, uri: &str, filename: &str, data: &[u8]) -> TestResponse {
        let boundary = "jobscout-test-boundary-7f3a";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("authorization", &self.authorization)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.app.request(request).await
    }
}

pub struct World {
    pub fake: FakeSupabase,
    pub pages: Pages,
    _manifest_dir: tempfile::TempDir,
    manifest: PathBuf,
}

impl World {
    pub async fn start() -> World {
        Self::start_without(&[]).await
    }

    /// Like `start`, with some processors left out of plugins.toml.
    pub async fn start_without(without: &[&str]) -> World {
        let (dir, manifest) = processors_manifest(without);
        World {
            fake: FakeSupabase::start().await,
            pages: Pages::start().await,
            _manifest_dir: dir,
            manifest,
        }
    }

    pub async fn app(&self, db: &TestDb, extra: &[(&str, &str)]) -> TestApp {
        let mut pairs: Vec<(String, String)> = self
            .fake
            .settings()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        pairs.push((
            "JOBSCOUT_PLUGINS_FILE".into(),
            self.manifest.display().to_string(),
        ));
        pairs.push((
            "JOBSCOUT_PLUGIN_CACHE_DIR".into(),
            plugins_support::shared_cache_dir().display().to_string(),
        ));
        pairs.push((
            "JOBSCOUT_EGRESS_ALLOW_LOCAL".into(),
            self.pages.address.to_string(),
        ));
        for (name, value) in extra {
            pairs.push((name.to_string(), value.to_string()));
        }
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        TestApp::new(&db.pool, &borrowed).await
    }

    pub fn client<'a>(&self, app: &'a TestApp, email: &str) -> Client<'a> {
        let user_id = Uuid::new_v4();
        Client {
            app,
            user_id,
            authorization: format!("Bearer {}", self.fake.token(user_id, email, 600)),
        }
    }
}

/// The 127.0.0.1 server: job pages by name, and apply links with chosen answers.
/// Every request is counted per path.
pub struct Pages {
    pub address: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
}

impl Pages {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn total_hits(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    async fn start() -> Pages {
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let total = Arc::new(AtomicUsize::new(0));
        let (counter, counted) = (hits.clone(), total.clone());
        let app = axum::Router::new()
            .route("/jobs/{name}", get(job_page))
            .route("/apply/ok", get(|| async { Html("<h1>Apply</h1>") }))
            .route("/apply/login", get(|| async { StatusCode::FORBIDDEN }))
            .route("/apply/gone", get(|| async { StatusCode::NOT_FOUND }))
            .route("/hop/{n}", get(hop))
            .layer(axum::middleware::from_fn(
                move |request: Request, next: axum::middleware::Next| {
                    let (counter, counted) = (counter.clone(), counted.clone());
                    async move {
                        *counter
                            .lock()
                            .unwrap()
                            .entry(request.uri().path().to_string())
                            .or_default() += 1;
                        counted.fetch_add(1, Ordering::SeqCst);
                        next.run(request).await
                    }
                },
            ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Pages {
            address,
            hits,
            total,
        }
    }
}

/// `/hop/3` redirects to `/hop/2` … `/hop/0`, which answers 200.
async fn hop(Path(n): Path<u32>) -> Response {
    if n == 0 {
        return Html("<p>arrived</p>").into_response();
    }
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("/hop/{}", n - 1))],
    )
        .into_response()
}

async fn job_page(Path(name): Path<String>) -> Response {
    match pages::page(&name) {
        Some(html) => Html(html).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub mod pages;

/// A document from `fixtures/documents/` (the resume processor's test documents).
pub fn document(name: &str) -> Vec<u8> {
    let path = plugins_support::repository_root()
        .join("fixtures/documents")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}
