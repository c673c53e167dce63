//! The apply-link status and the domain-consistency rule.

mod common;

use common::{contains, Job};
use jobscout_processor_trust::link::ReportLinkStatus;
use jobscout_processor_trust::next_steps::LOOKS_SAFE;

#[test]
fn a_broken_link_scores_zero_and_says_why() {
    let report = Job::clean()
        .checked_link("broken")
        .with("link_http_status", "404")
        .report();
    assert_eq!(report.apply_link_status, ReportLinkStatus::Broken);
    assert_eq!(
        report.apply_link_warnings,
        vec!["The apply link answered with an error (HTTP 404)."]
    );
    // 100 − 0.10·100 for the link
    assert_eq!(report.trust_score_raw, 90);
    assert_eq!(report.trust_score, 86);
    assert!(contains(&report.next_steps, "apply link does not work"));
    assert!(!report.next_steps.iter().any(|step| step == LOOKS_SAFE));

    let unreachable = Job::clean().checked_link("broken").report();
    assert_eq!(
        unreachable.apply_link_warnings,
        vec!["The apply link could not be reached."]
    );
}

#[test]
fn a_missing_link_scores_half_with_little_confidence() {
    let report = Job::clean()
        .without("job_url")
        .without("apply_url")
        .without("link_status")
        .without("link_tested")
        .report();
    assert_eq!(report.apply_link_status, ReportLinkStatus::Missing);
    assert_eq!(report.apply_link_final_url, None);
    assert_eq!(
        report.apply_link_warnings,
        vec!["No apply link is known for this job."]
    );
    // No job URL: staleness 5; link 50.
    assert_eq!(report.staleness_score, 5);
    assert_eq!(report.trust_score_raw, 94);
    assert_eq!((report.confidence.link, report.confidence.domain), (45, 55));
    assert_eq!(report.confidence.overall, 82);
    assert_eq!(report.trust_score, 86);
    assert!(contains(&report.next_steps, "There is no apply link"));
}

#[test]
fn link_confidence_follows_how_the_status_was_obtained() {
    let cached = Job::clean().with("link_tested", "false").report();
    assert_eq!(cached.confidence.link, 55);
    let unchecked = Job::clean()
        .without("link_status")
        .without("link_tested")
        .report();
    assert_eq!(unchecked.apply_link_status, ReportLinkStatus::Unchecked);
    assert_eq!(unchecked.confidence.link, 30);
    assert!(contains(&unchecked.apply_link_warnings, "not been checked"));
    assert_eq!(unchecked.trust_score_raw, 95);
}

#[test]
fn link_warnings_cover_login_redirects_and_plain_http() {
    let report = Job::clean()
        .with("apply_url", "http://careers.acme-robotics.com/apply/1")
        .with("link_login_required", "true")
        .with("link_redirects", "1")
        .report();
    let warnings = &report.apply_link_warnings;
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(contains(warnings, "asks you to sign in"));
    assert!(contains(warnings, "redirected once"));
    assert!(contains(warnings, "not served over HTTPS"));
    // One redirect within the company's site is no reason for caution.
    assert!(!contains(&report.next_steps, "address bar"));
}

fn with_apply(url: &str) -> Job {
    Job::clean().with("apply_url", url)
}

#[test]
fn the_company_site_its_subdomains_and_www_are_consistent_in_any_case() {
    for (company, apply) in [
        (
            "HTTPS://WWW.ACME-ROBOTICS.COM/",
            "https://Jobs.Acme-Robotics.com/apply/1",
        ),
        (
            "acme-robotics.com",
            "https://www.acme-robotics.com/careers/apply",
        ),
        (
            "https://acme-robotics.com",
            "https://eu.careers.acme-robotics.com/apply",
        ),
    ] {
        let report = with_apply(apply).with("company_website", company).report();
        assert!(
            report.domain_consistency_reasons.is_empty(),
            "{company} / {apply}: {:?}",
            report.domain_consistency_reasons
        );
        assert_eq!(report.trust_score_raw, 100, "{company} / {apply}");
    }
}

