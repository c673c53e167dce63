//! `job-analyze`: a job description (and title) → must-haves, keywords from the
//! shared skill list, and a one-sentence screening rubric (docs/processors.md).

pub mod requirements;

use jobscout_contracts::job_analyze::{self, Input, Output};
use jobscout_contracts::structured::from_pairs;
use jobscout_plugin_sdk::parse::html;
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

/// At most this many keywords are returned.
pub const MAX_KEYWORDS: usize = 30;
/// The rubric names at most this many keywords and must-haves.
const RUBRIC_KEYWORDS: usize = 5;
const RUBRIC_MUST_HAVES: usize = 2;

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct JobAnalyze;

impl Processor for JobAnalyze {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: job_analyze::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Job description → must-haves, skill keywords and a screening rubric"
                .to_string(),
            operation: job_analyze::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let analysis = analyze_payload(input)?;
        Ok(Payload::Text(analysis.to_json()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub must_haves: Vec<String>,
    pub keywords: Vec<&'static str>,
    pub rubric: String,
}

impl Analysis {
    /// The contract's output (`jobscout_contracts::job_analyze::Output`).
    pub fn to_output(&self) -> Output {
        Output {
            keywords: self
                .keywords
                .iter()
                .map(|keyword| keyword.to_string())
                .collect(),
            must_haves: self.must_haves.clone(),
            rubric: Some(self.rubric.clone()),
        }
    }

    /// The processor's output object: `{"keywords", "must_haves", "rubric"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_output()).expect("the output serialises")
    }
}

/// The contract's input → the analysis, or the typed error the API shows.
pub fn analyze_payload(input: Payload) -> Result<Analysis, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "job-analyze takes a structured input with `description` (and optionally `title`)"
                .to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    let present = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    };
    let description = present(&input.description).ok_or_else(|| {
        ProcessorError::InvalidInput(
            "The job has no description to analyse; add the job description text and try again."
                .to_string(),
        )
    })?;
    Ok(analyze(&description, present(&input.title).as_deref()))
}

/// Analyses a description; markup is read as text first.
pub fn analyze(description: &str, title: Option<&str>) -> Analysis {
    let text = if looks_like_html(description) {
        html::to_text(description)
    } else {
        description.to_string()
    };
    let must_haves = requirements::must_haves(&text);
    let searched = format!("{}\n{text}", title.unwrap_or(""));
    let keywords = jobscout_skills::find(&searched, MAX_KEYWORDS);
    let rubric = rubric(title, &must_haves, &keywords);
    Analysis {
        must_haves,
        keywords,
        rubric,
    }
}

fn looks_like_html(text: &str) -> bool {
    ["</p>", "</li>", "<br", "</div>", "</ul>"]
        .iter()
        .any(|tag| text.contains(tag))
}

/// `A, B and C`.
fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A must-have as it reads inside a sentence: the first letter lowered unless
/// the first word is an acronym or a name ("SQL", "PostgreSQL").
fn in_sentence(fragment: &str) -> String {
    let mut chars = fragment.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            let first_word = fragment.split_whitespace().next().unwrap_or("");
            if first_word.chars().skip(1).any(char::is_uppercase) {
                fragment.to_string()
            } else {
                first
                    .to_lowercase()
                    .chain(fragment.chars().skip(1))
                    .collect()
            }
        }
        _ => fragment.to_string(),
    }
}

/// One sentence a reviewer can screen with, built from the findings.
pub fn rubric(title: Option<&str>, must_haves: &[String], keywords: &[&str]) -> String {
    let role = title.map_or("this role".to_string(), |title| format!("the {title} role"));
    let mut evidence = Vec::new();
    if !must_haves.is_empty() {
        let named: Vec<String> = must_haves
            .iter()
            .take(RUBRIC_MUST_HAVES)
            .map(|item| in_sentence(item))
            .collect();
        evidence.push(format!("evidence of {}", named.join("; ")));
    }
    if !keywords.is_empty() {
        let named: Vec<String> = keywords
            .iter()
            .take(RUBRIC_KEYWORDS)
            .map(|keyword| keyword.to_string())
            .collect();
        evidence.push(format!("hands-on work with {}", join_list(&named)));
    }
    if evidence.is_empty() {
        format!("A strong candidate for {role} shows recent experience matching the responsibilities in the description.")
    } else {
        format!(
            "A strong candidate for {role} shows {}.",
            evidence.join(", and ")
        )
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(JobAnalyze);

#[cfg(test)]
mod tests;
