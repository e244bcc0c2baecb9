"""A display on 127.0.0.1 for the SSH publishing tests, the way a real one is
set up: its own sshd (own port, host key and authorized_keys in a temporary
folder) whose only key is forced through signage-admin-gate, a site root made
by signage-site, and the real signage-player under the offscreen driver
playing site/show.playlist. A Laptop holds the key and runs signage-push.

As root (CI) there are two accounts, as on a real display: the player runs
as signage-sshtest (standing in for the service's user signage) and the key
logs in as signage-sshtest-pub (standing in for signage-admin: /bin/sh as its
shell, as root's shell start-up costs about a second per ssh, PLATFORM-NOTES).
Both have the group signage as their primary group (made with groupadd
--system when missing, as systemd-sysusers makes it for the service): the
player gives its socket to that group by name and answers peers whose primary
group it is. So signage-site and signage-ctl behind the gate reach the player
the way they do on a display: as another user, through the group, no sudo.
The player runs with the service's UMask=0027 in a run folder of mode 0750,
as systemd's RuntimeDirectory; the site root is the SSH account's, group
signage, setgid, as setup-signage-admin makes it.

As any other user, sshd, the SSH account and the player are that one user: the
player answers its own uid, and the group rule is not exercised."""

import fcntl
import grp
import json
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest

PLAYER = os.environ.get("SIGNAGE_PLAYER", "")
CTL = os.environ.get("SIGNAGE_CTL", "")
SOURCE_DIR = os.environ.get("SIGNAGE_SOURCE_DIR", "")
DEPLOY = os.path.join(SOURCE_DIR, "deploy")
SIGNAGE_PUSH = os.path.join(DEPLOY, "signage-push")
SSHD = "/usr/sbin/sshd"
# As root: the player's account (as user signage), the SSH account (as
# signage-admin), and the group the player answers on its socket (by name).
TEST_USER = "signage-sshtest"
TEST_PUBLISHER = "signage-sshtest-pub"
SOCKET_GROUP = "signage"
# The service's UMask= (systemd/signage-player.service.in).
SERVICE_UMASK = 0o027
# The date of the files a display starts with (2026-01-01): a laptop's copy
# written with the same date is "unchanged" to rsync.
SEED_MTIME = 1767225600

# What the player needs headless; the software renderer makes it the same
# everywhere (as tests/e2e).
HEADLESS_ENV = {
    "SDL_VIDEODRIVER": "offscreen",
    "SDL_AUDIODRIVER": "dummy",
    "SDL_RENDER_DRIVER": "software",
}
SANITIZER_VARS = ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")


def need_tool(path_or_name, package):
    path = shutil.which(path_or_name)
    if not path:
        raise AssertionError(f"{path_or_name} is not installed: apt-get install {package} "
                             "(scripts/test installs it)")
    return path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def retry(what, attempt):
    """attempt() until it returns a value: useradd and usermod give up on an
    /etc/passwd another one has locked (setup-signage-admin in another test).
    attempt may return a CompletedProcess, to be tried again (its stderr tells
    why the last try failed)."""
    last = None
    for _ in range(50):
        value = attempt()
        if value is not None and not isinstance(value, subprocess.CompletedProcess):
            return value
        last = value
        time.sleep(0.1)
    raise AssertionError(f"could not {what}" + (f": {last.stderr.strip()}" if last else ""))


def system_group(name):
    """The gid of group name, added as a system group when missing."""
    def attempt():
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            return subprocess.run(["groupadd", "--system", name], capture_output=True,
                                  text=True)
    return retry(f"add the group {name}", attempt)


