//! schema.org `JobPosting` objects embedded as JSON-LD in web pages: finding
//! the blocks, reading them (tolerating the raw line breaks many pages leave in
//! their strings), and turning a posting into a [`JobPosting`]. Handles single
//! objects, arrays and `@graph`, string-or-object fields (`hiringOrganization`,
//! `addressCountry`), and entity-escaped descriptions.

use std::borrow::Cow;

use serde_json::Value;

use crate::parse::{date, html, posting, salary, text};
use crate::{JobPosting, Salary, WorkMode};

/// The bodies of every `<script type="application/ld+json">` in `page`.
pub fn blocks(page: &str) -> Vec<&str> {
    let lower = page.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<script") {
        let start = from + at;
        let Some(tag_end) = lower[start..].find('>').map(|end| start + end) else {
            break;
        };
        let tag = &lower[start..tag_end];
        let Some(close) = lower[tag_end..].find("</script").map(|end| tag_end + end) else {
            break;
        };
        if tag.contains("application/ld+json") {
            found.push(&page[tag_end + 1..close]);
        }
        from = close + 1;
    }
    found
}

/// One block as JSON. Comment and CDATA wrappers are dropped, and raw control
/// characters inside strings (a description pasted with its line breaks, which
/// strict JSON forbids) are escaped. `None` when the block is still not JSON.
pub fn read_block(block: &str) -> Option<Value> {
    let body = unwrap_markers(block.trim());
    serde_json::from_str(body)
        .ok()
        .or_else(|| match escape_control_characters(body) {
            Cow::Owned(repaired) => serde_json::from_str(&repaired).ok(),
            Cow::Borrowed(_) => None,
        })
}

fn unwrap_markers(body: &str) -> &str {
    let mut body = body;
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = body.strip_prefix(open).and_then(|b| b.strip_suffix(close)) {
            body = inner.trim();
        }
    }
    body
}

fn escape_control_characters(body: &str) -> Cow<'_, str> {
    let mut in_string = false;
    let mut escaped = false;
    let needs_repair = body.chars().any(|c| {
        let raw = in_string && !escaped && c.is_control();
        escaped = in_string && !escaped && c == '\\';
        if c == '"' && !escaped {
            in_string = !in_string;
        }
        raw
    });
    if !needs_repair {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for c in body.chars() {
        if in_string && !escaped && c.is_control() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                other => out.push_str(&format!("\\u{:04x}", other as u32)),
            }
            continue;
        }
        if in_string && !escaped && c == '"' {
            in_string = false;
        } else if !in_string && c == '"' {
            in_string = true;
        }
        escaped = in_string && !escaped && c == '\\';
        out.push(c);
    }
    Cow::Owned(out)
}

fn is_job(object: &serde_json::Map<String, Value>) -> bool {
    match object.get("@type") {
        Some(Value::String(kind)) => kind == "JobPosting",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "JobPosting"),
        _ => false,
    }
}

fn collect_jobs(value: Value, out: &mut Vec<Value>) {
    match value {
        Value::Array(items) => items.into_iter().for_each(|item| collect_jobs(item, out)),
        Value::Object(mut object) => {
            if is_job(&object) {
                out.push(Value::Object(object));
            } else if let Some(graph) = object.remove("@graph") {
                collect_jobs(graph, out);
            }
        }
        _ => {}
    }
}

/// Every `JobPosting` object on `page`, in page order. Broken blocks, which
/// pages often carry next to good ones, are skipped.
pub fn job_objects(page: &str) -> Vec<Value> {
    let mut jobs = Vec::new();
    for block in blocks(page) {
        if let Some(value) = read_block(block) {
            collect_jobs(value, &mut jobs);
        }
    }
    jobs
}

/// A string, a number, or the `name`/`value` of an object, trimmed.
pub fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => {
            text_of(object.get("name")).or_else(|| text_of(object.get("value")))
        }
        _ => None,
    }
}

