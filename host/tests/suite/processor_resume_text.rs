//! The resume-text processor (plugins/processors/resume-text) built for
//! wasm32-wasip2 and run through the real host: output matches the native
//! crate, typed errors cross the boundary, the config key reaches the plugin.

use crate::plugins_support;

use jobscout::plugins::types::{Blob, Payload, ProcessorError};
use jobscout::plugins::{PluginError, PluginHost};
use jobscout_processor_resume_text as resume_text;
use plugins_support::*;

const LIMITS: &str =
    "[plugin.limits]\nmemory_mib = 128\ntimeout_ms = 20000\nmax_output_bytes = 4194304\n";

fn document(name: &str) -> Vec<u8> {
    let path = repository_root().join("fixtures/documents").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn blob(media_type: &str, data: Vec<u8>) -> Payload {
    Payload::Bytes(Blob {
        media_type: media_type.to_string(),
        data,
    })
}

async fn host_with_config(dir: &std::path::Path, config: &str) -> std::sync::Arc<PluginHost> {
    let wasm = wasm("jobscout_processor_resume_text");
    start_host(
        dir,
        &entry(
            "resume-text",
            "processor",
            &wasm,
            &format!("allowed_hosts = []\n{config}{LIMITS}"),
        ),
    )
    .await
}

async fn json_of(host: &PluginHost, media_type: &str, name: &str) -> serde_json::Value {
    let output = host
        .process("resume-text", &blob(media_type, document(name)))
        .await
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    let Payload::Text(json) = output else {
        panic!("{name}: expected a text payload, got {output:?}")
    };
    // Byte-for-byte what the crate gives natively.
    let native = resume_text::extract(media_type, &document(name)).unwrap();
    assert_eq!(json, native.to_json(), "{name}: sandbox and native differ");
    serde_json::from_str(&json).unwrap()
}

fn processor_error(result: Result<Payload, PluginError>) -> ProcessorError {
    match result {
        Err(PluginError::Processor { error, .. }) => error,
        other => panic!("expected a typed processor error, got {other:?}"),
    }
}

#[tokio::test]
async fn documents_become_text_in_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_config(dir.path(), "").await;

    let pdf = json_of(&host, resume_text::PDF_MEDIA_TYPE, "resume-two-column.pdf").await;
    assert_eq!(
        (pdf["format"].as_str(), pdf["pages"].as_u64()),
        (Some("pdf"), Some(1))
    );
    let text = pdf["text"].as_str().unwrap();
    assert!(text.starts_with("Jane Doe\n"), "{text}");
    assert!(
        text.contains("Skills\nRust\nGo\nPostgreSQL\nKubernetes"),
        "{text}"
    );

    let docx = json_of(&host, resume_text::DOCX_MEDIA_TYPE, "resume-basic.docx").await;
    assert_eq!(
        (docx["format"].as_str(), docx["pages"].as_u64()),
        (Some("docx"), Some(2))
    );
    assert!(docx["text"]
        .as_str()
        .unwrap()
        .contains("\n• Cut p99 latency by 40% by moving the ingest path to Rust.\n"));

    // A second call gets a fresh instance and the same answer.
    let again = json_of(&host, resume_text::PDF_MEDIA_TYPE, "resume-two-column.pdf").await;
    assert_eq!(again, pdf);
}

#[tokio::test]
async fn hostile_files_come_back_as_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_config(dir.path(), "").await;

    let bomb = host
        .process(
            "resume-text",
            &blob(
                resume_text::DOCX_MEDIA_TYPE,
                document("hostile/zip-bomb.docx"),
            ),
        )
        .await;
    assert!(
        matches!(&processor_error(bomb), ProcessorError::InvalidInput(message) if message.contains("64 MiB")),
    );

    let legacy = host
        .process(
            "resume-text",
            &blob(resume_text::DOC_MEDIA_TYPE, document("hostile/legacy.doc")),
        )
        .await;
    assert!(matches!(
        &processor_error(legacy),
        ProcessorError::UnsupportedInput(message) if message == resume_text::LEGACY_DOC_MESSAGE
    ));

    let text = host
        .process("resume-text", &Payload::Text("Jane Doe".to_string()))
        .await;
    assert!(matches!(
        processor_error(text),
        ProcessorError::UnsupportedInput(_)
    ));
    // The plugin is still healthy after refusing input.
    json_of(
        &host,
        resume_text::PDF_MEDIA_TYPE,
        "resume-single-column.pdf",
    )
    .await;
}

#[tokio::test]
async fn the_inflation_cap_comes_from_the_plugin_config() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_config(dir.path(), "[plugin.config]\nmax_inflated_mib = 16\n").await;
    let bomb = host
        .process(
            "resume-text",
            &blob(
                resume_text::DOCX_MEDIA_TYPE,
                document("hostile/zip-bomb.docx"),
            ),
        )
        .await;
    assert!(
        matches!(&processor_error(bomb), ProcessorError::InvalidInput(message) if message.contains("16 MiB")),
    );

    let dir = tempfile::tempdir().unwrap();
    let host = host_with_config(dir.path(), "[plugin.config]\nmax_inflated_mib = \"lots\"\n").await;
    let misconfigured = host
        .process(
            "resume-text",
            &blob(resume_text::DOCX_MEDIA_TYPE, document("resume-basic.docx")),
        )
        .await;
    assert!(
        matches!(&processor_error(misconfigured), ProcessorError::Internal(message) if message.contains("max_inflated_mib")),
    );
}

/// The repository's plugins.toml declares resume-text with no network and
/// limits that hold its inflation cap; the declared config is one the plugin accepts.
#[test]
fn bundled_plugins_toml_declares_resume_text() {
    let root = repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    let decl = manifest
        .plugins
        .iter()
        .find(|decl| decl.id.as_str() == "resume-text")
        .expect("resume-text is declared in plugins.toml");
    assert_eq!(decl.kind, jobscout::plugins::PluginKind::Processor);
    assert!(decl.enabled);
    assert!(decl
        .path
        .ends_with("plugins/target/wasm32-wasip2/release/jobscout_processor_resume_text.wasm"));
    assert!(decl.allowed_hosts.is_empty());
    assert_eq!(decl.limits.max_fetches_per_call, 0);
    let cap = decl
        .config
        .iter()
        .find(|(key, _)| key == resume_text::MAX_INFLATED_MIB_KEY)
        .map(|(_, value)| value.as_str());
    let limits = resume_text::Limits::from_config(cap).unwrap();
    // Inflation is streamed, but the text it yields and the upload live in memory.
    assert!(decl.limits.memory_bytes as u64 >= 2 * (limits.max_text_bytes as u64) + (64 << 20));
}
