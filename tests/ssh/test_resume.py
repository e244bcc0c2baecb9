"""A push whose connection is cut in the middle of a large file leaves the
display untouched (the old loop plays, `site` is the old release) and the
partial upload waiting; the next push resumes it and sends only what is
missing."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sshdisplay import DisplayTest, deck, write_content  # noqa: E402

OLD_ITEMS = {"old.md#1", "old.md#2"}
NEW_ITEMS = {"new.md#1", "new.md#2"}
BIG_BYTES = 24 * 1024 * 1024  # a clip, as far as the upload is concerned
CUT_AFTER_BYTES = 8 * 1024 * 1024
CUTPROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cutproxy.py")


def uploaded_bytes(stdout):
    """(new data, data reused on the display) from signage-push's summary."""
    match = re.search(r"uploaded: \d+ changed file\(s\), (\d+) bytes of new data, "
                      r"(\d+) bytes reused", stdout)
    if not match:
        raise AssertionError(f"no upload summary in: {stdout}")
    return int(match.group(1)), int(match.group(2))


class ResumeTest(DisplayTest):
    def test_a_cut_upload_changes_nothing_and_the_next_push_resumes_it(self):
        display = self.start_display("booth", "slide-time = 1s\ndeck old.md\n",
                                     {"old.md": deck("Old", 2)})
        old_release = display.release()
        display.wait_for_items(OLD_ITEMS)
        content = os.path.join(self.laptop.dir, "content")
        write_content(content, {"new.md": deck("New", 2), "clips/big.bin": os.urandom(BIG_BYTES)})
        playlist = self.laptop.write("playlists/booth.playlist", "slide-time = 1s\ndeck new.md\n")

        proxy = f"ProxyCommand=python3 {CUTPROXY} %h %p {CUT_AFTER_BYTES}"
        cut = self.laptop.push(display, playlist, options=["-o", proxy])
        self.assertEqual(cut.returncode, 4, cut.stdout + cut.stderr)
        self.assertIn("run the same command again to resume", cut.stderr)

        # Untouched: the same release on screen, the old items still playing.
        self.assertEqual(display.release(), old_release)
        self.assertEqual(os.listdir(os.path.join(display.root, "releases")), [old_release])
        records = display.wait_for_items(OLD_ITEMS, after=len(display.play_log()))
        self.assertEqual({r["path"] for r in records} - OLD_ITEMS, set(), records)
        # What arrived waits in incoming/, the cut file among rsync's partials.
        incoming = os.path.join(display.root, "incoming")
        partial = [os.path.join(folder, name) for folder, _, files in os.walk(incoming)
                   for name in files if name == "big.bin"]
        self.assertTrue(partial, f"no partial big.bin in {incoming}")
        kept = max(os.path.getsize(path) for path in partial)
        self.assertGreater(kept, 1024 * 1024, partial)
        self.assertLess(kept, BIG_BYTES, partial)

        resumed = self.laptop.push(display, playlist)
        self.assert_push_ok(resumed)
        new_bytes, reused_bytes = uploaded_bytes(resumed.stdout)
        # The part that made it before the cut is not sent again.
        self.assertGreaterEqual(reused_bytes, kept - 256 * 1024, resumed.stdout)
        self.assertLessEqual(new_bytes, BIG_BYTES - kept + 256 * 1024, resumed.stdout)
        release = display.release()
        self.assertNotEqual(release, old_release)
        with open(os.path.join(content, "clips", "big.bin"), "rb") as file:
            sent = file.read()
        with open(os.path.join(display.root, "releases", release, "content", "clips",
                               "big.bin"), "rb") as file:
            self.assertTrue(file.read() == sent, "big.bin differs on the display")
        for folder, dirs, _ in os.walk(os.path.join(display.root, "releases", release)):
            self.assertNotIn(".rsync-partial", dirs, folder)
        display.wait_for_items(NEW_ITEMS, after=len(display.play_log()))


if __name__ == "__main__":
    unittest.main()
