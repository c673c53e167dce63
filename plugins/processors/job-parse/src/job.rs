//! The parsed job and its JSON form (the `job-parse` output of docs/processors.md).

use jobscout_contracts::job_parse::Output;
use jobscout_plugin_sdk::{EmploymentType, Salary, SalaryPeriod, WorkMode};
use serde_json::Value;

/// How the fields were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A schema.org JobPosting on the page (gaps filled from the page).
    JsonLd,
    /// Page heuristics.
    Html,
    /// A pasted description.
    Text,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::JsonLd => "json_ld",
            Method::Html => "html",
            Method::Text => "text",
        }
    }
}

/// Every field but `method` may be unknown.
#[derive(Debug, Clone)]
pub struct ParsedJob {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub remote_type: WorkMode,
    pub employment_type: Vec<EmploymentType>,
    pub salary: Option<Salary>,
    pub description_text: Option<String>,
    pub apply_url: Option<String>,
    pub company_website: Option<String>,
    pub posted_at: Option<String>,
    pub valid_through: Option<String>,
    pub method: Method,
    pub json_ld: Option<Value>,
}

impl ParsedJob {
    pub fn empty(method: Method) -> Self {
        ParsedJob {
            title: None,
            company: None,
            location: None,
            remote_type: WorkMode::Unknown,
            employment_type: Vec::new(),
            salary: None,
            description_text: None,
            apply_url: None,
            company_website: None,
            posted_at: None,
            valid_through: None,
            method,
            json_ld: None,
        }
    }

    /// The contract's output (`jobscout_contracts::job_parse::Output`).
    pub fn to_output(&self) -> Output {
        let salary = self.salary.as_ref();
        Output {
            apply_url: self.apply_url.clone(),
            company: self.company.clone(),
            company_website: self.company_website.clone(),
            description_text: self.description_text.clone(),
            employment_type: self
                .employment_type
                .iter()
                .map(|kind| employment_name(*kind).to_string())
                .collect(),
            extraction_method: Some(self.method.as_str().to_string()),
            json_ld: self.json_ld.clone(),
            location: self.location.clone(),
            posted_at: self.posted_at.clone(),
            remote_type: Some(work_mode_name(self.remote_type).to_string()),
            salary_currency: salary.and_then(|s| s.currency.clone()),
            salary_max: salary.and_then(|s| s.max),
            salary_min: salary.and_then(|s| s.min),
            salary_period: salary
                .and_then(|s| s.period)
                .map(|period| period_name(period).to_string()),
            title: self.title.clone(),
            valid_through: self.valid_through.clone(),
        }
    }

    /// The processor's output as a JSON value (what the tests read).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.to_output()).expect("the output serialises")
    }
}

pub fn work_mode_name(mode: WorkMode) -> &'static str {
    match mode {
        WorkMode::Remote => "remote",
        WorkMode::Hybrid => "hybrid",
        WorkMode::Onsite => "onsite",
        WorkMode::Unknown => "unknown",
    }
}

pub fn employment_name(kind: EmploymentType) -> &'static str {
    match kind {
        EmploymentType::FullTime => "full-time",
        EmploymentType::PartTime => "part-time",
        EmploymentType::Contract => "contract",
        EmploymentType::Temporary => "temporary",
        EmploymentType::Internship => "internship",
        EmploymentType::Volunteer => "volunteer",
        EmploymentType::Other => "other",
    }
}

pub fn period_name(period: SalaryPeriod) -> &'static str {
    match period {
        SalaryPeriod::Hour => "hour",
        SalaryPeriod::Day => "day",
        SalaryPeriod::Week => "week",
        SalaryPeriod::Month => "month",
        SalaryPeriod::Year => "year",
    }
}

/// Adds `kind` unless it is already listed.
pub fn push_unique(kinds: &mut Vec<EmploymentType>, kind: EmploymentType) {
    if !kinds.contains(&kind) {
        kinds.push(kind);
    }
}
