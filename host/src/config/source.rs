//! Where setting values come from: the process environment over a `.env` file,
//! with names matched case-insensitively, plus typed readers that collect every
//! problem instead of stopping at the first one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The prefix every JobScout setting carries in the environment.
pub const PREFIX: &str = "JOBSCOUT_";

/// One bad setting: the variable, the value given and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    pub variable: String,
    pub value: String,
    pub expected: String,
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={:?} is not valid: expected {}",
            self.variable, self.value, self.expected
        )
    }
}

/// Raw setting values keyed by their upper-cased name, and the problems found
/// while reading them.
#[derive(Debug, Default)]
pub struct SettingsSource {
    values: BTreeMap<String, String>,
    /// Every variable as given, whatever its name: where plugin secrets (named by
    /// each plugin in `plugins.toml`) are looked up when they are not in the environment.
    all_values: BTreeMap<String, String>,
    consumed: std::collections::BTreeSet<String>,
    problems: Vec<SettingProblem>,
}

impl SettingsSource {
    /// Reads the `.env` file at `dotenv_path` (if it exists) and then the process
    /// environment, which wins over the file.
    pub fn from_env_and_dotenv(dotenv_path: &Path) -> Result<Self, String> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if dotenv_path.exists() {
            let iter = dotenvy::from_path_iter(dotenv_path)
                .map_err(|error| format!("{}: {error}", dotenv_path.display()))?;
            for item in iter {
                let (key, value) =
                    item.map_err(|error| format!("{}: {error}", dotenv_path.display()))?;
                pairs.push((key, value));
            }
        }
        pairs.extend(std::env::vars());
        Ok(Self::from_pairs(pairs))
    }

    /// Builds a source from explicit pairs; later pairs win. Names that do not
    /// start with `JOBSCOUT_` (in any case) are ignored.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut values = BTreeMap::new();
        let mut all_values = BTreeMap::new();
        for (key, value) in pairs {
            let value = value.into();
            let upper = key.as_ref().to_ascii_uppercase();
            if upper.starts_with(PREFIX) {
                values.insert(upper, value.clone());
            }
            all_values.insert(key.as_ref().to_string(), value);
        }
        Self {
            values,
            all_values,
            ..Self::default()
        }
    }

    /// The values plugin secrets are looked up in (see [`SecretValues`]).
    pub fn secret_values(&self) -> SecretValues {
        SecretValues {
            given: std::sync::Arc::new(self.all_values.clone()),
        }
    }

    /// The raw value of `JOBSCOUT_<name>`, if set. `name` is the part after the prefix.
    pub fn raw(&mut self, name: &str) -> Option<String> {
        let key = format!("{PREFIX}{}", name.to_ascii_uppercase());
        let value = self.values.get(&key).cloned();
        self.consumed.insert(key);
        value
    }

    /// Records a problem with a setting.
    pub fn problem(&mut self, name: &str, value: &str, expected: impl Into<String>) {
        self.problems.push(SettingProblem {
            variable: format!("{PREFIX}{}", name.to_ascii_uppercase()),
            value: value.to_string(),
            expected: expected.into(),
        });
    }

    /// A string setting; empty values count as unset.
    pub fn string(&mut self, name: &str, default: &str) -> String {
        self.optional_string(name)
            .unwrap_or_else(|| default.to_string())
    }

    /// A string setting that may be absent; empty or whitespace-only values count as unset.
    pub fn optional_string(&mut self, name: &str) -> Option<String> {
        self.raw(name)
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    /// A boolean in the forms pydantic accepted: true/false, 1/0, yes/no, on/off.
    pub fn boolean(&mut self, name: &str, default: bool) -> bool {
        let Some(value) = self.optional_string(name) else {
            return default;
        };
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "y" | "t" => true,
            "false" | "0" | "no" | "off" | "n" | "f" => false,
            _ => {
                self.problem(name, &value, "a boolean (true/false, 1/0, yes/no, on/off)");
                default
            }
        }
    }

    /// A number within `min..=max`.
    pub fn number<T>(&mut self, name: &str, default: T, min: T, max: T) -> T
    where
        T: FromStr + PartialOrd + Copy + fmt::Display,
    {
        let Some(value) = self.optional_string(name) else {
            return default;
        };
        match value.parse::<T>() {
            Ok(parsed) if parsed >= min && parsed <= max => parsed,
            _ => {
                self.problem(name, &value, format!("a number from {min} to {max}"));
                default
            }
        }
    }

    /// One of a fixed set of words (case-insensitive); returns the canonical word.
    pub fn choice(
        &mut self,
        name: &str,
        default: &'static str,
        allowed: &[&'static str],
    ) -> &'static str {
        let Some(value) = self.optional_string(name) else {
            return default;
        };
        match allowed
            .iter()
            .find(|word| word.eq_ignore_ascii_case(&value))
        {
            Some(word) => word,
            None => {
                self.problem(name, &value, format!("one of: {}", allowed.join(", ")));
                default
            }
        }
    }

    /// A list written as a JSON array of strings, a single-quoted JSON array, or a
    /// comma-separated list. Empty entries are dropped.
    pub fn list(&mut self, name: &str, default: &[&str]) -> Vec<String> {
        let Some(value) = self.optional_string(name) else {
            return default.iter().map(|item| item.to_string()).collect();
        };
        match parse_list(&value) {
            Ok(items) => items,
            Err(expected) => {
                self.problem(name, &value, expected);
                default.iter().map(|item| item.to_string()).collect()
            }
        }
    }

    /// `JOBSCOUT_` variables that no setting read: likely typos.
    pub fn unknown_variables(&self) -> Vec<String> {
        self.values
            .keys()
            .filter(|key| !self.consumed.contains(*key))
            .cloned()
            .collect()
    }

    /// A variable outside the `JOBSCOUT_` family read by its exact name (such as
    /// `RUST_LOG`); empty or whitespace-only counts as unset.
    pub fn foreign(&self, name: &str) -> Option<String> {
        self.all_values
            .get(name)
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    /// Every full variable name read so far (`JOBSCOUT_PORT`, …).
    pub fn names_read(&self) -> impl Iterator<Item = String> + '_ {
        self.consumed.iter().cloned()
    }

    pub fn take_problems(&mut self) -> Vec<SettingProblem> {
        std::mem::take(&mut self.problems)
    }
}

