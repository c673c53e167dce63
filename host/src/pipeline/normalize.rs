//! Turns what a source plugin returned into a stored job: canonical URL, company
//! without legal suffixes, work mode, employment types, salary with an annual figure,
//! UTC dates, location with country where derivable, and the stable `job_id`.

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use jobscout_text::entities::decode_entities;
use jobscout_text::guess::{employment_in_text, work_mode_in_text};
use jobscout_text::whitespace::push_collapsed;

use super::posting::{SalaryPeriod, SourcePosting, WorkMode};
use crate::storage::jobs::JobRecord;

// Callers and tests name these through the pipeline, as before they moved.
pub use jobscout_text::{collapse_whitespace, html_to_text};

/// Descriptions are capped like the earlier backend's `strip_html` (8 000 chars).
pub const MAX_DESCRIPTION_CHARS: usize = 8_000;

/// A normalized job plus what the pipeline needs beside the stored row.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedJob {
    pub record: JobRecord,
    pub salary_period: Option<SalaryPeriod>,
    /// `salary_min`/`salary_max` converted to a yearly amount, when the period is known.
    pub salary_annual_min: Option<f64>,
    pub salary_annual_max: Option<f64>,
    /// `company|title` normalized: the fuzzy identity used by dedupe.
    pub fingerprint: String,
    /// Links of the posting dropped because they were not http(s) (see [`web_link`]).
    pub unsafe_links: u32,
}

impl NormalizedJob {
    /// A job made straight from a stored record (no salary period, no fingerprint),
    /// for stages that are tested on their own.
    pub fn from_record(record: JobRecord) -> Self {
        NormalizedJob {
            record,
            salary_period: None,
            salary_annual_min: None,
            salary_annual_max: None,
            fingerprint: String::new(),
            unsafe_links: 0,
        }
    }
}

pub fn normalize(posting: &SourcePosting, now: DateTime<Utc>) -> NormalizedJob {
    let title = one_line(&posting.title);
    let company = one_line(&posting.company);
    let company_normalized = normalize_company(&company);
    let title_normalized = title.to_lowercase();
    let mut location_raw = String::new();
    for location in &posting.locations {
        let mark = location_raw.len();
        if mark > 0 {
            location_raw.push_str("; ");
        }
        let start = location_raw.len();
        push_one_line(&mut location_raw, location);
        if location_raw.len() == start {
            location_raw.truncate(mark);
        }
    }
    let location = parse_location(&location_raw);
    let description_text = match posting.description_text.as_deref() {
        Some(text) if !text.trim().is_empty() => Some(trimmed_and_capped(text.to_string())),
        _ => posting
            .description_html
            .as_deref()
            .map(|html| trimmed_and_capped(html_to_text(html))),
    };
    let remote_type = match posting.work_mode {
        WorkMode::Unknown => work_mode_in_text(&format!("{title} {location_raw}")),
        known => known,
    };
    let mut employment_types = posting.employment_types.clone();
    if employment_types.is_empty() {
        employment_types = employment_in_text(&format!(
            "{title} {location_raw} {}",
            description_text.as_deref().unwrap_or_default()
        ));
    }
    employment_types.dedup();
    // Links are shown to users as links: only http(s) ones are kept.
    let mut unsafe_links = 0;
    let mut link = |url: Option<&str>| -> Option<String> {
        let url = url.map(str::trim).filter(|url| !url.is_empty())?;
        let kept = web_link(url).map(str::to_string);
        unsafe_links += u32::from(kept.is_none());
        kept
    };
    let job_url = link(Some(&posting.listing_url));
    let apply_url = link(posting.apply_url.as_deref());
    let source_url = link(posting.source_url.as_deref());
    let job_url_canonical = job_url.as_deref().map(canonical_url);
    let salary = posting.salary.as_ref();
    let period = salary.and_then(|salary| salary.period);
    let (mut salary_min, mut salary_max) = (salary.and_then(|s| s.min), salary.and_then(|s| s.max));
    if let (Some(min), Some(max)) = (salary_min, salary_max) {
        if min > max {
            (salary_min, salary_max) = (Some(max), Some(min));
        }
    }
    let annual = |amount: Option<f64>| {
        amount
            .zip(period)
            .map(|(amount, period)| amount * period.per_year())
    };
    let (salary_annual_min, salary_annual_max) = (annual(salary_min), annual(salary_max));
    let job_id = job_id(
        &posting.source,
        &posting.source_id,
        &company_normalized,
        &title_normalized,
        &location_raw,
        job_url_canonical.as_deref(),
    );
    let mut fingerprint =
        String::with_capacity(company_normalized.len() + title_normalized.len() + 1);
    fingerprint.push_str(&company_normalized);
    fingerprint.push('|');
    for (index, token) in title_tokens(&title_normalized).enumerate() {
        if index > 0 {
            fingerprint.push(' ');
        }
        fingerprint.push_str(token);
    }
    let record = JobRecord {
        job_id,
        provider_id: Some(posting.source_id.clone()).filter(|id| !id.is_empty()),
        source: posting.source.clone(),
        source_url,
        title_normalized: Some(title_normalized),
        company_normalized: Some(company_normalized),
        country: location.country.map(str::to_string),
        city: location.city,
        location_raw: Some(location_raw).filter(|location| !location.is_empty()),
        remote_type: Some(remote_type.as_str().to_string()),
        employment_types,
        salary_min,
        salary_max,
        salary_period: period.map(|period| period.as_str().to_string()),
        salary_annual_min,
        salary_annual_max,
        salary_currency: salary
            .and_then(|salary| salary.currency.as_deref())
            .map(str::trim)
            .filter(|currency| currency.len() == 3)
            .map(str::to_ascii_uppercase),
        job_url,
        job_url_canonical,
        apply_url,
        description_text,
        tags: posting
            .tags
            .iter()
            .map(|tag| one_line(tag))
            .filter(|tag| !tag.is_empty())
            .collect(),
        posted_at: posting
            .posted_at
            .as_deref()
            .and_then(parse_date)
            .filter(|date| *date <= now + chrono::Duration::days(1)),
        expires_at: posting.expires_at.as_deref().and_then(parse_date),
        first_seen_at: Some(now),
        last_seen_at: Some(now),
        title,
        company,
        ..JobRecord::default()
    };
    NormalizedJob {
        salary_annual_min,
        salary_annual_max,
        salary_period: period,
        fingerprint,
        unsafe_links,
        record,
    }
}

