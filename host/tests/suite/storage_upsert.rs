//! Large batch upserts: on PostgreSQL a batch of several chunks is written in two
//! halves on two connections (`storage::upsert`). These tests hold it to the same
//! result as one transaction: every row, `first_seen_at` kept, changes applied,
//! vectors right, and all or nothing when a row is refused. Two runs writing the
//! same jobs and sightings at once both succeed (`storage::write`).

use crate::common;

use chrono::{Duration, Utc};
use common::{count, count_rows, TestDb};
use jobscout::config::DatabaseTarget;
use jobscout::storage::jobs::{upsert_jobs, JobRecord};
use jobscout::storage::scrape::{record_sightings, sightings_of};
use jobscout::storage::{self, write, Pool};

/// More than two PostgreSQL chunks of 1 000 rows, an odd count so the halves differ.
const BATCH: usize = 2_601;

fn job(index: usize) -> JobRecord {
    JobRecord {
        job_id: format!("job-{index:05}"),
        source: "test".into(),
        title: format!("Rust Engineer {index}"),
        company: "Ferris Labs".into(),
        // Every third description is outside the host's plain-text fast path.
        description_text: Some(if index.is_multiple_of(3) {
            format!("Work on Node.js services, ticket #{index}.")
        } else {
            format!("Build services for team {index}. Rust and SQL.")
        }),
        ..JobRecord::default()
    }
}

#[tokio::test]
async fn a_batch_of_several_chunks_is_stored_whole_and_updates_keep_first_seen() {
    for database in TestDb::all().await {
        let engine = database.name;
        let first_seen = Utc::now() - Duration::days(3);
        // Half of the batch is stored beforehand, seen three days ago.
        let earlier: Vec<JobRecord> = (0..BATCH)
            .step_by(2)
            .map(|index| JobRecord {
                first_seen_at: Some(first_seen),
                last_seen_at: Some(first_seen),
                ..job(index)
            })
            .collect();
        upsert_jobs(&database.pool, &earlier).await.expect("seed");

        let mut batch: Vec<JobRecord> = (0..BATCH).map(job).collect();
        for record in batch
            .iter_mut()
            .filter(|record| record.job_id.ends_with('0'))
        {
            record.title = format!("{} (updated)", record.title);
        }
        upsert_jobs(&database.pool, &batch).await.expect("upsert");

        let pool = &database.pool;
        assert_eq!(count_rows(pool, "jobs").await, BATCH as i64, "{engine}");
        assert_eq!(
            count(
                pool,
                "SELECT count(*) FROM jobs WHERE title LIKE '%(updated)'"
            )
            .await,
            BATCH.div_ceil(10) as i64,
            "{engine}: every changed title is written"
        );
        let kept = (0..BATCH).step_by(2).count() as i64;
        let older = match pool {
            Pool::Sqlite(_) => format!(
                "SELECT count(*) FROM jobs WHERE first_seen_at < '{}'",
                storage::format_timestamp(&(first_seen + Duration::hours(1)))
            ),
            Pool::Postgres(_) => {
                "SELECT count(*) FROM jobs WHERE first_seen_at < now() - interval '2 days'".into()
            }
        };
        assert_eq!(
            count(pool, &older).await,
            kept,
            "{engine}: stored jobs keep their first_seen_at"
        );
        if let Pool::Postgres(_) = pool {
            let stale = count(
                pool,
                "SELECT count(*) FROM jobs WHERE search_vector IS DISTINCT FROM \
                 to_tsvector('simple', title || ' ' || company || ' ' || coalesce(description_text, ''))",
            )
            .await;
            assert_eq!(stale, 0, "every vector equals to_tsvector");
        }
    }
}

#[tokio::test]
async fn a_refused_row_in_either_half_stores_nothing() {
    let Some(database) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&database.pool).await.expect("migrate");
    for refused in [10, BATCH - 10] {
        let mut batch: Vec<JobRecord> = (0..BATCH).map(job).collect();
        // PostgreSQL refuses a NUL byte in text.
        batch[refused].title = "nul \0 byte".into();
        let error = upsert_jobs(&database.pool, &batch).await;
        assert!(error.is_err(), "row {refused} is refused");
        assert_eq!(
            count_rows(&database.pool, "jobs").await,
            0,
            "row {refused} refused: neither half is stored"
        );
    }
}

#[tokio::test]
async fn a_pool_of_one_connection_upserts_on_it_alone() {
    let Some(database) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&database.pool).await.expect("migrate");
    let single = storage::connect(
        &DatabaseTarget::Postgres(database.url.clone()),
        1,
        std::time::Duration::from_secs(5),
    )
    .await
    .expect("connect");
    let batch: Vec<JobRecord> = (0..BATCH).map(job).collect();
    upsert_jobs(&single, &batch).await.expect("upsert");
    assert_eq!(count_rows(&single, "jobs").await, BATCH as i64);
}

