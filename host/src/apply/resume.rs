//! Resume files and analysis: the upload is identified by its content (not its
//! name), its text extracted by `resume-text`, and skills, seniority and metric
//! bullets read by `resume-analyze`.

use jobscout_contracts::resume_analyze::ResumeAnalyze;
use jobscout_contracts::resume_text::{self, ResumeText as ResumeTextProcessor};
use jobscout_text::sniff as magic;
use serde::Serialize;
use utoipa::ToSchema;

use super::processors::{bytes, call, trimmed, trimmed_list};
use super::{Apply, Error, Result};
use crate::plugins::types::Payload;

/// Documents the resume processor is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Pdf,
    Docx,
    /// Legacy Word (OLE2): passed on so the processor's own 415 message explains it.
    LegacyDoc,
}

impl DocumentKind {
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentKind::Pdf => resume_text::PDF_MEDIA_TYPE,
            DocumentKind::Docx => resume_text::DOCX_MEDIA_TYPE,
            DocumentKind::LegacyDoc => resume_text::DOC_MEDIA_TYPE,
        }
    }
}

/// What the upload is, by its bytes (the magic numbers are `jobscout-text`'s,
/// shared with the resume-text processor). Anything but PDF, DOCX or legacy DOC
/// is a 415 naming what was found.
pub fn sniff(data: &[u8]) -> Result<DocumentKind> {
    if magic::has_pdf_header(data) {
        return Ok(DocumentKind::Pdf);
    }
    if magic::is_ole2(data) {
        return Ok(DocumentKind::LegacyDoc);
    }
    if magic::is_zip(data) || magic::is_empty_zip(data) {
        // Only the central directory is read; nothing is inflated here.
        return match zip::ZipArchive::new(std::io::Cursor::new(data)) {
            Ok(archive) if archive.index_for_name("word/document.xml").is_some() => {
                Ok(DocumentKind::Docx)
            }
            Ok(_) => Err(Error::Unsupported(
                "The file is a ZIP archive but not a Word document (no word/document.xml); upload the resume as PDF or DOCX.".into(),
            )),
            Err(_) => Err(Error::Invalid(
                "The file starts like a DOCX (ZIP) but is damaged or truncated; save it again and upload it, or upload a PDF.".into(),
            )),
        };
    }
    Err(Error::Unsupported(format!(
        "The file is {}, not a PDF or DOCX resume; upload the resume as PDF or DOCX.",
        detected(data)
    )))
}

fn detected(data: &[u8]) -> String {
    if data.is_empty() {
        return "empty".into();
    }
    if let Some(kind) = infer::get(data) {
        return format!("{} ({})", kind.mime_type(), kind.extension());
    }
    if std::str::from_utf8(data).is_ok() {
        return "plain text".into();
    }
    "of an unrecognised type".into()
}

/// Text extracted from a resume file.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumeText {
    pub text: String,
    pub pages: Option<u32>,
    pub format: Option<String>,
}

/// Identifies `data` and extracts its text; fewer than `min_chars` characters
/// of text is a 400.
pub async fn extract_text(apply: &Apply, data: Vec<u8>, min_chars: usize) -> Result<ResumeText> {
    let kind = sniff(&data)?;
    let output =
        call::<ResumeTextProcessor>(&apply.plugins, &bytes(kind.media_type(), data)).await?;
    let resume_text = trimmed(output.text).unwrap_or_default();
    if resume_text.chars().count() < min_chars.max(1) {
        return Err(Error::Invalid(format!(
            "Could not extract enough text from the resume (found {} characters, need at least {}); if it is a scan, export it with selectable text or upload a DOCX.",
            resume_text.chars().count(),
            min_chars.max(1)
        )));
    }
    Ok(ResumeText {
        text: resume_text,
        pages: output.pages.map(|pages| pages as u32),
        format: trimmed(output.format),
    })
}

/// Skills, seniority and metric-bearing bullets of a resume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct ResumeAnalysis {
    pub skills: Vec<String>,
    pub seniority: Option<String>,
    pub bullets: Vec<String>,
}

/// Runs `resume-analyze`. Best effort: the resume is stored either way, so an
/// unavailable analyzer is logged and the analysis left empty.
pub async fn analyze(apply: &Apply, resume_text: &str) -> ResumeAnalysis {
    match call::<ResumeAnalyze>(&apply.plugins, &Payload::Text(resume_text.to_string())).await {
        Ok(output) => ResumeAnalysis {
            skills: trimmed_list(output.skills),
            seniority: trimmed(output.seniority),
            bullets: trimmed_list(output.bullets),
        },
        Err(Error::Unavailable(detail)) => {
            tracing::warn!(detail = detail.as_str(), "resume stored without analysis");
            ResumeAnalysis::default()
        }
        Err(error) => {
            tracing::info!(%error, "resume-analyze declined the text");
            ResumeAnalysis::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for name in names {
            writer
                .start_file(
                    *name,
                    zip::write::SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Stored),
                )
                .unwrap();
            writer.write_all(b"<w:document/>").unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn documents_are_identified_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap(), DocumentKind::Pdf);
        assert_eq!(sniff(b"\xEF\xBB\xBF\n%PDF-1.4").unwrap(), DocumentKind::Pdf);
        let mut ole = magic::OLE2_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 512]);
        assert_eq!(sniff(&ole).unwrap(), DocumentKind::LegacyDoc);
        assert_eq!(
            sniff(&zip_with(&["[Content_Types].xml", "word/document.xml"])).unwrap(),
            DocumentKind::Docx
        );
    }

    #[test]
    fn other_content_is_415_naming_what_it_is() {
        let png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        let Err(Error::Unsupported(detail)) = sniff(png) else {
            panic!("PNG accepted")
        };
        assert!(detail.contains("image/png"), "{detail}");
        let Err(Error::Unsupported(detail)) = sniff(&zip_with(&["xl/workbook.xml"])) else {
            panic!("xlsx accepted")
        };
        assert!(detail.contains("not a Word document"), "{detail}");
        let Err(Error::Unsupported(detail)) = sniff(b"just some words") else {
            panic!("text accepted")
        };
        assert!(detail.contains("plain text"), "{detail}");
    }

    #[test]
    fn a_damaged_zip_is_invalid_not_unsupported() {
        let mut docx = zip_with(&["word/document.xml"]);
        docx.truncate(docx.len() / 2);
        assert!(matches!(sniff(&docx), Err(Error::Invalid(_))));
    }
}
