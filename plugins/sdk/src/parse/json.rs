//! Reading loosely typed JSON the way job APIs send it: numbers where strings were
//! expected, blank strings that mean "absent", numbers as strings.
//!
//! `path` is a key of `value` (`"title"`) or, when it starts with `/`, a JSON
//! pointer (`"/company/name"`).

use serde_json::Value;

use super::text;

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.starts_with('/') {
        value.pointer(path)
    } else {
        value.get(path)
    }
}

/// A trimmed, non-blank string; a number is written out as text.
pub fn string(value: &Value, path: &str) -> Option<String> {
    match lookup(value, path)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The non-blank strings of an array, whitespace squashed; anything else is empty.
pub fn strings(value: &Value, path: &str) -> Vec<String> {
    lookup(value, path)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(text::squash)
                .filter(|item| !item.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A number, also when sent as a string (`"5250"`).
pub fn number(value: &Value, path: &str) -> Option<f64> {
    match lookup(value, path)? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_reads_keys_and_pointers_and_skips_blanks() {
        let value =
            json!({"id": 42, "title": "  Rust dev ", "blank": "  ", "company": {"name": "Acme"}});
        assert_eq!(string(&value, "id").as_deref(), Some("42"));
        assert_eq!(string(&value, "title").as_deref(), Some("Rust dev"));
        assert_eq!(string(&value, "blank"), None);
        assert_eq!(string(&value, "/company/name").as_deref(), Some("Acme"));
        assert_eq!(string(&value, "company"), None);
        assert_eq!(string(&value, "missing"), None);
    }

    #[test]
    fn strings_keeps_only_non_blank_text_items() {
        let value = json!({"tags": [" rust  lang ", "", 3, "go"], "text": "x"});
        assert_eq!(strings(&value, "tags"), vec!["rust lang", "go"]);
        assert!(strings(&value, "text").is_empty());
        assert!(strings(&value, "/missing/list").is_empty());
    }

    #[test]
    fn number_accepts_numbers_and_numeric_strings() {
        let value = json!({"min": 5250, "max": " 6100.5 ", "bad": "n/a", "pay": {"max": 7}});
        assert_eq!(number(&value, "min"), Some(5250.0));
        assert_eq!(number(&value, "max"), Some(6100.5));
        assert_eq!(number(&value, "bad"), None);
        assert_eq!(number(&value, "/pay/max"), Some(7.0));
    }
}
