"""End to end: a screen mounted turned (`rotate = 90` for a portrait screen,
`rotate = 180` upside down). The player lays the slides out for the turned
screen and turns the picture at output, so the screenshot (the output as the
cable carries it) turned as the screen is mounted must be the slide rendered
by --render at the portrait size, upright. The announcement bar lies along
the viewer's bottom edge, and a reload that changes `rotate` turns the screen
before the new playlist's first picture.

SIGNAGE_E2E_SHOTS=DIR keeps the pictures in DIR for a human to look at."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import TIME_SCALE, LivePlayerTest, png_rgb, wait_until  # noqa: E402

# The physical output: a landscape 1280x720 panel mounted on its side shows
# a 720x1280 portrait picture.
WIDTH, HEIGHT = 1280, 720
DECK = ("# 新质生产力\n\n"
        "- 竖屏也能正着读\n"
        "- 文字和图片都转过来\n"
        "- 横幅在观众的下方\n\n"
        "---\n\n"
        "# 第二张\n")
BAR = (0xB7, 0x1C, 0x1C)  # the announcement bar's red
ANNOUNCEMENT = "下午三点全体师生到礼堂集合"
# ffmpeg filters that turn a picture clockwise by the mounting's degrees.
TURN_CLOCKWISE = {90: "transpose=1", 180: "hflip,vflip", 270: "transpose=2"}


def mean_difference(first, second):
    """The mean absolute difference per channel of two rgb24 pictures."""
    pixels = len(first) // 3
    return [sum(abs(a - b) for a, b in zip(first[c::3], second[c::3])) / pixels
            for c in range(3)]


def rows(raw, width):
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    return [pixels[i:i + width] for i in range(0, len(pixels), width)]


class ScreenRotationTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/deck.md", DECK)
        self.shots = os.environ.get("SIGNAGE_E2E_SHOTS")

    def tearDown(self):
        if self.player and self.player.poll() is None:
            self.stop()
        super().tearDown()

    def keep(self, path):
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)
            shutil.copy(path, os.path.join(self.shots, os.path.basename(path)))

    def play(self, settings):
        playlist = self.write("playlists/p.playlist", f"{settings}slide-time = 1m\ndeck deck.md\n")
        self.start(playlist, "--window", f"{WIDTH}x{HEIGHT}")
        self.assertTrue(wait_until(lambda: self.ctl("status").get("item") == "deck.md#1",
                                   10 * TIME_SCALE), self.stderr())

    def screenshot(self, name):
        """The output as the cable carries it: always WIDTH x HEIGHT."""
        path = os.path.join(self.dir, f"{name}.png")
        self.assertEqual(self.ctl("screenshot", path)["screenshot"], path)
        width, height, _ = png_rgb(path)
        self.assertEqual((width, height), (WIDTH, HEIGHT))
        self.keep(path)
        return path

    def turned(self, path, degrees):
        """path turned clockwise by degrees, as a viewer of the mounted screen
        sees it: (width, height, rgb24)."""
        out = path.replace(".png", f"-seen-{degrees}.png")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, "-vf",
                        TURN_CLOCKWISE[degrees], out], check=True)
        self.keep(out)
        return png_rgb(out)

    def rendered(self, width, height):
        out = os.path.join(self.dir, f"render-{width}x{height}")
        result = self.run_player("--render", os.path.join(self.content, "deck.md"), "--out", out,
                                 "--size", f"{width}x{height}")
        self.assertEqual(result.returncode, 0, result.stderr)
        path = os.path.join(out, "slide-01.png")
        shutil.copy(path, os.path.join(self.dir, f"render-{width}x{height}.png"))
        self.keep(os.path.join(self.dir, f"render-{width}x{height}.png"))
        return png_rgb(path)

    def assert_shows(self, shot, degrees, render_width, render_height):
        width, height, seen = self.turned(shot, degrees)
        self.assertEqual((width, height), (render_width, render_height))
        _, _, rendered = self.rendered(render_width, render_height)
        difference = mean_difference(seen, rendered)
        self.assertTrue(all(d < 2.0 for d in difference),
                        f"turned {degrees}: mean difference per channel {difference}")
        # Not two blank screens: the slide's white title text is there.
        self.assertTrue(any(min(p) > 200 for row in rows(seen, width) for p in row),
                        "no text on the slide")
        return seen

    def test_portrait_screen_shows_the_portrait_slide_upright(self):
        self.play("rotate = 90\n")
        shot = self.screenshot("rotate-90")
        seen = self.assert_shows(shot, 90, HEIGHT, WIDTH)
        # Turned the other way it is not the slide: the turn has a direction.
        _, _, wrong = self.turned(shot, 270)
        _, _, rendered = self.rendered(HEIGHT, WIDTH)
        self.assertGreater(max(mean_difference(wrong, rendered)), 4 * max(
            mean_difference(seen, rendered)) + 1, "upside down would pass as well")
        self.assertIn("rotate = 90", self.stderr())

    def test_upside_down_screen(self):
        self.play("rotate = 180\n")
        self.assert_shows(self.screenshot("rotate-180"), 180, WIDTH, HEIGHT)

    def test_banner_lies_along_the_viewers_bottom_edge(self):
        self.play("rotate = 90\n")
        self.ctl("announce", ANNOUNCEMENT)
        width, height, seen = self.turned(self.screenshot("rotate-90-banner"), 90)
        bar = [y for y, row in enumerate(rows(seen, width)) if row.count(BAR) > 0.6 * width]
        self.assertGreaterEqual(len(bar), height // 20, "no announcement bar")
        self.assertGreaterEqual(min(bar), height // 2, f"the bar is not at the bottom: {bar}")
        self.assertEqual(max(bar), height - 1, "the bar does not reach the bottom edge")
        band = rows(seen, width)[min(bar):]
        self.assertTrue(any(min(p) > 200 for row in band for p in row), "no text on the bar")

    def test_a_reload_turns_the_screen(self):
        self.play("")
        _, _, plain = png_rgb(self.screenshot("before-reload"))
        _, _, landscape = self.rendered(WIDTH, HEIGHT)
        self.assertTrue(all(d < 2.0 for d in mean_difference(plain, landscape)))
        self.write("playlists/p.playlist",
                   "rotate = 90\nreload = now\nslide-time = 1m\ndeck deck.md\n")
        self.assertIn(self.ctl("reload")["reload"], ("done", "pending"))
        self.assertTrue(wait_until(lambda: self.ctl("status").get("reload") == "done",
                                   10 * TIME_SCALE), self.ctl("status"))
        self.assert_shows(self.screenshot("after-reload"), 90, HEIGHT, WIDTH)


if __name__ == "__main__":
    unittest.main(verbosity=2)
