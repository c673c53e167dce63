//! `ai_token_usage`: the tokens the AI provider counted for each user, per UTC
//! day and feature. One row per (user, day, feature), added to by every call.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::storage::codec::{on_pool, Id, StoredRow};
use crate::storage::Pool;

/// One day of one feature for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyUsage {
    pub day: NaiveDate,
    pub feature: String,
    pub calls: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for DailyUsage {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(DailyUsage {
            day: row.read("usage_day")?,
            feature: row.read("feature")?,
            calls: row.read("calls")?,
            prompt_tokens: row.read("prompt_tokens")?,
            completion_tokens: row.read("completion_tokens")?,
        })
    }
}

/// Adds one call's tokens to the user's row for `day` and `feature`; calls
/// running at once add up (the upsert adds inside the row's lock).
pub async fn record(
    pool: &Pool,
    user_id: Uuid,
    day: NaiveDate,
    feature: &str,
    prompt_tokens: u64,
    completion_tokens: u64,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO ai_token_usage \
         (user_id, usage_day, feature, calls, prompt_tokens, completion_tokens) \
         VALUES ($1, $2, $3, 1, $4, $5) \
         ON CONFLICT (user_id, usage_day, feature) DO UPDATE SET \
         calls = ai_token_usage.calls + 1, \
         prompt_tokens = ai_token_usage.prompt_tokens + excluded.prompt_tokens, \
         completion_tokens = ai_token_usage.completion_tokens + excluded.completion_tokens";
    let tokens = |count: u64| i64::try_from(count).unwrap_or(i64::MAX);
    on_pool!(pool, pool => {
        sqlx::query(SQL)
            .bind(Id::from(user_id))
            .bind(day)
            .bind(feature)
            .bind(tokens(prompt_tokens))
            .bind(tokens(completion_tokens))
            .execute(pool)
            .await
            .map(drop)
    })
}

/// The user's usage from `since` on, oldest day first, features by name.
pub async fn since(
    pool: &Pool,
    user_id: Uuid,
    since: NaiveDate,
) -> Result<Vec<DailyUsage>, sqlx::Error> {
    const SQL: &str = "SELECT usage_day, feature, calls, prompt_tokens, completion_tokens \
         FROM ai_token_usage WHERE user_id = $1 AND usage_day >= $2 \
         ORDER BY usage_day, feature";
    on_pool!(pool, pool => {
        sqlx::query_as(SQL)
            .bind(Id::from(user_id))
            .bind(since)
            .fetch_all(pool)
            .await
    })
}
