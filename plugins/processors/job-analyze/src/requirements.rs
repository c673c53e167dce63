//! Must-haves: the items of the first requirements-like section of a job
//! description ("Requirements", "What you'll need", "Qualifications", "Must
//! have", "You have" …), whether its list came from HTML (`- ` items), a paste
//! (`•`, `*`, `1.`) or plain lines.

/// At most this many must-haves are returned.
pub const MAX_MUST_HAVES: usize = 10;
/// Fragments this short ("SQL", "Go") are keywords, not requirements.
const MIN_FRAGMENT_CHARS: usize = 11;
/// Longer items are cut at their first sentence end.
const MAX_FRAGMENT_CHARS: usize = 200;

/// Heading phrases that open a requirements section.
const REQUIREMENT_HEADINGS: [&str; 24] = [
    "requirements",
    "requirement",
    "what you'll need",
    "what you will need",
    "what you need",
    "what we're looking for",
    "what we are looking for",
    "what we need",
    "qualifications",
    "must have",
    "must-have",
    "must haves",
    "must-haves",
    "you have",
    "you bring",
    "what you bring",
    "about you",
    "who you are",
    "your profile",
    "your background",
    "skills and experience",
    "skills & experience",
    "required skills",
    "you should have",
];

/// Words of headings that are not the required section even when they
/// contain a phrase above ("Preferred qualifications", "Nice to have").
const NOT_REQUIRED: [&str; 6] = [
    "preferred",
    "nice to have",
    "nice-to-have",
    "bonus",
    "plus",
    "desired",
];

/// Headings that end a section.
const OTHER_HEADINGS: [&str; 22] = [
    "responsibilities",
    "what you'll do",
    "what you will do",
    "the role",
    "about the role",
    "about us",
    "benefits",
    "perks",
    "what we offer",
    "compensation",
    "salary",
    "how to apply",
    "nice to have",
    "preferred",
    "bonus points",
    "why join",
    "our stack",
    "tech stack",
    "location",
    "equal opportunity",
    "interview process",
    "the team",
];

/// The text of a list item without its marker, or `None` for other lines.
fn list_item(line: &str) -> Option<&str> {
    let line = line.trim();
    for marker in ["- ", "• ", "* ", "· ", "– ", "▪ ", "◦ ", "➤ ", "✓ ", "✔ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim());
        }
    }
    if let Some(rest) = line.strip_prefix(['•', '▪', '◦', '✓', '✔']) {
        return Some(rest.trim());
    }
    // `1. item`, `2) item`, `a) item`
    let (head, rest) = line.split_once([' ', '\t'])?;
    let number = head.strip_suffix(['.', ')'])?;
    let is_counter =
        (!number.is_empty() && number.len() <= 2 && number.chars().all(|c| c.is_ascii_digit()))
            || (number.len() == 1 && number.chars().all(|c| c.is_ascii_lowercase()));
    is_counter.then(|| rest.trim())
}

fn heading_text(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 80 || list_item(line).is_some() {
        return None;
    }
    Some(
        line.trim_end_matches([':', '!', '.'])
            .trim()
            .replace('’', "'")
            .to_lowercase(),
    )
}

/// Whether `line` opens a requirements section; also returns what follows a
/// colon on the same line ("Requirements: Rust; PostgreSQL").
fn requirement_heading(line: &str) -> Option<Option<String>> {
    let (head, inline) = match line.split_once(':') {
        Some((head, rest)) if !rest.trim().is_empty() => (head, Some(rest.trim().to_string())),
        _ => (line, None),
    };
    let heading = heading_text(head)?;
    let words = heading.split_whitespace().count();
    // "Minimum qualifications", "Skills & experience we need"; not a sentence
    // that merely mentions requirements.
    let named = REQUIREMENT_HEADINGS
        .iter()
        .any(|phrase| heading.starts_with(phrase) || (words <= 3 && heading.contains(phrase)));
    let excluded = NOT_REQUIRED.iter().any(|word| heading.contains(word));
    (named && !excluded && words <= 6).then_some(inline)
}

fn names_other_section(line: &str) -> bool {
    heading_text(line).is_some_and(|heading| {
        OTHER_HEADINGS
            .iter()
            .any(|phrase| heading.starts_with(phrase))
    })
}

fn ends_section(line: &str) -> bool {
    let Some(heading) = heading_text(line) else {
        return false;
    };
    heading.split_whitespace().count() <= 8
        && (line.trim_end().ends_with(':') || names_other_section(line))
}

/// A list item as a must-have: marker dropped, trailing punctuation trimmed,
/// long items cut at their first sentence end; `None` when too short.
fn fragment(item: &str) -> Option<String> {
    let mut text = item
        .trim()
        .trim_end_matches([';', ',', '.'])
        .trim()
        .to_string();
    if text.chars().count() > MAX_FRAGMENT_CHARS {
        let cut = text
            .match_indices(". ")
            .map(|(at, _)| at)
            .find(|at| *at > MIN_FRAGMENT_CHARS && *at <= MAX_FRAGMENT_CHARS * 2)
            .unwrap_or_else(|| {
                text.char_indices()
                    .nth(MAX_FRAGMENT_CHARS)
                    .map(|(at, _)| at)
                    .unwrap_or(text.len())
            });
        text.truncate(cut);
    }
    (text.chars().count() >= MIN_FRAGMENT_CHARS).then_some(text)
}

