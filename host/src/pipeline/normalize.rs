//! Turns what a source plugin returned into a stored job: canonical URL, company
//! without legal suffixes, work mode, employment types, salary with an annual figure,
//! UTC dates, location with country where derivable, and the stable `job_id`.

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use super::posting::{SalaryPeriod, SourcePosting, WorkMode};
use crate::storage::jobs::JobRecord;

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
        }
    }
}

pub fn normalize(posting: &SourcePosting, now: DateTime<Utc>) -> NormalizedJob {
    let title = collapse_whitespace(&posting.title);
    let company = collapse_whitespace(&posting.company);
    let company_normalized = normalize_company(&company);
    let title_normalized = title.to_lowercase();
    let location_raw = posting
        .locations
        .iter()
        .map(|location| collapse_whitespace(location))
        .filter(|location| !location.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let location = parse_location(&location_raw);
    let description_text = posting
        .description_text
        .clone()
        .filter(|text| !text.trim().is_empty())
        .or_else(|| posting.description_html.as_deref().map(html_to_text))
        .map(|text| truncate_chars(text.trim(), MAX_DESCRIPTION_CHARS));
    let blob = format!(
        "{title} {location_raw} {}",
        description_text.as_deref().unwrap_or_default()
    );
    let remote_type = match posting.work_mode {
        WorkMode::Unknown => work_mode_from_text(&format!("{title} {location_raw}")),
        known => known,
    };
    let mut employment_types = posting.employment_types.clone();
    if employment_types.is_empty() {
        employment_types = employment_from_text(&blob);
    }
    employment_types.dedup();
    let job_url = Some(posting.listing_url.trim().to_string()).filter(|url| !url.is_empty());
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
    let record = JobRecord {
        job_id: job_id(
            &posting.source,
            &posting.source_id,
            &company_normalized,
            &title_normalized,
            &location_raw,
            job_url_canonical.as_deref(),
        ),
        provider_id: Some(posting.source_id.clone()).filter(|id| !id.is_empty()),
        source: posting.source.clone(),
        source_url: posting.source_url.clone(),
        title_normalized: Some(title_normalized.clone()),
        company_normalized: Some(company_normalized.clone()),
        location_raw: Some(location_raw.clone()).filter(|location| !location.is_empty()),
        country: location.country.map(str::to_string),
        city: location.city,
        remote_type: Some(remote_type.as_str().to_string()),
        employment_types,
        salary_min,
        salary_max,
        salary_period: period.map(|period| period.as_str().to_string()),
        salary_annual_min,
        salary_annual_max,
        salary_currency: salary
            .and_then(|salary| salary.currency.clone())
            .map(|currency| currency.trim().to_ascii_uppercase())
            .filter(|currency| currency.len() == 3),
        job_url,
        job_url_canonical,
        apply_url: posting
            .apply_url
            .clone()
            .map(|url| url.trim().to_string())
            .filter(|url| !url.is_empty()),
        description_text,
        tags: posting
            .tags
            .iter()
            .map(|tag| collapse_whitespace(tag))
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
        fingerprint: format!(
            "{company_normalized}|{}",
            title_tokens(&title_normalized).join(" ")
        ),
        record,
    }
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
    let key = if !source.is_empty() && !source_id.is_empty() {
        format!("{source}:{source_id}")
    } else {
        format!(
            "{company_normalized}|{title_normalized}|{}|{}",
            location_raw.to_lowercase(),
            canonical_url.unwrap_or_default().to_lowercase()
        )
    };
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex[..24].to_string()
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
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
    let mut words: Vec<String> = collapse_whitespace(company)
        .to_lowercase()
        .split(' ')
        .map(|word| {
            word.trim_matches(|c: char| c == ',' || c == '.' || c == '(' || c == ')')
                .to_string()
        })
        .filter(|word| !word.is_empty())
        .collect();
    while words.len() > 1 && LEGAL_SUFFIXES.contains(&words[words.len() - 1].as_str()) {
        words.pop();
    }
    words.join(" ")
}

fn title_tokens(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_string)
        .collect()
}

/// Query keys dropped from canonical URLs: trackers that differ per sighting.
fn is_tracking_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_")
        || key.starts_with("mc_")
        || matches!(
            key.as_str(),
            "ref" | "source" | "campaign" | "fbclid" | "gclid" | "trk" | "src" | "referrer"
        )
}

/// Lower-case scheme and host, no tracking parameters, no fragment, no trailing slash.
pub fn canonical_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url.trim()) else {
        return url.trim().trim_end_matches('/').to_string();
    };
    parsed.set_fragment(None);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| !is_tracking_key(key))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    let text = parsed.to_string();
    match text.split_once('?') {
        Some((path, query)) => format!("{}?{query}", path.trim_end_matches('/')),
        None => text.trim_end_matches('/').to_string(),
    }
}

