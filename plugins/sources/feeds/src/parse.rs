//! RSS 2.0 and Atom job feeds → postings. Tuned on We Work Remotely: titles read
//! "Company: Role", `<region>`/`<category>` are non-standard, and the HTML
//! description is entity-escaped inside the XML (sometimes twice).

use jobscout_plugin_sdk::parse::{date, html, posting, salary, text};
use jobscout_plugin_sdk::{JobPosting, WorkMode};
use roxmltree::{Document, Node};

fn child_text<'a>(node: Node<'a, 'a>, name: &str) -> Option<String> {
    node.children()
        .find(|child| child.is_element() && child.tag_name().name() == name)
        .and_then(|child| child.text())
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

fn children_text<'a>(node: Node<'a, 'a>, name: &str) -> Vec<String> {
    node.children()
        .filter(|child| child.is_element() && child.tag_name().name() == name)
        .filter_map(|child| child.text().map(text::squash))
        .filter(|text| !text.is_empty())
        .collect()
}

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

/// `all_remote`: the feed lists only remote jobs, so unknown work modes are remote.
pub fn parse(body: &[u8], feed_url: &str, all_remote: bool) -> Result<Vec<JobPosting>, String> {
    let xml = std::str::from_utf8(body).map_err(|error| format!("feed is not UTF-8: {error}"))?;
    let document = Document::parse(xml).map_err(|error| format!("feed is not XML: {error}"))?;
    let root = document.root_element();
    let fallback_company = feed_url
        .split('/')
        .nth(2)
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_string();
    let mut out = Vec::new();
    let entries: Vec<Node> = match root.tag_name().name() {
        "rss" | "RDF" => root
            .descendants()
            .filter(|node| node.is_element() && node.tag_name().name() == "item")
            .collect(),
        "feed" => root
            .children()
            .filter(|node| node.is_element() && node.tag_name().name() == "entry")
            .collect(),
        other => return Err(format!("not an RSS or Atom feed (root element <{other}>)")),
    };
    for entry in entries {
        let Some(title) = child_text(entry, "title") else {
            continue;
        };
        // Atom links are attributes; RSS links are text.
        let link = child_text(entry, "link").or_else(|| {
            entry
                .children()
                .filter(|child| child.is_element() && child.tag_name().name() == "link")
                .find(|child| child.attribute("rel").is_none_or(|rel| rel == "alternate"))
                .and_then(|child| child.attribute("href"))
                .map(str::to_string)
        });
        let id = child_text(entry, "guid")
            .or_else(|| child_text(entry, "id"))
            .or_else(|| link.clone());
        let (Some(id), Some(link)) = (id, link) else {
            continue;
        };
        let (mut company, role) = split_title(&html::decode_entities(&title), &fallback_company);
        if let Some(author) = entry
            .children()
            .find(|child| child.tag_name().name() == "author")
            .and_then(|author| child_text(author, "name"))
        {
            company = author;
        }
        let mut item = posting(id, role, company, link);
        // XML unescaping leaves the HTML markup; its own entities are decoded by to_text.
        let markup = child_text(entry, "description")
            .or_else(|| child_text(entry, "encoded"))
            .or_else(|| child_text(entry, "content"))
            .or_else(|| child_text(entry, "summary"));
        if let Some(markup) = markup {
            let plain = html::to_text(&markup);
            item.salary = salary::parse(&plain);
            if let Some(hq) = headquarters(&plain) {
                item.extra.push(("headquarters".to_string(), hq));
            }
            item.description_text = Some(plain);
            item.description_html = Some(markup);
        }
        let region = child_text(entry, "region");
        item.locations = region.iter().cloned().collect();
        item.tags = children_text(entry, "category");
        let mode_hint = format!("{} {}", item.title, region.unwrap_or_default());
        item.work_mode = match text::work_mode(&mode_hint) {
            WorkMode::Unknown if all_remote => WorkMode::Remote,
            mode => mode,
        };
        item.posted_at = child_text(entry, "pubDate")
            .or_else(|| child_text(entry, "published"))
            .or_else(|| child_text(entry, "updated"))
            .or_else(|| child_text(entry, "date"))
            .and_then(|when| date::to_rfc3339(&when));
        item.extra.push(("feed".to_string(), feed_url.to_string()));
        out.push(item);
    }
    Ok(out)
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