/// `text` without surrounding whitespace, cut to [`MAX_DESCRIPTION_CHARS`]; reuses
/// the allocation when nothing is cut.
fn trimmed_and_capped(mut text: String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() && text.len() <= MAX_DESCRIPTION_CHARS {
        return text;
    }
    let trimmed = truncate_chars(trimmed, MAX_DESCRIPTION_CHARS);
    let (start, end) = (
        trimmed.as_ptr() as usize - text.as_ptr() as usize,
        trimmed.len(),
    );
    text.truncate(start + end);
    text.drain(..start);
    text
}

/// The earlier backend's id: the first 24 hex characters of SHA-256 over
/// `source:provider_id`, or over company|title|location|url when the source has no id.
pub fn job_id(
    source: &str,
    source_id: &str,
    company_normalized: &str,
    title_normalized: &str,
    location_raw: &str,
    canonical_url: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    if !source.is_empty() && !source_id.is_empty() {
        hasher.update(source);
        hasher.update(":");
        hasher.update(source_id);
    } else {
        hasher.update(format!(
            "{company_normalized}|{title_normalized}|{}|{}",
            location_raw.to_lowercase(),
            canonical_url.unwrap_or_default().to_lowercase()
        ));
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(24);
    for byte in &hasher.finalize()[..12] {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    id
}

/// One-line text (a title, company, place or tag) as users read it: character
/// references decoded (`&rsquo;` → `’`, as descriptions have always been through
/// [`html_to_text`]) and whitespace collapsed.
pub fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    push_one_line(&mut line, text);
    line
}

/// Appends `text` as [`one_line`] would return it.
fn push_one_line(target: &mut String, text: &str) {
    if text.contains('&') {
        push_collapsed(target, &decode_entities(text));
    } else {
        push_collapsed(target, text);
    }
}

/// The first `max` characters of `text`.
fn truncate_chars(text: &str, max: usize) -> &str {
    // A character takes at least one byte: short texts need no counting.
    if text.len() <= max {
        return text;
    }
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

const LEGAL_SUFFIXES: [&str; 22] = [
    "inc",
    "incorporated",
    "llc",
    "l.l.c",
    "ltd",
    "limited",
    "gmbh",
    "bv",
    "b.v",
    "ag",
    "sa",
    "s.a",
    "sas",
    "srl",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "oy",
    "ab",
    "pty",
];

/// Lower-cased company name without legal suffixes ("Ferris Labs GmbH" → "ferris labs").
pub fn normalize_company(company: &str) -> String {
    let lower = collapse_whitespace(company).to_lowercase();
    let mut words: Vec<&str> = lower
        .split(' ')
        .map(|word| word.trim_matches(|c: char| c == ',' || c == '.' || c == '(' || c == ')'))
        .filter(|word| !word.is_empty())
        .collect();
    while words.len() > 1 && LEGAL_SUFFIXES.contains(&words[words.len() - 1]) {
        words.pop();
    }
    words.join(" ")
}

fn title_tokens(title: &str) -> impl Iterator<Item = &str> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
}

/// `url` when it is an absolute http(s) URL, the only links stored: `javascript:`,
/// `data:`, `file:` and relative or scheme-less forms would run or resolve
/// somewhere else when a user follows them. Browsers ignore leading control
/// characters and blanks and case in a scheme; `url` is already trimmed, and
/// anything before `http` makes it fail here.
pub fn web_link(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    let host_start = &url[scheme_end + 3..];
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && !host_start.is_empty() && !host_start.starts_with('/')).then_some(url)
}

