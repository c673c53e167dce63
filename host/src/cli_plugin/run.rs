//! `jobscout plugin run <file.wasm>`: loads the plugin into a one-plugin
//! `PluginHost` (the server's loader, sandbox, limits and egress policy) and
//! runs one search or one process call, live, recording or replaying fixtures.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::inspect::exported_world;
use super::output;
use super::RunArgs;
use crate::config::Settings;
use crate::net::recording::FetchSetting;
use crate::net::FetchMode;
use crate::plugins::limits::PluginLimits;
use crate::plugins::manifest::{self, HostPattern, PluginDecl, PluginId};
use crate::plugins::types::{Blob, JobQuery, Payload};
use crate::plugins::{PluginHost, PluginKind};

/// A plugin id made from a file name (`my_source.wasm` → `my-source`).
fn id_from_file(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cleaned = cleaned.trim_matches('-').to_string();
    match cleaned.chars().next() {
        Some(first) if first.is_ascii_lowercase() => cleaned.chars().take(64).collect(),
        _ => "plugin".to_string(),
    }
}

/// An in-memory plugins.toml entry for `file`: default limits, no hosts, no config.
pub fn declaration(
    file: &Path,
    kind: PluginKind,
    id: Option<&str>,
    fetch: FetchSetting,
) -> anyhow::Result<PluginDecl> {
    let id = match id {
        Some(id) => id.to_string(),
        None => id_from_file(file),
    };
    Ok(PluginDecl {
        id: PluginId::parse(&id).map_err(|message| anyhow::anyhow!("--id: {message}"))?,
        kind,
        path: file.to_path_buf(),
        enabled: true,
        allowed_hosts: Vec::new(),
        config: Vec::new(),
        secrets: Vec::new(),
        limits: PluginLimits::default(),
        ai: None,
        fetch,
        line: 0,
    })
}

/// The entry `id` of the plugins.toml at `path`, run from `file` instead of its `path`.
fn from_manifest(path: &Path, id: &str, file: &Path) -> anyhow::Result<PluginDecl> {
    // Absolute, so `fixtures` resolves to an absolute directory that messages can name.
    let manifest =
        manifest::load(&absolute(path)?).map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let ids: Vec<String> = manifest
        .plugins
        .iter()
        .map(|decl| decl.id.to_string())
        .collect();
    let mut decl = manifest
        .plugins
        .into_iter()
        .find(|decl| decl.id.as_str() == id)
        .with_context(|| {
            format!(
                "{} declares no plugin '{id}' (it declares: {}); pass one of those to --id",
                path.display(),
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            )
        })?;
    decl.path = file.to_path_buf();
    decl.enabled = true;
    Ok(decl)
}

/// The kind a component's exports say it is.
fn detect_kind(file: &Path) -> anyhow::Result<PluginKind> {
    let bytes = std::fs::read(file).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "{} not found (build the plugin with `jobscout plugin build` and pass the .wasm it prints)",
            file.display()
        ),
        _ => anyhow::anyhow!("cannot read {}: {error}", file.display()),
    })?;
    match exported_world(&bytes) {
        Ok(Some(world)) => Ok(world.kind),
        Ok(None) => bail!(
            "{} exports neither jobscout:plugin/source nor jobscout:plugin/processing; `jobscout plugin check {}` says more",
            file.display(),
            file.display()
        ),
        Err(reason) => bail!(
            "{} is {reason}; `jobscout plugin check {}` says more",
            file.display(),
            file.display()
        ),
    }
}

