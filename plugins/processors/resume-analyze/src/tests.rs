//! Analyses of the resumes in `fixtures/jobs/` (repository root).

use jobscout_plugin_sdk::{Blob, Payload, ProcessorError};

use super::*;

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fixtures/jobs/");
    std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|error| panic!("cannot read fixtures/jobs/{name}: {error}"))
}

#[test]
fn senior_backend_resume() {
    let analysis = analyze(&fixture("resume-senior-backend.txt"));
    assert_eq!(
        analysis.skills,
        [
            "Go",
            "Python",
            "PostgreSQL",
            "Kubernetes",
            "Google Cloud",
            "Django",
            "CI/CD",
            "GitLab CI",
            "GitLab",
            "Docker",
            "PHP",
            "JavaScript",
            "Redis",
            "Kafka",
            "Terraform",
            "gRPC",
            "AWS",
        ]
    );
    assert!(
        !analysis.skills.contains(&"GitHub"),
        "github.com/mschmidt is a link, not a skill"
    );
    assert!(!analysis.skills.contains(&"MongoDB"));
    assert_eq!(analysis.seniority, "senior");
    assert_eq!(
        analysis.bullets,
        [
            "Cut p99 latency of the checkout API by 40% by moving hot paths from Python to Go",
            "Led the migration of 14 services to Kubernetes on Google Cloud with zero downtime",
            "Designed the idempotency layer that now handles $2.1M in daily transactions",
            "Introduced contract tests that reduced integration incidents 3x",
            "Built route-planning services in Python and Django serving 500k deliveries a month",
        ],
        "'Mentored four engineers' has no figure"
    );
}

#[test]
fn junior_data_resume() {
    let analysis = analyze(&fixture("resume-junior-data.txt"));
    assert_eq!(
        analysis.skills,
        [
            "SQL",
            "Python",
            "pandas",
            "scikit-learn",
            "Tableau",
            "Excel",
            "Statistics",
            "Git"
        ]
    );
    assert_eq!(
        analysis.seniority, "junior",
        "a finished internship and a fresh degree"
    );
    assert_eq!(
        analysis.bullets,
        [
            "Automated the weekly sales report in Python, saving the team 6 hours a week",
            "Built a Tableau dashboard used by 25 store managers",
            "Cleaned and documented 12 legacy Excel workbooks",
        ]
    );
}

#[test]
fn skills_are_capped_in_first_appearance_order() {
    let many = "Rust, Go, Python, Java, Kotlin, Scala, Ruby, PHP, Elixir, Haskell, Clojure, Perl, \
                Lua, Dart, Swift, C#, C++, TypeScript, JavaScript, SQL, Bash, PowerShell, MATLAB, \
                Solidity, Erlang, OCaml, Fortran, COBOL, Groovy, Zig, Elm, Julialang";
    let analysis = analyze(many);
    assert_eq!(analysis.skills.len(), MAX_SKILLS);
    assert_eq!(analysis.skills[..3], ["Rust", "Go", "Python"]);
    assert_eq!(analysis.seniority, "unknown");
}

#[test]
fn bad_inputs_are_typed_errors() {
    assert!(matches!(
        analyze_payload(Payload::Text(" \n ".into())),
        Err(ProcessorError::InvalidInput(message)) if message.contains("empty")
    ));
    assert!(matches!(
        analyze_payload(Payload::Bytes(Blob { media_type: "application/pdf".into(), data: vec![1] })),
        Err(ProcessorError::UnsupportedInput(message)) if message.contains("resume-text")
    ));
}

#[test]
fn the_output_is_the_json_object_of_the_contract() {
    let analysis = analyze(&fixture("resume-senior-backend.txt"));
    assert_eq!(
        analysis.to_json(),
        serde_json::json!({
            "skills": analysis.skills,
            "seniority": analysis.seniority,
            "bullets": analysis.bullets,
        })
        .to_string(),
        "the bytes the processor wrote before the contract types"
    );
}
