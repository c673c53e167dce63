//! Builds the Python plugins (`plugins/python/*`) into components with
//! componentize-py, pinned in `plugins/python/requirements.txt` and installed
//! into the venv `plugins/python/.venv`. A build takes tens of seconds, so it
//! is skipped when a stamp next to the `.wasm` shows the same inputs: the
//! plugin's `.py` files, the WIT folder and the pinned requirements.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

/// The WIT folder and world the Python plugins are built against.
const WIT_DIR: &str = "wit/since_v0.1.0";
const WORLD: &str = "job-source";

/// One Python plugin: its folder under `plugins/python/` and the `.wasm` it becomes.
struct PythonPlugin {
    folder: &'static str,
    output: &'static str,
}

const PLUGINS: &[PythonPlugin] = &[PythonPlugin {
    folder: "landingjobs",
    output: "jobscout_source_landingjobs_py.wasm",
}];

/// How to install Python, for the messages that need it.
const INSTALL_HINT: &str = "install Python 3.10 or newer with venv and pip (Debian/Ubuntu: `apt-get install python3 python3-venv python3-pip`) and run `cargo xtask build-plugins` again";

/// No usable `python3` (or no venv module): the one failure whose fix is
/// installing Python, so a full plugin build reports it and carries on.
#[derive(Debug)]
pub struct PythonUnavailable(String);

impl std::fmt::Display for PythonUnavailable {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}; {INSTALL_HINT}", self.0)
    }
}

impl std::error::Error for PythonUnavailable {}

/// Builds every Python plugin into `out_dir` (skipping unchanged ones).
pub fn build_all(root: &Path, out_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let python_dir = root.join("plugins").join("python");
    let requirements = python_dir.join("requirements.txt");
    let pinned = std::fs::read_to_string(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    let mut built = Vec::new();
    let mut venv: Option<PathBuf> = None;
    for plugin in PLUGINS {
        let source = python_dir.join(plugin.folder);
        let output = out_dir.join(plugin.output);
        let stamp = out_dir.join(format!("{}.inputs", plugin.output));
        let digest = inputs_digest(root, &source, &pinned)?;
        if output.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&digest) {
            println!("{} is up to date", output.display());
            built.push(output);
            continue;
        }
        let venv = match &venv {
            Some(venv) => venv.clone(),
            None => venv
                .insert(prepare_venv(&python_dir, &requirements)?)
                .clone(),
        };
        componentize(root, &venv, &source, &output)?;
        std::fs::write(&stamp, &digest).with_context(|| format!("writing {}", stamp.display()))?;
        built.push(output);
    }
    Ok(built)
}

/// SHA-256 over the plugin's Python files (tests excluded), the WIT files and
/// the pinned requirements, in a fixed order.
fn inputs_digest(root: &Path, source: &Path, pinned: &str) -> anyhow::Result<String> {
    let mut files = Vec::new();
    collect_files(source, &mut files, &|path| {
        path.extension().is_some_and(|extension| extension == "py")
    })?;
    collect_files(&root.join(WIT_DIR), &mut files, &|path| {
        path.extension().is_some_and(|extension| extension == "wit")
    })?;
    files.sort();
    let mut hasher = Sha256::new();
    hasher.update(pinned.as_bytes());
    hasher.update(WORLD.as_bytes());
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
        hasher.update([0]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

fn collect_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    wanted: &dyn Fn(&Path) -> bool,
) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            // Tests, fixtures and caches are not part of the component.
            if !matches!(name.as_ref(), "tests" | "fixtures" | "__pycache__")
                && !name.starts_with('.')
            {
                collect_files(&path, out, wanted)?;
            }
        } else if wanted(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// The interpreter that creates the venv; the build then only uses the venv's.
const PYTHON: &str = "python3";

fn venv_bin(venv: &Path, program: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{program}.exe"))
    } else {
        venv.join("bin").join(program)
    }
}

/// Creates `plugins/python/.venv` if needed and installs the pinned
/// componentize-py unless the installed one already matches.
fn prepare_venv(python_dir: &Path, requirements: &Path) -> anyhow::Result<PathBuf> {
    let venv = python_dir.join(".venv");
    let venv_python = venv_bin(&venv, "python");
    if !venv_python.exists() {
        let version = Command::new(PYTHON).arg("--version").output();
        if !version.is_ok_and(|output| output.status.success()) {
            return Err(PythonUnavailable(format!(
                "`{PYTHON}` was not found, and the Python plugins need it to build"
            ))
            .into());
        }
        println!("creating {}", venv.display());
        let output = Command::new(PYTHON)
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .with_context(|| format!("running `{PYTHON} -m venv`"))?;
        if !output.status.success() {
            // A half-made venv would be taken as ready next time.
            let _ = std::fs::remove_dir_all(&venv);
            return Err(PythonUnavailable(format!(
                "`{PYTHON} -m venv {}` failed (is the venv module installed?): {}",
                venv.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
            .into());
        }
    }
    let wanted = pinned_version(requirements)?;
    if installed_version(&venv).as_deref() != Some(wanted.as_str()) {
        println!(
            "installing componentize-py {wanted} into {}",
            venv.display()
        );
        let status = Command::new(&venv_python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements)
            .status()
            .context("running pip")?;
        if !status.success() {
            bail!(
                "pip could not install {} (is PyPI reachable?); retry with: {} -m pip install -r {}",
                requirements.display(),
                venv_python.display(),
                requirements.display()
            );
        }
    }
    Ok(venv)
}

/// The version pinned as `componentize-py==X` in requirements.txt.
fn pinned_version(requirements: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(requirements)?;
    text.lines()
        .filter_map(|line| line.split('#').next())
        .find_map(|line| line.trim().strip_prefix("componentize-py=="))
        .map(|version| version.trim().to_string())
        .with_context(|| {
            format!(
                "{} must pin componentize-py with `componentize-py==VERSION`",
                requirements.display()
            )
        })
}

/// `componentize-py --version` prints `componentize-py 0.25.1`.
fn installed_version(venv: &Path) -> Option<String> {
    let output = Command::new(venv_bin(venv, "componentize-py"))
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().nth(1).map(str::to_string)
}

/// Runs componentize-py into a temporary file and renames it into place, so a
/// host watching the `.wasm` never reads half a component.
fn componentize(root: &Path, venv: &Path, source: &Path, output: &Path) -> anyhow::Result<()> {
    let partial = output.with_extension("wasm.partial");
    println!(
        "building {} with componentize-py (takes a minute)",
        output.display()
    );
    let started = std::time::Instant::now();
    let result = Command::new(venv_bin(venv, "componentize-py"))
        .current_dir(root)
        .arg("-d")
        .arg(root.join(WIT_DIR))
        .args(["-w", WORLD, "componentize", "-p"])
        .arg(source)
        .arg("app")
        .arg("-o")
        .arg(&partial)
        // Keep __pycache__ out of the plugin's source folder.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .context("running componentize-py")?;
    if !result.status.success() {
        let _ = std::fs::remove_file(&partial);
        bail!(
            "componentize-py failed for {}:\n{}{}",
            source.display(),
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    std::fs::rename(&partial, output)
        .with_context(|| format!("moving the component to {}", output.display()))?;
    println!("built {} in {:.1?}", output.display(), started.elapsed());
    Ok(())
}
