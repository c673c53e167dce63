//! The scrape pipeline: fan a query out to the enabled sources, normalize, filter,
//! dedupe (within the run and against stored jobs), score, upsert, and record the run
//! with each source's outcome. One failing source never fails a run.

pub mod dedupe;
pub mod filter;
pub mod normalize;
pub mod posting;
pub mod score;
pub mod service;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::stream::{self, StreamExt as _};
use serde::Serialize;
use serde_json::json;

use crate::plugins::{types, PluginHost};
use crate::storage::scrape::{self, RunTotals, SourceOutcome};
use crate::storage::{jobs, Pool};
use posting::SourcePosting;

/// What to search for and how hard to try.
#[derive(Debug, Clone)]
pub struct ScrapeRequest {
    pub query: String,
    pub location: Option<String>,
    pub remote_only: bool,
    /// Only these source ids (all enabled sources when empty).
    pub sources: Vec<String>,
    pub max_results_per_source: u32,
    /// Sources called at once.
    pub concurrency: usize,
    /// A source that has not answered by then counts as timed out.
    pub source_deadline: Duration,
}

impl Default for ScrapeRequest {
    fn default() -> Self {
        Self {
            query: String::new(),
            location: None,
            remote_only: true,
            sources: Vec::new(),
            max_results_per_source: 100,
            concurrency: 8,
            source_deadline: Duration::from_secs(60),
        }
    }
}

/// The query features a source may not honour; when it doesn't, its results are
/// unfiltered on that axis and the outcome says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryFeature {
    Keywords,
    Location,
    RemoteOnly,
}

/// Where postings come from. The plugin host implements it; tests may use a fake.
pub trait PostingSource: Sync {
    fn source_ids(&self) -> Vec<String>;
    /// The query features `id` honours, when known.
    fn features(&self, id: &str) -> Option<Vec<QueryFeature>>;
    fn search(
        &self,
        id: &str,
        request: &ScrapeRequest,
    ) -> impl std::future::Future<Output = Result<Vec<SourcePosting>, String>> + Send;
}

impl PostingSource for PluginHost {
    fn source_ids(&self) -> Vec<String> {
        self.sources()
    }

    fn features(&self, id: &str) -> Option<Vec<QueryFeature>> {
        self.source_features(id).map(|features| {
            features
                .into_iter()
                .filter_map(|feature| match feature {
                    types::QueryFeature::Keywords => Some(QueryFeature::Keywords),
                    types::QueryFeature::Location => Some(QueryFeature::Location),
                    types::QueryFeature::RemoteOnly => Some(QueryFeature::RemoteOnly),
                    _ => None,
                })
                .collect()
        })
    }

    async fn search(
        &self,
        id: &str,
        request: &ScrapeRequest,
    ) -> Result<Vec<SourcePosting>, String> {
        let query = types::JobQuery {
            keywords: request.query.clone(),
            location: request.location.clone(),
            remote_only: request.remote_only,
            employment_types: Vec::new(),
            posted_since: None,
            limit: request.max_results_per_source,
            cursor: None,
        };
        PluginHost::search(self, id, &query)
            .await
            .map(|postings| {
                postings
                    .into_iter()
                    .map(|posting| SourcePosting::from_plugin(id, posting))
                    .collect()
            })
            .map_err(|error| error.to_string())
    }
}

/// The outcome of a run, as the API and the CLI report it.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub run_id: i64,
    pub jobs_collected: i64,
    pub jobs_new: i64,
    pub jobs_updated: i64,
    pub jobs_filtered: i64,
    pub errors: i64,
    pub filter_counts: filter::FilterCounts,
    pub sources: Vec<SourceOutcome>,
}

/// Progress callbacks for the CLI's progress bar.
pub trait Progress: Sync {
    fn source_started(&self, _source: &str) {}
    fn source_finished(&self, _outcome: &SourceOutcome) {}
}

