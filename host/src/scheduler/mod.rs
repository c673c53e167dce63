//! Scheduled scrapes: every interval, the next queries of the rotation, run once
//! across every instance that shares the database.
//!
//! Time is cut into slots of one interval. An instance runs a slot only after
//! claiming it with an insert that succeeds once per slot (so two instances never
//! run the same slot), and only while holding a PostgreSQL advisory lock (so a slow
//! run never overlaps the next one). The slot current at start-up is skipped, so a
//! restart does not trigger a scrape, as in the earlier backend.

pub mod presets;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::config::Settings;
use crate::pipeline::service::ScrapeService;
use crate::shutdown::ShutdownSignal;
use crate::storage::{scheduler as slots, scrape, Database};

/// How long a run may go without a heartbeat before it is taken for crashed.
pub const STALE_RUN_AFTER: Duration = Duration::from_secs(120);

/// The queries a scheduled tick rotates through: the explicit list, else the preset,
/// else the default query.
pub fn rotation(settings: &Settings) -> Vec<String> {
    if !settings.scheduled_queries.is_empty() {
        return settings.scheduled_queries.clone();
    }
    presets::preset(&settings.scheduled_queries_preset)
        .map(|list| list.into_iter().map(str::to_string).collect())
        .unwrap_or_else(|| vec![settings.default_search_query.clone()])
}

/// The queries of slot `slot`: `per_run` consecutive entries starting at
/// `slot × per_run` (mod the list), so restarts continue the cycle where it was.
pub fn queries_for_slot(rotation: &[String], slot: u64, per_run: usize) -> Vec<String> {
    if rotation.is_empty() {
        return Vec::new();
    }
    let count = per_run.min(rotation.len());
    let start = (slot as usize).wrapping_mul(per_run) % rotation.len();
    (0..count)
        .map(|offset| rotation[(start + offset) % rotation.len()].clone())
        .collect()
}

/// Starts the scheduler unless `JOBSCOUT_DEBUG` is set. Also closes runs that other
/// instances (or this one, before a crash) left unfinished.
pub fn spawn(
    settings: Arc<Settings>,
    db: Database,
    scrapes: Arc<ScrapeService>,
    mut shutdown: ShutdownSignal,
) {
    if settings.debug {
        tracing::info!("scheduler off (JOBSCOUT_DEBUG=true)");
        return;
    }
    let interval = settings.scrape_interval();
    let interval_seconds = interval.as_secs().max(1);
    let boot_slot = Utc::now().timestamp().max(0) as u64 / interval_seconds;
    let queries = rotation(&settings);
    let tick = (interval / 4).clamp(Duration::from_millis(250), Duration::from_secs(60));
    tracing::info!(?interval, queries = queries.len(), "scheduler started");
    tokio::spawn(async move {
        let mut marked_at_start = false;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = shutdown.wait() => return,
            }
            let Ok(pool) = db.pool() else { continue };
            if !marked_at_start || Utc::now().timestamp() % 60 == 0 {
                let stale_before =
                    Utc::now() - chrono::Duration::from_std(STALE_RUN_AFTER).unwrap_or_default();
                match scrape::mark_interrupted_runs(&pool, stale_before).await {
                    Ok(0) => {}
                    Ok(count) => {
                        tracing::warn!(count, "marked runs cut short by a crash as interrupted")
                    }
                    Err(error) => tracing::warn!(%error, "could not check for interrupted runs"),
                }
                marked_at_start = true;
            }
            let slot = Utc::now().timestamp().max(0) as u64 / interval_seconds;
            if slot <= boot_slot {
                continue;
            }
            let lock = match slots::try_lock(&pool).await {
                Ok(Some(lock)) => lock,
                Ok(None) => continue, // another instance is running a scheduled scrape
                Err(error) => {
                    tracing::warn!(%error, "scheduler lock unavailable");
                    continue;
                }
            };
            match slots::claim_slot(&pool, slot).await {
                Ok(true) => {
                    for query in queries_for_slot(
                        &queries,
                        slot,
                        settings.scheduled_queries_per_run as usize,
                    ) {
                        let request =
                            scrapes.request(query.clone(), Some(settings.default_location.clone()));
                        match scrapes.run_now(&request).await {
                            Ok(report) => tracing::info!(
                                slot,
                                query,
                                run_id = report.run_id,
                                new = report.jobs_new,
                                "scheduled scrape finished"
                            ),
                            Err(error) => tracing::error!(
                                slot,
                                query,
                                error = format!("{error:#}"),
                                "scheduled scrape failed"
                            ),
                        }
                    }
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "could not claim the scheduler slot"),
            }
            lock.release().await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_continues_where_the_last_slot_stopped() {
        let list: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        assert_eq!(queries_for_slot(&list, 0, 2), ["a", "b"]);
        assert_eq!(queries_for_slot(&list, 1, 2), ["c", "d"]);
        assert_eq!(queries_for_slot(&list, 2, 2), ["e", "a"]);
        assert_eq!(queries_for_slot(&list, 7, 9), ["d", "e", "a", "b", "c"]);
        assert!(queries_for_slot(&[], 3, 2).is_empty());
    }

    #[test]
    fn explicit_queries_win_over_the_preset() {
        let settings = Settings::from_pairs([("JOBSCOUT_SCHEDULED_QUERIES", "rust, go")]).settings;
        assert_eq!(rotation(&settings), ["rust", "go"]);
        let settings =
            Settings::from_pairs([("JOBSCOUT_SCHEDULED_QUERIES_PRESET", "tech_core_60")]).settings;
        assert_eq!(rotation(&settings).len(), 60);
    }
}
