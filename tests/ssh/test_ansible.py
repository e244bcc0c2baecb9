"""deploy/ansible/site.yml (ansible-core from Debian) against two displays on
127.0.0.1, one in group hallway and one in group booth: each gets its group's
playlist and shows it, the playbook reports what each shows, and with the
default batches (serial: one screen first) the second screen is published
only after the first one switched."""

import json
import os
import subprocess
import sys
import unittest
from datetime import datetime

sys.path.insert(0, os.path.dirname(__file__))
from sshdisplay import DEPLOY, DisplayTest, deck, need_tool, write_content  # noqa: E402

PLAYBOOK = os.path.join(DEPLOY, "ansible", "site.yml")
OLD_ITEMS = {"old.md#1", "old.md#2"}
NEW_ITEMS = {"hallway": {"hallway.md#1", "hallway.md#2"}, "booth": {"booth.md#1"}}


class AnsibleTest(DisplayTest):
    def setUp(self):
        super().setUp()
        self.ansible_playbook = need_tool("ansible-playbook", "ansible-core")
        self.hallway = self.start_display("hallway", "slide-time = 1s\ndeck old.md\n",
                                          {"old.md": deck("Old", 2)})
        self.booth = self.start_display("booth", "slide-time = 1s\ndeck old.md\n",
                                        {"old.md": deck("Old", 2)})
        self.content = os.path.join(self.laptop.dir, "content")
        write_content(self.content, {"hallway.md": deck("Hallway", 2),
                                     "booth.md": deck("Booth", 1)})
        self.playlists = {
            group: self.laptop.write(f"playlists/{group}.playlist",
                                     f"slide-time = 1s\ndeck {group}.md\n")
            for group in ("hallway", "booth")}

    def inventory(self):
        """A YAML inventory of the two displays with their groups' playlists."""
        # Host variables: the playbook's group_vars/ override an inventory's
        # group variables (Ansible's precedence), not its host variables.
        def host(display, group):
            return {"ansible_host": "127.0.0.1", "ansible_port": display.port,
                    "signage_playlist": self.playlists[group], "signage_content": self.content,
                    "signage_ssh_user": self.account[0], "signage_ssh_key": self.laptop.key,
                    "signage_push_options": [
                        "-o", "BatchMode=yes",
                        "-o", f"UserKnownHostsFile={self.laptop.known_hosts}"],
                    "signage_wait": 60}
        inventory = {
            "hallway": {"hosts": {"display-a": host(self.hallway, "hallway")}},
            "booth": {"hosts": {"display-b": host(self.booth, "booth")}},
        }
        path = os.path.join(self.base, "inventory.yml")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(inventory, file)  # JSON is YAML
        return path

    def run_playbook(self, *args):
        scratch = os.path.join(self.base, "ansible")
        # ansible-core refuses to start without a UTF-8 locale (LC_ALL=C in CI).
        env = dict(self.laptop.env, LC_ALL="C.UTF-8", ANSIBLE_HOME=scratch, ANSIBLE_LOCAL_TEMP=scratch + "/tmp",
                   ANSIBLE_REMOTE_TMP=scratch + "/remote", ANSIBLE_SSH_CONTROL_PATH_DIR=scratch +
                   "/cp", ANSIBLE_PIPELINING="True", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_RETRY_FILES_ENABLED="False", ANSIBLE_STDOUT_CALLBACK="default",
                   ANSIBLE_DEPRECATION_WARNINGS="False", ANSIBLE_LOCALHOST_WARNING="False")
        return subprocess.run([self.ansible_playbook, *args, PLAYBOOK], capture_output=True,
                              text=True, timeout=240, env=env, cwd=self.base,
                              stdin=subprocess.DEVNULL)

    def test_syntax_and_the_example_inventory(self):
        inventory = os.path.join(DEPLOY, "ansible", "inventory.example")
        result = self.run_playbook("--syntax-check", "-i", inventory)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        result = self.run_playbook("--list-hosts", "-i", inventory, "--limit", "booth")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("booth-a.expo.lan", result.stdout)
        self.assertNotIn("hallway-01", result.stdout)

    def test_both_screens_switch_one_batch_after_the_other(self):
        old = {display: display.release() for display in (self.hallway, self.booth)}
        # A mistake in one group's playlist stops everything before any screen.
        with open(self.playlists["booth"], "a", encoding="utf-8") as file:
            file.write("deck missing.md\n")
        refused = self.run_playbook("-i", self.inventory(), "--skip-tags", "install")
        self.assertNotEqual(refused.returncode, 0, refused.stdout)
        self.assertIn(f"{self.playlists['booth']}:3: ", refused.stdout)
        self.assertNotIn("Publish the screen", refused.stdout)
        self.assertEqual({d: d.release() for d in old}, old)
        with open(self.playlists["booth"], "w", encoding="utf-8") as file:
            file.write("slide-time = 1s\ndeck booth.md\n")

        result = self.run_playbook("-i", self.inventory(), "--skip-tags", "install")
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)

        for display, group in ((self.hallway, "hallway"), (self.booth, "booth")):
            release = display.release()
            self.assertNotEqual(release, old[display], output)
            self.assertEqual(display.release_info(release)["playlist"], f"{group}.playlist")
            records = display.wait_for_items(NEW_ITEMS[group], after=0)
            self.assertTrue(all(r["result"] == "ok" for r in records), records)
        self.assertRegex(output, r"ok: \[display-a\] => \{\s+\"msg\": \[\s+\"published release")
        self.assertRegex(output, r"\"on screen now: slide hallway\.md#1")
        self.assertRegex(output, r"\"on screen now: slide booth\.md#1")
        self.assertRegex(output, r"display-a\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0")
        self.assertRegex(output, r"display-b\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0")

        # Two batches: the play starts once per batch, display-a in the first.
        batches = output.split("PLAY [Install or upgrade the player, then publish")[1:]
        self.assertEqual(len(batches), 2, output)
        self.assertIn("[display-a -> localhost]", batches[0])
        self.assertNotIn("display-b", batches[0])
        self.assertIn("[display-b -> localhost]", batches[1])
        self.assertNotIn("display-a", batches[1].split("PLAY RECAP")[0])
        # And in time: the booth's release was published after the hallway's
        # new playlist was on screen.
        hallway_on_screen = min(datetime.fromisoformat(r["ts"]) for r in
                                self.hallway.play_log() if r["path"] in NEW_ITEMS["hallway"])
        booth_published = datetime.fromisoformat(
            self.booth.release_info(self.booth.release())["published-at"])
        self.assertGreater(booth_published, hallway_on_screen)


if __name__ == "__main__":
    unittest.main()
