//! The host's layering rule (ARCHITECTURE.md, "Layers"): a module of `host/src`
//! may use its own items and those of any layer below its own, never one above
//! it nor another module of its own layer (the entry points, which together are
//! the command line, excepted). `cargo xtask check-layers` reads every
//! `crate::…` path in the host's source and names each one that breaks the rule.

use std::path::{Path, PathBuf};

/// Top to bottom. Every top-level module of `host/src` is in exactly one layer.
pub const LAYERS: &[(&str, &[&str])] = &[
    (
        "entry points",
        &["main", "lib", "cli", "cli_plugin", "cli_scrape", "bin"],
    ),
    ("the HTTP API and the scheduler", &["http", "scheduler"]),
    ("services", &["apply", "pipeline"]),
    (
        "storage, plugins and other infrastructure",
        &["storage", "plugins", "auth", "telemetry"],
    ),
    // Below plugins: the host's features and plugins granted AI share one provider.
    ("the AI provider", &["ai"]),
    ("the outbound HTTP service", &["net"]),
    ("settings and shutdown", &["config", "shutdown"]),
];

/// One import that points up a layer or across one.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation {
    pub file: PathBuf,
    pub line: usize,
    pub from: String,
    pub to: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (from_layer, to_layer) = (layer_of(&self.from), layer_of(&self.to));
        let direction = match (from_layer, to_layer) {
            (Some(from), Some(to)) if from == to => "beside it, in its own layer",
            _ => "above it",
        };
        write!(
            f,
            "{}:{}: `{}` uses `crate::{}`, which is {direction}; move the shared item down \
             (or pass it in from above) so `{}` need not know `{}`",
            self.file.display(),
            self.line,
            self.from,
            self.to,
            self.from,
            self.to
        )
    }
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Checks every `.rs` file under `source_root` (the host's `src`). Modules missing
/// from [`LAYERS`] are errors too, so a new module must be placed.
pub fn check(source_root: &Path) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    for file in rust_files(source_root)? {
        let relative = file.strip_prefix(source_root).expect("under the root");
        let module = top_module(relative);
        if layer_of(&module).is_none() {
            problems.push(format!(
                "{}: module `{module}` is in no layer; add it to LAYERS in xtask/src/layers.rs \
                 and to ARCHITECTURE.md",
                file.display()
            ));
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|error| format!("{}: {error}", file.display()))?;
        for violation in violations_in(&file, &module, &text) {
            problems.push(violation.to_string());
        }
    }
    Ok(problems)
}

/// `http/jobs.rs` → `http`, `cli.rs` → `cli`.
fn top_module(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .expect("a file has a name")
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The imports in `text` (a file of module `module`) that break the rule.
pub fn violations_in(file: &Path, module: &str, text: &str) -> Vec<Violation> {
    let Some(own_layer) = layer_of(module) else {
        return Vec::new();
    };
    // Comments go first; lines are kept so a group `use crate::{…}` may span several.
    let code: String = text.lines().map(code_part).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    for (offset, target) in crate_modules_named(&code) {
        if target == module {
            continue;
        }
        let allowed = layer_of(&target)
            .is_some_and(|layer| layer > own_layer || (layer == 0 && own_layer == 0));
        if !allowed {
            found.push(Violation {
                file: file.to_path_buf(),
                line: code[..offset].matches('\n').count() + 1,
                from: module.to_string(),
                to: target,
            });
        }
    }
    found
}

/// The line without its `//` comment (a `//` inside a string ends the scan early,
/// which can only miss an import, never invent one).
fn code_part(line: &str) -> &str {
    line.split("//").next().unwrap_or("")
}

/// The top-level modules `code` names through `crate::`, each with the offset of
/// its `crate::`: `crate::storage::Pool` gives `storage`; `crate::{config::Settings,
/// storage}` gives both.
fn crate_modules_named(code: &str) -> Vec<(usize, String)> {
    let mut modules = Vec::new();
    let mut searched = 0;
    while let Some(found) = code[searched..].find("crate::") {
        let at = searched + found;
        searched = at + "crate::".len();
        let preceded_by_identifier = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_identifier {
            continue; // `some_crate::…`, not `crate::…`
        }
        let rest = &code[searched..];
        if let Some(group) = rest.strip_prefix('{') {
            let names = top_level_names(&group[..matching_brace(group)]);
            modules.extend(names.into_iter().map(|name| (at, name)));
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                modules.push((at, name));
            }
        }
    }
    modules
}

/// Where the group that `text` opens ends: the index of its closing `}` (or the
/// end of `text` when the group goes on past this line).
fn matching_brace(text: &str) -> usize {
    let mut depth = 0;
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return index,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// `config::Settings, storage::{Pool, Database}` → `config`, `storage`.
fn top_level_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut at_start = true;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            _ if depth == 0 && at_start => {
                if c.is_alphanumeric() || c == '_' {
                    current.push(c);
                } else if !current.is_empty() {
                    names.push(std::mem::take(&mut current));
                    at_start = false;
                }
            }
            _ => {}
        }
    }
    if !current.is_empty() {
        names.push(current);
    }
    names.retain(|name| name != "self");
    names
}

fn rust_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|error| format!("{}: {error}", dir.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(line: &str) -> Vec<String> {
        crate_modules_named(code_part(line))
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    }

    #[test]
    fn paths_and_groups_are_read() {
        assert_eq!(targets("use crate::storage::Pool;"), ["storage"]);
        assert_eq!(
            targets("use crate::{config::Settings, storage::{Pool, Database}, http};"),
            ["config", "storage", "http"]
        );
        assert_eq!(
            targets("let x = crate::plugins::load(); // crate::http in a comment"),
            ["plugins"]
        );
        assert!(targets("use jobscout_crate::http::x;").is_empty());
    }

    #[test]
    fn an_import_up_or_across_a_layer_is_named_with_its_line() {
        let text = "use crate::config::Settings;\nuse crate::http::error::Error;\n\
                    use crate::{\n    storage::Pool,\n    pipeline::dedupe::StoredIdentity,\n};\n";
        let found = violations_in(Path::new("host/src/storage/x.rs"), "storage", text);
        assert_eq!(
            found
                .iter()
                .map(|v| (v.line, v.to.as_str()))
                .collect::<Vec<_>>(),
            [(2, "http"), (3, "pipeline")]
        );
        let beside = violations_in(
            Path::new("host/src/auth/x.rs"),
            "auth",
            "use crate::plugins::X;",
        );
        assert_eq!(beside.len(), 1);
        assert!(beside[0].to_string().contains("beside it"), "{}", beside[0]);
        assert!(found[0].to_string().starts_with(
            "host/src/storage/x.rs:2: `storage` uses `crate::http`, which is above it"
        ));
    }

    #[test]
    fn downward_imports_pass() {
        let text = "use crate::{apply, pipeline::service::ScrapeService, storage, config};";
        assert!(violations_in(Path::new("host/src/http/mod.rs"), "http", text).is_empty());
    }

    /// The rule holds for the host as it is.
    #[test]
    fn the_host_obeys_its_layers() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/src");
        let problems = check(&root).unwrap();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
