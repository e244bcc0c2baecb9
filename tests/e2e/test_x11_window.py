"""The loop in a real window: under Xvfb with SDL's x11 driver the player
fills the screen (or a preview window) with the slide, and plays a clip."""

import json
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, make_clip  # noqa: E402

SCREEN = (1280, 720)
BACKGROUND = (0x0F, 0x1E, 0x36)  # the slide background of render/slide_raster.c


def free_display():
    for number in range(90, 140):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and \
                not os.path.exists(f"/tmp/.X{number}-lock"):
            return number
    raise RuntimeError("no free X display number")


class X11WindowTest(PlayerTest):
    @classmethod
    def setUpClass(cls):
        for tool in ("Xvfb", "import", "convert"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} is needed (scripts/test installs it)")
        cls.display = f":{free_display()}"
        cls.xvfb = subprocess.Popen(["Xvfb", cls.display, "-screen", "0",
                                     f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                                    stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{cls.display[1:]}"):
                break
            time.sleep(0.05)
        time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.xvfb.terminate()
        cls.xvfb.wait(timeout=5)

    def x11_env(self):
        return {"SDL_VIDEODRIVER": "x11", "DISPLAY": self.display}

    def screenshot_pixels(self):
        """The whole X screen as a list of (r, g, b)."""
        shot = os.path.join(self.dir, "shot.png")
        subprocess.run(["import", "-display", self.display, "-window", "root", shot], check=True)
        raw = subprocess.run(["convert", shot, "-depth", "8", "rgb:-"], check=True,
                             capture_output=True).stdout
        return [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]

    def start(self, playlist, *args):
        log = os.path.join(self.dir, "play.jsonl")
        process = self.spawn_player("--loops", "1", "--play-log", log, *args, playlist,
                                    env=self.x11_env())
        return process, log

    def test_full_screen_slide_fills_the_screen_and_shows_text(self):
        self.write("content/deck.md", "# 新质生产力\n\n以科技创新为主导\n")
        playlist = self.write("playlists/p.playlist", "slide-time = 3s\ndeck deck.md\n")
        process, log = self.start(playlist)
        time.sleep(1.5)
        pixels = self.screenshot_pixels()
        _, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, stderr)
        background = sum(1 for p in pixels if all(abs(a - b) <= 2 for a, b in zip(p, BACKGROUND)))
        bright = sum(1 for p in pixels if min(p) > 200)
        self.assertGreater(background / len(pixels), 0.7, "the slide does not fill the screen")
        self.assertGreater(bright / len(pixels), 0.002, "no text visible on the slide")
        with open(log, encoding="utf-8") as file:
            self.assertIn('"result":"ok"', file.read())

    def test_preview_window_plays_a_clip(self):
        make_clip(os.path.join(self.content, "clip.mp4"), seconds=2)
        playlist = self.write("playlists/p.playlist", "audio = on\nvideo clip.mp4\n")
        process, log = self.start(playlist, "--window", "640x360")
        _, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, stderr)
        with open(log, encoding="utf-8") as file:
            record = json.loads(file.readline())
        self.assertEqual(record["result"], "ok", record)
        self.assertLessEqual(abs(record["frames_shown"] - 50), 1, record)  # 2 s at 25 fps


if __name__ == "__main__":
    unittest.main(verbosity=2)
