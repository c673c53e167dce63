//! The plugin runtime: loads the WebAssembly components declared in `plugins.toml`
//! and runs them sandboxed (see `docs/plugins.md`).
//!
//! - [`manifest`] parses plugins.toml; [`loader`] turns an entry into a ready plugin;
//! - [`call`] runs one call in a fresh store; [`state`] is the host side of the imports,
//!   [`ai_import`] of the `ai` import within a plugin's [`ai_grant`];
//! - [`wit`] holds the bindings of every supported WIT version and adapts the older ones;
//! - every fetch a plugin makes goes through [`crate::net`], the egress policy;
//! - [`registry`] and [`stats`] track states, counters and the circuit breaker;
//! - [`reload`] swaps plugins atomically and watches the files.

pub mod ai_grant;
pub mod ai_import;
pub mod call;
pub mod call_pool;
pub mod engine;
pub mod limits;
pub mod loader;
pub mod manifest;
pub mod registry;
pub mod reload;
pub mod single;
pub mod state;
pub mod stats;
pub mod wit;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Instant;

use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Settings;

pub use call::CallFailure;
pub use manifest::{PluginId, PluginKind};
pub use registry::{PluginState, PluginStatus};
pub use stats::BreakerPolicy;
/// The data types of the plugin contract, for the scrape pipeline and processors.
pub use wit::latest::types;

use loader::{LoadedPlugin, Runtime};
use registry::Slot;
use types::{JobPosting, JobQuery, Payload, ProcessorError, SourceError};

/// Counts of plugins by state, as `/health` reports them.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PluginsSummary {
    pub total: usize,
    pub loaded: usize,
    pub failed: usize,
    pub disabled: usize,
    pub paused: usize,
}

/// Tunables that are not settings (tests shorten them).
#[derive(Debug, Clone)]
pub struct HostOptions {
    pub breaker: BreakerPolicy,
    /// Watch plugins.toml and the `.wasm` files and reload on change.
    pub watch: bool,
    /// Quiet time after the last file event before reloading.
    pub watch_debounce: std::time::Duration,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            breaker: BreakerPolicy::default(),
            watch: true,
            watch_debounce: std::time::Duration::from_millis(300),
        }
    }
}

/// Why a plugin call did not produce a result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PluginError {
    #[error("no plugin '{0}' is declared in plugins.toml")]
    NotFound(String),
    #[error("plugin '{id}' is {state}: {reason}")]
    Unavailable {
        id: String,
        state: PluginState,
        reason: String,
    },
    #[error(
        "plugin '{id}' is busy: {limit} calls are already running (limits.max_concurrent_calls)"
    )]
    Busy { id: String, limit: u32 },
    #[error("plugin '{id}' is a {kind}, it cannot {operation}")]
    WrongKind {
        id: String,
        kind: PluginKind,
        operation: &'static str,
    },
    #[error("plugin '{id}' {version} returned an error: {error:?}")]
    Source {
        id: String,
        version: String,
        error: SourceError,
    },
    #[error("plugin '{id}' {version} returned an error: {error:?}")]
    Processor {
        id: String,
        version: String,
        error: ProcessorError,
    },
    /// The host stopped the call (trap, limit, deadline, output size).
    #[error("{0}")]
    Contained(String),
}