fn media_type_of(path: &Path) -> &'static str {
    match path
        .extension()
        .map(|extension| extension.to_string_lossy().to_lowercase())
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("html" | "htm") => "text/html",
        Some("md") => "text/markdown",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let loaded =
        Settings::load().map_err(|message| anyhow::anyhow!("cannot read settings: {message}"))?;
    init_stderr_log();
    let fetch_override = match (&args.fixtures, &args.record) {
        (Some(dir), _) => Some(FetchSetting::Replay(absolute(dir)?)),
        (None, Some(dir)) => Some(FetchSetting::Record(absolute(dir)?)),
        (None, None) => None,
    };
    let mut decl = match (&args.manifest, &args.id) {
        (Some(path), Some(id)) => {
            let mut decl = from_manifest(path, id, &args.file)?;
            if !args.allow_hosts.is_empty() {
                bail!("--allow-host is for runs without --manifest; add the hosts to `allowed_hosts` of '{id}' in {}", path.display());
            }
            if let Some(fetch) = fetch_override.clone() {
                decl.fetch = fetch;
            }
            decl
        }
        _ => {
            let kind = detect_kind(&args.file)?;
            let mut decl = declaration(
                &args.file,
                kind,
                args.id.as_deref(),
                fetch_override.clone().unwrap_or_default(),
            )?;
            for host in &args.allow_hosts {
                decl.allowed_hosts.push(
                    HostPattern::parse(host)
                        .map_err(|message| anyhow::anyhow!("--allow-host: {message}"))?,
                );
            }
            decl
        }
    };
    for pair in &args.config {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("--config {pair:?}: write it as key=value");
        };
        decl.config.retain(|(existing, _)| existing != key);
        decl.config
            .push((key.trim().to_string(), value.to_string()));
    }
    let id = decl.id.to_string();
    let kind = decl.kind;
    let host = PluginHost::single(decl, &loaded.settings)
        .await
        .map_err(|reason| {
            anyhow::anyhow!("{} could not be loaded: {reason}", args.file.display())
        })?;
    let plugin = host.loaded(&id).context("the plugin is loaded")?;

    let outcome = match kind {
        PluginKind::Source => {
            let Some(keywords) = args.query.clone() else {
                bail!("'{id}' is a source: pass --query KEYWORDS");
            };
            let query = JobQuery {
                keywords,
                location: args.location.clone(),
                remote_only: false,
                employment_types: Vec::new(),
                posted_since: None,
                limit: args.limit,
                cursor: None,
            };
            host.search(&id, &query)
                .await
                .map(|postings| output::postings(&id, &plugin.version, postings, args.json))
        }
        PluginKind::Processor => {
            let Some(input) = &args.input else {
                bail!("'{id}' is a processor: pass --input FILE");
            };
            let data = std::fs::read(input)
                .with_context(|| format!("reading --input {}", input.display()))?;
            let media_type = args
                .media_type
                .clone()
                .unwrap_or_else(|| media_type_of(input).to_string());
            let payload = Payload::Bytes(Blob { media_type, data });
            host.process(&id, &payload)
                .await
                .map(|result| output::payload(&id, &plugin.version, &result, args.json))
        }
    };
    let fetch_report = match &plugin.context.fetch_rules.mode {
        FetchMode::Replay(recorded) => {
            let misses = recorded.misses();
            (!misses.is_empty()).then(|| {
                format!(
                    "no recorded response in the fixtures directory {} for: {} (record them with --record {})",
                    recorded.dir().display(),
                    misses.join(", "),
                    recorded.dir().display()
                )
            })
        }
        FetchMode::Record(recorder) => {
            eprintln!(
                "recorded {} response(s) in {}",
                recorder.len(),
                recorder.dir().display()
            );
            None
        }
        FetchMode::Live => None,
    };
    match (outcome, fetch_report) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(report)) => {
            eprintln!("warning: {report}");
            Ok(())
        }
        (Err(error), Some(report)) => bail!("{error}\n{report}"),
        (Err(error), None) => bail!("{error}"),
    }
}

/// Plugin log lines and warnings go to stderr, so `--json` output stays clean.
fn init_stderr_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,jobscout::plugins::state=info")
    });
    drop(
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .compact()
            .try_init(),
    );
}

fn absolute(dir: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(dir).with_context(|| format!("resolving {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_file_names() {
        assert_eq!(id_from_file(Path::new("x/my_source.wasm")), "my-source");
        assert_eq!(id_from_file(Path::new("9lives.wasm")), "plugin");
        assert_eq!(media_type_of(Path::new("cv.PDF")), "application/pdf");
    }
}
