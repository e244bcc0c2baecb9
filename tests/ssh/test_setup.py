"""setup-signage-admin on a display, then a push through exactly what it set
up: the account (no password, /bin/sh, the player's group signage as its
only group), the site root with the first release made from what the config
played, the config pointed at the site, and authorized_keys owned by root
with the gate as forced command. The account reaches the player's socket
through its primary group (the player answers root, its own user, user
signage and peers whose primary group is signage): no sudo rule. Run again
over what an earlier version left (a sudo rule, keys with --ctl-as), it
removes the rule, rewrites the keys and checks that the account reaches the
running player.

It creates a system account, so it needs root (CI runs the tests as root).
Run as any other user it checks that the script refuses to start without
root instead."""

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sshdisplay import (DEPLOY, SOCKET_GROUP, Display, DisplayTest, deck,  # noqa: E402
                        write_content)

ADMIN = "signage-sshtest-admin"
SETUP = os.path.join(DEPLOY, "setup-signage-admin")
SUDOERS = f"/etc/sudoers.d/{ADMIN}"


class SetupTest(DisplayTest):
    def tearDown(self):
        super().tearDown()
        if os.getuid() == 0:
            subprocess.run(["userdel", "--remove", ADMIN], capture_output=True)
            if os.path.exists(SUDOERS):
                os.remove(SUDOERS)

    def setup_admin(self, display, *args):
        return subprocess.run([os.path.join(display.dir, "sbin", "setup-signage-admin"),
                               "--root", display.root, "--user", ADMIN, "--config",
                               display.config, "--player-user", display.user, "--no-start",
                               *args, self.laptop.key + ".pub"], capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)

    def test_setup_then_push_through_the_account_it_made(self):
        if os.getuid() != 0:
            result = subprocess.run([SETUP, self.laptop.key + ".pub"], capture_output=True,
                                    text=True, timeout=60)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn("run it as root", result.stderr)
            return

        display = Display(self.base, "hallway", self.player_account)
        self.displays.append(display)
        # Installed as cmake --install lays it out: sbin/ beside bin/.
        os.makedirs(os.path.join(display.dir, "sbin"))
        shutil.copy(SETUP, os.path.join(display.dir, "sbin", "setup-signage-admin"))
        # What the service played before: a playlist and content elsewhere.
        shipped = os.path.join(display.dir, "shipped")
        write_content(shipped, {"playlists/hallway.playlist": "slide-time = 1s\ndeck old.md\n",
                                "content/old.md": deck("Old", 2)})
        display.write_config(f"{shipped}/playlists/hallway.playlist", f"{shipped}/content")
        os.rmdir(display.root)  # the script makes it

        result = self.setup_admin(display)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        self.assertNotIn("sudo", result.stdout)
        account = pwd.getpwnam(ADMIN)
        self.assertEqual(account.pw_shell, "/bin/sh")
        self.assertEqual(account.pw_gid, display.gid)
        self.assertEqual(grp.getgrgid(display.gid).gr_name, SOCKET_GROUP)
        groups = subprocess.run(["id", "-G", ADMIN], capture_output=True, text=True, check=True)
        self.assertEqual(groups.stdout.split(), [str(display.gid)])
        self.assertFalse(os.path.exists(SUDOERS))
        with open("/etc/shadow", encoding="utf-8") as file:
            password = [line.split(":")[1] for line in file if line.startswith(ADMIN + ":")]
        self.assertEqual(password, ["*"])
        info = os.stat(display.root)
        self.assertEqual((info.st_uid, info.st_gid), (account.pw_uid, display.gid))
        self.assertEqual(stat.S_IMODE(info.st_mode), 0o2750)
        keys_file = os.path.join(account.pw_dir, ".ssh", "authorized_keys")
        self.assertEqual(os.stat(keys_file).st_uid, 0)
        with open(keys_file, encoding="utf-8") as file:
            lines = file.read().splitlines()
        gate = os.path.join(display.bin, "signage-admin-gate")
        self.assertEqual(lines, [
            f'restrict,command="{gate} --root {display.root} --socket {display.socket}" '
            f'{self.laptop.public_key}'])
        with open(display.config, encoding="utf-8") as file:
            config = file.read()
        self.assertIn(f"playlist = {display.root}/site/show.playlist\n", config)
        self.assertIn(f"content = {display.root}/site/content\n", config)
        self.assertIn(f"control = {display.socket}\n", config)
        self.assertTrue(os.path.exists(display.config + ".before-signage-admin"))
        first_release = display.release()
        self.assertTrue(os.path.exists(os.path.join(display.root, "releases", first_release,
                                                    "content", "old.md")))

        # The player (as its own account) plays the site.
        display.start_player(keep_owner=(os.path.join(display.dir, "sbin"),))
        display.wait_for_items({"old.md#1", "old.md#2"})

        # Again, as after adding a key, over what an earlier version left: a
        # sudo rule and a key forced through the gate with --ctl-as. The rule
        # goes, the key is rewritten without it, nothing doubles, and the
        # account reaches the running player itself.
        with open(SUDOERS, "w", encoding="utf-8") as file:
            file.write(f"# setup-signage-admin: {ADMIN} may ask the player (as {display.user}) "
                       f"what it shows and to reload.\n{ADMIN} ALL=({display.user}) NOPASSWD: "
                       f"{display.bin}/signage-ctl\n")
        os.chmod(SUDOERS, 0o440)
        with open(keys_file, "w", encoding="utf-8") as file:
            file.write(f'restrict,command="{gate} --root {display.root} --socket '
                       f'{display.socket} --ctl-as {display.user}" {self.laptop.public_key}\n')
        again = self.setup_admin(display)
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertIn(f"removed the sudo rule {SUDOERS}", again.stdout)
        self.assertFalse(os.path.exists(SUDOERS))
        self.assertIn(f"{ADMIN} reaches the player on {display.socket} (group {SOCKET_GROUP})",
                      again.stdout)
        self.assertNotIn("warning", again.stderr)
        with open(keys_file, encoding="utf-8") as file:
            self.assertEqual(file.read().splitlines(), lines)
        self.assertEqual(display.release(), first_release)

        # The laptop pushes through the account's own authorized_keys; the
        # gate and signage-site ask the player as the account, through its
        # group.
        display.start_sshd(login=ADMIN, authorized_keys=keys_file)
        self.laptop.trust(display)
        content = os.path.join(self.laptop.dir, "content")
        write_content(content, {"new.md": deck("New", 2)})
        playlist = self.laptop.write("playlists/hallway.playlist",
                                     "slide-time = 1s\ndeck new.md\n")
        result = self.laptop.push(display, playlist)
        self.assert_push_ok(result)
        release = display.release()
        self.assertNotEqual(release, first_release)
        for folder, dirs, files in os.walk(os.path.join(display.root, "releases", release)):
            for name in dirs + files:
                info = os.lstat(os.path.join(folder, name))
                self.assertEqual(info.st_gid, display.gid, os.path.join(folder, name))
                self.assertFalse(info.st_mode & stat.S_IRWXO, os.path.join(folder, name))
        display.wait_for_items({"new.md#1", "new.md#2"}, after=len(display.play_log()))
        status = self.laptop.ssh(display, "signage-ctl status")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn('"item":"new.md#', status.stdout)
        shot = self.laptop.ssh(display, "signage-ctl screenshot", binary=True)
        self.assertEqual(shot.returncode, 0, shot.stderr)
        self.assertTrue(shot.stdout.startswith(b"\x89PNG\r\n\x1a\n"), shot.stdout[:16])
        self.assertEqual(self.laptop.ssh(display, "id").returncode, 1)

    def test_a_player_group_other_than_signage_is_refused(self):
        """The player answers the group signage only: an account given
        another group could not reach it, so the script stops first."""
        if os.getuid() != 0:
            self.skipTest("needs root (creates accounts)")
        display = Display(self.base, "hallway", self.player_account)
        self.displays.append(display)
        os.makedirs(os.path.join(display.dir, "sbin"))
        shutil.copy(SETUP, os.path.join(display.dir, "sbin", "setup-signage-admin"))
        display.write_config(f"{display.dir}/x.playlist", f"{display.dir}/content")
        result = self.setup_admin(display, "--player-user", "root")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("root's primary group is root, not signage", result.stderr)
        self.assertEqual(result.stdout, "")  # before it changes anything


if __name__ == "__main__":
    unittest.main()
