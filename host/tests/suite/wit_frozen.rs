//! Released WIT folders are frozen: the same check as `cargo xtask check-wit`
//! (the module is shared), so `cargo test` fails when `wit/since_v0.1.0` changes.

// `write_frozen` is for `cargo xtask freeze-wit` only.
#[allow(dead_code)]
#[path = "../../../xtask/src/wit_freeze.rs"]
mod wit_freeze;

use std::path::{Path, PathBuf};

fn wit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

#[test]
fn released_wit_folders_are_unchanged() {
    let frozen = wit_freeze::read_frozen(&wit()).unwrap();
    assert!(
        frozen.iter().any(|(folder, _)| folder == "since_v0.1.0"),
        "since_v0.1.0 is released and must be listed in wit/frozen.toml"
    );
    let problems = wit_freeze::check(&wit()).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn a_change_to_a_released_folder_is_named_with_the_fix() {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&wit(), copy.path());
    let worlds = copy.path().join("since_v0.1.0/worlds.wit");
    let text = std::fs::read_to_string(&worlds).unwrap();

    // Line endings do not count: a Windows checkout hashes the same.
    std::fs::write(&worlds, text.replace('\n', "\r\n")).unwrap();
    assert!(wit_freeze::check(copy.path()).unwrap().is_empty());

    std::fs::write(&worlds, format!("{text}\n// a comment is a change too\n")).unwrap();
    let problems = wit_freeze::check(copy.path()).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("wit/since_v0.1.0 changed after its release (sha256 "),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("put the new contract in a new folder wit/since_vX.Y.Z"),
        "{}",
        problems[0]
    );

    // A new file in a released folder is a change as well, and so is removing it.
    std::fs::write(&worlds, &text).unwrap();
    std::fs::write(copy.path().join("since_v0.1.0/extra.wit"), "package a:b;").unwrap();
    assert_eq!(wit_freeze::check(copy.path()).unwrap().len(), 1);
    std::fs::remove_dir_all(copy.path().join("since_v0.1.0")).unwrap();
    let problems = wit_freeze::check(copy.path()).unwrap();
    assert!(
        problems[0].contains("is listed in wit/frozen.toml but is missing"),
        "{problems:?}"
    );
}
