//! Turns one plugins.toml entry into a ready-to-call plugin: read, hash, check
//! the WIT version, compile (through the cache), link, type-check the world and
//! ask the plugin for its metadata. Every failure is one sentence naming why.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use wasmtime::component::{Component, Linker};
use wasmtime::Engine;

use super::ai_grant::TokenBudget;
use super::call;
use super::manifest::{PluginDecl, PluginKind};
use super::state::{CallState, PluginAi, PluginContext};
use super::wit::versioned::{self, ProcessorPre, SourcePre, WorldVersion};
use super::wit::{self, latest};
use crate::ai::AiProvider;
use crate::config::{AiSettings, SecretValues};
use crate::net::recording::{FetchSetting, Recorded, Recorder};
use crate::net::{Egress, FetchMode, FetchRules};

/// The engine, the linker with every host import, and the shared egress.
pub struct Runtime {
    pub engine: Engine,
    pub linker: Linker<CallState>,
    pub egress: Arc<Egress>,
    /// The compile cache, kept for its hit and miss counters.
    pub cache: Option<wasmtime::Cache>,
    /// Where declared secrets are looked up (the server's: environment, then `.env`).
    pub secret_values: SecretValues,
    /// The AI provider plugins granted `[plugin.ai]` call through.
    pub ai: Arc<AiProvider>,
    /// Token budgets by plugin id, kept across reloads.
    ai_budgets: Mutex<HashMap<String, Arc<TokenBudget>>>,
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
        versioned::add_to_linker(&mut linker).map_err(|error| anyhow::anyhow!("{error}"))?;
        Ok(Runtime {
            engine,
            linker,
            egress,
            cache,
            secret_values: SecretValues::process_environment(),
            ai: Arc::new(AiProvider::new(&AiSettings::unconfigured())),
            ai_budgets: Mutex::new(HashMap::new()),
        })
    }

    /// Serves `[plugin.ai]` grants with `provider` (the server's).
    pub fn with_ai(mut self, provider: Arc<AiProvider>) -> Self {
        self.ai = provider;
        self
    }

    /// The budget of plugin `id`, created on first use; a changed
    /// `tokens_per_day` applies to it at once.
    fn ai_budget(&self, id: &str, tokens_per_day: u64) -> Arc<TokenBudget> {
        let mut budgets = self
            .ai_budgets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let budget = budgets
            .entry(id.to_string())
            .or_insert_with(|| Arc::new(TokenBudget::new(tokens_per_day)));
        budget.set_per_day(tokens_per_day);
        budget.clone()
    }

    /// Looks declared secrets up in `values` rather than the process environment alone.
    pub fn with_secret_values(mut self, values: SecretValues) -> Self {
        self.secret_values = values;
        self
    }
}

/// The typed, pre-linked component of a plugin: instantiating it per call is cheap.
pub enum PluginPre {
    Source(SourcePre),
    Processor(ProcessorPre),
}

/// A linked plugin and the WIT version its exports speak.
pub struct Linked {
    pub pre: PluginPre,
    pub version: WorldVersion,
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

/// Why the host refuses a component, before plugins.toml context is added
/// (`jobscout plugin check` reports the same refusals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not WebAssembly, a core module, or a damaged version section.
    NotComponent(String),
    /// Built for a WIT version this host does not load.
    UnsupportedVersion(String),
    /// Imports something the sandbox does not provide.
    MissingImport(String),
    /// Does not export the world of the requested kind.
    WrongWorld { kind: PluginKind, detail: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotComponent(message) | Refusal::UnsupportedVersion(message) => {
                formatter.write_str(message)
            }
            Refusal::MissingImport(detail) => write!(
                formatter,
                "it needs an import this host does not provide (was it built for another jobscout:plugin version?): {detail}"
            ),
            Refusal::WrongWorld { kind, detail } => write!(
                formatter,
                "it does not export the `{}` world that kind = \"{kind}\" needs: {detail}",
                kind.world()
            ),
        }
    }
}

/// A compiled component and the WIT version its SDK declared.
pub struct Compiled {
    pub component: Component,
    pub declared: Option<semver::Version>,
}

