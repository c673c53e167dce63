//! `payload::structured` (string pairs) to and from the input types. Every field
//! of an input type is an `Option<String>`: an absent pair is `None`, and values
//! are sent as written (numbers and booleans as their JSON text).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::introspect::field_names;

/// The pairs of `input`, in the order its fields are declared; `None` is left out.
pub fn to_pairs<T: Serialize + DeserializeOwned>(input: &T) -> Vec<(String, String)> {
    let Ok(Value::Object(mut values)) = serde_json::to_value(input) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for name in field_names::<T>() {
        match values.remove(*name) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => pairs.push((name.to_string(), text)),
            Some(other) => pairs.push((name.to_string(), other.to_string())),
        }
    }
    pairs
}

/// The input type of `pairs`. A key given twice counts with its first value;
/// keys the type does not name are ignored (the host may send more in a later
/// version, `docs/processors.md`).
pub fn from_pairs<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, String> {
    let mut values = Map::new();
    for (key, value) in pairs {
        values
            .entry(key.clone())
            .or_insert_with(|| Value::String(value.clone()));
    }
    serde_json::from_value(Value::Object(values)).map_err(|error| error.to_string())
}

/// An input value trimmed; `None` when it is absent or blank.
pub fn present(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// `items` as the input value [`json_list`] reads: a JSON list of strings.
pub fn list_value<S: AsRef<str>>(items: &[S]) -> Option<String> {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    Some(serde_json::to_string(&items).expect("strings serialise"))
}

/// An input value holding a JSON list of strings (`["Rust", "SQL"]`), each
/// trimmed, blank ones dropped; absent or blank is empty. The error names `key`.
pub fn json_list(key: &str, value: Option<String>) -> Result<Vec<String>, String> {
    let Some(text) = present(value) else {
        return Ok(Vec::new());
    };
    let items: Vec<String> = serde_json::from_str(&text).map_err(|_| {
        format!("`{key}` is not a JSON list of strings, such as [\"Rust\", \"SQL\"]")
    })?;
    Ok(items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_value_reads_back_as_the_same_list() {
        let value = list_value(&["Rust", "SQL, \"quoted\""]);
        assert_eq!(value.as_deref(), Some(r#"["Rust","SQL, \"quoted\""]"#));
        assert_eq!(
            json_list("skills", value).unwrap(),
            ["Rust", "SQL, \"quoted\""]
        );
        assert_eq!(list_value::<String>(&[]).as_deref(), Some("[]"));
    }
}
