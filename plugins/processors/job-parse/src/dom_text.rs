//! Readable text of a parsed HTML subtree: block elements start new lines, list
//! items become `- ` lines, and chrome (scripts, navigation, forms) is skipped.

use scraper::{ElementRef, Node};

/// Elements whose content is never part of the readable text.
const SKIPPED: [&str; 14] = [
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "form", "button",
    "iframe", "head", "select", "dialog",
];

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "hr"
            | "dl"
            | "dt"
            | "dd"
    )
}

/// The text of `root` with line structure kept and whitespace collapsed.
pub fn text_of(root: ElementRef<'_>) -> String {
    let mut raw = String::new();
    walk(root, &mut raw);
    collapse(&raw)
}

fn walk(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c })),
            Node::Element(inner) => {
                let name = inner.name();
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if SKIPPED.contains(&name) || child.attr("hidden").is_some() {
                    continue;
                }
                if name == "br" {
                    out.push('\n');
                } else if name == "li" {
                    out.push_str("\n- ");
                    walk(child, out);
                    out.push('\n');
                } else if is_block(name) {
                    new_line(out);
                    walk(child, out);
                    new_line(out);
                } else {
                    walk(child, out);
                }
            }
            _ => {}
        }
    }
}

/// A line break, unless the line is a list marker still waiting for its text
/// (`<li><p>…`), which keeps the item on one line.
fn new_line(out: &mut String) {
    if !out.trim_end_matches(' ').ends_with("\n-") {
        out.push('\n');
    }
}

/// Collapses runs of spaces within lines and drops empty lines.
pub fn collapse(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(|c: char| c.is_whitespace())
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|line| !line.is_empty() && line != "-")
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` cut to at most `limit` characters, at the last line break (or
/// space) before the limit when there is one.
pub fn truncate(text: &str, limit: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(limit) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let end = head
        .rfind('\n')
        .filter(|at| *at > cut / 2)
        .or_else(|| head.rfind(' ').filter(|at| *at > cut / 2))
        .unwrap_or(cut);
    head[..end].trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn text(html: &str) -> String {
        text_of(Html::parse_document(html).root_element())
    }

    #[test]
    fn structure_is_kept_and_chrome_dropped() {
        assert_eq!(
            text("<nav>Home | Jobs</nav><h2>About</h2><p>We&#39;re <b>hiring</b>.</p><ul><li><p>Rust</p></li><li>SQL</li></ul><script>x()</script><footer>©</footer>"),
            "About\nWe're hiring.\n- Rust\n- SQL"
        );
        assert_eq!(
            text("<p>one<br>two</p><div hidden>secret</div>"),
            "one\ntwo"
        );
    }

    #[test]
    fn truncation_prefers_line_ends() {
        assert_eq!(truncate("first line\nsecond line", 15), "first line");
        assert_eq!(truncate("short", 15), "short");
        assert_eq!(truncate("äöü", 2), "äö");
    }
}
