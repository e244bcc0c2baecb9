"""End to end: the display-off / display-on commands of signage.conf run at
the schedule's edges (off when the screen goes idle, on when something plays
again), a command that hangs is killed at its time limit while playback and
the control socket go on, and `signage-ctl schedule` tells today's plan."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import TIME_SCALE, LivePlayerTest, wait_until  # noqa: E402

IDLE_PLAYLIST = "slide-time = 300ms\n[2020-01-01]\ndeck past.md\n"  # a day long past
PLAYING_PLAYLIST = "reload = now\nslide-time = 300ms\n[otherwise]\ndeck now.md\n"


class DisplayPowerTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/past.md", "# Past\n")
        self.write("content/now.md", "# 现在\n\n---\n\n# Now\n")
        self.playlist = self.write("playlists/p.playlist", IDLE_PLAYLIST)
        self.marker = os.path.join(self.dir, "marker")

    def start_with_config(self, off, on):
        config = self.write("signage.conf",
                            "# the admin's file: commands live here only\n"
                            f"display-off = {off}\n"
                            f"display-on = {on}\n")
        self.start(self.playlist, "--config", config, "--window", "320x180")

    def marks(self):
        if not os.path.exists(self.marker):
            return []
        with open(self.marker, encoding="utf-8") as file:
            return file.read().split()

    def rewrite(self, text):
        with open(self.playlist, "w", encoding="utf-8") as file:
            file.write(text)

    def test_off_when_idle_on_when_playing_and_the_schedule(self):
        self.start_with_config(f'/bin/sh -c "echo off >> \\"{self.marker}\\""',
                               f'/bin/sh -c "echo on >> {self.marker}"')
        self.assertTrue(wait_until(lambda: self.marks() == ["off"], 10 * TIME_SCALE),
                        f"{self.marks()}\n{self.stderr()}")
        self.assertTrue(wait_until(lambda: "exited 0" in self.stderr(), 5 * TIME_SCALE),
                        self.stderr())
        self.assertIn("display off: /bin/sh -c", self.stderr())

        plan = self.ctl("schedule")
        self.assertTrue(plan["ok"])
        self.assertRegex(plan["today"], r"^\d{4}-\d\d-\d\d$")
        self.assertRegex(plan["now"], r"^\d\d:\d\d$")
        self.assertIsNone(plan["active"])
        self.assertTrue(plan["idle"])
        self.assertEqual(plan["timeline"], [{"from": "00:00", "to": "24:00", "section": None}])

        self.rewrite(PLAYING_PLAYLIST)
        self.assertTrue(wait_until(lambda: self.marks() == ["off", "on"], 20 * TIME_SCALE),
                        f"{self.marks()}\n{self.stderr()}")
        self.assertTrue(wait_until(lambda: self.ctl("status")["item"] is not None,
                                   5 * TIME_SCALE))
        plan = self.ctl("schedule")
        self.assertEqual(plan["active"], "[otherwise]")
        self.assertFalse(plan["idle"])
        self.assertEqual(plan["timeline"],
                         [{"from": "00:00", "to": "24:00", "section": "[otherwise]"}])
        time.sleep(1)  # playing on: nothing more is run
        self.assertEqual(self.marks(), ["off", "on"])
        self.stop()

    def test_a_command_that_hangs_is_killed_and_playback_goes_on(self):
        self.start_with_config("sleep 60", f"/bin/sh -c 'echo on >> {self.marker}'")
        self.assertTrue(wait_until(lambda: "display off: running sleep 60" in self.stderr(),
                                   10 * TIME_SCALE), self.stderr())
        started = time.monotonic()
        status = self.ctl("status")  # the loop is not blocked by the command
        self.assertLess(time.monotonic() - started, 2 * TIME_SCALE)
        self.assertIsNone(status["item"])
        self.assertTrue(wait_until(lambda: "was killed" in self.stderr(), 15 * TIME_SCALE),
                        self.stderr())
        self.assertIn("display off: sleep 60 took longer than 10 s and was killed", self.stderr())
        self.rewrite(PLAYING_PLAYLIST)
        # The single quotes are no quoting to the player: the word is "'echo".
        self.assertTrue(wait_until(lambda: "display on: /bin/sh -c 'echo" in self.stderr() and
                                   "exited" in self.stderr().split("display on:")[-1],
                                   20 * TIME_SCALE), self.stderr())
        self.assertTrue(wait_until(lambda: self.ctl("status")["item"] is not None,
                                   5 * TIME_SCALE))
        self.stop()


if __name__ == "__main__":
    unittest.main()
