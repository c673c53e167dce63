//! Arbeitnow job board API (`/api/job-board-api`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let jobs = root
        .get("data")
        .and_then(Value::as_array)
        .ok_or("no `data` array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "slug"),
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
        let location = json::string(job, "location").unwrap_or_default();
        item.work_mode = match job.get("remote").and_then(Value::as_bool) {
            Some(true) => WorkMode::Remote,
            _ => match text::work_mode(&location) {
                WorkMode::Unknown => WorkMode::Onsite,
                mode => mode,
            },
        };
        if !location.is_empty() {
            item.locations.push(location);
        }
        item.employment_types = json::strings(job, "job_types")
            .iter()
            .filter_map(|t| text::employment_type(t))
            .collect();
        // The description is entity-escaped HTML.
        if let Some(description) = json::string(job, "description") {
            let markup = html::unescape_markup(&description);
            item.description_text = Some(html::to_text(&markup));
            item.description_html = Some(markup);
        }
        item.posted_at = job
            .get("created_at")
            .and_then(Value::as_i64)
            .map(date::from_epoch_seconds);
        item.tags = json::strings(job, "tags");
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::EmploymentType;

    #[test]
    fn recorded_board() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "arbeitnow.json",
            "arbeitnow.json",
        ) {
            let jobs = parse(&body).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(
                first.source_id,
                "werkstudent-customer-success-berlin-berlin-72879"
            );
            assert_eq!(first.title, "Werkstudent Customer Success (x/f/m)");
            assert_eq!(first.company, "Doctolib");
            assert_eq!(first.locations, ["Berlin, Berlin"]);
            assert_eq!(first.work_mode, WorkMode::Onsite, "{label}: remote false");
            assert!(first.employment_types.is_empty(), "{label}: job_types []");
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-26T08:55:15Z"),
                "{label}: epoch seconds"
            );
            assert!(first.salary.is_none());
            assert_eq!(first.tags, ["Operations"]);
            let markup = first.description_html.as_deref().unwrap();
            assert!(
                markup.starts_with("<h2 class=\"s-pb-2"),
                "{label}: unescaped: {markup}"
            );
            let text = first.description_text.as_deref().unwrap();
            assert!(text.starts_with("Gemeinsam gestalte"), "{label}: {text}");
            assert!(
                !text.contains("&lt;") && !text.contains("&amp;nbsp;"),
                "{label}: {text}"
            );
            assert_eq!(
                jobs[1].title,
                "(Senior) Key Account Success Manager (x/f/m)"
            );
        }
    }

    #[test]
    fn remote_flag_and_types() {
        let jobs = parse(br#"{"data":[{"slug":"a","title":"Dev","url":"https://x/a","remote":true,"job_types":["Full Time","Internship"],"created_at":0}]}"#).unwrap();
        assert_eq!(jobs[0].work_mode, WorkMode::Remote);
        assert_eq!(
            jobs[0].employment_types,
            [EmploymentType::FullTime, EmploymentType::Internship]
        );
        assert_eq!(jobs[0].posted_at.as_deref(), Some("1970-01-01T00:00:00Z"));
        assert!(parse(br#"{"links":{}}"#).is_err());
    }
}
