//! Whole reports for the committed fixtures: a clean posting, a scam, a ghost
//! job and an expired posting, with every score checked against the rules.

mod common;

use common::{contains, days_ago, fixture, Job};
use jobscout_processor_trust::link::ReportLinkStatus;
use jobscout_processor_trust::next_steps::{LOOKS_SAFE, TRACKING_REMINDER};
use jobscout_processor_trust::report::Level;

#[test]
fn a_clean_posting_on_the_company_site_scores_high() {
    let report = Job::clean().report();
    assert_eq!(report.scam_score, 0, "{:?}", report.scam_reasons);
    assert_eq!(report.scam_risk, Level::Low);
    assert_eq!(report.ghost_score, 0, "{:?}", report.ghost_reasons);
    assert_eq!(report.staleness_score, 0, "{:?}", report.staleness_reasons);
    assert_eq!(report.apply_link_status, ReportLinkStatus::Valid);
    assert_eq!(
        report.apply_link_final_url.as_deref(),
        Some("https://careers.acme-robotics.com/jobs/senior-backend-engineer/apply")
    );
    assert!(
        report.apply_link_warnings.is_empty(),
        "{:?}",
        report.apply_link_warnings
    );
    assert!(
        report.domain_consistency_reasons.is_empty(),
        "{:?}",
        report.domain_consistency_reasons
    );
    assert_eq!(report.trust_score_raw, 100);
    assert_eq!(report.trust_score_after_community, 100);
    assert_eq!(report.confidence.overall, 90);
    // 50 + (100 − 50) · 0.90
    assert_eq!(report.trust_score, 95);
    assert_eq!(report.next_steps, vec![LOOKS_SAFE, TRACKING_REMINDER]);
}

#[test]
fn disclaimers_and_script_code_do_not_count_as_scam_signs() {
    // clean.txt says "we never contact candidates over WhatsApp or Telegram";
    // clean.html has `window.crypto` and a wa.me link inside <script>, and
    // "share this job" buttons for WhatsApp and Telegram.
    let report = Job::clean().without("description_text").report();
    assert_eq!(report.scam_score, 0, "{:?}", report.scam_reasons);
}

fn scam_job() -> Job {
    Job::bare()
        .with("job_url", "https://bit.ly/3xYzAbC")
        .with("description_text", &fixture("scam.txt"))
        .with("html", &fixture("scam.html"))
        .with("posted_at", &days_ago(3))
        .checked_link("valid")
        .with("link_final_url", "https://remote-jobs-hiring.top/apply")
        .with("link_redirects", "2")
}

#[test]
fn a_scam_posting_is_high_risk_with_every_sign_named() {
    let report = scam_job().report();
    assert_eq!(report.scam_risk, Level::High);
    assert_eq!(report.scam_score, 100, "capped");
    let reasons = &report.scam_reasons;
    for sign in [
        "\"make money\"",
        "\"no experience needed\"",
        "\"bitcoin\"",
        "WhatsApp and Telegram",
        "an interview held by text chat",
        "hiring without an interview",
        "t.me/hiring_desk_official",
        "wa.me/15551234567",
        "hr.department.jobs@gmail.com",
        "\"application fee\"",
        "\"cash a cheque\"",
        "bit.ly",
    ] {
        assert!(
            contains(reasons, sign),
            "no reason mentions {sign}: {reasons:#?}"
        );
    }
    // The free-mail address appears in the text and as a mailto link: counted once.
    assert_eq!(
        reasons
            .iter()
            .filter(|reason| reason.contains("gmail"))
            .count(),
        1
    );
    assert!(contains(&report.apply_link_warnings, "redirected 2 times"));
    assert!(contains(
        &report.apply_link_warnings,
        "ends on remote-jobs-hiring.top"
    ));
    assert!(contains(
        &report.apply_link_warnings,
        "URL shortener (bit.ly)"
    ));
    // No requirements listed (15): medium ghost; fresh posting: not stale.
    assert_eq!(
        (report.ghost_score, report.ghost_likelihood),
        (15, Level::Medium)
    );
    assert_eq!(report.staleness_score, 0, "{:?}", report.staleness_reasons);
    // 0.35·0 + 0.25·85 + 0.20·100 + 0.10·100 + 0.10·100 = 61.25
    assert_eq!(report.trust_score_raw, 61);
    // scam/ghost/staleness/link 90, domain 55 (no company site) → overall 86.
    assert_eq!(report.confidence.domain, 55);
    assert_eq!(report.confidence.overall, 86);
    assert_eq!(report.trust_score, 59);
    assert!(
        report.next_steps[0].starts_with("Avoid this posting"),
        "{:?}",
        report.next_steps
    );
    for step in [
        "Never pay a fee",
        "messaging apps",
        "company e-mail address",
        "address bar",
    ] {
        assert!(
            contains(&report.next_steps, step),
            "no step about {step}: {:#?}",
            report.next_steps
        );
    }
    assert!(!report.next_steps.iter().any(|step| step == LOOKS_SAFE));
}

