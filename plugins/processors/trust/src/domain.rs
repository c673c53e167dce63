//! Domain consistency (docs/processors.md, `trust`): do the apply link and the job page
//! belong to the company whose website is on record? Starts at 100.
//!
//! The rule (hosts compared as in [`crate::hosts`]: case-insensitive, `www.`
//! ignored, registrable domain decides, so `jobs.acme.com` is acme.com):
//!
//! * apply side (the checked link's final URL, else `apply_url`, else `job_url`):
//!   the company's site, or a known ATS (Greenhouse, Lever, Ashby, Workday,
//!   SmartRecruiters, Recruitee, Breezy, Rippling) whose board name matches the
//!   company (`boards.greenhouse.io/acme`, `acme.wd5.myworkdayjobs.com`), or an
//!   ATS whose board name cannot be read: consistent. An ATS board under
//!   another name, or a job board: −10. Any other site: −30.
//! * job page, only when the apply side is consistent: the company's site, a
//!   matching ATS board or a job board/aggregator (where listings of other
//!   companies' jobs live): consistent. Another ATS board or any other site: −20.
//! * no company website, or one that is itself a job-board/ATS page: nothing to
//!   compare; the score stays 100 and confidence says how little is known.

use crate::evidence::Evidence;
use crate::hosts;

pub struct DomainFindings {
    pub score: u32,
    pub reasons: Vec<String>,
    /// The company's site, when a link leads to an unrelated site.
    pub mismatch_company_site: Option<String>,
    /// The company's site could be compared with at least one link.
    pub compared: bool,
}

enum Relation {
    /// The company's own site, a matching ATS board or an unreadable one.
    Consistent,
    /// A job board or an ATS board under another name.
    Intermediary(String),
    /// An unrelated site.
    Foreign(String),
}

pub fn assess(evidence: &Evidence) -> DomainFindings {
    let mut findings = DomainFindings {
        score: 100,
        reasons: Vec::new(),
        mismatch_company_site: None,
        compared: false,
    };
    let Some(company_host) = evidence.company_host.as_deref() else {
        if evidence.link_host.is_some() {
            findings.reasons.push(
                "The company's website is not known, so the job links could not be compared with it."
                    .to_string(),
            );
        }
        return findings;
    };
    let company_site = hosts::site_of(company_host);
    let company_is_listing = hosts::is_job_board(company_host)
        || hosts::parse_url(company_host).is_some_and(|url| hosts::ats_board(&url).is_some());
    if company_is_listing {
        findings.reasons.push(format!(
            "The company website on record is a listing on {company_site}, not the company's own site, so the job links could not be compared with it."
        ));
        return findings;
    }

    let apply = evidence
        .apply_target_url
        .as_deref()
        .zip(evidence.apply_target_host.as_deref());
    if let Some((url, host)) = apply {
        findings.compared = true;
        match relation(url, host, &company_site) {
            Relation::Consistent => {}
            Relation::Intermediary(description) => {
                findings.score -= 10;
                findings.reasons.push(format!(
                    "The application goes through {description}, not the company's own site ({company_site})."
                ));
                return findings;
            }
            Relation::Foreign(site) => {
                findings.score -= 30;
                findings.reasons.push(format!(
                    "The apply link goes to {site}, not the company's own site ({company_site})."
                ));
                findings.mismatch_company_site = Some(company_site);
                return findings;
            }
        }
    }

    if let (Some(url), Some(host)) = (evidence.job_url.as_deref(), evidence.job_host.as_deref()) {
        findings.compared = true;
        let reason = match relation(url, host, &company_site) {
            Relation::Consistent => None,
            // Job boards list other companies' jobs: a listing there is expected.
            Relation::Intermediary(_) if hosts::is_job_board(host) => None,
            Relation::Intermediary(description) => Some(description),
            Relation::Foreign(site) => {
                findings.mismatch_company_site = Some(company_site.clone());
                Some(site)
            }
        };
        if let Some(place) = reason {
            findings.score -= 20;
            findings.reasons.push(format!(
                "The job page is on {place}, not on the company's own site ({company_site})."
            ));
        }
    }
    findings
}

fn relation(url: &str, host: &str, company_site: &str) -> Relation {
    if hosts::site_of(host) == company_site {
        return Relation::Consistent;
    }
    if let Some(board) = hosts::parse_url(url).and_then(|url| hosts::ats_board(&url)) {
        return match board.tenant {
            Some(tenant) if !hosts::tenant_matches(&tenant, company_site) => {
                Relation::Intermediary(format!("{} under the name \"{tenant}\"", board.platform))
            }
            _ => Relation::Consistent,
        };
    }
    if hosts::is_job_board(host) {
        return Relation::Intermediary(format!("the job board {}", hosts::site_of(host)));
    }
    Relation::Foreign(hosts::site_of(host))
}
