"""Plain text from an HTML fragment, the way the Rust SDK's `html::to_text` does it:
tags dropped, block tags become line breaks, list items get "- ", script and style
skipped, entities decoded (`&nbsp;` becomes a space), whitespace collapsed."""

import re
from html.parser import HTMLParser

BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr main nav ol p pre section table tbody thead tfoot "
    "tr td th ul".split()
)
SKIPPED_TAGS = frozenset(("script", "style"))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skipping:
            return
        if tag in SKIPPED_TAGS:
            self.skipping = tag
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCK_TAGS and not self._inside_fresh_list_item():
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if not self.skipping and tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping:
                self.skipping = None
            return
        if tag in BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # Line breaks inside text are HTML whitespace, not breaks.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))

    def _inside_fresh_list_item(self) -> bool:
        # A block right inside a list item (`<li><p>`) stays on the item's line.
        return "".join(self.parts[-3:]).rstrip(" \n").endswith("\n-")


# A tag cut off at the end of a truncated field (`…<br`), dropped rather than shown.
_CUT_TAG = re.compile(r"<[A-Za-z/!][^>]*\Z")


def to_text(fragment: str) -> str:
    collector = _TextCollector()
    collector.feed(_CUT_TAG.sub("", fragment))
    collector.close()
    lines = []
    for line in "".join(collector.parts).split("\n"):
        words = line.replace("\xa0", " ").split()
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)
