//! Hostile plugins, built from `plugins/test-plugins/hostile` and run through
//! the real host: each attack is contained, the host keeps answering, other
//! plugins keep serving, and the reason shows in the admin listing.

use crate::plugins_support;

use std::time::{Duration, Instant};

use jobscout::plugins::{BreakerPolicy, HostOptions, PluginError, PluginState};
use plugins_support::*;

fn contained(result: Result<Vec<jobscout::plugins::types::JobPosting>, PluginError>) -> String {
    match result {
        Err(PluginError::Contained(reason)) => reason,
        other => panic!("expected the host to contain the plugin, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loops_allocations_recursion_panics_and_huge_output_are_contained() {
    let dir = tempfile::tempdir().unwrap();
    let body = [
        entry("echo", "source", &echo_wasm(), ""),
        entry(
            "hostile",
            "source",
            &hostile_wasm(),
            "[plugin.limits]\ntimeout_ms = 1500",
        ),
        // Enough memory to build 100 MB, so the output limit is what stops it.
        entry(
            "hoarder",
            "source",
            &hostile_wasm(),
            "[plugin.limits]\nmemory_mib = 256\nmax_output_bytes = 8000000",
        ),
    ]
    .concat();
    let host = start_host(dir.path(), &body).await;

    // The infinite loop runs while the other plugin keeps answering quickly.
    let looping = {
        let host = host.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let result = host.search("hostile", &query("loop", 1)).await;
            (result, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(
            host.search("echo", &query("meanwhile", 1))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "echo stalled: {:?}",
            started.elapsed()
        );
    }
    let (result, elapsed) = looping.await.unwrap();
    assert_eq!(
        contained(result),
        "plugin 'hostile' 0.1.0 exceeded its time limit of 1500 ms"
    );
    assert!(
        elapsed >= Duration::from_millis(1400) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );

    assert_eq!(
        contained(host.search("hostile", &query("alloc", 1)).await),
        "plugin 'hostile' 0.1.0 exceeded its memory limit of 64 MiB"
    );
    assert_eq!(
        contained(host.search("hostile", &query("recurse", 1)).await),
        "plugin 'hostile' 0.1.0 overflowed its stack (unbounded recursion?)"
    );
    assert_eq!(
        contained(host.search("hostile", &query("panic", 1)).await),
        "plugin 'hostile' 0.1.0 panicked or aborted (wasm `unreachable` executed)"
    );
    // WASI 0.2's exit carries only success or failure: the plugin's exit(3) is 1.
    // (On `hoarder`, the same build: `hostile` has used its failures before a pause.)
    assert_eq!(
        contained(host.search("hoarder", &query("exit", 1)).await),
        "plugin 'hoarder' 0.1.0 exited with status 1 instead of returning (a plugin must return its result or error, not exit)"
    );
    assert_eq!(
        contained(host.search("hoarder", &query("output", 1)).await),
        "plugin 'hoarder' 0.1.0 returned 104857700 bytes of output, over its limit of 8000000 bytes"
    );
    // With the default 64 MiB, building 100 MB is stopped by the memory limit instead.
    assert_eq!(
        contained(host.search("hostile", &query("output", 1)).await),
        "plugin 'hostile' 0.1.0 exceeded its memory limit of 64 MiB"
    );

    // The host is fine and says why the plugin failed.
    assert_eq!(
        host.search("echo", &query("after", 2)).await.unwrap().len(),
        2
    );
    assert_eq!(
        host.search("hoarder", &query("nothing", 1))
            .await
            .unwrap()
            .len(),
        0,
        "a fresh store per call"
    );
    // Five contained failures in a row tripped the circuit breaker.
    let status = host.status("hostile").unwrap();
    assert_eq!(status.state, PluginState::Paused);
    assert_eq!(
        status.last_error.as_deref(),
        Some("plugin 'hostile' 0.1.0 exceeded its memory limit of 64 MiB")
    );
    let reason = status.reason.unwrap();
    assert!(
        reason.starts_with("paused for 30s after 5 failed calls in a row; last error: plugin 'hostile' 0.1.0 exceeded its memory limit"),
        "{reason}"
    );
    assert_eq!((status.calls, status.failures), (5, 5));
    assert!(matches!(
        host.search("hostile", &query("nothing", 1)).await,
        Err(PluginError::Unavailable {
            state: PluginState::Paused,
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_flood_is_shed_while_other_plugins_keep_serving() {
    let dir = tempfile::tempdir().unwrap();
    let body = [
        entry("echo", "source", &echo_wasm(), ""),
        entry(
            "hostile",
            "source",
            &hostile_wasm(),
            "[plugin.limits]\nmax_concurrent_calls = 2",
        ),
    ]
    .concat();
    let host = start_host(dir.path(), &body).await;

    let flood: Vec<_> = (0..20)
        .map(|_| {
            let host = host.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let result = host.search("hostile", &query("spin 400", 1)).await;
                (started, Instant::now(), result)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert_eq!(
        host.search("echo", &query("still here", 1))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );

    let mut served = Vec::new();
    let mut shed = 0;
    for call in flood {
        match call.await.unwrap() {
            (started, ended, Ok(_)) => served.push((started, ended)),
            (started, ended, Err(PluginError::Busy { limit: 2, .. })) => {
                shed += 1;
                assert!(
                    ended - started < Duration::from_millis(100),
                    "refusals are immediate"
                );
            }
            (_, _, Err(other)) => panic!("unexpected {other:?}"),
        }
    }
    // Never more than the limit ran at once.
    for (index, (started, _)) in served.iter().enumerate() {
        let running = served
            .iter()
            .enumerate()
            .filter(|(other, (other_start, other_end))| {
                *other != index && other_start <= started && started < other_end
            })
            .count();
        assert!(running < 2, "{} calls ran at once", running + 1);
    }
    assert!(
        !served.is_empty() && shed >= 10,
        "served {}, shed {shed}",
        served.len()
    );
    assert_eq!(served.len() + shed, 20);
    let status = host.status("hostile").unwrap();
    assert_eq!(status.rejected, shed as u64);
    assert_eq!(
        status.state,
        PluginState::Loaded,
        "shedding load does not count as failing"
    );
}

#[tokio::test]
async fn repeated_failures_pause_the_plugin_until_it_is_enabled_again() {
    let dir = tempfile::tempdir().unwrap();
    let options = HostOptions {
        watch: false,
        breaker: BreakerPolicy {
            threshold: 3,
            base_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(600),
        },
        ..HostOptions::default()
    };
    let host = start_host_with(
        dir.path(),
        &entry("hostile", "source", &hostile_wasm(), ""),
        "127.0.0.1",
        options,
    )
    .await;
    for _ in 0..3 {
        contained(host.search("hostile", &query("panic", 1)).await);
    }
    let status = host.status("hostile").unwrap();
    assert_eq!(status.state, PluginState::Paused);
    let reason = status.reason.unwrap();
    assert!(reason.starts_with("paused for 60s after 3 failed calls in a row; last error: plugin 'hostile' 0.1.0 panicked"), "{reason}");
    assert_eq!(host.summary().paused, 1);

    let refused = host
        .search("hostile", &query("nothing", 1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            PluginError::Unavailable {
                state: PluginState::Paused,
                ..
            }
        ),
        "{refused:?}"
    );

    host.set_enabled("hostile", true).unwrap();
    assert_eq!(host.status("hostile").unwrap().state, PluginState::Loaded);
    assert!(host.search("hostile", &query("nothing", 1)).await.is_ok());
}

#[tokio::test]
async fn input_a_processor_refuses_does_not_pause_it() {
    let dir = tempfile::tempdir().unwrap();
    let options = HostOptions {
        watch: false,
        breaker: BreakerPolicy {
            threshold: 2,
            base_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(600),
        },
        ..HostOptions::default()
    };
    let host = start_host_with(
        dir.path(),
        &entry("upper", "processor", &processor_wasm(), ""),
        "127.0.0.1",
        options,
    )
    .await;
    // A user's unreadable uploads are the input's fault, not the processor's.
    let image = jobscout::plugins::types::Payload::Bytes(jobscout::plugins::types::Blob {
        media_type: "image/png".to_string(),
        data: vec![0x89, b'P', b'N', b'G'],
    });
    for _ in 0..4 {
        let refused = host.process("upper", &image).await.unwrap_err();
        assert!(
            matches!(
                &refused,
                jobscout::plugins::PluginError::Processor {
                    error: jobscout::plugins::types::ProcessorError::UnsupportedInput(_),
                    ..
                }
            ),
            "{refused:?}"
        );
    }
    assert_eq!(host.status("upper").unwrap().state, PluginState::Loaded);
    let upper = host
        .process(
            "upper",
            &jobscout::plugins::types::Payload::Text("ok".to_string()),
        )
        .await
        .unwrap();
    assert!(
        matches!(&upper, jobscout::plugins::types::Payload::Text(text) if text == "OK"),
        "{upper:?}"
    );
}

#[tokio::test]
async fn a_slow_metadata_fails_the_load_within_a_second_not_the_plugins_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let host = start_host(
        dir.path(),
        &[
            entry(
                "sluggish",
                "source",
                &hostile_wasm(),
                "[plugin.limits]\ntimeout_ms = 20000\n[plugin.config]\nmetadata_spin_ms = \"30000\"",
            ),
            entry("echo", "source", &echo_wasm(), ""),
        ]
        .concat(),
    )
    .await;
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(8),
        "start-up took {elapsed:?}"
    );
    let sluggish = host
        .list()
        .into_iter()
        .find(|status| status.id == "sluggish")
        .unwrap();
    let reason = sluggish.reason.unwrap_or_default();
    assert!(
        reason.contains("took longer than 1000 ms to answer metadata()"),
        "{reason}"
    );
    assert_eq!(
        host.search("echo", &query("still", 1)).await.unwrap().len(),
        1
    );
}
