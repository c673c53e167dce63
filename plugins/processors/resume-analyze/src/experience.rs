//! Years of experience a resume states ("9 years of experience") or, failing
//! that, the span of its job dates ("2017 – 2021", "June 2021 – Present").
//! "Present" has no date of its own and the processor does not know today, so
//! it counts as the latest year the resume mentions: a lower bound.

/// Headings whose date ranges are not employment.
const NOT_WORK: [&str; 5] = [
    "education",
    "certifications",
    "certificates",
    "courses",
    "volunteering",
];
/// Headings that start employment (or unknown) sections again.
const OTHER_SECTIONS: [&str; 9] = [
    "experience",
    "work experience",
    "professional experience",
    "employment",
    "skills",
    "projects",
    "summary",
    "profile",
    "languages",
];

fn year_of(word: &str) -> Option<u32> {
    let digits = word.trim_matches(|c: char| !c.is_ascii_digit());
    (digits.len() == 4)
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|year| (1960..=2100).contains(year))
}

fn stated_years(line: &str) -> Option<u32> {
    let lower = line.to_lowercase().replace(['+', '’', '\''], " ");
    // Padded so a phrase at the end of the line still fills a window.
    let words: Vec<&str> = lower.split_whitespace().chain(["", ""]).collect();
    words.windows(4).find_map(|window| {
        let count: u32 = window[0].parse().ok()?;
        let unit = matches!(window[1], "years" | "yrs" | "year");
        let about_experience = window[2..]
            .iter()
            .any(|word| word.starts_with("experience"))
            || (window[2] == "of" && window[3].starts_with("experience"));
        (unit && about_experience && count < 60).then_some(count)
    })
}

fn heading(line: &str) -> Option<String> {
    let lower = line.trim_end_matches(':').trim().to_lowercase();
    (line.split_whitespace().count() <= 3 && !lower.is_empty()).then_some(lower)
}

/// Years of experience, when the resume says or shows them.
pub fn years(lines: &[&str]) -> Option<u32> {
    if let Some(stated) = lines.iter().find_map(|line| stated_years(line)) {
        return Some(stated);
    }
    let latest_mentioned = lines
        .iter()
        .flat_map(|line| line.split_whitespace())
        .filter_map(year_of)
        .max()?;
    let mut in_work = true;
    let mut first_start: Option<u32> = None;
    let mut last_end: Option<u32> = None;
    for line in lines {
        if let Some(name) = heading(line) {
            if NOT_WORK.iter().any(|word| name.starts_with(word)) {
                in_work = false;
                continue;
            }
            if OTHER_SECTIONS.iter().any(|word| name.starts_with(word)) {
                in_work = true;
                continue;
            }
        }
        if !in_work {
            continue;
        }
        let Some((start, end)) = range(line, latest_mentioned) else {
            continue;
        };
        first_start = Some(first_start.map_or(start, |first| first.min(start)));
        last_end = Some(last_end.map_or(end, |last| last.max(end)));
    }
    Some(last_end?.saturating_sub(first_start?))
}

/// `(start, end)` years of a date range on `line`.
fn range(line: &str, present: u32) -> Option<(u32, u32)> {
    let lower = line.to_lowercase();
    let (left, right) = ['–', '—', '-']
        .iter()
        .find_map(|dash| lower.split_once(*dash))
        .or_else(|| lower.split_once(" to "))?;
    let start = left.split_whitespace().rev().find_map(year_of)?;
    let right_words: Vec<&str> = right.split_whitespace().collect();
    let end = right_words.iter().copied().find_map(year_of).or_else(|| {
        right_words
            .iter()
            .any(|word| {
                let word = word.trim_matches(|c: char| !c.is_alphabetic());
                matches!(word, "present" | "current" | "now" | "today")
            })
            .then_some(present)
    })?;
    (end >= start).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Option<u32> {
        let lines: Vec<&str> = text.lines().collect();
        years(&lines)
    }

    #[test]
    fn stated_years_win() {
        assert_eq!(
            of("Engineer with 9 years of experience.\n2024 – Present"),
            Some(9)
        );
        assert_eq!(of("12+ years’ experience in finance"), Some(12));
        assert_eq!(of("Built 3 years of dashboards"), None);
        assert_eq!(of("Summary: 4 years experience"), Some(4));
    }

    #[test]
    fn spans_of_job_dates() {
        assert_eq!(
            of("Acme\n2021 – Present\nInitech\n2016 - 2021\nAwards 2025"),
            Some(9)
        );
        assert_eq!(of("Acme\nJan 2019 to Mar 2022"), Some(3));
        assert_eq!(
            of("Acme\n2022 – 2024\nEducation\nB.Sc., 2014 – 2018\nSkills\nRust"),
            Some(2),
            "study years are not work years"
        );
        assert_eq!(of("No dates here"), None);
    }
}
