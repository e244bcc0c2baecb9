"""--render: a teacher reviews a deck without a screen. Every slide becomes a
PNG of the requested size, pictures in the deck keep their aspect, and a
contact sheet shows all slides."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg  # noqa: E402


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of a PNG, read through ffmpeg."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", path],
                           check=True, capture_output=True, text=True).stdout.strip()
    width, height = (int(v) for v in probe.split(","))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt",
                          "rgb24", "-"], check=True, capture_output=True).stdout
    rows = [[tuple(raw[(y * width + x) * 3:(y * width + x) * 3 + 3]) for x in range(width)]
            for y in range(height)]
    return width, height, rows


class RenderTest(PlayerTest):
    def test_every_slide_and_a_contact_sheet(self):
        # A 2:1 pure red picture: it must be drawn 2:1, not stretched.
        ffmpeg("-f", "lavfi", "-i", "color=c=red:s=400x200", "-frames:v", "1",
               os.path.join(self.content, "wide.png"))
        deck = self.write("content/deck.md",
                          "# 第一张\n\n正文\n\n---\n\n# 图片\n\n![红色](wide.png)\n")
        out = os.path.join(self.dir, "out")
        result = self.run_player("--render", deck, "--out", out, "--size", "640x360")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(os.listdir(out)),
                         ["contact-sheet.png", "slide-01.png", "slide-02.png"])
        width, height, rows = png_pixels(os.path.join(out, "slide-02.png"))
        self.assertEqual((width, height), (640, 360))
        red = [(x, y) for y, row in enumerate(rows) for x, (r, g, b) in enumerate(row)
               if r > 200 and g < 40 and b < 40]
        self.assertTrue(red, "the picture is not on the slide")
        xs = [x for x, _ in red]
        ys = [y for _, y in red]
        box_w, box_h = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        self.assertAlmostEqual(box_w / box_h, 2.0, delta=0.06, msg=f"{box_w}x{box_h}")
        # Inside the 5% safe margin.
        self.assertGreaterEqual(min(xs), 32)
        self.assertLessEqual(max(xs), 640 - 32)

    def test_deck_errors_are_reported_and_nothing_is_written(self):
        deck = self.write("content/bad.md", "---\ntitle: open\n# never closed\n")
        out = os.path.join(self.dir, "out")
        result = self.run_player("--render", deck, "--out", out)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.md:1: ", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "contact-sheet.png")))

    def test_render_needs_out(self):
        result = self.run_player("--render", "deck.md")
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
