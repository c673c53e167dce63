//! `jobscout plugin new`: writes a standalone plugin crate from the templates in
//! `templates/`, pointing at the SDK by path, with a recorded fixture its unit
//! test reads and `plugin run --fixtures` replays, and a plugins.toml entry.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::{KindArg, NewArgs};
use crate::net::recording::{body_file_name, Recorder};
use crate::net::FetchedResponse;
use crate::plugins::manifest::PluginId;

const CARGO_TOML: &str = include_str!("templates/common/Cargo.toml.tmpl");
const GITIGNORE: &str = include_str!("templates/common/gitignore.tmpl");
const README: &str = include_str!("templates/common/README.md.tmpl");
const SOURCE_LIB: &str = include_str!("templates/source/lib.rs.tmpl");
const SOURCE_PARSE: &str = include_str!("templates/source/parse.rs.tmpl");
const SOURCE_RESPONSE: &str = include_str!("templates/source/response.json");
const SOURCE_MANIFEST: &str = include_str!("templates/source/plugins.toml.tmpl");
const PROCESSOR_LIB: &str = include_str!("templates/processor/lib.rs.tmpl");
const PROCESSOR_EXTRACT: &str = include_str!("templates/processor/extract.rs.tmpl");
const PROCESSOR_SAMPLE: &str = include_str!("templates/processor/resume.txt");
const PROCESSOR_MANIFEST: &str = include_str!("templates/processor/plugins.toml.tmpl");

/// Where the scaffolded source fetches from until its author changes it.
const EXAMPLE_HOST: &str = "jobs.example.com";
/// The query of the recorded response (`plugin run --query rust`).
const EXAMPLE_QUERY: &str = "rust";

/// The SDK named by `--sdk`/`JOBSCOUT_SDK_PATH`, else the one of the checkout
/// this binary was built from.
pub fn find_sdk(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/sdk");
    let (candidate, origin) = match explicit {
        Some(path) => (path.to_path_buf(), "--sdk/JOBSCOUT_SDK_PATH"),
        None if built_from.join("Cargo.toml").exists() => {
            (built_from, "the checkout this jobscout was built from")
        }
        None => bail!(
            "cannot find the plugin SDK: this jobscout was built from {}, which has no plugins/sdk any more; \
             pass --sdk PATH (or set JOBSCOUT_SDK_PATH) to the plugins/sdk folder of a JobScout checkout",
            Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).display()
        ),
    };
    let manifest = candidate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| {
        format!(
            "the SDK path {} (from {origin}) has no readable Cargo.toml; point it at the plugins/sdk folder of a JobScout checkout",
            candidate.display()
        )
    })?;
    if !text.contains("name = \"jobscout-plugin-sdk\"") {
        bail!(
            "{} is not the jobscout-plugin-sdk crate (from {origin}); point it at the plugins/sdk folder of a JobScout checkout",
            manifest.display()
        );
    }
    candidate
        .canonicalize()
        .with_context(|| format!("resolving {}", candidate.display()))
}

/// Replaces every `{{key}}`; a placeholder left over is a template bug.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (key, value) in values {
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    assert!(
        !text.contains("{{"),
        "template placeholder left unfilled in:\n{text}"
    );
    text
}

