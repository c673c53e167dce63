//! Field-level checks on the fixtures in `fixtures/jobs/` (repository root).

use jobscout_plugin_sdk::{Payload, ProcessorError};
use serde_json::Value;

use super::parse_payload;

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fixtures/jobs/");
    std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|error| panic!("cannot read fixtures/jobs/{name}: {error}"))
}

fn structured(pairs: &[(&str, &str)]) -> Payload {
    Payload::Structured(
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
    )
}

fn page(name: &str, url: &str) -> Value {
    let html = fixture(name);
    parse_payload(structured(&[("html", &html), ("url", url)]))
        .unwrap()
        .to_json()
}

fn pasted(name: &str) -> Value {
    parse_payload(structured(&[("text", &fixture(name))]))
        .unwrap()
        .to_json()
}

#[test]
fn career_page_json_ld_gives_every_field() {
    let job = page(
        "career-page-jsonld.html",
        "https://careers.ferrislabs.example/jobs/platform-engineer",
    );
    assert_eq!(job["extraction_method"], "json_ld");
    assert_eq!(job["title"], "Platform Engineer (Rust)");
    assert_eq!(job["company"], "Ferris Labs GmbH");
    assert_eq!(job["company_website"], "https://ferrislabs.example");
    assert_eq!(job["remote_type"], "remote", "jobLocationType TELECOMMUTE");
    assert_eq!(
        job["location"], "Germany; Netherlands",
        "applicantLocationRequirements"
    );
    assert_eq!(
        job["employment_type"],
        serde_json::json!(["full-time", "contract"])
    );
    assert_eq!(job["salary_min"], 6500.0);
    assert_eq!(job["salary_max"], 8200.0);
    assert_eq!(job["salary_currency"], "EUR");
    assert_eq!(job["salary_period"], "month", "unitText MONTH");
    assert_eq!(job["posted_at"], "2026-11-02T00:00:00Z");
    assert_eq!(job["valid_through"], "2026-12-31T22:59:59Z");
    assert_eq!(
        job["apply_url"],
        "https://careers.ferrislabs.example/jobs/platform-engineer/apply?source=careers",
        "the page's apply link, resolved"
    );
    let description = job["description_text"].as_str().unwrap();
    assert!(description.starts_with("Ferris Labs runs the ingest pipeline"));
    assert!(
        description.contains("\nRequirements\n- 5+ years building backend systems, 2+ in Rust\n")
    );
    assert_eq!(job["json_ld"]["@type"], "JobPosting");
    assert_eq!(job["json_ld"]["datePosted"], "2026-11-02");
}

#[test]
fn greenhouse_like_page_by_heuristics() {
    let job = page(
        "greenhouse-like.html",
        "https://boards.greenhouse.io/northwind-analytics/jobs/4012345",
    );
    assert_eq!(job["extraction_method"], "html");
    assert_eq!(job["title"], "Senior Backend Engineer");
    assert_eq!(job["company"], "Northwind Analytics");
    assert_eq!(job["location"], "New York, NY (Hybrid)");
    assert_eq!(job["remote_type"], "hybrid");
    assert_eq!(job["employment_type"], serde_json::json!(["full-time"]));
    assert_eq!(
        (
            &job["salary_min"],
            &job["salary_max"],
            &job["salary_currency"],
            &job["salary_period"]
        ),
        (
            &Value::from(165000.0),
            &Value::from(195000.0),
            &Value::from("USD"),
            &Value::from("year")
        )
    );
    assert_eq!(job["posted_at"], "2026-10-28T00:00:00Z");
    assert_eq!(job["valid_through"], Value::Null);
    assert_eq!(
        job["apply_url"], "https://boards.greenhouse.io/northwind-analytics/jobs/4012345",
        "the in-page application form (#app) is the page itself"
    );
    assert_eq!(
        job["company_website"],
        "https://www.northwind-analytics.example"
    );
    assert_eq!(job["json_ld"], Value::Null);
    let description = job["description_text"].as_str().unwrap();
    assert!(description.starts_with("About Northwind\n"));
    assert!(description.contains("\n- Strong experience with Go (golang) in production\n"));
    assert!(
        !description.contains("First Name"),
        "the application form is not description"
    );
    assert!(!description.contains("Powered by Greenhouse"));
}

