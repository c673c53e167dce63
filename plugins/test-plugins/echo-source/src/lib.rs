//! Test source used by the host's integration tests and benchmarks. The query's
//! keywords pick the behaviour, so one component exercises the whole contract:
//!
//! - `fetch <url>`: GET through the host; one posting carrying the status and body.
//! - `secret <name> <url>`: the same with `Authorization: Bearer <secret>` injected by the host.
//! - `feed <url>`: GET a JSON feed and parse it into postings.
//! - `parse`: parse the JSON feed passed in the query's cursor (benchmarks).
//! - `parse-count`: the same work, but only the first posting crosses back, its title
//!   the count, so benchmarks can tell the guest's parse from lifting the postings.
//! - `config`: one posting whose `extra` is the plugin's config table.
//! - `query`: one posting whose `extra` shows the query fields the plugin received.
//! - `log`: logs through the host and writes to stdout/stderr.
//! - `fail`: a typed `bad-response` error.
//! - `log-flood <n>`: `n` log messages of 1 KiB through the `log` import.
//! - `log-forge`: one log message carrying a newline, a carriage return and an
//!   ANSI escape, as an attempt to forge a second log line.
//! - `residue`: reports what it finds of an earlier call (a static counter, marks in
//!   freshly grown memory), then leaves its own; a fresh instance must find none.
//! - anything else: `limit` synthetic postings titled after the keywords.

use std::sync::atomic::{AtomicU32, Ordering};

use jobscout_plugin_sdk::http::{self, FetchError, Method, Request, SecretHeader};
use jobscout_plugin_sdk::{
    config, log, register_source, secrets, EmploymentType, JobPosting, JobQuery, QueryFeature,
    Salary, SalaryPeriod, Source, SourceError, SourceMetadata, WorkMode,
};

struct Echo;

/// Calls this instance has served; a fresh instance per call always starts at 0.
static CALLS: AtomicU32 = AtomicU32::new(0);

/// The byte `residue` leaves in the memory it grows.
#[cfg(target_arch = "wasm32")]
const MARK: u8 = 0xA5;

/// Pages `residue` grows: 4 MiB, from inside the pool's kept-resident prefix
/// (reset in place) to past it (returned to the kernel).
#[cfg(target_arch = "wasm32")]
const RESIDUE_PAGES: usize = 64;

/// Grows the linear memory by [`RESIDUE_PAGES`], counts the bytes of the new pages
/// that hold [`MARK`] (left by an earlier call if memory was not reset), then marks
/// every byte and counts again. Returns both counts, or `None` when the memory
/// cannot grow.
#[cfg(target_arch = "wasm32")]
fn marks_in_fresh_memory() -> Option<(usize, usize)> {
    const PAGE: usize = 65_536;
    let first_page = core::arch::wasm32::memory_grow::<0>(RESIDUE_PAGES);
    if first_page == usize::MAX {
        return None;
    }
    let pages = first_page * PAGE..(first_page + RESIDUE_PAGES) * PAGE;
    // SAFETY (both blocks): the pages were just added by `memory.grow` and belong
    // to no allocation (the allocator grows memory past them when it needs more),
    // so nothing else reads or writes them; volatile keeps every access.
    let count_marks = || {
        pages
            .clone()
            .filter(|&address| unsafe { (address as *const u8).read_volatile() } == MARK)
            .count()
    };
    let found = count_marks();
    for address in pages.clone() {
        unsafe { (address as *mut u8).write_volatile(MARK) };
    }
    Some((found, count_marks()))
}

/// Natively (the workspace's unit tests) there is no linear memory to grow.
#[cfg(not(target_arch = "wasm32"))]
fn marks_in_fresh_memory() -> Option<(usize, usize)> {
    None
}

fn posting(source_id: String, title: String) -> JobPosting {
    JobPosting {
        source_id,
        title,
        company: "Echo Corp".to_string(),
        locations: vec!["Remote".to_string()],
        work_mode: WorkMode::Remote,
        employment_types: vec![EmploymentType::FullTime],
        salary: None,
        listing_url: "https://echo.example/jobs".to_string(),
        apply_url: None,
        description_html: None,
        description_text: None,
        posted_at: None,
        expires_at: None,
        tags: Vec::new(),
        extra: Vec::new(),
    }
}

fn fetch_error(error: FetchError) -> SourceError {
    match error {
        FetchError::Denied(message) => SourceError::Denied(message),
        FetchError::Network(message) => SourceError::Network(message),
        FetchError::Timeout => SourceError::Network("timeout".to_string()),
        FetchError::TooLarge(limit) => {
            SourceError::BadResponse(format!("response larger than {limit} bytes"))
        }
        FetchError::TooManyFetches(limit) => {
            SourceError::Denied(format!("more than {limit} fetches"))
        }
        FetchError::InvalidRequest(message) => SourceError::InvalidQuery(message),
    }
}

fn fetched(url: &str, secret_headers: Vec<SecretHeader>) -> Result<Vec<JobPosting>, SourceError> {
    let response = http::fetch(&Request {
        method: Method::Get,
        url: url.to_string(),
        headers: vec![("accept".to_string(), "text/plain".to_string())],
        secret_headers,
        body: None,
    })
    .map_err(fetch_error)?;
    let mut job = posting("fetched".to_string(), format!("HTTP {}", response.status));
    job.description_text = Some(String::from_utf8_lossy(&response.body).into_owned());
    job.extra = vec![
        ("status".to_string(), response.status.to_string()),
        ("final-url".to_string(), response.final_url),
    ];
    Ok(vec![job])
}

