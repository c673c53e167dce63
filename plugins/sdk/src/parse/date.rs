//! Dates as sources write them → RFC 3339 in UTC (`2026-09-24T17:34:54Z`).
//! Hand-written (no chrono) to keep plugins small.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let month = month as i64;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// RFC 3339 UTC text of a Unix time in seconds.
pub fn from_epoch_seconds(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// RFC 3339 UTC text of a Unix time in milliseconds (sub-second part dropped).
pub fn from_epoch_millis(millis: i64) -> String {
    from_epoch_seconds(millis.div_euclid(1000))
}

/// Seconds or milliseconds, told apart by size (ms values pass 10^11 in 1973).
pub fn from_epoch_auto(value: i64) -> String {
    if value.abs() >= 100_000_000_000 {
        from_epoch_millis(value)
    } else {
        from_epoch_seconds(value)
    }
}

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid(year: i64, month: u32, day: u32, hour: i64, minute: i64, second: i64) -> bool {
    (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second)
        && year > 0
}

/// Parses `+HH:MM`, `+HHMM`, `Z`, `UTC`, `GMT` into seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    match text {
        "" | "Z" | "z" | "UTC" | "GMT" | "UT" => return Some(0),
        _ => {}
    }
    let sign = match text.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 {
        return None;
    }
    Some(sign * (number(&digits[..2])? * 3600 + number(&digits[2..])? * 60))
}

/// ISO 8601 / RFC 3339 (`T` or space between date and time; fractional seconds;
/// `Z`, an offset, ` UTC`, or no zone, which is taken as UTC), or a bare date.
pub fn iso_to_rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    // ISO dates are ASCII; checking it keeps the byte slicing below on char boundaries.
    if !text.is_ascii()
        || text.len() < 10
        || text.as_bytes()[4] != b'-'
        || text.as_bytes()[7] != b'-'
    {
        return None;
    }
    let year = number(&text[..4])?;
    let month = number(&text[5..7])? as u32;
    let day = number(&text[8..10])? as u32;
    let rest = &text[10..];
    let (hour, minute, second, zone) = if rest.is_empty() {
        (0, 0, 0, "")
    } else {
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        if rest.len() < 5 || rest.as_bytes()[2] != b':' {
            return None;
        }
        let hour = number(&rest[..2])?;
        let minute = number(&rest[3..5])?;
        let mut rest = &rest[5..];
        let mut second = 0;
        if let Some(after) = rest.strip_prefix(':') {
            second = number(after.get(..2)?)?;
            rest = &after[2..];
        }
        if let Some(fraction) = rest.strip_prefix(['.', ',']) {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            rest = &fraction[digits..];
        }
        (hour, minute, second, rest)
    };
    if !valid(year, month, day, hour, minute, second) {
        return None;
    }
    let offset = offset_seconds(zone)?;
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(from_epoch_seconds(seconds))
}

/// RFC 2822 / RFC 822 as RSS writes it: `Fri, 11 Sep 2026 07:30:48 +0000`
/// (weekday optional, seconds optional, named zones `GMT`/`UTC`/`EST`…).
pub fn rfc2822_to_rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    let text = match text.find(',') {
        Some(at) => &text[at + 1..],
        None => text,
    };
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() < 4 {
        return None;
    }
    let day = number(parts[0])? as u32;
    let month = match parts[1].get(..3)?.to_ascii_lowercase().as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    let mut year = number(parts[2])?;
    if year < 100 {
        year += if year < 50 { 2000 } else { 1900 };
    }
    let clock: Vec<&str> = parts[3].split(':').collect();
    let hour = number(clock.first()?)?;
    let minute = number(clock.get(1)?)?;
    let second = clock.get(2).map(|s| number(s)).unwrap_or(Some(0))?;
    let offset = match parts.get(4).copied().unwrap_or("") {
        "EST" => -5 * 3600,
        "EDT" => -4 * 3600,
        "CST" => -6 * 3600,
        "CDT" => -5 * 3600,
        "MST" => -7 * 3600,
        "MDT" => -6 * 3600,
        "PST" => -8 * 3600,
        "PDT" => -7 * 3600,
        zone => offset_seconds(zone)?,
    };
    if !valid(year, month, day, hour, minute, second) {
        return None;
    }
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(from_epoch_seconds(seconds))
}

