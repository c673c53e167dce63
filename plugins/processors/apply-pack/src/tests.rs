use jobscout_contracts::apply_pack::Input;
use jobscout_plugin_sdk::{Payload, ProcessorError};

use super::*;
use crate::numbers::numbers_in;

const RESUME: &str = "Jane Doe\nSenior Backend Engineer\n\nExperience\n\
    - Cut p99 latency by 40% on a Rust payments API serving 1,200 requests per second\n\
    - Led a team of 5 engineers migrating PostgreSQL to a sharded cluster in 2021\n\
    - Wrote Kafka consumers in Go for the fraud pipeline\n";

fn request() -> Request {
    Request {
        resume_text: RESUME.to_string(),
        resume_skills: vec![
            "Rust".into(),
            "PostgreSQL".into(),
            "Go".into(),
            "Kafka".into(),
        ],
        resume_seniority: Some("senior".into()),
        resume_bullets: vec![
            "Cut p99 latency by 40% on a Rust payments API serving 1,200 requests per second"
                .into(),
            "Led a team of 5 engineers migrating PostgreSQL to a sharded cluster in 2021".into(),
        ],
        job_title: Some("Staff Engineer".into()),
        job_company: Some("Acme".into()),
        job_keywords: vec!["Rust".into(), "postgresql".into(), "Kubernetes".into()],
        job_must_haves: vec!["5+ years building distributed systems".into()],
        draft: None,
    }
}

fn draft(value: serde_json::Value) -> Request {
    Request {
        draft: Some(serde_json::from_value(value).unwrap()),
        ..request()
    }
}

#[test]
fn the_checklist_matches_keywords_case_insensitively_in_the_jobs_order() {
    let pack = build(&request());
    assert_eq!(pack.ats_checklist.matched_skills, ["Rust", "postgresql"]);
    assert_eq!(pack.ats_checklist.missing_skills, ["Kubernetes"]);
    assert_eq!(pack.ats_checklist.keyword_coverage, 66.7);
    assert_eq!(pack.keyword_coverage, 66.7);
    let none = checklist::build(&request().resume_skills, &[]);
    assert_eq!(none.keyword_coverage, 0.0);
}

#[test]
fn the_template_pack_ranks_bullets_by_the_keywords_they_mention() {
    let mut request = request();
    request.resume_bullets.reverse();
    let pack = build(&request);
    // Both bullets mention one keyword: the resume's order decides.
    assert_eq!(pack.tailored_bullets.len(), 2);
    assert!(pack.tailored_bullets[0].text.starts_with("Led a team"));
    assert_eq!(pack.tailored_bullets[0].match_score, 66);
    assert!(pack
        .tailored_summary
        .starts_with("Experienced senior professional with expertise in Rust, postgresql, Go"));
    assert!(pack.tailored_summary.contains("Staff Engineer at Acme"));
    assert!(pack.cover_note.starts_with("Dear Acme hiring team,"));
    assert!(pack.ats_checklist.optimized_resume.is_none());
    assert!(pack.dropped_claims.is_empty());
}

#[test]
fn without_metric_bullets_the_resumes_bullet_lines_are_used() {
    let request = Request {
        resume_bullets: Vec::new(),
        ..request()
    };
    let pack = build(&request);
    assert_eq!(pack.tailored_bullets.len(), 3);
    assert!(
        pack.tailored_bullets[0].text.starts_with("Cut p99"),
        "{pack:?}"
    );
}

#[test]
fn go_is_not_found_inside_other_words() {
    assert!(!template::mentions("a good algorithm", "Go"));
    assert!(template::mentions("services in Go, mostly", "go"));
    assert!(template::mentions("C++ and Rust", "c++"));
}

#[test]
fn numbers_are_read_as_the_guard_compares_them() {
    let found = numbers_in("Grew revenue 40% to $1,200,000 in 2021; AWS S3, EC2, OAuth2, K8s; 3x faster, v1.2 and 2.5 days.");
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["1200000", "2.5", "2021", "3", "40"]);
    assert!(numbers_in("no numbers here, node.js").is_empty());
    assert_eq!(numbers_in("４０%").len(), 1);
}

