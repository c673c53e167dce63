//! How the host reads a processor's output: a field of the wrong JSON type reads
//! as not known (as an absent one does) instead of failing the whole call, so a
//! processor one minor version apart still works (`docs/processors.md`). Used as
//! `#[serde(default, deserialize_with = "…")]` on output fields; processors only
//! serialize, which these do not touch.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, else `None`.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        _ => None,
    })
}

/// The strings of a list (other items skipped), else empty.
pub fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A number, else `None`.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(Value::deserialize(deserializer)?.as_f64())
}

/// A whole number of 0 or more, else `None`.
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(Value::deserialize(deserializer)?.as_u64())
}
