//! From a host fetch to a body or a typed [`SourceError`], and from a body to
//! JSON, text or a feed. The `decode_*` functions are plain Rust over bytes,
//! headers and the URL (for error messages), so they are tested natively; the
//! [`fetch`](crate::fetch) helpers are thin wrappers that fetch and call them.

use serde::de::DeserializeOwned;

use crate::http::{self, FetchError, Method, Request, Response};
use crate::parse::charset::{self, Document};
use crate::parse::feed::{self, Feed};
use crate::SourceError;

/// The value of the first header called `name` (any case).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The source error for a fetch the host could not complete.
pub fn fetch_error(error: FetchError) -> SourceError {
    match error {
        FetchError::Denied(message) => SourceError::Denied(message),
        FetchError::Network(message) => SourceError::Network(message),
        FetchError::Timeout => SourceError::Network("the request timed out".to_string()),
        FetchError::TooLarge(limit) => {
            SourceError::BadResponse(format!("the response is larger than {limit} bytes"))
        }
        FetchError::TooManyFetches(limit) => {
            SourceError::Denied(format!("more than {limit} fetches in one call"))
        }
        FetchError::InvalidRequest(message) => {
            SourceError::Internal(format!("invalid request: {message}"))
        }
    }
}

/// `Ok` for 2xx; 429 (and 503 with `Retry-After`) is rate-limited, 401/403
/// unauthorized, anything else a bad response naming the status and URL.
pub fn check_status(
    status: u16,
    headers: &[(String, String)],
    url: &str,
) -> Result<(), SourceError> {
    let retry_after =
        || header(headers, "retry-after").and_then(|value| value.trim().parse::<u32>().ok());
    match status {
        200..=299 => Ok(()),
        429 => Err(SourceError::RateLimited(retry_after())),
        503 if retry_after().is_some() => Err(SourceError::RateLimited(retry_after())),
        401 | 403 => Err(SourceError::Unauthorized(format!(
            "HTTP {status} from {url}"
        ))),
        _ => Err(SourceError::BadResponse(format!(
            "HTTP {status} from {url}"
        ))),
    }
}

/// Sends `request` through the host and returns the body of a 2xx answer.
pub fn fetch(request: &Request) -> Result<Response, SourceError> {
    let response = http::fetch(request).map_err(fetch_error)?;
    check_status(response.status, &response.headers, &request.url)?;
    Ok(response)
}

/// A GET request with `accept` set.
pub fn get_request(url: &str, accept: &str) -> Request {
    Request {
        method: Method::Get,
        url: url.to_string(),
        headers: vec![("accept".to_string(), accept.to_string())],
        secret_headers: Vec::new(),
        body: None,
    }
}

/// A GET with `accept` set; the body of a 2xx answer.
pub fn get(url: &str, accept: &str) -> Result<Vec<u8>, SourceError> {
    fetch(&get_request(url, accept)).map(|response| response.body)
}

/// A JSON body as `T`. A UTF-8 byte-order mark is skipped. When the body is not
/// JSON, or not the JSON `T` describes, the [`SourceError::BadResponse`] names
/// `url`, the path of the field that failed (`jobs[3].id`), the line and column,
/// and the Content-Type when that is not JSON (an HTML error page, say).
pub fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    headers: &[(String, String)],
    url: &str,
) -> Result<T, SourceError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| json_error(&error.path().to_string(), error.inner(), headers, url))?;
    deserializer
        .end()
        .map_err(|error| json_error(".", &error, headers, url))?;
    Ok(value)
}

