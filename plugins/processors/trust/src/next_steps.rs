//! What the applicant should do next (docs/processors.md, `trust`): at most seven steps,
//! most urgent first, no repeats, always ending with the tracking reminder.

use crate::domain::DomainFindings;
use crate::ghost::GhostFindings;
use crate::input::Community;
use crate::link::{LinkFindings, ReportLinkStatus};
use crate::report::Level;
use crate::scam::ScamFindings;
use crate::staleness::StalenessFindings;

pub const MAX_STEPS: usize = 7;
pub const TRACKING_REMINDER: &str =
    "Once you apply, record the application in your tracker and set a reminder to follow up in about a week.";
pub const LOOKS_SAFE: &str =
    "No major warning signs were found; this posting looks reasonably safe to apply to.";

pub struct Findings<'a> {
    pub scam: &'a ScamFindings,
    pub ghost: &'a GhostFindings,
    pub staleness: &'a StalenessFindings,
    pub link: &'a LinkFindings,
    pub domain: &'a DomainFindings,
    pub community: &'a Community,
    pub trust_score: u32,
}

pub fn suggest(findings: &Findings<'_>) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    let scam = findings.scam;

    if scam.level == Level::High {
        steps.push(
            "Avoid this posting unless you can confirm it independently: it shows several signs of a recruitment scam."
                .to_string(),
        );
    } else if findings.trust_score <= 40 || findings.community.reports_scam > 0 {
        steps.push(
            "Verify the employer before you share anything: find the role on the company's official website or call its published number."
                .to_string(),
        );
    }
    if scam.asks_for_money {
        steps.push("Never pay a fee, buy equipment or move money to get a job.".to_string());
    }
    if !scam.messaging_apps.is_empty() {
        steps.push(
            "Keep the conversation on company e-mail or the official application form; do not continue on messaging apps."
                .to_string(),
        );
    }
    if scam.free_mail {
        steps.push(
            "Ask the recruiter to write from a company e-mail address before you send personal details."
                .to_string(),
        );
    }

    match findings.link.status {
        ReportLinkStatus::Broken => steps.push(
            "The apply link does not work: look for the role on the company's own careers page instead."
                .to_string(),
        ),
        ReportLinkStatus::Missing => steps.push(
            "There is no apply link: find the posting on the company's own careers page before applying."
                .to_string(),
        ),
        ReportLinkStatus::Valid | ReportLinkStatus::Unchecked => {}
    }
    if let Some(company_site) = &findings.domain.mismatch_company_site {
        steps.push(format!(
            "The links lead away from the company's site: open {company_site} yourself and check that the role is listed there."
        ));
    }
    if findings.link.redirect_caution {
        steps.push(
            "The apply link redirects to another site: check the address bar on the final page before entering personal details."
                .to_string(),
        );
    }
    if findings.staleness.score >= 50 {
        steps.push(
            "This posting looks old or closed: confirm it is still open before you spend time on an application."
                .to_string(),
        );
    }
    if findings.ghost.level == Level::High {
        steps.push(
            "This may be a ghost or pipeline posting: ask the recruiter whether the role is actively being filled and when they expect to decide."
                .to_string(),
        );
    }
    if steps.is_empty() && scam.level != Level::High {
        steps.push(LOOKS_SAFE.to_string());
    }

    let mut unique: Vec<String> = Vec::new();
    for step in steps {
        if !unique.contains(&step) {
            unique.push(step);
        }
    }
    unique.truncate(MAX_STEPS - 1);
    unique.push(TRACKING_REMINDER.to_string());
    unique
}
