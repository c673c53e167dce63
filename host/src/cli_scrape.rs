//! `jobscout scrape`: one run from the command line with a progress bar.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ScrapeArgs;
use crate::config::Settings;
use crate::pipeline::{run_scrape, Progress, ScrapeRequest};
use crate::plugins::PluginHost;
use crate::storage::scrape::SourceOutcome;
use crate::storage::{self, Pool};

struct Bar(ProgressBar);

impl Progress for Bar {
    fn source_started(&self, source: &str) {
        self.0.set_message(format!("asking {source}"));
    }

    fn source_finished(&self, outcome: &SourceOutcome) {
        self.0.inc(1);
        self.0.println(format!(
            "  {:<20} {:<8} {:>5} postings {:>6} ms{}",
            outcome.source,
            outcome.status,
            outcome.collected,
            outcome.duration_ms,
            outcome
                .error
                .as_deref()
                .map(|error| format!("  {error}"))
                .unwrap_or_default()
        ));
    }
}

pub async fn scrape(settings: Settings, args: ScrapeArgs) -> anyhow::Result<()> {
    let pool: Pool = storage::connect(
        &settings.database,
        settings.database_max_connections,
        settings.database_connect_timeout,
    )
    .await?;
    storage::migrate(&pool).await?;
    let plugins = PluginHost::start(&settings).await;
    let loaded = plugins.sources();
    if loaded.is_empty() {
        anyhow::bail!(
            "no source plugin is loaded from {}; build them with `cargo xtask build-plugins` and check `GET /api/v1/admin/plugins`",
            settings.plugins_file.display()
        );
    }
    let request = ScrapeRequest {
        query: args.query,
        // As for an admin run: absent is the default location, empty is none.
        location: match args.location {
            None => Some(settings.default_location.clone()),
            Some(location) if location.trim().is_empty() => None,
            Some(location) => Some(location.trim().to_string()),
        },
        remote_only: !args.include_onsite,
        sources: args.sources,
        max_results_per_source: settings.scheduled_scrape_max_results_per_source,
        concurrency: settings.scheduled_scrape_concurrency as usize,
        source_deadline: Duration::from_secs(settings.scrape_source_deadline_seconds),
    };
    let total = if request.sources.is_empty() {
        loaded.len()
    } else {
        request.sources.len()
    };
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} sources  {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let report = run_scrape(&pool, plugins.as_ref(), &request, &Bar(bar.clone())).await;
    bar.finish_and_clear();
    let report = report?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "run {}: {} collected, {} new, {} updated, {} filtered, {} source error(s)",
            report.run_id,
            report.jobs_collected,
            report.jobs_new,
            report.jobs_updated,
            report.jobs_filtered,
            report.errors
        );
    }
    pool.close().await;
    Ok(())
}
