//! `learning-summary`: a user's recent application feedback → the reason
//! categories and the skills that keep coming back, weighted by recency
//! (1 / (1 + age in days / 30), as the earlier backend), and what to do about
//! them in the next pack (docs/processors.md, `learning-summary`).

use jobscout_contracts::learning_summary::{self, FeedbackRow, Input, Output, Weighted};
use jobscout_contracts::structured::from_pairs;
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

/// At most this many rows are read (the host sends the newest 50).
pub const MAX_ROWS: usize = 50;
/// At most this many gaps and recommendations are returned.
pub const MAX_GAPS: usize = 5;
pub const MAX_RECOMMENDATIONS: usize = 5;

/// What to do about each reason category.
const ADVICE: [(&str, &str); 6] = [
    ("skills_gap", "Name the job's required skills you have in the summary and bullets, each with evidence from your work."),
    ("experience_level", "Lead with the experience closest to the role and state its scope (team, systems, users) as your resume gives it."),
    ("seniority", "Match the level of the role: show ownership and decisions for senior roles, hands-on delivery for others."),
    ("sponsorship", "State your work authorization clearly, and favour roles that mention visa sponsorship."),
    ("location", "Say where you can work from (remote, relocation, time zones) near the top of the cover note."),
    ("comp", "Check the posted salary range before applying and keep expectations within it."),
];

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct LearningSummaryProcessor;

impl Processor for LearningSummaryProcessor {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: learning_summary::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Recent application feedback → gaps, issues and recommendations"
                .to_string(),
            operation: learning_summary::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let output = summarise_payload(input)?;
        Ok(Payload::Text(
            serde_json::to_string(&output).expect("the output serialises"),
        ))
    }
}

pub fn summarise_payload(input: Payload) -> Result<Output, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "learning-summary takes a structured input with `now` and `feedback`".to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    let now = input.now.as_deref().and_then(epoch_days).ok_or_else(|| {
        ProcessorError::InvalidInput("`now` must be an RFC 3339 time".to_string())
    })?;
    let rows: Vec<FeedbackRow> = serde_json::from_str(input.feedback.as_deref().unwrap_or(""))
        .map_err(|error| {
            ProcessorError::InvalidInput(format!(
                "`feedback` is not a JSON list of feedback rows ({error})"
            ))
        })?;
    summarise(now, &rows)
}

pub fn summarise(now_days: f64, rows: &[FeedbackRow]) -> Result<Output, ProcessorError> {
    let mut issues: Vec<Weighted> = Vec::new();
    let mut gaps: Vec<Weighted> = Vec::new();
    let rows = &rows[..rows.len().min(MAX_ROWS)];
    for row in rows {
        let created = epoch_days(&row.created_at).ok_or_else(|| {
            ProcessorError::InvalidInput(format!(
                "`feedback`: created_at `{}` is not an RFC 3339 time",
                row.created_at
            ))
        })?;
        let age = (now_days - created).max(0.0);
        let weight = 1.0 / (1.0 + age / 30.0);
        for category in &row.reason_categories {
            add(&mut issues, category, weight);
        }
        if row.feedback_type == "rejection" {
            for signal in &row.signals {
                add(&mut gaps, signal, weight);
            }
        }
    }
    let order = |list: &mut Vec<Weighted>| {
        list.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.name.cmp(&b.name)));
        for item in list.iter_mut() {
            item.weight = (item.weight * 100.0).round() / 100.0;
        }
    };
    order(&mut issues);
    order(&mut gaps);
    gaps.truncate(MAX_GAPS);
    let mut recommendations: Vec<String> = issues
        .iter()
        .filter_map(|issue| {
            ADVICE
                .iter()
                .find(|(category, _)| *category == issue.name)
                .map(|(_, advice)| advice.to_string())
        })
        .collect();
    if !gaps.is_empty() {
        let names: Vec<&str> = gaps.iter().map(|gap| gap.name.as_str()).collect();
        recommendations.push(format!(
            "Rejections mention {}: where your resume shows them, make them visible; where it does not, do not claim them.",
            names.join(", ")
        ));
    }
    recommendations.truncate(MAX_RECOMMENDATIONS);
    Ok(Output {
        feedback_count: rows.len() as u32,
        gaps,
        issues,
        recommendations,
    })
}

fn add(list: &mut Vec<Weighted>, name: &str, weight: f64) {
    let name = name.trim();
    if name.is_empty() {
        return;
    }
    match list
        .iter_mut()
        .find(|item| item.name.eq_ignore_ascii_case(name))
    {
        Some(item) => item.weight += weight,
        None => list.push(Weighted {
            name: name.to_string(),
            weight,
        }),
    }
}

