//! `feedback-parse`: an application outcome's text → decision, reason
//! categories and signals (reference §4.7).

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct FeedbackParse;

impl Processor for FeedbackParse {
    const ID: &'static str = "feedback-parse";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = FeedbackParse::ID;

/// The outcome kinds, as `feedback_type` spells them.
pub const FEEDBACK_TYPES: [&str; 5] = [
    "rejection",
    "shortlisted",
    "offer",
    "no_response",
    "withdrawn",
];

/// The reason categories the parser names.
pub const REASON_CATEGORIES: [&str; 6] = [
    "seniority",
    "skills_gap",
    "sponsorship",
    "location",
    "comp",
    "experience_level",
];

/// The `structured` pairs, in the order the host sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: one of [`FEEDBACK_TYPES`].
    pub feedback_type: Option<String>,
    /// The message the applicant received or wrote down.
    pub raw_text: Option<String>,
}

/// `{"decision", "reason_categories", "signals"}` (the earlier `parsed_json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The feedback type.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub decision: Option<String>,
    /// Of [`REASON_CATEGORIES`], in that order.
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub reason_categories: Vec<String>,
    /// Up to 10 skills and qualities the text names.
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub signals: Vec<String>,
}
