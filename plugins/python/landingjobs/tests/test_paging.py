"""Offset paging, keyword filtering across pages, cursors and page failures."""

import json
import unittest
from pathlib import Path

import paging
from failures import InvalidQuery, Network

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "landingjobs.json"


class FakeApi:
    """Answers like the API: `limit` jobs from `offset` of the fixture list."""

    def __init__(self, fail_at=None):
        self.items = json.loads(FIXTURE.read_text())
        self.calls = []
        self.fail_at = fail_at

    def __call__(self, offset, count):
        self.calls.append((offset, count))
        if offset == self.fail_at:
            raise Network("connection reset")
        return f"https://api.test/jobs?limit={count}&offset={offset}", self.items[offset : offset + count]


def run(api, keywords="", limit=10, offset=0, page_size=2, max_pages=10, errors=None):
    return paging.walk(
        api,
        keywords,
        limit,
        offset,
        page_size,
        max_pages,
        lambda at, error: (errors if errors is not None else []).append((at, str(error))),
    )


class WalkTest(unittest.TestCase):
    def test_no_keywords_asks_only_for_what_is_needed(self):
        api = FakeApi()
        walk = run(api, limit=3)
        self.assertEqual([p.source_id for p in walk.postings], ["20101", "20102", "20103"])
        self.assertEqual(api.calls, [(0, 2), (2, 1)])
        self.assertEqual((walk.next_offset, walk.exhausted), (3, False))

    def test_keywords_page_until_enough_match(self):
        api = FakeApi()
        walk = run(api, keywords="engineer", limit=3)
        self.assertEqual([p.source_id for p in walk.postings], ["20101", "20102", "20105"])
        # The untitled item at offset 3 is skipped but still counted in the offset.
        self.assertEqual(api.calls, [(0, 2), (2, 2), (4, 2)])
        self.assertEqual(walk.postings[-1].extra[-1], ("next_cursor", "5"))

    def test_a_short_page_ends_the_list(self):
        walk = run(FakeApi(), keywords="react", limit=5)
        self.assertEqual([p.source_id for p in walk.postings], ["20103"])
        self.assertEqual((walk.next_offset, walk.exhausted), (5, True))

    def test_each_posting_carries_its_resume_point_and_page_url(self):
        walk = run(FakeApi(), limit=2, offset=1)
        self.assertEqual(
            [dict(p.extra)["next_cursor"] for p in walk.postings], ["2", "3"]
        )
        self.assertEqual(
            dict(walk.postings[0].extra)["source_url"], "https://api.test/jobs?limit=2&offset=1"
        )

    def test_max_pages_bounds_the_fetches(self):
        api = FakeApi()
        walk = run(api, keywords="nothing-matches-this", limit=5, page_size=1, max_pages=3)
        self.assertEqual(len(api.calls), 3)
        self.assertEqual((walk.postings, walk.next_offset, walk.exhausted), ([], 3, False))

    def test_limit_zero_fetches_nothing(self):
        api = FakeApi()
        self.assertEqual(run(api, limit=0).postings, [])
        self.assertEqual(api.calls, [])

    def test_a_failure_before_any_match_is_raised(self):
        with self.assertRaises(Network):
            run(FakeApi(fail_at=0))
        # Page one matched nothing, so page two's failure is still the answer.
        with self.assertRaises(Network):
            run(FakeApi(fail_at=2), keywords="playwright")

    def test_a_later_failure_keeps_what_was_found(self):
        errors = []
        walk = run(FakeApi(fail_at=2), limit=5, errors=errors)
        self.assertEqual([p.source_id for p in walk.postings], ["20101", "20102"])
        self.assertEqual(errors, [(2, "connection reset")])
        self.assertEqual((walk.next_offset, walk.exhausted), (2, False))


class CursorTest(unittest.TestCase):
    def test_cursors(self):
        self.assertEqual(paging.start_offset(None), 0)
        self.assertEqual(paging.start_offset(" "), 0)
        self.assertEqual(paging.start_offset("40"), 40)
        for bad in ("-1", "page-2", "1.5"):
            with self.assertRaisesRegex(InvalidQuery, "not a landing.jobs offset"):
                paging.start_offset(bad)


if __name__ == "__main__":
    unittest.main()
