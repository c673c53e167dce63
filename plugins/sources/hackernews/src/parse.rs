//! Hacker News "Ask HN: Who is hiring?" through the Algolia API → postings.
//! Each top-level comment is one posting whose first line is a pipe-separated
//! header (`Company | Role | Location | Full-time | €75k–110k | https://…`).

use jobscout_plugin_sdk::parse::{date, html, posting, salary, text};
use jobscout_plugin_sdk::{EmploymentType, JobPosting, WorkMode};
use serde_json::Value;

/// The answer's bytes → [`story_id`]; the fixture tests start here.
pub fn story_id_from_search(body: &[u8]) -> Result<Option<String>, String> {
    story_id(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

/// The newest story's id from `search_by_date?tags=story,author_whoishiring`,
/// skipping the "Who wants to be hired?" and "Freelancer?" threads.
pub fn story_id(root: &Value) -> Result<Option<String>, String> {
    let hits = root
        .get("hits")
        .and_then(Value::as_array)
        .ok_or("no `hits` array")?;
    Ok(hits
        .iter()
        .find(|hit| {
            hit.get("title")
                .and_then(Value::as_str)
                .is_some_and(|t| t.to_lowercase().contains("who is hiring"))
        })
        .and_then(
            |hit| match hit.get("objectID").or_else(|| hit.get("story_id")) {
                Some(Value::String(id)) => Some(id.clone()),
                Some(Value::Number(id)) => Some(id.to_string()),
                _ => None,
            },
        ))
}

/// Header parts that are no location: links, work-mode words, visa notes.
fn is_noise(part: &str) -> bool {
    let lower = part.to_lowercase();
    lower.contains("http")
        || lower.contains("www.")
        || matches!(lower.as_str(), "remote" | "onsite" | "on-site" | "hybrid")
}

/// The answer's bytes → [`story_postings`]; the fixture tests start here.
pub fn parse_story(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    story_postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn story_postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let children = root
        .get("children")
        .and_then(Value::as_array)
        .ok_or("no `children` array")?;
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        let id = match child.get("id") {
            Some(Value::Number(id)) => id.to_string(),
            Some(Value::String(id)) => id.clone(),
            _ => continue,
        };
        // Deleted comments have no text.
        let Some(markup) = child
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        else {
            continue;
        };
        // The header is everything before the first paragraph.
        let header_markup = markup.split("<p>").next().unwrap_or_default();
        let header = html::to_text(header_markup).replace('\n', " ");
        let parts: Vec<String> = header
            .split('|')
            .map(text::squash)
            .filter(|p| !p.is_empty())
            .collect();
        // Comments without the pipe header are replies or chatter, not postings.
        if parts.len() < 2 {
            continue;
        }
        let company = parts[0].clone();
        let mut role = None;
        let mut location = None;
        let mut employment = Vec::new();
        let mut pay = None;
        for part in &parts[1..] {
            if is_noise(part) {
                continue;
            }
            if let Some(found) = salary::parse(part) {
                pay.get_or_insert(found);
                continue;
            }
            match text::employment_type(part) {
                Some(kind) if kind != EmploymentType::Other => {
                    employment.push(kind);
                    continue;
                }
                _ => {}
            }
            if role.is_none() {
                role = Some(part.clone());
            } else if location.is_none() {
                location = Some(part.clone());
            }
        }
        let url = format!("https://news.ycombinator.com/item?id={id}");
        let mut item = posting(id, role.unwrap_or_else(|| parts[1].clone()), company, url);
        item.work_mode = text::work_mode(&header);
        if item.work_mode == WorkMode::Unknown && location.is_some() {
            item.work_mode = WorkMode::Onsite;
        }
        item.locations = location.into_iter().collect();
        item.employment_types = employment;
        item.salary = pay;
        item.description_text = Some(html::to_text(markup));
        item.description_html = Some(markup.to_string());
        item.posted_at = child
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(date::to_rfc3339);
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::SalaryPeriod;

    #[test]
    fn recorded_story() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "hackernews.json",
            "hackernews.json",
        ) {
            let jobs = parse_story(&body).unwrap();
            assert_eq!(jobs.len(), 3, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "49522903");
            assert_eq!(first.company, "Modash.io");
            assert_eq!(first.title, "Senior Product Engineer");
            assert_eq!(first.locations, ["Remote (Europe)"]);
            assert_eq!(first.work_mode, WorkMode::Remote);
            assert_eq!(first.employment_types, [EmploymentType::FullTime]);
            let pay = first.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(75000.0),
                    Some(110000.0),
                    Some("EUR"),
                    Some(SalaryPeriod::Year)
                ),
                "{label}"
            );
            assert_eq!(
                first.listing_url,
                "https://news.ycombinator.com/item?id=49522903"
            );
            assert_eq!(first.posted_at.as_deref(), Some("2026-09-01T15:01:54Z"));
            let text = first.description_text.as_deref().unwrap();
            assert!(
                text.contains("https://modash.io") && text.contains("\nModash helps brands find"),
                "{label}: {text}"
            );
            let second = &jobs[1];
            assert_eq!(
                (second.company.as_str(), second.title.as_str()),
                ("Quill", "Fullstack SWE")
            );
            assert_eq!(
                second.locations,
                ["Remote, PT/ET hours preferred"],
                "{label}: &#x2F; decoded"
            );
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref()),
                (Some(150000.0), Some(210000.0), Some("USD")),
                "{label}: K on the upper bound"
            );
            let third = &jobs[2];
            assert_eq!(third.company, "Open Education Applications / Neon");
            assert!(
                third
                    .title
                    .starts_with("Senior/Lead Platform & DevOps Engineer"),
                "{label}: {}",
                third.title
            );
            assert_eq!(third.locations, ["Utrecht, The Netherlands"]);
            assert_eq!(third.work_mode, WorkMode::Hybrid);
            assert!(third.salary.is_none() && third.employment_types.is_empty());
        }
    }

    #[test]
    fn search_and_chatter() {
        let search = br#"{"hits":[{"title":"Ask HN: Who wants to be hired? (September 2026)","objectID":"1"},{"title":"Ask HN: Who is hiring? (September 2026)","objectID":"49522897"}]}"#;
        assert_eq!(
            story_id_from_search(search).unwrap().as_deref(),
            Some("49522897")
        );
        assert_eq!(story_id_from_search(br#"{"hits":[]}"#).unwrap(), None);
        let story = br#"{"children":[{"id":1,"text":"Is anyone hiring juniors?","created_at":"2026-09-01T15:00:00.000Z"},{"id":2,"text":null}]}"#;
        assert!(parse_story(story).unwrap().is_empty());
        assert!(parse_story(b"{}").is_err());
    }
}
