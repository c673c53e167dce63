//! What the documents say: the original resume's parts with the pack's tailored
//! texts put in (summary, achievements, the AI's optimized structures), and the
//! cover letter. The DOCX and the plain text render the same model.

use jobscout_contracts::apply_pack::OptimizedResume;
use serde_json::Value;

use crate::sections::{self, ParsedResume};

/// At most this many skills and keywords are listed.
pub const MAX_SKILLS: usize = 24;
pub const MAX_KEYWORDS: usize = 12;

/// The stored pack's parts the documents use, read leniently.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackView {
    pub summary: Option<String>,
    pub bullets: Vec<String>,
    pub cover_note: Option<String>,
    pub optimized_experience: Vec<String>,
    pub optimized_resume: Option<OptimizedResume>,
}

impl PackView {
    pub fn from_json(pack: &Value) -> PackView {
        let text = |value: &Value| {
            value
                .as_str()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let checklist = &pack["ats_checklist"];
        PackView {
            summary: text(&pack["tailored_summary"]),
            bullets: pack["tailored_bullets"]
                .as_array()
                .map(|bullets| {
                    bullets
                        .iter()
                        .filter_map(|bullet| text(&bullet["text"]))
                        .collect()
                })
                .unwrap_or_default(),
            cover_note: text(&pack["cover_note"]),
            optimized_experience: checklist["optimized_experience"]
                .as_array()
                .map(|items| items.iter().filter_map(text).collect())
                .unwrap_or_default(),
            optimized_resume: serde_json::from_value(checklist["optimized_resume"].clone())
                .ok()
                .flatten(),
        }
    }
}

/// The job the documents are for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Job {
    pub title: Option<String>,
    pub company: Option<String>,
    pub keywords: Vec<String>,
    pub must_haves: Vec<String>,
}

/// A role as the document shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocRole {
    pub heading: String,
    /// Right-aligned on the heading's line.
    pub dates: Option<String>,
    pub scope: Option<String>,
    pub bullets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TailoredResume {
    pub name: String,
    /// Location, e-mail, phone and links, shown on one line.
    pub contacts: Vec<String>,
    pub summary: Option<String>,
    pub achievements: Vec<String>,
    pub skills: Vec<String>,
    /// Job keywords the resume or the pack already holds ("Relevant keywords:").
    pub keywords: Vec<String>,
    pub experience: Vec<DocRole>,
    pub projects: Vec<String>,
    pub education: Vec<String>,
    pub certifications: Vec<String>,
    pub additional: Vec<String>,
}

pub fn resume(resume_text: &str, pack: &PackView, job: &Job) -> TailoredResume {
    let parsed = sections::parse(resume_text);
    let optimized = pack.optimized_resume.clone().unwrap_or_default();
    let achievements: Vec<String> = pack.bullets.iter().map(|bullet| polish(bullet)).collect();
    let summary = pack
        .summary
        .clone()
        .or_else(|| optimized.summary.clone())
        .or_else(|| (!parsed.summary.is_empty()).then(|| parsed.summary.join(" ")));
    let mut skills = if optimized.core_skills.is_empty() {
        parsed.skills.clone()
    } else {
        optimized.core_skills.clone()
    };
    skills.truncate(MAX_SKILLS);
    let experience = experience(&parsed, pack, &optimized, &achievements);
    let keywords = keywords(resume_text, pack, job);
    let or_parsed = |optimized: &[String], parsed: &[String]| {
        if optimized.is_empty() {
            parsed.to_vec()
        } else {
            optimized.to_vec()
        }
    };
    TailoredResume {
        name: parsed.name.clone().unwrap_or_else(|| "Resume".to_string()),
        contacts: contacts(&parsed),
        summary,
        achievements,
        skills,
        keywords,
        experience,
        projects: or_parsed(&optimized.projects, &parsed.projects),
        education: or_parsed(&optimized.education, &parsed.education),
        certifications: or_parsed(&optimized.certifications, &parsed.certifications),
        additional: or_parsed(&optimized.additional, &parsed.additional),
    }
}

fn contacts(parsed: &ParsedResume) -> Vec<String> {
    parsed
        .location
        .iter()
        .chain(parsed.contacts.iter())
        .cloned()
        .collect()
}

