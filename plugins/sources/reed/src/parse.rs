//! Reed.co.uk job search API (`/api/1.0/search`) → postings. Dates are
//! `dd/mm/yyyy`; descriptions are short HTML-entity snippets.

use jobscout_plugin_sdk::parse::{html, json, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, SalaryPeriod};
use serde_json::Value;

/// `25/09/2026` → `2026-09-25T00:00:00Z`.
pub fn uk_date(value: &str) -> Option<String> {
    let mut parts = value.trim().split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || day.len() != 2 || month.len() != 2 || year.len() != 4 {
        return None;
    }
    jobscout_plugin_sdk::parse::date::iso_to_rfc3339(&format!("{year}-{month}-{day}"))
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let results = root
        .get("results")
        .and_then(Value::as_array)
        .ok_or("no `results` array")?;
    let mut out = Vec::with_capacity(results.len());
    for job in results {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "jobId"),
            json::string(job, "jobTitle"),
            json::string(job, "jobUrl"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            title,
            json::string(job, "employerName").unwrap_or_default(),
            url,
        );
        item.locations = json::string(job, "locationName").into_iter().collect();
        let snippet = json::string(job, "jobDescription").map(|d| html::to_text(&d));
        item.work_mode = text::work_mode(&format!(
            "{} {}",
            item.title,
            snippet.as_deref().unwrap_or_default()
        ));
        // Reed's salaries are yearly figures in GBP unless said otherwise.
        item.salary = salary::from_bounds(
            job.get("minimumSalary").and_then(Value::as_f64),
            job.get("maximumSalary").and_then(Value::as_f64),
            Some(job.get("currency").and_then(Value::as_str).unwrap_or("GBP")),
            Some(SalaryPeriod::Year),
        );
        item.description_text = snippet;
        item.posted_at = json::string(job, "date").and_then(|when| uk_date(&when));
        item.expires_at = json::string(job, "expirationDate").and_then(|when| uk_date(&when));
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::WorkMode;

    #[test]
    fn search_results() {
        // No recording of Reed exists in ../shared; the fixture follows the API's documented shape.
        let body =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reed.json")).unwrap();
        let jobs = parse(&body).unwrap();
        assert_eq!(jobs.len(), 2);
        let first = &jobs[0];
        assert_eq!(first.source_id, "55123456");
        assert_eq!(first.title, "Senior Data Engineer - Rust");
        assert_eq!(first.company, "Harnham");
        assert_eq!(first.locations, ["London"]);
        assert_eq!(first.work_mode, WorkMode::Hybrid);
        let pay = first.salary.as_ref().unwrap();
        assert_eq!(
            (pay.min, pay.max, pay.currency.as_deref(), pay.period),
            (
                Some(85000.0),
                Some(95000.0),
                Some("GBP"),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            first.posted_at.as_deref(),
            Some("2026-09-25T00:00:00Z"),
            "dd/mm/yyyy"
        );
        assert_eq!(first.expires_at.as_deref(), Some("2026-11-06T00:00:00Z"));
        assert!(first
            .description_text
            .as_deref()
            .unwrap()
            .starts_with("Senior Data Engineer – Rust & Kafka."));
        assert!(first
            .description_text
            .as_deref()
            .unwrap()
            .contains("Up to £95,000"));
        let second = &jobs[1];
        assert!(second.salary.is_none(), "null salaries");
        assert_eq!(second.work_mode, WorkMode::Remote);
        assert_eq!(uk_date("2026-09-25"), None);
        assert!(parse(br#"{"message":"unauthorized"}"#).is_err());
    }
}
