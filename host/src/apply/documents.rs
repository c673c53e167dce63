//! A stored pack's documents (reference §4.6): the tailored resume and cover
//! letter as DOCX, both in a ZIP, or the resume as ATS plain text, rendered by
//! the `documents` processor from the pack, the resume version it was made from
//! and its job target.

use jobscout_contracts::documents::{self, Documents, Format, DOCX_MEDIA_TYPE, ZIP_MEDIA_TYPE};
use jobscout_contracts::structured::list_value;
use uuid::Uuid;

use super::processors::{call, call_bytes, structured_input, DOCUMENTS};
use super::{packs, Apply, Error, Result};
use crate::storage::apply::job_targets;
use crate::storage::apply::packs::StoredPack;
use crate::storage::profiles;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download {
    /// The earlier names: `tailored_resume.docx`, `cover_letter.docx`, `apply_pack.zip`.
    pub filename: &'static str,
    pub media_type: &'static str,
    pub data: Vec<u8>,
}

/// The files the export route serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Resume,
    Cover,
    Zip,
}

impl Export {
    /// `format` as the export route reads it: `resume`, `cover`, anything else the
    /// ZIP (the earlier rule).
    pub fn from_param(name: Option<&str>) -> Export {
        match name.map(str::trim) {
            Some("resume") => Export::Resume,
            Some("cover") => Export::Cover,
            _ => Export::Zip,
        }
    }

    fn format(self) -> Format {
        match self {
            Export::Resume => Format::Resume,
            Export::Cover => Format::Cover,
            Export::Zip => Format::Zip,
        }
    }

    /// The earlier file names, and the media type.
    fn file(self) -> (&'static str, &'static str) {
        match self {
            Export::Resume => ("tailored_resume.docx", DOCX_MEDIA_TYPE),
            Export::Cover => ("cover_letter.docx", DOCX_MEDIA_TYPE),
            Export::Zip => ("apply_pack.zip", ZIP_MEDIA_TYPE),
        }
    }
}

/// The document of one of the user's packs.
pub async fn export(
    apply: &Apply,
    user_id: Uuid,
    apply_pack_id: Uuid,
    export: Export,
) -> Result<Download> {
    let (filename, media_type) = export.file();
    let input = input(apply, user_id, apply_pack_id, export.format()).await?;
    let now = chrono::Utc::now();
    super::quota::check_export(apply, user_id, now).await?;
    let data = call_bytes(
        &apply.plugins,
        DOCUMENTS,
        &structured_input(&input),
        media_type,
    )
    .await?;
    super::quota::record_export(apply, user_id, apply_pack_id, now).await?;
    Ok(Download {
        filename,
        media_type,
        data,
    })
}

/// The tailored resume of one of the user's packs as plain text.
pub async fn ats_preview(apply: &Apply, user_id: Uuid, apply_pack_id: Uuid) -> Result<String> {
    let input = input(apply, user_id, apply_pack_id, Format::AtsText).await?;
    let output = call::<Documents>(&apply.plugins, &structured_input(&input)).await?;
    Ok(output.text.unwrap_or_default())
}

async fn input(
    apply: &Apply,
    user_id: Uuid,
    apply_pack_id: Uuid,
    format: Format,
) -> Result<documents::Input> {
    let pack = packs::owned(apply, user_id, apply_pack_id).await?;
    let resume = match pack.resume_id {
        Some(resume_id) => profiles::get_resume(&apply.pool, user_id, resume_id).await?,
        None => None,
    };
    let resume_text = resume
        .and_then(|resume| resume.resume_text)
        .ok_or_else(|| {
            Error::NotFound(
                "The resume this pack was made from is no longer stored; generate the pack again"
                    .into(),
            )
        })?;
    let target = match pack.job_target_id {
        Some(id) => job_targets::get_owned(&apply.pool, user_id, id).await?,
        None => None,
    }
    .unwrap_or_default();
    Ok(documents::Input {
        format: Some(format.name().to_string()),
        resume_text: Some(resume_text),
        pack: Some(pack_json(&pack).to_string()),
        job_title: target.title.clone(),
        job_company: target.company.clone(),
        job_keywords: list_value(&target.keywords),
        job_must_haves: list_value(&target.must_haves),
        today: Some(chrono::Utc::now().format("%Y-%m-%d").to_string()),
    })
}

fn pack_json(pack: &StoredPack) -> serde_json::Value {
    serde_json::json!({
        "tailored_summary": pack.tailored_summary,
        "tailored_bullets": pack.tailored_bullets,
        "cover_note": pack.cover_note,
        "ats_checklist": pack.ats_checklist,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_export_formats_are_the_zip_as_before() {
        assert_eq!(Export::from_param(Some("resume")), Export::Resume);
        assert_eq!(Export::from_param(Some(" cover ")), Export::Cover);
        assert_eq!(Export::from_param(Some("zip")), Export::Zip);
        assert_eq!(Export::from_param(Some("pdf")), Export::Zip);
        assert_eq!(Export::from_param(None), Export::Zip);
    }
}
