//! Parsing helpers shared by the plugins: plain Rust with no host calls
//! (except [`response::fetch`] and [`response::get`]), so sources unit-test their
//! parsers natively. [`crate::fetch`] combines a host fetch with these.

pub mod charset;
pub mod config;
pub mod date;
pub mod feed;
pub mod fixtures;
pub mod html;
pub mod json;
pub mod jsonld;
pub mod response;
pub mod salary;
pub mod text;

use crate::{JobPosting, WorkMode};

/// A posting with only the required fields set; sources fill in the rest.
pub fn posting(
    source_id: String,
    title: String,
    company: String,
    listing_url: String,
) -> JobPosting {
    JobPosting {
        source_id,
        title,
        company,
        locations: Vec::new(),
        work_mode: WorkMode::Unknown,
        employment_types: Vec::new(),
        salary: None,
        listing_url,
        apply_url: None,
        description_html: None,
        description_text: None,
        posted_at: None,
        expires_at: None,
        tags: Vec::new(),
        extra: Vec::new(),
    }
}
