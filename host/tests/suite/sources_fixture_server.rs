//! The bundled source plugins end to end: built to wasm, loaded by the real
//! plugin host, fetching recorded API responses from a local server on
//! 127.0.0.1 at the sources' real paths, through `run_scrape` into SQLite and
//! PostgreSQL. No real site is contacted.
//!
//! Payloads are the recorded responses in `../shared/fixtures/sources/` when that
//! folder exists, otherwise the trimmed in-repo copies next to each plugin.

use crate::common;
use crate::plugins_support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::{TestApp, TestDb};
use jobscout::pipeline::{run_scrape, Quiet, ScrapeRequest};
use jobscout::plugins::{HostOptions, PluginHost};
use plugins_support::{entry, repository_root, start_host_with, start_host_with_settings, wasm};

/// (plugin id, crate name, fixture file, real path served, content type, postings returned).
const SOURCES: &[(&str, &str, &str, &str, &str, i64)] = &[
    (
        "greenhouse",
        "greenhouse",
        "greenhouse.json",
        "/v1/boards/vercel/jobs",
        JSON,
        2,
    ),
    (
        "lever",
        "lever",
        "lever.json",
        "/v0/postings/spotify",
        JSON,
        2,
    ),
    (
        "remotive",
        "remotive",
        "remotive.json",
        "/api/remote-jobs",
        JSON,
        2,
    ),
    ("remoteok", "remoteok", "remoteok.json", "/api", JSON, 2),
    (
        "arbeitnow",
        "arbeitnow",
        "arbeitnow.json",
        "/api/job-board-api",
        JSON,
        2,
    ),
    (
        "jobicy",
        "jobicy",
        "jobicy.json",
        "/api/v2/remote-jobs",
        JSON,
        2,
    ),
    (
        "ashby",
        "ashby",
        "ashby.json",
        "/posting-api/job-board/linear",
        JSON,
        2,
    ),
    (
        "recruitee",
        "recruitee",
        "recruitee.json",
        "/api/offers/",
        JSON,
        2,
    ),
    (
        "himalayas",
        "himalayas",
        "himalayas.json",
        "/jobs/api/search",
        JSON,
        2,
    ),
    (
        "workingnomads",
        "workingnomads",
        "workingnomads.json",
        "/api/exposed_jobs/",
        JSON,
        2,
    ),
    (
        "smartrecruiters",
        "smartrecruiters",
        "smartrecruiters.json",
        "/v1/companies/Ubisoft2/postings",
        JSON,
        2,
    ),
    // Three top-level comments in the recorded story.
    (
        "hackernews",
        "hackernews",
        "hackernews.json",
        "/api/v1/items/49522897",
        JSON,
        3,
    ),
    (
        "feeds",
        "feeds",
        "weworkremotely.rss",
        "/categories/remote-programming-jobs.rss",
        "application/rss+xml",
        2,
    ),
    (
        "jsonld",
        "jsonld",
        "careers.html",
        "/careers",
        "text/html; charset=utf-8",
        2,
    ),
    ("breezy", "breezy", "breezy.json", "/json", JSON, 2),
    (
        "workday",
        "workday",
        "workday.json",
        "/wday/cxs/acme/External/jobs",
        JSON,
        2,
    ),
    // One job listed twice (once per location) becomes one posting.
    (
        "rippling",
        "rippling",
        "rippling.json",
        "/api/v2/board/rippling/jobs",
        JSON,
        1,
    ),
    (
        "themuse",
        "themuse",
        "themuse.json",
        "/api/public/jobs",
        JSON,
        2,
    ),
    ("reed", "reed", "reed.json", "/api/1.0/search", JSON, 2),
];

const JSON: &str = "application/json";

/// What the fixture server expects in Reed's Authorization header: the host
/// writes it from the `REED_API_AUTH` secret (base64 of "test-key:").
const REED_AUTH: &str = "dGVzdC1rZXk6";

