//! What `jobscout check-config` prints: every resolved setting, secrets masked.

use super::*;

impl Settings {
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
            ("SITE_URL", self.site_url.clone()),
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
            ("PLUGIN_CALL_THREADS", self.plugin_call_threads.to_string()),
            (
                "PLUGIN_MAX_CONCURRENT_CALLS",
                self.plugin_max_concurrent_calls.to_string(),
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
        let ai = &self.ai;
        let review = &ai.review;
        let ai_rows = [
            ("AI_ENABLED", ai.enabled.to_string()),
            ("OPENAI_API_KEY", mask(&ai.api_key)),
            ("OPENAI_BASE_URL", mask_url_password(&ai.base_url)),
            ("OPENAI_MODEL", ai.model.clone()),
            ("OPENAI_EMBEDDING_MODEL", ai.embedding_model.clone()),
            ("AI_TIMEOUT_SECONDS", ai.timeout.as_secs().to_string()),
            ("AI_MAX_ATTEMPTS", ai.max_attempts.to_string()),
            ("APPLY_PACK_REVIEW_ENABLED", review.enabled.to_string()),
            ("APPLY_PACK_REVIEW_MODEL", review.model.clone()),
            (
                "APPLY_PACK_REVIEW_MAX_ITERS",
                review.max_iterations.to_string(),
            ),
            (
                "APPLY_PACK_REVIEW_TIMEOUT_S",
                review.timeout.as_secs().to_string(),
            ),
            (
                "APPLY_PACK_REVIEW_MAX_TOKENS_REVIEW",
                review.max_tokens_review.to_string(),
            ),
            (
                "APPLY_PACK_REVIEW_MAX_TOKENS_REVISE",
                review.max_tokens_revise.to_string(),
            ),
        ];
        let paddle = &self.paddle;
        let paddle_rows = [
            ("PADDLE_API_KEY", mask(&paddle.api_key)),
            ("PADDLE_WEBHOOK_SECRET", mask(&paddle.webhook_secret)),
            (
                "PADDLE_ENVIRONMENT",
                if paddle.production {
                    "production"
                } else {
                    "sandbox"
                }
                .to_string(),
            ),
            ("PADDLE_API_BASE_URL", paddle.api_base().to_string()),
            (
                "PADDLE_TIMEOUT_SECONDS",
                paddle.timeout.as_secs().to_string(),
            ),
            ("PADDLE_VENDOR_ID", unset_or(&paddle.vendor_id)),
            ("PADDLE_PRODUCT_ID", unset_or(&paddle.product_id)),
            ("PADDLE_PUBLIC_KEY", mask(&paddle.public_key)),
        ];
        let price_rows = CHECKOUT_PLANS.iter().map(|plan| {
            (
                format!("PADDLE_PRICE_ID_{}", plan.to_ascii_uppercase()),
                paddle.price_of(plan).unwrap_or("unset").to_string(),
            )
        });
        rows.into_iter()
            .chain(ai_rows)
            .chain(paddle_rows)
            .map(|(name, value)| (name.to_string(), value))
            .chain(price_rows)
            .map(|(name, value)| (format!("{PREFIX}{name}"), value))
            .collect()
    }
}

fn unset_or(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "unset".to_string())
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
