//! `q` searches give the same pages whichever way the database reads the index.
//!
//! SQLite picks between reading all matches from the full-text index and walking the
//! sort order (storage/job_filter.rs); which one depends on how many jobs match. A
//! catalogue with words of very different frequencies makes both plans run, and every
//! page is compared with the answer computed here by brute force. PostgreSQL runs the
//! same cases (its planner makes its own choice).

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::TestDb;
use jobscout::storage::jobs::{self, search_words, JobFilter, JobRecord, JobSort};

/// Words with very different frequencies among 400 jobs.
fn catalogue() -> Vec<JobRecord> {
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    (0..400)
        .map(|index: usize| {
            let mut words = vec!["engineer"]; // every job
            if index.is_multiple_of(2) {
                words.push("platform"); // half
            }
            if index.is_multiple_of(40) {
                words.push("kotlin"); // ten jobs
            }
            if index == 123 {
                words.push("zanzibar"); // one job
            }
            JobRecord {
                job_id: format!("{index:024x}"),
                source: "test".to_string(),
                title: format!("{} #{index}", words.join(" ")),
                company: format!("Company {}", index % 7),
                description_text: Some(format!(
                    "Role number {index}. Words: {}.",
                    words.join(", ")
                )),
                // Ties on score are broken by the dates, then by id.
                relevance_score: Some(((index * 37) % 50) as f64),
                posted_at: (!index.is_multiple_of(5))
                    .then(|| base - Duration::hours((index % 13) as i64)),
                first_seen_at: Some(base - Duration::minutes(index as i64)),
                remote_type: Some(
                    if index.is_multiple_of(3) {
                        "remote"
                    } else {
                        "onsite"
                    }
                    .to_string(),
                ),
                ..JobRecord::default()
            }
        })
        .collect()
}

/// The relevance order of the API, by brute force.
fn expected(catalogue: &[JobRecord], filter: &JobFilter) -> Vec<String> {
    let query = search_words(filter.q.as_deref().unwrap_or_default());
    let mut matching: Vec<&JobRecord> = catalogue
        .iter()
        .filter(|job| {
            let text = format!(
                "{} {} {}",
                job.title,
                job.company,
                job.description_text.as_deref().unwrap_or_default()
            );
            let words = search_words(&text);
            // The phrase must appear in order; its last word may be a prefix.
            words.windows(query.len()).any(|window| {
                window
                    .iter()
                    .zip(&query)
                    .enumerate()
                    .all(|(position, (word, wanted))| {
                        if position + 1 == query.len() {
                            word.starts_with(wanted.as_str())
                        } else {
                            word == wanted
                        }
                    })
            })
        })
        .filter(|job| filter.remote.is_none() || job.remote_type == filter.remote)
        .collect();
    matching.sort_by(|a, b| {
        let score = |job: &JobRecord| job.relevance_score.unwrap_or(0.0);
        score(b)
            .total_cmp(&score(a))
            .then_with(|| match (a.posted_at, b.posted_at) {
                (Some(a), Some(b)) => b.cmp(&a),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| b.first_seen_at.cmp(&a.first_seen_at))
            .then_with(|| a.job_id.cmp(&b.job_id))
    });
    matching.into_iter().map(|job| job.job_id.clone()).collect()
}

#[tokio::test]
async fn every_page_of_rare_and_broad_searches_matches_brute_force() {
    let catalogue = catalogue();
    for db in TestDb::all().await {
        jobs::upsert_jobs(&db.pool, &catalogue).await.expect("seed");
        for q in [
            "engineer",
            "platform",
            "plat",
            "kotlin",
            "zanzibar",
            "platform kotlin",
            "nothing",
        ] {
            for remote in [None, Some("remote")] {
                let filter = JobFilter {
                    q: Some(q.to_string()),
                    remote: remote.map(str::to_string),
                    ..JobFilter::default()
                };
                let want = expected(&catalogue, &filter);
                let total = jobs::count_jobs(&db.pool, &filter).await.expect("count");
                assert_eq!(
                    total as usize,
                    want.len(),
                    "{} total for q={q} remote={remote:?}",
                    db.name
                );
                for (page, page_size) in [(1, 20), (2, 20), (3, 50), (20, 20), (1, 1)] {
                    let got: Vec<String> =
                        jobs::page_jobs(&db.pool, &filter, JobSort::Relevance, page, page_size)
                            .await
                            .expect("page")
                            .into_iter()
                            .map(|job| job.job_id)
                            .collect();
                    let start = ((page - 1) * page_size) as usize;
                    let end = (start + page_size as usize).min(want.len());
                    let want_page = if start < want.len() {
                        &want[start..end]
                    } else {
                        &[][..]
                    };
                    assert_eq!(
                        got, want_page,
                        "{}: q={q} remote={remote:?} page {page} of {page_size}",
                        db.name
                    );
                }
            }
        }
    }
}
