//! Whitespace in one-line text (titles, companies, places, tags).

/// Words separated by one space, without leading or trailing whitespace (the
/// same as `text.split_whitespace()` joined by spaces, without the `Vec`).
pub fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    push_collapsed(&mut collapsed, text);
    collapsed
}

/// Appends `text` as [`collapse_whitespace`] would return it.
pub fn push_collapsed(target: &mut String, text: &str) {
    // Already collapsed (the common case): ASCII words separated by single spaces.
    let bytes = text.as_bytes();
    let collapsed = bytes.first().is_some_and(|first| *first != b' ')
        && bytes.last().is_some_and(|last| *last != b' ')
        && bytes
            .iter()
            .all(|byte| byte.is_ascii() && !matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        && !bytes.windows(2).any(|pair| pair == b"  ");
    if collapsed {
        target.push_str(text);
        return;
    }
    for (index, word) in text.split_whitespace().enumerate() {
        if index > 0 {
            target.push(' ');
        }
        target.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsing_matches_split_whitespace() {
        for text in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\u{a0}b",
            "Größe  x",
            "x\r\ny",
        ] {
            assert_eq!(
                collapse_whitespace(text),
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                "{text:?}"
            );
        }
    }
}
