//! The apply link (docs/processors.md, `trust`). The host fetched it (or reused a recent
//! check) under its egress policy; this module turns the result into a status,
//! points for the raw score and human-readable warnings.

use crate::evidence::Evidence;
use crate::hosts;
use crate::input::{LinkStatus, TrustInput};

/// `apply_link_status` in the report (`jobscout_contracts::trust`). `unchecked`
/// only appears when the host passed no `link_status` for a job that has a link.
pub use jobscout_contracts::trust::ReportLinkStatus;

pub struct LinkFindings {
    pub status: ReportLinkStatus,
    /// For the raw score: valid 100, missing or unchecked 50, broken 0.
    pub points: u32,
    pub final_url: Option<String>,
    pub redirects: u32,
    pub warnings: Vec<String>,
    /// Redirects that deserve a look at the final address before typing details.
    pub redirect_caution: bool,
}

pub fn assess(input: &TrustInput, evidence: &Evidence) -> LinkFindings {
    let check = &input.link;
    let status = match (check.status, &evidence.link_url) {
        (Some(LinkStatus::Valid), _) => ReportLinkStatus::Valid,
        (Some(LinkStatus::Broken), _) => ReportLinkStatus::Broken,
        (Some(LinkStatus::Missing), _) | (None, None) => ReportLinkStatus::Missing,
        (None, Some(_)) => ReportLinkStatus::Unchecked,
    };
    let mut warnings = Vec::new();
    let points = match status {
        ReportLinkStatus::Valid => 100,
        ReportLinkStatus::Missing => {
            warnings.push("No apply link is known for this job.".to_string());
            50
        }
        ReportLinkStatus::Unchecked => {
            warnings.push("The apply link has not been checked yet.".to_string());
            50
        }
        ReportLinkStatus::Broken => {
            warnings.push(match check.http_status {
                Some(code) => format!("The apply link answered with an error (HTTP {code})."),
                None => "The apply link could not be reached.".to_string(),
            });
            0
        }
    };
    let login = check.login_required || matches!(check.http_status, Some(401 | 403));
    if status == ReportLinkStatus::Valid && login {
        warnings
            .push("The apply page asks you to sign in before it shows the posting.".to_string());
    }

    if let Some(host) = evidence
        .link_host
        .as_deref()
        .filter(|host| hosts::is_shortener(host))
    {
        warnings.push(format!(
            "The apply link uses a URL shortener ({host}), which hides where it leads."
        ));
    }
    if check.redirects > 0 {
        let times = if check.redirects == 1 {
            "once".to_string()
        } else {
            format!("{} times", check.redirects)
        };
        warnings.push(format!(
            "The apply link redirected {times} before reaching its final page."
        ));
    }
    let mut leaves_for_unknown_site = false;
    if let (Some(start), Some(end)) = (&evidence.link_host, &evidence.apply_target_host) {
        if !hosts::same_site(start, end) {
            let (start_site, end_site) = (hosts::site_of(start), hosts::site_of(end));
            warnings.push(format!(
                "The apply link ends on {end_site}, a different site from where it starts ({start_site})."
            ));
            let on_known_ats = evidence
                .apply_target_url
                .as_deref()
                .and_then(hosts::parse_url)
                .is_some_and(|url| hosts::ats_board(&url).is_some());
            leaves_for_unknown_site = !on_known_ats;
        }
    }
    let shown_url = check
        .final_url
        .clone()
        .or_else(|| evidence.link_url.clone());
    if status == ReportLinkStatus::Valid
        && shown_url
            .as_deref()
            .and_then(hosts::parse_url)
            .is_some_and(|url| url.scheme() == "http")
    {
        warnings.push(
            "The apply page is not served over HTTPS, so what you type there is not encrypted."
                .to_string(),
        );
    }

    LinkFindings {
        status,
        points,
        final_url: if status == ReportLinkStatus::Missing {
            check.final_url.clone()
        } else {
            shown_url
        },
        redirects: check.redirects,
        warnings,
        redirect_caution: check.redirects >= 2 || leaves_for_unknown_site,
    }
}
