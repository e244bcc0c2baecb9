"""End to end: picture and sound of a clip stay together, and the sound that
comes out is the clip's, at the volume the playlist asks for.

The fixture beeps for 40 ms on every whole second from 1 s, on exactly the
frames that flash white. SDL's disk audio driver writes what the player sends
to the device into a file, paced like a sound card, so the test hears what a
viewer would: every beep, a second apart, with nothing lost or inserted. The
play log's av_offset_max_ms is the player's own measure of how far the frame
it put up was from the sound being heard at that moment."""

import array
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import PlayerTest, ffmpeg  # noqa: E402

RATE_HZ = 48000
BEEP_THRESHOLD = 3000  # S16 amplitude: the beep is ~32000, silence and AAC noise far below
AV_OFFSET_LIMIT_MS = 40  # the bound: lips and voice look together within it


def make_beep_clip(path, seconds):
    flash = "gte(t,1)*lt(mod(t,1),0.04)"
    ffmpeg("-f", "lavfi", "-i", f"color=c=black:s=320x240:r=25:d={seconds}",
           "-f", "lavfi",
           "-i", f"aevalsrc='sin(2*PI*1000*t)*gte(t\\,1)*lt(mod(t\\,1)\\,0.04)':s={RATE_HZ}"
           f":d={seconds}",
           "-filter_complex",
           f"[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{flash}'[v]",
           "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", path)


def read_left_channel(path):
    samples = array.array("h")
    with open(path, "rb") as file:
        samples.frombytes(file.read())
    return samples[0::2]


def beep_onsets(left):
    """Sample index where each beep starts (beeps are a second apart)."""
    onsets = []
    for index, sample in enumerate(left):
        if abs(sample) > BEEP_THRESHOLD and (not onsets or index - onsets[-1] > RATE_HZ // 2):
            onsets.append(index)
    return onsets


class AvSyncTest(PlayerTest):
    def play_to_disk(self, name, playlist_text):
        playlist = self.write(f"playlists/{name}.playlist", playlist_text)
        heard = os.path.join(self.dir, f"{name}.raw")
        result, records = self.play(playlist, env={
            "SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": heard})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(records), 1, records)
        return records[0], read_left_channel(heard), result.stderr

    def test_picture_and_sound_stay_together(self):
        seconds = 12
        make_beep_clip(os.path.join(self.content, "beep.mp4"), seconds)
        record, left, stderr = self.play_to_disk("beep", "audio = on\nvideo beep.mp4\n")
        self.assertEqual(record["result"], "ok", f"{record}\n{stderr}")
        frames = seconds * 25
        self.assertLessEqual(abs(record["frames_shown"] - frames), frames // 50, record)
        self.assertIn("av_offset_max_ms", record, "sound played, so the offset must be measured")
        self.assertLessEqual(record["av_offset_max_ms"], AV_OFFSET_LIMIT_MS, record)

        onsets = beep_onsets(left)
        self.assertEqual(len(onsets), seconds - 1, f"beeps heard at samples {onsets}")
        spacings_ms = [(b - a) * 1000 / RATE_HZ for a, b in zip(onsets, onsets[1:])]
        for spacing_ms in spacings_ms:
            # A gap or a repeat in the sound shows as a spacing off by a
            # device buffer (~21 ms); AAC framing moves an onset by < 1 ms.
            self.assertAlmostEqual(spacing_ms, 1000, delta=2,
                                   msg=f"sound lost or inserted: spacings {spacings_ms} ms")

    def test_volume_scales_the_sound(self):
        make_beep_clip(os.path.join(self.content, "beep.mp4"), 3)
        peaks = {}
        for volume in ("100%", "50%", "0%"):
            name = "vol" + volume.rstrip("%")
            record, left, stderr = self.play_to_disk(
                name, f"audio = on\nvideo beep.mp4 volume={volume}\n")
            self.assertEqual(record["result"], "ok", f"{record}\n{stderr}")
            peaks[volume] = max(abs(sample) for sample in left)
        self.assertGreater(peaks["100%"], 20000, peaks)
        self.assertAlmostEqual(peaks["50%"] / peaks["100%"], 0.5, delta=0.02, msg=str(peaks))
        self.assertEqual(peaks["0%"], 0, peaks)

    def test_playlist_volume_is_the_default(self):
        make_beep_clip(os.path.join(self.content, "beep.mp4"), 3)
        _, loud, _ = self.play_to_disk("loud", "audio = on\nvideo beep.mp4\n")
        _, quiet, _ = self.play_to_disk("quiet", "audio = on\nvolume = 25%\nvideo beep.mp4\n")
        ratio = max(map(abs, quiet)) / max(map(abs, loud))
        self.assertAlmostEqual(ratio, 0.25, delta=0.02)


if __name__ == "__main__":
    unittest.main(verbosity=2)
