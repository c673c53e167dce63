//! Recorded HTTP responses for offline plugin runs: `jobscout plugin run --record
//! DIR` writes them, `--fixtures DIR` (or `fixtures = "DIR"` in plugins.toml)
//! answers a plugin's fetches from them instead of the network.
//!
//! Layout of a fixture directory (stable, so a re-recording diffs cleanly):
//!
//! ```text
//! DIR/index.json                      every response: method, URL, status, headers, body file
//! DIR/responses/<method>-<host>-<hash>.<ext>   the body, byte for byte
//! ```
//!
//! Responses are matched by method and URL (as the plugin wrote it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{FetchFailure, FetchedResponse};

/// The name of the index file inside a fixture directory.
pub const INDEX_FILE: &str = "index.json";
/// The layout version written into the index.
pub const FORMAT: u32 = 1;

/// Where a plugin's fetches are answered from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FetchSetting {
    /// The network, through the egress policy.
    #[default]
    Live,
    /// The recorded responses in this directory; the network is never used.
    Replay(PathBuf),
    /// The network, and every response is written into this directory.
    Record(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub format: u32,
    pub responses: Vec<IndexEntry>,
}

/// One recorded response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexEntry {
    pub method: String,
    pub url: String,
    pub status: u16,
    /// The URL after redirects; the request URL when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body file, relative to the fixture directory.
    pub body: String,
}

fn key(method: &str, url: &str) -> (String, String) {
    (method.to_ascii_uppercase(), url.to_string())
}

/// The body file name of a response: readable (method, host) and stable (hash of method and URL).
pub fn body_file_name(method: &str, url: &str, content_type: Option<&str>) -> String {
    let host: String = url::Url::parse(url)
        .ok()
        .and_then(|parsed| parsed.host_str().map(str::to_string))
        .unwrap_or_else(|| "no-host".to_string())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(format!("{} {url}", method.to_ascii_uppercase()).as_bytes());
    let hash: String = digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let essence = content_type
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let extension = match essence.as_str() {
        t if t.ends_with("json") => "json",
        t if t.ends_with("xml") => "xml",
        "text/html" => "html",
        t if t.starts_with("text/") => "txt",
        _ => "bin",
    };
    format!(
        "responses/{}-{host}-{hash}.{extension}",
        method.to_ascii_lowercase()
    )
}

/// Headers that are not recorded: cookies are session state, and the rest
/// change on every answer (time, caches, tracing ids), so recording again would
/// rewrite the index although nothing the plugin parses changed.
const VOLATILE_HEADERS: [&str; 12] = [
    "set-cookie",
    "date",
    "age",
    "expires",
    "x-request-id",
    "x-amzn-requestid",
    "x-amz-cf-id",
    "cf-ray",
    "server-timing",
    "x-served-by",
    "x-cache",
    "x-timer",
];

fn is_volatile(name: &str) -> bool {
    VOLATILE_HEADERS
        .iter()
        .any(|volatile| volatile.eq_ignore_ascii_case(name))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Reads `dir/index.json`; a missing directory reads as empty when `missing_ok`.
fn read_index(dir: &Path, missing_ok: bool) -> Result<Index, String> {
    let path = dir.join(INDEX_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if missing_ok && error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Index {
                format: FORMAT,
                responses: Vec::new(),
            })
        }
        Err(error) => {
            return Err(format!(
                "cannot read the fixture index {}: {error} (record one with `jobscout plugin run <file.wasm> --record {}`)",
                path.display(),
                dir.display()
            ))
        }
    };
    let index: Index = serde_json::from_str(&text)
        .map_err(|error| format!("fixture index {}: {error}", path.display()))?;
    if index.format != FORMAT {
        return Err(format!(
            "fixture index {}: format {} is not the format {FORMAT} this host reads",
            path.display(),
            index.format
        ));
    }
    Ok(index)
}

