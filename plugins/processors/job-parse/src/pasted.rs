//! A pasted job description → job fields. Reads `Label: value` lines (Title,
//! Company, Location, Salary, Employment type, Posted, Apply by …), a header
//! line such as "Role at Company" or "Role | Company | City (Hybrid) | €…",
//! and otherwise takes the first short line as the title.

use jobscout_plugin_sdk::parse::{salary, text};
use jobscout_plugin_sdk::WorkMode;

use crate::clues;
use crate::dom_text::truncate;
use crate::job::{push_unique, Method, ParsedJob};

/// Pasted descriptions are kept up to this many characters.
pub const TEXT_DESCRIPTION_LIMIT: usize = 20_000;
/// Lines longer than this are prose, not a title or a header.
const SHORT_LINE: usize = 100;

/// Section headings that paste in front of the real title.
const GENERIC_HEADINGS: [&str; 10] = [
    "about the job",
    "about the role",
    "job description",
    "description",
    "overview",
    "job details",
    "we're hiring",
    "we are hiring",
    "now hiring",
    "hiring",
];

fn kind_of_label(label: &str) -> Option<&'static str> {
    Some(match label {
        "title" | "job title" | "position" | "position title" | "role" | "job" => "title",
        "company" | "company name" | "employer" | "organization" | "organisation"
        | "hiring company" => "company",
        "location" | "locations" | "job location" | "based in" | "office" => "location",
        "remote" | "workplace" | "workplace type" | "work mode" | "work model"
        | "remote policy" => "workplace",
        "salary" | "salary range" | "base salary" | "compensation" | "pay" | "pay range" => {
            "salary"
        }
        "employment type" | "job type" | "type" | "contract" | "contract type" | "commitment"
        | "employment" => "employment",
        "apply" | "apply at" | "apply here" | "how to apply" | "application link" => "apply",
        _ => return None,
    })
}

fn is_bullet(line: &str) -> bool {
    line.starts_with(['-', '*', '•', '·', '–', '▪', '◦'])
}

fn first_url(text: &str) -> Option<String> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '>' | '"' | '\''))
        .collect();
    Some(url.trim_end_matches(['.', ',', ';']).to_string())
}

/// Reads one header segment ("Berlin (Hybrid)", "€60k", "Acme") into `job`.
fn read_segment(segment: &str, job: &mut ParsedJob) {
    let segment = segment.trim();
    if segment.is_empty() {
        return;
    }
    if let Some(found) = salary::parse(segment) {
        job.salary.get_or_insert(found);
        return;
    }
    let kinds = clues::employment_types_in(segment);
    if !kinds.is_empty() && segment.split_whitespace().count() <= 3 {
        kinds
            .into_iter()
            .for_each(|kind| push_unique(&mut job.employment_type, kind));
        return;
    }
    let mode = text::work_mode(segment);
    if mode != WorkMode::Unknown {
        if job.remote_type == WorkMode::Unknown {
            job.remote_type = mode;
        }
        job.location.get_or_insert_with(|| segment.to_string());
    } else if job.company.is_none() {
        job.company = Some(segment.to_string());
    } else {
        job.location.get_or_insert_with(|| segment.to_string());
    }
}

fn split_header(line: &str) -> Vec<&str> {
    for separator in [" | ", " · ", " • ", " — ", " – "] {
        if line.contains(separator) {
            return line.split(separator).map(str::trim).collect();
        }
    }
    vec![line.trim()]
}

