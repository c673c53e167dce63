//! The scrape pipeline end to end on both engines, with fake sources: fan-out,
//! per-source outcomes (ok, failed, timeout, unknown), filters, dedupe within the run
//! and against stored jobs, true new/updated counters, sightings, and crash marking.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::{TestApp, TestDb};
use jobscout::pipeline::posting::{SourcePosting, WorkMode};
use jobscout::pipeline::{run_scrape, PostingSource, QueryFeature, Quiet, ScrapeRequest};
use jobscout::storage::scrape;

/// Sources with canned answers: `slow` sleeps past the deadline, `broken` fails.
struct FakeSources {
    postings: Vec<SourcePosting>,
}

fn posting(
    source: &str,
    id: &str,
    title: &str,
    company: &str,
    location: &str,
    mode: WorkMode,
) -> SourcePosting {
    SourcePosting {
        source: source.into(),
        source_id: id.into(),
        title: title.into(),
        company: company.into(),
        locations: vec![location.into()],
        work_mode: mode,
        listing_url: format!("https://{source}.example/jobs/{id}"),
        apply_url: Some(format!(
            "https://{}.example/apply/{id}",
            company.to_lowercase().replace(' ', "")
        )),
        description_text: Some(format!("{title} at {company}. Rust, Tokio and PostgreSQL.")),
        posted_at: Some((Utc::now() - chrono::Duration::days(2)).to_rfc3339()),
        ..SourcePosting::default()
    }
}

impl PostingSource for FakeSources {
    fn source_ids(&self) -> Vec<String> {
        ["alpha", "beta", "broken", "slow"]
            .map(String::from)
            .to_vec()
    }

    fn features(&self, id: &str) -> Option<Vec<QueryFeature>> {
        match id {
            "alpha" => Some(vec![
                QueryFeature::Keywords,
                QueryFeature::Location,
                QueryFeature::RemoteOnly,
            ]),
            "beta" => Some(vec![QueryFeature::Keywords]),
            _ => None,
        }
    }

    async fn search(
        &self,
        id: &str,
        _request: &ScrapeRequest,
    ) -> Result<Vec<SourcePosting>, String> {
        match id {
            "broken" => Err("plugin 'broken' returned an error: bad-response(\"HTTP 500\")".into()),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(Vec::new())
            }
            _ => Ok(self
                .postings
                .iter()
                .filter(|posting| posting.source == id)
                .cloned()
                .collect()),
        }
    }
}

fn catalogue() -> Vec<SourcePosting> {
    vec![
        posting(
            "alpha",
            "a1",
            "Senior Rust Engineer",
            "Ferris Labs",
            "Remote - Europe",
            WorkMode::Remote,
        ),
        posting(
            "alpha",
            "a2",
            "Data Engineer",
            "Acme",
            "Remote",
            WorkMode::Remote,
        ),
        posting(
            "alpha",
            "a3",
            "Office Manager",
            "Acme",
            "Berlin, Germany",
            WorkMode::Onsite,
        ),
        // The same Rust role on a second source: one job, two sightings.
        posting(
            "beta",
            "b1",
            "Senior Rust Engineer",
            "Ferris Labs GmbH",
            "Remote - Europe",
            WorkMode::Remote,
        ),
        // One role in two cities stays two jobs.
        posting(
            "beta",
            "b2",
            "Account Executive",
            "Globex",
            "London, UK (Remote)",
            WorkMode::Remote,
        ),
        posting(
            "beta",
            "b3",
            "Account Executive",
            "Globex",
            "Paris, France (Remote)",
            WorkMode::Remote,
        ),
    ]
}

fn request() -> ScrapeRequest {
    ScrapeRequest {
        query: "rust engineer".into(),
        location: None,
        remote_only: true,
        sources: Vec::new(),
        max_results_per_source: 100,
        concurrency: 4,
        source_deadline: Duration::from_millis(500),
    }
}