/// Query keys dropped from canonical URLs: trackers that differ per sighting.
fn is_tracking_key(key: &str) -> bool {
    let starts_with = |prefix: &str| {
        key.len() >= prefix.len()
            && key.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    starts_with("utm_")
        || starts_with("mc_")
        || [
            "ref", "source", "campaign", "fbclid", "gclid", "trk", "src", "referrer",
        ]
        .iter()
        .any(|name| key.eq_ignore_ascii_case(name))
}

/// Lower-case scheme and host, no tracking parameters, no fragment, no trailing slash.
pub fn canonical_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url.trim()) else {
        return url.trim().trim_end_matches('/').to_string();
    };
    parsed.set_fragment(None);
    if parsed.query_pairs().all(|(key, _)| is_tracking_key(&key)) {
        parsed.set_query(None);
    } else {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(key, _)| !is_tracking_key(key))
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut text = String::from(parsed);
    match text.split_once('?') {
        Some((path, query)) => format!("{}?{query}", path.trim_end_matches('/')),
        None => {
            text.truncate(text.trim_end_matches('/').len());
            text
        }
    }
}

/// Dates in RFC 3339, the common ISO forms, RFC 2822 (feeds), plain dates and Unix
/// seconds or milliseconds; always UTC.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(number) = text.parse::<i64>() {
        let seconds = if number > 20_000_000_000 {
            number / 1000
        } else {
            number
        };
        return DateTime::from_timestamp(seconds, 0);
    }
    if let Ok(parsed) = DateTime::parse_from_rfc2822(text) {
        return Some(parsed.with_timezone(&Utc));
    }
    crate::storage::parse_timestamp(text)
}

#[derive(Debug, Default, PartialEq)]
pub struct Location {
    pub country: Option<&'static str>,
    pub city: Option<String>,
}

const US_STATES: [&str; 50] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY",
];

