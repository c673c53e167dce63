//! Per-plugin resource limits: the `[plugin.limits]` table and its safe defaults.

use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use serde_spanned::Spanned;

/// The largest memory a plugin may be given; the pooling allocator reserves slots this big.
pub const MAX_MEMORY_MIB: u64 = 512;

/// Limits applied to every call of one plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginLimits {
    /// Linear memory of one instance.
    pub memory_bytes: usize,
    /// Wall-clock budget of one call, enforced by epoch interruption.
    pub timeout: Duration,
    /// Body bytes of one fetch response.
    pub max_response_bytes: u64,
    /// Fetches during one call.
    pub max_fetches_per_call: u32,
    /// Approximate bytes of one call's result (strings and lists).
    pub max_output_bytes: u64,
    /// Calls running at once; more are refused as busy.
    pub max_concurrent_calls: u32,
    /// Budget of one fetch (connect to last byte).
    pub fetch_timeout: Duration,
    /// Politeness: fetches in flight to one host from this plugin's calls.
    pub host_concurrency: u32,
    /// Politeness: least time between the starts of two fetches to one host.
    pub min_fetch_interval: Duration,
    /// Bytes a call may write to stdout, to stderr and through the `log` import,
    /// each (they go to the host's log).
    pub max_log_bytes: usize,
}

impl Default for PluginLimits {
    fn default() -> Self {
        PluginLimits {
            memory_bytes: 64 << 20,
            timeout: Duration::from_secs(30),
            max_response_bytes: 5 << 20,
            max_fetches_per_call: 50,
            max_output_bytes: 8 << 20,
            max_concurrent_calls: 4,
            fetch_timeout: Duration::from_secs(10),
            host_concurrency: 2,
            min_fetch_interval: Duration::ZERO,
            max_log_bytes: 64 << 10,
        }
    }
}

/// `[plugin.limits]` as written; absent keys take the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsTable {
    memory_mib: Option<Spanned<u64>>,
    timeout_ms: Option<Spanned<u64>>,
    max_response_bytes: Option<Spanned<u64>>,
    max_fetches_per_call: Option<Spanned<u64>>,
    max_output_bytes: Option<Spanned<u64>>,
    max_concurrent_calls: Option<Spanned<u64>>,
    fetch_timeout_ms: Option<Spanned<u64>>,
    host_concurrency: Option<Spanned<u64>>,
    min_fetch_interval_ms: Option<Spanned<u64>>,
    max_log_bytes: Option<Spanned<u64>>,
}

/// A limit out of range: where, which key, why.
pub type LimitError = (Range<usize>, &'static str, String);

fn ranged(
    value: &Option<Spanned<u64>>,
    key: &'static str,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, LimitError> {
    match value {
        None => Ok(default),
        Some(spanned) => {
            let number = *spanned.get_ref();
            if (min..=max).contains(&number) {
                Ok(number)
            } else {
                Err((
                    spanned.span(),
                    key,
                    format!("{number} is out of range: expected {min} to {max}"),
                ))
            }
        }
    }
}

impl LimitsTable {
    pub fn validate(&self) -> Result<PluginLimits, LimitError> {
        let default = PluginLimits::default();
        Ok(PluginLimits {
            memory_bytes: (ranged(&self.memory_mib, "memory_mib", 1, MAX_MEMORY_MIB, 64)? << 20)
                as usize,
            timeout: Duration::from_millis(ranged(
                &self.timeout_ms,
                "timeout_ms",
                10,
                600_000,
                30_000,
            )?),
            max_response_bytes: ranged(
                &self.max_response_bytes,
                "max_response_bytes",
                1,
                256 << 20,
                default.max_response_bytes,
            )?,
            max_fetches_per_call: ranged(
                &self.max_fetches_per_call,
                "max_fetches_per_call",
                0,
                10_000,
                50,
            )? as u32,
            max_output_bytes: ranged(
                &self.max_output_bytes,
                "max_output_bytes",
                1,
                256 << 20,
                default.max_output_bytes,
            )?,
            max_concurrent_calls: ranged(
                &self.max_concurrent_calls,
                "max_concurrent_calls",
                1,
                256,
                4,
            )? as u32,
            fetch_timeout: Duration::from_millis(ranged(
                &self.fetch_timeout_ms,
                "fetch_timeout_ms",
                10,
                600_000,
                10_000,
            )?),
            host_concurrency: ranged(&self.host_concurrency, "host_concurrency", 1, 64, 2)? as u32,
            min_fetch_interval: Duration::from_millis(ranged(
                &self.min_fetch_interval_ms,
                "min_fetch_interval_ms",
                0,
                60_000,
                0,
            )?),
            max_log_bytes: ranged(
                &self.max_log_bytes,
                "max_log_bytes",
                0,
                16 << 20,
                default.max_log_bytes as u64,
            )? as usize,
        })
    }
}
