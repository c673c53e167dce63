//! A job's PostgreSQL `search_vector`, computed in the host when its text is plain.
//!
//! PostgreSQL's `to_tsvector('simple', …)` costs ~100 µs for a 700-character
//! description (its parser checks every character through the wide-character
//! classification of the database's locale), most of the cost of inserting a new
//! job. For text made only of ASCII words, whitespace and punctuation used as
//! punctuation, the parser's answer is simple: every word is a lower-cased lexeme at
//! the next position, and a hyphenated word (`end-to-end`) is the whole word followed
//! by its parts. The upsert sends that vector as a `tsvector` literal; any text with
//! something else in it (a URL, `Node.js`, `C++`, a non-ASCII letter, an XML entity,
//! …) gets `None`, and the insert trigger of migration 0031 computes it with
//! `to_tsvector` as before.
//!
//! `host/tests/suite/search_vector.rs` checks every accepted text against PostgreSQL's own
//! `to_tsvector`, over edge cases, random text and the recorded descriptions.

use std::collections::BTreeMap;

/// Longest word kept by the fast path (PostgreSQL drops words over 2047 bytes).
const MAX_WORD_BYTES: usize = 2046;
/// Highest position PostgreSQL stores (larger ones are clamped to it).
const MAX_POSITION: usize = 16_383;
/// Positions PostgreSQL keeps per lexeme (later ones are dropped).
const MAX_POSITIONS_PER_LEXEME: usize = 255;

/// The text PostgreSQL indexes: the same concatenation as the trigger of migration
/// 0030.
fn indexed_text(title: &str, company: &str, description: Option<&str>) -> String {
    let description = description.unwrap_or_default();
    let mut text = String::with_capacity(title.len() + company.len() + description.len() + 2);
    text.push_str(title);
    text.push(' ');
    text.push_str(company);
    text.push(' ');
    text.push_str(description);
    text
}

/// Punctuation that the parser treats as a blank wherever it stands (as long as the
/// text has no URL, path, e-mail or tag, which the rest of the rules exclude).
fn is_plain_blank(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b','
            | b';'
            | b'!'
            | b'?'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'"'
            | b'\''
            | b'*'
            | b'|'
    )
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Punctuation that is a blank only before whitespace or the end of the text:
/// elsewhere it joins its neighbours into a host (`a.b`), a time or protocol
/// (`12:30`, `https:`), a signed number (`+5`) or an entity (`&amp;`).
fn is_blank_before_space(byte: u8) -> bool {
    matches!(byte, b'.' | b':' | b'+' | b'&')
}

/// `1e5V`: digits, `e`, a digit. The parser reads a number in scientific notation
/// (`1e5`) and starts a new word after it.
fn starts_with_exponent(word: &str) -> bool {
    let rest = word.trim_start_matches(|character: char| character.is_ascii_digit());
    rest.len() < word.len()
        && rest.len() >= 2
        && matches!(rest.as_bytes()[0], b'e' | b'E')
        && rest.as_bytes()[1].is_ascii_digit()
}

/// Collects lexemes and their positions.
#[derive(Default)]
struct Vector {
    lexemes: BTreeMap<String, Vec<usize>>,
    position: usize,
}

impl Vector {
    fn push(&mut self, word: &str) -> Option<()> {
        if word.len() > MAX_WORD_BYTES || starts_with_exponent(word) {
            return None;
        }
        self.position += 1;
        if self.position > MAX_POSITION {
            return None;
        }
        let positions = self.lexemes.entry(word.to_ascii_lowercase()).or_default();
        if positions.len() == MAX_POSITIONS_PER_LEXEME {
            return None;
        }
        positions.push(self.position);
        Some(())
    }