const COUNTRIES: [(&str, &str); 32] = [
    ("united states", "US"),
    ("usa", "US"),
    ("u.s.", "US"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("england", "GB"),
    ("germany", "DE"),
    ("deutschland", "DE"),
    ("france", "FR"),
    ("spain", "ES"),
    ("portugal", "PT"),
    ("netherlands", "NL"),
    ("ireland", "IE"),
    ("canada", "CA"),
    ("australia", "AU"),
    ("india", "IN"),
    ("poland", "PL"),
    ("italy", "IT"),
    ("sweden", "SE"),
    ("switzerland", "CH"),
    ("austria", "AT"),
    ("belgium", "BE"),
    ("denmark", "DK"),
    ("norway", "NO"),
    ("finland", "FI"),
    ("brazil", "BR"),
    ("mexico", "MX"),
    ("japan", "JP"),
    ("singapore", "SG"),
    ("israel", "IL"),
    ("new zealand", "NZ"),
    ("romania", "RO"),
];

const CITIES: [(&str, &str); 16] = [
    ("berlin", "DE"),
    ("munich", "DE"),
    ("hamburg", "DE"),
    ("london", "GB"),
    ("paris", "FR"),
    ("amsterdam", "NL"),
    ("dublin", "IE"),
    ("toronto", "CA"),
    ("vancouver", "CA"),
    ("new york", "US"),
    ("san francisco", "US"),
    ("seattle", "US"),
    ("austin", "US"),
    ("boston", "US"),
    ("lisbon", "PT"),
    ("madrid", "ES"),
];

/// Country (ISO 3166 alpha-2) and city from location text where derivable:
/// "Berlin, Germany", "Austin, TX", "London, UK - Remote".
pub fn parse_location(text: &str) -> Location {
    let first = text.split(';').next().unwrap_or_default();
    let cleaned = first.split(" - ").next().unwrap_or_default();
    let lower = cleaned.to_lowercase();
    let parts: Vec<&str> = cleaned
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    // No other character lower-cases to these ASCII words' letters, so an ASCII
    // comparison ignoring case is the same as comparing lower-cased text.
    let is_remote_word = |word: &str| {
        ["remote", "anywhere", "worldwide"]
            .iter()
            .any(|remote| word.eq_ignore_ascii_case(remote))
    };
    let city = parts
        .first()
        .filter(|part| parts.len() > 1 && !is_remote_word(part))
        .map(|part| part.to_string());
    let mut country = None;
    if let Some(last) = parts.last() {
        // Two bytes that upper-case to a state's two ASCII letters are those letters.
        if last.len() == 2
            && US_STATES
                .iter()
                .any(|state| last.eq_ignore_ascii_case(state))
        {
            country = Some("US");
        }
    }
    if country.is_none() {
        let lower_parts: Vec<&str> = lower.split([',', '(', ')']).map(str::trim).collect();
        country = COUNTRIES
            .iter()
            .find(|(name, _)| lower_parts.contains(name))
            .map(|(_, code)| *code);
    }
    if country.is_none() {
        country = CITIES
            .iter()
            .find(|(name, _)| lower.starts_with(name))
            .map(|(_, code)| *code);
    }
    let city = city.or_else(|| {
        CITIES
            .iter()
            .find(|(name, _)| lower == *name)
            .map(|_| cleaned.trim().to_string())
    });
    Location { country, city }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::posting::Salary;

    fn posting() -> SourcePosting {
        SourcePosting {
            source: "greenhouse".into(),
            source_id: "4012".into(),
            title: "  Senior   Rust Engineer ".into(),
            company: "Ferris Labs GmbH".into(),
            locations: vec!["Berlin, Germany".into()],
            listing_url:
                "https://Boards.Greenhouse.io/ferris/jobs/4012/?utm_source=x&gh_jid=4012#apply"
                    .into(),
            ..SourcePosting::default()
        }
    }

    #[test]
    fn only_http_links_are_kept_and_the_others_counted() {
        for kept in [
            "https://jobs.example.com/1",
            "HTTP://example.com",
            "hTtPs://x.io/?a=b",
        ] {
            assert_eq!(web_link(kept), Some(kept));
        }
        for dropped in [
            "javascript:alert(document.cookie)",
            "JavaScript://example.com/%0Aalert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "vbscript:msgbox",
            "//evil.example/path",
            "/jobs/1",
            "http:/evil.example",
            "https:///evil.example",
            "\u{1}javascript:alert(1)",
            "ftp://files.example.com/job.pdf",
        ] {
            assert_eq!(web_link(dropped), None, "{dropped}");
        }
        let mut hostile = posting();
        hostile.listing_url = " javascript:alert(1) ".into();
        hostile.apply_url = Some("data:text/html,<script>".into());
        hostile.source_url = Some("https://boards.greenhouse.io/ferris".into());
        let job = normalize(&hostile, Utc::now());
        assert_eq!(job.record.job_url, None);
        assert_eq!(job.record.job_url_canonical, None);
        assert_eq!(job.record.apply_url, None);
        assert_eq!(
            job.record.source_url.as_deref(),
            Some("https://boards.greenhouse.io/ferris")
        );
        assert_eq!(job.unsafe_links, 2);
        assert_eq!(normalize(&posting(), Utc::now()).unsafe_links, 0);
    }

    #[test]
    fn ids_match_the_earlier_backend() {
        // sha256("greenhouse:4012")[..24]
        let expected = {
            let digest = Sha256::digest(b"greenhouse:4012");
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()[..24]
                .to_string()
        };
        let job = normalize(&posting(), Utc::now());
        assert_eq!(job.record.job_id, expected);
        assert_eq!(job.record.job_id.len(), 24);
        let mut no_id = posting();
        no_id.source_id.clear();
        assert_ne!(normalize(&no_id, Utc::now()).record.job_id, expected);
    }

    #[test]
    fn names_urls_and_places_are_normalized() {
        let job = normalize(&posting(), Utc::now()).record;
        assert_eq!(job.title, "Senior Rust Engineer");
        assert_eq!(job.company_normalized.as_deref(), Some("ferris labs"));
        assert_eq!(
            job.job_url_canonical.as_deref(),
            Some("https://boards.greenhouse.io/ferris/jobs/4012?gh_jid=4012")
        );
        assert_eq!(job.country.as_deref(), Some("DE"));
        assert_eq!(job.city.as_deref(), Some("Berlin"));
        assert_eq!(job.employment_types, ["unknown"]);
    }

    #[test]
    fn references_in_one_line_fields_are_decoded() {
        let mut posting = posting();
        posting.title = "Caf&eacute; Lead &mdash; Don&rsquo;t&nbsp;Panic".into();
        posting.company = "Ben &amp; Jerry&rsquo;s".into();
        posting.locations = vec!["Montr&eacute;al, QC".into(), "&#10; ".into()];
        posting.tags = vec!["R&amp;D".into(), "AT&T".into(), "&bogus;".into()];
        let job = normalize(&posting, Utc::now()).record;
        assert_eq!(job.title, "Café Lead — Don’t Panic");
        assert_eq!(
            job.title_normalized.as_deref(),
            Some("café lead — don’t panic")
        );
        assert_eq!(job.company, "Ben & Jerry’s");
        assert_eq!(job.company_normalized.as_deref(), Some("ben & jerry’s"));
        assert_eq!(job.location_raw.as_deref(), Some("Montréal, QC"));
        // Malformed references stay as written, as in descriptions.
        assert_eq!(job.tags, ["R&D", "AT&T", "&bogus;"]);
    }

    #[test]
    fn company_suffixes() {
        assert_eq!(normalize_company("Acme, Inc."), "acme");
        assert_eq!(normalize_company("Globex Corporation"), "globex");
        assert_eq!(normalize_company("Co"), "co");
        assert_eq!(
            normalize_company("Stark   Industries Ltd"),
            "stark industries"
        );
    }

    #[test]
    fn locations() {
        assert_eq!(parse_location("Austin, TX").country, Some("US"));
        assert_eq!(parse_location("London, UK - Remote").country, Some("GB"));
        assert_eq!(parse_location("Remote").country, None);
        assert_eq!(parse_location("Remote").city, None);
        assert_eq!(parse_location("Amsterdam").country, Some("NL"));
        assert_eq!(parse_location("Remote (Canada)").country, Some("CA"));
    }

    #[test]
    fn salaries_are_annualized_and_ordered() {
        let mut hourly = posting();
        hourly.salary = Some(Salary {
            min: Some(60.0),
            max: Some(50.0),
            currency: Some("usd".into()),
            period: Some(SalaryPeriod::Hour),
        });
        let job = normalize(&hourly, Utc::now());
        assert_eq!(
            (job.record.salary_min, job.record.salary_max),
            (Some(50.0), Some(60.0))
        );
        assert_eq!(job.record.salary_currency.as_deref(), Some("USD"));
        assert_eq!(job.salary_annual_min, Some(50.0 * 2080.0));
    }

    #[test]
    fn dates_in_every_common_form() {
        let expected = "2026-11-17T07:04:18Z";
        for text in [
            "2026-11-17T07:04:18Z",
            "2026-11-17T08:04:18+01:00",
            "Tue, 17 Nov 2026 07:04:18 +0000",
            "1794899058",
            "1794899058000",
        ] {
            let parsed = parse_date(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                crate::storage::format_timestamp(&parsed),
                expected,
                "{text}"
            );
        }
        assert_eq!(parse_date("soon"), None);
    }
}