/// Reports nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// Runs one scrape into `pool`, recording it as a run. Errors only when the
/// database itself fails; a source's failure is part of the report.
pub async fn run_scrape<S: PostingSource>(
    pool: &Pool,
    sources: &S,
    request: &ScrapeRequest,
    progress: &dyn Progress,
) -> anyhow::Result<RunReport> {
    let run_id = begin_run(pool, request).await?;
    complete_run(pool, sources, request, progress, run_id).await
}

/// Inserts the `running` row of a run and returns its id, so that triggers can
/// answer with the id at once and run the rest in the background.
pub async fn begin_run(pool: &Pool, request: &ScrapeRequest) -> anyhow::Result<i64> {
    let criteria = json!({"query": request.query, "location": request.location, "use_ai": false});
    Ok(scrape::start_run(pool, &criteria).await?)
}

/// Runs a scrape whose row [`begin_run`] created; marks the run failed if the
/// database fails midway.
pub async fn complete_run<S: PostingSource>(
    pool: &Pool,
    sources: &S,
    request: &ScrapeRequest,
    progress: &dyn Progress,
    run_id: i64,
) -> anyhow::Result<RunReport> {
    match execute(pool, sources, request, progress, run_id).await {
        Ok(report) => Ok(report),
        Err(error) => {
            let message = format!("{error:#}");
            let totals = RunTotals {
                errors: 1,
                ..RunTotals::default()
            };
            let _ = scrape::finish_run(pool, run_id, "failed", Some(&message), &totals, &[]).await;
            Err(error)
        }
    }
}

