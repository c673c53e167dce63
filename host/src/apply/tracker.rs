//! The application tracker (reference §4.7): the user's applications with their
//! status timeline, notes, reminder and contacts; their outcomes, parsed by the
//! `feedback-parse` processor; and the insights counted from those outcomes.
//! Everything is owner-scoped: another user's application is a 404.

use std::collections::BTreeMap;

use jobscout_contracts::feedback_parse::{self, FeedbackParse};
use serde_json::Value;
use uuid::Uuid;

use super::processors::{call, structured_input};
use super::{jobs, packs, Apply, Error, Result};
use crate::storage::apply::applications::{self, ApplicationFields, StoredApplication};
use crate::storage::apply::outcomes::{self, FeedbackRow};

/// The statuses an application moves through (the earlier DB CHECK).
pub const STATUSES: [&str; 5] = ["applied", "interview", "offer", "rejected", "withdrawn"];

/// The outcome kinds (the earlier DB CHECK).
pub const FEEDBACK_TYPES: [&str; 5] = feedback_parse::FEEDBACK_TYPES;

/// How many reasons `/apply/insights` lists, the most frequent first.
pub const TOP_REASONS: usize = 15;

/// Records an application of the user's, for one of their packs and/or job
/// targets (another user's is a 404).
pub async fn create(
    apply: &Apply,
    user_id: Uuid,
    apply_pack_id: Option<Uuid>,
    job_target_id: Option<Uuid>,
    fields: &ApplicationFields,
) -> Result<StoredApplication> {
    if let Some(apply_pack_id) = apply_pack_id {
        packs::owned(apply, user_id, apply_pack_id).await?;
    }
    if let Some(job_target_id) = job_target_id {
        jobs::owned(apply, user_id, job_target_id).await?;
    }
    super::quota::check_tracking(apply, user_id, chrono::Utc::now()).await?;
    Ok(applications::insert(&apply.pool, user_id, apply_pack_id, job_target_id, fields).await?)
}

/// Changes the given fields of one of the user's applications.
pub async fn update(
    apply: &Apply,
    user_id: Uuid,
    application_id: Uuid,
    fields: &ApplicationFields,
) -> Result<StoredApplication> {
    applications::update(&apply.pool, user_id, application_id, fields)
        .await?
        .ok_or_else(not_found)
}

/// One of the user's applications, or 404.
pub async fn owned(
    apply: &Apply,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<StoredApplication> {
    applications::get_owned(&apply.pool, user_id, application_id)
        .await?
        .ok_or_else(not_found)
}

pub fn not_found() -> Error {
    Error::NotFound("Application not found".into())
}

/// Records an outcome of one of the user's applications. Without `parsed_json`
/// the `feedback-parse` processor reads the decision, reasons and signals from
/// the text (with no text: the decision alone).
pub async fn add_feedback(
    apply: &Apply,
    user_id: Uuid,
    application_id: Uuid,
    feedback_type: &str,
    raw_text: Option<&str>,
    parsed_json: Option<Value>,
) -> Result<FeedbackRow> {
    owned(apply, user_id, application_id).await?;
    let parsed = match parsed_json {
        Some(parsed) => parsed,
        None => {
            let input = feedback_parse::Input {
                feedback_type: Some(feedback_type.to_string()),
                raw_text: raw_text.map(str::to_string),
            };
            let output = call::<FeedbackParse>(&apply.plugins, &structured_input(&input)).await?;
            serde_json::to_value(output).map_err(|error| Error::Internal(error.into()))?
        }
    };
    Ok(outcomes::insert(
        &apply.pool,
        application_id,
        feedback_type,
        raw_text,
        Some(&parsed),
    )
    .await?)
}

/// The outcomes of one of the user's applications, newest first.
pub async fn feedback(
    apply: &Apply,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<Vec<FeedbackRow>> {
    owned(apply, user_id, application_id).await?;
    Ok(outcomes::for_application(&apply.pool, application_id).await?)
}

/// What the user's outcomes say: how many of each type, and the reasons given,
/// the most frequent first (ties by name), at most [`TOP_REASONS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Insights {
    pub by_type: BTreeMap<String, i64>,
    pub reason_counts: Vec<(String, i64)>,
}

pub async fn insights(apply: &Apply, user_id: Uuid) -> Result<Insights> {
    let rows = outcomes::all_of_user(&apply.pool, user_id).await?;
    Ok(count_insights(&rows))
}

fn count_insights(rows: &[(String, Option<Value>)]) -> Insights {
    let mut by_type = BTreeMap::new();
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for (feedback_type, parsed) in rows {
        *by_type.entry(feedback_type.clone()).or_insert(0) += 1;
        let categories = parsed
            .as_ref()
            .and_then(|parsed| parsed.get("reason_categories"))
            .and_then(Value::as_array);
        for reason in categories.into_iter().flatten().filter_map(Value::as_str) {
            *reasons.entry(reason.to_string()).or_insert(0) += 1;
        }
    }
    let mut reason_counts: Vec<(String, i64)> = reasons.into_iter().collect();
    // Stable: equal counts keep the names' order.
    reason_counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    reason_counts.truncate(TOP_REASONS);
    Insights {
        by_type,
        reason_counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn insights_count_types_and_the_most_given_reasons() {
        let rows = vec![
            (
                "rejection".to_string(),
                Some(json!({"reason_categories": ["skills_gap", "location"]})),
            ),
            (
                "rejection".to_string(),
                Some(json!({"reason_categories": ["skills_gap"]})),
            ),
            ("offer".to_string(), Some(json!({"reason_categories": []}))),
            // A stored parse of another shape, or none, counts its type only.
            ("no_response".to_string(), Some(json!("text"))),
            ("no_response".to_string(), None),
        ];
        let insights = count_insights(&rows);
        assert_eq!(
            insights.by_type,
            BTreeMap::from([
                ("no_response".to_string(), 2),
                ("offer".to_string(), 1),
                ("rejection".to_string(), 2)
            ])
        );
        assert_eq!(
            insights.reason_counts,
            [("skills_gap".to_string(), 2), ("location".to_string(), 1)]
        );
    }

    #[test]
    fn only_the_fifteen_most_given_reasons_are_listed() {
        let rows: Vec<_> = (0..20)
            .map(|n| {
                let reasons: Vec<String> = (0..=n).map(|k| format!("reason-{k:02}")).collect();
                (
                    "rejection".to_string(),
                    Some(json!({"reason_categories": reasons})),
                )
            })
            .collect();
        let insights = count_insights(&rows);
        assert_eq!(insights.reason_counts.len(), TOP_REASONS);
        assert_eq!(insights.reason_counts[0], ("reason-00".to_string(), 20));
        assert_eq!(insights.reason_counts[14], ("reason-14".to_string(), 6));
    }
}
