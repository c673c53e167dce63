//! `learning-summary`: a user's recent application feedback → the gaps it
//! points at and recommendations for the next pack (reference §4.1).

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct LearningSummary;

impl Processor for LearningSummary {
    const ID: &'static str = "learning-summary";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = LearningSummary::ID;

/// The `structured` pairs, in the order the host sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: RFC 3339 time the summary is computed at (ages are measured from it).
    pub now: Option<String>,
    /// Required: a JSON list of [`FeedbackRow`], newest first (the host sends ≤ 50).
    pub feedback: Option<String>,
}

/// One stored feedback row, as the host sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRow {
    pub feedback_type: String,
    /// RFC 3339.
    pub created_at: String,
    #[serde(default)]
    pub reason_categories: Vec<String>,
    #[serde(default)]
    pub signals: Vec<String>,
}

/// A reason or a signal with its recency-weighted count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weighted {
    pub name: String,
    /// Σ 1 / (1 + age in days / 30), two decimals.
    pub weight: f64,
}

/// `{"feedback_count", "gaps", "issues", "recommendations"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    #[serde(default)]
    pub feedback_count: u32,
    /// Signals named in rejections, heaviest first (≤ 5).
    #[serde(default)]
    pub gaps: Vec<Weighted>,
    /// Reason categories, heaviest first.
    #[serde(default)]
    pub issues: Vec<Weighted>,
    /// What to do about them, in the issues' order (≤ 5).
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub recommendations: Vec<String>,
}
