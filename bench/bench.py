#!/usr/bin/env python3
"""bench/bench.py: measures signage-player against its peers (the ffmpeg
decode floor, mpv, ffplay) in one run and prints one table; bench/run
installs what is missing, builds the Release binary and calls this.

What is measured, and how (docs/PERFORMANCE.md explains each row):
- CPU: user + system time of the whole process (every thread), from
  wait4()'s rusage when the process exits, or from /proc/PID/stat while it
  runs (clock ticks, 10 ms). CPU time does not depend on what else the
  machine is doing, wall time does.
- wakeups: voluntary + involuntary context switches, summed over ALL
  threads (/proc/PID/task/*/status) while the process runs, or over the
  process and its waited-for threads from rusage at exit.
- start-up: from just before fork/exec to the player's sd_notify READY=1,
  which it sends after its first picture was presented (app.c:
  app_handle_service runs after sequence_render has presented). For mpv:
  its "first video frame after restart shown" log line, timestamped as it
  arrives.
- gaps: the play log's gap_ms (the player's own monotonic measure); for
  mpv, first frame of the next clip - first frame of this one - the clip's
  duration, from its --msg-time log.
- peak memory: ru_maxrss (peak RSS of the process).
- instructions: `perf stat -e instructions:u` where the CPU exposes
  counters; otherwise callgrind (deterministic, slow: a short section).

Every figure is the median of N runs with min and max (N = 5, or 3 with
--quick). Standard library only.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# The systemd side of sd_notify and the context-switch count, as the e2e tests
# take them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from e2e import NotifyListener, context_switches  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCREEN = "1920x1080"
SMALL = "320x180"
CLIP_S = 10.0  # the 1080p30 clip
GAP_CLIP_S = 2.0
STARTUP_TIMEOUT_S = 20.0

# ---------------------------------------------------------------------------
# Small helpers


def say(text):
    print(f"--> {text}", file=sys.stderr, flush=True)


def run_quiet(args, **kwargs):
    return subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, **kwargs)


def summary(values):
    """(median, min, max) of the non-None values, or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(stat, digits=3, unit=""):
    if stat is None:
        return "n/a"
    median, low, high = stat
    if low == high:
        return f"{median:.{digits}f}{unit}"
    return f"{median:.{digits}f}{unit} ({low:.{digits}f}–{high:.{digits}f})"


