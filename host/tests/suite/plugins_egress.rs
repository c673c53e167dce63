//! The egress policy of the `http` import, through the real host and plugins.
//! Only 127.0.0.1 is ever connected to: refusals for 10.x and 169.254.x happen
//! before any connection, and the tests assert the refusal text.

use crate::plugins_support;

use jobscout::plugins::types::SourceError;
use jobscout::plugins::{HostOptions, PluginError};
use plugins_support::*;

fn denied(result: Result<Vec<jobscout::plugins::types::JobPosting>, PluginError>) -> String {
    match result {
        Err(PluginError::Source {
            error: SourceError::Denied(message),
            ..
        }) => message,
        other => panic!("expected a denied fetch, got {other:?}"),
    }
}

#[tokio::test]
async fn declared_local_fixture_is_reachable_and_secrets_are_injected_by_the_host() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let host = start_host_with_settings(
        dir.path(),
        &entry(
            "echo",
            "source",
            &echo_wasm(),
            "allowed_hosts = [\"127.0.0.1\", \"localhost\"]\nsecrets = [\"JOBSCOUT_TEST_ECHO_TOKEN\", \"JOBSCOUT_TEST_UNSET_TOKEN\"]",
        ),
        "127.0.0.1,localhost",
        &[("JOBSCOUT_TEST_ECHO_TOKEN", "s3cret-value")],
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;

    let ok = host
        .search("echo", &query(&format!("fetch {}", fixture.url("/ok")), 1))
        .await
        .unwrap();
    assert_eq!(
        ok[0].description_text.as_deref(),
        Some("hello from the fixture")
    );
    assert_eq!(ok[0].extra[0], ("status".to_string(), "200".to_string()));

    let auth = host
        .search(
            "echo",
            &query(
                &format!("secret JOBSCOUT_TEST_ECHO_TOKEN {}", fixture.url("/auth")),
                1,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        auth[0].description_text.as_deref(),
        Some("Bearer s3cret-value")
    );

    // A redirect that leaves the origin does not carry the secret along: to another
    // host, or to another port of the same host.
    let other_port = start_fixture().await;
    for elsewhere in [
        format!("http://localhost:{}/auth", fixture.address.port()),
        other_port.url("/auth"),
    ] {
        let redirected = fixture.url(&format!("/redirect?to={elsewhere}"));
        let dropped = host
            .search(
                "echo",
                &query(&format!("secret JOBSCOUT_TEST_ECHO_TOKEN {redirected}"), 1),
            )
            .await
            .unwrap();
        assert_eq!(
            dropped[0].description_text.as_deref(),
            Some("no authorization"),
            "{elsewhere}"
        );
        assert_eq!(dropped[0].extra[1], ("final-url".to_string(), elsewhere));
    }

    let unset = host
        .search(
            "echo",
            &query(
                &format!("secret JOBSCOUT_TEST_UNSET_TOKEN {}", fixture.url("/auth")),
                1,
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&unset, PluginError::Source { error: SourceError::Unauthorized(message), .. } if message.contains("not available")),
        "{unset:?}"
    );

    let feed = host
        .search("echo", &query(&format!("feed {}", fixture.url("/feed")), 1))
        .await
        .unwrap();
    assert_eq!(feed.len(), 200);
    assert_eq!(feed[199].source_id, "job-199");
}

#[tokio::test]
async fn a_secret_given_in_dotenv_reaches_the_plugin_as_one_in_the_environment_does() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_manifest(
        dir.path(),
        &entry(
            "echo",
            "source",
            &echo_wasm(),
            "allowed_hosts = [\"127.0.0.1\"]\nsecrets = [\"EGRESS_TEST_DOTENV_ONLY_TOKEN\"]",
        ),
    );
    // Settings built from pairs stand for a `.env` file: the variable is not in the
    // process environment.
    let settings = settings_with(
        &manifest,
        &shared_cache_dir(),
        "127.0.0.1",
        &[("EGRESS_TEST_DOTENV_ONLY_TOKEN", "from-dotenv")],
    );
    let host = jobscout::plugins::PluginHost::start_with(
        &settings,
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    let auth = host
        .search(
            "echo",
            &query(
                &format!(
                    "secret EGRESS_TEST_DOTENV_ONLY_TOKEN {}",
                    fixture.url("/auth")
                ),
                1,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        auth[0].description_text.as_deref(),
        Some("Bearer from-dotenv")
    );
}

#[tokio::test]
async fn undeclared_hosts_private_addresses_and_redirects_to_them_are_refused_before_connecting() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &[
            entry(
                "hostile",
                "source",
                &hostile_wasm(),
                // Declared, so the refusal below comes from the address check.
                "allowed_hosts = [\"127.0.0.1\", \"10.0.0.1\", \"169.254.169.254\", \"localhost\"]",
            ),
            entry(
                // Its own entry: four refusals stay under the circuit breaker's five.
                "tunnels",
                "source",
                &hostile_wasm(),
                "allowed_hosts = [\"64:ff9b::a00:1\", \"2002:a00:1::1\", \"2001:0:4136:e378:8000:63bf:3fff:fdd2\", \"::ffff:8.8.8.8\"]",
            ),
            entry(
                "narrow",
                "source",
                &hostile_wasm(),
                "allowed_hosts = [\"jobs.example.com\"]",
            ),
        ]
        .concat(),
    )
    .await;
    let search = |id: &'static str, keywords: String| {
        let host = host.clone();
        async move { host.search(id, &query(&keywords, 1)).await }
    };

    let undeclared = denied(search("narrow", format!("fetch {}", fixture.url("/ok"))).await);
    assert_eq!(
        undeclared,
        format!(
            "plugin 'narrow' may not fetch {}: host 127.0.0.1 is not declared; add it to the plugin's entry in plugins.toml: allowed_hosts = [\"127.0.0.1\"]",
            fixture.url("/ok")
        )
    );

    let private = denied(search("hostile", "fetch http://10.0.0.1/".to_string()).await);
    assert!(private.ends_with("10.0.0.1 resolves to 10.0.0.1, a private address; plugins may only reach public addresses"), "{private}");
    let metadata = denied(
        search(
            "hostile",
            "fetch http://169.254.169.254/latest/meta-data/".to_string(),
        )
        .await,
    );
    assert!(metadata.contains("a cloud metadata address"), "{metadata}");
    // IPv6 forms that carry IPv4 (a translator or tunnel could reach anything).
    for (literal, reason) in [
        ("64:ff9b::a00:1", "private"),
        ("2002:a00:1::1", "6to4"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("::ffff:8.8.8.8", "IPv4-mapped"),
    ] {
        let refused = denied(search("tunnels", format!("fetch http://[{literal}]/")).await);
        assert!(
            refused.ends_with(&format!(
                "a {reason} address; plugins may only reach public addresses"
            )),
            "{refused}"
        );
    }
    let scheme = denied(search("hostile", "fetch file:///etc/passwd".to_string()).await);
    assert!(
        scheme.contains("only http and https URLs are allowed"),
        "{scheme}"
    );

    for target in [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
    ] {
        let hits_before = fixture.hits();
        let redirect = fixture.url(&format!("/redirect?to={target}"));
        let refused = denied(search("hostile", format!("fetch {redirect}")).await);
        assert!(
            refused.starts_with(&format!("plugin 'hostile' may not fetch {target}")),
            "{refused}"
        );
        assert_eq!(
            fixture.hits(),
            hits_before + 1,
            "only the redirecting fixture was contacted"
        );
    }
}

