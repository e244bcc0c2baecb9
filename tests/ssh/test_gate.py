"""The signage-admin key gets no shell: signage-admin-gate, its forced
command, runs only rsync uploads into incoming/, read-only rsync from the
site, signage-site's four verbs and a few signage-ctl requests, and refuses
everything else with a message and exit 1. signage-ctl behind it runs as the
key's account, which the player answers through the group signage (as root;
see sshdisplay), without sudo, also for keys that still carry the --ctl-as
an earlier setup-signage-admin wrote."""

import grp
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sshdisplay import SOCKET_GROUP, DisplayTest, deck  # noqa: E402


class GateTest(DisplayTest):
    def setUp(self):
        super().setUp()
        self.display = self.start_display("hallway", "slide-time = 1m\ndeck old.md\n",
                                          {"old.md": deck("Old", 2)})

    def assert_refused(self, command, reason):
        result = self.laptop.ssh(self.display, command)
        self.assertEqual(result.returncode, 1, f"{command!r}: {result.stdout}{result.stderr}")
        self.assertIn(f"signage-admin-gate: refused: {reason}", result.stderr)
        self.assertEqual(result.stdout, "", command)

    def test_no_shell_and_no_other_program(self):
        self.assert_refused(None, "an interactive shell")
        self.assert_refused("sh", "sh")
        self.assert_refused("/bin/sh -c id", "/bin/sh")
        self.assert_refused("cat /etc/passwd", "cat")
        self.assert_refused("signage-ctl status; id", "signage-ctl status; with arguments")
        self.assert_refused("signage-site publish;id", "signage-site publish;id")
        self.assert_refused("signage-site init /etc/passwd", "signage-site init")
        self.assert_refused("signage-site publish --root /", "signage-site publish takes only")
        self.assert_refused("signage-ctl announce hello", "signage-ctl announce with arguments")
        self.assert_refused("signage-ctl --socket /tmp/x status", "signage-ctl --socket")
        self.assert_refused("rsync --version", "rsync")

    def test_rsync_stays_inside_the_site_root(self):
        incoming = os.path.join(self.display.root, "incoming")
        self.assertFalse(os.path.exists(incoming))
        # Without prepare there is nowhere to upload to.
        self.assert_refused("rsync --server -logDtpre.iLsfxCIvu . /etc/",
                            "no upload folder")
        self.assertEqual(self.laptop.ssh(self.display, "signage-site prepare").returncode, 0)
        self.assertTrue(os.path.isdir(incoming))

        source = self.laptop.write("evil/cron", "* * * * * root id\n")
        rsync_ssh = "ssh " + " ".join(f"'{o}'" for o in self.laptop.ssh_options(self.display))
        def rsync(*args):
            return subprocess.run(["rsync", "-rlt", "-e", rsync_ssh, *args], capture_output=True,
                                  text=True, timeout=60, env=self.laptop.env)
        host = self.laptop.host(self.display)
        # An absolute path lands inside incoming/, never at that path.
        absolute = rsync(source, f"{host}:/etc/")
        self.assertEqual(absolute.returncode, 0, absolute.stderr)
        self.assertTrue(os.path.exists(os.path.join(incoming, "etc", "cron")))
        self.assertFalse(os.path.exists("/etc/cron"))
        # .. is refused outright.
        escape = rsync(source, f"{host}:../releases/")
        self.assertNotEqual(escape.returncode, 0)
        self.assertIn("do not use .. in", escape.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.display.root, "releases", "cron")))
        # Reading goes through the site only, and cannot write there.
        got = rsync(f"{host}:/etc/passwd", os.path.join(self.laptop.dir, "passwd"))
        self.assertNotEqual(got.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.laptop.dir, "passwd")))
        pulled = rsync(f"{host}:content/old.md", os.path.join(self.laptop.dir, "old.md"))
        self.assertEqual(pulled.returncode, 0, pulled.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.laptop.dir, "old.md")))

    def test_status_and_screenshot_through_the_gate(self):
        if os.getuid() == 0:
            # Neither root nor the player's user: only the player's group
            # rule lets the key's account in (what signage-admin relies on).
            name, uid, gid = self.account
            self.assertEqual(self.display.login, name)
            self.assertNotIn(uid, (0, self.display.uid))
            self.assertEqual(gid, grp.getgrnam(SOCKET_GROUP).gr_gid)
            self.assertEqual(os.stat(self.display.socket).st_gid, gid)
        result = self.laptop.ssh(self.display, "signage-ctl status")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('"item":"old.md#1"', result.stdout)
        result = self.laptop.ssh(self.display, "signage-site status")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"site: {self.display.release()} (first.playlist", result.stdout)
        self.assertIn("on screen now: slide old.md#1", result.stdout)
        shot = self.laptop.ssh(self.display, "signage-ctl screenshot", binary=True)
        self.assertEqual(shot.returncode, 0, shot.stderr)
        self.assertTrue(shot.stdout.startswith(b"\x89PNG\r\n\x1a\n"), shot.stdout[:16])
        self.assertEqual(self.laptop.ssh(self.display, "signage-ctl next").returncode, 0)
        self.assertEqual(self.display.ctl("status")["item"], "old.md#2")

    def test_a_key_with_the_old_ctl_as_option(self):
        """Keys set up when signage-ctl went through sudo carry --ctl-as USER:
        the gate takes it and ignores it (the account has no sudo rule, so
        sudo -n would fail), until setup-signage-admin rewrites the key."""
        with open(self.display.authorized_keys, "w", encoding="utf-8") as file:
            file.write("")
        self.display.authorize(self.laptop.public_key, ("--ctl-as", self.display.user))
        result = self.laptop.ssh(self.display, "signage-ctl status")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('"item":"old.md#', result.stdout)
        result = self.laptop.ssh(self.display, "signage-site status")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("on screen now: slide old.md#", result.stdout)
        self.assertEqual(result.stderr, "")
        result = self.laptop.ssh(self.display, "signage-ctl pause")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(self.display.ctl("status")["paused"])


if __name__ == "__main__":
    unittest.main()
