//! What one call's `Store` holds, and the host side of the plugin imports
//! (`http`, `log`, `config`, `secrets`; `ai` is in `ai_import.rs`).

use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::ai_grant::{AiGrant, TokenBudget};
use super::limits::PluginLimits;
use super::wit::latest::{config, http, log, secrets, types};
use crate::ai::AiProvider;
use crate::net::{Egress, FetchFailure, FetchRules, OutgoingRequest};

/// Everything about a loaded plugin that its calls share.
#[derive(Debug)]
pub struct PluginContext {
    pub id: String,
    pub limits: PluginLimits,
    pub config: Vec<(String, String)>,
    /// Declared secret names with their values, read from the environment at load.
    /// Handles given to the plugin are indexes into this list.
    pub secrets: Vec<(String, Option<String>)>,
    pub fetch_rules: FetchRules,
    pub egress: Arc<Egress>,
    /// The `[plugin.ai]` grant, the provider and the plugin's token budget.
    pub ai: Option<PluginAi>,
}

/// What a plugin granted AI may use (`ai_import.rs` serves its calls).
pub struct PluginAi {
    pub grant: AiGrant,
    pub provider: Arc<AiProvider>,
    pub budget: Arc<TokenBudget>,
}

impl std::fmt::Debug for PluginAi {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PluginAi")
            .field("grant", &self.grant)
            .finish_non_exhaustive()
    }
}

/// The data of one call's store.
pub struct CallState {
    pub plugin: Arc<PluginContext>,
    pub limits: CallLimiter,
    pub deadline: Instant,
    pub fetches: u32,
    /// Bytes written through the `log` import in this call (capped like stdout).
    pub log_bytes: usize,
    /// Whether the cap was hit and the warning about it written.
    pub log_capped: bool,
    pub stdout: MemoryOutputPipe,
    pub stderr: MemoryOutputPipe,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl CallState {
    pub fn new(plugin: Arc<PluginContext>, deadline: Instant) -> CallState {
        let limits = CallLimiter {
            memory_bytes: plugin.limits.memory_bytes,
            memory_denied: false,
            peak_memory_bytes: 0,
            memory_grants: 0,
        };
        let stdout = MemoryOutputPipe::new(plugin.limits.max_log_bytes);
        let stderr = MemoryOutputPipe::new(plugin.limits.max_log_bytes);
        // No preopened directories, no environment, no sockets: the plugin's only
        // way out is the `http` import.
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        CallState {
            plugin,
            limits,
            deadline,
            fetches: 0,
            log_bytes: 0,
            log_capped: false,
            stdout,
            stderr,
            wasi,
            table: ResourceTable::new(),
        }
    }

    /// Whether the plugin asked for more memory than its limit during this call.
    pub fn memory_denied(&self) -> bool {
        self.limits.memory_denied
    }

    /// The largest linear memory the plugin held during this call (benchmarks).
    pub fn peak_memory_bytes(&self) -> usize {
        self.limits.peak_memory_bytes
    }

    /// How many times linear memory was created or grown during this call (benchmarks).
    pub fn memory_grants(&self) -> u32 {
        self.limits.memory_grants
    }

    /// Writes what the plugin printed to the log, one event per line.
    pub fn flush_output(&self) {
        for (stream, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|line| !line.trim().is_empty())
            {
                let line = escape_controls(line);
                tracing::info!(plugin = %self.plugin.id, stream, "{line}");
            }
        }
    }
}

/// Caps linear memory and remembers a refusal, so that the trap that follows
/// (Rust aborts when an allocation fails) is reported as the memory limit.
pub struct CallLimiter {
    memory_bytes: usize,
    memory_denied: bool,
    /// High-water mark of granted linear memory (instantiation included).
    peak_memory_bytes: usize,
    /// Granted creations and growths of linear memory.
    memory_grants: u32,
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            self.memory_denied = true;
            return Ok(false);
        }
        self.peak_memory_bytes = self.peak_memory_bytes.max(desired);
        self.memory_grants += 1;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for CallState {}

