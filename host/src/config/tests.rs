use super::*;

fn settings(pairs: &[(&str, &str)]) -> LoadedSettings {
    Settings::from_pairs(pairs.iter().copied())
}

#[test]
fn plugin_secrets_come_from_dotenv_as_settings_do_and_the_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join(".env");
    std::fs::write(
        &dotenv,
        "CONFIG_TEST_SECRET_IN_FILE=from-file\nCONFIG_TEST_SECRET_IN_BOTH=from-file\n",
    )
    .unwrap();
    // The name is unique to this test; edition 2021 needs no unsafe here.
    std::env::set_var("CONFIG_TEST_SECRET_IN_BOTH", "from-environment");
    let source = SettingsSource::from_env_and_dotenv(&dotenv).unwrap();
    let secrets = Settings::from_source(source).settings.secret_values;
    assert_eq!(
        secrets.get("CONFIG_TEST_SECRET_IN_FILE").as_deref(),
        Some("from-file")
    );
    assert_eq!(
        secrets.get("CONFIG_TEST_SECRET_IN_BOTH").as_deref(),
        Some("from-environment")
    );
    assert_eq!(secrets.get("CONFIG_TEST_SECRET_NOWHERE"), None);
    assert!(!format!("{secrets:?}").contains("from-file"));
}

#[test]
fn rust_log_wins_over_jobscout_log() {
    let both = settings(&[("JOBSCOUT_LOG", "warn"), ("RUST_LOG", "jobscout=debug")]);
    assert_eq!(both.settings.log_level, "jobscout=debug");
    let ours = settings(&[("JOBSCOUT_LOG", "warn"), ("RUST_LOG", " ")]);
    assert_eq!(ours.settings.log_level, "warn");
}

/// `env.sample` documents exactly the settings this module reads: a new
/// setting without its line, or a line for a setting no longer read, fails.
#[test]
fn env_sample_lists_every_setting_read_and_no_other() {
    let sample_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../env.sample");
    let sample = std::fs::read_to_string(sample_path).unwrap();
    let documented: std::collections::BTreeSet<String> = sample
        .lines()
        .map(|line| line.trim_start_matches('#').trim_start())
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.to_string())
        // The test suite's own variables are documented there too; tests read them.
        .filter(|name| !name.starts_with("JOBSCOUT_TEST_"))
        .filter(|name| {
            name.starts_with(PREFIX)
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_')
        })
        .collect();
    let mut source = SettingsSource::from_pairs(Vec::<(String, String)>::new());
    Settings::read_from(&mut source);
    let read: std::collections::BTreeSet<String> = source.names_read().collect();
    let undocumented: Vec<_> = read.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&read).collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "env.sample is out of step with config: read but not documented {undocumented:?}; \
         documented but not read {stale:?}"
    );
}

#[test]
fn defaults_serve_sqlite_on_port_8000() {
    let loaded = settings(&[]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let settings = loaded.settings;
    assert_eq!(settings.port, 8000);
    assert_eq!(settings.host.to_string(), "0.0.0.0");
    assert_eq!(
        settings.database,
        DatabaseTarget::Sqlite("jobscout.db".into())
    );
    assert!(settings.admin_token.is_none());
    assert!(!settings.public_scrape_enabled);
}

#[test]
fn connection_limits_have_defaults_and_bounds() {
    let defaults = settings(&[]).settings;
    assert_eq!(defaults.header_read_timeout, Duration::from_secs(10));
    assert_eq!(defaults.max_uri_bytes, 8192);
    assert_eq!(defaults.max_header_bytes, 32 * 1024);
    assert_eq!(defaults.max_headers, 100);
    // hyper itself refuses targets over 65 534 bytes without a JSON body.
    let loaded = settings(&[
        ("JOBSCOUT_MAX_URI_BYTES", "65535"),
        ("JOBSCOUT_HEADER_READ_TIMEOUT_SECONDS", "0"),
    ]);
    let names: Vec<_> = loaded
        .problems
        .iter()
        .map(|problem| problem.to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].contains("JOBSCOUT_HEADER_READ_TIMEOUT_SECONDS"),
        "{names:?}"
    );
    assert!(names[1].contains("JOBSCOUT_MAX_URI_BYTES"), "{names:?}");
}

#[test]
fn postgres_url_selects_postgres_unless_use_sqlite() {
    let url = "postgres://postgres@127.0.0.1:5432/test";
    assert_eq!(
        settings(&[("JOBSCOUT_DATABASE_URL", url)])
            .settings
            .database,
        DatabaseTarget::Postgres(url.into())
    );
    assert_eq!(
        settings(&[
            ("JOBSCOUT_DATABASE_URL", url),
            ("JOBSCOUT_USE_SQLITE", "true"),
            ("JOBSCOUT_SQLITE_PATH", "x.db")
        ])
        .settings
        .database,
        DatabaseTarget::Sqlite("x.db".into())
    );
    assert_eq!(
        settings(&[("JOBSCOUT_DATABASE_URL", "sqlite://data/j.db?mode=rwc")])
            .settings
            .database,
        DatabaseTarget::Sqlite("data/j.db".into())
    );
}

