//! Himalayas jobs API (`/jobs/api/search`) → postings. Every job is remote; the
//! payload has no job id, so the `guid` URL is the id.

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
        let (Some(guid), Some(title)) = (json::string(job, "/guid"), json::string(job, "/title"))
        else {
            continue;
        };
        let mut item = posting(
            guid.clone(),
            title,
            json::string(job, "/companyName").unwrap_or_default(),
            guid,
        );
        item.apply_url = json::string(job, "/applicationLink");
        item.work_mode = WorkMode::Remote;
        item.locations = json::strings(job, "/locationRestrictions");
        item.employment_types = json::string(job, "/employmentType")
            .and_then(|t| text::employment_type(&t))
            .into_iter()
            .collect();
        // "hourly" vs "annual" next to plain numbers.
        item.salary = salary::from_bounds(
            json::number(job, "/minSalary"),
            json::number(job, "/maxSalary"),
            job.get("currency").and_then(Value::as_str),
            json::string(job, "/salaryPeriod").and_then(|p| salary::period_from_word(&p)),
        );
        if let Some(description) = json::string(job, "/description") {
            item.description_text = Some(html::to_text(&description));
            item.description_html = Some(description);
        }
        // Epoch seconds.
        item.posted_at = job
            .get("pubDate")
            .and_then(Value::as_i64)
            .map(date::from_epoch_seconds);
        item.expires_at = job
            .get("expiryDate")
            .and_then(Value::as_i64)
            .map(date::from_epoch_seconds);
        item.tags = json::strings(job, "/parentCategories");
        let seniority = json::strings(job, "/seniority");
        if !seniority.is_empty() {
            item.extra
                .push(("seniority".to_string(), seniority.join(", ")));
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
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "himalayas.json",
            "himalayas.json",
        ) {
            let jobs = parse(&body).unwrap();
            assert_eq!(jobs.len(), 2, "{label}: metadata keys are not jobs");
            let first = &jobs[0];
            assert_eq!(
                first.source_id,
                "https://himalayas.app/companies/micro1/jobs/gmail-google-calendar-ai-assistant-evaluator"
            );
            assert_eq!(first.listing_url, first.source_id);
            assert_eq!(
                first.title,
                "Gmail & Google Calendar AI Assistant Evaluator"
            );
            assert_eq!(first.company, "micro1");
            assert_eq!(first.locations, ["United States"]);
            assert_eq!(first.employment_types, [EmploymentType::Contract]);
            let pay = first.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(15.0),
                    Some(30.0),
                    Some("USD"),
                    Some(SalaryPeriod::Hour)
                ),
                "{label}"
            );
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-26T05:38:56Z"),
                "{label}: epoch seconds"
            );
            assert!(first.expires_at.is_some());
            assert!(
                first.description_text.as_deref().unwrap().starts_with(
                    "Role Title: Gmail & Google Calendar AI Assistant Evaluator\nRole Type:"
                ),
                "{label}"
            );
            assert!(first
                .extra
                .contains(&("seniority".to_string(), "Entry-level".to_string())));
            let second = &jobs[1];
            assert_eq!(second.employment_types, [EmploymentType::FullTime]);
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.period),
                (Some(100000.0), Some(115000.0), Some(SalaryPeriod::Year)),
                "{label}: annual"
            );
        }
    }

    #[test]
    fn bad_bodies() {
        assert!(parse(br#"{"comments":"deprecated"}"#).is_err());
        assert!(parse(br#"{"jobs":[{"title":"no guid"}]}"#)
            .unwrap()
            .is_empty());
    }
}
