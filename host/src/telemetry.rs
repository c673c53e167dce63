//! Logging (tracing, pretty or JSON) and Prometheus metrics.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, Settings};

/// Installs the global tracing subscriber with the settings' filter (`RUST_LOG`
/// over `JOBSCOUT_LOG`, resolved by config). Calling it twice is harmless.
pub fn init_tracing(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match settings.log_format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Pretty => registry
            .with(tracing_subscriber::fmt::layer().compact())
            .try_init(),
    };
    drop(result);
}

/// The request and pool metrics, rendered at `/metrics`.
#[derive(Clone)]
pub struct Telemetry {
    prometheus: PrometheusHandle,
}

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Telemetry {
    /// The process-wide recorder, installed on first use (the `metrics` macros
    /// write to one global recorder, so every server in a process shares it).
    pub fn global() -> Self {
        let prometheus = PROMETHEUS
            .get_or_init(|| {
                let builder = PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                    .expect("latency buckets are not empty");
                match builder.install_recorder() {
                    Ok(handle) => handle,
                    // Another recorder is already global (an embedding program's):
                    // keep rendering ours so /metrics still answers.
                    Err(_) => PrometheusBuilder::new().build_recorder().handle(),
                }
            })
            .clone();
        Self { prometheus }
    }

    pub fn record_request(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let labels = [
            ("method", method.to_string()),
            ("route", route.to_string()),
            ("status", status.to_string()),
        ];
        metrics::counter!("jobscout_http_requests_total", &labels).increment(1);
        metrics::histogram!(
            "jobscout_http_request_duration_seconds",
            &[("method", method.to_string()), ("route", route.to_string())]
        )
        .record(latency.as_secs_f64());
    }

    /// The Prometheus text exposition, with pool gauges refreshed first.
    pub fn render(&self, pool_usage: Option<(u32, usize)>) -> String {
        let (open, idle) = pool_usage.unwrap_or((0, 0));
        metrics::gauge!("jobscout_db_pool_connections").set(f64::from(open));
        metrics::gauge!("jobscout_db_pool_idle_connections").set(idle as f64);
        metrics::gauge!("jobscout_db_up").set(if pool_usage.is_some() { 1.0 } else { 0.0 });
        self.prometheus.render()
    }
}
