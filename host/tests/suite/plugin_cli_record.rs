//! `jobscout plugin run --record DIR` then `--fixtures DIR`: an in-repo source
//! (remotive) runs live against a local 127.0.0.1 server while its responses are
//! recorded, then replays them with the server gone and prints the same postings.

use crate::plugins_support;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

async fn jobscout(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_jobscout"))
            .args(&args)
            .env("JOBSCOUT_EGRESS_ALLOW_LOCAL", "127.0.0.1")
            .env_remove("RUST_LOG")
            .output()
            .expect("running jobscout")
    })
    .await
    .unwrap()
}

fn stdout_of(step: &str, output: &Output) -> String {
    assert!(
        output.status.success(),
        "{step} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Serves the remotive API's recorded answer on 127.0.0.1 and counts requests.
async fn remotive_server() -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let body = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plugins/sources/remotive/fixtures/remotive.json"),
    )
    .unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/api/remote-jobs",
        axum::routing::get(move || {
            let body = body.clone();
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                (
                    [
                        ("content-type", "application/json"),
                        ("set-cookie", "session=secret"),
                    ],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{address}"), hits, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_responses_replay_offline() {
    let wasm = plugins_support::wasm("jobscout_source_remotive")
        .display()
        .to_string();
    let (base_url, hits, server) = remotive_server().await;
    let fixtures = tempfile::tempdir().unwrap();
    let dir = fixtures.path().join("remotive");
    let dir_arg = dir.display().to_string();
    let args = |mode: &str| -> Vec<String> {
        [
            "plugin",
            "run",
            &wasm,
            "--query",
            "designer",
            "--limit",
            "10",
            "--allow-host",
            "127.0.0.1",
            "--config",
            &format!("base_url={base_url}"),
            mode,
            &dir_arg,
            "--json",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect()
    };

    let recorded = jobscout(args("--record")).await;
    let live: Value = serde_json::from_str(&stdout_of("run --record", &recorded)).unwrap();
    assert_eq!(live["count"], 2);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(String::from_utf8_lossy(&recorded.stderr)
        .contains(&format!("recorded 1 response(s) in {dir_arg}")));

    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let entry = &index["responses"][0];
    assert_eq!(index["format"], 1);
    assert_eq!(entry["method"], "GET");
    assert_eq!(
        entry["url"],
        format!("{base_url}/api/remote-jobs?search=designer&limit=10")
    );
    assert_eq!(entry["status"], 200);
    assert!(entry["headers"].to_string().contains("application/json"));
    assert!(
        !entry["headers"].to_string().contains("session=secret"),
        "cookies are not recorded"
    );
    let body_file = dir.join(entry["body"].as_str().unwrap());
    assert_eq!(
        std::fs::read(body_file).unwrap(),
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../plugins/sources/remotive/fixtures/remotive.json")
        )
        .unwrap(),
        "the body is stored byte for byte"
    );

    // Offline: the server is gone, the replay prints the same normalized postings.
    server.abort();
    let _ = server.await;
    let replayed = jobscout(args("--fixtures")).await;
    let offline: Value = serde_json::from_str(&stdout_of("run --fixtures", &replayed)).unwrap();
    assert_eq!(offline["postings"], live["postings"]);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the replay never reached the network"
    );

    // The egress policy still applies to replays: an undeclared host is refused.
    let mut undeclared = args("--fixtures");
    let at = undeclared
        .iter()
        .position(|arg| arg == "127.0.0.1")
        .unwrap();
    undeclared[at] = "example.org".to_string();
    let refused = jobscout(undeclared).await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("host 127.0.0.1 is not declared"),
        "{stderr}"
    );

    // Another query was never recorded: the error names the URL and the directory.
    let mut other = args("--fixtures");
    let at = other.iter().position(|arg| arg == "designer").unwrap();
    other[at] = "welder".to_string();
    let missing = jobscout(other).await;
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains(&format!(
            "no recorded response in the fixtures directory {dir_arg} for: GET {base_url}/api/remote-jobs?search=welder&limit=10"
        )),
        "{stderr}"
    );
}