#[test]
fn every_bad_value_is_reported_at_once() {
    let loaded = settings(&[
        ("JOBSCOUT_PORT", "http"),
        ("JOBSCOUT_HOST", "localhost:80"),
        ("JOBSCOUT_DATABASE_URL", "mysql://root:hunter2@db/jobs"),
        ("JOBSCOUT_LOG_FORMAT", "xml"),
        ("JOBSCOUT_TRUSTED_PROXIES", "10.0.0.1,proxy"),
    ]);
    let variables: Vec<_> = loaded
        .problems
        .iter()
        .map(|p| p.variable.as_str())
        .collect();
    assert_eq!(
        variables,
        [
            "JOBSCOUT_HOST",
            "JOBSCOUT_LOG_FORMAT",
            "JOBSCOUT_DATABASE_URL",
            "JOBSCOUT_TRUSTED_PROXIES",
            "JOBSCOUT_PORT"
        ]
    );
    let message = loaded.into_result().unwrap_err();
    assert!(
        message.contains("JOBSCOUT_PORT=\"http\" is not valid: expected a number from 1 to 65535"),
        "{message}"
    );
    assert!(
        !message.contains("hunter2"),
        "passwords never appear in messages: {message}"
    );
}

#[test]
fn cors_origins_accept_every_list_form() {
    for value in [
        r#"["https://a.example","https://b.example"]"#,
        "['https://a.example','https://b.example']",
        "https://a.example, https://b.example/",
    ] {
        let loaded = settings(&[("JOBSCOUT_CORS_ORIGINS", value)]);
        assert!(loaded.problems.is_empty(), "{value}: {:?}", loaded.problems);
        assert_eq!(
            loaded.settings.cors_origins,
            ["https://a.example", "https://b.example"],
            "{value}"
        );
    }
    let single = settings(&[("JOBSCOUT_CORS_ORIGINS", "https://only.example")]).settings;
    assert_eq!(single.cors_origins, ["https://only.example"]);
}

#[test]
fn origin_rules_match_the_earlier_backend() {
    let settings = settings(&[("JOBSCOUT_CORS_ORIGINS", "https://app.example")]).settings;
    assert!(settings.is_origin_allowed("https://app.example"));
    assert!(settings.is_origin_allowed("https://jobiqueue.com"));
    assert!(settings.is_origin_allowed("http://localhost:3000"));
    assert!(settings.is_origin_allowed("chrome-extension://abcdefghijklmnop"));
    assert!(settings.is_origin_allowed("CHROME-EXTENSION://ABC_def-1"));
    assert!(!settings.is_origin_allowed("chrome-extension://"));
    assert!(!settings.is_origin_allowed("chrome-extension://abc/def"));
    assert!(!settings.is_origin_allowed("https://evil.example"));
    assert!(!settings.is_origin_allowed("https://jobiqueue.com.evil.example"));
}

#[test]
fn describe_masks_secrets() {
    let settings = settings(&[
        ("JOBSCOUT_ADMIN_TOKEN", "s3cret-token"),
        (
            "JOBSCOUT_DATABASE_URL",
            "postgres://app:pa55@db.internal/jobscout",
        ),
    ])
    .settings;
    let text = format!("{:?}", settings.describe());
    assert!(!text.contains("s3cret-token"), "{text}");
    assert!(!text.contains("pa55"), "{text}");
    assert!(
        text.contains("postgres://app:***@db.internal/jobscout"),
        "{text}"
    );
}

#[test]
fn user_secrets_are_masked_and_urls_checked() {
    let loaded = settings(&[
        ("JOBSCOUT_SUPABASE_ANON_KEY", "anon-key-value"),
        ("JOBSCOUT_SUPABASE_JWT_SECRET", "jwt-secret-value"),
        ("JOBSCOUT_SUPABASE_URL", "https://project.supabase.co/"),
        ("JOBSCOUT_SUPABASE_JWKS_URL", "ftp://keys"),
    ]);
    let variables: Vec<_> = loaded
        .problems
        .iter()
        .map(|p| p.variable.as_str())
        .collect();
    assert_eq!(variables, ["JOBSCOUT_SUPABASE_JWKS_URL"]);
    let settings = loaded.settings;
    assert_eq!(
        settings.supabase_url.as_deref(),
        Some("https://project.supabase.co")
    );
    assert_eq!(settings.rate_limit_apply_pack_per_minute, 10);
    assert_eq!(settings.rate_limit_job_capture_per_hour, 30);
    let text = format!("{:?}", settings.describe());
    assert!(
        !text.contains("anon-key-value") && !text.contains("jwt-secret-value"),
        "{text}"
    );
}