#[test]
fn invented_numbers_are_dropped_from_every_generated_text() {
    let pack = build(&draft(serde_json::json!({
        "tailored_summary": "Senior engineer who cut latency by 40%. Grew revenue by 300% in 2 quarters. Loves Rust.",
        "tailored_bullets": [
            {"text": "Cut p99 latency by 40% serving 1200 requests per second", "match_score": 91.6},
            {"text": "Saved $2M a year in cloud spend", "match_score": 95},
            {"text": "Shipped features 3x faster", "match_score": 80},
            {"text": "Scaled to ４０ million users", "match_score": 80},
            {"text": "Runs on AWS S3 and EC2 with OAuth2", "match_score": 150}
        ],
        "cover_note": "Dear Acme team,\nI led a team of 5. I also managed 12 people.\nI am applying for the Staff Engineer role.",
        "optimized_experience": ["Led 5 engineers", "Led 50 engineers"],
        "optimized_resume": {
            "summary": "Engineer since 2021. Engineer since 2015.",
            "summary_proof": ["40% lower latency", "99.99% uptime"],
            "core_skills": ["Rust", "Kafka 3.6"],
            "experience": [{"title": "Senior Backend Engineer", "company": "Pay Co", "location": "Remote",
                "dates": "2019 – 2023", "scope": "Team of 5. Budget of 4 million.",
                "bullets": ["Migrated PostgreSQL in 2021", "Migrated 80 services"]}],
            "projects": [], "education": ["BSc Computer Science, 2012"], "certifications": [], "additional": []
        }
    })));
    assert_eq!(
        pack.tailored_summary,
        "Senior engineer who cut latency by 40%. Loves Rust."
    );
    let bullets: Vec<(&str, u32)> = pack
        .tailored_bullets
        .iter()
        .map(|bullet| (bullet.text.as_str(), bullet.match_score))
        .collect();
    assert_eq!(
        bullets,
        [
            (
                "Cut p99 latency by 40% serving 1200 requests per second",
                92
            ),
            ("Runs on AWS S3 and EC2 with OAuth2", 100)
        ]
    );
    assert_eq!(
        pack.cover_note,
        "Dear Acme team,\n\nI led a team of 5.\n\nI am applying for the Staff Engineer role."
    );
    let checklist = &pack.ats_checklist;
    assert_eq!(
        checklist.optimized_experience.as_deref(),
        Some(&["Led 5 engineers".to_string()][..])
    );
    let resume = checklist.optimized_resume.as_ref().unwrap();
    assert_eq!(resume.summary.as_deref(), Some("Engineer since 2021."));
    assert_eq!(resume.summary_proof, ["40% lower latency"]);
    assert_eq!(resume.core_skills, ["Rust"]);
    let role = &resume.experience[0];
    assert_eq!(role.dates, None, "dates the resume lacks are invented");
    assert_eq!(role.scope.as_deref(), Some("Team of 5."));
    assert_eq!(role.bullets, ["Migrated PostgreSQL in 2021"]);
    assert!(resume.education.is_empty());
    for dropped in [
        "Grew revenue by 300% in 2 quarters.",
        "Saved $2M a year in cloud spend",
        "Scaled to ４０ million users",
        "I also managed 12 people.",
        "99.99% uptime",
        "2019 – 2023",
    ] {
        assert!(
            pack.dropped_claims.iter().any(|claim| claim == dropped),
            "{dropped} not listed in {:?}",
            pack.dropped_claims
        );
    }
    // The computed checklist is kept whatever the draft says.
    assert_eq!(checklist.matched_skills, ["Rust", "postgresql"]);
}

#[test]
fn what_the_guard_empties_falls_back_to_the_template() {
    let pack = build(&draft(serde_json::json!({
        "tailored_summary": "Delivered 10x growth.",
        "tailored_bullets": [{"text": "Hired 30 people", "match_score": 90}],
        "cover_note": "I have 15 years of experience.",
        "optimized_experience": [],
        "optimized_resume": null
    })));
    let template = build(&request());
    assert_eq!(pack.tailored_summary, template.tailored_summary);
    assert_eq!(pack.tailored_bullets, template.tailored_bullets);
    assert_eq!(pack.cover_note, template.cover_note);
    assert_eq!(pack.dropped_claims.len(), 3);
}

#[test]
fn numbers_in_the_jobs_title_are_names_not_claims() {
    let mut request = draft(serde_json::json!({
        "tailored_summary": "Ready for the Tier 2 role.",
        "tailored_bullets": [], "cover_note": "", "optimized_experience": [], "optimized_resume": null
    }));
    request.job_title = Some("Tier 2 Support Engineer".into());
    assert_eq!(
        build(&request).tailored_summary,
        "Ready for the Tier 2 role."
    );
}

fn pairs(input: Input) -> Payload {
    Payload::Structured(jobscout_contracts::structured::to_pairs(&input))
}

#[test]
fn bad_inputs_are_typed_errors_naming_the_key() {
    let Err(ProcessorError::InvalidInput(message)) = pack_payload(pairs(Input::default())) else {
        panic!("a pack without a resume");
    };
    assert!(message.contains("`resume_text`"), "{message}");
    let Err(ProcessorError::InvalidInput(message)) = pack_payload(pairs(Input {
        resume_text: Some(RESUME.into()),
        job_keywords: Some("Rust, SQL".into()),
        ..Input::default()
    })) else {
        panic!("a list that is not JSON");
    };
    assert!(message.contains("`job_keywords`"), "{message}");
    let Err(ProcessorError::InvalidInput(message)) = pack_payload(pairs(Input {
        resume_text: Some(RESUME.into()),
        ai_draft: Some("[1, 2]".into()),
        ..Input::default()
    })) else {
        panic!("a draft that is not an object");
    };
    assert!(message.contains("`ai_draft`"), "{message}");
    assert!(matches!(
        pack_payload(Payload::Text(RESUME.into())),
        Err(ProcessorError::UnsupportedInput(_))
    ));
}

#[test]
fn the_payload_round_trip_gives_the_pack() {
    let input = Input {
        resume_text: Some(RESUME.into()),
        resume_skills: Some(r#"["Rust","Kafka"]"#.into()),
        resume_seniority: Some("unknown".into()),
        job_keywords: Some(r#"["kafka","Terraform"]"#.into()),
        ..Input::default()
    };
    let pack = pack_payload(pairs(input)).unwrap();
    assert_eq!(pack.ats_checklist.matched_skills, ["kafka"]);
    assert_eq!(pack.keyword_coverage, 50.0);
    assert!(pack
        .tailored_summary
        .starts_with("Experienced professional with expertise in kafka and Rust."));
}