def proc_cpu_s(pid):
    """CPU seconds (user + system) of the whole process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def proc_threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


class Measured:
    """One process run to its end: wall time, CPU, peak RSS, context switches
    (rusage of the process and everything it waited for), its output."""

    def __init__(self, args, env=None, timeout=120, cwd=None, server=None):
        server_cpu_s = proc_cpu_s(server.proc.pid) if server else 0.0
        started = time.monotonic()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL)
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.02)
            proc.returncode = os.waitstatus_to_exitcode(status)
            self.wall_s = time.monotonic() - started
            out.seek(0)
            err.seek(0)
            self.stdout = out.read().decode("utf-8", "replace")
            self.stderr = err.read().decode("utf-8", "replace")
        self.returncode = proc.returncode
        self.cpu_s = usage.ru_utime + usage.ru_stime
        # What the X server spent meanwhile (an XShmPutImage is copied there).
        self.server_cpu_s = proc_cpu_s(server.proc.pid) - server_cpu_s if server else None
        self.maxrss_mb = usage.ru_maxrss / 1024.0
        self.switches = usage.ru_nvcsw + usage.ru_nivcsw
        if self.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {self.returncode}:\n{self.stderr[-2000:]}")


class LineWatcher:
    """Reads a pipe line by line on a thread, timestamping each line."""

    def __init__(self, stream):
        self.lines = []  # (monotonic s, text)
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            self.lines.append((time.monotonic(), raw.decode("utf-8", "replace")))

    def first(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for t, text in list(self.lines):
                if regex.search(text):
                    return t, text
            time.sleep(0.005)
        return None, None

    def join(self):
        self._thread.join(timeout=5)


class Xvfb:
    """A 1920x1080x24 X server of our own (display :N)."""

    def __init__(self):
        for number in range(91, 140):
            if not os.path.exists(f"/tmp/.X11-unix/X{number}") and \
                    not os.path.exists(f"/tmp/.X{number}-lock"):
                break
        self.display = f":{number}"
        self.proc = subprocess.Popen(["Xvfb", self.display, "-screen", "0", f"{SCREEN}x24",
                                      "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def stop(proc, timeout=5.0):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_play_log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------------------
# The bench itself


class Bench:
    def __init__(self, options):
        self.options = options
        self.quick = options.quick
        self.runs = options.runs or (3 if self.quick else 5)
        self.idle_s = options.idle_s or (8.0 if self.quick else 30.0)
        self.n_items = options.items or (200 if self.quick else 1000)
        self.build = os.path.abspath(options.build)
        self.player = os.path.join(self.build, "player", "signage-player")
        self.slide_bench = os.path.join(self.build, "bench", "signage-slide-bench")
        self.fixtures = os.path.join(self.build, "bench-fixtures")
        self.work = tempfile.mkdtemp(prefix="signage-bench-")
        self.content = os.path.join(self.fixtures, "content")  # kept between runs
        self.rows = []  # (section, what, subject, value, target, verdict)
        self.notes = []
        self.env_base = dict(os.environ)
        for key in ("SDL_VIDEODRIVER", "SDL_RENDER_DRIVER", "SDL_AUDIODRIVER", "DISPLAY",
                    "NOTIFY_SOCKET", "WATCHDOG_USEC"):
            self.env_base.pop(key, None)
        self.has_perf = self._perf_works()
        self.player_env = dict(item.split("=", 1) for item in options.player_env)
        self.loads = [os.getloadavg()]

    # -- environment -------------------------------------------------------

    def env(self, display=None, driver="x11", audio="dummy", **extra):
        env = dict(self.env_base)
        env["SDL_RENDER_DRIVER"] = "software"
        env["SDL_AUDIODRIVER"] = audio
        env["SDL_VIDEODRIVER"] = driver
        if display:
            env["DISPLAY"] = display
        env.update(extra)
        return env

    @staticmethod
    def _perf_works():
        if not shutil.which("perf"):
            return False
        result = subprocess.run(["perf", "stat", "-x", ",", "-e", "instructions:u", "true"],
                                capture_output=True, text=True)
        return result.returncode == 0 and re.search(r"^\d+,", result.stderr, re.M) is not None

    # -- fixtures ------------------------------------------------------------

    def ffmpeg(self, *args):
        run_quiet(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args])

    def make_clip(self, name, seconds, size, rate=30, bitrate="8M", tone=440):
        path = os.path.join(self.content, "clips", name)
        if os.path.exists(path):
            return path
        say(f"making {name} ({seconds} s {size}@{rate} H.264 {bitrate}b/s + AAC)")
        # Noise over the test pattern so the encoder really spends the
        # bitrate (a clean testsrc2 compresses to a fraction of it).
        self.ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate},noise=alls=12:allf=t",
                    "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast",
                    "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", "16M",
                    "-pix_fmt", "yuv420p", "-g", str(2 * rate), "-c:a", "aac", "-b:a", "128k",
                    "-shortest", "-movflags", "+faststart", path + ".tmp.mp4")
        os.rename(path + ".tmp.mp4", path)
        return path

    def make_fixtures(self):
        os.makedirs(os.path.join(self.content, "clips"), exist_ok=True)
        os.makedirs(os.path.join(self.content, "deck"), exist_ok=True)
        self.clip = self.make_clip("clip1080.mp4", 10, "1920x1080")
        self.gap_a = self.make_clip("gap-a.mp4", 2, "1920x1080", tone=660)
        self.gap_b = self.make_clip("gap-b.mp4", 2, "1920x1080", tone=880)
        self.tiny = self.make_clip("tiny.mp4", 0.3, "320x240", rate=25, bitrate="500k")
        self.short = self.make_clip("short1080.mp4", 0.5, "1920x1080", tone=550)
        with open(os.path.join(self.content, "deck", "bench.md"), "w") as f:
            f.write("# 静态画面 · A static slide\n\n"
                    "新质生产力是创新起主导作用的先进生产力质态。\n\n"
                    "- one point\n- another point\n\n---\n\n"
                    "# Second slide\n\n> **5095家** 国家级绿色工厂\n")
        # The same picture for the peers: the player's own rendering of slide 1.
        out = os.path.join(self.work, "render")
        run_quiet([self.player, "--render", os.path.join(self.content, "deck", "bench.md"),
                   "--out", out, "--content", self.content, "--size", SCREEN],
                  env=self.env(driver="offscreen"))
        self.slide_png = os.path.join(out, "slide-01.png")
        shutil.copy(self.slide_png, os.path.join(self.content, "deck", "slide.png"))
        probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0",
                                "-show_entries", "stream=nb_frames,duration", "-of", "json",
                                self.clip], capture_output=True, text=True, check=True)
        stream = json.loads(probe.stdout)["streams"][0]
        self.clip_frames = int(stream["nb_frames"])
        self.clip_s = float(stream["duration"])

    def playlist(self, name, body):
        path = os.path.join(self.work, name + ".playlist")
        with open(path, "w") as f:
            f.write(body)
        return path

    # -- the player ----------------------------------------------------------

    def player_args(self, playlist, window=SCREEN, loops=None, play_log=None):
        args = [self.player, "--content", self.content, "--window", window]
        if loops:
            args += ["--loops", str(loops)]
        if play_log:
            args += ["--play-log", play_log]
        return args + [playlist]

    def spawn_ready(self, args, env):
        """Starts args with a NOTIFY_SOCKET; returns (proc, start-to-READY s)."""
        notify = NotifyListener(os.path.join(self.work, f"notify-{time.monotonic_ns()}"))
        env = dict(env, NOTIFY_SOCKET=notify.path)
        started = time.monotonic()
        proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ready = notify.wait_for("READY=1", STARTUP_TIMEOUT_S)
        notify.close()
        os.unlink(notify.path)
        if ready is None:
            stop(proc)
            raise RuntimeError(f"no READY=1 from {' '.join(args)}:\n"
                               f"{proc.stderr.read().decode()[-2000:]}")
        return proc, ready - started

    # -- idle ----------------------------------------------------------------

    def idle_subjects(self, display_of):
        slide_pl = self.playlist("idle", "slide deck/bench.md#1 1h\n")
        return {
            "signage-player": (self.player_args(slide_pl),
                               self.env(display_of("player"), **self.player_env)),
            "mpv --vo=sdl": (["mpv", "--no-config", "--vo=sdl", "--ao=null", "--really-quiet",
                              "--image-display-duration=inf", f"--geometry={SCREEN}",
                              self.slide_png], self.env(display_of("mpv"))),
            "ffplay": (["ffplay", "-hide_banner", "-loglevel", "quiet", "-x", "1920", "-y", "1080",
                        self.slide_png], self.env(display_of("ffplay"))),
            "signage-player (offscreen)": (self.player_args(slide_pl),
                                           self.env(driver="offscreen", **self.player_env)),
        }

    def bench_idle(self):
        say(f"idle: a static slide for {self.idle_s:.0f} s, {self.runs} runs; "
            "the subjects idle side by side, each on its own X server")
        servers = {}

        def display_of(name):
            servers[name] = Xvfb()
            return servers[name].display

        subjects = self.idle_subjects(display_of)
        results = {name: {"cpu": [], "wakeups": [], "threads": []} for name in subjects}
        try:
            for _ in range(self.runs):
                procs = {}
                for name, (args, env) in subjects.items():
                    procs[name] = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                                   stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL)
                time.sleep(3.0)  # started, first picture up, caches settled
                before = {}
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        raise RuntimeError(f"idle: {name} exited {proc.returncode}")
                    before[name] = (proc_cpu_s(proc.pid), context_switches(proc.pid))
                time.sleep(self.idle_s)
                for name, proc in procs.items():
                    cpu, wakeups = proc_cpu_s(proc.pid), context_switches(proc.pid)
                    results[name]["cpu"].append((cpu - before[name][0]) / self.idle_s)
                    results[name]["wakeups"].append((wakeups - before[name][1]) / self.idle_s)
                    results[name]["threads"].append(proc_threads(proc.pid))
                for proc in procs.values():
                    stop(proc)
        finally:
            for server in servers.values():
                server.close()
        for name, r in results.items():
            is_player = name == "signage-player"
            self.row("idle", "CPU-s per s", name, fmt(summary(r["cpu"]), 4),
                     "≤ 0.001" if is_player else "", self.verdict(r["cpu"], 0.001, is_player))
            self.row("idle", "wakeups per s (all threads)", name,
                     fmt(summary(r["wakeups"]), 2) + f", {max(r['threads'])} threads",
                     "≤ 1" if is_player else "", self.verdict(r["wakeups"], 1.0, is_player))
        self.idle_results = results

    # -- start-up ------------------------------------------------------------

    def bench_startup(self):
        say(f"start-up: process start to first picture presented, {self.runs} runs each")
        slide_pl = self.playlist("start-slide", "slide deck/bench.md#1 1h\n")
        video_pl = self.playlist("start-video", "video clips/clip1080.mp4\n")
        server = Xvfb()
        try:
            for label, playlist, target in (("slide", slide_pl, 0.150),
                                            ("video", video_pl, 0.200)):
                times, cpus = [], []
                for _ in range(self.runs):
                    proc, ready_s = self.spawn_ready(self.player_args(playlist),
                                                     self.env(server.display,
                                                              **self.player_env))
                    cpus.append(proc_cpu_s(proc.pid))
                    stop(proc)
                    times.append(ready_s)
                self.row("start-up", f"{label}: start → first picture presented",
                         "signage-player", fmt(summary([t * 1e3 for t in times]), 0, " ms"),
                         f"≤ {target * 1e3:.0f} ms", self.verdict(times, target, True))
                self.row("start-up", f"{label}: CPU-s spent up to then", "signage-player",
                         fmt(summary(cpus), 2), "", "")
            for label, path in (("slide", self.slide_png), ("video", self.clip)):
                times = []
                for _ in range(self.runs):
                    times.append(self.mpv_first_frame(server.display, path))
                self.row("start-up", f"{label}: start → first picture presented", "mpv --vo=sdl",
                         fmt(summary([t * 1e3 if t else None for t in times]), 0, " ms"), "", "")
        finally:
            server.close()

    def mpv_first_frame(self, display, path):
        args = ["mpv", "--no-config", "--vo=sdl", "--ao=null", "-v", f"--geometry={SCREEN}",
                "--image-display-duration=inf", path]
        started = time.monotonic()
        proc = subprocess.Popen(args, env=self.env(display), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        watcher = LineWatcher(proc.stdout)
        at, _ = watcher.first(r"first video frame after restart shown", STARTUP_TIMEOUT_S)
        stop(proc)
        watcher.join()
        return at - started if at else None

    # -- video ---------------------------------------------------------------

    def with_perf(self, args, name):
        """args prefixed by perf stat when counters work; the file it writes."""
        if not self.has_perf:
            return args, None
        out = os.path.join(self.work, f"perf-{name}-{time.monotonic_ns()}.txt")
        return ["perf", "stat", "-x", ",", "-e", "instructions:u", "-o", out, "--"] + args, out

    @staticmethod
    def perf_instructions(path):
        if not path or not os.path.exists(path):
            return None
        with open(path) as f:
            for line in f:
                fields = line.split(",")
                if len(fields) > 2 and fields[2].startswith("instructions") and \
                        fields[0].isdigit():
                    return int(fields[0])
        return None

    def player_video(self, window, server, playlist_body, name):
        playlist = self.playlist(name, playlist_body)
        log = os.path.join(self.work, f"{name}-{time.monotonic_ns()}.jsonl")
        env = self.env(server.display if server else None, driver="x11" if server else "offscreen",
                       **self.player_env)
        args, perf = self.with_perf(self.player_args(playlist, window, loops=1, play_log=log),
                                    name)
        run = Measured(args, env=env, server=server)
        records = read_play_log(log)
        run.records = records
        run.dropped = sum(r.get("frames_dropped", 0) for r in records if r["kind"] == "video")
        run.shown = sum(r.get("frames_shown", 0) for r in records if r["kind"] == "video")
        run.instructions = self.perf_instructions(perf)
        bad = [r for r in records if r["result"] != "ok"]
        if bad:
            raise RuntimeError(f"{name}: {bad}")
        return run

    def ffplay_video(self, server, window_args):
        args, perf = self.with_perf(["ffplay", "-hide_banner", "-autoexit", *window_args,
                                     "-left", "0", "-top", "0", self.clip], "ffplay")
        run = Measured(args, env=self.env(server.display), server=server)
        drops = re.findall(r"fd=\s*(\d+)", run.stderr)
        run.dropped = int(drops[-1]) if drops else None
        run.instructions = self.perf_instructions(perf)
        return run

    def video_rows(self, section, what_prefix, results, floor=None, targets=None):
        for name, runs in results.items():
            cpu = summary([r.cpu_s / self.clip_s for r in runs])
            value = fmt(cpu, 3)
            if floor:
                ratios = summary([r.cpu_s / f.cpu_s for r, f in zip(runs, floor)])
                value += f" = {fmt(ratios, 2)}× floor"
            target, verdict = (targets or {}).get(name, ("", ""))
            self.row(section, f"{what_prefix}CPU-s per s of video", name, value, target, verdict)
            if any(getattr(r, "server_cpu_s", None) is not None for r in runs):
                self.row(section, "… plus the X server's (Xvfb) CPU-s per s meanwhile", name,
                         fmt(summary([r.server_cpu_s / self.clip_s for r in runs]), 3), "", "")
            if any(getattr(r, "dropped", None) is not None for r in runs):
                self.row(section, "frames dropped (of %d)" % self.clip_frames, name,
                         fmt(summary([r.dropped for r in runs]), 0), "", "")
            if any(getattr(r, "instructions", None) for r in runs):
                self.row(section, "instructions (perf, user)", name,
                         fmt(summary([r.instructions / 1e9 for r in runs]), 2, " G"), "", "")
            self.row(section, "peak RSS", name, fmt(summary([r.maxrss_mb for r in runs]), 0,
                                                      " MB"), "", "")

    def bench_video_full(self):
        say(f"video, full size: the 1080p30 clip in a {SCREEN} window under Xvfb, "
            f"SDL x11 + software renderer, {self.runs} runs each")
        body = "audio = on\nvideo clips/clip1080.mp4\n"
        server = Xvfb()
        results = {"signage-player": [], "ffplay": []}
        try:
            for i in range(self.runs):
                results["signage-player"].append(self.player_video(SCREEN, server, body, "full"))
                results["ffplay"].append(self.ffplay_video(server, ["-x", "1920", "-y", "1080"]))
        finally:
            server.close()
        player_cpu = statistics.median(r.cpu_s for r in results["signage-player"])
        ffplay_cpu = statistics.median(r.cpu_s for r in results["ffplay"])
        player_drops = statistics.median(r.dropped for r in results["signage-player"])
        ffplay_drops = [r.dropped for r in results["ffplay"] if r.dropped is not None]
        targets = {"signage-player": ("< ffplay; 0 dropped",
                                      self.mark(player_cpu < ffplay_cpu and player_drops == 0))}
        self.video_rows("video 1920x1080", "", results, targets=targets)
        self.full_results = results
        if ffplay_drops and statistics.median(ffplay_drops) == 0:
            self.notes.append("ffplay dropped no frames in this run.")

    def bench_video_small(self):
        say(f"video, pipeline overhead: the same clip in a {SMALL} window, against the "
            f"decode floor and mpv --vo=null, {self.runs} runs each")
        body = "audio = on\nvideo clips/clip1080.mp4\n"
        server = Xvfb()
        results = {"ffmpeg -threads 2 (decode floor)": [], "mpv --vo=null --ao=null": [],
                   f"signage-player {SMALL}": []}
        floor_name, mpv_name, player_name = list(results)
        try:
            for _ in range(self.runs):
                args, perf = self.with_perf(["ffmpeg", "-hide_banner", "-loglevel", "error",
                                             "-threads", "2", "-i", self.clip, "-f", "null", "-"],
                                            "floor")
                run = Measured(args, env=self.env())
                run.instructions = self.perf_instructions(perf)
                results[floor_name].append(run)
                args, perf = self.with_perf(["mpv", "--no-config", "--vo=null", "--ao=null",
                                             "--really-quiet", self.clip], "mpv")
                run = Measured(args, env=self.env())
                run.instructions = self.perf_instructions(perf)
                results[mpv_name].append(run)
                results[player_name].append(self.player_video(SMALL, server, body, "small"))
        finally:
            server.close()
        floor = results[floor_name]
        ratio = statistics.median(p.cpu_s / f.cpu_s for p, f in zip(results[player_name], floor))
        targets = {player_name: ("≤ 1.15× floor", self.mark(ratio <= 1.15))}
        self.video_rows(f"video {SMALL}", "", results, floor=floor, targets=targets)
        self.small_results = results

    # -- memory --------------------------------------------------------------

    def bench_memory(self):
        say(f"memory: peak RSS playing the 1080p clip with the next clip prepared, "
            f"{self.runs} runs; then RSS over {self.n_items} items")
        body = "audio = on\nvideo clips/clip1080.mp4\nvideo clips/gap-a.mp4\n"
        server = Xvfb()
        try:
            runs = {SMALL: [], SCREEN: []}
            for _ in range(self.runs):
                for window in runs:
                    runs[window].append(self.player_video(window, server, body, "memory"))
        finally:
            server.close()
        floor = summary([r.maxrss_mb for r in self.small_results[
            "ffmpeg -threads 2 (decode floor)"]])
        for window, results in runs.items():
            peak = summary([r.maxrss_mb for r in results])
            ratio = peak[0] / floor[0] if floor else None
            target, verdict = ("≤ 1.1× floor", self.mark(ratio <= 1.1)) if window == SMALL \
                else ("", "")
            self.row("memory", f"peak RSS, 1080p clip + next clip prepared, {window} window",
                     "signage-player", f"{fmt(peak, 0, ' MB')} = {ratio:.2f}× floor",
                     target, verdict)
        self.row("memory", "peak RSS, decode floor (same clip)", "ffmpeg -threads 2",
                 fmt(floor, 0, " MB"), "", "")
        self.bench_growth()

    def bench_growth(self):
        # Slides, an image and short clips with sound, as the soak test plays;
        # one malloc arena, as tests/e2e/test_soak.py explains (per-thread
        # arenas keep freed pages resident by the luck of thread timing).
        body = ("slide-time = 50ms\naudio = on\n"
                "slide deck/bench.md#1\nvideo clips/tiny.mp4\nimage deck/slide.png\n"
                "video clips/short1080.mp4\nslide deck/bench.md#2\nvideo clips/tiny.mp4\n")
        n_per_pass = 6
        loops = max(1, self.n_items // n_per_pass)
        playlist = self.playlist("growth", body)
        log = os.path.join(self.work, "growth.jsonl")
        proc = subprocess.Popen(self.player_args(playlist, SMALL, loops=loops, play_log=log),
                                env=self.env(driver="offscreen", MALLOC_ARENA_MAX="1",
                                             **self.player_env),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        samples = []  # (items done, VmRSS kB)
        n_done = 0
        while proc.poll() is None:
            try:
                rss = proc_status_kb(proc.pid, "VmRSS")
            except (FileNotFoundError, ProcessLookupError):
                break
            if os.path.exists(log):
                with open(log) as f:
                    n_done = sum(1 for _ in f)
            if rss:
                samples.append((n_done, rss))
            time.sleep(0.25)
        proc.wait()
        total = loops * n_per_pass
        warm = [rss for n, rss in samples if total * 0.1 <= n < total * 0.2]
        last = [rss for n, rss in samples if n >= total * 0.9]
        if not warm or not last or proc.returncode != 0:
            self.row("memory", f"RSS growth over {total} items", "signage-player", "n/a", "none",
                     "✗")
            return
        growth_mb = (max(last) - max(warm)) / 1024.0
        self.row("memory", f"RSS growth over {total} items (10–20 % → last 10 %)",
                 "signage-player", f"{growth_mb:+.1f} MB (max {max(last) / 1024:.0f} MB; "
                 "MALLOC_ARENA_MAX=1)", "none (< 2 MB)", self.mark(growth_mb < 2.0))

    # -- gaps ----------------------------------------------------------------

    def bench_gaps(self):
        say(f"gaps: slide → video → video → slide, {self.runs} passes")
        body = ("slide deck/bench.md#1 1s\nvideo clips/gap-a.mp4\nvideo clips/gap-b.mp4\n"
                "slide deck/bench.md#2 1s\n")
        server = Xvfb()
        try:
            playlist = self.playlist("gaps", body)
            log = os.path.join(self.work, "gaps.jsonl")
            Measured(self.player_args(playlist, SCREEN, loops=self.runs, play_log=log),
                     env=self.env(server.display, **self.player_env),
                     timeout=60 + 10 * self.runs)
            records = read_play_log(log)
            gaps = {}
            for previous, record in zip(records, records[1:]):
                key = f"{previous['kind']} → {record['kind']}"
                gaps.setdefault(key, []).append(record["gap_ms"])
            for key in ("slide → video", "video → video", "video → slide", "slide → slide"):
                values = gaps.get(key, [])
                self.row("gaps", f"gap_ms {key}", "signage-player", fmt(summary(values), 0, " ms"),
                         "< 17 ms", self.mark(bool(values) and max(values) < 17))
            videos = [r for r in records if r["kind"] == "video"]
            self.row("gaps", "frames dropped in those clips (the next slide is drawn meanwhile)",
                     "signage-player", f"{sum(r.get('frames_dropped', 0) for r in videos)} of "
                     f"{sum(r.get('frames_shown', 0) + r.get('frames_dropped', 0) for r in videos)}",
                     "0", self.mark(all(r.get("frames_dropped", 0) == 0 for r in videos)))
            mpv = [self.mpv_gap(server.display) for _ in range(self.runs)]
            self.row("gaps", "end of clip → first frame of the next", "mpv --vo=sdl",
                     fmt(summary([g * 1e3 if g is not None else None for g in mpv]), 0, " ms"),
                     "", "")
        finally:
            server.close()

    def mpv_gap(self, display):
        run = Measured(["mpv", "--no-config", "--vo=sdl", "--ao=null", "-v", "--msg-time",
                        f"--geometry={SCREEN}", self.gap_a, self.gap_b], env=self.env(display))
        shown = [float(t) for t in re.findall(
            r"\[\s*([\d.]+)\]\s*\[cplayer\] first video frame after restart shown", run.stdout +
            run.stderr)]
        if len(shown) < 2:
            return None
        return shown[1] - shown[0] - GAP_CLIP_S

    # -- slide rasterization ---------------------------------------------------

    def bench_slides(self):
        deck = os.path.join(REPO, "content", "lesson", "lesson.md")
        repeats = 3 if self.quick else 5
        say(f"slide rasterization: every slide of the lesson at 1920x1080 and 3840x2160, "
            f"median of {repeats} draws after a cold one")
        for size in ("1920x1080", "3840x2160"):
            run = Measured([self.slide_bench, deck, os.path.join(REPO, "content"), size,
                            str(repeats)], env=self.env(driver="offscreen"), timeout=600)
            per_slide = [dict(zip(line.split()[2::2], map(float, line.split()[3::2])))
                         for line in run.stdout.splitlines() if line.startswith("slide ")]
            warm = [s["median_ms"] for s in per_slide]
            cpu = [s["cpu_median_ms"] for s in per_slide]
            cold = [s["cold_ms"] for s in per_slide]
            self.row("slides", f"rasterize one slide at {size} (warm; over {len(warm)} slides)",
                     "signage-player", f"{fmt(summary(warm), 1, ' ms')}, CPU "
                     f"{statistics.median(cpu):.1f} ms", "", "")
            self.row("slides", f"rasterize one slide at {size} (cold: first at this size)",
                     "signage-player", fmt(summary(cold), 1, " ms"), "", "")
        if self.options.callgrind:
            self.callgrind_slides(deck)

    def callgrind_slides(self, deck):
        n = 6 if self.quick else 12
        say(f"instructions per slide (callgrind, first {n} slides of the lesson)")
        for size in ("1920x1080", "3840x2160"):
            out = os.path.join(self.work, f"callgrind-{size}.out")
            Measured(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                      "--toggle-collect=slide_view_draw", self.slide_bench, deck,
                      os.path.join(REPO, "content"), size, "1", str(n)],
                     env=self.env(driver="offscreen"), timeout=1200)
            with open(out) as f:
                total = next(int(line.split()[1]) for line in f if line.startswith("totals:"))
            self.row("slides", f"instructions per slide at {size} (callgrind, {n} slides × 2 "
                     "draws)", "signage-player", f"{total / (2 * n) / 1e6:.0f} M", "", "")

    # -- output --------------------------------------------------------------

    @staticmethod
    def mark(is_met):
        return "✓" if is_met else "✗"

    def verdict(self, values, limit, applies):
        if not applies or not values:
            return ""
        return self.mark(statistics.median(values) <= limit)

    def row(self, section, what, subject, value, target="", verdict=""):
        self.rows.append((section, what, subject, value, target, verdict))

    def machine(self):
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        def version(args, pattern):
            try:
                out = subprocess.run(args, capture_output=True, text=True).stdout
            except OSError:
                return "?"
            match = re.search(pattern, out)
            return match.group(1) if match else "?"
        sdl = version(["pkg-config", "--modversion", "sdl2"], r"(\S+)")
        ffmpeg = version(["ffmpeg", "-version"], r"ffmpeg version (\S+)")
        mpv = version(["mpv", "--version"], r"mpv (\S+)")
        with open("/proc/meminfo") as f:
            mem_gb = int(f.readline().split()[1]) / 1024 / 1024
        return (f"{platform.node()}: {cpu}, {os.cpu_count()} CPUs, {mem_gb:.0f} GB, "
                f"Linux {platform.release()}; SDL {sdl}, FFmpeg {ffmpeg}, mpv {mpv}")

    def table(self, elapsed_s):
        self.loads.append(os.getloadavg())
        lines = [
            f"signage-player bench ({'quick: ' if self.quick else ''}{self.runs} runs, "
            f"idle {self.idle_s:.0f} s) {time.strftime('%Y-%m-%d %H:%M %Z')}",
            "",
            f"- machine: {self.machine()}",
            "- drivers: SDL_VIDEODRIVER=x11 under Xvfb 1920x1080x24 (offscreen where "
            "marked), SDL_RENDER_DRIVER=software for every SDL program (player, ffplay, "
            "mpv --vo=sdl), SDL_AUDIODRIVER=dummy; the player plays with audio = on",
            f"- load average at start {self.loads[0][0]:.2f}, at end {self.loads[-1][0]:.2f} "
            "(wall-clock rows are sensitive to it; CPU-s rows much less)",
            "- instruction counts: " + ("perf stat -e instructions:u" if self.has_perf else
                                        "no hardware counters on this machine (perf stat: "
                                        "<not supported>); callgrind where shown"),
            "- values: median (min–max) over the runs; ✓/✗: target met/missed",
            "- player environment added: " + (" ".join(f"{k}={v}" for k, v in
                                                      self.player_env.items()) or "none"),
            f"- took {elapsed_s / 60:.1f} min",
            "",
            "| section | measure | subject | value | target | |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
        if self.notes:
            lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


SECTIONS = ("idle", "startup", "full", "small", "memory", "gaps", "slides")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 runs, 8 s idle, 200 items: for trying it out")
    parser.add_argument("--build", default=os.path.join(REPO, "build-bench"))
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "last-run.md"))
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--idle-s", type=float, default=0)
    parser.add_argument("--items", type=int, default=0)
    parser.add_argument("--player-env", action="append", default=[], metavar="KEY=VALUE",
                        help="run the player with this in its environment (a what-if: "
                        "e.g. SDL_FRAMEBUFFER_ACCELERATION=0); may be repeated")
    parser.add_argument("--no-callgrind", dest="callgrind", action="store_false",
                        help="skip the instruction counts under callgrind")
    options = parser.parse_args()
    sections = options.only.split(",")
    started = time.monotonic()
    bench = Bench(options)
    try:
        bench.make_fixtures()
        if "idle" in sections:
            bench.bench_idle()
        if "startup" in sections:
            bench.bench_startup()
        if "full" in sections:
            bench.bench_video_full()
        if "small" in sections or "memory" in sections:
            bench.bench_video_small()
        if "memory" in sections:
            bench.bench_memory()
        if "gaps" in sections:
            bench.bench_gaps()
        if "slides" in sections:
            bench.bench_slides()
    finally:
        bench.close()
    text = bench.table(time.monotonic() - started)
    print(text)
    with open(options.out, "w") as f:
        f.write(text)
    say(f"written to {options.out}")


if __name__ == "__main__":
    main()
