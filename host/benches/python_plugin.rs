//! The Python source (`plugins/python/landingjobs`, built by componentize-py):
//! component size, cold and warm load, and per-call latency. Figures go to BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench python_plugin` (builds the
//! component first through `cargo xtask build-plugins --python-only`).

#[path = "../tests/suite/plugins_support/mod.rs"]
mod plugins_support;
#[path = "../tests/suite/python_support/mod.rs"]
mod python_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jobscout::plugins::{HostOptions, PluginHost};
use plugins_support::{query, settings, write_manifest};
use python_support::{declare, python_wasm, start_api};

fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * fraction).round() as usize]
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

/// A host with only the Python source, compiling through `cache_dir`.
async fn host(dir: &Path, cache_dir: &Path, body: &str) -> (Arc<PluginHost>, Duration) {
    let manifest = write_manifest(dir, body);
    let started = Instant::now();
    let host = PluginHost::start_with(
        &settings(&manifest, cache_dir, "127.0.0.1"),
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    let elapsed = started.elapsed();
    let status = host.status("landingjobs").unwrap();
    assert!(status.reason.is_none(), "{status:?}");
    (host, elapsed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(200);
    let wasm = python_wasm();
    let size = std::fs::metadata(&wasm).unwrap().len();
    println!(
        "python plugin benchmarks ({iterations} calls; machine: {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "component size: {size} bytes ({:.1} MiB)",
        size as f64 / (1 << 20) as f64
    );

    let (address, _) = start_api().await;
    let body = declare(
        "landingjobs",
        &wasm,
        "\"127.0.0.1\"",
        &format!("http://{address}"),
    );
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();

    // Cold: an empty compile cache, so the load includes the full compile.
    let (cold_host, cold) = host(dir.path(), cache.path(), &body).await;
    drop(cold_host);
    // Warm: the same cache directory, as at every later start.
    let (host, warm) = host(dir.path(), cache.path(), &body).await;
    println!("load, cold compile cache: {}", millis(cold));
    println!("load, warm compile cache: {}", millis(warm));

    // Each search: instantiate a fresh store, three fetches of two jobs each from
    // the local server, parse, filter, lift four postings.
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let postings = host.search("landingjobs", &query("", 10)).await.unwrap();
        samples.push(started.elapsed());
        assert_eq!(postings.len(), 4);
    }
    println!(
        "search (3 local fetches, 4 postings): p50 {}, p99 {}, max {}",
        millis(percentile(&mut samples, 0.5)),
        millis(percentile(&mut samples, 0.99)),
        millis(percentile(&mut samples, 1.0))
    );
    // One fetch, so the Python side dominates less than the three round trips.
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        host.search("landingjobs", &query("", 1)).await.unwrap();
        samples.push(started.elapsed());
    }
    println!(
        "search (1 local fetch, 1 posting): p50 {}, p99 {}",
        millis(percentile(&mut samples, 0.5)),
        millis(percentile(&mut samples, 0.99))
    );
}
