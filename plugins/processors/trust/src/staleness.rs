//! Staleness, 0–100 (docs/processors.md, `trust`): age, expiry and "position closed"
//! wording. The host now passes `posted_at`/`valid_through`, which the earlier
//! backend never stored, so the age rules finally apply.

use std::sync::LazyLock;

use time::{Duration, OffsetDateTime};

use crate::evidence::Evidence;
use crate::ghost::age_in_days;
use crate::input::TrustInput;
use crate::text::{self, cue, CueSet};

pub struct StalenessFindings {
    pub score: u32,
    pub reasons: Vec<String>,
    pub expired: bool,
}

/// Wording that says applications are no longer taken.
static CLOSED: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "no longer accepting applications",
            r"no\s+longer\s+(?:accepting|taking|receiving)\s+applications",
        ),
        cue(
            "position filled",
            r"(?:position|role|job|vacancy|opening)\s+(?:has\s+(?:already\s+)?been|is\s+(?:now\s+)?)\s*filled",
        ),
        cue(
            "posting closed",
            r"(?:job|posting|position|vacancy|listing|opening|role)\s+(?:has\s+)?(?:expired|closed|is\s+closed)",
        ),
        cue(
            "no longer available",
            r"(?:job|position|posting|listing|vacancy|role)\s+is\s+no\s+longer\s+(?:available|open|active)",
        ),
        cue(
            "applications closed",
            r"applications?\s+(?:are|is|have|has)\s+(?:now\s+)?closed",
        ),
    ])
});

pub fn assess(input: &TrustInput, evidence: &Evidence) -> StalenessFindings {
    let mut score = 0u32;
    let mut reasons = Vec::new();

    match age_in_days(input) {
        Some(days) if days > 180 => {
            score += 40;
            reasons.push(format!("Posted {days} days ago (more than six months)."));
        }
        Some(days) if days > 90 => {
            score += 20;
            reasons.push(format!("Posted {days} days ago (more than three months)."));
        }
        Some(days) if days > 30 => {
            score += 10;
            reasons.push(format!("Posted {days} days ago (more than a month)."));
        }
        Some(_) => {}
        None => {
            score += 15;
            reasons.push("The posting date is not known.".to_string());
        }
    }

    let mut expired = false;
    match input.valid_through {
        Some(until) if until < input.now => {
            expired = true;
            score += 50;
            reasons.push(format!("The posting expired on {}.", day(until)));
        }
        Some(until) if until - input.now < Duration::days(7) => {
            score += 10;
            reasons.push(format!("The posting closes soon, on {}.", day(until)));
        }
        Some(_) => {}
        None => {
            if age_in_days(input).is_some_and(|days| days > 60) {
                score += 5;
                reasons
                    .push("No closing date is given for a posting over 60 days old.".to_string());
            }
        }
    }

    let in_description = CLOSED.found(&evidence.description);
    if !in_description.is_empty() {
        score += 30;
        reasons.push(format!(
            "The description says the position is closed ({}).",
            text::quoted_list(&in_description)
        ));
    } else {
        // The page is checked only when the description did not already say so.
        let on_page = CLOSED.found(&evidence.page.text);
        if !on_page.is_empty() {
            score += 25;
            reasons.push(format!(
                "The job page says the position is closed ({}).",
                text::quoted_list(&on_page)
            ));
        }
    }

    if input.job_url.is_none() {
        score += 5;
        reasons.push(
            "No job URL is known, so the posting cannot be rechecked at its source.".to_string(),
        );
    }

    StalenessFindings {
        score: score.min(100),
        reasons,
        expired,
    }
}

/// `2026-10-01`, in the offset the date was given in.
fn day(moment: OffsetDateTime) -> String {
    moment.date().to_string()
}
