//! The landing.jobs source written in Python (`plugins/python/landingjobs`),
//! built by `cargo xtask build-plugins --python-only` into a component and
//! loaded by the real plugin host: the WIT is the contract, Rust is a choice.
//! It fetches the in-repo fixture from a local server speaking the API's
//! `limit`/`offset` paging on 127.0.0.1; no real site is contacted.
//!
//! Needs Python 3 with venv and pip (and PyPI for the first build); set
//! `JOBSCOUT_TEST_SKIP_PYTHON=1` to skip these tests on a machine without it.

use crate::plugins_support;
use crate::python_support;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jobscout::plugins::types::{EmploymentType, SalaryPeriod, SourceError, WorkMode};
use jobscout::plugins::{PluginError, PluginHost};
use plugins_support::{query, repository_root, start_host};
use python_support::{declare, python_wasm, skipped, start_api, PLUGIN_DIR, WASM};

/// A host with the Python source declared five times (same component, one compile).
struct Setup {
    host: Arc<PluginHost>,
    _dir: tempfile::TempDir,
    requests: Arc<Mutex<Vec<(usize, usize)>>>,
    base: String,
}

async fn start() -> Setup {
    let wasm = python_wasm();
    let (address, requests) = start_api().await;
    // Nothing listens here: the fetch fails as a network error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let base = format!("http://{address}");
    let local = "\"127.0.0.1\"";
    let body = [
        declare("landingjobs", &wasm, local, &base),
        declare("lj-broken", &wasm, local, &format!("{base}/broken")),
        declare("lj-failing", &wasm, local, &format!("{base}/failing")),
        declare("lj-down", &wasm, local, &format!("http://{closed}")),
        declare("lj-undeclared", &wasm, "", &base),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    // One test at a time loads, so a cold cache compiles the component once and
    // the other tests hit the cache instead of compiling it alongside.
    static LOADING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let loading = LOADING.lock().await;
    let started = Instant::now();
    let host = start_host(dir.path(), &body).await;
    drop(loading);
    println!(
        "host start with five declarations of the Python component: {:.1?} (compile cache {:?} hits/misses)",
        started.elapsed(),
        host.compile_cache_stats()
    );
    Setup {
        host,
        _dir: dir,
        requests,
        base,
    }
}

fn extra<'a>(posting: &'a jobscout::plugins::types::JobPosting, key: &str) -> Option<&'a str> {
    posting
        .extra
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn the_python_source_loads_and_normalizes_the_fixture() {
    if skipped() {
        return;
    }
    let Setup {
        host,
        requests,
        base,
        ..
    } = start().await;
    let status = host.status("landingjobs").unwrap();
    assert_eq!(
        (status.version.as_deref(), status.reason.as_deref()),
        (Some("0.1.0"), None),
        "{status:?}"
    );
    // componentize-py builds against wit/since_v0.1.0: a 0.1.0 build served
    // through the host's adapter, beside the 0.2.0 Rust plugins.
    assert_eq!(status.wit_version.as_deref(), Some("0.1.0"));
    let mut features: Vec<String> = host
        .source_features("landingjobs")
        .unwrap()
        .iter()
        .map(|feature| format!("{feature:?}"))
        .collect();
    features.sort();
    assert_eq!(
        features,
        [
            "QueryFeature::Cursor",
            "QueryFeature::Keywords",
            "QueryFeature::Limit"
        ]
    );

    let started = Instant::now();
    let postings = host.search("landingjobs", &query("", 10)).await.unwrap();
    println!("first search: {:.1?}", started.elapsed());
    // Pages of two until a short page; the untitled job is skipped.
    assert_eq!(*requests.lock().unwrap(), [(2, 0), (2, 2), (2, 4)]);
    let ids: Vec<&str> = postings.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(ids, ["20101", "20102", "20103", "20105"]);

    let rust = &postings[0];
    assert_eq!(rust.title, "Senior Rust Engineer");
    assert_eq!(
        rust.company, "Tessera Labs",
        "derived from /at/tessera-labs/"
    );
    assert_eq!(rust.locations, ["Porto, PT", "Lisbon, PT"]);
    assert_eq!(rust.work_mode, WorkMode::Onsite);
    assert_eq!(rust.employment_types, [EmploymentType::FullTime]);
    let salary = rust.salary.as_ref().unwrap();
    assert_eq!(
        (
            salary.min,
            salary.max,
            salary.currency.as_deref(),
            salary.period
        ),
        (
            Some(55000.0),
            Some(72000.0),
            Some("EUR"),
            Some(SalaryPeriod::Year)
        )
    );
    assert_eq!(rust.posted_at.as_deref(), Some("2026-09-01T09:15:30Z"));
    assert_eq!(
        rust.expires_at.as_deref(),
        Some("2027-01-15T00:00:00Z"),
        "a bare date in the API"
    );
    assert_eq!(
        rust.listing_url,
        "https://landing.jobs/at/tessera-labs/senior-rust-engineer-in-porto-2026"
    );
    assert_eq!(rust.tags, ["Rust", "PostgreSQL", "Tokio"]);
    let text = rust.description_text.as_deref().unwrap();
    assert!(
        text.contains("- Rust & async → 4+ years")
            && !text.contains("&nbsp;")
            && !text.contains('\u{a0}'),
        "{text}"
    );
    assert!(rust
        .description_html
        .as_deref()
        .unwrap()
        .contains("<h3>Perks</h3>"));
    assert_eq!(extra(rust, "relocation_paid"), Some("true"));
    assert_eq!(extra(rust, "next_cursor"), Some("1"));
    assert_eq!(
        extra(rust, "source_url"),
        Some(format!("{base}/api/v1/jobs?limit=2&offset=0").as_str())
    );

    let data = &postings[1];
    assert_eq!(data.company, "Nordlicht Gmbh");
    assert!(data.salary.is_none(), "no salary keys in the item");
    assert_eq!(data.employment_types, [EmploymentType::Contract]);

    let remote = &postings[2];
    assert_eq!(remote.work_mode, WorkMode::Remote);
    assert!(remote.locations.is_empty());
    let salary = remote.salary.as_ref().unwrap();
    assert_eq!(
        (salary.min, salary.max, salary.currency.as_deref()),
        (Some(48000.0), None, Some("GBP"))
    );

    // No published_at: created_at stands in.
    assert_eq!(
        postings[3].posted_at.as_deref(),
        Some("2026-09-05T14:20:00Z")
    );
    assert_eq!(postings[3].employment_types, [EmploymentType::PartTime]);

    // A warm call, for the record.
    let started = Instant::now();
    host.search("landingjobs", &query("", 10)).await.unwrap();
    println!("second search: {:.1?}", started.elapsed());
}

