//! Golden files for plugins.toml errors: each `tests/ui/*.toml` is parsed and
//! its error text compared with the `.err` file beside it (expect-test). Run with
//! `UPDATE_EXPECT=1` to rewrite the `.err` files after a deliberate wording change.

use std::path::Path;

use jobscout::plugins::manifest;

#[test]
fn every_invalid_plugins_file_has_its_golden_error() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut inputs: Vec<_> = std::fs::read_dir(&ui)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "golden inputs missing from {}",
        ui.display()
    );

    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&input).unwrap();
        let actual = match manifest::parse(&text, &name, Path::new("/etc/jobscout")) {
            Ok(_) => panic!("{name} parsed without error; golden inputs must be invalid"),
            Err(errors) => format!("{errors}\n"),
        };
        expect_test::expect_file![input.with_extension("err")].assert_eq(&actual);
    }
}

#[test]
fn a_complete_file_parses_with_defaults_filled_in() {
    let text = r#"schema_version = 1

[[plugin]]
id = "greenhouse"
kind = "source"
path = "plugins/greenhouse.wasm"
allowed_hosts = ["boards-api.greenhouse.io", "*.greenhouse.io"]
secrets = ["GREENHOUSE_API_KEY"]

[plugin.config]
boards = ["acme", "globex"]
page_size = 100

[plugin.limits]
memory_mib = 32
timeout_ms = 5000

[[plugin]]
id = "resume-parser"
kind = "processor"
path = "/opt/jobscout/resume.wasm"
enabled = false

[plugin.ai]
chat = true
tokens_per_day = 50000
"#;
    let manifest = manifest::parse(text, "plugins.toml", Path::new("/etc/jobscout")).unwrap();
    let [greenhouse, parser] = &manifest.plugins[..] else {
        panic!("two plugins")
    };
    assert_eq!(
        greenhouse.path,
        Path::new("/etc/jobscout/plugins/greenhouse.wasm")
    );
    assert_eq!(
        greenhouse.config,
        [
            ("boards".to_string(), "[\"acme\", \"globex\"]".to_string()),
            ("page_size".to_string(), "100".to_string())
        ]
    );
    assert_eq!(greenhouse.limits.memory_bytes, 32 << 20);
    assert_eq!(greenhouse.limits.timeout, std::time::Duration::from_secs(5));
    assert_eq!(greenhouse.limits.max_concurrent_calls, 4, "default");
    assert!(greenhouse.allowed_hosts[1].matches("boards.greenhouse.io"));
    assert_eq!(parser.kind, manifest::PluginKind::Processor);
    assert!(!parser.enabled);
    assert_eq!(parser.path, Path::new("/opt/jobscout/resume.wasm"));
    assert_eq!(greenhouse.ai, None, "no [plugin.ai], no AI");
    assert_eq!(
        parser.ai,
        Some(jobscout::plugins::ai_grant::AiGrant {
            chat: true,
            embeddings: false,
            tokens_per_day: 50_000,
            max_tokens_per_call: jobscout::plugins::ai_grant::DEFAULT_MAX_TOKENS_PER_CALL,
        })
    );
}
