//! The host's `search_vector` (storage/search_vector.rs) against PostgreSQL's own
//! `to_tsvector('simple', …)`: every text the fast path accepts must give exactly
//! PostgreSQL's vector, lexemes and positions, since phrase search reads positions.
//!
//! The texts: edge cases, random text mixing words with every ASCII punctuation
//! character, and every string of the recorded source payloads (the in-repo copies,
//! plus `../shared/fixtures/sources/` when that folder is present), raw and as the
//! pipeline's text. PostgreSQL only: skipped without a server unless
//! `JOBSCOUT_TEST_REQUIRE_POSTGRES=1`.

use crate::common;

use std::path::Path;

use common::TestDb;
use jobscout::pipeline::normalize::html_to_text;
use jobscout::storage::jobs::{upsert_jobs, JobRecord};
use jobscout::storage::search_vector::postgres_search_vector;
use jobscout::storage::{self, Pool};

/// A small deterministic generator (same texts on every run).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

const WORDS: [&str; 24] = [
    "Rust",
    "engineer",
    "we",
    "re",
    "5",
    "2026",
    "007",
    "1e5",
    "1E5",
    "i18n",
    "v2",
    "3rd",
    "x",
    "end-to-end",
    "self-Starter",
    "covid-19",
    "a-1",
    "e",
    "mail",
    "Node",
    "js",
    "UPPER",
    "0x1F",
    "b",
];

/// Random text: words joined by separators drawn mostly from punctuation the fast
/// path accepts, and sometimes from any printable ASCII character.
fn random_texts(count: usize) -> Vec<String> {
    let accepted = [
        " ", " ", "\n", "\t", ", ", ". ", ": ", "! ", "? ", " (", ") ", "\"", "'", "*", "|", "[",
        "]", ";", " - ", " + ", " & ", "+ ", "& ", "--", "\r\n",
    ];
    let printable: Vec<char> = (b' '..=b'~').map(char::from).collect();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..1 + random.below(12) {
                text.push_str(WORDS[random.below(WORDS.len())]);
                if random.below(6) == 0 {
                    text.push(printable[random.below(printable.len())]);
                } else {
                    text.push_str(accepted[random.below(accepted.len())]);
                }
            }
            text
        })
        .collect()
}

fn edge_cases() -> Vec<String> {
    [
        "",
        "-",
        "- Design",
        "word.",
        "word:",
        "5. Next",
        "5+ years",
        "R & D",
        "end-to-end.",
        "state-of-the-art, done",
        "a'b",
        "x!y?z",
        "(remote) \"quoted\" *starred* |piped| [bracketed]",
        "120,000",
        "i18n 0x1F 007 1e 1ex e5 1E",
        "We're hiring: senior Rust engineers; mentor others!",
    ]
    .iter()
    .map(|text| text.to_string())
    .chain([
        "word ".repeat(255),
        "word ".repeat(256),
        format!("{} b", "a".repeat(2046)),
        format!("{} b", "a".repeat(2047)),
        (0..16_400).map(|n| format!("w{n} ")).collect(),
    ])
    .collect()
}

/// Every string value (of 2+ characters) in the JSON payloads of `folder`.
fn payload_strings(folder: &Path, strings: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            let text = std::fs::read_to_string(&path).expect("read payload");
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                collect_strings(&value, strings);
            }
        }
    }
}

fn collect_strings(value: &serde_json::Value, strings: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text.len() >= 2 => {
            strings.push(text.clone());
            strings.push(html_to_text(text));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, strings))
        }
        serde_json::Value::Object(map) => {
            map.values().for_each(|item| collect_strings(item, strings))
        }
        _ => {}
    }
}

fn recorded_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut strings = Vec::new();
    for entry in std::fs::read_dir(root.join("plugins/sources"))
        .expect("plugins/sources")
        .flatten()
    {
        payload_strings(&entry.path().join("fixtures"), &mut strings);
    }
    let shared = root.join("../shared/fixtures/sources");
    if shared.is_dir() {
        payload_strings(&shared, &mut strings);
    } else {
        eprintln!("../shared/fixtures/sources absent: checking the in-repo payloads only");
    }
    strings.sort();
    strings.dedup();
    strings
}

