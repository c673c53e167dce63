//! The AI provider, owned by the host: chat completions answering in JSON, and
//! embeddings, from any server that speaks OpenAI's API (OpenAI, or a local
//! llama.cpp server, Ollama or vLLM; `config::AiSettings`).
//!
//! * Structured output: each call names a JSON schema. It is sent as a strict
//!   `json_schema` response format; a server that refuses that format is asked in
//!   JSON mode from then on, with the schema in the system message. Either way the
//!   answer is validated by deserializing it into the caller's type, and an answer
//!   that does not read gets one compact retry.
//! * Retries (`transport.rs`): 429 and 5xx answers, timeouts and lost connections are
//!   tried again, honouring `Retry-After`, within the call's time budget.
//! * Tokens are counted in `jobscout_ai_tokens_total{feature, caller, kind}` and
//!   returned with each answer, so callers can record them per user.
//! * The key is sent only to the base URL; error texts are scrubbed of it, and
//!   `AiSettings` masks it in `Debug`.
//!
//! [`AiError`] sorts failures as the earlier backend did: the provider unavailable
//! (503), an invalid answer (502), any other failure (502).

mod transport;
mod wire;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use crate::config::AiSettings;
use transport::{CallFailure, Post};
use wire::{ChatResponse, EmbeddingsResponse, Message, ResponseFormat, SchemaFormat};

/// Longest text sent for one embedding, in characters (as the earlier backend).
pub const EMBEDDING_INPUT_MAX_CHARS: usize = 12_000;

/// Sent once after an answer that did not read as the schema.
const COMPACT_RETRY: &str = "Your previous answer was not valid JSON for the required schema. \
Answer again with only the JSON object, compact, with no prose and no code fences.";

/// Who asks, for the token counters and the error texts.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The feature as users name it, e.g. "Apply pack generation"; errors say
    /// "{feature} failed".
    pub feature: &'a str,
    /// The plugin asking, or `None` for the host itself.
    pub plugin: Option<&'a str>,
}

/// One chat completion whose answer is a JSON object of `schema`.
#[derive(Debug, Clone, Copy)]
pub struct JsonChat<'a> {
    /// Instructions; never built from user or job text.
    pub system: &'a str,
    /// The data (a resume, a job description), kept apart from the instructions.
    pub user: &'a str,
    /// The schema's name, as OpenAI's `json_schema.name` wants it (`[a-zA-Z0-9_-]`).
    pub schema_name: &'a str,
    pub schema: &'a Value,
    pub max_tokens: u32,
    pub temperature: f32,
    /// Another model than `JOBSCOUT_OPENAI_MODEL` (the reviewer's).
    pub model: Option<&'a str>,
    /// A shorter budget than `JOBSCOUT_AI_TIMEOUT_SECONDS` (the reviewer's 20 s).
    pub timeout: Option<Duration>,
}

/// A conversation a plugin wrote, answered in JSON of `schema`.
#[derive(Debug, Clone, Copy)]
pub struct Conversation<'a> {
    pub messages: &'a [(Role, String)],
    pub schema_name: &'a str,
    pub schema: &'a Value,
    pub max_tokens: u32,
    pub temperature: f32,
}

/// Who speaks a message of a [`Conversation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// What one structured completion asks for, whoever wrote the messages.
struct Completion<'a> {
    schema_name: &'a str,
    schema: &'a Value,
    /// OpenAI's strict structured output: only for schemas written for it.
    strict: bool,
    max_tokens: u32,
    temperature: f32,
    model: Option<&'a str>,
    timeout: Option<Duration>,
}

