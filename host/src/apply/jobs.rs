//! Job targets: parsing a pasted URL or text (`job-parse`), importing a job the
//! app or the extension already knows, editing, and the requirement analysis
//! (`job-analyze`) stored with each. Every lookup is scoped to its owner.

use chrono::{DateTime, Utc};
use jobscout_contracts::job_analyze::{self, JobAnalyze};
use jobscout_contracts::job_parse::{self, JobParse};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::processors::{call, structured_input, trimmed, trimmed_list};
use super::{sha256_hex, Apply, Error, Result};
use crate::storage::apply::job_targets::{self, JobTarget};
use crate::storage::parse_timestamp;

/// The stored page is cut to this many characters (as the earlier backend did).
pub const HTML_MAX_CHARS: usize = 500_000;

/// A job target and how its fields were obtained.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub target: JobTarget,
    /// `json_ld`, `html` or `text` from the processor; `cached` for a reuse.
    pub extraction_method: String,
    pub extracted: bool,
}

/// `job_hash` as the earlier backend computed it: SHA-256 of URL + text.
pub fn job_hash(job_url: Option<&str>, job_text: Option<&str>) -> String {
    sha256_hex(format!("{}{}", job_url.unwrap_or(""), job_text.unwrap_or("")).as_bytes())
}

/// `POST /apply/job/parse`: the user's cached target for the same input, or a new one.
pub async fn parse(
    apply: &Apply,
    user_id: Uuid,
    job_url: Option<String>,
    job_text: Option<String>,
) -> Result<Parsed> {
    let job_text = job_text.filter(|text| !text.trim().is_empty());
    if job_url.is_none() && job_text.is_none() {
        return Err(Error::Invalid(
            "Either job_url or job_text is required".into(),
        ));
    }
    let hash = job_hash(job_url.as_deref(), job_text.as_deref());
    if let Some(target) = job_targets::find_by_hash(&apply.pool, user_id, &hash).await? {
        return Ok(Parsed {
            target,
            extraction_method: "cached".into(),
            extracted: true,
        });
    }
    let (fields, html) = match (&job_url, &job_text) {
        (Some(url), text) => match apply.fetcher.job_page(url).await {
            Ok(page) => {
                let input = structured_input(&job_parse::Input {
                    html: Some(page.html.clone()),
                    url: Some(page.final_url),
                    text: None,
                });
                (
                    call::<JobParse>(&apply.plugins, &input).await?,
                    Some(page.html),
                )
            }
            // A pasted description still works when the page cannot be fetched.
            Err(Error::Invalid(reason)) if text.is_some() => {
                tracing::info!(
                    reason = reason.as_str(),
                    "job page unavailable; parsing the pasted text"
                );
                (parse_text(apply, text.clone()).await?, None)
            }
            Err(error) => return Err(error),
        },
        (None, text) => (parse_text(apply, text.clone()).await?, None),
    };
    let extraction_method =
        trimmed(fields.extraction_method.clone()).unwrap_or_else(|| "text".into());
    let mut target = target_from_parse(fields, job_url, job_text, hash, html);
    target.user_id = Some(user_id);
    apply_analysis(apply, &mut target).await;
    let extracted = target.title.is_some() || target.company.is_some();
    let target = job_targets::insert(&apply.pool, &target).await?;
    Ok(Parsed {
        target,
        extraction_method,
        extracted,
    })
}

async fn parse_text(apply: &Apply, job_text: Option<String>) -> Result<job_parse::Output> {
    let input = job_parse::Input {
        text: job_text,
        ..job_parse::Input::default()
    };
    call::<JobParse>(&apply.plugins, &structured_input(&input)).await
}

fn time(value: Option<String>) -> Option<DateTime<Utc>> {
    trimmed(value).as_deref().and_then(parse_timestamp)
}

fn number(value: Option<f64>) -> Option<f64> {
    value.filter(|number| number.is_finite())
}

/// The first `max` characters (not bytes) of `text`.
fn truncate_chars(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}

