//! Turns one plugins.toml entry into a ready-to-call plugin: read, hash, check
//! the WIT version, compile (through the cache), link, type-check the world and
//! ask the plugin for its metadata. Every failure is one sentence naming why.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use wasmtime::component::{Component, Linker};
use wasmtime::Engine;

use super::call;
use super::egress::{Egress, FetchRules};
use super::manifest::{PluginDecl, PluginKind};
use super::state::{CallState, PluginContext};
use super::wit::{self, latest};

/// The engine, the linker with every host import, and the shared egress.
pub struct Runtime {
    pub engine: Engine,
    pub linker: Linker<CallState>,
    pub egress: Arc<Egress>,
    /// The compile cache, kept for its hit and miss counters.
    pub cache: Option<wasmtime::Cache>,
}

impl Runtime {
    pub fn new(
        engine: Engine,
        cache: Option<wasmtime::Cache>,
        egress: Arc<Egress>,
    ) -> anyhow::Result<Runtime> {
        let mut linker = Linker::<CallState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        // One set of host implementations serves both worlds: the processor
        // bindings reuse the source bindings' interfaces.
        latest::source::JobSource::add_to_linker::<
            CallState,
            wasmtime::component::HasSelf<CallState>,
        >(&mut linker, |state| state)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
        Ok(Runtime {
            engine,
            linker,
            egress,
            cache,
        })
    }
}

/// The typed, pre-linked component of a plugin: instantiating it per call is cheap.
pub enum PluginPre {
    Source(latest::source::JobSourcePre<CallState>),
    Processor(latest::processor::ProcessorPre<CallState>),
}

/// A plugin ready to be called. Calls hold an `Arc` to it, so a reload that
/// swaps in a new version lets calls in flight finish on this one.
pub struct LoadedPlugin {
    pub id: String,
    pub kind: PluginKind,
    pub version: String,
    pub description: String,
    pub wit_version: String,
    pub hash: String,
    pub loaded_at: DateTime<Utc>,
    pub pre: PluginPre,
    pub context: Arc<PluginContext>,
    pub permits: Arc<Semaphore>,
    /// The query features a source honours (empty for processors).
    pub features: Vec<latest::types::QueryFeature>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LoadedPlugin")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

/// Hex SHA-256 of a file's bytes: identifies a build in the listing and in reloads.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Loads `decl`. The error is the reason shown in logs and in the admin API.
pub async fn load(runtime: &Runtime, decl: &PluginDecl) -> Result<LoadedPlugin, String> {
    let path = &decl.path;
    let bytes = tokio::fs::read(path).await.map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => format!(
            "file {} not found (build it with `cargo xtask build-plugins` or fix `path` on line {} of plugins.toml)",
            path.display(),
            decl.line
        ),
        _ => format!("cannot read {}: {error}", path.display()),
    })?;
    let hash = sha256_hex(&bytes);

    let declared = wit::declared_version(&bytes)
        .map_err(|reason| format!("{} is {reason}", path.display()))?;
    if let Some(version) = &declared {
        wit::check_supported(version)?;
    }

    let engine = runtime.engine.clone();
    let component = tokio::task::spawn_blocking(move || Component::new(&engine, &bytes))
        .await
        .map_err(|error| format!("compiling panicked: {error}"))?
        .map_err(|error| {
            format!(
                "{} is not a valid WebAssembly component: {error}",
                path.display()
            )
        })?;

    let instance_pre = runtime.linker.instantiate_pre(&component).map_err(|error| {
        format!(
            "it needs an import this host does not provide (was it built for another jobscout:plugin version?): {error}"
        )
    })?;
    let wrong_world = |error: wasmtime::Error| {
        format!(
            "it does not export the `{}` world that kind = \"{}\" needs (check `kind` on line {} of plugins.toml): {error}",
            decl.kind.world(),
            decl.kind,
            decl.line
        )
    };
    let pre = match decl.kind {
        PluginKind::Source => {
            PluginPre::Source(latest::source::JobSourcePre::new(instance_pre).map_err(wrong_world)?)
        }
        PluginKind::Processor => PluginPre::Processor(
            latest::processor::ProcessorPre::new(instance_pre).map_err(wrong_world)?,
        ),
    };

    let secrets = decl
        .secrets
        .iter()
        .map(|name| {
            let value = std::env::var(name).ok().filter(|value| !value.is_empty());
            if value.is_none() {
                tracing::warn!(plugin = %decl.id, "secret {name} is declared but the environment variable is not set");
            }
            (name.clone(), value)
        })
        .collect();
    let context = Arc::new(PluginContext {
        id: decl.id.to_string(),
        limits: decl.limits,
        config: decl.config.clone(),
        secrets,
        fetch_rules: FetchRules {
            plugin_id: decl.id.to_string(),
            allowed_hosts: decl.allowed_hosts.clone(),
            max_response_bytes: decl.limits.max_response_bytes,
            fetch_timeout: decl.limits.fetch_timeout,
            host_concurrency: decl.limits.host_concurrency,
            min_fetch_interval: decl.limits.min_fetch_interval,
            any_public_host: false,
            max_redirects: super::egress::DEFAULT_MAX_REDIRECTS,
        },
        egress: runtime.egress.clone(),
    });

    let mut plugin = LoadedPlugin {
        id: decl.id.to_string(),
        kind: decl.kind,
        version: String::new(),
        description: String::new(),
        wit_version: declared.map_or_else(
            || latest::MIN_VERSION.to_string(),
            |version| version.to_string(),
        ),
        hash,
        loaded_at: Utc::now(),
        pre,
        context,
        permits: Arc::new(Semaphore::new(decl.limits.max_concurrent_calls as usize)),
        features: Vec::new(),
    };
    let started = Instant::now();
    let metadata = call::metadata(&runtime.engine, &plugin)
        .await
        .map_err(|error| format!("its metadata call failed: {error}"))?;
    if metadata.id != plugin.id {
        tracing::debug!(plugin = %plugin.id, reported = %metadata.id, "plugin reports a different id than plugins.toml");
    }
    plugin.version = metadata.version;
    plugin.description = metadata.description;
    plugin.features = metadata.features;
    tracing::debug!(plugin = %plugin.id, elapsed = ?started.elapsed(), "plugin metadata read");
    Ok(plugin)
}
