//! Which character encoding a body is in, and the body decoded to a `String`.
//!
//! The signals are read in the order browsers read them: a byte-order mark, the
//! `charset=` parameter of the Content-Type header, then the document's own
//! declaration (HTML `<meta charset>` or `<meta http-equiv="Content-Type">` in its
//! first [`PRESCAN_BYTES`], the `encoding` of an XML declaration). With none of
//! them the body is read as UTF-8, and as Windows-1252 when it is not valid UTF-8
//! (what old servers that declare nothing mostly send). Labels are those of the
//! WHATWG Encoding Standard, so `latin1`, `iso-8859-1` and `us-ascii` mean
//! Windows-1252; an unknown label is ignored and the next signal is read.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Where a body may declare its own encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// Plain text: only the byte-order mark and the Content-Type count.
    Text,
    /// HTML: also a `<meta>` declaration near the start.
    Html,
    /// XML (RSS, Atom): also `<?xml … encoding="…"?>`.
    Xml,
}

/// How much of an HTML body is searched for a `<meta>` declaration. The HTML
/// standard's prescan reads 1024 bytes; pages with long heads are common, so more.
pub const PRESCAN_BYTES: usize = 4096;

/// The encoding `body` declares by a byte-order mark, `content_type` or (for
/// `document`) its own declaration; `None` when nothing usable is declared.
pub fn declared(
    body: &[u8],
    content_type: Option<&str>,
    document: Document,
) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return Some(encoding);
    }
    if let Some(encoding) = content_type.and_then(charset_param).and_then(for_label) {
        return Some(encoding);
    }
    let in_document = match document {
        Document::Text => None,
        Document::Html => meta_charset(body),
        Document::Xml => xml_encoding(body),
    };
    // A document that could be read as ASCII to find its declaration is not
    // UTF-16, whatever it says (the HTML standard's rule, applied to XML too).
    in_document.map(Encoding::output_encoding)
}

/// `body` as text: the declared encoding (see [`declared`]; malformed sequences
/// become U+FFFD), else UTF-8, else Windows-1252.
pub fn decode(body: &[u8], content_type: Option<&str>, document: Document) -> String {
    match declared(body, content_type, document) {
        Some(encoding) => encoding.decode_with_bom_removal(body).0.into_owned(),
        None => match std::str::from_utf8(body) {
            Ok(text) => text.to_string(),
            Err(_) => WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
                .into_owned(),
        },
    }
}

/// The encoding `body` will be decoded with by [`decode`]: for logs and tests.
pub fn encoding_name(body: &[u8], content_type: Option<&str>, document: Document) -> &'static str {
    match declared(body, content_type, document) {
        Some(encoding) => encoding.name(),
        None if std::str::from_utf8(body).is_ok() => UTF_8.name(),
        None => WINDOWS_1252.name(),
    }
}

fn for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// The `charset` parameter of a Content-Type value (`text/html; charset="utf-8"`),
/// also of a `<meta http-equiv>`'s `content`.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
        })
        .filter(|value| !value.is_empty())
}

/// The attributes of a tag's inside (`meta charset="utf-8"` without `<` and `>`),
/// names as written, values unquoted; an attribute without a value has `""`.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            match rest.strip_prefix('=') {
                // A stray `=`: skip it.
                Some(after) => {
                    rest = after;
                    continue;
                }
                None => break,
            }
        }
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            found.push((name, ""));
            continue;
        };
        let after = after.trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &after[1..];
                match inner.find(quote) {
                    Some(end) => (&inner[..end], &inner[end + 1..]),
                    None => (inner, ""),
                }
            }
            _ => {
                let end = after
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        found.push((name, value));
        rest = next;
    }
    found
}

/// The encoding of the first `<meta charset>` or `<meta http-equiv="content-type">`
/// with a known label in the first [`PRESCAN_BYTES`] of `body`.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(PRESCAN_BYTES)];
    // Labels and tag names are ASCII; anything else may be replaced.
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = head[from..].find("<meta") {
        let start = from + at + "<meta".len();
        let end = head[start..]
            .find('>')
            .map_or(head.len(), |end| start + end);
        from = end;
        if !head[start..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/') {
            continue; // `<metadata>` or the like
        }
        let attrs = attributes(&head[start..end]);
        let value = |key: &str| {
            attrs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| *value)
        };
        let label = value("charset").or_else(|| {
            value("http-equiv")
                .filter(|equiv| equiv.trim() == "content-type")
                .and(value("content"))
                .and_then(charset_param)
        });
        if let Some(encoding) = label.and_then(for_label) {
            return Some(encoding);
        }
    }
    None
}

