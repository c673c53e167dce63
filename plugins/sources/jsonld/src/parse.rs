//! schema.org `JobPosting` objects embedded as JSON-LD in career pages → postings.
//! Handles single objects, arrays and `@graph`, string-or-object fields
//! (`hiringOrganization`, `addressCountry`), and entity-escaped descriptions.

use jobscout_plugin_sdk::parse::{date, html, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, Salary, WorkMode};
use serde_json::Value;

/// The bodies of every `<script type="application/ld+json">` in `page`.
pub fn json_ld_blocks(page: &str) -> Vec<&str> {
    let lower = page.to_ascii_lowercase();
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<script") {
        let start = from + at;
        let Some(tag_end) = lower[start..].find('>').map(|end| start + end) else {
            break;
        };
        let tag = &lower[start..tag_end];
        let Some(close) = lower[tag_end..].find("</script").map(|end| tag_end + end) else {
            break;
        };
        if tag.contains("application/ld+json") {
            blocks.push(&page[tag_end + 1..close]);
        }
        from = close + 1;
    }
    blocks
}

fn is_job(value: &Value) -> bool {
    match value.get("@type") {
        Some(Value::String(kind)) => kind == "JobPosting",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "JobPosting"),
        _ => false,
    }
}

fn collect_jobs<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| collect_jobs(item, out)),
        Value::Object(object) => {
            if is_job(value) {
                out.push(value);
            } else if let Some(graph) = object.get("@graph") {
                collect_jobs(graph, out);
            }
        }
        _ => {}
    }
}

/// A string, a number, or the `name`/`value` of an object.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => {
            text_of(object.get("name")).or_else(|| text_of(object.get("value")))
        }
        _ => None,
    }
}

