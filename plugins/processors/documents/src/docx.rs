//! The DOCX renderings (docx-rs): an ATS-friendly one-column resume (headings as
//! bold capitals, plain bullets, dates right-aligned on a tab stop) and a letter.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Tab, TabValueType,
};

use crate::tailored::{Letter, TailoredResume};

/// US Letter, 1-inch margins (twips), as the earlier python-docx documents.
const PAGE_WIDTH: u32 = 12_240;
const PAGE_HEIGHT: u32 = 15_840;
const MARGIN: i32 = 1_440;
/// The right margin's position from the left one: where dates align.
const TEXT_WIDTH: usize = (PAGE_WIDTH as usize) - 2 * (MARGIN as usize);
/// Sizes in half-points.
const BODY_SIZE: usize = 21;
const NAME_SIZE: usize = 32;
const HEADING_SIZE: usize = 22;

pub fn resume(resume: &TailoredResume, created: Option<&str>) -> Result<Vec<u8>, String> {
    let mut doc = document(created);
    doc = doc.add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text(&resume.name).bold().size(NAME_SIZE))
            .align(AlignmentType::Center),
    );
    if !resume.contacts.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(resume.contacts.join(" | ")))
                .align(AlignmentType::Center),
        );
    }
    if let Some(summary) = &resume.summary {
        doc = heading(doc, "Summary").add_paragraph(text(summary));
    }
    doc = bullets(doc, "Selected achievements", &resume.achievements);
    if !resume.skills.is_empty() || !resume.keywords.is_empty() {
        doc = heading(doc, "Core skills");
        if !resume.skills.is_empty() {
            doc = doc.add_paragraph(text(&resume.skills.join(", ")));
        }
        if !resume.keywords.is_empty() {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("Relevant keywords: ").bold())
                    .add_run(Run::new().add_text(resume.keywords.join(", "))),
            );
        }
    }
    if !resume.experience.is_empty() {
        doc = heading(doc, "Experience");
        for role in &resume.experience {
            let mut line = Paragraph::new()
                .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH))
                .keep_next(true)
                .line_spacing(LineSpacing::new().before(120));
            if !role.heading.is_empty() {
                line = line.add_run(Run::new().add_text(&role.heading).bold());
            }
            if let Some(dates) = &role.dates {
                line = line.add_run(Run::new().add_tab().add_text(dates));
            }
            doc = doc.add_paragraph(line);
            if let Some(scope) = &role.scope {
                doc = doc
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(scope).italic()));
            }
            for bullet in &role.bullets {
                doc = doc.add_paragraph(bullet_paragraph(bullet));
            }
        }
    }
    doc = bullets(doc, "Projects", &resume.projects);
    doc = bullets(doc, "Education", &resume.education);
    doc = bullets(doc, "Certifications", &resume.certifications);
    doc = bullets(doc, "Additional", &resume.additional);
    pack(doc)
}

pub fn letter(letter: &Letter, created: Option<&str>) -> Result<Vec<u8>, String> {
    let mut doc = document(created);
    if !letter.name.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(&letter.name)
                    .bold()
                    .size(HEADING_SIZE + 4),
            ),
        );
    }
    if !letter.contacts.is_empty() {
        doc = doc.add_paragraph(text(&letter.contacts.join(" | ")));
    }
    if let Some(date) = &letter.date {
        doc = doc.add_paragraph(spaced(text(date)));
    }
    doc = doc.add_paragraph(spaced(text(&letter.recipient)));
    if let Some(subject) = &letter.subject {
        doc = doc.add_paragraph(spaced(
            Paragraph::new().add_run(Run::new().add_text(subject).bold()),
        ));
    }
    for paragraph in &letter.paragraphs {
        doc = doc.add_paragraph(spaced(text(paragraph)));
    }
    pack(doc)
}

fn document(created: Option<&str>) -> Docx {
    let doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_size(BODY_SIZE)
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .cs("Calibri"),
        );
    match created {
        // Core properties want a W3CDTF time; the day is what the host passes.
        Some(day) => {
            let time = format!("{day}T00:00:00Z");
            doc.created_at(&time).updated_at(&time)
        }
        None => doc,
    }
}

fn heading(doc: Docx, title: &str) -> Docx {
    doc.add_paragraph(
        Paragraph::new()
            .add_run(
                Run::new()
                    .add_text(title.to_uppercase())
                    .bold()
                    .size(HEADING_SIZE),
            )
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(240).after(60)),
    )
}

fn text(content: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(content))
}

fn spaced(paragraph: Paragraph) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().after(160))
}

fn bullet_paragraph(content: &str) -> Paragraph {
    // A plain "•" and a hanging indent: ATS parsers read it as text, Word shows a list.
    Paragraph::new()
        .add_run(Run::new().add_text(format!("•\u{00a0}{content}")))
        .indent(
            Some(360),
            Some(docx_rs::SpecialIndentType::Hanging(200)),
            None,
            None,
        )
}

fn bullets(mut doc: Docx, title: &str, items: &[String]) -> Docx {
    if items.is_empty() {
        return doc;
    }
    doc = heading(doc, title);
    for item in items {
        doc = doc.add_paragraph(bullet_paragraph(item));
    }
    doc
}

fn pack(doc: Docx) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|error| format!("the document could not be written: {error}"))?;
    deflate_parts(&out.into_inner())
}

/// The package with its parts deflated: docx-rs stores them uncompressed, which
/// makes a download about three times larger than it needs to be.
fn deflate_parts(stored: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::{Read as _, Write as _};
    let failed =
        |error: &dyn std::fmt::Display| format!("the document could not be written: {error}");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(stored)).map_err(|error| failed(&error))?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|error| failed(&error))?;
        let mut data = Vec::new();
        part.read_to_end(&mut data)
            .map_err(|error| failed(&error))?;
        writer
            .start_file(part.name().to_string(), options)
            .map_err(|error| failed(&error))?;
        writer.write_all(&data).map_err(|error| failed(&error))?;
    }
    writer
        .finish()
        .map(|cursor| cursor.into_inner())
        .map_err(|error| failed(&error))
}
