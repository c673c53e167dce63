//! Test processor: upper-cases text payloads, refuses the rest with a typed error.

use jobscout_plugin_sdk::{
    register_processor, Payload, Processor, ProcessorError, ProcessorMetadata,
};

struct Upper;

impl Processor for Upper {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: "upper".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Upper-cases text".to_string(),
            operation: "uppercase".to_string(),
            accepts: vec!["text/plain".to_string()],
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        match input {
            Payload::Text(text) => Ok(Payload::Text(text.to_uppercase())),
            Payload::Bytes(blob) if blob.media_type == "text/plain" => String::from_utf8(blob.data)
                .map(|text| Payload::Text(text.to_uppercase()))
                .map_err(|_| {
                    ProcessorError::InvalidInput("text/plain bytes are not UTF-8".to_string())
                }),
            Payload::Bytes(blob) => Err(ProcessorError::UnsupportedInput(format!(
                "media type {}",
                blob.media_type
            ))),
            Payload::Structured(fields) => Ok(Payload::Structured(
                fields
                    .into_iter()
                    .map(|(key, value)| (key, value.to_uppercase()))
                    .collect(),
            )),
        }
    }
}

register_processor!(Upper);
