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
from e2e import TIME_SCALE, LivePlayerTest, PlayerTest, png_rgb, wait_until  # noqa: E402

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


BAR = (0xB7, 0x1C, 0x1C)  # the announcement bar's red
WIDTH, HEIGHT = 640, 360
ANNOUNCEMENT = "下午三点全体师生到礼堂集合"


def rows(raw, width):
    """The rows of an rgb24 picture as lists of (r, g, b)."""
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    return [pixels[i:i + width] for i in range(0, len(pixels), width)]


def bar_rows(raw, width):
    """Indexes of the rows that are mostly the announcement bar's colour."""
    return [y for y, row in enumerate(rows(raw, width)) if row.count(BAR) > 0.6 * width]


class ControlLiveTest(LivePlayerTest):
    """Reload, announcements and hostile clients, with the player in a
    640x360 window so its screenshots compare with --render's slides."""

    def setUp(self):
        super().setUp()
        self.write("content/deck.md", "# 第一张\n\n---\n\n# 第二张\n\n---\n\n# 第三张\n")
        self.playlist = self.write("playlists/p.playlist", "slide-time = 1m\ndeck deck.md\n")
        self.start(self.playlist, "--window", f"{WIDTH}x{HEIGHT}")

    def tearDown(self):
        if self.player and self.player.poll() is None:
            self.stop()
        super().tearDown()

    def screenshot(self, name):
        path = os.path.join(self.dir, name)
        self.assertEqual(self.ctl("screenshot", path)["screenshot"], path)
        width, height, raw = png_rgb(path)
        self.assertEqual((width, height), (WIDTH, HEIGHT))
        return raw

    def wait_for_status(self, key, value, timeout):
        return wait_until(lambda: self.ctl("status").get(key) == value, timeout)

    def assert_bar_at_the_bottom(self, raw):
        bar = bar_rows(raw, WIDTH)
        self.assertGreaterEqual(len(bar), HEIGHT // 10, "no announcement bar")
        self.assertGreaterEqual(min(bar), HEIGHT // 2, f"the bar is not at the bottom: {bar}")
        self.assertEqual(max(bar), HEIGHT - 1, "the bar does not reach the bottom edge")
        band = rows(raw, WIDTH)[min(bar):]
        self.assertTrue(any(min(p) > 200 for row in band for p in row), "no text on the bar")

    def request(self, line):
        """Sends one request line on a connection of its own; returns the reply."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5 * TIME_SCALE)
            client.connect(self.socket_path)
            client.sendall(line.encode() + b"\n")
            return json.loads(client.makefile(encoding="utf-8").readline())

    def test_reload_goes_checking_then_done_or_rejected(self):
        # The player answers at once; the check runs in the background.
        self.assertEqual(self.request("reload")["reload"], "checking")
        self.assertTrue(self.wait_for_status("reload", "done", 5 * TIME_SCALE),
                        self.ctl("status"))
        self.assertEqual(self.ctl("status")["item"], "deck.md#1")  # same files: nothing moved

        # signage-ctl waits for the verdict. A changed playlist takes over at
        # the next item, from its own first item.
        self.write("playlists/p.playlist", "slide-time = 30s\ndeck deck.md\n")
        self.assertEqual(self.ctl("reload")["reload"], "pending")
        status = self.ctl("next")
        self.assertEqual((status["item"], status["reload"]), ("deck.md#1", "done"))

        self.write("playlists/p.playlist", "slide-time = 1m\ndekc deck.md\n")
        status = self.ctl("reload", expect=1)
        self.assertEqual(status["reload"], "rejected")
        self.assertIn("p.playlist:2: ", status["reload_error"])
        self.assertEqual(self.ctl("status")["item"], "deck.md#1")  # the loop plays on
        self.assertIn("rejected: the playlist on screen plays on", self.stderr())

    def test_announce_for_a_while_shows_a_bar_then_goes(self):
        before = self.screenshot("before.png")
        self.assertEqual(bar_rows(before, WIDTH), [])
        reply = self.ctl("announce", "--for", "2s", ANNOUNCEMENT)
        announced_at = time.monotonic()
        self.assertEqual((reply["announcement"], reply["announcement_ms"]), (ANNOUNCEMENT, 2000))
        self.assertEqual(self.ctl("status")["announcement"], ANNOUNCEMENT)
        during = self.screenshot("during.png")
        self.assert_bar_at_the_bottom(during)
        top = WIDTH * 3 * (HEIGHT // 2)
        self.assertEqual(during[:top], before[:top], "the bar covers more than the bottom")
        time.sleep(max(0.0, announced_at + 1.0 - time.monotonic()))
        self.assertIn("announcement", self.ctl("status"), "gone before its time")
        self.assertTrue(wait_until(lambda: "announcement" not in self.ctl("status"),
                                   1 + 1 * TIME_SCALE), "the announcement did not end")
        self.assertGreater(time.monotonic() - announced_at, 1.8)
        after = self.screenshot("after.png")
        self.assertEqual(after, before, "the slide is not whole again")

    def test_announce_clear_removes_the_bar(self):
        before = self.screenshot("before.png")
        self.assertNotIn("announcement_ms", self.ctl("announce", ANNOUNCEMENT))  # until cleared
        self.assert_bar_at_the_bottom(self.screenshot("during.png"))
        self.assertFalse(self.ctl("announce", "--clear")["announcement"])
        self.assertNotIn("announcement", self.ctl("status"))
        self.assertEqual(self.screenshot("after.png"), before)

    def test_an_announcement_survives_a_reload(self):
        self.ctl("announce", ANNOUNCEMENT)
        self.write("playlists/p.playlist", "slide-time = 30s\ndeck deck.md\n")
        self.assertEqual(self.ctl("reload")["reload"], "pending")
        status = self.ctl("next")
        self.assertEqual((status["reload"], status["item"]), ("done", "deck.md#1"))
        self.assertEqual(status["announcement"], ANNOUNCEMENT)
        self.assert_bar_at_the_bottom(self.screenshot("reloaded.png"))

    def outcome(self, client, timeout):
        """What a client gets: ("reply", JSON), ("closed", None), or
        ("waiting", None) when nothing came within timeout seconds."""
        client.settimeout(timeout)
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = client.recv(65536)
                if not chunk:
                    return ("closed", None) if not data else ("reply", json.loads(data))
                data += chunk
        except socket.timeout:
            return "waiting", None
        except ConnectionResetError:
            return "closed", None
        return "reply", json.loads(data)

    def connect(self):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(client.close)
        client.connect(self.socket_path)
        return client

    def assert_refused(self, client, expected_error):
        kind, reply = self.outcome(client, 5 * TIME_SCALE)
        self.assertNotEqual(kind, "waiting", "no answer to a bad request")
        if kind == "reply":
            self.assertFalse(reply["ok"], reply)
            self.assertIn(expected_error, reply["error"])
            self.assertEqual(self.outcome(client, 5 * TIME_SCALE)[0], "closed")

    def test_hostile_clients_are_cut_off_while_others_are_answered(self):
        half = self.connect()
        half.sendall(b"status")  # no newline, and then it just waits
        started = time.monotonic()

        garbage = self.connect()
        garbage.sendall(b"\xff\xfe\xc0 status\n")
        self.assert_refused(garbage, "not valid UTF-8")
        self.assertTrue(self.ctl("status")["ok"])

        huge = self.connect()
        try:
            huge.sendall(b"announce " + b"x" * 5000 + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # cut off while sending: as good as an error
        self.assert_refused(huge, "too long")
        self.assertTrue(self.ctl("status")["ok"])

        self.assertEqual(self.outcome(half, 1)[0], "waiting", "half a request was answered")
        for _ in range(3):
            self.assertEqual(self.ctl("status")["item"], "deck.md#1")
        # The half-sent request is given up after 30 s without progress.
        kind, reply = self.outcome(half, 30 - (time.monotonic() - started) + 5 * TIME_SCALE)
        self.assertNotEqual(kind, "waiting", "a stuck client is never cut off")
        if kind == "reply":
            self.assertFalse(reply["ok"], reply)
        self.assertGreater(time.monotonic() - started, 25, "cut off too soon")
        self.assertTrue(self.ctl("status")["ok"])

    def test_screenshot_matches_render_of_the_slide(self):
        shot = self.screenshot("shot.png")
        out = os.path.join(self.dir, "render")
        result = self.run_player("--render", os.path.join(self.content, "deck.md"), "--out", out,
                                 "--size", f"{WIDTH}x{HEIGHT}")
        self.assertEqual(result.returncode, 0, result.stderr)
        width, height, rendered = png_rgb(os.path.join(out, "slide-01.png"))
        self.assertEqual((width, height), (WIDTH, HEIGHT))
        for channel in range(3):
            difference = sum(abs(a - b) for a, b in zip(shot[channel::3], rendered[channel::3]))
            self.assertLess(difference / (WIDTH * HEIGHT), 2.0, f"channel {channel}")
        # And it is not just two blank screens.
        self.assertTrue(any(min(p) > 200 for row in rows(shot, WIDTH) for p in row))


if __name__ == "__main__":
    unittest.main(verbosity=2)
