//! Breezy HR career sites (`https://{company}.breezy.hr/json`) → postings. The
//! list has no description; salary is free text ("$0.05 – $0.06 / hour").

use jobscout_plugin_sdk::parse::{date, json, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], company: &str) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        company,
    )
}

pub fn postings(root: &Value, company: &str) -> Result<Vec<JobPosting>, String> {
    let jobs = root.as_array().ok_or("expected an array of positions")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "/id"),
            json::string(job, "/name"),
            json::string(job, "/url"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            title,
            json::string(job, "/company/name").unwrap_or_else(|| company.to_string()),
            url,
        );
        // `locations` may be [] while `location` still names the place.
        let mut places: Vec<&Value> = job
            .get("locations")
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .unwrap_or_default();
        if places.is_empty() {
            places.extend(job.get("location"));
        }
        item.locations = places
            .iter()
            .filter_map(|place| json::string(place, "/name"))
            .collect();
        let remote = places
            .iter()
            .any(|place| place.get("is_remote").and_then(Value::as_bool) == Some(true));
        item.work_mode = if remote {
            WorkMode::Remote
        } else if places
            .iter()
            .any(|place| place.get("is_remote").and_then(Value::as_bool) == Some(false))
        {
            WorkMode::Onsite
        } else {
            // The second recorded item lacks `is_remote`: nothing to go on.
            WorkMode::Unknown
        };
        item.employment_types = json::string(job, "/type/name")
            .and_then(|t| text::employment_type(&t))
            .into_iter()
            .collect();
        item.salary = json::string(job, "/salary").and_then(|s| salary::parse(&s));
        item.posted_at =
            json::string(job, "/published_date").and_then(|when| date::to_rfc3339(&when));
        item.tags = json::string(job, "/department").into_iter().collect();
        if let Some(country) = json::string(job, "/location/country/id") {
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
    use jobscout_plugin_sdk::{EmploymentType, SalaryPeriod};

    #[test]
    fn recorded_positions() {
        for (label, body) in
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "breezy.json", "breezy.json")
        {
            let jobs = parse(&body, "breezy").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "98323abf2296");
            assert_eq!(first.title, "Employee #12");
            assert_eq!(first.company, "MS Breezy Trial");
            assert_eq!(
                first.listing_url,
                "https://breezy.breezy.hr/p/98323abf2296-employee-12"
            );
            assert_eq!(first.locations, ["Chaos, FL"]);
            assert_eq!(first.work_mode, WorkMode::Onsite);
            assert_eq!(first.employment_types, [EmploymentType::Other]);
            let pay = first.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(0.05),
                    Some(0.06),
                    Some("USD"),
                    Some(SalaryPeriod::Hour)
                ),
                "{label}"
            );
            assert_eq!(first.posted_at.as_deref(), Some("2024-02-15T14:37:22Z"));
            assert!(
                first.description_html.is_none(),
                "{label}: no description in the list"
            );
            assert!(first
                .extra
                .contains(&("country".to_string(), "US".to_string())));
            let second = &jobs[1];
            assert_eq!(
                second.locations,
                ["New York, NY"],
                "{label}: from `location` when `locations` is []"
            );
            assert_eq!(second.work_mode, WorkMode::Unknown, "{label}: no is_remote");
            assert_eq!(second.employment_types, [EmploymentType::Contract]);
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.period),
                (Some(1.0), Some(5.0), Some(SalaryPeriod::Year)),
                "{label}"
            );
            assert_eq!(second.tags, ["Sporting Goods"]);
        }
    }

    #[test]
    fn bad_bodies() {
        assert!(parse(br#"{"error":"not found"}"#, "x").is_err());
        assert!(parse(b"[{\"name\":\"no id\"}]", "x").unwrap().is_empty());
    }
}
