//! `plugins.toml`: which plugins to load, what each may reach and its limits.
//!
//! Parsing is strict (unknown keys are errors) and every error names the file,
//! the line, the column and the key, so that a typo is fixed in one look.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_spanned::Spanned;

use super::ai_grant::{AiGrant, AiGrantTable};
use super::limits::{LimitsTable, PluginLimits};
use crate::net::recording::FetchSetting;
pub use crate::net::HostPattern;

/// The only schema this host reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Whether a plugin answers job searches or processes Apply-Workspace payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    Source,
    Processor,
}

impl PluginKind {
    /// The WIT world a plugin of this kind must export.
    pub fn world(self) -> &'static str {
        match self {
            PluginKind::Source => "job-source",
            PluginKind::Processor => "processor",
        }
    }
}

impl fmt::Display for PluginKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            PluginKind::Source => "source",
            PluginKind::Processor => "processor",
        })
    }
}

/// A validated plugin id: lowercase letters, digits and `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct PluginId(String);

impl PluginId {
    pub fn parse(text: &str) -> Result<PluginId, String> {
        let valid = (1..=64).contains(&text.len())
            && text.starts_with(|first: char| first.is_ascii_lowercase())
            && text
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
        if valid {
            Ok(PluginId(text.to_string()))
        } else {
            Err(format!(
                "invalid plugin id {text:?}: use 1 to 64 lowercase letters, digits and '-', starting with a letter"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PluginId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// One `[[plugin]]` entry, validated.
#[derive(Debug, Clone)]
pub struct PluginDecl {
    pub id: PluginId,
    pub kind: PluginKind,
    /// Absolute, or relative to the directory of plugins.toml.
    pub path: PathBuf,
    pub enabled: bool,
    pub allowed_hosts: Vec<HostPattern>,
    /// The `config` table, each value as text (strings verbatim, others as TOML).
    pub config: Vec<(String, String)>,
    /// Names of environment variables holding the plugin's secrets.
    pub secrets: Vec<String>,
    pub limits: PluginLimits,
    /// The `[plugin.ai]` grant: AI calls through the host, with a token budget.
    pub ai: Option<AiGrant>,
    /// Live fetches, or replayed from a fixture directory (`fixtures = "DIR"`).
    pub fetch: FetchSetting,
    /// 1-based line of the entry, for messages.
    pub line: usize,
}

impl PluginDecl {
    /// Whether two declarations would load the same thing (a reload keeps the instance).
    pub fn same_settings(&self, other: &PluginDecl) -> bool {
        self.kind == other.kind
            && self.path == other.path
            && self.allowed_hosts == other.allowed_hosts
            && self.config == other.config
            && self.secrets == other.secrets
            && self.limits == other.limits
            && self.ai == other.ai
            && self.fetch == other.fetch
    }
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub file: PathBuf,
    pub plugins: Vec<PluginDecl>,
}

/// A problem in plugins.toml, located by line, column and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestErrors(pub Vec<ManifestError>);

impl fmt::Display for ManifestErrors {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                formatter.write_str("\n")?;
            }
            write!(formatter, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema_version: Spanned<u32>,
    #[serde(default)]
    plugin: Vec<Spanned<RawPlugin>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    id: Spanned<String>,
    kind: PluginKind,
    path: Spanned<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    #[serde(default)]
    allowed_hosts: Vec<Spanned<String>>,
    #[serde(default)]
    config: BTreeMap<String, toml::Value>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    limits: Option<Spanned<LimitsTable>>,
    #[serde(default)]
    ai: Option<Spanned<AiGrantTable>>,
    /// A fixture directory whose recorded responses answer every fetch.
    #[serde(default)]
    fixtures: Option<Spanned<String>>,
}

fn enabled_by_default() -> bool {
    true
}

/// Reads and validates `path`.
pub fn load(path: &Path) -> Result<Manifest, ManifestErrors> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ManifestErrors(vec![ManifestError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!(
                "cannot read the plugins file: {error} (set JOBSCOUT_PLUGINS_FILE to its path)"
            ),
        }])
    })?;
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    parse(&text, &path.display().to_string(), base)
}

/// Parses `text` (named `file` in messages); relative plugin paths resolve against `base`.
pub fn parse(text: &str, file: &str, base: &Path) -> Result<Manifest, ManifestErrors> {
    let locate = |span: Range<usize>, message: String| {
        let (line, column) = line_column(text, span.start);
        ManifestError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let raw: RawFile = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        let message = error.message().trim_end_matches('\n').replace('\n', ", ");
        let message = match key_at(text, span.start) {
            Some(key) => format!("key `{key}`: {message}"),
            None => message,
        };
        ManifestErrors(vec![locate(span, message)])
    })?;

