"""End to end: damaged, disguised and hostile files in the content folder.
Each plays between two short slides; the player must log why it could not
show it, move on within two seconds, exit 0, and never open a file outside
the content folder, try the network or start another program (checked with
strace)."""

import datetime
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PLAYER, PlayerTest, ffmpeg, make_clip, player_env  # noqa: E402

MAX_GAP_S = 2.0  # from the slide before a broken item to the slide after it
SKIPPED = {"skipped"}
STARTED_THEN_BROKE = {"skipped", "error"}  # truncated or damaged: it may show a few frames
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "WARNING: ThreadSanitizer")
HLS_SEGMENT = "http://127.0.0.1:9/x.ts"  # the discard port: nothing ever answers there
HLS = f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{HLS_SEGMENT}\n#EXT-X-ENDLIST\n"
HTTP_CLIP = "http://127.0.0.1:9/clip.mp4"
LEAVES = "leaves the content folder"  # content_path's reason for a path that gets out
HUGE_PX = 16384


def truncate_copy(source, target, fraction):
    with open(source, "rb") as file:
        data = file.read()
    with open(target, "wb") as file:
        file.write(data[:int(len(data) * fraction)])


def bit_flip_copy(source, target, seed=20261129, n_bytes=64):
    """Overwrites n_bytes random bytes in the middle fifth of the file."""
    with open(source, "rb") as file:
        data = bytearray(file.read())
    rng = random.Random(seed)
    for _ in range(n_bytes):
        data[rng.randrange(len(data) * 2 // 5, len(data) * 3 // 5)] = rng.randrange(256)
    with open(target, "wb") as file:
        file.write(data)


def patch_avi_mjpeg_size(path, width, height):
    """Rewrites the picture size an MJPEG AVI declares: in the AVI main and
    stream headers and in every JPEG frame's start-of-frame marker."""
    with open(path, "rb") as file:
        data = bytearray(file.read())
    avih = data.index(b"avih") + 8
    struct.pack_into("<II", data, avih + 32, width, height)
    strf = data.index(b"strf") + 8
    struct.pack_into("<ii", data, strf + 4, width, height)
    n_frames = 0
    position = data.find(b"\xff\xc0")
    while position >= 0:
        length, precision = struct.unpack_from(">HB", data, position + 2)
        if length == 17 and precision == 8:  # baseline, 3 components
            struct.pack_into(">HH", data, position + 5, height, width)
            n_frames += 1
        position = data.find(b"\xff\xc0", position + 2)
    if n_frames == 0:
        raise RuntimeError("no JPEG start-of-frame marker found to patch")
    with open(path, "wb") as file:
        file.write(data)


def parse_ts(text):
    return datetime.datetime.fromisoformat(text)


class BrokenMediaTest(PlayerTest):
    """Fixtures are made once per class (ffmpeg is the slow part) and copied
    into each test's content folder."""

    @classmethod
    def setUpClass(cls):
        cls.fixtures = tempfile.mkdtemp(prefix="signage-broken-")
        cls.cases = cls.make_fixtures(cls.fixtures)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.fixtures, ignore_errors=True)

    @classmethod
    def make_fixtures(cls, root):
        """Writes every broken file under root/broken; returns the cases:
        name, playlist path, the results allowed, and what the error must say."""
        broken = os.path.join(root, "broken")
        sources = os.path.join(root, "sources")
        os.makedirs(broken)
        os.makedirs(sources)
        slow = os.path.join(sources, "slow.mp4")  # moov at the end (FFmpeg's default)
        fast = os.path.join(sources, "fast.mp4")
        make_clip(slow, seconds=1)
        ffmpeg("-i", slow, "-c", "copy", "-movflags", "+faststart", fast)
        cases = []

        def case(name, file, allowed, says=""):
            cases.append({"name": name, "path": f"broken/{file}", "allowed": allowed,
                          "says": says})
            return os.path.join(broken, file)

        for source, layout in ((slow, "moov last"), (fast, "faststart")):
            for percent in (10, 50, 90):
                stem = "fast" if source == fast else "slow"
                target = case(f"truncated at {percent}% ({layout})",
                              f"truncated-{stem}-{percent}.mp4", STARTED_THEN_BROKE)
                truncate_copy(source, target, percent / 100)
        bit_flip_copy(slow, case("bit-flipped", "bit-flipped.mp4", STARTED_THEN_BROKE))
        open(case("zero bytes", "empty.mp4", SKIPPED), "wb").close()
        with open(case("text named .mp4", "text.mp4", SKIPPED), "w") as file:
            file.write("this is a text file, not a video\n")
        png = case("PNG named .mp4", "png.mp4", SKIPPED, says="still image")
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=1", "-frames:v", "1",
               "-f", "image2", "-c:v", "png", png)
        huge = case(f"header claims {HUGE_PX}x{HUGE_PX}", "huge.avi", SKIPPED, says="large")
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-c:v", "mjpeg",
               huge)
        patch_avi_mjpeg_size(huge, HUGE_PX, HUGE_PX)
        tiny = case("1x1 video", "1x1.mp4", SKIPPED, says="small")
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-vf", "scale=1:1",
               "-c:v", "libx264", "-pix_fmt", "yuv444p", tiny)
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", "-f", "ipod",
               case("audio only (m4a named .mp4)", "audio-only.mp4", SKIPPED, says="no video"))
        # Every byte of every audio packet is noise; the video is intact.
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1",
               "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:v", "libx264",
               "-pix_fmt", "yuv420p", "-c:a", "aac", "-bsf:a", "noise=1",
               case("broken audio stream", "broken-audio.mkv", {"error"}, says="audio"))
        with open(case("HLS playlist named .mp4", "hls.mp4", SKIPPED, says="refused"), "w") as f:
            f.write(HLS)
        with open(case("ffconcat script, http://", "ffconcat-http.mp4", SKIPPED, says="refused"),
                  "w") as file:
            file.write(f"ffconcat version 1.0\nfile '{HTTP_CLIP}'\n")
        # Written by setUp(), which knows where the outside file is.
        for name in ("absolute", "relative"):
            case(f"ffconcat script, {name} path outside", f"ffconcat-{name}.mp4", SKIPPED,
                 says="refused")
            case(f"HLS playlist (.m3u8), {name} path outside", f"hls-{name}.m3u8", SKIPPED,
                 says="refused")
        for name, path in (("inside", "concat:broken/text.mp4|broken/empty.mp4"),
                           ("outside", "concat:broken/text.mp4|../outside/secret.mp4"),
                           ("http://", f"concat:{HTTP_CLIP}|broken/text.mp4")):
            cases.append({"name": f"concat: protocol reference, {name}", "allowed": SKIPPED,
                          "says": "", "path": path})  # a path, never FFmpeg's protocol
        # Made by setUp() too: symlinks out of the content folder, to a clip
        # that would play, and through a linked folder.
        case("symlink to a clip outside", "link-outside.mp4", SKIPPED, says=LEAVES)
        cases.append({"name": "path through a symlinked folder outside", "allowed": SKIPPED,
                      "says": LEAVES, "path": "broken/outside-folder/secret.mp4"})
        return cases

    def setUp(self):
        super().setUp()
        shutil.copytree(os.path.join(self.fixtures, "broken"), os.path.join(self.content, "broken"))
        self.outside = os.path.join(self.dir, "outside", "secret.mp4")
        os.makedirs(os.path.dirname(self.outside))
        make_clip(self.outside, seconds=1)
        for name, target in (("absolute", self.outside),
                             ("relative", "../../outside/secret.mp4")):  # from content/broken
            self.write(f"content/broken/ffconcat-{name}.mp4",
                       f"ffconcat version 1.0\nfile '{target}'\n")
            self.write(f"content/broken/hls-{name}.m3u8", HLS.replace(HLS_SEGMENT, target))
        broken = os.path.join(self.content, "broken")
        os.symlink(self.outside, os.path.join(broken, "link-outside.mp4"))
        os.symlink(os.path.dirname(self.outside), os.path.join(broken, "outside-folder"))
        self.write("content/slide.md", "# 幻灯片\n\n坏文件前后\n")
        lines = ["slide-time = 500ms", "audio = on", "", "slide slide.md#1"]
        self.lines = {}  # playlist line -> case
        for case in self.cases:
            lines.append(f'video "{case["path"]}"')
            self.lines[len(lines)] = case
            lines.append("slide slide.md#1")
        self.playlist = self.write("playlists/broken.playlist", "\n".join(lines) + "\n")

    def test_broken_items_are_skipped_quickly_and_the_loop_goes_on(self):
        result, records = self.play(self.playlist, timeout=300)
        self.assert_clean_exit(result)
        self.assertEqual(len(records), 2 * len(self.cases) + 1, records)
        for i, case in enumerate(self.cases):
            before, item, after = records[2 * i:2 * i + 3]
            with self.subTest(case["name"]):
                self.check_item(case, before, item, after)

    def assert_clean_exit(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        for report in SANITIZER_REPORTS:
            self.assertNotIn(report, result.stderr)

    def check_item(self, case, before, item, after):
        name = case["name"]
        self.assertEqual(self.lines.get(item["line"]), case, f"{name}: records out of order")
        self.assertEqual(item["kind"], "video", f"{name}: {item}")
        self.assertIn(item["result"], case["allowed"], f"{name}: {item}")
        self.assertTrue(item.get("error"), f"{name}: no reason given: {item}")
        self.assertIn(case["says"], item["error"], f"{name}: {item}")
        for slide in (before, after):
            self.assertEqual((slide["kind"], slide["result"]), ("slide", "ok"),
                             f"{name}: the slide around it: {slide}")
        slide_end = parse_ts(before["ts"]) + datetime.timedelta(milliseconds=before["duration_ms"])
        gap_s = (parse_ts(after["ts"]) - slide_end).total_seconds()
        self.assertLess(gap_s, MAX_GAP_S, f"{name}: {gap_s:.2f} s between the slides: {item}")

    def test_no_file_outside_the_content_folder_is_opened(self):
        if not shutil.which("strace"):
            self.skipTest("strace is not installed (apt-get install strace)")
        trace = os.path.join(self.dir, "openat.trace")
        log = os.path.join(self.dir, "play.jsonl")
        env = player_env()
        # The sanitizer build's preload is for the player, not for strace.
        preload = env.pop("LD_PRELOAD", None)
        if "ASAN_OPTIONS" in env:  # LeakSanitizer cannot run under ptrace; the other test has it
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        command = ["strace", "-f", "-qq", "-e", "trace=openat,connect,execve", "-o", trace]
        command += ["-E", f"LD_PRELOAD={preload}"] if preload else []
        command += [PLAYER, "--loops", "1", "--play-log", log, self.playlist]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                cwd=self.dir, env=env)
        self.assert_clean_exit(result)
        with open(log, encoding="utf-8") as file:
            n_records = sum(1 for _ in file)
        self.assertEqual(n_records, 2 * len(self.cases) + 1, "the traced run did not play it all")
        opened = self.opened_paths(trace)
        self.assertTrue(any(path.startswith(self.content) for path in opened), opened)
        # A path inside the folder may still lead out of it: judge where each
        # one really leads (the symlinks are still there).
        opened |= {os.path.realpath(path) for path in opened}
        self.assertFalse(self.outside in opened, "the file outside the content folder was opened")
        self.assertFalse(any(path.startswith(os.path.dirname(self.outside)) for path in opened),
                         "a file in the folder outside was opened")
        allowed = self.allowed_prefixes() + (self.playlist, log)
        allowed += (preload,) if preload else ()
        # The content folder itself is listed too (hot reload watches it).
        outside = sorted(p for p in opened if not p.startswith(allowed) and p != self.content)
        self.assertEqual(outside, [], "opened outside the content folder and system folders")
        with open(trace) as file:
            lines = file.readlines()
        connects = [line for line in lines if " connect(" in line and "AF_INET" in line]
        self.assertEqual(connects, [], "the player tried the network")
        # No path from a playlist ever reaches a shell, or any other program.
        programs = {line.split('"', 2)[1] for line in lines if " execve(" in line}
        self.assertEqual(programs - {PLAYER}, set(), "the player started another program")

    def allowed_prefixes(self):
        """Folders and files the player may open besides the content: its
        libraries and the configuration and caches they read on their own."""
        home = os.path.expanduser("~")
        return (
            self.content + "/",
            "/usr/", "/lib/", "/lib64/", "/etc/ld.so.cache", "/etc/ld.so.preload",
            "/etc/fonts/", "/var/cache/fontconfig/", f"{home}/.cache/fontconfig/",
            f"{home}/.fontconfig/",  # fontconfig's old per-user cache
            "/etc/localtime", "/proc/", "/sys/", "/dev/", "/tmp/.X11-unix/",
            "/dev",  # listed for V4L2 decoders (hwdec = auto)
            "/etc/nsswitch.conf", "/etc/passwd",  # glibc finding $HOME for the caches
            "/etc/drirc", f"{home}/.drirc", "/etc/glvnd/",  # Mesa, behind SDL's offscreen EGL
            f"{home}/.cache/mesa_shader_cache/",
            "/etc/gcrypt/",  # libgcrypt, linked by libavformat (libssh) at load
        )

    def opened_paths(self, trace):
        """Absolute paths of every openat() in the trace, successful or not."""
        paths = set()
        with open(trace) as file:
            for line in file:
                if "openat(" not in line:
                    continue
                path = line.split('"', 2)[1]
                if not path.startswith("/"):
                    path = os.path.normpath(os.path.join(self.dir, path))
                paths.add(path)
        return paths


if __name__ == "__main__":
    unittest.main(verbosity=2)
