//! `trust_reports`: each stored report, with its columns filled from the report
//! JSON (as the earlier backend's table had them), the whole report, and the
//! apply-link check that later calls reuse (the link cache).

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::storage::codec::{newest_first, on_pool, Id, Int, Json, List, StoredRow, Time};
use crate::storage::Pool;

/// What an apply-link check found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkCheck {
    /// `valid`, `broken` or `missing`.
    pub status: String,
    pub final_url: Option<String>,
    pub redirects: i32,
    pub http_status: Option<i32>,
    pub login_required: bool,
    /// When the link was fetched; `None` for `missing` (nothing to fetch).
    pub checked_at: Option<DateTime<Utc>>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub trust_report_id: Uuid,
    pub job_target_id: Uuid,
    pub created_at: Option<DateTime<Utc>>,
    pub link: LinkCheck,
    /// The report JSON as the processor returned it (absent for adopted rows).
    pub report: Option<Value>,
}

const COLUMNS: &str = "trust_report_id, job_target_id, created_at, apply_link_status, apply_link_final_url, \
     apply_link_redirects, apply_link_http_status, apply_link_login_required, apply_link_checked_at, report_json";

impl<R: StoredRow> sqlx::FromRow<'_, R> for StoredReport {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(StoredReport {
            trust_report_id: row.read::<Id>("trust_report_id")?.0.unwrap_or_default(),
            job_target_id: row.read::<Id>("job_target_id")?.0.unwrap_or_default(),
            created_at: row.read::<Time>("created_at")?.0,
            link: LinkCheck {
                status: row
                    .read::<Option<String>>("apply_link_status")?
                    .unwrap_or_default(),
                final_url: row.read("apply_link_final_url")?,
                redirects: row.read::<Int>("apply_link_redirects")?.0.unwrap_or(0) as i32,
                http_status: row
                    .read::<Int>("apply_link_http_status")?
                    .0
                    .map(|status| status as i32),
                login_required: row
                    .read::<Option<bool>>("apply_link_login_required")?
                    .unwrap_or(false),
                checked_at: row.read::<Time>("apply_link_checked_at")?.0,
            },
            report: row.read::<Json>("report_json")?.0,
        })
    }
}

/// The columns of the earlier table, read from the report JSON.
struct ReportColumns {
    scam_risk: Option<String>,
    scam_reasons: Vec<String>,
    scam_score: Option<i32>,
    ghost_likelihood: Option<String>,
    ghost_reasons: Vec<String>,
    ghost_score: Option<i32>,
    staleness_score: Option<i32>,
    staleness_reasons: Vec<String>,
    domain_consistency_reasons: Vec<String>,
    trust_score: Option<i32>,
}

impl ReportColumns {
    fn of(report: &Value) -> Self {
        let text = |key: &str| {
            report[key]
                .as_str()
                .filter(|level| matches!(*level, "low" | "medium" | "high"))
                .map(str::to_string)
        };
        let number = |key: &str| report[key].as_f64().map(|value| value.round() as i32);
        let list = |key: &str| -> Vec<String> {
            report[key]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        ReportColumns {
            scam_risk: text("scam_risk"),
            scam_reasons: list("scam_reasons"),
            scam_score: number("scam_score"),
            ghost_likelihood: text("ghost_likelihood"),
            ghost_reasons: list("ghost_reasons"),
            ghost_score: number("ghost_score"),
            staleness_score: number("staleness_score"),
            staleness_reasons: list("staleness_reasons"),
            domain_consistency_reasons: list("domain_consistency_reasons"),
            trust_score: number("trust_score"),
        }
    }
}

/// Stores a new report for a job target; returns its id and creation time.
pub async fn insert(
    pool: &Pool,
    job_target_id: Uuid,
    report: &Value,
    link: &LinkCheck,
) -> Result<StoredReport, sqlx::Error> {
    let trust_report_id = Uuid::new_v4();
    let columns = ReportColumns::of(report);
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO trust_reports (trust_report_id, job_target_id, scam_risk, scam_reasons, scam_score, \
             ghost_likelihood, ghost_reasons, ghost_score, staleness_score, staleness_reasons, apply_link_status, \
             domain_consistency_reasons, trust_score, apply_link_final_url, apply_link_redirects, \
             apply_link_http_status, apply_link_login_required, apply_link_checked_at, report_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(Id::from(trust_report_id))
        .bind(Id::from(job_target_id))
        .bind(&columns.scam_risk)
        .bind(List::from(columns.scam_reasons.as_slice()))
        .bind(columns.scam_score)
        .bind(&columns.ghost_likelihood)
        .bind(List::from(columns.ghost_reasons.as_slice()))
        .bind(columns.ghost_score)
        .bind(columns.staleness_score)
        .bind(List::from(columns.staleness_reasons.as_slice()))
        .bind(&link.status)
        .bind(List::from(columns.domain_consistency_reasons.as_slice()))
        .bind(columns.trust_score)
        .bind(&link.final_url)
        .bind(link.redirects)
        .bind(link.http_status)
        .bind(link.login_required)
        .bind(Time(link.checked_at))
        .bind(Json::from(report))
        .execute(pool)
        .await?;
    });
    by_id(pool, trust_report_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

async fn by_id(pool: &Pool, trust_report_id: Uuid) -> Result<Option<StoredReport>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM trust_reports WHERE trust_report_id = $1");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(trust_report_id))
            .fetch_optional(pool)
            .await
    })
}

/// The newest report of a job target.
pub async fn latest(pool: &Pool, job_target_id: Uuid) -> Result<Option<StoredReport>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM trust_reports WHERE job_target_id = $1 ORDER BY {} LIMIT 1",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(job_target_id))
            .fetch_optional(pool)
            .await
    })
}

/// Refreshes the link cache of a stored report (the report itself is not rewritten).
pub async fn update_link(
    pool: &Pool,
    trust_report_id: Uuid,
    link: &LinkCheck,
) -> Result<(), sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query(
            "UPDATE trust_reports SET apply_link_status = $1, apply_link_final_url = $2, apply_link_redirects = $3, \
             apply_link_http_status = $4, apply_link_login_required = $5, apply_link_checked_at = $6 \
             WHERE trust_report_id = $7",
        )
        .bind(&link.status)
        .bind(&link.final_url)
        .bind(link.redirects)
        .bind(link.http_status)
        .bind(link.login_required)
        .bind(Time(link.checked_at))
        .bind(Id::from(trust_report_id))
        .execute(pool)
        .await
        .map(drop)
    })
}
