//! A host with exactly one plugin, declared in memory rather than in plugins.toml:
//! what `jobscout plugin run` and `jobscout plugin check` call through, so an
//! author sees the same sandbox, limits and egress policy as the server.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use super::loader::{self, Runtime};
use super::manifest::PluginDecl;
use super::registry::Slot;
use super::{engine, write, HostOptions, PluginHost};
use crate::ai::AiProvider;
use crate::config::Settings;

/// The engine, linker and egress the way the server builds them, without a
/// compile cache (one-off runs leave nothing behind) and with no AI provider.
pub fn runtime(egress_allow_local: &[String]) -> anyhow::Result<Runtime> {
    let (engine, cache) = engine::build(None)?;
    engine::start_epoch_ticker(&engine);
    let egress = Arc::new(crate::net::Egress::new(egress_allow_local)?);
    Runtime::new(engine, cache, egress)
}

use super::call_pool::CallPool;

impl PluginHost {
    /// Loads `decl` as the only plugin, with the AI provider of `settings` (a
    /// plugin granted `[plugin.ai]` calls it as on the server). The error is the
    /// loader's reason, as the server would log it.
    pub async fn single(decl: PluginDecl, settings: &Settings) -> Result<Arc<PluginHost>, String> {
        let runtime = runtime(&settings.egress_allow_local)
            .map_err(|error| format!("the plugin runtime could not start: {error:#}"))?
            .with_ai(Arc::new(AiProvider::new(&settings.ai)));
        let loaded = loader::load(&runtime, &decl).await?;
        let id = decl.id.to_string();
        let mut slot = Slot::new(decl);
        slot.loaded = Some(Arc::new(loaded));
        let host = PluginHost {
            egress: Ok(runtime.egress.clone()),
            ai: runtime.ai.clone(),
            runtime: OnceLock::from(Ok(runtime)),
            plugin_cache_dir: PathBuf::new(),
            plugins_file: PathBuf::new(),
            // The author's CLI reads its secrets from the environment, as documented.
            secret_values: crate::config::SecretValues::process_environment(),
            options: HostOptions {
                watch: false,
                ..HostOptions::default()
            },
            slots: RwLock::new(BTreeMap::new()),
            manifest_error: RwLock::new(None),
            reload_lock: tokio::sync::Mutex::new(()),
            watcher: Mutex::new(None),
            calls: CallPool::new(
                settings.plugin_call_threads,
                settings.plugin_max_concurrent_calls,
            )
            .map_err(|error| format!("the plugin call pool could not start: {error}")),
        };
        write(&host.slots).insert(id, slot);
        Ok(Arc::new(host))
    }

    /// The loaded build of plugin `id`, for reports (version, WIT version, fetch mode).
    pub fn loaded(&self, id: &str) -> Option<Arc<loader::LoadedPlugin>> {
        super::read(&self.slots)
            .get(id)
            .and_then(|slot| slot.loaded.clone())
    }
}
