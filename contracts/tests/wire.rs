//! The JSON and the pairs on the wire are what the two sides wrote by hand
//! before the types (`json!` objects, `(key, value)` lists), byte for byte.

use jobscout_contracts::structured::{from_pairs, to_pairs};
use jobscout_contracts::{job_analyze, job_parse, resume_analyze, resume_text, trust};
use serde_json::json;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

#[test]
fn outputs_serialize_as_the_json_objects_did() {
    let output = resume_text::Output {
        text: Some("Jane".into()),
        pages: Some(2),
        format: Some("pdf".into()),
    };
    assert_eq!(
        serde_json::to_string(&output).unwrap(),
        json!({"text": "Jane", "pages": 2, "format": "pdf"}).to_string()
    );
    let output = resume_analyze::Output {
        skills: vec!["Rust".into()],
        seniority: Some("senior".into()),
        bullets: vec![],
    };
    assert_eq!(
        serde_json::to_string(&output).unwrap(),
        json!({"skills": ["Rust"], "seniority": "senior", "bullets": []}).to_string()
    );
    let output = job_analyze::Output {
        must_haves: vec!["5+ years of Rust".into()],
        keywords: vec!["Rust".into()],
        rubric: Some("A strong candidate.".into()),
    };
    assert_eq!(
        serde_json::to_string(&output).unwrap(),
        json!({"must_haves": ["5+ years of Rust"], "keywords": ["Rust"], "rubric": "A strong candidate."})
            .to_string()
    );
    let output = job_parse::Output {
        title: Some("Engineer".into()),
        remote_type: Some("remote".into()),
        employment_type: vec!["full-time".into()],
        salary_min: Some(90000.0),
        salary_max: Some(f64::NAN),
        extraction_method: Some("json_ld".into()),
        json_ld: Some(json!({"@type": "JobPosting", "b": 1, "a": [1.5]})),
        ..job_parse::Output::default()
    };
    let none: Option<String> = None;
    assert_eq!(
        serde_json::to_string(&output).unwrap(),
        json!({
            "title": "Engineer", "company": none, "location": none,
            "remote_type": "remote", "employment_type": ["full-time"],
            "salary_min": 90000.0, "salary_max": f64::NAN, "salary_currency": none, "salary_period": none,
            "description_text": none, "apply_url": none, "company_website": none,
            "posted_at": none, "valid_through": none, "extraction_method": "json_ld",
            "json_ld": {"@type": "JobPosting", "b": 1, "a": [1.5]},
        })
        .to_string()
    );
}

#[test]
fn structured_inputs_keep_the_field_order_and_leave_out_unknowns() {
    let input = trust::Input {
        now: Some("2026-11-27T12:00:00Z".into()),
        job_url: Some("https://a.example/j".into()),
        link_status: Some("valid".into()),
        link_tested: Some("true".into()),
        reports_expired: Some("0".into()),
        ..trust::Input::default()
    };
    assert_eq!(
        to_pairs(&input),
        pairs(&[
            ("now", "2026-11-27T12:00:00Z"),
            ("job_url", "https://a.example/j"),
            ("link_status", "valid"),
            ("link_tested", "true"),
            ("reports_expired", "0"),
        ])
    );
    let input = job_parse::Input {
        html: Some("<p>x</p>".into()),
        url: Some("https://a.example/j".into()),
        text: None,
    };
    assert_eq!(
        to_pairs(&input),
        pairs(&[("html", "<p>x</p>"), ("url", "https://a.example/j")])
    );
    let blank = job_analyze::Input {
        description: Some(String::new()),
        title: None,
    };
    assert_eq!(to_pairs(&blank), pairs(&[("description", "")]));
}

#[test]
fn structured_pairs_read_first_value_wins_and_unknown_keys_are_ignored() {
    let input: job_parse::Input = from_pairs(&pairs(&[
        ("text", "first"),
        ("text", "second"),
        ("future_key", "ignored"),
    ]))
    .unwrap();
    assert_eq!(input.text.as_deref(), Some("first"));
    assert_eq!(input.html, None);
}

#[test]
fn the_host_reads_outputs_leniently() {
    let output: job_parse::Output = serde_json::from_value(json!({
        "title": 5, "employment_type": ["full-time", 3, null], "salary_min": "90000",
        "salary_max": 1e3, "json_ld": null, "new_field": {"x": 1},
    }))
    .unwrap();
    assert_eq!(output.title, None);
    assert_eq!(output.employment_type, ["full-time"]);
    assert_eq!(output.salary_min, None);
    assert_eq!(output.salary_max, Some(1000.0));
    assert_eq!(output.json_ld, None);
    let output: resume_text::Output =
        serde_json::from_value(json!({"text": "x", "pages": -1})).unwrap();
    assert_eq!((output.pages, output.format), (None, None));
    let output: resume_analyze::Output = serde_json::from_value(json!({"skills": "Rust"})).unwrap();
    assert!(output.skills.is_empty());
}
