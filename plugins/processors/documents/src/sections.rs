//! The original resume's text read into sections: the name, contact items, and
//! the summary, skills, experience (roles with their dates and bullets),
//! projects, education and certifications. Plain-text resumes vary; the rules are
//! line-based and forgiving: what is not recognised lands in `additional`.

/// A resume read into its parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedResume {
    pub name: Option<String>,
    /// E-mail, phone, LinkedIn and other links, in the resume's order.
    pub contacts: Vec<String>,
    pub location: Option<String>,
    pub summary: Vec<String>,
    pub skills: Vec<String>,
    pub experience: Vec<Role>,
    pub projects: Vec<String>,
    pub education: Vec<String>,
    pub certifications: Vec<String>,
    pub additional: Vec<String>,
}

/// One role of the experience section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Role {
    /// The header line as written ("Senior Engineer — Acme, Berlin").
    pub header: String,
    /// "2021 – Present", when the resume gives one.
    pub dates: Option<String>,
    pub bullets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Summary,
    Skills,
    Experience,
    Projects,
    Education,
    Certifications,
    Additional,
}

/// The section a heading line opens, if it is one.
fn heading(line: &str) -> Option<Section> {
    let name = line.trim().trim_end_matches(':').trim().to_lowercase();
    if name.len() > 40 {
        return None;
    }
    let section = match name.as_str() {
        "summary"
        | "profile"
        | "professional summary"
        | "about"
        | "about me"
        | "objective"
        | "career summary" => Section::Summary,
        "skills" | "technical skills" | "core skills" | "core competencies" | "key skills"
        | "technologies" | "tech stack" => Section::Skills,
        "experience"
        | "work experience"
        | "professional experience"
        | "employment"
        | "employment history"
        | "work history"
        | "career history" => Section::Experience,
        "projects" | "selected projects" | "personal projects" | "open source" => Section::Projects,
        "education" | "education and training" => Section::Education,
        "certifications"
        | "certificates"
        | "licenses"
        | "licenses and certifications"
        | "certifications and licenses" => Section::Certifications,
        "languages"
        | "interests"
        | "awards"
        | "publications"
        | "volunteering"
        | "additional"
        | "additional information" => Section::Additional,
        _ => return None,
    };
    Some(section)
}

pub fn parse(text: &str) -> ParsedResume {
    let mut resume = ParsedResume::default();
    let mut section = Section::Header;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(next) = heading(line) {
            section = next;
            continue;
        }
        let (is_bullet, content) = match strip_bullet(line) {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        match section {
            Section::Header => read_header_line(&mut resume, content),
            Section::Summary => resume.summary.push(content.to_string()),
            Section::Skills => resume.skills.extend(split_skills(content)),
            Section::Experience => read_experience_line(&mut resume.experience, is_bullet, content),
            Section::Projects => resume.projects.push(content.to_string()),
            Section::Education => resume.education.push(content.to_string()),
            Section::Certifications => resume.certifications.push(content.to_string()),
            Section::Additional => resume.additional.push(content.to_string()),
        }
    }
    resume
}

/// The text after a bullet marker, if the line is a bullet.
pub fn strip_bullet(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(['•', '-', '*', '▪', '–', '◦', '·', '●'])?;
    Some(rest.trim())
}