/// Owns every plugin. Shared behind an `Arc`; all methods take `&self`.
pub struct PluginHost {
    /// Built on the first load, so a host without plugins creates no engine and
    /// no cache directory. `Err` says why the engine could not be created.
    runtime: OnceLock<Result<Runtime, String>>,
    plugin_cache_dir: PathBuf,
    /// The one outbound HTTP service: plugins' fetches and the host's own share
    /// its client and per-host politeness. `Err` says why it could not start.
    egress: Result<Arc<crate::net::Egress>, String>,
    plugins_file: PathBuf,
    /// Where declared secrets are found (environment, then `.env`).
    secret_values: crate::config::SecretValues,
    /// The one AI provider: the host's own calls and plugins granted `[plugin.ai]`.
    ai: Arc<crate::ai::AiProvider>,
    options: HostOptions,
    slots: RwLock<BTreeMap<String, Slot>>,
    /// Why plugins.toml could not be read, if it could not.
    manifest_error: RwLock<Option<String>>,
    reload_lock: tokio::sync::Mutex<()>,
    watcher: Mutex<Option<reload::Watcher>>,
    /// Where calls run: threads of their own, never the HTTP workers.
    /// `Err` says why the pool could not start (no call can run then).
    calls: Result<call_pool::CallPool, String>,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PluginHost")
            .field("plugins_file", &self.plugins_file)
            .field("summary", &self.summary())
            .finish_non_exhaustive()
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl PluginHost {
    /// Loads the plugins of `settings.plugins_file`. Never fails: a plugin that
    /// cannot load is recorded as failed and skipped.
    pub async fn start(settings: &Settings) -> Arc<PluginHost> {
        Self::start_with(settings, HostOptions::default()).await
    }

    pub async fn start_with(settings: &Settings, options: HostOptions) -> Arc<PluginHost> {
        let host = Arc::new(PluginHost {
            runtime: OnceLock::new(),
            plugin_cache_dir: settings.plugin_cache_dir.clone(),
            egress: crate::net::Egress::new(&settings.egress_allow_local)
                .map(|egress| {
                    Arc::new(egress.with_host_concurrency(settings.egress_host_concurrency))
                })
                .map_err(|error| {
                    tracing::error!("the outbound HTTP client could not start: {error:#}");
                    format!("{error:#}")
                }),
            plugins_file: settings.plugins_file.clone(),
            secret_values: settings.secret_values.clone(),
            ai: Arc::new(crate::ai::AiProvider::new(&settings.ai)),
            options,
            slots: RwLock::new(BTreeMap::new()),
            manifest_error: RwLock::new(None),
            reload_lock: tokio::sync::Mutex::new(()),
            watcher: Mutex::new(None),
            calls: call_pool::CallPool::new(
                settings.plugin_call_threads,
                settings.plugin_max_concurrent_calls,
            )
            .map_err(|error| {
                tracing::error!("the plugin call pool could not start: {error}");
                format!("the plugin call pool could not start: {error}")
            }),
        });
        let started = Instant::now();
        let report = host.reload().await;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "plugins: {} loaded, {} failed, {} disabled",
            report.loaded.len(),
            report.failed.len(),
            report.disabled.len()
        );
        if host.options.watch {
            reload::watch(&host);
        }
        host
    }

    /// The outbound HTTP service, for the host's own fetches too.
    pub fn egress(&self) -> Result<Arc<crate::net::Egress>, String> {
        self.egress.clone()
    }

    /// The AI provider, shared with the host's own features (`AppState::ai`).
    pub fn ai(&self) -> Arc<crate::ai::AiProvider> {
        self.ai.clone()
    }

