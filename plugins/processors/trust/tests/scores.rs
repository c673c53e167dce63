//! Community penalty, confidence, next steps and the JSON the host receives.

mod common;

use common::{contains, days_ago, fixture, Job};
use jobscout_processor_trust::next_steps::{MAX_STEPS, TRACKING_REMINDER};
use jobscout_processor_trust::report_json;

#[test]
fn community_reports_lower_the_score_up_to_25_points() {
    let report = Job::clean()
        .with("reports_total", "3")
        .with("reports_scam", "2")
        .with("reports_ghost", "1")
        .with("inaccurate_total", "2")
        .with("accurate_total", "1")
        .report();
    // min(25, 4·3 + 6·2) = 24
    assert_eq!(report.trust_score_raw, 100);
    assert_eq!(report.trust_score_after_community, 76);
    assert_eq!(report.trust_score, 73);
    assert_eq!(
        report.community_reasons,
        vec![
            "3 users have reported this posting (2 as a scam and 1 as a ghost job).",
            "2 users marked an earlier trust report for this job as inaccurate.",
            "1 user confirmed an earlier trust report for this job as accurate.",
            "Community feedback lowers the trust score by 24 points.",
        ]
    );
    // A scam report is worth checking even when the analysis finds nothing.
    assert!(
        report.next_steps[0].starts_with("Verify the employer"),
        "{:?}",
        report.next_steps
    );

    let capped = Job::clean()
        .with("reports_total", "5")
        .with("inaccurate_total", "1")
        .report();
    assert_eq!(capped.trust_score_after_community, 75);
    assert!(contains(&capped.community_reasons, "by 25 points"));
    assert!(Job::clean().report().community_reasons.is_empty());
}

#[test]
fn a_url_alone_gives_low_confidence_and_a_score_near_fifty() {
    let report = Job::bare()
        .with("job_url", "https://acme.com/jobs/1")
        .report();
    let confidence = &report.confidence;
    // No text (badness 62 → −20): scam 45−20, ghost and staleness 45−20;
    // company unknown 55; link not checked 30.
    assert_eq!(
        (
            confidence.scam,
            confidence.ghost,
            confidence.staleness,
            confidence.domain,
            confidence.link
        ),
        (25, 25, 25, 55, 30)
    );
    assert_eq!(confidence.overall, 28);
    // ghost 25 (no description), staleness 15 (undated), link 50
    assert_eq!((report.ghost_score, report.staleness_score), (25, 15));
    assert_eq!(report.trust_score_raw, 85);
    // 50 + 35 · 0.28 = 59.8
    assert_eq!(report.trust_score, 60);

    let nothing = Job::bare().report();
    assert_eq!(nothing.confidence.overall, 15);
    assert_eq!(nothing.trust_score_raw, 84);
    assert_eq!(nothing.trust_score, 55);
}

#[test]
fn an_unreadable_page_lowers_text_confidence() {
    let report = Job::clean()
        .without("description_text")
        .with("html", "<html><body><p>Please verify you are human.</p><p>Enable JavaScript to continue.</p></body></html>")
        .report();
    // bot check 8 + no requirements 15 = 23 → badness 57 → −10
    assert!(contains(&report.ghost_reasons, "bot check"));
    assert_eq!(report.confidence.scam, 80);
    // dated but the text is short: page coverage 60 − 10
    assert_eq!(report.confidence.ghost, 50);
    assert_eq!(
        report.confidence.staleness, 90,
        "dates do not depend on the text"
    );
}

#[test]
fn next_steps_are_capped_unique_and_end_with_the_tracking_reminder() {
    let report = Job::bare()
        .with(
            "description_text",
            &format!("{}\n{}", fixture("scam.txt"), fixture("ghost.txt")),
        )
        .with("job_url", "https://bit.ly/3xYzAbC")
        .with("company_website", "https://acme.com")
        .with("posted_at", &days_ago(400))
        .with("valid_through", &days_ago(30))
        .checked_link("broken")
        .with("link_final_url", "https://scam-site.top/x")
        .with("link_redirects", "3")
        .report();
    let steps = &report.next_steps;
    assert_eq!(steps.len(), MAX_STEPS, "{steps:#?}");
    assert_eq!(steps.last().map(String::as_str), Some(TRACKING_REMINDER));
    let mut unique = steps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), steps.len());
    // Most urgent first: the scam steps, the link, the domain; the redirect,
    // stale and ghost steps fall past the cap.
    assert!(steps[0].starts_with("Avoid this posting"));
    assert!(steps[1].starts_with("Never pay"));
    assert!(steps[4].starts_with("The apply link does not work"));
    assert!(steps[5].contains("open acme.com yourself"));
    assert!(!contains(steps, "ghost"));
    assert!(report.staleness_score >= 50 && report.ghost_score >= 40);
}

#[test]
fn the_json_has_exactly_the_contract_fields() {
    let json = report_json(&Job::clean().pairs()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "scam_risk",
        "scam_score",
        "scam_reasons",
        "ghost_likelihood",
        "ghost_score",
        "ghost_reasons",
        "staleness_score",
        "staleness_reasons",
        "apply_link_status",
        "apply_link_final_url",
        "apply_link_redirects",
        "apply_link_warnings",
        "domain_consistency_reasons",
        "trust_score",
        "trust_score_raw",
        "trust_score_after_community",
        "confidence",
        "community_reasons",
        "next_steps",
    ];
    expected.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, expected);
    let confidence: Vec<&str> = value["confidence"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(confidence.len(), 6);
    for key in ["scam", "ghost", "staleness", "domain", "link", "overall"] {
        assert!(value["confidence"][key].is_u64(), "confidence.{key}");
    }
    assert_eq!(value["scam_risk"], "low");
    assert_eq!(value["ghost_likelihood"], "low");
    assert_eq!(value["apply_link_status"], "valid");
    assert_eq!(value["trust_score"], 95);
    // Deterministic: the same input gives the same text.
    assert_eq!(report_json(&Job::clean().pairs()).unwrap(), json);
}

#[test]
fn bad_input_is_refused_with_the_key_named() {
    let error = report_json(&Job::clean().without("now").pairs()).unwrap_err();
    assert!(error.to_string().starts_with("`now` is missing"), "{error}");
    let error = report_json(&Job::clean().with("link_redirects", "many").pairs()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`link_redirects` must be a whole number of 0 or more, got \"many\""
    );
}
