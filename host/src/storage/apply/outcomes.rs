//! `applications` and `application_feedback`, as far as pack generation reads
//! them: the user's newest outcome feedback, for the learning summary.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::storage::codec::{on_pool, Id, Json, StoredRow, Time};
use crate::storage::Pool;

/// One feedback row of one of the user's applications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackRow {
    pub feedback_type: String,
    /// `{decision, reason_categories, signals}` (the feedback parser's output).
    pub parsed_json: Option<Value>,
    pub created_at: Option<DateTime<Utc>>,
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for FeedbackRow {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(FeedbackRow {
            feedback_type: row.read("feedback_type")?,
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
    let order = match pool {
        Pool::Sqlite(_) => "f.created_at DESC, f.rowid DESC",
        Pool::Postgres(_) => "f.created_at DESC NULLS LAST",
    };
    let sql = format!(
        "SELECT f.feedback_type, f.parsed_json, f.created_at FROM application_feedback f \
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
