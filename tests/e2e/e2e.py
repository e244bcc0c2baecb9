"""Shared helpers for the end-to-end tests: run the real player binary on
fixtures generated at test time with the ffmpeg CLI, and read its play log."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

PLAYER = os.environ.get("SIGNAGE_PLAYER", "")
SOURCE_DIR = os.environ.get("SIGNAGE_SOURCE_DIR", "")
ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")

# The player runs headless in tests, with the software renderer pinned so
# pictures are the same on every machine (see PLATFORM-NOTES).
HEADLESS_ENV = {
    "SDL_VIDEODRIVER": "offscreen",
    "SDL_AUDIODRIVER": "dummy",
    "SDL_RENDER_DRIVER": "software",
}


def ffmpeg(*args):
    """Runs the ffmpeg CLI quietly; raises with its stderr on failure."""
    result = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("ffmpeg failed: " + result.stderr)


def make_clip(path, seconds=3, rate=25, size="320x240", audio=True, codec="libx264"):
    """A clip of seconds*rate frames of moving test pattern, with a tone."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    args += ["-c:v", codec, "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-shortest"] if audio else []
    ffmpeg(*args, path)


def make_image(path, size="640x360"):
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=1", "-frames:v", "1", path)


def player_env(**extra):
    """The environment the player runs in: headless drivers, plus (in the
    sanitizer build) the preload that keeps SDL's plugins loaded for LSan."""
    env = dict(os.environ, **HEADLESS_ENV)
    preload = os.environ.get("SIGNAGE_PLAYER_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = preload
    env.update(extra)
    return env


class PlayerTest(unittest.TestCase):
    """Gives each test a fresh content folder and helpers to run the player."""

    def setUp(self):
        if not PLAYER or not os.access(PLAYER, os.X_OK):
            self.fail("SIGNAGE_PLAYER must name the built signage-player")
        self.dir = tempfile.mkdtemp(prefix="signage-e2e-")
        self.content = os.path.join(self.dir, "content")
        self.playlists = os.path.join(self.dir, "playlists")
        os.makedirs(self.content)
        os.makedirs(self.playlists)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, relative, text):
        path = os.path.join(self.dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return path

    def run_player(self, *args, env=None, timeout=120):
        return subprocess.run([PLAYER, *args], capture_output=True, text=True,
                              env=player_env(**(env or {})), timeout=timeout, cwd=self.dir)

    def spawn_player(self, *args, env=None, stderr=subprocess.PIPE):
        """Starts the player in the background; the caller stops it."""
        return subprocess.Popen([PLAYER, *args], env=player_env(**(env or {})), stderr=stderr,
                                text=True, cwd=self.dir)

    def play(self, playlist, loops=1, extra=(), env=None, timeout=120):
        """Plays playlist for loops passes; returns (process result, play-log records)."""
        log = os.path.join(self.dir, "play.jsonl")
        if os.path.exists(log):
            os.remove(log)
        result = self.run_player("--loops", str(loops), "--play-log", log, *extra, playlist,
                                 env=env, timeout=timeout)
        records = []
        if os.path.exists(log):
            with open(log, encoding="utf-8") as file:
                records = [json.loads(line) for line in file]
        return result, records

    def assert_all_ok(self, records):
        for record in records:
            self.assertEqual(record["result"], "ok", f"not ok: {record}")
