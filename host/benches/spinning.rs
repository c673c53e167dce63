//! The API's latency while plugins compute until their time limit (issue #22
//! item 1); figures go to BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench spinning` (builds the plugins
//! first). The server's runtime has two workers, as on the 2-core machines; the
//! hostile test plugin's `loop` command computes until its 2 s limit, and 0, 2,
//! 8 and 16 such calls are kept running while `/health` and a cached
//! `/api/v1/jobs` are asked `BENCH_ITERATIONS` times each (default 400, 2 ms
//! apart) through the real router on that runtime. Prints p50/p99 per load.

#[path = "../tests/suite/plugins_support/mod.rs"]
mod plugins_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jobscout::http::{router, AppState};
use jobscout::plugins::{BreakerPolicy, HostOptions, PluginError, PluginHost};
use jobscout::storage::Database;
use jobscout::telemetry::Telemetry;
use plugins_support::*;
use tower::ServiceExt;

fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * fraction).round() as usize]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

async fn latencies(app: &axum::Router, path: &str, iterations: usize) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let response = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        samples.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(400);
    println!(
        "spinning-plugin benchmarks ({iterations} requests per figure; machine: {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_manifest(
        dir.path(),
        &entry(
            "hostile",
            "source",
            &hostile_wasm(),
            "[plugin.limits]\ntimeout_ms = 2000\nmax_concurrent_calls = 32",
        ),
    );
    let database = dir.path().join("bench.db");
    let settings = settings_with(
        &manifest,
        &shared_cache_dir(),
        "",
        &[
            ("JOBSCOUT_SQLITE_PATH", database.to_str().unwrap()),
            ("JOBSCOUT_LOG", "error"),
        ],
    );
    let pool = jobscout::storage::connect(&settings.database, 4, Duration::from_secs(5))
        .await
        .unwrap();
    jobscout::storage::migrate(&pool).await.unwrap();
    // Every loop ends at its time limit, a failure: the breaker would pause the
    // plugin after five and the calls would stop spinning.
    let plugins = PluginHost::start_with(
        &settings,
        HostOptions {
            watch: false,
            breaker: BreakerPolicy {
                threshold: u32::MAX,
                ..BreakerPolicy::default()
            },
            ..HostOptions::default()
        },
    )
    .await;
    let state = AppState::new(
        Arc::new(settings),
        Database::ready(pool),
        plugins.clone(),
        Telemetry::global(),
    );
    let app = router(state);

    for spinning in [0_usize, 2, 8, 16] {
        let stop = Arc::new(AtomicBool::new(false));
        let spinners: Vec<_> = (0..spinning)
            .map(|_| {
                let plugins = plugins.clone();
                let stop = stop.clone();
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let outcome = plugins.search("hostile", &query("loop", 1)).await;
                        match outcome {
                            Err(PluginError::Contained(reason)) => {
                                assert!(reason.contains("time limit"), "{reason}")
                            }
                            other => panic!("a loop ends at its time limit, not {other:?}"),
                        }
                    }
                })
            })
            .collect();
        // Let the calls start before measuring.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (health_p50, health_p99) = latencies(&app, "/health", iterations).await;
        let (jobs_p50, jobs_p99) = latencies(&app, "/api/v1/jobs?page_size=20", iterations).await;
        stop.store(true, Ordering::Relaxed);
        for spinner in spinners {
            spinner.await.unwrap();
        }
        println!(
            "{spinning:>2} spinning calls: /health p50 {} p99 {}; cached /api/v1/jobs p50 {} p99 {}",
            ms(health_p50),
            ms(health_p99),
            ms(jobs_p50),
            ms(jobs_p99)
        );
    }
}