def system_account(name, gid, comment):
    """(name, uid, gid) of a system user with primary group gid, shell /bin/sh
    and no password ("*": a locked one, "!", makes sshd refuse even keys)."""
    def attempt():
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            return subprocess.run(["useradd", "--system", "--gid", str(gid), "--shell",
                                   "/bin/sh", "--home-dir", "/", "--no-create-home",
                                   "--comment", comment, name], capture_output=True, text=True)
        if entry.pw_gid != gid or entry.pw_shell != "/bin/sh":
            # An account an older version of these tests made (its own group).
            return subprocess.run(["usermod", "-g", str(gid), "-s", "/bin/sh", name],
                                  capture_output=True, text=True)
        return entry
    entry = retry(f"add the test user {name}", attempt)
    with open("/etc/shadow", encoding="utf-8") as file:
        password = [line.split(":")[1] for line in file if line.startswith(name + ":")]
    if password != ["*"]:
        def clear_password():
            result = subprocess.run(["usermod", "-p", "*", name], capture_output=True, text=True)
            return True if result.returncode == 0 else result
        retry(f"clear {name}'s password", clear_password)
    return entry.pw_name, entry.pw_uid, entry.pw_gid


def display_accounts():
    """(player, SSH account): each (name, uid, gid); see the module doc."""
    if os.getuid() != 0:
        entry = pwd.getpwuid(os.getuid())
        me = (entry.pw_name, entry.pw_uid, entry.pw_gid)
        return me, me
    # One test at a time (ctest -j): two useradd of the same name at once can
    # both pass its "exists?" check, and the second rewrites the first's entry
    # with another uid, under the feet of the test that read it.
    with open(os.path.join(tempfile.gettempdir(), "signage-sshtest-accounts.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        gid = system_group(SOCKET_GROUP)
        return (system_account(TEST_USER, gid, "signage-player ssh tests, the player"),
                system_account(TEST_PUBLISHER, gid, "signage-player ssh tests, publishing"))


def chown_tree(path, uid, gid, skip=()):
    """Gives path and everything below to uid:gid (as root), but for skip."""
    if os.getuid() != 0:
        return
    os.chown(path, uid, gid)
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip]
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, gid)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def write_content(folder, files, mtime=None):
    """files: {relative path: str or bytes}; mtime (seconds) for all of them,
    so that a laptop's copy and a display's match as rsync sees them."""
    for relative, data in files.items():
        path = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data.encode() if isinstance(data, str) else data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))


def deck(title, n_slides):
    """A deck of n slides titled `title 1` ... (play-log paths DECK#1 ...)."""
    return "\n---\n\n".join(f"# {title} {i}\n\nslide {i} of {title}\n"
                            for i in range(1, n_slides + 1))


