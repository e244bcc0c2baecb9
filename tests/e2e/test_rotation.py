"""End to end: a clip with rotation metadata (a phone held upright records
landscape pixels plus a display matrix) is shown the way FFmpeg itself turns
it, as an upright portrait picture with bars beside it.

The fixture is red over blue, coded turned on its side; ffmpeg's own
autorotate gives the reference orientation, and the player's screenshot (over
the control socket, while the clip plays) must agree."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg  # noqa: E402

CTL = os.environ.get("SIGNAGE_CTL", "")
WINDOW = 400  # square: a portrait picture gets bars left and right


def rgb_frame(path):
    """(width, height, bytes) of the first frame of path as rgb24."""
    args = ["ffmpeg", "-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo",
            "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(args, check=True, capture_output=True).stdout
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height",
                            "-of", "csv=p=0", path], check=True, capture_output=True,
                           text=True).stdout.split(",")
    return int(probe[0]), int(probe[1]), raw


def colour_name(pixel):
    red, green, blue = pixel
    if red > 150 and green < 80 and blue < 80:
        return "red"
    if blue > 150 and red < 80 and green < 80:
        return "blue"
    if max(pixel) < 30:
        return "black"
    return f"other{pixel}"


class RotationTest(PlayerTest):
    def make_rotated_clip(self, name, transpose, rotate_tag):
        """Red over blue, portrait, coded turned by transpose and tagged."""
        coded = os.path.join(self.dir, f"coded-{name}.mp4")
        ffmpeg("-f", "lavfi", "-i", "color=red:s=180x160:r=25:d=4",
               "-f", "lavfi", "-i", "color=blue:s=180x160:r=25:d=4",
               "-filter_complex", f"[0][1]vstack,{transpose}", "-c:v", "libx264",
               "-preset", "ultrafast", "-pix_fmt", "yuv420p", coded)
        path = os.path.join(self.content, f"{name}.mp4")
        ffmpeg("-i", coded, "-c", "copy", "-metadata:s:v:0", f"rotate={rotate_tag}", path)
        return path

    def reference_order(self, path):
        """Top and bottom colours of ffmpeg's autorotated first frame."""
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", "1",
                              "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             check=True, capture_output=True).stdout
        # Autorotated: 180 wide, 320 high.
        top = tuple(raw[(40 * 180 + 90) * 3:(40 * 180 + 90) * 3 + 3])
        bottom = tuple(raw[(280 * 180 + 90) * 3:(280 * 180 + 90) * 3 + 3])
        return colour_name(top), colour_name(bottom)

    def screenshot_while_playing(self, clip_name):
        playlist = self.write(f"playlists/{clip_name}.playlist", f"video {clip_name}.mp4\n")
        socket_path = os.path.join(self.dir, f"{clip_name}.sock")
        player = self.spawn_player("--window", f"{WINDOW}x{WINDOW}", "--control", socket_path,
                                   "--loops", "1", playlist)
        try:
            shot = os.path.join(self.dir, f"{clip_name}.png")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                result = subprocess.run([CTL, "--socket", socket_path, "status"],
                                        capture_output=True, text=True, timeout=10)
                if result.returncode == 0 and '"kind":"video"' in result.stdout \
                        and '"frames_shown":0' not in result.stdout:
                    break
                time.sleep(0.1)
            result = subprocess.run([CTL, "--socket", socket_path, "screenshot", shot],
                                    capture_output=True, text=True, timeout=10)
            self.assertEqual(result.returncode, 0, result.stderr)
        finally:
            player.terminate()
            player.communicate(timeout=10)
        width, height, raw = rgb_frame(shot)
        self.assertEqual((width, height), (WINDOW, WINDOW))
        return raw

    def pixel(self, raw, x, y):
        offset = (y * WINDOW + x) * 3
        return colour_name(tuple(raw[offset:offset + 3]))

    def check(self, name, transpose, rotate_tag):
        path = self.make_rotated_clip(name, transpose, rotate_tag)
        top, bottom = self.reference_order(path)
        self.assertEqual({top, bottom}, {"red", "blue"}, "the fixture itself is wrong")
        raw = self.screenshot_while_playing(name)
        middle = WINDOW // 2
        # Upright portrait 180x320 scaled into 400x400: 225 wide, bars of ~87.
        self.assertEqual(self.pixel(raw, middle, WINDOW // 8), top, f"{name}: top")
        self.assertEqual(self.pixel(raw, middle, WINDOW * 7 // 8), bottom, f"{name}: bottom")
        self.assertEqual(self.pixel(raw, 20, middle), "black", f"{name}: no bar on the left")
        self.assertEqual(self.pixel(raw, WINDOW - 20, middle), "black",
                         f"{name}: no bar on the right")
        self.assertNotEqual(self.pixel(raw, middle - 100, middle), "black",
                            f"{name}: picture narrower than an upright portrait")

    def test_portrait_clip_turned_counterclockwise(self):
        self.check("turned-cw", "transpose=1", 90)

    def test_portrait_clip_turned_clockwise(self):
        self.check("turned-ccw", "transpose=2", 270)

    def test_upside_down_clip(self):
        self.check("upside-down", "hflip,vflip", 180)


if __name__ == "__main__":
    unittest.main(verbosity=2)
