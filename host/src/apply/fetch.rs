//! The host's own fetches for the Apply Workspace: the job page behind a pasted
//! URL, and the apply-link check of trust reports. Both go through the one
//! outbound service (`crate::net`, the same `Egress` as the plugins'): http(s)
//! only, no loopback, private, link-local or metadata address after DNS (unless
//! `JOBSCOUT_EGRESS_ALLOW_LOCAL` names it), every redirect re-checked, size and
//! time caps, politeness per host shared with the plugins.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::{Error, Result};
use crate::config::Settings;
use crate::net::{Egress, FetchFailure, FetchRules, OutgoingRequest, DEFAULT_MAX_REDIRECTS};
use crate::storage::apply::trust_reports::LinkCheck;

/// A fetched job page.
#[derive(Debug, Clone)]
pub struct JobPage {
    pub html: String,
    /// Where the redirects ended.
    pub final_url: String,
}

pub struct HostFetcher {
    /// The plugins' egress, shared (`Err` when the HTTP client could not start).
    egress: std::result::Result<Arc<Egress>, String>,
    page_rules: FetchRules,
    link_rules: FetchRules,
}

impl HostFetcher {
    /// Fetches through `egress` (the plugin host's: one client and one politeness
    /// state for every outbound request) with the Apply-Workspace settings.
    pub fn new(
        egress: std::result::Result<Arc<Egress>, String>,
        settings: &Settings,
    ) -> HostFetcher {
        HostFetcher {
            egress,
            page_rules: FetchRules::host_level(
                "job page fetch",
                settings.job_page_max_bytes,
                settings.job_page_timeout,
                DEFAULT_MAX_REDIRECTS,
            ),
            // The body is never read, so the size cap does not matter.
            link_rules: FetchRules::host_level(
                "apply-link check",
                1,
                settings.apply_link_timeout,
                settings.apply_link_max_redirects as usize,
            ),
        }
    }

    fn egress(&self) -> Result<&Egress> {
        self.egress.as_deref().map_err(|reason| {
            Error::Unavailable(format!(
                "Outbound HTTP is unavailable on this server ({reason})"
            ))
        })
    }

    /// Fetches the page behind `url`. Failures are the user's to fix (a 400
    /// naming the URL), as in the earlier backend ("Failed to parse job URL: …").
    pub async fn job_page(&self, url: &str) -> Result<JobPage> {
        let egress = self.egress()?;
        let request = OutgoingRequest {
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: vec![(
                "accept".to_string(),
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5".to_string(),
            )],
            secret_headers: Vec::new(),
            body: None,
        };
        let deadline = Instant::now() + self.page_rules.fetch_timeout;
        let response = egress
            .fetch(&self.page_rules, request, deadline)
            .await
            .map_err(|failure| {
                Error::Invalid(format!(
                    "Failed to parse job URL: {}",
                    describe(&failure, self.page_rules.fetch_timeout)
                ))
            })?;
        if response.status >= 400 {
            return Err(Error::Invalid(format!(
                "Failed to parse job URL: the page answered HTTP {}",
                response.status
            )));
        }
        Ok(JobPage {
            html: String::from_utf8_lossy(&response.body).into_owned(),
            final_url: response.final_url,
        })
    }

    /// One GET of an apply link (docs/processors.md, `trust`): below 400 is valid; 401/403 is
    /// valid but needs a login; anything else, too many redirects, a refused
    /// address or a network error is broken.
    pub async fn check_link(&self, url: &str) -> LinkCheck {
        let checked_at = Some(Utc::now());
        let broken = |final_url: Option<String>| LinkCheck {
            status: "broken".to_string(),
            final_url,
            redirects: 0,
            http_status: None,
            login_required: false,
            checked_at,
        };
        let Ok(egress) = self.egress() else {
            return broken(None);
        };
        let deadline = Instant::now() + self.link_rules.fetch_timeout;
        match egress.probe(&self.link_rules, url, deadline).await {
            Ok(probe) => {
                let login_required = matches!(probe.status, 401 | 403);
                let valid = probe.status < 400 || login_required;
                LinkCheck {
                    status: if valid { "valid" } else { "broken" }.to_string(),
                    final_url: Some(probe.final_url),
                    redirects: probe.redirects as i32,
                    http_status: Some(i32::from(probe.status)),
                    login_required,
                    checked_at,
                }
            }
            Err(failure) => {
                tracing::debug!(
                    url,
                    reason = describe(&failure, self.link_rules.fetch_timeout),
                    "apply link is broken"
                );
                broken(None)
            }
        }
    }
}

fn describe(failure: &FetchFailure, timeout: Duration) -> String {
    match failure {
        FetchFailure::Denied(reason)
        | FetchFailure::Network(reason)
        | FetchFailure::InvalidRequest(reason) => reason.clone(),
        FetchFailure::Timeout => format!("no answer within {} s", timeout.as_secs()),
        FetchFailure::TooLarge(limit) => format!("the page is larger than {limit} bytes"),
    }
}
