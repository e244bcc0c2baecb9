"""systemd-analyze verify accepts the generated unit, with its ExecStart
pointing at the signage-player just built (verify refuses a unit whose binary
is missing). verify exits 0 on warnings such as unknown keys, so any line it
prints about this unit fails the test; lines about other units on the machine
do not. Also pins the unit's lines the player and the README rely on."""

import os
import shlex
import shutil
import tempfile
import unittest

from servicetest import SERVICE_NAME, ServiceTest, env_path, need_tool, run, unit_value, \
    unit_values


class VerifyTest(ServiceTest):
    def setUp(self):
        super().setUp()
        self.player = env_path("SIGNAGE_PLAYER")
        self.assertTrue(os.access(self.player, os.X_OK), f"{self.player} is not built")
        self.folder = tempfile.mkdtemp(prefix="signage-verify-")

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def copy_with_built_player(self, extra_service_lines=""):
        """The generated unit, ExecStart's program swapped for the built
        binary (arguments kept), under the unit's own name in a scratch
        folder; extra_service_lines go at the top of [Service]."""
        with open(self.unit_path, encoding="utf-8") as file:
            lines = file.read().splitlines(keepends=True)
        out = []
        for line in lines:
            if line.startswith("ExecStart="):
                words = shlex.split(line[len("ExecStart="):])
                line = "ExecStart=" + shlex.join([self.player, *words[1:]]) + "\n"
            out.append(line)
            if line.strip() == "[Service]":
                out.append(extra_service_lines)
        path = os.path.join(self.folder, SERVICE_NAME)
        with open(path, "w", encoding="utf-8") as file:
            file.writelines(out)
        return path

    def verify(self, path):
        """(exit status, lines about this unit, whole output)."""
        tool = need_tool(self, "systemd-analyze", "systemd")
        result = run([tool, "verify", "--man=no", path])
        output = result.stdout + result.stderr
        ours = [line for line in output.splitlines()
                if SERVICE_NAME in line or path in line or "signage-player" in line]
        return result.returncode, ours, output

    def test_verify_passes(self):
        status, ours, output = self.verify(self.copy_with_built_player())
        self.assertEqual(status, 0, f"systemd-analyze verify failed:\n{output}")
        self.assertEqual(ours, [], f"systemd-analyze verify warns about the unit:\n{output}")

    def test_verify_catches_a_bad_line(self):
        """The check above can fail: an unknown key is reported and caught."""
        status, ours, output = self.verify(self.copy_with_built_player("NoSuchSetting=1\n"))
        self.assertTrue(any("NoSuchSetting" in line for line in ours),
                        f"an unknown key went unnoticed (exit {status}):\n{output}")

    def test_the_units_promises(self):
        """The lines the player is written against (README "Run it as a service")."""
        expected = {
            "Type": "notify",
            "NotifyAccess": "main",
            "WatchdogSec": "10",
            "Restart": "always",
            "RestartSec": "2",
            "ExecReload": "/bin/kill -HUP $MAINPID",
            "TimeoutStopSec": "5",
            "User": "signage",
            "Group": "signage",
            "RuntimeDirectory": "signage",
            "RuntimeDirectoryMode": "0750",
            "StateDirectory": "signage",
            "LogsDirectory": "signage",
            "UMask": "0027",
            "CapabilityBoundingSet": "",
            "AmbientCapabilities": "",
            "DevicePolicy": "closed",
        }
        for key, value in expected.items():
            self.assertEqual(unit_value(self.unit, "Service", key), value, key)
        self.assertIn("SDL_VIDEODRIVER=kmsdrm", unit_values(self.unit, "Service", "Environment"))
        groups = " ".join(unit_values(self.unit, "Service", "SupplementaryGroups")).split()
        self.assertEqual(sorted(groups), ["audio", "input", "render", "video"])
        # PrivateUsers= would cut the device groups off (see the unit's comment).
        self.assertIsNone(unit_value(self.unit, "Service", "PrivateUsers"))
        self.assertEqual(unit_value(self.unit, "Install", "WantedBy"), "multi-user.target")

        words = shlex.split(unit_value(self.unit, "Service", "ExecStart"))
        self.assertEqual(len(words), 3, words)
        program, option, config = words
        self.assertTrue(os.path.isabs(program) and program.endswith("/bin/signage-player"),
                        program)
        self.assertEqual(option, "--config")
        self.assertTrue(os.path.isabs(config) and config.endswith("/signage.conf"), config)


if __name__ == "__main__":
    unittest.main(verbosity=2)
