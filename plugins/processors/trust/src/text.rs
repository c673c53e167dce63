//! Finding phrases, e-mail addresses and links in job text.
//!
//! Phrases match on word boundaries, case-insensitively: `crypto` does not
//! match inside `cryptography`, `signal` alone is not the Signal app. A match
//! preceded in its sentence by a negation ("we will never ask for an upfront
//! fee") is a disclaimer, not a warning sign, for the cues that ask for it.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

/// A phrase to look for (a regex fragment; `\b` is added around it) and how
/// reasons name it.
pub struct Cue {
    pub label: &'static str,
    pub pattern: &'static str,
}

pub struct CueSet {
    cues: Vec<(&'static str, Regex)>,
}

impl CueSet {
    pub fn new(cues: &[Cue]) -> CueSet {
        CueSet {
            cues: cues
                .iter()
                .map(|cue| {
                    let pattern = format!(r"(?i)\b(?:{})\b", cue.pattern);
                    let regex = Regex::new(&pattern)
                        .unwrap_or_else(|error| panic!("cue {:?}: {error}", cue.label));
                    (cue.label, regex)
                })
                .collect(),
        }
    }

    /// Labels of the cues found anywhere in `text`, in table order, each once.
    pub fn found(&self, text: &str) -> Vec<&'static str> {
        self.collect(text, |_, _| true)
    }

    /// Like [`CueSet::found`], but a match negated earlier in its sentence
    /// ("no application fee", "we never use Telegram") does not count.
    pub fn found_affirmed(&self, text: &str) -> Vec<&'static str> {
        self.collect(text, |text, start| !is_negated(text, start))
    }

    fn collect(&self, text: &str, keep: impl Fn(&str, usize) -> bool) -> Vec<&'static str> {
        let mut labels = Vec::new();
        for (label, regex) in &self.cues {
            let hit = regex.find_iter(text).any(|found| keep(text, found.start()));
            if hit && !labels.contains(label) {
                labels.push(*label);
            }
        }
        labels
    }
}

/// Words that turn a following cue into a disclaimer or a perk: "no fee",
/// "we never use WhatsApp", "we cover the visa application fee".
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:no|not|never|without|nor|neither|cannot|free|covers?|covered|reimburse[sd]?|waived?|waives)\b|n't\b|\b(?:we|company|employer)(?:'ll|\s+will)?\s+(?:pays?|covers?)\b",
    )
    .expect("negation regex")
});

/// Whether the clause before `start` (at most 8 words back) negates what
/// follows. Clauses end at punctuation and "but", so "No experience needed,
/// just pay the fee" still counts while "we never contact candidates over
/// WhatsApp or Telegram" does not.
fn is_negated(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let clause_start = before
        .rfind(['.', '!', '?', '\n', ';', ',', ':'])
        .map_or(0, |at| at + 1);
    let clause = &before[clause_start..];
    let words: Vec<&str> = clause.split_whitespace().collect();
    let after_but = words
        .iter()
        .rposition(|word| word.eq_ignore_ascii_case("but"))
        .map_or(0, |at| at + 1);
    let words = &words[after_but..];
    let window = words[words.len().saturating_sub(8)..].join(" ");
    NEGATION.is_match(&window)
}

/// Curly quotes and apostrophes made straight, so patterns need one spelling.
pub fn normalize(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace('\u{00A0}', " ")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9][a-z0-9._%+-]*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\b")
        .expect("email regex")
});

/// Distinct e-mail addresses in `text`, lower-cased, in order of appearance.
pub fn emails(text: &str) -> Vec<String> {
    distinct(
        EMAIL
            .find_iter(text)
            .map(|found| found.as_str().to_lowercase()),
    )
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:https?://|www\.|(?:wa|t|m|signal|telegram)\.me/)[^\s<>"'()\[\]{}]+"#)
        .expect("link regex")
});

/// Distinct links written out in `text` (`https://…`, `www.…`, `wa.me/…`).
pub fn links(text: &str) -> Vec<String> {
    distinct(LINK.find_iter(text).map(|found| {
        found
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?'])
            .to_string()
    }))
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.filter(|item| seen.insert(item.clone())).collect()
}

/// Share of letters among the visible (non-space) characters.
pub fn letter_ratio(text: &str) -> f64 {
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    if visible == 0 {
        return 0.0;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    letters as f64 / visible as f64
}

/// Quotes a list of labels for a reason: `"a", "b" and "c"`.
pub fn quoted_list(labels: &[&str]) -> String {
    let quoted: Vec<String> = labels.iter().map(|label| format!("\"{label}\"")).collect();
    join_words(&quoted)
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues() -> CueSet {
        CueSet::new(&[
            Cue {
                label: "crypto",
                pattern: r"crypto",
            },
            Cue {
                label: "upfront fee",
                pattern: r"up[\s-]?front\s+fees?",
            },
            Cue {
                label: "go",
                pattern: r"go",
            },
        ])
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let set = cues();
        assert_eq!(
            set.found("Cryptography and MongoDB at Google"),
            Vec::<&str>::new()
        );
        assert_eq!(
            set.found("Paid in CRYPTO. We use Go."),
            vec!["crypto", "go"]
        );
        assert_eq!(set.found("an Up-front  fee"), vec!["upfront fee"]);
    }

    #[test]
    fn negated_mentions_are_disclaimers() {
        let set = cues();
        assert_eq!(
            set.found_affirmed("We will never ask for an upfront fee."),
            Vec::<&str>::new()
        );
        assert_eq!(
            set.found_affirmed("There is no upfront fee."),
            Vec::<&str>::new()
        );
        assert_eq!(
            set.found_affirmed("We don't charge an upfront fee"),
            Vec::<&str>::new()
        );
        assert_eq!(
            set.found_affirmed("We cover any upfront fee"),
            Vec::<&str>::new()
        );
        assert_eq!(
            set.found_affirmed("No experience needed. An upfront fee applies."),
            vec!["upfront fee"],
            "a negation in an earlier sentence does not count"
        );
        assert_eq!(
            set.found_affirmed("No experience needed, just an upfront fee"),
            vec!["upfront fee"],
            "nor one in an earlier clause"
        );
        assert_eq!(
            set.found_affirmed("Not a big deal but an upfront fee applies"),
            vec!["upfront fee"],
            "nor one before \"but\""
        );
    }

    #[test]
    fn emails_and_links_are_found_once_each() {
        let text = "Mail HR.Team@Gmail.com or hr.team@gmail.com, see https://acme.com/jobs. Chat: wa.me/15551234567!";
        assert_eq!(emails(text), vec!["hr.team@gmail.com"]);
        assert_eq!(
            links(text),
            vec!["https://acme.com/jobs", "wa.me/15551234567"]
        );
        assert_eq!(quoted_list(&["a", "b", "c"]), "\"a\", \"b\" and \"c\"");
        assert!((letter_ratio("ab12") - 0.5).abs() < 1e-9);
    }
}
