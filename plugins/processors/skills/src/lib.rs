//! The skill list shared by `job-analyze` and `resume-analyze`, and the matcher
//! that finds its terms in free text.
//!
//! Matching rules (one per alias, see [`Rule`]):
//!
//! * A term matches only on word boundaries. The characters that may not touch a
//!   term are letters, digits, `+` and `#`, so `C` never matches inside `C++` or
//!   `C#`, `java` never inside `javascript`, `go` never inside `google`, `mongo`
//!   or `ago`. A `.` touching the term counts as part of a word when a letter or
//!   digit follows it (`java.util`, `config.go`), and as punctuation otherwise
//!   (`… and Go.`). Terms that carry punctuation themselves (`C++`, `C#`, `.NET`,
//!   `Node.js`, `CI/CD`) are matched with it.
//! * A run of spaces in the text compares as one space (`machine   learning`);
//!   a term does not match across a line break.
//! * [`Rule::Word`] compares ASCII letters case-insensitively.
//! * [`Rule::Capitalised`] is for names that are also English words (`Go`,
//!   `Swift`, `Excel`, `Spring`): the case must be exactly as written. At the
//!   start of a sentence, line or bullet capitals say nothing, so there the term
//!   also needs a technical context (see below). Lower-case `go` is therefore
//!   never the language; `golang`, `go-lang` and `go lang` always are.
//! * [`Rule::Context`] is for names too short or common to trust alone (`C`,
//!   `R`): exact case and a technical context everywhere.
//!
//! A technical context is list punctuation right after the term (`,` `/` `;` `)`
//! `|`), list punctuation or an opening parenthesis right before it (`Rust, Go`),
//! a following word that names technical work (`Go developer`, `Go services`,
//! `R programming`; see [`TECH_FOLLOWERS`]), or the term standing alone on its
//! line (a list item `- Go`).

mod taxonomy;

pub use taxonomy::SKILLS;

/// How one spelling of a skill is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Case-insensitive, on word boundaries.
    Word,
    /// Exact case; needs a technical context at the start of a sentence.
    Capitalised,
    /// Exact case and a technical context everywhere.
    Context,
}

/// A skill: its canonical name and every spelling that names it.
#[derive(Debug)]
pub struct Skill {
    pub name: &'static str,
    pub aliases: &'static [(&'static str, Rule)],
}

/// Words that, following a term, show it is meant technically.
pub const TECH_FOLLOWERS: &[&str] = &[
    "api",
    "apis",
    "app",
    "apps",
    "backend",
    "backends",
    "code",
    "codebase",
    "codebases",
    "developer",
    "developers",
    "development",
    "engineer",
    "engineers",
    "engineering",
    "experience",
    "language",
    "libraries",
    "library",
    "microservices",
    "modules",
    "programmer",
    "programming",
    "scripts",
    "services",
    "skills",
    "stack",
    "tooling",
];

/// A skill found in a text, with the byte offset of its first mention in the
/// whitespace-normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: &'static str,
    pub first_at: usize,
}

/// Canonical names of the skills mentioned in `text`, in order of first
/// appearance, at most `limit`.
pub fn find(text: &str, limit: usize) -> Vec<&'static str> {
    find_all(text)
        .into_iter()
        .take(limit)
        .map(|found| found.name)
        .collect()
}

/// Every skill mentioned in `text`, ordered by first appearance.
pub fn find_all(text: &str) -> Vec<Found> {
    let normal = normalise_whitespace(text);
    let lower = normal.to_ascii_lowercase();
    let mut found: Vec<Found> = SKILLS
        .iter()
        .filter_map(|skill| {
            skill
                .aliases
                .iter()
                .filter_map(|(alias, rule)| first_match(&normal, &lower, alias, *rule))
                .min()
                .map(|first_at| Found {
                    name: skill.name,
                    first_at,
                })
        })
        .collect();
    // Ties (two skills at one offset) keep the table's order.
    found.sort_by_key(|found| found.first_at);
    found
}

