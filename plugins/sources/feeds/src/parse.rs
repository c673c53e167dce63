//! RSS 2.0, RDF and Atom job feeds → postings. The feed itself is read by the
//! SDK (`parse::feed`); this is the job-board reading of it, tuned on We Work
//! Remotely: titles read "Company: Role", `<region>` is non-standard, and the
//! HTML description is entity-escaped inside the XML (sometimes twice).

use jobscout_plugin_sdk::parse::feed::{Feed, FeedKind};
use jobscout_plugin_sdk::parse::{html, posting, response, salary, text};
use jobscout_plugin_sdk::{JobPosting, SourceError, WorkMode};

/// "Company: Role" → (company, role); a title without the prefix keeps `fallback` as company.
fn split_title(title: &str, fallback: &str) -> (String, String) {
    match title.split_once(": ") {
        Some((company, role)) if !company.trim().is_empty() && !role.trim().is_empty() => {
            (company.trim().to_string(), role.trim().to_string())
        }
        _ => (fallback.to_string(), title.trim().to_string()),
    }
}

/// The "Headquarters:" line We Work Remotely puts first in each description.
fn headquarters(description_text: &str) -> Option<String> {
    description_text
        .lines()
        .find_map(|line| line.strip_prefix("Headquarters:"))
        .map(str::trim)
        .filter(|hq| !hq.is_empty())
        .map(str::to_string)
}

/// The feed's bytes → postings, as [`postings`] after the SDK's charset and feed
/// parsing (what `fetch::get_feed` does); the fixture tests start here.
pub fn parse(
    body: &[u8],
    feed_url: &str,
    all_remote: bool,
) -> Result<Vec<JobPosting>, SourceError> {
    response::decode_feed(body, &[], feed_url).map(|feed| postings(&feed, feed_url, all_remote))
}

