//! (Re)loading plugins.toml: unchanged plugins keep their instance, changed ones
//! are loaded beside the old build and swapped in atomically; a failed load
//! leaves the old build serving. A debounced file watcher triggers the same.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use notify::{RecursiveMode, Watcher as _};
use serde::Serialize;
use utoipa::ToSchema;

use super::loader::{self, sha256_hex};
use super::manifest;
use super::registry::Slot;
use super::{read, write, PluginHost};

/// What a reload did, plugin by plugin.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReloadReport {
    /// Newly loaded or swapped to a new build.
    pub loaded: Vec<String>,
    /// Kept as they were (same file and settings).
    pub unchanged: Vec<String>,
    /// Could not load; `reason` says why (the old build, if any, keeps serving).
    pub failed: Vec<ReloadFailure>,
    pub disabled: Vec<String>,
    pub removed: Vec<String>,
    /// plugins.toml itself could not be used; nothing was changed.
    pub manifest_error: Option<String>,
    pub elapsed_ms: f64,
    /// The longest time the plugin table was locked for one swap (calls wait at most this).
    pub swap_max_us: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReloadFailure {
    pub id: String,
    pub reason: String,
    /// Whether a previous build keeps serving.
    pub still_serving: bool,
}

/// Plugins loaded at once: one per core (each compile is itself parallel).
fn concurrent_loads() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get())
}

impl PluginHost {
    /// Re-reads plugins.toml and every `.wasm`, swapping what changed.
    pub async fn reload(&self) -> ReloadReport {
        let _serialized = self.reload_lock.lock().await;
        let started = Instant::now();
        let mut report = ReloadReport::default();
        let manifest = match manifest::load(&self.plugins_file) {
            Ok(manifest) => manifest,
            Err(errors) => {
                let missing_default = read(&self.slots).is_empty() && !self.plugins_file.exists();
                let message = errors.to_string();
                if missing_default {
                    tracing::info!(
                        "no plugins file at {}; no plugins loaded",
                        self.plugins_file.display()
                    );
                } else {
                    tracing::error!("plugins file not applied, plugins unchanged: {message}");
                }
                *write(&self.manifest_error) = Some(message.clone());
                report.manifest_error = Some(message);
                report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
                return report;
            }
        };
        *write(&self.manifest_error) = None;

        let declared: HashSet<String> = manifest
            .plugins
            .iter()
            .map(|decl| decl.id.to_string())
            .collect();
        let mut to_load = Vec::new();
        for decl in manifest.plugins {
            let id = decl.id.to_string();
            if !decl.enabled {
                // Disabled plugins are not loaded, so a missing file does not matter.
                let mut slots = write(&self.slots);
                let slot = slots
                    .entry(id.clone())
                    .or_insert_with(|| Slot::new(decl.clone()));
                slot.decl = decl;
                slot.loaded = None;
                slot.reason = None;
                report.disabled.push(id);
                continue;
            }
            let (previous, previous_decl) = {
                let slots = read(&self.slots);
                match slots.get(&id) {
                    Some(slot) => (slot.loaded.clone(), Some(slot.decl.clone())),
                    None => (None, None),
                }
            };
            let current_hash = tokio::fs::read(&decl.path)
                .await
                .ok()
                .map(|bytes| sha256_hex(&bytes));
            let unchanged = match (&previous, &previous_decl, &current_hash) {
                (Some(loaded), Some(old_decl), Some(hash)) => {
                    loaded.hash == *hash && old_decl.same_settings(&decl)
                }
                _ => false,
            };
            if unchanged {
                let mut slots = write(&self.slots);
                if let Some(slot) = slots.get_mut(&id) {
                    slot.decl = decl;
                    slot.reason = None;
                }
                report.unchanged.push(id);
                continue;
            }
            to_load.push(decl);
        }
        // Changed and failed plugins load side by side (a few at a time, so
        // compiling stays within the machine), then swap in manifest order: one
        // slow plugin no longer delays the others by its whole load.
        let loads = futures::stream::iter(to_load)
            .map(|decl| async move {
                let outcome = match self.runtime() {
                    Ok(runtime) => loader::load(runtime, &decl).await,
                    Err(reason) => Err(reason),
                };
                (decl, outcome)
            })
            .buffered(concurrent_loads());
        let outcomes: Vec<_> = loads.collect().await;
        for (decl, outcome) in outcomes {
            let id = decl.id.to_string();
            let swap_started = Instant::now();
            let mut slots = write(&self.slots);
            let slot = slots
                .entry(id.clone())
                .or_insert_with(|| Slot::new(decl.clone()));
            match outcome {
                Ok(plugin) => {
                    let (version, short_hash) =
                        (plugin.version.clone(), plugin.hash[..12].to_string());
                    // The swap: new calls take the new build; calls in flight hold
                    // their own Arc to the old one and finish on it.
                    slot.loaded = Some(Arc::new(plugin));
                    slot.decl = decl;
                    slot.reason = None;
                    slot.stats.reset_breaker();
                    drop(slots);
                    report.swap_max_us = report
                        .swap_max_us
                        .max(swap_started.elapsed().as_micros() as u64);
                    tracing::info!(plugin = %id, %version, hash = %short_hash, "plugin loaded");
                    report.loaded.push(id);
                }
                Err(reason) => {
                    let still_serving = slot.loaded.is_some();
                    if let Some(old) = &slot.loaded {
                        tracing::warn!(
                            "plugin '{id}' reload failed, still serving {} ({}): {reason}",
                            old.version,
                            &old.hash[..12]
                        );
                        slot.reason = Some(format!(
                            "reload failed, still serving version {} ({}): {reason}",
                            old.version,
                            &old.hash[..12]
                        ));
                    } else {
                        tracing::warn!("plugin '{id}' skipped: {reason}");
                        slot.decl = decl;
                        slot.reason = Some(reason.clone());
                    }
                    report.failed.push(super::reload::ReloadFailure {
                        id,
                        reason,
                        still_serving,
                    });
                }
            }
        }
        {
            let mut slots = write(&self.slots);
            let removed: Vec<String> = slots
                .keys()
                .filter(|id| !declared.contains(*id))
                .cloned()
                .collect();
            for id in removed {
                slots.remove(&id);
                tracing::info!(plugin = %id, "plugin removed from plugins.toml; unloaded");
                report.removed.push(id);
            }
        }
        report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Some(watcher) = self
            .watcher
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
        {
            watcher.rewatch(self.watched_paths());
        }
        report
    }

