//! `resume-analyze`: resume text → skills, seniority and metric-bearing bullets.

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct ResumeAnalyze;

impl Processor for ResumeAnalyze {
    const ID: &'static str = "resume-analyze";
    const VERSION: &'static str = "0.1.0";
    /// `text(resume_text)`.
    type Input = ();
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = ResumeAnalyze::ID;

/// `{"bullets", "seniority", "skills"}`; the processor fills every field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Up to 5 bullet lines that carry a metric.
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub bullets: Vec<String>,
    /// `intern`, `junior`, `mid`, `senior`, `lead`, `principal`, `executive` or `unknown`.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub seniority: Option<String>,
    /// Canonical spellings from the shared skill list, by first appearance.
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub skills: Vec<String>,
}
