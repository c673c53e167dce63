//! DOCX: the paragraphs and tables of `word/document.xml`, in document order.
//!
//! The zip is checked before anything is inflated (entry count, declared
//! sizes) and inflation is bounded while reading, so a zip bomb costs at most
//! the configured cap of CPU and a fixed amount of memory.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::text::{normalize_line, TextBuilder};
use crate::{ExtractError, Extracted, Format, Limits, MAX_INFLATED_MIB_KEY};

const DOCUMENT_PART: &str = "word/document.xml";

fn damaged(reason: &str) -> ExtractError {
    ExtractError::Invalid(format!(
        "This DOCX file is damaged ({reason}); open it in Word, save it again, and upload the new file."
    ))
}

fn too_big(limits: &Limits) -> ExtractError {
    ExtractError::Invalid(format!(
        "This DOCX file unpacks to more than {} MiB (the resume-text limit `{MAX_INFLATED_MIB_KEY}`), \
         far more than a resume; it may be a zip bomb. Upload the resume on its own, as DOCX or PDF.",
        limits.max_inflated_mib()
    ))
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| damaged("its zip structure cannot be read"))?;
    if archive.len() > limits.max_zip_entries {
        return Err(damaged(&format!(
            "it holds {} parts, more than the {} a Word document can have",
            archive.len(),
            limits.max_zip_entries
        )));
    }
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| damaged("a part of its zip structure cannot be read"))?;
        if entry.size() > limits.max_inflated_bytes {
            return Err(too_big(limits));
        }
    }
    let part = match archive.by_name(DOCUMENT_PART) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => return Err(ExtractError::Invalid(
            "This file is a zip archive but not a Word document (it has no word/document.xml); \
                 export the resume as DOCX or PDF and upload that file."
                .to_string(),
        )),
        Err(_) => return Err(damaged("its text part cannot be opened")),
    };
    read_document(part, limits)
}

/// Reads `word/document.xml` from `part` (an inflating reader) within `limits`.
pub fn read_document(part: impl Read, limits: &Limits) -> Result<Extracted, ExtractError> {
    let guarded = GuardedReader {
        inner: part.take(limits.max_inflated_bytes + 1),
        max_run: limits.max_xml_run_bytes,
        run: 0,
        run_exceeded: false,
    };
    let mut reader = Reader::from_reader(BufReader::new(guarded));
    let mut walker = Walker::new(limits.max_text_bytes);
    let mut buffer = Vec::new();
    let outcome = loop {
        buffer.clear();
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) => break Ok(()),
            Ok(event) => {
                if let Err(error) = walker.event(event) {
                    break Err(error);
                }
            }
            Err(_) => break Err(damaged("its text part is not well-formed XML")),
        }
    };
    let guarded = reader.get_ref().get_ref();
    if guarded.inner.limit() == 0 {
        return Err(too_big(limits));
    }
    if guarded.run_exceeded {
        return Err(damaged(&format!(
            "its text part has a run of over {} KiB without markup",
            limits.max_xml_run_bytes >> 10
        )));
    }
    outcome?;
    Ok(Extracted {
        pages: walker.page_breaks + 1,
        text: walker.text.finish(),
        format: Format::Docx,
    })
}

/// Bounds inflation (`take`) and the longest stretch of bytes without a `<`,
/// which is what quick-xml has to buffer for one event.
struct GuardedReader<R> {
    inner: std::io::Take<R>,
    max_run: usize,
    run: usize,
    run_exceeded: bool,
}

impl<R: Read> Read for GuardedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(out)?;
        for &byte in &out[..count] {
            self.run = if byte == b'<' { 0 } else { self.run + 1 };
            if self.run > self.max_run {
                self.run_exceeded = true;
                return Err(std::io::Error::other("XML run too long"));
            }
        }
        Ok(count)
    }
}

#[derive(Default)]
struct Paragraph {
    text: String,
    list: bool,
}

#[derive(Default)]
struct Table {
    cells: Vec<String>,
    cell: Option<String>,
}

/// Turns WordprocessingML events into lines. Names are matched without their
/// prefix: Word writes `w:`, but the prefix is the writer's choice.
struct Walker {
    text: TextBuilder,
    paragraphs: Vec<Paragraph>,
    tables: Vec<Table>,
    /// Inside `w:t`: its character data is document text.
    in_text: bool,
    /// Inside `mc:Fallback`: a copy of content already read from `mc:Choice`.
    fallback_depth: usize,
    last_was_list: bool,
    page_breaks: u32,
}