#[test]
fn scam_signs_add_up_by_their_weights() {
    let scam = |text: &str| Job::bare().with("description_text", text).report();
    let report = scam("Contact us on Telegram at recruiter.acme@gmail.com to continue.");
    // messaging app 10 + free-mail address 10
    assert_eq!((report.scam_score, report.scam_risk), (20, Level::Medium));
    assert_eq!(report.scam_reasons.len(), 2, "{:?}", report.scam_reasons);
    // Whole words only: no "crypto" in "cryptography", no Signal app in "signal processing".
    let report =
        scam("We build cryptography and signal processing libraries for telegraph museums.");
    assert_eq!(report.scam_score, 0, "{:?}", report.scam_reasons);
    assert_eq!(scam("Salary is paid in crypto.").scam_score, 5);
    assert_eq!(scam("Please pay the onboarding fee first.").scam_score, 20);
    assert_eq!(
        scam("You will need to send the money back by wire.").scam_score,
        25
    );
    assert_eq!(
        scam("There is no application fee and we cover relocation.").scam_score,
        0
    );
    let referral = Job::bare()
        .with("job_url", "https://jobs.example.org/1?ref=aggregator")
        .report();
    assert_eq!(referral.scam_score, 3);
}

#[test]
fn keywords_count_half_on_a_board_that_screens_its_postings() {
    let text = "Make money with bitcoin analytics.";
    let elsewhere = Job::bare().with("description_text", text).report();
    assert_eq!(elsewhere.scam_score, 10);
    let on_board = Job::bare()
        .with("description_text", text)
        .with("source", "remotive")
        .with("job_url", "https://remotive.com/remote-jobs/data/analyst-1")
        .report();
    assert_eq!(on_board.scam_score, 5);
    assert!(contains(&on_board.scam_reasons, "Remotive screens"));
    // The source alone is not enough: the job URL must be on the board.
    let claimed = Job::bare()
        .with("description_text", text)
        .with("source", "remotive")
        .with("job_url", "https://random.example/1")
        .report();
    assert_eq!(claimed.scam_score, 10);
}

#[test]
fn a_ghost_posting_is_likely_ghost() {
    let report = Job::bare()
        .with("job_url", "https://jobs.initech.io/careers/general")
        .with("company_website", "https://initech.io")
        .with("description_text", &fixture("ghost.txt"))
        .with("posted_at", &days_ago(200))
        .checked_link("valid")
        .report();
    // phrases 3·10 + generic 15 + short 10 + no requirements 15 + >180 days 20
    assert_eq!(report.ghost_score, 90, "{:#?}", report.ghost_reasons);
    assert_eq!(report.ghost_likelihood, Level::High);
    let reasons = &report.ghost_reasons;
    assert!(contains(
        reasons,
        "\"always hiring\", \"talent pool\" and \"future opportunities\""
    ));
    assert!(contains(
        reasons,
        "\"fast-paced environment\", \"team player\" and \"dynamic team\""
    ));
    assert!(contains(reasons, "very short (147 characters)"));
    assert!(contains(reasons, "No requirements"));
    assert!(contains(reasons, "Posted 200 days ago"));
    // >180 days 40 + no closing date on an old posting 5
    assert_eq!(report.staleness_score, 45, "{:?}", report.staleness_reasons);
    assert_eq!(report.scam_score, 0);
    assert_eq!(report.trust_score_raw, 68);
    // Short text, no HTML: scam and ghost confidence 45, the rest 90 → 63.
    assert_eq!((report.confidence.scam, report.confidence.ghost), (45, 45));
    assert_eq!(report.confidence.overall, 63);
    assert_eq!(report.trust_score, 61);
    assert!(
        report.next_steps[0].starts_with("This may be a ghost"),
        "{:?}",
        report.next_steps
    );
}

#[test]
fn an_expired_closed_posting_is_stale() {
    let job = Job::bare()
        .with("job_url", "https://globex.com/careers/data-analyst")
        .with("company_website", "https://globex.com")
        .with("description_text", &fixture("stale.txt"))
        .with("html", &fixture("stale.html"))
        .with("posted_at", &days_ago(120))
        .with("valid_through", &days_ago(10))
        .checked_link("valid");
    let report = job.report();
    // >90 days 20 + expired 50 + closed wording on the page 25
    assert_eq!(
        report.staleness_score, 95,
        "{:#?}",
        report.staleness_reasons
    );
    let reasons = &report.staleness_reasons;
    assert!(contains(reasons, "Posted 120 days ago"));
    assert!(contains(
        reasons,
        &format!("expired on {}", &days_ago(10)[..10])
    ));
    assert!(contains(
        reasons,
        "job page says the position is closed (\"no longer accepting applications\")"
    ));
    assert_eq!(
        (report.ghost_score, report.ghost_likelihood),
        (10, Level::Low)
    );
    assert_eq!(report.trust_score_raw, 78);
    assert_eq!(report.trust_score, 75);
    assert!(contains(&report.next_steps, "looks old or closed"));

    // Closed wording in the description itself weighs 30 and the page is not counted again.
    let closed = job
        .with(
            "description_text",
            "This position has been filled. Thank you for your interest.",
        )
        .report();
    assert_eq!(
        closed.staleness_score, 100,
        "20 + 50 + 30 = 100: {:?}",
        closed.staleness_reasons
    );

    // Expiring within a week: 10; undated: 15; no job URL: 5.
    let soon = Job::bare().with("valid_through", &days_ago(-3)).report();
    assert_eq!(
        soon.staleness_score,
        15 + 10 + 5,
        "{:?}",
        soon.staleness_reasons
    );
}
