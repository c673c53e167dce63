//! The fetched job page: its visible text and the targets of its links.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::messaging;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Visible text; blocks on their own lines, inline markup joined as written.
    pub text: String,
    /// `href` of every `<a>`/`<area>`, as written (including `mailto:` links),
    /// except share buttons, whose text is left out too.
    pub links: Vec<String>,
}

/// Elements whose content is never shown as text.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "head", "svg"];

/// Elements that start a new line, so their words never run together.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
    "button",
    "label",
    "option",
];

pub fn read(html: &str) -> Page {
    let document = Html::parse_document(html);
    let mut text = String::new();
    let mut links = Vec::new();
    // Depth inside a hidden element; text is kept only at depth 0.
    let mut hidden_depth = 0usize;
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if hidden_depth > 0 || HIDDEN.contains(&name) {
                        hidden_depth += 1;
                        continue;
                    }
                    if matches!(name, "a" | "area") {
                        if let Some(target) = element.attr("href") {
                            // "Share on WhatsApp" buttons say nothing about the job.
                            if messaging::is_share_link(target) {
                                hidden_depth += 1;
                                continue;
                            }
                            links.push(target.trim().to_string());
                        }
                    }
                    if BLOCKS.contains(&name) {
                        text.push('\n');
                    }
                }
                Node::Text(words) if hidden_depth == 0 => push_words(&mut text, words),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    if hidden_depth > 0 {
                        hidden_depth -= 1;
                    } else if BLOCKS.contains(&element.name()) {
                        text.push('\n');
                    }
                }
            }
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    Page {
        text: lines.join("\n"),
        links,
    }
}

/// Appends a text node with its whitespace runs collapsed to single spaces.
fn push_words(text: &mut String, words: &str) {
    let mut pieces = words.split_whitespace().peekable();
    if pieces.peek().is_none() {
        if !words.is_empty() {
            text.push(' ');
        }
        return;
    }
    if words.starts_with(char::is_whitespace) {
        text.push(' ');
    }
    text.push_str(&pieces.collect::<Vec<_>>().join(" "));
    if words.ends_with(char::is_whitespace) {
        text.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_visible_text_and_link_targets() {
        let page = read(
            r#"<html><head><title>T</title><script>var crypto = 1;</script></head>
            <body><h1>Backend   Engineer</h1><p>We use <b>crypto</b>graphy and <a href="https://t.me/hr_desk">chat</a>.</p>
            <ul><li>Rust</li><li>Go</li></ul><style>p{}</style><a href=" mailto:hr@acme.com ">mail</a></body></html>"#,
        );
        assert_eq!(
            page.text,
            "Backend Engineer\nWe use cryptography and chat.\nRust\nGo\nmail"
        );
        assert_eq!(
            page.links,
            vec!["https://t.me/hr_desk", "mailto:hr@acme.com"]
        );
    }
}
