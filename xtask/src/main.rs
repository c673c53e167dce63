//! Project chores: `cargo xtask <command>`.
//!
//! - `build-plugins`: builds the plugins workspace (`plugins/`) for wasm32-wasip2
//!   in release mode, installing the target with rustup when it is missing, then
//!   the Python plugins (`plugins/python/`, see `python.rs`), and prints where the
//!   `.wasm` files are. `--rust-only` / `--python-only` build one half.
//! - `check`: every check below, `cargo fmt --check` over both workspaces and
//!   `cargo clippy` with warnings denied; it names each failed step and exits 1.
//! - `check-docs`: fails on a link between the Markdown files that leads nowhere,
//!   or a repository path quoted in one that does not exist (`doc_links.rs`).
//! - `check-layers`: fails when a module of `host/src` imports from a layer above
//!   its own (the layers are listed in `layers.rs` and ARCHITECTURE.md).
//! - `check-wit`: fails when a released WIT folder (listed in `wit/frozen.toml`)
//!   changed; `freeze-wit <folder>` lists a newly released folder.

mod doc_links;
mod layers;
mod python;
mod wit_freeze;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

const WASM_TARGET: &str = "wasm32-wasip2";

fn main() -> anyhow::Result<()> {
    let mut arguments = std::env::args().skip(1);
    match arguments.next().as_deref() {
        Some("build-plugins") => {
            let flag = arguments.next();
            match flag.as_deref() {
                None => build_plugins(true, true),
                Some("--rust-only") => build_plugins(true, false),
                Some("--python-only") => build_plugins(false, true),
                Some(other) => bail!("unknown flag `{other}`; run `cargo xtask help`"),
            }
        }
        Some("check-wit") => check_wit(),
        Some("check-layers") => check_layers(),
        Some("check-docs") => check_docs(),
        Some("check") => match arguments.next().as_deref() {
            None => check_all(Clippy::Run),
            Some("--no-clippy") => check_all(Clippy::Skip),
            Some(other) => bail!("unknown option `{other}` of check; run `cargo xtask help`"),
        },
        Some("freeze-wit") => match arguments.next() {
            Some(folder) => freeze_wit(&folder),
            None => bail!("usage: cargo xtask freeze-wit since_vX.Y.Z"),
        },
        Some("help") | Some("--help") | None => {
            println!("usage: cargo xtask <command>\n\ncommands:\n  build-plugins [--rust-only | --python-only]\n                  build plugins/ to {WASM_TARGET} (release), the Rust crates and the\n                  Python plugins (componentize-py in plugins/python/.venv), and list the .wasm files\n  check-wit       fail when a released (frozen) WIT folder changed\n  check [--no-clippy]\n                  every check below, then cargo fmt --check (both workspaces) and\n                  cargo clippy with warnings denied (unless --no-clippy: .ci/run lints\n                  while it builds the tests instead, see there)\n  check-layers    fail when a host module imports from a layer above its own (ARCHITECTURE.md)\n  check-docs      fail on a broken link or a quoted path that does not exist in the Markdown files\n  freeze-wit <folder>\n                  record a newly released wit/<folder> in wit/frozen.toml");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`; run `cargo xtask help`"),
    }
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

fn check_layers() -> anyhow::Result<()> {
    let problems =
        layers::check(&repository_root().join("host/src")).map_err(anyhow::Error::msg)?;
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    if !problems.is_empty() {
        bail!("{} import(s) break the host's layers", problems.len());
    }
    println!("host layers: every import points down");
    Ok(())
}

fn check_docs() -> anyhow::Result<()> {
    let root = repository_root();
    let documents = markdown_files(&root)?;
    let problems = doc_links::check(&root, &documents);
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    if !problems.is_empty() {
        bail!(
            "{} broken link(s) or path(s) in the documents",
            problems.len()
        );
    }
    println!(
        "{} documents: every link and quoted path resolves",
        documents.len()
    );
    Ok(())
}

/// The project's Markdown files, relative to `root`; build output, virtual
/// environments and hidden folders are not the project's.
fn markdown_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    const SKIPPED: &[&str] = &["target", "node_modules", ".venv", "venv"];
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if !name.starts_with('.') && !SKIPPED.contains(&name.as_ref()) {
                    pending.push(path);
                }
            } else if name.ends_with(".md") {
                files.push(path.strip_prefix(root)?.to_path_buf());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether `check` runs clippy itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Clippy {
    Run,
    Skip,
}

/// Runs every check and reports each step, so one run shows all that is wrong.
fn check_all(clippy: Clippy) -> anyhow::Result<()> {
    let root = repository_root();
    let cargo_in = |args: &[&str]| -> anyhow::Result<()> {
        let status = Command::new(cargo())
            .args(args)
            .current_dir(&root)
            .status()?;
        if !status.success() {
            bail!("`cargo {}` failed", args.join(" "));
        }
        Ok(())
    };
    let plugins_manifest = root.join("plugins/Cargo.toml");
    let plugins_manifest = plugins_manifest.to_string_lossy();
    type Step<'a> = Box<dyn Fn() -> anyhow::Result<()> + 'a>;
    let mut steps: Vec<(&str, Step)> = vec![
        ("layers", Box::new(check_layers)),
        ("documents", Box::new(check_docs)),
        ("frozen WIT", Box::new(check_wit)),
        (
            "formatting",
            Box::new(|| {
                cargo_in(&["fmt", "--all", "--check"])?;
                cargo_in(&[
                    "fmt",
                    "--manifest-path",
                    &plugins_manifest,
                    "--all",
                    "--check",
                ])
            }),
        ),
    ];
    if clippy == Clippy::Run {
        steps.push((
            "clippy",
            Box::new(|| {
                let clippy = [
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ];
                cargo_in(&clippy)?;
                let plugins = ["--manifest-path", plugins_manifest.as_ref()];
                cargo_in(&[&clippy[..1], &plugins[..], &clippy[1..]].concat())
            }),
        ));
    }
    let mut failed = Vec::new();
    for (name, step) in &steps {
        println!("== check: {name}");
        if let Err(error) = step() {
            eprintln!("error: {name}: {error:#}");
            failed.push(*name);
        }
    }
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    println!("every check passed");
    Ok(())
}

fn check_wit() -> anyhow::Result<()> {
    let wit = repository_root().join("wit");
    let problems = wit_freeze::check(&wit).map_err(anyhow::Error::msg)?;
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        bail!("{} frozen WIT folder(s) changed", problems.len());
    }
    let frozen = wit_freeze::read_frozen(&wit).map_err(anyhow::Error::msg)?;
    println!("{} released WIT folder(s) unchanged", frozen.len());
    Ok(())
}

fn freeze_wit(folder: &str) -> anyhow::Result<()> {
    let wit = repository_root().join("wit");
    if !folder.starts_with("since_v") || !wit.join(folder).is_dir() {
        bail!("wit/{folder} is not a WIT folder (expected wit/since_vX.Y.Z)");
    }
    let mut frozen = wit_freeze::read_frozen(&wit).map_err(anyhow::Error::msg)?;
    if frozen.iter().any(|(listed, _)| listed == folder) {
        bail!("wit/{folder} is already frozen; a released folder's digest is never updated");
    }
    let digest = wit_freeze::folder_digest(&wit.join(folder)).map_err(anyhow::Error::msg)?;
    frozen.push((folder.to_string(), digest));
    wit_freeze::write_frozen(&wit, &frozen).map_err(anyhow::Error::msg)?;
    println!("wit/{folder} frozen in wit/{}", wit_freeze::FROZEN_FILE);
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running `rustup target list --installed` (is rustup on PATH?)")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    println!("installing the {WASM_TARGET} target with rustup");
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()?;
    if !status.success() {
        bail!("could not install the {WASM_TARGET} target; run `rustup target add {WASM_TARGET}` and retry");
    }
    Ok(())
}

fn build_plugins(rust: bool, python: bool) -> anyhow::Result<()> {
    let root = repository_root();
    let out = root
        .join("plugins")
        .join("target")
        .join(WASM_TARGET)
        .join("release");
    if rust {
        build_rust_plugins()?;
    }
    if python {
        match python::build_all(&root, &out) {
            Ok(_) => {}
            // Without Python the Rust plugins are still usable: say what is
            // missing and carry on, unless only the Python plugins were asked for.
            Err(error) if rust && error.is::<python::PythonUnavailable>() => {
                eprintln!("warning: the Python plugins were not built: {error}");
            }
            Err(error) => return Err(error),
        }
    }
    list_wasm(&out)
}

fn build_rust_plugins() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    let plugins = repository_root().join("plugins");
    let target_dir = plugins.join("target");
    let status = Command::new(cargo())
        .current_dir(&plugins)
        .args([
            "build",
            "--release",
            "--target",
            WASM_TARGET,
            "--target-dir",
        ])
        .arg(&target_dir)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!(
            "building the plugins failed; to see the errors run: cd plugins && cargo build --release --target {WASM_TARGET}"
        );
    }
    Ok(())
}

fn list_wasm(out: &Path) -> anyhow::Result<()> {
    let mut wasm_files: Vec<PathBuf> = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "wasm")
        })
        .collect();
    wasm_files.sort();
    println!("plugins built in {}:", out.display());
    for file in wasm_files {
        let size = std::fs::metadata(&file)
            .map(|metadata| metadata.len())
            .unwrap_or(0);
        println!("  {} ({} KiB)", file.display(), size / 1024);
    }
    Ok(())
}