#[tokio::test]
async fn loopback_is_refused_unless_the_setting_allows_it() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let options = || HostOptions {
        watch: false,
        ..HostOptions::default()
    };
    let hosts = "allowed_hosts = [\"127.0.0.1\", \"localhost\"]";
    let host = start_host_with(
        dir.path(),
        &entry("echo", "source", &echo_wasm(), hosts),
        "",
        options(),
    )
    .await;
    let refused = denied(
        host.search("echo", &query(&format!("fetch {}", fixture.url("/ok")), 1))
            .await,
    );
    assert!(refused.ends_with("127.0.0.1 resolves to 127.0.0.1, a loopback address; plugins may only reach public addresses"), "{refused}");
    // A name is checked after DNS resolution, on the addresses it resolves to.
    let by_name = denied(
        host.search(
            "echo",
            &query(
                &format!("fetch http://localhost:{}/ok", fixture.address.port()),
                1,
            ),
        )
        .await,
    );
    assert!(by_name.contains(": localhost resolves to "), "{by_name}");
    assert!(
        by_name.ends_with("a loopback address; plugins may only reach public addresses"),
        "{by_name}"
    );
    assert_eq!(fixture.hits(), 0);

    // Allowing the name `localhost` does not allow a redirect to the address 127.0.0.1.
    let dir = tempfile::tempdir().unwrap();
    let host = start_host_with(
        dir.path(),
        &entry("echo", "source", &echo_wasm(), hosts),
        "localhost",
        options(),
    )
    .await;
    let port = fixture.address.port();
    let redirect = format!("http://localhost:{port}/redirect?to=http://127.0.0.1:{port}/ok");
    let refused = denied(
        host.search("echo", &query(&format!("fetch {redirect}"), 1))
            .await,
    );
    assert!(
        refused.starts_with(&format!(
            "plugin 'echo' may not fetch http://127.0.0.1:{port}/ok: "
        )),
        "{refused}"
    );
    assert!(refused.contains("a loopback address"), "{refused}");
    assert_eq!(fixture.hits(), 1, "the redirecting hop only");
}

