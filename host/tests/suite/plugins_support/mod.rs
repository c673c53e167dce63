//! Shared by the `plugins_*` integration tests: builds the in-repo plugins once,
//! writes plugins.toml files, starts hosts, serves local HTTP fixtures.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use jobscout::config::Settings;
use jobscout::plugins::types::{JobQuery, QueryFeature};
use jobscout::plugins::{HostOptions, PluginHost};

pub const WASM_TARGET: &str = "wasm32-wasip2";

pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Builds `plugins/` for wasm32-wasip2 (release) once per test process; cargo
/// itself serialises concurrent builds of the same target directory.
fn build_plugins() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    BUILT
        .get_or_init(|| {
            let plugins = repository_root().join("plugins");
            let target_dir = plugins.join("target");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let output = Command::new(cargo)
                .current_dir(&plugins)
                // The whole plugins workspace: the test plugins and the bundled sources
                // (tests load both), so a fresh clone builds everything it needs.
                .args(["build", "--release", "--quiet", "--workspace", "--target", WASM_TARGET])
                .arg("--target-dir")
                .arg(&target_dir)
                // Flags meant for the host build must not leak into the wasm build.
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env_remove("CARGO_BUILD_TARGET")
                .output()
                .map_err(|error| format!("cannot run cargo to build the test plugins: {error}"))?;
            if !output.status.success() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                if stderr.contains("wasm32-wasip2") && (stderr.contains("target may not be installed") || stderr.contains("can't find crate for `std`") || stderr.contains("can't find crate for `core`")) {
                    return Err(format!(
                        "the {WASM_TARGET} target is not installed: run `rustup target add {WASM_TARGET}` (or `cargo xtask build-plugins`)\n{stderr}"
                    ));
                }
                return Err(format!(
                    "building the plugins failed (cd plugins && cargo build --release --workspace --target {WASM_TARGET}):\n{stderr}"
                ));
            }
            Ok(target_dir.join(WASM_TARGET).join("release"))
        })
        .clone()
}

/// The path of a built test plugin, e.g. `wasm("jobscout_test_echo_source")`.
pub fn wasm(name: &str) -> PathBuf {
    let directory = build_plugins().unwrap_or_else(|error| panic!("{error}"));
    let path = directory.join(format!("{name}.wasm"));
    assert!(path.exists(), "{} was not built", path.display());
    path
}

pub fn echo_wasm() -> PathBuf {
    wasm("jobscout_test_echo_source")
}

pub fn hostile_wasm() -> PathBuf {
    wasm("jobscout_test_hostile")
}

pub fn processor_wasm() -> PathBuf {
    wasm("jobscout_test_upper_processor")
}

/// A compile cache shared by the tests of one run, so each plugin compiles once.
pub fn shared_cache_dir() -> PathBuf {
    repository_root()
        .join("target")
        .join("jobscout-test-plugin-cache")
}

/// Writes `plugins.toml` with `body` (after the schema line) into `dir`.
pub fn write_manifest(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("plugins.toml");
    std::fs::write(&path, format!("schema_version = 1\n\n{body}")).unwrap();
    path
}

pub fn settings(manifest: &Path, cache_dir: &Path, allow_local: &str) -> Settings {
    settings_with(manifest, cache_dir, allow_local, &[])
}