class Display:
    """One screen: sshd on its own port, the site root, the playing player.
    player and publisher: the (name, uid, gid) the player runs as and the one
    that owns the site root and logs in (default: the player's)."""

    def __init__(self, base, name, player, publisher=None):
        self.name = name
        self.user, self.uid, self.gid = player
        self.publisher = publisher or player
        self.dir = os.path.join(base, name)
        self.bin = os.path.join(self.dir, "bin")
        self.root = os.path.join(self.dir, "srv")
        self.run_dir = os.path.join(self.dir, "run")
        self.ssh_dir = os.path.join(self.dir, "ssh")
        self.socket = os.path.join(self.run_dir, "control.sock")
        self.play_log_path = os.path.join(self.run_dir, "play.jsonl")
        self.player = None
        self.sshd = None
        self.port = None
        for folder in (self.bin, self.root, self.run_dir, self.ssh_dir):
            os.makedirs(folder)
        self.install()

    def install(self):
        """The display's own bin folder, as `cmake --install` lays it out:
        copies, so the account reaches them wherever the checkout is."""
        tools = {"signage-player": PLAYER, "signage-ctl": CTL,
                 "signage-site": os.path.join(DEPLOY, "signage-site"),
                 "signage-admin-gate": os.path.join(DEPLOY, "signage-admin-gate")}
        for name, source in tools.items():
            if not source or not os.access(source, os.X_OK):
                raise AssertionError(f"{name} not found at {source!r}: run through ctest")
            shutil.copy(source, os.path.join(self.bin, name))
            os.chmod(os.path.join(self.bin, name), 0o755)
        self.env = dict(os.environ, **HEADLESS_ENV, HOME=self.dir,
                        XDG_CACHE_HOME=os.path.join(self.dir, "cache"))
        preload = os.environ.get("SIGNAGE_PLAYER_PRELOAD")
        if preload:
            shutil.copy(preload, os.path.join(self.bin, "preload.so"))
            self.env["LD_PRELOAD"] = os.path.join(self.bin, "preload.so")
        match = re.search(r"suppressions=([^:]+)", self.env.get("LSAN_OPTIONS", ""))
        if match:
            shutil.copy(match.group(1), os.path.join(self.bin, "lsan.supp"))
            self.env["LSAN_OPTIONS"] = self.env["LSAN_OPTIONS"].replace(
                match.group(1), os.path.join(self.bin, "lsan.supp"))

    # --- the site -------------------------------------------------------------

    def seed(self, playlist_text, files):
        """The first release, as setup-signage-admin makes it (signage-site
        init); its files dated SEED_MTIME, like the laptop's copy of them."""
        source = os.path.join(self.dir, "seed")
        write_content(os.path.join(source, "content"), files, mtime=SEED_MTIME)
        write_content(source, {"playlists/first.playlist": playlist_text})
        self.site("init", os.path.join(source, "playlists", "first.playlist"))
        shutil.rmtree(source)

    def site(self, *args):
        result = subprocess.run([os.path.join(self.bin, "signage-site"), "--root", self.root,
                                 "--socket", self.socket, *args], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(f"signage-site {args}: {result.stdout}{result.stderr}")
        return result.stdout

    def release(self, link="site"):
        """The release a link points at, or None."""
        path = os.path.join(self.root, link)
        return os.path.basename(os.readlink(path)) if os.path.islink(path) else None

    def release_info(self, release):
        with open(os.path.join(self.root, "releases", release, "RELEASE"),
                  encoding="utf-8") as file:
            return dict(line.rstrip("\n").split("=", 1) for line in file if "=" in line)

    def snapshot(self):
        """Every path under the site root with its kind, inode, size, mtime
        and link target: equal snapshots mean nothing changed."""
        entries = {}
        for folder, dirs, files in os.walk(self.root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
                entries[os.path.relpath(path, self.root)] = (
                    stat.S_IFMT(info.st_mode), info.st_ino, info.st_size, info.st_mtime_ns,
                    target)
        return entries

    # --- the player -----------------------------------------------------------

    def start(self):
        """The site root to the SSH account, the player as the service runs
        it (--config), then sshd."""
        self.write_config(f"{self.root}/site/show.playlist", f"{self.root}/site/content")
        _, publisher_uid, publisher_gid = self.publisher
        chown_tree(self.root, publisher_uid, publisher_gid)
        if os.getuid() == 0:
            os.chmod(self.root, 0o2750)
        self.start_player()
        self.start_sshd()

    def write_config(self, playlist, content):
        """The service's signage.conf for this display."""
        self.config = os.path.join(self.dir, "signage.conf")
        with open(self.config, "w", encoding="utf-8") as file:
            file.write(f"playlist = {playlist}\n"
                       f"content = {content}\n"
                       f"play-log = {self.play_log_path}\n"
                       f"control = {self.socket}\n")

    def start_player(self, keep_owner=()):
        """The player on self.config, as the player's account, which gets the
        display's folder but for keep_owner, bin/ (root's, as the installed
        tools are) and the site root (the SSH account's); its run folder is
        0750, and it runs with the service's umask."""
        chown_tree(self.dir, self.uid, self.gid, skip=(self.bin, self.root, *keep_owner))
        self.player_log = open(os.path.join(self.dir, "player.log"), "w")
        as_user = {}
        if os.getuid() == 0:
            os.chmod(self.run_dir, 0o750)
            as_user = {"user": self.uid, "group": self.gid, "extra_groups": []}
        self.player = subprocess.Popen([os.path.join(self.bin, "signage-player"), "--config",
                                        self.config], env=self.env, stdout=self.player_log,
                                       stderr=subprocess.STDOUT, cwd=self.dir,
                                       umask=SERVICE_UMASK, **as_user)
        wait_until(lambda: self.player.poll() is not None or os.path.exists(self.socket), 30,
                   f"{self.name}'s control socket")
        if self.player.poll() is not None:
            raise AssertionError(f"{self.name}'s player exited: {self.player_output()}")

    def player_output(self):
        with open(os.path.join(self.dir, "player.log"), encoding="utf-8",
                  errors="replace") as file:
            return file.read()

    def start_sshd(self, login=None, authorized_keys=None):
        """sshd admitting only login (default: the SSH account) with the keys
        in authorized_keys (default: a file of this display's, which
        authorize() fills; a real account's own file is checked strictly)."""
        need_tool(SSHD, "openssh-server")
        self.login = login or self.publisher[0]
        if not os.path.isdir("/run/sshd"):
            if os.getuid() != 0:
                raise AssertionError("sshd needs /run/sshd: sudo mkdir -p /run/sshd")
            os.makedirs("/run/sshd", mode=0o755)
        host_key = os.path.join(self.ssh_dir, "host_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key],
                       check=True)
        with open(host_key + ".pub", encoding="utf-8") as file:
            self.host_public_key = file.read().split()[:2]
        self.authorized_keys = authorized_keys or os.path.join(self.ssh_dir, "authorized_keys")
        strict_modes = "yes" if authorized_keys else "no"
        if not authorized_keys:
            open(self.authorized_keys, "w").close()
        config = os.path.join(self.ssh_dir, "sshd_config")
        with open(config, "w", encoding="utf-8") as file:
            file.write(f"""ListenAddress 127.0.0.1
HostKey {host_key}
AuthorizedKeysFile {self.authorized_keys}
AllowUsers {self.login}
StrictModes {strict_modes}
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
PidFile none
LogLevel VERBOSE
MaxStartups 50
MaxSessions 50
""")
        for _ in range(5):  # a port taken between free_port() and bind: try another
            self.port = free_port()
            log = os.path.join(self.ssh_dir, "sshd.log")
            self.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", config, "-p", str(self.port),
                                          "-E", log], stdin=subprocess.DEVNULL)
            try:
                wait_until(lambda: self.sshd.poll() is not None or self.accepts(), 10,
                           f"{self.name}'s sshd on port {self.port}")
            except AssertionError:
                self.sshd.kill()
                raise
            if self.sshd.poll() is None:
                return
        with open(log, encoding="utf-8", errors="replace") as file:
            raise AssertionError(f"sshd did not start: {file.read()}")

    def accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def authorize(self, public_key, gate_options=()):
        """Admits public_key only through the gate, as setup-signage-admin does
        (gate_options: more words for the gate, as older keys carry)."""
        gate = " ".join([os.path.join(self.bin, "signage-admin-gate"), "--root", self.root,
                         "--socket", self.socket, *gate_options])
        with open(self.authorized_keys, "a", encoding="utf-8") as file:
            file.write(f'restrict,command="{gate}" {public_key}\n')

    def stop(self):
        if self.sshd:
            self.sshd.terminate()
            self.sshd.wait(timeout=10)
        if self.player:
            self.player.terminate()
            try:
                self.player.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.player.kill()
                self.player.wait()
            self.player_log.close()

    def player_exit_problem(self):
        """Why the player's exit after stop() is wrong, or None."""
        if self.player and self.player.returncode not in (0, -15):
            return f"{self.name}'s player exited {self.player.returncode}: {self.player_output()}"
        return None

    def ctl(self, *args):
        result = subprocess.run([CTL, "--socket", self.socket, *args], capture_output=True,
                                text=True, timeout=30)
        if result.returncode != 0:
            raise AssertionError(f"signage-ctl {args}: {result.stdout}{result.stderr}")
        return json.loads(result.stdout)

    def play_log(self):
        if not os.path.exists(self.play_log_path):
            return []
        with open(self.play_log_path, encoding="utf-8") as file:
            return [json.loads(line) for line in file if line.endswith("\n")]

    def wait_for_items(self, paths, timeout=30, after=0):
        """Waits until every one of paths has been logged as shown after the
        first `after` play-log records; returns those records."""
        def shown():
            records = self.play_log()[after:]
            return records if set(paths) <= {r["path"] for r in records} else None
        return wait_until(shown, timeout, f"{self.name} to show {sorted(paths)} "
                          f"(play log: {self.play_log()[after:]})")


