//! The REST API. One module per resource, each with its own `router()`; this module
//! merges them, owns [`AppState`] and the cross-cutting layers, and serves.

pub mod admin;
pub mod admin_plugins;
pub mod apply;
mod client_ip;
mod cors;
mod database_trouble;
pub mod error;
pub mod extractor;
mod head_gate;
pub mod jobs;
mod layers;
pub mod metrics_event;
pub mod openapi;
pub mod paddle;
pub mod profile;
pub mod rate_limit;
pub mod referrals;
mod response_cache;
pub mod root;
pub mod runs;
pub mod saved_searches;
pub mod scrape;
mod serve;
pub mod user;
pub mod validation;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::auth::Authenticator;
use crate::config::Settings;
use crate::plugins::PluginHost;
use crate::shutdown::ShutdownSignal;
use crate::storage::Database;
use crate::telemetry::Telemetry;

pub use error::{Error, Result};
pub use response_cache::ResponseCache;
pub use serve::serve_on;

/// Everything a handler may need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    pub plugins: Arc<PluginHost>,
    pub telemetry: Telemetry,
    /// Serialized read responses (job lists, stats), dropped after a short TTL or
    /// whenever this process writes jobs.
    pub cache: ResponseCache,
    pub started_at: Instant,
    /// Starts scrape runs for the triggers and the scheduler.
    pub scrapes: Arc<crate::pipeline::service::ScrapeService>,
    /// Validates user tokens (Supabase, local JWT verification, session cache).
    pub auth: Arc<Authenticator>,
    pub rate_limits: Arc<rate_limit::RateLimits>,
    /// Users whose `users` row was written recently.
    pub known_users: user::KnownUsers,
    /// The Apply Workspace's own fetches (job pages, apply links) under the egress policy.
    pub fetcher: Arc<crate::apply::HostFetcher>,
    /// The AI provider (`JOBSCOUT_OPENAI_*`), shared with plugins granted `[plugin.ai]`;
    /// calls fail with a clear 503 when it is not configured.
    pub ai: Arc<crate::ai::AiProvider>,
}

impl AppState {
    pub fn new(
        settings: Arc<Settings>,
        db: Database,
        plugins: Arc<PluginHost>,
        telemetry: Telemetry,
    ) -> Self {
        let cache = ResponseCache::new(settings.jobs_cache_ttl, settings.jobs_cache_stale);
        let scrapes = crate::pipeline::service::ScrapeService::new(
            settings.clone(),
            db.clone(),
            plugins.clone(),
            {
                let cache = cache.clone();
                Arc::new(move || cache.invalidate())
            },
        );
        let auth = Authenticator::from_settings(&settings);
        let rate_limits = rate_limit::RateLimits::from_settings(&settings);
        let known_users = user::KnownUsers::new(settings.user_refresh_interval);
        let fetcher = Arc::new(crate::apply::HostFetcher::new(plugins.egress(), &settings));
        let ai = plugins.ai();
        Self {
            settings,
            db,
            plugins,
            telemetry,
            cache,
            started_at: Instant::now(),
            scrapes,
            auth,
            rate_limits,
            known_users,
            fetcher,
            ai,
        }
    }
}

/// The whole application: API routes under `/api/v1`, root routes, docs and layers.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(jobs::router())
        .merge(admin::router())
        .merge(runs::router())
        .merge(scrape::router())
        .merge(metrics_event::router())
        .merge(admin_plugins::router())
        .merge(profile::router())
        .merge(saved_searches::router())
        .merge(apply::router())
        .merge(referrals::router())
        .merge(paddle::router())
        .layer(axum::middleware::from_fn(validation::reject_nul_in_uri))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            database_trouble::report_and_retry_reads,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit_per_ip,
        ));

    Router::new()
        .merge(root::router())
        .merge(openapi::router())
        .nest("/api/v1", api)
        .fallback(layers::not_found)
        .method_not_allowed_fallback(layers::method_not_allowed)
        // Layers run bottom-up on the way in: CORS sees every request first and
        // decorates every response last, errors included. The timeout sits inside
        // `json_error_bodies` so its 408 gets the JSON body too.
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.settings.request_timeout,
        ))
        .layer(axum::middleware::from_fn(layers::json_error_bodies))
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::request_limits,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::observe,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cors::cors,
        ))
        .with_state(state)
}

/// Binds and serves until `shutdown` fires (Ctrl-C or SIGTERM in `jobscout serve`),
/// then lets in-flight requests finish for at most `shutdown_grace`.
pub async fn serve(state: AppState, shutdown: ShutdownSignal) -> anyhow::Result<()> {
    let address = std::net::SocketAddr::new(state.settings.host, state.settings.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| anyhow::anyhow!("cannot listen on {address}: {error}"))?;
    tracing::info!(%address, "JobScout listening; docs at /docs");
    serve_on(listener, state, shutdown).await
}
