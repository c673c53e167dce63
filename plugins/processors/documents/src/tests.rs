use std::io::Read as _;

use jobscout_contracts::documents::Input;
use jobscout_plugin_sdk::{Payload, ProcessorError};
use serde_json::json;

use super::*;

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fixtures/jobs/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap()
}

fn template_pack() -> Value {
    json!({
        "tailored_summary": "Experienced senior professional with expertise in Go, PostgreSQL and Kubernetes.",
        "tailored_bullets": [
            {"text": "Led the migration of 14 services to Kubernetes on Google Cloud with zero downtime", "match_score": 83}
        ],
        "cover_note": "Dear Acme hiring team,\n\nI am writing to apply for the role of Staff Engineer at Acme.\n\nKind regards",
        "ats_checklist": {"keyword_coverage": 50.0, "matched_skills": ["Go"], "missing_skills": ["Rust"]}
    })
}

fn input(format: &str, pack: &Value) -> Input {
    Input {
        format: Some(format.into()),
        resume_text: Some(fixture("resume-senior-backend.txt")),
        pack: Some(pack.to_string()),
        job_title: Some("Staff Engineer".into()),
        job_company: Some("Acme".into()),
        job_keywords: Some(r#"["Go","Kubernetes","Rust","Terraform"]"#.into()),
        job_must_haves: Some(r#"["5+ years building distributed systems"]"#.into()),
        today: Some("2026-12-07".into()),
    }
}

fn run(input: Input) -> Result<Payload, ProcessorError> {
    render_payload(Payload::Structured(
        jobscout_contracts::structured::to_pairs(&input),
    ))
}

fn bytes(payload: Payload) -> (String, Vec<u8>) {
    match payload {
        Payload::Bytes(blob) => (blob.media_type, blob.data),
        other => panic!("expected bytes, got {other:?}"),
    }
}

/// The text of a DOCX's body, its runs joined.
fn document_xml(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn the_resume_is_read_into_its_sections() {
    let parsed = sections::parse(&fixture("resume-senior-backend.txt"));
    assert_eq!(parsed.name.as_deref(), Some("Maria Schmidt"));
    assert!(
        parsed
            .contacts
            .iter()
            .any(|item| item == "maria.schmidt@example.com"),
        "{parsed:?}"
    );
    assert_eq!(parsed.location.as_deref(), Some("Berlin, Germany"));
    assert_eq!(parsed.experience.len(), 3, "{:#?}", parsed.experience);
    let first = &parsed.experience[0];
    assert_eq!(
        first.header,
        "Senior Software Engineer — Hooli Payments, Berlin"
    );
    assert_eq!(first.dates.as_deref(), Some("2021 – Present"));
    assert_eq!(first.bullets.len(), 5);
    assert!(parsed.skills.contains(&"Kafka".to_string()));
    assert!(!parsed.education.is_empty());
}

#[test]
fn dates_on_the_header_line_are_split_off() {
    let parsed = sections::parse(
        "Ann Lee\n\nExperience\nHead of Marketing, Initech | Jan 2019 – Mar 2021\n- Grew the list\nEngineer, Acme 2016 - 2018\n",
    );
    let roles: Vec<(&str, Option<&str>)> = parsed
        .experience
        .iter()
        .map(|role| (role.header.as_str(), role.dates.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Head of Marketing, Initech", Some("Jan 2019 – Mar 2021")),
            ("Engineer, Acme", Some("2016 - 2018"))
        ]
    );
    assert!(!sections::is_date_range("Head of Marketing 2019"));
}

#[test]
fn the_ats_text_has_the_tailored_parts_in_order() {
    let Payload::Text(json) = run(input("ats_text", &template_pack())).unwrap() else {
        panic!("ats_text is text");
    };
    let text: String = serde_json::from_str::<Value>(&json).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    let order = [
        "Maria Schmidt",
        "SUMMARY",
        "SELECTED ACHIEVEMENTS",
        "CORE SKILLS",
        "EXPERIENCE",
        "EDUCATION",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|part| {
            text.find(part)
                .unwrap_or_else(|| panic!("{part} missing:\n{text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
    assert!(text.contains("Senior Software Engineer — Hooli Payments, Berlin | 2021 – Present"));
    // Keywords the resume holds, never those it lacks.
    assert!(
        text.contains("Relevant keywords: Go, Kubernetes, Terraform\n"),
        "{text}"
    );
    // The tailored bullet is not repeated under its role.
    assert_eq!(
        text.matches("Led the migration of 14 services").count(),
        1,
        "{text}"
    );
}

#[test]
fn the_resume_docx_is_a_word_document_with_right_aligned_dates() {
    let (media_type, docx) = bytes(run(input("resume", &template_pack())).unwrap());
    assert_eq!(media_type, DOCX_MEDIA_TYPE);
    let xml = document_xml(&docx);
    assert!(xml.contains("Maria Schmidt"));
    assert!(xml.contains("Experienced senior professional"));
    assert!(
        xml.contains(r#"<w:tab w:val="right" w:pos="9360""#),
        "a right tab stop at the margin"
    );
    assert!(xml.contains("2021 – Present"));
    // Its parts are deflated (docx-rs alone stores them).
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let body = archive.by_name("word/document.xml").unwrap();
    assert_eq!(body.compression(), zip::CompressionMethod::Deflated);
    assert!(
        body.compressed_size() * 2 < body.size(),
        "{} of {}",
        body.compressed_size(),
        body.size()
    );
    drop(body);
    // The same input gives the same bytes (dates come from `today`).
    let (_, again) = bytes(run(input("resume", &template_pack())).unwrap());
    assert_eq!(docx, again);
}

#[test]
fn the_cover_letter_is_dated_addressed_and_signed() {
    let (_, docx) = bytes(run(input("cover", &template_pack())).unwrap());
    let xml = document_xml(&docx);
    for part in [
        "2026-12-07",
        "Hiring Team, Acme",
        "Application for Staff Engineer",
        "Dear Acme hiring team,",
        "Kind regards",
        "maria.schmidt@example.com",
    ] {
        assert!(xml.contains(part), "{part} missing");
    }
    assert!(
        xml.rfind("Maria Schmidt") > xml.find("Kind regards"),
        "signed under the sign-off"
    );
}

#[test]
fn the_zip_holds_both_documents() {
    let (media_type, zip) = bytes(run(input("zip", &template_pack())).unwrap());
    assert_eq!(media_type, ZIP_MEDIA_TYPE);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert_eq!(names, [ZIP_RESUME_NAME, ZIP_COVER_NAME]);
    let mut resume = Vec::new();
    archive
        .by_name(ZIP_RESUME_NAME)
        .unwrap()
        .read_to_end(&mut resume)
        .unwrap();
    let (_, single) = bytes(run(input("resume", &template_pack())).unwrap());
    assert_eq!(
        resume, single,
        "the ZIP's resume is the one downloaded alone"
    );
}

#[test]
fn the_ai_packs_structures_replace_the_resumes_roles() {
    let mut pack = template_pack();
    pack["ats_checklist"]["optimized_resume"] = json!({
        "summary": null, "summary_proof": [], "core_skills": ["Go", "Kubernetes"],
        "experience": [{"title": "Senior Software Engineer", "company": "Hooli Payments", "location": "Berlin",
            "dates": "2021 – Present", "scope": "Checkout platform.", "bullets": ["responsible for  the idempotency layer;"]}],
        "projects": [], "education": [], "certifications": [], "additional": []
    });
    let resume = tailored::resume(
        &fixture("resume-senior-backend.txt"),
        &PackView::from_json(&pack),
        &Job::default(),
    );
    assert_eq!(resume.skills, ["Go", "Kubernetes"]);
    assert_eq!(resume.experience.len(), 1);
    assert_eq!(
        resume.experience[0].heading,
        "Senior Software Engineer — Hooli Payments, Berlin"
    );
    assert_eq!(resume.experience[0].bullets, ["The idempotency layer"]);
    assert!(
        !resume.education.is_empty(),
        "the resume's own education stays"
    );
}

#[test]
fn bad_inputs_name_the_key() {
    let mut bad = input("pdf", &template_pack());
    let Err(ProcessorError::InvalidInput(message)) = run(bad.clone()) else {
        panic!()
    };
    assert!(message.contains("`format`"), "{message}");
    bad.format = Some("resume".into());
    bad.pack = Some("[]".into());
    let Err(ProcessorError::InvalidInput(message)) = run(bad.clone()) else {
        panic!()
    };
    assert!(message.contains("`pack`"), "{message}");
    bad.pack = Some(template_pack().to_string());
    bad.today = Some("7 Dec".into());
    let Err(ProcessorError::InvalidInput(message)) = run(bad) else {
        panic!()
    };
    assert!(message.contains("`today`"), "{message}");
    assert!(matches!(
        render_payload(Payload::Text("x".into())),
        Err(ProcessorError::UnsupportedInput(_))
    ));
}

#[test]
fn the_junior_resume_renders_too() {
    let resume = tailored::resume(
        &fixture("resume-junior-data.txt"),
        &PackView::from_json(&template_pack()),
        &Job::default(),
    );
    assert!(
        !resume.name.is_empty() && resume.name != "Resume",
        "{resume:?}"
    );
    assert!(!resume.experience.is_empty(), "{resume:#?}");
    assert_eq!(resume.name, "Liam O'Connor");
    let docx = docx::resume(&resume, None).unwrap();
    // XML escapes the apostrophe.
    assert!(document_xml(&docx).contains("Liam O&apos;Connor"));
}
