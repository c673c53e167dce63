//! Apply packs and their documents through the host's service layer, on an
//! embedded SQLite file with the real processor plugins; figures go to
//! BENCHMARKS.md.
//!
//! Run: `cargo bench -p jobscout-host --bench apply_packs` (builds the plugins
//! first; `BENCH_ITERATIONS` sets the calls per case, default 200).
//! The user is a paying one in credit mode, so every new pack is charged in the
//! transaction that stores it. Prints p50/p99 per call for: template pack
//! generation (a new job each time: job-parse, job-analyze, apply-pack, the
//! inserts and the charge; the resume version is reused), a cached pack, the AI pack against a local fake OpenAI-compatible
//! server that answers at once, the AI provider's round trip alone (the host's
//! overhead per AI call: encode, HTTP on loopback, decode, validate), the same
//! chat asked by a plugin through the WIT 0.2.0 `ai` import (the test plugin
//! `ai-processor`, grant and budget checked), the DOCX and ZIP exports and the
//! ATS preview; then each processor's peak linear memory for one call.

#[path = "../tests/suite/ai_support/mod.rs"]
mod ai_support;
#[path = "../tests/suite/plugins_support/mod.rs"]
mod plugins_support;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jobscout::ai::{Caller, JsonChat};
use jobscout::apply::documents::{self, Export};
use jobscout::apply::packs::{self, PackRequest};
use jobscout::apply::{Apply, HostFetcher};
use jobscout::config::{DatabaseTarget, Settings};
use jobscout::plugins::types::Payload;
use jobscout::plugins::{HostOptions, PluginHost};
use jobscout_contracts::apply_pack;
use jobscout_contracts::documents as documents_contract;
use jobscout_contracts::structured::{list_value, to_pairs};
use plugins_support::*;
use serde_json::{json, Value};
use support::{load_processor, peak_memory, percentile};
use uuid::Uuid;

const LIMITS: &str = "[plugin.limits]\nmemory_mib = 64\ntimeout_ms = 10000\n";
const PROCESSORS: [(&str, &str); 5] = [
    ("resume-analyze", "jobscout_processor_resume_analyze"),
    ("job-parse", "jobscout_processor_job_parse"),
    ("job-analyze", "jobscout_processor_job_analyze"),
    ("apply-pack", "jobscout_processor_apply_pack"),
    ("documents", "jobscout_processor_documents"),
];

fn report(label: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 0.5);
    let p99 = percentile(samples, 0.99);
    println!(
        "{label:<44} p50 {:>7.2} ms   p99 {:>7.2} ms   ({} calls)",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        samples.len()
    );
}

