//! The `resume-text` processor: PDF and DOCX resume bytes to plain text.
//!
//! The payload contract is in `docs/processors.md`. Extraction is plain Rust
//! ([`extract`]) so it is tested and benchmarked natively; the plugin wrapper
//! (wasm32 only) reads the config and maps errors to the WIT error variants.

mod docx;
mod limits;
mod pdf;
mod sniff;
mod text;

use jobscout_contracts::resume_text;

pub use limits::{Limits, DEFAULT_MAX_INFLATED_MIB, MAX_INFLATED_MIB_KEY};

/// Media types the host sniffs and passes in `blob.media-type`, and the
/// contract's message for legacy Word files (`jobscout-contracts`).
pub use jobscout_contracts::resume_text::{
    DOCX_MEDIA_TYPE, DOC_MEDIA_TYPE, LEGACY_DOC_MESSAGE, PDF_MEDIA_TYPE,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// The text of one resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    /// PDF pages; for DOCX, explicit page breaks + 1.
    pub pages: u32,
    pub format: Format,
}

impl Extracted {
    /// The contract's output (`jobscout_contracts::resume_text::Output`).
    pub fn to_output(&self) -> resume_text::Output {
        resume_text::Output {
            format: Some(self.format.as_str().to_string()),
            pages: Some(u64::from(self.pages)),
            text: Some(self.text.clone()),
        }
    }

    /// The processor's output object: `{"format", "pages", "text"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_output()).expect("the output serialises")
    }
}

/// Why a document gave no text. Messages are shown to the end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// Not a kind of document this processor handles (the API answers 415).
    Unsupported(String),
    /// A handled kind, but broken or unreadable (the API answers 400).
    Invalid(String),
}

impl ExtractError {
    pub fn message(&self) -> &str {
        match self {
            ExtractError::Unsupported(message) | ExtractError::Invalid(message) => message,
        }
    }
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.message())
    }
}

impl std::error::Error for ExtractError {}

/// Extracts the text of a resume with the default limits.
pub fn extract(media_type: &str, bytes: &[u8]) -> Result<Extracted, ExtractError> {
    extract_with(media_type, bytes, &Limits::default())
}

/// Extracts the text of a resume. The content decides as much as the media
/// type: an OLE2 file is a legacy .doc whatever it is labelled.
pub fn extract_with(
    media_type: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Extracted, ExtractError> {
    let kind = sniff::sniff(bytes);
    if kind == Some(sniff::Kind::Ole2) {
        return Err(sniff::ole2_error(bytes));
    }
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        PDF_MEDIA_TYPE => match kind {
            Some(sniff::Kind::Pdf) => pdf::extract(bytes, limits),
            other => Err(sniff::not_what_it_claims("PDF", other)),
        },
        DOCX_MEDIA_TYPE => match kind {
            Some(sniff::Kind::Zip) => docx::extract(bytes, limits),
            other => Err(sniff::not_what_it_claims("DOCX", other)),
        },
        DOC_MEDIA_TYPE => Err(ExtractError::Unsupported(LEGACY_DOC_MESSAGE.to_string())),
        other => Err(ExtractError::Unsupported(format!(
            "Files of type {} are not supported as resumes; upload a PDF or a DOCX file.",
            if other.is_empty() { "(unknown)" } else { other }
        ))),
    }
}

#[cfg(target_arch = "wasm32")]
mod plugin {
    use jobscout_plugin_sdk::{
        config, register_processor, Payload, Processor, ProcessorError, ProcessorMetadata,
    };

    use super::{
        resume_text, ExtractError, Limits, DOCX_MEDIA_TYPE, DOC_MEDIA_TYPE, PDF_MEDIA_TYPE,
    };

    struct ResumeText;

    impl Processor for ResumeText {
        fn metadata() -> ProcessorMetadata {
            ProcessorMetadata {
                id: resume_text::ID.to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
                description: "PDF and DOCX resumes to plain text".to_string(),
                operation: resume_text::ID.to_string(),
                accepts: vec![
                    PDF_MEDIA_TYPE.to_string(),
                    DOCX_MEDIA_TYPE.to_string(),
                    DOC_MEDIA_TYPE.to_string(),
                ],
            }
        }

        fn process(input: Payload) -> Result<Payload, ProcessorError> {
            let limits = Limits::from_config(config::get(super::MAX_INFLATED_MIB_KEY).as_deref())
                .map_err(ProcessorError::Internal)?;
            let Payload::Bytes(blob) = input else {
                return Err(ProcessorError::UnsupportedInput(
                    "resume-text takes the bytes of a PDF or DOCX file".to_string(),
                ));
            };
            match super::extract_with(&blob.media_type, &blob.data, &limits) {
                Ok(extracted) => Ok(Payload::Text(extracted.to_json())),
                Err(ExtractError::Unsupported(message)) => {
                    Err(ProcessorError::UnsupportedInput(message))
                }
                Err(ExtractError::Invalid(message)) => Err(ProcessorError::InvalidInput(message)),
            }
        }
    }

    register_processor!(ResumeText);
}
