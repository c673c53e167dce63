//! What every component looks at, read once from the input: the job text, the
//! page's visible text and links, and the hosts of the known URLs.

use crate::hosts;
use crate::input::TrustInput;
use crate::page::{self, Page};
use crate::text;

pub struct Evidence {
    /// `description_text`, quotes normalised; empty when not known.
    pub description: String,
    /// The fetched page (empty when no HTML was passed).
    pub page: Page,
    pub has_html: bool,
    pub job_url: Option<String>,
    pub job_host: Option<String>,
    pub company_host: Option<String>,
    /// The URL the host checks: `apply_url`, else `job_url`.
    pub link_url: Option<String>,
    pub link_host: Option<String>,
    /// Where applying actually happens: the checked link's final URL when the
    /// host followed redirects, else the link itself.
    pub apply_target_url: Option<String>,
    pub apply_target_host: Option<String>,
}

impl Evidence {
    pub fn gather(input: &TrustInput) -> Evidence {
        let description = input
            .description_text
            .as_deref()
            .map(text::normalize)
            .unwrap_or_default();
        let page = input
            .html
            .as_deref()
            .map(|html| {
                let read = page::read(html);
                Page {
                    text: text::normalize(&read.text),
                    links: read.links,
                }
            })
            .unwrap_or_default();
        let link_url = input.apply_url.clone().or_else(|| input.job_url.clone());
        let apply_target_url = input.link.final_url.clone().or_else(|| link_url.clone());
        Evidence {
            description,
            page,
            has_html: input.html.is_some(),
            job_url: input.job_url.clone(),
            job_host: input.job_url.as_deref().and_then(hosts::host_of),
            company_host: input.company_website.as_deref().and_then(hosts::host_of),
            link_host: link_url.as_deref().and_then(hosts::host_of),
            link_url,
            apply_target_host: apply_target_url.as_deref().and_then(hosts::host_of),
            apply_target_url,
        }
    }

    /// The job's own words: the description, else the page text.
    pub fn job_text(&self) -> &str {
        if self.description.trim().is_empty() {
            &self.page.text
        } else {
            &self.description
        }
    }

    /// Everything readable: description and page text (scam cues may be in either).
    pub fn all_text(&self) -> String {
        format!("{}\n{}", self.description, self.page.text)
    }

    /// Length in characters of the job's own words.
    pub fn job_text_chars(&self) -> usize {
        self.job_text().trim().chars().count()
    }

    /// Any URL is known (job, apply or company).
    pub fn has_any_url(&self) -> bool {
        self.job_host.is_some() || self.link_host.is_some() || self.company_host.is_some()
    }
}
