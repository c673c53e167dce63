//! The Muse public jobs API (`/api/public/jobs`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

fn names(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|item| json::string(item, "/name"))
                .collect()
        })
        .unwrap_or_default()
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
            json::string(job, "/id"),
            json::string(job, "/name"),
            json::string(job, "/refs/landing_page"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            title,
            json::string(job, "/company/name").unwrap_or_default(),
            url,
        );
        // "Flexible / Remote" is listed as one of the locations.
        let locations = names(job, "locations");
        let remote = locations
            .iter()
            .any(|name| text::work_mode(name) == WorkMode::Remote);
        item.locations = locations
            .into_iter()
            .filter(|name| text::work_mode(name) != WorkMode::Remote)
            .collect();
        item.work_mode = match (remote, item.locations.is_empty()) {
            (true, _) => WorkMode::Remote,
            (false, false) => WorkMode::Onsite,
            (false, true) => WorkMode::Unknown,
        };
        if let Some(contents) = json::string(job, "/contents") {
            item.description_text = Some(html::to_text(&contents));
            item.description_html = Some(contents);
        }
        item.posted_at =
            json::string(job, "/publication_date").and_then(|when| date::to_rfc3339(&when));
        item.tags = names(job, "categories");
        item.tags.extend(names(job, "tags"));
        let levels = names(job, "levels");
        if !levels.is_empty() {
            item.extra
                .push(("seniority".to_string(), levels.join(", ")));
        }
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_page() {
        let body = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/themuse.json"
        ))
        .unwrap();
        // No recording of The Muse exists in ../shared; the fixture follows the public API's documented shape.
        let jobs = parse(&body).unwrap();
        assert_eq!(jobs.len(), 2);
        let first = &jobs[0];
        assert_eq!(first.source_id, "15630188", "numeric id as text");
        assert_eq!(first.title, "Senior Software Engineer - Metrics");
        assert_eq!(first.company, "Datadog");
        assert_eq!(
            first.listing_url,
            "https://www.themuse.com/jobs/datadog/senior-software-engineer-metrics"
        );
        assert_eq!(first.locations, ["New York, NY"]);
        assert_eq!(first.work_mode, WorkMode::Remote, "Flexible / Remote");
        assert_eq!(
            first.posted_at.as_deref(),
            Some("2026-09-22T17:45:31Z"),
            "microseconds dropped"
        );
        assert_eq!(
            first.description_text.as_deref(),
            Some("Datadog is looking for a Senior Software Engineer to join the Metrics team.\n- Go & Rust\n- Distributed systems")
        );
        assert!(first
            .extra
            .contains(&("seniority".to_string(), "Senior Level".to_string())));
        let second = &jobs[1];
        assert_eq!(second.work_mode, WorkMode::Onsite);
        assert_eq!(second.tags, ["Data and Analytics", "Healthcare"]);
        assert_eq!(
            second.description_text.as_deref(),
            Some("Join our clinic team in Paris. Temps plein.")
        );
        assert!(parse(br#"{"error":"rate limit"}"#).is_err());
    }
}
