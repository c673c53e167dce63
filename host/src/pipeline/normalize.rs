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
    let mut location_raw = String::new();
    for location in &posting.locations {
        let mark = location_raw.len();
        if mark > 0 {
            location_raw.push_str("; ");
        }
        let start = location_raw.len();
        push_collapsed(&mut location_raw, location);
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
        WorkMode::Unknown => work_mode_from_text(&format!("{title} {location_raw}")),
        known => known,
    };
    let mut employment_types = posting.employment_types.clone();
    if employment_types.is_empty() {
        employment_types = employment_from_text(&format!(
            "{title} {location_raw} {}",
            description_text.as_deref().unwrap_or_default()
        ));
    }
    employment_types.dedup();
    let job_url = Some(posting.listing_url.trim())
        .filter(|url| !url.is_empty())
        .map(str::to_string);
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
        source_url: posting.source_url.clone(),
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
        apply_url: posting
            .apply_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_string),
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
        fingerprint,
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

/// Words separated by one space, without leading or trailing whitespace.
pub fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    push_collapsed(&mut collapsed, text);
    collapsed
}

/// Appends `text` as [`collapse_whitespace`] would return it.
fn push_collapsed(target: &mut String, text: &str) {
    // Already collapsed (the common case): ASCII words separated by single spaces.
    let bytes = text.as_bytes();
    let collapsed = bytes.first().is_some_and(|first| *first != b' ')
        && bytes.last().is_some_and(|last| *last != b' ')
        && bytes
            .iter()
            .all(|byte| byte.is_ascii() && !matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        && !bytes.windows(2).any(|pair| pair == b"  ");
    if collapsed {
        target.push_str(text);
        return;
    }
    for (index, word) in text.split_whitespace().enumerate() {
        if index > 0 {
            target.push(' ');
        }
        target.push_str(word);
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

/// What a byte of text between tags means to [`push_text`]'s scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// Copied as it is.
    Text,
    /// A space: copied when it follows text, else collapsed.
    Space,
    /// Other ASCII whitespace but the line feed: collapsed into a space.
    Whitespace,
    LineFeed,
    /// `&`: maybe an entity.
    Entity,
    /// A lead byte of the non-ASCII whitespace characters (U+0085, U+00A0, U+1680,
    /// U+2000..U+205F, U+3000); the character decides.
    MaybeWhitespace,
}

static BYTE_CLASSES: [ByteClass; 256] = {
    let mut table = [ByteClass::Text; 256];
    table[b' ' as usize] = ByteClass::Space;
    table[b'\t' as usize] = ByteClass::Whitespace;
    table[0x0b] = ByteClass::Whitespace;
    table[0x0c] = ByteClass::Whitespace;
    table[b'\r' as usize] = ByteClass::Whitespace;
    table[b'\n' as usize] = ByteClass::LineFeed;
    table[b'&' as usize] = ByteClass::Entity;
    table[0xc2] = ByteClass::MaybeWhitespace;
    table[0xe1] = ByteClass::MaybeWhitespace;
    table[0xe2] = ByteClass::MaybeWhitespace;
    table[0xe3] = ByteClass::MaybeWhitespace;
    table
};

/// The tags [`html_to_text`] acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// br, p, div, h1..h6, ul, ol, tr, section: a line break.
    Block,
    ListItem,
    Script,
    Style,
    Other,
}

impl TagKind {
    /// The kind of a tag name, in any case.
    fn of(name: &str) -> TagKind {
        let mut lower = [0u8; 7];
        let Some(lower) = lower.get_mut(..name.len()) else {
            return TagKind::Other;
        };
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        match &*lower {
            b"br" | b"p" | b"div" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"ul"
            | b"ol" | b"tr" | b"section" => TagKind::Block,
            b"li" => TagKind::ListItem,
            b"script" => TagKind::Script,
            b"style" => TagKind::Style,
            _ => TagKind::Other,
        }
    }
}

/// Plain text from HTML: block elements become line breaks, list items bullets,
/// entities decoded, scripts and styles dropped. Each line's whitespace is
/// collapsed, and empty lines and lone bullets are left out.
///
/// `memchr` finds each tag; the text between two tags is copied whole when it is
/// plain (the common case), else scanned byte by byte (see [`push_text`]).
pub fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut text = Lines::with_capacity(html.len());
    let mut skipping: Option<TagKind> = None;
    let mut index = 0;
    loop {
        let tag_at = memchr::memchr(b'<', &bytes[index..]).map_or(bytes.len(), |at| index + at);
        if skipping.is_none() {
            push_text(&mut text, &html[index..tag_at]);
        }
        if tag_at == bytes.len() {
            break;
        }
        let Some(length) = memchr::memchr(b'>', &bytes[tag_at..]) else {
            // An unterminated tag: the rest is dropped.
            break;
        };
        let (closing, kind) = tag_of(&html[tag_at + 1..tag_at + length]);
        if let Some(skipped) = skipping {
            // Inside a script or style only its closing tag counts.
            if closing && kind == skipped {
                skipping = None;
            }
        } else if !closing && matches!(kind, TagKind::Script | TagKind::Style) {
            skipping = Some(kind);
        } else if kind == TagKind::Block {
            text.end_line();
        } else if !closing && kind == TagKind::ListItem {
            // "\n- ": a new line that starts with a bullet.
            text.end_line();
            text.push_word("-");
            text.space();
        }
        index = tag_at + length + 1;
    }
    text.finish()
}