/// Parses pasted text; `None` when it holds nothing (no title and no description).
pub fn parse(pasted: &str) -> Option<ParsedJob> {
    let mut job = ParsedJob::empty(Method::Text);
    let lines: Vec<&str> = pasted.lines().map(str::trim).collect();
    for line in lines.iter().filter(|line| !line.is_empty()) {
        read_line(line, &mut job);
    }
    if job.title.is_none() {
        header_title(&lines, &mut job);
    }
    if job.location.is_none() {
        // A short line that only says how the work is done ("Fully remote (EU)").
        job.location = lines
            .iter()
            .filter(|line| line.chars().count() <= 80 && !is_bullet(line))
            .find(|line| text::work_mode(line) != WorkMode::Unknown)
            .map(|line| line.trim_end_matches('.').to_string());
    }
    if job.remote_type == WorkMode::Unknown {
        job.remote_type = job
            .location
            .as_deref()
            .map(text::work_mode)
            .unwrap_or(WorkMode::Unknown);
    }
    if job.salary.is_none() {
        job.salary = clues::salary_in(pasted);
    }
    if job.employment_type.is_empty() {
        let header: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| !l.is_empty())
            .take(4)
            .collect();
        job.employment_type = clues::employment_types_in(&header.join("\n"));
    }
    let description = lines.join("\n");
    let description = description.trim();
    job.description_text = (!description.is_empty())
        .then(|| truncate(&collapse_blank_runs(description), TEXT_DESCRIPTION_LIMIT));
    (job.title.is_some() || job.description_text.is_some()).then_some(job)
}

fn read_line(line: &str, job: &mut ParsedJob) {
    let (posted, closing) = clues::line_dates(line);
    job.posted_at = job.posted_at.take().or(posted);
    job.valid_through = job.valid_through.take().or(closing);
    let Some((label, value)) = clues::labelled(line) else {
        if job.apply_url.is_none() && line.to_lowercase().contains("apply") {
            job.apply_url = first_url(line);
        }
        return;
    };
    if value.is_empty() {
        return;
    }
    match kind_of_label(&label) {
        Some("title") => {
            job.title.get_or_insert_with(|| value.to_string());
        }
        Some("company") => {
            job.company.get_or_insert_with(|| value.to_string());
        }
        Some("location") => {
            job.location.get_or_insert_with(|| value.to_string());
            if job.remote_type == WorkMode::Unknown {
                job.remote_type = text::work_mode(value);
            }
        }
        Some("workplace") => {
            let mode = match value.to_lowercase().as_str() {
                "yes" | "true" | "fully" | "100%" => WorkMode::Remote,
                "no" | "false" => WorkMode::Onsite,
                _ => text::work_mode(value),
            };
            if mode != WorkMode::Unknown {
                job.remote_type = mode;
            }
        }
        Some("salary") => job.salary = job.salary.take().or_else(|| salary::parse(value)),
        Some("employment") if job.employment_type.is_empty() => {
            job.employment_type = clues::employment_types_of_value(value);
        }
        Some("apply") => job.apply_url = job.apply_url.take().or_else(|| first_url(value)),
        _ => {}
    }
}

/// Title (and maybe company, location, salary) from the first short line.
fn header_title(lines: &[&str], job: &mut ParsedJob) {
    let mut candidates = lines.iter().enumerate().filter(|(_, line)| {
        !line.is_empty()
            && line.chars().count() <= SHORT_LINE
            && clues::labelled(line).is_none()
            && !GENERIC_HEADINGS.contains(&line.to_lowercase().trim_end_matches([':', '!']))
            && !line.ends_with('.')
            && !is_bullet(line)
    });
    let Some((index, line)) = candidates.next() else {
        return;
    };
    let segments = split_header(line);
    let (role, rest) = segments
        .split_first()
        .expect("split_header returns one segment or more");
    let (role, company) = match role.rsplit_once(" at ") {
        Some((role, company)) if !role.trim().is_empty() => (role.trim(), Some(company.trim())),
        _ => (*role, None),
    };
    job.title = Some(role.to_string());
    if let Some(company) = company {
        job.company.get_or_insert_with(|| company.to_string());
    }
    rest.iter().for_each(|segment| read_segment(segment, job));
    // "Acme Corp · Berlin, Germany (Hybrid)" on the line right after the title.
    let next = lines[index + 1..].iter().find(|line| !line.is_empty());
    if let Some(next) = next.filter(|next| next.chars().count() <= SHORT_LINE) {
        let parts = split_header(next);
        if parts.len() >= 2 && clues::labelled(next).is_none() {
            parts.iter().for_each(|segment| read_segment(segment, job));
        }
    }
}

fn collapse_blank_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}
