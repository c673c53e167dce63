//! Character references (`&amp;`, `&rsquo;`, `&#39;`, `&#x2F;`): the whole
//! WHATWG table of named references, from `htmlize`, and numeric ones.
//!
//! Only the complete form is decoded: `&`, a name or number, `;`. Everything
//! else stays as written, as it always has here: an unknown name (`&bogus;`), a
//! bare `&` (`AT&T`), a reference cut off by a truncated field (`cut at &n`), a
//! legacy reference without its `;` (`&copy 2024`, which browsers would read),
//! and a number that is no character (`&#xD800;`, `&#1114112;`).

/// The longest name between `&` and `;` that can be a reference:
/// `CounterClockwiseContourIntegral` (31 bytes). A `;` further away ends no reference.
pub const MAX_NAME_LEN: usize = htmlize::ENTITY_MAX_LENGTH - 2;

/// What a reference stands for: most named ones are one character, a few are two
/// (`&NotEqualTilde;`), numeric ones are one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    Char(char),
    Text(&'static str),
}

impl Decoded {
    /// The decoded text, written into `buffer` when it is one character.
    pub fn as_str(self, buffer: &mut [u8; 4]) -> &str {
        match self {
            Decoded::Char(character) => character.encode_utf8(buffer),
            Decoded::Text(text) => text,
        }
    }

    pub fn push_to(self, output: &mut String) {
        match self {
            Decoded::Char(character) => output.push(character),
            Decoded::Text(text) => output.push_str(text),
        }
    }
}

/// The text a reference names, given what stands between its `&` and `;`
/// (`amp`, `rsquo`, `#39`, `#x41`); `None` when it is no reference.
pub fn decode_entity(name: &str) -> Option<Decoded> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        return code.and_then(char::from_u32).map(Decoded::Char);
    }
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return None;
    }
    // The table's keys are whole references, `&` and `;` included.
    let mut key = [0u8; MAX_NAME_LEN + 2];
    key[0] = b'&';
    key[1..=name.len()].copy_from_slice(name.as_bytes());
    key[name.len() + 1] = b';';
    let text = htmlize::ENTITIES.get(&key[..name.len() + 2])?;
    let text = std::str::from_utf8(text).ok()?;
    let mut characters = text.chars();
    Some(match (characters.next(), characters.next()) {
        (Some(character), None) => Decoded::Char(character),
        _ => Decoded::Text(text),
    })
}

/// Where the reference that starts at `text[at]` (an `&`) ends and what it
/// decodes to: the index just past its `;`. `None` when no reference starts there.
pub fn entity_at(text: &str, at: usize) -> Option<(Decoded, usize)> {
    let bytes = text.as_bytes();
    let window = &bytes[at + 1..bytes.len().min(at + 2 + MAX_NAME_LEN)];
    let end = memchr::memchr(b';', window)?;
    // `;` is ASCII: both ends of the name are character boundaries.
    let decoded = decode_entity(&text[at + 1..at + 1 + end])?;
    Some((decoded, at + end + 2))
}

/// `input` with every reference decoded once (`R&amp;amp;D` → `R&amp;D`).
pub fn decode_entities(input: &str) -> String {
    let mut output = String::with_capacity(input.len());
    push_decoded(&mut output, input);
    output
}

/// Appends `input` with every reference decoded once.
pub fn push_decoded(output: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = memchr::memchr(b'&', &bytes[search..]) {
        let at = search + found;
        match entity_at(input, at) {
            Some((decoded, end)) => {
                output.push_str(&input[copied..at]);
                decoded.push_to(output);
                copied = end;
                search = end;
            }
            // Not a reference: the `&` is text.
            None => search = at + 1,
        }
    }
    output.push_str(&input[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_references_from_the_whole_table() {
        assert_eq!(
            decode_entities("Don&rsquo;t &mdash; caf&eacute; &amp; a&nbsp;b"),
            "Don’t — café & a\u{a0}b"
        );
        assert_eq!(
            decode_entities("&lsquo;&ldquo;&rdquo;&hellip;&ndash;&euro;&szlig;&Eacute;"),
            "‘“”…–€ßÉ"
        );
        // Names are case-sensitive, and the table's upper-case aliases count.
        assert_eq!(decode_entities("&AMP; &Amp;"), "& &Amp;");
        // The longest name, and one that stands for two characters.
        assert_eq!(decode_entities("&CounterClockwiseContourIntegral;"), "∳");
        assert_eq!(decode_entities("&NotEqualTilde;"), "\u{2242}\u{338}");
    }

    #[test]
    fn numeric_references() {
        assert_eq!(
            decode_entities("what&#39;s &#x2F; &#X41;&#65; &#8364;"),
            "what's / AA €"
        );
        assert_eq!(decode_entities("a&#10;b"), "a\nb");
        // Leading zeros are part of the number, not of a length limit.
        assert_eq!(decode_entities("&#x000000000041;"), "A");
    }

    #[test]
    fn malformed_references_stay_literal() {
        for text in [
            "AT&T",
            "cut at &n",
            "cut at &",
            "&;",
            "&#;",
            "&#x;",
            "&bogus;",
            "&#xZZ;",
            "&#xD800;",
            "&#1114112;",
            "&copy 2024",
            "&amp",
            "& amp;",
            "&verylongnamethatisnoreferenceatallbutendsinasemicolon;",
        ] {
            assert_eq!(decode_entities(text), text, "{text:?}");
        }
        // A `;` beyond the longest name ends nothing.
        let far = format!("&amp{};", " ".repeat(MAX_NAME_LEN));
        assert_eq!(decode_entities(&far), far);
    }

    /// The plugin SDK's own cases, from when it had its own table.
    #[test]
    fn entities_named_numeric_and_truncated() {
        assert_eq!(
            decode_entities("what&#39;s &amp; &quot;x&quot; &#x2F; &rsquo;"),
            "what's & \"x\" / ’"
        );
        assert_eq!(decode_entities("cut at &n"), "cut at &n");
        assert_eq!(
            decode_entities("AT&T &unknown; &#xZZ;"),
            "AT&T &unknown; &#xZZ;"
        );
        // Decoding happens once: double-escaped text keeps one level.
        assert_eq!(decode_entities("R&amp;amp;D"), "R&amp;D");
        assert_eq!(decode_entities("Wei&szlig; f&uuml;r"), "Weiß für");
    }

    #[test]
    fn decoding_happens_once() {
        assert_eq!(decode_entities("R&amp;amp;D"), "R&amp;D");
        assert_eq!(decode_entities("&amp;lt;p&amp;gt;"), "&lt;p&gt;");
    }

    #[test]
    fn non_ascii_after_an_ampersand_is_no_boundary_trouble() {
        // The window after `&` may end inside a character: it is bytes, not text.
        let text = "&ééééééééééééééééééé; &é; ü&";
        assert_eq!(decode_entities(text), text);
        assert_eq!(decode_entities("é&eacute;é"), "ééé");
    }

    #[test]
    fn references_at_a_position() {
        assert_eq!(entity_at("x &amp; y", 2), Some((Decoded::Char('&'), 7)));
        assert_eq!(entity_at("x &ampy", 2), None);
        let mut buffer = [0; 4];
        assert_eq!(Decoded::Char('é').as_str(&mut buffer), "é");
    }
}
