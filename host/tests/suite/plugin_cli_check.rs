//! `jobscout plugin check`: a good plugin of each kind is described and accepted;
//! every refusal has a golden message in `tests/ui/check/<case>.err` (the temp
//! folder written as `$DIR`). Run with `UPDATE_EXPECT=1` after a deliberate
//! wording change.

use crate::plugins_support;

use std::path::Path;
use std::process::{Command, Output};

fn check(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobscout"))
        .args(["plugin", "check"])
        .arg(file)
        .env_remove("RUST_LOG")
        .output()
        .expect("running jobscout")
}

/// A component that imports `wasi:http`, which the sandbox does not provide.
fn component_importing_wasi_http() -> Vec<u8> {
    use wasm_encoder::{
        Component, ComponentImportSection, ComponentTypeRef, ComponentTypeSection, InstanceType,
    };
    let mut component = Component::new();
    let mut instance = InstanceType::new();
    instance
        .ty()
        .function()
        .params(std::iter::empty::<(&str, wasm_encoder::ComponentValType)>())
        .result(None);
    instance.export("handle", ComponentTypeRef::Func(0));
    let mut types = ComponentTypeSection::new();
    types.instance(&instance);
    component.section(&types);
    let mut imports = ComponentImportSection::new();
    imports.import(
        "wasi:http/outgoing-handler@0.2.0",
        ComponentTypeRef::Instance(0),
    );
    component.section(&imports);
    component.finish()
}

#[test]
fn refusals_have_golden_messages() {
    let dir = tempfile::tempdir().unwrap();
    let echo = std::fs::read(plugins_support::echo_wasm()).unwrap();
    let cases: Vec<(&str, Option<Vec<u8>>)> = vec![
        ("garbage", Some(b"this is not WebAssembly at all".to_vec())),
        // The smallest valid core module: a wasm32-unknown-unknown or wasip1 build looks like this.
        ("core_module", Some(b"\0asm\x01\0\0\0".to_vec())),
        // The smallest valid component: exports nothing.
        ("empty_component", Some(b"\0asm\x0d\0\x01\0".to_vec())),
        (
            "future_minor",
            Some(plugins_support::with_wit_version(&echo, "0.3.0")),
        ),
        (
            "next_major",
            Some(plugins_support::with_wit_version(&echo, "1.0.0")),
        ),
        (
            "damaged_version",
            Some(plugins_support::with_wit_version(&echo, "0.x.0")),
        ),
        ("wasi_http_import", Some(component_importing_wasi_http())),
        ("missing_file", None),
    ];
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/check");
    for (name, bytes) in cases {
        let file = dir.path().join(format!("{name}.wasm"));
        if let Some(bytes) = bytes {
            std::fs::write(&file, bytes).unwrap();
        }
        let output = check(&file);
        assert_eq!(output.status.code(), Some(1), "{name} must be refused");
        let actual = String::from_utf8_lossy(&output.stderr)
            .replace(&dir.path().display().to_string(), "$DIR");
        expect_test::expect_file![golden_dir.join(format!("{name}.err"))].assert_eq(&actual);
    }
}

#[test]
fn a_refused_newer_plugin_is_still_described() {
    let dir = tempfile::tempdir().unwrap();
    let echo = std::fs::read(plugins_support::echo_wasm()).unwrap();
    let file = dir.path().join("future.wasm");
    std::fs::write(&file, plugins_support::with_wit_version(&echo, "0.3.0")).unwrap();
    let output = check(&file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "WIT:      jobscout:plugin@0.3.0 (SDK version section; this host loads 0.1.x and 0.2.x)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  jobscout:plugin/source@0.2.0"),
        "{stdout}"
    );
}

#[test]
fn in_repo_plugins_pass_with_their_world() {
    for (wasm, world, export) in [
        (
            plugins_support::echo_wasm(),
            "job-source (kind = \"source\")",
            "jobscout:plugin/source@0.2.0",
        ),
        (
            plugins_support::processor_wasm(),
            "processor (kind = \"processor\")",
            "jobscout:plugin/processing@0.2.0",
        ),
    ] {
        let output = check(&wasm);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}: {stdout}\n{}",
            wasm.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let size = std::fs::metadata(&wasm).unwrap().len();
        assert!(
            stdout.starts_with(&format!("file:     {} ({size} bytes)", wasm.display())),
            "{stdout}"
        );
        assert!(stdout.contains(&format!("world:    {world}")), "{stdout}");
        assert!(stdout.contains(&format!("  {export}\n")), "{stdout}");
        assert!(
            stdout.contains("  wasi:"),
            "the WASI imports are listed: {stdout}"
        );
        assert!(stdout.contains("ok: the host would load it"), "{stdout}");
    }
}
