//! Rate limits (governor's GCRA, keyed per user or per client IP). The public
//! scrape's per-IP limit and in-flight cap live with the scrape service. Every limit comes from settings; a refusal is a 429 with `Retry-After` and
//! the seconds in the detail (the earlier backend lost the header).
//!
//! Memory stays bounded: keys whose state is indistinguishable from a fresh one are
//! swept out every few thousand checks, and at once (at most once a second) when a
//! limiter holds more than `JOBSCOUT_RATE_LIMIT_MAX_KEYS` keys.

use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use governor::clock::Clock as _;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use super::client_ip::client_ip;
use super::{AppState, Error};
use crate::config::Settings;

const SWEEP_EVERY_CHECKS: u64 = 4096;
const MIN_SWEEP_INTERVAL_MS: u64 = 1000;

/// The earlier backend's wording; `{seconds}` is replaced.
pub const DEFAULT_MESSAGE: &str = "Rate limit exceeded. Please try again in {seconds} seconds.";

/// At most `limit` requests per `window` per key, as a burst of `limit` refilled
/// evenly over the window.
pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    message: &'static str,
    max_keys: usize,
    checks: AtomicU64,
    created: Instant,
    last_sweep_ms: AtomicU64,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `None` when `limit` is 0 (the limit is off).
    pub fn new(
        limit: u32,
        window: Duration,
        max_keys: usize,
        message: &'static str,
    ) -> Option<Self> {
        let burst = NonZeroU32::new(limit)?;
        let quota = Quota::with_period(window / limit)?.allow_burst(burst);
        Some(Self {
            limiter: RateLimiter::keyed(quota),
            message,
            max_keys,
            checks: AtomicU64::new(0),
            created: Instant::now(),
            last_sweep_ms: AtomicU64::new(0),
        })
    }

    /// Counts one request for `key`, or says how long to wait.
    pub fn check(&self, key: &K) -> Result<(), Error> {
        self.sweep_if_due();
        match self.limiter.check_key(key) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                let seconds = (wait.as_secs_f64().ceil() as u64).max(1);
                Err(Error::TooManyRequests {
                    message: self.message.replace("{seconds}", &seconds.to_string()),
                    retry_after_seconds: seconds,
                })
            }
        }
    }

    /// Keys currently held.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }

    /// Drops every key whose state is back to fresh.
    pub fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
        let now_ms = self.created.elapsed().as_millis() as u64;
        self.last_sweep_ms.store(now_ms, Ordering::Relaxed);
    }

    fn sweep_if_due(&self) {
        let count = self.checks.fetch_add(1, Ordering::Relaxed) + 1;
        if count.is_multiple_of(SWEEP_EVERY_CHECKS) {
            self.sweep();
            return;
        }
        if self.limiter.len() > self.max_keys {
            // Rate-limit the sweep itself: with many live keys it is O(keys).
            let now_ms = self.created.elapsed().as_millis() as u64;
            if now_ms.saturating_sub(self.last_sweep_ms.load(Ordering::Relaxed))
                >= MIN_SWEEP_INTERVAL_MS
            {
                self.sweep();
            }
        }
    }
}

/// Every limiter of the process, built from settings.
pub struct RateLimits {
    /// Any user route, per signed-in user.
    pub user: Option<KeyedLimiter<Uuid>>,
    /// Any `/api/v1` route, per client IP.
    pub ip: Option<KeyedLimiter<IpAddr>>,
    /// The earlier backend's per-user limits, for the routes that carry them.
    pub apply_pack: Option<KeyedLimiter<Uuid>>,
    pub job_capture: Option<KeyedLimiter<Uuid>>,
    pub kb_index: Option<KeyedLimiter<Uuid>>,
    pub kb_query: Option<KeyedLimiter<Uuid>>,
    pub trusted_proxies: Vec<IpAddr>,
}

