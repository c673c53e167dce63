//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds → a typed [`Feed`].
//!
//! Elements are matched by local name, so namespaced forms (`dc:date`,
//! `content:encoded`, `atom:link`) and feeds that declare no namespaces both
//! work. Text is XML-unescaped and CDATA unwrapped; descriptions stay the markup
//! the feed meant (`&lt;p&gt;` and `<![CDATA[<p>]]>` both give `<p>`), so
//! [`html::to_text`](crate::parse::html::to_text) makes plain text of them.
//! Decoding bytes (charset) is [`parse::charset`](crate::parse::charset)'s job;
//! [`response::decode_feed`](crate::parse::response::decode_feed) does both.

use roxmltree::{Document, Node, ParsingOptions};

use crate::parse::{date, html, text};

/// Which of the three formats a feed is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedKind {
    /// `<rss version="2.0">` (also 0.9x).
    Rss,
    /// RSS 1.0: `<rdf:RDF>` with `<item rdf:about="…">` beside the channel.
    Rdf,
    /// `<feed xmlns="http://www.w3.org/2005/Atom">`.
    Atom,
}

/// A parsed feed: the channel's title and link, and its items in document order.
#[derive(Clone, Debug, PartialEq)]
pub struct Feed {
    pub kind: FeedKind,
    pub title: Option<String>,
    /// The site the feed belongs to (RSS `<link>`, Atom `<link rel="alternate">`).
    pub link: Option<String>,
    pub items: Vec<Item>,
}

/// One RSS `<item>` or Atom `<entry>`. Every field is optional because feeds
/// omit any of them; text fields are trimmed and `None` when blank.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    /// RSS `<guid>`, Atom `<id>`, RDF `rdf:about`.
    pub id: Option<String>,
    /// Plain text: HTML entities decoded too, since feeds often escape titles
    /// twice (`&amp;amp;`), and an Atom `type="html"` title without its tags.
    pub title: Option<String>,
    /// RSS `<link>` text, or an Atom `<link href>` with `rel="alternate"` or no `rel`.
    pub link: Option<String>,
    /// RSS `<description>`, Atom `<summary>`: markup, as the feed meant it.
    pub description: Option<String>,
    /// `<content:encoded>`, Atom `<content>` (an inline `type="xhtml"` one as its markup).
    pub content: Option<String>,
    /// RFC 3339 in UTC, from RSS `<pubDate>`, Atom `<published>`, `<dc:date>` or
    /// `<dc:issued>`; `None` when absent or not a date.
    pub published: Option<String>,
    /// RFC 3339 in UTC, from Atom `<updated>` or `<dc:modified>`.
    pub updated: Option<String>,
    /// RSS `<category>` and `<dc:subject>` text, Atom `<category term>` (or `label`).
    pub categories: Vec<String>,
    /// Atom `<author><name>`, RSS `<author>` (an e-mail address, often with a
    /// name) or `<dc:creator>`.
    pub author: Option<String>,
    /// Every other child element that holds only text, by local name, in
    /// document order: the non-standard fields boards add (`region`, `salary`).
    pub elements: Vec<(String, String)>,
}

