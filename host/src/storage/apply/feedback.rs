//! `trust_report_feedback`: what users say about a job target's report, and the
//! community counters computed from it.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::storage::users::now_text;
use crate::storage::Pool;

/// One feedback entry, already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback {
    /// `report` or `accuracy`.
    pub feedback_kind: String,
    /// `overall`, `scam`, `ghost`, `staleness` or `link`.
    pub dimension: String,
    pub value: Option<String>,
    pub comment: Option<String>,
}

/// The community counters of one job target (the earlier
/// `trust_report_feedback_summary` view).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Community {
    pub reports_total: i64,
    pub accurate_total: i64,
    pub inaccurate_total: i64,
    pub reports_scam: i64,
    pub reports_ghost: i64,
    pub reports_expired: i64,
}

pub async fn insert(
    pool: &Pool,
    job_target_id: Uuid,
    user_id: Uuid,
    feedback: &NewFeedback,
) -> Result<(), sqlx::Error> {
    match pool {
        Pool::Sqlite(sqlite) => sqlx::query(
            "INSERT INTO trust_report_feedback (feedback_id, job_target_id, user_id, feedback_kind, dimension, value, \
             comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(job_target_id.to_string())
        .bind(user_id.to_string())
        .bind(&feedback.feedback_kind)
        .bind(&feedback.dimension)
        .bind(&feedback.value)
        .bind(&feedback.comment)
        .bind(now_text())
        .execute(sqlite)
        .await
        .map(drop),
        Pool::Postgres(postgres) => sqlx::query(
            "INSERT INTO trust_report_feedback (feedback_id, job_target_id, user_id, feedback_kind, dimension, value, \
             comment) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4())
        .bind(job_target_id)
        .bind(user_id)
        .bind(&feedback.feedback_kind)
        .bind(&feedback.dimension)
        .bind(&feedback.value)
        .bind(&feedback.comment)
        .execute(postgres)
        .await
        .map(drop),
    }
}

/// Same SQL on both engines: conditional counts.
const COUNTERS: &str = "SELECT \
     COALESCE(SUM(CASE WHEN feedback_kind = 'report' THEN 1 ELSE 0 END), 0) AS reports_total, \
     COALESCE(SUM(CASE WHEN feedback_kind = 'accuracy' AND value = 'accurate' THEN 1 ELSE 0 END), 0) AS accurate_total, \
     COALESCE(SUM(CASE WHEN feedback_kind = 'accuracy' AND value = 'inaccurate' THEN 1 ELSE 0 END), 0) AS inaccurate_total, \
     COALESCE(SUM(CASE WHEN feedback_kind = 'report' AND value = 'scam' THEN 1 ELSE 0 END), 0) AS reports_scam, \
     COALESCE(SUM(CASE WHEN feedback_kind = 'report' AND value = 'ghost' THEN 1 ELSE 0 END), 0) AS reports_ghost, \
     COALESCE(SUM(CASE WHEN feedback_kind = 'report' AND value = 'expired' THEN 1 ELSE 0 END), 0) AS reports_expired \
     FROM trust_report_feedback WHERE job_target_id = ";

pub async fn community(pool: &Pool, job_target_id: Uuid) -> Result<Community, sqlx::Error> {
    fn read<R: sqlx::Row>(row: &R) -> Result<Community, sqlx::Error>
    where
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> &'r str: sqlx::ColumnIndex<R>,
    {
        Ok(Community {
            reports_total: row.try_get("reports_total")?,
            accurate_total: row.try_get("accurate_total")?,
            inaccurate_total: row.try_get("inaccurate_total")?,
            reports_scam: row.try_get("reports_scam")?,
            reports_ghost: row.try_get("reports_ghost")?,
            reports_expired: row.try_get("reports_expired")?,
        })
    }
    match pool {
        Pool::Sqlite(sqlite) => read(
            &sqlx::query(&format!("{COUNTERS}?"))
                .bind(job_target_id.to_string())
                .fetch_one(sqlite)
                .await?,
        ),
        Pool::Postgres(postgres) => read(
            &sqlx::query(&format!(
                "SELECT reports_total::bigint AS reports_total, accurate_total::bigint AS accurate_total, \
                 inaccurate_total::bigint AS inaccurate_total, reports_scam::bigint AS reports_scam, \
                 reports_ghost::bigint AS reports_ghost, reports_expired::bigint AS reports_expired \
                 FROM ({COUNTERS}$1) AS counters"
            ))
            .bind(job_target_id)
            .fetch_one(postgres)
            .await?,
        ),
    }
}