/// Whether `text` mentions the skill named `name` (a canonical name).
pub fn mentions(text: &str, name: &str) -> bool {
    find_all(text).iter().any(|found| found.name == name)
}

fn normalise_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            // A run that holds a line break stays a line break: the next word starts a line.
            gap = Some(if c == '\n' || gap == Some('\n') {
                '\n'
            } else {
                ' '
            });
        } else {
            if let Some(space) = gap.take().filter(|_| !out.is_empty()) {
                out.push(space);
            }
            out.push(c);
        }
    }
    out
}

fn first_match(normal: &str, lower: &str, alias: &str, rule: Rule) -> Option<usize> {
    let (haystack, needle) = match rule {
        Rule::Word => (lower, alias.to_ascii_lowercase()),
        Rule::Capitalised | Rule::Context => (normal, alias.to_string()),
    };
    let needle = normalise_whitespace(&needle);
    haystack.match_indices(needle.as_str()).find_map(|(at, _)| {
        let end = at + needle.len();
        if !bounded(normal, at, end) {
            return None;
        }
        let accepted = match rule {
            Rule::Word => true,
            Rule::Capitalised => !starts_sentence(normal, at) || technical(normal, at, end),
            Rule::Context => technical(normal, at, end),
        };
        accepted.then_some(at)
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '+' || c == '#'
}

/// Whether `normal[at..end]` stands on word boundaries.
fn bounded(normal: &str, at: usize, end: usize) -> bool {
    let term = &normal[at..end];
    let mut before = normal[..at].chars().rev();
    let left_ok = match before.next() {
        None => true,
        Some('.') if !term.starts_with('.') => !before.next().is_some_and(char::is_alphanumeric),
        Some(c) => !is_word_char(c) || !is_word_char(term.chars().next().unwrap_or(' ')),
    };
    let mut after = normal[end..].chars();
    let right_ok = match after.next() {
        None => true,
        Some('.') => !after.next().is_some_and(char::is_alphanumeric),
        // `Go-to`, `Go-live`: a hyphenated English word, not the language.
        Some('-') if term.chars().all(char::is_alphabetic) && term.len() <= 2 => false,
        // A version right after a symbol-ended name: `C++17`, `C#10`.
        Some(c) if c.is_ascii_digit() && term.ends_with(['+', '#']) => true,
        Some(c) => !is_word_char(c) || !is_word_char(term.chars().last().unwrap_or(' ')),
    };
    left_ok && right_ok
}

/// Whether the term at `at` opens a sentence, a line or a bullet.
fn starts_sentence(normal: &str, at: usize) -> bool {
    let before = normal[..at].trim_end();
    if normal[before.len()..at].contains('\n') {
        return true;
    }
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(
            c,
            '.' | '!' | '?' | ':' | '•' | '·' | '*' | '-' | '–' | '—' | '>' | '"' | '“'
        ),
    }
}

/// Whether the term is all its line holds, bullet marker aside ("- Go").
fn alone_on_line(normal: &str, at: usize, end: usize) -> bool {
    let line_start = normal[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let before = normal[line_start..at].trim_start_matches(['-', '*', '•', '·', '–', ' ']);
    let after = normal[end..].split('\n').next().unwrap_or("");
    before.is_empty() && after.trim_end_matches(['.', ';', ',']).trim().is_empty()
}

/// Whether list punctuation or a technical word surrounds the term, or the
/// term stands alone on its line (a list item or a skills column).
fn technical(normal: &str, at: usize, end: usize) -> bool {
    if alone_on_line(normal, at, end) {
        return true;
    }
    let after = normal[end..].trim_start();
    if after.starts_with([',', '/', ';', ')', '|']) {
        return true;
    }
    let before = normal[..at].trim_end();
    if before.ends_with([',', '/', '(', '|', ';']) {
        return true;
    }
    let next_word: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    TECH_FOLLOWERS.contains(&next_word.as_str())
}

#[cfg(test)]
mod tests;
