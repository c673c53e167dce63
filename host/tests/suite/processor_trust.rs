//! The `trust` processor (plugins/processors/trust) built for wasm32-wasip2 and
//! run through the real host on the committed fixtures in `fixtures/trust/`.

use crate::plugins_support;

use jobscout::plugins::types::{Payload, ProcessorError};
use jobscout::plugins::PluginError;
use plugins_support::*;

const NOW: &str = "2026-11-27T12:00:00Z";

fn fixture(name: &str) -> String {
    let path = repository_root().join("fixtures/trust").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn structured(pairs: &[(&str, &str)]) -> Payload {
    Payload::Structured(
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
    )
}

async fn report(host: &jobscout::plugins::PluginHost, input: Payload) -> serde_json::Value {
    match host.process("trust", &input).await.unwrap() {
        Payload::Text(json) => serde_json::from_str(&json).unwrap(),
        other => panic!("expected a JSON text payload, got {other:?}"),
    }
}

#[tokio::test]
async fn the_trust_processor_rates_scam_and_clean_postings_through_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &entry(
            "trust",
            "processor",
            &wasm("jobscout_processor_trust"),
            "allowed_hosts = []",
        ),
    )
    .await;

    let (clean_text, clean_html) = (fixture("clean.txt"), fixture("clean.html"));
    let clean = report(
        &host,
        structured(&[
            ("now", NOW),
            (
                "job_url",
                "https://careers.acme-robotics.com/jobs/senior-backend-engineer",
            ),
            (
                "apply_url",
                "https://careers.acme-robotics.com/jobs/senior-backend-engineer/apply",
            ),
            ("company_website", "https://www.acme-robotics.com"),
            ("description_text", clean_text.as_str()),
            ("html", clean_html.as_str()),
            ("posted_at", "2026-11-17T12:00:00Z"),
            ("valid_through", "2026-12-27T12:00:00Z"),
            ("link_status", "valid"),
            ("link_tested", "true"),
            ("link_redirects", "0"),
            ("link_http_status", "200"),
        ]),
    )
    .await;
    assert_eq!(clean["scam_risk"], "low", "{clean:#}");
    assert_eq!(clean["ghost_likelihood"], "low", "{clean:#}");
    assert_eq!(clean["apply_link_status"], "valid");
    let clean_score = clean["trust_score"].as_u64().unwrap();
    assert!((85..=100).contains(&clean_score), "{clean:#}");

    let (scam_text, scam_html) = (fixture("scam.txt"), fixture("scam.html"));
    let scam = report(
        &host,
        structured(&[
            ("now", NOW),
            ("job_url", "https://bit.ly/3xYzAbC"),
            ("description_text", scam_text.as_str()),
            ("html", scam_html.as_str()),
            ("posted_at", "2026-11-24T12:00:00Z"),
            ("link_status", "valid"),
            ("link_tested", "true"),
            ("link_final_url", "https://remote-jobs-hiring.top/apply"),
            ("link_redirects", "2"),
        ]),
    )
    .await;
    assert_eq!(scam["scam_risk"], "high", "{scam:#}");
    assert!(scam["scam_score"].as_u64().unwrap() >= 50);
    let scam_score = scam["trust_score"].as_u64().unwrap();
    assert!(
        scam_score <= 65 && scam_score + 25 <= clean_score,
        "{scam:#}"
    );
    let steps = scam["next_steps"].as_array().unwrap();
    assert!(
        steps.len() <= 7 && steps[0].as_str().unwrap().starts_with("Avoid"),
        "{scam:#}"
    );

    let refused = host
        .process("trust", &structured(&[("job_url", "https://acme.com")]))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, PluginError::Processor { error: ProcessorError::InvalidInput(message), .. } if message.starts_with("`now` is missing")),
        "{refused:?}"
    );
    let unsupported = host
        .process("trust", &Payload::Text("a job".to_string()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &unsupported,
            PluginError::Processor {
                error: ProcessorError::UnsupportedInput(_),
                ..
            }
        ),
        "{unsupported:?}"
    );
}

/// The repository's plugins.toml declares the processor without network access.
#[test]
fn bundled_plugins_toml_declares_the_trust_processor() {
    let root = repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    let trust = manifest
        .plugins
        .iter()
        .find(|decl| decl.id.as_str() == "trust")
        .expect("trust is declared in plugins.toml");
    assert_eq!(trust.kind, jobscout::plugins::PluginKind::Processor);
    assert!(trust
        .path
        .ends_with("plugins/target/wasm32-wasip2/release/jobscout_processor_trust.wasm"));
    assert!(trust.enabled);
    assert!(
        trust.allowed_hosts.is_empty(),
        "the trust processor needs no network"
    );
}