fn number_of(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A value that schema.org allows as one item or a list, as a list.
pub fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

/// `locality, region, country` of a `Place` (or its `address`, or plain text).
pub fn location(place: &Value) -> Option<String> {
    let address = place.get("address").unwrap_or(place);
    if let Value::String(text) = address {
        return Some(text.trim().to_string()).filter(|text| !text.is_empty());
    }
    let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
        .iter()
        .filter_map(|key| text_of(address.get(*key)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `baseSalary` as a [`Salary`]; the period comes from `unitText`.
pub fn base_salary(job: &Value) -> Option<Salary> {
    let base = job.get("baseSalary")?;
    let currency = text_of(base.get("currency"));
    let value = base.get("value");
    let (min, max, unit) = match value {
        Some(value @ Value::Object(_)) => {
            let single = number_of(value.get("value"));
            (
                number_of(value.get("minValue")).or(single),
                number_of(value.get("maxValue")).or(single),
                text_of(value.get("unitText")),
            )
        }
        other => (
            number_of(other),
            number_of(other),
            text_of(base.get("unitText")),
        ),
    };
    salary::from_bounds(
        min,
        max,
        currency.as_deref(),
        unit.and_then(|unit| salary::period_from_word(&unit)),
    )
}

/// The employer's own site: `hiringOrganization.sameAs` (first http(s) entry)
/// or `hiringOrganization.url`.
pub fn company_website(job: &Value) -> Option<String> {
    let organization = job.get("hiringOrganization")?;
    one_or_many(organization.get("sameAs"))
        .into_iter()
        .chain(organization.get("url"))
        .filter_map(Value::as_str)
        .map(str::trim)
        .find(|link| link.starts_with("https://") || link.starts_with("http://"))
        .map(str::to_string)
}

/// Whether `jobLocationType` says the job is remote (`TELECOMMUTE`).
pub fn is_remote(job: &Value) -> bool {
    one_or_many(job.get("jobLocationType"))
        .into_iter()
        .filter_map(|kind| text_of(Some(kind)))
        .any(|kind| kind.eq_ignore_ascii_case("TELECOMMUTE"))
}

/// `applicantLocationRequirements` as names (`Germany`, `EU`).
pub fn applicant_locations(job: &Value) -> Vec<String> {
    one_or_many(job.get("applicantLocationRequirements"))
        .into_iter()
        .filter_map(|place| text_of(Some(place)))
        .collect()
}

/// One `JobPosting` object as a posting; `fallback_id` names it when it has no
/// identifier or URL, `page_url` when it has no URL. `None` without a title.
pub fn to_posting(job: &Value, page_url: &str, fallback_id: String) -> Option<JobPosting> {
    let title = text_of(job.get("title"))?;
    let url = text_of(job.get("url")).unwrap_or_else(|| page_url.to_string());
    // `identifier` is a PropertyValue (its `value` is the id) or plain text.
    let id = text_of(job.pointer("/identifier/value"))
        .or_else(|| {
            job.get("identifier")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| text_of(job.get("url")))
        .unwrap_or(fallback_id);
    let company = text_of(job.get("hiringOrganization")).unwrap_or_default();
    let mut item = posting(id, html::decode_entities(&title), company, url);
    item.locations = one_or_many(job.get("jobLocation"))
        .into_iter()
        .filter_map(location)
        .collect();
    let remote = is_remote(job);
    item.work_mode = if remote {
        WorkMode::Remote
    } else {
        match text::work_mode(&item.title) {
            WorkMode::Unknown if !item.locations.is_empty() => WorkMode::Onsite,
            mode => mode,
        }
    };
    if remote && item.locations.is_empty() {
        item.locations = applicant_locations(job);
    }
    item.employment_types = one_or_many(job.get("employmentType"))
        .into_iter()
        .filter_map(|kind| text_of(Some(kind)))
        .filter_map(|kind| text::employment_type(&kind))
        .collect();
    item.salary = base_salary(job);
    if let Some(description) = text_of(job.get("description")) {
        let markup = html::unescape_markup(&description);
        item.description_text = Some(html::field_to_text(&markup));
        item.description_html = Some(markup);
    }
    item.posted_at = text_of(job.get("datePosted")).and_then(|when| date::to_rfc3339(&when));
    item.expires_at = text_of(job.get("validThrough")).and_then(|when| date::to_rfc3339(&when));
    Some(item)
}

/// Every titled `JobPosting` on `page` as a posting. Postings with neither
/// identifier nor URL are named `<page_url>#<index>`.
pub fn postings(page: &str, page_url: &str) -> Vec<JobPosting> {
    let mut out = Vec::new();
    for job in job_objects(page) {
        let fallback_id = format!("{page_url}#{}", out.len());
        if let Some(item) = to_posting(&job, page_url, fallback_id) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_whatever_the_case_and_cut_blocks_are_not() {
        assert_eq!(
            blocks("<SCRIPT TYPE=\"application/ld+json\">{}</SCRIPT><script>x</script>"),
            ["{}"]
        );
        assert!(blocks("<script type=\"application/ld+json\">{ cut").is_empty());
    }

    #[test]
    fn raw_line_breaks_in_strings_and_wrappers_are_tolerated() {
        let block = "<!--\n{\"@type\": \"JobPosting\", \"title\": \"Chef\",\n \"description\": \"line one\nline\ttwo \\\"quoted\\\"\"}\n-->";
        let value = read_block(block).unwrap();
        assert_eq!(value["description"], "line one\nline\ttwo \"quoted\"");
        assert!(read_block("{\"title\": \"unterminated}").is_none());
        assert!(read_block("{ this is not json }").is_none());
    }

    #[test]
    fn organisation_fields() {
        let job: Value = serde_json::from_str(
            r#"{"@type":"JobPosting","title":"X","jobLocationType":["TELECOMMUTE"],
                "hiringOrganization":{"name":"Acme","sameAs":["acme","https://acme.example"],"url":"https://other.example"},
                "applicantLocationRequirements":[{"@type":"Country","name":"USA"},"Canada"]}"#,
        )
        .unwrap();
        assert_eq!(
            company_website(&job).as_deref(),
            Some("https://acme.example")
        );
        assert!(is_remote(&job));
        assert_eq!(applicant_locations(&job), ["USA", "Canada"]);
        let posting = to_posting(&job, "https://page.example", "p#0".into()).unwrap();
        assert_eq!(posting.locations, ["USA", "Canada"]);
        assert_eq!(posting.work_mode, WorkMode::Remote);
        assert_eq!(posting.source_id, "p#0");
    }
}
