//! Builds `trust` inputs the way the host sends them and reads the committed
//! fixtures in `fixtures/trust/` at the repository root.
#![allow(dead_code)]

use jobscout_processor_trust::input::TrustInput;
use jobscout_processor_trust::report::{self, TrustReport};

pub const NOW: &str = "2026-11-27T12:00:00Z";

/// `days` days before [`NOW`] (negative: after), as RFC 3339.
pub fn days_ago(days: i64) -> String {
    let now =
        time::OffsetDateTime::parse(NOW, &time::format_description::well_known::Rfc3339).unwrap();
    let then = now - time::Duration::days(days);
    format!("{}T12:00:00Z", then.date())
}

pub fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../fixtures/trust")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// One job target's `structured` input.
#[derive(Clone)]
pub struct Job {
    pairs: Vec<(String, String)>,
}

impl Job {
    /// Only `now`: nothing else is known.
    pub fn bare() -> Job {
        Job {
            pairs: vec![("now".to_string(), NOW.to_string())],
        }
    }

    /// A clean posting on Acme Robotics' own careers site, link checked and valid.
    pub fn clean() -> Job {
        Job::bare()
            .with(
                "job_url",
                "https://careers.acme-robotics.com/jobs/senior-backend-engineer",
            )
            .with(
                "apply_url",
                "https://careers.acme-robotics.com/jobs/senior-backend-engineer/apply",
            )
            .with("company_website", "https://www.acme-robotics.com")
            .with("description_text", &fixture("clean.txt"))
            .with("html", &fixture("clean.html"))
            .with("source", "extension")
            .with("posted_at", &days_ago(10))
            .with("valid_through", &days_ago(-30))
            .checked_link("valid")
    }

    pub fn with(mut self, key: &str, value: &str) -> Job {
        self.pairs.retain(|(existing, _)| existing != key);
        self.pairs.push((key.to_string(), value.to_string()));
        self
    }

    pub fn without(mut self, key: &str) -> Job {
        self.pairs.retain(|(existing, _)| existing != key);
        self
    }

    /// The host fetched the apply link just now with this outcome.
    pub fn checked_link(self, status: &str) -> Job {
        self.with("link_status", status)
            .with("link_tested", "true")
            .with("link_redirects", "0")
    }

    pub fn pairs(&self) -> Vec<(String, String)> {
        self.pairs.clone()
    }

    pub fn report(&self) -> TrustReport {
        report::build(&TrustInput::from_pairs(&self.pairs).expect("valid input"))
    }
}

pub fn contains(list: &[String], needle: &str) -> bool {
    list.iter().any(|item| item.contains(needle))
}
