//! Trust reports (docs/processors.md, `trust`): the host gathers what the `trust` processor
//! needs (the job target, the apply-link check, community counters, `now`),
//! and applies the persistence rule: a report row is written on the first call
//! or with `force`; later calls recompute with the cached link status and return
//! the stored id and `verified_at`.

use chrono::{DateTime, SecondsFormat, Utc};
use jobscout_contracts::trust::{self, HostFields};
use serde_json::Value;
use uuid::Uuid;

use super::jobs::owned;
use super::processors::{call_json, structured_input, TRUST};
use super::{Apply, Error, Result};
use crate::storage::apply::feedback::{self, Community, NewFeedback};
use crate::storage::apply::job_targets::JobTarget;
use crate::storage::apply::trust_reports::{self, LinkCheck};

/// Query flags of `POST /apply/job/{id}/trust`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustOptions {
    /// Store a new report even if one exists.
    pub force: bool,
    /// Check the apply link again even if the cached check is fresh.
    pub refresh_apply_link: bool,
}

/// The report as the API returns it: the processor's fields plus the host's.
pub async fn report(
    apply: &Apply,
    user_id: Uuid,
    job_target_id: Uuid,
    options: TrustOptions,
) -> Result<Value> {
    let target = owned(apply, user_id, job_target_id).await?;
    let stored = trust_reports::latest(&apply.pool, job_target_id).await?;
    let now = Utc::now();
    let apply_link = apply_link_of(&target);

    let cached_link = stored.as_ref().map(|report| &report.link).filter(|link| {
        !options.refresh_apply_link && link_is_fresh(link, apply, now, apply_link.as_deref())
    });
    let (link, link_cached) = match (cached_link, &apply_link) {
        (Some(link), _) => (link.clone(), true),
        (None, Some(url)) => (apply.fetcher.check_link(url).await, false),
        (None, None) => (missing_link(), false),
    };
    let community = feedback::community(&apply.pool, job_target_id).await?;
    let input = trust_input(
        &target,
        &link,
        !link_cached && apply_link.is_some(),
        &community,
        now,
    );
    let mut report = call_json(&apply.plugins, TRUST, &input).await?;

    let (trust_report_id, verified_at) = match stored {
        Some(previous) if !options.force => {
            if !link_cached {
                trust_reports::update_link(&apply.pool, previous.trust_report_id, &link).await?;
            }
            (previous.trust_report_id, previous.created_at)
        }
        _ => {
            let inserted =
                trust_reports::insert(&apply.pool, job_target_id, &report, &link).await?;
            (inserted.trust_report_id, inserted.created_at)
        }
    };
    let object = report
        .as_object_mut()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("trust output is not an object")))?;
    // The processor's report goes out as it came (keys a newer processor adds
    // included); the host's own fields are typed.
    let host_fields = HostFields {
        trust_report_id: trust_report_id.to_string(),
        verified_at: verified_at.map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true)),
        apply_link_cached: link_cached,
        community: &community,
    };
    match serde_json::to_value(&host_fields) {
        Ok(Value::Object(fields)) => object.extend(fields),
        _ => {
            return Err(Error::Internal(anyhow::anyhow!(
                "the host's trust fields are not an object"
            )))
        }
    }
    Ok(report)
}

/// `extracted_json.apply_url`, else the job URL (docs/processors.md, `trust`).
fn apply_link_of(target: &JobTarget) -> Option<String> {
    target
        .extracted_json
        .as_ref()
        .and_then(|extracted| extracted["apply_url"].as_str())
        .or(target.job_url.as_deref())
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_string)
}

fn missing_link() -> LinkCheck {
    LinkCheck {
        status: "missing".into(),
        ..LinkCheck::default()
    }
}

/// A stored check is reused while younger than the TTL, and only if it checked a
/// link at all (a job edited to gain an apply link is checked at once).
fn link_is_fresh(
    link: &LinkCheck,
    apply: &Apply,
    now: DateTime<Utc>,
    apply_link: Option<&str>,
) -> bool {
    let ttl = chrono::Duration::from_std(apply.settings.apply_link_cache_ttl).unwrap_or_default();
    match (link.checked_at, apply_link) {
        (Some(checked_at), Some(_)) => !ttl.is_zero() && now - checked_at < ttl,
        (None, None) => link.status == "missing",
        _ => false,
    }
}

fn trust_input(
    target: &JobTarget,
    link: &LinkCheck,
    tested: bool,
    community: &Community,
    now: DateTime<Utc>,
) -> crate::plugins::types::Payload {
    let rfc3339 = |time: &Option<DateTime<Utc>>| {
        time.map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true))
    };
    let extracted = target.extracted_json.clone().unwrap_or(Value::Null);
    let extracted_text = |key: &str| extracted[key].as_str().map(str::to_string);
    let count = |value: i64| Some(value.to_string());
    structured_input(&trust::Input {
        now: Some(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        job_url: target.job_url.clone(),
        apply_url: extracted_text("apply_url"),
        company_website: extracted_text("company_website"),
        description_text: target.description_text.clone(),
        html: target.html.clone(),
        source: extracted_text("source"),
        posted_at: rfc3339(&target.posted_at),
        valid_through: rfc3339(&target.valid_through),
        link_status: Some(link.status.clone()),
        link_tested: Some(tested.to_string()),
        link_final_url: link.final_url.clone(),
        link_redirects: Some(link.redirects.to_string()),
        link_http_status: link.http_status.map(|status| status.to_string()),
        link_login_required: Some(link.login_required.to_string()),
        reports_total: count(community.reports_total),
        accurate_total: count(community.accurate_total),
        inaccurate_total: count(community.inaccurate_total),
        reports_scam: count(community.reports_scam),
        reports_ghost: count(community.reports_ghost),
        reports_expired: count(community.reports_expired),
    })
}

