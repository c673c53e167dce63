//! The job-parse and resume-analyze processors through the real host: the
//! plugins are built for wasm32-wasip2 and loaded from plugins.toml, and their
//! JSON output is checked field by field on the fixtures in `fixtures/jobs/`.

use crate::plugins_support;

use jobscout::plugins::types::{Payload, ProcessorError};
use jobscout::plugins::{PluginError, PluginKind};
use plugins_support::*;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = repository_root().join("fixtures/jobs").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn json_text(output: Payload) -> Value {
    match output {
        Payload::Text(text) => serde_json::from_str(&text).unwrap(),
        other => panic!("expected a text payload, got {other:?}"),
    }
}

fn processors_manifest() -> String {
    let limits = "allowed_hosts = []\n[plugin.limits]\nmemory_mib = 64\ntimeout_ms = 10000\n";
    [
        entry(
            "job-parse",
            "processor",
            &wasm("jobscout_processor_job_parse"),
            limits,
        ),
        entry(
            "resume-analyze",
            "processor",
            &wasm("jobscout_processor_resume_analyze"),
            limits,
        ),
    ]
    .concat()
}

#[tokio::test]
async fn job_parse_reads_a_career_page_and_a_pasted_description() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(dir.path(), &processors_manifest()).await;

    let page = Payload::Structured(vec![
        ("html".to_string(), fixture("career-page-jsonld.html")),
        (
            "url".to_string(),
            "https://careers.ferrislabs.example/jobs/platform-engineer".to_string(),
        ),
    ]);
    let job = json_text(host.process("job-parse", &page).await.unwrap());
    assert_eq!(job["extraction_method"], "json_ld");
    assert_eq!(job["title"], "Platform Engineer (Rust)");
    assert_eq!(job["company"], "Ferris Labs GmbH");
    assert_eq!(job["company_website"], "https://ferrislabs.example");
    assert_eq!(job["remote_type"], "remote");
    assert_eq!(
        job["employment_type"],
        serde_json::json!(["full-time", "contract"])
    );
    assert_eq!(job["salary_min"], 6500.0);
    assert_eq!(job["salary_period"], "month");
    assert_eq!(job["posted_at"], "2026-11-02T00:00:00Z");
    assert_eq!(job["valid_through"], "2026-12-31T22:59:59Z");
    assert_eq!(job["json_ld"]["@type"], "JobPosting");

    let pasted = Payload::Structured(vec![("text".to_string(), fixture("pasted-header.txt"))]);
    let job = json_text(host.process("job-parse", &pasted).await.unwrap());
    assert_eq!(job["extraction_method"], "text");
    assert_eq!(job["title"], "Data Engineer");
    assert_eq!(job["company"], "Umbrella Health");
    assert_eq!(job["remote_type"], "hybrid");
    assert_eq!(job["salary_min"], 60000.0);
    assert_eq!(job["salary_max"], 75000.0);
    assert_eq!(job["salary_currency"], "EUR");
    assert_eq!(job["valid_through"], "2026-12-31T00:00:00Z");
    assert_eq!(job["json_ld"], Value::Null);

    let empty = Payload::Structured(vec![("text".to_string(), "  ".to_string())]);
    let refused = host.process("job-parse", &empty).await.unwrap_err();
    assert!(
        matches!(&refused, PluginError::Processor { error: ProcessorError::InvalidInput(message), .. } if message.contains("empty")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn resume_analyze_reads_two_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(dir.path(), &processors_manifest()).await;

    let senior = Payload::Text(fixture("resume-senior-backend.txt"));
    let analysis = json_text(host.process("resume-analyze", &senior).await.unwrap());
    assert_eq!(analysis["seniority"], "senior");
    let skills: Vec<&str> = analysis["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|skill| skill.as_str().unwrap())
        .collect();
    assert_eq!(
        skills[..5],
        ["Go", "Python", "PostgreSQL", "Kubernetes", "Google Cloud"]
    );
    assert!(!skills.contains(&"MongoDB") && !skills.contains(&"GitHub"));
    assert_eq!(analysis["bullets"].as_array().unwrap().len(), 5);
    assert_eq!(
        analysis["bullets"][0],
        "Cut p99 latency of the checkout API by 40% by moving hot paths from Python to Go"
    );

    let junior = Payload::Text(fixture("resume-junior-data.txt"));
    let analysis = json_text(host.process("resume-analyze", &junior).await.unwrap());
    assert_eq!(analysis["seniority"], "junior");
    assert_eq!(
        analysis["skills"],
        serde_json::json!([
            "SQL",
            "Python",
            "pandas",
            "scikit-learn",
            "Tableau",
            "Excel",
            "Statistics",
            "Git"
        ])
    );
    assert_eq!(
        analysis["bullets"][1],
        "Built a Tableau dashboard used by 25 store managers"
    );
}

/// The repository's plugins.toml declares the three analysis processors as
/// processors with no network access, at the paths the build writes.
#[test]
fn bundled_plugins_toml_declares_the_analysis_processors() {
    let root = repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    for (id, crate_name) in [
        ("job-parse", "job_parse"),
        ("job-analyze", "job_analyze"),
        ("resume-analyze", "resume_analyze"),
    ] {
        let decl = manifest
            .plugins
            .iter()
            .find(|decl| decl.id.as_str() == id)
            .unwrap_or_else(|| panic!("{id} is not declared in plugins.toml"));
        assert_eq!(decl.kind, PluginKind::Processor, "{id}");
        assert!(decl.enabled, "{id}");
        assert!(decl.allowed_hosts.is_empty(), "{id} does no network I/O");
        assert!(
            decl.path.ends_with(format!(
                "plugins/target/wasm32-wasip2/release/jobscout_processor_{crate_name}.wasm"
            )),
            "{id}: {}",
            decl.path.display()
        );
    }
}
