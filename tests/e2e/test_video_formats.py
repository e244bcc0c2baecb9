"""End to end: clips in every codec, pixel format, size and timing the player
claims to handle, each made with the ffmpeg CLI and played to its end through
the real player. The play log must say it played in full, by the right decoder."""

import functools
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg, make_image  # noqa: E402

SECONDS = 2
RATE = 25
FRAMES = SECONDS * RATE

GAP_LIMIT_MS = 100  # generous under sanitizers and parallel tests; a clip opened late is 100s

X264 = ["-c:v", "libx264", "-preset", "ultrafast"]
X265 = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]


def pattern(size="320x240", rate=RATE, seconds=SECONDS):
    """Input arguments for seconds of moving test pattern."""
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]


def tone(seconds=SECONDS):
    return ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]


@functools.lru_cache(maxsize=None)
def ffmpeg_codecs(kind):
    """{name: codec} of the CLI's decoders or encoders ("libdav1d": "av1")."""
    listing = subprocess.run(["ffmpeg", "-hide_banner", f"-{kind}"], capture_output=True,
                             text=True, check=True).stdout
    codecs = {}
    for line in listing.splitlines():
        match = re.match(r"^ [VAS][A-Z.]{5} (\S+)\s.*?(?:\(codec (\S+)\))?$", line)
        if match and match.group(1) != "=":
            codecs[match.group(1)] = match.group(2) or match.group(1)
    return codecs


def av1_encoder():
    """The arguments of a fast AV1 encoder, or None."""
    encoders = ffmpeg_codecs("encoders")
    if "libsvtav1" in encoders:
        return ["-c:v", "libsvtav1", "-preset", "12"]
    if "libaom-av1" in encoders:
        return ["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime", "-row-mt", "1"]
    return None


def av1_unavailable():
    decoders = ffmpeg_codecs("decoders")
    if not {"libdav1d", "libaom-av1"} & decoders.keys():
        return "no AV1 software decoder (libdav1d or libaom-av1) in this FFmpeg build"
    if av1_encoder() is None:
        return "no AV1 encoder (libsvtav1 or libaom-av1) to make the fixture"
    return None


# A 2 s clip at 10 fps then 30 fps: 10 + 30 frames with variable frame rate.
VFR_SELECT = "select='if(lt(t,1),not(mod(n,3)),1)'"

