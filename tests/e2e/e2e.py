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


# ---- A player left running: the service, hot-reload and control tests ----------

import ctypes  # noqa: E402
import datetime  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

CTL = os.environ.get("SIGNAGE_CTL", "")
# The sanitizer build runs the player (and the --check child of every reload)
# several times slower: time limits are multiplied by this, never dropped.
TIME_SCALE = 3.0 if os.environ.get("SIGNAGE_PLAYER_PRELOAD") else 1.0


def ts_seconds(ts):
    """A play-log ts (ISO 8601 with offset) as seconds since the epoch."""
    return datetime.datetime.fromisoformat(ts).timestamp()


def read_play_log(path):
    """The records of a play log, leaving out a last line still being written."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.endswith("\n")]


def png_rgb(path):
    """(width, height, rgb24 bytes) of a PNG, read through ffprobe/ffmpeg."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", path],
                           check=True, capture_output=True, text=True).stdout.strip()
    width, height = (int(v) for v in probe.split(","))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt",
                          "rgb24", "-"], check=True, capture_output=True).stdout
    return width, height, raw


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate until it returns something true; returns that, or None
    once timeout seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def context_switches(pid):
    """Voluntary and involuntary context switches of every thread of pid: a
    thread that sleeps until its deadline adds one per wakeup."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as status:
                for line in status:
                    if line.startswith(("voluntary_ctxt_switches",
                                        "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except FileNotFoundError:  # a thread that just ended
            pass
    return total


class NotifyListener:
    """The systemd side of sd_notify: a datagram socket at path that records
    every message with its arrival time (monotonic and wall clock)."""

    def __init__(self, path):
        self.path = path
        self.messages = []  # (monotonic s, wall s, text)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(path)
        self._socket.settimeout(0.1)
        self._is_open = True
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self):
        while self._is_open:
            try:
                data = self._socket.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self.messages.append((time.monotonic(), time.time(), data.decode("utf-8", "replace")))

    def close(self):
        self._is_open = False
        self._thread.join()
        self._socket.close()

    def times(self, text, since=0.0):
        """Monotonic arrival times of the messages equal to text (or, for a
        text ending in '=', starting with it) since the given time."""
        return [t for t, _, m in list(self.messages) if t >= since and
                (m == text or (text.endswith("=") and m.startswith(text)))]

    def wait_for(self, text, timeout, since=0.0):
        """Waits for a message like times(); returns its arrival time or None."""
        found = wait_until(lambda: self.times(text, since), timeout)
        return found[0] if found else None


class ThreadFreezer:
    """Stops single threads of a child process with ptrace (PTRACE_SEIZE +
    PTRACE_INTERRUPT), the way a thread hangs in a read() that never returns,
    while the other threads run on. Works on our own children without
    privileges (also under Yama ptrace_scope=1). Every frozen thread must be
    thawed before the process can exit."""

    PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
    WALL = 0x40000000

    def __init__(self):
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                                      ctypes.c_void_p]
        self._libc.ptrace.restype = ctypes.c_long
        self.frozen = []

    def _ptrace(self, request, tid):
        if self._libc.ptrace(request, tid, None, None) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"ptrace({request:#x}, {tid}): {os.strerror(error)}")

    def freeze(self, tid):
        self._ptrace(self.PTRACE_SEIZE, tid)
        self.frozen.append(tid)
        self._ptrace(self.PTRACE_INTERRUPT, tid)
        os.waitpid(tid, self.WALL)  # until it has really stopped

    def thaw_all(self):
        for tid in self.frozen:
            try:
                self._ptrace(self.PTRACE_DETACH, tid)
            except OSError:  # it died while traced: reap it, or its process stays a zombie
                try:
                    os.waitpid(tid, self.WALL | os.WNOHANG)
                except ChildProcessError:
                    pass
        self.frozen = []


class LivePlayerTest(PlayerTest):
    """A player running in the background on self.playlist, with a play log,
    a control socket and its stderr in a file."""

    def setUp(self):
        super().setUp()
        self.log = os.path.join(self.dir, "play.jsonl")
        self.socket_path = os.path.join(self.dir, "control.sock")
        self.stderr_path = os.path.join(self.dir, "stderr.txt")
        self.player = None

    def tearDown(self):
        if self.player and self.player.poll() is None:
            self.player.kill()
            self.player.wait()
        super().tearDown()

    def start(self, playlist, *extra, env=None, wrapper=()):
        """Starts the player; waits for its control socket. wrapper: argv that
        execs the player (its arguments follow)."""
        self._stderr_file = open(self.stderr_path, "w", encoding="utf-8")
        self.addCleanup(self._stderr_file.close)
        args = [*wrapper, PLAYER, "--play-log", self.log, "--control", self.socket_path,
                *extra, playlist]
        self.player = subprocess.Popen(args, env=player_env(**(env or {})),
                                       stderr=self._stderr_file, cwd=self.dir)
        self.assertTrue(wait_until(lambda: os.path.exists(self.socket_path) or
                                   self.player.poll() is not None, 20 * TIME_SCALE))
        self.assertIsNone(self.player.poll(), self.stderr())
        return self.player

    def stop(self, limit_s=2.0):
        """SIGTERM; asserts a clean exit (0) within limit_s (scaled); returns
        the seconds it took."""
        started = time.monotonic()
        self.player.terminate()
        try:
            self.player.wait(timeout=limit_s * TIME_SCALE)
        except subprocess.TimeoutExpired:
            self.fail(f"still running {limit_s * TIME_SCALE} s after SIGTERM")
        took = time.monotonic() - started
        self.assertEqual(self.player.returncode, 0, self.stderr())
        return took

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as file:
            return file.read()

    def records(self):
        return read_play_log(self.log)

    def wait_for_record(self, predicate, timeout):
        """The first play-log record matching predicate, waiting up to timeout s."""
        def find():
            return next((r for r in self.records() if predicate(r)), None)
        return wait_until(find, timeout)

    def ctl(self, *args, expect=0):
        """Runs signage-ctl; asserts its exit code; returns the reply JSON (or None)."""
        result = subprocess.run([CTL, "--socket", self.socket_path, *args], capture_output=True,
                                text=True, timeout=15 * TIME_SCALE)
        self.assertEqual(result.returncode, expect, f"{args}: {result.stdout} {result.stderr}")
        return json.loads(result.stdout) if result.stdout.strip() else None