/// Whether a tag (the text between `<` and `>`) is a closing one, and its kind.
fn tag_of(tag: &str) -> (bool, TagKind) {
    let bytes = tag.as_bytes();
    // The common forms: `name` or `/name`, then the end, whitespace or '/'.
    let closing = bytes.first() == Some(&b'/');
    let start = usize::from(closing);
    let end = bytes[start..]
        .iter()
        .position(|byte| !byte.is_ascii_alphanumeric())
        .map_or(bytes.len(), |length| start + length);
    if end > start
        && matches!(
            bytes.get(end),
            None | Some(b'/' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
        )
    {
        return (closing, TagKind::of(&tag[start..end]));
    }
    // Anything else: surrounding whitespace (any Unicode whitespace) and repeated
    // slashes before the name.
    let tag = tag.trim();
    let name = tag
        .trim_start_matches('/')
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or_default();
    (tag.starts_with('/'), TagKind::of(name))
}

/// Appends the text between two tags (it holds no `<`): entities decoded,
/// whitespace collapsed.
fn push_text(text: &mut Lines, segment: &str) {
    let bytes = segment.as_bytes();
    // Plain text is printable ASCII without '&' and without two spaces in a row: it
    // is words with single spaces, perhaps one before and after, and goes in whole.
    // Both checks are folds without early exit, which compile to vector code.
    let unusual = bytes.iter().fold(0u8, |found, byte| {
        found | u8::from(byte.wrapping_sub(b' ') > b'~' - b' ') | u8::from(*byte == b'&')
    });
    let doubled = bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .fold(0u8, |found, (a, b)| {
            found | u8::from((*a == b' ') & (*b == b' '))
        });
    if unusual | doubled == 0 {
        match segment.strip_prefix(' ') {
            Some(rest) => {
                text.space();
                text.push_run(rest);
            }
            None => text.push_run(segment),
        }
        return;
    }
    // Text from `run` to `index` is not yet in `text`: runs of text (single spaces
    // after words included) are copied whole; entities and other whitespace stop them.
    let mut run = 0;
    let mut index = 0;
    while index < bytes.len() {
        let class = BYTE_CLASSES[usize::from(bytes[index])];
        match class {
            ByteClass::Text => {
                index += 1;
                continue;
            }
            ByteClass::Space if index > run && bytes[index - 1] != b' ' => {
                index += 1;
                continue;
            }
            _ => {}
        }
        match class {
            ByteClass::Entity => {
                // The entity ends at a ';' within 10 bytes (the segment ends before the next tag).
                let window = &bytes[index + 1..bytes.len().min(index + 11)];
                let decoded = memchr::memchr(b';', window).and_then(|end| {
                    Some((decode_entity(&segment[index + 1..index + 1 + end])?, end))
                });
                let Some((character, end)) = decoded else {
                    // Not an entity: the '&' is text.
                    index += 1;
                    continue;
                };
                text.push_run(&segment[run..index]);
                text.push_char(character);
                index += end + 2;
            }
            ByteClass::MaybeWhitespace => {
                let character = segment[index..].chars().next().unwrap_or_default();
                if !character.is_whitespace() {
                    index += 1;
                    continue;
                }
                text.push_run(&segment[run..index]);
                text.space();
                index += character.len_utf8();
            }
            ByteClass::LineFeed => {
                text.push_run(&segment[run..index]);
                text.end_line();
                index += 1;
            }
            ByteClass::Space | ByteClass::Whitespace | ByteClass::Text => {
                text.push_run(&segment[run..index]);
                text.space();
                index += 1;
            }
        }
        run = index;
    }
    text.push_run(&segment[run..]);
}

/// Builds text line by line as `html_to_text` returns it: whitespace within a line
/// collapsed to single spaces, lines that end up empty or a lone "-" left out,
/// kept lines joined by "\n". Text is appended in pieces, so no intermediate
/// string is made.
struct Lines {
    text: String,
    /// Where the current line starts in `text` (after its separator).
    line_start: usize,
    /// Where the current line's separator starts (= `line_start` for the first line):
    /// dropping the line truncates here.
    separator_at: usize,
    /// A space is owed before the next word of the current line.
    space_pending: bool,
}

impl Lines {
    fn with_capacity(capacity: usize) -> Self {
        Lines {
            text: String::with_capacity(capacity),
            line_start: 0,
            separator_at: 0,
            space_pending: false,
        }
    }

    fn push_str(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        let mut word_start = 0;
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            let width = match byte {
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
                // Lead bytes of the non-ASCII whitespace characters (U+0085, U+00A0,
                // U+1680, U+2000..U+205F, U+3000).
                0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                    let character = piece[index..].chars().next().unwrap_or_default();
                    if character.is_whitespace() {
                        character.len_utf8()
                    } else {
                        0
                    }
                }
                _ => 0,
            };
            if width == 0 {
                index += 1;
                continue;
            }
            self.push_word(&piece[word_start..index]);
            if byte == b'\n' {
                self.end_line();
            } else {
                self.space();
            }
            index += width;
            word_start = index;
        }
        self.push_word(&piece[word_start..]);
    }

    /// Appends text holding no whitespace but single spaces after words (one may end it).
    fn push_run(&mut self, run: &str) {
        match run.strip_suffix(' ') {
            Some(words) => {
                self.push_word(words);
                self.space();
            }
            None => self.push_word(run),
        }
    }

    /// Whitespace: a space before the line's next word, if any.
    fn space(&mut self) {
        self.space_pending = true;
    }

    fn push_char(&mut self, character: char) {
        let mut buffer = [0; 4];
        self.push_str(character.encode_utf8(&mut buffer));
    }

    /// Appends non-whitespace text to the current line.
    fn push_word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.text.len() == self.line_start {
            // The line's first word: the separator from the kept lines before it
            // goes in now (leading whitespace is dropped).
            self.separator_at = self.text.len();
            if !self.text.is_empty() {
                self.text.push('\n');
                self.line_start = self.text.len();
            }
        } else if self.space_pending {
            self.text.push(' ');
        }
        self.space_pending = false;
        self.text.push_str(word);
    }

    fn end_line(&mut self) {
        if &self.text[self.line_start..] == "-" {
            self.text.truncate(self.separator_at);
        }
        self.line_start = self.text.len();
        self.separator_at = self.text.len();
        self.space_pending = false;
    }

    fn finish(mut self) -> String {
        self.end_line();
        self.text
    }
}

