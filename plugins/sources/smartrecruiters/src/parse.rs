//! SmartRecruiters posting API (`/v1/companies/{company}/postings`) → postings.
//! The list has no description (only a `ref` to the detail endpoint).

use jobscout_plugin_sdk::parse::{date, json, posting, text};
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
    let postings = root
        .get("content")
        .and_then(Value::as_array)
        .ok_or("no `content` array")?;
    let mut out = Vec::with_capacity(postings.len());
    for job in postings {
        let (Some(id), Some(title)) = (json::string(job, "/id"), json::string(job, "/name")) else {
            continue;
        };
        let identifier =
            json::string(job, "/company/identifier").unwrap_or_else(|| company.to_string());
        // The public job page; the API's `ref` is kept as extra.
        let url = format!("https://jobs.smartrecruiters.com/{identifier}/{id}");
        let mut item = posting(
            id,
            title,
            json::string(job, "/company/name").unwrap_or_else(|| company.to_string()),
            url,
        );
        let flag = |pointer: &str| job.pointer(pointer).and_then(Value::as_bool);
        item.work_mode = match (flag("/location/remote"), flag("/location/hybrid")) {
            (_, Some(true)) => WorkMode::Hybrid,
            (Some(true), _) => WorkMode::Remote,
            (Some(false), _) => WorkMode::Onsite,
            _ => WorkMode::Unknown,
        };
        item.locations = json::string(job, "/location/fullLocation")
            .into_iter()
            .collect();
        item.employment_types = json::string(job, "/typeOfEmployment/label")
            .and_then(|t| text::employment_type(&t))
            .into_iter()
            .collect();
        item.posted_at =
            json::string(job, "/releasedDate").and_then(|when| date::to_rfc3339(&when));
        item.tags = ["/function/label", "/industry/label"]
            .iter()
            .filter_map(|p| json::string(job, p))
            .collect();
        // Lower-case in the payload ("ca").
        if let Some(country) = json::string(job, "/location/country") {
            item.extra
                .push(("country".to_string(), country.to_ascii_uppercase()));
        }
        if let Some(level) =
            json::string(job, "/experienceLevel/label").filter(|l| l != "Not Applicable")
        {
            item.extra.push(("seniority".to_string(), level));
        }
        if let Some(detail) = json::string(job, "/ref") {
            item.extra.push(("detail_api".to_string(), detail));
        }
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
    fn recorded_postings() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "smartrecruiters.json",
            "smartrecruiters.json",
        ) {
            let jobs = parse(&body, "Ubisoft2").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(
                first.source_id, "744000151912444",
                "{label}: numeric string id"
            );
            assert_eq!(
                first.title,
                "Spécialiste Fiabilité outils et infrastructures - TGQF"
            );
            assert_eq!(first.company, "Ubisoft");
            assert_eq!(
                first.listing_url,
                "https://jobs.smartrecruiters.com/Ubisoft2/744000151912444"
            );
            assert_eq!(first.locations, ["Montreal, QC, Canada"]);
            assert_eq!(
                first.work_mode,
                WorkMode::Onsite,
                "{label}: remote and hybrid false"
            );
            assert_eq!(first.employment_types, [EmploymentType::FullTime]);
            assert_eq!(first.posted_at.as_deref(), Some("2026-09-25T18:18:52Z"));
            assert!(
                first.description_html.is_none() && first.salary.is_none(),
                "{label}: list has neither"
            );
            assert!(first
                .extra
                .contains(&("country".to_string(), "CA".to_string())));
            assert!(first
                .extra
                .contains(&("seniority".to_string(), "Mid-Senior Level".to_string())));
            assert_eq!(first.tags, ["Engineering", "Entertainment"]);
            let second = &jobs[1];
            assert_eq!(second.employment_types, [EmploymentType::Internship]);
            assert_eq!(second.locations, ["Paris, IDF, France"]);
            assert!(
                !second.extra.iter().any(|(key, _)| key == "seniority"),
                "{label}: Not Applicable dropped"
            );
        }
    }

    #[test]
    fn remote_flags_and_bad_bodies() {
        let jobs = parse(
            br#"{"content":[{"id":"1","name":"Dev","location":{"remote":true,"hybrid":false}}]}"#,
            "acme",
        )
        .unwrap();
        assert_eq!(jobs[0].work_mode, WorkMode::Remote);
        assert_eq!(jobs[0].company, "acme");
        assert!(parse(br#"{"totalFound":0}"#, "acme").is_err());
    }
}
