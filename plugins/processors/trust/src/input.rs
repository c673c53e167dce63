//! The `structured` input of the `trust` processor (docs/processors.md, `trust`)
//! as typed fields. An absent or blank value means "not known"; a value that is
//! present but unreadable is an error naming the key, so host bugs surface.

use std::collections::BTreeSet;

use jobscout_contracts::structured::from_pairs;
use jobscout_contracts::trust::Input;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// `field!(input.job_url)`: a field of the contract's input with its wire name.
macro_rules! field {
    ($input:ident . $name:ident) => {
        Field::new(stringify!($name), &$input.$name)
    };
}

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
    /// Reads the `structured` pairs (`jobscout_contracts::trust::Input`). Unknown
    /// keys are ignored (the host may send more in a later version); a key given
    /// twice is refused as ambiguous.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<TrustInput, InputError> {
        let mut seen = BTreeSet::new();
        for (key, _) in pairs {
            if !seen.insert(key.as_str()) {
                return Err(InputError(format!(
                    "`{key}` is given twice: pass each key at most once"
                )));
            }
        }
        let input: Input = from_pairs(pairs).map_err(InputError)?;
        let now = field!(input.now).date()?.ok_or_else(|| {
            InputError(
                "`now` is missing: pass the time the report is computed at, as RFC 3339 (e.g. 2026-11-27T12:00:00Z)"
                    .to_string(),
            )
        })?;
        Ok(TrustInput {
            now,
            job_url: field!(input.job_url).text(),
            apply_url: field!(input.apply_url).text(),
            company_website: field!(input.company_website).text(),
            description_text: field!(input.description_text).text(),
            html: field!(input.html).text(),
            source: field!(input.source)
                .text()
                .map(|source| source.to_lowercase()),
            posted_at: field!(input.posted_at).date()?,
            valid_through: field!(input.valid_through).date()?,
            link: LinkCheck {
                status: field!(input.link_status).link_status()?,
                tested: field!(input.link_tested).flag()?,
                final_url: field!(input.link_final_url).text(),
                redirects: field!(input.link_redirects).count()?,
                http_status: field!(input.link_http_status).http_status()?,
                login_required: field!(input.link_login_required).flag()?,
            },
            community: Community {
                reports_total: field!(input.reports_total).count()?,
                accurate_total: field!(input.accurate_total).count()?,
                inaccurate_total: field!(input.inaccurate_total).count()?,
                reports_scam: field!(input.reports_scam).count()?,
                reports_ghost: field!(input.reports_ghost).count()?,
                reports_expired: field!(input.reports_expired).count()?,
            },
        })
    }
}

/// One field of the contract's input: its key on the wire (the field's name) and
/// its value, a blank one dropped.
struct Field<'a> {
    key: &'static str,
    value: Option<&'a str>,
}

impl<'a> Field<'a> {
    fn new(key: &'static str, value: &'a Option<String>) -> Field<'a> {
        Field {
            key,
            value: value
                .as_deref()
                .map(str::trim)
                .filter(|value| !value.is_empty()),
        }
    }

    fn text(&self) -> Option<String> {
        self.value.map(str::to_string)
    }

    /// RFC 3339, or a bare `YYYY-MM-DD` (midnight UTC), which some job pages give.
    fn date(&self) -> Result<Option<OffsetDateTime>, InputError> {
        let (key, Some(value)) = (self.key, self.value) else {
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

    fn count(&self) -> Result<u32, InputError> {
        let key = self.key;
        match self.value {
            None => Ok(0),
            Some(value) => value.parse::<u32>().map_err(|_| {
                InputError(format!(
                    "`{key}` must be a whole number of 0 or more, got {value:?}"
                ))
            }),
        }
    }

    fn flag(&self) -> Result<bool, InputError> {
        let key = self.key;
        match self.value {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(value) => Err(InputError(format!(
                "`{key}` must be true or false, got {value:?}"
            ))),
        }
    }

    fn http_status(&self) -> Result<Option<u16>, InputError> {
        let (key, Some(value)) = (self.key, self.value) else {
            return Ok(None);
        };
        match value.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Ok(Some(code)),
            _ => Err(InputError(format!(
                "`{key}` must be an HTTP status code between 100 and 599, got {value:?}"
            ))),
        }
    }

    fn link_status(&self) -> Result<Option<LinkStatus>, InputError> {
        let key = self.key;
        match self.value {
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
    fn reads_the_pairs_the_host_builds_from_the_contract() {
        let sent = Input {
            now: Some("2026-11-27T12:00:00Z".into()),
            link_status: Some("valid".into()),
            link_tested: Some("true".into()),
            link_redirects: Some("1".into()),
            link_http_status: Some("200".into()),
            reports_expired: Some("2".into()),
            ..Input::default()
        };
        let pairs = jobscout_contracts::structured::to_pairs(&sent);
        let input = TrustInput::from_pairs(&pairs).unwrap();
        assert_eq!(input.link.status, Some(LinkStatus::Valid));
        assert!(input.link.tested);
        assert_eq!(input.link.redirects, 1);
        assert_eq!(input.link.http_status, Some(200));
        assert_eq!(input.community.reports_expired, 2);
        let wrong = Input {
            reports_scam: Some("many".into()),
            ..sent
        };
        assert_eq!(
            TrustInput::from_pairs(&jobscout_contracts::structured::to_pairs(&wrong))
                .unwrap_err()
                .0,
            "`reports_scam` must be a whole number of 0 or more, got \"many\"",
            "the message names the contract's field"
        );
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
