//! Lever postings API (`/v0/postings/{company}?mode=json`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, text};
use jobscout_plugin_sdk::{JobPosting, Salary, SalaryPeriod};
use serde_json::Value;

/// Lever has no company name field; the configured slug is shown capitalised.
fn company_name(slug: &str) -> String {
    let mut chars = slug.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn salary(job: &Value) -> Option<Salary> {
    let range = job.get("salaryRange")?;
    let period = match range
        .get("interval")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "per-hour-wage" => Some(SalaryPeriod::Hour),
        "per-day-wage" => Some(SalaryPeriod::Day),
        "per-week-salary" => Some(SalaryPeriod::Week),
        "per-month-salary" => Some(SalaryPeriod::Month),
        "per-year-salary" => Some(SalaryPeriod::Year),
        _ => None,
    };
    jobscout_plugin_sdk::parse::salary::from_bounds(
        range.get("min").and_then(Value::as_f64),
        range.get("max").and_then(Value::as_f64),
        range.get("currency").and_then(Value::as_str),
        period,
    )
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], company: &str) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        company,
    )
}

pub fn postings(root: &Value, company: &str) -> Result<Vec<JobPosting>, String> {
    let jobs = root.as_array().ok_or("expected an array of postings")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "/id"),
            json::string(job, "/text"),
            json::string(job, "/hostedUrl"),
        ) else {
            continue;
        };
        let mut item = posting(id, title, company_name(company), url);
        item.apply_url = json::string(job, "/applyUrl");
        let all: Vec<String> = job
            .pointer("/categories/allLocations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        item.locations = if all.is_empty() {
            json::string(job, "/categories/location")
                .into_iter()
                .collect()
        } else {
            all
        };
        item.work_mode = text::work_mode(&json::string(job, "/workplaceType").unwrap_or_default());
        item.employment_types = json::string(job, "/categories/commitment")
            .and_then(|c| text::employment_type(&c))
            .into_iter()
            .collect();
        // The description, then each titled list, then the closing section, as one document.
        let mut markup = json::string(job, "/description").unwrap_or_default();
        if let Some(lists) = job.get("lists").and_then(Value::as_array) {
            for list in lists {
                markup.push_str(&format!(
                    "<h3>{}</h3><ul>{}</ul>",
                    json::string(list, "/text").unwrap_or_default(),
                    json::string(list, "/content").unwrap_or_default()
                ));
            }
        }
        markup.push_str(&json::string(job, "/additional").unwrap_or_default());
        if !markup.is_empty() {
            item.description_text = Some(html::to_text(&markup));
            item.description_html = Some(markup);
        }
        item.posted_at = job
            .get("createdAt")
            .and_then(Value::as_i64)
            .map(date::from_epoch_millis);
        item.salary = salary(job);
        item.tags = ["/categories/department", "/categories/team"]
            .iter()
            .filter_map(|p| json::string(job, p))
            .collect();
        if let Some(country) = json::string(job, "/country") {
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
    use jobscout_plugin_sdk::{EmploymentType, WorkMode};

    #[test]
    fn recorded_postings() {
        for (label, body) in fixtures::load(env!("CARGO_MANIFEST_DIR"), "lever.json", "lever.json")
        {
            let jobs = parse(&body, "spotify").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "2193db3f-77c5-43b8-b030-8f92c9882bf1");
            assert_eq!(first.title, "Android Engineer - Experience");
            assert_eq!(first.company, "Spotify");
            assert_eq!(first.locations, ["London", "Stockholm"]);
            assert_eq!(first.work_mode, WorkMode::Hybrid);
            assert_eq!(
                first.employment_types,
                [EmploymentType::FullTime],
                "{label}: Permanent"
            );
            // createdAt is epoch milliseconds.
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-06-23T11:29:45Z"),
                "{label}"
            );
            assert_eq!(
                first.listing_url,
                "https://jobs.lever.co/spotify/2193db3f-77c5-43b8-b030-8f92c9882bf1"
            );
            assert_eq!(
                first.apply_url.as_deref(),
                Some("https://jobs.lever.co/spotify/2193db3f-77c5-43b8-b030-8f92c9882bf1/apply")
            );
            assert!(first.salary.is_none(), "{label}: no salaryRange");
            let text = first.description_text.as_deref().unwrap();
            assert!(
                text.starts_with("We design Spotify’s consumer experience—end to end"),
                "{label}: {text}"
            );
            assert!(
                text.contains("What You'll Do\n- Develop and maintain mobile client components"),
                "{label}: {text}"
            );
            assert_eq!(first.tags, ["Engineering", "Experience"]);
            assert!(first
                .extra
                .contains(&("country".to_string(), "GB".to_string())));
            let second = &jobs[1];
            assert_eq!(
                second.title,
                "Artist & Label Partnerships Contractor, Vietnam"
            );
            assert_eq!(second.locations, ["Ho Chi Minh"]);
            assert_eq!(
                second.employment_types,
                [EmploymentType::Temporary],
                "{label}: Short Term"
            );
            assert!(second.description_text.as_deref().unwrap().starts_with(
                "Spotify is looking for a short-term contractor for the Artist & Label Partnerships team in Vietnam."
            ));
        }
    }

    #[test]
    fn salary_ranges_and_bad_bodies() {
        let body = br#"[{"id":"x","text":"Dev","hostedUrl":"https://jobs.lever.co/a/x","categories":{"location":"Remote"},"workplaceType":"remote","salaryRange":{"min":100000,"max":120000,"currency":"USD","interval":"per-year-salary"}}]"#;
        let jobs = parse(body, "acme").unwrap();
        let salary = jobs[0].salary.as_ref().unwrap();
        assert_eq!(
            (
                salary.min,
                salary.max,
                salary.currency.as_deref(),
                salary.period
            ),
            (
                Some(100000.0),
                Some(120000.0),
                Some("USD"),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(jobs[0].locations, ["Remote"]);
        assert_eq!(jobs[0].work_mode, WorkMode::Remote);
        assert!(parse(br#"{"ok":false}"#, "acme").is_err());
    }
}
