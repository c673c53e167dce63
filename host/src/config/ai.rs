//! Settings of the AI provider: any server that speaks OpenAI's chat-completions and
//! embeddings API (OpenAI itself, or a local llama.cpp server, Ollama or vLLM), under
//! the earlier backend's names.

use std::fmt;
use std::time::Duration;

use super::SettingsSource;

/// OpenAI's API, used when `JOBSCOUT_OPENAI_BASE_URL` is unset.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

#[derive(Clone)]
pub struct AiSettings {
    /// `JOBSCOUT_AI_ENABLED`: false turns every AI feature off, configured or not.
    pub enabled: bool,
    /// Sent as a bearer token; a local server may need none.
    pub api_key: Option<String>,
    /// The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    /// Whether `JOBSCOUT_OPENAI_BASE_URL` was set (a local server is configured
    /// without a key).
    pub base_url_set: bool,
    pub model: String,
    pub embedding_model: String,
    /// The whole budget of one call, retries and their waits included.
    pub timeout: Duration,
    /// Tries per call on 429, 5xx, timeouts and lost connections.
    pub max_attempts: u32,
    pub review: ReviewSettings,
    /// `JOBSCOUT_PREMIUM_AI_ENABLED`: the interview coach and templates (off by
    /// default, as before); `GET /apply/quota` reports it for the web app.
    pub premium_enabled: bool,
}

/// The apply pack's reviewer loop (a reviewer model critiques, a reviser rewrites).
#[derive(Debug, Clone)]
pub struct ReviewSettings {
    pub enabled: bool,
    pub model: String,
    /// 1 or 2, as the earlier backend capped it.
    pub max_iterations: u32,
    pub timeout: Duration,
    pub max_tokens_review: u32,
    pub max_tokens_revise: u32,
}

impl AiSettings {
    pub(super) fn read_from(src: &mut SettingsSource) -> Self {
        let base_url = super::read::http_url(src, "openai_base_url");
        let base_url_set = base_url.is_some();
        let base_url = base_url.unwrap_or_else(|| OPENAI_BASE_URL.to_string());
        AiSettings {
            enabled: src.boolean("ai_enabled", true),
            api_key: src.optional_string("openai_api_key"),
            base_url,
            base_url_set,
            model: src.string("openai_model", "gpt-4.1-mini"),
            embedding_model: src.string("openai_embedding_model", "text-embedding-3-small"),
            timeout: Duration::from_secs(src.number("ai_timeout_seconds", 60, 1, 600)),
            max_attempts: src.number("ai_max_attempts", 3, 1, 10),
            premium_enabled: src.boolean("premium_ai_enabled", false),
            review: ReviewSettings {
                enabled: src.boolean("apply_pack_review_enabled", true),
                model: src.string("apply_pack_review_model", "gpt-4.1-mini"),
                max_iterations: src.number("apply_pack_review_max_iters", 2, 1, 2),
                timeout: Duration::from_secs(src.number("apply_pack_review_timeout_s", 20, 1, 600)),
                max_tokens_review: src.number(
                    "apply_pack_review_max_tokens_review",
                    700,
                    1,
                    100_000,
                ),
                max_tokens_revise: src.number(
                    "apply_pack_review_max_tokens_revise",
                    1200,
                    1,
                    100_000,
                ),
            },
        }
    }

    /// The defaults with no provider: every call fails as not configured (the
    /// plugin author's `jobscout plugin check`, which never calls AI).
    pub fn unconfigured() -> Self {
        Self::read_from(&mut SettingsSource::from_pairs(std::iter::empty::<(
            &str,
            String,
        )>()))
    }

    /// Whether AI calls can be made: enabled, and a key or a server of one's own.
    pub fn configured(&self) -> bool {
        self.enabled && (self.api_key.is_some() || self.base_url_set)
    }

    /// Why AI calls cannot be made, naming the setting that fixes it.
    pub fn not_configured_reason(&self) -> &'static str {
        if !self.enabled {
            "AI features are turned off (JOBSCOUT_AI_ENABLED=false)"
        } else {
            "No AI provider is configured: set JOBSCOUT_OPENAI_API_KEY (or JOBSCOUT_OPENAI_BASE_URL for a local OpenAI-compatible server)"
        }
    }
}

/// The key never reaches a log line, not even through `{:?}`.
impl fmt::Debug for AiSettings {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("AiSettings")
            .field("enabled", &self.enabled)
            .field("api_key", &self.api_key.as_ref().map(|_| "(set, masked)"))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("embedding_model", &self.embedding_model)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("review", &self.review)
            .field("premium_enabled", &self.premium_enabled)
            .finish()
    }
}
