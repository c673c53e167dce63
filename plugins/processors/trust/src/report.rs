//! The trust report (docs/processors.md, `trust`): the components combined
//! into the raw score, the community penalty and the confidence-pulled score.

use crate::confidence;
use crate::evidence::Evidence;
use crate::input::{Community, TrustInput};
use crate::next_steps::{self, Findings};
use crate::{domain, ghost, link, quality, scam, staleness};

/// The report's types are the contract's (`jobscout_contracts::trust`).
pub use jobscout_contracts::trust::{Level, Report as TrustReport};

pub fn build(input: &TrustInput) -> TrustReport {
    let evidence = Evidence::gather(input);
    let quality = quality::assess(evidence.job_text());
    let scam = scam::assess(input, &evidence);
    let ghost = ghost::assess(input, &evidence, &quality);
    let staleness = staleness::assess(input, &evidence);
    let link = link::assess(input, &evidence);
    let domain = domain::assess(&evidence);

    let trust_score_raw = raw_score(
        scam.score,
        ghost.score,
        staleness.score,
        link.points,
        domain.score,
    );
    let penalty = community_penalty(&input.community);
    let trust_score_after_community = trust_score_raw.saturating_sub(penalty);
    let confidence = confidence::assess(input, &evidence, &quality, &domain, &link);
    let trust_score =
        confidence::pull_toward_middle(trust_score_after_community, confidence.overall);

    let next_steps = next_steps::suggest(&Findings {
        scam: &scam,
        ghost: &ghost,
        staleness: &staleness,
        link: &link,
        domain: &domain,
        community: &input.community,
        trust_score,
    });
    TrustReport {
        scam_risk: scam.level,
        scam_score: scam.score,
        scam_reasons: scam.reasons,
        ghost_likelihood: ghost.level,
        ghost_score: ghost.score,
        ghost_reasons: ghost.reasons,
        staleness_score: staleness.score,
        staleness_reasons: staleness.reasons,
        apply_link_status: link.status,
        apply_link_final_url: link.final_url,
        apply_link_redirects: link.redirects,
        apply_link_warnings: link.warnings,
        domain_consistency_reasons: domain.reasons,
        trust_score,
        trust_score_raw,
        trust_score_after_community,
        confidence,
        community_reasons: community_reasons(&input.community, penalty),
        next_steps,
    }
}

/// `0.35·(100−scam) + 0.25·(100−ghost) + 0.20·(100−staleness) + 0.10·link +
/// 0.10·domain`, truncated, in integers so it is exact.
pub fn raw_score(scam: u32, ghost: u32, staleness: u32, link: u32, domain: u32) -> u32 {
    let weighted = 35 * (100 - scam.min(100))
        + 25 * (100 - ghost.min(100))
        + 20 * (100 - staleness.min(100))
        + 10 * link.min(100)
        + 10 * domain.min(100);
    (weighted / 100).min(100)
}

/// `min(25, 4·reports + 6·inaccurate)`.
pub fn community_penalty(community: &Community) -> u32 {
    community
        .reports_total
        .saturating_mul(4)
        .saturating_add(community.inaccurate_total.saturating_mul(6))
        .min(25)
}

fn community_reasons(community: &Community, penalty: u32) -> Vec<String> {
    let mut reasons = Vec::new();
    let plural = |count: u32, one: &str, many: &str| {
        if count == 1 {
            format!("1 {one}")
        } else {
            format!("{count} {many}")
        }
    };
    if community.reports_total > 0 {
        let kinds: Vec<String> = [
            (community.reports_scam, "as a scam"),
            (community.reports_ghost, "as a ghost job"),
            (community.reports_expired, "as expired"),
        ]
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, kind)| format!("{count} {kind}"))
        .collect();
        let detail = if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", crate::text::join_words(&kinds))
        };
        reasons.push(format!(
            "{} reported this posting{detail}.",
            plural(community.reports_total, "user has", "users have")
        ));
    }
    if community.inaccurate_total > 0 {
        reasons.push(format!(
            "{} marked an earlier trust report for this job as inaccurate.",
            plural(community.inaccurate_total, "user", "users")
        ));
    }
    if community.accurate_total > 0 {
        reasons.push(format!(
            "{} confirmed an earlier trust report for this job as accurate.",
            plural(community.accurate_total, "user", "users")
        ));
    }
    if penalty > 0 {
        reasons.push(format!(
            "Community feedback lowers the trust score by {penalty} points."
        ));
    }
    reasons
}