    /// A run of letters, digits and hyphens.
    fn push_chunk(&mut self, chunk: &str) -> Option<()> {
        if chunk.bytes().all(|byte| byte == b'-') {
            return Some(()); // a dash used as a dash
        }
        if !chunk.contains('-') {
            return self.push(chunk);
        }
        // `end-to-end`: the whole word, then each part. A part with a digit, or a
        // leading, trailing or doubled hyphen, reads as a signed number or a
        // different compound: left to PostgreSQL.
        let parts_are_words = chunk
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_alphabetic()));
        if !parts_are_words {
            return None;
        }
        self.push(chunk)?;
        chunk.split('-').try_for_each(|part| self.push(part))
    }

    /// The `tsvector` literal: `'lexeme':1,4 'other':2`, lexemes in PostgreSQL's
    /// order (byte order, as the map keeps them).
    fn literal(&self) -> String {
        let mut literal = String::new();
        for (lexeme, positions) in &self.lexemes {
            if !literal.is_empty() {
                literal.push(' ');
            }
            literal.push('\'');
            literal.push_str(lexeme);
            literal.push('\'');
            for (index, position) in positions.iter().enumerate() {
                literal.push(if index == 0 { ':' } else { ',' });
                literal.push_str(&position.to_string());
            }
        }
        literal
    }
}

/// The `tsvector` literal equal to PostgreSQL's
/// `to_tsvector('simple', title || ' ' || company || ' ' || description)`, or `None`
/// when the text holds anything the fast path does not read exactly like
/// PostgreSQL (then the database computes it).
pub fn postgres_search_vector(
    title: &str,
    company: &str,
    description: Option<&str>,
) -> Option<String> {
    let text = indexed_text(title, company, description);
    let bytes = text.as_bytes();
    let mut vector = Vector::default();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            let start = index;
            while index < bytes.len()
                && (bytes[index].is_ascii_alphanumeric() || bytes[index] == b'-')
            {
                index += 1;
            }
            vector.push_chunk(&text[start..index])?;
        } else if is_plain_blank(byte)
            || (is_blank_before_space(byte)
                && bytes.get(index + 1).is_none_or(|next| is_whitespace(*next)))
        {
            index += 1;
        } else {
            return None;
        }
    }
    Some(vector.literal())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(text: &str) -> Option<String> {
        postgres_search_vector(text, "", None)
    }

    // Expected values are PostgreSQL 15's `to_tsvector('simple', …)::text` of the
    // same text (with the two separating spaces, which shift nothing).
    #[test]
    fn words_are_lower_cased_lexemes_at_their_positions() {
        assert_eq!(
            vector("We're hiring: 5+ years, (remote) & more. Rust rust").as_deref(),
            Some("'5':4 'hiring':3 'more':7 're':2 'remote':6 'rust':8,9 'we':1 'years':5")
        );
        assert_eq!(
            postgres_search_vector("Senior Engineer", "Ferris Labs", Some("Build it.")).as_deref(),
            Some("'build':5 'engineer':2 'ferris':3 'it':6 'labs':4 'senior':1")
        );
        assert_eq!(vector("").as_deref(), Some(""));
    }

    #[test]
    fn a_hyphenated_word_is_followed_by_its_parts() {
        assert_eq!(
            vector("end-to-end self-starter - Design").as_deref(),
            Some(
                "'design':8 'end':2,4 'end-to-end':1 'self':6 'self-starter':5 'starter':7 'to':3"
            )
        );
    }

    #[test]
    fn anything_else_is_left_to_postgresql() {
        for text in [
            "Node.js",
            "e.g. this",
            "and/or",
            "C++",
            "+5",
            "12:30",
            "R&D",
            "&amp;",
            "covid-19",
            "well- known",
            "a -b",
            "x--y",
            "me@example.com",
            "snake_case",
            "10%",
            "café",
            "we’re",
            "<p>",
            "a.b",
            "1e5",
            "1E5x",
        ] {
            assert_eq!(vector(text), None, "{text:?}");
        }
    }

    #[test]
    fn limits_of_postgresql_are_left_to_it() {
        assert_eq!(vector(&"a".repeat(MAX_WORD_BYTES + 1)), None);
        assert!(vector(&"a".repeat(MAX_WORD_BYTES)).is_some());
        assert_eq!(vector(&"word ".repeat(MAX_POSITIONS_PER_LEXEME + 1)), None);
        let distinct: String = (0..MAX_POSITION + 1).map(|n| format!("w{n} ")).collect();
        assert_eq!(vector(&distinct), None);
    }
}
