//! Apply packs (reference §4.5): the resume version and the job target they are
//! for, the `apply-pack` processor's pack (the template one, or a language
//! model's draft checked by the processor's numeric-claims guard), stored per
//! user and cached by hash. The prompt is here, in the host: the key and the
//! instructions never reach a plugin, and job text is sent as data only
//! ([`prompt`]).

use jobscout_contracts::apply_pack::{self, ApplyPack, Draft};
use jobscout_contracts::learning_summary::{self, FeedbackRow, LearningSummary};
use jobscout_contracts::structured::{list_value, present};
use serde_json::Value;
use uuid::Uuid;

use super::processors::{call, structured_input};
use super::quota;
use super::resume::{self, ResumeAnalysis};
use super::{jobs, sha256_hex, Apply, Error, Result};
use crate::ai::{AiError, Caller, JsonChat, Usage};
use crate::storage::apply::job_targets::JobTarget;
use crate::storage::apply::outcomes;
use crate::storage::apply::packs::{self, StoredPack};
use crate::storage::profiles::{self, NewResume, ResumeVersion};

pub mod prompt;
pub mod review;

/// How users name this feature; AI errors say "{FEATURE} failed".
pub const FEATURE: &str = "Apply pack generation";
/// Prefix of the job part of `pack_hash` for AI packs, as the earlier backend wrote
/// it, so an adopted database's AI packs are still found.
const AI_PACK_HASH_PREFIX: &str = "v2_ai_only:";
/// The earlier backend's sampling for pack generation.
const TEMPERATURE: f32 = 0.3;
const MAX_TOKENS: u32 = 2_200;
/// The learning summary reads the user's newest feedback rows (the earlier 50).
const LEARNING_ROWS: i64 = 50;

/// `POST /apply/pack/generate`'s input.
#[derive(Debug, Clone, Default)]
pub struct PackRequest {
    pub resume_text: String,
    pub job_url: Option<String>,
    pub job_text: Option<String>,
    pub use_ai: bool,
}

/// A pack and whether it came from the cache.
#[derive(Debug, Clone)]
pub struct Generated {
    pub pack: StoredPack,
    pub cached: bool,
}

/// `pack_hash` as the earlier backend computed it.
pub fn pack_hash(resume_hash: &str, job_hash: &str, use_ai: bool) -> String {
    let job_part = if use_ai {
        format!("{AI_PACK_HASH_PREFIX}{job_hash}")
    } else {
        job_hash.to_string()
    };
    sha256_hex(format!("{resume_hash}:{job_part}").as_bytes())
}

/// The user's pack for this resume and job: the cached one, or a new one.
pub async fn generate(apply: &Apply, user_id: Uuid, request: PackRequest) -> Result<Generated> {
    let resume_text = request.resume_text.trim();
    if resume_text.is_empty() {
        return Err(Error::Invalid(
            "resume_text is empty: paste the resume's text or upload the file first".into(),
        ));
    }
    let job_url = present(request.job_url);
    let job_text = present(request.job_text);
    if job_url.is_none() && job_text.is_none() {
        return Err(Error::Invalid(
            "Either job_url or job_text is required".into(),
        ));
    }
    if request.use_ai && !apply.ai.configured() {
        return Err(Error::Unavailable(format!(
            "{}. Without AI, send use_ai=false for the template pack.",
            apply.settings.ai.not_configured_reason()
        )));
    }
    // The earlier backend hashed the resume as sent (no trimming): kept, so an
    // adopted database's packs are still found.
    let resume_hash = sha256_hex(request.resume_text.as_bytes());
    let job_hash = jobs::job_hash(job_url.as_deref(), job_text.as_deref());
    let pack_hash = pack_hash(&resume_hash, &job_hash, request.use_ai);
    if let Some(pack) = packs::find_by_hash(&apply.pool, user_id, &pack_hash).await? {
        return Ok(Generated { pack, cached: true });
    }
    // A cached pack (above) is free; a new one is paid for: checked now, before
    // the work, and charged with the pack's insert below.
    let gate = quota::pack_gate(apply, user_id, chrono::Utc::now()).await?;
    let (resume, analysis) =
        resume_version(apply, user_id, &request.resume_text, &resume_hash).await?;
    let target = jobs::parse(apply, user_id, job_url, job_text).await?.target;
    let mut reviewed = false;
    let (draft, ai_model) = if request.use_ai {
        let (draft, data) = ai_draft(apply, user_id, resume_text, &analysis, &target).await?;
        let draft = if gate.review {
            let (draft, revised) = review::review(apply, user_id, &data, draft).await;
            tracing::info!(revised, "apply pack reviewed");
            reviewed = true;
            draft
        } else {
            draft
        };
        (Some(draft), Some(apply.settings.ai.model.clone()))
    } else {
        (None, None)
    };
    let input = processor_input(resume_text, &analysis, &target, draft.as_ref());
    let pack = call::<ApplyPack>(&apply.plugins, &structured_input(&input)).await?;
    if !pack.dropped_claims.is_empty() {
        metrics::counter!("jobscout_ai_claims_dropped_total", "feature" => "apply_pack")
            .increment(pack.dropped_claims.len() as u64);
        tracing::info!(
            dropped = pack.dropped_claims.len(),
            "the numeric-claims guard removed generated texts from an apply pack"
        );
    }
    let stored = quota::store_pack(
        apply,
        user_id,
        &StoredPack {
            user_id: Some(user_id),
            resume_id: Some(resume.resume_id),
            job_target_id: Some(target.job_target_id),
            pack_hash,
            tailored_summary: Some(pack.tailored_summary),
            tailored_bullets: Some(to_json(&pack.tailored_bullets)?),
            cover_note: Some(pack.cover_note),
            ats_checklist: Some(to_json(&pack.ats_checklist)?),
            keyword_coverage: Some(pack.keyword_coverage),
            ai_model,
            ..StoredPack::default()
        },
        gate,
        reviewed,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Generated {
        pack: stored,
        cached: false,
    })
}

