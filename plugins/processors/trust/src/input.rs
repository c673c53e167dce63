//! The `structured` input of the `trust` processor (docs/processors.md, `trust`)
//! as typed fields. An absent or blank value means "not known"; a value that is
//! present but unreadable is an error naming the key, so host bugs surface.

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// What the host found when it checked the apply link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Valid,
    Broken,
    Missing,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkCheck {
    /// `None` when the host passed no status (the link was not checked).
    pub status: Option<LinkStatus>,
    /// The host fetched the link for this report (not a cached status).
    pub tested: bool,
    pub final_url: Option<String>,
    pub redirects: u32,
    pub http_status: Option<u16>,
    pub login_required: bool,
}

/// Community feedback counters for the job target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Community {
    pub reports_total: u32,
    pub accurate_total: u32,
    pub inaccurate_total: u32,
    pub reports_scam: u32,
    pub reports_ghost: u32,
    pub reports_expired: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustInput {
    pub now: OffsetDateTime,
    pub job_url: Option<String>,
    pub apply_url: Option<String>,
    pub company_website: Option<String>,
    pub description_text: Option<String>,
    pub html: Option<String>,
    pub source: Option<String>,
    pub posted_at: Option<OffsetDateTime>,
    pub valid_through: Option<OffsetDateTime>,
    pub link: LinkCheck,
    pub community: Community,
}

/// An input the processor cannot read; the message names the key and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl TrustInput {
    /// Reads the `structured` pairs. Unknown keys are ignored (the host may send
    /// more in a later version); a key given twice is refused as ambiguous.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<TrustInput, InputError> {
        let fields = Fields::new(pairs)?;
        let now = fields.date("now")?.ok_or_else(|| {
            InputError(
                "`now` is missing: pass the time the report is computed at, as RFC 3339 (e.g. 2026-11-27T12:00:00Z)"
                    .to_string(),
            )
        })?;
        Ok(TrustInput {
            now,
            job_url: fields.text("job_url"),
            apply_url: fields.text("apply_url"),
            company_website: fields.text("company_website"),
            description_text: fields.text("description_text"),
            html: fields.text("html"),
            source: fields.text("source").map(|source| source.to_lowercase()),
            posted_at: fields.date("posted_at")?,
            valid_through: fields.date("valid_through")?,
            link: LinkCheck {
                status: fields.link_status("link_status")?,
                tested: fields.flag("link_tested")?,
                final_url: fields.text("link_final_url"),
                redirects: fields.count("link_redirects")?,
                http_status: fields.http_status("link_http_status")?,
                login_required: fields.flag("link_login_required")?,
            },
            community: Community {
                reports_total: fields.count("reports_total")?,
                accurate_total: fields.count("accurate_total")?,
                inaccurate_total: fields.count("inaccurate_total")?,
                reports_scam: fields.count("reports_scam")?,
                reports_ghost: fields.count("reports_ghost")?,
                reports_expired: fields.count("reports_expired")?,
            },
        })
    }
}

/// The pairs by key, blank values dropped.
struct Fields<'a> {
    values: BTreeMap<&'a str, &'a str>,
}

impl<'a> Fields<'a> {
    fn new(pairs: &'a [(String, String)]) -> Result<Fields<'a>, InputError> {
        let mut values = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for (key, value) in pairs {
            if !seen.insert(key.as_str()) {
                return Err(InputError(format!(
                    "`{key}` is given twice: pass each key at most once"
                )));
            }
            let value = value.trim();
            if !value.is_empty() {
                values.insert(key.as_str(), value);
            }
        }
        Ok(Fields { values })
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.values.get(key).copied()
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    /// RFC 3339, or a bare `YYYY-MM-DD` (midnight UTC), which some job pages give.
    fn date(&self, key: &str) -> Result<Option<OffsetDateTime>, InputError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        if let Ok(moment) = OffsetDateTime::parse(value, &Rfc3339) {
            return Ok(Some(moment));
        }
        Date::parse(value, format_description!("[year]-[month]-[day]"))
            .map(|date| Some(date.midnight().assume_utc()))
            .map_err(|_| {
                InputError(format!(
                    "`{key}` is not a date: expected RFC 3339 such as 2026-11-01T00:00:00Z, got {value:?}"
                ))
            })
    }

    fn count(&self, key: &str) -> Result<u32, InputError> {
        match self.get(key) {
            None => Ok(0),
            Some(value) => value.parse::<u32>().map_err(|_| {
                InputError(format!(
                    "`{key}` must be a whole number of 0 or more, got {value:?}"
                ))
            }),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, InputError> {
        match self.get(key) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(value) => Err(InputError(format!(
                "`{key}` must be true or false, got {value:?}"
            ))),
        }
    }

    fn http_status(&self, key: &str) -> Result<Option<u16>, InputError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Ok(Some(code)),
            _ => Err(InputError(format!(
                "`{key}` must be an HTTP status code between 100 and 599, got {value:?}"
            ))),
        }
    }

