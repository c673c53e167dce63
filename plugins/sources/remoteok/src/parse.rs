//! Remote OK (`/api`) → postings. The array starts with a metadata element (legal
//! notice), not a job; some items are UTF-8 text decoded as Latin-1 upstream.

use jobscout_plugin_sdk::parse::{date, html, json, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use serde_json::Value;

/// A field with the upstream Latin-1 mis-decoding repaired.
fn field(value: &Value, key: &str) -> Option<String> {
    json::string(value, key).map(|text| text::fix_mojibake(&text))
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8]) -> Result<Vec<JobPosting>, String> {
    postings(&serde_json::from_slice(body).map_err(|error| error.to_string())?)
}

pub fn postings(root: &Value) -> Result<Vec<JobPosting>, String> {
    let items = root.as_array().ok_or("expected an array")?;
    let mut out = Vec::with_capacity(items.len());
    // Elements without an id and a position are metadata, not jobs.
    for job in items {
        let (Some(id), Some(title), Some(url)) =
            (field(job, "id"), field(job, "position"), field(job, "url"))
        else {
            continue;
        };
        let mut item = posting(id, title, field(job, "company").unwrap_or_default(), url);
        item.work_mode = WorkMode::Remote;
        item.locations = field(job, "location").into_iter().collect();
        item.apply_url = field(job, "apply_url");
        // 0 means "not given".
        item.salary = salary::from_bounds(
            job.get("salary_min").and_then(Value::as_f64),
            job.get("salary_max").and_then(Value::as_f64),
            Some("USD"),
            Some(jobscout_plugin_sdk::SalaryPeriod::Year),
        );
        if let Some(description) = field(job, "description") {
            item.description_text = Some(html::to_text(&description));
            item.description_html = Some(description);
        }
        item.posted_at = field(job, "date")
            .and_then(|when| date::to_rfc3339(&when))
            .or_else(|| {
                job.get("epoch")
                    .and_then(Value::as_i64)
                    .map(date::from_epoch_seconds)
            });
        if let Some(tags) = job.get("tags").and_then(Value::as_array) {
            item.tags = tags
                .iter()
                .filter_map(Value::as_str)
                .map(text::squash)
                .filter(|t| !t.is_empty())
                .collect();
        }
        if let Some(slug) = field(job, "slug") {
            item.extra.push(("slug".to_string(), slug));
        }
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;

    #[test]
    fn recorded_feed() {
        for (label, body) in
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "remoteok.json", "remoteok.json")
        {
            let jobs = parse(&body).unwrap();
            assert_eq!(
                jobs.len(),
                2,
                "{label}: the leading metadata element is skipped"
            );
            let first = &jobs[0];
            assert_eq!(first.source_id, "1137431");
            assert_eq!(
                first.title,
                "Danish Speaking Solutions Consultant Work Sofia Bulgaria"
            );
            assert_eq!(first.company, "Mercier Consultancy Group");
            assert!(first.locations.is_empty(), "{label}: empty location");
            assert!(first.salary.is_none(), "{label}: 0/0 salary means unknown");
            assert_eq!(first.posted_at.as_deref(), Some("2026-09-24T16:00:06Z"));
            assert_eq!(first.work_mode, WorkMode::Remote);
            assert_eq!(first.tags[..3], ["consulting", "education", "technical"]);
            assert_eq!(first.apply_url.as_deref(), Some(first.listing_url.as_str()));
            let second = &jobs[1];
            assert_eq!(
                second.title, "Mecánico Automotriz Diagnóstico y Presupuestos",
                "{label}: mojibake repaired"
            );
            assert!(second.tags.is_empty());
            let text = second.description_text.as_deref().unwrap();
            assert!(
                text.contains("reparación de vehículos multimarca"),
                "{label}: {text}"
            );
            assert!(
                !text.contains("Ã¡") && !text.contains("Ã\u{ad}"),
                "{label}: {text}"
            );
            assert_eq!(second.posted_at.as_deref(), Some("2026-09-24T00:00:07Z"));
        }
    }

    #[test]
    fn epoch_fallback_and_salary() {
        let jobs = parse(br#"[{"legal":"x"},{"id":"9","position":"Dev","url":"https://remoteok.com/9","epoch":1790265606,"salary_min":80000,"salary_max":0}]"#).unwrap();
        assert_eq!(jobs[0].posted_at.as_deref(), Some("2026-09-24T16:00:06Z"));
        let pay = jobs[0].salary.as_ref().unwrap();
        assert_eq!((pay.min, pay.max), (Some(80000.0), None));
        assert!(parse(b"{}").is_err());
    }
}
