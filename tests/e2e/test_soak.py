"""Accelerated soak: the real player loops 50 ms slides, an image and short
clips (with and without sound) while the playlist is rewritten again and
again, so it switches items thousands of times and reloads (a --check child,
then a switch to the new program) hundreds of times. Weeks of a hallway
screen, compressed. At checkpoints it publishes a "rest" playlist (one slide
held) and measures the player at rest. It must hold:

- resident memory (VmRSS) at the last rest is less than 2 MB above the first
  (the end of warm-up); not measured under the sanitizers, whose allocator
  keeps freed memory in quarantine;
- the open file descriptors are the same files, pipes and sockets at every
  rest;
- no --check child is left behind (no zombies), every item plays "ok";
- it exits 0 on SIGTERM with no sanitizer report: in the ASan build
  LeakSanitizer checks at exit that nothing allocated during the run leaked.

The short form (the default, in the normal suite) makes about 500 switches
and 10 reloads in under a minute. The long form, 10,000 switches and 200
reloads (about 20 minutes, longer than ctest's timeout for it), runs as
  SIGNAGE_SOAK=full SIGNAGE_PLAYER=build-test/player/signage-player \
      python3 tests/e2e/test_soak.py
and its figures go to docs/RELIABILITY.md. SIGNAGE_SOAK=SWITCHES:RELOADS
runs any other size; SIGNAGE_SOAK_REPORT=FILE also writes the figures and
every sample as JSON."""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg, make_image  # noqa: E402

SOAK = os.environ.get("SIGNAGE_SOAK", "short")  # short, full, or SWITCHES:RELOADS
IS_FULL = SOAK != "short"
IS_SANITIZED = bool(os.environ.get("SIGNAGE_PLAYER_PRELOAD"))
if ":" in SOAK:
    N_SWITCHES, N_RELOADS = (int(n) for n in SOAK.split(":"))
elif IS_FULL:
    N_SWITCHES, N_RELOADS = 10000, 200
elif IS_SANITIZED:  # several times slower: fewer switches, the same kinds of work
    N_SWITCHES, N_RELOADS = 250, 5
else:
    N_SWITCHES, N_RELOADS = 500, 10
# Where the loop rests (one slide held) to measure, as fractions of the
# switches; the first rest ends the warm-up (caches, font faces, decoder
# pools settle), the growth is measured from it to the last.
CHECKPOINTS = (0.2, 0.4, 0.6, 0.8, 1.0) if IS_FULL else (0.3, 1.0)
REST_SETTLE_S = 1.5
# One malloc arena: glibc otherwise gives each decoder and opener thread an
# arena of its own, whose freed pages stay resident by the luck of thread
# timing (+-2 MB from rest to rest over 3,000 switches, with no trend), which
# hides a slow leak as well as it fakes one. With one arena, resident memory
# follows what the program holds. docs/RELIABILITY.md has both figures.
ALLOCATOR_ENV = {"MALLOC_ARENA_MAX": os.environ.get("SIGNAGE_SOAK_ARENAS", "1")}
MAX_RSS_GROWTH_KB = 2048  # over 8,000 switches, a leak of 256 bytes a switch crosses it
SAMPLE_S = 0.25
RELOAD_TIMEOUT_S = 30.0 * (3 if IS_SANITIZED else 1)
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

DECK = """# 第一张：标题

新质生产力是创新起主导作用的先进生产力质态。

---

# Lists

- one
- two
  - nested

---

> **5095家** 国家级绿色工厂
> **2.42亿吨** 减少二氧化碳排放

---

```
code block
```

---

Plain text, no title, long enough to wrap on a 320 pixel wide window at least once.
"""


