//! `docs/processors.md` against the types: for each processor, the keys of its
//! input table are exactly the fields of its input type, the top-level keys of
//! its JSON output example exactly the fields of its output type, the host's own
//! fields are named, and the error kinds it names are those it answers with.

use std::collections::BTreeSet;

use jobscout_contracts::{all, Described};

const DOC: &str = include_str!("../../docs/processors.md");

#[test]
fn the_processors_page_matches_the_types() {
    let problems = problems(DOC);
    assert!(
        problems.is_empty(),
        "docs/processors.md and the contracts (contracts/src) disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn a_renamed_or_stale_field_in_the_page_is_caught() {
    let drifted = DOC
        .replace("| `link_tested` |", "| `link_checked` |")
        .replace("\"pages\": 2", "\"page_count\": 2")
        .replace("`html`+`url`", "`html`+`url`+`lang`");
    let problems = problems(&drifted);
    let expected = [
        "trust: the input table lists `link_checked`, which trust::Input does not have",
        "trust: the input table does not list `link_tested`",
        "resume-text: the JSON output example has `page_count`, which the output type does not have",
        "resume-text: the JSON output example does not show `pages`",
    ];
    for expected in expected {
        assert!(
            problems.iter().any(|problem| problem == expected),
            "{expected:?} not reported; got {problems:#?}"
        );
    }
}

#[test]
fn a_processor_missing_from_the_page_is_caught() {
    let without = DOC.replace("## `job-analyze`", "## job analysis");
    let problems = problems(&without);
    assert!(
        problems.contains(&"job-analyze: no `## `job-analyze`` section".to_string()),
        "{problems:#?}"
    );
}

/// Every disagreement between `doc` and the types, as one line each.
fn problems(doc: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for processor in all() {
        let id = processor.id;
        if !doc.contains(&format!("| `{id}` | `plugins/processors/{id}` |")) {
            problems.push(format!("{id}: not in the table of processors at the top"));
        }
        let Some(section) = section(doc, id) else {
            problems.push(format!("{id}: no `## `{id}`` section"));
            continue;
        };
        check_input(&processor, &section, &mut problems);
        check_output(&processor, &section, &mut problems);
        for kind in [
            jobscout_contracts::ErrorKind::UnsupportedInput,
            jobscout_contracts::ErrorKind::InvalidInput,
        ] {
            let named = section.contains(&format!("`{}`", kind.name()))
                || section.contains(&format!("{}(", kind.name()));
            match (named, processor.errors.contains(&kind)) {
                (false, true) => problems.push(format!(
                    "{id}: answers with `{}`, which its section does not name",
                    kind.name()
                )),
                (true, false) => problems.push(format!(
                    "{id}: its section names `{}`, which it never answers with",
                    kind.name()
                )),
                _ => {}
            }
        }
    }
    problems
}

fn check_input(processor: &Described, section: &str, problems: &mut Vec<String>) {
    let id = processor.id;
    let typed: BTreeSet<&str> = processor.input_fields.iter().copied().collect();
    let listed = table_keys(section);
    let module = id.replace('-', "_");
    for key in listed.difference(&typed) {
        problems.push(format!(
            "{id}: the input table lists `{key}`, which {module}::Input does not have"
        ));
    }
    for key in typed.difference(&listed) {
        problems.push(format!("{id}: the input table does not list `{key}`"));
    }
}

fn check_output(processor: &Described, section: &str, problems: &mut Vec<String>) {
    let id = processor.id;
    let Some(shown) = json_example_keys(section) else {
        problems.push(format!("{id}: no JSON output example"));
        return;
    };
    let typed: BTreeSet<String> = processor
        .output_fields
        .iter()
        .map(|key| key.to_string())
        .collect();
    for key in shown.difference(&typed) {
        problems.push(format!(
            "{id}: the JSON output example has `{key}`, which the output type does not have"
        ));
    }
    for key in typed.difference(&shown) {
        problems.push(format!(
            "{id}: the JSON output example does not show `{key}`"
        ));
    }
    for key in processor.host_fields {
        if !section.contains(&format!("`{key}`")) {
            problems.push(format!("{id}: the host's field `{key}` is not named"));
        }
        if shown.contains(*key) {
            problems.push(format!(
                "{id}: the JSON output example shows `{key}`, which the host adds"
            ));
        }
    }
}

/// The text under `## `id`` up to the next `## ` heading.
fn section(doc: &str, id: &str) -> Option<String> {
    let heading = format!("## `{id}`");
    let mut lines = doc.lines().skip_while(|line| line.trim_end() != heading);
    lines.next()?;
    Some(
        lines
            .take_while(|line| !line.starts_with("## "))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The backticked names in the first column of the section's `| key | … |` tables.
fn table_keys(section: &str) -> BTreeSet<&str> {
    let mut keys = BTreeSet::new();
    let mut in_table = false;
    for line in section.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let first = line
            .trim_start_matches('|')
            .split('|')
            .next()
            .unwrap_or("")
            .trim();
        if first == "key" {
            in_table = true;
            continue;
        }
        if !in_table || first.starts_with('-') {
            continue;
        }
        keys.extend(first.split('`').skip(1).step_by(2));
    }
    keys
}

/// The top-level keys of the section's first ```json block.
fn json_example_keys(section: &str) -> Option<BTreeSet<String>> {
    let start = section.find("```json")? + "```json".len();
    let end = start + section[start..].find("```")?;
    let example: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&section[start..end]).ok()?;
    Some(example.keys().cloned().collect())
}