    /// plugins.toml and every declared `.wasm`.
    fn watched_paths(&self) -> Vec<PathBuf> {
        let mut paths = vec![self.plugins_file.clone()];
        paths.extend(
            read(&self.slots)
                .values()
                .map(|slot| slot.decl.path.clone()),
        );
        paths
    }
}

/// Watches the directories of the watched files (editors and `cargo build`
/// replace files, which a watch on the file itself would lose).
pub struct Watcher {
    inner: notify::RecommendedWatcher,
    directories: HashSet<PathBuf>,
    files: Arc<std::sync::Mutex<HashSet<PathBuf>>>,
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Watcher {
    fn rewatch(&mut self, paths: Vec<PathBuf>) {
        let files: HashSet<PathBuf> = paths.iter().map(|path| absolute(path)).collect();
        let directories: HashSet<PathBuf> = files
            .iter()
            .filter_map(|file| file.parent().map(PathBuf::from))
            .filter(|directory| directory.is_dir())
            .collect();
        for gone in self.directories.difference(&directories) {
            let _ = self.inner.unwatch(gone);
        }
        for added in directories.difference(&self.directories) {
            if let Err(error) = self.inner.watch(added, RecursiveMode::NonRecursive) {
                tracing::warn!(directory = %added.display(), "cannot watch for plugin changes: {error}");
            }
        }
        self.directories = directories;
        *self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = files;
    }
}

/// Starts the debounced watcher; it stops when the host is dropped.
pub fn watch(host: &Arc<PluginHost>) {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<()>();
    let files = Arc::new(std::sync::Mutex::new(HashSet::new()));
    let watched = files.clone();
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        let files = watched
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if event.paths.iter().any(|path| files.contains(path)) {
            let _ = sender.send(());
        }
    };
    let inner = match notify::recommended_watcher(handler) {
        Ok(inner) => inner,
        Err(error) => {
            tracing::warn!("plugin hot reload disabled: cannot watch files: {error}");
            return;
        }
    };
    let mut watcher = Watcher {
        inner,
        directories: HashSet::new(),
        files,
    };
    watcher.rewatch(host.watched_paths());
    *host
        .watcher
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(watcher);

    let weak: Weak<PluginHost> = Arc::downgrade(host);
    let debounce: Duration = host.options.watch_debounce;
    tokio::spawn(async move {
        while receiver.recv().await.is_some() {
            // Wait for the writes to settle: a build touches a file many times.
            loop {
                match tokio::time::timeout(debounce, receiver.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            let Some(host) = weak.upgrade() else { return };
            let report = host.reload().await;
            tracing::info!(
                loaded = ?report.loaded,
                failed = report.failed.len(),
                "plugins reloaded after a file change"
            );
        }
    });
}
