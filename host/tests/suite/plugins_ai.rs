//! WIT 0.2.0 through the real host: a plugin built against the frozen 0.1.0
//! loads beside 0.2.0 ones and keeps its imports, and the `ai` import reaches
//! the host's provider (a fake OpenAI server on 127.0.0.1) only within a
//! plugin's `[plugin.ai]` grant and token budget, never showing it the key.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::ai_support::{self, FakeProvider, Reply};
use crate::plugins_support::*;
use jobscout::plugins::types::{Payload, ProcessorError};
use jobscout::plugins::{HostOptions, PluginError, PluginHost};

const KEY: &str = "sk-test-4f9a1c0de1b2";

fn legacy_wasm() -> std::path::PathBuf {
    wasm("jobscout_test_legacy_source")
}

fn ai_wasm() -> std::path::PathBuf {
    wasm("jobscout_test_ai_processor")
}

fn no_watch() -> HostOptions {
    HostOptions {
        watch: false,
        ..HostOptions::default()
    }
}

/// A host with the AI probe declared with `grant` (a `[plugin.ai]` table or
/// nothing), its provider the fake at `base_url` (none when `None`).
async fn ai_host(dir: &Path, grant: &str, base_url: Option<&str>) -> Arc<PluginHost> {
    let mut extra = vec![("JOBSCOUT_OPENAI_API_KEY", KEY)];
    if let Some(base_url) = base_url {
        extra.push(("JOBSCOUT_OPENAI_BASE_URL", base_url));
    } else {
        extra.clear();
    }
    start_host_with_settings(
        dir,
        &entry("ai-probe", "processor", &ai_wasm(), grant),
        "127.0.0.1",
        &extra,
        no_watch(),
    )
    .await
}

/// The probe's answer fields, or the text of the error it returned.
async fn probe(host: &PluginHost, text: &str) -> Result<Vec<(String, String)>, String> {
    match host
        .process("ai-probe", &Payload::Text(text.to_string()))
        .await
    {
        Ok(Payload::Structured(fields)) => Ok(fields),
        Ok(other) => panic!("unexpected payload {other:?}"),
        Err(PluginError::Processor {
            error: ProcessorError::Internal(message),
            ..
        }) => Err(message),
        Err(other) => panic!("unexpected failure {other}"),
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .unwrap_or_else(|| panic!("no field {name} in {fields:?}"))
}

fn summary(text: &str) -> Reply {
    ai_support::chat(
        "chat_completion.json",
        &json!({ "summary": text }).to_string(),
    )
}

#[tokio::test]
async fn a_0_1_0_build_loads_beside_0_2_0_builds_and_keeps_its_imports() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let body = [
        entry(
            "legacy",
            "source",
            &legacy_wasm(),
            "secrets = [\"LEGACY_TOKEN\"]\nallowed_hosts = [\"127.0.0.1\"]\n[plugin.config]\nregion = \"emea\"\n",
        ),
        entry("echo", "source", &echo_wasm(), ""),
        entry("upper", "processor", &processor_wasm(), ""),
        entry("ai-probe", "processor", &ai_wasm(), ""),
    ]
    .concat();
    let host = start_host_with_settings(
        dir.path(),
        &body,
        "127.0.0.1",
        &[("LEGACY_TOKEN", "legacy-secret")],
        no_watch(),
    )
    .await;

    let versions: Vec<(String, Option<String>, String)> = host
        .list()
        .into_iter()
        .map(|status| {
            (
                status.id.clone(),
                status.wit_version.clone(),
                format!("{:?}", status.state),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            ("ai-probe".into(), Some("0.2.0".into()), "Loaded".into()),
            ("echo".into(), Some("0.2.0".into()), "Loaded".into()),
            ("legacy".into(), Some("0.1.0".into()), "Loaded".into()),
            ("upper".into(), Some("0.2.0".into()), "Loaded".into()),
        ]
    );

    // The 0.1.0 plugin's calls and imports: config and log …
    let postings = host
        .search("legacy", &query("platform engineer", 5))
        .await
        .unwrap();
    assert_eq!(postings.len(), 1);
    assert_eq!(postings[0].title, "platform engineer");
    assert_eq!(
        postings[0].extra,
        [("region".to_string(), "emea".to_string())]
    );
    // … http through the egress policy, with a secret header placed by the host.
    let fetched = host
        .search(
            "legacy",
            &query(&format!("fetch {}", fixture.url("/auth")), 1),
        )
        .await
        .unwrap();
    assert_eq!(fetched[0].title, "HTTP 200");
    assert_eq!(fetched[0].extra[0].1, "Bearer legacy-secret");
    let refused = host
        .search("legacy", &query("fetch https://elsewhere.example/", 1))
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("Denied"), "{refused}");

    // The 0.2.0 plugins beside it answer as before.
    let echoed = host.search("echo", &query("rust", 2)).await.unwrap();
    assert_eq!(echoed.len(), 2);
    let upper = host
        .process("upper", &Payload::Text("shout".to_string()))
        .await
        .unwrap();
    assert!(
        matches!(&upper, Payload::Text(text) if text == "SHOUT"),
        "{upper:?}"
    );
}

