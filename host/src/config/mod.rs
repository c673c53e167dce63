//! Every setting JobScout reads, in one place. Each one is documented in `env.sample`.
//!
//! Settings come from `JOBSCOUT_*` environment variables (names case-insensitive)
//! over an optional `.env` file. [`Settings::load`] collects every problem so that
//! `jobscout check-config` can print them all at once; `serve` refuses to start on any.
//!
//! `mod.rs` is the settings themselves; `read.rs` reads each one (name, default,
//! bounds), `ai.rs` those of the AI provider, `paddle.rs` those of billing; `describe.rs` is what `check-config` prints; `source.rs` is the raw
//! variables (`.env` under the environment, case-insensitive names, list forms).

mod ai;
mod describe;
mod paddle;
mod read;
mod source;

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use ai::{AiSettings, ReviewSettings, OPENAI_BASE_URL};
pub use describe::mask_url_password;
pub use paddle::{PaddleSettings, CHECKOUT_PLANS, SUBSCRIPTION_PLANS, TOPUP_PLAN};
pub use source::{parse_list, SecretValues, SettingProblem, SettingsSource, PREFIX};

/// Origins the earlier backend always allowed, whatever the configured list said.
pub const ALWAYS_ALLOWED_ORIGINS: [&str; 4] = [
    "https://jobiqueue.com",
    "https://www.jobiqueue.com",
    "https://jobscoutai.vercel.app",
    "http://localhost:3000",
];

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An embedded SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL server URL.
    Postgres(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    // --- server ---
    pub app_name: String,
    /// The web app's address, for links the API hands out (referral links).
    pub site_url: String,
    pub debug: bool,
    pub host: IpAddr,
    pub port: u16,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// A connection that has not sent a whole request head within this is closed.
    pub header_read_timeout: Duration,
    /// Longest request target (path and query) served; longer gets 414.
    pub max_uri_bytes: usize,
    /// Largest header block (names, values and line ends) served; larger gets 431.
    pub max_header_bytes: usize,
    /// Most header lines in one request; more gets 431.
    pub max_headers: usize,
    pub shutdown_grace: Duration,
    pub jobs_cache_ttl: Duration,
    /// How long past its TTL a cached response may be served while it is recomputed.
    pub jobs_cache_stale: Duration,

    // --- observability ---
    pub log_format: LogFormat,
    /// The tracing filter: `RUST_LOG` when set, else `JOBSCOUT_LOG`.
    pub log_level: String,

    // --- CORS ---
    pub cors_origins: Vec<String>,

    // --- database ---
    pub database: DatabaseTarget,
    pub database_max_connections: u32,
    pub database_connect_timeout: Duration,
    /// How long a request waits for a free database connection before a 503.
    pub database_acquire_timeout: Duration,

    // --- auth ---
    pub admin_token: Option<String>,
    pub supabase_url: Option<String>,
    pub supabase_anon_key: Option<String>,

    // --- scrape defaults and scheduler ---
    pub scrape_interval_hours: u32,
    /// Overrides the interval when set (seconds); for short cycles and tests.
    pub scrape_interval_seconds: Option<u64>,
    /// A source that has not answered by then counts as timed out in a run.
    pub scrape_source_deadline_seconds: u64,
    pub default_search_query: String,
    pub default_location: String,
    pub scheduled_queries: Vec<String>,
    pub scheduled_queries_preset: String,
    pub scheduled_queries_per_run: u32,
    pub scheduled_scrape_max_results_per_source: u32,
    pub scheduled_scrape_concurrency: u32,

    // --- public scrape ---
    pub public_scrape_enabled: bool,
    pub public_scrape_max_concurrent: u32,
    pub public_scrape_rate_limit_per_hour: u32,
    pub public_scrape_default_location: String,
    pub public_scrape_max_results_per_source: u32,
    pub public_scrape_concurrency: u32,
    pub trusted_proxies: Vec<IpAddr>,

    // --- plugins ---
    pub plugins_file: PathBuf,
    /// Where the secrets plugins declare are found: the environment, else `.env`.
    pub secret_values: SecretValues,
    pub plugin_cache_dir: PathBuf,
    pub egress_allow_local: Vec<String>,
    /// Requests in flight to one host, summed over every plugin.
    pub egress_host_concurrency: u32,
    /// Threads plugin calls run on (their own, never the HTTP workers).
    pub plugin_call_threads: usize,
    /// Plugin calls in flight host-wide; more wait for a slot.
    pub plugin_max_concurrent_calls: usize,
    /// The SDK `jobscout plugin new` points new crates at (else the checkout's `plugins/sdk`).
    pub sdk_path: Option<PathBuf>,

    // --- users and rate limits ---
    /// HS256 secret of the Supabase project: access tokens are then verified locally.
    pub supabase_jwt_secret: Option<String>,
    /// JWKS of the Supabase project (asymmetric signing keys), verified locally too.
    pub supabase_jwks_url: Option<String>,
    pub supabase_timeout: Duration,
    pub auth_cache_max_entries: u64,
    pub auth_cache_ttl: Duration,
    pub user_refresh_interval: Duration,
    /// Requests per minute per signed-in user on user routes; 0 turns the limit off.
    pub rate_limit_user_per_minute: u32,
    /// Requests per minute per client IP on `/api/v1`; 0 turns the limit off.
    pub rate_limit_ip_per_minute: u32,
    /// Keys a limiter holds before idle ones are swept.
    pub rate_limit_max_keys: usize,
    pub rate_limit_apply_pack_per_minute: u32,
    pub rate_limit_job_capture_per_hour: u32,
    pub rate_limit_kb_index_per_hour: u32,
    pub rate_limit_kb_query_per_minute: u32,
    pub saved_searches_max_free: u32,
    pub saved_searches_max_paid: u32,

    // --- apply workspace ---
    /// Largest resume file accepted; enforced while the upload streams in.
    pub upload_max_bytes: usize,
    /// Redirects the apply-link check follows, each re-checked by the egress policy.
    pub apply_link_max_redirects: u32,
    /// How long an apply-link check is reused by later trust reports; 0 always re-checks.
    pub apply_link_cache_ttl: Duration,
    pub apply_link_timeout: Duration,
    /// Fetching a job page for `/apply/job/parse`.
    pub job_page_timeout: Duration,
    pub job_page_max_bytes: u64,

    // --- AI provider ---
    pub ai: AiSettings,

    // --- billing ---
    pub paddle: PaddleSettings,
}

