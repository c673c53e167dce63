//! A short-lived cache of serialized read responses. Job lists and stats change only
//! when a scrape writes, so identical requests within the TTL share one database
//! query; writers in this process call [`ResponseCache::invalidate`] at once.
//! Concurrent misses on one key wait for a single computation instead of all
//! querying the database (no thundering herd when an entry expires under load).

use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::sync::Arc;

use super::Error;

/// Bytes of responses kept at most; the cache evicts beyond this.
const MAX_CACHED_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone)]
pub struct ResponseCache {
    entries: Option<moka::future::Cache<String, Bytes>>,
}

impl ResponseCache {
    /// A TTL of zero disables caching.
    pub fn new(ttl: Duration) -> Self {
        let entries = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .time_to_live(ttl)
                .weigher(|key: &String, value: &Bytes| {
                    u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(MAX_CACHED_BYTES)
                .build()
        });
        Self { entries }
    }

    /// The cached body for `key`, or the one `compute` makes (which is then cached).
    /// Errors are returned as they are and never cached.
    pub async fn get_or_compute<F, Fut>(&self, key: String, compute: F) -> Result<Bytes, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, Error>>,
    {
        let Some(entries) = &self.entries else {
            return compute().await;
        };
        entries
            .try_get_with(key, compute())
            .await
            .map_err(|shared: Arc<Error>| shared.duplicate())
    }

    /// Drops every cached response (after this process wrote jobs or runs).
    pub fn invalidate(&self) {
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
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
