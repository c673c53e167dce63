//! HTML to plain text in one pass, as the host has stored descriptions since the
//! earlier backend: block elements become line breaks, list items `- ` bullets,
//! references decoded ([`crate::entities`]), scripts and styles dropped; each
//! line's whitespace collapsed, empty lines and lone bullets left out. A line break
//! in the source is a line break here too, and every `<` opens a tag.
//!
//! The plugins read HTML fragments with [`crate::markup::to_text`] instead, which
//! follows HTML more closely (see the crate's documentation for the differences).

use crate::entities;

/// What a byte of text between tags means to [`push_text`]'s scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// Copied as it is.
    Text,
    /// A space: copied when it follows text, else collapsed.
    Space,
    /// Other ASCII whitespace but the line feed: collapsed into a space.
    Whitespace,
    LineFeed,
    /// `&`: maybe an entity.
    Entity,
    /// A lead byte of the non-ASCII whitespace characters (U+0085, U+00A0, U+1680,
    /// U+2000..U+205F, U+3000); the character decides.
    MaybeWhitespace,
}

static BYTE_CLASSES: [ByteClass; 256] = {
    let mut table = [ByteClass::Text; 256];
    table[b' ' as usize] = ByteClass::Space;
    table[b'\t' as usize] = ByteClass::Whitespace;
    table[0x0b] = ByteClass::Whitespace;
    table[0x0c] = ByteClass::Whitespace;
    table[b'\r' as usize] = ByteClass::Whitespace;
    table[b'\n' as usize] = ByteClass::LineFeed;
    table[b'&' as usize] = ByteClass::Entity;
    table[0xc2] = ByteClass::MaybeWhitespace;
    table[0xe1] = ByteClass::MaybeWhitespace;
    table[0xe2] = ByteClass::MaybeWhitespace;
    table[0xe3] = ByteClass::MaybeWhitespace;
    table
};

/// The tags [`html_to_text`] acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// br, p, div, h1..h6, ul, ol, tr, section: a line break.
    Block,
    ListItem,
    Script,
    Style,
    Other,
}

impl TagKind {
    /// The kind of a tag name, in any case.
    fn of(name: &str) -> TagKind {
        let mut lower = [0u8; 7];
        let Some(lower) = lower.get_mut(..name.len()) else {
            return TagKind::Other;
        };
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        match &*lower {
            b"br" | b"p" | b"div" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"ul"
            | b"ol" | b"tr" | b"section" => TagKind::Block,
            b"li" => TagKind::ListItem,
            b"script" => TagKind::Script,
            b"style" => TagKind::Style,
            _ => TagKind::Other,
        }
    }
}

/// Plain text from HTML: block elements become line breaks, list items bullets,
/// entities decoded, scripts and styles dropped. Each line's whitespace is
/// collapsed, and empty lines and lone bullets are left out.
///
/// `memchr` finds each tag; the text between two tags is copied whole when it is
/// plain (the common case), else scanned byte by byte (see [`push_text`]).
pub fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut text = Lines::with_capacity(html.len());
    let mut skipping: Option<TagKind> = None;
    let mut index = 0;
    loop {
        let tag_at = memchr::memchr(b'<', &bytes[index..]).map_or(bytes.len(), |at| index + at);
        if skipping.is_none() {
            push_text(&mut text, &html[index..tag_at]);
        }
        if tag_at == bytes.len() {
            break;
        }
        let Some(length) = memchr::memchr(b'>', &bytes[tag_at..]) else {
            // An unterminated tag: the rest is dropped.
            break;
        };
        let (closing, kind) = tag_of(&html[tag_at + 1..tag_at + length]);
        if let Some(skipped) = skipping {
            // Inside a script or style only its closing tag counts.
            if closing && kind == skipped {
                skipping = None;
            }
        } else if !closing && matches!(kind, TagKind::Script | TagKind::Style) {
            skipping = Some(kind);
        } else if kind == TagKind::Block {
            text.end_line();
        } else if !closing && kind == TagKind::ListItem {
            // "\n- ": a new line that starts with a bullet.
            text.end_line();
            text.push_word("-");
            text.space();
        }
        index = tag_at + length + 1;
    }
    text.finish()
}

