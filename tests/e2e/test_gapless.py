"""Gapless: slides and clips back to back switch within one display refresh
(gap_ms < 17 at 60 Hz), because the next item is prepared while the current
one plays, and the previous picture stays up until the next one replaces it."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, make_clip  # noqa: E402

REFRESH_MS = 17  # one frame at 60 Hz


class GaplessTest(PlayerTest):
    def test_every_switch_is_within_one_refresh(self):
        make_clip(os.path.join(self.content, "a.mp4"), seconds=2, size="640x360")
        make_clip(os.path.join(self.content, "b.mp4"), seconds=2, size="640x360")
        self.write("content/deck.md", "# 一\n\n文字\n\n---\n\n# 二\n\n文字\n")
        playlist = self.write("playlists/p.playlist",
                              "slide-time = 700ms\naudio = on\n"
                              "deck deck.md\nvideo a.mp4\nvideo b.mp4\ndeck deck.md\n")
        result, records = self.play(playlist, loops=2)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(records), 12)
        self.assert_all_ok(records)
        kinds = "".join(r["kind"][0] for r in records[:6])
        self.assertEqual(kinds, "ssvvss")  # slide->video, video->video, video->slide
        for record in records[1:]:
            self.assertLess(record["gap_ms"], REFRESH_MS, record)
        for record in records:
            if record["kind"] == "video":
                self.assertEqual(record["frames_dropped"], 0, record)


if __name__ == "__main__":
    unittest.main(verbosity=2)
