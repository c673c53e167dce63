//! A short-lived cache of serialized read responses. Job lists and stats change only
//! when a scrape writes, so identical requests within the TTL share one database
//! query; writers in this process call [`ResponseCache::invalidate`] at once.
//!
//! * Concurrent misses on one key wait for a single computation instead of all
//!   querying the database (no thundering herd when an entry is first needed).
//! * An entry past its TTL but within the stale window is still served while one
//!   background task recomputes it (stale-while-revalidate), so a slow query (a broad
//!   search over a large catalogue) never stalls the requests that arrive meanwhile.
//!   Only time makes an entry stale: after [`ResponseCache::invalidate`] nothing old is
//!   served, because every entry carries the generation it was computed in.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::Error;

/// Bytes of responses kept at most; the cache evicts beyond this.
const MAX_CACHED_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone)]
struct Entry {
    body: Bytes,
    fresh_until: Instant,
    generation: u64,
}

#[derive(Clone)]
pub struct ResponseCache {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    entries: moka::future::Cache<String, Entry>,
    ttl: Duration,
    /// Bumped by every invalidation; entries of older generations are never served.
    generation: AtomicU64,
    /// Keys whose background refresh is running (one refresh per key at a time).
    refreshing: Mutex<HashSet<String>>,
}

impl ResponseCache {
    /// A TTL of zero disables caching; `stale` is how long past its TTL an entry may
    /// still be served while it is recomputed (zero: never).
    pub fn new(ttl: Duration, stale: Duration) -> Self {
        let inner = (!ttl.is_zero()).then(|| {
            Arc::new(Inner {
                entries: moka::future::Cache::builder()
                    .time_to_live(ttl + stale)
                    .weigher(|key: &String, entry: &Entry| {
                        u32::try_from(key.len() + entry.body.len()).unwrap_or(u32::MAX)
                    })
                    .max_capacity(MAX_CACHED_BYTES)
                    .build(),
                ttl,
                generation: AtomicU64::new(0),
                refreshing: Mutex::new(HashSet::new()),
            })
        });
        Self { inner }
    }

    /// The cached body for `key`, or the one `compute` makes (which is then cached).
    /// Errors are returned as they are and never cached.
    pub async fn get_or_compute<F, Fut>(&self, key: String, compute: F) -> Result<Bytes, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, Error>> + Send + 'static,
    {
        let Some(inner) = &self.inner else {
            return compute().await;
        };
        let generation = inner.generation.load(Ordering::Acquire);
        if let Some(entry) = inner.entries.get(&key).await {
            if entry.generation == generation {
                if entry.fresh_until <= Instant::now() {
                    inner
                        .clone()
                        .refresh_in_background(key, generation, compute());
                }
                return Ok(entry.body);
            }
            // Computed before an invalidation. (Should a newer entry land in between,
            // this drops it too, which costs one recomputation and nothing else.)
            inner.entries.invalidate(&key).await;
        }
        let ttl = inner.ttl;
        inner
            .entries
            .try_get_with(key, async move {
                compute().await.map(|body| Entry {
                    body,
                    fresh_until: Instant::now() + ttl,
                    generation,
                })
            })
            .await
            .map(|entry| entry.body)
            .map_err(|shared: Arc<Error>| shared.duplicate())
    }

    /// Drops every cached response (after this process wrote jobs or runs).
    pub fn invalidate(&self) {
        if let Some(inner) = &self.inner {
            inner.generation.fetch_add(1, Ordering::AcqRel);
            inner.entries.invalidate_all();
        }
    }
}

impl Inner {
    fn refresh_in_background<Fut>(self: Arc<Self>, key: String, generation: u64, compute: Fut)
    where
        Fut: std::future::Future<Output = Result<Bytes, Error>> + Send + 'static,
    {
        let started = self
            .refreshing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key.clone());
        if !started {
            return;
        }
        tokio::spawn(async move {
            let outcome = compute.await;
            // A write that happened meanwhile invalidated what this computed.
            if let Ok(body) = outcome {
                if self.generation.load(Ordering::Acquire) == generation {
                    let entry = Entry {
                        body,
                        fresh_until: Instant::now() + self.ttl,
                        generation,
                    };
                    self.entries.insert(key.clone(), entry).await;
                }
            }
            self.refreshing
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .remove(&key);
        });
    }
}

