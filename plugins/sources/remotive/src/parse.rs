//! Remotive API (`/api/remote-jobs`) → postings. Every Remotive job is remote.

use jobscout_plugin_sdk::parse::{date, html, json, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let jobs = root
        .get("jobs")
        .and_then(Value::as_array)
        .ok_or("no `jobs` array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "id"),
            json::string(job, "title"),
            json::string(job, "url"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            title,
            json::string(job, "company_name").unwrap_or_default(),
            url,
        );
        item.work_mode = WorkMode::Remote;
        item.locations = json::string(job, "candidate_required_location")
            .map(|l| text::split_list(&l))
            .unwrap_or_default();
        item.employment_types = json::string(job, "job_type")
            .and_then(|t| text::employment_type(&t))
            .into_iter()
            .collect();
        // Free text, "" when unknown.
        item.salary = json::string(job, "salary").and_then(|s| salary::parse(&s));
        if let Some(description) = json::string(job, "description") {
            item.description_text = Some(html::to_text(&description));
            item.description_html = Some(description);
        }
        // No zone in `publication_date`; Remotive publishes in UTC.
        item.posted_at =
            json::string(job, "publication_date").and_then(|when| date::to_rfc3339(&when));
        if let Some(tags) = job.get("tags").and_then(Value::as_array) {
            item.tags = tags
                .iter()
                .filter_map(Value::as_str)
                .map(text::squash)
                .filter(|t| !t.is_empty())
                .collect();
        }
        if let Some(category) = json::string(job, "category") {
            item.extra.push(("category".to_string(), category));
        }
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::{EmploymentType, SalaryPeriod};

    #[test]
    fn recorded_jobs() {
        for (label, body) in
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "remotive.json", "remotive.json")
        {
            let jobs = parse(&body).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "2091144");
            assert_eq!(first.title, "Content Reviewer - United States");
            assert_eq!(first.company, "TELUS Digital");
            assert_eq!(first.locations, ["USA"]);
            assert_eq!(first.work_mode, WorkMode::Remote);
            assert_eq!(first.employment_types, [EmploymentType::PartTime]);
            assert!(first.salary.is_none(), "{label}: empty salary text");
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-21T12:55:11Z"),
                "{label}: no zone read as UTC"
            );
            assert_eq!(first.tags, ["android", "ios", "social media", "AI/ML"]);
            let second = &jobs[1];
            assert_eq!(second.company, "KoboToolbox");
            assert_eq!(
                second.locations,
                ["USA", "Canada", "Argentina", "Mexico", "Peru"]
            );
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(90000.0),
                    Some(105000.0),
                    Some("USD"),
                    Some(SalaryPeriod::Year)
                )
            );
            assert_eq!(
                second.tags.last().map(String::as_str),
                Some("Typescript"),
                "{label}: trailing space trimmed"
            );
            assert!(second
                .description_text
                .as_deref()
                .unwrap()
                .starts_with("Location: Remote\nAvailability: 35-40 hours per week"));
            assert!(second
                .extra
                .contains(&("category".to_string(), "Design".to_string())));
        }
    }

    #[test]
    fn bad_bodies() {
        assert!(parse(b"[]").is_err());
        assert!(parse(br#"{"jobs":[{"id":1}]}"#).unwrap().is_empty());
    }
}
