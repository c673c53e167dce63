//! `applications`: the tracker's rows (reference §4.7), read and written by their
//! owner only. The status timeline is kept here: a status's timestamp is set the
//! first time the application reaches it and never moved after.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::storage::codec::{now_sql, on_pool, Id, StoredRow, Time};
use crate::storage::Pool;

/// An `applications` row with its job's title, company and URL (through its own
/// job target, else its pack's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredApplication {
    pub application_id: Uuid,
    pub apply_pack_id: Option<Uuid>,
    pub job_target_id: Option<Uuid>,
    pub status: String,
    pub applied_at: Option<DateTime<Utc>>,
    pub interview_at: Option<DateTime<Utc>>,
    pub offer_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub reminder_at: Option<DateTime<Utc>>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub job_url: Option<String>,
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for StoredApplication {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(StoredApplication {
            application_id: row.read::<Id>("application_id")?.0.unwrap_or_default(),
            apply_pack_id: row.read::<Id>("apply_pack_id")?.0,
            job_target_id: row.read::<Id>("job_target_id")?.0,
            status: row.read("status")?,
            applied_at: row.read::<Time>("applied_at")?.0,
            interview_at: row.read::<Time>("interview_at")?.0,
            offer_at: row.read::<Time>("offer_at")?.0,
            rejected_at: row.read::<Time>("rejected_at")?.0,
            notes: row.read("notes")?,
            reminder_at: row.read::<Time>("reminder_at")?.0,
            contact_email: row.read("contact_email")?,
            contact_linkedin_url: row.read("contact_linkedin_url")?,
            contact_phone: row.read("contact_phone")?,
            title: row.read("title")?,
            company: row.read("company")?,
            job_url: row.read("job_url")?,
        })
    }
}

/// The writable fields of an application; on an update `None` leaves a field
/// as it is (the earlier contract: null means unchanged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationFields {
    pub status: Option<String>,
    pub notes: Option<String>,
    pub reminder_at: Option<DateTime<Utc>>,
    pub contact_email: Option<String>,
    pub contact_linkedin_url: Option<String>,
    pub contact_phone: Option<String>,
}

/// The row with its job's fields: `a` is `applications`.
const SELECT: &str = "SELECT a.application_id, a.apply_pack_id, a.job_target_id, a.status, \
     a.applied_at, a.interview_at, a.offer_at, a.rejected_at, a.notes, a.reminder_at, \
     a.contact_email, a.contact_linkedin_url, a.contact_phone, t.title, t.company, t.job_url \
     FROM applications a \
     LEFT JOIN apply_packs p ON p.apply_pack_id = a.apply_pack_id \
     LEFT JOIN job_targets t ON t.job_target_id = COALESCE(a.job_target_id, p.job_target_id)";

/// The column a status stamps when the application first reaches it
/// (`withdrawn` has none).
fn timeline_column(status: &str) -> Option<&'static str> {
    match status {
        "applied" => Some("applied_at"),
        "interview" => Some("interview_at"),
        "offer" => Some("offer_at"),
        "rejected" => Some("rejected_at"),
        _ => None,
    }
}

/// Stores a new application of `user_id` and returns it. The status's timestamp
/// is set at once (`applied_at` always is).
pub async fn insert(
    pool: &Pool,
    user_id: Uuid,
    apply_pack_id: Option<Uuid>,
    job_target_id: Option<Uuid>,
    fields: &ApplicationFields,
) -> Result<StoredApplication, sqlx::Error> {
    let application_id = Uuid::new_v4();
    let status = fields.status.as_deref().unwrap_or("applied");
    let stamp = match timeline_column(status) {
        Some(column) if column != "applied_at" => format!(", {column}"),
        _ => String::new(),
    };
    let stamp_value = if stamp.is_empty() {
        String::new()
    } else {
        format!(", {}", now_sql(pool))
    };
    let sql = format!(
        "INSERT INTO applications (application_id, user_id, apply_pack_id, job_target_id, status, \
         notes, reminder_at, contact_email, contact_linkedin_url, contact_phone{stamp}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10{stamp_value})"
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(Id::from(application_id))
            .bind(Id::from(user_id))
            .bind(Id(apply_pack_id))
            .bind(Id(job_target_id))
            .bind(status)
            .bind(&fields.notes)
            .bind(Time(fields.reminder_at))
            .bind(&fields.contact_email)
            .bind(&fields.contact_linkedin_url)
            .bind(&fields.contact_phone)
            .execute(pool)
            .await?;
    });
    get_owned(pool, user_id, application_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// One of `user_id`'s applications; another user's id reads as absent.
pub async fn get_owned(
    pool: &Pool,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<Option<StoredApplication>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE a.application_id = $1 AND a.user_id = $2");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(application_id))
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
    })
}

/// A page of the user's applications (of one status, if given), the latest
/// applied first.
pub async fn list(
    pool: &Pool,
    user_id: Uuid,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<StoredApplication>, sqlx::Error> {
    let order = match pool {
        Pool::Sqlite(_) => "a.applied_at DESC, a.rowid DESC",
        Pool::Postgres(_) => "a.applied_at DESC, a.created_at DESC NULLS LAST, a.application_id",
    };
    let sql = format!(
        "{SELECT} WHERE a.user_id = $1 AND ($2 IS NULL OR a.status = $2) \
         ORDER BY {order} LIMIT $3 OFFSET $4"
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(status)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
    })
}

/// How many applications the user has (of one status, if given).
pub async fn count(pool: &Pool, user_id: Uuid, status: Option<&str>) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications WHERE user_id = $1 AND ($2 IS NULL OR status = $2)",
        )
        .bind(Id::from(user_id))
        .bind(status)
        .fetch_one(pool)
        .await
    })
}

/// Applies `fields` to one of the user's applications (`None` leaves a field as
/// it is); a new status stamps its timestamp if the application never had it.
/// `None` when the application is not the user's.
pub async fn update(
    pool: &Pool,
    user_id: Uuid,
    application_id: Uuid,
    fields: &ApplicationFields,
) -> Result<Option<StoredApplication>, sqlx::Error> {
    let stamp = fields
        .status
        .as_deref()
        .and_then(timeline_column)
        .map(|column| format!(", {column} = COALESCE({column}, {})", now_sql(pool)))
        .unwrap_or_default();
    let sql = format!(
        "UPDATE applications SET status = COALESCE($3, status), notes = COALESCE($4, notes), \
         reminder_at = COALESCE($5, reminder_at), contact_email = COALESCE($6, contact_email), \
         contact_linkedin_url = COALESCE($7, contact_linkedin_url), \
         contact_phone = COALESCE($8, contact_phone), updated_at = {now}{stamp} \
         WHERE application_id = $1 AND user_id = $2",
        now = now_sql(pool),
    );
    let updated = on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(Id::from(application_id))
            .bind(Id::from(user_id))
            .bind(&fields.status)
            .bind(&fields.notes)
            .bind(Time(fields.reminder_at))
            .bind(&fields.contact_email)
            .bind(&fields.contact_linkedin_url)
            .bind(&fields.contact_phone)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if updated == 0 {
        return Ok(None);
    }
    get_owned(pool, user_id, application_id).await
}
