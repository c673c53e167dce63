//! The host side of the `ai` import (WIT 0.2.0): a plugin's chat and embedding
//! calls go to the host's AI provider if plugins.toml grants them, within the
//! plugin's token budget and its call's deadline. The provider's key, base URL
//! and model stay in the host; errors reach the plugin scrubbed of the key.

use chrono::Utc;
use serde_json::Value;

use super::state::{CallState, PluginAi};
use super::wit::latest::ai;
use crate::ai::{AiError, Answer, Caller, Conversation, Role, Usage, EMBEDDING_INPUT_MAX_CHARS};

/// Texts one `embed` call may send.
pub const MAX_EMBEDDING_INPUTS: usize = 64;

/// What the token counters and the provider's error texts call plugin calls.
const FEATURE: &str = "Plugin AI call";

/// Tokens a chat needs besides its text (role markers, the reply's framing).
const TOKENS_PER_MESSAGE: u64 = 8;

/// The fewest tokens a chat must be able to generate to be worth sending.
const MIN_COMPLETION_TOKENS: u64 = 16;

impl ai::Host for CallState {
    async fn chat(&mut self, request: ai::ChatRequest) -> Result<ai::ChatResponse, ai::AiError> {
        let plugin = self.plugin.clone();
        let access = granted(&plugin.id, plugin.ai.as_ref(), Call::Chat)?;
        let schema = check_chat(&request)?;
        let messages: Vec<(Role, String)> = request
            .messages
            .into_iter()
            .map(|message| (role(message.role), message.content))
            .collect();
        let wanted = request
            .max_tokens
            .map_or(access.grant.max_tokens_per_call, |asked| {
                asked.clamp(1, access.grant.max_tokens_per_call)
            });
        let prompt = estimate_tokens(messages.iter().map(|(_, text)| text.as_str()))
            + estimate_tokens([request.json_schema.as_str()])
            + TOKENS_PER_MESSAGE * messages.len() as u64;
        let reservation = access
            .budget
            .reserve(
                Utc::now(),
                prompt + MIN_COMPLETION_TOKENS.min(u64::from(wanted)),
                prompt + u64::from(wanted),
            )
            .map_err(ai::AiError::BudgetExhausted)?;
        let max_tokens = (reservation.tokens() - prompt).min(u64::from(wanted)) as u32;
        let conversation = Conversation {
            messages: &messages,
            schema_name: &request.schema_name,
            schema: &schema,
            max_tokens,
            temperature: request.temperature.unwrap_or(0.2),
        };
        let caller = Caller {
            feature: FEATURE,
            plugin: Some(&plugin.id),
        };
        let outcome = within_deadline(
            self.deadline,
            access.provider.chat_conversation(caller, conversation),
        )
        .await;
        let spent = outcome.as_ref().map_or(0, |answer| total(answer.usage));
        access.budget.settle(Utc::now(), reservation, spent);
        count_call(&plugin.id, "chat", &outcome);
        let answer = outcome.map_err(plugin_error)?;
        Ok(ai::ChatResponse {
            json: answer.value.to_string(),
            usage: usage(answer.usage),
        })
    }