fn number_of(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

fn location(place: &Value) -> Option<String> {
    let address = place.get("address").unwrap_or(place);
    if let Value::String(text) = address {
        return Some(text.trim().to_string()).filter(|text| !text.is_empty());
    }
    let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
        .iter()
        .filter_map(|key| text_of(address.get(*key)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn base_salary(job: &Value) -> Option<Salary> {
    let base = job.get("baseSalary")?;
    let currency = text_of(base.get("currency"));
    let value = base.get("value");
    let (min, max, unit) = match value {
        Some(Value::Object(_)) => {
            let value = value?;
            let single = number_of(value.get("value"));
            (
                number_of(value.get("minValue")).or(single),
                number_of(value.get("maxValue")).or(single),
                text_of(value.get("unitText")),
            )
        }
        other => (
            number_of(other),
            number_of(other),
            text_of(base.get("unitText")),
        ),
    };
    salary::from_bounds(
        min,
        max,
        currency.as_deref(),
        unit.and_then(|unit| salary::period_from_word(&unit)),
    )
}

/// `page_url` names postings that have no URL or identifier of their own.
pub fn parse(page: &str, page_url: &str) -> Vec<JobPosting> {
    let mut out = Vec::new();
    for block in json_ld_blocks(page) {
        // Pages often carry broken blocks next to good ones; skip those.
        let Ok(value) = serde_json::from_str::<Value>(block.trim()) else {
            continue;
        };
        let mut jobs = Vec::new();
        collect_jobs(&value, &mut jobs);
        for job in jobs {
            let Some(title) = text_of(job.get("title")) else {
                continue;
            };
            let url = text_of(job.get("url")).unwrap_or_else(|| page_url.to_string());
            // `identifier` is a PropertyValue (its `value` is the id) or plain text.
            let id = text_of(job.pointer("/identifier/value"))
                .or_else(|| {
                    job.get("identifier")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .or_else(|| text_of(job.get("url")))
                .unwrap_or_else(|| format!("{url}#{}", out.len()));
            let company = text_of(job.get("hiringOrganization")).unwrap_or_default();
            let mut item = posting(id, html::decode_entities(&title), company, url);
            item.locations = one_or_many(job.get("jobLocation"))
                .into_iter()
                .filter_map(location)
                .collect();
            let remote = text_of(job.get("jobLocationType"))
                .is_some_and(|kind| kind.eq_ignore_ascii_case("TELECOMMUTE"));
            item.work_mode = if remote {
                WorkMode::Remote
            } else {
                match text::work_mode(&item.title) {
                    WorkMode::Unknown if !item.locations.is_empty() => WorkMode::Onsite,
                    mode => mode,
                }
            };
            if remote && item.locations.is_empty() {
                item.locations = one_or_many(job.get("applicantLocationRequirements"))
                    .into_iter()
                    .filter_map(|v| text_of(Some(v)))
                    .collect();
            }
            item.employment_types = one_or_many(job.get("employmentType"))
                .into_iter()
                .filter_map(|kind| text_of(Some(kind)))
                .filter_map(|kind| text::employment_type(&kind))
                .collect();
            item.salary = base_salary(job);
            if let Some(description) = text_of(job.get("description")) {
                let markup = html::unescape_markup(&description);
                item.description_text = Some(html::to_text(&markup));
                item.description_html = Some(markup);
            }
            item.posted_at =
                text_of(job.get("datePosted")).and_then(|when| date::to_rfc3339(&when));
            item.expires_at =
                text_of(job.get("validThrough")).and_then(|when| date::to_rfc3339(&when));
            item.extra.push(("page".to_string(), page_url.to_string()));
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::{EmploymentType, SalaryPeriod};

    const PAGE: &str = "https://ferris.example/careers";

    #[test]
    fn career_page_with_graph_arrays_and_broken_blocks() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/careers.html");
        let page = std::fs::read_to_string(path).unwrap();
        let jobs = parse(&page, PAGE);
        assert_eq!(
            jobs.len(),
            2,
            "the Organization, WebPage and broken blocks are no jobs"
        );
        let rust = &jobs[0];
        assert_eq!(rust.source_id, "FL-101");
        assert_eq!(rust.title, "Senior Rust Engineer");
        assert_eq!(rust.company, "Ferris Labs GmbH");
        assert_eq!(rust.listing_url, "https://ferris.example/jobs/fl-101");
        assert_eq!(rust.work_mode, WorkMode::Remote, "TELECOMMUTE");
        assert_eq!(rust.locations, ["Berlin, DE"]);
        assert_eq!(
            rust.employment_types,
            [EmploymentType::FullTime, EmploymentType::Contract]
        );
        let pay = rust.salary.as_ref().unwrap();
        assert_eq!(
            (pay.min, pay.max, pay.currency.as_deref(), pay.period),
            (
                Some(85000.0),
                Some(105000.0),
                Some("EUR"),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(rust.posted_at.as_deref(), Some("2026-09-14T00:00:00Z"));
        assert_eq!(rust.expires_at.as_deref(), Some("2026-12-31T22:59:59Z"));
        assert_eq!(
            rust.description_html.as_deref(),
            Some("<p>Build the <strong>ingest</strong> pipeline in Rust &amp; Tokio.</p>")
        );
        assert_eq!(
            rust.description_text.as_deref(),
            Some("Build the ingest pipeline in Rust & Tokio.")
        );
        let office = &jobs[1];
        assert_eq!(
            office.company, "Ferris Labs",
            "hiringOrganization as a plain string"
        );
        assert_eq!(
            office.source_id, "https://ferris.example/careers#1",
            "no url or identifier"
        );
        assert_eq!(office.locations, ["Hamburg, HH, Germany"]);
        assert_eq!(office.work_mode, WorkMode::Onsite);
        assert_eq!(office.employment_types, [EmploymentType::PartTime]);
        let pay = office.salary.as_ref().unwrap();
        assert_eq!(
            (pay.min, pay.max, pay.period),
            (Some(22.0), Some(22.0), Some(SalaryPeriod::Hour))
        );
        assert_eq!(
            office.description_text.as_deref(),
            Some("Keep the office running.")
        );
    }

    #[test]
    fn pages_without_jobs() {
        assert!(parse("<html><body>No openings</body></html>", PAGE).is_empty());
        assert_eq!(
            json_ld_blocks("<SCRIPT TYPE=\"application/ld+json\">{}</SCRIPT><script>x</script>"),
            ["{}"]
        );
        assert!(json_ld_blocks("<script type=\"application/ld+json\">{ cut").is_empty());
    }
}