/// The texts whose host vector differs from PostgreSQL's, with both vectors, and how
/// many texts the fast path accepted.
async fn mismatches(pool: &Pool, texts: &[String]) -> (Vec<(String, String, String)>, usize) {
    let Pool::Postgres(pool) = pool else {
        unreachable!("PostgreSQL only")
    };
    let (texts, literals): (Vec<&str>, Vec<String>) = texts
        .iter()
        .filter_map(|text| Some((text.as_str(), postgres_search_vector(text, "", None)?)))
        .unzip();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t, l, to_tsvector('simple', t || ' ' || '' || ' ' || '')::text FROM UNNEST($1::text[], $2::text[]) AS u (t, l) \
         WHERE l IS DISTINCT FROM to_tsvector('simple', t || ' ' || '' || ' ' || '')::text \
            OR l::tsvector IS DISTINCT FROM to_tsvector('simple', t || ' ' || '' || ' ' || '')",
    )
    .bind(&texts)
    .bind(&literals)
    .fetch_all(pool)
    .await
    .expect("compare with to_tsvector");
    (rows, texts.len())
}

fn report(kind: &str, rows: &[(String, String, String)]) {
    for (text, host, postgres) in rows.iter().take(10) {
        eprintln!("{kind}: {text:?}\n  host:       {host}\n  PostgreSQL: {postgres}");
    }
    assert!(
        rows.is_empty(),
        "{} {kind} texts differ from to_tsvector",
        rows.len()
    );
}

#[tokio::test]
async fn accepted_texts_get_exactly_the_vector_of_to_tsvector() {
    let Some(database) = TestDb::postgres_empty().await else {
        return;
    };
    let edges = edge_cases();
    let (rows, accepted) = mismatches(&database.pool, &edges).await;
    report("edge case", &rows);
    assert!(
        accepted >= 14,
        "only {accepted} of {} edge cases took the fast path",
        edges.len()
    );

    let random = random_texts(5000);
    let (rows, random_accepted) = mismatches(&database.pool, &random).await;
    report("random", &rows);
    // Not vacuous: a good share of the random texts is checked.
    assert!(
        random_accepted > 1000,
        "only {random_accepted} of 5000 random texts took the fast path"
    );

    let recorded = recorded_texts();
    let (rows, accepted) = mismatches(&database.pool, &recorded).await;
    report("recorded", &rows);
    assert!(
        accepted > 50,
        "only {accepted} of {} recorded texts took the fast path",
        recorded.len()
    );
    let long: Vec<&String> = recorded.iter().filter(|text| text.len() >= 200).collect();
    let long_accepted = long
        .iter()
        .filter(|text| postgres_search_vector(text, "", None).is_some())
        .count();
    eprintln!(
        "fast path: {accepted} of {} recorded strings (raw and as text), \
         {long_accepted} of the {} of 200+ bytes; {random_accepted} of 5000 random texts",
        recorded.len(),
        long.len()
    );
}

#[tokio::test]
async fn upserted_jobs_are_searchable_whichever_side_computed_the_vector() {
    let Some(database) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&database.pool).await.expect("migrate");
    let job = |id: &str, description: &str| JobRecord {
        job_id: id.to_string(),
        source: "test".into(),
        title: "Senior Rust Engineer".into(),
        company: "Ferris Labs".into(),
        description_text: Some(description.to_string()),
        ..JobRecord::default()
    };
    let jobs = [
        job("plain", "Build end-to-end services. 5+ years of Rust."),
        job(
            "not-plain",
            "Build services in Node.js and C++, see https://example.com/jobs.",
        ),
        job("empty", ""),
    ];
    assert!(postgres_search_vector(
        &jobs[0].title,
        &jobs[0].company,
        jobs[0].description_text.as_deref()
    )
    .is_some());
    assert!(postgres_search_vector(
        &jobs[1].title,
        &jobs[1].company,
        jobs[1].description_text.as_deref()
    )
    .is_none());
    upsert_jobs(&database.pool, &jobs).await.expect("upsert");
    // A changed description of a stored job goes through the update trigger.
    let mut changed = jobs[0].clone();
    changed.description_text = Some("Now with Kotlin.".into());
    upsert_jobs(&database.pool, &[changed])
        .await
        .expect("update");

    let Pool::Postgres(pool) = &database.pool else {
        unreachable!()
    };
    let differing: Vec<(String,)> = sqlx::query_as(
        "SELECT job_id FROM jobs WHERE search_vector IS DISTINCT FROM \
         to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(company, '') || ' ' || coalesce(description_text, ''))",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(differing.is_empty(), "stale vectors: {differing:?}");
    let phrase: (i64,) = sqlx::query_as(
        "SELECT count(*) FROM jobs WHERE search_vector @@ phraseto_tsquery('simple', 'end-to-end services') \
         OR search_vector @@ phraseto_tsquery('simple', 'with kotlin')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(phrase.0, 1, "the changed job matches its new text only");
}