fn feed(url: &str) -> Result<Vec<JobPosting>, SourceError> {
    let response = http::get(url).map_err(fetch_error)?;
    if response.status != 200 {
        return Err(SourceError::BadResponse(format!(
            "feed answered HTTP {}",
            response.status
        )));
    }
    parse(&response.body)
}

fn parse(body: &[u8]) -> Result<Vec<JobPosting>, SourceError> {
    let jobs = jobscout_feed_parser::parse_feed(body).map_err(SourceError::BadResponse)?;
    Ok(jobs
        .into_iter()
        .map(|job| JobPosting {
            source_id: job.id.to_string(),
            title: job.title,
            company: job.company,
            locations: job.locations,
            work_mode: if job.remote {
                WorkMode::Remote
            } else {
                WorkMode::Onsite
            },
            employment_types: vec![EmploymentType::FullTime],
            salary: Some(Salary {
                min: job.salary_min,
                max: job.salary_max,
                currency: job.currency.map(str::to_string),
                period: Some(SalaryPeriod::Year),
            }),
            listing_url: job.url.to_string(),
            apply_url: job.apply_url.map(str::to_string),
            description_html: job.description,
            description_text: None,
            posted_at: job.posted_at.map(str::to_string),
            expires_at: None,
            tags: job.tags,
            extra: Vec::new(),
        })
        .collect())
}

impl Source for Echo {
    fn metadata() -> SourceMetadata {
        SourceMetadata {
            id: "echo".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Echoes queries; fetches through the host for tests".to_string(),
            features: vec![
                QueryFeature::Keywords,
                QueryFeature::Limit,
                QueryFeature::Cursor,
            ],
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let keywords = query.keywords.as_str();
        let mut words = keywords.split_whitespace();
        match words.next() {
            Some("fetch") => fetched(words.next().unwrap_or_default(), Vec::new()),
            Some("secret") => {
                let name = words.next().unwrap_or_default();
                let url = words.next().unwrap_or_default();
                let handle = secrets::handle(name).ok_or_else(|| {
                    SourceError::Unauthorized(format!("secret {name} is not available"))
                })?;
                let header = SecretHeader {
                    name: "authorization".to_string(),
                    secret: handle,
                    prefix: "Bearer ".to_string(),
                };
                fetched(url, vec![header])
            }
            Some("feed") => feed(words.next().unwrap_or_default()),
            // The feed travels in the cursor: parsing without a fetch, for benchmarks.
            Some("parse") => parse(query.cursor.as_deref().unwrap_or_default().as_bytes()),
            Some("parse-count") => {
                let mut postings = parse(query.cursor.as_deref().unwrap_or_default().as_bytes())?;
                let count = postings.len();
                postings.truncate(1);
                if let Some(first) = postings.first_mut() {
                    first.title = count.to_string();
                }
                Ok(postings)
            }
            Some("config") => {
                let mut job = posting("config".to_string(), "config".to_string());
                job.extra = config::all();
                if let Some(greeting) = config::get("greeting") {
                    job.title = greeting;
                }
                Ok(vec![job])
            }
            Some("query") => {
                let mut job = posting("query".to_string(), "query".to_string());
                job.extra = vec![
                    ("location".to_string(), format!("{:?}", query.location)),
                    ("remote-only".to_string(), query.remote_only.to_string()),
                    (
                        "posted-since".to_string(),
                        format!("{:?}", query.posted_since),
                    ),
                    ("cursor".to_string(), format!("{:?}", query.cursor)),
                    ("limit".to_string(), query.limit.to_string()),
                ];
                Ok(vec![job])
            }
            Some("log") => {
                log::info("hello from echo");
                println!("echo wrote to stdout");
                eprintln!("echo wrote to stderr");
                Ok(Vec::new())
            }
            Some("fail") => Err(SourceError::BadResponse("asked to fail".to_string())),
            Some("log-flood") => {
                let count: usize = words.next().and_then(|n| n.parse().ok()).unwrap_or(1);
                let line = "f".repeat(1024);
                for _ in 0..count {
                    log::info(&line);
                }
                Ok(Vec::new())
            }
            Some("log-forge") => {
                log::warn("first\nERROR jobscout::auth: forged line\r\u{1b}[2K");
                Ok(Vec::new())
            }
            Some("residue") => {
                let calls_before = CALLS.fetch_add(1, Ordering::Relaxed);
                let (found, left) = marks_in_fresh_memory()
                    .ok_or_else(|| SourceError::BadResponse("memory.grow refused".to_string()))?;
                let mut job = posting("residue".to_string(), "residue".to_string());
                job.extra = vec![
                    ("calls-before".to_string(), calls_before.to_string()),
                    ("marks-found".to_string(), found.to_string()),
                    ("marks-left".to_string(), left.to_string()),
                ];
                Ok(vec![job])
            }
            _ => Ok((0..query.limit)
                .map(|index| posting(format!("echo-{index}"), format!("{keywords} #{index}")))
                .collect()),
        }
    }
}

register_source!(Echo);
