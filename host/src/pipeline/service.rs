//! Starting scrape runs in the background for the HTTP triggers and the scheduler,
//! with the public trigger's guardrails: a global in-flight cap and a per-IP
//! hourly limit, both exact under concurrent bursts.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{begin_run, complete_run, Quiet, ScrapeRequest};
use crate::config::Settings;
use crate::plugins::PluginHost;
use crate::storage::Database;

/// Why the public trigger refused a scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Too many public scrapes are running; retry after this many seconds.
    Capacity { retry_after_seconds: u64 },
    /// This client used its hourly allowance; retry after this many seconds.
    RateLimited { retry_after_seconds: u64 },
}

/// Called after every scrape run that may have written jobs (the HTTP layer drops
/// its cached job pages); the pipeline knows nothing of who listens.
pub type JobsChanged = Arc<dyn Fn() + Send + Sync>;

pub struct ScrapeService {
    settings: Arc<Settings>,
    db: Database,
    plugins: Arc<PluginHost>,
    jobs_changed: JobsChanged,
    public_slots: Arc<Semaphore>,
    public_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl ScrapeService {
    pub fn new(
        settings: Arc<Settings>,
        db: Database,
        plugins: Arc<PluginHost>,
        jobs_changed: JobsChanged,
    ) -> Arc<Self> {
        let per_hour =
            NonZeroU32::new(settings.public_scrape_rate_limit_per_hour.max(1)).expect("at least 1");
        let quota = Quota::per_hour(per_hour).allow_burst(per_hour);
        Arc::new(Self {
            public_slots: Arc::new(Semaphore::new(
                settings.public_scrape_max_concurrent.max(1) as usize
            )),
            public_per_ip: RateLimiter::keyed(quota),
            checks: AtomicU64::new(0),
            settings,
            db,
            plugins,
            jobs_changed,
        })
    }

    /// A request with the scheduled/admin caps of the settings.
    pub fn request(&self, query: String, location: Option<String>) -> ScrapeRequest {
        ScrapeRequest {
            query,
            location,
            remote_only: true,
            sources: Vec::new(),
            max_results_per_source: self.settings.scheduled_scrape_max_results_per_source,
            concurrency: self.settings.scheduled_scrape_concurrency as usize,
            source_deadline: Duration::from_secs(self.settings.scrape_source_deadline_seconds),
        }
    }

    /// Creates the run row, then runs the scrape in the background. Returns the run id.
    pub async fn enqueue(self: &Arc<Self>, request: ScrapeRequest) -> anyhow::Result<i64> {
        self.enqueue_holding(request, None).await
    }

    async fn enqueue_holding(
        self: &Arc<Self>,
        request: ScrapeRequest,
        permit: Option<OwnedSemaphorePermit>,
    ) -> anyhow::Result<i64> {
        let pool = self.db.pool().map_err(|error| anyhow::anyhow!("{error}"))?;
        let run_id = begin_run(&pool, &request).await?;
        let service = Arc::clone(self);
        tokio::spawn(async move {
            // The public slot is held until the run ends, whatever its outcome.
            let _permit = permit;
            match complete_run(&pool, service.plugins.as_ref(), &request, &Quiet, run_id).await {
                Ok(report) => tracing::info!(
                    run_id,
                    new = report.jobs_new,
                    updated = report.jobs_updated,
                    errors = report.errors,
                    "scrape run finished"
                ),
                Err(error) => {
                    tracing::error!(run_id, error = format!("{error:#}"), "scrape run failed")
                }
            }
            (service.jobs_changed)();
        });
        Ok(run_id)
    }

    /// Runs a scrape to its end (the scheduler waits for each query in turn).
    pub async fn run_now(&self, request: &ScrapeRequest) -> anyhow::Result<super::RunReport> {
        let pool = self.db.pool().map_err(|error| anyhow::anyhow!("{error}"))?;
        let report = super::run_scrape(&pool, self.plugins.as_ref(), request, &Quiet).await;
        (self.jobs_changed)();
        report
    }

    /// The public trigger's guardrails: capacity first (so a refused request costs
    /// the client nothing), then the client's hourly allowance. The permit holds a
    /// capacity slot until dropped.
    pub fn reserve_public(&self, client: IpAddr) -> Result<OwnedSemaphorePermit, Refusal> {
        let permit = Arc::clone(&self.public_slots)
            .try_acquire_owned()
            .map_err(|_| Refusal::Capacity {
                retry_after_seconds: 30,
            })?;
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            // Forget clients whose allowance has fully refilled: memory stays bounded.
            self.public_per_ip.retain_recent();
            self.public_per_ip.shrink_to_fit();
        }
        match self.public_per_ip.check_key(&client) {
            Ok(()) => Ok(permit),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(Refusal::RateLimited {
                    retry_after_seconds: wait.as_secs().max(1),
                })
            }
        }
    }

    /// Queues a public scrape if the guardrails allow it.
    pub async fn enqueue_public(
        self: &Arc<Self>,
        client: IpAddr,
        query: String,
        location: Option<String>,
    ) -> Result<i64, PublicError> {
        let permit = self.reserve_public(client).map_err(PublicError::Refused)?;
        let mut request = self.request(
            query,
            location.or_else(|| Some(self.settings.public_scrape_default_location.clone())),
        );
        request.max_results_per_source = self.settings.public_scrape_max_results_per_source;
        request.concurrency = self.settings.public_scrape_concurrency as usize;
        self.enqueue_holding(request, Some(permit))
            .await
            .map_err(PublicError::Failed)
    }
}

#[derive(Debug)]
pub enum PublicError {
    Refused(Refusal),
    Failed(anyhow::Error),
}
