//! `apply-pack`: a resume and a job's analyses → an apply pack; with a language
//! model's draft, the draft checked by the numeric-claims guard
//! (docs/processors.md, `apply-pack`).

pub mod checklist;
pub mod draft;
pub mod numbers;
pub mod template;

use jobscout_contracts::apply_pack::{self, Draft, Input, Pack};
use jobscout_contracts::structured::{from_pairs, json_list, present};
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct ApplyPackProcessor;

impl Processor for ApplyPackProcessor {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: apply_pack::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Resume and job analyses (and an AI draft) → tailored apply pack"
                .to_string(),
            operation: apply_pack::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let pack = pack_payload(input)?;
        Ok(Payload::Text(
            serde_json::to_string(&pack).expect("the pack serialises"),
        ))
    }
}

/// The inputs, read and checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub resume_text: String,
    pub resume_skills: Vec<String>,
    pub resume_seniority: Option<String>,
    pub resume_bullets: Vec<String>,
    pub job_title: Option<String>,
    pub job_company: Option<String>,
    pub job_keywords: Vec<String>,
    pub job_must_haves: Vec<String>,
    pub draft: Option<Draft>,
}

/// The contract's input → the pack, or the typed error the API shows.
pub fn pack_payload(input: Payload) -> Result<Pack, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "apply-pack takes a structured input with `resume_text` and the analyses".to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    Ok(build(&read_request(input)?))
}

pub fn read_request(input: Input) -> Result<Request, ProcessorError> {
    let resume_text = present(input.resume_text).ok_or_else(|| {
        ProcessorError::InvalidInput(
            "`resume_text` is missing: the pack needs the resume's text.".to_string(),
        )
    })?;
    let draft = match present(input.ai_draft) {
        None => None,
        Some(text) => Some(serde_json::from_str::<Draft>(&text).map_err(|error| {
            ProcessorError::InvalidInput(format!("`ai_draft` is not a draft object ({error})"))
        })?),
    };
    Ok(Request {
        resume_text,
        resume_skills: list("resume_skills", input.resume_skills)?,
        resume_seniority: present(input.resume_seniority),
        resume_bullets: list("resume_bullets", input.resume_bullets)?,
        job_title: present(input.job_title),
        job_company: present(input.job_company),
        job_keywords: list("job_keywords", input.job_keywords)?,
        job_must_haves: list("job_must_haves", input.job_must_haves)?,
        draft,
    })
}

/// The pack for a request: the template pack, or the guarded draft over it.
pub fn build(request: &Request) -> Pack {
    let checklist = checklist::build(&request.resume_skills, &request.job_keywords);
    let template = template::build(request, &checklist);
    match &request.draft {
        None => template,
        Some(draft) => draft::apply(request, draft, template),
    }
}

fn list(key: &str, value: Option<String>) -> Result<Vec<String>, ProcessorError> {
    json_list(key, value).map_err(ProcessorError::InvalidInput)
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(ApplyPackProcessor);

#[cfg(test)]
mod tests;
