//! Workday career sites (`POST /wday/cxs/{tenant}/{site}/jobs`) → postings. The
//! list gives a relative path, a relative date ("Posted 4 Days Ago") and the
//! requisition id only in `bulletFields`; no description or salary.

use jobscout_plugin_sdk::parse::{date, posting, text};
use jobscout_plugin_sdk::JobPosting;
use serde_json::Value;

/// A configured career site: `https://{tenant}.{wdN}.myworkdayjobs.com/{site}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// `https://nvidia.wd5.myworkdayjobs.com`
    pub origin: String,
    pub tenant: String,
    pub site: String,
}

impl Site {
    pub fn parse(url: &str) -> Result<Site, String> {
        let (scheme, rest) = url
            .trim()
            .split_once("://")
            .ok_or_else(|| format!("{url} is not a URL"))?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        // The path may carry a locale first (`/en-US/External`).
        let site = path
            .split('/')
            .filter(|part| !part.is_empty())
            .find(|part| !(part.len() == 5 && part.as_bytes()[2] == b'-'))
            .ok_or_else(|| {
                format!(
                    "{url} names no career site (https://<tenant>.wdN.myworkdayjobs.com/<site>)"
                )
            })?;
        let tenant = host.split('.').next().unwrap_or_default();
        if tenant.is_empty() {
            return Err(format!("{url} has no host"));
        }
        Ok(Site {
            origin: format!("{scheme}://{host}"),
            tenant: tenant.to_string(),
            site: site.to_string(),
        })
    }

    /// The jobs endpoint, at `base` (the real origin, or a test server).
    pub fn api_url(&self, base: Option<&str>) -> String {
        format!(
            "{}/wday/cxs/{}/{}/jobs",
            base.unwrap_or(&self.origin),
            self.tenant,
            self.site
        )
    }
}

/// Days ago for "Posted Today", "Posted Yesterday", "Posted 4 Days Ago"; `None`
/// for "Posted 30+ Days Ago" (only a lower bound).
pub fn days_ago(posted_on: &str) -> Option<i64> {
    let lower = posted_on.to_ascii_lowercase();
    if lower.contains("today") {
        return Some(0);
    }
    if lower.contains("yesterday") {
        return Some(1);
    }
    if lower.contains('+') {
        return None;
    }
    lower
        .split_whitespace()
        .find_map(|word| word.parse::<i64>().ok())
}

/// The answer's bytes → [`postings`]; the fixture tests start here.
pub fn parse(body: &[u8], site: &Site, now: i64) -> Result<Vec<JobPosting>, String> {
    postings(
        &serde_json::from_slice(body).map_err(|error| error.to_string())?,
        site,
        now,
    )
}

/// `now` is Unix seconds, to turn relative dates into absolute ones.
pub fn postings(root: &Value, site: &Site, now: i64) -> Result<Vec<JobPosting>, String> {
    let jobs = root
        .get("jobPostings")
        .and_then(Value::as_array)
        .ok_or("no `jobPostings` array")?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (Some(title), Some(path)) = (
            job.get("title").and_then(Value::as_str),
            job.get("externalPath").and_then(Value::as_str),
        ) else {
            continue;
        };
        let requisition = job
            .get("bulletFields")
            .and_then(Value::as_array)
            .and_then(|fields| fields.first())
            .and_then(Value::as_str)
            .map(str::to_string);
        let url = format!("{}/{}{}", site.origin, site.site, path);
        let id = requisition.clone().unwrap_or_else(|| path.to_string());
        let company = {
            let mut chars = site.tenant.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        };
        let mut item = posting(id, text::squash(title), company, url);
        // "2 Locations" is a count, not a place.
        let locations_text = job
            .get("locationsText")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        let is_count = locations_text.ends_with("Locations")
            && locations_text
                .split_whitespace()
                .next()
                .is_some_and(|n| n.parse::<u32>().is_ok());
        if !locations_text.is_empty() && !is_count {
            item.locations.push(locations_text.to_string());
        }
        item.work_mode = text::work_mode(&format!("{locations_text} {path}"));
        if let Some(posted_on) = job.get("postedOn").and_then(Value::as_str) {
            item.posted_at =
                days_ago(posted_on).map(|days| date::from_epoch_seconds(now - days * 86_400));
            item.extra
                .push(("posted_on".to_string(), posted_on.to_string()));
        }
        if let Some(requisition) = requisition {
            item.extra.push(("requisition_id".to_string(), requisition));
        }
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::WorkMode;

    const NOW: i64 = 1_790_265_606; // 2026-09-24T16:00:06Z

    #[test]
    fn recorded_postings() {
        let site = Site::parse("https://acme.wd5.myworkdayjobs.com/en-US/External").unwrap();
        for (label, body) in
            fixtures::load(env!("CARGO_MANIFEST_DIR"), "workday.json", "workday.json")
        {
            let jobs = parse(&body, &site, NOW).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(
                first.source_id, "JR2021061",
                "{label}: the req id from bulletFields"
            );
            assert_eq!(first.title, "Director, Engineering – Software Engineering");
            assert_eq!(first.company, "Acme");
            assert_eq!(first.listing_url, "https://acme.wd5.myworkdayjobs.com/External/job/Vietnam-Hanoi/Director--Engineering---Software-Engineering_JR2021061");
            assert!(
                first.locations.is_empty(),
                "{label}: \"2 Locations\" is a count"
            );
            assert_eq!(first.posted_at, None, "{label}: 30+ days is only a bound");
            assert!(first
                .extra
                .contains(&("posted_on".to_string(), "Posted 30+ Days Ago".to_string())));
            let second = &jobs[1];
            assert_eq!(second.source_id, "JR2026094");
            assert_eq!(
                second.posted_at.as_deref(),
                Some("2026-09-20T16:00:06Z"),
                "{label}: 4 days before now"
            );
            assert_eq!(
                second.work_mode,
                WorkMode::Remote,
                "{label}: Poland-Remote in the path"
            );
        }
    }

    #[test]
    fn sites_and_dates() {
        let site =
            Site::parse("https://nvidia.wd5.myworkdayjobs.com/NVIDIAExternalCareerSite").unwrap();
        assert_eq!(
            (site.tenant.as_str(), site.site.as_str()),
            ("nvidia", "NVIDIAExternalCareerSite")
        );
        assert_eq!(
            site.api_url(None),
            "https://nvidia.wd5.myworkdayjobs.com/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs"
        );
        assert_eq!(
            site.api_url(Some("http://127.0.0.1:9")),
            "http://127.0.0.1:9/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs"
        );
        assert!(Site::parse("https://nvidia.wd5.myworkdayjobs.com/").is_err());
        assert_eq!(days_ago("Posted Today"), Some(0));
        assert_eq!(days_ago("Posted Yesterday"), Some(1));
        assert_eq!(days_ago("Posted 4 Days Ago"), Some(4));
        assert_eq!(days_ago("Posted 30+ Days Ago"), None);
        assert!(parse(br#"{"total":0}"#, &site, NOW).is_err());
    }
}
