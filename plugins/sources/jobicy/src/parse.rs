//! Jobicy API v2 (`/api/v2/remote-jobs`) → postings. Every Jobicy job is remote.

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
            json::string(job, "/id"),
            json::string(job, "/jobTitle"),
            json::string(job, "/url"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            html::decode_entities(&title),
            json::string(job, "/companyName").unwrap_or_default(),
            url,
        );
        item.work_mode = WorkMode::Remote;
        // "LATAM,  Canada,  USA": double spaces.
        item.locations = json::string(job, "/jobGeo")
            .map(|geo| text::split_list(&geo))
            .unwrap_or_default();
        item.employment_types = json::strings(job, "/jobType")
            .iter()
            .filter_map(|t| text::employment_type(t))
            .collect();
        // Salary keys are absent (not null) when unknown.
        item.salary = salary::from_bounds(
            json::number(job, "/salaryMin"),
            json::number(job, "/salaryMax"),
            job.get("salaryCurrency").and_then(Value::as_str),
            json::string(job, "/salaryPeriod").and_then(|p| salary::period_from_word(&p)),
        );
        match json::string(job, "/jobDescription") {
            Some(description) => {
                item.description_text = Some(html::to_text(&description));
                item.description_html = Some(description);
            }
            None => {
                item.description_text =
                    json::string(job, "/jobExcerpt").map(|e| html::decode_entities(&e))
            }
        }
        item.posted_at = json::string(job, "/pubDate").and_then(|when| date::to_rfc3339(&when));
        item.tags = json::strings(job, "/jobIndustry");
        if let Some(level) = json::string(job, "/jobLevel").filter(|level| level != "Any") {
            item.extra.push(("seniority".to_string(), level));
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
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "jobicy.json", "jobicy.json")
        {
            let jobs = parse(&body).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "154087");
            assert_eq!(first.title, "OrioleDB Developer (AMER)");
            assert_eq!(first.company, "Supabase");
            assert_eq!(
                first.locations,
                ["LATAM", "Canada", "USA"],
                "{label}: double spaces"
            );
            assert_eq!(first.employment_types, [EmploymentType::FullTime]);
            assert!(first.salary.is_none(), "{label}: salary keys absent");
            assert_eq!(first.posted_at.as_deref(), Some("2026-09-25T20:54:07Z"));
            assert!(
                first
                    .description_text
                    .as_deref()
                    .unwrap()
                    .starts_with("About Supabase\nSupabase is the Postgres development platform"),
                "{label}"
            );
            assert!(
                first.extra.is_empty(),
                "{label}: level Any is no information"
            );
            assert_eq!(first.tags, ["Software Engineering"]);
            let second = &jobs[1];
            assert_eq!(
                second.title,
                "Staff Engineer, Full Stack (Trust, Safety & Risk)"
            );
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(200000.0),
                    Some(250000.0),
                    Some("USD"),
                    Some(SalaryPeriod::Year)
                )
            );
            assert_eq!(second.locations, ["EMEA", "LATAM", "Canada", "USA"]);
            assert!(second
                .extra
                .contains(&("seniority".to_string(), "Senior".to_string())));
        }
    }

    #[test]
    fn excerpt_fallback() {
        let jobs = parse(br#"{"jobs":[{"id":1,"jobTitle":"Dev &amp; Ops","url":"https://jobicy.com/jobs/1","jobExcerpt":"Short&hellip;"}]}"#).unwrap();
        assert_eq!(jobs[0].title, "Dev & Ops");
        assert_eq!(jobs[0].description_text.as_deref(), Some("Short…"));
        assert!(parse(br#"{"success":false}"#).is_err());
    }
}