/// The result of reading settings: the values (defaults where a value was bad)
/// and every problem found.
#[derive(Debug)]
pub struct LoadedSettings {
    pub settings: Settings,
    pub problems: Vec<SettingProblem>,
    pub unknown_variables: Vec<String>,
}

impl LoadedSettings {
    /// The settings, or one message listing every problem.
    pub fn into_result(self) -> Result<Settings, String> {
        if self.problems.is_empty() {
            return Ok(self.settings);
        }
        let mut message = String::from("invalid settings:");
        for problem in &self.problems {
            let _ = write!(message, "\n  - {problem}");
        }
        Err(message)
    }
}

impl Settings {
    /// Reads `.env` (if present in the working directory) and the environment.
    pub fn load() -> Result<LoadedSettings, String> {
        let source = SettingsSource::from_env_and_dotenv(std::path::Path::new(".env"))?;
        Ok(Self::from_source(source))
    }

    /// Settings from explicit pairs, as tests and embedders use.
    pub fn from_pairs<I, K, V>(pairs: I) -> LoadedSettings
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        Self::from_source(SettingsSource::from_pairs(pairs))
    }

    pub fn from_source(mut source: SettingsSource) -> LoadedSettings {
        Self::read_from(&mut source)
    }

    /// Whether an `Origin` header value may call the API with credentials:
    /// the configured list, the always-allowed origins, and any Chrome extension.
    pub fn is_origin_allowed(&self, origin: &str) -> bool {
        if self.cors_origins.iter().any(|allowed| allowed == origin)
            || ALWAYS_ALLOWED_ORIGINS.contains(&origin)
        {
            return true;
        }
        is_chrome_extension_origin(origin)
    }
}

impl Settings {
    /// Time between scheduled scrapes.
    pub fn scrape_interval(&self) -> Duration {
        match self.scrape_interval_seconds {
            Some(seconds) => Duration::from_secs(seconds),
            None => Duration::from_secs(u64::from(self.scrape_interval_hours) * 3600),
        }
    }
}

fn is_chrome_extension_origin(origin: &str) -> bool {
    let lower = origin.to_ascii_lowercase();
    match lower.strip_prefix("chrome-extension://") {
        Some(id) => {
            !id.is_empty()
                && id.bytes().all(|byte| {
                    byte.is_ascii_lowercase()
                        || byte.is_ascii_digit()
                        || byte == b'_'
                        || byte == b'-'
                })
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