fn target_from_parse(
    fields: job_parse::Output,
    job_url: Option<String>,
    job_text: Option<String>,
    job_hash: String,
    html: Option<String>,
) -> JobTarget {
    let text_or_null =
        |value: &Option<String>| trimmed(value.clone()).map_or(Value::Null, Value::String);
    let mut extracted = Map::new();
    extracted.insert("source".into(), json!("apply_parse"));
    extracted.insert("apply_url".into(), text_or_null(&fields.apply_url));
    extracted.insert(
        "company_website".into(),
        text_or_null(&fields.company_website),
    );
    extracted.insert("salary_period".into(), text_or_null(&fields.salary_period));
    extracted.insert(
        "extraction_method".into(),
        text_or_null(&fields.extraction_method),
    );
    extracted.insert("json_ld".into(), fields.json_ld.unwrap_or(Value::Null));
    JobTarget {
        job_url,
        job_text,
        job_hash,
        extracted_json: Some(Value::Object(extracted)),
        title: trimmed(fields.title),
        company: trimmed(fields.company),
        location: trimmed(fields.location),
        remote_type: trimmed(fields.remote_type),
        employment_types: trimmed_list(fields.employment_type),
        salary_min: number(fields.salary_min),
        salary_max: number(fields.salary_max),
        salary_currency: trimmed(fields.salary_currency),
        description_text: trimmed(fields.description_text),
        html: html.map(|html| truncate_chars(html, HTML_MAX_CHARS)),
        posted_at: time(fields.posted_at),
        valid_through: time(fields.valid_through),
        ..JobTarget::default()
    }
}

/// Fills must-haves (also stored as requirements), keywords and the rubric from
/// `job-analyze`. Best effort: a job target is still useful without them, so an
/// unavailable analyzer is logged rather than failing the request.
pub async fn apply_analysis(apply: &Apply, target: &mut JobTarget) {
    let Some(description) = target.description_text.clone() else {
        return;
    };
    let input = structured_input(&job_analyze::Input {
        description: Some(description),
        title: target.title.clone(),
    });
    match call::<JobAnalyze>(&apply.plugins, &input).await {
        Ok(analysis) => {
            target.must_haves = trimmed_list(analysis.must_haves);
            target.requirements = target.must_haves.clone();
            target.keywords = trimmed_list(analysis.keywords);
            target.role_rubric = trimmed(analysis.rubric);
        }
        Err(Error::Unavailable(detail)) => {
            tracing::warn!(
                detail = detail.as_str(),
                "job stored without requirement analysis"
            );
        }
        Err(error) => tracing::info!(%error, "job-analyze declined the description"),
    }
}

/// `POST /apply/job/import`: the fields the app or the extension captured. Never
/// deduplicated (the earlier behaviour): each call stores a new target.
#[derive(Debug, Clone, Default)]
pub struct Import {
    pub title: String,
    pub company: String,
    pub job_id: Option<String>,
    pub source: Option<String>,
    pub captured_from: Option<String>,
    pub job_url: Option<String>,
    pub apply_url: Option<String>,
    pub location_raw: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    pub employment_types: Vec<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
    pub company_website: Option<String>,
    pub linkedin_url: Option<String>,
    pub ai_company_summary: Option<String>,
    pub ai_summary: Option<String>,
    pub ai_requirements: Option<String>,
    pub ai_tech_stack: Option<String>,
}

/// The source an import names, lower-cased; `jobscout` by default.
pub fn import_source(source: Option<&str>) -> String {
    source
        .map(str::trim)
        .filter(|source| !source.is_empty())
        .unwrap_or("jobscout")
        .to_lowercase()
}

pub async fn import(apply: &Apply, user_id: Uuid, job: Import) -> Result<Parsed> {
    let extracted = json!({
        "source": import_source(job.source.as_deref()),
        "job_id": job.job_id,
        "captured_from": job.captured_from,
        "apply_url": job.apply_url,
        "company_website": job.company_website,
        "linkedin_url": job.linkedin_url,
        "location_raw": job.location_raw,
        "ai_company_summary": job.ai_company_summary,
        "ai_summary": job.ai_summary,
        "ai_requirements": job.ai_requirements,
        "ai_tech_stack": job.ai_tech_stack,
    });
    let mut target = JobTarget {
        user_id: Some(user_id),
        job_hash: job_hash(job.job_url.as_deref(), job.description_text.as_deref()),
        job_url: job.job_url,
        extracted_json: Some(extracted),
        title: Some(job.title),
        company: Some(job.company),
        location: job.location.or(job.location_raw),
        remote_type: job.remote_type,
        employment_types: job.employment_types,
        salary_min: job.salary_min,
        salary_max: job.salary_max,
        salary_currency: job.salary_currency,
        description_text: job.description_text,
        ..JobTarget::default()
    };
    apply_analysis(apply, &mut target).await;
    let target = job_targets::insert(&apply.pool, &target).await?;
    Ok(Parsed {
        target,
        extraction_method: "jobscout_import".into(),
        extracted: true,
    })
}

