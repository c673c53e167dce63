//! `job-parse`: a fetched job page (`html` + `url`) or a pasted description
//! (`text`) → job fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ErrorKind, Processor};

pub struct JobParse;

impl Processor for JobParse {
    const ID: &'static str = "job-parse";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = JobParse::ID;

/// The `structured` pairs, in the order the host sends them: `html` + `url`, or `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The fetched page.
    pub html: Option<String>,
    /// The page's final URL.
    pub url: Option<String>,
    /// A pasted description.
    pub text: Option<String>,
}

/// The job fields. Every field but `extraction_method` may be `null` (written as
/// `null`, never left out); lists may be empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub apply_url: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub company: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub company_website: Option<String>,
    /// One line per paragraph, heading and list item.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub description_text: Option<String>,
    /// `full-time`, `part-time`, `contract`, `temporary`, `internship`, `volunteer`, `other`.
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub employment_type: Vec<String>,
    /// `json_ld`, `html` or `text`.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub extraction_method: Option<String>,
    /// The raw JobPosting object when one was found.
    #[serde(default)]
    pub json_ld: Option<Value>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub location: Option<String>,
    /// RFC 3339.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub posted_at: Option<String>,
    /// `remote`, `hybrid`, `onsite` or `unknown`.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub remote_type: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub salary_currency: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::number")]
    pub salary_max: Option<f64>,
    #[serde(default, deserialize_with = "crate::lenient::number")]
    pub salary_min: Option<f64>,
    /// `hour`, `day`, `week`, `month` or `year`.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub salary_period: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub title: Option<String>,
    /// RFC 3339.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub valid_through: Option<String>,
}
