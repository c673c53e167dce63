"""HTML to text, and HTTP statuses to typed failures."""

import unittest

import htmltext
from failures import BadResponse, RateLimited, Unauthorized, check_status


class HtmlTextTest(unittest.TestCase):
    def test_blocks_lists_and_entities(self):
        self.assertEqual(
            htmltext.to_text("<div>One&nbsp;<br><br></div><ul><li><p>two &amp; three</p></li><li>four</li></ul>"),
            "One\n- two & three\n- four",
        )

    def test_scripts_cut_tags_and_stray_brackets(self):
        self.assertEqual(htmltext.to_text("<p>a < b</p><script>alert(1)</script><p>end <b"), "a < b\nend")

    def test_line_breaks_in_source_are_spaces(self):
        self.assertEqual(htmltext.to_text("<p>one\ntwo</p>"), "one two")


class StatusTest(unittest.TestCase):
    def test_statuses(self):
        check_status(200, [], "u")
        with self.assertRaises(RateLimited) as limited:
            check_status(429, [("Retry-After", "30")], "u")
        self.assertEqual(limited.exception.detail, 30)
        with self.assertRaises(RateLimited) as limited:
            check_status(503, [("retry-after", "5")], "u")
        self.assertEqual(limited.exception.detail, 5)
        with self.assertRaises(Unauthorized):
            check_status(403, [], "u")
        with self.assertRaisesRegex(BadResponse, "^HTTP 503 from https://x/y$"):
            check_status(503, [], "https://x/y")


if __name__ == "__main__":
    unittest.main()