#[test]
fn lever_like_page_by_heuristics() {
    let job = page(
        "lever-like.html",
        "https://jobs.lever.co/acme/8f1c2d9e-4b7a-4c55-9e1f-2a6b3c4d5e6f",
    );
    assert_eq!(job["extraction_method"], "html");
    assert_eq!(
        job["title"], "Senior Product Designer",
        "og:title without the company"
    );
    assert_eq!(
        job["company"], "Acme",
        "from the jobs.lever.co/<company> URL"
    );
    assert_eq!(job["location"], "Chicago, IL");
    assert_eq!(job["remote_type"], "hybrid", "workplaceTypes");
    assert_eq!(job["employment_type"], serde_json::json!(["full-time"]));
    assert_eq!(job["salary_min"], 140000.0);
    assert_eq!(job["salary_max"], 170000.0);
    assert_eq!(
        job["apply_url"],
        "https://jobs.lever.co/acme/8f1c2d9e-4b7a-4c55-9e1f-2a6b3c4d5e6f/apply"
    );
    assert_eq!(job["company_website"], "https://acme.example");
    let description = job["description_text"].as_str().unwrap();
    assert!(
        description.contains("What you'll need\n- 5+ years designing complex B2B products"),
        "the requirements section after the first one is kept: {description}"
    );
}

#[test]
fn broken_json_ld_falls_back_to_the_page() {
    let job = page(
        "malformed-jsonld.html",
        "https://www.initech.example/careers/qa-analyst",
    );
    assert_eq!(job["extraction_method"], "html");
    assert_eq!(job["json_ld"], Value::Null);
    assert_eq!(job["title"], "QA Analyst");
    assert_eq!(job["company"], "Initech");
    assert_eq!(job["location"], "Austin, TX · On-site");
    assert_eq!(job["remote_type"], "onsite");
    assert_eq!(job["employment_type"], serde_json::json!(["contract"]));
    assert_eq!(
        (
            &job["salary_min"],
            &job["salary_max"],
            &job["salary_period"]
        ),
        (&Value::from(38.0), &Value::from(45.0), &Value::from("hour"))
    );
    assert_eq!(
        job["valid_through"], "2027-01-15T00:00:00Z",
        "Applications close …"
    );
    assert_eq!(
        job["apply_url"],
        "https://initech.example/careers/qa-analyst/apply"
    );
    assert_eq!(job["company_website"], "https://www.initech.example");
    let description = job["description_text"].as_str().unwrap();
    assert!(description.contains("Qualifications\n- 2+ years of manual and automated testing"));
    assert!(!description.contains("Freidrich Lane"), "footer dropped");
}

#[test]
fn page_description_is_capped() {
    let body = "<p>We build things and the line is long enough to count.</p>".repeat(400);
    let html = format!("<html><body><main><h1>Role</h1>{body}</main></body></html>");
    let job = parse_payload(structured(&[
        ("html", &html),
        ("url", "https://x.example/j"),
    ]))
    .unwrap()
    .to_json();
    let description = job["description_text"].as_str().unwrap();
    assert!(description.chars().count() <= crate::page::PAGE_DESCRIPTION_LIMIT);
    assert!(description.chars().count() > crate::page::PAGE_DESCRIPTION_LIMIT - 100);
    assert_eq!(
        job["company"], "X",
        "the domain names the company when nothing else does"
    );
}

#[test]
fn pasted_with_labels() {
    let job = pasted("pasted-labelled.txt");
    assert_eq!(job["extraction_method"], "text");
    assert_eq!(job["title"], "Site Reliability Engineer");
    assert_eq!(job["company"], "Globex Corporation");
    assert_eq!(job["location"], "Remote (US time zones)");
    assert_eq!(job["remote_type"], "remote");
    assert_eq!(job["employment_type"], serde_json::json!(["full-time"]));
    assert_eq!(
        (
            &job["salary_min"],
            &job["salary_max"],
            &job["salary_currency"]
        ),
        (
            &Value::from(150000.0),
            &Value::from(180000.0),
            &Value::from("USD")
        )
    );
    assert_eq!(job["posted_at"], "2026-11-05T00:00:00Z");
    assert_eq!(job["apply_url"], "https://globex.example/careers/sre-2026");
    assert_eq!(job["json_ld"], Value::Null);
    assert!(job["description_text"]
        .as_str()
        .unwrap()
        .contains("Must have\n• 4+ years in an SRE or DevOps role"));
}

#[test]
fn pasted_linkedin_style() {
    let job = pasted("pasted-linkedin.txt");
    assert_eq!(
        job["title"], "Senior Go Developer",
        "not the 'About the job' heading"
    );
    assert_eq!(job["company"], "Hooli");
    assert_eq!(job["location"], "Berlin, Germany (Hybrid)");
    assert_eq!(job["remote_type"], "hybrid");
    assert_eq!(
        job["salary_min"],
        Value::Null,
        "a learning budget is not pay"
    );
    assert_eq!(job["employment_type"], serde_json::json!([]));
    assert_eq!(job["posted_at"], Value::Null);
}