/// The `encoding` of an XML declaration at the start of `body`.
fn xml_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let start = body.iter().position(|byte| !byte.is_ascii_whitespace())?;
    let body = body[start..].strip_prefix(b"<?xml")?;
    let end = body.windows(2).take(512).position(|pair| pair == b"?>")?;
    let declaration = std::str::from_utf8(&body[..end]).ok()?;
    attributes(declaration)
        .into_iter()
        .find(|(name, _)| *name == "encoding")
        .and_then(|(_, label)| for_label(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "café" in Windows-1252 (and ISO-8859-1): 0xE9 is é.
    const CAFE_1252: &[u8] = b"caf\xe9";

    #[test]
    fn a_byte_order_mark_wins_over_everything() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Zürich".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode(
                &utf16,
                Some("text/html; charset=iso-8859-1"),
                Document::Html
            ),
            "Zürich"
        );
        assert_eq!(
            decode(
                b"\xEF\xBB\xBFcaf\xC3\xA9",
                Some("text/plain; charset=windows-1252"),
                Document::Text
            ),
            "café",
            "the UTF-8 BOM is removed and beats the header"
        );
        assert_eq!(encoding_name(&utf16, None, Document::Text), "UTF-16LE");
    }

    #[test]
    fn the_content_type_charset_is_read_in_its_forms() {
        for header in [
            "text/html; charset=ISO-8859-1",
            "text/html;charset=\"latin1\"",
            "text/plain; format=flowed; CHARSET='windows-1252'",
        ] {
            assert_eq!(
                decode(CAFE_1252, Some(header), Document::Text),
                "café",
                "{header}"
            );
        }
        // KOI8-R: 0xE9 is И. The header beats a contradicting meta.
        let page = b"<meta charset=\"utf-8\"><p>\xe9";
        assert_eq!(
            decode(page, Some("text/html; charset=koi8-r"), Document::Html),
            "<meta charset=\"utf-8\"><p>И"
        );
        // An unknown label is skipped: the meta is read next.
        assert_eq!(
            encoding_name(page, Some("text/html; charset=no-such"), Document::Html),
            "UTF-8"
        );
        assert_eq!(charset_param("application/json"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }

    #[test]
    fn html_declares_its_charset_in_a_meta_tag() {
        let meta = b"<!doctype html><html><head><META CHARSET=koi8-r><title>\xe9</title>";
        assert_eq!(encoding_name(meta, None, Document::Html), "KOI8-R");
        assert!(decode(meta, None, Document::Html).ends_with("<title>И</title>"));
        let equiv = b"<head><meta name=viewport content=\"width=device-width\">\
            <meta http-equiv='Content-Type' content='text/html; charset=iso-8859-2'>\
            </head><p>\xb1";
        // ISO-8859-2: 0xB1 is ą.
        assert!(decode(equiv, Some("text/html"), Document::Html).ends_with("<p>ą"));
        // A meta naming UTF-16 in an ASCII-readable page means UTF-8.
        assert_eq!(
            encoding_name(b"<meta charset=utf-16>", None, Document::Html),
            "UTF-8"
        );
        // Only HTML is searched for a meta, and only near the start.
        assert_eq!(encoding_name(meta, None, Document::Text), "windows-1252");
        let mut late = vec![b' '; PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=koi8-r>\xe9");
        assert_eq!(encoding_name(&late, None, Document::Html), "windows-1252");
        assert_eq!(
            encoding_name(b"<metadata charset=koi8-r>", None, Document::Html),
            "UTF-8"
        );
    }

    #[test]
    fn xml_declares_its_encoding_in_the_declaration() {
        let feed =
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>caf\xe9</title></rss>";
        assert_eq!(encoding_name(feed, None, Document::Xml), "windows-1252");
        assert!(decode(feed, Some("application/rss+xml"), Document::Xml).contains("café"));
        let koi8 = b"\n<?xml version='1.0' encoding='koi8-r' ?><a>\xe9</a>";
        assert!(decode(koi8, None, Document::Xml).ends_with("<a>И</a>"));
    }

    #[test]
    fn undeclared_bodies_are_utf8_else_windows_1252() {
        assert_eq!(
            decode("naïve €".as_bytes(), None, Document::Html),
            "naïve €"
        );
        assert_eq!(decode(CAFE_1252, None, Document::Html), "café");
        // 0x80 is € in Windows-1252 (not a C1 control as in ISO-8859-1).
        assert_eq!(decode(b"\x80 5", Some("text/plain"), Document::Text), "€ 5");
        // A declared UTF-8 body is not second-guessed: bad bytes become U+FFFD.
        assert_eq!(
            decode(CAFE_1252, Some("text/plain; charset=utf-8"), Document::Text),
            "caf\u{FFFD}"
        );
    }

    #[test]
    fn attributes_are_read_quoted_unquoted_and_bare() {
        assert_eq!(
            attributes(" a=1 b='x y' c=\"z\" d /e= f"),
            [("a", "1"), ("b", "x y"), ("c", "z"), ("d", ""), ("e", "f")]
        );
        assert_eq!(attributes(" = =x"), [("x", "")]);
        assert_eq!(attributes(" a=\"open"), [("a", "open")]);
    }
}