/// The must-haves of `description`.
pub fn must_haves(description: &str) -> Vec<String> {
    let lines: Vec<&str> = description.lines().map(str::trim).collect();
    match lines
        .iter()
        .position(|line| requirement_heading(line).is_some())
    {
        Some(start) => section_items(&lines, start),
        None => requirement_like_items(&lines),
    }
}

fn section_items(lines: &[&str], start: usize) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(Some(inline)) = requirement_heading(lines[start]) {
        items.extend(inline.split([';', '•']).filter_map(fragment));
    }
    let mut seen_list = false;
    let mut seen_text = false;
    for line in &lines[start + 1..] {
        if items.len() >= MAX_MUST_HAVES {
            break;
        }
        if line.is_empty() {
            // A blank line after the items closes the section.
            if seen_list || seen_text {
                break;
            }
            continue;
        }
        if ends_section(line) || requirement_heading(line).is_some() {
            // Before any item, a line such as "You'll thrive here if you have:"
            // introduces the list; only a named other section ends it.
            if seen_list || seen_text || names_other_section(line) {
                break;
            }
            continue;
        }
        match list_item(line) {
            Some(item) => {
                seen_list = true;
                items.extend(fragment(item));
            }
            // Prose after the list is the next section's.
            None if seen_list => break,
            // Lists that lost their markers in a paste: one item per line.
            None => {
                seen_text = true;
                if !line.ends_with(':') {
                    items.extend(fragment(line));
                }
            }
        }
    }
    items.truncate(MAX_MUST_HAVES);
    items
}

/// Without a requirements heading: the list items that read as requirements.
fn requirement_like_items(lines: &[&str]) -> Vec<String> {
    const CUES: [&str; 12] = [
        "experience",
        "years",
        "knowledge",
        "proficien",
        "familiar",
        "degree",
        "ability to",
        "understanding of",
        "must",
        "required",
        "fluent",
        "expertise",
    ];
    lines
        .iter()
        .filter_map(|line| list_item(line))
        .filter(|item| {
            let lower = item.to_lowercase();
            CUES.iter().any(|cue| lower.contains(cue))
        })
        .filter_map(fragment)
        .take(MAX_MUST_HAVES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_list_items() {
        assert_eq!(list_item("- Rust"), Some("Rust"));
        assert_eq!(list_item("•Rust"), Some("Rust"));
        assert_eq!(list_item("3. Strong SQL"), Some("Strong SQL"));
        assert_eq!(list_item("b) Python"), Some("Python"));
        assert_eq!(list_item("2026. A year"), None);
        assert_eq!(list_item("Requirements"), None);
    }

    #[test]
    fn headings() {
        assert!(requirement_heading("What you’ll need:").is_some());
        assert!(requirement_heading("Minimum Qualifications").is_some());
        assert!(requirement_heading("Preferred qualifications").is_none());
        assert!(requirement_heading("Nice to have").is_none());
        assert!(requirement_heading("- You have 5 years of Rust").is_none());
        assert_eq!(
            requirement_heading("Requirements: 3+ years with Kafka; SQL"),
            Some(Some("3+ years with Kafka; SQL".to_string()))
        );
    }

    #[test]
    fn inline_section_and_short_items() {
        assert_eq!(
            must_haves(
                "Requirements: 3+ years with Kafka; SQL; fluent written English\nBenefits: lots"
            ),
            ["3+ years with Kafka", "fluent written English"]
        );
    }

    #[test]
    fn unmarked_lines_and_cap() {
        let items: String = (1..=14)
            .map(|n| format!("Solid grasp of area {n}\n"))
            .collect();
        let text = format!("Intro\nWhat we're looking for\n{items}\nBenefits\n- Free lunch");
        let found = must_haves(&text);
        assert_eq!(found.len(), MAX_MUST_HAVES);
        assert_eq!(found[0], "Solid grasp of area 1");
    }

    #[test]
    fn long_items_are_cut_at_a_sentence() {
        let long = format!(
            "- Deep experience with Rust. {}",
            "More detail. ".repeat(30)
        );
        assert_eq!(
            must_haves(&format!("Must have\n{long}")),
            ["Deep experience with Rust"]
        );
    }

    #[test]
    fn an_intro_line_does_not_end_the_section() {
        assert_eq!(
            must_haves("Requirements\nYou'll thrive here if you have:\n- Strong Go experience\n- Calm on-call habits\nBenefits:\n- Gym membership"),
            ["Strong Go experience", "Calm on-call habits"]
        );
    }

    #[test]
    fn no_heading_uses_requirement_like_items() {
        assert_eq!(
            must_haves("We ship.\n- Free snacks every day\n- 4+ years of experience with React\n- Great team"),
            ["4+ years of experience with React"]
        );
    }
}
