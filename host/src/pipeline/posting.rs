//! The host's own copy of a source posting. The pipeline works on this type, not on
//! the WIT bindings, so older WIT versions adapt in one place (the `From` below) and
//! the pipeline is testable without a plugin.

use crate::plugins::types;

/// Where the work is done; its `as_str` is the stored `remote_type`.
pub use jobscout_text::guess::WorkMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalaryPeriod {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl SalaryPeriod {
    /// Multiplier to a yearly amount (2 080 working hours, 260 days, 52 weeks).
    pub fn per_year(self) -> f64 {
        match self {
            SalaryPeriod::Hour => 2080.0,
            SalaryPeriod::Day => 260.0,
            SalaryPeriod::Week => 52.0,
            SalaryPeriod::Month => 12.0,
            SalaryPeriod::Year => 1.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SalaryPeriod::Hour => "hour",
            SalaryPeriod::Day => "day",
            SalaryPeriod::Week => "week",
            SalaryPeriod::Month => "month",
            SalaryPeriod::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Salary {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub currency: Option<String>,
    pub period: Option<SalaryPeriod>,
}

/// One posting as a source returned it, tagged with the source's id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourcePosting {
    /// The plugin id (the stored `source`).
    pub source: String,
    /// The feed or API URL used, when the source reports it.
    pub source_url: Option<String>,
    pub source_id: String,
    pub title: String,
    pub company: String,
    pub locations: Vec<String>,
    pub work_mode: WorkMode,
    /// Stored names: full_time, part_time, contract, temporary, internship, volunteer, unknown.
    pub employment_types: Vec<String>,
    pub salary: Option<Salary>,
    pub listing_url: String,
    pub apply_url: Option<String>,
    pub description_html: Option<String>,
    pub description_text: Option<String>,
    pub posted_at: Option<String>,
    pub expires_at: Option<String>,
    pub tags: Vec<String>,
    pub extra: Vec<(String, String)>,
}

impl SourcePosting {
    pub fn from_plugin(source: &str, posting: types::JobPosting) -> Self {
        let work_mode = match posting.work_mode {
            types::WorkMode::Onsite => WorkMode::Onsite,
            types::WorkMode::Hybrid => WorkMode::Hybrid,
            types::WorkMode::Remote => WorkMode::Remote,
            types::WorkMode::Unknown => WorkMode::Unknown,
        };
        let employment_types = posting
            .employment_types
            .iter()
            .map(|kind| {
                match kind {
                    types::EmploymentType::FullTime => "full_time",
                    types::EmploymentType::PartTime => "part_time",
                    types::EmploymentType::Contract => "contract",
                    types::EmploymentType::Temporary => "temporary",
                    types::EmploymentType::Internship => "internship",
                    types::EmploymentType::Volunteer => "volunteer",
                    types::EmploymentType::Other => "unknown",
                }
                .to_string()
            })
            .collect();
        let salary = posting.salary.map(|salary| Salary {
            min: salary
                .min
                .filter(|amount| amount.is_finite() && *amount > 0.0),
            max: salary
                .max
                .filter(|amount| amount.is_finite() && *amount > 0.0),
            currency: salary.currency,
            period: salary.period.map(|period| match period {
                types::SalaryPeriod::Hour => SalaryPeriod::Hour,
                types::SalaryPeriod::Day => SalaryPeriod::Day,
                types::SalaryPeriod::Week => SalaryPeriod::Week,
                types::SalaryPeriod::Month => SalaryPeriod::Month,
                types::SalaryPeriod::Year => SalaryPeriod::Year,
            }),
        });
        let source_url = posting
            .extra
            .iter()
            .find(|(key, _)| key == "source_url")
            .map(|(_, value)| value.clone());
        SourcePosting {
            source: source.to_string(),
            source_url,
            source_id: posting.source_id,
            title: posting.title,
            company: posting.company,
            locations: posting.locations,
            work_mode,
            employment_types,
            salary,
            listing_url: posting.listing_url,
            apply_url: posting.apply_url,
            description_html: posting.description_html,
            description_text: posting.description_text,
            posted_at: posting.posted_at,
            expires_at: posting.expires_at,
            tags: posting.tags,
            extra: posting.extra,
        }
    }
}
