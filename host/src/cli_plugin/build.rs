//! `jobscout plugin build [path]`: `cargo build --release --target wasm32-wasip2`
//! on a plugin crate, reading cargo's own artifact messages to print the exact
//! `.wasm` it wrote (wherever `CARGO_TARGET_DIR` puts it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use super::BuildArgs;

pub const WASM_TARGET: &str = "wasm32-wasip2";

/// Whether rustc has the standard library for `wasm32-wasip2`.
fn wasm_target_installed() -> Option<bool> {
    let output = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = String::from_utf8(output.stdout).ok()?;
    Some(
        Path::new(sysroot.trim())
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .exists(),
    )
}

pub fn build(args: BuildArgs) -> anyhow::Result<PathBuf> {
    let manifest = args.path.join("Cargo.toml");
    if !manifest.exists() {
        bail!(
            "{} not found: pass the folder of a plugin crate (one made by `jobscout plugin new`)",
            manifest.display()
        );
    }
    if wasm_target_installed() == Some(false) {
        bail!("the {WASM_TARGET} target is not installed: run `rustup target add {WASM_TARGET}`");
    }
    let mut child = Command::new("cargo")
        .args(["build", "--release", "--target", WASM_TARGET])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(&manifest)
        // Flags meant for a native build must not leak into the wasm build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo (is it on PATH?)")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let mut wasm_files = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading cargo's output")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let is_cdylib = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|kind| kind == "cdylib"));
        if !is_cdylib {
            continue;
        }
        for file in message["filenames"].as_array().into_iter().flatten() {
            if let Some(file) = file.as_str().filter(|file| file.ends_with(".wasm")) {
                wasm_files.push(PathBuf::from(file));
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    if !status.success() {
        bail!(
            "cargo build failed for {} (the errors are above)",
            manifest.display()
        );
    }
    let Some(wasm) = wasm_files.pop() else {
        bail!(
            "cargo built {} but wrote no .wasm: its Cargo.toml needs `[lib] crate-type = [\"cdylib\"]`",
            manifest.display()
        );
    };
    let size = std::fs::metadata(&wasm).map(|meta| meta.len()).unwrap_or(0);
    println!("built {} ({} KiB)", wasm.display(), size.div_ceil(1024));
    Ok(wasm)
}
