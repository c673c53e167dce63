//! Ashby posting API (`/posting-api/job-board/{board}?includeCompensation=true`) → postings.

use jobscout_plugin_sdk::parse::{date, html, json, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// Ashby has no company name in the payload; the board name is shown capitalised.
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
    let jobs = root
        .get("jobs")
        .and_then(Value::as_array)
        .ok_or("no `jobs` array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        // Unlisted postings are hidden on the board itself.
        if job.get("isListed").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let (Some(id), Some(title), Some(url)) = (
            json::string(job, "/id"),
            json::string(job, "/title"),
            json::string(job, "/jobUrl"),
        ) else {
            continue;
        };
        let mut item = posting(id, title, company_name(board), url);
        item.apply_url = json::string(job, "/applyUrl");
        item.locations = json::string(job, "/location").into_iter().collect();
        if let Some(secondary) = job.get("secondaryLocations").and_then(Value::as_array) {
            item.locations.extend(
                secondary
                    .iter()
                    .filter_map(|l| json::string(l, "/location")),
            );
        }
        item.work_mode = match json::string(job, "/workplaceType").map(|w| text::work_mode(&w)) {
            Some(WorkMode::Unknown) | None
                if job.get("isRemote").and_then(Value::as_bool) == Some(true) =>
            {
                WorkMode::Remote
            }
            Some(mode) => mode,
            None => WorkMode::Unknown,
        };
        item.employment_types = json::string(job, "/employmentType")
            .and_then(|t| text::employment_type(&t))
            .into_iter()
            .collect();
        // Summaries like "$150K – $200K • Offers Equity" when the company publishes pay.
        item.salary = json::string(job, "/compensation/scrapeableCompensationSalarySummary")
            .or_else(|| json::string(job, "/compensation/compensationTierSummary"))
            .and_then(|summary| salary::parse(&summary));
        if let Some(markup) = json::string(job, "/descriptionHtml") {
            item.description_html = Some(markup);
        }
        item.description_text = json::string(job, "/descriptionPlain")
            .or_else(|| item.description_html.as_deref().map(html::to_text));
        item.posted_at = json::string(job, "/publishedAt").and_then(|when| date::to_rfc3339(&when));
        item.tags = ["/department", "/team"]
            .iter()
            .filter_map(|p| json::string(job, p))
            .collect();
        if let Some(country) = json::string(job, "/address/postalAddress/addressCountry") {
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
    fn recorded_board() {
        for (label, body) in fixtures::load(env!("CARGO_MANIFEST_DIR"), "ashby.json", "ashby.json")
        {
            let jobs = parse(&body, "linear").unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(first.source_id, "d3bc1ced-3ce4-4086-a050-555055dbb1ff");
            assert_eq!(first.title, "Senior / Staff Fullstack Engineer");
            assert_eq!(first.company, "Linear");
            assert_eq!(first.locations, ["Europe"]);
            assert_eq!(first.work_mode, WorkMode::Remote);
            assert_eq!(first.employment_types, [EmploymentType::FullTime]);
            assert!(
                first.salary.is_none(),
                "{label}: compensation present but empty"
            );
            // Milliseconds and +00:00.
            assert_eq!(first.posted_at.as_deref(), Some("2021-04-27T20:13:45Z"));
            assert_eq!(
                first.apply_url.as_deref(),
                Some("https://jobs.ashbyhq.com/linear/d3bc1ced-3ce4-4086-a050-555055dbb1ff/application")
            );
            assert!(first
                .description_html
                .as_deref()
                .unwrap()
                .starts_with("<p style=\"min-height:1.5em\">At Linear"));
            assert!(first
                .description_text
                .as_deref()
                .unwrap()
                .starts_with("At Linear, we're building the product development system"));
            assert!(
                first
                    .extra
                    .contains(&("country".to_string(), "European Union".to_string())),
                "{label}: a region, not a country"
            );
            assert_eq!(first.tags, ["Product", "Engineering"]);
            assert_eq!(jobs[1].locations, ["North America"]);
            assert_eq!(jobs[1].posted_at.as_deref(), Some("2021-08-18T20:48:26Z"));
        }
    }

    #[test]
    fn compensation_unlisted_and_hybrid() {
        let body = r#"{"jobs":[
            {"id":"a","title":"Dev","jobUrl":"https://jobs.ashbyhq.com/x/a","isListed":true,"workplaceType":"Hybrid","isRemote":false,
             "secondaryLocations":[{"location":"Berlin"}],"location":"London",
             "compensation":{"compensationTierSummary":"€80K – €95K • Offers Equity","scrapeableCompensationSalarySummary":null}},
            {"id":"b","title":"Hidden","jobUrl":"https://jobs.ashbyhq.com/x/b","isListed":false}]}"#.as_bytes();
        let jobs = parse(body, "x").unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].work_mode, WorkMode::Hybrid);
        assert_eq!(jobs[0].locations, ["London", "Berlin"]);
        let pay = jobs[0].salary.as_ref().unwrap();
        assert_eq!(
            (pay.min, pay.max, pay.currency.as_deref(), pay.period),
            (
                Some(80000.0),
                Some(95000.0),
                Some("EUR"),
                Some(SalaryPeriod::Year)
            )
        );
    }
}
