"""signage-push against a display on 127.0.0.1 (sshd + gate + signage-site +
the real player): a new playlist is published atomically and plays; the same
push twice leaves the screen alone; a broken playlist is refused on the
laptop before anything is sent; a dry run lists the changes and changes
nothing."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sshdisplay import SEED_MTIME, DisplayTest, deck, write_content  # noqa: E402

OLD_PLAYLIST = "slide-time = 1s\n\ndeck old.md\n"
OLD_FILES = {"old.md": deck("Old", 2), "shared.md": deck("Shared", 1)}
OLD_ITEMS = {"old.md#1", "old.md#2"}
NEW_ITEMS = {"new.md#1", "new.md#2", "shared.md#1"}


class PublishFixture(DisplayTest):
    """A display playing the old loop; on the laptop, the old files plus a
    new deck, and a playlist of the new deck and a shared one."""

    def setUp(self):
        super().setUp()
        self.display = self.start_display("hallway", OLD_PLAYLIST, OLD_FILES)
        self.first_release = self.display.release()
        self.display.wait_for_items(OLD_ITEMS)
        # The laptop's copy: the old files plus a new deck, and a new playlist.
        self.content = os.path.join(self.laptop.dir, "content")
        write_content(self.content, OLD_FILES, mtime=SEED_MTIME)
        write_content(self.content, {"new.md": deck("New", 2)})
        self.playlist = self.laptop.write("playlists/hallway.playlist",
                                          "slide-time = 1s\n\ndeck new.md\ndeck shared.md\n")


class PushTest(PublishFixture):

    def test_push_publishes_and_the_new_items_play(self):
        result = self.laptop.push(self.display, self.playlist)
        self.assert_push_ok(result)
        self.assertIn("on screen now: slide", result.stdout)
        release = self.display.release()
        self.assertNotEqual(release, self.first_release)
        self.assertEqual(self.display.release("previous"), self.first_release)
        info = self.display.release_info(release)
        self.assertEqual(info["playlist"], "hallway.playlist")
        self.assertIn("@", info["pushed-by"])
        self.assertEqual(info["published-from"], "127.0.0.1")
        self.assertFalse(os.path.exists(os.path.join(self.display.root, "incoming")))
        # Unchanged files travel as hard links of the release before.
        old_inode = os.stat(os.path.join(self.display.root, "releases", self.first_release,
                                         "content", "shared.md")).st_ino
        new_inode = os.stat(os.path.join(self.display.root, "releases", release, "content",
                                         "shared.md")).st_ino
        self.assertEqual(old_inode, new_inode)
        # signage-push returned with the new program on screen: from the next
        # record on, the play log shows only new items.
        after = len(self.display.play_log())
        records = self.display.wait_for_items(NEW_ITEMS, after=after)
        self.assertEqual({r["path"] for r in records} & OLD_ITEMS, set(), records)
        self.assertTrue(all(r["result"] == "ok" for r in records), records)
        status = self.display.ctl("status")
        self.assertTrue(status["playlist"].endswith("site/show.playlist"), status)

        # The same push again: nothing to publish, the loop is left alone.
        again = self.laptop.push(self.display, self.playlist)
        self.assert_push_ok(again)
        self.assertIn("unchanged", again.stdout)
        self.assertIn("0 changed file(s)", again.stdout)
        self.assertEqual(self.display.release(), release)

    def test_a_broken_playlist_is_refused_here_before_anything_is_sent(self):
        before = self.display.snapshot()
        broken = self.laptop.write("playlists/broken.playlist",
                                   "slide-time = 1s\ndeck new.md\nvidoe clip.mp4\n")
        result = self.laptop.push(self.display, broken)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"{broken}:3: unknown item kind 'vidoe'", result.stderr)
        self.assertIn("nothing was sent", result.stderr)
        self.assertEqual(self.display.snapshot(), before)

    def test_dry_run_lists_the_changes_and_changes_nothing(self):
        os.remove(os.path.join(self.content, "old.md"))
        with open(os.path.join(self.content, "shared.md"), "a", encoding="utf-8") as file:
            file.write("\n---\n\n# Shared 2\n")
        before = self.display.snapshot()
        log_before = self.display.play_log()
        result = self.laptop.push(self.display, self.playlist, options=["--dry-run"])
        self.assert_push_ok(result)
        self.assertIn("+ new.md (new)", result.stdout)
        self.assertIn("~ shared.md (changed)", result.stdout)
        self.assertIn("- old.md (removed from the display)", result.stdout)
        self.assertIn("~ show.playlist (the playlist)", result.stdout)
        self.assertIn("nothing was sent", result.stdout)
        self.assertEqual(self.display.snapshot(), before)
        self.assertEqual({r["path"] for r in self.display.play_log()[len(log_before):]} -
                         OLD_ITEMS, set())


if __name__ == "__main__":
    unittest.main()