/// A 200 response with an already serialized JSON body.
pub fn json_bytes(body: Bytes) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counting(
        calls: &Arc<AtomicUsize>,
        body: &'static str,
    ) -> impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Bytes, Error>> + Send>>
    {
        let calls = calls.clone();
        move || {
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok(Bytes::from_static(body.as_bytes()))
            })
        }
    }

    #[tokio::test]
    async fn fresh_entries_are_served_without_recomputing() {
        let cache = ResponseCache::new(Duration::from_secs(60), Duration::from_secs(60));
        let calls = Arc::new(AtomicUsize::new(0));
        let first = cache
            .get_or_compute("k".into(), counting(&calls, "one"))
            .await
            .unwrap();
        let second = cache
            .get_or_compute("k".into(), counting(&calls, "two"))
            .await
            .unwrap();
        assert_eq!(
            (first.as_ref(), second.as_ref()),
            (&b"one"[..], &b"one"[..])
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn stale_entries_are_served_while_one_refresh_runs() {
        let cache = ResponseCache::new(Duration::from_millis(20), Duration::from_secs(60));
        let calls = Arc::new(AtomicUsize::new(0));
        cache
            .get_or_compute("k".into(), counting(&calls, "old"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(40)).await;
        // Past the TTL: the old body comes back at once, twice, and one refresh runs.
        let stale = cache
            .get_or_compute("k".into(), counting(&calls, "new"))
            .await
            .unwrap();
        assert_eq!(stale.as_ref(), b"old");
        for _ in 0..50 {
            if calls.load(Ordering::SeqCst) == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "exactly one background refresh"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
        let refreshed = cache
            .get_or_compute("k".into(), counting(&calls, "newer"))
            .await
            .unwrap();
        assert_eq!(refreshed.as_ref(), b"new");
    }

    #[tokio::test]
    async fn nothing_computed_before_an_invalidation_is_served_after_it() {
        let cache = ResponseCache::new(Duration::from_millis(20), Duration::from_secs(60));
        let calls = Arc::new(AtomicUsize::new(0));
        cache
            .get_or_compute("k".into(), counting(&calls, "before"))
            .await
            .unwrap();
        cache.invalidate();
        let after = cache
            .get_or_compute("k".into(), counting(&calls, "after"))
            .await
            .unwrap();
        assert_eq!(after.as_ref(), b"after");

        // A refresh that started before an invalidation does not store its result.
        tokio::time::sleep(Duration::from_millis(40)).await;
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = move || {
            Box::pin(async move {
                let _ = wait.await;
                Ok(Bytes::from_static(b"pre-write"))
            })
                as std::pin::Pin<Box<dyn std::future::Future<Output = Result<Bytes, Error>> + Send>>
        };
        let stale = cache.get_or_compute("k".into(), slow).await.unwrap();
        assert_eq!(stale.as_ref(), b"after");
        cache.invalidate();
        release.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let latest = cache
            .get_or_compute("k".into(), counting(&calls, "post-write"))
            .await
            .unwrap();
        assert_eq!(latest.as_ref(), b"post-write");
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let cache = ResponseCache::new(Duration::from_secs(60), Duration::ZERO);
        let failed = cache
            .get_or_compute("k".into(), || async { Err(Error::NotFound("gone".into())) })
            .await;
        assert!(failed.is_err());
        let calls = Arc::new(AtomicUsize::new(0));
        let body = cache
            .get_or_compute("k".into(), counting(&calls, "ok"))
            .await
            .unwrap();
        assert_eq!(body.as_ref(), b"ok");
    }
}
