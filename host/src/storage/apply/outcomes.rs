//! `application_feedback`: the outcomes users record for their applications
//! (the tracker's feedback routes), the user's newest ones for the learning
//! summary of pack generation, and the counts `/apply/insights` shows.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::storage::codec::{newest_first, newest_first_in, on_pool, Id, Json, StoredRow, Time};
use crate::storage::Pool;

/// One feedback row of one of the user's applications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackRow {
    pub feedback_id: Uuid,
    pub feedback_type: String,
    pub raw_text: Option<String>,
    /// `{decision, reason_categories, signals}` (the feedback parser's output).
    pub parsed_json: Option<Value>,
    pub created_at: Option<DateTime<Utc>>,
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for FeedbackRow {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(FeedbackRow {
            feedback_id: row.read::<Id>("feedback_id")?.0.unwrap_or_default(),
            feedback_type: row.read("feedback_type")?,
            raw_text: row.read("raw_text")?,
            parsed_json: row.read::<Json>("parsed_json")?.0,
            created_at: row.read::<Time>("created_at")?.0,
        })
    }
}

/// The user's newest feedback rows, newest first.
pub async fn recent_feedback(
    pool: &Pool,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<FeedbackRow>, sqlx::Error> {
    let order = newest_first_in(pool, "f");
    let sql = format!(
        "SELECT f.feedback_id, f.feedback_type, f.raw_text, f.parsed_json, f.created_at \
         FROM application_feedback f \
         JOIN applications a ON a.application_id = f.application_id \
         WHERE a.user_id = $1 ORDER BY {order} LIMIT $2"
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// Stores one outcome of `application_id` (whose owner the caller has checked).
pub async fn insert(
    pool: &Pool,
    application_id: Uuid,
    feedback_type: &str,
    raw_text: Option<&str>,
    parsed_json: Option<&Value>,
) -> Result<FeedbackRow, sqlx::Error> {
    let feedback_id = Uuid::new_v4();
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO application_feedback (feedback_id, application_id, feedback_type, raw_text, parsed_json) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Id::from(feedback_id))
        .bind(Id::from(application_id))
        .bind(feedback_type)
        .bind(raw_text)
        .bind(Json(parsed_json.cloned()))
        .execute(pool)
        .await?;
    });
    on_pool!(pool, pool => {
        sqlx::query_as(
            "SELECT feedback_id, feedback_type, raw_text, parsed_json, created_at \
             FROM application_feedback WHERE feedback_id = $1",
        )
        .bind(Id::from(feedback_id))
        .fetch_one(pool)
        .await
    })
}

/// The outcomes of one application, newest first.
pub async fn for_application(
    pool: &Pool,
    application_id: Uuid,
) -> Result<Vec<FeedbackRow>, sqlx::Error> {
    let sql = format!(
        "SELECT feedback_id, feedback_type, raw_text, parsed_json, created_at \
         FROM application_feedback WHERE application_id = $1 ORDER BY {}",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(application_id))
            .fetch_all(pool)
            .await
    })
}

/// Every outcome of the user's applications: its type and parsed JSON, which
/// `/apply/insights` counts.
pub async fn all_of_user(
    pool: &Pool,
    user_id: Uuid,
) -> Result<Vec<(String, Option<Value>)>, sqlx::Error> {
    let rows: Vec<FeedbackRow> = on_pool!(pool, pool => {
        sqlx::query_as(
            "SELECT f.feedback_id, f.feedback_type, f.raw_text, f.parsed_json, f.created_at \
             FROM application_feedback f \
             JOIN applications a ON a.application_id = f.application_id WHERE a.user_id = $1",
        )
        .bind(Id::from(user_id))
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| (row.feedback_type, row.parsed_json))
        .collect())
}
