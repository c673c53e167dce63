//! Analyses of the fixtures in `fixtures/jobs/` (repository root): HTML pages
//! go through job-parse first, as they do in the host.

use jobscout_plugin_sdk::{Payload, ProcessorError};

use super::*;

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fixtures/jobs/");
    std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|error| panic!("cannot read fixtures/jobs/{name}: {error}"))
}

/// (description, title) of an HTML fixture as job-parse reads it.
fn parsed_page(name: &str, url: &str) -> (String, String) {
    let input = Payload::Structured(vec![
        ("html".to_string(), fixture(name)),
        ("url".to_string(), url.to_string()),
    ]);
    let job = jobscout_processor_job_parse::parse_payload(input).unwrap();
    (job.description_text.unwrap(), job.title.unwrap())
}

#[test]
fn json_ld_description() {
    let (description, title) = parsed_page(
        "career-page-jsonld.html",
        "https://careers.ferrislabs.example/jobs/platform-engineer",
    );
    let analysis = analyze(&description, Some(&title));
    assert_eq!(
        analysis.must_haves,
        [
            "5+ years building backend systems, 2+ in Rust",
            "Production experience with PostgreSQL and Kafka",
            "Comfortable with CI/CD and on-call",
        ],
        "the one-word item is a keyword, not a must-have; 'Nice to have' is another section"
    );
    assert_eq!(
        analysis.keywords,
        [
            "Rust",
            "Tokio",
            "Kubernetes",
            "AWS",
            "Terraform",
            "PostgreSQL",
            "Kafka",
            "CI/CD",
            "Go"
        ]
    );
    assert_eq!(
        analysis.rubric,
        "A strong candidate for the Platform Engineer (Rust) role shows evidence of 5+ years building backend systems, 2+ in Rust; production experience with PostgreSQL and Kafka, and hands-on work with Rust, Tokio, Kubernetes, AWS and Terraform."
    );
}

#[test]
fn greenhouse_like_page() {
    let (description, title) = parsed_page(
        "greenhouse-like.html",
        "https://boards.greenhouse.io/northwind-analytics/jobs/4012345",
    );
    let analysis = analyze(&description, Some(&title));
    assert_eq!(analysis.must_haves.len(), 5, "{:?}", analysis.must_haves);
    assert_eq!(
        analysis.must_haves[0],
        "6+ years of professional software engineering experience"
    );
    assert_eq!(
        analysis.must_haves[4], "Clear written communication",
        "'SQL' is too short to be a must-have"
    );
    assert_eq!(
        analysis.keywords,
        [
            "Go",
            "Python",
            "PostgreSQL",
            "Redis",
            "Kubernetes",
            "Google Cloud",
            "SQL",
            "dbt",
            "BigQuery"
        ]
    );
    assert!(!analysis.keywords.contains(&"MongoDB"));
}

#[test]
fn lever_like_page() {
    let (description, title) = parsed_page(
        "lever-like.html",
        "https://jobs.lever.co/acme/8f1c2d9e-4b7a-4c55-9e1f-2a6b3c4d5e6f",
    );
    let analysis = analyze(&description, Some(&title));
    assert_eq!(
        analysis.must_haves,
        [
            "5+ years designing complex B2B products",
            "A portfolio that shows shipped work and the reasoning behind it",
            "Fluency in Figma, including building and maintaining a design system",
            "Experience running usability testing with real operators",
        ]
    );
    assert_eq!(
        analysis.keywords,
        ["Figma", "Design Systems", "UX Research"]
    );
}

#[test]
fn pasted_descriptions_in_three_styles() {
    let labelled = analyze(
        &fixture("pasted-labelled.txt"),
        Some("Site Reliability Engineer"),
    );
    assert_eq!(
        labelled.must_haves,
        [
            "4+ years in an SRE or DevOps role",
            "Hands-on experience with Kubernetes in production",
            "Strong scripting skills in Python or Bash",
            "Experience with PostgreSQL replication and backups",
        ],
        "'Must have', not the Responsibilities list before it"
    );
    assert_eq!(
        labelled.keywords[..6],
        [
            "Kubernetes",
            "PostgreSQL",
            "AWS",
            "Terraform",
            "Observability",
            "Prometheus"
        ]
    );

    let linkedin = analyze(&fixture("pasted-linkedin.txt"), Some("Senior Go Developer"));
    assert_eq!(linkedin.must_haves.len(), 4);
    assert_eq!(
        linkedin.must_haves[0],
        "5+ years of backend development, at least 3 with Go"
    );
    assert_eq!(
        linkedin.keywords,
        [
            "Go",
            "gRPC",
            "Kafka",
            "ClickHouse",
            "Distributed systems",
            "Concurrency",
            "Docker",
            "Kubernetes"
        ]
    );

    let header = analyze(&fixture("pasted-header.txt"), None);
    assert_eq!(
        header.must_haves,
        [
            "3+ years of experience as a data engineer",
            "Strong SQL and Python",
            "Experience with Airflow and dbt",
            "Familiarity with Snowflake or BigQuery",
            "Ability to explain trade-offs to non-technical colleagues",
        ]
    );
    assert!(
        !header.keywords.contains(&"Go"),
        "'you will go from raw HL7 feeds' is the verb: {:?}",
        header.keywords
    );
    assert_eq!(
        header.keywords,
        ["SQL", "Python", "Airflow", "dbt", "Snowflake", "BigQuery"]
    );
    assert!(header
        .rubric
        .starts_with("A strong candidate for this role shows evidence of 3+ years"));
}

