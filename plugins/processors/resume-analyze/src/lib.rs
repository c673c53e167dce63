//! `resume-analyze`: resume text → skills from the shared skill list, a
//! seniority level, and the bullets that carry metrics (docs/processors.md).

pub mod bullets;
pub mod experience;
pub mod seniority;

use jobscout_contracts::resume_analyze::{self, Output};
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

/// At most this many skills are returned.
pub const MAX_SKILLS: usize = 30;

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct ResumeAnalyze;

impl Processor for ResumeAnalyze {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: resume_analyze::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Resume text → skills, seniority and metric-bearing bullets".to_string(),
            operation: resume_analyze::ID.to_string(),
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
    pub skills: Vec<&'static str>,
    pub seniority: &'static str,
    pub bullets: Vec<String>,
}

impl Analysis {
    /// The contract's output (`jobscout_contracts::resume_analyze::Output`).
    pub fn to_output(&self) -> Output {
        Output {
            bullets: self.bullets.clone(),
            seniority: Some(self.seniority.to_string()),
            skills: self.skills.iter().map(|skill| skill.to_string()).collect(),
        }
    }

    /// The processor's output object: `{"bullets", "seniority", "skills"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_output()).expect("the output serialises")
    }
}

/// The contract's input → the analysis, or the typed error the API shows.
pub fn analyze_payload(input: Payload) -> Result<Analysis, ProcessorError> {
    match input {
        Payload::Text(text) if text.trim().is_empty() => Err(ProcessorError::InvalidInput(
            "The resume text is empty; upload the resume again or paste its text.".to_string(),
        )),
        Payload::Text(text) => Ok(analyze(&text)),
        Payload::Bytes(blob) => Err(ProcessorError::UnsupportedInput(format!(
            "resume-analyze reads resume text, not {} files; extract the text with resume-text first",
            blob.media_type
        ))),
        Payload::Structured(_) => Err(ProcessorError::UnsupportedInput(
            "resume-analyze reads resume text, not structured input".to_string(),
        )),
    }
}

pub fn analyze(text: &str) -> Analysis {
    Analysis {
        skills: jobscout_skills::find(text, MAX_SKILLS),
        seniority: seniority::seniority(text).map_or("unknown", seniority::Level::name),
        bullets: bullets::metric_bullets(text),
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(ResumeAnalyze);

#[cfg(test)]
mod tests;