impl Item {
    /// The text of the first other child element named `name` (see [`Item::elements`]).
    pub fn element(&self, name: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Child elements that [`Item`] maps to its own fields.
const MAPPED: &[&str] = &[
    "guid",
    "id",
    "title",
    "link",
    "description",
    "summary",
    "encoded",
    "content",
    "pubDate",
    "published",
    "date",
    "issued",
    "updated",
    "modified",
    "category",
    "subject",
    "author",
    "creator",
];

/// Parses an RSS 2.0, RDF or Atom document. Errors name what is wrong: not XML
/// (with roxmltree's position), or another root element.
pub fn parse(xml: &str) -> Result<Feed, String> {
    let options = ParsingOptions {
        // RSS 0.91 feeds carry a DOCTYPE; its entities are expanded, nothing is fetched.
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(xml, options)
        .map_err(|error| format!("the feed is not XML: {error}"))?;
    let root = document.root_element();
    let (kind, channel, entries): (FeedKind, Option<Node>, Vec<Node>) = match root.tag_name().name()
    {
        "rss" => (
            FeedKind::Rss,
            children(root, "channel").next(),
            root.descendants()
                .filter(|node| is(*node, "item"))
                .collect(),
        ),
        "RDF" => (
            FeedKind::Rdf,
            children(root, "channel").next(),
            root.descendants()
                .filter(|node| is(*node, "item"))
                .collect(),
        ),
        "feed" => (
            FeedKind::Atom,
            Some(root),
            children(root, "entry").collect(),
        ),
        other => return Err(format!("not an RSS or Atom feed (root element <{other}>)")),
    };
    Ok(Feed {
        kind,
        title: channel.and_then(title),
        link: channel.and_then(link),
        items: entries.into_iter().map(item).collect(),
    })
}

fn is(node: Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |child| is(*child, name))
}

/// The element's own text (text and CDATA children joined), trimmed; `None` when blank.
fn own_text(node: Node) -> Option<String> {
    let joined: String = node
        .children()
        .filter(Node::is_text)
        .filter_map(|child| child.text())
        .collect();
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// The text of the first child named one of `names` (in that order of preference).
fn first_text(node: Node, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| children(node, name).find_map(own_text))
}

/// Markup of an Atom `type="xhtml"` element: its children as written in the feed.
fn inner_markup(node: Node) -> Option<String> {
    let first = node.first_child()?;
    let last = node.last_child()?;
    let source = node.document().input_text();
    let markup = source[first.range().start..last.range().end].trim();
    (!markup.is_empty()).then(|| markup.to_string())
}

/// A description-like element: its text, or for inline XHTML its markup.
fn markup(node: Node) -> Option<String> {
    if node.attribute("type") == Some("xhtml") {
        inner_markup(node)
    } else {
        own_text(node)
    }
}

fn title(node: Node) -> Option<String> {
    let element = children(node, "title").next()?;
    let raw = markup(element)?;
    let plain = match element.attribute("type") {
        Some("html" | "xhtml") => html::to_text(&raw),
        _ => text::squash(&html::decode_entities(&raw)),
    };
    (!plain.is_empty()).then_some(plain)
}

/// RSS links are text; Atom links are `href`s, the alternate one (or one without `rel`).
fn link(node: Node) -> Option<String> {
    children(node, "link").find_map(own_text).or_else(|| {
        children(node, "link")
            .find(|link| link.attribute("rel").is_none_or(|rel| rel == "alternate"))
            .and_then(|link| link.attribute("href"))
            .map(str::trim)
            .filter(|href| !href.is_empty())
            .map(str::to_string)
    })
}

fn date_of(node: Node, names: &[&str]) -> Option<String> {
    first_text(node, names).and_then(|when| date::to_rfc3339(&when))
}

fn item(entry: Node) -> Item {
    let categories = entry
        .children()
        .filter(|child| is(*child, "category") || is(*child, "subject"))
        .filter_map(|category| {
            own_text(category)
                .or_else(|| category.attribute("label").map(str::to_string))
                .or_else(|| category.attribute("term").map(str::to_string))
        })
        .map(|category| text::squash(&category))
        .filter(|category| !category.is_empty())
        .collect();
    let author = children(entry, "author")
        .find_map(|author| first_text(author, &["name"]).or_else(|| own_text(author)))
        .or_else(|| first_text(entry, &["creator"]));
    let elements = entry
        .children()
        .filter(|child| child.is_element() && !MAPPED.contains(&child.tag_name().name()))
        .filter(|child| !child.children().any(|inner| inner.is_element()))
        .filter_map(|child| Some((child.tag_name().name().to_string(), own_text(child)?)))
        .collect();
    Item {
        id: first_text(entry, &["guid", "id"]).or_else(|| {
            entry
                .attributes()
                .find(|attribute| attribute.name() == "about")
                .map(|about| about.value().trim().to_string())
                .filter(|about| !about.is_empty())
        }),
        title: title(entry),
        link: link(entry),
        description: children(entry, "description")
            .chain(children(entry, "summary"))
            .find_map(markup),
        content: children(entry, "encoded")
            .chain(children(entry, "content"))
            .find_map(markup),
        published: date_of(entry, &["pubDate", "published", "date", "issued"]),
        updated: date_of(entry, &["updated", "modified"]),
        categories,
        author,
        elements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS2: &str = include_str!("../../fixtures/feeds/rss2.xml");
    const RDF: &str = include_str!("../../fixtures/feeds/rdf.xml");
    const ATOM: &str = include_str!("../../fixtures/feeds/atom.xml");

    #[test]
    fn rss2_with_cdata_and_escaped_descriptions() {
        let feed = parse(RSS2).unwrap();
        assert_eq!(feed.kind, FeedKind::Rss);
        assert_eq!(feed.title.as_deref(), Some("Acme Jobs & Careers"));
        assert_eq!(feed.link.as_deref(), Some("https://jobs.acme.example/"));
        assert_eq!(feed.items.len(), 3);

        let cdata = &feed.items[0];
        assert_eq!(cdata.id.as_deref(), Some("acme-101"));
        assert_eq!(cdata.title.as_deref(), Some("Acme: Rust Engineer (R&D)"));
        assert_eq!(cdata.link.as_deref(), Some("https://jobs.acme.example/101"));
        assert_eq!(
            cdata.description.as_deref(),
            Some("<p>Build <b>fast</b> things &amp; ship them.</p>"),
            "CDATA is unwrapped, the markup and its entities kept"
        );
        assert_eq!(
            html::to_text(cdata.description.as_deref().unwrap()),
            "Build fast things & ship them."
        );
        assert_eq!(cdata.published.as_deref(), Some("2026-09-11T07:30:48Z"));
        assert_eq!(cdata.categories, ["Engineering", "Remote"]);
        assert_eq!(
            cdata.author.as_deref(),
            Some("Acme Recruiting"),
            "dc:creator"
        );
        assert_eq!(cdata.element("region"), Some("Anywhere in the World"));
        assert_eq!(cdata.element("salary"), Some("$100k - $120k"));
        assert_eq!(
            cdata.content.as_deref(),
            Some("<p>The <em>full</em> text.</p>"),
            "content:encoded"
        );

        let escaped = &feed.items[1];
        assert_eq!(
            escaped.description.as_deref(),
            Some("<p>Pay: &euro;80k &mdash; <a href=\"https://acme.example/?a=1&amp;b=2\">apply</a></p>"),
            "the entity-escaped description is the markup once"
        );
        assert_eq!(
            html::to_text(escaped.description.as_deref().unwrap()),
            "Pay: €80k — apply"
        );
        assert_eq!(escaped.id, None, "no guid");
        assert_eq!(escaped.author.as_deref(), Some("jobs@acme.example (Acme)"));
        assert_eq!(escaped.published, None, "an unreadable pubDate");
        assert!(escaped.categories.is_empty());

        let bare = &feed.items[2];
        assert_eq!(bare.title, None);
        assert_eq!(bare.link.as_deref(), Some("https://jobs.acme.example/103"));
        assert_eq!(bare.description, None);
    }

    #[test]
    fn rss1_rdf() {
        let feed = parse(RDF).unwrap();
        assert_eq!(feed.kind, FeedKind::Rdf);
        assert_eq!(feed.title.as_deref(), Some("Nordwind Stellen"));
        assert_eq!(feed.link.as_deref(), Some("https://nordwind.example/"));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(
            first.id.as_deref(),
            Some("https://nordwind.example/jobs/7"),
            "rdf:about"
        );
        assert_eq!(first.title.as_deref(), Some("Backend-Entwickler (m/w/d)"));
        assert_eq!(
            first.link.as_deref(),
            Some("https://nordwind.example/jobs/7")
        );
        assert_eq!(
            first.description.as_deref(),
            Some("Rust und PostgreSQL in Hamburg.")
        );
        assert_eq!(
            first.published.as_deref(),
            Some("2026-10-01T08:00:00Z"),
            "dc:date"
        );
        assert_eq!(first.categories, ["IT"], "dc:subject");
        assert_eq!(first.author.as_deref(), Some("Nordwind GmbH"));
        assert_eq!(feed.items[1].published, None);
    }

    #[test]
    fn atom() {
        let feed = parse(ATOM).unwrap();
        assert_eq!(feed.kind, FeedKind::Atom);
        assert_eq!(feed.title.as_deref(), Some("Ferris Labs careers"));
        assert_eq!(feed.link.as_deref(), Some("https://ferris.example/careers"));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.id.as_deref(), Some("urn:ferris:job:1"));
        assert_eq!(
            first.title.as_deref(),
            Some("Senior Rust Engineer"),
            "type=html title"
        );
        assert_eq!(
            first.link.as_deref(),
            Some("https://ferris.example/jobs/1"),
            "rel=alternate, not rel=self"
        );
        assert_eq!(
            first.description.as_deref(),
            Some("<p>Short &amp; sweet</p>")
        );
        assert_eq!(
            first.content.as_deref(),
            Some("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>The <b>whole</b> story</p></div>"),
            "inline XHTML content is kept as markup"
        );
        assert_eq!(first.published.as_deref(), Some("2026-09-01T08:00:00Z"));
        assert_eq!(first.updated.as_deref(), Some("2026-09-02T10:00:00Z"));
        assert_eq!(
            first.categories,
            ["Engineering", "rust"],
            "label, else term"
        );
        assert_eq!(first.author.as_deref(), Some("Ferris Labs"));
        let second = &feed.items[1];
        assert_eq!(
            second.link.as_deref(),
            Some("https://ferris.example/jobs/2"),
            "no rel"
        );
        assert_eq!(second.published, None);
        assert_eq!(second.updated.as_deref(), Some("2026-09-03T00:00:00Z"));
    }

    #[test]
    fn not_a_feed() {
        assert_eq!(
            parse("<html><body/></html>").unwrap_err(),
            "not an RSS or Atom feed (root element <html>)"
        );
        let error = parse("{\"jobs\": []}").unwrap_err();
        assert!(error.starts_with("the feed is not XML: "), "{error}");
        let error = parse("<rss><channel><item><title>a</item></rss>").unwrap_err();
        assert!(
            error.contains("1:"),
            "roxmltree names the position: {error}"
        );
    }

    #[test]
    fn a_doctype_is_allowed() {
        let feed = parse(
            "<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \
             \"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\"><channel>\
             <title>Old</title><item><title>One</title><link>https://old.example/1</link></item></channel></rss>",
        )
        .unwrap();
        assert_eq!(feed.items[0].link.as_deref(), Some("https://old.example/1"));
    }
}
