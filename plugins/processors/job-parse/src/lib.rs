//! `job-parse`: a fetched job page (`html` + `url`) or a pasted description
//! (`text`) → the job fields of docs/processors.md. No network: the host
//! fetches the page and passes it in.

pub mod clues;
pub mod dom_text;
pub mod job;
pub mod page;
pub mod pasted;
pub mod site;

use jobscout_contracts::job_parse::{self, Input};
use jobscout_contracts::structured::from_pairs;
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};
use url::Url;

use crate::job::ParsedJob;

/// Pages larger than this are refused rather than parsed (bytes).
pub const MAX_HTML_BYTES: usize = 5 * 1024 * 1024;

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct JobParse;

impl Processor for JobParse {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: job_parse::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Job page HTML (with its URL) or a pasted description → job fields"
                .to_string(),
            operation: job_parse::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let job = parse_payload(input)?;
        Ok(Payload::Text(
            serde_json::to_string(&job.to_output()).expect("the output serialises"),
        ))
    }
}

/// The contract's input → the parsed job, or the typed error the API shows.
pub fn parse_payload(input: Payload) -> Result<ParsedJob, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "job-parse takes a structured input with `html` and `url`, or `text`".to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    match (
        input.html.as_deref(),
        input.url.as_deref(),
        input.text.as_deref(),
    ) {
        (Some(html), url, _) if !html.trim().is_empty() => parse_page(html, url),
        (_, _, Some(text)) => parse_text(text),
        (Some(_), _, None) => Err(ProcessorError::InvalidInput(
            "The job page was empty; check the link and try again, or paste the job description instead."
                .to_string(),
        )),
        _ => Err(ProcessorError::InvalidInput(
            "Give either a job page (`html` with its `url`) or the pasted job description (`text`)."
                .to_string(),
        )),
    }
}

fn parse_page(html: &str, url: Option<&str>) -> Result<ParsedJob, ProcessorError> {
    let url = url.ok_or_else(|| {
        ProcessorError::InvalidInput(
            "The job page came without its address (`url`), so its links cannot be resolved."
                .to_string(),
        )
    })?;
    let page_url = Url::parse(url.trim())
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https"))
        .ok_or_else(|| {
            ProcessorError::InvalidInput(format!(
                "The job link {url:?} is not a web address; use a link that starts with https://."
            ))
        })?;
    if html.len() > MAX_HTML_BYTES {
        return Err(ProcessorError::InvalidInput(format!(
            "The job page is larger than {} MiB; paste the job description instead.",
            MAX_HTML_BYTES / (1024 * 1024)
        )));
    }
    Ok(page::parse(html, &page_url))
}

fn parse_text(text: &str) -> Result<ParsedJob, ProcessorError> {
    pasted::parse(text).ok_or_else(|| {
        ProcessorError::InvalidInput(
            "The pasted job description is empty; paste the full job posting text.".to_string(),
        )
    })
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(JobParse);

#[cfg(test)]
mod tests;
