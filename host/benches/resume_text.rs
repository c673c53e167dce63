//! Resume text extraction in the sandbox against the same crate natively;
//! figures go to BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench resume_text` (builds the plugins
//! first; `BENCH_ITERATIONS` sets the calls per document, default 200).
//! Prints, per fixture document: pages/second and p50/p99 per call through
//! `PluginHost::process` (a fresh instance per call, all limits on) and natively,
//! the wasm/native ratio, and the call's peak linear memory.

#[path = "../tests/suite/plugins_support/mod.rs"]
mod plugins_support;
mod support;

use std::time::{Duration, Instant};

use jobscout::plugins::types::{Blob, Payload};
use jobscout::plugins::PluginError;
use jobscout_processor_resume_text as resume_text;
use plugins_support::*;
use support::{load_processor, peak_memory, percentile};

const LIMITS: &str =
    "[plugin.limits]\nmemory_mib = 128\ntimeout_ms = 10000\nmax_output_bytes = 4194304\n";

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

fn document(name: &str) -> Vec<u8> {
    let path = repository_root().join("fixtures/documents").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn blob(media_type: &str, data: &[u8]) -> Payload {
    Payload::Bytes(Blob {
        media_type: media_type.to_string(),
        data: data.to_vec(),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let wasm = wasm("jobscout_processor_resume_text");
    let host = start_host(
        dir.path(),
        &entry("resume-text", "processor", &wasm, LIMITS),
    )
    .await;
    let (runtime, loaded) = load_processor(dir.path(), "resume-text", &wasm, LIMITS).await;
    println!(
        "resume-text benchmarks ({iterations} calls per document; machine: {} cores; memory_mib = 128)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let documents = [
        ("resume-single-column.pdf", resume_text::PDF_MEDIA_TYPE),
        ("resume-two-column.pdf", resume_text::PDF_MEDIA_TYPE),
        ("resume-multipage.pdf", resume_text::PDF_MEDIA_TYPE),
        ("resume-basic.docx", resume_text::DOCX_MEDIA_TYPE),
        ("resume-table-layout.docx", resume_text::DOCX_MEDIA_TYPE),
    ];
    for (name, media_type) in documents {
        let bytes = document(name);
        let native_result = resume_text::extract(media_type, &bytes).unwrap();
        let pages = native_result.pages as f64;
        let input = blob(media_type, &bytes);

        let mut sandboxed = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            let output = host.process("resume-text", &input).await.unwrap();
            sandboxed.push(started.elapsed());
            let Payload::Text(json) = output else {
                panic!("resume-text answered {output:?}")
            };
            assert_eq!(
                json,
                native_result.to_json(),
                "sandboxed and native output differ"
            );
        }
        let mut native = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            let result = resume_text::extract(std::hint::black_box(media_type), &bytes);
            native.push(started.elapsed());
            std::hint::black_box(result.unwrap());
        }
        let wasm_p50 = percentile(&mut sandboxed, 0.5);
        let native_p50 = percentile(&mut native, 0.5);
        let peak = peak_memory(&runtime, &loaded, &input).await;
        println!(
            "{name} ({} KiB, {pages} pages): sandbox {:.0} pages/s (p50 {}, p99 {}), native {:.0} pages/s (p50 {}, p99 {}), \
             ratio {:.1}x, peak memory {:.1} MiB",
            bytes.len() / 1024,
            pages / wasm_p50.as_secs_f64(),
            millis(wasm_p50),
            millis(percentile(&mut sandboxed, 0.99)),
            pages / native_p50.as_secs_f64(),
            millis(native_p50),
            millis(percentile(&mut native, 0.99)),
            wasm_p50.as_secs_f64() / native_p50.as_secs_f64(),
            peak as f64 / f64::from(1 << 20),
        );
    }

    // The zip bomb: refused from its declared size, so it should cost about
    // as much as a small document, not a gigabyte of inflation.
    let bomb = document("hostile/zip-bomb.docx");
    let input = blob(resume_text::DOCX_MEDIA_TYPE, &bomb);
    let mut refusals = Vec::with_capacity(iterations / 4 + 1);
    for _ in 0..iterations / 4 + 1 {
        let started = Instant::now();
        let refused = host.process("resume-text", &input).await.unwrap_err();
        refusals.push(started.elapsed());
        assert!(
            matches!(refused, PluginError::Processor { .. }),
            "{refused:?}"
        );
    }
    println!(
        "hostile/zip-bomb.docx ({} KiB, inflates to 1 GiB): refused in p50 {} (p99 {}), peak memory {:.1} MiB",
        bomb.len() / 1024,
        millis(percentile(&mut refusals, 0.5)),
        millis(percentile(&mut refusals, 0.99)),
        peak_memory(&runtime, &loaded, &input).await as f64 / f64::from(1 << 20),
    );
}
