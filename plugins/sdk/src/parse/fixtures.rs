//! Test support for source crates: the in-repo fixture plus, when the recorded
//! responses in `../shared/fixtures/sources/` exist (a developer checkout next to
//! the shared folder), the recorded file too. A user's clone has no `../shared`,
//! so its absence is reported and skipped, never failed.

use std::path::Path;

/// `(label, bytes)` for `<manifest_dir>/fixtures/<local>` and, when present,
/// `<repo>/../shared/fixtures/sources/<recorded>`. `manifest_dir` is the source
/// crate's `CARGO_MANIFEST_DIR` (`<repo>/plugins/sources/<name>`).
pub fn load(manifest_dir: &str, local: &str, recorded: &str) -> Vec<(String, Vec<u8>)> {
    let crate_dir = Path::new(manifest_dir);
    let local_path = crate_dir.join("fixtures").join(local);
    let local_bytes = std::fs::read(&local_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", local_path.display()));
    let mut out = vec![(local_path.display().to_string(), local_bytes)];
    let shared = crate_dir
        .join("../../../../shared/fixtures/sources")
        .join(recorded);
    match std::fs::read(&shared) {
        Ok(bytes) => out.push((shared.display().to_string(), bytes)),
        Err(_) => println!(
            "skipping the recorded fixture {}: not present (no ../shared next to the repository)",
            shared.display()
        ),
    }
    out
}
