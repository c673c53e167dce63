//! `trust_report_feedback`: what users say about a job target's report, and the
//! community counters computed from it.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::storage::codec::{on_pool, Id, StoredRow};
use crate::storage::{Engine, Pool};

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
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO trust_report_feedback (feedback_id, job_target_id, user_id, feedback_kind, dimension, value, \
             comment) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Id::from(Uuid::new_v4()))
        .bind(Id::from(job_target_id))
        .bind(Id::from(user_id))
        .bind(&feedback.feedback_kind)
        .bind(&feedback.dimension)
        .bind(&feedback.value)
        .bind(&feedback.comment)
        .execute(pool)
        .await
        .map(drop)
    })
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
    fn read<R: StoredRow>(row: &R) -> Result<Community, sqlx::Error> {
        Ok(Community {
            reports_total: row.read("reports_total")?,
            accurate_total: row.read("accurate_total")?,
            inaccurate_total: row.read("inaccurate_total")?,
            reports_scam: row.read("reports_scam")?,
            reports_ghost: row.read("reports_ghost")?,
            reports_expired: row.read("reports_expired")?,
        })
    }
    let sql = match pool.engine() {
        Engine::Sqlite => format!("{COUNTERS}$1"),
        Engine::Postgres => format!(
            "SELECT reports_total::bigint AS reports_total, accurate_total::bigint AS accurate_total, \
             inaccurate_total::bigint AS inaccurate_total, reports_scam::bigint AS reports_scam, \
             reports_ghost::bigint AS reports_ghost, reports_expired::bigint AS reports_expired \
             FROM ({COUNTERS}$1) AS counters"
        ),
    };
    on_pool!(pool, pool => {
        read(&sqlx::query(&sql).bind(Id::from(job_target_id)).fetch_one(pool).await?)
    })
}