/// Whether a tag (the text between `<` and `>`) is a closing one, and its kind.
fn tag_of(tag: &str) -> (bool, TagKind) {
    let bytes = tag.as_bytes();
    // The common forms: `name` or `/name`, then the end, whitespace or '/'.
    let closing = bytes.first() == Some(&b'/');
    let start = usize::from(closing);
    let end = bytes[start..]
        .iter()
        .position(|byte| !byte.is_ascii_alphanumeric())
        .map_or(bytes.len(), |length| start + length);
    if end > start
        && matches!(
            bytes.get(end),
            None | Some(b'/' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
        )
    {
        return (closing, TagKind::of(&tag[start..end]));
    }
    // Anything else: surrounding whitespace (any Unicode whitespace) and repeated
    // slashes before the name.
    let tag = tag.trim();
    let name = tag
        .trim_start_matches('/')
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    (tag.starts_with('/'), TagKind::of(name))
}

/// Appends the text between two tags (it holds no `<`): entities decoded,
/// whitespace collapsed.
fn push_text(text: &mut Lines, segment: &str) {
    let bytes = segment.as_bytes();
    // Plain text is printable ASCII without '&' and without two spaces in a row: it
    // is words with single spaces, perhaps one before and after, and goes in whole.
    // Both checks are folds without early exit, which compile to vector code.
    let unusual = bytes.iter().fold(0u8, |found, byte| {
        found | u8::from(byte.wrapping_sub(b' ') > b'~' - b' ') | u8::from(*byte == b'&')
    });
    let doubled = bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .fold(0u8, |found, (a, b)| {
            found | u8::from((*a == b' ') & (*b == b' '))
        });
    if unusual | doubled == 0 {
        match segment.strip_prefix(' ') {
            Some(rest) => {
                text.space();
                text.push_run(rest);
            }
            None => text.push_run(segment),
        }
        return;
    }
    // Text from `run` to `index` is not yet in `text`: runs of text (single spaces
    // after words included) are copied whole; entities and other whitespace stop them.
    let mut run = 0;
    let mut index = 0;
    while index < bytes.len() {
        let class = BYTE_CLASSES[usize::from(bytes[index])];
        match class {
            ByteClass::Text => {
                index += 1;
                continue;
            }
            ByteClass::Space if index > run && bytes[index - 1] != b' ' => {
                index += 1;
                continue;
            }
            _ => {}
        }
        match class {
            ByteClass::Entity => {
                // The segment ends before the next tag: so does the reference.
                let Some((decoded, end)) = entities::entity_at(segment, index) else {
                    // Not a reference: the '&' is text.
                    index += 1;
                    continue;
                };
                text.push_run(&segment[run..index]);
                text.push_str(decoded.as_str(&mut [0; 4]));
                index = end;
            }
            ByteClass::MaybeWhitespace => {
                let character = segment[index..].chars().next().unwrap_or_default();
                if !character.is_whitespace() {
                    index += 1;
                    continue;
                }
                text.push_run(&segment[run..index]);
                text.space();
                index += character.len_utf8();
            }
            ByteClass::LineFeed => {
                text.push_run(&segment[run..index]);
                text.end_line();
                index += 1;
            }
            ByteClass::Space | ByteClass::Whitespace | ByteClass::Text => {
                text.push_run(&segment[run..index]);
                text.space();
                index += 1;
            }
        }
        run = index;
    }
    text.push_run(&segment[run..]);
}

/// Builds text line by line as `html_to_text` returns it: whitespace within a line
/// collapsed to single spaces, lines that end up empty or a lone "-" left out,
/// kept lines joined by "\n". Text is appended in pieces, so no intermediate
/// string is made.
struct Lines {
    text: String,
    /// Where the current line starts in `text` (after its separator).
    line_start: usize,
    /// Where the current line's separator starts (= `line_start` for the first line):
    /// dropping the line truncates here.
    separator_at: usize,
    /// A space is owed before the next word of the current line.
    space_pending: bool,
}

impl Lines {
    fn with_capacity(capacity: usize) -> Self {
        Lines {
            text: String::with_capacity(capacity),
            line_start: 0,
            separator_at: 0,
            space_pending: false,
        }
    }

    fn push_str(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        let mut word_start = 0;
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            let width = match byte {
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
                // Lead bytes of the non-ASCII whitespace characters (U+0085, U+00A0,
                // U+1680, U+2000..U+205F, U+3000).
                0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                    let character = piece[index..].chars().next().unwrap_or_default();
                    if character.is_whitespace() {
                        character.len_utf8()
                    } else {
                        0
                    }
                }
                _ => 0,
            };
            if width == 0 {
                index += 1;
                continue;
            }
            self.push_word(&piece[word_start..index]);
            if byte == b'\n' {
                self.end_line();
            } else {
                self.space();
            }
            index += width;
            word_start = index;
        }
        self.push_word(&piece[word_start..]);
    }

    /// Appends text holding no whitespace but single spaces after words (one may end it).
    fn push_run(&mut self, run: &str) {
        match run.strip_suffix(' ') {
            Some(words) => {
                self.push_word(words);
                self.space();
            }
            None => self.push_word(run),
        }
    }

    /// Whitespace: a space before the line's next word, if any.
    fn space(&mut self) {
        self.space_pending = true;
    }

    /// Appends non-whitespace text to the current line.
    fn push_word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.text.len() == self.line_start {
            // The line's first word: the separator from the kept lines before it
            // goes in now (leading whitespace is dropped).
            self.separator_at = self.text.len();
            if !self.text.is_empty() {
                self.text.push('\n');
                self.line_start = self.text.len();
            }
        } else if self.space_pending {
            self.text.push(' ');
        }
        self.space_pending = false;
        self.text.push_str(word);
    }

    fn end_line(&mut self) {
        if &self.text[self.line_start..] == "-" {
            self.text.truncate(self.separator_at);
        }
        self.line_start = self.text.len();
        self.separator_at = self.text.len();
        self.space_pending = false;
    }

    fn finish(mut self) -> String {
        self.end_line();
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first, straightforward `html_to_text` (intermediate strings everywhere):
    /// the one-pass version must give the same text. It checks the scan's structure
    /// (tags, scripts, runs, whitespace, lines), not the entity table, which it shares.
    fn html_to_text_reference(html: &str) -> String {
        fn decode(text: &str) -> String {
            let mut output = String::new();
            let mut rest = text;
            while let Some(start) = rest.find('&') {
                output.push_str(&rest[..start]);
                let after = &rest[start..];
                let Some(end) = after
                    .find(';')
                    .filter(|end| *end <= entities::MAX_NAME_LEN + 1)
                else {
                    output.push('&');
                    rest = &after[1..];
                    continue;
                };
                // Entity decoding is not what this oracle checks: it shares the table.
                let decoded = entities::decode_entity(&after[1..end]);
                match decoded {
                    Some(decoded) => {
                        decoded.push_to(&mut output);
                        rest = &after[end + 1..];
                    }
                    None => {
                        output.push('&');
                        rest = &after[1..];
                    }
                }
            }
            output.push_str(rest);
            output
        }
        let mut text = String::new();
        let mut rest = html;
        let mut skipping: Option<&str> = None;
        while let Some(start) = rest.find('<') {
            if skipping.is_none() {
                text.push_str(&decode(&rest[..start]));
            }
            let Some(end) = rest[start..].find('>') else {
                rest = "";
                break;
            };
            let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default()
                .to_string();
            let closing = tag.starts_with('/');
            if let Some(skipped) = skipping {
                if closing && name == skipped {
                    skipping = None;
                }
            } else if !closing && (name == "script" || name == "style") {
                skipping = Some(if name == "script" { "script" } else { "style" });
            } else {
                match name.as_str() {
                    "br" | "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol"
                    | "tr" | "section" => text.push('\n'),
                    "li" if !closing => text.push_str("\n- "),
                    _ => {}
                }
            }
            rest = &rest[start + end + 1..];
        }
        if skipping.is_none() {
            text.push_str(&decode(rest));
        }
        text.lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty() && line != "-")
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn one_pass_html_to_text_matches_the_reference() {
        for html in [
            "",
            "plain",
            "  lead and trail  ",
            "<p>We&#39;re hiring &amp; growing.</p><ul><li>Rust</li><li>Go</li></ul><script>x()</script><p>Apply&nbsp;now</p>",
            "<P CLASS=x>Upper</P><BR/>case<Br >tags<SCRIPT type=a>hidden</Script>shown<STYLE>.a{}</style >after",
            "<li></li><li> </li><li>-</li><li>- x</li>- \n-\n -",
            "a &bogus; b & c &#x41;&#65;&#x+42;&#+67;&#xD800;&#1114112;&verylongentityname; d",
            "Don&rsquo;t &mdash; caf&eacute;&nbsp;&CounterClockwiseContourIntegral; &NotEqualTilde;",
            "split &am<b>p; entity",
            "tab\there\r\nwindows\u{0b}vt\u{0c}ff\u{85}nel\u{a0}nbsp\u{2003}em\u{3000}ideo\u{1680}ogham",
            "line&#10;break from an entity&#13;&#10;and&#x0A;more",
            "Größe — ünïcödé <b>bold</b>\u{2028}sep\u{2029}para",
            "unterminated <tag and text",
            "<div>a</div>\n\n<div>\n b \n</div>   \n",
            "<section><h1>Title</h1><h6>t</h6><tr><td>cell</td></tr></section>",
            "<script>never closed <p>hidden",
            "</script>closing first<style/>x</style>y",
            "<>empty tag<  >spaces< / p>",
            "-\n- \n -a\n--",
        ] {
            assert_eq!(html_to_text(html), html_to_text_reference(html), "{html:?}");
        }
    }

    #[test]
    fn html_to_text_matches_the_reference_on_generated_html() {
        // Fragments that meet every branch of the scan: tag forms (cases, spaces,
        // slashes, Unicode whitespace, unterminated), entities (good, bad, split),
        // every kind of whitespace, bullets, non-ASCII text.
        const PIECES: [&str; 47] = [
            "<p>",
            "</p>",
            "<li>",
            "</li>",
            "<br/>",
            "<BR >",
            "<div class=x>",
            "<h2>",
            "<script>",
            "</script>",
            "<Style type=a>",
            "</ style>",
            "< p>",
            "</p >",
            "<p-x>",
            "<p\u{a0}>",
            "<//p>",
            "<\u{3000}li>",
            "<",
            ">",
            "&amp;",
            "&#39;",
            "&bogus;",
            "&",
            ";",
            "&#x41;",
            "&nbsp;",
            "&rsquo;",
            "&eacute;",
            "&NotEqualTilde;",
            "&#10;",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{a0}",
            "\u{2003}",
            "\u{85}",
            "-",
            "- ",
            "word",
            "Größe",
            "x",
            "é",
            "\u{0b}",
            "~\u{7f}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for _ in 0..50_000 {
            let mut html = String::new();
            for _ in 0..next() % 16 {
                html.push_str(PIECES[next() % PIECES.len()]);
            }
            assert_eq!(
                html_to_text(&html),
                html_to_text_reference(&html),
                "{html:?}"
            );
        }
    }

    #[test]
    fn html_becomes_readable_text() {
        let html = "<p>We&#39;re hiring &amp; growing.</p><ul><li>Rust</li><li>Go</li></ul><script>x()</script><p>Apply&nbsp;now</p>";
        assert_eq!(
            html_to_text(html),
            "We're hiring & growing.\n- Rust\n- Go\nApply now"
        );
        assert_eq!(html_to_text("a &bogus; b & c"), "a &bogus; b & c");
        assert_eq!(
            html_to_text("<p>Don&rsquo;t panic &mdash; caf&eacute;&nbsp;au lait</p>"),
            "Don’t panic — café au lait"
        );
    }
}