/// The character an entity names (`amp`, `#39`, `#x41`), without its `&` and `;`.
fn decode_entity(entity: &str) -> Option<char> {
    match entity {
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
    }
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

    /// The first, straightforward `html_to_text` (intermediate strings everywhere):
    /// the one-pass version must give the same text. It checks the scan's structure
    /// (tags, scripts, runs, whitespace, lines), not the entity table, which it shares.
    fn html_to_text_reference(html: &str) -> String {
        fn decode(text: &str) -> String {
            let mut output = String::new();
            let mut rest = text;
            while let Some(start) = rest.find('&') {
                output.push_str(&rest[..start]);
                let after = &rest[start..];
                let Some(end) = after.find(';').filter(|end| *end <= 10) else {
                    output.push('&');
                    rest = &after[1..];
                    continue;
                };
                // Entity decoding is not what this oracle checks: it shares the table.
                let decoded = super::decode_entity(&after[1..end]);
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
        let mut text = String::new();
        let mut rest = html;
        let mut skipping: Option<&str> = None;
        while let Some(start) = rest.find('<') {
            if skipping.is_none() {
                text.push_str(&decode(&rest[..start]));
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
            text.push_str(&decode(rest));
        }
        text.lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty() && line != "-")
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn one_pass_html_to_text_matches_the_reference() {
        for html in [
            "",
            "plain",
            "  lead and trail  ",
            "<p>We&#39;re hiring &amp; growing.</p><ul><li>Rust</li><li>Go</li></ul><script>x()</script><p>Apply&nbsp;now</p>",
            "<P CLASS=x>Upper</P><BR/>case<Br >tags<SCRIPT type=a>hidden</Script>shown<STYLE>.a{}</style >after",
            "<li></li><li> </li><li>-</li><li>- x</li>- \n-\n -",
            "a &bogus; b & c &#x41;&#65;&#x+42;&#+67;&#xD800;&#1114112;&verylongentityname; d",
            "split &am<b>p; entity",
            "tab\there\r\nwindows\u{0b}vt\u{0c}ff\u{85}nel\u{a0}nbsp\u{2003}em\u{3000}ideo\u{1680}ogham",
            "line&#10;break from an entity&#13;&#10;and&#x0A;more",
            "Größe — ünïcödé <b>bold</b>\u{2028}sep\u{2029}para",
            "unterminated <tag and text",
            "<div>a</div>\n\n<div>\n b \n</div>   \n",
            "<section><h1>Title</h1><h6>t</h6><tr><td>cell</td></tr></section>",
            "<script>never closed <p>hidden",
            "</script>closing first<style/>x</style>y",
            "<>empty tag<  >spaces< / p>",
            "-\n- \n -a\n--",
        ] {
            assert_eq!(html_to_text(html), html_to_text_reference(html), "{html:?}");
        }
    }

    #[test]
    fn html_to_text_matches_the_reference_on_generated_html() {
        // Fragments that meet every branch of the scan: tag forms (cases, spaces,
        // slashes, Unicode whitespace, unterminated), entities (good, bad, split),
        // every kind of whitespace, bullets, non-ASCII text.
        const PIECES: [&str; 44] = [
            "<p>",
            "</p>",
            "<li>",
            "</li>",
            "<br/>",
            "<BR >",
            "<div class=x>",
            "<h2>",
            "<script>",
            "</script>",
            "<Style type=a>",
            "</ style>",
            "< p>",
            "</p >",
            "<p-x>",
            "<p\u{a0}>",
            "<//p>",
            "<\u{3000}li>",
            "<",
            ">",
            "&amp;",
            "&#39;",
            "&bogus;",
            "&",
            ";",
            "&#x41;",
            "&nbsp;",
            "&#10;",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{a0}",
            "\u{2003}",
            "\u{85}",
            "-",
            "- ",
            "word",
            "Größe",
            "x",
            "é",
            "\u{0b}",
            "~\u{7f}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for _ in 0..50_000 {
            let mut html = String::new();
            for _ in 0..next() % 16 {
                html.push_str(PIECES[next() % PIECES.len()]);
            }
            assert_eq!(
                html_to_text(&html),
                html_to_text_reference(&html),
                "{html:?}"
            );
        }
    }

    #[test]
    fn collapsing_matches_split_whitespace() {
        for text in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\u{a0}b",
            "Größe  x",
            "x\r\ny",
        ] {
            assert_eq!(
                collapse_whitespace(text),
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                "{text:?}"
            );
        }
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