fn attribute(element: &BytesStart, local: &str) -> Option<String> {
    element
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == local)
        .and_then(|attribute| {
            attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|value| value.into_owned())
        })
}

fn is_off(value: Option<String>) -> bool {
    matches!(value.as_deref(), Some("0" | "false" | "off"))
}

impl Walker {
    fn new(max_text_bytes: usize) -> Walker {
        Walker {
            text: TextBuilder::new(max_text_bytes),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            in_text: false,
            fallback_depth: 0,
            last_was_list: false,
            page_breaks: 0,
        }
    }

    fn event(&mut self, event: Event) -> Result<(), ExtractError> {
        match event {
            Event::Start(element) => {
                let name = element.local_name();
                if name.as_ref() == "Fallback" || self.fallback_depth > 0 {
                    self.fallback_depth += usize::from(name.as_ref() == "Fallback");
                    return Ok(());
                }
                self.start(&element);
            }
            Event::Empty(element) if self.fallback_depth == 0 => {
                self.start(&element);
                self.end(element.local_name().as_ref())?;
            }
            Event::End(element) => {
                let name = element.local_name();
                if self.fallback_depth > 0 {
                    self.fallback_depth -= usize::from(name.as_ref() == "Fallback");
                    return Ok(());
                }
                self.end(name.as_ref())?;
            }
            Event::Text(text) if self.in_text && self.fallback_depth == 0 => {
                self.push_str(&text.xml10_content());
            }
            Event::CData(data) if self.in_text && self.fallback_depth == 0 => {
                self.push_str(&data.xml10_content());
            }
            Event::GeneralRef(reference) if self.in_text && self.fallback_depth == 0 => {
                if let Ok(Some(ch)) = reference.resolve_char_ref() {
                    self.push_str(ch.encode_utf8(&mut [0; 4]));
                } else if let Some(value) =
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                {
                    self.push_str(value);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn push_str(&mut self, text: &str) {
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.text.push_str(text);
        }
    }

    fn start(&mut self, element: &BytesStart) {
        match element.local_name().as_ref() {
            "p" => self.paragraphs.push(Paragraph::default()),
            "numPr" => self.mark_list(true),
            "numId" if attribute(element, "val").as_deref() == Some("0") => self.mark_list(false),
            "pStyle" => {
                let style = attribute(element, "val").unwrap_or_default();
                if style.starts_with("ListBullet") || style.starts_with("ListNumber") {
                    self.mark_list(true);
                }
            }
            "pageBreakBefore"
                if !is_off(attribute(element, "val")) && self.text.alphanumeric_count() > 0 =>
            {
                self.page_breaks += 1;
            }
            "t" => self.in_text = true,
            // A tab character in a run; `w:tabs/w:tab` in paragraph properties
            // are tab stops (they carry a position) and write nothing.
            "tab" if attribute(element, "pos").is_none() => self.push_str("\t"),
            "br" => {
                if attribute(element, "type").as_deref() == Some("page") {
                    self.page_breaks += 1;
                } else {
                    self.push_str("\n");
                }
            }
            "cr" => self.push_str("\n"),
            "noBreakHyphen" => self.push_str("-"),
            "sym" => {
                let symbol = attribute(element, "char")
                    .and_then(|code| u32::from_str_radix(&code, 16).ok())
                    .and_then(char::from_u32);
                if let Some(symbol) = symbol {
                    self.push_str(symbol.encode_utf8(&mut [0; 4]));
                }
            }
            "tbl" => {
                if self.tables.is_empty() {
                    self.text.paragraph();
                    self.last_was_list = false;
                }
                self.tables.push(Table::default());
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cells.clear();
                }
            }
            "tc" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(String::new());
                }
            }
            _ => {}
        }
    }