    let mut errors = Vec::new();
    if *raw.schema_version.get_ref() != SCHEMA_VERSION {
        errors.push(locate(
            raw.schema_version.span(),
            format!(
                "key `schema_version`: this host reads schema {SCHEMA_VERSION}, the file says {}",
                raw.schema_version.get_ref()
            ),
        ));
    }

    let mut seen = HashSet::new();
    let mut plugins = Vec::new();
    for entry in raw.plugin {
        let entry_line = line_column(text, entry.span().start).0;
        let raw_plugin = entry.into_inner();
        let id = match PluginId::parse(raw_plugin.id.get_ref()) {
            Ok(id) => id,
            Err(message) => {
                errors.push(locate(raw_plugin.id.span(), format!("key `id`: {message}")));
                continue;
            }
        };
        if !seen.insert(id.clone()) {
            errors.push(locate(
                raw_plugin.id.span(),
                format!("key `id`: plugin id '{id}' is declared twice"),
            ));
            continue;
        }
        let label = format!("plugin '{id}'");
        if raw_plugin.path.get_ref().trim().is_empty() {
            errors.push(locate(
                raw_plugin.path.span(),
                format!("{label}, key `path`: must name a .wasm file"),
            ));
        }
        let mut allowed_hosts = Vec::new();
        for host in &raw_plugin.allowed_hosts {
            match HostPattern::parse(host.get_ref()) {
                Ok(pattern) => allowed_hosts.push(pattern),
                Err(message) => errors.push(locate(
                    host.span(),
                    format!("{label}, key `allowed_hosts`: {message}"),
                )),
            }
        }
        let mut secrets = Vec::new();
        for secret in &raw_plugin.secrets {
            let name = secret.get_ref();
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            if valid {
                secrets.push(name.clone());
            } else {
                errors.push(locate(
                    secret.span(),
                    format!("{label}, key `secrets`: {name:?} is not an environment variable name such as GREENHOUSE_API_KEY"),
                ));
            }
        }
        let limits = match &raw_plugin.limits {
            None => PluginLimits::default(),
            Some(table) => match table.get_ref().validate() {
                Ok(limits) => limits,
                Err((span, key, message)) => {
                    errors.push(locate(
                        span,
                        format!("{label}, key `limits.{key}`: {message}"),
                    ));
                    PluginLimits::default()
                }
            },
        };
        let ai = match &raw_plugin.ai {
            None => None,
            Some(table) => match table.get_ref().validate() {
                Ok(grant) => Some(grant),
                Err((span, key, message)) => {
                    let key = if key.is_empty() {
                        "ai".to_string()
                    } else {
                        format!("ai.{key}")
                    };
                    errors.push(locate(
                        span.unwrap_or_else(|| table.span()),
                        format!("{label}, key `{key}`: {message}"),
                    ));
                    None
                }
            },
        };
        let config = raw_plugin
            .config
            .into_iter()
            .map(|(key, value)| {
                let text = match value {
                    toml::Value::String(text) => text,
                    other => other.to_string(),
                };
                (key, text)
            })
            .collect();
        let relative = |text: &str| {
            let declared = PathBuf::from(text);
            if declared.is_absolute() {
                declared
            } else {
                base.join(declared)
            }
        };
        let fetch = match &raw_plugin.fixtures {
            None => FetchSetting::Live,
            Some(dir) if dir.get_ref().trim().is_empty() => {
                errors.push(locate(
                    dir.span(),
                    format!("{label}, key `fixtures`: must name a fixture directory (one written by `jobscout plugin run --record DIR`)"),
                ));
                FetchSetting::Live
            }
            Some(dir) => FetchSetting::Replay(relative(dir.get_ref())),
        };
        plugins.push(PluginDecl {
            id,
            kind: raw_plugin.kind,
            path: relative(raw_plugin.path.get_ref()),
            enabled: raw_plugin.enabled,
            allowed_hosts,
            config,
            secrets,
            limits,
            ai,
            fetch,
            line: entry_line,
        });
    }