#[tokio::test]
async fn response_size_and_fetch_count_are_capped() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let limits = "allowed_hosts = [\"127.0.0.1\"]\n[plugin.limits]\nmax_response_bytes = 100000\nmax_fetches_per_call = 3";
    let host = start_host(
        dir.path(),
        &[
            entry("echo", "source", &echo_wasm(), limits),
            entry("hostile", "source", &hostile_wasm(), limits),
        ]
        .concat(),
    )
    .await;

    let big = host
        .search("echo", &query(&format!("fetch {}", fixture.url("/big")), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&big, PluginError::Source { error: SourceError::BadResponse(message), .. } if message == "response larger than 100000 bytes"),
        "{big:?}"
    );

    let hits_before = fixture.hits();
    let flood = denied(
        host.search(
            "hostile",
            &query(&format!("fetch-flood {}", fixture.url("/ok")), 1),
        )
        .await,
    );
    assert_eq!(flood, "too many fetches (limit 3)");
    assert_eq!(fixture.hits(), hits_before + 3);
}

#[tokio::test]
async fn slow_hosts_time_out_and_fetches_to_one_host_are_spaced() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let host = start_host(
        dir.path(),
        &[
            entry(
                "echo",
                "source",
                &echo_wasm(),
                "allowed_hosts = [\"127.0.0.1\"]\n[plugin.limits]\nfetch_timeout_ms = 300",
            ),
            entry(
                "polite",
                "source",
                &hostile_wasm(),
                "allowed_hosts = [\"127.0.0.1\"]\n[plugin.limits]\nmax_fetches_per_call = 4\nmin_fetch_interval_ms = 150",
            ),
        ]
        .concat(),
    )
    .await;

    let started = std::time::Instant::now();
    let slow = host
        .search(
            "echo",
            &query(&format!("fetch {}", fixture.url("/slow")), 1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&slow, PluginError::Source { error: SourceError::Network(message), .. } if message == "timeout"),
        "{slow:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let started = std::time::Instant::now();
    let spaced = denied(
        host.search(
            "polite",
            &query(&format!("fetch-flood {}", fixture.url("/ok")), 1),
        )
        .await,
    );
    assert_eq!(spaced, "too many fetches (limit 4)");
    // Four fetches to one host, at least 150 ms apart.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn spacing_to_one_host_holds_across_plugins() {
    let fixture = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let polite = |id: &str| {
        entry(
            id,
            "source",
            &hostile_wasm(),
            "allowed_hosts = [\"127.0.0.1\"]\n[plugin.limits]\nmax_fetches_per_call = 2\nmin_fetch_interval_ms = 200",
        )
    };
    let host = start_host(
        dir.path(),
        &[polite("polite-a"), polite("polite-b")].concat(),
    )
    .await;

    let flood = query(&format!("fetch-flood {}", fixture.url("/ok")), 1);
    let started = std::time::Instant::now();
    let (a, b) = tokio::join!(
        host.search("polite-a", &flood),
        host.search("polite-b", &flood)
    );
    assert_eq!(denied(a), "too many fetches (limit 2)");
    assert_eq!(denied(b), "too many fetches (limit 2)");
    // Four fetches to one host from two plugins, each at least 200 ms after the
    // previous one whoever sent it. Spacing per plugin alone would take ~200 ms.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_port_bound_allowance_holds_for_names_and_redirects_after_resolution() {
    let allowed = start_fixture().await;
    let other = start_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let host = start_host_with(
        dir.path(),
        &entry(
            "echo",
            "source",
            &echo_wasm(),
            "allowed_hosts = [\"127.0.0.1\", \"localhost\"]",
        ),
        &format!("127.0.0.1:{}", allowed.address.port()),
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    let fetch = |url: String| {
        let host = &host;
        async move {
            host.search("echo", &query(&format!("fetch {url}"), 1))
                .await
        }
    };
    let ok = fetch(allowed.url("/ok")).await.unwrap();
    assert_eq!(
        ok[0].description_text.as_deref(),
        Some("hello from the fixture")
    );

    let other_port = other.address.port();
    // The same port through a name is refused too: only the address entry's
    // literal form is allowed, so no name can widen it to another port.
    for url in [
        format!("http://localhost:{other_port}/ok"),
        format!("http://localhost:{}/ok", allowed.address.port()),
        format!("http://127.0.0.1:{other_port}/ok"),
        allowed.url(&format!("/redirect?to=http://localhost:{other_port}/ok")),
        allowed.url(&format!("/redirect?to=http://127.0.0.1:{other_port}/ok")),
    ] {
        let refused = denied(fetch(url.clone()).await);
        assert!(
            refused.contains("loopback address") || refused.contains("on port"),
            "{url}: {refused}"
        );
    }
    assert_eq!(other.hits(), 0, "the other port was never reached");
}
