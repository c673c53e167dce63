//! Recruitee careers API (`https://{company}.recruitee.com/api/offers/`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, salary};
use jobscout_plugin_sdk::{EmploymentType, JobPosting, WorkMode};
use serde_json::Value;

/// `fulltime_permanent`, `parttime_fixed_term`, `internship`, `freelance` …
fn employment(code: &str) -> Option<EmploymentType> {
    let code = code.to_ascii_lowercase();
    Some(if code.contains("intern") {
        EmploymentType::Internship
    } else if code.contains("freelance") || code.contains("contract") {
        EmploymentType::Contract
    } else if code.contains("parttime") || code.contains("part_time") {
        EmploymentType::PartTime
    } else if code.contains("fulltime") || code.contains("full_time") {
        EmploymentType::FullTime
    } else if code.contains("temporary") || code.contains("fixed") {
        EmploymentType::Temporary
    } else if code.is_empty() {
        return None;
    } else {
        EmploymentType::Other
    })
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], company: &str) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        company,
    )
}

pub fn postings(root: &Value, company: &str) -> Result<Vec<JobPosting>, String> {
    let offers = root
        .get("offers")
        .and_then(Value::as_array)
        .ok_or("no `offers` array")?;
    let mut out = Vec::with_capacity(offers.len());
    for offer in offers {
        let (Some(id), Some(title), Some(url)) = (
            json::string(offer, "/id"),
            json::string(offer, "/title"),
            json::string(offer, "/careers_url"),
        ) else {
            continue;
        };
        let mut item = posting(
            id,
            title,
            json::string(offer, "/company_name").unwrap_or_else(|| company.to_string()),
            url,
        );
        item.apply_url = json::string(offer, "/careers_apply_url");
        let flag = |key: &str| offer.get(key).and_then(Value::as_bool) == Some(true);
        item.work_mode = if flag("hybrid") {
            WorkMode::Hybrid
        } else if flag("remote") {
            WorkMode::Remote
        } else if flag("on_site") {
            WorkMode::Onsite
        } else {
            WorkMode::Unknown
        };
        item.locations = offer
            .get("locations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|l| {
                        let parts: Vec<String> = ["/city", "/state", "/country"]
                            .iter()
                            .filter_map(|p| json::string(l, p))
                            .collect();
                        (!parts.is_empty()).then(|| parts.join(", "))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if item.locations.is_empty() {
            item.locations = json::string(offer, "/location").into_iter().collect();
        }
        item.employment_types = json::string(offer, "/employment_type_code")
            .and_then(|code| employment(&code))
            .into_iter()
            .collect();
        // min/max are strings; the period is "month" or "year".
        item.salary = salary::from_bounds(
            json::number(offer, "/salary/min"),
            json::number(offer, "/salary/max"),
            offer.pointer("/salary/currency").and_then(Value::as_str),
            json::string(offer, "/salary/period").and_then(|p| salary::period_from_word(&p)),
        );
        let markup: String = ["/description", "/requirements"]
            .iter()
            .filter_map(|p| json::string(offer, p))
            .collect::<Vec<_>>()
            .join("\n");
        if !markup.is_empty() {
            item.description_text = Some(html::to_text(&markup));
            item.description_html = Some(markup);
        }
        // "2026-09-18 13:27:28 UTC".
        item.posted_at = json::string(offer, "/published_at")
            .or_else(|| json::string(offer, "/created_at"))
            .and_then(|when| date::to_rfc3339(&when));
        item.expires_at = json::string(offer, "/close_at").and_then(|when| date::to_rfc3339(&when));
        item.tags = json::strings(offer, "/tags");
        item.tags.extend(json::string(offer, "/department"));
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
    fn recorded_offers() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "recruitee.json",
            "recruitee.json",
        ) {
            let jobs = parse(&body, "channable").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "2751915");
            assert_eq!(
                first.title,
                "Customer Success Manager Benelux - Dutch speaking"
            );
            assert_eq!(first.company, "Channable");
            assert_eq!(first.locations, ["Utrecht, Utrecht, Netherlands"]);
            assert_eq!(first.work_mode, WorkMode::Hybrid);
            assert_eq!(first.employment_types, [EmploymentType::FullTime]);
            let pay = first.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(3750.0),
                    Some(5250.0),
                    Some("EUR"),
                    Some(SalaryPeriod::Month)
                ),
                "{label}: string amounts"
            );
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-18T13:27:28Z"),
                "{label}: space-separated UTC"
            );
            assert_eq!(first.expires_at, None);
            assert_eq!(
                first.listing_url,
                "https://jobs.channable.com/o/customer-success-manager-benelux-dutch-speaking-3"
            );
            assert!(
                first
                    .description_text
                    .as_deref()
                    .unwrap()
                    .starts_with("Channable is a fast-growing B2B SaaS platform"),
                "{label}"
            );
            assert_eq!(first.tags, ["Customer Success"]);
            let second = &jobs[1];
            assert_eq!(second.title, "Head of People & Culture");
            let pay = second.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.period),
                (Some(115000.0), Some(130000.0), Some(SalaryPeriod::Year))
            );
            assert_eq!(second.posted_at.as_deref(), Some("2026-09-11T15:16:33Z"));
        }
    }

    #[test]
    fn codes_and_bad_bodies() {
        assert_eq!(
            employment("parttime_fixed_term"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(employment("internship"), Some(EmploymentType::Internship));
        assert_eq!(employment("freelance"), Some(EmploymentType::Contract));
        assert!(parse(br#"{"offers":{}}"#, "x").is_err());
    }
}