def proc_status_kb(pid, field):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def children_of(pid):
    """Process ids of pid's children (zombies included) from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((int(entry), fields[0]))
    return found


class SoakTest(PlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/deck.md", DECK)
        make_image(os.path.join(self.content, "picture.png"), size="320x180")
        for name, audio in (("with-sound.mp4", True), ("silent.mp4", False)):
            args = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=0.2"]
            if audio:
                args += ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.2", "-c:a", "aac",
                         "-shortest"]
            ffmpeg(*args, "-c:v", "libx264", "-pix_fmt", "yuv420p",
                   os.path.join(self.content, name))
        self.playlist = os.path.join(self.playlists, "soak.playlist")
        self.n_written = 0
        self.publish()
        self.log = os.path.join(self.dir, "play.jsonl")
        self.not_ok = []  # play-log records whose result is not "ok"
        self.stderr_path = os.path.join(self.dir, "player.stderr")

    def publish(self, is_rest=False):
        """Writes a new version of the playlist the safe way (a temporary
        file moved over it); each version differs, so each is a real reload.
        A rest version holds one slide for an hour: the state in which
        memory and descriptors are compared."""
        self.n_written += 1
        if is_rest:
            items = ["slide deck.md#1"]
        else:  # odd versions reverse the items: the new program really differs
            items = ["deck deck.md", "image picture.png", "video with-sound.mp4",
                     "video silent.mp4"]
            if self.n_written % 2:
                items.reverse()
        slide_time = "1h" if is_rest else "50ms"
        text = (f"# soak version {self.n_written}\nslide-time = {slide_time}\n"
                "transition = none\naudio = on\nreload = now\n\n" + "\n".join(items) + "\n")
        temporary = self.playlist + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, self.playlist)

    def test_memory_and_descriptors_stay_flat_over_many_switches_and_reloads(self):
        with open(self.stderr_path, "w") as stderr:
            player = self.spawn_player("--window", "320x180", "--play-log", self.log,
                                       "--control", os.path.join(self.dir, "control.sock"),
                                       self.playlist, stderr=stderr, env=ALLOCATOR_ENV)
        try:
            figures, samples = self.soak(player.pid)
        finally:
            player.send_signal(signal.SIGTERM)
            try:
                player.wait(timeout=60)
            except subprocess.TimeoutExpired:
                player.kill()
                player.wait()
        with open(self.stderr_path, errors="replace") as file:
            stderr_text = file.read()
        figures["exit_code"] = player.returncode
        self.report(figures, samples)
        self.assertEqual(player.returncode, 0, stderr_text[-4000:])
        for report in SANITIZER_REPORTS:
            self.assertNotIn(report, stderr_text)
        self.assertEqual(figures["results"], {"ok": figures["switches"]},
                         f"an item did not play: {self.not_ok[:5]}")
        self.assertGreaterEqual(figures["switches"], N_SWITCHES)
        self.assertGreaterEqual(figures["reloads_accepted"], N_RELOADS)
        self.assertEqual(figures["leftover_children"], [], "a --check child was left behind")
        rests = figures["rests"]
        for rest in rests[1:]:
            self.assertEqual(rest["fds"], rests[0]["fds"],
                             f"open descriptors changed at rest: {rests[0]} -> {rest}")
        if not IS_SANITIZED:
            self.assertLess(figures["rss_growth_kb"], MAX_RSS_GROWTH_KB,
                            f"resident memory grew: {rests}")

    def soak(self, pid):
        """Drives the player until it has made N_SWITCHES switches and
        N_RELOADS accepted reloads, resting at each checkpoint; returns
        (figures, samples)."""
        self.pid = pid
        self.start = time.monotonic()
        self.samples = []  # (s since start, switches, reloads, VmRSS kB, open fds)
        self.results = {}
        self.log_offset = 0
        self.n_switches = 0
        rests = []
        # Publish a new version every reload_every switches, once the last
        # one was accepted, so the reloads spread over the whole run.
        reload_every = max(1, N_SWITCHES // (N_RELOADS + len(CHECKPOINTS)))
        next_reload_at = reload_every
        checkpoints = [int(N_SWITCHES * f) for f in CHECKPOINTS]
        while True:
            self.sample()
            n_accepted = self.n_written - 1
            is_last = len(checkpoints) == 1
            if self.n_switches >= checkpoints[0] and (not is_last or n_accepted + 1 >= N_RELOADS):
                checkpoints.pop(0)
                rests.append(self.rest())
                if is_last:
                    break
                self.publish()
                self.wait_for_acceptance()
                next_reload_at = self.n_switches + reload_every
            elif self.n_switches >= next_reload_at:
                self.publish()
                self.wait_for_acceptance()
                next_reload_at = self.n_switches + reload_every
        elapsed = time.monotonic() - self.start
        return self.figures(rests, elapsed), self.samples

    def sample(self):
        time.sleep(SAMPLE_S)
        self.assertIsNone(self.player_exit(self.pid), "the player died: " + self.stderr_tail())
        self.log_offset, new_results = self.read_new_records(self.log_offset)
        for result in new_results:
            self.results[result] = self.results.get(result, 0) + 1
        self.n_switches += len(new_results)
        self.samples.append((round(time.monotonic() - self.start, 2), self.n_switches,
                             self.count_in_stderr(" accepted: "),
                             proc_status_kb(self.pid, "VmRSS"), len(self.open_fds())))

    def wait_for_acceptance(self):
        asked_at = time.monotonic()
        while self.count_in_stderr(" accepted: ") < self.n_written - 1:
            self.assertLess(time.monotonic() - asked_at, RELOAD_TIMEOUT_S,
                            f"version {self.n_written} not accepted: " + self.stderr_tail())
            self.sample()

    def rest(self):
        """Publishes the rest version and measures once it is on screen."""
        self.publish(is_rest=True)
        self.wait_for_acceptance()
        for _ in range(int(REST_SETTLE_S / SAMPLE_S)):
            self.sample()
        rss = [s[3] for s in self.samples[-4:]]
        return {"switches": self.n_switches, "t_s": self.samples[-1][0],
                "rss_kb": min(rss), "fds": self.open_fds()}

    def open_fds(self):
        """What each open descriptor of the player is (path, pipe:[...]...),
        sorted, with pipe and socket inode numbers left out."""
        fds = []
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{fd}")
            except OSError:
                continue
            fds.append(target.split(":[")[0] if ":[" in target else target)
        return sorted(fds)

    def figures(self, rests, elapsed):
        samples = self.samples
        return {
            "form": SOAK,
            "malloc_arena_max": ALLOCATOR_ENV["MALLOC_ARENA_MAX"],
            "sanitized": IS_SANITIZED,
            "duration_s": round(elapsed, 1),
            "switches": sum(self.results.values()),
            "results": self.results,
            "reloads_accepted": self.count_in_stderr(" accepted: "),
            "playlist_versions_written": self.n_written,
            "rss_start_kb": samples[0][3],
            "rss_at_rests_kb": [(r["switches"], r["rss_kb"]) for r in rests],
            "rss_growth_kb": rests[-1]["rss_kb"] - rests[0]["rss_kb"],
            "rss_max_kb": max(s[3] for s in samples),
            "vm_hwm_kb": proc_status_kb(self.pid, "VmHWM"),
            "fds_at_rests": [len(r["fds"]) for r in rests],
            "fds_min_max": [min(s[4] for s in samples), max(s[4] for s in samples)],
            "rests": rests,
            "leftover_children": children_of(self.pid),
            "not_ok": self.not_ok[:20],
        }

    def report(self, figures, samples):
        print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
        path = os.environ.get("SIGNAGE_SOAK_REPORT")
        if path:
            with open(path, "w", encoding="utf-8") as file:
                json.dump({"figures": figures, "samples": samples}, file)

    def read_new_records(self, offset):
        """Results of the play-log records written since offset (whole lines only)."""
        if not os.path.exists(self.log):
            return offset, []
        with open(self.log, "rb") as file:
            file.seek(offset)
            data = file.read()
        end = data.rfind(b"\n") + 1
        records = [json.loads(line) for line in data[:end].splitlines() if line]
        self.not_ok += [record for record in records if record["result"] != "ok"]
        return offset + end, [record["result"] for record in records]

    def count_in_stderr(self, text):
        with open(self.stderr_path, errors="replace") as file:
            return sum(1 for line in file if text in line)

    def stderr_tail(self):
        with open(self.stderr_path, errors="replace") as file:
            return file.read()[-3000:]

    @staticmethod
    def player_exit(pid):
        try:
            with open(f"/proc/{pid}/stat") as file:
                state = file.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "gone"
        return "zombie" if state == "Z" else None


if __name__ == "__main__":
    unittest.main(verbosity=2)