fn json_error(
    path: &str,
    error: &serde_json::Error,
    headers: &[(String, String)],
    url: &str,
) -> SourceError {
    let position = format!(" at line {} column {}", error.line(), error.column());
    let full = error.to_string();
    let message = full.strip_suffix(&position).unwrap_or(&full);
    let what = if error.is_data() {
        "unexpected JSON"
    } else {
        "invalid JSON"
    };
    let at = if path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    let content_type = match header(headers, "content-type") {
        Some(value) if !error.is_data() && !value.to_ascii_lowercase().contains("json") => {
            format!(" (content-type {value})")
        }
        _ => String::new(),
    };
    SourceError::BadResponse(format!(
        "{url} answered with {what}{at} (line {}, column {}): {message}{content_type}",
        error.line(),
        error.column()
    ))
}

/// A text body as a `String`: charset from a byte-order mark or the
/// Content-Type, else UTF-8, else Windows-1252 (see [`charset`]).
pub fn decode_text(body: &[u8], headers: &[(String, String)]) -> String {
    charset::decode(body, header(headers, "content-type"), Document::Text)
}

/// An HTML page as a `String`: like [`decode_text`], and a `<meta charset>` or
/// `<meta http-equiv="Content-Type">` near the start counts when the
/// Content-Type names no charset.
pub fn decode_html(body: &[u8], headers: &[(String, String)]) -> String {
    charset::decode(body, header(headers, "content-type"), Document::Html)
}

/// An RSS 2.0, RDF or Atom body as a [`Feed`] (charset as [`decode_text`], and
/// the XML declaration's `encoding`). A body that is not XML or not a feed is a
/// [`SourceError::BadResponse`] naming `url`.
pub fn decode_feed(
    body: &[u8],
    headers: &[(String, String)],
    url: &str,
) -> Result<Feed, SourceError> {
    let xml = charset::decode(body, header(headers, "content-type"), Document::Xml);
    feed::parse(&xml).map_err(|error| SourceError::BadResponse(format!("{url}: {error}")))
}

