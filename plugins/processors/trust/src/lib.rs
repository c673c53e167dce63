//! The `trust` processor: a trust report for one job posting (scam risk, ghost
//! likelihood, staleness, apply link, domain consistency, community feedback),
//! per docs/processors.md (`trust`). See README.md for the
//! scoring rules and the earlier backend's mistakes fixed here.
//!
//! Input: `payload::structured` pairs; output: `payload::text` with the report
//! as JSON. Deterministic: time comes from the `now` key, links were checked by
//! the host.

pub mod confidence;
pub mod domain;
pub mod evidence;
pub mod ghost;
pub mod hosts;
pub mod input;
pub mod link;
pub mod messaging;
pub mod next_steps;
pub mod page;
pub mod quality;
pub mod report;
pub mod scam;
pub mod staleness;
pub mod text;

use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

use crate::input::{InputError, TrustInput};

/// Reads the `structured` pairs and returns the report as JSON text.
pub fn report_json(pairs: &[(String, String)]) -> Result<String, InputError> {
    let input = TrustInput::from_pairs(pairs)?;
    let report = report::build(&input);
    Ok(serde_json::to_string(&report).expect("the report serialises"))
}

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Trust;

impl Processor for Trust {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: jobscout_contracts::trust::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Trust report for a job posting: scam risk, ghost likelihood, staleness, apply link and domain consistency".to_string(),
            operation: "trust-report".to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        match input {
            Payload::Structured(pairs) => report_json(&pairs)
                .map(Payload::Text)
                .map_err(|error| ProcessorError::InvalidInput(error.to_string())),
            Payload::Text(_) => Err(ProcessorError::UnsupportedInput(
                "the trust processor takes structured job fields (now, job_url, description_text, …), not plain text".to_string(),
            )),
            Payload::Bytes(blob) => Err(ProcessorError::UnsupportedInput(format!(
                "the trust processor takes structured job fields, not a {} document",
                blob.media_type
            ))),
        }
    }
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(Trust);
