//! Every setting JobScout reads, in one place. Each one is documented in `env.sample`.
//!
//! Settings come from `JOBSCOUT_*` environment variables (names case-insensitive)
//! over an optional `.env` file. [`Settings::load`] collects every problem so that
//! `jobscout check-config` can print them all at once; `serve` refuses to start on any.

mod source;

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

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

    /// Reads every setting from `source`, which afterwards knows each name read.
    fn read_from(source: &mut SettingsSource) -> LoadedSettings {
        let src = &mut *source;
        let host_text = src.string("host", "0.0.0.0");
        let host = host_text.parse::<IpAddr>().unwrap_or_else(|_| {
            src.problem(
                "host",
                &host_text,
                "an IP address such as 0.0.0.0 or 127.0.0.1",
            );
            IpAddr::from([0, 0, 0, 0])
        });

        let log_format = match src.choice("log_format", "pretty", &["pretty", "json"]) {
            "json" => LogFormat::Json,
            _ => LogFormat::Pretty,
        };

        let cors_origins = cors_origins(src);
        let database = database_target(src);
        let trusted_proxies = ip_list(src, "trusted_proxies");

        let settings = Settings {
            app_name: src.string("app_name", "JobiQueue API"),
            debug: src.boolean("debug", false),
            host,
            port: src.number("port", 8000, 1, 65535),
            request_timeout: Duration::from_secs(src.number(
                "request_timeout_seconds",
                30,
                1,
                3600,
            )),
            max_body_bytes: src.number("max_body_bytes", 1024 * 1024, 1024, 1024 * 1024 * 1024),
            header_read_timeout: Duration::from_secs(src.number(
                "header_read_timeout_seconds",
                10,
                1,
                300,
            )),
            // hyper refuses longer targets itself (without a JSON body), so the
            // setting stays below its fixed limit of 65 534 bytes.
            max_uri_bytes: src.number("max_uri_bytes", 8192, 256, 65_534),
            max_header_bytes: src.number("max_header_bytes", 32 * 1024, 1024, 1024 * 1024),
            max_headers: src.number("max_headers", 100, 8, 1000),
            shutdown_grace: Duration::from_secs(src.number("shutdown_grace_seconds", 20, 0, 3600)),
            jobs_cache_ttl: Duration::from_millis(src.number(
                "jobs_cache_ttl_ms",
                5000,
                0,
                3_600_000,
            )),
            jobs_cache_stale: Duration::from_millis(src.number(
                "jobs_cache_stale_ms",
                60_000,
                0,
                3_600_000,
            )),
            log_format,
            // `RUST_LOG`, the tracing ecosystem's own name, wins when set.
            log_level: src
                .foreign("RUST_LOG")
                .unwrap_or_else(|| src.string("log", "info")),
            cors_origins,
            database,
            database_max_connections: src.number("database_max_connections", 10, 1, 1000),
            database_connect_timeout: Duration::from_secs(src.number(
                "database_connect_timeout_seconds",
                5,
                1,
                300,
            )),
            database_acquire_timeout: Duration::from_millis(src.number(
                "database_acquire_timeout_ms",
                2_000,
                50,
                300_000,
            )),
            admin_token: src.optional_string("admin_token"),
            supabase_url: http_url(src, "supabase_url"),
            supabase_anon_key: src.optional_string("supabase_anon_key"),
            scrape_interval_hours: src.number("scrape_interval_hours", 6, 1, 24 * 30),
            scrape_interval_seconds: src
                .optional_string("scrape_interval_seconds")
                .is_some()
                .then(|| src.number("scrape_interval_seconds", 3600_u64, 1, 30 * 24 * 3600)),
            scrape_source_deadline_seconds: src.number(
                "scrape_source_deadline_seconds",
                60,
                1,
                3600,
            ),
            default_search_query: src.string("default_search_query", "automation engineer"),
            default_location: src.string("default_location", "Remote"),
            scheduled_queries: src.list("scheduled_queries", &[]),
            scheduled_queries_preset: src
                .choice(
                    "scheduled_queries_preset",
                    "tech_plus_120",
                    &["tech_plus_120", "tech_core_60"],
                )
                .to_string(),
            scheduled_queries_per_run: src.number("scheduled_queries_per_run", 2, 1, 100),
            scheduled_scrape_max_results_per_source: src.number(
                "scheduled_scrape_max_results_per_source",
                100,
                1,
                10_000,
            ),
            scheduled_scrape_concurrency: src.number("scheduled_scrape_concurrency", 8, 1, 64),
            public_scrape_enabled: src.boolean("public_scrape_enabled", false),
            public_scrape_max_concurrent: src.number("public_scrape_max_concurrent", 2, 1, 64),
            public_scrape_rate_limit_per_hour: src.number(
                "public_scrape_rate_limit_per_hour",
                10,
                1,
                100_000,
            ),
            public_scrape_default_location: src.string("public_scrape_default_location", "Remote"),
            public_scrape_max_results_per_source: src.number(
                "public_scrape_max_results_per_source",
                100,
                1,
                10_000,
            ),
            public_scrape_concurrency: src.number("public_scrape_concurrency", 8, 1, 64),
            trusted_proxies,
            plugins_file: PathBuf::from(src.string("plugins_file", "plugins.toml")),
            secret_values: src.secret_values(),
            plugin_cache_dir: absolute(PathBuf::from(
                src.string("plugin_cache_dir", ".jobscout-cache/plugins"),
            )),
            egress_allow_local: src.list("egress_allow_local", &[]),
            egress_host_concurrency: src.number("egress_host_concurrency", 4, 1, 256),
            sdk_path: src.optional_string("sdk_path").map(PathBuf::from),
            supabase_jwt_secret: src.optional_string("supabase_jwt_secret"),
            supabase_jwks_url: http_url(src, "supabase_jwks_url"),
            supabase_timeout: Duration::from_millis(src.number(
                "supabase_timeout_ms",
                10_000,
                100,
                120_000,
            )),
            auth_cache_max_entries: src.number("auth_cache_max_entries", 10_000, 0, 10_000_000),
            auth_cache_ttl: Duration::from_secs(src.number(
                "auth_cache_ttl_seconds",
                300,
                0,
                86_400,
            )),
            user_refresh_interval: Duration::from_secs(src.number(
                "user_refresh_seconds",
                600,
                0,
                86_400,
            )),
            rate_limit_user_per_minute: src.number("rate_limit_user_per_minute", 300, 0, 1_000_000),
            rate_limit_ip_per_minute: src.number("rate_limit_ip_per_minute", 0, 0, 1_000_000),
            rate_limit_max_keys: src.number("rate_limit_max_keys", 100_000, 100, 100_000_000),
            rate_limit_apply_pack_per_minute: src.number(
                "rate_limit_apply_pack_per_minute",
                10,
                1,
                1_000_000,
            ),
            rate_limit_job_capture_per_hour: src.number(
                "rate_limit_job_capture_per_hour",
                30,
                1,
                1_000_000,
            ),
            rate_limit_kb_index_per_hour: src.number(
                "rate_limit_kb_index_per_hour",
                20,
                1,
                1_000_000,
            ),
            rate_limit_kb_query_per_minute: src.number(
                "rate_limit_kb_query_per_minute",
                30,
                1,
                1_000_000,
            ),
            saved_searches_max_free: src.number("saved_searches_max_free", 10, 0, 100_000),
            saved_searches_max_paid: src.number("saved_searches_max_paid", 50, 0, 100_000),
            upload_max_bytes: src.number(
                "upload_max_bytes",
                10 * 1024 * 1024,
                1024,
                1024 * 1024 * 1024,
            ),
            apply_link_max_redirects: src.number("apply_link_max_redirects", 2, 0, 10),
            apply_link_cache_ttl: Duration::from_secs(
                3600 * src.number("apply_link_cache_ttl_hours", 24_u64, 0, 24 * 365),
            ),
            apply_link_timeout: Duration::from_secs(src.number(
                "apply_link_timeout_seconds",
                5,
                1,
                120,
            )),
            job_page_timeout: Duration::from_secs(src.number(
                "job_page_timeout_seconds",
                15,
                1,
                300,
            )),
            job_page_max_bytes: src.number(
                "job_page_max_bytes",
                5 * 1024 * 1024,
                1024,
                100 * 1024 * 1024,
            ),
        };

        let problems = source.take_problems();
        let unknown_variables = source.unknown_variables();
        LoadedSettings {
            settings,
            problems,
            unknown_variables,
        }
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

    /// The resolved settings as `NAME=value` lines with secrets masked.
    pub fn describe(&self) -> Vec<(String, String)> {
        let mask = |value: &Option<String>| match value {
            Some(secret) if !secret.is_empty() => {
                format!("set ({} chars, masked)", secret.chars().count())
            }
            _ => "unset".to_string(),
        };
        let database = match &self.database {
            DatabaseTarget::Sqlite(path) => format!("sqlite file {}", path.display()),
            DatabaseTarget::Postgres(url) => mask_url_password(url),
        };
        let rows = [
            ("APP_NAME", self.app_name.clone()),
            ("DEBUG", self.debug.to_string()),
            ("HOST", self.host.to_string()),
            ("PORT", self.port.to_string()),
            (
                "REQUEST_TIMEOUT_SECONDS",
                self.request_timeout.as_secs().to_string(),
            ),
            ("MAX_BODY_BYTES", self.max_body_bytes.to_string()),
            (
                "HEADER_READ_TIMEOUT_SECONDS",
                self.header_read_timeout.as_secs().to_string(),
            ),
            ("MAX_URI_BYTES", self.max_uri_bytes.to_string()),
            ("MAX_HEADER_BYTES", self.max_header_bytes.to_string()),
            ("MAX_HEADERS", self.max_headers.to_string()),
            (
                "SHUTDOWN_GRACE_SECONDS",
                self.shutdown_grace.as_secs().to_string(),
            ),
            (
                "JOBS_CACHE_TTL_MS",
                self.jobs_cache_ttl.as_millis().to_string(),
            ),
            (
                "JOBS_CACHE_STALE_MS",
                self.jobs_cache_stale.as_millis().to_string(),
            ),
            (
                "LOG_FORMAT",
                format!("{:?}", self.log_format).to_lowercase(),
            ),
            ("LOG", self.log_level.clone()),
            ("CORS_ORIGINS", self.cors_origins.join(",")),
            ("DATABASE", database),
            (
                "DATABASE_MAX_CONNECTIONS",
                self.database_max_connections.to_string(),
            ),
            (
                "DATABASE_CONNECT_TIMEOUT_SECONDS",
                self.database_connect_timeout.as_secs().to_string(),
            ),
            (
                "DATABASE_ACQUIRE_TIMEOUT_MS",
                self.database_acquire_timeout.as_millis().to_string(),
            ),
            ("ADMIN_TOKEN", mask(&self.admin_token)),
            (
                "SUPABASE_URL",
                self.supabase_url.clone().unwrap_or_else(|| "unset".into()),
            ),
            ("SUPABASE_ANON_KEY", mask(&self.supabase_anon_key)),
            (
                "SCRAPE_INTERVAL_HOURS",
                self.scrape_interval_hours.to_string(),
            ),
            (
                "SCRAPE_INTERVAL_SECONDS",
                self.scrape_interval_seconds
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "unset".into()),
            ),
            (
                "SCRAPE_SOURCE_DEADLINE_SECONDS",
                self.scrape_source_deadline_seconds.to_string(),
            ),
            ("DEFAULT_SEARCH_QUERY", self.default_search_query.clone()),
            ("DEFAULT_LOCATION", self.default_location.clone()),
            ("SCHEDULED_QUERIES", self.scheduled_queries.join(",")),
            (
                "SCHEDULED_QUERIES_PRESET",
                self.scheduled_queries_preset.clone(),
            ),
            (
                "SCHEDULED_QUERIES_PER_RUN",
                self.scheduled_queries_per_run.to_string(),
            ),
            (
                "SCHEDULED_SCRAPE_MAX_RESULTS_PER_SOURCE",
                self.scheduled_scrape_max_results_per_source.to_string(),
            ),
            (
                "SCHEDULED_SCRAPE_CONCURRENCY",
                self.scheduled_scrape_concurrency.to_string(),
            ),
            (
                "PUBLIC_SCRAPE_ENABLED",
                self.public_scrape_enabled.to_string(),
            ),
            (
                "PUBLIC_SCRAPE_MAX_CONCURRENT",
                self.public_scrape_max_concurrent.to_string(),
            ),
            (
                "PUBLIC_SCRAPE_RATE_LIMIT_PER_HOUR",
                self.public_scrape_rate_limit_per_hour.to_string(),
            ),
            (
                "PUBLIC_SCRAPE_DEFAULT_LOCATION",
                self.public_scrape_default_location.clone(),
            ),
            (
                "PUBLIC_SCRAPE_MAX_RESULTS_PER_SOURCE",
                self.public_scrape_max_results_per_source.to_string(),
            ),
            (
                "PUBLIC_SCRAPE_CONCURRENCY",
                self.public_scrape_concurrency.to_string(),
            ),
            (
                "TRUSTED_PROXIES",
                self.trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("PLUGINS_FILE", self.plugins_file.display().to_string()),
            (
                "PLUGIN_CACHE_DIR",
                self.plugin_cache_dir.display().to_string(),
            ),
            ("EGRESS_ALLOW_LOCAL", self.egress_allow_local.join(",")),
            (
                "EGRESS_HOST_CONCURRENCY",
                self.egress_host_concurrency.to_string(),
            ),
            (
                "SDK_PATH",
                self.sdk_path
                    .as_ref()
                    .map_or_else(|| "unset".into(), |path| path.display().to_string()),
            ),
            ("SUPABASE_JWT_SECRET", mask(&self.supabase_jwt_secret)),
            (
                "SUPABASE_JWKS_URL",
                self.supabase_jwks_url
                    .clone()
                    .unwrap_or_else(|| "unset".into()),
            ),
            (
                "SUPABASE_TIMEOUT_MS",
                self.supabase_timeout.as_millis().to_string(),
            ),
            (
                "AUTH_CACHE_MAX_ENTRIES",
                self.auth_cache_max_entries.to_string(),
            ),
            (
                "AUTH_CACHE_TTL_SECONDS",
                self.auth_cache_ttl.as_secs().to_string(),
            ),
            (
                "USER_REFRESH_SECONDS",
                self.user_refresh_interval.as_secs().to_string(),
            ),
            (
                "RATE_LIMIT_USER_PER_MINUTE",
                self.rate_limit_user_per_minute.to_string(),
            ),
            (
                "RATE_LIMIT_IP_PER_MINUTE",
                self.rate_limit_ip_per_minute.to_string(),
            ),
            ("RATE_LIMIT_MAX_KEYS", self.rate_limit_max_keys.to_string()),
            (
                "RATE_LIMIT_APPLY_PACK_PER_MINUTE",
                self.rate_limit_apply_pack_per_minute.to_string(),
            ),
            (
                "RATE_LIMIT_JOB_CAPTURE_PER_HOUR",
                self.rate_limit_job_capture_per_hour.to_string(),
            ),
            (
                "RATE_LIMIT_KB_INDEX_PER_HOUR",
                self.rate_limit_kb_index_per_hour.to_string(),
            ),
            (
                "RATE_LIMIT_KB_QUERY_PER_MINUTE",
                self.rate_limit_kb_query_per_minute.to_string(),
            ),
            (
                "SAVED_SEARCHES_MAX_FREE",
                self.saved_searches_max_free.to_string(),
            ),
            (
                "SAVED_SEARCHES_MAX_PAID",
                self.saved_searches_max_paid.to_string(),
            ),
            ("UPLOAD_MAX_BYTES", self.upload_max_bytes.to_string()),
            (
                "APPLY_LINK_MAX_REDIRECTS",
                self.apply_link_max_redirects.to_string(),
            ),
            (
                "APPLY_LINK_CACHE_TTL_HOURS",
                (self.apply_link_cache_ttl.as_secs() / 3600).to_string(),
            ),
            (
                "APPLY_LINK_TIMEOUT_SECONDS",
                self.apply_link_timeout.as_secs().to_string(),
            ),
            (
                "JOB_PAGE_TIMEOUT_SECONDS",
                self.job_page_timeout.as_secs().to_string(),
            ),
            ("JOB_PAGE_MAX_BYTES", self.job_page_max_bytes.to_string()),
        ];
        rows.into_iter()
            .map(|(name, value)| (format!("{PREFIX}{name}"), value))
            .collect()
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

/// Resolves a relative path against the working directory (wasmtime's compile cache
/// accepts only absolute paths).
fn absolute(path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        return path;
    }
    std::env::current_dir()
        .map(|directory| directory.join(&path))
        .unwrap_or(path)
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

fn cors_origins(src: &mut SettingsSource) -> Vec<String> {
    // The earlier default list; these origins are also always allowed.
    let default: Vec<&str> = ALWAYS_ALLOWED_ORIGINS.to_vec();
    let origins = src.list("cors_origins", &default);
    let origins = if origins.is_empty() {
        default.iter().map(|origin| origin.to_string()).collect()
    } else {
        origins
    };
    let mut unique = Vec::new();
    for origin in origins {
        let origin = origin.trim_end_matches('/').to_string();
        if origin != "*" && !origin.starts_with("http://") && !origin.starts_with("https://") {
            src.problem(
                "cors_origins",
                &origin,
                "origins such as https://example.com (scheme and host, no path)",
            );
            continue;
        }
        if !unique.contains(&origin) {
            unique.push(origin);
        }
    }
    unique
}

fn database_target(src: &mut SettingsSource) -> DatabaseTarget {
    let use_sqlite = src.boolean("use_sqlite", false);
    let sqlite_path = PathBuf::from(src.string("sqlite_path", "jobscout.db"));
    match src.optional_string("database_url") {
        Some(url) if !use_sqlite => {
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                DatabaseTarget::Postgres(url)
            } else if let Some(path) = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
            {
                let path = path.split('?').next().unwrap_or(path);
                if path.is_empty() {
                    src.problem(
                        "database_url",
                        &url,
                        "sqlite://<file path> with a file path",
                    );
                    DatabaseTarget::Sqlite(sqlite_path)
                } else {
                    DatabaseTarget::Sqlite(PathBuf::from(path))
                }
            } else {
                src.problem(
                    "database_url",
                    &mask_url_password(&url),
                    "a postgres://user@host/db URL, a sqlite://path URL, or nothing for the embedded SQLite file",
                );
                DatabaseTarget::Sqlite(sqlite_path)
            }
        }
        _ => DatabaseTarget::Sqlite(sqlite_path),
    }
}

/// An optional http(s) URL setting, without a trailing slash.
fn http_url(src: &mut SettingsSource, name: &str) -> Option<String> {
    let url = src.optional_string(name)?;
    if url.starts_with("http://") || url.starts_with("https://") {
        Some(url.trim_end_matches('/').to_string())
    } else {
        src.problem(name, &url, "an http:// or https:// URL");
        None
    }
}

fn ip_list(src: &mut SettingsSource, name: &str) -> Vec<IpAddr> {
    let mut addresses = Vec::new();
    for item in src.list(name, &[]) {
        match item.parse::<IpAddr>() {
            Ok(address) => addresses.push(address),
            Err(_) => src.problem(
                name,
                &item,
                "a list of IP addresses such as 10.0.0.1,10.0.0.2",
            ),
        }
    }
    addresses
}

/// Replaces the password of a URL with `***` so it can be logged.
pub fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> LoadedSettings {
        Settings::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn plugin_secrets_come_from_dotenv_as_settings_do_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let dotenv = dir.path().join(".env");
        std::fs::write(
            &dotenv,
            "CONFIG_TEST_SECRET_IN_FILE=from-file\nCONFIG_TEST_SECRET_IN_BOTH=from-file\n",
        )
        .unwrap();
        // The name is unique to this test; edition 2021 needs no unsafe here.
        std::env::set_var("CONFIG_TEST_SECRET_IN_BOTH", "from-environment");
        let source = SettingsSource::from_env_and_dotenv(&dotenv).unwrap();
        let secrets = Settings::from_source(source).settings.secret_values;
        assert_eq!(
            secrets.get("CONFIG_TEST_SECRET_IN_FILE").as_deref(),
            Some("from-file")
        );
        assert_eq!(
            secrets.get("CONFIG_TEST_SECRET_IN_BOTH").as_deref(),
            Some("from-environment")
        );
        assert_eq!(secrets.get("CONFIG_TEST_SECRET_NOWHERE"), None);
        assert!(!format!("{secrets:?}").contains("from-file"));
    }

    #[test]
    fn rust_log_wins_over_jobscout_log() {
        let both = settings(&[("JOBSCOUT_LOG", "warn"), ("RUST_LOG", "jobscout=debug")]);
        assert_eq!(both.settings.log_level, "jobscout=debug");
        let ours = settings(&[("JOBSCOUT_LOG", "warn"), ("RUST_LOG", " ")]);
        assert_eq!(ours.settings.log_level, "warn");
    }

    /// `env.sample` documents exactly the settings this module reads: a new
    /// setting without its line, or a line for a setting no longer read, fails.
    #[test]
    fn env_sample_lists_every_setting_read_and_no_other() {
        let sample_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../env.sample");
        let sample = std::fs::read_to_string(sample_path).unwrap();
        let documented: std::collections::BTreeSet<String> = sample
            .lines()
            .map(|line| line.trim_start_matches('#').trim_start())
            .filter_map(|line| line.split_once('='))
            .map(|(name, _)| name.to_string())
            // The test suite's own variables are documented there too; tests read them.
            .filter(|name| !name.starts_with("JOBSCOUT_TEST_"))
            .filter(|name| {
                name.starts_with(PREFIX)
                    && name.bytes().all(|byte| {
                        byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_'
                    })
            })
            .collect();
        let mut source = SettingsSource::from_pairs(Vec::<(String, String)>::new());
        Settings::read_from(&mut source);
        let read: std::collections::BTreeSet<String> = source.names_read().collect();
        let undocumented: Vec<_> = read.difference(&documented).collect();
        let stale: Vec<_> = documented.difference(&read).collect();
        assert!(
            undocumented.is_empty() && stale.is_empty(),
            "env.sample is out of step with config: read but not documented {undocumented:?}; \
             documented but not read {stale:?}"
        );
    }

    #[test]
    fn defaults_serve_sqlite_on_port_8000() {
        let loaded = settings(&[]);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = loaded.settings;
        assert_eq!(settings.port, 8000);
        assert_eq!(settings.host.to_string(), "0.0.0.0");
        assert_eq!(
            settings.database,
            DatabaseTarget::Sqlite("jobscout.db".into())
        );
        assert!(settings.admin_token.is_none());
        assert!(!settings.public_scrape_enabled);
    }

    #[test]
    fn connection_limits_have_defaults_and_bounds() {
        let defaults = settings(&[]).settings;
        assert_eq!(defaults.header_read_timeout, Duration::from_secs(10));
        assert_eq!(defaults.max_uri_bytes, 8192);
        assert_eq!(defaults.max_header_bytes, 32 * 1024);
        assert_eq!(defaults.max_headers, 100);
        // hyper itself refuses targets over 65 534 bytes without a JSON body.
        let loaded = settings(&[
            ("JOBSCOUT_MAX_URI_BYTES", "65535"),
            ("JOBSCOUT_HEADER_READ_TIMEOUT_SECONDS", "0"),
        ]);
        let names: Vec<_> = loaded
            .problems
            .iter()
            .map(|problem| problem.to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names[0].contains("JOBSCOUT_HEADER_READ_TIMEOUT_SECONDS"),
            "{names:?}"
        );
        assert!(names[1].contains("JOBSCOUT_MAX_URI_BYTES"), "{names:?}");
    }

    #[test]
    fn postgres_url_selects_postgres_unless_use_sqlite() {
        let url = "postgres://postgres@127.0.0.1:5432/test";
        assert_eq!(
            settings(&[("JOBSCOUT_DATABASE_URL", url)])
                .settings
                .database,
            DatabaseTarget::Postgres(url.into())
        );
        assert_eq!(
            settings(&[
                ("JOBSCOUT_DATABASE_URL", url),
                ("JOBSCOUT_USE_SQLITE", "true"),
                ("JOBSCOUT_SQLITE_PATH", "x.db")
            ])
            .settings
            .database,
            DatabaseTarget::Sqlite("x.db".into())
        );
        assert_eq!(
            settings(&[("JOBSCOUT_DATABASE_URL", "sqlite://data/j.db?mode=rwc")])
                .settings
                .database,
            DatabaseTarget::Sqlite("data/j.db".into())
        );
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        let loaded = settings(&[
            ("JOBSCOUT_PORT", "http"),
            ("JOBSCOUT_HOST", "localhost:80"),
            ("JOBSCOUT_DATABASE_URL", "mysql://root:hunter2@db/jobs"),
            ("JOBSCOUT_LOG_FORMAT", "xml"),
            ("JOBSCOUT_TRUSTED_PROXIES", "10.0.0.1,proxy"),
        ]);
        let variables: Vec<_> = loaded
            .problems
            .iter()
            .map(|p| p.variable.as_str())
            .collect();
        assert_eq!(
            variables,
            [
                "JOBSCOUT_HOST",
                "JOBSCOUT_LOG_FORMAT",
                "JOBSCOUT_DATABASE_URL",
                "JOBSCOUT_TRUSTED_PROXIES",
                "JOBSCOUT_PORT"
            ]
        );
        let message = loaded.into_result().unwrap_err();
        assert!(
            message
                .contains("JOBSCOUT_PORT=\"http\" is not valid: expected a number from 1 to 65535"),
            "{message}"
        );
        assert!(
            !message.contains("hunter2"),
            "passwords never appear in messages: {message}"
        );
    }

    #[test]
    fn cors_origins_accept_every_list_form() {
        for value in [
            r#"["https://a.example","https://b.example"]"#,
            "['https://a.example','https://b.example']",
            "https://a.example, https://b.example/",
        ] {
            let loaded = settings(&[("JOBSCOUT_CORS_ORIGINS", value)]);
            assert!(loaded.problems.is_empty(), "{value}: {:?}", loaded.problems);
            assert_eq!(
                loaded.settings.cors_origins,
                ["https://a.example", "https://b.example"],
                "{value}"
            );
        }
        let single = settings(&[("JOBSCOUT_CORS_ORIGINS", "https://only.example")]).settings;
        assert_eq!(single.cors_origins, ["https://only.example"]);
    }

    #[test]
    fn origin_rules_match_the_earlier_backend() {
        let settings = settings(&[("JOBSCOUT_CORS_ORIGINS", "https://app.example")]).settings;
        assert!(settings.is_origin_allowed("https://app.example"));
        assert!(settings.is_origin_allowed("https://jobiqueue.com"));
        assert!(settings.is_origin_allowed("http://localhost:3000"));
        assert!(settings.is_origin_allowed("chrome-extension://abcdefghijklmnop"));
        assert!(settings.is_origin_allowed("CHROME-EXTENSION://ABC_def-1"));
        assert!(!settings.is_origin_allowed("chrome-extension://"));
        assert!(!settings.is_origin_allowed("chrome-extension://abc/def"));
        assert!(!settings.is_origin_allowed("https://evil.example"));
        assert!(!settings.is_origin_allowed("https://jobiqueue.com.evil.example"));
    }

    #[test]
    fn describe_masks_secrets() {
        let settings = settings(&[
            ("JOBSCOUT_ADMIN_TOKEN", "s3cret-token"),
            (
                "JOBSCOUT_DATABASE_URL",
                "postgres://app:pa55@db.internal/jobscout",
            ),
        ])
        .settings;
        let text = format!("{:?}", settings.describe());
        assert!(!text.contains("s3cret-token"), "{text}");
        assert!(!text.contains("pa55"), "{text}");
        assert!(
            text.contains("postgres://app:***@db.internal/jobscout"),
            "{text}"
        );
    }

    #[test]
    fn user_secrets_are_masked_and_urls_checked() {
        let loaded = settings(&[
            ("JOBSCOUT_SUPABASE_ANON_KEY", "anon-key-value"),
            ("JOBSCOUT_SUPABASE_JWT_SECRET", "jwt-secret-value"),
            ("JOBSCOUT_SUPABASE_URL", "https://project.supabase.co/"),
            ("JOBSCOUT_SUPABASE_JWKS_URL", "ftp://keys"),
        ]);
        let variables: Vec<_> = loaded
            .problems
            .iter()
            .map(|p| p.variable.as_str())
            .collect();
        assert_eq!(variables, ["JOBSCOUT_SUPABASE_JWKS_URL"]);
        let settings = loaded.settings;
        assert_eq!(
            settings.supabase_url.as_deref(),
            Some("https://project.supabase.co")
        );
        assert_eq!(settings.rate_limit_apply_pack_per_minute, 10);
        assert_eq!(settings.rate_limit_job_capture_per_hour, 30);
        let text = format!("{:?}", settings.describe());
        assert!(
            !text.contains("anon-key-value") && !text.contains("jwt-secret-value"),
            "{text}"
        );
    }
}