impl http::Host for CallState {
    async fn fetch(&mut self, request: http::Request) -> Result<http::Response, http::FetchError> {
        let plugin = self.plugin.clone();
        if self.fetches >= plugin.limits.max_fetches_per_call {
            return Err(http::FetchError::TooManyFetches(
                plugin.limits.max_fetches_per_call,
            ));
        }
        self.fetches += 1;
        let mut secret_headers = Vec::new();
        for secret in &request.secret_headers {
            let value = plugin
                .secrets
                .get(secret.secret as usize)
                .and_then(|(_, value)| value.as_deref())
                .ok_or_else(|| {
                    http::FetchError::InvalidRequest(format!(
                        "unknown secret handle {}",
                        secret.secret
                    ))
                })?;
            secret_headers.push((secret.name.clone(), format!("{}{value}", secret.prefix)));
        }
        let method = match request.method {
            http::Method::Get => reqwest::Method::GET,
            http::Method::Head => reqwest::Method::HEAD,
            http::Method::Post => reqwest::Method::POST,
            http::Method::Put => reqwest::Method::PUT,
            http::Method::Patch => reqwest::Method::PATCH,
            http::Method::Delete => reqwest::Method::DELETE,
        };
        let outgoing = OutgoingRequest {
            method,
            url: request.url,
            headers: request.headers,
            secret_headers,
            body: request.body,
        };
        let started = Instant::now();
        let result = plugin
            .egress
            .fetch(&plugin.fetch_rules, outgoing, self.deadline)
            .await;
        metrics::counter!(
            "jobscout_plugin_fetches_total",
            "plugin" => plugin.id.clone(),
            "outcome" => if result.is_ok() { "ok" } else { "error" }
        )
        .increment(1);
        match result {
            Ok(response) => {
                tracing::debug!(plugin = %plugin.id, status = response.status, url = %response.final_url, elapsed = ?started.elapsed(), "plugin fetch");
                Ok(http::Response {
                    status: response.status,
                    headers: response.headers,
                    body: response.body,
                    final_url: response.final_url,
                })
            }
            Err(failure) => {
                tracing::warn!(plugin = %plugin.id, "plugin fetch refused or failed: {failure:?}");
                Err(match failure {
                    FetchFailure::Denied(message) => http::FetchError::Denied(message),
                    FetchFailure::Network(message) => http::FetchError::Network(message),
                    FetchFailure::Timeout => http::FetchError::Timeout,
                    FetchFailure::TooLarge(limit) => http::FetchError::TooLarge(limit),
                    FetchFailure::InvalidRequest(message) => {
                        http::FetchError::InvalidRequest(message)
                    }
                })
            }
        }
    }
}

/// `text` with its control characters escaped (`\n`, `\r`, `\u{1b}`, …), so a
/// plugin's message stays one log line and cannot forge another or steer a
/// terminal; the text is otherwise unchanged.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        if character.is_control() {
            escaped.extend(character.escape_default());
        } else {
            escaped.push(character);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

impl log::Host for CallState {
    async fn log(&mut self, level: log::Level, message: String) {
        // The `log` import shares stdout's cap (`limits.max_log_bytes`) per call:
        // past it, messages are dropped and one warning says so.
        let limit = self.plugin.limits.max_log_bytes;
        if self.log_bytes + message.len() > limit {
            if !self.log_capped {
                self.log_capped = true;
                tracing::warn!(
                    plugin = %self.plugin.id,
                    "plugin wrote more than its log limit of {limit} bytes in one call (limits.max_log_bytes); its further log messages in this call are dropped"
                );
            }
            return;
        }
        self.log_bytes += message.len();
        let message = escape_controls(&message);
        let plugin = self.plugin.id.as_str();
        match level {
            log::Level::Trace => tracing::trace!(plugin, "{message}"),
            log::Level::Debug => tracing::debug!(plugin, "{message}"),
            log::Level::Info => tracing::info!(plugin, "{message}"),
            log::Level::Warn => tracing::warn!(plugin, "{message}"),
            log::Level::Error => tracing::error!(plugin, "{message}"),
        }
    }
}

impl config::Host for CallState {
    async fn get(&mut self, key: String) -> Option<String> {
        self.plugin
            .config
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.clone())
    }

    async fn all(&mut self) -> Vec<(String, String)> {
        self.plugin.config.clone()
    }
}

impl secrets::Host for CallState {
    async fn handle(&mut self, name: String) -> Option<u32> {
        self.plugin
            .secrets
            .iter()
            .position(|(declared, value)| *declared == name && value.is_some())
            .map(|index| index as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_escaped_and_nothing_else_changes() {
        assert_eq!(
            escape_controls("plain text, ünïcode"),
            "plain text, ünïcode"
        );
        assert_eq!(
            escape_controls("one\nINFO forged: line\r\u{1b}[31mred\t"),
            "one\\nINFO forged: line\\r\\u{1b}[31mred\\t"
        );
    }
}
