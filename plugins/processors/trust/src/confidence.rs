//! How much the report can know, per dimension, from the signals it was given
//! (docs/processors.md, `trust`). A report built from a URL alone is mostly a guess, and the
//! final trust score is pulled toward 50 by the overall confidence.

use crate::domain::DomainFindings;
use crate::evidence::Evidence;
use crate::input::TrustInput;
use crate::link::{LinkFindings, ReportLinkStatus};
use crate::quality::Quality;

/// Per dimension, 0–100 (`jobscout_contracts::trust::Confidence`).
pub use jobscout_contracts::trust::Confidence;

pub fn assess(
    input: &TrustInput,
    evidence: &Evidence,
    quality: &Quality,
    domain: &DomainFindings,
    link: &LinkFindings,
) -> Confidence {
    let chars = evidence.job_text_chars();
    // Unreadable text (bot checks, encoded blobs) makes text-based findings weaker.
    let text_doubt: u32 = match quality.badness {
        80.. => 30,
        60.. => 20,
        40.. => 10,
        _ => 0,
    };
    let text_coverage: u32 = if evidence.has_html || chars >= 200 {
        60
    } else if chars > 0 || evidence.has_any_url() {
        45
    } else {
        30
    };

    let scam: u32 = if evidence.has_html || chars >= 800 {
        90
    } else if chars >= 200 {
        70
    } else if evidence.has_any_url() {
        45
    } else {
        30
    };
    let ghost: u32 = if input.posted_at.is_some() && chars >= 200 {
        90
    } else {
        text_coverage
    };
    let dated = input.posted_at.is_some() || input.valid_through.is_some();
    let staleness = if dated {
        90
    } else {
        text_coverage.saturating_sub(text_doubt)
    };
    let domain = if domain.compared {
        90
    } else if evidence.has_any_url() {
        55
    } else {
        30
    };
    let link = if input.link.tested {
        90
    } else {
        match link.status {
            // A status the host reused from an earlier check.
            ReportLinkStatus::Valid | ReportLinkStatus::Broken => 55,
            ReportLinkStatus::Missing => 45,
            ReportLinkStatus::Unchecked => 30,
        }
    };
    let scam = scam.saturating_sub(text_doubt);
    let ghost = ghost.saturating_sub(text_doubt);
    Confidence {
        scam,
        ghost,
        staleness,
        domain,
        link,
        overall: (35 * scam + 25 * ghost + 20 * staleness + 10 * link + 10 * domain) / 100,
    }
}

/// `50 + (score − 50) · overall / 100`, rounded half away from zero: a report
/// with little to go on says "unsure" rather than "safe" or "unsafe".
pub fn pull_toward_middle(score: u32, overall: u32) -> u32 {
    let offset = (i64::from(score) - 50) * i64::from(overall);
    let rounded = if offset >= 0 {
        (offset + 50) / 100
    } else {
        -((-offset + 50) / 100)
    };
    (50 + rounded).clamp(0, 100) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_confidence_pulls_scores_toward_fifty() {
        assert_eq!(pull_toward_middle(90, 100), 90);
        assert_eq!(pull_toward_middle(90, 50), 70);
        assert_eq!(pull_toward_middle(10, 50), 30);
        assert_eq!(pull_toward_middle(0, 45), 27, "-22.5 rounds away from zero");
        assert_eq!(pull_toward_middle(77, 0), 50);
    }
}