fn fixture(name: &str) -> String {
    let path = repository_root().join("fixtures/jobs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A draft as a model would write it for the senior resume (numbers it holds).
fn draft() -> Value {
    json!({
        "tailored_summary": "Senior backend engineer with 9 years in Go, Python and PostgreSQL.",
        "tailored_bullets": [
            {"text": "Cut p99 latency of the checkout API by 40% by moving hot paths to Go", "match_score": 92},
            {"text": "Led the migration of 14 services to Kubernetes with zero downtime", "match_score": 88}
        ],
        "cover_note": "Dear hiring team,\nI am applying for the role.\nKind regards",
        "optimized_experience": ["Designed the idempotency layer for $2.1M in daily transactions"],
        "optimized_resume": {"summary": "Backend engineer.", "summary_proof": [], "core_skills": ["Go", "PostgreSQL"],
            "experience": [], "projects": [], "education": [], "certifications": [], "additional": []}
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(200);
    let ai_iterations = iterations.div_ceil(2);
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for (id, stem) in PROCESSORS {
        body.push_str(&entry(id, "processor", &wasm(stem), LIMITS));
    }
    body.push_str(&entry(
        "ai-probe",
        "processor",
        &wasm("jobscout_test_ai_processor"),
        "[plugin.ai]\nchat = true\ntokens_per_day = 1000000000\n",
    ));
    let manifest = write_manifest(dir.path(), &body);
    // The AI packs and the provider round trips, then the plugin's chats.
    let summary = json!({ "summary": "A backend role." }).to_string();
    let replies = (0..ai_iterations * 2)
        .map(|_| ai_support::chat("chat_completion.json", &draft().to_string()))
        .chain((0..ai_iterations).map(|_| ai_support::chat("chat_completion.json", &summary)))
        .collect();
    let fake = ai_support::FakeProvider::start(replies).await;
    let database = dir.path().join("bench.db");
    let pairs = [
        ("JOBSCOUT_SQLITE_PATH", database.display().to_string()),
        ("JOBSCOUT_PLUGINS_FILE", manifest.display().to_string()),
        (
            "JOBSCOUT_PLUGIN_CACHE_DIR",
            shared_cache_dir().display().to_string(),
        ),
        ("JOBSCOUT_OPENAI_BASE_URL", fake.base_url.clone()),
        ("JOBSCOUT_OPENAI_API_KEY", "sk-bench".to_string()),
        // One provider call per AI pack, as the earlier figures measured.
        ("JOBSCOUT_APPLY_PACK_REVIEW_ENABLED", "false".to_string()),
    ];
    let settings = Arc::new(
        Settings::from_pairs(pairs.iter().map(|(name, value)| (*name, value.as_str())))
            .into_result()
            .expect("settings"),
    );
    let plugins = PluginHost::start_with(
        &settings,
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    let pool = jobscout::storage::connect(
        &DatabaseTarget::Sqlite(database.clone()),
        5,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    jobscout::storage::migrate(&pool).await.unwrap();
    let apply = Apply {
        pool: pool.clone(),
        fetcher: Arc::new(HostFetcher::new(plugins.egress(), &settings)),
        ai: plugins.ai(),
        plugins,
        settings: settings.clone(),
    };
    let user_id = Uuid::new_v4();
    jobscout::storage::users::upsert_user(&pool, user_id, Some("bench@example.com"))
        .await
        .unwrap();
    // A paying user in credit mode with credits for every call: each new pack is
    // charged in its storing transaction, as for real customers.
    jobscout::storage::users::set_plan(&pool, user_id, "monthly_power")
        .await
        .unwrap();
    let credits = jobscout::storage::accounts::CreditEntry {
        delta_credits: 1_000_000,
        reason: "plan_grant",
        feature: None,
        idempotency_key: format!("bench:{user_id}"),
        metadata: None,
        available_at: None,
        expires_at: None,
    };
    jobscout::storage::accounts::add_credits(&pool, user_id, &credits, chrono::Utc::now())
        .await
        .unwrap();
    let resume = fixture("resume-senior-backend.txt");
    let job = fixture("pasted-labelled.txt");
    println!(
        "apply-pack benchmarks (SQLite; {iterations} calls per case, {ai_iterations} for AI; machine: {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let request = |n: usize, use_ai: bool| PackRequest {
        resume_text: resume.clone(),
        job_url: None,
        job_text: Some(format!("{job}\nReference: bench-{n}")),
        use_ai,
    };
    // Warm-up: the first call stores the resume version and instantiates each plugin once.
    packs::generate(&apply, user_id, request(usize::MAX, false))
        .await
        .unwrap();

    let mut template = Vec::with_capacity(iterations);
    let mut last_pack = None;
    for n in 0..iterations {
        let started = Instant::now();
        let generated = packs::generate(&apply, user_id, request(n, false))
            .await
            .unwrap();
        template.push(started.elapsed());
        assert!(!generated.cached);
        last_pack = Some(generated.pack);
    }
    report("template pack (new job each call)", &mut template);

    let mut cached = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let generated = packs::generate(&apply, user_id, request(0, false))
            .await
            .unwrap();
        cached.push(started.elapsed());
        assert!(generated.cached);
    }
    report("cached pack (same resume and job)", &mut cached);

    let mut ai = Vec::with_capacity(ai_iterations);
    for n in 0..ai_iterations {
        let started = Instant::now();
        let generated = packs::generate(&apply, user_id, request(iterations + n, true))
            .await
            .unwrap();
        ai.push(started.elapsed());
        assert!(generated.pack.ai_model.is_some());
    }
    report("AI pack against the fake provider", &mut ai);

    let schema = apply_pack::draft_schema();
    let user_message = format!("<resume>\n{resume}\n</resume>\n\n<job>\n{job}\n</job>");
    let mut round_trips = Vec::with_capacity(ai_iterations);
    for _ in 0..ai_iterations {
        let started = Instant::now();
        apply
            .ai
            .chat_json::<apply_pack::Draft>(
                Caller {
                    feature: "Apply pack generation",
                    plugin: None,
                },
                JsonChat {
                    system: "bench",
                    user: &user_message,
                    schema_name: "apply_pack",
                    schema: &schema,
                    max_tokens: 2_200,
                    temperature: 0.3,
                    model: None,
                    timeout: None,
                },
            )
            .await
            .unwrap();
        round_trips.push(started.elapsed());
    }
    report(
        "AI provider round trip alone (host overhead)",
        &mut round_trips,
    );

    let ask = Payload::Text(format!("chat {job}"));
    let mut plugin_chats = Vec::with_capacity(ai_iterations);
    for _ in 0..ai_iterations {
        let started = Instant::now();
        let answer = apply.plugins.process("ai-probe", &ask).await.unwrap();
        plugin_chats.push(started.elapsed());
        assert!(matches!(answer, Payload::Structured(_)));
    }
    report(
        "plugin chat through the ai import (instance + grant + round trip)",
        &mut plugin_chats,
    );

    let pack = last_pack.expect("a pack");
    for (label, export) in [
        ("export resume DOCX", Export::Resume),
        ("export cover letter DOCX", Export::Cover),
        ("export ZIP (both DOCX)", Export::Zip),
    ] {
        let mut samples = Vec::with_capacity(iterations);
        let mut size = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            let download = documents::export(&apply, user_id, pack.apply_pack_id, export)
                .await
                .unwrap();
            samples.push(started.elapsed());
            size = download.data.len();
        }
        report(&format!("{label} ({} KiB)", size / 1024), &mut samples);
    }
    let mut previews = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        documents::ats_preview(&apply, user_id, pack.apply_pack_id)
            .await
            .unwrap();
        previews.push(started.elapsed());
    }
    report("ATS preview", &mut previews);

    // Peak linear memory of one call of each processor, on inputs like the service's.
    let pack_input = apply_pack::Input {
        resume_text: Some(resume.clone()),
        resume_skills: list_value(&["Go", "Python", "PostgreSQL", "Kafka", "Kubernetes"]),
        resume_seniority: Some("senior".into()),
        resume_bullets: list_value(&["Cut p99 latency of the checkout API by 40%"]),
        job_title: Some("Backend Engineer".into()),
        job_company: Some("Acme".into()),
        job_keywords: list_value(&["Go", "PostgreSQL", "Rust"]),
        job_must_haves: list_value(&["5+ years of backend work"]),
        ai_draft: Some(draft().to_string()),
    };
    let documents_input = documents_contract::Input {
        format: Some("zip".into()),
        resume_text: Some(resume.clone()),
        pack: Some(
            json!({
                "tailored_summary": pack.tailored_summary,
                "tailored_bullets": pack.tailored_bullets,
                "cover_note": pack.cover_note,
                "ats_checklist": pack.ats_checklist,
            })
            .to_string(),
        ),
        job_title: Some("Backend Engineer".into()),
        job_company: Some("Acme".into()),
        job_keywords: list_value(&["Go", "PostgreSQL"]),
        job_must_haves: None,
        today: Some("2026-12-07".into()),
    };
    for (id, stem, input) in [
        (
            "apply-pack",
            "jobscout_processor_apply_pack",
            Payload::Structured(to_pairs(&pack_input)),
        ),
        (
            "documents",
            "jobscout_processor_documents",
            Payload::Structured(to_pairs(&documents_input)),
        ),
    ] {
        let (runtime, loaded) = load_processor(dir.path(), id, &wasm(stem), LIMITS).await;
        let peak = peak_memory(&runtime, &loaded, &input).await;
        println!(
            "{:<44} {:.1} MiB",
            format!("peak memory, one {id} call"),
            peak as f64 / (1024.0 * 1024.0)
        );
    }
}
