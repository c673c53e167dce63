//! Validation every request gets at the edge, the same on both engines, so that no
//! input reaches storage that one engine would refuse (a 500) and the other keep.
//!
//! * NUL characters: PostgreSQL refuses them in `TEXT` and in JSONB strings and keys,
//!   SQLite stores them. [`reject_nul_in_uri`] checks every path segment and query
//!   value; [`json_body`] (behind `AppJson`) every string and key of a JSON body.
//! * Numbers: a JSON number serde_json cannot hold as an `f64` is already a syntax
//!   error (422); the ranges of numeric parameters and stored filters live here.

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, ValidationIssue};

/// The widest `posted_since` (days) of `GET /jobs` and saved searches: a century.
/// Beyond it the cut-off date leaves what PostgreSQL (4713 BC) and chrono can hold.
pub const MAX_POSTED_SINCE_DAYS: i64 = 36_500;

/// AI and relevance scores are 0 to 100, so is `min_score`.
pub const MIN_SCORE_RANGE: (f64, f64) = (0.0, 100.0);

/// The deepest page of `GET /jobs`; pages past the catalogue are empty anyway.
pub const MAX_PAGE: i64 = 1_000_000;

const NUL_MESSAGE: &str = "Text must not contain NUL (\\u0000) characters";
const NUL_KIND: &str = "string_nul";

fn nul_issue(loc: &[String], input: Option<Value>) -> ValidationIssue {
    ValidationIssue {
        loc: loc.to_vec(),
        msg: NUL_MESSAGE.into(),
        kind: NUL_KIND.into(),
        input,
    }
}

/// Every string and object key of `value` that holds a NUL, by location under `loc`.
pub fn nul_issues(value: &Value, loc: &mut Vec<String>, issues: &mut Vec<ValidationIssue>) {
    match value {
        Value::String(text) if text.contains('\0') => {
            issues.push(nul_issue(loc, Some(value.clone())));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                loc.push(index.to_string());
                nul_issues(item, loc, issues);
                loc.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                loc.push(key.clone());
                if key.contains('\0') {
                    issues.push(nul_issue(loc, None));
                } else {
                    nul_issues(item, loc, issues);
                }
                loc.pop();
            }
        }
        _ => {}
    }
}

/// A JSON body read into `T`: a syntax error, a NUL anywhere, or a value of the
/// wrong shape is a 422 whose `loc` names the field (`["body", "links", "n"]`).
pub fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        Error::Validation(vec![ValidationIssue::new(
            &["body"],
            format!("JSON decode error: {error}"),
            "json_invalid",
        )])
    })?;
    json_value(value)
}

/// As [`json_body`], for a body already parsed.
pub fn json_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    let mut issues = Vec::new();
    nul_issues(&value, &mut vec!["body".to_string()], &mut issues);
    if !issues.is_empty() {
        return Err(Error::Validation(issues));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut loc = vec!["body".to_string()];
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => loc.push(index.to_string()),
                serde_path_to_error::Segment::Map { key } => loc.push(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => loc.push(variant.clone()),
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        let message = error.inner().to_string();
        // serde names a missing field in its message, at the parent's path.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'));
        let issue = match missing {
            Some(field) => {
                loc.push(field.to_string());
                ValidationIssue {
                    loc,
                    msg: "Field required".into(),
                    kind: "missing".into(),
                    input: None,
                }
            }
            None => ValidationIssue {
                loc,
                msg: message,
                kind: "value_error".into(),
                input: None,
            },
        };
        Error::Validation(vec![issue])
    })
}

/// Refuses a NUL in any path segment or query parameter (name or value) with a 422
/// naming it, before any handler runs. Runs after routing, so path parameters are
/// known by name.
pub async fn reject_nul_in_uri(
    path: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let mut issues = Vec::new();
    // A path that is not UTF-8 is refused by the handler's own extractor.
    if let Ok(params) = path {
        for (name, value) in &params {
            if value.contains('\0') {
                issues.push(nul_issue(
                    &["path".to_string(), name.to_string()],
                    Some(Value::String(value.to_string())),
                ));
            }
        }
    }
    if let Some(query) = request.uri().query() {
        // Decoded as the handlers decode it (percent escapes, `+`, lossy UTF-8).
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        for (name, value) in pairs {
            if name.contains('\0') || value.contains('\0') {
                issues.push(nul_issue(
                    &["query".to_string(), name],
                    Some(Value::String(value)),
                ));
            }
        }
    }
    if issues.is_empty() {
        next.run(request).await
    } else {
        Error::Validation(issues).into_response()
    }
}

/// `posted_since` in days, 0 (no filter) to [`MAX_POSTED_SINCE_DAYS`].
pub fn check_posted_since(loc: &[&str], days: i64, issues: &mut Vec<ValidationIssue>) -> bool {
    check_range(
        loc,
        days as f64,
        (0.0, MAX_POSTED_SINCE_DAYS as f64),
        Value::from(days),
        issues,
    )
}

