"""`cmake --install` into a DESTDIR puts every file where the unit, the config
and systemd, sysusers and logrotate look for it: the unit in a folder systemd
searches, its ExecStart binary, the config its --config names with the four
settings, the playlist and content the config names, the service user from
sysusers.d (applied with the real systemd-sysusers --root), the logrotate
snippet covering the play log (accepted by the real logrotate -d). A second
install keeps an admin's edited config."""

import fnmatch
import getpass
import grp
import os
import pwd
import re
import shlex
import shutil
import stat
import tempfile
import unittest

from servicetest import SERVICE_NAME, ServiceTest, env_path, need_tool, read_config, \
    read_unit, run, unit_value, unit_values

SYSUSERS_DIRS = ("/etc/sysusers.d", "/run/sysusers.d", "/usr/local/lib/sysusers.d",
                 "/usr/lib/sysusers.d")  # systemd-sysusers(8)
LOGROTATE_DIR = "/etc/logrotate.d"  # included by Debian's /etc/logrotate.conf
CONFIG_KEYS = {"playlist", "content", "play-log", "control"}


def find_files(root, name):
    """Paths (relative to root, with a leading /) of every file called name."""
    found = []
    for folder, _, files in os.walk(root):
        if name in files:
            found.append("/" + os.path.relpath(os.path.join(folder, name), root))
    return found


