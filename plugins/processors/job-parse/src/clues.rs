//! Small readers shared by the page and the text parser: absolute dates,
//! employment-type phrases, and `Label: value` lines.

use jobscout_plugin_sdk::parse::{date, salary, text};
use jobscout_plugin_sdk::{EmploymentType, Salary};
use jobscout_text::guess::{self, word_at};

use crate::job::push_unique;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let position = MONTHS.iter().position(|month| word.starts_with(month))?;
    // `march`, `sept`, `september` are fine; `mayonnaise` is not a month.
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][position];
    (full.starts_with(word.as_str()) || word == "sept").then_some(position as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.' || c == ',');
    let day: u32 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

fn year_number(word: &str) -> Option<i64> {
    let word = word.trim_end_matches(['.', ',', ')']);
    (word.len() == 4).then_some(())?;
    word.parse()
        .ok()
        .filter(|year| (1990..=2100).contains(year))
}

fn to_rfc3339(year: i64, month: u32, day: u32) -> Option<String> {
    date::iso_to_rfc3339(&format!("{year:04}-{month:02}-{day:02}"))
}

/// The first absolute date in `text` as RFC 3339 (midnight UTC): `2026-11-01`,
/// `November 1, 2026`, `1 Nov 2026`, `01.11.2026`, `2026/11/01`, and
/// `11/01/2026` only when the day is > 12 so the order is certain. Relative
/// dates ("3 days ago") give `None`: the processor does not know today.
pub fn absolute_date(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect();
    for (index, word) in words.iter().enumerate() {
        let bare = word.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | ';'));
        if let Some(found) = numeric_date(bare) {
            return Some(found);
        }
        let next = words.get(index + 1).copied().unwrap_or("");
        let after = words.get(index + 2).copied().unwrap_or("");
        // `November 1, 2026` / `Nov 1 2026`
        if let (Some(month), Some(day), Some(year)) =
            (month_number(bare), day_number(next), year_number(after))
        {
            return to_rfc3339(year, month, day);
        }
        // `1 November 2026` / `1st Nov. 2026`
        if let (Some(day), Some(month), Some(year)) =
            (day_number(bare), month_number(next), year_number(after))
        {
            return to_rfc3339(year, month, day);
        }
    }
    None
}

fn numeric_date(word: &str) -> Option<String> {
    let word = word.trim_end_matches('.');
    if word.len() >= 10 && word.as_bytes()[4] == b'-' {
        return date::iso_to_rfc3339(word);
    }
    let separator = ['.', '/', '-']
        .into_iter()
        .find(|sep| word.contains(*sep))?;
    let parts: Vec<&str> = word.split(separator).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let numbers: Vec<u32> = [a, b, c]
        .iter()
        .filter_map(|part| part.parse().ok())
        .collect();
    let [a, b, c] = numbers[..] else {
        return None;
    };
    if a >= 1990 {
        return to_rfc3339(a as i64, b, c);
    }
    if c < 1990 {
        return None;
    }
    let (day, month) = match separator {
        // `01.11.2026` is day-first wherever dots are used.
        '.' => (a, b),
        _ if a > 12 => (a, b),
        _ if b > 12 => (b, a),
        _ => return None,
    };
    to_rfc3339(c as i64, month, day)
}

/// Employment types named by phrases in `text` ("Full-time", "part time",
/// "contractor", "internship"), in order of appearance. Meant for headers and
/// labelled values, not whole descriptions ("contract negotiations").
pub fn employment_types_in(text: &str) -> Vec<EmploymentType> {
    guess::employment_phrases_in(text)
        .into_iter()
        .map(text::employment_type_of)
        .collect()
}

/// Employment types of a labelled value: each part of "Full-time, Contract"
/// by the SDK's reading, else by phrase.
pub fn employment_types_of_value(value: &str) -> Vec<EmploymentType> {
    let mut kinds = Vec::new();
    for part in value.split([',', '/', '|', ';']) {
        match text::employment_type(part) {
            Some(EmploymentType::Other) | None => {
                employment_types_in(part)
                    .into_iter()
                    .for_each(|kind| push_unique(&mut kinds, kind));
            }
            Some(kind) => push_unique(&mut kinds, kind),
        }
    }
    kinds
}

/// `(label, value)` of a `Label: value` line; the label is lower-cased and at
/// most four words, so a sentence with a colon is not a label.
pub fn labelled(line: &str) -> Option<(String, &str)> {
    let (label, value) = line.split_once(':')?;
    let label = label
        .trim()
        .trim_start_matches(['-', '*', '•', '·'])
        .trim()
        .to_lowercase();
    let words = label.split_whitespace().count();
    if label.is_empty() || words > 4 || label.contains("http") {
        return None;
    }
    Some((label, value.trim()))
}