/// `all_remote`: the feed lists only remote jobs, so unknown work modes are
/// remote. Items without a title or a link are skipped.
pub fn postings(feed: &Feed, feed_url: &str, all_remote: bool) -> Vec<JobPosting> {
    let fallback_company = feed_url
        .split('/')
        .nth(2)
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_string();
    let mut out = Vec::new();
    for entry in &feed.items {
        let (Some(title), Some(link)) = (&entry.title, &entry.link) else {
            continue;
        };
        let id = entry.id.clone().unwrap_or_else(|| link.clone());
        let (mut company, role) = split_title(title, &fallback_company);
        // Atom job feeds name the hiring company as the author; an RSS author is
        // the poster's e-mail address, so RSS titles keep "Company: Role".
        if let (FeedKind::Atom, Some(author)) = (feed.kind, &entry.author) {
            company = author.clone();
        }
        let mut item = posting(id, role, company, link.clone());
        // The feed's markup; its own HTML entities are decoded by to_text.
        let markup = match feed.kind {
            FeedKind::Atom => entry.content.as_ref().or(entry.description.as_ref()),
            FeedKind::Rss | FeedKind::Rdf => entry.description.as_ref().or(entry.content.as_ref()),
        };
        if let Some(markup) = markup {
            let plain = html::to_text(markup);
            item.salary = salary::parse(&plain);
            if let Some(hq) = headquarters(&plain) {
                item.extra.push(("headquarters".to_string(), hq));
            }
            item.description_text = Some(plain);
            item.description_html = Some(markup.clone());
        }
        let region = entry.element("region").map(text::squash);
        item.locations = region.iter().cloned().collect();
        item.tags = entry.categories.clone();
        let mode_hint = format!("{} {}", item.title, region.unwrap_or_default());
        item.work_mode = match text::work_mode(&mode_hint) {
            WorkMode::Unknown if all_remote => WorkMode::Remote,
            mode => mode,
        };
        item.posted_at = entry.published.clone().or_else(|| entry.updated.clone());
        item.extra.push(("feed".to_string(), feed_url.to_string()));
        out.push(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobscout_plugin_sdk::parse::fixtures;
    use jobscout_plugin_sdk::SalaryPeriod;

    const FEED: &str = "https://weworkremotely.com/categories/remote-programming-jobs.rss";

    #[test]
    fn recorded_rss() {
        for (label, body) in fixtures::load(
            env!("CARGO_MANIFEST_DIR"),
            "weworkremotely.rss",
            "weworkremotely.rss",
        ) {
            let jobs = parse(&body, FEED, true).unwrap();
            assert_eq!(jobs.len(), 2, "{label}");
            let first = &jobs[0];
            assert_eq!(
                first.source_id,
                "https://weworkremotely.com/remote-jobs/fin-solutions-architect-spanish-speaking"
            );
            assert_eq!(first.listing_url, first.source_id);
            assert_eq!(
                (first.company.as_str(), first.title.as_str()),
                ("Fin", "Solutions Architect -Spanish Speaking")
            );
            assert_eq!(first.locations, ["Anywhere in the World"]);
            assert_eq!(
                first.work_mode,
                WorkMode::Remote,
                "{label}: a remote-only feed"
            );
            assert_eq!(first.tags, ["Full-Stack Programming"]);
            assert_eq!(
                first.posted_at.as_deref(),
                Some("2026-09-11T07:30:48Z"),
                "{label}: RFC 822"
            );
            let text = first.description_text.as_deref().unwrap();
            assert!(
                text.starts_with("Headquarters: NYC, Remote; San Francisco, California\nFin, now part of Salesforce"),
                "{label}: {text}"
            );
            // Double-escaped in the feed (`&amp;amp;D`): XML, then HTML unescaping gives the meant text.
            assert!(text.contains("Product, R&D, and Engineering"), "{label}");
            assert!(
                !text.contains("&lt;") && !text.contains("&nbsp;"),
                "{label}"
            );
            let pay = first.salary.as_ref().unwrap();
            assert_eq!(
                (pay.min, pay.max, pay.currency.as_deref(), pay.period),
                (
                    Some(190800.0),
                    Some(227900.0),
                    Some("USD"),
                    Some(SalaryPeriod::Year)
                ),
                "{label}"
            );
            assert!(first.extra.contains(&(
                "headquarters".to_string(),
                "NYC, Remote; San Francisco, California".to_string()
            )));
            let second = &jobs[1];
            assert_eq!(
                (second.company.as_str(), second.title.as_str()),
                ("Toptal", "Power Platform Solutions Architect")
            );
            assert_eq!(second.locations, ["North America Only"]);
            assert!(
                !second.extra.iter().any(|(key, _)| key == "headquarters"),
                "{label}: empty Headquarters"
            );
            assert!(second.salary.is_none());
            assert_eq!(second.posted_at.as_deref(), Some("2026-09-10T21:30:33Z"));
        }
    }

    #[test]
    fn atom_and_errors() {
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title>
            <entry><title>Rust Engineer (Hybrid)</title><link rel="alternate" href="https://acme.example/jobs/1"/>
            <id>urn:acme:1</id><updated>2026-09-01T10:00:00+02:00</updated><author><name>Acme</name></author>
            <summary type="html">&lt;p&gt;Build things for &#8364;80k&lt;/p&gt;</summary></entry></feed>"#;
        let jobs = parse(atom.as_bytes(), "https://acme.example/jobs.atom", false).unwrap();
        assert_eq!(jobs.len(), 1);
        let job = &jobs[0];
        assert_eq!(
            (
                job.source_id.as_str(),
                job.company.as_str(),
                job.title.as_str()
            ),
            ("urn:acme:1", "Acme", "Rust Engineer (Hybrid)")
        );
        assert_eq!(job.listing_url, "https://acme.example/jobs/1");
        assert_eq!(job.work_mode, WorkMode::Hybrid);
        assert_eq!(job.posted_at.as_deref(), Some("2026-09-01T08:00:00Z"));
        assert_eq!(
            job.description_text.as_deref(),
            Some("Build things for €80k")
        );
        assert_eq!(job.salary.as_ref().unwrap().min, Some(80000.0));
        assert!(parse(b"<html><body/></html>", "https://x/", false).is_err());
        assert!(parse(b"{\"jobs\":[]}", "https://x/", false).is_err());
        // An RSS title without "Company: " keeps the feed's host as company.
        let rss = br#"<rss><channel><item><title>Backend Dev</title><link>https://jobs.example.org/2</link></item></channel></rss>"#;
        let jobs = parse(rss, "https://www.example.org/feed.rss", false).unwrap();
        assert_eq!(
            (jobs[0].company.as_str(), jobs[0].work_mode),
            ("example.org", WorkMode::Unknown)
        );
    }
}