/// `min_score` within [`MIN_SCORE_RANGE`].
pub fn check_min_score(loc: &[&str], score: f64, issues: &mut Vec<ValidationIssue>) -> bool {
    check_range(loc, score, MIN_SCORE_RANGE, Value::from(score), issues)
}

/// `min <= value <= max`, else a pydantic-style issue showing `input`; true when in range.
fn check_range(
    loc: &[&str],
    value: f64,
    (min, max): (f64, f64),
    input: Value,
    issues: &mut Vec<ValidationIssue>,
) -> bool {
    let (message, kind) = if value < min {
        (
            format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        )
    } else if value > max {
        (
            format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        )
    } else {
        return true;
    };
    issues.push(ValidationIssue::new(loc, message, kind).with_input(input));
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_in_nested_strings_and_keys_is_found_by_location() {
        let value =
            json!({"links": {"n": "a\u{0}b", "ok": "fine"}, "skills": ["x", "\u{0}"], "k\u{0}": 1});
        let mut issues = Vec::new();
        nul_issues(&value, &mut vec!["body".into()], &mut issues);
        let locations: Vec<Vec<String>> = issues.into_iter().map(|issue| issue.loc).collect();
        assert_eq!(
            locations,
            vec![
                vec!["body".to_string(), "k\u{0}".into()],
                vec!["body".into(), "links".into(), "n".into()],
                vec!["body".into(), "skills".into(), "1".into()],
            ]
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read only through Debug in the assertions
    struct Sample {
        title: String,
        salary_min: Option<f64>,
        tags: Option<Vec<String>>,
    }

    fn issue_of(body: &str) -> ValidationIssue {
        match json_body::<Sample>(body.as_bytes()) {
            Err(Error::Validation(mut issues)) => issues.remove(0),
            other => panic!("expected a validation error for {body}, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        let issue = issue_of(r#"{"title": "x", "tags": ["a", 3]}"#);
        assert_eq!(issue.loc, ["body", "tags", "1"]);
        assert_eq!(issue.kind, "value_error");
        let issue = issue_of(r#"{"salary_min": 1}"#);
        assert_eq!(issue.loc, ["body", "title"]);
        assert_eq!(issue.kind, "missing");
        let issue = issue_of(r#"{"title": "a\u0000"}"#);
        assert_eq!(issue.loc, ["body", "title"]);
        assert_eq!(issue.kind, NUL_KIND);
    }

    #[test]
    fn numbers_beyond_a_double_are_a_syntax_error() {
        let issue = issue_of(r#"{"title": "x", "salary_min": 1e400}"#);
        assert_eq!(issue.kind, "json_invalid");
        assert!(
            json_body::<Sample>(br#"{"title": "x", "salary_min": 1.7976931348623157e308}"#).is_ok()
        );
    }

    #[test]
    fn the_documented_ranges_are_the_enforced_ones() {
        use utoipa::OpenApi as _;
        let document = serde_json::to_value(super::super::openapi::ApiDoc::openapi()).unwrap();
        let parameters = document["paths"]["/api/v1/jobs"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let parameter = |name: &str| {
            let schema = &parameters
                .iter()
                .find(|parameter| parameter["name"] == name)
                .unwrap()["schema"];
            (schema["minimum"].as_f64(), schema["maximum"].as_f64())
        };
        let days = (Some(0.0), Some(MAX_POSTED_SINCE_DAYS as f64));
        let scores = (Some(MIN_SCORE_RANGE.0), Some(MIN_SCORE_RANGE.1));
        assert_eq!(parameter("posted_since"), days);
        assert_eq!(parameter("min_score"), scores);
        assert_eq!(parameter("page"), (Some(1.0), Some(MAX_PAGE as f64)));
        let filters = &document["components"]["schemas"]["SearchFilters"]["properties"];
        let property = |name: &str| {
            (
                filters[name]["minimum"].as_f64(),
                filters[name]["maximum"].as_f64(),
            )
        };
        assert_eq!(property("posted_since"), days);
        assert_eq!(property("min_score"), scores);
    }

    #[test]
    fn ranges_report_the_bound() {
        let mut issues = Vec::new();
        assert!(check_posted_since(
            &["query", "posted_since"],
            0,
            &mut issues
        ));
        assert!(check_posted_since(
            &["query", "posted_since"],
            MAX_POSTED_SINCE_DAYS,
            &mut issues
        ));
        assert!(!check_posted_since(
            &["query", "posted_since"],
            3_000_000,
            &mut issues
        ));
        assert!(!check_min_score(&["query", "min_score"], -0.5, &mut issues));
        assert_eq!(issues[0].kind, "less_than_equal");
        assert_eq!(issues[1].kind, "greater_than_equal");
    }
}