#[test]
fn html_descriptions_are_read_as_text() {
    let analysis = analyze(
        "<h3>Requirements</h3><ul><li>Three years of Rust in production</li><li>Go</li></ul>",
        Some("Engineer"),
    );
    assert_eq!(analysis.must_haves, ["Three years of Rust in production"]);
    assert_eq!(analysis.keywords, ["Rust", "Go"]);
}

#[test]
fn rubric_without_findings() {
    assert_eq!(
        rubric(None, &[], &[]),
        "A strong candidate for this role shows recent experience matching the responsibilities in the description."
    );
    assert_eq!(
        rubric(
            Some("Barista"),
            &["Latte art for 200 guests a day".to_string()],
            &[]
        ),
        "A strong candidate for the Barista role shows evidence of latte art for 200 guests a day."
    );
    assert_eq!(in_sentence("SQL fluency"), "SQL fluency");
    assert_eq!(in_sentence("PostgreSQL tuning"), "PostgreSQL tuning");
}

#[test]
fn bad_inputs_are_typed_errors() {
    let missing = analyze_payload(Payload::Structured(vec![(
        "title".to_string(),
        "Engineer".to_string(),
    )]));
    assert!(
        matches!(missing, Err(ProcessorError::InvalidInput(message)) if message.contains("no description"))
    );
    let blank = analyze_payload(Payload::Structured(vec![(
        "description".to_string(),
        " \n".to_string(),
    )]));
    assert!(matches!(blank, Err(ProcessorError::InvalidInput(_))));
    assert!(matches!(
        analyze_payload(Payload::Text("x".into())),
        Err(ProcessorError::UnsupportedInput(_))
    ));
}

#[test]
fn plain_text_json_ld_description_gives_must_haves() {
    // The host's apply tests serve this shape: JSON-LD whose description is
    // plain text with line breaks, not HTML.
    let posting = serde_json::json!({
        "@type": "JobPosting",
        "title": "Senior Rust Engineer",
        "hiringOrganization": {"name": "Ferris Labs"},
        "description": "We build observability tooling.\n\nRequirements\n\u{2022} 5+ years of professional software engineering experience\n\u{2022} Strong experience with Rust, async programming and PostgreSQL\n\u{2022} Experience operating services on Kubernetes in production\n\u{2022} Clear written communication in English\n\nBenefits\n\u{2022} 30 days of paid holiday and a yearly learning budget",
    });
    let input = Payload::Structured(vec![
        (
            "html".to_string(),
            format!(
                "<html><head><script type=\"application/ld+json\">{posting}</script></head></html>"
            ),
        ),
        (
            "url".to_string(),
            "https://ferris.example/jobs/1".to_string(),
        ),
    ]);
    let job = jobscout_processor_job_parse::parse_payload(input).unwrap();
    let analysis = analyze(&job.description_text.unwrap(), job.title.as_deref());
    assert_eq!(analysis.must_haves.len(), 4, "{:?}", analysis.must_haves);
    assert_eq!(
        analysis.must_haves[3],
        "Clear written communication in English"
    );
}

#[test]
fn the_output_is_the_json_object_of_the_contract() {
    let analysis = analyze(&fixture("pasted-labelled.txt"), Some("Data Engineer"));
    assert!(!analysis.must_haves.is_empty() && !analysis.keywords.is_empty());
    assert_eq!(
        analysis.to_json(),
        serde_json::json!({
            "must_haves": analysis.must_haves,
            "keywords": analysis.keywords,
            "rubric": analysis.rubric,
        })
        .to_string(),
        "the bytes the processor wrote before the contract types"
    );
}
