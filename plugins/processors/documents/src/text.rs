//! The ATS preview: the tailored resume as plain text, one fact per line, in the
//! order the DOCX shows it (applicant-tracking systems read text, not layout).

use crate::tailored::TailoredResume;

pub fn render(resume: &TailoredResume) -> String {
    let mut out = String::new();
    out.push_str(&resume.name);
    out.push('\n');
    if !resume.contacts.is_empty() {
        out.push_str(&resume.contacts.join(" | "));
        out.push('\n');
    }
    if let Some(summary) = &resume.summary {
        section(&mut out, "SUMMARY");
        out.push_str(summary);
        out.push('\n');
    }
    list(&mut out, "SELECTED ACHIEVEMENTS", &resume.achievements);
    if !resume.skills.is_empty() || !resume.keywords.is_empty() {
        section(&mut out, "CORE SKILLS");
        if !resume.skills.is_empty() {
            out.push_str(&resume.skills.join(", "));
            out.push('\n');
        }
        if !resume.keywords.is_empty() {
            out.push_str(&format!(
                "Relevant keywords: {}\n",
                resume.keywords.join(", ")
            ));
        }
    }
    if !resume.experience.is_empty() {
        section(&mut out, "EXPERIENCE");
        for (index, role) in resume.experience.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            match (&role.dates, role.heading.is_empty()) {
                (Some(dates), false) => out.push_str(&format!("{} | {dates}\n", role.heading)),
                (Some(dates), true) => out.push_str(&format!("{dates}\n")),
                (None, _) => out.push_str(&format!("{}\n", role.heading)),
            }
            if let Some(scope) = &role.scope {
                out.push_str(scope);
                out.push('\n');
            }
            for bullet in &role.bullets {
                out.push_str(&format!("- {bullet}\n"));
            }
        }
    }
    list(&mut out, "PROJECTS", &resume.projects);
    list(&mut out, "EDUCATION", &resume.education);
    list(&mut out, "CERTIFICATIONS", &resume.certifications);
    list(&mut out, "ADDITIONAL", &resume.additional);
    out
}

fn section(out: &mut String, title: &str) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    section(out, title);
    for item in items {
        out.push_str(&format!("- {item}\n"));
    }
}
