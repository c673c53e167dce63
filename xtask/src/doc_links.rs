//! `cargo xtask check-docs`: every link between the project's Markdown files
//! resolves (the file exists, and a `#fragment` names a heading in it), and every
//! repository path a document quotes in backticks (`host/src/…`) exists, so a
//! moved file cannot leave the docs pointing at nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level folders whose paths, quoted in a document, must exist. (`wit/` and
/// `fixtures/` are left out: documents name future WIT folders and the files of a
/// scaffolded plugin.)
const QUOTED_ROOTS: &[&str] = &[
    "host/",
    "plugins/",
    "text/",
    "contracts/",
    "migrations/",
    "docs/",
    "bench/",
    "xtask/",
];

/// The problems in the Markdown files `documents` (paths relative to `root`).
pub fn check(root: &Path, documents: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for document in documents {
        let path = root.join(document);
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(format!("{}: cannot be read", document.display()));
            continue;
        };
        for (line, target) in links(&text) {
            if let Some(problem) = check_link(root, document, &text, &target) {
                problems.push(format!("{}:{line}: {problem}", document.display()));
            }
        }
        for (line, quoted) in quoted_paths(&text) {
            let beside_document = root
                .join(document.parent().unwrap_or(Path::new("")))
                .join(&quoted);
            if !root.join(&quoted).exists() && !beside_document.exists() {
                problems.push(format!(
                    "{}:{line}: `{quoted}` does not exist (moved or renamed? quote its new path)",
                    document.display()
                ));
            }
        }
    }
    problems
}

fn check_link(root: &Path, document: &Path, text: &str, target: &str) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None; // outside the repository: not checked offline
    }
    let (file, fragment) = match target.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (target, None),
    };
    let (linked_path, linked_text) = if file.is_empty() {
        (document.to_path_buf(), Some(text.to_string()))
    } else {
        let relative = document.parent().unwrap_or(Path::new("")).join(file);
        if !root.join(&relative).exists() {
            return Some(format!(
                "link to `{target}`: no file `{}`",
                relative.display()
            ));
        }
        (
            relative.clone(),
            std::fs::read_to_string(root.join(&relative)).ok(),
        )
    };
    let fragment = fragment?;
    let is_markdown = linked_path.extension().is_some_and(|ext| ext == "md");
    if !is_markdown {
        return None;
    }
    let headings = heading_anchors(&linked_text.unwrap_or_default());
    if headings.contains(fragment) {
        None
    } else {
        Some(format!(
            "link to `{target}`: `{}` has no heading with the anchor `#{fragment}`",
            linked_path.display()
        ))
    }
}

/// Each inline link's target with its line: `[text](target)`.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in prose_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = rest[..end].trim();
            // `[text](target "title")`: the title is not part of the target.
            let target = target.split_whitespace().next().unwrap_or("");
            if !target.is_empty() {
                found.push((index, target.to_string()));
            }
            rest = &rest[end..];
        }
    }
    found
}

/// Repository paths quoted in backticks, such as `host/src/http/mod.rs`.
fn quoted_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in prose_lines(text) {
        let mut pieces = line.split('`');
        pieces.next(); // before the first backtick
        while let Some(quoted) = pieces.next() {
            if let Some(path) = repository_path(quoted) {
                found.push((index, path));
            }
            pieces.next(); // prose between this span and the next
        }
    }
    found
}

/// `quoted` when it reads as one path under a [`QUOTED_ROOTS`] folder: no spaces,
/// no globs or placeholders; a trailing `/` or `:line` is dropped.
fn repository_path(quoted: &str) -> Option<String> {
    if !QUOTED_ROOTS.iter().any(|root| quoted.starts_with(root)) {
        return None;
    }
    if quoted
        .chars()
        .any(|c| c.is_whitespace() || "*<>{}[]$|…".contains(c))
    {
        return None;
    }
    // Hidden folders (`plugins/python/.venv`) are made by builds, not committed.
    if quoted.contains("/.") {
        return None;
    }
    let path = quoted.split(':').next().unwrap_or(quoted);
    let path = path.trim_end_matches('/');
    Some(path.to_string())
}

/// Lines outside fenced code blocks, numbered from 1.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            lines.push((index + 1, line));
        }
    }
    lines
}

/// The anchors GitHub gives the headings of `text`: lower case, punctuation
/// dropped, spaces to hyphens; a repeated heading gets `-1`, `-2`, ….
fn heading_anchors(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    for (_, line) in prose_lines(text) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut anchor = slug.clone();
        let mut repeat = 0;
        while anchors.contains(&anchor) {
            repeat += 1;
            anchor = format!("{slug}-{repeat}");
        }
        anchors.insert(anchor);
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        let anchors = heading_anchors(
            "# Writing a plugin, step by step\n## `plugins.toml`\n```\n# not a heading\n```\n## FAQ\n## FAQ\n",
        );
        let expected = [
            "faq",
            "faq-1",
            "pluginstoml",
            "writing-a-plugin-step-by-step",
        ];
        assert_eq!(
            anchors.iter().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn broken_links_and_moved_paths_are_named_with_their_line() {
        let root = tempfile_root();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::create_dir_all(root.join("host/src")).unwrap();
        std::fs::write(root.join("host/src/lib.rs"), "").unwrap();
        std::fs::write(root.join("docs/guide.md"), "# Guide\n## Setting up\n").unwrap();
        std::fs::write(
            root.join("README.md"),
            "See [the guide](docs/guide.md#setting-up) and [gone](docs/gone.md).\n\
             Also [a bad anchor](docs/guide.md#nowhere), [the web](https://example.com),\n\
             `host/src/lib.rs`, `host/tests/moved.rs:12` and `host/src/*.rs`.\n",
        )
        .unwrap();
        let problems = check(&root, &[PathBuf::from("README.md")]);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("README.md:1: link to `docs/gone.md`"));
        assert!(problems[1].starts_with("README.md:2: link to `docs/guide.md#nowhere`"));
        assert!(problems[2].starts_with("README.md:3: `host/tests/moved.rs` does not exist"));
        std::fs::remove_dir_all(root).unwrap();
    }

    fn tempfile_root() -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-doc-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    /// The repository's own documents are in order.
    #[test]
    fn the_project_documents_resolve() {
        let root = crate::repository_root();
        let problems = check(&root, &crate::markdown_files(&root).unwrap());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