# Each case: the file, how ffmpeg makes it (after the inputs, before the
# output name), the codec its decoder must decode, the frames in the file and
# the playlist's audio setting. "unavailable" returns why it cannot run here.
CASES = [
    {"name": "H.264 yuv420p", "file": "h264.mp4", "codec": "h264",
     "args": pattern() + X264 + ["-pix_fmt", "yuv420p"]},
    {"name": "HEVC", "file": "hevc.mp4", "codec": "hevc",
     "args": pattern() + X265 + ["-pix_fmt", "yuv420p"]},
    {"name": "VP9 in WebM", "file": "vp9.webm", "codec": "vp9",
     "args": pattern() + ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                          "-pix_fmt", "yuv420p"]},
    {"name": "AV1", "file": "av1.mkv", "codec": "av1", "unavailable": av1_unavailable,
     "args": lambda: pattern() + av1_encoder() + ["-pix_fmt", "yuv420p"]},
    {"name": "MPEG-4 Part 2", "file": "mpeg4.mp4", "codec": "mpeg4",
     "args": pattern() + ["-c:v", "mpeg4", "-q:v", "5"]},
    {"name": "MJPEG in AVI (yuvj420p, full range)", "file": "mjpeg.avi", "codec": "mjpeg",
     "args": pattern() + ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "5"]},
    {"name": "NV12 (raw video in AVI)", "file": "nv12.avi", "codec": "rawvideo",
     "args": pattern(size="160x120") + ["-c:v", "rawvideo", "-pix_fmt", "nv12"]},
    {"name": "yuv422p (converted with libswscale)", "file": "yuv422p.mp4", "codec": "h264",
     "args": pattern() + X264 + ["-pix_fmt", "yuv422p"]},
    {"name": "H.264 10-bit yuv420p10le", "file": "h264-10bit.mp4", "codec": "h264",
     "args": pattern() + X264 + ["-pix_fmt", "yuv420p10le"]},
    {"name": "HEVC 10-bit yuv420p10le", "file": "hevc-10bit.mp4", "codec": "hevc",
     "args": pattern() + X265 + ["-pix_fmt", "yuv420p10le"]},
    {"name": "1366x768", "file": "1366x768.mp4", "codec": "h264",
     "args": pattern(size="1366x768") + X264 + ["-pix_fmt", "yuv420p"]},
    # Odd sizes need a pixel format without chroma subsampling (yuv444p).
    {"name": "853x480 (odd width)", "file": "853x480.mp4", "codec": "h264",
     "args": pattern(size="854x480") + ["-vf", "scale=853:480"] + X264 + ["-pix_fmt", "yuv444p"]},
    {"name": "17x13", "file": "17x13.mp4", "codec": "h264",
     "args": pattern() + ["-vf", "scale=17:13"] + X264 + ["-pix_fmt", "yuv444p"]},
    {"name": "non-square pixels (SAR 4:3)", "file": "sar.mp4", "codec": "h264",
     "args": pattern() + ["-vf", "setsar=4/3"] + X264 + ["-pix_fmt", "yuv420p"]},
    {"name": "variable frame rate (10 then 30 fps)", "file": "vfr.mp4", "codec": "h264",
     "frames": 40,
     "args": pattern(rate=30) + ["-vf", VFR_SELECT, "-fps_mode", "vfr"] + X264
     + ["-pix_fmt", "yuv420p"]},
    {"name": "no audio stream, audio = on", "file": "silent.mp4", "codec": "h264", "audio": "on",
     "args": pattern() + X264 + ["-pix_fmt", "yuv420p"]},
    {"name": "with audio, audio = on", "file": "sound.mp4", "codec": "h264", "audio": "on",
     "args": pattern() + tone() + X264 + ["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]},
    {"name": "with audio, audio = off", "file": "sound-off.mkv", "codec": "h264",
     "args": pattern() + tone() + X264 + ["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]},
]


def count_frames(path):
    """Frames in the file's video stream, decoded by ffprobe."""
    result = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                             "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                            capture_output=True, text=True, check=True)
    return int(result.stdout.strip().rstrip(","))


class VideoFormatsTest(PlayerTest):
    def test_every_format_plays_to_its_end(self):
        make_image(os.path.join(self.content, "before.png"))
        for case in CASES:
            with self.subTest(case["name"]):
                started = time.monotonic()
                self.check_case(case)
                print(f"{case['name']}: {time.monotonic() - started:.1f} s", file=sys.stderr)

    def check_case(self, case):
        name = case["name"]
        why_not = case.get("unavailable", lambda: None)()
        if why_not:
            self.skipTest(f"{name}: {why_not}")
        path = os.path.join(self.content, case["file"])
        args = case["args"]() if callable(case["args"]) else case["args"]
        ffmpeg(*args, path)
        frames = case.get("frames", FRAMES)
        self.assertEqual(count_frames(path), frames, f"{name}: the fixture itself is wrong")

        # A still first, so the clip is prepared while it is up and its switch
        # in is measured (gap_ms); the timing bound itself is test_gapless's.
        playlist = self.write(f"playlists/{case['file']}.playlist",
                              f"audio = {case.get('audio', 'off')}\nslide-time = 300ms\n"
                              f"image before.png\nvideo {case['file']}\n")
        result, records = self.play(playlist)
        self.assertEqual(result.returncode, 0, f"{name}: player failed: {result.stderr}")
        self.assertEqual(len(records), 2, f"{name}: {records}")
        record = records[1]
        self.assertLess(record["gap_ms"], GAP_LIMIT_MS, f"{name}: a late switch: {record}")
        self.assertEqual(record["result"], "ok", f"{name}: {record}\n{result.stderr}")
        self.assertEqual(record["kind"], "video", f"{name}: {record}")
        shown, dropped = record["frames_shown"], record["frames_dropped"]
        # Every frame of the file decoded and accounted for; a few may be
        # dropped when other tests load the CPU (test_gapless, run alone,
        # holds the player to none).
        tolerance = max(1, int(frames * 0.02))
        self.assertLessEqual(abs(shown + dropped - frames), tolerance,
                             f"{name}: {shown} frames shown and {dropped} dropped of {frames}")
        self.assertLessEqual(dropped, max(2, frames // 10), f"{name}: {record}")
        decoder = record.get("decoder", "")
        self.assertEqual(ffmpeg_codecs("decoders").get(decoder), case["codec"],
                         f"{name}: decoder {decoder!r} does not decode {case['codec']}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
