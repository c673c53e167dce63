//! A language model's draft made into a pack: every generated text passes the
//! numeric-claims guard, the ATS checklist stays the computed one, and what the
//! guard empties falls back to the template's text.

use std::collections::BTreeSet;

use jobscout_contracts::apply_pack::{Bullet, Draft, OptimizedResume, OptimizedRole, Pack};

use crate::numbers::{numbers_in, unsupported};
use crate::template::{hits_score, keyword_hits};
use crate::Request;

/// At most this many bullets are kept from a draft.
pub const MAX_DRAFT_BULLETS: usize = 8;

/// The draft checked against the request, over the template pack.
pub fn apply(request: &Request, draft: &Draft, template: Pack) -> Pack {
    let mut guard = Guard::new(request);
    let summary = guard.sentences(draft.tailored_summary.as_deref().unwrap_or(""));
    let cover_note = guard.paragraphs(draft.cover_note.as_deref().unwrap_or(""));
    let bullets: Vec<Bullet> = draft
        .tailored_bullets
        .iter()
        .filter_map(|bullet| {
            let text = guard.item(bullet.text.as_deref().unwrap_or(""))?;
            Some(Bullet {
                match_score: score(bullet.match_score, &text, request),
                text,
            })
        })
        .take(MAX_DRAFT_BULLETS)
        .collect();
    let optimized_experience = guard.items(&draft.optimized_experience);
    let optimized_resume = draft
        .optimized_resume
        .as_ref()
        .map(|resume| guard.resume(resume));
    let mut checklist = template.ats_checklist;
    checklist.optimized_experience = Some(optimized_experience);
    checklist.optimized_resume = optimized_resume;
    Pack {
        keyword_coverage: checklist.keyword_coverage,
        ats_checklist: checklist,
        cover_note: cover_note.unwrap_or(template.cover_note),
        dropped_claims: guard.dropped,
        tailored_bullets: if bullets.is_empty() {
            template.tailored_bullets
        } else {
            bullets
        },
        tailored_summary: summary.unwrap_or(template.tailored_summary),
    }
}

/// The model's score clamped to 0–100, or the template's rule when it gave none.
fn score(given: Option<f64>, text: &str, request: &Request) -> u32 {
    match given.filter(|score| score.is_finite()) {
        Some(score) => score.clamp(0.0, 100.0).round() as u32,
        None => hits_score(keyword_hits(text, &request.job_keywords)),
    }
}

/// The numbers generated text may hold, and what was dropped for holding others.
struct Guard {
    allowed: BTreeSet<String>,
    dropped: Vec<String>,
}

impl Guard {
    /// The resume's numbers; the job's title and company name things (a "Tier 2"
    /// role), so their numbers are not claims either.
    fn new(request: &Request) -> Self {
        let mut allowed = numbers_in(&request.resume_text);
        for name in [&request.job_title, &request.job_company]
            .into_iter()
            .flatten()
        {
            allowed.extend(numbers_in(name));
        }
        Guard {
            allowed,
            dropped: Vec::new(),
        }
    }

    /// `text` if it makes no unsupported claim; otherwise it is dropped.
    fn item(&mut self, text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if unsupported(text, &self.allowed).is_empty() {
            Some(text.to_string())
        } else {
            self.dropped.push(text.to_string());
            None
        }
    }

    fn items(&mut self, items: &[String]) -> Vec<String> {
        items.iter().filter_map(|item| self.item(item)).collect()
    }

    /// `text` without the sentences that make unsupported claims; `None` if none is left.
    fn sentences(&mut self, text: &str) -> Option<String> {
        let kept: Vec<String> = split_sentences(text)
            .into_iter()
            .filter_map(|sentence| self.item(sentence))
            .collect();
        (!kept.is_empty()).then(|| kept.join(" "))
    }

    /// Like [`Guard::sentences`], keeping the paragraphs of a letter.
    fn paragraphs(&mut self, text: &str) -> Option<String> {
        let kept: Vec<String> = text
            .split('\n')
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .filter_map(|paragraph| self.sentences(paragraph))
            .collect();
        (!kept.is_empty()).then(|| kept.join("\n\n"))
    }

    fn resume(&mut self, resume: &OptimizedResume) -> OptimizedResume {
        OptimizedResume {
            summary: resume
                .summary
                .as_deref()
                .and_then(|text| self.sentences(text)),
            summary_proof: self.items(&resume.summary_proof),
            core_skills: self.items(&resume.core_skills),
            experience: resume
                .experience
                .iter()
                .map(|role| self.role(role))
                .collect(),
            projects: self.items(&resume.projects),
            education: self.items(&resume.education),
            certifications: self.items(&resume.certifications),
            additional: self.items(&resume.additional),
        }
    }

    fn role(&mut self, role: &OptimizedRole) -> OptimizedRole {
        let mut field = |value: &Option<String>| value.as_deref().and_then(|text| self.item(text));
        OptimizedRole {
            title: field(&role.title),
            company: field(&role.company),
            location: field(&role.location),
            // Dates the resume does not hold are invented: the role keeps none.
            dates: field(&role.dates),
            scope: role.scope.as_deref().and_then(|text| self.sentences(text)),
            bullets: self.items(&role.bullets),
        }
    }
}

/// Sentences end at `.`, `!` or `?` followed by white space (so "1.5" and
/// "node.js" stay whole).
fn split_sentences(text: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((index, character)) = characters.next() {
        if matches!(character, '.' | '!' | '?')
            && characters
                .peek()
                .is_some_and(|(_, next)| next.is_whitespace())
        {
            let end = index + character.len_utf8();
            sentences.push(text[start..end].trim());
            start = end;
        }
    }
    sentences.push(text[start..].trim());
    sentences.retain(|sentence| !sentence.is_empty());
    sentences
}
