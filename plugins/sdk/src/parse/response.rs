//! From a host fetch to a body or a typed [`SourceError`].

use crate::http::{self, FetchError, Method, Request, Response};
use crate::SourceError;

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
    let retry_after = || {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, value)| value.trim().parse::<u32>().ok())
    };
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

/// A GET with `accept` set; the body of a 2xx answer.
pub fn get(url: &str, accept: &str) -> Result<Vec<u8>, SourceError> {
    fetch(&Request {
        method: Method::Get,
        url: url.to_string(),
        headers: vec![("accept".to_string(), accept.to_string())],
        secret_headers: Vec::new(),
        body: None,
    })
    .map(|response| response.body)
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
