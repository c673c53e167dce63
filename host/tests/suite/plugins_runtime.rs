//! The plugin runtime through the real host: the in-repo test plugins are built
//! for wasm32-wasip2 and loaded from plugins.toml, so SDK, WIT and host are
//! checked together.

use crate::plugins_support;

use jobscout::plugins::types::{Blob, Payload, ProcessorError};
use jobscout::plugins::{PluginError, PluginKind, PluginState};
use plugins_support::*;

#[tokio::test]
async fn a_source_answers_searches_through_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &entry(
            "echo",
            "source",
            &echo_wasm(),
            "[plugin.config]\ngreeting = \"hello\"\nretries = 3\n",
        ),
    )
    .await;

    let postings = host
        .search("echo", &query("rust engineer", 3))
        .await
        .unwrap();
    let titles: Vec<_> = postings
        .iter()
        .map(|posting| posting.title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["rust engineer #0", "rust engineer #1", "rust engineer #2"]
    );
    assert_eq!(postings[1].source_id, "echo-1");

    let config = host.search("echo", &query("config", 1)).await.unwrap();
    assert_eq!(config[0].title, "hello");
    assert_eq!(
        config[0].extra,
        [
            ("greeting".to_string(), "hello".to_string()),
            ("retries".to_string(), "3".to_string())
        ]
    );

    // The echo source declares only `keywords`, `limit` and `cursor`: other fields are cleared.
    let mut filtered = query("query", 7);
    filtered.location = Some("Berlin".to_string());
    filtered.remote_only = true;
    filtered.posted_since = Some("2026-11-01T00:00:00Z".to_string());
    filtered.cursor = Some("page-2".to_string());
    let seen = host.search("echo", &filtered).await.unwrap();
    assert_eq!(
        seen[0].extra,
        [
            ("location".to_string(), "None".to_string()),
            ("remote-only".to_string(), "false".to_string()),
            ("posted-since".to_string(), "None".to_string()),
            ("cursor".to_string(), "Some(\"page-2\")".to_string()),
            ("limit".to_string(), "7".to_string()),
        ]
    );

    // Printing goes to the log, not to the host's stdout, and does not fail the call.
    assert!(host
        .search("echo", &query("log", 1))
        .await
        .unwrap()
        .is_empty());

    let error = host.search("echo", &query("fail", 1)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "plugin 'echo' 0.1.0 returned an error: SourceError::BadResponse(\"asked to fail\")"
    );

    let status = host.status("echo").unwrap();
    assert_eq!(status.state, PluginState::Loaded);
    assert_eq!(status.kind, "source");
    assert_eq!(status.version.as_deref(), Some("0.1.0"));
    assert_eq!(status.wit_version.as_deref(), Some("0.2.0"));
    let expected_hash = jobscout::plugins::loader::sha256_hex(&std::fs::read(echo_wasm()).unwrap());
    assert_eq!(status.hash.as_deref(), Some(expected_hash.as_str()));
    assert_eq!((status.calls, status.failures), (5, 1));
    assert!(status.p50_ms.is_some() && status.p95_ms >= status.p50_ms);
    assert_eq!(host.sources(), ["echo"]);
}

/// Each call gets a fresh instance in a pooled slot the previous call used: its
/// statics start from the component's image and memory the last call wrote reads
/// as zero, whichever way the pool resets the slot (in place or by the kernel).
#[tokio::test]
async fn a_call_finds_nothing_an_earlier_call_left_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(dir.path(), &entry("echo", "source", &echo_wasm(), "")).await;
    for call in 0..4 {
        let postings = host
            .search("echo", &query("residue", 1))
            .await
            .unwrap_or_else(|error| panic!("call {call}: {error}"));
        assert_eq!(
            postings[0].extra,
            [
                ("calls-before".to_string(), "0".to_string()),
                ("marks-found".to_string(), "0".to_string()),
                // Its own marks are really there: 4 MiB of them.
                ("marks-left".to_string(), (4 << 20).to_string()),
            ],
            "call {call}"
        );
    }
}

#[tokio::test]
async fn a_processor_transforms_payloads_and_reports_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &entry("upper", "processor", &processor_wasm(), ""),
    )
    .await;

    let output = host
        .process("upper", &Payload::Text("cover letter".to_string()))
        .await
        .unwrap();
    assert!(
        matches!(output, Payload::Text(ref text) if text == "COVER LETTER"),
        "{output:?}"
    );

    let refused = host
        .process(
            "upper",
            &Payload::Bytes(Blob {
                media_type: "image/png".to_string(),
                data: vec![1, 2, 3],
            }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, PluginError::Processor { error: ProcessorError::UnsupportedInput(what), .. } if what == "media type image/png"),
        "{refused:?}"
    );

    let wrong = host.search("upper", &query("x", 1)).await.unwrap_err();
    assert!(
        matches!(
            wrong,
            PluginError::WrongKind {
                kind: PluginKind::Processor,
                ..
            }
        ),
        "{wrong:?}"
    );
    assert!(matches!(
        host.search("nope", &query("x", 1)).await,
        Err(PluginError::NotFound(_))
    ));
}

