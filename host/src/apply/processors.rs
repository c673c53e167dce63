//! Calls to processor plugins by their contract id, with their failures turned
//! into what the API answers: `unsupported-input` → 415, `invalid-input` → 400,
//! a processor that is missing, failed, disabled, busy or misbehaving → 503 with
//! a detail naming the plugin and what an administrator should do.

use jobscout_contracts::Processor;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{Error, Result};
use crate::plugins::types::{Blob, Payload, ProcessorError};
use crate::plugins::{PluginError, PluginHost};

/// The contract ids of `docs/processors.md`.
pub const RESUME_TEXT: &str = jobscout_contracts::resume_text::ID;
pub const RESUME_ANALYZE: &str = jobscout_contracts::resume_analyze::ID;
pub const JOB_PARSE: &str = jobscout_contracts::job_parse::ID;
pub const JOB_ANALYZE: &str = jobscout_contracts::job_analyze::ID;
pub const TRUST: &str = jobscout_contracts::trust::ID;
pub const DOCUMENTS: &str = jobscout_contracts::documents::ID;

/// Runs processor `P` and reads its output as its contract's output type (read
/// leniently: unknown keys are ignored, a value of the wrong type is not known).
pub async fn call<P: Processor>(plugins: &PluginHost, input: &Payload) -> Result<P::Output> {
    let value = call_json(plugins, P::ID, input).await?;
    serde_json::from_value(value)
        .map_err(|_| misbehaved(P::ID, "returned JSON that does not follow its contract"))
}

/// Runs processor `id`, its failures mapped to what the API answers.
async fn run(plugins: &PluginHost, id: &str, input: &Payload) -> Result<Payload> {
    plugins
        .process(id, input)
        .await
        .map_err(|error| map_error(id, error))
}

/// Runs processor `id` and reads its `text` output as one JSON object.
pub async fn call_json(plugins: &PluginHost, id: &str, input: &Payload) -> Result<Value> {
    let Payload::Text(text) = run(plugins, id, input).await? else {
        return Err(misbehaved(id, "returned a non-text payload"));
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(mut value @ Value::Object(_)) => {
            remove_nul(&mut value);
            Ok(value)
        }
        _ => Err(misbehaved(id, "returned text that is not a JSON object")),
    }
}

/// Runs processor `id` for a `bytes` output (a document), checking its media type.
pub async fn call_bytes(
    plugins: &PluginHost,
    id: &str,
    input: &Payload,
    media_type: &str,
) -> Result<Vec<u8>> {
    match run(plugins, id, input).await? {
        Payload::Bytes(blob) if blob.media_type == media_type => Ok(blob.data),
        Payload::Bytes(blob) => Err(misbehaved(
            id,
            &format!(
                "returned {} where {media_type} was asked for",
                blob.media_type
            ),
        )),
        _ => Err(misbehaved(id, "returned a non-bytes payload")),
    }
}

/// Drops NUL characters from every string of a processor's output. Text taken from
/// documents and pages (a PDF's text layer, say) can hold them; PostgreSQL refuses
/// them in `TEXT` and JSONB, SQLite keeps them, and they carry no meaning.
fn remove_nul(value: &mut Value) {
    match value {
        Value::String(text) if text.contains('\0') => text.retain(|character| character != '\0'),
        Value::Array(items) => items.iter_mut().for_each(remove_nul),
        Value::Object(map) => {
            if map.keys().any(|key| key.contains('\0')) {
                let entries = std::mem::take(map);
                for (key, item) in entries {
                    map.insert(key.replace('\0', ""), item);
                }
            }
            map.values_mut().for_each(remove_nul);
        }
        _ => {}
    }
}

/// The `structured` payload of a contract's input type; `None` fields are left out.
pub fn structured_input<T: Serialize + DeserializeOwned>(input: &T) -> Payload {
    Payload::Structured(jobscout_contracts::structured::to_pairs(input))
}

pub fn bytes(media_type: &str, data: Vec<u8>) -> Payload {
    Payload::Bytes(Blob {
        media_type: media_type.to_string(),
        data,
    })
}