class Laptop:
    """The admin's machine: a key pair, the displays' host keys, signage-push."""

    def __init__(self, base):
        self.dir = os.path.join(base, "laptop")
        os.makedirs(self.dir)
        self.key = os.path.join(self.dir, "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "laptop",
                        "-f", self.key], check=True)
        with open(self.key + ".pub", encoding="utf-8") as file:
            self.public_key = file.read().strip()
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        open(self.known_hosts, "w").close()
        self.env = dict(os.environ, HOME=self.dir)
        # The local check runs the player: under the sanitizers it needs the
        # same preload as every player run.
        preload = os.environ.get("SIGNAGE_PLAYER_PRELOAD")
        if preload:
            self.env["LD_PRELOAD"] = preload

    def trust(self, display):
        with open(self.known_hosts, "a", encoding="utf-8") as file:
            file.write(f"[127.0.0.1]:{display.port} {' '.join(display.host_public_key)}\n")

    def ssh_options(self, display):
        """What signage-push and ssh need to reach display without prompts."""
        return ["-p", str(display.port), "-i", self.key, "-o", "BatchMode=yes", "-o",
                f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes",
                "-o", "LogLevel=ERROR"]

    def host(self, display):
        return f"{display.login}@127.0.0.1"

    def push(self, display, *args, options=(), timeout=120):
        """signage-push [ssh options] [options] HOST ARGS...; returns the
        CompletedProcess."""
        command = [SIGNAGE_PUSH, *self.ssh_options(display), *options, self.host(display), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=self.env, stdin=subprocess.DEVNULL)

    def ssh(self, display, command, timeout=60, binary=False):
        """ssh display COMMAND, as the admin would type it."""
        args = ["ssh", *self.ssh_options(display), self.host(display)]
        if command is not None:
            args.append(command)
        return subprocess.run(args, capture_output=True, text=not binary, timeout=timeout,
                              env=self.env, stdin=subprocess.DEVNULL)

    def write(self, relative, data):
        path = os.path.join(self.dir, relative)
        write_content(self.dir, {relative: data})
        return path


