//! The template pack: what `use_ai=false` gives, and what the AI pack falls
//! back to where the guard leaves nothing. Every text comes from the resume and
//! the job's own fields, so it makes no claim the resume does not hold.

use jobscout_contracts::apply_pack::{AtsChecklist, Bullet, Pack};

use crate::Request;

/// At most this many bullets are tailored.
pub const MAX_BULLETS: usize = 3;
/// The summary names at most this many skills.
const SUMMARY_SKILLS: usize = 5;

pub fn build(request: &Request, checklist: &AtsChecklist) -> Pack {
    let tailored_bullets = bullets(request);
    Pack {
        ats_checklist: checklist.clone(),
        cover_note: cover_note(request, checklist, tailored_bullets.first()),
        dropped_claims: Vec::new(),
        keyword_coverage: checklist.keyword_coverage,
        tailored_bullets,
        tailored_summary: summary(request, checklist),
    }
}

/// "Experienced senior professional with expertise in Rust, SQL and Kafka." The
/// skills the job asks for come first.
pub fn summary(request: &Request, checklist: &AtsChecklist) -> String {
    let skills = summary_skills(request, checklist);
    let who = match seniority(request) {
        Some(level) => format!("Experienced {level} professional"),
        None => "Experienced professional".to_string(),
    };
    let mut summary = if skills.is_empty() {
        format!("{who} with a record of delivering results.")
    } else {
        format!("{who} with expertise in {}.", join(&skills))
    };
    if let Some(role) = role(request) {
        summary.push_str(&format!(" Ready to contribute as {role}."));
    }
    summary
}

/// The resume's bullets ranked by how many job keywords each mentions (ties
/// keep the resume's order), scored 50 + 50 × min(hits, 3) ÷ 3.
pub fn bullets(request: &Request) -> Vec<Bullet> {
    let candidates = if request.resume_bullets.is_empty() {
        bullet_lines(&request.resume_text)
    } else {
        request.resume_bullets.clone()
    };
    let mut ranked: Vec<(usize, usize, String)> = candidates
        .into_iter()
        .enumerate()
        .map(|(position, text)| (keyword_hits(&text, &request.job_keywords), position, text))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(MAX_BULLETS)
        .map(|(hits, _, text)| Bullet {
            match_score: hits_score(hits),
            text,
        })
        .collect()
}

/// How many of `keywords` `text` mentions.
pub fn keyword_hits(text: &str, keywords: &[String]) -> usize {
    keywords
        .iter()
        .filter(|keyword| mentions(text, keyword))
        .count()
}

/// 50 + 50 × min(hits, 3) ÷ 3: 50, 66, 83 or 100.
pub fn hits_score(hits: usize) -> u32 {
    50 + (50 * hits.min(3) as u32) / 3
}

/// The letter; `highlight` (the best-matching bullet) is quoted as an example.
pub fn cover_note(
    request: &Request,
    checklist: &AtsChecklist,
    highlight: Option<&Bullet>,
) -> String {
    let greeting = match &request.job_company {
        Some(company) => format!("Dear {company} hiring team,"),
        None => "Dear hiring team,".to_string(),
    };
    let applying = match role(request) {
        Some(role) => format!("I am writing to apply for the role of {role}."),
        None => "I am writing to express my interest in this role.".to_string(),
    };
    let skills = summary_skills(request, checklist);
    let experience = match (seniority(request), skills.is_empty()) {
        (Some(level), false) => format!(
            "As a {level} professional, I bring hands-on experience with {}.",
            join(&skills)
        ),
        (None, false) => format!("I bring hands-on experience with {}.", join(&skills)),
        (Some(level), true) => format!("I bring the experience of a {level} professional."),
        (None, true) => "I bring experience that matches what this role needs.".to_string(),
    };
    let mut paragraphs = vec![greeting, format!("{applying} {experience}")];
    if let Some(highlight) = highlight {
        paragraphs.push(format!(
            "One example from my work: {}",
            sentence(&highlight.text)
        ));
    }
    let closing = match &request.job_company {
        Some(company) => {
            format!("I would welcome the chance to discuss how I can contribute to {company}.")
        }
        None => "I would welcome the chance to discuss how I can contribute.".to_string(),
    };
    paragraphs.push(closing);
    paragraphs.push("Kind regards".to_string());
    paragraphs.join("\n\n")
}

/// Whether `text` mentions `keyword` as a whole word (case-insensitive), so
/// "Go" is not found in "good".
pub fn mentions(text: &str, keyword: &str) -> bool {
    let text = text.to_lowercase();
    let keyword = keyword.to_lowercase();
    if keyword.is_empty() {
        return false;
    }
    let is_word = |character: Option<char>| character.is_some_and(char::is_alphanumeric);
    text.match_indices(&keyword).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + keyword.len()..].chars().next();
        !is_word(before) && !is_word(after)
    })
}

/// Lines of the resume written as bullets (`-`, `*`, `•`, `▪`, `–`), for a resume
/// whose analysis found no metric-bearing ones.
fn bullet_lines(resume_text: &str) -> Vec<String> {
    resume_text
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix(['-', '*', '•', '▪', '–', '◦'])?.trim();
            (rest.chars().count() >= 20 && rest.chars().count() <= 300).then(|| rest.to_string())
        })
        .collect()
}

fn summary_skills(request: &Request, checklist: &AtsChecklist) -> Vec<String> {
    let mut skills: Vec<String> = checklist.matched_skills.clone();
    for skill in &request.resume_skills {
        if !skills.iter().any(|held| held.eq_ignore_ascii_case(skill)) {
            skills.push(skill.clone());
        }
    }
    skills.truncate(SUMMARY_SKILLS);
    skills
}

fn seniority(request: &Request) -> Option<String> {
    request
        .resume_seniority
        .as_deref()
        .filter(|level| !level.eq_ignore_ascii_case("unknown"))
        .map(str::to_lowercase)
}

/// "Backend Engineer at Acme", "Backend Engineer", or none.
fn role(request: &Request) -> Option<String> {
    match (&request.job_title, &request.job_company) {
        (Some(title), Some(company)) => Some(format!("{title} at {company}")),
        (Some(title), None) => Some(title.clone()),
        _ => None,
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `text` ending with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}