/// Tokens one call used, all tries included.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Usage {
    fn add(&mut self, body: Option<wire::UsageBody>) {
        let body = body.unwrap_or_default();
        self.prompt_tokens += body.prompt_tokens;
        self.completion_tokens += body.completion_tokens;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    pub value: T,
    pub usage: Usage,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiError {
    /// AI is off or has no provider; the text names the setting.
    #[error("{0}")]
    NotConfigured(&'static str),
    /// The provider is busy, down, out of quota or out of time.
    #[error("AI provider unavailable: {0}")]
    Unavailable(String),
    /// The provider answered, but not in the schema (twice).
    #[error("invalid AI answer: {0}")]
    Invalid(String),
    /// The provider refused the call (bad key, unknown model, …).
    #[error("AI call failed: {0}")]
    Failed(String),
}

impl AiError {
    /// The HTTP status the earlier backend answered with.
    pub fn status(&self) -> u16 {
        match self {
            AiError::NotConfigured(_) | AiError::Unavailable(_) => 503,
            AiError::Invalid(_) | AiError::Failed(_) => 502,
        }
    }

    /// The `detail` the earlier backend's clients show.
    pub fn detail(&self, feature: &str) -> String {
        match self {
            AiError::NotConfigured(reason) => reason.to_string(),
            AiError::Unavailable(_) => {
                "AI provider is temporarily unavailable. Please try again in a few minutes."
                    .to_string()
            }
            AiError::Invalid(_) => format!("{feature} returned an invalid AI response"),
            AiError::Failed(_) => format!("{feature} failed"),
        }
    }
}

pub struct AiProvider {
    settings: AiSettings,
    client: reqwest::Client,
    /// Set once the server refused a `json_schema` response format.
    json_mode_only: AtomicBool,
}

impl AiProvider {
    pub fn new(settings: &AiSettings) -> Self {
        AiProvider {
            settings: settings.clone(),
            client: crate::net::endpoint_client(),
            json_mode_only: AtomicBool::new(false),
        }
    }

    /// Whether calls can be made (else they fail with [`AiError::NotConfigured`]).
    pub fn configured(&self) -> bool {
        self.settings.configured()
    }

    /// Asks for a JSON object of `request.schema` and reads it as `T`.
    pub async fn chat_json<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        request: JsonChat<'_>,
    ) -> Result<Answer<T>, AiError> {
        let messages = vec![Message::system(request.system), Message::user(request.user)];
        self.complete(
            caller,
            messages,
            Completion {
                schema_name: request.schema_name,
                schema: request.schema,
                strict: true,
                max_tokens: request.max_tokens,
                temperature: request.temperature,
                model: request.model,
                timeout: request.timeout,
            },
        )
        .await
    }

    /// A conversation written by a plugin (`ai.chat` of the WIT): its messages as
    /// they are, answered in JSON of the plugin's schema. The schema is sent
    /// without `strict`, which OpenAI would refuse for schemas not written for it;
    /// the answer is checked to be JSON, its shape is the plugin's to check.
    pub async fn chat_conversation(
        &self,
        caller: Caller<'_>,
        conversation: Conversation<'_>,
    ) -> Result<Answer<Value>, AiError> {
        let messages = conversation
            .messages
            .iter()
            .map(|(role, content)| Message {
                role: role.as_str(),
                content: content.clone(),
            })
            .collect();
        self.complete(
            caller,
            messages,
            Completion {
                schema_name: conversation.schema_name,
                schema: conversation.schema,
                strict: false,
                max_tokens: conversation.max_tokens,
                temperature: conversation.temperature,
                model: None,
                timeout: None,
            },
        )
        .await
    }

    /// The structured-output loop both chats share: schema format (or JSON mode
    /// once the server refused it), one compact retry on an unreadable answer.
    async fn complete<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        mut messages: Vec<Message>,
        spec: Completion<'_>,
    ) -> Result<Answer<T>, AiError> {
        self.ensure_configured()?;
        let deadline = Instant::now() + spec.timeout.unwrap_or(self.settings.timeout);
        let model = spec.model.unwrap_or(&self.settings.model);
        let mut json_mode = self.json_mode_only.load(Ordering::Relaxed);
        let mut usage = Usage::default();
        let mut retries_left = 1;
        loop {
            let body = wire::ChatRequest {
                model,
                messages: if json_mode {
                    with_schema_instruction(&messages, spec.schema)
                } else {
                    messages.clone()
                },
                max_tokens: spec.max_tokens,
                temperature: spec.temperature,
                response_format: if json_mode {
                    ResponseFormat::JsonObject
                } else {
                    ResponseFormat::JsonSchema {
                        json_schema: SchemaFormat {
                            name: spec.schema_name,
                            schema: spec.schema,
                            strict: spec.strict,
                        },
                    }
                },
            };
            let response: ChatResponse =
                match self.post("chat/completions", deadline).send(&body).await {
                    Err(CallFailure::Refused { error, .. })
                        if !json_mode && refuses_schema(&error) =>
                    {
                        tracing::info!(
                            base_url = %crate::config::mask_url_password(&self.settings.base_url),
                            "the AI provider refuses json_schema output; using JSON mode"
                        );
                        self.json_mode_only.store(true, Ordering::Relaxed);
                        json_mode = true;
                        continue;
                    }
                    other => other.map_err(|failure| self.error(failure))?,
                };
            usage.add(response.usage);
            count_tokens(caller, response.usage);
            match read_choice::<T>(&response) {
                Ok(value) => return Ok(Answer { value, usage }),
                Err((problem, content)) if retries_left > 0 => {
                    retries_left -= 1;
                    tracing::debug!(%problem, feature = caller.feature, "AI answer unreadable; asking once more");
                    messages.push(Message::assistant(content));
                    messages.push(Message::user(COMPACT_RETRY));
                }
                Err((problem, _)) => return Err(AiError::Invalid(problem)),
            }
        }
    }

    /// One vector per input, in order; inputs are cut to
    /// [`EMBEDDING_INPUT_MAX_CHARS`].
    pub async fn embed(
        &self,
        caller: Caller<'_>,
        inputs: &[String],
    ) -> Result<Answer<Vec<Vec<f32>>>, AiError> {
        self.ensure_configured()?;
        let inputs: Vec<String> = inputs
            .iter()
            .map(|input| input.chars().take(EMBEDDING_INPUT_MAX_CHARS).collect())
            .collect();
        let deadline = Instant::now() + self.settings.timeout;
        let body = wire::EmbeddingsRequest {
            model: &self.settings.embedding_model,
            input: &inputs,
        };
        let mut response: EmbeddingsResponse = self
            .post("embeddings", deadline)
            .send(&body)
            .await
            .map_err(|failure| self.error(failure))?;
        count_tokens(caller, response.usage);
        let mut usage = Usage::default();
        usage.add(response.usage);
        response.data.sort_by_key(|item| item.index);
        let in_order = response
            .data
            .iter()
            .enumerate()
            .all(|(position, item)| item.index == position);
        if response.data.len() != inputs.len() || !in_order {
            return Err(AiError::Invalid(format!(
                "{} embeddings for {} inputs",
                response.data.len(),
                inputs.len()
            )));
        }
        Ok(Answer {
            value: response
                .data
                .into_iter()
                .map(|item| item.embedding)
                .collect(),
            usage,
        })
    }

    fn ensure_configured(&self) -> Result<(), AiError> {
        if self.settings.configured() {
            Ok(())
        } else {
            Err(AiError::NotConfigured(
                self.settings.not_configured_reason(),
            ))
        }
    }

    fn post(&self, path: &str, deadline: Instant) -> Post<'_> {
        Post {
            client: &self.client,
            url: format!("{}/{path}", self.settings.base_url),
            api_key: self.settings.api_key.as_deref(),
            max_attempts: self.settings.max_attempts,
            deadline,
        }
    }

    /// The failure as an [`AiError`], its text scrubbed of the key (a provider may
    /// quote the key it refused).
    fn error(&self, failure: CallFailure) -> AiError {
        let scrub = |text: String| match self.settings.api_key.as_deref() {
            Some(key) if !key.is_empty() => text.replace(key, "***"),
            _ => text,
        };
        match failure {
            CallFailure::Unavailable(problem) => AiError::Unavailable(scrub(problem)),
            CallFailure::Unreadable(problem) => AiError::Invalid(scrub(problem)),
            CallFailure::Refused { status, error } => {
                AiError::Failed(scrub(format!("{status}: {}", error.message)))
            }
        }
    }
}

