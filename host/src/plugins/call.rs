//! One call into a plugin: a fresh `Store` from the plugin's `InstancePre`, with
//! its memory limit, epoch deadline and output checks; traps become reasons.

use std::time::Instant;

use wasmtime::{Engine, Store, UpdateDeadline};

use super::loader::{LoadedPlugin, PluginPre};
use super::state::CallState;
use super::wit::latest::types::{
    JobPosting, JobQuery, Payload, ProcessorError, QueryFeature, SourceError,
};

/// Extra time past the plugin's deadline before the host abandons a call that
/// is stuck in a host import (the epoch only interrupts wasm code).
const HOST_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Why a call did not return a value.
#[derive(Debug, Clone)]
pub enum CallFailure {
    /// The plugin returned its own typed error.
    Source(SourceError),
    Processor(ProcessorError),
    /// The host stopped the plugin: trap, limit, deadline or output size.
    Contained(String),
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallFailure::Source(error) => write!(formatter, "plugin error: {error:?}"),
            CallFailure::Processor(error) => write!(formatter, "plugin error: {error:?}"),
            CallFailure::Contained(reason) => formatter.write_str(reason),
        }
    }
}

/// The metadata every plugin kind reports.
pub struct Metadata {
    pub id: String,
    pub version: String,
    pub description: String,
    pub features: Vec<QueryFeature>,
}

#[derive(Debug)]
struct DeadlineExceeded;

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("deadline exceeded")
    }
}

impl std::error::Error for DeadlineExceeded {}

/// How long `metadata()` may take, whatever the plugin's own time limit: it
/// returns constants, and a slow one would hold up every load and reload.
pub const METADATA_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// A store for one call of `plugin`, with its limits and deadline (public for the benchmarks).
pub fn new_store(engine: &Engine, plugin: &LoadedPlugin) -> Store<CallState> {
    new_store_for(engine, plugin, plugin.context.limits.timeout)
}

fn new_store_for(
    engine: &Engine,
    plugin: &LoadedPlugin,
    timeout: std::time::Duration,
) -> Store<CallState> {
    let deadline = Instant::now() + timeout;
    let mut store = Store::new(engine, CallState::new(plugin.context.clone(), deadline));
    store.limiter(|state| &mut state.limits);
    // Every epoch tick the plugin yields to the async runtime, so a busy plugin
    // never starves other requests; past the deadline it is stopped.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        if Instant::now() >= deadline {
            Err(wasmtime::Error::new(DeadlineExceeded))
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

/// Turns a wasmtime error into the reason shown to operators.
fn explain(plugin: &LoadedPlugin, store: &Store<CallState>, error: wasmtime::Error) -> String {
    let limits = &plugin.context.limits;
    let prefix = format!("plugin '{}' {}", plugin.id, plugin.version);
    if error.downcast_ref::<DeadlineExceeded>().is_some() {
        return format!(
            "{prefix} exceeded its time limit of {} ms",
            limits.timeout.as_millis()
        );
    }
    // A guest that calls `exit` (or `std::process::exit`) ends its call; say so
    // plainly rather than with the wasm backtrace the error carries.
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return format!(
            "{prefix} exited with status {} instead of returning (a plugin must return its result or error, not exit)",
            exit.0
        );
    }
    if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        match trap {
            wasmtime::Trap::StackOverflow => {
                return format!("{prefix} overflowed its stack (unbounded recursion?)")
            }
            wasmtime::Trap::UnreachableCodeReached if store.data().memory_denied() => {
                return format!(
                    "{prefix} exceeded its memory limit of {} MiB",
                    limits.memory_bytes >> 20
                );
            }
            wasmtime::Trap::UnreachableCodeReached => {
                return format!("{prefix} panicked or aborted (wasm `unreachable` executed)");
            }
            other => return format!("{prefix} trapped: {other}"),
        }
    }
    if store.data().memory_denied() {
        return format!(
            "{prefix} exceeded its memory limit of {} MiB",
            limits.memory_bytes >> 20
        );
    }
    format!("{prefix} failed: {error:#}")
}

fn contained_timeout(plugin: &LoadedPlugin) -> CallFailure {
    CallFailure::Contained(format!(
        "plugin '{}' {} exceeded its time limit of {} ms (stuck in a host call)",
        plugin.id,
        plugin.version,
        plugin.context.limits.timeout.as_millis()
    ))
}

