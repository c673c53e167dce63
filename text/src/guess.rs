//! Work mode and employment type read from text, in one place.
//!
//! There are three readings, kept as they were when each lived with its caller;
//! they differ on purpose where their inputs differ, and on some words by
//! history. Changing one changes stored or returned values, so it is its own change.
//!
//! | reading | used by | input | matching |
//! | --- | --- | --- | --- |
//! | [`work_mode_in_text`], [`employment_in_text`] | the host's normalization, when a source said nothing | title, location (and description for employment) | substrings, lower-cased; "distributed" and "work from home" count as remote; several employment types; `unknown` when none |
//! | [`work_mode_in_words`], [`employment_of_label`] | sources and processors (through the plugin SDK) | a label or a short line ("Hybrid - London", "ON_SITE", "Full-Time") | whole words; "no remote" is onsite; one employment type per label |
//! | [`employment_phrases_in`] | the job-parse processor | headers and labelled values | whole-word phrases, in order of appearance |

/// Where the work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkMode {
    Onsite,
    Hybrid,
    Remote,
    #[default]
    Unknown,
}

impl WorkMode {
    /// The stored `remote_type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkMode::Onsite => "onsite",
            WorkMode::Hybrid => "hybrid",
            WorkMode::Remote => "remote",
            WorkMode::Unknown => "unknown",
        }
    }
}

/// The kinds of employment of the plugin contract (`employment-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Employment {
    FullTime,
    PartTime,
    Contract,
    Temporary,
    Internship,
    Volunteer,
    Other,
}

/// What [`work_mode_in_text`] reads as remote work, and what the host's
/// remote-only filter looks for in a job's lower-cased text.
pub const REMOTE_SIGNALS: [&str; 5] =
    ["remote", "work from home", "wfh", "distributed", "anywhere"];

/// Hybrid signals first, then remote, then onsite, as the earlier backend's
/// `RemoteType.from_text`; any substring counts ("remoteness" is remote).
pub fn work_mode_in_text(text: &str) -> WorkMode {
    let text = text.to_lowercase();
    if text.contains("hybrid") {
        WorkMode::Hybrid
    } else if REMOTE_SIGNALS.iter().any(|signal| text.contains(signal)) {
        WorkMode::Remote
    } else if ["on-site", "onsite", "on site", "in office", "in-office"]
        .iter()
        .any(|signal| text.contains(signal))
    {
        WorkMode::Onsite
    } else {
        WorkMode::Unknown
    }
}

/// The stored names of the employment types named in free text (`full_time`,
/// `part_time`, `contract`, `freelance`, `internship`, `temporary`), as the
/// earlier backend read them; `unknown` when none is.
pub fn employment_in_text(text: &str) -> Vec<String> {
    let text = text.to_lowercase();
    let rules: [(&str, &[&str]); 6] = [
        (
            "full_time",
            &["full-time", "full time", "fulltime", "permanent"],
        ),
        ("part_time", &["part-time", "part time", "parttime"]),
        ("contract", &["contract", "contractor"]),
        ("freelance", &["freelance"]),
        ("internship", &["internship", "intern "]),
        ("temporary", &["temporary", "temp "]),
    ];
    let found: Vec<String> = rules
        .iter()
        .filter(|(_, signals)| signals.iter().any(|signal| text.contains(signal)))
        .map(|(name, _)| name.to_string())
        .collect();
    if found.is_empty() {
        vec!["unknown".to_string()]
    } else {
        found
    }
}