async fn execute<S: PostingSource>(
    pool: &Pool,
    sources: &S,
    request: &ScrapeRequest,
    progress: &dyn Progress,
    run_id: i64,
) -> anyhow::Result<RunReport> {
    let available: Vec<String> = sources.source_ids();
    let selected: Vec<String> = if request.sources.is_empty() {
        available.clone()
    } else {
        request
            .sources
            .iter()
            .filter(|id| available.contains(id))
            .cloned()
            .collect()
    };
    let mut outcomes: Vec<SourceOutcome> = request
        .sources
        .iter()
        .filter(|id| !available.contains(id))
        .map(|id| SourceOutcome {
            source: id.clone(),
            status: "failed".into(),
            collected: 0,
            kept: 0,
            duration_ms: 0,
            error: Some(format!(
                "source '{id}' is not loaded (see GET /api/v1/admin/plugins)"
            )),
            ignored_filters: Vec::new(),
        })
        .collect();

    // Keep the run visibly alive while sources are slow.
    let heartbeat_pool = pool.clone();
    let heartbeat = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(30));
        loop {
            ticker.tick().await;
            let _ = scrape::heartbeat(&heartbeat_pool, run_id).await;
        }
    });

    let now = Utc::now();
    let filters = filter::RunFilters {
        remote_only: request.remote_only,
        location: request.location.clone(),
        include_internships: false,
    };
    let results: Vec<(
        SourceOutcome,
        Vec<normalize::NormalizedJob>,
        filter::FilterCounts,
    )> = stream::iter(selected.iter().cloned())
        .map(|id| {
            let filters = filters.clone();
            async move {
                progress.source_started(&id);
                let started = Instant::now();
                let answer =
                    tokio::time::timeout(request.source_deadline, sources.search(&id, request))
                        .await;
                let duration_ms = started.elapsed().as_millis() as i64;
                let ignored_filters = ignored_filters(sources.features(&id), request);
                let (status, error, postings) = match answer {
                    Ok(Ok(postings)) => ("ok", None, postings),
                    Ok(Err(error)) => ("failed", Some(error), Vec::new()),
                    Err(_) => (
                        "timeout",
                        Some(format!("no answer within {:?}", request.source_deadline)),
                        Vec::new(),
                    ),
                };
                let collected = postings.len().min(request.max_results_per_source as usize);
                let normalized: Vec<_> = postings
                    .iter()
                    .take(request.max_results_per_source as usize)
                    .map(|posting| normalize::normalize(posting, now))
                    .collect();
                let (kept, counts) = filter::apply(normalized, &filters);
                let outcome = SourceOutcome {
                    source: id.clone(),
                    status: status.into(),
                    collected: collected as i64,
                    kept: kept.len() as i64,
                    duration_ms,
                    error,
                    ignored_filters,
                };
                progress.source_finished(&outcome);
                (outcome, kept, counts)
            }
        })
        .buffered(request.concurrency.max(1))
        .collect()
        .await;
    heartbeat.abort();

    let mut filter_counts = filter::FilterCounts::default();
    let mut collected_jobs = Vec::new();
    let mut jobs_collected = 0;
    for (outcome, kept, counts) in results {
        jobs_collected += outcome.collected;
        filter_counts.remote_only += counts.remote_only;
        filter_counts.location += counts.location;
        filter_counts.employment += counts.employment;
        filter_counts.unsafe_links += counts.unsafe_links;
        if counts.unsafe_links > 0 {
            metrics::counter!("jobscout_unsafe_links_dropped_total", "source" => outcome.source.clone())
                .increment(u64::from(counts.unsafe_links));
        }
        collected_jobs.extend(kept);
        outcomes.push(outcome);
    }
    outcomes.sort_by(|a, b| a.source.cmp(&b.source));

    let mut unique = dedupe::within_run(collected_jobs);
    let ids: Vec<String> = unique
        .iter()
        .map(|job| job.job.record.job_id.clone())
        .collect();
    let urls: Vec<String> = unique
        .iter()
        .filter_map(|job| job.job.record.job_url_canonical.clone())
        .collect();
    let companies: Vec<String> = unique
        .iter()
        .filter_map(|job| job.job.record.company_normalized.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let stored = scrape::stored_identities(pool, &ids, &urls, &companies).await?;
    let jobs_updated = dedupe::against_stored(&mut unique, &stored) as i64;

    let tokens = score::query_tokens(&request.query);
    let mut records = Vec::with_capacity(unique.len());
    let mut sightings = Vec::new();
    for mut job in unique {
        let (relevance, reasons) = score::score(&job.job, &tokens, request.remote_only, now);
        job.job.record.relevance_score = Some(relevance);
        job.job.record.relevance_reasons = Some(reasons).filter(|reasons| !reasons.is_empty());
        for sighting in job.sightings {
            sightings.push((job.job.record.job_id.clone(), sighting.source, sighting.url));
        }
        records.push(job.job.record);
    }
    jobs::upsert_jobs(pool, &records).await?;
    scrape::record_sightings(pool, &sightings).await?;

    let errors = outcomes
        .iter()
        .filter(|outcome| outcome.status != "ok")
        .count() as i64;
    let totals = RunTotals {
        jobs_collected,
        jobs_new: records.len() as i64 - jobs_updated,
        jobs_updated,
        jobs_filtered: i64::from(filter_counts.total()),
        errors,
        sources: outcomes
            .iter()
            .map(|outcome| outcome.source.clone())
            .collect(),
        filter_counts: serde_json::to_value(filter_counts)?,
    };
    scrape::finish_run(pool, run_id, "finished", None, &totals, &outcomes).await?;
    Ok(RunReport {
        run_id,
        jobs_collected,
        jobs_new: totals.jobs_new,
        jobs_updated,
        jobs_filtered: totals.jobs_filtered,
        errors,
        filter_counts,
        sources: outcomes,
    })
}

fn ignored_filters(features: Option<Vec<QueryFeature>>, request: &ScrapeRequest) -> Vec<String> {
    let Some(features) = features else {
        return Vec::new();
    };
    let mut ignored = Vec::new();
    if !request.query.trim().is_empty() && !features.contains(&QueryFeature::Keywords) {
        ignored.push("keywords".to_string());
    }
    if request.location.is_some() && !features.contains(&QueryFeature::Location) {
        ignored.push("location".to_string());
    }
    if request.remote_only && !features.contains(&QueryFeature::RemoteOnly) {
        ignored.push("remote_only".to_string());
    }
    ignored
}
