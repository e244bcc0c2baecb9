"""End to end: the clock (issue #9). `overlay = clock top-right` puts a plate
in the top-right corner of the screen and leaves every other pixel of the
slide alone; the plate changes when the minute does, and a static slide with
a clock still costs next to no wakeups (the loop sleeps until the next minute,
it does not draw frames). `idle = clock` shows a full-screen clock while no
section is scheduled, and the screen stays idle.

The player runs under libfaketime (Debian package faketime), started a few
seconds before 08:05 in Asia/Shanghai at the normal rate, so the minute turns
while the test watches; `signage-ctl schedule` says what minute the player's
own (faked) clock is at."""

import glob
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import (TIME_SCALE, LivePlayerTest, context_switches, png_rgb,  # noqa: E402
                 wait_until)

WIDTH, HEIGHT = 640, 360
MARGIN = 0.05  # the playlists' safe margin (the default)
# Seconds of fake time before 08:05 at start: enough for the player to start
# and for the first screenshot, more in the sanitizer build.
LEAD_S = int(8 * TIME_SCALE)
SLIDE = "# 大厅屏幕 Hallway\n\n今天的安排 · Today\n"


def faketime_library():
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    return found[0] if found else None


class Shot:
    """A screenshot's pixels, as (r, g, b) rows."""

    def __init__(self, path):
        self.width, self.height, raw = png_rgb(path)
        self.raw = raw

    def at(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.raw[i:i + 3])

    def differing_box(self, other):
        """(x0, y0, x1, y1) of the pixels that differ from other's, or None."""
        x0, y0, x1, y1 = self.width, self.height, 0, 0
        for y in range(self.height):
            row = y * self.width * 3
            if self.raw[row:row + self.width * 3] == other.raw[row:row + self.width * 3]:
                continue
            for x in range(self.width):
                if self.at(x, y) != other.at(x, y):
                    x0, x1 = min(x0, x), max(x1, x + 1)
                    y0, y1 = min(y0, y), max(y1, y + 1)
        return (x0, y0, x1, y1) if x1 > 0 else None

    def count(self, box, predicate):
        x0, y0, x1, y1 = box
        return sum(1 for y in range(y0, y1) for x in range(x0, x1) if predicate(self.at(x, y)))


def is_white(rgb):
    return min(rgb) >= 235


class OverlayTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        self.library = faketime_library()
        self.assertIsNotNone(self.library, "libfaketime is missing: apt-get install faketime")
        self.write("content/hall.md", SLIDE)
        self.write("content/past.md", "# Past\n")

    def fake_env(self, start):
        preload = " ".join(p for p in (os.environ.get("SIGNAGE_PLAYER_PRELOAD"), self.library)
                           if p)
        return {"TZ": "Asia/Shanghai", "LD_PRELOAD": preload, "FAKETIME": "@" + start}

    def screenshot(self, name):
        path = os.path.join(self.dir, name)
        self.ctl("screenshot", path)
        return Shot(path)

    def player_minute(self):
        return self.ctl("schedule")["now"]

    def shoot(self, playlist_text, name, start="2026-11-30 08:04:00"):
        """Runs the player on playlist_text; returns its screenshot once the
        slide is up. Leaves the player running."""
        playlist = self.write(f"playlists/{name}.playlist", playlist_text)
        self.socket_path = os.path.join(self.dir, f"{name}.sock")  # one per player
        self.started_at = time.monotonic()  # about when the fake clock starts
        self.start(playlist, "--window", f"{WIDTH}x{HEIGHT}", env=self.fake_env(start))
        self.assertTrue(wait_until(lambda: self.ctl("status")["item"] is not None,
                                   10 * TIME_SCALE), self.stderr())
        return self.screenshot(name + ".png")

    def test_corner_clock_turns_with_the_minute_and_sleeps_between(self):
        reference = self.shoot("slide-time = 10m\ndeck hall.md\n", "plain")
        self.stop()

        start = f"2026-11-30 08:04:{60 - LEAD_S:02d}"
        before = self.shoot("overlay = clock top-right\nslide-time = 10m\ndeck hall.md\n",
                            "clock", start=start)
        self.assertEqual(self.player_minute(), "08:04", "the player started too late to see "
                         "the minute turn")
        self.assertIn("clock top-right", self.stderr())

        # Only the top-right corner differs from the plain slide: the plate,
        # inside the safe margin, touching it at the top and the right.
        box = before.differing_box(reference)
        self.assertIsNotNone(box, "the clock is not on screen")
        x0, y0, x1, y1 = box
        margin_x, margin_y = round(WIDTH * MARGIN), round(HEIGHT * MARGIN)
        self.assertGreaterEqual(y0, margin_y - 1, box)
        self.assertLessEqual(x1, WIDTH - margin_x + 1, box)
        self.assertLessEqual(abs(x1 - (WIDTH - margin_x)), 2, box)
        self.assertLessEqual(abs(y0 - margin_y), 2, box)
        self.assertGreater(x0, WIDTH // 2, box)
        self.assertLess(y1, HEIGHT // 3, box)
        # A dark plate with white text on it.
        dark = before.count(box, lambda p: max(p) < 60)
        white = before.count(box, is_white)
        area = (x1 - x0) * (y1 - y0)
        self.assertGreater(dark / area, 0.5, f"plate {box}: {dark} dark pixels")
        self.assertGreater(white, area / 50, f"plate {box}: {white} white pixels")

        # Until the minute turns and two seconds after, the loop wakes for
        # the new minute and barely otherwise: not once a frame. (The fake
        # clock started at the player's start and runs at the real rate;
        # nothing asks the player anything meanwhile.)
        switches = context_switches(self.player.pid)
        started = time.monotonic()
        time.sleep(max(0.0, self.started_at + LEAD_S + 2 - started))
        woken = context_switches(self.player.pid) - switches
        seconds = time.monotonic() - started
        print(f"{woken} context switches in {seconds:.1f} s across the minute", file=sys.stderr)
        # Redrawing the clock wakes the main thread and (offscreen) Mesa's
        # two llvmpipe threads a few times each: about ten in all. A frame a
        # second would be a hundred, 60 frames a second thousands.
        self.assertLessEqual(woken, 30,
                             f"{woken} context switches in {seconds:.1f} s with a static slide")
        self.assertTrue(wait_until(lambda: self.player_minute() == "08:05", 5 * TIME_SCALE),
                        self.stderr())

        after = self.screenshot("after.png")
        self.assertEqual(self.player_minute(), "08:05")
        changed = after.differing_box(before)
        self.assertIsNotNone(changed, "the clock did not change when the minute did")
        cx0, cy0, cx1, cy1 = changed
        self.assertTrue(x0 <= cx0 and y0 <= cy0 and cx1 <= x1 and cy1 <= y1,
                        f"pixels outside the plate {box} changed: {changed}")
        self.stop()

    def test_static_slide_with_a_clock_does_not_draw_frames(self):
        self.shoot("overlay = clock bottom-left\nslide-time = 10m\ndeck hall.md\n", "quiet")
        time.sleep(0.5)
        switches = context_switches(self.player.pid)
        time.sleep(3)
        woken = context_switches(self.player.pid) - switches
        # One wakeup for a minute turning, if one did; 60 frames a second would be 180.
        self.assertLessEqual(woken, 6, f"{woken} context switches in 3 s with a static slide")
        self.stop()

    def test_idle_clock_while_nothing_is_scheduled(self):
        playlist = self.write("playlists/idle.playlist",
                              "idle = clock\n[2020-01-01]\ndeck past.md\n")
        check = self.run_player("--check", playlist)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn("idle: a full-screen clock", check.stdout)
        self.start(playlist, "--window", f"{WIDTH}x{HEIGHT}",
                   env=self.fake_env("2026-11-30 21:30:00"))
        self.assertTrue(wait_until(lambda: "nothing is scheduled now" in self.stderr(),
                                   10 * TIME_SCALE), self.stderr())
        time.sleep(0.5)
        shot = self.screenshot("idle.png")
        self.assertIsNone(self.ctl("status")["item"])
        self.assertTrue(self.ctl("schedule")["idle"])
        # Large white digits in the middle of a dark screen.
        middle = (WIDTH // 4, HEIGHT // 4, 3 * WIDTH // 4, 3 * HEIGHT // 4)
        area = (WIDTH // 2) * (HEIGHT // 2)
        white = shot.count(middle, is_white)
        self.assertGreater(white / area, 0.05, f"{white} white pixels in the middle")
        dark = shot.count((0, 0, WIDTH, HEIGHT), lambda p: max(p) < 40)
        self.assertGreater(dark / (WIDTH * HEIGHT), 0.7)
        # Nothing around the edges (the safe margin).
        edge = round(HEIGHT * MARGIN)
        self.assertEqual(shot.count((0, 0, WIDTH, edge), lambda p: max(p) >= 40), 0)
        # And idle it stays: a static clock, nothing played.
        switches = context_switches(self.player.pid)
        time.sleep(2)
        self.assertLessEqual(context_switches(self.player.pid) - switches, 6)
        self.assertEqual(self.records(), [])
        self.assertIsNone(self.ctl("status")["item"])
        self.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