#[tokio::test]
async fn broken_plugins_are_skipped_with_one_clear_reason_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.wasm");
    std::fs::write(&corrupt, b"\0asm but not really a component").unwrap();
    let future = dir.path().join("future.wasm");
    std::fs::write(
        &future,
        with_wit_version(&std::fs::read(echo_wasm()).unwrap(), "0.3.0"),
    )
    .unwrap();
    let missing = dir.path().join("missing.wasm");

    let body = [
        entry("echo", "source", &echo_wasm(), ""),
        entry("missing", "source", &missing, ""),
        entry("corrupt", "source", &corrupt, ""),
        entry("future", "source", &future, ""),
        entry("wrong-world", "source", &processor_wasm(), ""),
        entry("off", "source", &missing, "enabled = false"),
    ]
    .concat();
    let host = start_host(dir.path(), &body).await;

    let reason = |id: &str| {
        let status = host.status(id).unwrap();
        assert_eq!(status.state, PluginState::Failed, "{id}: {status:?}");
        status.reason.unwrap()
    };
    assert!(
        reason("missing").starts_with(&format!("file {} not found", missing.display())),
        "{}",
        reason("missing")
    );
    assert!(reason("missing").contains("cargo xtask build-plugins"));
    assert!(
        reason("corrupt").contains("is not a valid WebAssembly component"),
        "{}",
        reason("corrupt")
    );
    assert_eq!(
        reason("future"),
        "built for jobscout:plugin@0.3, host supports 0.1 and 0.2"
    );
    assert!(
        reason("wrong-world")
            .starts_with("it does not export the `job-source` world that kind = \"source\" needs"),
        "{}",
        reason("wrong-world")
    );

    let off = host.status("off").unwrap();
    assert_eq!(off.state, PluginState::Disabled);
    assert_eq!(
        off.reason.as_deref(),
        Some("disabled in plugins.toml (line 28)")
    );

    let summary = host.summary();
    assert_eq!(
        (
            summary.total,
            summary.loaded,
            summary.failed,
            summary.disabled,
            summary.paused
        ),
        (6, 1, 4, 1, 0)
    );
    assert_eq!(
        host.search("echo", &query("still", 1)).await.unwrap().len(),
        1
    );
    let unavailable = host.search("future", &query("x", 1)).await.unwrap_err();
    assert_eq!(
        unavailable.to_string(),
        "plugin 'future' is failed: built for jobscout:plugin@0.3, host supports 0.1 and 0.2"
    );
}

#[tokio::test]
async fn an_invalid_or_missing_plugins_file_never_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(dir.path(), "[[plugin]]\nid = \"Bad Id\"\n").await;
    assert_eq!(host.summary().total, 0);
    let error = host.manifest_error().unwrap();
    assert!(error.contains("plugins.toml:"), "{error}");

    let missing = dir.path().join("absent.toml");
    let settings = settings(&missing, &shared_cache_dir(), "");
    let host = jobscout::plugins::PluginHost::start_with(
        &settings,
        jobscout::plugins::HostOptions {
            watch: false,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(host.summary().total, 0);
    assert!(host
        .manifest_error()
        .unwrap()
        .contains("cannot read the plugins file"));
}

#[tokio::test]
async fn compiled_plugins_are_cached_on_disk_and_reused_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let manifest = write_manifest(dir.path(), &entry("echo", "source", &echo_wasm(), ""));
    let options = || jobscout::plugins::HostOptions {
        watch: false,
        ..Default::default()
    };

    let cold =
        jobscout::plugins::PluginHost::start_with(&settings(&manifest, &cache, ""), options())
            .await;
    assert_eq!(cold.summary().loaded, 1);
    assert_eq!(
        cold.compile_cache_stats(),
        Some((0, 1)),
        "first start compiles"
    );
    drop(cold);

    let warm =
        jobscout::plugins::PluginHost::start_with(&settings(&manifest, &cache, ""), options())
            .await;
    assert_eq!(warm.summary().loaded, 1);
    assert_eq!(
        warm.compile_cache_stats(),
        Some((1, 0)),
        "second start reads the cache"
    );
    assert_eq!(
        warm.search("echo", &query("cached", 2))
            .await
            .unwrap()
            .len(),
        2
    );
}

/// Log lines written on this thread (the test runs on a current-thread runtime).
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_log_import_is_capped_per_call_and_cannot_forge_lines() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &entry(
            "echo",
            "source",
            &echo_wasm(),
            "[plugin.limits]\nmax_log_bytes = 4096\n",
        ),
    )
    .await;
    let flooded = |text: &str| {
        text.lines()
            .filter(|line| line.contains(&"f".repeat(1024)))
            .count()
    };

    // 100 messages of 1 KiB: the 4 that fit the 4 KiB cap, then one warning.
    host.search("echo", &query("log-flood 100", 1))
        .await
        .unwrap();
    let text = captured.text();
    assert_eq!(flooded(&text), 4, "{}", &text[..text.len().min(2_000)]);
    assert_eq!(
        text.matches("more than its log limit of 4096 bytes in one call")
            .count(),
        1
    );
    // The cap is per call.
    host.search("echo", &query("log-flood 2", 1)).await.unwrap();
    assert_eq!(flooded(&captured.text()), 6);

    host.search("echo", &query("log-forge", 1)).await.unwrap();
    let text = captured.text();
    assert!(
        text.contains(r"first\nERROR jobscout::auth: forged line\r\u{1b}[2K"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("ERROR jobscout::auth: forged")),
        "a plugin forged a log line: {text}"
    );
}
