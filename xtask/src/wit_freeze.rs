//! Released WIT folders are frozen: `wit/frozen.toml` lists each released
//! `wit/since_*` folder with the SHA-256 of its normalized contents, and the
//! check fails when a listed folder no longer matches.
//!
//! Shared by `cargo xtask check-wit` and the host's `wit_frozen` test (included
//! there with `#[path]`), so both run the very same check.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub const FROZEN_FILE: &str = "frozen.toml";

/// The digest of a folder: every file by relative path (sorted, `/`-separated),
/// with line endings normalized to `\n`, so a checkout on Windows hashes the same.
pub fn folder_digest(folder: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    collect(folder, folder, &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    for relative in files {
        let bytes = std::fs::read(folder.join(&relative)).map_err(|error| {
            format!("cannot read {}: {error}", folder.join(&relative).display())
        })?;
        let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        hasher.update(relative.as_bytes());
        hasher.update(b"\0");
        hasher.update(text.as_bytes());
        hasher.update(b"\0");
    }
    let mut hex = String::new();
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    Ok(hex)
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let relative: Vec<String> = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(relative.join("/"));
        }
    }
    Ok(())
}

/// `(folder, digest)` pairs of `wit/frozen.toml`: lines `"since_vX.Y.Z" = "<sha256>"`.
pub fn read_frozen(wit: &Path) -> Result<Vec<(String, String)>, String> {
    let path = wit.join(FROZEN_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line == "[frozen]" {
            continue;
        }
        let parsed = line.split_once('=').and_then(|(key, value)| {
            let key = key.trim().strip_prefix('"')?.strip_suffix('"')?;
            let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
            Some((key.to_string(), value.to_string()))
        });
        match parsed {
            Some(entry) => entries.push(entry),
            None => {
                return Err(format!(
                    "{}:{}: expected `\"since_vX.Y.Z\" = \"<sha256>\"`",
                    path.display(),
                    index + 1
                ))
            }
        }
    }
    Ok(entries)
}

/// Writes `frozen.toml` for `entries`.
pub fn write_frozen(wit: &Path, entries: &[(String, String)]) -> Result<(), String> {
    let mut text = String::from(
        "# Released WIT folders and the SHA-256 of their normalized contents.\n\
         # A released folder is frozen: changes go into a new wit/since_vX.Y.Z folder.\n\
         # Checked by `cargo xtask check-wit` and the host test `wit_frozen`.\n\
         [frozen]\n",
    );
    for (folder, digest) in entries {
        let _ = writeln!(text, "\"{folder}\" = \"{digest}\"");
    }
    let path = wit.join(FROZEN_FILE);
    std::fs::write(&path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// Every problem with the frozen folders under `wit` (empty when all match).
pub fn check(wit: &Path) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    for (folder, frozen) in read_frozen(wit)? {
        let path: PathBuf = wit.join(&folder);
        if !path.is_dir() {
            problems.push(format!(
                "wit/{folder} is listed in wit/{FROZEN_FILE} but is missing: a released WIT folder is never removed; restore it"
            ));
            continue;
        }
        let actual = folder_digest(&path)?;
        if actual != frozen {
            problems.push(format!(
                "wit/{folder} changed after its release (sha256 {actual}, frozen as {frozen}): released WIT folders are frozen; revert the change (git checkout -- wit/{folder}) and put the new contract in a new folder wit/since_vX.Y.Z (docs/plugins.md, \"Versioning\")"
            ));
        }
    }
    Ok(problems)
}
