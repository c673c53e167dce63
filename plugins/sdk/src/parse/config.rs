//! Reading plugin config values: non-string TOML values reach the plugin as TOML text.

/// A list of strings from a config value: a TOML array (`["a", "b"]`) or a
/// comma-separated string (`a, b`). Empty entries are dropped.
pub fn string_list(value: &str) -> Vec<String> {
    let trimmed = value.trim();
    let inner = trimmed
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(trimmed);
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in inner.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    current.push(ch);
                    escaped = false;
                } else if ch == '\\' && q == '"' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                } else {
                    current.push(ch);
                }
            }
            None => match ch {
                '"' | '\'' => quote = Some(ch),
                ',' => items.push(std::mem::take(&mut current)),
                _ => current.push(ch),
            },
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// `base_url` without a trailing slash, or `default` when unset or blank.
pub fn base_url(value: Option<String>, default: &str) -> String {
    value
        .map(|url| url.trim().trim_end_matches('/').to_string())
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| default.trim_end_matches('/').to_string())
}

/// Percent-encodes a query-string component (RFC 3986 unreserved kept).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_from_toml_arrays_and_plain_text() {
        assert_eq!(string_list(r#"["acme", "globex"]"#), ["acme", "globex"]);
        assert_eq!(string_list("['a,b', \"c\\\"d\"]"), ["a,b", "c\"d"]);
        assert_eq!(string_list("acme, globex ,"), ["acme", "globex"]);
        assert!(string_list("[]").is_empty());
    }

    #[test]
    fn base_urls_and_encoding() {
        assert_eq!(
            base_url(Some("http://127.0.0.1:9/".into()), "https://x"),
            "http://127.0.0.1:9"
        );
        assert_eq!(base_url(Some(" ".into()), "https://x/"), "https://x");
        assert_eq!(base_url(None, "https://x"), "https://x");
        assert_eq!(
            encode_component("who is hiring&x=ü"),
            "who%20is%20hiring%26x%3D%C3%BC"
        );
    }
}