/// The messages for a server that only knows JSON mode: the schema goes into the
/// first system message (one is added when there is none), and OpenAI's JSON mode
/// also wants the word "JSON" there.
fn with_schema_instruction(messages: &[Message], schema: &Value) -> Vec<Message> {
    let instruction =
        format!("Answer with one JSON object only, valid against this JSON schema:\n{schema}");
    let mut messages = messages.to_vec();
    match messages.first_mut() {
        Some(first) if first.role == "system" => {
            first.content = format!("{}\n\n{instruction}", first.content);
        }
        _ => messages.insert(0, Message::system(instruction)),
    }
    messages
}

/// Whether a refusal is about the `json_schema` response format itself.
fn refuses_schema(error: &wire::ErrorBody) -> bool {
    let message = error.message.to_ascii_lowercase();
    error.param.as_deref() == Some("response_format")
        || message.contains("response_format")
        || message.contains("json_schema")
}

/// The first choice read as `T`, or why not with the text to show the model again.
fn read_choice<T: DeserializeOwned>(response: &ChatResponse) -> Result<T, (String, String)> {
    let Some(choice) = response.choices.first() else {
        return Err(("the answer has no choices".to_string(), String::new()));
    };
    if let Some(refusal) = &choice.message.refusal {
        return Err((format!("the model refused: {refusal}"), String::new()));
    }
    let content = choice.message.content.clone().unwrap_or_default();
    let json = strip_code_fence(&content);
    serde_json::from_str(json).map_err(|error| {
        let cut_short = choice.finish_reason.as_deref() == Some("length");
        let problem = if cut_short {
            format!("the answer was cut at the token limit ({error})")
        } else {
            format!("the answer is not the schema's JSON ({error})")
        };
        (problem, content)
    })
}