    fn mark_list(&mut self, list: bool) {
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.list = list;
        }
    }

    fn end(&mut self, name: &str) -> Result<(), ExtractError> {
        match name {
            "t" => self.in_text = false,
            "p" => {
                if let Some(paragraph) = self.paragraphs.pop() {
                    self.emit_paragraph(paragraph)?;
                }
            }
            "tc" => {
                if let Some(table) = self.tables.last_mut() {
                    if let Some(cell) = table.cell.take() {
                        table.cells.push(cell);
                    }
                }
            }
            "tr" => {
                let Some(table) = self.tables.last_mut() else {
                    return Ok(());
                };
                let cells: Vec<String> = table
                    .cells
                    .drain(..)
                    .filter(|cell| !cell.is_empty())
                    .collect();
                let row = cells.join(" | ");
                let depth = self.tables.len();
                if depth >= 2 {
                    append_to_cell(&mut self.tables[depth - 2], &row);
                } else if !row.is_empty() {
                    self.text.line(&row)?;
                }
            }
            "tbl" => {
                self.tables.pop();
                if self.tables.is_empty() {
                    self.text.paragraph();
                    self.last_was_list = false;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn emit_paragraph(&mut self, paragraph: Paragraph) -> Result<(), ExtractError> {
        let mut first = true;
        // Soft line breaks (`w:br`) split a paragraph into lines, not paragraphs.
        for raw in paragraph.text.split('\n') {
            let line = normalize_line(raw, paragraph.list && first);
            if line.is_empty() {
                continue;
            }
            if let Some(table) = self.tables.last_mut().filter(|table| table.cell.is_some()) {
                // Cells read as one value each: "Languages | Rust, Go".
                append_to_cell(table, line.strip_prefix("• ").unwrap_or(&line));
                first = false;
                continue;
            }
            let list = line.starts_with("• ");
            // List items follow each other line by line; everything else is a paragraph.
            if first && !(list && self.last_was_list) {
                self.text.paragraph();
            }
            first = false;
            self.text.line(&line)?;
            self.last_was_list = list;
        }
        Ok(())
    }
}

fn append_to_cell(table: &mut Table, text: &str) {
    if let Some(cell) = table.cell.as_mut() {
        if !cell.is_empty() && !text.is_empty() {
            cell.push_str(", ");
        }
        cell.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<w:document xmlns:w="urn:w"><w:body>"#;

    fn xml(body: &str) -> Vec<u8> {
        format!("{HEAD}{body}</w:body></w:document>").into_bytes()
    }

    #[test]
    fn inflation_past_the_cap_is_refused_while_reading() {
        // A document honest about nothing: the zip reader would stream all of it.
        let body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>".repeat(2000);
        let limits = Limits {
            max_inflated_bytes: 16 << 10,
            ..Limits::default()
        };
        let error = read_document(xml(&body).as_slice(), &limits).unwrap_err();
        assert!(error.message().contains("max_inflated_mib"), "{error}");
        assert!(read_document(xml(&body).as_slice(), &Limits::default()).is_ok());
    }

    #[test]
    fn one_huge_text_node_is_refused_before_it_is_buffered() {
        let body = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "a".repeat(3 << 20));
        let error = read_document(xml(&body).as_slice(), &Limits::default()).unwrap_err();
        assert!(error.message().contains("without markup"), "{error}");
    }

    #[test]
    fn fallback_copies_and_deleted_text_are_skipped() {
        let body = r#"<w:p><w:r><w:t>Kept</w:t></w:r><w:ins><w:r><w:t> inserted</w:t></w:r></w:ins><w:del><w:r><w:delText> deleted</w:delText></w:r></w:del></w:p>
            <w:p><mc:AlternateContent xmlns:mc="urn:mc"><mc:Choice><w:r><w:t>Box</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>Box copy</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"#;
        let extracted = read_document(xml(body).as_slice(), &Limits::default()).unwrap();
        assert_eq!(extracted.text, "Kept inserted\n\nBox");
    }

    #[test]
    fn breaks_tabs_symbols_and_numbering_off() {
        let body = r#"<w:p><w:r><w:t>Jane</w:t><w:br/><w:t>Berlin</w:t><w:tab/><w:t>Remote</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Not a list item</w:t></w:r></w:p>
            <w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:t>Glyph bullet</w:t></w:r></w:p>
            <w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p><w:r><w:t>Page two</w:t></w:r></w:p>"#;
        let extracted = read_document(xml(body).as_slice(), &Limits::default()).unwrap();
        assert_eq!(
            extracted.text,
            "Jane\nBerlin Remote\n\nNot a list item\n\n• Glyph bullet\n\nPage two"
        );
        assert_eq!(extracted.pages, 2);
    }

    #[test]
    fn broken_xml_is_damaged() {
        let error = read_document(&b"<w:document></w:body>"[..], &Limits::default()).unwrap_err();
        assert!(error.message().contains("not well-formed"), "{error}");
    }
}
