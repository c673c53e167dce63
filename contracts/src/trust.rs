//! `trust`: a trust report for one job posting (docs/processors.md, `trust`).

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct Trust;

impl Processor for Trust {
    const ID: &'static str = "trust";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Report;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = Trust::ID;

/// The `structured` pairs, in the order the host sends them. Every key is
/// optional but `now`; a blank value means not known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: RFC 3339 time the report is computed at.
    pub now: Option<String>,
    pub job_url: Option<String>,
    pub apply_url: Option<String>,
    pub company_website: Option<String>,
    pub description_text: Option<String>,
    pub html: Option<String>,
    /// `extracted_json.source` (e.g. `extension`, `remotive`).
    pub source: Option<String>,
    /// RFC 3339.
    pub posted_at: Option<String>,
    /// RFC 3339.
    pub valid_through: Option<String>,
    /// `valid`, `broken` or `missing` (the host's apply-link check).
    pub link_status: Option<String>,
    /// `true` when the host fetched the link for this report.
    pub link_tested: Option<String>,
    pub link_final_url: Option<String>,
    pub link_redirects: Option<String>,
    pub link_http_status: Option<String>,
    pub link_login_required: Option<String>,
    pub reports_total: Option<String>,
    pub accurate_total: Option<String>,
    pub inaccurate_total: Option<String>,
    pub reports_scam: Option<String>,
    pub reports_ghost: Option<String>,
    pub reports_expired: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// `apply_link_status` in the report. `unchecked` only appears when the host
/// passed no `link_status` for a job that has a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportLinkStatus {
    Valid,
    Broken,
    Missing,
    Unchecked,
}

/// How much the report can know, per dimension (0–100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confidence {
    pub scam: u32,
    pub ghost: u32,
    pub staleness: u32,
    pub domain: u32,
    pub link: u32,
    pub overall: u32,
}

/// The processor's report, without the fields only the host knows
/// ([`HostFields`]). The host passes it through as it came (unknown keys
/// included), so this type is the processor's side of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub scam_risk: Level,
    pub scam_score: u32,
    pub scam_reasons: Vec<String>,
    pub ghost_likelihood: Level,
    pub ghost_score: u32,
    pub ghost_reasons: Vec<String>,
    pub staleness_score: u32,
    pub staleness_reasons: Vec<String>,
    pub apply_link_status: ReportLinkStatus,
    pub apply_link_final_url: Option<String>,
    pub apply_link_redirects: u32,
    pub apply_link_warnings: Vec<String>,
    pub domain_consistency_reasons: Vec<String>,
    /// The after-community score pulled toward 50 by `confidence.overall`.
    pub trust_score: u32,
    pub trust_score_raw: u32,
    pub trust_score_after_community: u32,
    pub confidence: Confidence,
    pub community_reasons: Vec<String>,
    pub next_steps: Vec<String>,
}

/// What the host adds to the report before answering: the stored report's id and
/// time, whether the apply-link status was reused, and the community counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostFields<Community> {
    pub trust_report_id: String,
    /// RFC 3339 (seconds, `Z`), or `null`.
    pub verified_at: Option<String>,
    pub apply_link_cached: bool,
    pub community: Community,
}