/// Local models often wrap JSON in a Markdown code fence despite JSON mode.
fn strip_code_fence(content: &str) -> &str {
    let trimmed = content.trim();
    let Some(inner) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

fn count_tokens(caller: Caller<'_>, usage: Option<wire::UsageBody>) {
    let usage = usage.unwrap_or_default();
    let who = caller.plugin.unwrap_or("host").to_string();
    for (kind, tokens) in [
        ("prompt", usage.prompt_tokens),
        ("completion", usage.completion_tokens),
    ] {
        metrics::counter!(
            "jobscout_ai_tokens_total",
            "feature" => caller.feature.to_string(),
            "caller" => who.clone(),
            "kind" => kind,
        )
        .increment(tokens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_the_earlier_statuses_and_texts() {
        let unavailable = AiError::Unavailable("429".into());
        assert_eq!(unavailable.status(), 503);
        assert!(unavailable
            .detail("Apply pack generation")
            .starts_with("AI provider is temporarily unavailable"));
        let invalid = AiError::Invalid("x".into());
        assert_eq!(invalid.status(), 502);
        assert_eq!(
            invalid.detail("Apply pack generation"),
            "Apply pack generation returned an invalid AI response"
        );
        assert_eq!(
            AiError::Failed("401".into()).detail("Resume analysis"),
            "Resume analysis failed"
        );
        assert_eq!(AiError::NotConfigured("set X").status(), 503);
    }

    #[test]
    fn code_fences_around_json_are_dropped() {
        assert_eq!(strip_code_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_code_fence("```\n{}\n```"), "{}");
        assert_eq!(strip_code_fence("  {\"a\":1} "), "{\"a\":1}");
    }

    #[test]
    fn json_mode_puts_the_schema_into_the_first_system_message() {
        let schema = serde_json::json!({"type": "object"});
        let with_system = with_schema_instruction(
            &[Message::system("Be brief."), Message::user("data")],
            &schema,
        );
        assert_eq!(with_system.len(), 2);
        assert!(with_system[0]
            .content
            .starts_with("Be brief.\n\nAnswer with one JSON object"));
        assert!(with_system[0].content.ends_with(r#"{"type":"object"}"#));
        assert_eq!(with_system[1].content, "data");
        let without = with_schema_instruction(&[Message::user("data")], &schema);
        assert_eq!(without.len(), 2);
        assert_eq!(without[0].role, "system");
        assert_eq!(without[1].role, "user");
    }

    #[test]
    fn schema_refusals_are_told_from_other_refusals() {
        let body = |message: &str, param: Option<&str>| wire::ErrorBody {
            message: message.to_string(),
            param: param.map(str::to_string),
            code: None,
        };
        assert!(refuses_schema(&body(
            "Invalid value",
            Some("response_format")
        )));
        assert!(refuses_schema(&body("json_schema is not supported", None)));
        assert!(!refuses_schema(&body("Incorrect API key provided", None)));
    }
}