#[tokio::test]
async fn a_run_records_every_source_and_true_counters() {
    for db in TestDb::all().await {
        let sources = FakeSources {
            postings: catalogue(),
        };
        let report = run_scrape(&db.pool, &sources, &request(), &Quiet)
            .await
            .unwrap();
        assert_eq!(report.jobs_collected, 6, "{}", db.name);
        assert_eq!(
            report.jobs_filtered, 1,
            "{}: the onsite job under remote-only",
            db.name
        );
        assert_eq!(report.filter_counts.remote_only, 1);
        assert_eq!(
            report.jobs_new, 4,
            "{}: rust (x2 sources), data, two account executives",
            db.name
        );
        assert_eq!(report.jobs_updated, 0);
        assert_eq!(report.errors, 2, "{}: broken and slow", db.name);
        let statuses: Vec<(&str, &str)> = report
            .sources
            .iter()
            .map(|outcome| (outcome.source.as_str(), outcome.status.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [
                ("alpha", "ok"),
                ("beta", "ok"),
                ("broken", "failed"),
                ("slow", "timeout")
            ]
        );
        let beta = &report.sources[1];
        assert_eq!(
            beta.ignored_filters,
            ["remote_only"],
            "beta cannot filter remote upstream"
        );
        assert_eq!((beta.collected, beta.kept), (3, 3));
        assert!(report.sources[2]
            .error
            .as_deref()
            .unwrap()
            .contains("HTTP 500"));

        // The run as the API shows it.
        let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
        let run = app
            .get(&format!("/api/v1/runs/{}", report.run_id))
            .await
            .json();
        assert_eq!(run["status"], "finished", "{}", db.name);
        assert_eq!(run["jobs_new"], 4);
        assert_eq!(run["jobs_filtered"], 1);
        assert_eq!(run["errors"], 2);
        assert_eq!(run["sources"], "alpha,beta,broken,slow");
        assert_eq!(run["criteria"]["query"], "rust engineer");
        assert_eq!(run["filter_counts"]["remote_only"], 1);
        assert_eq!(run["source_outcomes"].as_array().unwrap().len(), 4);
        assert_eq!(run["source_outcomes"][3]["status"], "timeout");

        // Scored and searchable.
        let list = app.get("/api/v1/jobs").await.json();
        assert_eq!(list["total"], 4);
        let top = &list["jobs"][0];
        assert_eq!(top["title"], "Senior Rust Engineer", "{}", db.name);
        assert!(top["relevance_score"].as_f64().unwrap() > 80.0, "{top}");
        assert!(top["relevance_reasons"]
            .as_str()
            .unwrap()
            .starts_with("Strong title match"));
        let rust_id = top["job_id"].as_str().unwrap().to_string();
        let sightings = scrape::sightings_of(&db.pool, &rust_id).await.unwrap();
        let sighting_sources: Vec<&str> = sightings
            .iter()
            .map(|(source, _)| source.as_str())
            .collect();
        assert_eq!(sighting_sources, ["alpha", "beta"], "{}", db.name);
        let first_seen = top["first_seen_at"].clone();

        // The same postings again: nothing new, everything updated, first_seen kept.
        let again = run_scrape(&db.pool, &sources, &request(), &Quiet)
            .await
            .unwrap();
        assert_eq!((again.jobs_new, again.jobs_updated), (0, 4), "{}", db.name);
        let detail = app.get(&format!("/api/v1/jobs/{rust_id}")).await.json();
        assert_eq!(detail["first_seen_at"], first_seen, "{}", db.name);

        // A repost under a new id and URL maps onto the stored job.
        let repost = FakeSources {
            postings: vec![posting(
                "alpha",
                "a9-repost",
                "Data Engineer",
                "Acme",
                "Remote",
                WorkMode::Remote,
            )],
        };
        let third = run_scrape(
            &db.pool,
            &repost,
            &ScrapeRequest {
                sources: vec!["alpha".into()],
                ..request()
            },
            &Quiet,
        )
        .await
        .unwrap();
        assert_eq!((third.jobs_new, third.jobs_updated), (0, 1), "{}", db.name);
        assert_eq!(app.get("/api/v1/jobs").await.json()["total"], 4);
    }
}

#[tokio::test]
async fn unknown_sources_are_reported_not_fatal() {
    for db in TestDb::all().await {
        let sources = FakeSources {
            postings: catalogue(),
        };
        let report = run_scrape(
            &db.pool,
            &sources,
            &ScrapeRequest {
                sources: vec!["alpha".into(), "nope".into()],
                ..request()
            },
            &Quiet,
        )
        .await
        .unwrap();
        let statuses: Vec<(&str, &str)> = report
            .sources
            .iter()
            .map(|outcome| (outcome.source.as_str(), outcome.status.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [("alpha", "ok"), ("nope", "failed")],
            "{}",
            db.name
        );
        assert!(report.sources[1]
            .error
            .as_deref()
            .unwrap()
            .contains("not loaded"));
    }
}

#[tokio::test]
async fn runs_cut_short_are_marked_interrupted() {
    for db in TestDb::all().await {
        let run_id = scrape::start_run(&db.pool, &serde_json::json!({"query": "x"}))
            .await
            .unwrap();
        // Not stale yet: a live run on another instance is left alone.
        let untouched =
            scrape::mark_interrupted_runs(&db.pool, Utc::now() - chrono::Duration::minutes(5))
                .await
                .unwrap();
        assert_eq!(untouched, 0, "{}", db.name);
        let marked =
            scrape::mark_interrupted_runs(&db.pool, Utc::now() + chrono::Duration::seconds(1))
                .await
                .unwrap();
        assert_eq!(marked, 1, "{}", db.name);
        let app = TestApp::new(&db.pool, &[]).await;
        let run = app.get(&format!("/api/v1/runs/{run_id}")).await.json();
        assert_eq!(run["status"], "interrupted", "{}", db.name);
        assert!(run["finished_at"].is_string());
        assert!(run["error"].as_str().unwrap().contains("interrupted"));
    }
}
