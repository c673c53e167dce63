//! Plain-text conventions shared by the PDF and DOCX readers: one bullet
//! glyph, collapsed whitespace, blank lines between paragraphs, a size cap.

use crate::ExtractError;

/// Glyphs documents use to start a list item. `-`, `*`, `–` and `·` only count
/// when a space follows, so "-5%" or "*nix" stay as they are.
const BULLETS: &[char] = &[
    '•', '▪', '◦', '●', '○', '■', '□', '◆', '◇', '►', '▸', '‣', '⁃', '➢', '➤', '✓', '✔',
    '\u{F0B7}', '\u{F0A7}', '\u{F076}', '\u{F0D8}', '\u{F0FC}',
];
const SPACED_BULLETS: &[char] = &['-', '*', '–', '—', '·', 'o'];

/// Collapses whitespace runs (tabs, no-break spaces) to one space and drops
/// control characters; the result has no leading or trailing space.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == '\u{200B}' {
            pending_space = !out.is_empty();
        } else if !ch.is_control() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(ch);
        }
    }
    out
}

/// If `line` (already collapsed) starts with a bullet glyph, the rest of the line.
pub fn strip_bullet(line: &str) -> Option<&str> {
    let mut chars = line.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if BULLETS.contains(&first) {
        return Some(rest.trim_start());
    }
    if SPACED_BULLETS.contains(&first) {
        if let Some(after) = rest.strip_prefix(' ') {
            // "o" is Word's hollow bullet in Courier; a word "o" is rare enough.
            if first != 'o' || after.chars().next().is_some_and(char::is_uppercase) {
                return Some(after);
            }
        }
    }
    None
}

/// One output line: collapsed, with any bullet glyph written as "• ".
/// `list_item` forces the bullet (a DOCX numbered paragraph has no glyph in its text).
pub fn normalize_line(line: &str, list_item: bool) -> String {
    let collapsed = collapse_whitespace(line);
    match strip_bullet(&collapsed) {
        Some("") => String::new(),
        Some(rest) => format!("• {rest}"),
        None if list_item && !collapsed.is_empty() => format!("• {collapsed}"),
        None => collapsed,
    }
}

/// Builds the output text: lines, with one blank line between paragraphs.
pub struct TextBuilder {
    text: String,
    max_bytes: usize,
    /// A blank line is owed before the next line.
    paragraph_break: bool,
}

impl TextBuilder {
    pub fn new(max_bytes: usize) -> TextBuilder {
        TextBuilder {
            text: String::new(),
            max_bytes,
            paragraph_break: false,
        }
    }

    /// Appends one normalized line; empty lines are skipped.
    pub fn line(&mut self, line: &str) -> Result<(), ExtractError> {
        if line.is_empty() {
            return Ok(());
        }
        if !self.text.is_empty() {
            self.text
                .push_str(if self.paragraph_break { "\n\n" } else { "\n" });
        }
        self.paragraph_break = false;
        self.text.push_str(line);
        if self.text.len() > self.max_bytes {
            return Err(ExtractError::Invalid(format!(
                "This document holds more than {} KiB of text, far more than a resume; \
                 upload the resume on its own.",
                self.max_bytes >> 10
            )));
        }
        Ok(())
    }

    /// Ends the current paragraph: the next line starts after a blank line.
    pub fn paragraph(&mut self) {
        self.paragraph_break = true;
    }

    /// Letters and digits written so far (to tell a text layer from none).
    pub fn alphanumeric_count(&self) -> usize {
        self.text.chars().filter(|ch| ch.is_alphanumeric()).count()
    }

    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullet_glyphs_become_one_bullet() {
        for line in [
            "• Led",
            "▪ Led",
            "◦  Led",
            "- Led",
            "* Led",
            "– Led",
            "\u{F0B7}\tLed",
            "●Led",
        ] {
            assert_eq!(normalize_line(line, false), "• Led", "{line:?}");
        }
        assert_eq!(normalize_line("Led a team", true), "• Led a team");
        assert_eq!(normalize_line("• Led", true), "• Led");
    }

    #[test]
    fn dashes_and_stars_inside_words_are_text() {
        assert_eq!(normalize_line("-5% churn", false), "-5% churn");
        assert_eq!(normalize_line("*nix admin", false), "*nix admin");
        assert_eq!(normalize_line("o and p", false), "o and p");
        assert_eq!(normalize_line("o Led", false), "• Led");
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \t b\u{a0}\u{a0}c  "), "a b c");
        assert_eq!(collapse_whitespace("x\u{7}y"), "xy");
    }

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        let mut builder = TextBuilder::new(1000);
        builder.paragraph();
        builder.line("Jane").unwrap();
        builder.line("jane@example.com").unwrap();
        builder.paragraph();
        builder.paragraph();
        builder.line("").unwrap();
        builder.line("Experience").unwrap();
        assert_eq!(builder.finish(), "Jane\njane@example.com\n\nExperience");
    }

    #[test]
    fn text_past_the_cap_is_refused() {
        let mut builder = TextBuilder::new(8);
        builder.line("12345").unwrap();
        let error = builder.line("67890").unwrap_err();
        assert!(matches!(error, ExtractError::Invalid(_)));
    }
}