pub fn new(args: NewArgs) -> anyhow::Result<()> {
    let id = PluginId::parse(&args.name).map_err(|message| anyhow::anyhow!("{message}"))?;
    let name = id.as_str();
    // JOBSCOUT_SDK_PATH, read like every setting; a half-configured server does not matter here.
    let configured = crate::config::Settings::load()
        .ok()
        .and_then(|loaded| loaded.settings.sdk_path);
    let sdk = find_sdk(args.sdk.as_deref().or(configured.as_deref()))?;
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from(name));
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut entries| entries.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} already exists and is not empty; choose another name or --dir",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("creating {}", dir.display()))?;

    let kind = match args.kind {
        KindArg::Source => "source",
        KindArg::Processor => "processor",
    };
    let wasm_path = format!(
        "target/wasm32-wasip2/release/{}.wasm",
        name.replace('-', "_")
    );
    let base_url = format!("https://{EXAMPLE_HOST}");
    let sdk_path = sdk.display().to_string();
    let (fixture_body, extra_dependencies, run_command) = match args.kind {
        KindArg::Source => (
            write_source_fixture(&dir.join("fixtures"), &base_url)?,
            "serde = { version = \"1\", features = [\"derive\"] }\n",
            format!("jobscout plugin run {wasm_path} --manifest plugins.toml --id {name} --query {EXAMPLE_QUERY}"),
        ),
        KindArg::Processor => {
            std::fs::create_dir_all(dir.join("fixtures"))?;
            std::fs::write(dir.join("fixtures/resume.txt"), PROCESSOR_SAMPLE)?;
            (
                "resume.txt".to_string(),
                "",
                format!("jobscout plugin run {wasm_path} --manifest plugins.toml --id {name} --input fixtures/resume.txt"),
            )
        }
    };
    let values = [
        ("name", name),
        ("kind", kind),
        ("sdk_path", sdk_path.as_str()),
        ("extra_dependencies", extra_dependencies),
        ("wasm_path", wasm_path.as_str()),
        ("base_url", base_url.as_str()),
        ("host", EXAMPLE_HOST),
        ("fixture_body", fixture_body.as_str()),
        ("run_command", run_command.as_str()),
    ];
    let mut files = vec![
        ("Cargo.toml", CARGO_TOML),
        (".gitignore", GITIGNORE),
        ("README.md", README),
    ];
    match args.kind {
        KindArg::Source => files.extend([
            ("src/lib.rs", SOURCE_LIB),
            ("src/parse.rs", SOURCE_PARSE),
            ("plugins.toml", SOURCE_MANIFEST),
        ]),
        KindArg::Processor => files.extend([
            ("src/lib.rs", PROCESSOR_LIB),
            ("src/extract.rs", PROCESSOR_EXTRACT),
            ("plugins.toml", PROCESSOR_MANIFEST),
        ]),
    }
    for (file, template) in files {
        let path = dir.join(file);
        std::fs::write(&path, render(template, &values))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // The lock file the SDK's own workspace is tested with, so the new crate
    // resolves the same dependency versions (and builds offline when they are cached).
    let workspace_lock = sdk.join("../Cargo.lock");
    if workspace_lock.exists() {
        std::fs::copy(&workspace_lock, dir.join("Cargo.lock"))
            .with_context(|| format!("copying {}", workspace_lock.display()))?;
    }

    let entry = render(
        match args.kind {
            KindArg::Source => SOURCE_MANIFEST,
            KindArg::Processor => PROCESSOR_MANIFEST,
        },
        &values,
    );
    let snippet = entry
        .split_once("[[plugin]]")
        .map(|(_, rest)| format!("[[plugin]]{rest}"))
        .unwrap_or_default();
    println!("created the {kind} plugin {name} in {}", dir.display());
    println!("  SDK: {}", sdk.display());
    println!("next:");
    println!("  cd {}", dir.display());
    println!("  cargo test");
    println!("  jobscout plugin build");
    println!("  jobscout plugin check {wasm_path}");
    println!("  {run_command}");
    println!(
        "to load it in the server, add this to its plugins.toml (with `path` made absolute):\n"
    );
    print!("{snippet}");
    Ok(())
}

/// Writes the source's recorded-shape response as a fixture directory, through the
/// same recorder `plugin run --record` uses; returns the body file's path in it.
fn write_source_fixture(dir: &Path, base_url: &str) -> anyhow::Result<String> {
    let url = format!("{base_url}/api/jobs?search={EXAMPLE_QUERY}");
    let recorder = Recorder::create(dir).map_err(|message| anyhow::anyhow!("{message}"))?;
    let response = FetchedResponse {
        status: 200,
        headers: vec![(
            "content-type".to_string(),
            "application/json; charset=utf-8".to_string(),
        )],
        body: SOURCE_RESPONSE.as_bytes().to_vec(),
        final_url: url.clone(),
    };
    recorder
        .record("GET", &url, &response)
        .map_err(|message| anyhow::anyhow!("{message}"))?;
    Ok(body_file_name("GET", &url, Some("application/json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_every_placeholder() {
        assert_eq!(render("a {{x}} b {{x}}", &[("x", "1")]), "a 1 b 1");
    }

    #[test]
    fn a_folder_that_is_not_the_sdk_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = find_sdk(Some(dir.path())).unwrap_err().to_string();
        assert!(error.contains("has no readable Cargo.toml"), "{error}");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"other\"\n",
        )
        .unwrap();
        let error = find_sdk(Some(dir.path())).unwrap_err().to_string();
        assert!(
            error.contains("is not the jobscout-plugin-sdk crate"),
            "{error}"
        );
    }

    #[test]
    fn the_built_from_checkout_has_the_sdk() {
        let sdk = find_sdk(None).unwrap();
        assert!(sdk.ends_with("plugins/sdk"), "{}", sdk.display());
    }
}