/// Two runs storing overlapping jobs at once (the scheduler and an admin run, or
/// two servers), in different orders and with different split points. Both
/// upserts must succeed: neither a deadlock nor a hang.
#[tokio::test]
async fn concurrent_upserts_of_overlapping_jobs_both_succeed() {
    for database in TestDb::all().await {
        let engine = database.name;
        let seed: Vec<JobRecord> = (0..BATCH).map(job).collect();
        upsert_jobs(&database.pool, &seed).await.expect("seed");
        for round in 0..6 {
            // Every row changes, so every row is locked for an update.
            let changed = |suffix: &str| -> Vec<JobRecord> {
                (0..BATCH)
                    .map(|index| JobRecord {
                        title: format!("Rust Engineer {index} ({suffix} {round})"),
                        ..job(index)
                    })
                    .collect()
            };
            let forward = changed("forward");
            let mut backward = changed("backward");
            backward.reverse();
            // A different split point too: the halves of the two batches overlap.
            backward.truncate(BATCH - 400);
            // A deadlock PostgreSQL cannot see (a finished half waiting in the client for
            // its other half) would hang here: fail instead.
            let (first, second) = tokio::time::timeout(std::time::Duration::from_secs(60), async {
                tokio::join!(
                    upsert_jobs(&database.pool, &forward),
                    upsert_jobs(&database.pool, &backward),
                )
            })
            .await
            .unwrap_or_else(|_| panic!("{engine}, round {round}: the upserts hang"));
            first.unwrap_or_else(|error| panic!("{engine}, round {round}, forward: {error}"));
            second.unwrap_or_else(|error| panic!("{engine}, round {round}, backward: {error}"));
        }
        assert_eq!(
            count_rows(&database.pool, "jobs").await,
            BATCH as i64,
            "{engine}"
        );
    }
}

#[tokio::test]
async fn concurrent_sightings_of_the_same_jobs_both_succeed() {
    for database in TestDb::all().await {
        let engine = database.name;
        let jobs: Vec<JobRecord> = (0..BATCH).map(job).collect();
        upsert_jobs(&database.pool, &jobs).await.expect("jobs");
        let sightings: Vec<(String, String, String)> = jobs
            .iter()
            .flat_map(|job| {
                ["greenhouse", "lever"].map(|source| {
                    let url = format!("https://{source}.example/{}", job.job_id);
                    (job.job_id.clone(), source.to_string(), url)
                })
            })
            .collect();
        for round in 0..4 {
            let mut backward = sightings.clone();
            backward.reverse();
            // The same sighting twice in one call is stored once.
            backward.push(sightings[0].clone());
            let (first, second) = tokio::join!(
                record_sightings(&database.pool, &sightings),
                record_sightings(&database.pool, &backward),
            );
            first.unwrap_or_else(|error| panic!("{engine}, round {round}, forward: {error}"));
            second.unwrap_or_else(|error| panic!("{engine}, round {round}, backward: {error}"));
        }
        assert_eq!(
            count_rows(&database.pool, "job_sightings").await,
            2 * BATCH as i64,
            "{engine}"
        );
        let seen = sightings_of(&database.pool, &jobs[7].job_id).await.unwrap();
        assert_eq!(seen.len(), 2, "{engine}: {seen:?}");
    }
}

/// Two transactions locking two rows crosswise: PostgreSQL aborts one with
/// `deadlock_detected`, and `retry_conflicts` runs it again, so both succeed.
#[tokio::test]
async fn a_deadlock_victim_is_run_again() {
    let Some(database) = TestDb::postgres_empty().await else {
        return;
    };
    storage::migrate(&database.pool).await.expect("migrate");
    upsert_jobs(&database.pool, &[job(1), job(2)])
        .await
        .expect("seed");
    let Pool::Postgres(pool) = &database.pool else {
        unreachable!()
    };
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let crosswise = |first: &'static str, second: &'static str| {
        let attempts = &attempts;
        write::retry_conflicts(move || async move {
            attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut transaction = pool.begin().await?;
            for (index, id) in [first, second].into_iter().enumerate() {
                sqlx::query("UPDATE jobs SET title = title || '!' WHERE job_id = $1")
                    .bind(id)
                    .execute(&mut *transaction)
                    .await?;
                if index == 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
            }
            transaction.commit().await
        })
    };
    let (one, two) = tokio::join!(
        crosswise("job-00001", "job-00002"),
        crosswise("job-00002", "job-00001")
    );
    one.expect("first writer");
    two.expect("second writer");
    assert_eq!(
        attempts.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "one of the two ran twice"
    );
    assert_eq!(
        count(
            &database.pool,
            "SELECT count(*) FROM jobs WHERE title LIKE '%!!'"
        )
        .await,
        2,
        "both writes of both writers landed"
    );
}