    /// The engine and linker, created on first use.
    fn runtime(&self) -> Result<&Runtime, String> {
        self.runtime
            .get_or_init(|| {
                engine::build(Some(&self.plugin_cache_dir))
                    .and_then(|(engine, cache)| {
                        engine::start_epoch_ticker(&engine);
                        let egress = self.egress.clone().map_err(anyhow::Error::msg)?;
                        Runtime::new(engine, cache, egress).map(|runtime| {
                            runtime
                                .with_secret_values(self.secret_values.clone())
                                .with_ai(self.ai.clone())
                        })
                    })
                    .map_err(|error| {
                        tracing::error!(
                            "plugin runtime unavailable, no plugin will load: {error:#}"
                        );
                        format!("the plugin runtime could not start: {error:#}")
                    })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn summary(&self) -> PluginsSummary {
        let now = Instant::now();
        let slots = read(&self.slots);
        let mut summary = PluginsSummary {
            total: slots.len(),
            ..PluginsSummary::default()
        };
        for slot in slots.values() {
            match slot.state(now) {
                PluginState::Loaded => summary.loaded += 1,
                PluginState::Failed => summary.failed += 1,
                PluginState::Disabled => summary.disabled += 1,
                PluginState::Paused => summary.paused += 1,
            }
        }
        summary
    }

    /// Every declared plugin, by id.
    pub fn list(&self) -> Vec<PluginStatus> {
        let now = Instant::now();
        read(&self.slots)
            .values()
            .map(|slot| slot.status(now))
            .collect()
    }

    pub fn status(&self, id: &str) -> Option<PluginStatus> {
        read(&self.slots)
            .get(id)
            .map(|slot| slot.status(Instant::now()))
    }

    /// Compile-cache (hits, misses) since start, when the cache is on.
    pub fn compile_cache_stats(&self) -> Option<(usize, usize)> {
        let cache = self.runtime.get()?.as_ref().ok()?.cache.as_ref()?;
        Some((cache.cache_hits(), cache.cache_misses()))
    }

    /// Why plugins.toml could not be used at the last (re)load, if so.
    pub fn manifest_error(&self) -> Option<String> {
        read(&self.manifest_error).clone()
    }

    /// Ids of the sources that can be called now.
    pub fn sources(&self) -> Vec<String> {
        let now = Instant::now();
        read(&self.slots)
            .values()
            .filter(|slot| {
                slot.decl.kind == PluginKind::Source && slot.state(now) == PluginState::Loaded
            })
            .map(|slot| slot.decl.id.to_string())
            .collect()
    }

    /// The query features source `id` reported in its metadata, when it is loaded.
    pub fn source_features(&self, id: &str) -> Option<Vec<types::QueryFeature>> {
        read(&self.slots)
            .get(id)
            .and_then(|slot| slot.loaded.as_ref())
            .filter(|loaded| loaded.kind == PluginKind::Source)
            .map(|loaded| loaded.features.clone())
    }

    /// Enables or disables a plugin through the admin API. Enabling also
    /// clears its circuit breaker.
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<PluginStatus, PluginError> {
        let mut slots = write(&self.slots);
        let slot = slots
            .get_mut(id)
            .ok_or_else(|| PluginError::NotFound(id.to_string()))?;
        if enabled && !slot.decl.enabled {
            return Err(PluginError::Unavailable {
                id: id.to_string(),
                state: PluginState::Disabled,
                reason: format!(
                    "it is disabled in plugins.toml (line {}); set enabled = true there and reload",
                    slot.decl.line
                ),
            });
        }
        slot.admin_disabled = !enabled;
        if enabled {
            slot.stats.reset_breaker();
        }
        tracing::info!(
            plugin = id,
            enabled,
            "plugin {} through the admin API",
            if enabled { "enabled" } else { "disabled" }
        );
        Ok(slot.status(Instant::now()))
    }

    /// Picks the build to call and checks the plugin may be called now.
    fn acquire(
        &self,
        id: &str,
    ) -> Result<(Arc<LoadedPlugin>, Arc<stats::PluginStats>), PluginError> {
        let now = Instant::now();
        let slots = read(&self.slots);
        let slot = slots
            .get(id)
            .ok_or_else(|| PluginError::NotFound(id.to_string()))?;
        let state = slot.state(now);
        match (&slot.loaded, state) {
            (Some(loaded), PluginState::Loaded) => Ok((loaded.clone(), slot.stats.clone())),
            _ => {
                slot.stats.record_rejected();
                Err(PluginError::Unavailable {
                    id: id.to_string(),
                    state,
                    reason: slot.reason(now).unwrap_or_else(|| "not loaded".to_string()),
                })
            }
        }
    }

    fn finish<T>(
        &self,
        plugin: &LoadedPlugin,
        stats: &stats::PluginStats,
        started: Instant,
        result: Result<T, CallFailure>,
    ) -> Result<T, PluginError> {
        let elapsed = started.elapsed();
        let outcome = match &result {
            Ok(_) => "ok",
            Err(CallFailure::Contained(_)) => "contained",
            Err(_) => "error",
        };
        metrics::counter!("jobscout_plugin_calls_total", "plugin" => plugin.id.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("jobscout_plugin_call_duration_seconds", "plugin" => plugin.id.clone())
            .record(elapsed.as_secs_f64());
        match result {
            Ok(value) => {
                stats.record(elapsed, Ok(()), &self.options.breaker);
                Ok(value)
            }
            Err(failure) => {
                // A plugin refusing input it cannot serve (a bad query, a broken
                // document a user uploaded) is not unhealthy: only its own failures
                // count towards pausing it, or a few bad uploads would pause it for all.
                let counts = !matches!(
                    failure,
                    CallFailure::Source(SourceError::InvalidQuery(_))
                        | CallFailure::Processor(
                            ProcessorError::InvalidInput(_) | ProcessorError::UnsupportedInput(_)
                        )
                );
                let message = failure.to_string();
                stats.record(elapsed, Err((&message, counts)), &self.options.breaker);
                if let Some(paused) = stats.paused_for(Instant::now()) {
                    tracing::warn!(plugin = %plugin.id, "plugin paused for {}s after repeated failures: {message}", paused.as_secs());
                    metrics::counter!("jobscout_plugin_pauses_total", "plugin" => plugin.id.clone()).increment(1);
                }
                Err(match failure {
                    CallFailure::Source(error) => PluginError::Source {
                        id: plugin.id.clone(),
                        version: plugin.version.clone(),
                        error,
                    },
                    CallFailure::Processor(error) => PluginError::Processor {
                        id: plugin.id.clone(),
                        version: plugin.version.clone(),
                        error,
                    },
                    CallFailure::Contained(reason) => {
                        tracing::warn!(plugin = %plugin.id, "plugin call contained: {reason}");
                        PluginError::Contained(reason)
                    }
                })
            }
        }
    }

    fn permit(
        plugin: &LoadedPlugin,
        stats: &stats::PluginStats,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, PluginError> {
        plugin.permits.clone().try_acquire_owned().map_err(|_| {
            stats.record_rejected();
            metrics::counter!("jobscout_plugin_calls_total", "plugin" => plugin.id.clone(), "outcome" => "busy")
                .increment(1);
            PluginError::Busy {
                id: plugin.id.clone(),
                limit: plugin.context.limits.max_concurrent_calls,
            }
        })
    }

    /// Runs a job search on source `id`.
    pub async fn search(&self, id: &str, query: &JobQuery) -> Result<Vec<JobPosting>, PluginError> {
        let query = query.clone();
        self.run_call(
            id,
            PluginKind::Source,
            "search",
            |engine, plugin| async move {
                let query = honoured_query(&query, &plugin.features);
                call::search(&engine, &plugin, &query).await
            },
        )
        .await
    }

    /// Runs processor `id` on `input`.
    pub async fn process(&self, id: &str, input: &Payload) -> Result<Payload, PluginError> {
        let input = input.clone();
        self.run_call(
            id,
            PluginKind::Processor,
            "process",
            |engine, plugin| async move { call::process(&engine, &plugin, &input).await },
        )
        .await
    }

    /// One `operation` of plugin `id`, which must be of `kind`: its permit, the
    /// call on the pool, and the call's stats and metrics.
    async fn run_call<T, Call>(
        &self,
        id: &str,
        kind: PluginKind,
        operation: &'static str,
        call: impl FnOnce(wasmtime::Engine, Arc<LoadedPlugin>) -> Call,
    ) -> Result<T, PluginError>
    where
        T: Send + 'static,
        Call: std::future::Future<Output = Result<T, CallFailure>> + Send + 'static,
    {
        let (plugin, stats) = self.acquire(id)?;
        if plugin.kind != kind {
            return Err(PluginError::WrongKind {
                id: id.to_string(),
                kind: plugin.kind,
                operation,
            });
        }
        let permit = Self::permit(&plugin, &stats)?;
        let engine = self
            .runtime()
            .map_err(PluginError::Contained)?
            .engine
            .clone();
        let started = Instant::now();
        let result = self
            .on_pool(&plugin, call(engine, plugin.clone()), permit)
            .await;
        self.finish(&plugin, &stats, started, result)
    }

    /// Runs one call of `plugin` on the call pool, holding its `permit` until
    /// the call ends.
    async fn on_pool<T: Send + 'static>(
        &self,
        plugin: &LoadedPlugin,
        call: impl std::future::Future<Output = Result<T, CallFailure>> + Send + 'static,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Result<T, CallFailure> {
        let pool = self
            .calls
            .as_ref()
            .map_err(|reason| CallFailure::Contained(reason.clone()))?;
        pool.run(call, permit).await.unwrap_or_else(|reason| {
            Err(CallFailure::Contained(format!(
                "plugin '{}' {}: {reason}",
                plugin.id, plugin.version
            )))
        })
    }
}

/// The query as the source declared it can serve: fields of features it does
/// not list are cleared, so a plugin never half-applies a filter. The caller
/// filters the results itself for those.
fn honoured_query(query: &JobQuery, features: &[types::QueryFeature]) -> JobQuery {
    use types::QueryFeature;
    let honours = |feature: QueryFeature| features.contains(&feature);
    JobQuery {
        keywords: query.keywords.clone(),
        location: query
            .location
            .clone()
            .filter(|_| honours(QueryFeature::Location)),
        remote_only: query.remote_only && honours(QueryFeature::RemoteOnly),
        employment_types: if honours(QueryFeature::EmploymentTypes) {
            query.employment_types.clone()
        } else {
            Vec::new()
        },
        posted_since: query
            .posted_since
            .clone()
            .filter(|_| honours(QueryFeature::PostedSince)),
        limit: query.limit,
        cursor: query
            .cursor
            .clone()
            .filter(|_| honours(QueryFeature::Cursor)),
    }
}