#[tokio::test]
async fn without_a_grant_a_plugin_cannot_reach_the_provider() {
    let fake = FakeProvider::start(vec![summary("never sent")]).await;
    let dir = tempfile::tempdir().unwrap();
    let host = ai_host(dir.path(), "", Some(&fake.base_url)).await;
    assert_eq!(
        probe(&host, "chat a job ad").await.unwrap_err(),
        "not-granted: plugin 'ai-probe' has no AI grant: add a [plugin.ai] table with `chat = true` to its entry in plugins.toml"
    );

    let chat_only = tempfile::tempdir().unwrap();
    let host = ai_host(
        chat_only.path(),
        "[plugin.ai]\nchat = true\n",
        Some(&fake.base_url),
    )
    .await;
    assert_eq!(
        probe(&host, "embed one|two").await.unwrap_err(),
        "not-granted: plugin 'ai-probe' is not granted this call: set `embeddings = true` in its [plugin.ai] table in plugins.toml"
    );
    assert!(fake.received().is_empty(), "{:?}", fake.received());
}

#[tokio::test]
async fn granted_calls_reach_the_provider_with_the_key_kept_in_the_host() {
    let fake = FakeProvider::start(vec![
        summary("A remote Rust role."),
        Reply::json(200, ai_support::fixture("embeddings.json")),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let host = ai_host(
        dir.path(),
        "[plugin.ai]\nchat = true\nembeddings = true\nmax_tokens_per_call = 150\n",
        Some(&fake.base_url),
    )
    .await;

    let answer = probe(&host, "chat Senior Rust engineer, remote (EU)")
        .await
        .unwrap();
    assert_eq!(field(&answer, "summary"), "A remote Rust role.");
    assert_eq!(field(&answer, "prompt_tokens"), "412");
    assert_eq!(field(&answer, "completion_tokens"), "57");

    let embedded = probe(&host, "embed first text|second text").await.unwrap();
    assert_eq!(field(&embedded, "count"), "2");
    assert_eq!(field(&embedded, "dimensions"), "3");
    assert_eq!(field(&embedded, "prompt_tokens"), "9");

    let received = fake.received();
    assert_eq!(received.len(), 2);
    let chat = &received[0];
    assert_eq!(chat.path, "/v1/chat/completions");
    assert_eq!(
        chat.authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        chat.body["messages"],
        json!([
            {"role": "system", "content": "Summarize the job ad in one sentence."},
            {"role": "user", "content": "Senior Rust engineer, remote (EU)"},
        ])
    );
    let format = &chat.body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "summary");
    assert_eq!(
        format["json_schema"]["strict"], false,
        "plugins' schemas are not OpenAI-strict"
    );
    assert_eq!(
        format["json_schema"]["schema"]["required"],
        json!(["summary"])
    );
    // The probe asks for 200; the grant caps a call at 150.
    assert_eq!(chat.body["max_tokens"], 150);
    assert_eq!(received[1].path, "/v1/embeddings");
    assert_eq!(
        received[1].body["input"],
        json!(["first text", "second text"])
    );
}

#[tokio::test]
async fn the_daily_budget_stops_a_plugin_and_a_reload_keeps_what_it_spent() {
    // Each chat reports 469 tokens (fixtures/openai/chat_completion.json).
    let fake = FakeProvider::start(vec![summary("one"), summary("two"), summary("three")]).await;
    let dir = tempfile::tempdir().unwrap();
    let grant = |tokens: u32| format!("[plugin.ai]\nchat = true\ntokens_per_day = {tokens}\n");
    let host = ai_host(dir.path(), &grant(700), Some(&fake.base_url)).await;

    assert_eq!(
        field(&probe(&host, "chat ad").await.unwrap(), "summary"),
        "one"
    );
    // 231 tokens are left: the second chat may generate only what fits.
    assert_eq!(
        field(&probe(&host, "chat ad").await.unwrap(), "summary"),
        "two"
    );
    let capped = fake.received()[1].body["max_tokens"].as_u64().unwrap();
    assert!((1..200).contains(&capped), "max_tokens {capped}");

    let refused = probe(&host, "chat ad").await.unwrap_err();
    let seconds: u32 = refused
        .strip_prefix("budget-exhausted: ")
        .unwrap_or_else(|| panic!("{refused}"))
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&seconds), "{seconds}");
    assert_eq!(
        fake.received().len(),
        2,
        "a refused call never reaches the provider"
    );

    // A larger budget applies at once; the 938 tokens spent today still count,
    // so after one more chat (1 407 tokens) nothing is left.
    write_manifest(
        dir.path(),
        &entry("ai-probe", "processor", &ai_wasm(), &grant(1_400)),
    );
    host.reload().await;
    assert_eq!(
        field(&probe(&host, "chat ad").await.unwrap(), "summary"),
        "three"
    );
    let refused = probe(&host, "chat ad").await.unwrap_err();
    assert!(refused.starts_with("budget-exhausted: "), "{refused}");
    assert_eq!(fake.received().len(), 3);
}

