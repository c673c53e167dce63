"""Parse logic against the suite's own fixture (fixtures/landingjobs.json) and,
when the shared recordings are present next to the repository, the recorded answer."""

import json
import unittest
from pathlib import Path

import postings
from failures import BadResponse

HERE = Path(__file__).resolve().parent.parent
FIXTURE = HERE / "fixtures" / "landingjobs.json"
# ../shared/fixtures/sources beside the repository (absent on most machines).
RECORDED = HERE.parents[2] / "../shared/fixtures/sources/landingjobs.json"


def fixture_postings():
    items = postings.parse_page(FIXTURE.read_bytes())
    return [postings.parse_job(item) for item in items]


class FixtureTest(unittest.TestCase):
    def setUp(self):
        self.parsed = fixture_postings()
        self.by_id = {posting.source_id: posting for posting in self.parsed if posting}

    def test_an_item_without_title_is_skipped(self):
        self.assertEqual(len(self.parsed), 5)
        self.assertIsNone(self.parsed[3])
        self.assertEqual(sorted(self.by_id), ["20101", "20102", "20103", "20105"])

    def test_company_comes_from_the_url(self):
        self.assertEqual(self.by_id["20101"].company, "Tessera Labs")
        self.assertEqual(self.by_id["20102"].company, "Nordlicht Gmbh")
        self.assertEqual(self.by_id["20105"].company, "Lumen Pay")

    def test_salary_only_when_the_keys_are_present(self):
        full = self.by_id["20101"].salary
        self.assertEqual((full.min, full.max, full.currency, full.period), (55000.0, 72000.0, "EUR", "year"))
        self.assertIsNone(self.by_id["20102"].salary)
        low_only = self.by_id["20103"].salary
        self.assertEqual((low_only.min, low_only.max, low_only.currency), (48000.0, None, "GBP"))

    def test_dates_become_utc_rfc3339(self):
        posting = self.by_id["20101"]
        self.assertEqual(posting.posted_at, "2026-09-01T09:15:30Z")
        # expires_at is a bare date in the API.
        self.assertEqual(posting.expires_at, "2027-01-15T00:00:00Z")
        # No published_at: the creation time stands in.
        self.assertEqual(self.by_id["20105"].posted_at, "2026-09-05T14:20:00Z")

    def test_locations_work_mode_and_employment(self):
        self.assertEqual(self.by_id["20101"].locations, ["Porto, PT", "Lisbon, PT"])
        self.assertEqual(self.by_id["20101"].work_mode, "onsite")
        self.assertEqual(self.by_id["20103"].locations, [])
        self.assertEqual(self.by_id["20103"].work_mode, "remote")
        self.assertEqual(self.by_id["20102"].employment_types, ["contract"])
        self.assertEqual(self.by_id["20105"].employment_types, ["part-time"])

    def test_description_sections_and_entities(self):
        posting = self.by_id["20101"]
        self.assertIn("<h3>Requirements</h3>", posting.description_html)
        # nice_to_have is "" in this item: no empty section.
        self.assertNotIn("Nice to have", posting.description_html)
        self.assertIn("- Rust & async → 4+ years", posting.description_text)
        self.assertNotIn("&nbsp;", posting.description_text)
        self.assertNotIn("\xa0", posting.description_text)
        self.assertIn("\n- Hybrid: two days a week in the office\n", posting.description_text)

    def test_tags_and_extra(self):
        self.assertEqual(self.by_id["20101"].tags, ["Rust", "PostgreSQL", "Tokio"])
        self.assertEqual(self.by_id["20101"].extra, [("relocation_paid", "true")])
        self.assertEqual(self.by_id["20102"].extra, [])


class KeywordTest(unittest.TestCase):
    def setUp(self):
        self.parsed = [posting for posting in fixture_postings() if posting]

    def ids(self, keywords):
        return [p.source_id for p in self.parsed if postings.matches_keywords(p, keywords)]

    def test_words_match_at_word_starts_only(self):
        # "trust" in 20101 and 20105 does not make them Rust jobs; 20101 is one by title.
        self.assertEqual(self.ids("rust"), ["20101"])
        self.assertEqual(self.ids("RUST tokio"), ["20101"])
        self.assertEqual(self.ids("engineer"), ["20101", "20102", "20105"])
        self.assertEqual(self.ids("kafka berlin"), ["20102"])
        self.assertEqual(self.ids("react haskell"), [])
        self.assertEqual(len(self.ids("  ")), 4)


class HelperTest(unittest.TestCase):
    def test_company_from_url(self):
        self.assertEqual(postings.company_from_url("https://landing.jobs/at/ki-performance/x"), "Ki Performance")
        self.assertEqual(postings.company_from_url("https://landing.jobs/at/inscale/senior-java"), "Inscale")
        self.assertIsNone(postings.company_from_url("https://landing.jobs/jobs/123"))
        self.assertIsNone(postings.company_from_url("https://landing.jobs/at/"))

    def test_to_rfc3339(self):
        self.assertEqual(postings.to_rfc3339("2025-02-26T08:53:02.254Z"), "2025-02-26T08:53:02Z")
        self.assertEqual(postings.to_rfc3339("2026-09-01T23:30:00-02:00"), "2026-09-02T01:30:00Z")
        self.assertEqual(postings.to_rfc3339("2027-03-02"), "2027-03-02T00:00:00Z")
        self.assertIsNone(postings.to_rfc3339("2027-13-02"))
        self.assertIsNone(postings.to_rfc3339("soon"))
        self.assertIsNone(postings.to_rfc3339(None))

    def test_amounts(self):
        self.assertEqual(postings.amount({"a": "50000"}, "a"), 50000.0)
        self.assertIsNone(postings.amount({"a": 0}, "a"))
        self.assertIsNone(postings.amount({"a": True}, "a"))
        self.assertIsNone(postings.amount({}, "a"))

    def test_bad_pages_are_bad_responses(self):
        with self.assertRaisesRegex(BadResponse, "invalid JSON"):
            postings.parse_page(b"<html>maintenance</html>")
        with self.assertRaisesRegex(BadResponse, "JSON dict, expected an array"):
            postings.parse_page(b'{"error": "nope"}')
        self.assertEqual(postings.parse_page(b'[1, "x", {"id": 1}]'), [{"id": 1}])


@unittest.skipUnless(RECORDED.exists(), f"{RECORDED} absent (the shared recordings are not on this machine)")
class RecordedTest(unittest.TestCase):
    def test_recorded_answer(self):
        parsed = [postings.parse_job(item) for item in postings.parse_page(RECORDED.read_bytes())]
        self.assertEqual(len(parsed), 2)
        first, second = parsed
        self.assertEqual(first.company, "Inscale")
        self.assertEqual((first.salary.min, first.salary.max, first.salary.currency), (50000.0, 67000.0, "EUR"))
        self.assertEqual(first.expires_at, "2027-03-02T00:00:00Z")
        self.assertEqual(second.company, "Ki Performance")
        self.assertIsNone(second.salary)
        self.assertEqual(second.locations, ["Munich, DE", "Lisbon, PT", "Cologne, DE"])
        self.assertNotIn("&nbsp;", first.description_text)
        self.assertIn("→", second.description_text)


if __name__ == "__main__":
    unittest.main()
