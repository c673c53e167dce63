//! Working Nomads (`/api/exposed_jobs/`) → postings. Titles read "Company - Role";
//! tags are one comma-separated string. Every job is remote.

use jobscout_plugin_sdk::parse::{date, html, json, posting, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// The number in `/job/go/1891955/`, else the URL itself.
fn id_from_url(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|last| last.chars().all(|c| c.is_ascii_digit()) && !last.is_empty())
        .unwrap_or(url)
        .to_string()
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let jobs = root.as_array().ok_or("expected an array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(url), Some(raw_title)) = (json::string(job, "/url"), json::string(job, "/title"))
        else {
            continue;
        };
        let company = json::string(job, "/company_name").unwrap_or_default();
        // Drop the "Company - " prefix the feed puts in front of the role.
        let title = raw_title
            .strip_prefix(&format!("{company} - "))
            .filter(|_| !company.is_empty())
            .map(str::to_string)
            .unwrap_or(raw_title);
        let mut item = posting(id_from_url(&url), title, company, url);
        item.work_mode = WorkMode::Remote;
        item.locations = json::string(job, "/location").into_iter().collect();
        if let Some(description) = json::string(job, "/description") {
            item.description_text = Some(html::to_text(&description));
            item.description_html = Some(description);
        }
        item.posted_at = json::string(job, "/pub_date").and_then(|when| date::to_rfc3339(&when));
        item.tags = json::string(job, "/tags")
            .map(|tags| text::split_list(&tags))
            .unwrap_or_default();
        if let Some(category) = json::string(job, "/category_name") {
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

    #[test]
    fn recorded_jobs() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "workingnomads.json",
            "workingnomads.json",
        ) {
            let jobs = parse(&body).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "1891955");
            assert_eq!(
                first.title, "Account Manager",
                "{label}: company prefix dropped"
            );
            assert_eq!(first.company, "Beekman Social");
            assert_eq!(first.locations, ["Remote, USA Only"]);
            assert_eq!(
                first.tags,
                [
                    "account manager",
                    "client relationship",
                    "communication",
                    "creative",
                    "strategy"
                ]
            );
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-25T06:36:13Z"),
                "{label}: -04:00 to UTC"
            );
            assert!(first.salary.is_none());
            assert!(
                first
                    .description_text
                    .as_deref()
                    .unwrap()
                    .starts_with("OPPORTUNITY: ACCOUNT MANAGER\nMinimum 3 years"),
                "{label}"
            );
            assert!(first
                .extra
                .contains(&("category".to_string(), "Marketing".to_string())));
            let second = &jobs[1];
            // No company prefix here: the title stays whole, en dash included.
            assert_eq!(
                second.title,
                "Stack .NET Developer / Algorithm Engineer – Backend Focus."
            );
            assert_eq!(second.company, "CloudGeometry");
            assert_eq!(second.source_id, "1889808");
        }
    }

    #[test]
    fn ids_and_bad_bodies() {
        assert_eq!(id_from_url("https://x/job/go/42/"), "42");
        assert_eq!(id_from_url("https://x/job/slug"), "https://x/job/slug");
        assert!(parse(b"{}").is_err());
    }
}