/// The AI's structured roles when it wrote them; otherwise the resume's roles,
/// the first with the AI's rewritten experience bullets when there are some.
/// Bullets already shown as achievements are not repeated.
fn experience(
    parsed: &ParsedResume,
    pack: &PackView,
    optimized: &OptimizedResume,
    achievements: &[String],
) -> Vec<DocRole> {
    let mut roles: Vec<DocRole> = if optimized.experience.is_empty() {
        parsed
            .experience
            .iter()
            .map(|role| DocRole {
                heading: role.header.clone(),
                dates: role.dates.clone(),
                scope: None,
                bullets: role.bullets.clone(),
            })
            .collect()
    } else {
        optimized
            .experience
            .iter()
            .map(|role| {
                let title_company = [role.title.as_deref(), role.company.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" — ");
                let heading = match role.location.as_deref() {
                    Some(location) if !title_company.is_empty() => {
                        format!("{title_company}, {location}")
                    }
                    _ => title_company,
                };
                DocRole {
                    heading,
                    dates: role.dates.clone(),
                    scope: role.scope.clone(),
                    bullets: role.bullets.clone(),
                }
            })
            .collect()
    };
    if optimized.experience.is_empty() && !pack.optimized_experience.is_empty() {
        if let Some(first) = roles.first_mut() {
            first.bullets = pack.optimized_experience.clone();
        }
    }
    for role in &mut roles {
        role.bullets = role
            .bullets
            .iter()
            .map(|bullet| polish(bullet))
            .filter(|bullet| !bullet.is_empty() && !achievements.contains(bullet))
            .collect();
    }
    roles.retain(|role| !role.heading.is_empty() || !role.bullets.is_empty());
    roles
}

/// Job keywords and short must-haves that the resume or the pack already holds
/// (case-insensitive), so the line never claims a skill the applicant lacks.
fn keywords(resume_text: &str, pack: &PackView, job: &Job) -> Vec<String> {
    let mut held = resume_text.to_lowercase();
    for text in pack
        .summary
        .iter()
        .chain(pack.bullets.iter())
        .chain(pack.optimized_experience.iter())
    {
        held.push('\n');
        held.push_str(&text.to_lowercase());
    }
    let mut keywords: Vec<String> = Vec::new();
    let candidates = job.keywords.iter().chain(
        job.must_haves
            .iter()
            .filter(|must_have| must_have.chars().count() <= 40),
    );
    for candidate in candidates {
        let folded = candidate.to_lowercase();
        if held.contains(&folded)
            && !keywords
                .iter()
                .any(|keyword| keyword.eq_ignore_ascii_case(candidate))
        {
            keywords.push(candidate.clone());
        }
        if keywords.len() == MAX_KEYWORDS {
            break;
        }
    }
    keywords
}

/// A bullet tidied for a resume: its marker and "Responsible for" dropped, the
/// first letter capital, white space single, no trailing `;` or `,`.
pub fn polish(bullet: &str) -> String {
    let text = sections::strip_bullet(bullet.trim()).unwrap_or(bullet.trim());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = ["Responsible for ", "responsible for "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(&text)
        .trim_end_matches([';', ','])
        .to_string();
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The cover letter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Letter {
    pub name: String,
    pub contacts: Vec<String>,
    pub date: Option<String>,
    /// "Hiring Team, Acme".
    pub recipient: String,
    /// "Application for Staff Engineer".
    pub subject: Option<String>,
    pub paragraphs: Vec<String>,
}

const SIGN_OFFS: [&str; 6] = [
    "kind regards",
    "best regards",
    "regards",
    "sincerely",
    "best",
    "yours sincerely",
];

pub fn letter(resume_text: &str, pack: &PackView, job: &Job, today: Option<&str>) -> Letter {
    let parsed = sections::parse(resume_text);
    let name = parsed.name.clone().unwrap_or_default();
    let note = pack.cover_note.clone().unwrap_or_default();
    let mut paragraphs: Vec<String> = note
        .split('\n')
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_string)
        .collect();
    let signed = paragraphs.last().is_some_and(|last| {
        SIGN_OFFS.contains(
            &last
                .trim_end_matches([',', '.', '!'])
                .to_lowercase()
                .as_str(),
        )
    });
    if signed && !name.is_empty() {
        paragraphs.push(name.clone());
    }
    Letter {
        contacts: contacts(&parsed),
        name,
        date: today.map(str::to_string),
        recipient: match &job.company {
            Some(company) => format!("Hiring Team, {company}"),
            None => "Hiring Team".to_string(),
        },
        subject: job
            .title
            .as_ref()
            .map(|title| format!("Application for {title}")),
        paragraphs,
    }
}