/// Days since 1970-01-01 of an RFC 3339 time (`2026-12-07T10:00:00Z`, an offset,
/// or fractional seconds), or `None`.
pub fn epoch_days(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset_minutes) = split_offset(time)?;
    let mut clock_parts = clock.split(':');
    let hours: f64 = clock_parts.next()?.parse().ok()?;
    let minutes: f64 = clock_parts.next()?.parse().ok()?;
    let seconds: f64 = clock_parts.next().unwrap_or("0").parse().ok()?;
    let days = days_from_civil(year, month, day) as f64;
    Some(days + (hours * 3600.0 + minutes * 60.0 + seconds - offset_minutes * 60.0) / 86_400.0)
}

/// The clock part and the offset east of UTC in minutes.
fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0.0));
    }
    let index = time.rfind(['+', '-'])?;
    let (clock, offset) = time.split_at(index);
    let sign = if offset.starts_with('-') { -1.0 } else { 1.0 };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let minutes = hours.parse::<f64>().ok()? * 60.0 + minutes.parse::<f64>().ok()?;
    Some((clock, sign * minutes))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(LearningSummaryProcessor);

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        feedback_type: &str,
        created_at: &str,
        reasons: &[&str],
        signals: &[&str],
    ) -> FeedbackRow {
        FeedbackRow {
            feedback_type: feedback_type.into(),
            created_at: created_at.into(),
            reason_categories: reasons.iter().map(|reason| reason.to_string()).collect(),
            signals: signals.iter().map(|signal| signal.to_string()).collect(),
        }
    }

    #[test]
    fn dates_are_read_as_days_since_the_epoch() {
        assert_eq!(epoch_days("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(epoch_days("2000-03-01T12:00:00Z"), Some(11_017.5));
        assert_eq!(
            epoch_days("2026-12-07T02:00:00+02:00"),
            epoch_days("2026-12-07T00:00:00Z")
        );
        assert_eq!(
            epoch_days("2026-12-07T00:00:00.250Z").map(|days| days > 0.0),
            Some(true)
        );
        assert_eq!(epoch_days("yesterday"), None);
        assert_eq!(epoch_days("2026-13-01T00:00:00Z"), None);
    }

    #[test]
    fn recent_feedback_weighs_more_and_drives_the_recommendations() {
        let now = epoch_days("2026-12-07T00:00:00Z").unwrap();
        let rows = [
            row(
                "rejection",
                "2026-12-07T00:00:00Z",
                &["skills_gap"],
                &["Kubernetes"],
            ),
            row(
                "rejection",
                "2026-11-07T00:00:00Z",
                &["sponsorship"],
                &["AWS"],
            ),
            row("rejection", "2026-11-07T00:00:00Z", &["sponsorship"], &[]),
            row("shortlisted", "2026-12-06T00:00:00Z", &[], &["Leadership"]),
        ];
        let output = summarise(now, &rows).unwrap();
        assert_eq!(output.feedback_count, 4);
        // Today: weight 1; 30 days ago: 0.5 each (two make 1.0; the name breaks the tie).
        let issues: Vec<(&str, f64)> = output
            .issues
            .iter()
            .map(|issue| (issue.name.as_str(), issue.weight))
            .collect();
        assert_eq!(issues, [("skills_gap", 1.0), ("sponsorship", 1.0)]);
        // Only rejections make gaps.
        let gaps: Vec<&str> = output.gaps.iter().map(|gap| gap.name.as_str()).collect();
        assert_eq!(gaps, ["Kubernetes", "AWS"]);
        assert_eq!(output.recommendations.len(), 3);
        assert!(output.recommendations[0].starts_with("Name the job's required skills"));
        assert!(output.recommendations[2].contains("Kubernetes, AWS"));
    }

    #[test]
    fn no_feedback_is_an_empty_summary_and_bad_rows_name_the_key() {
        let payload = |feedback: &str| {
            Payload::Structured(vec![
                ("now".into(), "2026-12-07T00:00:00Z".into()),
                ("feedback".into(), feedback.into()),
            ])
        };
        let empty = summarise_payload(payload("[]")).unwrap();
        assert_eq!(empty.feedback_count, 0);
        assert!(empty.recommendations.is_empty());
        let Err(ProcessorError::InvalidInput(message)) = summarise_payload(payload("{}")) else {
            panic!("an object accepted")
        };
        assert!(message.contains("`feedback`"), "{message}");
        let bad_date = r#"[{"feedback_type": "rejection", "created_at": "last week"}]"#;
        let Err(ProcessorError::InvalidInput(message)) = summarise_payload(payload(bad_date))
        else {
            panic!("a bad date accepted")
        };
        assert!(message.contains("last week"), "{message}");
    }
}