/// Any of the forms above, tried in turn; a string of digits is an epoch
/// (seconds or milliseconds).
pub fn to_rfc3339(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(value) = number(text) {
        return Some(from_epoch_auto(value));
    }
    iso_to_rfc3339(text).or_else(|| rfc2822_to_rfc3339(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs() {
        assert_eq!(from_epoch_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(from_epoch_seconds(1_790_265_606), "2026-09-24T16:00:06Z");
        assert_eq!(from_epoch_millis(1_782_214_185_805), "2026-06-23T11:29:45Z");
        assert_eq!(from_epoch_auto(1_782_214_185_805), "2026-06-23T11:29:45Z");
        assert_eq!(from_epoch_auto(1_790_265_606), "2026-09-24T16:00:06Z");
        assert_eq!(from_epoch_seconds(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            iso_to_rfc3339("2026-09-24T13:34:54-04:00").unwrap(),
            "2026-09-24T17:34:54Z"
        );
        assert_eq!(
            iso_to_rfc3339("2026-09-24T16:00:06+00:00").unwrap(),
            "2026-09-24T16:00:06Z"
        );
        assert_eq!(
            iso_to_rfc3339("2026-09-21T12:55:11").unwrap(),
            "2026-09-21T12:55:11Z"
        );
        assert_eq!(
            iso_to_rfc3339("2026-09-01T15:00:57.000Z").unwrap(),
            "2026-09-01T15:00:57Z"
        );
        assert_eq!(
            iso_to_rfc3339("2026-09-18 12:55:59 UTC").unwrap(),
            "2026-09-18T12:55:59Z"
        );
        assert_eq!(
            iso_to_rfc3339("2026-09-18T23:30:00.123456+0530").unwrap(),
            "2026-09-18T18:00:00Z"
        );
        assert_eq!(
            iso_to_rfc3339("2027-03-02").unwrap(),
            "2027-03-02T00:00:00Z"
        );
        // Crossing midnight and a year boundary through the offset.
        assert_eq!(
            iso_to_rfc3339("2026-12-31T22:00:00-04:00").unwrap(),
            "2027-01-01T02:00:00Z"
        );
        assert_eq!(iso_to_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(iso_to_rfc3339("Posted 4 Days Ago"), None);
        assert_eq!(iso_to_rfc3339("2026-09-18T12"), None);
        // Days past the month's end are refused, not rolled over.
        assert_eq!(iso_to_rfc3339("2026-02-30"), None);
        assert_eq!(iso_to_rfc3339("2026-04-31"), None);
        assert_eq!(iso_to_rfc3339("2028-02-29").unwrap(), "2028-02-29T00:00:00Z");
        // Non-ASCII where digits belong is refused, not sliced through.
        assert_eq!(iso_to_rfc3339("2026-09-1é"), None);
        assert_eq!(iso_to_rfc3339("2026-09-18T10:1é"), None);
    }

    #[test]
    fn rfc2822_forms() {
        assert_eq!(
            rfc2822_to_rfc3339("Fri, 11 Sep 2026 07:30:48 +0000").unwrap(),
            "2026-09-11T07:30:48Z"
        );
        assert_eq!(
            rfc2822_to_rfc3339("11 Sep 2026 07:30 GMT").unwrap(),
            "2026-09-11T07:30:00Z"
        );
        assert_eq!(
            rfc2822_to_rfc3339("Fri, 11 Sep 2026 23:30:48 EST").unwrap(),
            "2026-09-12T04:30:48Z"
        );
        assert_eq!(rfc2822_to_rfc3339("Fri, 11 Foo 2026 07:30:48 +0000"), None);
    }

    #[test]
    fn any_form() {
        assert_eq!(to_rfc3339("1790265606").unwrap(), "2026-09-24T16:00:06Z");
        assert_eq!(
            to_rfc3339(" Fri, 11 Sep 2026 07:30:48 +0000 ").unwrap(),
            "2026-09-11T07:30:48Z"
        );
        assert_eq!(
            to_rfc3339("2026-09-18 12:55:59 UTC").unwrap(),
            "2026-09-18T12:55:59Z"
        );
        assert_eq!(to_rfc3339(""), None);
    }
}
