//! Large batch upserts: on PostgreSQL a batch of several chunks is written in two
//! halves on two connections (`storage::upsert`). These tests hold it to the same
//! result as one transaction: every row, `first_seen_at` kept, changes applied,
//! vectors right, and all or nothing when a row is refused.

mod common;

use chrono::{Duration, Utc};
use common::TestDb;
use jobscout::config::DatabaseTarget;
use jobscout::storage::jobs::{upsert_jobs, JobRecord};
use jobscout::storage::{self, Pool};

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

async fn count(pool: &Pool, sql: &str) -> i64 {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
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
        assert_eq!(
            count(pool, "SELECT count(*) FROM jobs").await,
            BATCH as i64,
            "{engine}"
        );
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
            count(&database.pool, "SELECT count(*) FROM jobs").await,
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
    assert_eq!(
        count(&single, "SELECT count(*) FROM jobs").await,
        BATCH as i64
    );
}
