//! `resume-text`: the bytes of a PDF or DOCX resume → its text.

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct ResumeText;

impl Processor for ResumeText {
    const ID: &'static str = "resume-text";
    const VERSION: &'static str = "0.1.0";
    /// `bytes(blob)`, its `media-type` one of the constants below.
    type Input = ();
    type Output = Output;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = ResumeText::ID;

/// The media types the host sniffs from the content and passes in `blob.media-type`.
pub const PDF_MEDIA_TYPE: &str = "application/pdf";
pub const DOCX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const DOC_MEDIA_TYPE: &str = "application/msword";

/// The `unsupported-input` message for legacy Word files.
pub const LEGACY_DOC_MESSAGE: &str =
    "Legacy Word .doc files are not supported; save the resume as .docx or PDF and upload it again.";

/// `{"format", "pages", "text"}`; the processor fills every field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// `pdf` or `docx`.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub format: Option<String>,
    /// PDF pages; for DOCX, explicit page breaks + 1.
    #[serde(default, deserialize_with = "crate::lenient::count")]
    pub pages: Option<u64>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub text: Option<String>,
}