/// `PUT /apply/job/{id}`: the fields given replace the stored ones.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub remote_type: Option<String>,
    pub employment_types: Option<Vec<String>>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub description_text: Option<String>,
}

impl Edit {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.company.is_none()
            && self.location.is_none()
            && self.remote_type.is_none()
            && self.employment_types.is_none()
            && self.salary_min.is_none()
            && self.salary_max.is_none()
            && self.salary_currency.is_none()
            && self.description_text.is_none()
    }
}

pub async fn edit(
    apply: &Apply,
    user_id: Uuid,
    job_target_id: Uuid,
    edit: Edit,
) -> Result<JobTarget> {
    if edit.is_empty() {
        return Err(Error::Invalid("No fields to update".into()));
    }
    let mut target = owned(apply, user_id, job_target_id).await?;
    let reanalyze = edit.description_text.is_some() || edit.title.is_some();
    macro_rules! replace {
        ($($field:ident),*) => { $( if let Some(value) = edit.$field { target.$field = Some(value); } )* };
    }
    replace!(
        title,
        company,
        location,
        remote_type,
        salary_min,
        salary_max,
        salary_currency,
        description_text
    );
    if let Some(employment_types) = edit.employment_types {
        target.employment_types = employment_types;
    }
    if reanalyze {
        apply_analysis(apply, &mut target).await;
    }
    job_targets::update_owned(&apply.pool, user_id, &target)
        .await?
        .ok_or_else(not_found)
}

/// The caller's job target, or 404 (also for another user's id, so ids do not leak).
pub async fn owned(apply: &Apply, user_id: Uuid, job_target_id: Uuid) -> Result<JobTarget> {
    job_targets::get_owned(&apply.pool, user_id, job_target_id)
        .await?
        .ok_or_else(not_found)
}

pub fn not_found() -> Error {
    Error::NotFound("Job target not found".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_hash_is_sha256_of_url_then_text() {
        assert_eq!(job_hash(None, None), sha256_hex(b""));
        assert_eq!(
            job_hash(Some("https://a.example/j"), Some("text")),
            sha256_hex(b"https://a.example/jtext")
        );
        assert_ne!(job_hash(Some("a"), None), job_hash(None, Some("b")));
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("äöü".repeat(2), 4), "äöüä");
        assert_eq!(truncate_chars("short".into(), 10), "short");
    }

    #[test]
    fn parse_output_fills_the_target_and_extracted_json() {
        let fields: job_parse::Output = serde_json::from_value(json!({
            "title": "Senior Rust Engineer", "company": "Acme", "employment_type": ["full-time", "contract"],
            "salary_min": 90000.0, "apply_url": "https://acme.example/apply", "posted_at": "2026-11-01T00:00:00Z",
            "valid_through": null, "extraction_method": "json_ld", "json_ld": {"@type": "JobPosting"}
        }))
        .unwrap();
        let target = target_from_parse(
            fields,
            Some("https://acme.example/j".into()),
            None,
            "h".into(),
            Some("x".repeat(10)),
        );
        assert_eq!(target.employment_types, ["full-time", "contract"]);
        assert_eq!(target.salary_min, Some(90000.0));
        assert_eq!(
            target.posted_at.map(|t| t.to_rfc3339()),
            Some("2026-11-01T00:00:00+00:00".into())
        );
        assert_eq!(target.valid_through, None);
        let extracted = target.extracted_json.unwrap();
        assert_eq!(extracted["source"], "apply_parse");
        assert_eq!(extracted["apply_url"], "https://acme.example/apply");
        assert_eq!(extracted["json_ld"]["@type"], "JobPosting");
    }

    #[test]
    fn import_source_defaults_and_lowercases() {
        assert_eq!(import_source(None), "jobscout");
        assert_eq!(import_source(Some(" Extension ")), "extension");
        assert_eq!(import_source(Some("")), "jobscout");
    }
}
