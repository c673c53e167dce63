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
use crate::http::ResponseCache;
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

pub struct ScrapeService {
    settings: Arc<Settings>,
    db: Database,
    plugins: Arc<PluginHost>,
    cache: ResponseCache,
    public_slots: Arc<Semaphore>,
    public_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl ScrapeService {
    pub fn new(
        settings: Arc<Settings>,
        db: Database,
        plugins: Arc<PluginHost>,
        cache: ResponseCache,
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
            cache,
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
            service.cache.invalidate();
        });
        Ok(run_id)
    }

    /// Runs a scrape to its end (the scheduler waits for each query in turn).
    pub async fn run_now(&self, request: &ScrapeRequest) -> anyhow::Result<super::RunReport> {
        let pool = self.db.pool().map_err(|error| anyhow::anyhow!("{error}"))?;
        let report = super::run_scrape(&pool, self.plugins.as_ref(), request, &Quiet).await;
        self.cache.invalidate();
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

/// The client address of a request: the peer, or — only when the peer is a trusted
/// proxy — the right-most `X-Forwarded-For` entry that is not itself a trusted
/// proxy. (The earlier backend took the first entry, which any client can forge.)
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut candidate = peer;
    for entry in header.rsplit(',') {
        let Ok(address) = entry.trim().parse::<IpAddr>() else {
            // A malformed hop: stop at the last address we could trust.
            break;
        };
        candidate = address;
        if !trusted_proxies.contains(&address) {
            break;
        }
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // An untrusted peer cannot choose its address by sending the header.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.9")
        );
        // Through one trusted proxy.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("198.51.100.7"), &proxies),
            ip("198.51.100.7")
        );
        // A forged left-most entry is ignored: the right-most untrusted hop counts.
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.2"),
                &proxies
            ),
            ip("198.51.100.7")
        );
        // No header, or garbage, falls back to what is known.
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxies), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("not-an-ip"), &proxies),
            ip("10.0.0.1")
        );
    }
}
