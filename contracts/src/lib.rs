//! The payload contracts of the Apply-Workspace processors (`docs/processors.md`)
//! as serde types: one module per processor with its id, contract version, input
//! and output types and the error kinds it answers with. The host
//! (`host/src/apply/`) and every processor (`plugins/processors/*`) build and read
//! payloads through these types, so a field renamed on one side does not compile
//! on the other; `tests/docs.rs` holds `docs/processors.md` to them.
//!
//! Wire rules kept from the JSON the two sides wrote by hand before:
//!
//! * Structured inputs are string pairs ([`structured`]): every input field is an
//!   `Option<String>`, `None` is an absent pair, unknown keys are ignored.
//! * Outputs are one JSON object. Fields are declared in alphabetical order, the
//!   order `serde_json::json!` wrote them in, so the bytes are unchanged; an
//!   `Option` field that is `None` is written as `null`, never left out.
//! * The host reads outputs leniently ([`lenient`]): unknown keys are ignored and
//!   a field of the wrong JSON type reads as not known.

pub mod introspect;
pub mod lenient;
pub mod structured;

pub mod apply_pack;
pub mod documents;
pub mod feedback_parse;
pub mod job_analyze;
pub mod job_parse;
pub mod learning_summary;
pub mod resume_analyze;
pub mod resume_text;
pub mod trust;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The typed errors a processor answers with (`processor-error` in the WIT world).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// "This kind of document is not handled": the API answers 415.
    UnsupportedInput,
    /// "A handled kind, but broken or unreadable": the API answers 400.
    InvalidInput,
}

impl ErrorKind {
    /// The WIT case name, as `docs/processors.md` spells it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::UnsupportedInput => "unsupported-input",
            ErrorKind::InvalidInput => "invalid-input",
        }
    }
}

/// One processor's contract.
pub trait Processor {
    /// The plugin id the host calls it by.
    const ID: &'static str;
    /// The version of this contract (`docs/processors.md` describes it).
    const VERSION: &'static str;
    /// The `structured` input; `()` for a processor given `bytes` or `text`.
    type Input: Serialize + DeserializeOwned;
    /// The JSON object of its `text` output.
    type Output: Serialize + DeserializeOwned;
    /// The error kinds it answers with (besides `internal`).
    const ERRORS: &'static [ErrorKind];
}

/// What the docs check needs of one processor.
#[derive(Debug, Clone)]
pub struct Described {
    pub id: &'static str,
    pub input_fields: &'static [&'static str],
    pub output_fields: &'static [&'static str],
    /// Fields the host adds to the output before answering (`trust` only).
    pub host_fields: &'static [&'static str],
    pub errors: &'static [ErrorKind],
}

fn describe<P: Processor>() -> Described {
    Described {
        id: P::ID,
        input_fields: introspect::field_names::<P::Input>(),
        output_fields: introspect::field_names::<P::Output>(),
        host_fields: &[],
        errors: P::ERRORS,
    }
}

/// Every processor of `docs/processors.md`, in its order.
pub fn all() -> Vec<Described> {
    vec![
        describe::<resume_text::ResumeText>(),
        describe::<resume_analyze::ResumeAnalyze>(),
        describe::<job_parse::JobParse>(),
        describe::<job_analyze::JobAnalyze>(),
        Described {
            host_fields: introspect::field_names::<trust::HostFields<serde_json::Value>>(),
            ..describe::<trust::Trust>()
        },
        describe::<apply_pack::ApplyPack>(),
        describe::<documents::Documents>(),
        describe::<feedback_parse::FeedbackParse>(),
        describe::<learning_summary::LearningSummary>(),
    ]
}