/// The recorded payload when `../shared` is present, else the in-repo copy.
fn payload(crate_name: &str, file: &str) -> Vec<u8> {
    let root = repository_root();
    let shared = root.join("../shared/fixtures/sources").join(file);
    if let Ok(bytes) = std::fs::read(&shared) {
        return bytes;
    }
    println!(
        "{} absent: serving the in-repo fixture of {crate_name}",
        shared.display()
    );
    let local: PathBuf = root
        .join("plugins/sources")
        .join(crate_name)
        .join("fixtures")
        .join(file);
    std::fs::read(&local).unwrap_or_else(|error| panic!("cannot read {}: {error}", local.display()))
}

/// Serves each payload at its path (any query string); everything else is 404.
async fn start_server() -> (std::net::SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    let mut routes: HashMap<String, (Vec<u8>, &'static str)> = SOURCES
        .iter()
        .map(|(_, crate_name, file, path, content_type, _)| {
            (path.to_string(), (payload(crate_name, file), *content_type))
        })
        .collect();
    // The story lookup is not recorded; this answer has the live API's shape.
    routes.insert(
        "/api/v1/search_by_date".to_string(),
        (
            br#"{"hits":[{"title":"Ask HN: Who is hiring? (September 2026)","objectID":"49522897"}]}"#.to_vec(),
            "application/json",
        ),
    );
    serve(routes).await
}

/// A host (no watcher) running the `(id, crate)` sources against a local server of
/// `routes`; the folder it runs in lives as long as the returned guard.
async fn host_for_sources(
    routes: HashMap<String, (Vec<u8>, &'static str)>,
    sources: &[(&str, &str)],
) -> (Arc<PluginHost>, tempfile::TempDir) {
    let (address, _hits) = serve(routes).await;
    let base = format!("http://{address}");
    let manifest: String = sources
        .iter()
        .map(|(id, crate_name)| source_entry(id, crate_name, &base))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let host = start_host_with(
        dir.path(),
        &manifest,
        &address.to_string(),
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    (host, dir)
}

/// Serves `routes` (path → body and content type) on 127.0.0.1.
async fn serve(
    routes: HashMap<String, (Vec<u8>, &'static str)>,
) -> (std::net::SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let routes = Arc::new(routes);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
        let routes = routes.clone();
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            // Workday's list is a POST; Reed answers only with the injected key.
            if uri.path().starts_with("/wday/") && method != Method::POST {
                return (StatusCode::METHOD_NOT_ALLOWED, "POST only").into_response();
            }
            if uri.path() == "/api/1.0/search" {
                let auth = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok());
                if auth != Some(format!("Basic {REED_AUTH}").as_str()) {
                    return (StatusCode::UNAUTHORIZED, "bad key").into_response();
                }
            }
            match routes.get(uri.path()) {
                Some((body, content_type)) => {
                    ([(header::CONTENT_TYPE, *content_type)], body.clone()).into_response()
                }
                None => (StatusCode::NOT_FOUND, "no such board").into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (address, hits)
}

fn manifest(base: &str) -> String {
    let mut body = String::new();
    for (id, crate_name, ..) in SOURCES {
        body.push_str(&source_entry(id, crate_name, base));
    }
    // Reed without its secret declared: refused as unauthorized before any fetch.
    body.push_str(&entry(
        "reed-no-key",
        "source",
        &wasm("jobscout_source_reed"),
        &format!("allowed_hosts = [\"127.0.0.1\"]\n\n[plugin.config]\nbase_url = \"{base}\"\n"),
    ));
    // Every board of this one is gone: the source fails, the run does not.
    body.push_str(&entry(
        "dead-boards",
        "source",
        &wasm("jobscout_source_greenhouse"),
        &format!("allowed_hosts = [\"127.0.0.1\"]\n\n[plugin.config]\nbase_url = \"{base}\"\nboards = [\"gone\"]\n"),
    ));
    body
}

/// The manifest entry of a bundled source served from `base`, with its test config.
fn source_entry(id: &str, crate_name: &str, base: &str) -> String {
    let config = match id {
        // A dead board next to a live one: skipped, the live one still counts.
        "greenhouse" => "boards = [\"vercel\", \"no-such-board\"]".to_string(),
        "lever" => "companies = [\"spotify\"]".to_string(),
        "ashby" => "boards = [\"linear\"]".to_string(),
        "recruitee" => "companies = [\"channable\"]".to_string(),
        "smartrecruiters" => "companies = [\"Ubisoft2\"]".to_string(),
        "feeds" => format!(
            "feeds = [\"{base}/categories/remote-programming-jobs.rss\"]\nall_remote = true"
        ),
        "jsonld" => format!("pages = [\"{base}/careers\"]"),
        "breezy" => "companies = [\"breezy\"]".to_string(),
        "workday" => "sites = [\"https://acme.wd5.myworkdayjobs.com/External\"]".to_string(),
        "rippling" => "boards = [\"rippling\"]".to_string(),
        _ => String::new(),
    };
    let secrets = if id == "reed" {
        "secrets = [\"REED_API_AUTH\"]\n"
    } else {
        ""
    };
    entry(
            id,
            "source",
            &wasm(&format!("jobscout_source_{}", crate_name.replace('-', "_"))),
            &format!("allowed_hosts = [\"127.0.0.1\"]\n{secrets}\n[plugin.config]\nbase_url = \"{base}\"\n{config}\n"),
        )
}

async fn start() -> (
    Arc<PluginHost>,
    tempfile::TempDir,
    Arc<std::sync::atomic::AtomicUsize>,
) {
    let (address, hits) = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let host = start_host_with_settings(
        dir.path(),
        &manifest(&format!("http://{address}")),
        // Only this server's address is allowed through the egress policy.
        &address.to_string(),
        // Read by the host when it loads reed; the plugin only ever holds a handle.
        &[("REED_API_AUTH", REED_AUTH)],
        HostOptions {
            watch: false,
            ..HostOptions::default()
        },
    )
    .await;
    (host, dir, hits)
}

fn request() -> ScrapeRequest {
    ScrapeRequest {
        query: "engineer".into(),
        location: None,
        remote_only: false,
        sources: Vec::new(),
        max_results_per_source: 50,
        concurrency: 4,
        source_deadline: Duration::from_secs(60),
    }
}

#[tokio::test]
async fn every_source_scrapes_its_recorded_payload_into_both_engines() {
    let (host, _dir, hits) = start().await;
    let mut loaded = host.sources();
    loaded.sort();
    let mut expected: Vec<String> = SOURCES.iter().map(|(id, ..)| id.to_string()).collect();
    expected.extend(["dead-boards".to_string(), "reed-no-key".to_string()]);
    expected.sort();
    assert_eq!(loaded, expected, "every declared source loads");

    for db in TestDb::all().await {
        let report = run_scrape(&db.pool, host.as_ref(), &request(), &Quiet)
            .await
            .unwrap();
        let outcomes: HashMap<&str, _> = report
            .sources
            .iter()
            .map(|o| (o.source.as_str(), o))
            .collect();
        for (id, .., returned) in SOURCES {
            let outcome = outcomes
                .get(id)
                .unwrap_or_else(|| panic!("{}: no outcome for {id}", db.name));
            assert_eq!(
                outcome.status, "ok",
                "{}: {id}: {:?}",
                db.name, outcome.error
            );
            assert_eq!(
                outcome.collected, *returned,
                "{}: {id} returns the recorded jobs",
                db.name
            );
        }
        let dead = outcomes["dead-boards"];
        assert_eq!(dead.status, "failed", "{}", db.name);
        let error = dead.error.as_deref().unwrap();
        assert!(
            error.contains("HTTP 404") && error.contains("/v1/boards/gone/jobs"),
            "{}: {error}",
            db.name
        );
        assert_eq!(
            report.jobs_collected,
            SOURCES.iter().map(|source| source.5).sum::<i64>(),
            "{}",
            db.name
        );
        // SmartRecruiters' internship is dropped by the run's employment filter.
        assert_eq!(report.filter_counts.employment, 1, "{}", db.name);
        assert_eq!(outcomes["smartrecruiters"].kept, 1, "{}", db.name);
        let no_key = outcomes["reed-no-key"];
        assert_eq!(no_key.status, "failed", "{}", db.name);
        let error = no_key.error.as_deref().unwrap();
        assert!(
            error.contains("Unauthorized")
                && error.contains("secret REED_API_AUTH is not available"),
            "{}: {error}",
            db.name
        );
        assert_eq!(
            report.errors, 2,
            "{}: the dead boards and the missing key",
            db.name
        );

        let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
        let list = app.get("/api/v1/jobs?page_size=50").await.json();
        let jobs = list["jobs"].as_array().unwrap().clone();
        let find = |title: &str| {
            jobs.iter()
                .find(|job| job["title"] == title)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {title} not stored; stored: {:?}",
                        db.name,
                        jobs.iter().map(|j| j["title"].clone()).collect::<Vec<_>>()
                    )
                })
                .clone()
        };

        // Greenhouse: entity-escaped content became text, -04:00 became UTC.
        let greenhouse = find("Account Executive, Commercial");
        assert_eq!(greenhouse["company"], "Vercel", "{}", db.name);
        assert_eq!(greenhouse["remote_type"], "hybrid", "{greenhouse}");
        assert!(
            greenhouse["posted_at"]
                .as_str()
                .unwrap_or_default()
                .starts_with("2026-08-06T16:50:10"),
            "{greenhouse}"
        );
        let detail = app
            .get(&format!(
                "/api/v1/jobs/{}",
                greenhouse["job_id"].as_str().unwrap()
            ))
            .await
            .json();
        let description = detail["description_text"].as_str().unwrap_or_default();
        assert!(
            description.contains("About Vercel") && !description.contains("&lt;"),
            "{}: {description}",
            db.name
        );

        // Lever: epoch milliseconds.
        let lever = find("Android Engineer - Experience");
        assert_eq!(lever["company"], "Spotify", "{}", db.name);
        assert!(
            lever["posted_at"]
                .as_str()
                .unwrap_or_default()
                .starts_with("2026-06-23"),
            "{lever}"
        );

        // Remotive: free-text salary.
        let remotive = find("Frontend Web Application Developer");
        assert_eq!(remotive["company"], "KoboToolbox", "{}", db.name);
        assert_eq!(remotive["salary_min"].as_f64(), Some(90000.0), "{remotive}");
        assert_eq!(
            remotive["salary_max"].as_f64(),
            Some(105000.0),
            "{remotive}"
        );
        assert_eq!(remotive["salary_currency"], "USD", "{remotive}");

        // Remote OK: the metadata element is no job, the mojibake is repaired.
        find("Mecánico Automotriz Diagnóstico y Presupuestos");
        assert!(
            jobs.iter()
                .all(|job| !job["title"].as_str().unwrap_or_default().contains("Ã")),
            "{}",
            db.name
        );

        // Arbeitnow: epoch seconds, German company board.
        let arbeitnow = find("Werkstudent Customer Success (x/f/m)");
        assert_eq!(arbeitnow["company"], "Doctolib", "{}", db.name);

        // Jobicy: salary only where the keys are present.
        let jobicy = find("Staff Engineer, Full Stack (Trust, Safety & Risk)");
        assert_eq!(jobicy["salary_min"].as_f64(), Some(200000.0), "{jobicy}");
        assert!(
            find("OrioleDB Developer (AMER)")["salary_min"].is_null(),
            "{}",
            db.name
        );

        // Ashby: the board name is the company.
        assert_eq!(
            find("Senior / Staff Fullstack Engineer")["company"],
            "Linear",
            "{}",
            db.name
        );

        // Recruitee: string amounts per month.
        let recruitee = find("Customer Success Manager Benelux - Dutch speaking");
        assert_eq!(recruitee["salary_currency"], "EUR", "{recruitee}");
        assert!(
            recruitee["posted_at"]
                .as_str()
                .unwrap_or_default()
                .starts_with("2026-09-18T13:27:28"),
            "{recruitee}"
        );

        // Himalayas: hourly pay; Working Nomads: "Company - Role" titles split.
        let himalayas = find("Gmail & Google Calendar AI Assistant Evaluator");
        assert_eq!(himalayas["company"], "micro1", "{himalayas}");
        assert_eq!(
            find("Account Manager")["company"],
            "Beekman Social",
            "{}",
            db.name
        );

        // SmartRecruiters: the public page URL; Hacker News: three comments, header parsed.
        let smart = find("Spécialiste Fiabilité outils et infrastructures - TGQF");
        assert_eq!(
            smart["job_url"], "https://jobs.smartrecruiters.com/Ubisoft2/744000151912444",
            "{smart}"
        );
        let hn = find("Senior Product Engineer");
        assert_eq!(hn["company"], "Modash.io", "{hn}");
        assert_eq!(hn["salary_currency"], "EUR", "{hn}");

        // Feeds: "Company: Role" split, salary from the description text.
        let feed = find("Solutions Architect -Spanish Speaking");
        assert_eq!(feed["company"], "Fin", "{feed}");
        assert_eq!(feed["salary_min"].as_f64(), Some(190800.0), "{feed}");
        assert_eq!(feed["remote_type"], "remote", "{feed}");

        // JSON-LD: the career page's JobPosting with its structured salary.
        let jsonld = find("Senior Rust Engineer");
        assert_eq!(jsonld["salary_currency"], "EUR", "{jsonld}");
        assert_eq!(jsonld["salary_min"].as_f64(), Some(85000.0), "{jsonld}");

        // Breezy: free-text hourly salary; Workday: POSTed, the path made absolute.
        assert_eq!(
            find("Employee #12")["company"],
            "MS Breezy Trial",
            "{}",
            db.name
        );
        let workday = find("Senior System Engineer, Solution Engineering");
        assert!(
            workday["job_url"]
                .as_str()
                .unwrap_or_default()
                .starts_with("https://acme.wd5.myworkdayjobs.com/External/job/"),
            "{workday}"
        );

        // Rippling: one job in two cities from two rows with one id.
        let rippling = find("Business Operations Manager");
        assert_eq!(rippling["company"], "Rippling", "{rippling}");

        // The Muse, and Reed, which only answered because the host injected the key.
        assert_eq!(
            find("Senior Software Engineer - Metrics")["company"],
            "Datadog",
            "{}",
            db.name
        );
        let reed = find("Senior Data Engineer - Rust");
        assert_eq!(reed["salary_currency"], "GBP", "{reed}");

        // A second run over the same payloads stores nothing new.
        let again = run_scrape(&db.pool, host.as_ref(), &request(), &Quiet)
            .await
            .unwrap();
        assert_eq!(again.jobs_new, 0, "{}", db.name);
    }
    assert!(hits.load(std::sync::atomic::Ordering::SeqCst) > 0);
}

/// Sources whose names reach users as the site wrote them, character references
/// included: (plugin id, crate name, in-repo fixture, real path served). The
/// fixtures are the recorded responses (`breezy.json`, `rippling.json`,
/// `smartrecruiters.json`) with `&rsquo;`, `&mdash;`, `&eacute;`, `&amp;` in
/// titles, companies, places and departments, their quirks kept: Breezy's second
/// position without `is_remote` and with `locations: []`, Rippling's id repeated
/// once per location, SmartRecruiters' lower-case country and internship.
const WITH_REFERENCES: &[(&str, &str, &str, &str)] = &[
    ("breezy", "breezy", "breezy-entities.json", "/json"),
    (
        "rippling",
        "rippling",
        "rippling-entities.json",
        "/api/v2/board/rippling/jobs",
    ),
    (
        "smartrecruiters",
        "smartrecruiters",
        "smartrecruiters-entities.json",
        "/v1/companies/Ubisoft2/postings",
    ),
];

#[tokio::test]
async fn character_references_in_names_reach_users_decoded() {
    let root = repository_root();
    let routes = WITH_REFERENCES
        .iter()
        .map(|(_, crate_name, file, path)| {
            let fixture = root
                .join("plugins/sources")
                .join(crate_name)
                .join("fixtures")
                .join(file);
            let body = std::fs::read(&fixture)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", fixture.display()));
            (path.to_string(), (body, JSON))
        })
        .collect();
    let sources: Vec<(&str, &str)> = WITH_REFERENCES
        .iter()
        .map(|(id, crate_name, ..)| (*id, *crate_name))
        .collect();
    let (host, _dir) = host_for_sources(routes, &sources).await;

    for db in TestDb::all().await {
        let report = run_scrape(&db.pool, host.as_ref(), &request(), &Quiet)
            .await
            .unwrap();
        assert_eq!(report.errors, 0, "{}: {:?}", db.name, report.sources);
        let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
        let list = app.get("/api/v1/jobs?page_size=50").await.json();
        let jobs = list["jobs"].as_array().unwrap();
        // Breezy's two positions, Rippling's one job, SmartRecruiters' full-time one.
        assert_eq!(jobs.len(), 4, "{}: {list}", db.name);
        let mut shown = String::new();
        for job in jobs {
            for field in ["title", "company", "location_raw"] {
                shown.push_str(job[field].as_str().unwrap_or_default());
                shown.push('\n');
            }
            for tag in job["tags"].as_array().unwrap() {
                shown.push_str(tag.as_str().unwrap_or_default());
                shown.push('\n');
            }
        }
        for decoded in ['’', '—', 'é', '&'] {
            assert!(
                shown.contains(decoded),
                "{}: no {decoded} in\n{shown}",
                db.name
            );
        }
        for literal in ["&rsquo;", "&mdash;", "&eacute;", "&amp;", "&egrave;"] {
            assert!(
                !shown.contains(literal),
                "{}: {literal} reached users in\n{shown}",
                db.name
            );
        }
        let find = |title: &str| {
            jobs.iter()
                .find(|job| job["title"] == title)
                .unwrap_or_else(|| panic!("{}: {title} not stored:\n{shown}", db.name))
        };
        let breezy = find("Chef de Café — Employee’s Pick");
        assert_eq!(breezy["company"], "MS Breezy Trial & Café", "{breezy}");
        assert_eq!(breezy["tags"], serde_json::json!(["Café — Front of House"]));
        let second = find("Open Position — Don’t Wait");
        assert_eq!(
            second["tags"],
            serde_json::json!(["Sporting Goods & Après-Ski"])
        );
        let rippling = find("Founder’s Office — Café Operations Manager");
        assert_eq!(
            rippling["location_raw"], "San Francisco, CA; Montréal, QC",
            "{rippling}"
        );
        let smart = find("Spécialiste Fiabilité — l’infrastructure - TGQF");
        assert_eq!(smart["company"], "Ubisoft Montréal", "{smart}");
        assert_eq!(smart["location_raw"], "Montréal, QC, Canada", "{smart}");
        assert_eq!(smart["city"], "Montréal", "{smart}");
        assert_eq!(smart["country"], "CA", "{smart}");
    }
}

/// Links that are not http(s) never reach users: the real Lever plugin reads a
/// payload whose postings link to `javascript:` and `data:` URLs; the jobs are
/// stored without those links, and the run counts them.
#[tokio::test]
async fn links_that_are_not_http_are_dropped_and_counted() {
    let fixture = repository_root().join("plugins/sources/lever/fixtures/lever.json");
    let mut postings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    postings[0]["hostedUrl"] = " JavaScript:alert(document.cookie)".into();
    postings[0]["applyUrl"] = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==".into();
    postings[1]["applyUrl"] = "javascript://jobs.lever.co/%0Aalert(1)".into();
    let kept_listing = postings[1]["hostedUrl"].as_str().unwrap().to_string();
    let routes = HashMap::from([(
        "/v0/postings/spotify".to_string(),
        (postings.to_string().into_bytes(), JSON),
    )]);
    let (host, _dir) = host_for_sources(routes, &[("lever", "lever")]).await;
    for db in TestDb::all().await {
        let report = run_scrape(&db.pool, host.as_ref(), &request(), &Quiet)
            .await
            .unwrap();
        assert_eq!(report.errors, 0, "{}: {:?}", db.name, report.sources);
        assert_eq!(report.filter_counts.unsafe_links, 3, "{}", db.name);
        assert_eq!(report.jobs_filtered, 0, "the postings themselves are kept");
        let app = TestApp::new(&db.pool, &[("JOBSCOUT_JOBS_CACHE_TTL_MS", "0")]).await;
        let list = app.get("/api/v1/jobs?page_size=50").await.json();
        let jobs = list["jobs"].as_array().unwrap();
        assert_eq!(jobs.len(), 2, "{}: {list}", db.name);
        let shown = list.to_string().to_ascii_lowercase();
        for scheme in ["javascript:", "data:text"] {
            assert!(
                !shown.contains(scheme),
                "{}: {scheme} reached users: {list}",
                db.name
            );
        }
        // The API writes a missing link as "", as the earlier backend did.
        let links = |field: &str| -> Vec<&str> {
            jobs.iter()
                .filter_map(|job| job[field].as_str())
                .filter(|link| !link.is_empty())
                .collect()
        };
        assert!(links("apply_url").is_empty(), "{}: {list}", db.name);
        let listings = links("job_url");
        assert_eq!(listings, [kept_listing.as_str()], "{}", db.name);
        let run = app
            .get(&format!("/api/v1/runs/{}", report.run_id))
            .await
            .json();
        assert_eq!(
            run["filter_counts"]["unsafe_links"], 3,
            "{}: {run}",
            db.name
        );
    }
}

/// The repository's plugins.toml declares every bundled source, reaching only
/// its real site (never a local address).
#[test]
fn bundled_plugins_toml_declares_every_source() {
    let root = repository_root();
    let text = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
    let manifest = jobscout::plugins::manifest::parse(&text, "plugins.toml", &root).unwrap();
    for (id, crate_name, ..) in SOURCES {
        let decl = manifest
            .plugins
            .iter()
            .find(|decl| decl.id.as_str() == *id)
            .unwrap_or_else(|| panic!("{id} is not declared in plugins.toml"));
        assert!(
            decl.path.ends_with(format!(
                "plugins/target/wasm32-wasip2/release/jobscout_source_{crate_name}.wasm"
            )),
            "{id}: {}",
            decl.path.display()
        );
        // Sources disabled until configured (jsonld) may start without hosts.
        assert!(
            !decl.enabled || !decl.allowed_hosts.is_empty(),
            "{id} needs its site's host"
        );
        assert!(
            !decl
                .allowed_hosts
                .iter()
                .any(|host| host.matches("127.0.0.1")),
            "{id}"
        );
        assert!(
            !decl.config.iter().any(|(key, _)| key == "base_url"),
            "{id}: base_url is for tests only"
        );
    }
    // The keyed source names its secret and stays off until the key is set.
    let reed = manifest
        .plugins
        .iter()
        .find(|decl| decl.id.as_str() == "reed")
        .unwrap();
    assert_eq!(
        (reed.enabled, reed.secrets.as_slice()),
        (false, &["REED_API_AUTH".to_string()][..])
    );
}