/// Phrases that introduce the posting date and the closing date.
const POSTED_PHRASES: [&str; 5] = [
    "date posted",
    "posted on",
    "posting date",
    "posted",
    "published",
];
const DEADLINE_PHRASES: [&str; 9] = [
    "apply by",
    "apply before",
    "applications close",
    "application deadline",
    "closing date",
    "deadline",
    "valid through",
    "expires",
    "closes",
];

fn date_after(line: &str, lower: &str, phrases: &[&str]) -> Option<String> {
    phrases.iter().find_map(|phrase| {
        let at = word_at(lower, phrase)?;
        absolute_date(&line[at + phrase.len()..])
    })
}

/// `(posted, closing)` dates a line states: "Posted: October 28, 2026",
/// "Full-time. Posted on 2026-10-28", "Apply by 31 December 2026".
/// Relative dates ("posted 3 days ago") are not read.
pub fn line_dates(line: &str) -> (Option<String>, Option<String>) {
    // ASCII lower-casing keeps byte offsets, so they index `line` too.
    let lower = line.to_ascii_lowercase();
    (
        date_after(line, &lower, &POSTED_PHRASES),
        date_after(line, &lower, &DEADLINE_PHRASES),
    )
}

/// Words of lines whose amounts are perks or company figures, not pay.
const NOT_PAY: [&str; 12] = [
    "budget",
    "stipend",
    "allowance",
    "reimburse",
    "bonus",
    "relocation",
    "raised",
    "funding",
    "revenue",
    "valuation",
    "customers",
    "donat",
];

/// The first salary stated in `text`, read line by line and skipping lines
/// about perks and company figures ("€2,000 yearly learning budget").
pub fn salary_in(text: &str) -> Option<Salary> {
    text.lines()
        .filter(|line| {
            let lower = line.to_lowercase();
            !NOT_PAY.iter().any(|word| lower.contains(word))
        })
        .find_map(salary::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_dates_in_common_spellings() {
        let first_november = Some("2026-11-01T00:00:00Z".to_string());
        assert_eq!(absolute_date("Posted: 2026-11-01"), first_november);
        assert_eq!(absolute_date("November 1, 2026"), first_november);
        assert_eq!(absolute_date("on Nov. 1 2026 at noon"), first_november);
        assert_eq!(absolute_date("1st November 2026"), first_november);
        assert_eq!(absolute_date("01.11.2026"), first_november);
        assert_eq!(absolute_date("2026/11/01"), first_november);
        assert_eq!(
            absolute_date("11/13/2026"),
            Some("2026-11-13T00:00:00Z".into())
        );
        assert_eq!(
            absolute_date("11/01/2026"),
            None,
            "month and day could swap"
        );
        assert_eq!(absolute_date("3 days ago"), None);
        assert_eq!(absolute_date("May 2026"), None, "no day");
        assert_eq!(absolute_date("February 30, 2026"), None);
    }

    #[test]
    fn employment_phrases() {
        assert_eq!(
            employment_types_in("Full-time · Remote · Contract to hire"),
            [EmploymentType::FullTime, EmploymentType::Contract]
        );
        assert_eq!(employment_types_in("International team"), []);
        assert_eq!(
            salary_in("€2,000 yearly learning budget\nPay: €70k - €80k").map(|s| s.min),
            Some(Some(70_000.0))
        );
        assert_eq!(
            employment_types_of_value("Permanent, Part time"),
            [EmploymentType::FullTime, EmploymentType::PartTime]
        );
    }

    #[test]
    fn labels_and_phrases() {
        assert_eq!(
            labelled("Job Title: Data Engineer"),
            Some(("job title".into(), "Data Engineer"))
        );
        assert_eq!(
            labelled("We care about one thing above all: shipping"),
            None
        );
        assert_eq!(labelled("https://acme.example/apply"), None);
        assert_eq!(
            line_dates("Apply by 31 December 2026 via https://x.example"),
            (None, Some("2026-12-31T00:00:00Z".into()))
        );
        assert_eq!(
            line_dates("Full-time. Posted: October 28, 2026"),
            (Some("2026-10-28T00:00:00Z".into()), None)
        );
        assert_eq!(line_dates("Posted 3 days ago"), (None, None));
        assert_eq!(line_dates("We reposted 2026-01-01"), (None, None));
    }
}
