//! `search-vector`: does computing a new job's PostgreSQL `search_vector` in the
//! host (`storage::search_vector`) pay on the texts real sources send?
//!
//! The jobs carry the descriptions of the recorded source payloads (the in-repo
//! fixtures of `plugins/sources/*/fixtures`, plus `../shared/fixtures/sources` when
//! present), as the pipeline stores them. Each round upserts them into a scratch
//! database twice, once with the host's vectors and once with the insert trigger
//! computing every vector, as new rows and then seen again, and prints rows/s.

use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use chrono::{Duration, Utc};
use jobscout::config::DatabaseTarget;
use jobscout::storage::{self, jobs::JobRecord, jobs::Vectors};

/// Strings shorter than this are names, places and labels, not descriptions.
const DESCRIPTION_MIN_BYTES: usize = 200;

pub async fn run(server_url: &str, rows: usize, rounds: usize) -> anyhow::Result<()> {
    let texts = recorded_descriptions()?;
    anyhow::ensure!(!texts.is_empty(), "no recorded descriptions found");
    let records = jobs(&texts, rows);
    let accepted = records
        .iter()
        .filter(|job| {
            storage::search_vector::postgres_search_vector(
                &job.title,
                &job.company,
                job.description_text.as_deref(),
            )
            .is_some()
        })
        .count();
    println!(
        "{} recorded descriptions; {rows} jobs, of which the host computes the vector of {accepted} ({:.0}%)",
        texts.len(),
        100.0 * accepted as f64 / rows as f64
    );
    let admin = storage::connect(
        &DatabaseTarget::Postgres(server_url.to_string()),
        1,
        std::time::Duration::from_secs(10),
    )
    .await?;
    let storage::Pool::Postgres(admin) = admin else {
        anyhow::bail!("{server_url} did not connect to PostgreSQL");
    };
    for round in 1..=rounds {
        // Alternate which goes first, so neither always meets a warmer server.
        let order = if round % 2 == 1 {
            [Vectors::FromHost, Vectors::FromTrigger]
        } else {
            [Vectors::FromTrigger, Vectors::FromHost]
        };
        for vectors in order {
            let database = format!("jobscout_bench_vectors_{}", std::process::id());
            sqlx::query(&format!("CREATE DATABASE {database}"))
                .execute(&admin)
                .await
                .context("creating a scratch database")?;
            let measured = measure(&with_database(server_url, &database)?, &records, vectors).await;
            sqlx::query(&format!("DROP DATABASE {database} WITH (FORCE)"))
                .execute(&admin)
                .await?;
            let (new, seen_again) = measured?;
            println!(
                "round {round} | {:<12} | new {:>7.0} rows/s | seen again {:>7.0} rows/s",
                format!("{vectors:?}"),
                rows as f64 / new,
                rows as f64 / seen_again
            );
        }
    }
    Ok(())
}

/// Seconds to upsert `records` as new rows, then seen again an hour later.
async fn measure(url: &str, records: &[JobRecord], vectors: Vectors) -> anyhow::Result<(f64, f64)> {
    let pool = storage::connect(
        &DatabaseTarget::Postgres(url.to_string()),
        4,
        std::time::Duration::from_secs(10),
    )
    .await?;
    storage::migrate(&pool).await?;
    let started = Instant::now();
    storage::jobs::upsert_jobs_with(&pool, records, vectors).await?;
    let new = started.elapsed().as_secs_f64();
    let mut later: Vec<JobRecord> = records.to_vec();
    for job in &mut later {
        job.last_seen_at = job.last_seen_at.map(|seen| seen + Duration::hours(1));
    }
    let started = Instant::now();
    storage::jobs::upsert_jobs_with(&pool, &later, vectors).await?;
    let seen_again = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok((new, seen_again))
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(url).context("JOBSCOUT_DATABASE_URL is not a URL")?;
    url.set_path(&format!("/{database}"));
    Ok(url.to_string())
}

/// `rows` jobs with plain titles and companies (as most are) and the recorded
/// descriptions in turn.
fn jobs(texts: &[String], rows: usize) -> Vec<JobRecord> {
    let now = Utc::now();
    let mut random = super::Random(0x5EED);
    (0..rows)
        .map(|index| {
            let mut job = super::generate(index, &mut random, now);
            job.job_id = format!("bench-vectors-{index}");
            job.description_text = Some(texts[index % texts.len()].clone());
            job
        })
        .collect()
}

/// Every string of 200+ bytes in the recorded payloads, as the pipeline's text.
fn recorded_descriptions() -> anyhow::Result<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(root.join("plugins/sources")).context("plugins/sources")? {
        folders.push(entry?.path().join("fixtures"));
    }
    let shared = root.join("../shared/fixtures/sources");
    if shared.is_dir() {
        folders.push(shared);
    } else {
        eprintln!("../shared/fixtures/sources absent: the in-repo payloads only");
    }
    let mut texts = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                let payload = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                if let Ok(value) = serde_json::from_str(&payload) {
                    collect_descriptions(&value, &mut texts);
                }
            }
        }
    }
    texts.sort();
    texts.dedup();
    Ok(texts)
}

fn collect_descriptions(value: &serde_json::Value, texts: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text.len() >= DESCRIPTION_MIN_BYTES => {
            texts.push(jobscout_text::html_to_text(text));
        }
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| collect_descriptions(item, texts)),
        serde_json::Value::Object(map) => map
            .values()
            .for_each(|item| collect_descriptions(item, texts)),
        _ => {}
    }
}
