//! `documents`: a stored apply pack and the original resume → the tailored
//! resume and the cover letter as DOCX, both in one ZIP, or the resume as ATS
//! plain text (docs/processors.md, `documents`).

pub mod docx;
pub mod sections;
pub mod tailored;
pub mod text;

use std::io::Write as _;

use jobscout_contracts::documents::{
    self, AtsText, Format, Input, DOCX_MEDIA_TYPE, ZIP_MEDIA_TYPE,
};
use jobscout_contracts::structured::{from_pairs, json_list, present};
use jobscout_plugin_sdk::{Blob, Payload, Processor, ProcessorError, ProcessorMetadata};
use serde_json::Value;

use tailored::{Job, PackView};

/// The file names inside the combined ZIP (the earlier ones).
pub const ZIP_RESUME_NAME: &str = "resume.docx";
pub const ZIP_COVER_NAME: &str = "cover_letter.docx";

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct DocumentsProcessor;

impl Processor for DocumentsProcessor {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: documents::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description:
                "Apply pack + resume → tailored resume and cover letter DOCX, ZIP, ATS text"
                    .to_string(),
            operation: documents::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        render_payload(input)
    }
}

/// The inputs, read and checked.
#[derive(Debug, Clone)]
pub struct Request {
    pub format: Format,
    pub resume_text: String,
    pub pack: PackView,
    pub job: Job,
    pub today: Option<String>,
}

pub fn render_payload(input: Payload) -> Result<Payload, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "documents takes a structured input with `format`, `resume_text` and `pack`"
                .to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    render(&read_request(input)?)
}

pub fn read_request(input: Input) -> Result<Request, ProcessorError> {
    let invalid = |message: &str| ProcessorError::InvalidInput(message.to_string());
    let format_name = present(input.format).unwrap_or_default();
    let format = Format::parse(&format_name).ok_or_else(|| {
        ProcessorError::InvalidInput(format!(
            "`format` is `{format_name}`; it must be resume, cover, zip or ats_text"
        ))
    })?;
    let resume_text = present(input.resume_text).ok_or_else(|| {
        invalid("`resume_text` is missing: the documents are built from the resume")
    })?;
    let pack_text = present(input.pack)
        .ok_or_else(|| invalid("`pack` is missing: pass the stored pack as JSON"))?;
    let pack: Value = serde_json::from_str(&pack_text)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| invalid("`pack` is not a JSON object"))?;
    let today = present(input.today);
    if let Some(day) = &today {
        if !is_iso_day(day) {
            return Err(invalid("`today` must be a date written YYYY-MM-DD"));
        }
    }
    Ok(Request {
        format,
        resume_text,
        pack: PackView::from_json(&pack),
        job: Job {
            title: present(input.job_title),
            company: present(input.job_company),
            keywords: list("job_keywords", input.job_keywords)?,
            must_haves: list("job_must_haves", input.job_must_haves)?,
        },
        today,
    })
}

/// The output of one request: `bytes` for DOCX and ZIP, `text` JSON for ATS text.
pub fn render(request: &Request) -> Result<Payload, ProcessorError> {
    let today = request.today.as_deref();
    let resume = || tailored::resume(&request.resume_text, &request.pack, &request.job);
    let letter = || tailored::letter(&request.resume_text, &request.pack, &request.job, today);
    let internal = ProcessorError::Internal;
    let (media_type, data) = match request.format {
        Format::AtsText => {
            let output = AtsText {
                text: Some(text::render(&resume())),
            };
            return Ok(Payload::Text(
                serde_json::to_string(&output).expect("the output serialises"),
            ));
        }
        Format::Resume => (
            DOCX_MEDIA_TYPE,
            docx::resume(&resume(), today).map_err(internal)?,
        ),
        Format::Cover => (
            DOCX_MEDIA_TYPE,
            docx::letter(&letter(), today).map_err(internal)?,
        ),
        Format::Zip => {
            let resume = docx::resume(&resume(), today).map_err(internal)?;
            let cover = docx::letter(&letter(), today).map_err(internal)?;
            (
                ZIP_MEDIA_TYPE,
                zip_of(&[(ZIP_RESUME_NAME, &resume), (ZIP_COVER_NAME, &cover)])
                    .map_err(internal)?,
            )
        }
    };
    Ok(Payload::Bytes(Blob {
        media_type: media_type.to_string(),
        data,
    }))
}

fn zip_of(files: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // A fixed time keeps the archive the same for the same pack.
        .last_modified_time(zip::DateTime::default());
    for (name, data) in files {
        writer
            .start_file(*name, options)
            .and_then(|()| writer.write_all(data).map_err(Into::into))
            .map_err(|error| format!("the ZIP could not be written: {error}"))?;
    }
    writer
        .finish()
        .map(|cursor| cursor.into_inner())
        .map_err(|error| format!("the ZIP could not be written: {error}"))
}

fn is_iso_day(day: &str) -> bool {
    let bytes = day.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 4 || index == 7 || byte.is_ascii_digit())
}

fn list(key: &str, value: Option<String>) -> Result<Vec<String>, ProcessorError> {
    json_list(key, value).map_err(ProcessorError::InvalidInput)
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(DocumentsProcessor);

#[cfg(test)]
mod tests;