fn read_header_line(resume: &mut ParsedResume, line: &str) {
    if resume.name.is_none() && looks_like_name(line) {
        resume.name = Some(line.to_string());
        return;
    }
    let items: Vec<&str> = line
        .split(['·', '|', '•'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    let mut recognised = false;
    for item in &items {
        if is_contact(item) {
            resume.contacts.push(item.to_string());
            recognised = true;
        } else if resume.location.is_none() && items.len() > 1 {
            resume.location = Some(item.to_string());
            recognised = true;
        }
    }
    if !recognised {
        // A headline under the name ("Senior Backend Engineer") reads as summary.
        resume.summary.push(line.to_string());
    }
}

fn looks_like_name(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=5).contains(&words)
        && !line.contains('@')
        && !line.chars().any(|character| character.is_ascii_digit())
        && line.chars().next().is_some_and(char::is_alphabetic)
}

/// An e-mail address, a phone number or a link.
pub fn is_contact(item: &str) -> bool {
    let lower = item.to_lowercase();
    let digits = item.chars().filter(char::is_ascii_digit).count();
    item.contains('@')
        || (digits >= 7
            && item
                .chars()
                .all(|character| character.is_ascii_digit() || " +-().".contains(character)))
        || lower.starts_with("http")
        || lower.starts_with("www.")
        || ["linkedin.com", "github.com", "gitlab.com", ".dev/", ".io/"]
            .iter()
            .any(|site| lower.contains(site))
}

fn split_skills(line: &str) -> Vec<String> {
    // "Languages: Go, Python" keeps the skills after the label.
    let line = match line.split_once(':') {
        Some((label, rest)) if label.split_whitespace().count() <= 3 => rest,
        _ => line,
    };
    line.split([',', ';', '|', '·', '•'])
        .map(str::trim)
        .filter(|skill| !skill.is_empty())
        .map(str::to_string)
        .collect()
}

fn read_experience_line(roles: &mut Vec<Role>, is_bullet: bool, line: &str) {
    if is_bullet {
        match roles.last_mut() {
            Some(role) => role.bullets.push(line.to_string()),
            None => roles.push(Role {
                header: String::new(),
                dates: None,
                bullets: vec![line.to_string()],
            }),
        }
        return;
    }
    if is_date_range(line) {
        match roles.last_mut() {
            Some(role) if role.dates.is_none() && role.bullets.is_empty() => {
                role.dates = Some(line.to_string());
            }
            _ => roles.push(Role {
                header: String::new(),
                dates: Some(line.to_string()),
                bullets: Vec::new(),
            }),
        }
        return;
    }
    let (header, dates) = split_trailing_dates(line);
    // A role whose header is still empty (its dates came first) takes this line.
    if let Some(role) = roles
        .last_mut()
        .filter(|role| role.header.is_empty() && role.bullets.is_empty())
    {
        role.header = header;
        if role.dates.is_none() {
            role.dates = dates;
        }
        return;
    }
    roles.push(Role {
        header,
        dates,
        bullets: Vec::new(),
    });
}

const MONTHS: [&str; 24] = [
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

/// "2021 – Present", "Jan 2019 - Mar 2021", "03/2018 – 2020": a short line
/// made of years, months, separators and present-words only.
pub fn is_date_range(line: &str) -> bool {
    let lower = line.to_lowercase();
    let has_year = lower
        .split(|character: char| !character.is_ascii_digit())
        .any(|digits| digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20")));
    has_year
        && line.chars().count() <= 40
        && lower
            .split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .all(|word| {
                word.chars().all(|character| character.is_ascii_digit())
                    || MONTHS.contains(&word)
                    || ["present", "current", "now", "today", "to", "since", "until"]
                        .contains(&word)
            })
}

/// "Engineer, Acme | 2019 – 2021" → ("Engineer, Acme", "2019 – 2021"): the
/// longest tail after a space, tab or `|` that is a date range.
fn split_trailing_dates(line: &str) -> (String, Option<String>) {
    for (index, character) in line.char_indices() {
        if !matches!(character, ' ' | '\t' | '|') {
            continue;
        }
        let tail = line[index + character.len_utf8()..]
            .trim()
            .trim_start_matches(['|', '—', '–', '-', ','])
            .trim();
        let head = &line[..index];
        let head = head
            .trim()
            .trim_end_matches([',', '|', '—', '–', '-'])
            .trim();
        if !head.is_empty() && is_date_range(tail) {
            return (head.to_string(), Some(tail.to_string()));
        }
    }
    (line.to_string(), None)
}
