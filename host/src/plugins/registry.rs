//! The plugin table: one slot per declared plugin with its current build,
//! state, reason and stats, and the JSON the admin API lists.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::loader::LoadedPlugin;
use super::manifest::PluginDecl;
use super::stats::PluginStats;

/// A plugin's state as the admin API and `/health` report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PluginState {
    Loaded,
    Failed,
    Disabled,
    Paused,
}

impl std::fmt::Display for PluginState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            PluginState::Loaded => "loaded",
            PluginState::Failed => "failed",
            PluginState::Disabled => "disabled",
            PluginState::Paused => "paused",
        })
    }
}

/// One declared plugin.
pub struct Slot {
    pub decl: PluginDecl,
    /// The build serving calls; kept when a reload of a new build fails.
    pub loaded: Option<Arc<LoadedPlugin>>,
    /// Why it failed, or why the last reload did not take.
    pub reason: Option<String>,
    pub admin_disabled: bool,
    pub stats: Arc<PluginStats>,
}

impl Slot {
    pub fn new(decl: PluginDecl) -> Slot {
        Slot {
            decl,
            loaded: None,
            reason: None,
            admin_disabled: false,
            stats: Arc::new(PluginStats::default()),
        }
    }

    pub fn state(&self, now: Instant) -> PluginState {
        if !self.decl.enabled || self.admin_disabled {
            PluginState::Disabled
        } else if self.loaded.is_none() {
            PluginState::Failed
        } else if self.stats.paused_for(now).is_some() {
            PluginState::Paused
        } else {
            PluginState::Loaded
        }
    }

    /// The reason shown next to the state.
    pub fn reason(&self, now: Instant) -> Option<String> {
        if !self.decl.enabled {
            return Some(format!(
                "disabled in plugins.toml (line {})",
                self.decl.line
            ));
        }
        if self.admin_disabled {
            return Some("disabled through the admin API".to_string());
        }
        if let Some(paused) = self.stats.paused_for(now) {
            let snapshot = self.stats.snapshot();
            return Some(format!(
                "paused for {}s after {} failed calls in a row; last error: {}",
                paused.as_secs() + 1,
                snapshot.consecutive_failures,
                snapshot.last_error.unwrap_or_default()
            ));
        }
        self.reason.clone()
    }

    pub fn status(&self, now: Instant) -> PluginStatus {
        let stats = self.stats.snapshot();
        let loaded = self.loaded.as_deref();
        PluginStatus {
            id: self.decl.id.to_string(),
            kind: self.decl.kind.to_string(),
            version: loaded.map(|plugin| plugin.version.clone()),
            wit_version: loaded.map(|plugin| plugin.wit_version.clone()),
            state: self.state(now),
            reason: self.reason(now),
            loaded_at: loaded.map(|plugin| plugin.loaded_at),
            hash: loaded.map(|plugin| plugin.hash.clone()),
            path: self.decl.path.display().to_string(),
            calls: stats.calls,
            failures: stats.failures,
            rejected: stats.rejected,
            p50_ms: stats.p50_ms,
            p95_ms: stats.p95_ms,
            last_error: stats.last_error,
        }
    }
}

/// One plugin in `GET /admin/plugins`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PluginStatus {
    pub id: String,
    /// `source` or `processor`.
    pub kind: String,
    /// The version the plugin reports, when loaded.
    pub version: Option<String>,
    /// The `jobscout:plugin` WIT version it was built for.
    pub wit_version: Option<String>,
    pub state: PluginState,
    pub reason: Option<String>,
    pub loaded_at: Option<DateTime<Utc>>,
    /// SHA-256 of the loaded `.wasm`.
    pub hash: Option<String>,
    pub path: String,
    pub calls: u64,
    pub failures: u64,
    /// Calls refused because the plugin was busy, paused or disabled.
    pub rejected: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub last_error: Option<String>,
}