#[test]
fn pasted_pipe_header() {
    let job = pasted("pasted-header.txt");
    assert_eq!(job["title"], "Data Engineer");
    assert_eq!(job["company"], "Umbrella Health");
    assert_eq!(job["location"], "Amsterdam (Hybrid)");
    assert_eq!(job["remote_type"], "hybrid");
    assert_eq!(
        (
            &job["salary_min"],
            &job["salary_max"],
            &job["salary_currency"],
            &job["salary_period"]
        ),
        (
            &Value::from(60000.0),
            &Value::from(75000.0),
            &Value::from("EUR"),
            &Value::from("year")
        )
    );
    assert_eq!(
        job["employment_type"],
        serde_json::json!(["full-time"]),
        "Contract: permanent"
    );
    assert_eq!(job["valid_through"], "2026-12-31T00:00:00Z");
    assert_eq!(
        job["apply_url"],
        "https://umbrella-health.example/jobs/data-engineer"
    );
}

#[test]
fn relative_dates_stay_unknown() {
    let job = parse_payload(structured(&[(
        "text",
        "Backend Engineer\nPosted 3 days ago\nApply by next Friday",
    )]))
    .unwrap()
    .to_json();
    assert_eq!(job["title"], "Backend Engineer");
    assert_eq!(job["posted_at"], Value::Null);
    assert_eq!(job["valid_through"], Value::Null);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let invalid = |payload| match parse_payload(payload) {
        Err(ProcessorError::InvalidInput(message)) => message,
        other => panic!("expected invalid-input, got {other:?}"),
    };
    assert!(invalid(structured(&[("text", "  \n ")])).contains("empty"));
    assert!(invalid(structured(&[])).contains("`text`"));
    assert!(invalid(structured(&[("html", "<h1>x</h1>")])).contains("`url`"));
    assert!(invalid(structured(&[
        ("html", "<h1>x</h1>"),
        ("url", "ftp://x.example/")
    ]))
    .contains("https://"));
    assert!(matches!(
        parse_payload(Payload::Text("Senior Engineer".into())),
        Err(ProcessorError::UnsupportedInput(_))
    ));
}

#[test]
fn plain_text_json_ld_description_keeps_its_lines() {
    // Many career sites put plain text with line breaks in `description`; the
    // breaks carry the sections and bullets job-analyze reads must-haves from.
    let posting = serde_json::json!({
        "@type": "JobPosting",
        "title": "Data Engineer",
        "hiringOrganization": {"name": "Plain Co"},
        "description": "About us\nWe move data.\n\nRequirements\n• 3+ years of Python\n• SQL &amp; dbt\n\nBenefits\n• Remote",
    });
    let html = format!(
        "<html><head><script type=\"application/ld+json\">{posting}</script></head><body></body></html>"
    );
    let job = parse_payload(structured(&[
        ("html", &html),
        ("url", "https://plain.example/jobs/1"),
    ]))
    .unwrap()
    .to_json();
    assert_eq!(
        job["description_text"],
        "About us\nWe move data.\nRequirements\n• 3+ years of Python\n• SQL & dbt\nBenefits\n• Remote"
    );
}

#[test]
fn the_output_is_the_json_object_of_the_contract() {
    use crate::job::{employment_name, period_name, work_mode_name};
    for job in [
        parse_payload(structured(&[
            ("html", &fixture("career-page-jsonld.html")),
            (
                "url",
                "https://careers.ferrislabs.example/jobs/platform-engineer",
            ),
        ]))
        .unwrap(),
        parse_payload(structured(&[("text", &fixture("pasted-labelled.txt"))])).unwrap(),
    ] {
        let salary = job.salary.as_ref();
        let before = serde_json::json!({
            "title": job.title,
            "company": job.company,
            "location": job.location,
            "remote_type": work_mode_name(job.remote_type),
            "employment_type": job.employment_type.iter().map(|kind| employment_name(*kind)).collect::<Vec<_>>(),
            "salary_min": salary.and_then(|s| s.min),
            "salary_max": salary.and_then(|s| s.max),
            "salary_currency": salary.and_then(|s| s.currency.clone()),
            "salary_period": salary.and_then(|s| s.period).map(period_name),
            "description_text": job.description_text,
            "apply_url": job.apply_url,
            "company_website": job.company_website,
            "posted_at": job.posted_at,
            "valid_through": job.valid_through,
            "extraction_method": job.method.as_str(),
            "json_ld": job.json_ld,
        });
        assert_eq!(
            serde_json::to_string(&job.to_output()).unwrap(),
            before.to_string(),
            "the bytes the processor wrote before the contract types"
        );
    }
}
