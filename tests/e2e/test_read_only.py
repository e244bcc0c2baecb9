"""End to end: the player on a read-only content root and playlist folder,
as on a Raspberry Pi with the overlay file system (docs/RASPBERRY-PI.md,
"Read-only root and SD-card wear"). It must play every item, take a reload
(SIGHUP, whose --check child must write nothing either), and write nothing
but its play log, its control socket and its caches (in XDG_CACHE_HOME).
Every syscall that could write is traced with strace, whether it succeeded
or not, so an attempt to write into the content folder fails the test even
though the read-only mount would have refused it.

Read-only-ness must hold for root (CI runs as root; chmod does not stop it):
the player runs in a private mount namespace where both folders are read-only
bind mounts. The first way that works here is used: `unshare -m` (root with
CAP_SYS_ADMIN), `unshare -rm` (an unprivileged user + mount namespace), or, as
the last resort, chmod a-w and the player run as `nobody` through runuser."""

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from e2e import (PLAYER, TIME_SCALE, LivePlayerTest, make_clip, player_env,  # noqa: E402
                 wait_until)

DECK = "# 只读\n\n---\n\n# Read-only\n"
PLAYLIST = "slide-time = 1s\ndeck deck.md\nvideo clip.mp4\n"
ITEMS = {"deck.md#1", "deck.md#2", "clip.mp4"}
LOOPS = 2
MOUNT_FAILED = 97
# Every syscall that can create, change or remove a file by path.
WRITING_CALLS = ("open", "openat", "openat2", "creat", "rename", "renameat", "renameat2",
                 "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "mknod", "mknodat", "link",
                 "linkat", "symlink", "symlinkat", "truncate", "chmod", "fchmodat", "chown",
                 "lchown", "fchownat", "utimes", "utimensat", "setxattr", "lsetxattr",
                 "removexattr", "lremovexattr")
OPEN_CALLS = {"open", "openat", "openat2"}
WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE")
CALL = re.compile(r"^\d+\s+(?:<\.\.\. )?(\w+)\((.*)$")
# A path argument, with the folder strace -y names for its dirfd, if any.
PATH_ARG = re.compile(r'(?:(AT_FDCWD|-?\d+)(?:<([^>]*)>)?, )?"((?:[^"\\]|\\.)*)"')
# Bind both folders read-only, then run the command ($3...).
MOUNT_SCRIPT = ('for d in "$1" "$2"; do mount --bind "$d" "$d" && '
                'mount -o remount,bind,ro "$d" "$d" || exit %d; done; shift 2; exec "$@"'
                % MOUNT_FAILED)


class ReadOnlyContentTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        self.write("content/deck.md", DECK)
        make_clip(os.path.join(self.content, "clip.mp4"), seconds=1)
        self.playlist = self.write("playlists/show.playlist", PLAYLIST)
        # The writable places, as on the Pi: log, run and cache folders.
        self.log_dir = os.path.join(self.dir, "log")
        self.run_dir = os.path.join(self.dir, "run")
        self.cache_dir = os.path.join(self.dir, "cache")
        for folder in (self.log_dir, self.run_dir, self.cache_dir):
            os.makedirs(folder)
        self.log = os.path.join(self.log_dir, "play.jsonl")
        self.socket_path = os.path.join(self.run_dir, "control.sock")
        self.trace = os.path.join(self.dir, "trace")
        self.before = self.snapshot()

    def snapshot(self):
        """Every file and folder under content and playlists, with size and mtime."""
        found = {}
        for top in (self.content, self.playlists):
            for root, folders, files in os.walk(top):
                for name in folders + files:
                    path = os.path.join(root, name)
                    info = os.lstat(path)
                    found[path] = (info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode))
        return found

    # ---- making the folders read-only --------------------------------------------

    def namespace_wrapper(self, unshare_flags):
        return ["unshare", *unshare_flags, "sh", "-c", MOUNT_SCRIPT, "sh", self.content,
                self.playlists]

    def nobody_wrapper(self):
        for folder in (self.log_dir, self.run_dir, self.cache_dir):
            os.chmod(folder, 0o777)
        os.chmod(self.dir, 0o755)
        for top in (self.content, self.playlists):
            for root, folders, files in os.walk(top):
                for name in files:
                    os.chmod(os.path.join(root, name), 0o444)
                os.chmod(root, 0o555)
        # strace writes its trace as nobody too.
        os.chmod(self.dir, 0o1777)
        return ["runuser", "-u", "nobody", "--"]

    def read_only_wrapper(self):
        """argv that runs a command with content and playlists read-only even
        for root; the name of the way. Proven with touch before it is used."""
        probe = ["sh", "-c", '! touch "$1/.probe" 2>/dev/null && ! touch "$2/.probe" 2>/dev/null',
                 "sh", self.content, self.playlists]
        tried = []
        ways = []
        if shutil.which("unshare"):
            ways += [("unshare -m: read-only bind mounts", lambda: self.namespace_wrapper(["-m"])),
                     ("unshare -rm: read-only bind mounts in a user namespace",
                      lambda: self.namespace_wrapper(["-r", "-m"]))]
        if shutil.which("runuser") and os.geteuid() == 0:
            ways.append(("chmod a-w, run as nobody", self.nobody_wrapper))
        for name, make in ways:
            wrapper = make()
            result = subprocess.run([*wrapper, *probe], capture_output=True, text=True)
            leftovers = [p for p in (os.path.join(self.content, ".probe"),
                                     os.path.join(self.playlists, ".probe")) if os.path.exists(p)]
            for path in leftovers:
                os.remove(path)
            if result.returncode == 0 and not leftovers:
                return wrapper, name
            tried.append(f"{name}: exit {result.returncode} {result.stderr.strip()}")
        self.skipTest("no way to make a folder read-only for the player here: " + "; ".join(tried))

    # ---- the run --------------------------------------------------------------------

    def player_pid(self, root_pid):
        """The first descendant of root_pid running PLAYER (the reload's --check
        child is a descendant of it, found later)."""
        player = os.path.realpath(PLAYER)
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as file:
                    ppid = int(file.read().rsplit(")", 1)[1].split()[1])
                exe = os.readlink(f"/proc/{entry}/exe")
            except OSError:
                continue
            children.setdefault(ppid, []).append((int(entry), exe))
        queue = [root_pid]
        while queue:
            for pid, exe in sorted(children.get(queue.pop(0), [])):
                if exe == player:
                    return pid
                queue.append(pid)
        return None

    def test_plays_and_reloads_on_read_only_folders_writing_only_its_own_files(self):
        if not shutil.which("strace"):
            self.skipTest("strace is not installed (apt-get install strace)")
        wrapper, way = self.read_only_wrapper()
        print(f"read-only by: {way}", file=sys.stderr)
        env = player_env(XDG_CACHE_HOME=self.cache_dir)
        preload = env.pop("LD_PRELOAD", None)  # for the player, not for strace
        strace = ["strace", "-f", "-qq", "-y", "-s", "256", "-o", self.trace,
                  "-e", "trace=/^(" + "|".join(WRITING_CALLS) + "|execve)$"]
        strace += ["-E", f"LD_PRELOAD={preload}"] if preload else []
        if "ASAN_OPTIONS" in env:  # LeakSanitizer cannot run under ptrace
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        self._stderr_file = open(self.stderr_path, "w", encoding="utf-8")
        self.addCleanup(self._stderr_file.close)
        self.player = subprocess.Popen(
            [*wrapper, *strace, PLAYER, "--loops", str(LOOPS), "--play-log", self.log,
             "--control", self.socket_path, self.playlist],
            env=env, stderr=self._stderr_file, cwd=self.dir)
        self.assertTrue(wait_until(lambda: os.path.exists(self.socket_path) or
                                   self.player.poll() is not None, 20 * TIME_SCALE))
        self.assertIsNone(self.player.poll(), self.stderr())
        pid = wait_until(lambda: self.player_pid(self.player.pid), 5 * TIME_SCALE)
        self.assertIsNotNone(pid, "the player process was not found")
        self.assertIsNotNone(self.wait_for_record(lambda r: True, 10 * TIME_SCALE),
                             self.stderr())
        os.kill(pid, signal.SIGHUP)
        done = wait_until(lambda: self.ctl("status").get("reload") in ("done", "rejected"),
                          10 * TIME_SCALE)
        self.assertTrue(done, "the reload never finished")
        status = self.ctl("status")
        self.assertEqual(status["reload"], "done", status)
        try:
            self.player.wait(timeout=30 * TIME_SCALE)
        except subprocess.TimeoutExpired:
            self.fail("the player did not finish its loops")
        self.assertEqual(self.player.returncode, 0, self.stderr())

        records = self.records()
        self.assertGreaterEqual(len(records), LOOPS * len(ITEMS), records)
        self.assert_all_ok(records)
        self.assertEqual({r["path"] for r in records}, ITEMS)

        self.assertEqual(self.snapshot(), self.before, "the content or playlist folder changed")
        writes, programs = self.traced_writes()
        self.assertGreaterEqual(programs.count(os.path.realpath(PLAYER)) +
                                programs.count(PLAYER), 2,
                                f"no reload --check child was traced: {programs}")
        self.assertIn(self.log, {path for _, path, _ in writes}, "the play-log write was not seen")
        protected = (self.content + "/", self.playlists + "/")
        into_content = [w for w in writes if w[1].startswith(protected) or
                        w[1] in (self.content, self.playlists)]
        self.assertEqual(into_content, [], "tried to write in the content or playlist folder")
        allowed_prefixes = (self.cache_dir + "/", "/dev/", "/proc/", "/tmp/.X11-unix/")
        allowed = (self.log, self.socket_path, self.cache_dir)
        elsewhere = [w for w in writes if w[1] not in allowed and
                     not w[1].startswith(allowed_prefixes)]
        self.assertEqual(elsewhere, [], "wrote outside the play log, socket and caches")

    def traced_writes(self):
        """(syscall, absolute path, line) for every call in the trace that could
        write a file, and the programs execve'd."""
        writes, programs = [], []
        with open(self.trace, encoding="utf-8", errors="replace") as file:
            for line in file:
                match = CALL.match(line)
                if not match or "resumed>" in line.split("(", 1)[0]:
                    continue
                name, rest = match.groups()
                arguments = rest.rsplit(") = ", 1)[0]
                if name == "execve":
                    found = PATH_ARG.search(arguments)
                    if found:
                        programs.append(found.group(3))
                    continue
                if name in OPEN_CALLS and not WRITE_FLAGS.search(arguments):
                    continue
                for dirfd, folder, path in PATH_ARG.findall(arguments):
                    if not path.startswith("/"):
                        path = os.path.join(folder or self.dir, path)
                    writes.append((name, os.path.normpath(path), line.strip()))
        return writes, programs


if __name__ == "__main__":
    unittest.main(verbosity=2)