/// [`settings`] plus `extra` pairs, as a `.env` file would give them.
pub fn settings_with(
    manifest: &Path,
    cache_dir: &Path,
    allow_local: &str,
    extra: &[(&str, &str)],
) -> Settings {
    let mut pairs = vec![
        (
            "JOBSCOUT_PLUGINS_FILE".to_string(),
            manifest.display().to_string(),
        ),
        (
            "JOBSCOUT_PLUGIN_CACHE_DIR".to_string(),
            cache_dir.display().to_string(),
        ),
        (
            "JOBSCOUT_EGRESS_ALLOW_LOCAL".to_string(),
            allow_local.to_string(),
        ),
    ];
    pairs.extend(
        extra
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    let loaded = Settings::from_pairs(pairs);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.settings
}

/// Starts a host on `body` with the shared cache, 127.0.0.1 allowed, no watcher.
pub async fn start_host(dir: &Path, body: &str) -> Arc<PluginHost> {
    start_host_with(
        dir,
        body,
        "127.0.0.1",
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await
}

pub async fn start_host_with(
    dir: &Path,
    body: &str,
    allow_local: &str,
    options: HostOptions,
) -> Arc<PluginHost> {
    start_host_with_settings(dir, body, allow_local, &[], options).await
}

/// [`start_host_with`] plus `extra` setting pairs, as a `.env` file would give
/// them (plugin secrets among them: tests never change the process environment,
/// which every test in the binary shares).
pub async fn start_host_with_settings(
    dir: &Path,
    body: &str,
    allow_local: &str,
    extra: &[(&str, &str)],
    options: HostOptions,
) -> Arc<PluginHost> {
    let manifest = write_manifest(dir, body);
    PluginHost::start_with(
        &settings_with(&manifest, &shared_cache_dir(), allow_local, extra),
        options,
    )
    .await
}

/// A plugins.toml entry.
pub fn entry(id: &str, kind: &str, path: &Path, extra: &str) -> String {
    format!(
        "[[plugin]]\nid = \"{id}\"\nkind = \"{kind}\"\npath = \"{}\"\n{extra}\n",
        path.display()
    )
}

pub fn query(keywords: &str, limit: u32) -> JobQuery {
    JobQuery {
        keywords: keywords.to_string(),
        location: None,
        remote_only: false,
        employment_types: Vec::new(),
        posted_since: None,
        limit,
        cursor: None,
    }
}

pub fn features_of(list: &[QueryFeature]) -> Vec<String> {
    list.iter().map(|feature| format!("{feature:?}")).collect()
}

/// A local HTTP fixture on 127.0.0.1 that counts the requests it answers.
pub struct Fixture {
    pub address: SocketAddr,
    pub hits: Arc<AtomicUsize>,
}

impl Fixture {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Routes: `/ok` (text), `/auth` (echoes the Authorization header), `/big`
/// (2 MB), `/slow` (answers after 3 s), `/feed` (a 200-posting JSON feed), `/redirect?to=URL` (302 to URL).
pub async fn start_fixture() -> Fixture {
    use axum::extract::Query;
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::get;

    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let feed = Arc::new(jobscout_feed_parser::sample_feed(200));
    let app = axum::Router::new()
        .route("/ok", get(|| async { "hello from the fixture" }))
        .route(
            "/auth",
            get(|headers: HeaderMap| async move {
                headers
                    .get(header::AUTHORIZATION)
                    .map(|value| value.to_str().unwrap_or_default().to_string())
                    .unwrap_or_else(|| "no authorization".to_string())
            }),
        )
        .route("/big", get(|| async { "x".repeat(2_000_000) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                "too late"
            }),
        )
        .route("/feed", get(move || async move { (*feed).clone() }))
        .route(
            "/redirect",
            get(
                |Query(params): Query<std::collections::HashMap<String, String>>| async move {
                    let to = params.get("to").cloned().unwrap_or_default();
                    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
                },
            ),
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Fixture { address, hits }
}

/// Appends a custom section to a component: a different file (and hash) that behaves the same.
pub fn with_custom_section(wasm: &[u8], marker: &str) -> Vec<u8> {
    let name = b"jobscout-test-marker";
    let mut payload = vec![name.len() as u8];
    payload.extend_from_slice(name);
    payload.extend_from_slice(marker.as_bytes());
    let mut bytes = wasm.to_vec();
    bytes.push(0);
    let mut size = payload.len();
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        if size == 0 {
            bytes.push(byte);
            break;
        }
        bytes.push(byte | 0x80);
    }
    bytes.extend_from_slice(&payload);
    bytes
}

/// Rewrites the SDK's version section to claim another WIT version (same length).
pub fn with_wit_version(wasm: &[u8], version: &str) -> Vec<u8> {
    let needle = b"jobscout:plugin-version";
    let at = wasm
        .windows(needle.len())
        .position(|window| window == needle)
        .expect("the SDK writes a version section");
    let mut bytes = wasm.to_vec();
    let start = at + needle.len();
    bytes[start..start + version.len()].copy_from_slice(version.as_bytes());
    bytes
}

pub async fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}
