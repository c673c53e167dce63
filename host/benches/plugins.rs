//! Plugin runtime benchmarks; figures go to BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench plugins` (builds the plugins first).
//! Prints instantiate and call latency with pooling, the wasm/native ratio of
//! parsing a 200-posting feed, the reload swap under load, and start-up with
//! 15 plugins on a cold and a warm compile cache. `BENCH_ONLY=parse` stops after
//! the parse comparison (quick runs while working on the guest side).

#[path = "../tests/suite/plugins_support/mod.rs"]
mod plugins_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jobscout::plugins::loader::PluginPre;
use jobscout::plugins::types::{EmploymentType, JobPosting, Salary, SalaryPeriod, WorkMode};
use jobscout::plugins::wit::versioned::SourcePre;
use jobscout::plugins::{call, HostOptions, PluginHost};
use plugins_support::*;

fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * fraction).round() as usize]
}

fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

/// The same conversion the echo plugin does, natively.
fn native_parse(body: &[u8]) -> Vec<JobPosting> {
    jobscout_feed_parser::parse_feed(body)
        .unwrap()
        .into_iter()
        .map(|job| JobPosting {
            source_id: job.id.to_string(),
            title: job.title,
            company: job.company,
            locations: job.locations,
            work_mode: if job.remote {
                WorkMode::Remote
            } else {
                WorkMode::Onsite
            },
            employment_types: vec![EmploymentType::FullTime],
            salary: Some(Salary {
                min: job.salary_min,
                max: job.salary_max,
                currency: job.currency.map(str::to_string),
                period: Some(SalaryPeriod::Year),
            }),
            listing_url: job.url.to_string(),
            apply_url: job.apply_url.map(str::to_string),
            description_html: job.description,
            description_text: None,
            posted_at: job.posted_at.map(str::to_string),
            expires_at: None,
            tags: job.tags,
            extra: Vec::new(),
        })
        .collect()
}