/// One of the user's packs; another user's is a 404.
pub async fn owned(apply: &Apply, user_id: Uuid, apply_pack_id: Uuid) -> Result<StoredPack> {
    packs::get_owned(&apply.pool, user_id, apply_pack_id)
        .await?
        .ok_or_else(|| Error::NotFound("Apply pack not found".into()))
}

/// The user's newest resume version with this text and its analysis, or a new
/// version analysed now.
async fn resume_version(
    apply: &Apply,
    user_id: Uuid,
    resume_text: &str,
    resume_hash: &str,
) -> Result<(ResumeVersion, ResumeAnalysis)> {
    if let Some(version) = profiles::find_resume_by_hash(&apply.pool, user_id, resume_hash).await? {
        let stored = stored_analysis(&version);
        if !stored.skills.is_empty() || stored.seniority.is_some() {
            return Ok((version, stored));
        }
    }
    let analysis = resume::analyze(apply, resume_text).await;
    let version = profiles::insert_resume(
        &apply.pool,
        user_id,
        &NewResume {
            resume_text: resume_text.to_string(),
            resume_hash: resume_hash.to_string(),
            proof_points: None,
            // The shape the profile routes write (`{"skills": [...]}`).
            extracted_skills: Some(serde_json::json!({ "skills": analysis.skills })),
            extracted_seniority: analysis.seniority.clone(),
            extracted_bullets: Some(serde_json::json!(analysis.bullets)),
        },
    )
    .await?;
    Ok((version, analysis))
}

/// The analysis stored with a resume version. `extracted_skills` has two shapes
/// in adopted databases: `{"skills": [...]}` (profile routes) and a bare list
/// (the earlier pack generation).
fn stored_analysis(version: &ResumeVersion) -> ResumeAnalysis {
    let skills = match &version.extracted_skills {
        Some(Value::Object(object)) => strings(object.get("skills")),
        other => strings(other.as_ref()),
    };
    ResumeAnalysis {
        skills,
        seniority: version.extracted_seniority.clone(),
        bullets: strings(version.extracted_bullets.as_ref()),
    }
}

/// The strings of a stored JSON list; anything else is empty.
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The model's draft: instructions in the system message, the resume and the job
/// as fenced data in the user message, answered in [`apply_pack::draft_schema`];
/// with that user message, which the reviewer loop reuses.
async fn ai_draft(
    apply: &Apply,
    user_id: Uuid,
    resume_text: &str,
    analysis: &ResumeAnalysis,
    target: &JobTarget,
) -> Result<(Draft, String)> {
    let schema = apply_pack::draft_schema();
    let recommendations = learning(apply, user_id).await?;
    let user = prompt::user_message(resume_text, analysis, target, &recommendations);
    let answer = apply
        .ai
        .chat_json::<Value>(
            Caller {
                feature: FEATURE,
                plugin: None,
            },
            JsonChat {
                system: prompt::SYSTEM,
                user: &user,
                schema_name: "apply_pack",
                schema: &schema,
                max_tokens: MAX_TOKENS,
                temperature: TEMPERATURE,
                model: None,
                timeout: None,
            },
        )
        .await
        .map_err(|error| Error::Ai {
            feature: FEATURE,
            error,
        })?;
    tracing::info!(
        %user_id,
        prompt_tokens = answer.usage.prompt_tokens,
        completion_tokens = answer.usage.completion_tokens,
        "apply pack drafted by the AI provider"
    );
    count_tokens(apply, user_id, FEATURE, answer.usage).await;
    let mut value = answer.value;
    let leaks = prompt::remove_instruction_leaks(&mut value);
    if leaks > 0 {
        tracing::warn!(
            leaks,
            "an AI draft repeated the system prompt; those texts were removed"
        );
    }
    let draft = serde_json::from_value(value).map_err(|error| Error::Ai {
        feature: FEATURE,
        error: AiError::Invalid(format!("the draft does not follow its schema: {error}")),
    })?;
    Ok((draft, user))
}

