//! The "Writing a plugin" walkthrough of docs/plugins.md, step by step through the
//! real `jobscout` binary: scaffold a source, test it, build it, check it, run it
//! against its recorded fixture, then load it through a server's plugins.toml and
//! get its postings through the API. Also the processor scaffold.
//!
//! The scaffolds build into `plugins/target/scaffold` (CARGO_TARGET_DIR), so their
//! dependencies compile once across runs.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use axum::http::Method;
use common::{TestApp, TestDb};
use serde_json::{json, Value};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scaffold_target_dir() -> PathBuf {
    repository_root().join("plugins/target/scaffold")
}

/// `jobscout <args>` in `dir`, as a new user would type it.
fn jobscout(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobscout"))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", scaffold_target_dir())
        .env_remove("JOBSCOUT_SDK_PATH")
        .env_remove("RUST_LOG")
        .output()
        .expect("running jobscout")
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", scaffold_target_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("running cargo")
}

fn succeeded(step: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{step} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Steps 1-3: scaffold, `cargo test`, `jobscout plugin build`; returns (crate dir, .wasm).
fn scaffold_and_build(work: &Path, name: &str, kind: &str) -> (PathBuf, PathBuf) {
    let created = jobscout(work, &["plugin", "new", name, "--kind", kind]);
    let printed = succeeded("plugin new", &created);
    assert!(
        printed.contains("[[plugin]]"),
        "the entry to paste is printed:\n{printed}"
    );
    let crate_dir = work.join(name);
    assert!(crate_dir.join("Cargo.toml").exists());
    assert!(crate_dir.join("plugins.toml").exists());

    let tested = cargo(&crate_dir, &["test", "--quiet"]);
    let test_output = succeeded("cargo test in the new crate", &tested);
    assert!(
        test_output.contains("test result: ok"),
        "the crate's own tests ran:\n{test_output}"
    );

    let built = jobscout(&crate_dir, &["plugin", "build"]);
    let line = succeeded("plugin build", &built);
    let wasm = line
        .lines()
        .find_map(|line| line.strip_prefix("built "))
        .and_then(|rest| rest.rsplit_once(" ("))
        .map(|(path, _)| PathBuf::from(path))
        .unwrap_or_else(|| panic!("plugin build printed no path:\n{line}"));
    assert!(wasm.exists(), "{} was not written", wasm.display());
    assert_eq!(
        wasm.file_name().unwrap().to_string_lossy(),
        format!("{}.wasm", name.replace('-', "_"))
    );
    (crate_dir, wasm)
}

async fn wait_finished(app: &TestApp, run_id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = app.get(&format!("/api/v1/runs/{run_id}")).await.json();
        if run["status"] != "running" || Instant::now() > deadline {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_new_source_goes_from_scaffold_to_postings_in_a_server() {
    let work = tempfile::tempdir().unwrap();
    let (crate_dir, wasm) = scaffold_and_build(work.path(), "acme-jobs", "source");
    let wasm_arg = wasm.display().to_string();

    // 4. check: the host's verdict and what the component is.
    let report = succeeded(
        "plugin check",
        &jobscout(&crate_dir, &["plugin", "check", &wasm_arg]),
    );
    for expected in [
        "world:    job-source (kind = \"source\")",
        "WIT:      jobscout:plugin@0.2.0 (SDK version section",
        "  jobscout:plugin/http@0.2.0",
        "  jobscout:plugin/source@0.2.0",
        "metadata: version 0.1.0: acme-jobs job board (honours keywords, limit)",
        "ok: the host would load it as kind = \"source\"",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }

    // 5. run against the recorded fixture, through the crate's own plugins.toml.
    let run = jobscout(
        &crate_dir,
        &[
            "plugin",
            "run",
            &wasm_arg,
            "--manifest",
            "plugins.toml",
            "--id",
            "acme-jobs",
            "--query",
            "rust",
            "--json",
        ],
    );
    let document: Value = serde_json::from_str(&succeeded("plugin run --json", &run)).unwrap();
    assert_eq!(document["plugin"], "acme-jobs");
    assert_eq!(document["count"], 2);
    let first = &document["postings"][0];
    assert_eq!(first["title"], "Senior Rust Engineer");
    assert_eq!(first["company"], "Acme Robotics");
    assert_eq!(first["remote_type"], "remote");
    assert_eq!(first["source"], "acme-jobs");
    assert_eq!(first["job_url"], "https://jobs.example.com/jobs/1001");

    let table = jobscout(
        &crate_dir,
        &[
            "plugin",
            "run",
            &wasm_arg,
            "--manifest",
            "plugins.toml",
            "--id",
            "acme-jobs",
            "--query",
            "rust",
        ],
    );
    let table = succeeded("plugin run (table)", &table);
    assert!(
        table.starts_with("acme-jobs 0.1.0: 2 posting(s)"),
        "{table}"
    );
    assert!(table.contains("Senior Rust Engineer"), "{table}");

    // A query that was never recorded fails naming the URL and the fixtures dir.
    let missing = jobscout(
        &crate_dir,
        &[
            "plugin",
            "run",
            &wasm_arg,
            "--manifest",
            "plugins.toml",
            "--id",
            "acme-jobs",
            "--query",
            "cobol",
        ],
    );
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    let fixtures = crate_dir.join("fixtures");
    assert!(
        stderr.contains(&format!(
            "no recorded response in the fixtures directory {} for: GET https://jobs.example.com/api/jobs?search=cobol",
            fixtures.display()
        )),
        "{stderr}"
    );

    // 6. the server: paste the entry into its plugins.toml with absolute paths.
    let entry = std::fs::read_to_string(crate_dir.join("plugins.toml"))
        .unwrap()
        .replace(
            "path = \"target/wasm32-wasip2/release/acme_jobs.wasm\"",
            &format!("path = \"{}\"", wasm.display()),
        )
        .replace(
            "fixtures = \"fixtures\"",
            &format!("fixtures = \"{}\"", fixtures.display()),
        );
    assert!(
        entry.contains(&wasm_arg),
        "the entry names the built file:\n{entry}"
    );
    let server_dir = work.path().join("server");
    std::fs::create_dir_all(&server_dir).unwrap();
    let plugins_file = server_dir.join("plugins.toml");
    std::fs::write(&plugins_file, entry).unwrap();

    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let cache = server_dir.join("cache");
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_PLUGINS_FILE", plugins_file.to_str().unwrap()),
            ("JOBSCOUT_PLUGIN_CACHE_DIR", cache.to_str().unwrap()),
            ("JOBSCOUT_ADMIN_TOKEN", "walkthrough"),
        ],
    )
    .await;
    let admin = [("authorization", "Bearer walkthrough")];
    let listing = app
        .send(Method::GET, "/api/v1/admin/plugins", &admin, None)
        .await
        .json();
    let plugin = listing["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|plugin| plugin["id"] == "acme-jobs")
        .unwrap_or_else(|| panic!("acme-jobs is not listed: {listing}"));
    assert_eq!(plugin["state"], "loaded", "{plugin}");
    assert_eq!(plugin["wit_version"], "0.2.0");

    let started = app
        .send(
            Method::POST,
            "/api/v1/admin/run",
            &admin,
            Some(json!({"query": "rust"})),
        )
        .await
        .json();
    let run = wait_finished(&app, started["run_id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "finished", "{run}");
    assert_eq!(run["source_outcomes"][0]["source"], "acme-jobs", "{run}");
    assert_eq!(run["source_outcomes"][0]["collected"], 2, "{run}");
    let jobs = app.get("/api/v1/jobs?source=acme-jobs").await.json();
    let text = jobs.to_string();
    assert!(
        text.contains("Senior Rust Engineer") && text.contains("acme-jobs"),
        "the replayed postings are served: {jobs}"
    );
}

#[test]
fn a_new_processor_builds_checks_and_runs() {
    let work = tempfile::tempdir().unwrap();
    let (crate_dir, wasm) = scaffold_and_build(work.path(), "contact-card", "processor");
    let wasm_arg = wasm.display().to_string();
    let report = succeeded(
        "plugin check",
        &jobscout(&crate_dir, &["plugin", "check", &wasm_arg]),
    );
    assert!(
        report.contains("world:    processor (kind = \"processor\")"),
        "{report}"
    );
    assert!(
        report.contains("  jobscout:plugin/processing@0.2.0"),
        "{report}"
    );

    let run = jobscout(
        &crate_dir,
        &[
            "plugin",
            "run",
            &wasm_arg,
            "--manifest",
            "plugins.toml",
            "--id",
            "contact-card",
            "--input",
            "fixtures/resume.txt",
            "--json",
        ],
    );
    let document: Value = serde_json::from_str(&succeeded("plugin run", &run)).unwrap();
    assert_eq!(
        document["payload"]["structured"],
        json!([
            ["email", "ada@example.com"],
            ["phone", "+49-30-1234567"],
            ["url", "https://github.com/ada-example"]
        ])
    );

    // The processor refuses media types it does not read, with its own typed error.
    let pdf = crate_dir.join("cv.pdf");
    std::fs::write(&pdf, b"%PDF-1.7").unwrap();
    let refused = jobscout(
        &crate_dir,
        &["plugin", "run", &wasm_arg, "--input", "cv.pdf"],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("UnsupportedInput"), "{stderr}");
    assert!(
        stderr.contains("media type application/pdf is not one of text/plain, text/markdown"),
        "{stderr}"
    );
}

#[test]
fn new_refuses_a_bad_name_and_an_occupied_folder() {
    let work = tempfile::tempdir().unwrap();
    let bad = jobscout(
        work.path(),
        &["plugin", "new", "Acme_Jobs", "--kind", "source"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains(
        "invalid plugin id \"Acme_Jobs\": use 1 to 64 lowercase letters, digits and '-', starting with a letter"
    ));
    std::fs::create_dir_all(work.path().join("taken")).unwrap();
    std::fs::write(work.path().join("taken/file"), "x").unwrap();
    let occupied = jobscout(work.path(), &["plugin", "new", "taken", "--kind", "source"]);
    assert!(!occupied.status.success());
    assert!(String::from_utf8_lossy(&occupied.stderr).contains("already exists and is not empty"));
    let no_sdk = jobscout(
        work.path(),
        &[
            "plugin",
            "new",
            "fresh",
            "--kind",
            "source",
            "--sdk",
            work.path().to_str().unwrap(),
        ],
    );
    assert!(!no_sdk.status.success());
    assert!(String::from_utf8_lossy(&no_sdk.stderr).contains("has no readable Cargo.toml"));
}
