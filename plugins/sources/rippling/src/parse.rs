//! Rippling ATS boards (`/api/v2/board/{board}/jobs`) → postings. The API lists
//! a job once per location under the same id; those rows become one posting.

use jobscout_plugin_sdk::parse::{json, posting, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

fn company_name(board: &str) -> String {
    let mut chars = board.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], board: &str) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        board,
    )
}

pub fn postings(root: &Value, board: &str) -> Result<Vec<JobPosting>, String> {
    let items = root
        .get("items")
        .and_then(Value::as_array)
        .ok_or("no `items` array")?;
    let mut out: Vec<JobPosting> = Vec::new();
    for job in items {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "/id"),
            json::string(job, "/name"),
            json::string(job, "/url"),
        ) else {
            continue;
        };
        let places: Vec<&Value> = job
            .get("locations")
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        let names: Vec<String> = places
            .iter()
            .filter_map(|place| json::string(place, "/name"))
            .collect();
        let modes: Vec<WorkMode> = places
            .iter()
            .filter_map(|place| json::string(place, "/workplaceType"))
            .map(|kind| text::work_mode(&kind))
            .collect();
        // A repeated id is the same job in another location.
        if let Some(existing) = out.iter_mut().find(|posting| posting.source_id == id) {
            for name in names {
                if !existing.locations.contains(&name) {
                    existing.locations.push(name);
                }
            }
            continue;
        }
        let mut item = posting(id, title, company_name(board), url);
        item.locations = names;
        item.work_mode = modes.first().copied().unwrap_or(WorkMode::Unknown);
        item.tags = json::string(job, "/department/name").into_iter().collect();
        if let Some(country) = places
            .first()
            .and_then(|place| json::string(place, "/countryCode"))
        {
            item.extra.push(("country".to_string(), country));
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
    fn recorded_board_merges_repeated_ids() {
        for (label, body) in
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "rippling.json", "rippling.json")
        {
            let jobs = parse(&body, "rippling").unwrap();
            assert_eq!(jobs.len(), 1, "{label}: two rows, one job");
            let job = &jobs[0];
            assert_eq!(job.source_id, "84d388b6-7656-434c-8862-0312eb6b97ac");
            assert_eq!(job.title, "Business Operations Manager");
            assert_eq!(job.company, "Rippling");
            assert_eq!(
                job.listing_url,
                "https://ats.rippling.com/rippling/jobs/84d388b6-7656-434c-8862-0312eb6b97ac"
            );
            assert_eq!(job.locations, ["San Francisco, CA", "New York, NY"]);
            assert_eq!(job.work_mode, WorkMode::Onsite, "{label}: ON_SITE");
            assert_eq!(job.tags, ["Bizops"]);
            assert!(
                job.posted_at.is_none() && job.salary.is_none() && job.description_html.is_none(),
                "{label}"
            );
            assert!(job
                .extra
                .contains(&("country".to_string(), "US".to_string())));
        }
    }

    #[test]
    fn remote_and_bad_bodies() {
        let jobs = parse(br#"{"items":[{"id":"a","name":"Dev","url":"https://x/a","locations":[{"name":"Remote (US)","workplaceType":"REMOTE"}]}]}"#, "acme").unwrap();
        assert_eq!(jobs[0].work_mode, WorkMode::Remote);
        assert!(parse(b"[]", "acme").is_err());
    }
}
