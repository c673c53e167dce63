//! Is the job text a real job description? Scraped bot checks, encoded blobs
//! and requirement-free text make the ghost signal stronger and every text-based
//! confidence weaker. The penalty (0–40) goes into the ghost score; the same
//! findings scaled to 0–100 are the "badness" that lowers confidence.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::{self, Cue, CueSet};

const EMPTY_PENALTY: u32 = 25;
const ENCODED_PENALTY: u32 = 18;
const SYMBOLS_PENALTY: u32 = 10;
const NO_REQUIREMENTS_PENALTY: u32 = 15;
const FEW_REQUIREMENTS_PENALTY: u32 = 7;
const BOT_CHECK_PENALTY: u32 = 8;
const MAX_PENALTY: u32 = 40;

pub struct Quality {
    /// Ghost-score points, 0–40.
    pub penalty: u32,
    /// The penalty on a 0–100 scale, for confidence.
    pub badness: u32,
    pub reasons: Vec<String>,
    /// Distinct requirement cues found (years of experience, degree, "you have" …).
    pub requirement_hints: usize,
}

/// Wording that states what the job needs.
static REQUIREMENT_HINTS: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        Cue {
            label: "requirements",
            pattern: r"requirements?|qualifications?|must[\s-]haves?|nice[\s-]to[\s-]haves?",
        },
        Cue {
            label: "responsibilities",
            pattern: r"responsibilities|what\s+you(?:'ll|\s+will)\s+(?:do|work\s+on|own)|day[\s-]to[\s-]day",
        },
        Cue {
            label: "you have",
            pattern: r"you\s+(?:have|bring|possess|will\s+need)|we(?:'re|\s+are)\s+looking\s+for\s+(?:someone|a\s+candidate|people)\s+(?:with|who)",
        },
        Cue {
            label: "years of experience",
            pattern: r"(?:\d+|one|two|three|four|five|six|seven|eight|ten)\s*\+?\s*(?:years?|yrs?)(?:\s+of)?(?:\s+\w+){0,3}\s+experience",
        },
        Cue {
            label: "experience with",
            pattern: r"(?:experience|expertise)\s+(?:with|in|building|designing|running)",
        },
        Cue {
            label: "degree",
            pattern: r"(?:bachelor|master|phd|doctorate)(?:'s)?|degree\s+in",
        },
        Cue {
            label: "proficiency",
            pattern: r"(?:proficien(?:t|cy)|fluen(?:t|cy)|familiar(?:ity)?)\s+(?:in|with)|knowledge\s+of|understanding\s+of",
        },
        Cue {
            label: "skills",
            pattern: r"skills?",
        },
    ])
});

/// Text of a bot check or error page rather than a posting.
static BOT_CHECK: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        Cue {
            label: "human check",
            pattern: r"verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot|captcha|checking\s+your\s+browser",
        },
        Cue {
            label: "javascript wall",
            pattern: r"enable\s+javascript|javascript\s+is\s+(?:disabled|required)",
        },
        Cue {
            label: "error page",
            pattern: r"access\s+denied|cloudflare\s+ray\s+id|403\s+forbidden|page\s+not\s+found",
        },
    ])
});

/// A long token of base64/URL-safe characters with letters and digits mixed.
static ENCODED_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/_=-]{40,}").expect("encoded token regex"));

pub fn assess(job_text: &str) -> Quality {
    let job_text = job_text.trim();
    let requirement_hints = REQUIREMENT_HINTS.found(job_text).len();
    if job_text.is_empty() {
        return Quality {
            penalty: EMPTY_PENALTY,
            badness: scale(EMPTY_PENALTY),
            reasons: vec!["No job description was available to check.".to_string()],
            requirement_hints,
        };
    }
    let mut penalty = 0;
    let mut reasons = Vec::new();
    let encoded = ENCODED_TOKEN.find_iter(job_text).any(|token| {
        let token = token.as_str();
        token.chars().any(|c| c.is_ascii_digit())
            && token.chars().any(|c| c.is_ascii_lowercase())
            && token.chars().any(|c| c.is_ascii_uppercase())
    });
    if encoded {
        penalty += ENCODED_PENALTY;
        reasons.push(
            "The text contains long encoded strings, so it may be a scraped page rather than a written description."
                .to_string(),
        );
    }
    if job_text.chars().count() >= 50 && text::letter_ratio(job_text) < 0.55 {
        penalty += SYMBOLS_PENALTY;
        reasons.push("Much of the text is symbols or numbers rather than words.".to_string());
    }
    match requirement_hints {
        0 => {
            penalty += NO_REQUIREMENTS_PENALTY;
            reasons.push(
                "No requirements, qualifications or responsibilities are listed.".to_string(),
            );
        }
        1 | 2 => {
            penalty += FEW_REQUIREMENTS_PENALTY;
            reasons.push("Only a few concrete requirements are listed.".to_string());
        }
        _ => {}
    }
    if !BOT_CHECK.found(job_text).is_empty() {
        penalty += BOT_CHECK_PENALTY;
        reasons.push(
            "The text looks like a bot check or error page, not the posting itself.".to_string(),
        );
    }
    let penalty = penalty.min(MAX_PENALTY);
    Quality {
        penalty,
        badness: scale(penalty),
        reasons,
        requirement_hints,
    }
}

fn scale(penalty: u32) -> u32 {
    penalty * 100 / MAX_PENALTY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_description_has_no_penalty() {
        let quality = assess(
            "Responsibilities: build APIs. Requirements: 5+ years of experience with Rust; \
             a degree in computer science or knowledge of distributed systems.",
        );
        assert_eq!(quality.penalty, 0, "{:?}", quality.reasons);
        assert!(quality.requirement_hints >= 3);
    }

    #[test]
    fn scraped_junk_scores_on_every_count() {
        let junk =
            "Please verify you are human. aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHRva2Vu \
                    ## 12345 67890 %%% ### 1111 2222 3333 4444 5555 6666 7777 8888 9999 0000";
        let quality = assess(junk);
        // encoded 18 + symbols 10 + no requirements 15 + bot check 8 = 51, capped at 40.
        assert_eq!(quality.penalty, 40);
        assert_eq!(quality.badness, 100);
        assert_eq!(quality.reasons.len(), 4);
        let empty = assess("  ");
        assert_eq!((empty.penalty, empty.badness), (25, 62));
    }
}
