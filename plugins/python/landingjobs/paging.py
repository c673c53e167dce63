"""Walks the API's offset pages until `limit` postings match the keywords.

The API filters nothing, so keywords are matched here, and a page may yield
fewer matches than it holds; walking stops at `limit` matches, at a short page
(the end of the list) or after `max_pages` fetches. Each posting carries the
API offset just past it as `next_cursor` in `extra`, so a caller can resume
right after any posting it kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from failures import InvalidQuery
from postings import Posting, matches_keywords, parse_job


@dataclass
class Walk:
    postings: list[Posting]
    # The offset to continue from, and whether the API had nothing past it.
    next_offset: int
    exhausted: bool


def start_offset(cursor: str | None) -> int:
    if cursor is None or not cursor.strip():
        return 0
    try:
        offset = int(cursor.strip())
    except ValueError:
        offset = -1
    if offset < 0:
        raise InvalidQuery(
            f"cursor {cursor!r} is not a landing.jobs offset (a non-negative integer from `next_cursor`)"
        )
    return offset


def walk(
    fetch_page: Callable[[int, int], tuple[str, list[dict]]],
    keywords: str,
    limit: int,
    offset: int,
    page_size: int,
    max_pages: int,
    on_page_error: Callable[[int, Exception], None],
) -> Walk:
    """`fetch_page(offset, count)` returns the URL it fetched and the raw job
    objects of that page, and raises on failure. A failure before anything
    matched is raised; a later one ends the walk with what was found
    (`on_page_error` is told, and the postings' cursors say where to resume)."""
    found: list[Posting] = []
    if limit <= 0:
        return Walk(found, offset, False)
    for _ in range(max_pages):
        # Without keywords every job counts, so ask for no more than still needed.
        count = page_size if keywords.strip() else min(page_size, limit - len(found))
        try:
            url, items = fetch_page(offset, count)
        except Exception as error:
            if not found:
                raise
            on_page_error(offset, error)
            return Walk(found, offset, False)
        for item in items:
            offset += 1
            posting = parse_job(item)
            if posting is None or not matches_keywords(posting, keywords):
                continue
            posting.extra.append(("source_url", url))
            posting.extra.append(("next_cursor", str(offset)))
            found.append(posting)
            if len(found) >= limit:
                return Walk(found, offset, False)
        if len(items) < count:
            return Walk(found, offset, True)
    return Walk(found, offset, False)
