//! Per-plugin call counters, recent latencies and the circuit breaker.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Latencies kept for the percentiles in the admin listing.
const LATENCY_WINDOW: usize = 1024;

/// When a plugin is paused after failing calls in a row.
#[derive(Debug, Clone, Copy)]
pub struct BreakerPolicy {
    /// Failures in a row that pause the plugin.
    pub threshold: u32,
    /// The first pause; each further pause doubles it, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            threshold: 5,
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30 * 60),
        }
    }
}

#[derive(Debug, Default)]
struct Breaker {
    consecutive_failures: u32,
    pauses: u32,
    paused_until: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct PluginStats {
    calls: AtomicU64,
    failures: AtomicU64,
    rejected: AtomicU64,
    latencies_micros: Mutex<VecDeque<u64>>,
    breaker: Mutex<Breaker>,
    last_error: Mutex<Option<String>>,
}

/// A snapshot for the admin listing.
#[derive(Debug, Clone, Default)]
pub struct StatsSnapshot {
    pub calls: u64,
    pub failures: u64,
    pub rejected: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub consecutive_failures: u32,
    pub paused_for: Option<Duration>,
    pub last_error: Option<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl PluginStats {
    /// How long the plugin stays paused, if it is.
    pub fn paused_for(&self, now: Instant) -> Option<Duration> {
        lock(&self.breaker)
            .paused_until
            .and_then(|until| until.checked_duration_since(now))
    }

    pub fn record_rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a finished call. `breaker_failure` says whether the failure
    /// counts toward pausing (a plugin refusing a bad query does not).
    pub fn record(
        &self,
        elapsed: Duration,
        outcome: Result<(), (&str, bool)>,
        policy: &BreakerPolicy,
    ) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        {
            let mut latencies = lock(&self.latencies_micros);
            if latencies.len() == LATENCY_WINDOW {
                latencies.pop_front();
            }
            latencies.push_back(elapsed.as_micros() as u64);
        }
        let mut breaker = lock(&self.breaker);
        match outcome {
            Ok(()) => {
                breaker.consecutive_failures = 0;
                breaker.pauses = 0;
                breaker.paused_until = None;
            }
            Err((message, breaker_failure)) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                *lock(&self.last_error) = Some(message.to_string());
                if breaker_failure {
                    breaker.consecutive_failures += 1;
                    if breaker.consecutive_failures >= policy.threshold {
                        let factor = 1u32 << breaker.pauses.min(16);
                        let backoff = policy
                            .base_backoff
                            .saturating_mul(factor)
                            .min(policy.max_backoff);
                        breaker.pauses += 1;
                        breaker.paused_until = Some(Instant::now() + backoff);
                    }
                }
            }
        }
    }

    /// Clears the breaker, as enabling a plugin by hand does.
    pub fn reset_breaker(&self) {
        *lock(&self.breaker) = Breaker::default();
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let mut sorted: Vec<u64> = lock(&self.latencies_micros).iter().copied().collect();
        sorted.sort_unstable();
        let percentile = |fraction: f64| {
            (!sorted.is_empty()).then(|| {
                let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
                sorted[index] as f64 / 1000.0
            })
        };
        let breaker = lock(&self.breaker);
        StatsSnapshot {
            calls: self.calls.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            p50_ms: percentile(0.50),
            p95_ms: percentile(0.95),
            consecutive_failures: breaker.consecutive_failures,
            paused_for: breaker
                .paused_until
                .and_then(|until| until.checked_duration_since(Instant::now())),
            last_error: lock(&self.last_error).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_pauses_after_threshold_and_backs_off_exponentially() {
        let policy = BreakerPolicy {
            threshold: 2,
            base_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(25),
        };
        let stats = PluginStats::default();
        stats.record(Duration::from_millis(1), Err(("boom", true)), &policy);
        assert!(stats.paused_for(Instant::now()).is_none());
        stats.record(
            Duration::from_millis(1),
            Err(("invalid query", false)),
            &policy,
        );
        assert!(
            stats.paused_for(Instant::now()).is_none(),
            "non-breaker failures do not count"
        );
        stats.record(Duration::from_millis(1), Err(("boom", true)), &policy);
        let first = stats.paused_for(Instant::now()).unwrap();
        assert!(
            first > Duration::from_secs(9) && first <= Duration::from_secs(10),
            "{first:?}"
        );
        stats.record(Duration::from_millis(1), Err(("boom", true)), &policy);
        let second = stats.paused_for(Instant::now()).unwrap();
        assert!(second > Duration::from_secs(19), "doubled: {second:?}");
        stats.record(Duration::from_millis(1), Err(("boom", true)), &policy);
        assert!(
            stats.paused_for(Instant::now()).unwrap() <= Duration::from_secs(26),
            "capped"
        );
        stats.record(Duration::from_millis(1), Ok(()), &policy);
        assert!(stats.paused_for(Instant::now()).is_none());
        let snapshot = stats.snapshot();
        assert_eq!((snapshot.calls, snapshot.failures), (6, 5));
        assert_eq!(snapshot.last_error.as_deref(), Some("boom"));
    }
}
