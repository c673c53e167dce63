//! The one wasmtime `Engine`: component model, async, pooling allocator, epoch
//! interruption driven by a ticker thread, and the on-disk compile cache.

use std::path::Path;
use std::time::Duration;

use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
};

use super::limits::MAX_MEMORY_MIB;

/// How often the epoch advances; deadlines are checked at this granularity and
/// a busy plugin yields to the async runtime this often.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Instances that may be live at once across all plugins (one per running call).
const POOL_INSTANCES: u32 = 256;

/// Builds the engine. `cache_dir` holds compiled components keyed by the wasm's
/// hash and the engine's compatibility (compiler, version, settings).
pub fn build(cache_dir: Option<&Path>) -> anyhow::Result<(Engine, Option<Cache>)> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.max_wasm_stack(512 << 10);
    config.async_stack_size(2 << 20);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);

    let mut pooling = PoolingAllocationConfig::new();
    pooling.total_component_instances(POOL_INSTANCES);
    pooling.total_core_instances(POOL_INSTANCES * 4);
    pooling.total_memories(POOL_INSTANCES * 2);
    pooling.total_tables(POOL_INSTANCES * 4);
    pooling.total_stacks(POOL_INSTANCES);
    pooling.max_memories_per_component(4);
    pooling.max_memory_size((MAX_MEMORY_MIB as usize) << 20);
    // Component instances of Rust std components are larger than the default cap.
    pooling.max_component_instance_size(1 << 20);
    pooling.max_core_instance_size(1 << 20);
    // A reused slot keeps its first pages mapped and is reset by memset instead
    // of being unmapped, so a fresh instance per call does not page-fault its heap in again.
    pooling.linear_memory_keep_resident(4 << 20);
    pooling.table_keep_resident(64 << 10);
    // On Linux 6.7+ the reset after a call zeroes only the pages the call wrote
    // (found with the PAGEMAP_SCAN ioctl) instead of the whole kept-resident
    // prefix; elsewhere wasmtime falls back to the memset above.
    pooling.pagemap_scan(wasmtime::Enabled::Auto);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    // Each slot reserves 4 GiB of address space (not memory): every 32-bit
    // address a guest can form then lands in its slot or the guard region, so
    // Cranelift emits no bounds check on loads and stores. With a reservation
    // the size of the 64 MiB limit, every access paid an explicit check, a
    // large part of the wasm/native gap. The limit itself is enforced by the
    // pool's `max_memory_size` above.
    config.memory_reservation(4 << 30);
    config.memory_guard_size(32 << 20);
    config.memory_may_move(false);

    let mut kept_cache = None;
    if let Some(dir) = cache_dir {
        match compile_cache(dir) {
            Ok(cache) => {
                config.cache(Some(cache.clone()));
                kept_cache = Some(cache);
            }
            Err(error) => tracing::warn!(
                cache_dir = %dir.display(),
                "plugin compile cache disabled: {error:#} (check JOBSCOUT_PLUGIN_CACHE_DIR is writable)"
            ),
        }
    }
    let engine = Engine::new(&config)
        .map_err(|error| anyhow::anyhow!("cannot create the wasm engine: {error}"))?;
    Ok((engine, kept_cache))
}

fn compile_cache(dir: &Path) -> anyhow::Result<Cache> {
    std::fs::create_dir_all(dir)?;
    let mut cache_config = CacheConfig::new();
    cache_config.with_directory(dir);
    Cache::new(cache_config).map_err(|error| anyhow::anyhow!("{error}"))
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until the engine is dropped.
pub fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("plugin-epoch".to_string())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match weak.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => break,
            }
        })
        .expect("spawning the epoch thread");
}
