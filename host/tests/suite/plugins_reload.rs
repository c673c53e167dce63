//! Hot reload: atomic swaps under load, failed reloads that keep the old build
//! serving, the file watcher, and removal.

use crate::plugins_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jobscout::plugins::loader::sha256_hex;
use jobscout::plugins::{HostOptions, PluginState};
use plugins_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_replaced_on_disk_is_swapped_with_no_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let plugin_path = dir.path().join("echo.wasm");
    let original = std::fs::read(echo_wasm()).unwrap();
    std::fs::write(&plugin_path, &original).unwrap();
    let host = start_host(dir.path(), &entry("echo", "source", &plugin_path, "")).await;
    assert_eq!(
        host.status("echo").unwrap().hash.unwrap(),
        sha256_hex(&original)
    );

    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let load: Vec<_> = (0..3)
        .map(|_| {
            let (host, stop, served) = (host.clone(), stop.clone(), served.clone());
            tokio::spawn(async move {
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match host.search("echo", &query("under load", 2)).await {
                        Ok(postings) if postings.len() == 2 => {
                            served.fetch_add(1, Ordering::SeqCst);
                        }
                        other => failures.push(format!("{other:?}")),
                    }
                }
                failures
            })
        })
        .collect();

    let mut swaps = Vec::new();
    for generation in 1..=3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let rebuilt = with_custom_section(&original, &format!("generation {generation}"));
        std::fs::write(&plugin_path, &rebuilt).unwrap();
        let report = host.reload().await;
        assert_eq!(report.loaded, ["echo"], "{report:?}");
        assert_eq!(
            host.status("echo").unwrap().hash.unwrap(),
            sha256_hex(&rebuilt)
        );
        swaps.push(report.elapsed_ms);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::SeqCst);
    for worker in load {
        let failures = worker.await.unwrap();
        assert!(
            failures.is_empty(),
            "failed requests during swaps: {failures:?}"
        );
    }
    assert!(served.load(Ordering::SeqCst) > 20, "the load actually ran");

    // Nothing changed: nothing is reloaded.
    let report = host.reload().await;
    assert_eq!(
        (report.loaded.len(), report.unchanged.as_slice()),
        (0, ["echo".to_string()].as_slice())
    );
}

#[tokio::test]
async fn a_broken_new_build_leaves_the_old_one_serving_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let plugin_path = dir.path().join("echo.wasm");
    let original = std::fs::read(echo_wasm()).unwrap();
    std::fs::write(&plugin_path, &original).unwrap();
    let host = start_host(dir.path(), &entry("echo", "source", &plugin_path, "")).await;

    std::fs::write(&plugin_path, b"truncated").unwrap();
    let report = host.reload().await;
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].still_serving);

    let status = host.status("echo").unwrap();
    assert_eq!(status.state, PluginState::Loaded);
    assert_eq!(status.hash.unwrap(), sha256_hex(&original));
    let reason = status.reason.unwrap();
    assert!(
        reason.starts_with("reload failed, still serving version 0.1.0 ("),
        "{reason}"
    );
    assert!(
        reason.contains("is not a valid WebAssembly component"),
        "{reason}"
    );
    assert_eq!(
        host.search("echo", &query("old build", 1))
            .await
            .unwrap()
            .len(),
        1
    );

    // An invalid plugins.toml changes nothing either.
    write_manifest(dir.path(), "[[plugin]]\nid = 7\n");
    let report = host.reload().await;
    assert!(report.manifest_error.unwrap().contains("plugins.toml:"));
    assert_eq!(host.status("echo").unwrap().state, PluginState::Loaded);

    // A fixed file is picked up, and a plugin dropped from the file is unloaded.
    std::fs::write(&plugin_path, &original).unwrap();
    write_manifest(
        dir.path(),
        &entry("upper", "processor", &processor_wasm(), ""),
    );
    let report = host.reload().await;
    assert_eq!(report.removed, ["echo"]);
    assert_eq!(report.loaded, ["upper"]);
    assert!(host.status("echo").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reloads_after_the_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let plugin_path = dir.path().join("echo.wasm");
    let original = std::fs::read(echo_wasm()).unwrap();
    std::fs::write(&plugin_path, &original).unwrap();
    let options = HostOptions {
        watch: true,
        watch_debounce: Duration::from_millis(100),
        ..HostOptions::default()
    };
    let host = start_host_with(
        dir.path(),
        &entry("echo", "source", &plugin_path, ""),
        "127.0.0.1",
        options,
    )
    .await;

    // Replace the file the way a build does: write aside, then rename over it.
    let rebuilt = with_custom_section(&original, "watched");
    let staging = dir.path().join("echo.wasm.tmp");
    std::fs::write(&staging, &rebuilt).unwrap();
    std::fs::rename(&staging, &plugin_path).unwrap();
    let expected = sha256_hex(&rebuilt);
    let swapped = eventually(Duration::from_secs(10), || {
        host.status("echo").unwrap().hash.as_deref() == Some(&expected)
    })
    .await;
    assert!(
        swapped,
        "the watcher did not reload: {:?}",
        host.status("echo")
    );

    // Editing plugins.toml is picked up too.
    write_manifest(
        dir.path(),
        &entry("echo", "source", &plugin_path, "enabled = false"),
    );
    let disabled = eventually(Duration::from_secs(10), || {
        host.status("echo").unwrap().state == PluginState::Disabled
    })
    .await;
    assert!(disabled, "{:?}", host.status("echo"));
}
