"""End to end: the loop plays only what the schedule says now, and shows the
idle picture when nothing is scheduled. Sections are chosen so the answer does
not depend on when the test runs: a day long past never matches, [otherwise]
matches whenever nothing more specific does."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg, png_rgb  # noqa: E402

CTL = os.environ.get("SIGNAGE_CTL", "")


class ScheduleTest(PlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/past.md", "# 过去\n\n---\n\n# Past\n")
        self.write("content/now.md", "# 现在\n\n---\n\n# Now\n")

    def test_only_the_active_section_plays(self):
        playlist = self.write("playlists/p.playlist",
                              "slide-time = 300ms\n[2020-01-01]\ndeck past.md\n"
                              "[otherwise]\ndeck now.md\n")
        result, records = self.play(playlist, loops=2)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([r["path"] for r in records],
                         ["now.md#1", "now.md#2", "now.md#1", "now.md#2"])
        self.assert_all_ok(records)

    def test_idle_picture_when_nothing_is_scheduled(self):
        ffmpeg("-f", "lavfi", "-i", "color=c=0x00A050:s=320x180", "-frames:v", "1",
               os.path.join(self.content, "closed.png"))
        playlist = self.write("playlists/p.playlist",
                              "idle = image closed.png\n[2020-01-01]\ndeck past.md\n")
        check = self.run_player("--check", playlist)
        self.assertEqual(check.returncode, 0, check.stderr)
        socket_path = os.path.join(self.dir, "control.sock")
        log = os.path.join(self.dir, "play.jsonl")
        player = self.spawn_player("--window", "320x180", "--control", socket_path,
                                   "--play-log", log, playlist)
        try:
            shot = os.path.join(self.dir, "idle.png")
            deadline = time.monotonic() + 20
            result = None
            while time.monotonic() < deadline:
                result = subprocess.run([CTL, "--socket", socket_path, "screenshot", shot],
                                        capture_output=True, text=True, timeout=10)
                if result.returncode == 0:
                    break
                time.sleep(0.1)
            self.assertEqual(result.returncode, 0, result.stderr)
            time.sleep(0.5)  # the idle picture is up from the first iteration; be sure
            subprocess.run([CTL, "--socket", socket_path, "screenshot", shot], check=True,
                           capture_output=True, timeout=10)
            status = subprocess.run([CTL, "--socket", socket_path, "status"],
                                    capture_output=True, text=True, timeout=10).stdout
            self.assertIn('"item":null', status)
        finally:
            player.terminate()
            _, stderr = player.communicate(timeout=10)
        self.assertEqual(player.returncode, 0, stderr)
        self.assertIn("nothing is scheduled now", stderr)
        _, _, raw = png_rgb(shot)
        pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
        green = sum(1 for p in pixels if p[1] > 120 and p[0] < 40 and p[2] < 110)
        self.assertGreater(green / len(pixels), 0.9, "the idle picture is not on screen")
        self.assertFalse(os.path.exists(log) and os.path.getsize(log) > 0,
                         "an unscheduled item was played")

    def test_missing_idle_picture_is_reported(self):
        playlist = self.write("playlists/p.playlist",
                              "idle = image nowhere.png\n[2020-01-01]\ndeck past.md\n")
        check = self.run_player("--check", playlist)
        self.assertEqual(check.returncode, 1)
        self.assertIn("nowhere.png", check.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
