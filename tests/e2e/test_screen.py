"""The screen under kmsdrm, as on a Pi without a desktop: a Pi that booted
with the TV off waits for a screen (ready for systemd, watchdog fed, stops on
SIGTERM) instead of failing; a machine with no GPU driver, or a screen SDL
refuses, is an error. And `signage-ctl restart`, the in-place restart a
changed screen triggers by itself: same process, signage.conf read again.

SDL's real kmsdrm driver runs; these machines have no /dev/dri, so it finds
no screen, as on a Pi with nothing plugged in. What the kernel says about the
ports is a folder laid out like /sys/class/drm (SIGNAGE_DRM_SYSFS)."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import (PLAYER, TIME_SCALE, LivePlayerTest, NotifyListener, player_env,  # noqa: E402
                 wait_until)

AS_WATCHED_SERVICE = ("sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"')
WATCHDOG_USEC = 1000000  # pings every 0.5 s


class ScreenTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        self.notify = NotifyListener(os.path.join(self.dir, "notify.sock"))
        self.addCleanup(self.notify.close)
        self.write("content/a.md", "# A\n\n---\n\n# B\n")
        self.write("content/b.md", "# C\n")
        self.playlist = self.write("playlists/a.playlist", "slide-time = 1s\ndeck a.md\n")

    def ports(self, **status):
        """A /sys/class/drm look-alike: card1 with the given connectors
        ("card1-HDMI-A-1": "disconnected" or a mode like "1920x1080")."""
        sysfs = os.path.join(self.dir, "drm")
        os.makedirs(os.path.join(sysfs, "card1"))
        os.makedirs(os.path.join(sysfs, "renderD128"))
        for name, state in status.items():
            os.makedirs(os.path.join(sysfs, name))
            connected = state != "disconnected"
            self.write(os.path.join(sysfs, name, "status"),
                       "connected\n" if connected else "disconnected\n")
            self.write(os.path.join(sysfs, name, "modes"),
                       f"{state}\n1280x720\n" if connected else "")
        return sysfs

    def spawn_on_kmsdrm(self, sysfs):
        env = player_env(SDL_VIDEODRIVER="kmsdrm", SIGNAGE_DRM_SYSFS=sysfs,
                         NOTIFY_SOCKET=self.notify.path, WATCHDOG_USEC=str(WATCHDOG_USEC))
        self._stderr_file = open(self.stderr_path, "w", encoding="utf-8")
        self.addCleanup(self._stderr_file.close)
        self.player = subprocess.Popen([*AS_WATCHED_SERVICE, PLAYER, self.playlist], env=env,
                                       stderr=self._stderr_file, cwd=self.dir)
        return self.player

    def test_no_screen_at_start_waits_for_one(self):
        sysfs = self.ports(**{"card1-HDMI-A-1": "disconnected", "card1-HDMI-A-2": "disconnected",
                              "card1-Writeback-1": "disconnected"})
        started = time.monotonic()
        self.spawn_on_kmsdrm(sysfs)
        ready = self.notify.wait_for("READY=1", 5 * TIME_SCALE)
        self.assertIsNotNone(ready, f"no READY=1 while waiting: {self.stderr()}")
        self.assertLess(ready - started, 5 * TIME_SCALE)
        self.assertIn("STATUS=Waiting for a screen to be plugged in or switched on",
                      [m for _, _, m in self.notify.messages])
        self.assertIn("no screen is plugged in or switched on (card1-HDMI-A-1 disconnected, "
                      "card1-HDMI-A-2 disconnected, card1-Writeback-1 disconnected): "
                      "waiting for one", self.stderr())
        # Still there, and healthy in systemd's eyes: the watchdog is fed
        # (with WatchdogSec=10 a silent wait would be killed and restarted).
        window_start = time.monotonic()
        time.sleep(2.5)
        self.assertIsNone(self.player.poll(), self.stderr())
        pings = self.notify.times("WATCHDOG=1", since=window_start)
        self.assertGreaterEqual(len(pings), 3, f"watchdog pings in 2.5 s: {len(pings)}")
        self.assertNotIn("SDL:", self.stderr(), "the wait ended in an error")
        # SIGTERM (systemctl stop, a shutdown) ends the wait at once.
        took = self.stop(limit_s=1.0)
        self.assertLess(took, 1.0 * TIME_SCALE)

    def test_no_gpu_driver_is_an_error(self):
        sysfs = os.path.join(self.dir, "drm")
        os.makedirs(sysfs)  # no connectors at all: nothing to wait for
        self.spawn_on_kmsdrm(sysfs)
        self.assertEqual(self.player.wait(timeout=10 * TIME_SCALE), 1, self.stderr())
        self.assertIn("SDL: kmsdrm not available", self.stderr())
        self.assertNotIn("READY=1", [m for _, _, m in self.notify.messages])

    def test_a_screen_sdl_refuses_is_an_error(self):
        # A screen is plugged in, yet SDL cannot open it (here: no /dev/dri;
        # on a Pi: no permission, no KMS overlay). Waiting would not help.
        sysfs = self.ports(**{"card1-HDMI-A-1": "1920x1080"})
        self.spawn_on_kmsdrm(sysfs)
        self.assertEqual(self.player.wait(timeout=10 * TIME_SCALE), 1, self.stderr())
        self.assertIn("SDL: kmsdrm not available", self.stderr())

    def test_restart_in_place_reads_signage_conf_again(self):
        self.write("playlists/b.playlist", "slide-time = 1s\ndeck b.md\n")
        config = self.write("signage.conf", "playlist = playlists/a.playlist\n")
        self.start_with_config(config)
        first = self.wait_for_record(lambda r: r["path"] == "a.md#1", 10 * TIME_SCALE)
        self.assertIsNotNone(first, self.stderr())
        pid = self.player.pid
        self.write("signage.conf", "playlist = playlists/b.playlist\n")
        asked = time.monotonic()
        reply = self.ctl("restart")
        self.assertTrue(reply["ok"], reply)
        # The same process plays b.playlist, which only signage.conf names.
        shown = self.wait_for_record(lambda r: r["path"] == "b.md#1", 10 * TIME_SCALE)
        self.assertIsNotNone(shown, self.stderr())
        self.assertIsNone(self.player.poll(), self.stderr())
        self.assertEqual(self.player.pid, pid)
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            self.assertIn(b"--config", file.read())
        self.assertIn("starting again, as asked through the control socket", self.stderr())
        # systemd hears a reload (RELOADING=1, then READY=1 once shown again),
        # never STOPPING=1: the service stays up throughout.
        reloading = self.notify.wait_for("RELOADING=1\nMONOTONIC_USEC=", 5 * TIME_SCALE,
                                         since=asked)
        self.assertIsNotNone(reloading)
        self.assertIsNotNone(self.notify.wait_for("READY=1", 5 * TIME_SCALE, since=reloading))
        self.assertEqual(self.notify.times("STOPPING=1"), [])
        status = wait_until(lambda: self.ctl("status") if os.path.exists(self.socket_path)
                            else None, 5 * TIME_SCALE)
        self.assertTrue(status["playlist"].endswith("b.playlist"), status)
        self.stop()

    def start_with_config(self, config):
        self._stderr_file = open(self.stderr_path, "w", encoding="utf-8")
        self.addCleanup(self._stderr_file.close)
        env = player_env(NOTIFY_SOCKET=self.notify.path)
        self.player = subprocess.Popen(
            [PLAYER, "--config", config, "--play-log", self.log, "--control", self.socket_path,
             "--window", "320x180"], env=env, stderr=self._stderr_file, cwd=self.dir)
        self.assertTrue(wait_until(lambda: os.path.exists(self.socket_path) or
                                   self.player.poll() is not None, 20 * TIME_SCALE))
        self.assertIsNone(self.player.poll(), self.stderr())


if __name__ == "__main__":
    unittest.main(verbosity=2)