impl RateLimits {
    pub fn from_settings(settings: &Settings) -> Arc<Self> {
        let keys = settings.rate_limit_max_keys;
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(3600);
        Arc::new(Self {
            user: KeyedLimiter::new(
                settings.rate_limit_user_per_minute,
                minute,
                keys,
                DEFAULT_MESSAGE,
            ),
            ip: KeyedLimiter::new(
                settings.rate_limit_ip_per_minute,
                minute,
                keys,
                DEFAULT_MESSAGE,
            ),
            apply_pack: KeyedLimiter::new(
                settings.rate_limit_apply_pack_per_minute,
                minute,
                keys,
                DEFAULT_MESSAGE,
            ),
            job_capture: KeyedLimiter::new(
                settings.rate_limit_job_capture_per_hour,
                hour,
                keys,
                DEFAULT_MESSAGE,
            ),
            kb_index: KeyedLimiter::new(
                settings.rate_limit_kb_index_per_hour,
                hour,
                keys,
                DEFAULT_MESSAGE,
            ),
            kb_query: KeyedLimiter::new(
                settings.rate_limit_kb_query_per_minute,
                minute,
                keys,
                DEFAULT_MESSAGE,
            ),
            trusted_proxies: settings.trusted_proxies.clone(),
        })
    }
}

/// Middleware: the per-IP limit on every `/api/v1` route (when configured and the
/// peer is known; in-process test requests have no peer).
pub async fn limit_per_ip(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(limiter) = &state.rate_limits.ip {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        if let Some(peer) = peer {
            let forwarded = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok());
            let ip = client_ip(peer, forwarded, &state.rate_limits.trusted_proxies);
            if let Err(error) = limiter.check(&ip) {
                return error.into_response();
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_gets_exactly_the_limit_then_429s_with_retry_after() {
        let limiter = KeyedLimiter::new(10, Duration::from_secs(60), 100, DEFAULT_MESSAGE).unwrap();
        let user = Uuid::new_v4();
        let accepted = (0..25).filter(|_| limiter.check(&user).is_ok()).count();
        assert_eq!(accepted, 10);
        let Err(Error::TooManyRequests {
            message,
            retry_after_seconds,
        }) = limiter.check(&user)
        else {
            panic!("expected a 429");
        };
        // One cell comes back every 6 s.
        assert!(
            (1..=6).contains(&retry_after_seconds),
            "{retry_after_seconds}"
        );
        assert_eq!(
            message,
            format!("Rate limit exceeded. Please try again in {retry_after_seconds} seconds.")
        );
        // Other keys are independent.
        assert!(limiter.check(&Uuid::new_v4()).is_ok());
    }

    #[test]
    fn concurrent_checks_admit_exactly_the_limit() {
        let limiter = Arc::new(
            KeyedLimiter::new(30, Duration::from_secs(3600), 100, DEFAULT_MESSAGE).unwrap(),
        );
        let user = Uuid::new_v4();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let limiter = limiter.clone();
                std::thread::spawn(move || (0..20).filter(|_| limiter.check(&user).is_ok()).count())
            })
            .collect();
        let accepted: usize = threads
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .sum();
        assert_eq!(accepted, 30);
    }

    #[test]
    fn idle_keys_are_evicted() {
        let limiter = KeyedLimiter::new(2, Duration::from_millis(100), 5, DEFAULT_MESSAGE).unwrap();
        for _ in 0..50 {
            let _ = limiter.check(&Uuid::new_v4());
        }
        // Over the cap: the check that found it full swept, but the keys were live.
        assert!(limiter.len() > 5);
        std::thread::sleep(Duration::from_millis(150));
        limiter.sweep();
        assert_eq!(limiter.len(), 0, "keys back to a fresh state are dropped");
    }

    #[test]
    fn zero_turns_a_limit_off() {
        assert!(
            KeyedLimiter::<Uuid>::new(0, Duration::from_secs(60), 10, DEFAULT_MESSAGE).is_none()
        );
    }
}