/// Hybrid signals first, then remote, then onsite, as the earlier `RemoteType.from_text`.
pub fn work_mode_from_text(text: &str) -> WorkMode {
    let text = text.to_lowercase();
    if text.contains("hybrid") {
        WorkMode::Hybrid
    } else if ["remote", "work from home", "wfh", "distributed", "anywhere"]
        .iter()
        .any(|signal| text.contains(signal))
    {
        WorkMode::Remote
    } else if ["on-site", "onsite", "on site", "in office", "in-office"]
        .iter()
        .any(|signal| text.contains(signal))
    {
        WorkMode::Onsite
    } else {
        WorkMode::Unknown
    }
}

/// Employment types named in free text; `unknown` when none is.
pub fn employment_from_text(text: &str) -> Vec<String> {
    let text = text.to_lowercase();
    let rules: [(&str, &[&str]); 6] = [
        (
            "full_time",
            &["full-time", "full time", "fulltime", "permanent"],
        ),
        ("part_time", &["part-time", "part time", "parttime"]),
        ("contract", &["contract", "contractor"]),
        ("freelance", &["freelance"]),
        ("internship", &["internship", "intern "]),
        ("temporary", &["temporary", "temp "]),
    ];
    let found: Vec<String> = rules
        .iter()
        .filter(|(_, signals)| signals.iter().any(|signal| text.contains(signal)))
        .map(|(name, _)| name.to_string())
        .collect();
    if found.is_empty() {
        vec!["unknown".to_string()]
    } else {
        found
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
    let is_remote_word = |word: &str| {
        matches!(
            word.to_lowercase().as_str(),
            "remote" | "anywhere" | "worldwide"
        )
    };
    let city = parts
        .first()
        .filter(|part| parts.len() > 1 && !is_remote_word(part))
        .map(|part| part.to_string());
    let mut country = None;
    if let Some(last) = parts.last() {
        if US_STATES.contains(&last.to_uppercase().as_str()) && last.len() == 2 {
            country = Some("US");
        }
    }
    if country.is_none() {
        country = COUNTRIES
            .iter()
            .find(|(name, _)| {
                lower
                    .split(|c: char| c == ',' || c == '(' || c == ')')
                    .any(|part| part.trim() == *name)
            })
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

/// Plain text from HTML: block elements become line breaks, list items bullets,
/// entities decoded, scripts and styles dropped.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    let mut skipping: Option<&str> = None;
    while let Some(start) = rest.find('<') {
        if skipping.is_none() {
            text.push_str(&decode_entities(&rest[..start]));
        }
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_string();
        let closing = tag.starts_with('/');
        if let Some(skipped) = skipping {
            if closing && name == skipped {
                skipping = None;
            }
        } else if !closing && (name == "script" || name == "style") {
            skipping = Some(if name == "script" { "script" } else { "style" });
        } else {
            match name.as_str() {
                "br" | "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol"
                | "tr" | "section" => text.push('\n'),
                "li" if !closing => text.push_str("\n- "),
                _ => {}
            }
        }
        rest = &rest[start + end + 1..];
    }
    if skipping.is_none() {
        text.push_str(&decode_entities(rest));
    }
    text.lines()
        .map(collapse_whitespace)
        .filter(|line| !line.is_empty() && line != "-")
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        output.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find(';').filter(|end| *end <= 10) else {
            output.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(character) => {
                output.push(character);
                rest = &after[end + 1..];
            }
            None => {
                output.push('&');
                rest = &after[1..];
            }
        }
    }
    output.push_str(rest);
    output
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

    #[test]
    fn work_mode_and_employment_from_text() {
        assert_eq!(
            work_mode_from_text("Remote-first, hybrid in Berlin"),
            WorkMode::Hybrid
        );
        assert_eq!(work_mode_from_text("Fully remote"), WorkMode::Remote);
        assert_eq!(work_mode_from_text("On-site in Paris"), WorkMode::Onsite);
        assert_eq!(
            employment_from_text("Full-time or contract"),
            ["full_time", "contract"]
        );
    }

    #[test]
    fn html_becomes_readable_text() {
        let html = "<p>We&#39;re hiring &amp; growing.</p><ul><li>Rust</li><li>Go</li></ul><script>x()</script><p>Apply&nbsp;now</p>";
        assert_eq!(
            html_to_text(html),
            "We're hiring & growing.\n- Rust\n- Go\nApply now"
        );
        assert_eq!(html_to_text("a &bogus; b & c"), "a &bogus; b & c");
    }
}
