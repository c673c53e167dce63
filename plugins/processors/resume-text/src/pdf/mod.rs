//! PDF: glyphs with their positions from `pdf-extract` (fonts, encodings,
//! ToUnicode maps), then our own reading order (`layout`).

mod check;
mod layout;

use std::io::Read;

use pdf_extract::{Document, MediaBox, Object, OutputDev, OutputError, Transform};

use crate::text::TextBuilder;
use crate::{ExtractError, Extracted, Format, Limits, MAX_INFLATED_MIB_KEY};

use layout::Glyph;

/// Fewer letters and digits than this per page: no text layer (a scan with
/// page numbers or a stamp still counts as one).
const MIN_TEXT_CHARS_PER_PAGE: usize = 20;

fn unreadable() -> ExtractError {
    ExtractError::Invalid(
        "This PDF is damaged or incomplete and cannot be read; export the resume to PDF again \
         (or save it as DOCX) and upload the new file."
            .to_string(),
    )
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut document = Document::load_mem(bytes).map_err(|_| unreadable())?;
    // lopdf decrypts files whose user password is empty (permission-only
    // protection) while loading and drops /Encrypt; what is left needs a password.
    if document.trailer.get(b"Encrypt").is_ok() {
        return Err(ExtractError::Invalid(
            "This PDF is password-protected, so its text cannot be read; remove the password \
             (print or export it to a new PDF without one) and upload it again."
                .to_string(),
        ));
    }
    let pages = document.get_pages().len() as u32;
    if pages == 0 {
        return Err(unreadable());
    }
    drop_images(&mut document);
    check_inflated_size(&document, limits)?;
    check::check(&document).map_err(|_| unreadable())?;
    let mut collector = Collector::default();
    pdf_extract::output_doc(&document, &mut collector).map_err(|_| unreadable())?;
    let mut text = TextBuilder::new(limits.max_text_bytes);
    for page in &collector.pages {
        text.paragraph();
        layout::write_page(page, &mut text)?;
    }
    if text.alphanumeric_count() < MIN_TEXT_CHARS_PER_PAGE * pages as usize {
        return Err(ExtractError::Invalid(
            "This PDF has no selectable text (it looks like a scan or an image of the resume); \
             export the resume from your editor as a PDF with text, or upload it as DOCX."
                .to_string(),
        ));
    }
    Ok(Extracted {
        text: text.finish(),
        pages,
        format: Format::Pdf,
    })
}

/// Empties image XObjects: they hold no text, and pdf-extract would inflate
/// each one and run its pixels through the content-stream parser.
fn drop_images(document: &mut Document) {
    for object in document.objects.values_mut() {
        if let Object::Stream(stream) = object {
            let image = stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|subtype| subtype == b"Image");
            if image {
                stream.dict.remove(b"Filter");
                stream.dict.remove(b"DecodeParms");
                stream.set_content(Vec::new());
            }
        }
    }
}

/// Inflates every Flate stream into a counting sink, together bounded by the
/// cap, before `pdf-extract` inflates the ones it needs into memory.
fn check_inflated_size(document: &Document, limits: &Limits) -> Result<(), ExtractError> {
    let mut budget = limits.max_inflated_bytes;
    for object in document.objects.values() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let flate = stream
            .filters()
            .is_ok_and(|filters| filters.first().is_some_and(|name| *name == b"FlateDecode"));
        if !flate {
            continue;
        }
        let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
        // A corrupt stream is pdf-extract's to judge; only its size matters here.
        let inflated =
            std::io::copy(&mut decoder.take(budget + 1), &mut std::io::sink()).unwrap_or(0);
        if inflated > budget {
            return Err(ExtractError::Invalid(format!(
                "This PDF's compressed content unpacks to more than {} MiB (the resume-text limit \
                 `{MAX_INFLATED_MIB_KEY}`), far more than a resume; export the resume to PDF again \
                 and upload the new file.",
                limits.max_inflated_mib()
            )));
        }
        budget -= inflated;
    }
    Ok(())
}

/// Collects the glyphs of each page in top-down page coordinates.
#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Glyph>>,
    page_height: f64,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        self.pages.push(Vec::new());
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The text matrix's scale, whatever its rotation or skew.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        if !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(Glyph {
                x: trm.m31,
                y: self.page_height - trm.m32,
                width: width * size,
                size,
                text: text.to_string(),
            });
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
