//! Greenhouse job board API (`/v1/boards/{token}/jobs?content=true`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, text};
use jobscout_plugin_sdk::JobPosting;
use serde_json::Value;

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], board: &str) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        board,
    )
}

/// `board` names the company when an item lacks `company_name`.
pub fn postings(root: &Value, board: &str) -> Result<Vec<JobPosting>, String> {
    let jobs = root
        .get("jobs")
        .and_then(Value::as_array)
        .ok_or("no `jobs` array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "id"),
            json::string(job, "title"),
            json::string(job, "absolute_url"),
        ) else {
            continue;
        };
        let company = json::string(job, "company_name").unwrap_or_else(|| board.to_string());
        let mut item = posting(id, title, company, url);
        let location = job
            .pointer("/location/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string();
        item.work_mode = text::work_mode(&location);
        if !location.is_empty() {
            item.locations.push(location);
        }
        // `content` arrives entity-escaped (`&lt;div&gt;`): unescape once to real HTML.
        if let Some(content) = json::string(job, "content") {
            let markup = html::unescape_markup(&content);
            item.description_text = Some(html::to_text(&markup));
            item.description_html = Some(markup);
        }
        item.posted_at = json::string(job, "first_published")
            .or_else(|| json::string(job, "updated_at"))
            .and_then(|when| date::to_rfc3339(&when));
        item.expires_at =
            json::string(job, "application_deadline").and_then(|when| date::to_rfc3339(&when));
        if let Some(departments) = job.get("departments").and_then(Value::as_array) {
            item.tags = departments
                .iter()
                .filter_map(|d| json::string(d, "name"))
                .collect();
        }
        if let Some(updated) =
            json::string(job, "updated_at").and_then(|when| date::to_rfc3339(&when))
        {
            item.extra.push(("updated_at".to_string(), updated));
        }
        if let Some(requisition) = json::string(job, "requisition_id") {
            item.extra.push(("requisition_id".to_string(), requisition));
        }
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::WorkMode;

    #[test]
    fn recorded_board() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "greenhouse.json",
            "greenhouse.json",
        ) {
            let jobs = parse(&body, "vercel").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "6136160004", "{label}: numeric id as text");
            assert_eq!(first.title, "Account Executive, Commercial");
            assert_eq!(first.company, "Vercel");
            assert_eq!(first.locations, ["Hybrid - London"]);
            assert_eq!(first.work_mode, WorkMode::Hybrid);
            assert_eq!(
                first.listing_url,
                "https://job-boards.greenhouse.io/vercel/jobs/6136160004"
            );
            // -04:00 offset converted to UTC.
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-08-06T16:50:10Z"),
                "{label}"
            );
            assert_eq!(first.expires_at, None, "{label}: null deadline");
            assert!(first.salary.is_none());
            let markup = first.description_html.as_deref().unwrap();
            assert!(
                markup.starts_with("<div class=\"content-intro\"><h2>About Vercel:</h2>"),
                "{label}: {markup}"
            );
            let text = first.description_text.as_deref().unwrap();
            assert!(text.starts_with("About Vercel:\nVercel is the agentic infrastructure company, freeing people and agents to ship what's next."), "{label}: {text}");
            assert!(!text.contains("&#39;") && !text.contains('<'));
            assert_eq!(first.tags, ["Account Executive"]);
            assert!(first
                .extra
                .contains(&("updated_at".to_string(), "2026-09-24T17:34:54Z".to_string())));
            assert!(first
                .extra
                .contains(&("requisition_id".to_string(), "1311".to_string())));
            assert_eq!(jobs[1].source_id, "5999792004");
            assert_eq!(jobs[1].posted_at.as_deref(), Some("2026-05-21T13:26:09Z"));
        }
    }

    #[test]
    fn missing_fields_and_bad_bodies() {
        let jobs = parse(br#"{"jobs":[{"id":1,"title":"Dev","absolute_url":"https://x/1","location":{"name":"Remote"}},{"title":"no id"}]}"#, "acme").unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].company, "acme");
        assert_eq!(jobs[0].work_mode, WorkMode::Remote);
        assert!(jobs[0].description_html.is_none() && jobs[0].posted_at.is_none());
        assert!(parse(b"<html>", "acme").is_err());
        assert!(parse(br#"{"meta":{}}"#, "acme").is_err());
    }
}
