//! Shared by the processor benches (`resume_text.rs`, `apply_packs.rs`): one
//! processor loaded on a runtime of its own, and one call's peak linear memory.

use std::path::Path;
use std::time::Duration;

use jobscout::plugins::call;
use jobscout::plugins::loader::{LoadedPlugin, PluginPre, Runtime};
use jobscout::plugins::types::Payload;

use crate::plugins_support::entry;

/// The sample at `fraction` (0.5 = p50) of `samples`, which it sorts.
pub fn percentile(samples: &mut [Duration], fraction: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * fraction).round() as usize]
}

/// Processor `id` from `wasm`, with `limits` (a `[plugin.limits]` table).
pub async fn load_processor(
    dir: &Path,
    id: &str,
    wasm: &Path,
    limits: &str,
) -> (Runtime, LoadedPlugin) {
    let (engine, _) = jobscout::plugins::engine::build(None).unwrap();
    jobscout::plugins::engine::start_epoch_ticker(&engine);
    let egress = std::sync::Arc::new(jobscout::net::Egress::new(&[]).unwrap());
    let runtime = Runtime::new(engine, None, egress).unwrap();
    let manifest = jobscout::plugins::manifest::parse(
        &format!(
            "schema_version = 1\n{}",
            entry(id, "processor", wasm, limits)
        ),
        "bench.toml",
        dir,
    )
    .unwrap();
    let loaded = jobscout::plugins::loader::load(&runtime, &manifest.plugins[0])
        .await
        .unwrap();
    (runtime, loaded)
}

/// One call on a store of our own, to read the store's memory high-water mark
/// (`PluginHost::process` drops its store). A refused input (a zip bomb) counts
/// too: the memory is what is measured.
pub async fn peak_memory(runtime: &Runtime, plugin: &LoadedPlugin, input: &Payload) -> usize {
    let PluginPre::Processor(pre) = &plugin.pre else {
        unreachable!("a processor")
    };
    let mut store = call::new_store(&runtime.engine, plugin);
    let _ = pre.process(&mut store, input).await.unwrap();
    store.data().peak_memory_bytes()
}
