//! Seniority from the most recent job title, else from years of experience.
//!
//! The most recent title is the first line that names a role (resumes list the
//! current job first). Its level words decide: "Senior …" is senior, "Staff" or
//! "Principal" principal, "Lead"/"Manager" lead, "Director"/"VP"/"Chief …"
//! executive, "Junior"/"Graduate" junior. An internship is `intern` only while
//! it is current (its dates end in "Present"); a past one counts as junior.
//! Without a level word, stated experience ("9 years of experience") or the
//! span of the job dates decides: under 2 years junior, under 5 mid, else
//! senior (lead and above need a title that says so).

/// Levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Intern,
    Junior,
    Mid,
    Senior,
    Lead,
    Principal,
    Executive,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Intern => "intern",
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Lead => "lead",
            Level::Principal => "principal",
            Level::Executive => "executive",
        }
    }
}

/// Words (lower-case, matched as whole words) that state a level in a title.
const LEVEL_WORDS: [(&str, Level); 34] = [
    ("intern", Level::Intern),
    ("internship", Level::Intern),
    ("trainee", Level::Intern),
    ("working student", Level::Intern),
    ("werkstudent", Level::Intern),
    ("co-op", Level::Intern),
    ("junior", Level::Junior),
    ("jr", Level::Junior),
    ("entry-level", Level::Junior),
    ("entry level", Level::Junior),
    ("graduate", Level::Junior),
    ("apprentice", Level::Junior),
    ("mid-level", Level::Mid),
    ("intermediate", Level::Mid),
    ("senior", Level::Senior),
    ("sr", Level::Senior),
    ("lead", Level::Lead),
    ("manager", Level::Lead),
    ("supervisor", Level::Lead),
    ("staff", Level::Principal),
    ("principal", Level::Principal),
    ("distinguished", Level::Principal),
    ("architect", Level::Principal),
    ("director", Level::Executive),
    ("head of", Level::Executive),
    ("vp", Level::Executive),
    ("vice president", Level::Executive),
    ("chief", Level::Executive),
    ("cto", Level::Executive),
    ("ceo", Level::Executive),
    ("cfo", Level::Executive),
    ("coo", Level::Executive),
    ("founder", Level::Executive),
    ("co-founder", Level::Executive),
];

/// Nouns that make a line a job title.
const ROLE_NOUNS: [&str; 30] = [
    "engineer",
    "developer",
    "programmer",
    "manager",
    "designer",
    "analyst",
    "scientist",
    "architect",
    "consultant",
    "specialist",
    "administrator",
    "director",
    "officer",
    "intern",
    "lead",
    "president",
    "vp",
    "head",
    "assistant",
    "associate",
    "coordinator",
    "technician",
    "researcher",
    "founder",
    "cto",
    "ceo",
    "strategist",
    "writer",
    "accountant",
    "trainee",
];

fn has_word(lower: &str, word: &str) -> bool {
    lower.match_indices(word).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn is_bullet(line: &str) -> bool {
    line.starts_with(['•', '-', '*', '▪', '–', '·'])
}

/// Whether `line` reads as a job title line ("Senior Engineer — Acme, Berlin").
pub fn is_title_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    !line.is_empty()
        && !is_bullet(line)
        && line.chars().count() <= 100
        && line.split_whitespace().count() <= 12
        && !line.ends_with('.')
        && ROLE_NOUNS
            .iter()
            .any(|noun| has_word(&lower, noun) || has_word(&lower, &format!("{noun}s")))
}

fn title_level(line: &str) -> Option<Level> {
    let lower = line.to_lowercase().replace('.', " ");
    LEVEL_WORDS
        .iter()
        .filter(|(word, _)| has_word(&lower, word))
        .map(|(_, level)| *level)
        .max()
        .or_else(|| {
            // "Engineer III", "Developer II"
            let roman = [
                ("iii", Level::Senior),
                ("ii", Level::Mid),
                ("iv", Level::Senior),
            ];
            roman
                .iter()
                .find(|(numeral, _)| has_word(&lower, numeral))
                .map(|(_, level)| *level)
        })
}

fn is_current(lines: &[&str], at: usize) -> bool {
    lines[at..lines.len().min(at + 2)].iter().any(|line| {
        let lower = line.to_lowercase();
        ["present", "current", "today", "now"]
            .iter()
            .any(|word| has_word(&lower, word))
    })
}

/// The resume's seniority.
pub fn seniority(text: &str) -> Option<Level> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let first_title = lines.iter().position(|line| is_title_line(line));
    if let Some(at) = first_title {
        match title_level(lines[at]) {
            Some(Level::Intern) if !is_current(&lines, at) => return Some(Level::Junior),
            Some(level) => return Some(level),
            None => {}
        }
    }
    crate::experience::years(&lines).map(|years| match years {
        0..=1 => Level::Junior,
        2..=4 => Level::Mid,
        _ => Level::Senior,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> &'static str {
        seniority(text).map_or("unknown", Level::name)
    }

    #[test]
    fn titles_decide() {
        assert_eq!(
            level("Jane\nSenior Software Engineer, Acme\n2020 – Present"),
            "senior"
        );
        assert_eq!(
            level("Staff Engineer — Hooli\nSenior Engineer — Initech"),
            "principal"
        );
        assert_eq!(level("Engineering Manager at Globex"), "lead");
        assert_eq!(level("VP of Engineering, Umbrella"), "executive");
        assert_eq!(level("Sr. Data Analyst"), "senior");
        assert_eq!(level("Software Engineer II, Initech"), "mid");
        assert_eq!(level("Jr Developer"), "junior");
    }

    #[test]
    fn internships_are_intern_only_while_current() {
        assert_eq!(
            level("Software Engineering Intern, Acme\nJune 2026 – Present"),
            "intern"
        );
        assert_eq!(
            level("Software Engineering Intern, Acme\nJune 2024 – August 2024"),
            "junior"
        );
    }

    #[test]
    fn years_decide_without_level_words() {
        assert_eq!(
            level("Software Engineer with 6 years of experience.\nSoftware Engineer, Acme"),
            "senior"
        );
        assert_eq!(level("Software Engineer, Acme\n2023 – 2026"), "mid");
        assert_eq!(
            level("Software Engineer, Acme\n2025 – Present\nCertified 2026"),
            "junior"
        );
        assert_eq!(level("A person who likes computers."), "unknown");
    }

    #[test]
    fn sentences_are_not_titles() {
        assert!(!is_title_line(
            "Worked closely with the senior engineering manager on hiring."
        ));
        assert!(!is_title_line("• Led a team of 5 engineers"));
        assert!(is_title_line("Teaching Assistant, Trinity College Dublin"));
        assert!(!is_title_line("Leadership and communication"));
    }
}
