"""End to end: a playlist of deck slides, a clip embedded in the deck, a clip
and an image plays under the offscreen driver, and the play log proves it."""

import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import ISO_8601, PlayerTest, make_clip, make_image  # noqa: E402

CLIP_FRAMES = 75  # 3 s at 25 fps

DECK = """---
title: test deck
---

# 第一张

新质生产力以科技创新为主导

---

# Second slide

- one
- two

---

![video](<../clips/片段 一：“测试”.mp4>)
"""


class PlayLoopTest(PlayerTest):
    def setUp(self):
        super().setUp()
        os.makedirs(os.path.join(self.content, "clips"))
        make_clip(os.path.join(self.content, "clips", "片段 一：“测试”.mp4"))
        make_clip(os.path.join(self.content, "clips", "silent.mp4"), audio=False)
        make_image(os.path.join(self.content, "picture.png"))
        self.write("content/deck/deck.md", DECK)

    def playlist(self, audio="off", middle=""):
        return self.write("playlists/test.playlist", f"""# test playlist
slide-time = 1s
audio = {audio}

deck deck/deck.md
{middle}video clips/silent.mp4
image picture.png 500ms
""")

    def check_clip_record(self, record, path):
        self.assertEqual(record["kind"], "video")
        self.assertEqual(record["path"], path)
        shown = record["frames_shown"]
        self.assertLessEqual(abs(shown - CLIP_FRAMES), CLIP_FRAMES * 0.02,
                             f"{path}: {shown} frames shown of {CLIP_FRAMES}")
        self.assertIn("frames_dropped", record)
        # hwdec = auto: the V4L2 decoder where the machine has one, else software.
        self.assertIn(record["decoder"], ("h264", "h264_v4l2m2m"))

    def test_every_item_plays_in_order_and_is_logged(self):
        playlist = self.playlist()
        result, records = self.play(playlist)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([(r["kind"], r["line"]) for r in records],
                         [("slide", 5), ("slide", 5), ("video", 5), ("video", 6), ("image", 7)],
                         records)
        self.assert_all_ok(records)
        self.assertEqual(records[0]["path"], "deck/deck.md#1")
        self.assertEqual(records[1]["path"], "deck/deck.md#2")
        self.check_clip_record(records[2], "clips/片段 一：“测试”.mp4")
        self.check_clip_record(records[3], "clips/silent.mp4")
        self.assertEqual(records[4]["path"], "picture.png")
        for record in records:
            self.assertRegex(record["ts"], ISO_8601)
        # Slides stay up for their time (never cut short).
        self.assertGreaterEqual(records[0]["duration_ms"], 990)
        self.assertGreaterEqual(records[4]["duration_ms"], 490)

    def test_audio_on_plays_clips_with_sound(self):
        result, records = self.play(self.playlist(audio="on"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_all_ok(records)
        self.check_clip_record(records[2], "clips/片段 一：“测试”.mp4")

    def test_loops_counts_whole_passes(self):
        result, records = self.play(self.playlist(), loops=2)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(records), 10)
        self.assertEqual([r["path"] for r in records[:5]], [r["path"] for r in records[5:]])

    def test_missing_and_broken_clips_are_skipped_and_the_loop_goes_on(self):
        self.write("content/clips/not-a-video.mp4", "this is a text file, not a video\n")
        middle = "video clips/missing.mp4\nvideo clips/not-a-video.mp4\n"
        result, records = self.play(self.playlist(middle=middle))
        self.assertEqual(result.returncode, 0, result.stderr)
        by_path = {r["path"]: r for r in records}
        missing = by_path["clips/missing.mp4"]
        self.assertEqual(missing["result"], "skipped")
        self.assertIn("not found", missing["error"])
        self.assertEqual(missing["line"], 6)
        broken = by_path["clips/not-a-video.mp4"]
        self.assertEqual(broken["result"], "skipped")
        self.assertTrue(broken["error"])
        self.assertEqual(by_path["picture.png"]["result"], "ok")
        self.assertIn("clips/missing.mp4", result.stderr)  # the admin sees it in the journal

    def test_nothing_playable_shows_a_card_instead_of_exiting(self):
        playlist = self.write("playlists/bad.playlist", "video clips/missing.mp4\n")
        process = self.spawn_player(playlist)
        time.sleep(1.5)
        self.assertIsNone(process.poll(), "the player must keep running")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=5)
        self.assertEqual(process.returncode, 0)
        self.assertIn("nothing in", stderr)

    def test_sigterm_stops_within_two_seconds(self):
        playlist = self.write("playlists/long.playlist", "slide-time = 1m\ndeck deck/deck.md\n")
        process = self.spawn_player(playlist)
        time.sleep(1.0)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=5)
        self.assertEqual(process.returncode, 0)
        self.assertLess(time.monotonic() - started, 2.0)


class IdleTest(PlayerTest):
    """While a static slide is up the player must not wake up at all."""

    def test_static_slide_costs_no_wakeups(self):
        self.write("content/deck.md", "# 静止的幻灯片\n\n没有动画\n")
        playlist = self.write("playlists/idle.playlist", "slide-time = 1m\ndeck deck.md\n")
        process = self.spawn_player(playlist, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.5)  # start-up and the first present are done
            before = self.context_switches(process.pid)
            time.sleep(3.0)
            after = self.context_switches(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=5)
        woken = after - before
        self.assertLessEqual(woken, 3, f"{woken} wakeups in 3 s with a static slide up")

    @staticmethod
    def context_switches(pid):
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/status") as status:
                for line in status:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        return total


if __name__ == "__main__":
    unittest.main(verbosity=2)