class DisplayTest(unittest.TestCase):
    """Gives each test a temporary folder, a laptop and a way to start displays
    (stopped again, whatever happens)."""

    def setUp(self):
        for name in ("ssh", "ssh-keygen", "rsync", "flock"):
            need_tool(name, {"rsync": "rsync", "flock": "util-linux"}.get(name,
                                                                          "openssh-client"))
        if not os.path.exists("/usr/bin/rrsync"):
            self.fail("rrsync is missing: apt-get install rsync (3.2.4 or later) python3")
        # The player's account and the SSH account (see the module doc).
        self.player_account, self.account = display_accounts()
        self.base = tempfile.mkdtemp(prefix="signage-ssh-")
        os.chmod(self.base, 0o755)  # the display's accounts must reach its folder
        self.laptop = Laptop(self.base)
        self.displays = []

    def tearDown(self):
        problems = []
        for display in self.displays:
            display.stop()
            problem = display.player_exit_problem()
            if problem:
                problems.append(problem)
        shutil.rmtree(self.base, ignore_errors=True)
        self.assertEqual(problems, [])

    def start_display(self, name, playlist_text, files):
        display = Display(self.base, name, self.player_account, self.account)
        self.displays.append(display)
        display.seed(playlist_text, files)
        display.start()
        display.authorize(self.laptop.public_key)
        self.laptop.trust(display)
        return display

    def assert_push_ok(self, result):
        self.assertEqual(result.returncode, 0,
                         f"signage-push failed:\n{result.stdout}\n{result.stderr}")
