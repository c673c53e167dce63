//! The `analytics_events` table behind `POST /api/v1/metrics/event`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::codec::{on_pool, Id, Json, Time};
use super::Pool;

#[derive(Debug, Clone, Default)]
pub struct AnalyticsEvent {
    pub event_name: String,
    pub user_id: Option<uuid::Uuid>,
    pub distinct_id: Option<String>,
    pub path: Option<String>,
    pub client_ts: Option<DateTime<Utc>>,
    pub properties: Option<Value>,
}

pub async fn insert_event(pool: &Pool, event: &AnalyticsEvent) -> Result<(), sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO analytics_events (event_name, user_id, distinct_id, path, client_ts, properties) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&event.event_name)
        .bind(Id::from(event.user_id))
        .bind(&event.distinct_id)
        .bind(&event.path)
        .bind(Time(event.client_ts))
        .bind(Json::from(&event.properties))
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// How many events are stored under `event_name` (tests and KPIs).
pub async fn count_events(pool: &Pool, event_name: &str) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM analytics_events WHERE event_name = $1")
            .bind(event_name)
            .fetch_one(pool)
            .await
    })
}