class InstallTest(ServiceTest):
    @classmethod
    def setUpClass(cls):
        cls.build_dir = env_path("SIGNAGE_BUILD_DIR")
        cls.cmake = env_path("SIGNAGE_CMAKE")
        cls.folder = tempfile.mkdtemp(prefix="signage-install-")
        cls.root = os.path.join(cls.folder, "root")
        cls.install_result = cls.install()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    @classmethod
    def install(cls):
        return run([cls.cmake, "--install", cls.build_dir], env={"DESTDIR": cls.root},
                   timeout=300)

    def setUp(self):
        super().setUp()
        result = self.install_result
        self.assertEqual(result.returncode, 0,
                         f"cmake --install failed:\n{result.stdout}{result.stderr}")

    def staged(self, path):
        """Where absolute path landed in the DESTDIR."""
        self.assertTrue(os.path.isabs(path), f"not an absolute path: {path}")
        return os.path.join(self.root, path.lstrip("/"))

    def installed_unit_path(self):
        units = find_files(self.root, SERVICE_NAME)
        self.assertEqual(len(units), 1, f"expected one installed unit, found {units}")
        return units[0]

    def installed_unit(self):
        return read_unit(self.staged(self.installed_unit_path()))

    def exec_start(self):
        return shlex.split(unit_value(self.installed_unit(), "Service", "ExecStart"))

    def installed_config_path(self):
        words = self.exec_start()
        self.assertIn("--config", words)
        return words[words.index("--config") + 1]

    def installed_config(self):
        return read_config(self.staged(self.installed_config_path()))

    def config_path_value(self, key):
        """A path setting, resolved as the player does: relative to the
        config file's folder."""
        value = self.installed_config()[key]
        return os.path.normpath(os.path.join(os.path.dirname(self.installed_config_path()),
                                             value))

    def test_unit_is_where_systemd_looks(self):
        tool = need_tool(self, "systemd-analyze", "systemd")
        result = run([tool, "unit-paths"])
        self.assertEqual(result.returncode, 0, result.stderr)
        search_path = result.stdout.split()
        unit = self.installed_unit_path()
        self.assertIn(os.path.dirname(unit), search_path,
                      f"systemd does not look for units where {unit} is")
        with open(self.staged(unit), encoding="utf-8") as installed, \
                open(self.unit_path, encoding="utf-8") as generated:
            self.assertEqual(installed.read(), generated.read(),
                             "the installed unit differs from the generated one")

    def test_exec_start_binaries_exist(self):
        program = self.exec_start()[0]
        staged = self.staged(program)
        self.assertTrue(os.path.isfile(staged), f"ExecStart's {program} was not installed")
        self.assertTrue(os.access(staged, os.X_OK), f"{program} is not executable")
        ctl = self.staged(os.path.join(os.path.dirname(program), "signage-ctl"))
        self.assertTrue(os.path.isfile(ctl) and os.access(ctl, os.X_OK),
                        "signage-ctl is not installed beside signage-player")
        documentation = unit_value(self.installed_unit(), "Unit", "Documentation")
        self.assertTrue(documentation.startswith("file://"), documentation)
        self.assertTrue(os.path.isfile(self.staged(documentation[len("file://"):])),
                        f"the unit's Documentation= {documentation} was not installed")

    def test_config_has_the_four_settings(self):
        path = self.installed_config_path()
        staged = self.staged(path)
        self.assertTrue(os.path.isfile(staged), f"the unit's --config {path} was not installed")
        # The service runs as user signage: the file must be readable by it.
        self.assertTrue(os.stat(staged).st_mode & stat.S_IROTH, f"{path} is not world-readable")
        self.assertEqual(set(self.installed_config()), CONFIG_KEYS)
        with open(staged, encoding="utf-8") as installed, \
                open(self.config_path, encoding="utf-8") as generated:
            self.assertEqual(installed.read(), generated.read())

    def test_config_names_installed_content(self):
        playlist = self.config_path_value("playlist")
        self.assertTrue(os.path.isfile(self.staged(playlist)),
                        f"the config's playlist {playlist} was not installed")
        content = self.config_path_value("content")
        self.assertTrue(os.path.isdir(self.staged(content)),
                        f"the config's content folder {content} was not installed")
        self.assertTrue(os.path.isfile(self.staged(os.path.join(content, "lesson/lesson.md"))))

    def test_config_writes_only_where_the_unit_allows(self):
        """Under ProtectSystem=strict the player may write only the folders
        the unit creates for it: the play log in LogsDirectory=, the socket in
        RuntimeDirectory=."""
        unit = self.installed_unit()
        logs = "/var/log/" + unit_value(unit, "Service", "LogsDirectory")
        runtime = "/run/" + unit_value(unit, "Service", "RuntimeDirectory")
        self.assertEqual(os.path.dirname(self.config_path_value("play-log")), logs)
        self.assertEqual(self.config_path_value("control"), runtime + "/control.sock")

    def test_sysusers_creates_the_service_user(self):
        files = find_files(self.root, "signage-player.conf")
        sysusers = [path for path in files if os.path.dirname(path) in SYSUSERS_DIRS]
        self.assertEqual(len(sysusers), 1, f"no sysusers.d file where systemd-sysusers looks: "
                                           f"{files}")
        with open(self.staged(sysusers[0]), encoding="utf-8") as file:
            self.assertRegex(file.read(), re.compile(r"^u\s+signage\s", re.MULTILINE))

        # Apply it for real, to a scratch root.
        tool = need_tool(self, "systemd-sysusers", "systemd")
        sysroot = os.path.join(self.folder, "sysusers-root")
        os.makedirs(os.path.join(sysroot, "etc"), exist_ok=True)
        result = run([tool, f"--root={sysroot}", self.staged(sysusers[0])])
        self.assertEqual(result.returncode, 0, f"systemd-sysusers failed:\n{result.stderr}")
        with open(os.path.join(sysroot, "etc/passwd"), encoding="utf-8") as file:
            users = {fields[0]: fields for fields in (line.rstrip("\n").split(":")
                                                      for line in file)}
        with open(os.path.join(sysroot, "etc/group"), encoding="utf-8") as file:
            members = {fields[0]: fields[3].split(",") for fields in
                       (line.rstrip("\n").split(":") for line in file)}

        unit = self.installed_unit()
        user = unit_value(unit, "Service", "User")
        self.assertIn(user, users, f"sysusers does not create the unit's User={user}")
        self.assertIn(unit_value(unit, "Service", "Group"), members)
        self.assertEqual(users[user][5], "/var/lib/" + unit_value(unit, "Service",
                                                                  "StateDirectory"))
        for group in " ".join(unit_values(unit, "Service", "SupplementaryGroups")).split():
            self.assertIn(user, members.get(group, []), f"{user} is not in group {group}")

    def test_logrotate_rotates_the_play_log(self):
        path = LOGROTATE_DIR + "/signage-player"
        staged = self.staged(path)
        self.assertTrue(os.path.isfile(staged), f"{path} was not installed")
        # logrotate skips snippets that others may write to.
        self.assertFalse(os.stat(staged).st_mode & (stat.S_IWGRP | stat.S_IWOTH))
        with open(staged, encoding="utf-8") as file:
            text = file.read()
        patterns = re.findall(r"^(/\S+)\s*\{", text, re.MULTILINE)
        play_log = self.config_path_value("play-log")
        self.assertTrue(any(fnmatch.fnmatch(play_log, pattern) for pattern in patterns),
                        f"no pattern in {path} covers the play log {play_log}: {patterns}")
        for directive in ("weekly", "rotate 8", "compress", "delaycompress", "missingok",
                          "notifempty"):
            self.assertRegex(text, re.compile(rf"^\s*{directive}\s*$", re.MULTILINE))
        # The player reopens its play log on SIGHUP: the unit's reload signal.
        self.assertRegex(text, r"systemctl kill --signal=HUP --kill-whom=main "
                               + re.escape(SERVICE_NAME))
        self.assertEqual(unit_value(self.installed_unit(), "Service", "ExecReload"),
                         "/bin/kill -HUP $MAINPID")

        # The real logrotate, in debug mode (it changes nothing), forced to
        # rotate a play log in a scratch folder. Where user signage does not
        # exist (a build machine), `su` names the user running the test.
        tool = need_tool(self, "logrotate", "logrotate")
        logs = os.path.join(self.folder, "logs")
        os.makedirs(logs, exist_ok=True)
        with open(os.path.join(logs, "play.jsonl"), "w", encoding="utf-8") as file:
            file.write('{"result":"ok"}\n')
        trial = text.replace(os.path.dirname(play_log) + "/", logs + "/")
        try:
            pwd.getpwnam("signage")
        except KeyError:
            user = getpass.getuser()
            group = grp.getgrgid(os.getgid()).gr_name
            trial, count = re.subn(r"^(\s*su)\s+signage\s+signage\s*$", rf"\1 {user} {group}",
                                   trial, flags=re.MULTILINE)
            self.assertEqual(count, 1, "expected `su signage signage` in the snippet")
        trial_path = os.path.join(self.folder, "logrotate-trial")
        with open(trial_path, "w", encoding="utf-8") as file:
            file.write(trial)
        os.chmod(trial_path, 0o644)
        result = run([tool, "--debug", "--force", "--state",
                      os.path.join(self.folder, "logrotate.state"), trial_path])
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, f"logrotate rejects the snippet:\n{output}")
        self.assertNotIn("error", output.lower(), output)
        self.assertIn("rotating log " + os.path.join(logs, "play.jsonl"), output)
        self.assertIn("play.jsonl.1", output)

    def test_reinstall_keeps_an_edited_config(self):
        staged = self.staged(self.installed_config_path())
        with open(staged, "a", encoding="utf-8") as file:
            file.write("# edited by the admin\n")
        with open(staged, encoding="utf-8") as file:
            edited = file.read()
        result = self.install()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(staged, encoding="utf-8") as file:
            self.assertEqual(file.read(), edited, "cmake --install overwrote the admin's config")
        self.assertIn("Keeping: " + staged, result.stdout)
        # The shipped default lands beside the data, to compare with.
        defaults = find_files(self.root, "signage.conf.default")
        self.assertEqual(len(defaults), 1, defaults)
        with open(self.staged(defaults[0]), encoding="utf-8") as default, \
                open(self.config_path, encoding="utf-8") as generated:
            self.assertEqual(default.read(), generated.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