#[tokio::test]
async fn provider_trouble_reaches_the_plugin_as_typed_errors_without_the_key() {
    let mut refused_key = ai_support::fixture("error_invalid_api_key.json");
    let message = refused_key["error"]["message"]
        .as_str()
        .unwrap()
        .replace("KEY_PLACEHOLDER", KEY);
    refused_key["error"]["message"] = Value::String(message);
    let fake = FakeProvider::start(vec![
        Reply::json(401, refused_key),
        summary("fine"),
        ai_support::chat("chat_completion.json", "not json at all"),
        ai_support::chat("chat_completion.json", "still not json"),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let host = ai_host(
        dir.path(),
        "[plugin.ai]\nchat = true\n",
        Some(&fake.base_url),
    )
    .await;

    let refused = probe(&host, "chat ad").await.unwrap_err();
    assert!(
        refused.starts_with("unavailable: the provider refused the call: 401"),
        "{refused}"
    );
    assert!(
        !refused.contains(KEY),
        "the key reached the plugin: {refused}"
    );
    assert!(refused.contains("***"), "{refused}");

    assert_eq!(
        field(&probe(&host, "chat ad").await.unwrap(), "summary"),
        "fine"
    );
    let unreadable = probe(&host, "chat ad").await.unwrap_err();
    assert!(unreadable.starts_with("invalid-response: "), "{unreadable}");

    let bad_schema = probe(&host, "raw [1, 2]").await.unwrap_err();
    assert_eq!(
        bad_schema,
        "invalid-request: json-schema must be a JSON object"
    );
    assert_eq!(
        fake.received().len(),
        4,
        "a bad request never reaches the provider"
    );
}

#[tokio::test]
async fn a_grant_without_a_configured_provider_names_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let host = ai_host(dir.path(), "[plugin.ai]\nembeddings = true\n", None).await;
    assert_eq!(
        probe(&host, "embed text").await.unwrap_err(),
        "unavailable: No AI provider is configured: set JOBSCOUT_OPENAI_API_KEY (or JOBSCOUT_OPENAI_BASE_URL for a local OpenAI-compatible server)"
    );
}