/// Where `needle` first occurs in `haystack` as a whole word (no letter or digit
/// right before or after it).
pub fn word_at(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .match_indices(needle)
        .map(|(at, _)| at)
        .find(|&at| {
            let before = haystack[..at].chars().next_back();
            let after = haystack[at + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

fn has_word(haystack: &str, needle: &str) -> bool {
    word_at(haystack, needle).is_some()
}

/// Work mode named in a label or short text ("Hybrid - London", "Remote (EU)",
/// "ON_SITE"), by whole words. Hybrid wins over remote because "hybrid remote"
/// roles still need an office.
pub fn work_mode_in_words(text: &str) -> WorkMode {
    let lower = text.to_lowercase().replace('_', "-");
    if has_word(&lower, "hybrid") {
        WorkMode::Hybrid
    } else if has_word(&lower, "remote") || has_word(&lower, "anywhere") || has_word(&lower, "wfh")
    {
        if has_word(&lower, "no remote") || has_word(&lower, "not remote") {
            WorkMode::Onsite
        } else {
            WorkMode::Remote
        }
    } else if [
        "on-site",
        "onsite",
        "on site",
        "in-office",
        "in office",
        "office-based",
    ]
    .iter()
    .any(|word| has_word(&lower, word))
    {
        WorkMode::Onsite
    } else {
        WorkMode::Unknown
    }
}

/// Employment type a label names ("full_time", "Full-Time", "Permanent",
/// "Contractor"); `Other` for a label that names none, `None` for an empty one.
pub fn employment_of_label(text: &str) -> Option<Employment> {
    let lower: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(match lower.as_str() {
        "fulltime" | "permanent" | "regular" | "fulltimeemployee" | "employee" => {
            Employment::FullTime
        }
        "parttime" => Employment::PartTime,
        "contract" | "contractor" | "freelance" | "freelancer" | "contracttohire" => {
            Employment::Contract
        }
        "temporary" | "temp" | "seasonal" | "shortterm" | "fixedterm" => Employment::Temporary,
        "internship" | "intern" | "trainee" | "apprenticeship" | "werkstudent" => {
            Employment::Internship
        }
        "volunteer" => Employment::Volunteer,
        "" => return None,
        _ => Employment::Other,
    })
}

/// Employment types named by phrases in `text` ("Full-time", "part time",
/// "contractor", "internship"), in order of appearance, each once. Meant for
/// headers and labelled values, not whole descriptions ("contract negotiations").
pub fn employment_phrases_in(text: &str) -> Vec<Employment> {
    const PHRASES: [(&str, Employment); 14] = [
        ("full-time", Employment::FullTime),
        ("full time", Employment::FullTime),
        ("fulltime", Employment::FullTime),
        ("permanent", Employment::FullTime),
        ("part-time", Employment::PartTime),
        ("part time", Employment::PartTime),
        ("contractor", Employment::Contract),
        ("contract", Employment::Contract),
        ("freelance", Employment::Contract),
        ("temporary", Employment::Temporary),
        ("fixed-term", Employment::Temporary),
        ("internship", Employment::Internship),
        ("intern", Employment::Internship),
        ("volunteer", Employment::Volunteer),
    ];
    let lower = text.to_lowercase();
    let mut found: Vec<(usize, Employment)> = PHRASES
        .iter()
        .filter_map(|(phrase, kind)| word_at(&lower, phrase).map(|at| (at, *kind)))
        .collect();
    found.sort_by_key(|(at, _)| *at);
    let mut kinds = Vec::new();
    for (_, kind) in found {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_mode_and_employment_from_text() {
        assert_eq!(
            work_mode_in_text("Remote-first, hybrid in Berlin"),
            WorkMode::Hybrid
        );
        assert_eq!(work_mode_in_text("Fully remote"), WorkMode::Remote);
        assert_eq!(work_mode_in_text("On-site in Paris"), WorkMode::Onsite);
        assert_eq!(
            employment_in_text("Full-time or contract"),
            ["full_time", "contract"]
        );
        assert_eq!(employment_in_text("Engineer"), ["unknown"]);
    }

    #[test]
    fn work_modes_in_words() {
        assert_eq!(work_mode_in_words("Hybrid - London"), WorkMode::Hybrid);
        assert_eq!(work_mode_in_words("Remote (EU)"), WorkMode::Remote);
        assert_eq!(work_mode_in_words("ON_SITE"), WorkMode::Onsite);
        assert_eq!(work_mode_in_words("London | Onsite"), WorkMode::Onsite);
        assert_eq!(
            work_mode_in_words("Remoteness Inc, Berlin"),
            WorkMode::Unknown
        );
        assert_eq!(work_mode_in_words("NYC, no remote"), WorkMode::Onsite);
    }

    #[test]
    fn employment_labels() {
        assert_eq!(employment_of_label("full_time"), Some(Employment::FullTime));
        assert_eq!(employment_of_label("Full-Time"), Some(Employment::FullTime));
        assert_eq!(employment_of_label("Permanent"), Some(Employment::FullTime));
        assert_eq!(employment_of_label("part_time"), Some(Employment::PartTime));
        assert_eq!(
            employment_of_label("Contractor"),
            Some(Employment::Contract)
        );
        assert_eq!(
            employment_of_label("Internship"),
            Some(Employment::Internship)
        );
        assert_eq!(employment_of_label("Gig"), Some(Employment::Other));
        assert_eq!(employment_of_label(" "), None);
    }

    #[test]
    fn employment_phrases() {
        assert_eq!(
            employment_phrases_in("Full-time · Remote · Contract to hire"),
            [Employment::FullTime, Employment::Contract]
        );
        assert_eq!(employment_phrases_in("International team"), []);
        assert_eq!(word_at("an intern, internal", "intern"), Some(3));
        assert_eq!(word_at("internal", "intern"), None);
    }
}
