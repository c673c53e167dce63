//! Test processor for the `ai` import (WIT 0.2.0), driven by the text it is given:
//!
//! - `chat <text>`: asks for `{"summary": string}` about `<text>` (instructions in
//!   the system message, the text as data) and answers the summary and the tokens.
//! - `raw <schema-json>`: one chat with that schema as it is (bad requests).
//! - `embed <a>|<b>|…`: embeds the parts and answers their count and dimensions.
//!
//! Every [`ai::AiError`] comes back as a processor error whose text starts with
//! its case (`not-granted: …`), so tests read what the host answered.
//!
//! Built for `wasm32-wasip2` only: every path calls the host, so natively (the
//! workspace's tests) it is empty.
#![cfg(target_arch = "wasm32")]

use jobscout_plugin_sdk::ai::{self, AiError};
use jobscout_plugin_sdk::{
    register_processor, Payload, Processor, ProcessorError, ProcessorMetadata,
};

struct AiProbe;

#[derive(serde::Deserialize)]
struct Summary {
    summary: String,
}

fn failed(error: AiError) -> ProcessorError {
    ProcessorError::Internal(match error {
        AiError::NotGranted(message) => format!("not-granted: {message}"),
        AiError::BudgetExhausted(seconds) => format!("budget-exhausted: {seconds}"),
        AiError::Unavailable(message) => format!("unavailable: {message}"),
        AiError::InvalidResponse(message) => format!("invalid-response: {message}"),
        AiError::InvalidRequest(message) => format!("invalid-request: {message}"),
    })
}

fn usage_fields(usage: ai::Usage) -> Vec<(String, String)> {
    vec![
        ("prompt_tokens".to_string(), usage.prompt_tokens.to_string()),
        (
            "completion_tokens".to_string(),
            usage.completion_tokens.to_string(),
        ),
    ]
}

fn chat(text: &str, schema: String) -> Result<Payload, ProcessorError> {
    let response = ai::chat(&ai::ChatRequest {
        messages: vec![
            ai::Message::system("Summarize the job ad in one sentence."),
            ai::Message::user(text),
        ],
        json_schema: schema,
        schema_name: "summary".to_string(),
        max_tokens: Some(200),
        temperature: None,
    })
    .map_err(failed)?;
    let summary: Summary = serde_json::from_str(&response.json).map_err(|error| {
        ProcessorError::Internal(format!("invalid-response: not a summary: {error}"))
    })?;
    let mut fields = vec![("summary".to_string(), summary.summary)];
    fields.extend(usage_fields(response.usage));
    Ok(Payload::Structured(fields))
}

fn summary_schema() -> String {
    serde_json::json!({
        "type": "object",
        "properties": {"summary": {"type": "string"}},
        "required": ["summary"],
        "additionalProperties": false
    })
    .to_string()
}

impl Processor for AiProbe {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: "ai-probe".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Calls the host's AI provider".to_string(),
            operation: "ai-probe".to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let Payload::Text(text) = input else {
            return Err(ProcessorError::UnsupportedInput("send text".to_string()));
        };
        let (command, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
        match command {
            "chat" => chat(rest, summary_schema()),
            "raw" => chat("an ad", rest.to_string()),
            "embed" => {
                let inputs: Vec<String> = rest.split('|').map(str::to_string).collect();
                let embeddings = ai::embed(&inputs).map_err(failed)?;
                let mut fields = vec![
                    ("count".to_string(), embeddings.vectors.len().to_string()),
                    (
                        "dimensions".to_string(),
                        embeddings.vectors.first().map_or(0, Vec::len).to_string(),
                    ),
                ];
                fields.extend(usage_fields(embeddings.usage));
                Ok(Payload::Structured(fields))
            }
            other => Err(ProcessorError::InvalidInput(format!(
                "unknown command {other:?}: use chat, raw or embed"
            ))),
        }
    }
}

register_processor!(AiProbe);