/// Recommendations from the user's recent application outcomes
/// (`learning-summary`), for the prompt. Best effort: without the processor the
/// pack is drafted without them, and a warning is logged.
async fn learning(apply: &Apply, user_id: Uuid) -> Result<Vec<String>> {
    let rows = outcomes::recent_feedback(&apply.pool, user_id, LEARNING_ROWS).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<FeedbackRow> = rows
        .into_iter()
        .filter_map(|row| {
            let parsed = row.parsed_json.unwrap_or(Value::Null);
            Some(FeedbackRow {
                feedback_type: row.feedback_type,
                created_at: row.created_at?.to_rfc3339(),
                reason_categories: strings(parsed.get("reason_categories")),
                signals: strings(parsed.get("signals")),
            })
        })
        .collect();
    let input = learning_summary::Input {
        now: Some(chrono::Utc::now().to_rfc3339()),
        feedback: Some(serde_json::to_string(&rows).expect("rows serialise")),
    };
    match call::<LearningSummary>(&apply.plugins, &structured_input(&input)).await {
        Ok(summary) => Ok(summary.recommendations),
        Err(error) => {
            tracing::warn!(%error, "apply pack drafted without the learning summary");
            Ok(Vec::new())
        }
    }
}

fn processor_input(
    resume_text: &str,
    analysis: &ResumeAnalysis,
    target: &JobTarget,
    draft: Option<&Draft>,
) -> apply_pack::Input {
    apply_pack::Input {
        resume_text: Some(resume_text.to_string()),
        resume_skills: list_value(&analysis.skills),
        resume_seniority: analysis.seniority.clone(),
        resume_bullets: list_value(&analysis.bullets),
        job_title: target.title.clone(),
        job_company: target.company.clone(),
        job_keywords: list_value(&target.keywords),
        job_must_haves: list_value(&target.must_haves),
        ai_draft: draft.map(|draft| serde_json::to_string(draft).expect("a draft serialises")),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|error| Error::Internal(error.into()))
}

/// Adds one AI call's tokens to the user's usage (`storage::ai_usage`). The pack
/// the call paid for matters more than the counter: a failed write is logged.
pub(super) async fn count_tokens(apply: &Apply, user_id: Uuid, feature: &str, usage: Usage) {
    let today = chrono::Utc::now().date_naive();
    if let Err(error) = crate::storage::ai_usage::record(
        &apply.pool,
        user_id,
        today,
        feature,
        usage.prompt_tokens,
        usage.completion_tokens,
    )
    .await
    {
        tracing::warn!(%user_id, feature, %error, "AI token usage not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pack_hash_is_the_earlier_backends() {
        let resume = sha256_hex(b"resume");
        let job = jobs::job_hash(None, Some("job text"));
        assert_eq!(
            pack_hash(&resume, &job, false),
            sha256_hex(format!("{resume}:{job}").as_bytes())
        );
        assert_eq!(
            pack_hash(&resume, &job, true),
            sha256_hex(format!("{resume}:v2_ai_only:{job}").as_bytes())
        );
    }

    #[test]
    fn both_stored_skill_shapes_are_read() {
        let version = |skills| ResumeVersion {
            extracted_skills: Some(skills),
            extracted_seniority: Some("senior".into()),
            extracted_bullets: Some(serde_json::json!(["Cut costs 20%"])),
            ..ResumeVersion::default()
        };
        let from_profile = stored_analysis(&version(serde_json::json!({"skills": ["Rust"]})));
        let from_pack = stored_analysis(&version(serde_json::json!(["Rust"])));
        assert_eq!(from_profile, from_pack);
        assert_eq!(from_pack.skills, ["Rust"]);
        assert_eq!(from_pack.bullets, ["Cut costs 20%"]);
    }
}