/// `POST /apply/job/{id}/trust/feedback` body, as sent.
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    pub feedback_kind: String,
    pub dimension: Option<String>,
    pub value: Option<String>,
    pub comment: Option<String>,
}

pub const COMMENT_MAX_CHARS: usize = 800;

/// Validates feedback the way the earlier backend did: `report` values outside
/// {scam, ghost, expired, other} become `other`; `accuracy` needs accurate|inaccurate.
pub fn validate_feedback(feedback: Feedback) -> Result<NewFeedback> {
    let kind = feedback.feedback_kind.trim().to_lowercase();
    let dimension = feedback
        .dimension
        .map(|dimension| dimension.trim().to_lowercase())
        .filter(|dimension| !dimension.is_empty())
        .unwrap_or_else(|| "overall".into());
    if !matches!(
        dimension.as_str(),
        "overall" | "scam" | "ghost" | "staleness" | "link"
    ) {
        return Err(Error::Invalid(
            "dimension must be one of overall, scam, ghost, staleness, link".into(),
        ));
    }
    let value = feedback.value.map(|value| value.trim().to_lowercase());
    let value = match kind.as_str() {
        "report" => match value.as_deref() {
            Some("scam" | "ghost" | "expired" | "other") => value,
            _ => Some("other".into()),
        },
        "accuracy" => match value.as_deref() {
            Some("accurate" | "inaccurate") => value,
            _ => {
                return Err(Error::Invalid(
                    "accuracy feedback needs value 'accurate' or 'inaccurate'".into(),
                ))
            }
        },
        _ => {
            return Err(Error::Invalid(
                "feedback_kind must be 'report' or 'accuracy'".into(),
            ))
        }
    };
    let comment = feedback
        .comment
        .map(|comment| {
            comment
                .trim()
                .chars()
                .take(COMMENT_MAX_CHARS)
                .collect::<String>()
        })
        .filter(|comment| !comment.is_empty());
    Ok(NewFeedback {
        feedback_kind: kind,
        dimension,
        value,
        comment,
    })
}

/// Stores feedback on the caller's own job target and returns the new counters.
pub async fn add_feedback(
    apply: &Apply,
    user_id: Uuid,
    job_target_id: Uuid,
    feedback: Feedback,
) -> Result<Community> {
    let feedback = validate_feedback(feedback)?;
    owned(apply, user_id, job_target_id).await?;
    feedback::insert(&apply.pool, job_target_id, user_id, &feedback).await?;
    Ok(feedback::community(&apply.pool, job_target_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feedback(kind: &str, dimension: Option<&str>, value: Option<&str>) -> Result<NewFeedback> {
        validate_feedback(Feedback {
            feedback_kind: kind.into(),
            dimension: dimension.map(Into::into),
            value: value.map(Into::into),
            comment: Some(format!("  {}  ", "x".repeat(900))),
        })
    }

    #[test]
    fn report_values_are_coerced_and_comments_trimmed() {
        let stored = feedback("report", None, Some("Phishing")).unwrap();
        assert_eq!(
            (stored.dimension.as_str(), stored.value.as_deref()),
            ("overall", Some("other"))
        );
        assert_eq!(stored.comment.unwrap().chars().count(), COMMENT_MAX_CHARS);
        assert_eq!(
            feedback("report", Some("scam"), Some("SCAM"))
                .unwrap()
                .value
                .as_deref(),
            Some("scam")
        );
    }

    #[test]
    fn bad_kinds_dimensions_and_accuracy_values_are_400() {
        assert!(matches!(
            feedback("like", None, None),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            feedback("report", Some("salary"), None),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            feedback("accuracy", None, Some("meh")),
            Err(Error::Invalid(_))
        ));
        assert!(feedback("accuracy", Some("link"), Some("inaccurate")).is_ok());
    }

    #[test]
    fn the_apply_url_wins_over_the_job_url() {
        let mut target = JobTarget {
            job_url: Some("https://board.example/job/1".into()),
            ..JobTarget::default()
        };
        assert_eq!(
            apply_link_of(&target).as_deref(),
            Some("https://board.example/job/1")
        );
        target.extracted_json = Some(json!({"apply_url": "https://ats.example/apply/1"}));
        assert_eq!(
            apply_link_of(&target).as_deref(),
            Some("https://ats.example/apply/1")
        );
        target.job_url = None;
        target.extracted_json = Some(json!({"apply_url": " "}));
        assert_eq!(apply_link_of(&target), None);
    }
}
