//! Ghost-job likelihood (docs/processors.md, `trust`): pipeline wording, vagueness, thin
//! descriptions and age. Higher is worse, capped at 100; ≥40 is high, ≥15 medium.
//!
//! Unlike the earlier backend, the posting date is known (it never saw one), and
//! "pipeline" alone does not count: a "data pipeline" is a job, a "talent
//! pipeline" is not.

use std::sync::LazyLock;

use crate::evidence::Evidence;
use crate::input::TrustInput;
use crate::quality::Quality;
use crate::report::Level;
use crate::text::{self, cue, CueSet};

const PHRASE_POINTS: u32 = 10;
const GENERIC_POINTS: u32 = 15;
const GENERIC_THRESHOLD: usize = 2;
const SHORT_POINTS: u32 = 10;
const SHORT_CHARS: usize = 200;
const VERY_OLD_POINTS: u32 = 20;
const VERY_OLD_DAYS: i64 = 180;
const OLD_POINTS: u32 = 10;
const OLD_DAYS: i64 = 90;

pub struct GhostFindings {
    pub score: u32,
    pub level: Level,
    pub reasons: Vec<String>,
}

/// Wording of evergreen and pipeline postings that fill no specific seat.
static GHOST_PHRASES: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "always hiring",
            r"always\s+(?:hiring|recruiting)|(?:we(?:'re|\s+are)\s+)?always\s+looking\s+for",
        ),
        cue(
            "talent pool",
            r"talent\s+(?:pool|pipeline|community|network)|(?:candidate|hiring)\s+pipeline|pipeline\s+of\s+(?:candidates|talent)",
        ),
        cue(
            "future opportunities",
            r"future\s+(?:opportunities|openings|roles|vacancies|positions|needs)",
        ),
        cue(
            "general application",
            r"(?:general|open|speculative|unsolicited)\s+applications?",
        ),
        cue(
            "evergreen",
            r"evergreen\s+(?:role|position|requisition|posting|opening)",
        ),
        cue(
            "no current openings",
            r"no\s+(?:current|immediate)\s+(?:openings|vacancies)|not\s+(?:currently|actively)\s+hiring",
        ),
        cue(
            "kept on file",
            r"(?:keep|kept|hold)\s+(?:your\s+)?(?:cv|resume|résumé|application|details)\s+on\s+file",
        ),
    ])
});

/// Clichés that say nothing about the job.
static GENERIC_PHRASES: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "fast-paced environment",
            r"fast[\s-]paced\s+(?:environment|team|company|startup)",
        ),
        cue("team player", r"team\s+player"),
        cue("self-starter", r"self[\s-]starter"),
        cue("dynamic team", r"dynamic\s+(?:team|environment|company)"),
        cue(
            "exciting opportunity",
            r"exciting\s+opportunit(?:y|ies)|great\s+opportunity",
        ),
        cue("rockstar", r"rock\s?stars?|ninjas?|gurus?"),
        cue("wear many hats", r"wear\s+many\s+hats"),
        cue("work hard, play hard", r"work\s+hard,?\s+play\s+hard"),
        cue(
            "other duties as assigned",
            r"other\s+duties\s+as\s+assigned|various\s+(?:tasks|duties)",
        ),
        cue("growing company", r"(?:fast[\s-])?growing\s+company"),
        cue(
            "results-driven",
            r"results[\s-]driven|go[\s-]getter|hit\s+the\s+ground\s+running",
        ),
    ])
});

pub fn assess(input: &TrustInput, evidence: &Evidence, quality: &Quality) -> GhostFindings {
    let job_text = evidence.job_text();
    let mut score = 0;
    let mut reasons = Vec::new();

    let phrases = GHOST_PHRASES.found(job_text);
    if !phrases.is_empty() {
        score += PHRASE_POINTS * phrases.len() as u32;
        reasons.push(format!(
            "Uses wording of evergreen or pipeline postings: {}.",
            text::quoted_list(&phrases)
        ));
    }
    let generic = GENERIC_PHRASES.found(job_text);
    if generic.len() >= GENERIC_THRESHOLD {
        score += GENERIC_POINTS;
        reasons.push(format!(
            "Leans on generic phrases instead of specifics: {}.",
            text::quoted_list(&generic)
        ));
    }
    let chars = evidence.job_text_chars();
    // An empty description is scored once, by the quality check.
    if chars > 0 && chars < SHORT_CHARS {
        score += SHORT_POINTS;
        reasons.push(format!(
            "The description is very short ({chars} characters)."
        ));
    }
    score += quality.penalty;
    reasons.extend(quality.reasons.iter().cloned());

    if let Some(days) = age_in_days(input) {
        if days > VERY_OLD_DAYS {
            score += VERY_OLD_POINTS;
            reasons.push(format!(
                "Posted {days} days ago; postings this old are often left up without an active search."
            ));
        } else if days > OLD_DAYS {
            score += OLD_POINTS;
            reasons.push(format!(
                "Posted {days} days ago; roles that stay open this long are often not being filled."
            ));
        }
    }

    let score = score.min(100);
    GhostFindings {
        score,
        level: match score {
            40.. => Level::High,
            15.. => Level::Medium,
            _ => Level::Low,
        },
        reasons,
    }
}

/// Whole days since the posting date (0 for a date in the future).
pub fn age_in_days(input: &TrustInput) -> Option<i64> {
    input
        .posted_at
        .map(|posted| (input.now - posted).whole_days().max(0))
}
