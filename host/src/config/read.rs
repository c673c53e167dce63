//! Reading every setting from a [`SettingsSource`]: names, defaults, bounds and
//! the problems each bad value gives.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::*;

impl Settings {
    /// Reads every setting from `source`, which afterwards knows each name read.
    pub(super) fn read_from(source: &mut SettingsSource) -> LoadedSettings {
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
            site_url: http_url(src, "site_url").unwrap_or_else(|| "https://jobiqueue.com".into()),
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
            plugin_call_threads: src.number(
                "plugin_call_threads",
                std::thread::available_parallelism().map_or(2, |cores| cores.get()),
                1,
                256,
            ),
            plugin_max_concurrent_calls: src.number("plugin_max_concurrent_calls", 64, 1, 4096),
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
            ai: AiSettings::read_from(src),
            paddle: PaddleSettings::read_from(src),
        };

        let problems = source.take_problems();
        let unknown_variables = source.unknown_variables();
        LoadedSettings {
            settings,
            problems,
            unknown_variables,
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
pub(super) fn http_url(src: &mut SettingsSource, name: &str) -> Option<String> {
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
