//! Per-host politeness: each plugin's own concurrency per host, and per host a
//! concurrency limit and a spacing shared by every caller (plugins and the host's
//! own fetches). The tables forget the hosts nobody needs remembered, so a stream
//! of distinct hosts (users paste any URL) cannot grow them without bound.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::FetchFailure;

/// A table is swept of idle gates when it reaches this size, and after a sweep
/// when it has doubled again: amortized O(1) per lookup.
const FIRST_SWEEP_AT: usize = 1024;

/// One plugin's share of one host: its own concurrency limit.
pub(super) struct PluginGate {
    pub(super) in_flight: Arc<Semaphore>,
}

impl PluginGate {
    pub(super) fn new(limit: u32) -> Self {
        PluginGate {
            in_flight: Arc::new(Semaphore::new(limit.max(1) as usize)),
        }
    }

    /// No request holds a permit (an owned permit keeps the semaphore alive).
    fn is_idle(&self) -> bool {
        Arc::strong_count(&self.in_flight) == 1
    }
}

/// One host as every caller sees it: a shared concurrency limit and the time of
/// the last request started, so two plugins calling the same site together are as
/// polite as one.
pub(super) struct HostGate {
    pub(super) in_flight: Arc<Semaphore>,
    last_start: tokio::sync::Mutex<Option<Instant>>,
}

impl HostGate {
    pub(super) fn new(limit: u32) -> Self {
        HostGate {
            in_flight: Arc::new(Semaphore::new(limit.max(1) as usize)),
            last_start: tokio::sync::Mutex::new(None),
        }
    }

    /// Waits until `spacing` has passed since the last request any caller started
    /// to this host, then marks a start. A wait that would pass `deadline` fails.
    pub(super) async fn wait_turn(
        &self,
        spacing: Duration,
        deadline: Instant,
    ) -> Result<(), FetchFailure> {
        let mut last_start = self.last_start.lock().await;
        if let Some(next_start) = last_start.map(|last| last + spacing) {
            let now = Instant::now();
            if next_start > now {
                if next_start >= deadline {
                    return Err(FetchFailure::Timeout);
                }
                tokio::time::sleep(next_start - now).await;
            }
        }
        *last_start = Some(Instant::now());
        Ok(())
    }

    /// Nothing is in flight and the last start is older than every caller's
    /// spacing, so forgetting the host changes no decision.
    fn is_idle(&self, longest_spacing: Duration) -> bool {
        Arc::strong_count(&self.in_flight) == 1
            && self
                .last_start
                .try_lock()
                .is_ok_and(|last_start| last_start.is_none_or(|at| at.elapsed() >= longest_spacing))
    }
}

/// A permit of `gate`, waiting at most `budget`.
pub(super) async fn acquire(
    gate: &Arc<Semaphore>,
    budget: Duration,
) -> Result<OwnedSemaphorePermit, FetchFailure> {
    tokio::time::timeout(budget, gate.clone().acquire_owned())
        .await
        .map_err(|_| FetchFailure::Timeout)?
        .map_err(|_| FetchFailure::Network("host gate closed".to_string()))
}

/// Every gate the egress keeps: per (caller, host) and per host.
pub(super) struct Gates {
    per_caller: Table<(String, String), PluginGate>,
    per_host: Table<String, HostGate>,
    host_concurrency: u32,
    /// The longest spacing any caller has asked for, in milliseconds: how long a
    /// host's last start must be remembered.
    longest_spacing_ms: AtomicU64,
}

impl Gates {
    pub(super) fn new(host_concurrency: u32) -> Self {
        Gates {
            per_caller: Table::new(),
            per_host: Table::new(),
            host_concurrency: host_concurrency.max(1),
            longest_spacing_ms: AtomicU64::new(0),
        }
    }

    /// The gates for `caller` (a plugin id or a host-level purpose) on `host`.
    pub(super) fn for_host(
        &self,
        caller: &str,
        caller_concurrency: u32,
        spacing: Duration,
        host: &str,
    ) -> (Arc<PluginGate>, Arc<HostGate>) {
        let spacing_ms = u64::try_from(spacing.as_millis()).unwrap_or(u64::MAX);
        let longest_ms = self
            .longest_spacing_ms
            .fetch_max(spacing_ms, Ordering::Relaxed)
            .max(spacing_ms);
        let longest = Duration::from_millis(longest_ms);
        let caller_gate = self.per_caller.get_or_insert(
            (caller.to_string(), host.to_string()),
            || PluginGate::new(caller_concurrency),
            PluginGate::is_idle,
        );
        let host_gate = self.per_host.get_or_insert(
            host.to_string(),
            || HostGate::new(self.host_concurrency),
            |gate| gate.is_idle(longest),
        );
        (caller_gate, host_gate)
    }