/// A fixture directory loaded for replay.
#[derive(Debug)]
pub struct Recorded {
    dir: PathBuf,
    responses: BTreeMap<(String, String), FetchedResponse>,
    /// Requests that found no recorded response (method and URL), for the CLI's report.
    misses: Mutex<Vec<String>>,
}

impl Recorded {
    /// Loads every response of `dir` into memory, checking that each body file exists.
    pub fn open(dir: &Path) -> Result<Recorded, String> {
        let index = read_index(dir, false)?;
        let mut responses = BTreeMap::new();
        for entry in index.responses {
            let body_path = dir.join(&entry.body);
            let body = std::fs::read(&body_path).map_err(|error| {
                format!(
                    "fixture {} {}: cannot read its body {}: {error}",
                    entry.method,
                    entry.url,
                    body_path.display()
                )
            })?;
            let response = FetchedResponse {
                status: entry.status,
                headers: entry.headers,
                body,
                final_url: entry.final_url.unwrap_or_else(|| entry.url.clone()),
            };
            responses.insert(key(&entry.method, &entry.url), response);
        }
        Ok(Recorded {
            dir: dir.to_path_buf(),
            responses,
            misses: Mutex::new(Vec::new()),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn len(&self) -> usize {
        self.responses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }

    /// The recorded response to `method url`, under the plugin's size limit.
    pub fn replay(
        &self,
        method: &str,
        url: &str,
        max_response_bytes: u64,
    ) -> Result<FetchedResponse, FetchFailure> {
        let Some(response) = self.responses.get(&key(method, url)) else {
            let request = format!("{} {url}", method.to_ascii_uppercase());
            self.misses
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(request.clone());
            return Err(FetchFailure::Network(format!(
                "no recorded response for {request} in the fixtures directory {} (record it with `jobscout plugin run <file.wasm> --record {}`)",
                self.dir.display(),
                self.dir.display()
            )));
        };
        if response.body.len() as u64 > max_response_bytes {
            return Err(FetchFailure::TooLarge(max_response_bytes));
        }
        Ok(response.clone())
    }

    /// Requests that had no recorded response so far.
    pub fn misses(&self) -> Vec<String> {
        self.misses
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Writes responses into a fixture directory as they arrive (merging with what is there).
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    index: Mutex<Index>,
}

impl Recorder {
    /// Opens `dir` for recording, creating it; an existing index is kept and extended.
    pub fn create(dir: &Path) -> Result<Recorder, String> {
        std::fs::create_dir_all(dir.join("responses")).map_err(|error| {
            format!(
                "cannot create the fixtures directory {}: {error}",
                dir.display()
            )
        })?;
        let index = read_index(dir, true)?;
        Ok(Recorder {
            dir: dir.to_path_buf(),
            index: Mutex::new(index),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores one response; a later response to the same method and URL replaces it.
    pub fn record(
        &self,
        method: &str,
        url: &str,
        response: &FetchedResponse,
    ) -> Result<(), String> {
        let headers: Vec<(String, String)> = response
            .headers
            .iter()
            .filter(|(name, _)| !is_volatile(name))
            .cloned()
            .collect();
        let body = body_file_name(method, url, header(&headers, "content-type"));
        let body_path = self.dir.join(&body);
        std::fs::write(&body_path, &response.body)
            .map_err(|error| format!("cannot write {}: {error}", body_path.display()))?;
        let entry = IndexEntry {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            status: response.status,
            final_url: (response.final_url != url).then(|| response.final_url.clone()),
            headers,
            body,
        };
        let mut index = self
            .index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        index
            .responses
            .retain(|existing| key(&existing.method, &existing.url) != key(method, url));
        index.responses.push(entry);
        index
            .responses
            .sort_by(|a, b| (&a.url, &a.method).cmp(&(&b.url, &b.method)));
        write_index(&self.dir, &index)
    }

    /// How many responses the directory holds now.
    pub fn len(&self) -> usize {
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .responses
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes `index` atomically (a reader never sees half a file).
pub fn write_index(dir: &Path, index: &Index) -> Result<(), String> {
    let path = dir.join(INDEX_FILE);
    let staging = dir.join(format!("{INDEX_FILE}.tmp"));
    let mut text = serde_json::to_string_pretty(index).map_err(|error| error.to_string())?;
    text.push('\n');
    std::fs::write(&staging, text)
        .and_then(|()| std::fs::rename(&staging, &path))
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str, final_url: &str) -> FetchedResponse {
        FetchedResponse {
            status: 200,
            headers: vec![
                (
                    "content-type".to_string(),
                    "application/json; charset=utf-8".to_string(),
                ),
                ("set-cookie".to_string(), "session=1".to_string()),
                (
                    "Date".to_string(),
                    "Tue, 08 Dec 2026 02:10:00 GMT".to_string(),
                ),
                ("cf-ray".to_string(), "8f1e2d3c4b5a6978-FRA".to_string()),
            ],
            body: body.as_bytes().to_vec(),
            final_url: final_url.to_string(),
        }
    }

    #[test]
    fn recorded_responses_replay_by_method_and_url() {
        let dir = tempfile::tempdir().unwrap();
        let url = "https://jobs.example.com/api?q=rust";
        let recorder = Recorder::create(dir.path()).unwrap();
        recorder
            .record("GET", url, &response("{\"a\":1}", url))
            .unwrap();
        recorder
            .record(
                "get",
                url,
                &response("{\"a\":2}", "https://jobs.example.com/v2"),
            )
            .unwrap();
        assert_eq!(recorder.len(), 1, "the same request replaces its recording");

        let index = read_index(dir.path(), false).unwrap();
        let entry = &index.responses[0];
        assert!(entry.body.starts_with("responses/get-jobs.example.com-"));
        assert!(entry.body.ends_with(".json"));
        assert_eq!(
            entry.headers,
            vec![(
                "content-type".to_string(),
                "application/json; charset=utf-8".to_string()
            )],
            "cookies, dates and tracing ids are not recorded"
        );

        let recorded = Recorded::open(dir.path()).unwrap();
        let replayed = recorded.replay("GET", url, 1 << 20).unwrap();
        assert_eq!(replayed.body, b"{\"a\":2}");
        assert_eq!(replayed.final_url, "https://jobs.example.com/v2");
        assert_eq!(
            recorded.replay("GET", url, 3).unwrap_err(),
            FetchFailure::TooLarge(3),
            "the plugin's size limit applies to replays too"
        );
        let miss = recorded.replay("POST", url, 1 << 20).unwrap_err();
        let FetchFailure::Network(message) = miss else {
            panic!("{miss:?}")
        };
        assert!(message.contains("no recorded response for POST https://jobs.example.com/api?q=rust in the fixtures directory"));
        assert!(message.contains(&dir.path().display().to_string()));
        assert_eq!(recorded.misses(), [format!("POST {url}")]);
    }

    #[test]
    fn body_names_are_stable_and_typed() {
        let first = body_file_name("GET", "https://a.example/x?y=1", Some("text/html"));
        assert_eq!(
            first,
            body_file_name("get", "https://a.example/x?y=1", Some("text/html"))
        );
        assert!(first.ends_with(".html"));
        assert_ne!(
            first,
            body_file_name("GET", "https://a.example/x?y=2", Some("text/html"))
        );
        assert!(
            body_file_name("GET", "https://a.example/", Some("application/rss+xml"))
                .ends_with(".xml")
        );
        assert!(body_file_name("GET", "https://a.example/", None).ends_with(".bin"));
    }

    #[test]
    fn a_missing_or_broken_index_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let error = Recorded::open(dir.path()).unwrap_err();
        assert!(
            error.starts_with("cannot read the fixture index"),
            "{error}"
        );
        std::fs::write(
            dir.path().join(INDEX_FILE),
            "{\"format\": 9, \"responses\": []}",
        )
        .unwrap();
        let error = Recorded::open(dir.path()).unwrap_err();
        assert!(
            error.ends_with("format 9 is not the format 1 this host reads"),
            "{error}"
        );
    }
}
