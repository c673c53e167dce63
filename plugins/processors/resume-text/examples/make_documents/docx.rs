//! DOCX files: the OOXML parts Word needs, written into a zip.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;

fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:rPr><w:sz w:val="22"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr></w:style></w:styles>"#
    )
}

/// Numbering 1 is a bullet list ("•", Symbol font as Word writes it).
fn numbering() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A run; `**bold**` spans in `text` become bold runs.
pub fn runs(text: &str) -> String {
    text.split("**")
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(index, part)| {
            let bold = if index % 2 == 1 {
                "<w:rPr><w:b/></w:rPr>"
            } else {
                ""
            };
            format!(
                r#"<w:r>{bold}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(part)
            )
        })
        .collect()
}

pub fn paragraph(text: &str) -> String {
    format!("<w:p>{}</w:p>", runs(text))
}

pub fn styled(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
        runs(text)
    )
}

/// A list paragraph on numbering 1: the bullet is in numbering.xml, not the text.
pub fn bullet(text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{}</w:p>"#,
        runs(text)
    )
}

pub fn page_break() -> String {
    r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.to_string()
}

/// A table; each cell holds one paragraph per `\n`-separated part.
pub fn table(rows: &[&[&str]]) -> String {
    let mut xml = String::from(
        r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2500"/><w:gridCol w:w="6500"/></w:tblGrid>"#,
    );
    for row in rows {
        xml.push_str("<w:tr>");
        for cell in row.iter() {
            xml.push_str("<w:tc>");
            for part in cell.split('\n') {
                xml.push_str(&paragraph(part));
            }
            xml.push_str("</w:tc>");
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

pub fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>"#
    )
}

fn options() -> SimpleFileOptions {
    // A fixed timestamp keeps regenerated files byte-identical.
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::from_date_and_time(2026, 1, 1, 0, 0, 0).expect("date"))
}

/// Writes the package parts around a document part that `write_document` streams.
pub fn package(write_document: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles()),
        ("word/numbering.xml", numbering()),
    ] {
        zip.start_file(name, options()).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    }
    zip.start_file("word/document.xml", options().compression_level(Some(9)))
        .expect("zip entry");
    write_document(&mut zip);
    zip.finish().expect("zip finish").into_inner()
}

pub fn docx(body: &str) -> Vec<u8> {
    let xml = document_xml(body);
    package(|out| out.write_all(xml.as_bytes()).expect("zip write"))
}

pub fn basic() -> Vec<u8> {
    let body = [
        styled("Title", "Jane Doe"),
        paragraph("jane.doe@example.com\u{a0}·\u{a0}+1 555 0100\u{a0}·\u{a0}Berlin"),
        styled("Heading1", "Experience"),
        paragraph("**Senior Software Engineer**, Acme Corp\t2019 – 2024"),
        bullet("Cut p99 latency by **40%** by moving the ingest path to Rust."),
        bullet("Led a team of **5 engineers** through the Kubernetes migration."),
        bullet("Designed the event pipeline for 3 billion events per day."),
        paragraph("**Software Engineer**, Globex\t2016 – 2019"),
        bullet("Built the billing service in Go and PostgreSQL."),
        paragraph("– Mentored two junior engineers (typed dash, no numbering)."),
        page_break(),
        styled("Heading1", "Education"),
        paragraph("B.Sc. Computer Science, TU Berlin & Humboldt University"),
        styled("Heading1", "Skills"),
        paragraph("Rust, Go, Python, PostgreSQL, Kubernetes, AWS"),
    ]
    .concat();
    docx(&body)
}

pub fn table_layout() -> Vec<u8> {
    let body = [
        styled("Title", "Jane Doe"),
        paragraph("Platform engineer · jane.doe@example.com"),
        styled("Heading1", "Skills"),
        table(&[
            &["**Area**", "**Skills**"],
            &["Languages", "Rust, Go, Python"],
            &["Infrastructure", "Kubernetes\nTerraform\nAWS"],
            &["Databases", "PostgreSQL, Redis"],
        ]),
        styled("Heading1", "Experience"),
        bullet("Cut build times by 70% with remote caching."),
        bullet("Ran the on-call rotation for 14 services."),
    ]
    .concat();
    docx(&body)
}

/// `word/document.xml` of at least `inflated` bytes: a short paragraph and
/// 64 KiB of indentation, repeated. Runs of one byte are what deflate shrinks
/// best (about 1000:1; a repeated paragraph alone only reaches about 340:1).
pub fn zip_bomb(inflated: u64) -> Vec<u8> {
    let head = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>"#
    );
    let paragraph = "<w:p><w:r><w:t>bomb</w:t></w:r></w:p>\n";
    let unit = format!("{paragraph}{}", " ".repeat((64 << 10) - paragraph.len()));
    let chunk = unit.repeat(16);
    package(|out| {
        out.write_all(head.as_bytes()).expect("zip write");
        let mut written = head.len() as u64;
        while written < inflated {
            out.write_all(chunk.as_bytes()).expect("zip write");
            written += chunk.len() as u64;
        }
        out.write_all(b"</w:body></w:document>").expect("zip write");
    })
}
