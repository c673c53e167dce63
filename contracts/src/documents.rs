//! `documents`: a stored apply pack and the original resume → the tailored resume
//! and cover letter as DOCX, both in one ZIP, or the resume as ATS plain text.

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, Processor};

pub struct Documents;

impl Processor for Documents {
    const ID: &'static str = "documents";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    /// The `ats_text` format's output; the others answer `bytes`.
    type Output = AtsText;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = Documents::ID;

/// The media types of the `bytes` outputs.
pub const DOCX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const ZIP_MEDIA_TYPE: &str = "application/zip";

/// The formats, as the `format` key spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The tailored resume, DOCX.
    Resume,
    /// The cover letter, DOCX.
    Cover,
    /// `resume.docx` and `cover_letter.docx` in one ZIP.
    Zip,
    /// The tailored resume as plain text (`{text}`).
    AtsText,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Resume => "resume",
            Format::Cover => "cover",
            Format::Zip => "zip",
            Format::AtsText => "ats_text",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        [Format::Resume, Format::Cover, Format::Zip, Format::AtsText]
            .into_iter()
            .find(|format| format.name() == name.trim())
    }
}

/// The `structured` pairs, in the order the host sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: `resume`, `cover`, `zip` or `ats_text`.
    pub format: Option<String>,
    /// Required: the original resume text (sections, contact details, roles).
    pub resume_text: Option<String>,
    /// Required: the stored pack as JSON (`tailored_summary`, `tailored_bullets`,
    /// `cover_note`, `ats_checklist`).
    pub pack: Option<String>,
    pub job_title: Option<String>,
    pub job_company: Option<String>,
    /// JSON list: the job's keywords.
    pub job_keywords: Option<String>,
    /// JSON list: the job's must-haves.
    pub job_must_haves: Option<String>,
    /// `YYYY-MM-DD`: the letter's date and the documents' creation date.
    pub today: Option<String>,
}

/// `{"text"}`: the `ats_text` output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtsText {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub text: Option<String>,
}
