"""The control socket, as an admin uses it over SSH with signage-ctl: what is
on screen, skipping, holding, and a screenshot of what the viewer sees."""

import json
import os
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest  # noqa: E402

CTL = os.environ.get("SIGNAGE_CTL", "")
BACKGROUND = (0x0F, 0x1E, 0x36)


class ControlTest(PlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/deck.md", "# 第一张\n\n---\n\n# 第二张\n\n---\n\n# 第三张\n")
        playlist = self.write("playlists/p.playlist", "slide-time = 1m\ndeck deck.md\n")
        self.socket_path = os.path.join(self.dir, "control.sock")
        self.log = os.path.join(self.dir, "play.jsonl")
        self.player = self.spawn_player("--control", self.socket_path, "--play-log", self.log,
                                        playlist)
        for _ in range(200):
            if os.path.exists(self.socket_path):
                break
            time.sleep(0.05)
        self.assertTrue(os.path.exists(self.socket_path), "no control socket")

    def tearDown(self):
        self.player.terminate()
        _, stderr = self.player.communicate(timeout=10)
        self.assertEqual(self.player.returncode, 0, stderr)
        super().tearDown()

    def ctl(self, *args, expect=0):
        result = subprocess.run([CTL, "--socket", self.socket_path, *args], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, expect, f"{args}: {result.stdout} {result.stderr}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    def test_status_names_what_is_on_screen(self):
        status = self.ctl("status")
        self.assertTrue(status["ok"])
        self.assertEqual(status["item"], "deck.md#1")
        self.assertEqual(status["kind"], "slide")
        self.assertEqual(status["line"], 2)
        self.assertFalse(status["paused"])
        self.assertGreaterEqual(status["uptime_ms"], status["position_ms"])

    def test_next_and_prev_move_through_the_loop_and_are_logged(self):
        self.assertEqual(self.ctl("next")["item"], "deck.md#2")
        self.assertEqual(self.ctl("next")["item"], "deck.md#3")
        self.assertEqual(self.ctl("next")["item"], "deck.md#1")  # wraps around
        self.assertEqual(self.ctl("prev")["item"], "deck.md#3")
        with open(self.log, encoding="utf-8") as file:
            records = [json.loads(line) for line in file]
        self.assertEqual([r["path"] for r in records],
                         ["deck.md#1", "deck.md#2", "deck.md#3", "deck.md#1"])
        self.assertTrue(all(r["result"] == "ok" for r in records))

    def test_pause_holds_the_slide_and_resume_goes_on(self):
        self.assertTrue(self.ctl("pause")["paused"])
        self.assertTrue(self.ctl("status")["paused"])
        self.assertFalse(self.ctl("resume")["paused"])

    def test_screenshot_is_what_the_viewer_sees(self):
        path = os.path.join(self.dir, "shot.png")
        reply = self.ctl("screenshot", path)
        self.assertEqual(reply["screenshot"], path)
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt",
                              "rgb24", "-"], check=True, capture_output=True).stdout
        pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
        background = sum(1 for p in pixels if p == BACKGROUND)
        self.assertGreater(background / len(pixels), 0.8, "not the slide")
        self.assertTrue(any(min(p) > 200 for p in pixels), "no title text in the screenshot")

    def test_malformed_requests_get_an_error(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(self.socket_path)
            client.sendall(b"stauts\n")
            reply = json.loads(client.makefile().readline())
        self.assertFalse(reply["ok"])
        self.assertIn("unknown verb", reply["error"])
        self.assertTrue(self.ctl("status")["ok"])  # the player carries on


if __name__ == "__main__":
    unittest.main(verbosity=2)
