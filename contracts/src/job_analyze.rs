//! `job-analyze`: a job description (and title) → must-haves, keywords, rubric.

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct JobAnalyze;

impl Processor for JobAnalyze {
    const ID: &'static str = "job-analyze";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = JobAnalyze::ID;

/// The `structured` pairs, in the order the host sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: the job description (plain text or HTML).
    pub description: Option<String>,
    pub title: Option<String>,
}

/// `{"keywords", "must_haves", "rubric"}`; the processor fills every field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub keywords: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub must_haves: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub rubric: Option<String>,
}