    /// (caller gates, host gates) remembered now.
    #[cfg(test)]
    fn sizes(&self) -> (usize, usize) {
        (self.per_caller.len(), self.per_host.len())
    }
}

/// A map that forgets idle entries nobody else holds as it grows.
struct Table<K, V> {
    inner: Mutex<TableInner<K, V>>,
}

struct TableInner<K, V> {
    map: HashMap<K, Arc<V>>,
    sweep_at: usize,
}

impl<K: Eq + Hash, V> Table<K, V> {
    fn new() -> Self {
        Table {
            inner: Mutex::new(TableInner {
                map: HashMap::new(),
                sweep_at: FIRST_SWEEP_AT,
            }),
        }
    }

    fn get_or_insert(
        &self,
        key: K,
        make: impl FnOnce() -> V,
        is_idle: impl Fn(&V) -> bool,
    ) -> Arc<V> {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if inner.map.len() >= inner.sweep_at {
            inner
                .map
                .retain(|_, entry| Arc::strong_count(entry) > 1 || !is_idle(entry));
            inner.map.shrink_to_fit();
            inner.sweep_at = (inner.map.len() * 2).max(FIRST_SWEEP_AT);
        }
        inner
            .map
            .entry(key)
            .or_insert_with(|| Arc::new(make()))
            .clone()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .map
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far_deadline() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    #[tokio::test]
    async fn a_hundred_thousand_distinct_hosts_leave_the_tables_small() {
        let gates = Gates::new(4);
        for index in 0..100_000 {
            let host = format!("host-{index}.example");
            let (caller_gate, host_gate) =
                gates.for_host("job page fetch", 2, Duration::ZERO, &host);
            let _permit = acquire(&caller_gate.in_flight, Duration::from_secs(1))
                .await
                .unwrap();
            host_gate
                .wait_turn(Duration::ZERO, far_deadline())
                .await
                .unwrap();
        }
        let (callers, hosts) = gates.sizes();
        assert!(
            callers <= 2 * FIRST_SWEEP_AT && hosts <= 2 * FIRST_SWEEP_AT,
            "tables grew with distinct hosts: {callers} caller gates, {hosts} host gates"
        );
    }

    #[tokio::test]
    async fn a_host_is_remembered_while_its_spacing_still_counts_or_a_request_is_in_flight() {
        let gates = Gates::new(4);
        let (_, spaced) = gates.for_host(
            "polite-plugin",
            2,
            Duration::from_secs(30),
            "spaced.example",
        );
        spaced
            .wait_turn(Duration::from_secs(30), far_deadline())
            .await
            .unwrap();
        drop(spaced);
        let (busy_caller, busy_host) = gates.for_host("other", 2, Duration::ZERO, "busy.example");
        let _caller_permit = acquire(&busy_caller.in_flight, Duration::from_secs(1))
            .await
            .unwrap();
        let _host_permit = acquire(&busy_host.in_flight, Duration::from_secs(1))
            .await
            .unwrap();
        drop((busy_caller, busy_host));
        for index in 0..10 * FIRST_SWEEP_AT {
            gates.for_host("other", 2, Duration::ZERO, &format!("h{index}.example"));
        }
        let remembered = |host: &str| {
            let inner = gates.per_host.inner.lock().unwrap();
            inner.map.contains_key(host)
        };
        assert!(remembered("spaced.example"), "spacing was forgotten early");
        assert!(
            remembered("busy.example"),
            "an in-flight host was forgotten"
        );
        assert!(gates
            .per_caller
            .inner
            .lock()
            .unwrap()
            .map
            .contains_key(&("other".to_string(), "busy.example".to_string())));
        assert!(gates.sizes().1 <= 2 * FIRST_SWEEP_AT);
    }

    #[tokio::test]
    async fn spacing_is_shared_by_every_caller_of_a_host() {
        let gates = Gates::new(4);
        let spacing = Duration::from_millis(150);
        let started = Instant::now();
        for caller in ["first", "second", "third"] {
            let (_, host_gate) = gates.for_host(caller, 2, spacing, "shared.example");
            host_gate.wait_turn(spacing, far_deadline()).await.unwrap();
        }
        assert!(
            started.elapsed() >= 2 * spacing,
            "three starts 150 ms apart took {:?}",
            started.elapsed()
        );
        let (_, host_gate) = gates.for_host("fourth", 2, spacing, "shared.example");
        let too_soon = Instant::now() + Duration::from_millis(10);
        assert_eq!(
            host_gate.wait_turn(spacing, too_soon).await,
            Err(FetchFailure::Timeout)
        );
    }
}