fn no_watch() -> HostOptions {
    HostOptions {
        watch: false,
        ..HostOptions::default()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let echo = echo_wasm();
    println!(
        "plugin benchmarks ({iterations} iterations each; machine: {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // 1. Instantiate (fresh store from the InstancePre, pooling) and instantiate + call.
    let host = start_host(dir.path(), &entry("echo", "source", &echo, "")).await;
    let (hits, misses) = host.compile_cache_stats().unwrap_or_default();
    let _ = (hits, misses);
    let (engine, _) = jobscout::plugins::engine::build(None).unwrap();
    jobscout::plugins::engine::start_epoch_ticker(&engine);
    let egress = Arc::new(jobscout::net::Egress::new(&[]).unwrap());
    let runtime = jobscout::plugins::loader::Runtime::new(engine, None, egress).unwrap();
    let manifest = jobscout::plugins::manifest::parse(
        &format!("schema_version = 1\n{}", entry("echo", "source", &echo, "")),
        "bench.toml",
        dir.path(),
    )
    .unwrap();
    let loaded = jobscout::plugins::loader::load(&runtime, &manifest.plugins[0])
        .await
        .unwrap();
    let PluginPre::Source(pre) = &loaded.pre else {
        unreachable!()
    };
    // The 0.2.0 bindings themselves, to time instantiation and the call apart.
    let SourcePre::V0_2(pre) = pre else {
        unreachable!("the echo source is built with the 0.2 SDK")
    };
    let mut instantiate = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let mut store = call::new_store(&runtime.engine, &loaded);
        let started = Instant::now();
        // The bindings hold only indices; the instance lives in the store.
        let _bindings = pre.instantiate_async(&mut store).await.unwrap();
        instantiate.push(started.elapsed());
    }
    let mut round_trip = Vec::with_capacity(iterations);
    let small = query("bench", 1);
    for _ in 0..iterations {
        let started = Instant::now();
        host.search("echo", &small).await.unwrap();
        round_trip.push(started.elapsed());
    }
    println!(
        "instantiate (pooling, fresh store): p50 {} p99 {}",
        micros(percentile(&mut instantiate, 0.5)),
        micros(percentile(&mut instantiate, 0.99))
    );
    println!(
        "search call through PluginHost (instantiate + call + 1 posting, all limits on): p50 {} p99 {}",
        micros(percentile(&mut round_trip, 0.5)),
        micros(percentile(&mut round_trip, 0.99))
    );

    // 2. Parsing a 200-posting feed: wasm (fresh instance per call) against native.
    let feed = jobscout_feed_parser::sample_feed(200);
    let mut parse_query = query("parse", 200);
    parse_query.cursor = Some(feed.clone());
    let parse_iterations = iterations / 4;
    let mut wasm_parse = Vec::with_capacity(parse_iterations);
    for _ in 0..parse_iterations {
        let started = Instant::now();
        let postings = host.search("echo", &parse_query).await.unwrap();
        wasm_parse.push(started.elapsed());
        assert_eq!(postings.len(), 200);
    }
    let mut native = Vec::with_capacity(parse_iterations);
    for _ in 0..parse_iterations {
        let started = Instant::now();
        let postings = std::hint::black_box(native_parse(std::hint::black_box(feed.as_bytes())));
        native.push(started.elapsed());
        assert_eq!(postings.len(), 200);
    }
    // The same guest work with one posting lifted back: what is left is the guest's parse.
    let mut count_query = query("parse-count", 200);
    count_query.cursor = Some(feed.clone());
    let mut guest_only = Vec::with_capacity(parse_iterations);
    for _ in 0..parse_iterations {
        let started = Instant::now();
        let postings = host.search("echo", &count_query).await.unwrap();
        guest_only.push(started.elapsed());
        assert_eq!(postings[0].title, "200");
    }
    let wasm_p50 = percentile(&mut wasm_parse, 0.5);
    let native_p50 = percentile(&mut native, 0.5);
    let guest_p50 = percentile(&mut guest_only, 0.5);
    println!(
        "200-posting feed ({} KiB): wasm p50 {} (p99 {}), native p50 {} (p99 {}), ratio {:.2}x",
        feed.len() / 1024,
        micros(wasm_p50),
        micros(percentile(&mut wasm_parse, 0.99)),
        micros(native_p50),
        micros(percentile(&mut native, 0.99)),
        wasm_p50.as_secs_f64() / native_p50.as_secs_f64()
    );
    println!(
        "  of which: guest parse with one posting lifted p50 {}, lifting 199 postings ~{}",
        micros(guest_p50),
        micros(wasm_p50.saturating_sub(guest_p50))
    );
    // The same call without the `PluginHost` wrapper, split into its phases: a
    // fresh store and instance, the call (lowering the query, the guest, lifting
    // the 200 postings) and dropping the store (the pool resets the memory slot).
    let mut phases: [Vec<Duration>; 3] = Default::default();
    let (mut peak_memory, mut grants) = (0, 0);
    for _ in 0..parse_iterations {
        let started = Instant::now();
        let mut store = call::new_store(&runtime.engine, &loaded);
        let bindings = pre.instantiate_async(&mut store).await.unwrap();
        let instantiated = Instant::now();
        let postings = bindings
            .jobscout_plugin_source()
            .call_search(&mut store, &parse_query)
            .await
            .unwrap()
            .unwrap();
        let called = Instant::now();
        peak_memory = store.data().peak_memory_bytes();
        grants = store.data().memory_grants();
        drop(store);
        let dropped = Instant::now();
        assert_eq!(postings.len(), 200);
        phases[0].push(instantiated - started);
        phases[1].push(called - instantiated);
        phases[2].push(dropped - called);
    }
    println!(
        "  phases (p50): instantiate {}, call {}, drop of the store {}; linear memory at the end {} KiB ({} grants incl. creation)",
        micros(percentile(&mut phases[0], 0.5)),
        micros(percentile(&mut phases[1], 0.5)),
        micros(percentile(&mut phases[2], 0.5)),
        peak_memory >> 10,
        grants
    );
    if std::env::var("BENCH_ONLY").is_ok_and(|only| only == "parse") {
        return;
    }

    // 3. Reload swap under load.
    let swap_dir = tempfile::tempdir().unwrap();
    let plugin_path = swap_dir.path().join("echo.wasm");
    let original = std::fs::read(&echo).unwrap();
    std::fs::write(&plugin_path, &original).unwrap();
    let swap_host = start_host(swap_dir.path(), &entry("echo", "source", &plugin_path, "")).await;
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicUsize::new(0));
    let served = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (host, stop, failures, served) = (
                swap_host.clone(),
                stop.clone(),
                failures.clone(),
                served.clone(),
            );
            tokio::spawn(async move {
                let mut worst = Duration::ZERO;
                while !stop.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    match host.search("echo", &query("load", 1)).await {
                        Ok(_) => served.fetch_add(1, Ordering::SeqCst),
                        Err(_) => failures.fetch_add(1, Ordering::SeqCst),
                    };
                    worst = worst.max(started.elapsed());
                }
                worst
            })
        })
        .collect();
    let mut swap_us = Vec::new();
    let mut reload_ms = Vec::new();
    for generation in 0..10 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        std::fs::write(
            &plugin_path,
            with_custom_section(&original, &format!("gen {generation}")),
        )
        .unwrap();
        let report = swap_host.reload().await;
        assert_eq!(report.loaded.len(), 1);
        swap_us.push(report.swap_max_us);
        reload_ms.push(report.elapsed_ms);
    }
    stop.store(true, Ordering::SeqCst);
    let mut worst = Duration::ZERO;
    for worker in workers {
        worst = worst.max(worker.await.unwrap());
    }
    swap_us.sort_unstable();
    reload_ms.sort_by(f64::total_cmp);
    println!(
        "reload of a changed plugin under load (10 swaps): swap (table locked) max {} µs; whole reload incl. compile p50 {:.1} ms; \
         {} requests served, {} failed, slowest request {:.1} ms",
        swap_us.last().unwrap(),
        reload_ms[reload_ms.len() / 2],
        served.load(Ordering::SeqCst),
        failures.load(Ordering::SeqCst),
        worst.as_secs_f64() * 1000.0
    );

    // 4. Start-up with 15 plugins, cold then warm compile cache.
    let startup_dir = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for index in 0..15 {
        let path = startup_dir.path().join(format!("source{index}.wasm"));
        std::fs::write(
            &path,
            with_custom_section(&original, &format!("source {index}")),
        )
        .unwrap();
        body.push_str(&entry(&format!("source{index}"), "source", &path, ""));
    }
    let manifest = write_manifest(startup_dir.path(), &body);
    let cache = startup_dir.path().join("cache");
    for label in ["cold", "warm"] {
        let started = Instant::now();
        let host = PluginHost::start_with(&settings(&manifest, &cache, ""), no_watch()).await;
        let elapsed = started.elapsed();
        assert_eq!(host.summary().loaded, 15);
        let (hits, misses) = host.compile_cache_stats().unwrap();
        println!(
            "start-up with 15 plugins, {label} cache: {:.1} ms (cache hits {hits}, misses {misses})",
            elapsed.as_secs_f64() * 1000.0
        );
    }
}