/// The error for a body that is not the JSON a source expects.
pub fn bad_json(source: &str, error: impl std::fmt::Display) -> SourceError {
    SourceError::BadResponse(format!("{source} answered with unexpected JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_become_typed_errors() {
        assert!(check_status(200, &[], "u").is_ok());
        let headers = vec![("Retry-After".to_string(), "30".to_string())];
        assert!(matches!(
            check_status(429, &headers, "u"),
            Err(SourceError::RateLimited(Some(30)))
        ));
        assert!(matches!(
            check_status(429, &[], "u"),
            Err(SourceError::RateLimited(None))
        ));
        assert!(matches!(
            check_status(503, &headers, "u"),
            Err(SourceError::RateLimited(Some(30)))
        ));
        assert!(matches!(
            check_status(403, &[], "u"),
            Err(SourceError::Unauthorized(_))
        ));
        match check_status(500, &[], "https://x/y") {
            Err(SourceError::BadResponse(message)) => {
                assert_eq!(message, "HTTP 500 from https://x/y")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_statuses_name_the_status_and_url() {
        for (status, expected) in [
            (404, "HTTP 404 from https://x/jobs"),
            (304, "HTTP 304 from https://x/jobs"),
            (503, "HTTP 503 from https://x/jobs"),
        ] {
            match check_status(status, &[], "https://x/jobs") {
                Err(SourceError::BadResponse(message)) => assert_eq!(message, expected),
                other => panic!("{status}: {other:?}"),
            }
        }
        assert!(matches!(
            check_status(401, &[], "https://x/jobs"),
            Err(SourceError::Unauthorized(message)) if message == "HTTP 401 from https://x/jobs"
        ));
        // A Retry-After that is a date, not seconds, is still rate-limited.
        let dated = vec![(
            "retry-after".to_string(),
            "Fri, 27 Nov 2026 22:00:00 GMT".to_string(),
        )];
        assert!(matches!(
            check_status(429, &dated, "u"),
            Err(SourceError::RateLimited(None))
        ));
        assert_eq!(
            header(&dated, "Retry-After"),
            Some("Fri, 27 Nov 2026 22:00:00 GMT")
        );
    }

    const URL: &str = "https://jobs.example.com/api/jobs";

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read through Debug in failures only
    struct Answer {
        jobs: Vec<Job>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Job {
        id: u64,
        title: String,
    }

    fn bad_response<T: std::fmt::Debug>(result: Result<T, SourceError>) -> String {
        match result {
            Err(SourceError::BadResponse(message)) => message,
            other => panic!("expected bad-response, got {other:?}"),
        }
    }

    #[test]
    fn json_is_decoded_into_the_callers_type() {
        let body = "\u{FEFF}{\"jobs\": [{\"id\": 7, \"title\": \"Dev\"}], \"extra\": true}";
        let answer: Answer = decode_json(body.as_bytes(), &[], URL).unwrap();
        assert_eq!(
            (answer.jobs[0].id, answer.jobs[0].title.as_str()),
            (7, "Dev")
        );
        let value: serde_json::Value = decode_json(b"[1, 2]", &[], URL).unwrap();
        assert_eq!(value, serde_json::json!([1, 2]));
    }

    #[test]
    fn bad_json_names_the_url_the_field_path_and_the_position() {
        let body = b"{\"jobs\": [\n  {\"id\": 1, \"title\": \"a\"},\n  {\"id\": \"x2\", \"title\": \"b\"}\n]}";
        assert_eq!(
            bad_response(decode_json::<Answer>(body, &[], URL)),
            "https://jobs.example.com/api/jobs answered with unexpected JSON at `jobs[1].id` \
             (line 3, column 13): invalid type: string \"x2\", expected u64"
        );
        assert_eq!(
            bad_response(decode_json::<Answer>(
                b"{\"jobs\": [{\"id\": 1}]}",
                &[],
                URL
            )),
            "https://jobs.example.com/api/jobs answered with unexpected JSON at `jobs[0]` \
             (line 1, column 19): missing field `title`"
        );
        // Cut off in the middle: the path says how far it got.
        let message = bad_response(decode_json::<Answer>(b"{\"jobs\": [{\"id\": 1, ", &[], URL));
        assert!(
            message.starts_with(
                "https://jobs.example.com/api/jobs answered with invalid JSON at `jobs[0]"
            ),
            "{message}"
        );
        assert!(message.contains("EOF while parsing"), "{message}");
        // Trailing garbage after a complete value.
        let message = bad_response(decode_json::<serde_json::Value>(b"{} {}", &[], URL));
        assert_eq!(
            message,
            "https://jobs.example.com/api/jobs answered with invalid JSON (line 1, column 4): trailing characters"
        );
    }

    #[test]
    fn an_html_answer_names_its_content_type() {
        let headers = vec![(
            "Content-Type".to_string(),
            "text/html; charset=utf-8".to_string(),
        )];
        assert_eq!(
            bad_response(decode_json::<Answer>(
                b"<!doctype html><p>Log in",
                &headers,
                URL
            )),
            "https://jobs.example.com/api/jobs answered with invalid JSON (line 1, column 1): \
             expected value (content-type text/html; charset=utf-8)"
        );
        // A JSON content type is not worth repeating.
        let json = vec![("content-type".to_string(), "application/json".to_string())];
        assert!(!bad_response(decode_json::<Answer>(b"nope", &json, URL)).contains("content-type"));
    }

    #[test]
    fn text_and_html_are_decoded_by_their_charset() {
        let latin1 = vec![(
            "content-type".to_string(),
            "text/plain; charset=ISO-8859-1".to_string(),
        )];
        assert_eq!(decode_text(b"Gr\xfc\xdfe", &latin1), "Grüße");
        assert_eq!(
            decode_text(b"Gr\xfc\xdfe", &[]),
            "Grüße",
            "Windows-1252 fallback"
        );
        assert_eq!(decode_text("Grüße".as_bytes(), &[]), "Grüße");
        let page =
            b"<html><head><meta charset=\"koi8-r\"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body>";
        let html = vec![("content-type".to_string(), "text/html".to_string())];
        assert!(decode_html(page, &html).ends_with("<body>Привет</body>"));
        assert!(
            !decode_text(page, &html).contains("Привет"),
            "plain text ignores a meta tag"
        );
    }

    #[test]
    fn feeds_are_decoded_then_parsed() {
        let body = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\
            <rss version=\"2.0\"><channel><title>Caf\xe9 jobs</title>\
            <item><title>Barista</title><link>https://cafe.example/1</link></item></channel></rss>";
        let feed = decode_feed(body, &[], "https://cafe.example/feed").unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café jobs"));
        assert_eq!(feed.items.len(), 1);
        assert_eq!(
            bad_response(decode_feed(
                b"<html><body>moved</body></html>",
                &[],
                "https://cafe.example/feed"
            )),
            "https://cafe.example/feed: not an RSS or Atom feed (root element <html>)"
        );
        let message = bad_response(decode_feed(b"{}", &[], "https://cafe.example/feed"));
        assert!(
            message.starts_with("https://cafe.example/feed: the feed is not XML: "),
            "{message}"
        );
    }

    #[test]
    fn fetch_errors_map() {
        assert!(matches!(
            fetch_error(FetchError::Timeout),
            SourceError::Network(_)
        ));
        assert!(matches!(
            fetch_error(FetchError::Denied("x".into())),
            SourceError::Denied(_)
        ));
        assert!(matches!(
            fetch_error(FetchError::TooLarge(5)),
            SourceError::BadResponse(_)
        ));
    }
}

/// Runs `fetch_one` for every configured target (board, company, feed) and
/// joins the postings. A target that fails is logged and skipped so one dead
/// board does not hide the others; only when every target fails is the first
/// error returned.
pub fn gather<T: std::fmt::Display>(
    targets: &[T],
    limit: usize,
    mut fetch_one: impl FnMut(&T) -> Result<Vec<crate::JobPosting>, SourceError>,
    mut on_error: impl FnMut(&T, &SourceError),
) -> Result<Vec<crate::JobPosting>, SourceError> {
    let mut postings = Vec::new();
    let mut first_error = None;
    let mut any_ok = false;
    for target in targets {
        if postings.len() >= limit {
            break;
        }
        match fetch_one(target) {
            Ok(found) => {
                any_ok = true;
                postings.extend(found);
            }
            Err(error) => {
                on_error(target, &error);
                first_error.get_or_insert(error);
            }
        }
    }
    match (any_ok, first_error) {
        (false, Some(error)) => Err(error),
        _ => {
            postings.truncate(limit);
            Ok(postings)
        }
    }
}

#[cfg(test)]
mod gather_tests {
    use super::*;
    use crate::parse::posting;

    fn one(id: &str) -> crate::JobPosting {
        posting(id.into(), "t".into(), "c".into(), "u".into())
    }

    #[test]
    fn one_failing_target_is_skipped_all_failing_is_an_error() {
        let mut failures = Vec::new();
        let got = gather(
            &["a", "bad", "c"],
            10,
            |t| {
                if *t == "bad" {
                    Err(SourceError::Network("down".into()))
                } else {
                    Ok(vec![one(t)])
                }
            },
            |t, _| failures.push(t.to_string()),
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|p| p.source_id.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(failures, ["bad"]);
        let all_bad = gather(
            &["x", "y"],
            10,
            |_| Err(SourceError::BadResponse("HTTP 500".into())),
            |_, _| {},
        );
        assert!(matches!(all_bad, Err(SourceError::BadResponse(_))));
        let limited = gather(&["a", "b", "c"], 1, |t| Ok(vec![one(t), one(t)]), |_, _| {}).unwrap();
        assert_eq!(limited.len(), 1);
        assert!(gather::<&str>(&[], 5, |_| unreachable!(), |_, _| {})
            .unwrap()
            .is_empty());
    }
}