    if errors.is_empty() {
        Ok(Manifest {
            file: PathBuf::from(file),
            plugins,
        })
    } else {
        Err(ManifestErrors(errors))
    }
}

/// The dotted key written on the line of `offset` (`kind`, `limits.memory_mib`),
/// so that type errors from the TOML reader name their key too.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim();
    if line.starts_with('[') {
        return None;
    }
    let key = line.split_once('=')?.0.trim().trim_matches('"');
    if key.is_empty() {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|previous| previous.starts_with('['))
        .map(|header| {
            header
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string()
        });
    Some(
        match table
            .as_deref()
            .and_then(|table| table.strip_prefix("plugin."))
        {
            Some(nested) => format!("{nested}.{key}"),
            None => key.to_string(),
        },
    )
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_manifest_loads_no_test_plugin() {
        // Test plugins answer with synthetic jobs that scheduled runs would store;
        // tests bring their own manifests.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
        let manifest = parse(&text, "plugins.toml", &root).unwrap();
        assert!(manifest.plugins.len() > 10);
        for plugin in &manifest.plugins {
            let file = plugin.path.file_name().unwrap().to_string_lossy();
            assert!(
                !file.starts_with("jobscout_test_")
                    && !plugin.path.to_string_lossy().contains("test-plugins"),
                "{} loads the test plugin {}",
                plugin.id,
                plugin.path.display()
            );
        }
    }

    #[test]
    fn host_patterns_match_exact_and_subdomains_only() {
        let exact = HostPattern::parse("API.example.com").unwrap();
        assert!(exact.matches("api.example.com"));
        assert!(!exact.matches("example.com"));
        let wildcard = HostPattern::parse("*.example.com").unwrap();
        assert!(wildcard.matches("jobs.example.com"));
        assert!(!wildcard.matches("example.com"));
        assert!(!wildcard.matches("evilexample.com"));
        assert!(HostPattern::parse("https://example.com").is_err());
        assert!(HostPattern::parse("example.com:8080").is_err());
        assert!(HostPattern::parse("a.*.com").is_err());
        assert!(HostPattern::parse("127.0.0.1")
            .unwrap()
            .matches("127.0.0.1"));
    }

    #[test]
    fn relative_paths_resolve_against_the_file() {
        let manifest = parse(
            "schema_version = 1\n[[plugin]]\nid = \"a\"\nkind = \"source\"\npath = \"x/a.wasm\"\n",
            "plugins.toml",
            Path::new("/etc/jobscout"),
        )
        .unwrap();
        assert_eq!(
            manifest.plugins[0].path,
            Path::new("/etc/jobscout/x/a.wasm")
        );
        assert_eq!(manifest.plugins[0].line, 2);
        assert!(manifest.plugins[0].enabled);
    }

    #[test]
    fn fixtures_replay_a_recorded_directory_relative_to_the_file() {
        let text = "schema_version = 1\n[[plugin]]\nid = \"a\"\nkind = \"source\"\npath = \"a.wasm\"\nfixtures = \"fixtures/a\"\n";
        let manifest = parse(text, "plugins.toml", Path::new("/srv")).unwrap();
        assert_eq!(
            manifest.plugins[0].fetch,
            FetchSetting::Replay(PathBuf::from("/srv/fixtures/a"))
        );
        let live = parse(
            &text.replace("fixtures = \"fixtures/a\"\n", ""),
            "plugins.toml",
            Path::new("/srv"),
        )
        .unwrap();
        assert_eq!(live.plugins[0].fetch, FetchSetting::Live);
        assert!(
            !manifest.plugins[0].same_settings(&live.plugins[0]),
            "switching to live reloads the plugin"
        );
        let empty = parse(
            &text.replace("fixtures/a", " "),
            "plugins.toml",
            Path::new("/srv"),
        )
        .unwrap_err();
        assert_eq!(
            empty.to_string(),
            "plugins.toml:6:12: plugin 'a', key `fixtures`: must name a fixture directory (one written by `jobscout plugin run --record DIR`)"
        );
    }
}