/// Parses a list setting: `["a","b"]`, `['a','b']` or `a, b`.
pub fn parse_list(value: &str) -> Result<Vec<String>, String> {
    let trimmed = value.trim();
    if trimmed.starts_with('[') {
        let as_json = if trimmed.contains('"') {
            trimmed.to_string()
        } else {
            trimmed.replace('\'', "\"")
        };
        return serde_json::from_str::<Vec<String>>(&as_json)
            .map(|items| {
                items
                    .into_iter()
                    .map(|item| item.trim().to_string())
                    .filter(|item| !item.is_empty())
                    .collect()
            })
            .map_err(|_| {
                "a JSON array of strings such as [\"a\",\"b\"] or a comma list such as a,b"
                    .to_string()
            });
    }
    Ok(trimmed
        .split(',')
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_later_pairs_win() {
        let mut source = SettingsSource::from_pairs([
            ("jobscout_port", "9000"),
            ("JOBSCOUT_PORT", "9100"),
            ("OTHER", "x"),
        ]);
        assert_eq!(source.raw("port").as_deref(), Some("9100"));
        assert!(source.unknown_variables().is_empty());
    }

    #[test]
    fn lists_accept_json_single_quoted_and_comma_forms() {
        assert_eq!(parse_list(r#"["a", "b"]"#).unwrap(), ["a", "b"]);
        assert_eq!(parse_list("['a','b']").unwrap(), ["a", "b"]);
        assert_eq!(parse_list(" a, b ,, c").unwrap(), ["a", "b", "c"]);
        assert!(parse_list("[1, 2]").is_err());
        assert!(parse_list("[\"a\"").is_err());
    }

    #[test]
    fn bad_numbers_are_reported_with_variable_value_and_expectation() {
        let mut source = SettingsSource::from_pairs([("JOBSCOUT_PORT", "eighty")]);
        let port: u16 = source.number("port", 8000, 1, 65535);
        assert_eq!(port, 8000);
        let problems = source.take_problems();
        assert_eq!(
            problems[0].to_string(),
            "JOBSCOUT_PORT=\"eighty\" is not valid: expected a number from 1 to 65535"
        );
    }

    #[test]
    fn out_of_range_numbers_are_problems() {
        let mut source = SettingsSource::from_pairs([("JOBSCOUT_PORT", "0")]);
        let _: u16 = source.number("port", 8000, 1, 65535);
        assert_eq!(source.take_problems().len(), 1);
    }

    #[test]
    fn booleans_and_choices() {
        let mut source = SettingsSource::from_pairs([
            ("JOBSCOUT_DEBUG", "Yes"),
            ("JOBSCOUT_LOG_FORMAT", "JSON"),
            ("JOBSCOUT_PUBLIC_SCRAPE_ENABLED", "maybe"),
        ]);
        assert!(source.boolean("debug", false));
        assert_eq!(
            source.choice("log_format", "pretty", &["pretty", "json"]),
            "json"
        );
        assert!(!source.boolean("public_scrape_enabled", false));
        let problems = source.take_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].variable, "JOBSCOUT_PUBLIC_SCRAPE_ENABLED");
    }

    #[test]
    fn unread_variables_are_listed_as_unknown() {
        let mut source =
            SettingsSource::from_pairs([("JOBSCOUT_PORTT", "1"), ("JOBSCOUT_HOST", "::")]);
        source.raw("host");
        assert_eq!(source.unknown_variables(), ["JOBSCOUT_PORTT"]);
    }
}

/// Where the host finds the secrets plugins declare (`secrets = ["REED_API_AUTH"]`):
/// the process environment at the moment of loading, else the `.env` file (or the
/// pairs settings were built from), exactly as for settings. Values never show in
/// `Debug` output.
#[derive(Clone, Default)]
pub struct SecretValues {
    given: std::sync::Arc<BTreeMap<String, String>>,
}

impl SecretValues {
    /// The process environment alone (tools that read no `.env` file).
    pub fn process_environment() -> Self {
        Self::default()
    }

    /// The value of the variable `name`; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.given.get(name).cloned())
            .filter(|value| !value.is_empty())
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValues({} given, values hidden)", self.given.len())
    }
}
