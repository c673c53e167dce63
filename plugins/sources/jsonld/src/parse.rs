//! schema.org `JobPosting` objects embedded as JSON-LD in career pages → postings.
//! The reading itself is the SDK's (`parse::jsonld`, shared with the job-parse
//! processor); this source only names the page each posting came from.

use jobscout_plugin_sdk::parse::jsonld;
use jobscout_plugin_sdk::JobPosting;

/// The bodies of every `<script type="application/ld+json">` in `page`.
pub fn json_ld_blocks(page: &str) -> Vec<&str> {
    jsonld::blocks(page)
}

/// `page_url` names postings that have no URL or identifier of their own.
pub fn parse(page: &str, page_url: &str) -> Vec<JobPosting> {
    let mut out = jsonld::postings(page, page_url);
    for item in &mut out {
        item.extra.push(("page".to_string(), page_url.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::{EmploymentType, SalaryPeriod, WorkMode};

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
