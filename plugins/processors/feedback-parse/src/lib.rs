//! `feedback-parse`: an application outcome's text → the decision, the reason
//! categories its wording points at, and the skills and qualities it names
//! (docs/processors.md, `feedback-parse`). Keyword rules, case-insensitive and
//! whole-word, so "go" is not found in "good".

use jobscout_contracts::feedback_parse::{self, Input, Output, FEEDBACK_TYPES};
use jobscout_contracts::structured::from_pairs;
use jobscout_plugin_sdk::{Payload, Processor, ProcessorError, ProcessorMetadata};

/// At most this many signals are returned.
pub const MAX_SIGNALS: usize = 10;

/// Each reason category and the phrases that point at it.
const REASONS: [(&str, &[&str]); 6] = [
    (
        "seniority",
        &[
            "too senior",
            "overqualified",
            "over-qualified",
            "more senior",
            "not senior enough",
            "seniority",
            "too junior",
        ],
    ),
    (
        "skills_gap",
        &[
            "skills",
            "skill set",
            "skillset",
            "technical",
            "tech stack",
            "lack of",
            "lacking",
            "missing",
            "familiarity with",
            "requirements",
        ],
    ),
    (
        "sponsorship",
        &[
            "sponsor",
            "sponsorship",
            "visa",
            "work permit",
            "right to work",
            "work authorization",
            "authorized to work",
        ],
    ),
    (
        "location",
        &[
            "location",
            "relocate",
            "relocation",
            "on-site",
            "onsite",
            "in office",
            "in-office",
            "time zone",
            "timezone",
            "commute",
        ],
    ),
    (
        "comp",
        &[
            "salary",
            "compensation",
            "budget",
            "pay range",
            "salary expectations",
            "rate",
        ],
    ),
    (
        "experience_level",
        &[
            "years of experience",
            "more experience",
            "experience level",
            "not enough experience",
            "more experienced",
            "industry experience",
        ],
    ),
];

/// The skills and qualities reported as signals, as they are spelled back.
const SIGNALS: [&str; 12] = [
    "Python",
    "Java",
    "JavaScript",
    "SQL",
    "AWS",
    "Kubernetes",
    "React",
    "System design",
    "Communication",
    "Leadership",
    "Teamwork",
    "Problem solving",
];

// Only the wasm build exports the component; the native build (for unit tests)
// cannot link the component's export names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct FeedbackParseProcessor;

impl Processor for FeedbackParseProcessor {
    fn metadata() -> ProcessorMetadata {
        ProcessorMetadata {
            id: feedback_parse::ID.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Application outcome text → decision, reason categories and signals"
                .to_string(),
            operation: feedback_parse::ID.to_string(),
            accepts: Vec::new(),
        }
    }

    fn process(input: Payload) -> Result<Payload, ProcessorError> {
        let output = parse_payload(input)?;
        Ok(Payload::Text(
            serde_json::to_string(&output).expect("the output serialises"),
        ))
    }
}

pub fn parse_payload(input: Payload) -> Result<Output, ProcessorError> {
    let Payload::Structured(pairs) = input else {
        return Err(ProcessorError::UnsupportedInput(
            "feedback-parse takes a structured input with `feedback_type` and `raw_text`"
                .to_string(),
        ));
    };
    let input: Input = from_pairs(&pairs).map_err(ProcessorError::InvalidInput)?;
    let feedback_type = input
        .feedback_type
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_lowercase();
    if !FEEDBACK_TYPES.contains(&feedback_type.as_str()) {
        return Err(ProcessorError::InvalidInput(format!(
            "`feedback_type` is `{feedback_type}`; it must be one of {}",
            FEEDBACK_TYPES.join(", ")
        )));
    }
    Ok(parse(
        &feedback_type,
        input.raw_text.as_deref().unwrap_or(""),
    ))
}

pub fn parse(feedback_type: &str, text: &str) -> Output {
    let lower = text.to_lowercase();
    let reason_categories = REASONS
        .iter()
        .filter(|(_, phrases)| phrases.iter().any(|phrase| mentions(&lower, phrase)))
        .map(|(category, _)| category.to_string())
        .collect();
    let signals = SIGNALS
        .iter()
        .filter(|signal| mentions(&lower, &signal.to_lowercase()))
        .take(MAX_SIGNALS)
        .map(|signal| signal.to_string())
        .collect();
    Output {
        decision: Some(feedback_type.to_string()),
        reason_categories,
        signals,
    }
}

/// Whether lower-cased `text` holds `phrase` as whole words.
fn mentions(text: &str, phrase: &str) -> bool {
    let is_word = |character: Option<char>| character.is_some_and(char::is_alphanumeric);
    text.match_indices(phrase).any(|(start, _)| {
        !is_word(text[..start].chars().next_back())
            && !is_word(text[start + phrase.len()..].chars().next())
    })
}

#[cfg(target_arch = "wasm32")]
jobscout_plugin_sdk::register_processor!(FeedbackParseProcessor);

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(feedback_type: &str, raw_text: &str) -> Payload {
        Payload::Structured(vec![
            ("feedback_type".into(), feedback_type.into()),
            ("raw_text".into(), raw_text.into()),
        ])
    }

    #[test]
    fn a_rejection_names_its_reasons_and_signals() {
        let output = parse_payload(pairs(
            " Rejection ",
            "Thanks for your time. We went with a candidate with more years of experience in Kubernetes \
             and AWS; we also cannot offer visa sponsorship for this role. Your communication was great.",
        ))
        .unwrap();
        assert_eq!(output.decision.as_deref(), Some("rejection"));
        assert_eq!(
            output.reason_categories,
            ["sponsorship", "experience_level"]
        );
        assert_eq!(output.signals, ["AWS", "Kubernetes", "Communication"]);
    }

    #[test]
    fn words_inside_other_words_do_not_count() {
        let output = parse("rejection", "A good separate payroll ratepayer");
        assert!(output.reason_categories.is_empty(), "{output:?}");
        assert!(output.signals.is_empty());
        let skills = parse(
            "rejection",
            "Your skill set did not match; javascript was missing.",
        );
        assert_eq!(skills.reason_categories, ["skills_gap"]);
        assert_eq!(skills.signals, ["JavaScript"]);
    }

    #[test]
    fn an_unknown_type_is_invalid_naming_the_allowed_ones() {
        let Err(ProcessorError::InvalidInput(message)) = parse_payload(pairs("ghosted", "")) else {
            panic!("ghosted accepted")
        };
        assert!(message.contains("no_response"), "{message}");
        assert!(matches!(
            parse_payload(Payload::Text("x".into())),
            Err(ProcessorError::UnsupportedInput(_))
        ));
        let empty = parse_payload(pairs("offer", "")).unwrap();
        assert_eq!(empty.decision.as_deref(), Some("offer"));
        assert!(empty.reason_categories.is_empty());
    }
}
