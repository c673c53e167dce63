//! `apply-pack`: a resume and a job's analyses → an apply pack (tailored
//! summary, bullets, cover note, ATS checklist). Without `ai_draft` the pack is
//! built from templates; with it, the model's draft is checked (the
//! numeric-claims guard) and completed with the same ATS checklist.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ErrorKind, Processor};

pub struct ApplyPack;

impl Processor for ApplyPack {
    const ID: &'static str = "apply-pack";
    const VERSION: &'static str = "0.1.0";
    type Input = Input;
    type Output = Pack;
    const ERRORS: &'static [ErrorKind] = &[ErrorKind::UnsupportedInput, ErrorKind::InvalidInput];
}

pub const ID: &str = ApplyPack::ID;

/// The `structured` pairs, in the order the host sends them. Lists are JSON
/// arrays of strings written as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Required: the resume text (numbers in generated text must appear in it).
    pub resume_text: Option<String>,
    /// JSON list: the resume's skills (`resume-analyze`).
    pub resume_skills: Option<String>,
    pub resume_seniority: Option<String>,
    /// JSON list: the resume's metric-bearing bullets (`resume-analyze`).
    pub resume_bullets: Option<String>,
    pub job_title: Option<String>,
    pub job_company: Option<String>,
    /// JSON list: the job's keywords (`job-analyze`).
    pub job_keywords: Option<String>,
    /// JSON list: the job's must-haves (`job-analyze`).
    pub job_must_haves: Option<String>,
    /// JSON object: a language model's draft ([`Draft`]); absent for the template pack.
    pub ai_draft: Option<String>,
}

/// A tailored bullet and how well it matches the job (0–100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bullet {
    pub match_score: u32,
    pub text: String,
}

/// Skills the resume shows against the job's keywords, and the AI's structures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AtsChecklist {
    /// Matched keywords ÷ job keywords × 100, one decimal; 0 when the job has none.
    pub keyword_coverage: f64,
    /// Job keywords the resume's skills hold (≤ 20, in the job's order).
    pub matched_skills: Vec<String>,
    /// Job keywords the resume's skills lack (≤ 20).
    pub missing_skills: Vec<String>,
    /// AI pack only: rewritten experience bullets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized_experience: Option<Vec<String>>,
    /// AI pack only: the structured tailored resume ([`OptimizedResume`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized_resume: Option<OptimizedResume>,
}

/// The pack. `dropped_claims` lists generated texts the numeric-claims guard
/// removed (a number the resume does not hold); the host logs and counts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    pub ats_checklist: AtsChecklist,
    pub cover_note: String,
    pub dropped_claims: Vec<String>,
    /// `ats_checklist.keyword_coverage`, repeated at the top as the earlier API did.
    pub keyword_coverage: f64,
    pub tailored_bullets: Vec<Bullet>,
    pub tailored_summary: String,
}

/// What the host asks a language model for (its JSON schema is
/// [`draft_schema`]). Read leniently: a missing or mistyped field is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub tailored_summary: Option<String>,
    #[serde(default)]
    pub tailored_bullets: Vec<DraftBullet>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub cover_note: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub optimized_experience: Vec<String>,
    #[serde(default)]
    pub optimized_resume: Option<OptimizedResume>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftBullet {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::number")]
    pub match_score: Option<f64>,
}

/// The structured tailored resume of the AI pack (the earlier `optimized_resume`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizedResume {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub summary_proof: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub core_skills: Vec<String>,
    #[serde(default)]
    pub experience: Vec<OptimizedRole>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub projects: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub education: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub certifications: Vec<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub additional: Vec<String>,
}

/// One role of [`OptimizedResume::experience`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizedRole {
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub company: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub dates: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::list")]
    pub bullets: Vec<String>,
}

/// The JSON schema of [`Draft`], sent as the model's response format.
pub fn draft_schema() -> Value {
    let text = serde_json::json!({"type": "string"});
    let texts = serde_json::json!({"type": "array", "items": {"type": "string"}});
    let role = serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["title", "company", "location", "dates", "scope", "bullets"],
        "properties": {
            "title": text, "company": text, "location": text, "dates": text,
            "scope": text, "bullets": texts,
        },
    });
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["tailored_summary", "tailored_bullets", "cover_note", "optimized_experience", "optimized_resume"],
        "properties": {
            "tailored_summary": text,
            "tailored_bullets": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["text", "match_score"],
                    "properties": {"text": text, "match_score": {"type": "integer", "minimum": 0, "maximum": 100}},
                },
            },
            "cover_note": text,
            "optimized_experience": texts,
            "optimized_resume": {
                "type": "object",
                "additionalProperties": false,
                "required": ["summary", "summary_proof", "core_skills", "experience", "projects", "education", "certifications", "additional"],
                "properties": {
                    "summary": text, "summary_proof": texts, "core_skills": texts,
                    "experience": {"type": "array", "items": role},
                    "projects": texts, "education": texts, "certifications": texts, "additional": texts,
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_read_leniently() {
        let draft: Draft = serde_json::from_value(serde_json::json!({
            "tailored_summary": 7,
            "tailored_bullets": [{"text": "Shipped Rust services", "match_score": "high"}],
            "optimized_experience": ["a", 3, "b"],
            "unknown": true,
        }))
        .unwrap();
        assert_eq!(draft.tailored_summary, None);
        assert_eq!(draft.tailored_bullets[0].match_score, None);
        assert_eq!(draft.optimized_experience, ["a", "b"]);
        assert!(draft.optimized_resume.is_none());
    }

    #[test]
    fn the_schema_requires_every_draft_field() {
        let schema = draft_schema();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap())
            .collect();
        let fields = crate::introspect::field_names::<Draft>();
        let mut sorted_required = required.clone();
        sorted_required.sort_unstable();
        let mut sorted_fields = fields.to_vec();
        sorted_fields.sort_unstable();
        assert_eq!(sorted_required, sorted_fields);
    }
}
