//! HTML fragments from the plugins' sources (descriptions, feed summaries,
//! JSON-LD fields) to plain text, tolerant of the truncated markup recorded
//! payloads contain (`…</p`, `&n`, unclosed `<p>`). Unlike [`crate::html_to_text`],
//! a line break in the source is HTML whitespace, a `<` that opens no tag is text,
//! and a block inside a list item stays on the item's line.

use crate::entities::decode_entities;

/// Tags after which the text breaks into a new line.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "blockquote"
            | "pre"
            | "hr"
    )
}

/// Plain text from an HTML fragment: tags dropped (block tags become line
/// breaks, list items get "- "), `script`/`style` content skipped, entities
/// decoded, whitespace collapsed. A tag cut off at the end is dropped.
pub fn to_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while let Some(at) = rest.find('<') {
        if skip_until.is_none() {
            push_text(&mut raw, &rest[..at]);
        }
        rest = &rest[at..];
        // A '<' that cannot open a tag is text ("a < b").
        if !opens_tag(&rest[1..]) {
            if skip_until.is_none() {
                raw.push('<');
            }
            rest = &rest[1..];
            continue;
        }
        let Some(end) = rest.find('>') else {
            rest = "";
            break;
        };
        let inside = &rest[1..end];
        rest = &rest[end + 1..];
        let closing = inside.starts_with('/');
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(wanted) = skip_until {
            if closing && name == wanted {
                skip_until = None;
            }
            continue;
        }
        if !closing && (name == "script" || name == "style") {
            skip_until = Some(if name == "script" { "script" } else { "style" });
            continue;
        }
        if name == "li" && !closing {
            raw.push_str("\n- ");
        } else if is_block(&name) && !raw.trim_end_matches([' ', '\n']).ends_with("\n-") {
            // A block right inside a list item (`<li><p>`) stays on the item's line.
            raw.push('\n');
        }
    }
    if skip_until.is_none() {
        push_text(&mut raw, rest);
    }
    collapse(&decode_entities(&raw))
}

/// Plain text from a field that may hold either HTML or plain text (JSON-LD
/// `description`, feed summaries). Plain text keeps its own line breaks, which
/// [`to_text`] would treat as HTML whitespace and join: the lists and section
/// headings of a plain description live in those breaks.
pub fn field_to_text(field: &str) -> String {
    if has_markup(field) {
        to_text(field)
    } else {
        collapse(&decode_entities(
            &field.replace("\r\n", "\n").replace('\r', "\n"),
        ))
    }
}

/// Whether `text` holds at least one HTML tag (`<p>`, `</li>`, `<br/>`, `<!-- -->`).
pub fn has_markup(text: &str) -> bool {
    let Some(last_close) = text.rfind('>') else {
        return false;
    };
    text[..last_close]
        .match_indices('<')
        .any(|(at, _)| opens_tag(&text[at + 1..]))
}

/// Whether the text right after a '<' starts a tag (`p`, `/p`, `!--`).
fn opens_tag(after: &str) -> bool {
    after
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
}

/// Appends text between tags; its line breaks are HTML whitespace, not breaks.
fn push_text(raw: &mut String, text: &str) {
    raw.extend(
        text.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
}

/// Collapses runs of spaces within lines and blank lines between them.
fn collapse(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '\u{a0}')
            .filter(|word| !word.is_empty())
            .collect();
        if !words.is_empty() {
            lines.push(words.join(" "));
        }
    }
    lines.join("\n")
}

/// HTML that a source sent entity-escaped (`&lt;p&gt;`), unescaped once so it is
/// real markup; already-raw HTML is returned unchanged.
pub fn unescape_markup(input: &str) -> String {
    if input.contains("&lt;") && !input.contains('<') {
        decode_entities(input)
    } else {
        input.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_html() {
        assert_eq!(
            to_text(
                "<h2>About</h2>\n<p>We&#39;re <b>hiring</b>.</p><ul><li>Rust</li><li>SQL</li></ul>"
            ),
            "About\nWe're hiring.\n- Rust\n- SQL"
        );
        assert_eq!(to_text("<p>one<br>two</p"), "one\ntwo");
        assert_eq!(to_text("a < b &amp;&nbsp;c"), "a < b & c");
        assert_eq!(
            to_text("<style>p{x:1}</style><p>kept</p><script>alert(1)</script>"),
            "kept"
        );
        assert_eq!(
            to_text("<ul>\n<li>\n<p>Ship it.</p>\n</li>\n</ul>"),
            "- Ship it."
        );
        assert_eq!(to_text("two\nsource lines"), "two source lines");
        assert_eq!(
            to_text("unclosed <p>para one<p>para two"),
            "unclosed\npara one\npara two"
        );
    }

    #[test]
    fn escaped_markup_is_unescaped_once() {
        assert_eq!(
            unescape_markup("&lt;p class=&quot;x&quot;&gt;Hi&lt;/p&gt;"),
            "<p class=\"x\">Hi</p>"
        );
        assert_eq!(unescape_markup("<p>AT&amp;T</p>"), "<p>AT&amp;T</p>");
    }

    #[test]
    fn plain_fields_keep_their_lines_and_html_fields_are_converted() {
        let plain = "Requirements\r\n\u{2022} 5+ years of Rust\n\n\u{2022}   Tokio &amp; async\n";
        assert_eq!(
            field_to_text(plain),
            "Requirements\n\u{2022} 5+ years of Rust\n\u{2022} Tokio & async"
        );
        assert_eq!(
            field_to_text("<p>Requirements</p><ul><li>Rust</li></ul>"),
            "Requirements\n- Rust"
        );
        // A comparison sign is not a tag.
        assert!(!has_markup("salary < 100k and > 80k? 3 < 5"));
        assert!(has_markup("line<br/>line"));
        assert!(has_markup("</p> cut"));
    }
}
