//! The Apply Workspace's service layer: job targets (parse, import, edit), resume
//! files and analysis, trust reports, and apply packs. The work itself is done by processor
//! plugins (`docs/processors.md`), which do no I/O; this module feeds them, fetches
//! what they need under the egress policy ([`fetch`]), and stores the results.
//! HTTP handlers (`http::apply`) are thin wrappers over it.

pub mod billing;
pub mod documents;
pub mod fetch;
pub mod jobs;
pub mod packs;
pub mod paid;
pub mod plans;
pub mod processors;
pub mod quota;
pub mod referrals;
pub mod resume;
pub mod tracker;
pub mod trust;

use std::sync::Arc;

use crate::config::Settings;
use crate::plugins::PluginHost;
use crate::storage::Pool;

pub use fetch::HostFetcher;

/// Why an Apply-Workspace operation did not succeed. `http::apply` maps each to a status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the input is of a handled kind but broken, or the request lacks something.
    #[error("{0}")]
    Invalid(String),
    /// 403: a quota is used up or the credits do not cover the cost.
    #[error("{0}")]
    Forbidden(String),
    /// 404: the job target does not exist or is not the caller's.
    #[error("{0}")]
    NotFound(String),
    /// 413: an upload larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// 415: a kind of document that is not handled.
    #[error("{0}")]
    Unsupported(String),
    /// 503: a processor is missing, failed to load, is disabled or misbehaved, or
    /// a feature needs AI that is not configured.
    #[error("{0}")]
    Unavailable(String),
    /// 502/503: the AI provider failed (`AiError::status` and `detail`).
    #[error("{feature}: {error}")]
    Ai {
        feature: &'static str,
        error: crate::ai::AiError,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the service needs from the application state.
#[derive(Clone)]
pub struct Apply {
    pub pool: Pool,
    pub plugins: Arc<PluginHost>,
    pub settings: Arc<Settings>,
    pub fetcher: Arc<HostFetcher>,
    pub ai: Arc<crate::ai::AiProvider>,
}

/// SHA-256 of `text` as lowercase hex.
pub fn sha256_hex(text: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(text)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
