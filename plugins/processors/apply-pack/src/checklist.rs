//! The ATS checklist: which of the job's keywords the resume's skills hold.

use jobscout_contracts::apply_pack::AtsChecklist;

/// At most this many matched and this many missing skills are listed.
pub const MAX_LISTED: usize = 20;

/// Matched and missing job keywords (case-insensitive, in the job's order, each
/// once) and the coverage: matched ÷ keywords × 100 to one decimal, 0 without keywords.
pub fn build(resume_skills: &[String], job_keywords: &[String]) -> AtsChecklist {
    let held: Vec<String> = resume_skills
        .iter()
        .map(|skill| skill.to_lowercase())
        .collect();
    let mut seen = Vec::new();
    let mut matched = Vec::new();
    let mut missing = Vec::new();
    for keyword in job_keywords {
        let folded = keyword.to_lowercase();
        if seen.contains(&folded) {
            continue;
        }
        if held.contains(&folded) {
            matched.push(keyword.clone());
        } else {
            missing.push(keyword.clone());
        }
        seen.push(folded);
    }
    let keyword_coverage = if seen.is_empty() {
        0.0
    } else {
        (matched.len() as f64 / seen.len() as f64 * 1000.0).round() / 10.0
    };
    matched.truncate(MAX_LISTED);
    missing.truncate(MAX_LISTED);
    AtsChecklist {
        keyword_coverage,
        matched_skills: matched,
        missing_skills: missing,
        optimized_experience: None,
        optimized_resume: None,
    }
}
