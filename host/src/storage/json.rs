//! JSON columns read back: JSONB on PostgreSQL, JSON text on SQLite.
//!
//! A stored value must never make a read fail, whoever wrote it. PostgreSQL keeps
//! JSONB numbers as `numeric` and prints them in plain digits (`1.7976931348623157e308`
//! comes back as 309 digits), and the earlier backend could store numbers no `f64`
//! holds (Python integers of any size). serde_json is built with `float_roundtrip`,
//! so every number an `f64` holds reads back exactly; a number beyond the `f64`
//! range is returned as a string of its digits instead of failing the whole row.

use serde_json::Value;

/// Parses stored JSON text. Numbers beyond the `f64` range become strings of their
/// digits; text that is not JSON at all is `None` (and logged).
pub fn parse_stored(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    let parsed = serde_json::from_str(&quote_unreadable_numbers(text));
    if parsed.is_err() {
        tracing::warn!(
            length = text.len(),
            "stored JSON value is not JSON; read as null"
        );
    }
    parsed.ok()
}

/// `text` with every number token outside strings that overflows an `f64` turned
/// into a JSON string holding the same digits.
fn quote_unreadable_numbers(text: &str) -> String {
    let mut output = String::with_capacity(text.len() + 16);
    let mut characters = text.char_indices().peekable();
    let mut in_string = false;
    let mut escaped = false;
    while let Some((start, character)) = characters.next() {
        if in_string {
            output.push(character);
            if escaped {
                escaped = false;
            } else if character == '\\' {
                escaped = true;
            } else if character == '"' {
                in_string = false;
            }
            continue;
        }
        if character == '"' {
            in_string = true;
            output.push(character);
            continue;
        }
        if character == '-' || character.is_ascii_digit() {
            let mut end = start + character.len_utf8();
            while let Some(&(index, next)) = characters.peek() {
                if next.is_ascii_digit() || matches!(next, '.' | 'e' | 'E' | '+' | '-') {
                    end = index + next.len_utf8();
                    characters.next();
                } else {
                    break;
                }
            }
            let token = &text[start..end];
            match token.parse::<f64>() {
                Ok(number) if number.is_finite() => output.push_str(token),
                _ => {
                    output.push('"');
                    output.push_str(token);
                    output.push('"');
                }
            }
            continue;
        }
        output.push(character);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn postgres_plain_digits_of_the_largest_double_read_back_exactly() {
        // How PostgreSQL prints the JSONB number 1.7976931348623157e308.
        let text = format!("{{\"n\": 17976931348623157{}}}", "0".repeat(292));
        assert_eq!(parse_stored(&text), Some(json!({"n": f64::MAX})));
    }

    #[test]
    fn numbers_beyond_a_double_become_their_digits() {
        let digits = format!("1{}", "0".repeat(400));
        let text = format!("{{\"big\": [{digits}, -{digits}], \"ok\": 1.5, \"s\": \"9{digits}\"}}");
        assert_eq!(
            parse_stored(&text),
            Some(json!({
                "big": [digits.clone(), format!("-{digits}")],
                "ok": 1.5,
                "s": format!("9{digits}"),
            }))
        );
    }

    #[test]
    fn strings_with_escaped_quotes_are_left_alone() {
        let digits = format!("2{}", "0".repeat(400));
        let text = format!("{{\"a\\\"{digits}\": {digits}}}");
        let parsed = parse_stored(&text).unwrap();
        assert_eq!(parsed[format!("a\"{digits}")], json!(digits));
    }

    #[test]
    fn text_that_is_not_json_is_none() {
        assert_eq!(parse_stored("{not json"), None);
        assert_eq!(parse_stored(""), None);
    }
}
