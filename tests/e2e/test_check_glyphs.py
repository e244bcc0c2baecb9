"""--check on what a teacher cannot see on a laptop: characters no installed
font can draw (tofu boxes on the screen) and slides that do not fit one of
the screen sizes a deck may be shown on."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest  # noqa: E402

SCREENS = ("1280x720", "1920x1080", "3840x2160", "1080x1920")
NO_FONT_CHAR = "\U0010FFFD"  # private use: no installed face has a glyph for it


class CheckGlyphsTest(PlayerTest):
    def check_deck(self, text):
        self.write("content/deck.md", text)
        playlist = self.write("playlists/test.playlist", "deck deck.md\n")
        return self.run_player("--check", playlist)

    def assert_names_line(self, stderr, line, message):
        """stderr has a deck.md:LINE: diagnostic containing message."""
        pattern = rf"(^|/)deck\.md:{line}: [^\n]*{re.escape(message)}"
        self.assertRegex(stderr, re.compile(pattern, re.MULTILINE))

    def test_cjk_deck_passes(self):
        result = self.check_deck("# 新质生产力\n\n- “嫦娥”揽月，“九章”量子计算机\n\n"
                                 "> **5095家** 国家级绿色工厂\n\n---\n\n## 第二页\n\n"
                                 "人工智能、5G网络成绩斐然。\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_character_without_a_font_names_line_and_code_point(self):
        result = self.check_deck(f"# 标题\n\n正文{NO_FONT_CHAR}正文\n\n---\n\n"
                                 f"> **{NO_FONT_CHAR}1** 数字\n")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assert_names_line(result.stderr, 3, "U+10FFFD")
        self.assert_names_line(result.stderr, 7, "U+10FFFD")  # a callout's figure too
        self.assertEqual(result.stderr.count("U+10FFFD"), 2, result.stderr)

    def test_overflowing_slide_is_named_once_per_screen_size(self):
        items = "".join(f"- 第{i}项内容\n" for i in range(400))
        result = self.check_deck(f"# 标题\n\n---\n\n# 太长\n\n{items}")
        self.assertEqual(result.returncode, 1, result.stderr)
        for screen in SCREENS:
            self.assert_names_line(result.stderr, 5, f"slide 2 does not fit a {screen} screen")
        self.assertEqual(result.stderr.count("does not fit"), len(SCREENS), result.stderr)

    def test_each_screen_size_is_checked(self):
        """A portrait screen holds about twice the list items of a landscape
        one (with Noto Sans CJK, 17 overflow landscape and 38 portrait), so 30
        overflow only the landscape sizes."""
        items = "".join(f"- 第{i}项内容\n" for i in range(30))
        result = self.check_deck(f"# 列表\n\n{items}")
        self.assertEqual(result.returncode, 1, result.stderr)
        for screen in SCREENS[:3]:
            self.assert_names_line(result.stderr, 1, f"slide 1 does not fit a {screen} screen")
        self.assertNotIn(SCREENS[3], result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