    async fn embed(&mut self, inputs: Vec<String>) -> Result<ai::Embeddings, ai::AiError> {
        let plugin = self.plugin.clone();
        let access = granted(&plugin.id, plugin.ai.as_ref(), Call::Embed)?;
        if inputs.is_empty() || inputs.len() > MAX_EMBEDDING_INPUTS {
            return Err(ai::AiError::InvalidRequest(format!(
                "embed takes 1 to {MAX_EMBEDDING_INPUTS} texts, not {}",
                inputs.len()
            )));
        }
        let inputs: Vec<String> = inputs
            .into_iter()
            .map(|input| input.chars().take(EMBEDDING_INPUT_MAX_CHARS).collect())
            .collect();
        let estimate = estimate_tokens(inputs.iter().map(String::as_str)).max(1);
        let reservation = access
            .budget
            .reserve(Utc::now(), estimate, estimate)
            .map_err(ai::AiError::BudgetExhausted)?;
        let caller = Caller {
            feature: FEATURE,
            plugin: Some(&plugin.id),
        };
        let outcome = within_deadline(self.deadline, access.provider.embed(caller, &inputs)).await;
        let spent = outcome.as_ref().map_or(0, |answer| total(answer.usage));
        access.budget.settle(Utc::now(), reservation, spent);
        count_call(&plugin.id, "embed", &outcome);
        let answer = outcome.map_err(plugin_error)?;
        Ok(ai::Embeddings {
            vectors: answer.value,
            usage: usage(answer.usage),
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Call {
    Chat,
    Embed,
}

/// The plugin's grant for `call`, or why it has none, naming the key to set.
fn granted<'a>(
    id: &str,
    access: Option<&'a PluginAi>,
    call: Call,
) -> Result<&'a PluginAi, ai::AiError> {
    let key = match call {
        Call::Chat => "chat",
        Call::Embed => "embeddings",
    };
    let Some(access) = access else {
        return Err(ai::AiError::NotGranted(format!(
            "plugin '{id}' has no AI grant: add a [plugin.ai] table with `{key} = true` to its entry in plugins.toml"
        )));
    };
    let allowed = match call {
        Call::Chat => access.grant.chat,
        Call::Embed => access.grant.embeddings,
    };
    if allowed {
        Ok(access)
    } else {
        Err(ai::AiError::NotGranted(format!(
            "plugin '{id}' is not granted this call: set `{key} = true` in its [plugin.ai] table in plugins.toml"
        )))
    }
}

/// Checks what the provider cannot be trusted to refuse clearly, and reads the schema.
fn check_chat(request: &ai::ChatRequest) -> Result<Value, ai::AiError> {
    let invalid = |message: String| Err(ai::AiError::InvalidRequest(message));
    if request.messages.is_empty() {
        return invalid("a chat needs at least one message".to_string());
    }
    let name = &request.schema_name;
    let name_ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
    if !name_ok {
        return invalid(format!(
            "schema-name {name:?} must be 1 to 64 ASCII letters, digits, '_' or '-'"
        ));
    }
    if let Some(temperature) = request.temperature {
        if !(0.0..=2.0).contains(&temperature) {
            return invalid(format!(
                "temperature {temperature} is out of range: expected 0.0 to 2.0"
            ));
        }
    }
    match serde_json::from_str::<Value>(&request.json_schema) {
        Ok(schema @ Value::Object(_)) => Ok(schema),
        Ok(_) => invalid("json-schema must be a JSON object".to_string()),
        Err(error) => invalid(format!("json-schema is not JSON: {error}")),
    }
}

fn role(role: ai::Role) -> Role {
    match role {
        ai::Role::System => Role::System,
        ai::Role::User => Role::User,
        ai::Role::Assistant => Role::Assistant,
    }
}

/// A cautious token count for reserving budget: one token per 4 bytes, as
/// OpenAI's rule of thumb for English; the provider's count settles it.
fn estimate_tokens<'a>(texts: impl IntoIterator<Item = &'a str>) -> u64 {
    texts
        .into_iter()
        .map(|text| (text.len() as u64).div_ceil(4))
        .sum()
}

fn total(usage: Usage) -> u64 {
    usage.prompt_tokens + usage.completion_tokens
}

fn usage(usage: Usage) -> ai::Usage {
    ai::Usage {
        prompt_tokens: u32::try_from(usage.prompt_tokens).unwrap_or(u32::MAX),
        completion_tokens: u32::try_from(usage.completion_tokens).unwrap_or(u32::MAX),
    }
}

/// The provider's call, cut at the plugin call's deadline (the epoch deadline
/// stops wasm code only, not a host call in progress).
async fn within_deadline<T>(
    deadline: std::time::Instant,
    call: impl std::future::Future<Output = Result<Answer<T>, AiError>>,
) -> Result<Answer<T>, AiError> {
    tokio::time::timeout_at(deadline.into(), call)
        .await
        .unwrap_or_else(|_| {
            Err(AiError::Unavailable(
                "the plugin's time limit ran out before the provider answered".to_string(),
            ))
        })
}

fn plugin_error(error: AiError) -> ai::AiError {
    match error {
        AiError::NotConfigured(reason) => ai::AiError::Unavailable(reason.to_string()),
        AiError::Unavailable(problem) => ai::AiError::Unavailable(problem),
        AiError::Invalid(problem) => ai::AiError::InvalidResponse(problem),
        AiError::Failed(problem) => {
            ai::AiError::Unavailable(format!("the provider refused the call: {problem}"))
        }
    }
}

fn count_call<T>(plugin: &str, call: &'static str, outcome: &Result<T, AiError>) {
    metrics::counter!(
        "jobscout_plugin_ai_calls_total",
        "plugin" => plugin.to_string(),
        "call" => call,
        "outcome" => if outcome.is_ok() { "ok" } else { "error" },
    )
    .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(schema: &str, name: &str) -> ai::ChatRequest {
        ai::ChatRequest {
            messages: vec![ai::Message {
                role: ai::Role::User,
                content: "hi".to_string(),
            }],
            json_schema: schema.to_string(),
            schema_name: name.to_string(),
            max_tokens: None,
            temperature: None,
        }
    }

    fn invalid(result: Result<Value, ai::AiError>) -> String {
        match result {
            Err(ai::AiError::InvalidRequest(message)) => message,
            other => panic!("expected invalid-request, got {other:?}"),
        }
    }

    #[test]
    fn bad_chat_requests_are_refused_before_the_provider_is_asked() {
        assert!(check_chat(&chat(r#"{"type":"object"}"#, "answer_1")).is_ok());
        assert_eq!(
            invalid(check_chat(&chat("[1]", "answer"))),
            "json-schema must be a JSON object"
        );
        assert!(invalid(check_chat(&chat("{", "answer"))).starts_with("json-schema is not JSON"));
        assert_eq!(
            invalid(check_chat(&chat("{}", "an answer"))),
            "schema-name \"an answer\" must be 1 to 64 ASCII letters, digits, '_' or '-'"
        );
        let mut empty = chat("{}", "a");
        empty.messages.clear();
        assert_eq!(
            invalid(check_chat(&empty)),
            "a chat needs at least one message"
        );
        let mut hot = chat("{}", "a");
        hot.temperature = Some(3.5);
        assert!(invalid(check_chat(&hot)).starts_with("temperature 3.5 is out of range"));
    }

    #[test]
    fn tokens_are_estimated_generously_per_text() {
        assert_eq!(estimate_tokens(["abcd", "abcde", ""]), 1 + 2);
    }
}
