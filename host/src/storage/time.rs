//! Timestamps as SQLite stores them: ISO-8601 text in UTC. The earlier backend wrote
//! both `…Z` and `…+00:00`, sometimes with fractions; all of them are read back.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Parses a stored timestamp. Empty text and unknown formats read as `None`.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.with_timezone(&Utc));
    }
    if let Ok(parsed) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(parsed.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

/// Formats a timestamp the way SQLite rows store it (`2026-11-18T02:58:35Z`), which
/// also sorts correctly as text.
pub fn format_timestamp(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_the_earlier_backend_wrote() {
        let expected = "2026-11-17T07:04:18Z";
        for text in [
            "2026-11-17T07:04:18Z",
            "2026-11-17T07:04:18+00:00",
            "2026-11-17T09:04:18+02:00",
            "2026-11-17 07:04:18",
            "2026-11-17T07:04:18.000",
            "2026-11-17 07:04:18+00:00",
        ] {
            let parsed = parse_timestamp(text).unwrap_or_else(|| panic!("{text} did not parse"));
            assert_eq!(format_timestamp(&parsed), expected, "{text}");
        }
        assert_eq!(parse_timestamp("").map(|t| format_timestamp(&t)), None);
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(
            parse_timestamp("2026-11-17")
                .map(|t| format_timestamp(&t))
                .as_deref(),
            Some("2026-11-17T00:00:00Z")
        );
    }
}
