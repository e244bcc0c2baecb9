"""The display's side of saying no, and going back: a playlist the display's
player refuses is switched back at once (exit 1 with the player's FILE:LINE,
the old loop plays on, the upload kept for the fix); rollback brings the
previous loop back, and a second rollback the newer one."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_push import NEW_ITEMS, OLD_ITEMS, PublishFixture  # noqa: E402


class RefuseAndRollbackTest(PublishFixture):
    def test_the_display_refuses_a_broken_playlist_and_the_old_loop_plays_on(self):
        broken = self.laptop.write("playlists/broken.playlist",
                                   "slide-time = 1s\ndeck new.md\nvidoe clip.mp4\n")
        # Skipping the check here makes the display's player the judge.
        result = self.laptop.push(self.display, broken, options=["--no-local-check"])
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"site/show\.playlist:3: unknown item kind 'vidoe'")
        self.assertIn("the old loop plays on", result.stderr)
        self.assertEqual(self.display.release(), self.first_release)
        self.assertIsNone(self.display.release("previous"))
        self.assertEqual(os.listdir(os.path.join(self.display.root, "releases")),
                         [self.first_release])
        # The refused upload waits in incoming/ for the fix.
        self.assertTrue(os.path.exists(os.path.join(self.display.root, "incoming",
                                                    "content", "new.md")))
        after = len(self.display.play_log())
        records = self.display.wait_for_items(OLD_ITEMS, after=after)
        self.assertEqual({r["path"] for r in records} - OLD_ITEMS, set(), records)

        # The fixed playlist goes through, sending only what changed.
        fixed = self.laptop.push(self.display, self.playlist)
        self.assert_push_ok(fixed)
        self.assertIn("0 changed file(s)", fixed.stdout)
        self.display.wait_for_items(NEW_ITEMS, after=len(self.display.play_log()))

    def test_rollback_brings_the_previous_loop_back(self):
        self.assert_push_ok(self.laptop.push(self.display, self.playlist))
        new_release = self.display.release()
        self.display.wait_for_items(NEW_ITEMS, after=len(self.display.play_log()))

        result = self.laptop.push(self.display, options=["--rollback"])
        self.assert_push_ok(result)
        self.assertIn(f"release {self.first_release}", result.stdout)
        self.assertEqual(self.display.release(), self.first_release)
        self.assertEqual(self.display.release("previous"), new_release)
        after = len(self.display.play_log())
        records = self.display.wait_for_items(OLD_ITEMS, after=after)
        self.assertEqual({r["path"] for r in records} & NEW_ITEMS, set(), records)

        # And forward again: rollback swaps the two.
        self.assert_push_ok(self.laptop.push(self.display, options=["--rollback"]))
        self.assertEqual(self.display.release(), new_release)


if __name__ == "__main__":
    unittest.main()