pub async fn metadata(engine: &Engine, plugin: &LoadedPlugin) -> Result<Metadata, CallFailure> {
    let timeout = plugin.context.limits.timeout.min(METADATA_TIMEOUT);
    let mut store = new_store_for(engine, plugin, timeout);
    let budget = timeout + HOST_GRACE;
    let outcome = match &plugin.pre {
        PluginPre::Source(pre) => {
            tokio::time::timeout(budget, async {
                let meta = pre.metadata(&mut store).await?;
                Ok::<_, wasmtime::Error>(Metadata {
                    id: meta.id,
                    version: meta.version,
                    description: meta.description,
                    features: meta.features,
                })
            })
            .await
        }
        PluginPre::Processor(pre) => {
            tokio::time::timeout(budget, async {
                let meta = pre.metadata(&mut store).await?;
                Ok::<_, wasmtime::Error>(Metadata {
                    id: meta.id,
                    version: meta.version,
                    description: format!("{} ({})", meta.description, meta.operation),
                    features: Vec::new(),
                })
            })
            .await
        }
    };
    store.data().flush_output();
    let too_slow = || {
        CallFailure::Contained(format!(
            "plugin '{}' {} took longer than {} ms to answer metadata() (it should return constants)",
            plugin.id,
            plugin.version,
            timeout.as_millis()
        ))
    };
    match outcome {
        Err(_) => Err(too_slow()),
        Ok(Err(error)) if error.downcast_ref::<DeadlineExceeded>().is_some() => Err(too_slow()),
        Ok(Err(error)) => Err(CallFailure::Contained(explain(plugin, &store, error))),
        Ok(Ok(meta)) => Ok(meta),
    }
}

pub async fn search(
    engine: &Engine,
    plugin: &LoadedPlugin,
    query: &JobQuery,
) -> Result<Vec<JobPosting>, CallFailure> {
    let PluginPre::Source(pre) = &plugin.pre else {
        return Err(CallFailure::Contained(format!(
            "plugin '{}' is not a source",
            plugin.id
        )));
    };
    let mut store = new_store(engine, plugin);
    let budget = plugin.context.limits.timeout + HOST_GRACE;
    let outcome = tokio::time::timeout(budget, pre.search(&mut store, query)).await;
    store.data().flush_output();
    match outcome {
        Err(_) => Err(contained_timeout(plugin)),
        Ok(Err(error)) => Err(CallFailure::Contained(explain(plugin, &store, error))),
        Ok(Ok(Err(source_error))) => Err(CallFailure::Source(source_error)),
        Ok(Ok(Ok(postings))) => {
            let size: u64 = postings.iter().map(posting_size).sum();
            check_output(plugin, size)?;
            Ok(postings)
        }
    }
}

pub async fn process(
    engine: &Engine,
    plugin: &LoadedPlugin,
    input: &Payload,
) -> Result<Payload, CallFailure> {
    let PluginPre::Processor(pre) = &plugin.pre else {
        return Err(CallFailure::Contained(format!(
            "plugin '{}' is not a processor",
            plugin.id
        )));
    };
    let mut store = new_store(engine, plugin);
    let budget = plugin.context.limits.timeout + HOST_GRACE;
    let outcome = tokio::time::timeout(budget, pre.process(&mut store, input)).await;
    store.data().flush_output();
    match outcome {
        Err(_) => Err(contained_timeout(plugin)),
        Ok(Err(error)) => Err(CallFailure::Contained(explain(plugin, &store, error))),
        Ok(Ok(Err(processor_error))) => Err(CallFailure::Processor(processor_error)),
        Ok(Ok(Ok(output))) => {
            check_output(plugin, payload_size(&output))?;
            Ok(output)
        }
    }
}

fn check_output(plugin: &LoadedPlugin, size: u64) -> Result<(), CallFailure> {
    let limit = plugin.context.limits.max_output_bytes;
    if size > limit {
        return Err(CallFailure::Contained(format!(
            "plugin '{}' {} returned {size} bytes of output, over its limit of {limit} bytes",
            plugin.id, plugin.version
        )));
    }
    Ok(())
}

fn opt_len(text: &Option<String>) -> u64 {
    text.as_ref().map_or(0, |text| text.len() as u64)
}

/// The approximate size of a posting: the bytes of its strings and lists.
fn posting_size(posting: &JobPosting) -> u64 {
    let lists = |items: &[String]| items.iter().map(|item| item.len() as u64).sum::<u64>();
    posting.source_id.len() as u64
        + posting.title.len() as u64
        + posting.company.len() as u64
        + lists(&posting.locations)
        + posting.listing_url.len() as u64
        + opt_len(&posting.apply_url)
        + opt_len(&posting.description_html)
        + opt_len(&posting.description_text)
        + opt_len(&posting.posted_at)
        + opt_len(&posting.expires_at)
        + lists(&posting.tags)
        + posting
            .extra
            .iter()
            .map(|(key, value)| (key.len() + value.len()) as u64)
            .sum::<u64>()
        + 64
}

fn payload_size(payload: &Payload) -> u64 {
    match payload {
        Payload::Bytes(blob) => (blob.data.len() + blob.media_type.len()) as u64,
        Payload::Text(text) => text.len() as u64,
        Payload::Structured(fields) => fields
            .iter()
            .map(|(key, value)| (key.len() + value.len()) as u64)
            .sum(),
    }
}