    fn link_status(&self, key: &str) -> Result<Option<LinkStatus>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some("valid") => Ok(Some(LinkStatus::Valid)),
            Some("broken") => Ok(Some(LinkStatus::Broken)),
            Some("missing") => Ok(Some(LinkStatus::Missing)),
            Some(value) => Err(InputError(format!(
                "`{key}` must be valid, broken or missing, got {value:?}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    fn error(list: &[(&str, &str)]) -> String {
        TrustInput::from_pairs(&pairs(list)).unwrap_err().0
    }

    #[test]
    fn reads_every_key_into_typed_fields() {
        let input = TrustInput::from_pairs(&pairs(&[
            ("now", "2026-11-27T12:00:00Z"),
            ("job_url", " https://acme.com/jobs/1 "),
            ("source", "Remotive"),
            ("posted_at", "2026-11-01"),
            ("valid_through", "2026-12-31T00:00:00+01:00"),
            ("link_status", "broken"),
            ("link_tested", "true"),
            ("link_redirects", "2"),
            ("link_http_status", "404"),
            ("reports_total", "3"),
            ("inaccurate_total", "1"),
            ("html", "   "),
            ("future_key", "ignored"),
        ]))
        .unwrap();
        assert_eq!(input.now.unix_timestamp(), 1_795_780_800);
        assert_eq!(input.job_url.as_deref(), Some("https://acme.com/jobs/1"));
        assert_eq!(input.source.as_deref(), Some("remotive"));
        assert_eq!(input.posted_at.unwrap().unix_timestamp(), 1_793_491_200);
        assert_eq!(input.valid_through.unwrap().unix_timestamp(), 1_798_671_600);
        assert_eq!(input.link.status, Some(LinkStatus::Broken));
        assert!(input.link.tested);
        assert_eq!(input.link.redirects, 2);
        assert_eq!(input.link.http_status, Some(404));
        assert_eq!(input.community.reports_total, 3);
        assert_eq!(input.community.inaccurate_total, 1);
        assert_eq!(input.html, None, "a blank value means not known");
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        assert!(error(&[]).starts_with("`now` is missing"));
        assert!(error(&[("now", "yesterday")]).starts_with("`now` is not a date"));
        let now = ("now", "2026-11-27T12:00:00Z");
        assert_eq!(
            error(&[now, ("link_redirects", "two")]),
            "`link_redirects` must be a whole number of 0 or more, got \"two\""
        );
        assert!(error(&[now, ("reports_total", "-1")]).starts_with("`reports_total` must be"));
        assert!(error(&[now, ("link_tested", "yes")])
            .starts_with("`link_tested` must be true or false"));
        assert!(error(&[now, ("link_http_status", "99")])
            .starts_with("`link_http_status` must be an HTTP status"));
        assert!(error(&[now, ("link_status", "ok")])
            .starts_with("`link_status` must be valid, broken or missing"));
        assert!(error(&[now, ("posted_at", "01/11/2026")]).starts_with("`posted_at` is not a date"));
        assert_eq!(
            error(&[now, ("job_url", "a"), ("job_url", "b")]),
            "`job_url` is given twice: pass each key at most once"
        );
    }
}