#[tokio::test]
async fn keywords_are_matched_and_the_cursor_resumes() {
    if skipped() {
        return;
    }
    let Setup { host, requests, .. } = start().await;
    let first = host
        .search("landingjobs", &query("engineer", 2))
        .await
        .unwrap();
    let ids: Vec<&str> = first.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(ids, ["20101", "20102"]);
    let cursor = extra(&first[1], "next_cursor").unwrap().to_string();
    assert_eq!(cursor, "2");

    let mut next = query("engineer", 2);
    next.cursor = Some(cursor);
    let second = host.search("landingjobs", &next).await.unwrap();
    let ids: Vec<&str> = second.iter().map(|p| p.source_id.as_str()).collect();
    // 20103 is no engineer job, 20104 has no title.
    assert_eq!(ids, ["20105"]);
    assert_eq!(*requests.lock().unwrap(), [(2, 0), (2, 2), (2, 4)]);

    // "rust" is a word start in 20101 only, not the "trust" of 20105.
    let rust = host
        .search("landingjobs", &query("rust", 10))
        .await
        .unwrap();
    assert_eq!(rust.len(), 1);
    assert_eq!(rust[0].source_id, "20101");
}

#[tokio::test]
async fn failures_come_back_as_typed_source_errors() {
    if skipped() {
        return;
    }
    let Setup { host, .. } = start().await;
    let error_of = |result: Result<_, PluginError>| match result {
        Err(PluginError::Source { error, .. }) => error,
        other => panic!("expected a source error, got {other:?}"),
    };

    match error_of(host.search("lj-broken", &query("", 5)).await) {
        SourceError::BadResponse(message) => {
            assert!(message.contains("invalid JSON"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    match error_of(host.search("lj-failing", &query("", 5)).await) {
        SourceError::BadResponse(message) => {
            assert!(
                message.starts_with("HTTP 500 from http://127.0.0.1:"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(
            error_of(host.search("lj-down", &query("", 5)).await),
            SourceError::Network(_)
        ),
        "a refused connection is a network error"
    );
    match error_of(host.search("lj-undeclared", &query("", 5)).await) {
        SourceError::Denied(message) => {
            assert!(
                message.contains("allowed_hosts = [\"127.0.0.1\"]"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    let mut bad_cursor = query("", 5);
    bad_cursor.cursor = Some("page-2".to_string());
    match error_of(host.search("landingjobs", &bad_cursor).await) {
        SourceError::InvalidQuery(message) => {
            assert!(message.contains("not a landing.jobs offset"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

/// The parse logic's own unit tests, with the plain interpreter (no wasm).
#[test]
fn python_unit_tests_pass() {
    if skipped() {
        return;
    }
    let output = Command::new("python3")
        .current_dir(repository_root().join(PLUGIN_DIR))
        .args(["-m", "unittest", "-v"])
        // Keep the source folder free of __pycache__ from test runs.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run python3 ({error}): install Python 3.10+ or set JOBSCOUT_TEST_SKIP_PYTHON=1")
        });
    let report = String::from_utf8_lossy(&output.stderr);
    println!("{report}");
    assert!(
        output.status.success(),
        "python3 -m unittest failed:\n{report}"
    );
    assert!(report.contains("\nOK"), "{report}");
}

/// The repository's plugins.toml declares the Python source at the path the
/// xtask writes, reaching only the real site.
#[test]
fn bundled_plugins_toml_declares_the_python_source() {
    let root = repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    let decl = manifest
        .plugins
        .iter()
        .find(|decl| decl.id.as_str() == "landingjobs")
        .expect("landingjobs is declared in plugins.toml");
    assert!(decl.path.ends_with(WASM), "{}", decl.path.display());
    let hosts: Vec<String> = decl
        .allowed_hosts
        .iter()
        .map(|host| format!("{host:?}"))
        .collect();
    assert!(
        decl.allowed_hosts
            .iter()
            .any(|host| host.matches("landing.jobs")),
        "{hosts:?}"
    );
    assert!(
        !decl
            .allowed_hosts
            .iter()
            .any(|host| host.matches("127.0.0.1")),
        "{hosts:?}"
    );
    assert!(
        !decl.config.iter().any(|(key, _)| key == "base_url"),
        "base_url is for tests only"
    );
}