fn misbehaved(id: &str, what: &str) -> Error {
    tracing::error!(plugin = id, "processor {what}, against docs/processors.md");
    Error::Unavailable(format!(
        "The '{id}' processor {what}, which its contract does not allow; an administrator should update or replace the plugin (docs/processors.md)."
    ))
}

/// The API's answer for a failed processor call.
pub fn map_error(id: &str, error: PluginError) -> Error {
    match error {
        PluginError::Processor { error, .. } => match error {
            ProcessorError::UnsupportedInput(message) => Error::Unsupported(message),
            ProcessorError::InvalidInput(message) => Error::Invalid(message),
            other => {
                tracing::error!(plugin = id, error = ?other, "processor failed");
                Error::Unavailable(format!(
                    "The '{id}' processor failed ({other:?}); an administrator should check its log lines and its status at /api/v1/admin/plugins."
                ))
            }
        },
        PluginError::NotFound(_) => Error::Unavailable(format!(
            "The '{id}' processor is not installed; an administrator should add it to plugins.toml (see docs/processors.md) and reload plugins."
        )),
        PluginError::Unavailable { state, reason, .. } => Error::Unavailable(format!(
            "The '{id}' processor is {state} ({reason}); an administrator should fix or enable it (GET /api/v1/admin/plugins shows why)."
        )),
        PluginError::Busy { limit, .. } => Error::Unavailable(format!(
            "The '{id}' processor is busy ({limit} calls running); try again shortly, or an administrator can raise limits.max_concurrent_calls."
        )),
        PluginError::WrongKind { kind, .. } => Error::Unavailable(format!(
            "The plugin '{id}' is declared as a {kind}, not a processor; an administrator should fix its kind in plugins.toml."
        )),
        PluginError::Source { .. } => Error::Unavailable(format!(
            "The plugin '{id}' answered as a source, not a processor; an administrator should fix plugins.toml."
        )),
        PluginError::Contained(reason) => {
            tracing::error!(plugin = id, reason = reason.as_str(), "processor call stopped");
            Error::Unavailable(format!(
                "The '{id}' processor stopped before answering ({reason}); an administrator should check its limits and log lines."
            ))
        }
    }
}

/// A string of a processor's output, trimmed; `None` if it is empty.
pub fn trimmed(value: Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// The strings of a processor's output list, trimmed, empty ones dropped.
pub fn trimmed_list(items: Vec<String>) -> Vec<String> {
    items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::PluginState;

    #[test]
    fn nul_characters_leave_processor_output() {
        let mut value =
            serde_json::json!({"text": "a\u{0}b", "list": ["\u{0}x"], "k\u{0}": {"n": 1}});
        remove_nul(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"text": "ab", "list": ["x"], "k": {"n": 1}})
        );
    }

    #[test]
    fn processor_errors_map_to_their_statuses() {
        let processor = |error| PluginError::Processor {
            id: "resume-text".into(),
            version: "0.1.0".into(),
            error,
        };
        assert!(matches!(
            map_error("resume-text", processor(ProcessorError::UnsupportedInput("doc".into()))),
            Error::Unsupported(message) if message == "doc"
        ));
        assert!(matches!(
            map_error("resume-text", processor(ProcessorError::InvalidInput("truncated".into()))),
            Error::Invalid(message) if message == "truncated"
        ));
        assert!(matches!(
            map_error(
                "resume-text",
                processor(ProcessorError::Internal("boom".into()))
            ),
            Error::Unavailable(_)
        ));
        let Error::Unavailable(detail) = map_error("trust", PluginError::NotFound("trust".into()))
        else {
            panic!("missing plugin is a 503");
        };
        assert!(
            detail.contains("'trust'") && detail.contains("plugins.toml"),
            "{detail}"
        );
        let Error::Unavailable(detail) = map_error(
            "job-parse",
            PluginError::Unavailable {
                id: "job-parse".into(),
                state: PluginState::Disabled,
                reason: "disabled by an administrator".into(),
            },
        ) else {
            panic!("disabled plugin is a 503");
        };
        assert!(
            detail.contains("'job-parse'") && detail.contains("/api/v1/admin/plugins"),
            "{detail}"
        );
    }
}