#[test]
fn an_ats_board_under_the_company_name_is_consistent() {
    for apply in [
        "https://boards.greenhouse.io/acmerobotics/jobs/123",
        "https://jobs.lever.co/acme-robotics/5f1c",
        "https://jobs.ashbyhq.com/AcmeRobotics/9",
        "https://acmerobotics.wd5.myworkdayjobs.com/External/job/Berlin/Engineer_R1",
        "https://jobs.smartrecruiters.com/AcmeRobotics1/744000",
        "https://acmerobotics.recruitee.com/o/backend",
        "https://acme-robotics.breezy.hr/p/123",
        "https://ats.rippling.com/acme-robotics/jobs/1",
    ] {
        let report = with_apply(apply).report();
        assert!(
            report.domain_consistency_reasons.is_empty(),
            "{apply}: {:?}",
            report.domain_consistency_reasons
        );
    }
    let elsewhere = with_apply("https://jobs.lever.co/globex/123").report();
    assert_eq!(
        elsewhere.domain_consistency_reasons,
        vec!["The application goes through Lever under the name \"globex\", not the company's own site (acme-robotics.com)."]
    );
    // domain 90 → raw 99
    assert_eq!(elsewhere.trust_score_raw, 99);
}

#[test]
fn an_apply_link_to_an_unrelated_site_is_a_mismatch() {
    let report = with_apply("https://acme-robotics-apply.net/form").report();
    assert_eq!(
        report.domain_consistency_reasons,
        vec!["The apply link goes to acme-robotics-apply.net, not the company's own site (acme-robotics.com)."]
    );
    // domain 70 → raw 97; 50 + 47 · 0.9 = 92.3
    assert_eq!(report.trust_score_raw, 97);
    assert_eq!(report.trust_score, 92);
    assert!(contains(
        &report.next_steps,
        "open acme-robotics.com yourself"
    ));

    // The final URL after redirects decides where applying happens.
    let redirected = Job::clean()
        .with("link_final_url", "https://other-site.com/x")
        .with("link_redirects", "1")
        .report();
    assert!(contains(
        &redirected.domain_consistency_reasons,
        "goes to other-site.com"
    ));
    assert!(contains(
        &redirected.apply_link_warnings,
        "ends on other-site.com"
    ));
    assert!(contains(&redirected.next_steps, "address bar"));
}

#[test]
fn the_job_page_may_be_on_a_job_board_but_not_on_an_unrelated_site() {
    let on_board = Job::clean()
        .with("job_url", "https://www.linkedin.com/jobs/view/123")
        .report();
    assert!(
        on_board.domain_consistency_reasons.is_empty(),
        "{:?}",
        on_board.domain_consistency_reasons
    );
    let foreign = Job::clean()
        .with("job_url", "https://acme-robotics.jobs-portal.biz/123")
        .report();
    assert_eq!(
        foreign.domain_consistency_reasons,
        vec!["The job page is on jobs-portal.biz, not on the company's own site (acme-robotics.com)."]
    );
    assert_eq!(foreign.trust_score_raw, 98);
}

#[test]
fn without_a_company_website_nothing_is_compared() {
    let report = Job::clean().without("company_website").report();
    assert_eq!(
        report.domain_consistency_reasons,
        vec!["The company's website is not known, so the job links could not be compared with it."]
    );
    assert_eq!(report.trust_score_raw, 100);
    assert_eq!(report.confidence.domain, 55);
    let listing = Job::clean()
        .with("company_website", "https://www.linkedin.com/company/acme")
        .report();
    assert!(contains(
        &listing.domain_consistency_reasons,
        "a listing on linkedin.com"
    ));
    assert_eq!(listing.confidence.domain, 55);
}