/// Checks the version section and compiles `bytes` (named `path` in messages).
pub async fn compile(
    runtime: &Runtime,
    path: &std::path::Path,
    bytes: Vec<u8>,
) -> Result<Compiled, Refusal> {
    if !bytes.starts_with(b"\0asm") {
        return Err(Refusal::NotComponent(format!(
            "{} is not a valid WebAssembly component: it does not start with the WebAssembly header (\\0asm)",
            path.display()
        )));
    }
    if is_core_module(&bytes) {
        return Err(Refusal::NotComponent(format!(
            "{} is a core WebAssembly module, not a component: build it for wasm32-wasip2 with the SDK (`jobscout plugin build`)",
            path.display()
        )));
    }
    let declared = wit::declared_version(&bytes).map_err(|reason| {
        // `reason` is either "not a valid WebAssembly component: …" or about the section.
        let joiner = if reason.starts_with("not ") {
            " is"
        } else {
            ":"
        };
        Refusal::NotComponent(format!("{}{joiner} {reason}", path.display()))
    })?;
    if let Some(version) = &declared {
        wit::check_supported(version).map_err(Refusal::UnsupportedVersion)?;
    }
    let engine = runtime.engine.clone();
    let component = tokio::task::spawn_blocking(move || Component::new(&engine, &bytes))
        .await
        .map_err(|error| Refusal::NotComponent(format!("compiling panicked: {error}")))?
        .map_err(|error| {
            Refusal::NotComponent(format!(
                "{} is not a valid WebAssembly component: {error}",
                path.display()
            ))
        })?;
    Ok(Compiled {
        component,
        declared,
    })
}

/// Whether `bytes` start like a core module (wasm preamble with a module version).
fn is_core_module(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[..4] == *b"\0asm" && bytes[4..8] == [1, 0, 0, 0]
}

/// Links `component` against the host imports and type-checks the world of
/// `kind` in the version the component exports (the latest when it exports none).
pub fn link(runtime: &Runtime, component: &Component, kind: PluginKind) -> Result<Linked, Refusal> {
    let instance_pre = runtime
        .linker
        .instantiate_pre(component)
        .map_err(|error| Refusal::MissingImport(error.to_string()))?;
    let wrong_world = |error: wasmtime::Error| Refusal::WrongWorld {
        kind,
        detail: error.to_string(),
    };
    let version = WorldVersion::of(component, &runtime.engine).unwrap_or(WorldVersion::LATEST);
    let pre = match kind {
        PluginKind::Source => {
            PluginPre::Source(SourcePre::new(instance_pre, version).map_err(wrong_world)?)
        }
        PluginKind::Processor => {
            PluginPre::Processor(ProcessorPre::new(instance_pre, version).map_err(wrong_world)?)
        }
    };
    Ok(Linked { pre, version })
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
    let compiled = compile(runtime, path, bytes)
        .await
        .map_err(|refusal| refusal.to_string())?;
    let linked = link(runtime, &compiled.component, decl.kind).map_err(|refusal| match refusal {
        Refusal::WrongWorld { kind, detail } => format!(
            "it does not export the `{}` world that kind = \"{kind}\" needs (check `kind` on line {} of plugins.toml): {detail}",
            kind.world(),
            decl.line
        ),
        other => other.to_string(),
    })?;
    finish(runtime, decl, linked, compiled.declared, hash).await
}

/// Gives a linked plugin its context (limits, config, secrets, fetch rules) and
/// reads its metadata, as every load does.
pub async fn finish(
    runtime: &Runtime,
    decl: &PluginDecl,
    linked: Linked,
    declared: Option<semver::Version>,
    hash: String,
) -> Result<LoadedPlugin, String> {
    let mode = match &decl.fetch {
        FetchSetting::Live => FetchMode::Live,
        FetchSetting::Replay(dir) => FetchMode::Replay(Arc::new(
            Recorded::open(dir).map_err(|error| format!("its fixtures cannot be used: {error}"))?,
        )),
        FetchSetting::Record(dir) => FetchMode::Record(Arc::new(Recorder::create(dir)?)),
    };
    let secrets = decl
        .secrets
        .iter()
        .map(|name| {
            let value = runtime.secret_values.get(name);
            if value.is_none() {
                tracing::warn!(plugin = %decl.id, "secret {name} is declared but set neither in the environment nor in .env");
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
            mode,
            any_public_host: false,
            max_redirects: crate::net::DEFAULT_MAX_REDIRECTS,
        },
        egress: runtime.egress.clone(),
        ai: decl.ai.map(|grant| PluginAi {
            grant,
            provider: runtime.ai.clone(),
            budget: runtime.ai_budget(decl.id.as_str(), grant.tokens_per_day),
        }),
    });

    let mut plugin = LoadedPlugin {
        id: decl.id.to_string(),
        kind: decl.kind,
        version: String::new(),
        description: String::new(),
        wit_version: declared.map_or_else(
            || linked.version.as_str().to_string(),
            |version| version.to_string(),
        ),
        hash,
        loaded_at: Utc::now(),
        pre: linked.pre,
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
