"""Shared helpers for the service tests: the generated unit and config as
CMake wrote them, a small systemd unit-file reader, and the real tools
(systemd-analyze, systemd-sysusers, logrotate), which must be installed: a
missing tool fails the test with the package to install, it never skips."""

import os
import shutil
import subprocess
import unittest

# Tools live in sbin for logrotate; a non-root PATH may lack it.
TOOL_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin", "/bin"])

# The service's fixed promises, checked against the unit's own lines.
SERVICE_NAME = "signage-player.service"


def env_path(name):
    """The path CMake passed in the environment variable name."""
    value = os.environ.get(name, "")
    if not value:
        raise AssertionError(f"{name} is not set: run this test through ctest")
    return value


def need_tool(test, name, package):
    """The full path of tool name, or fails test saying which package has it."""
    path = shutil.which(name, path=TOOL_PATH)
    if not path:
        test.fail(f"{name} is not installed: apt-get install {package} "
                  f"(scripts/test installs it)")
    return path


def run(args, **kwargs):
    """Runs args; returns the CompletedProcess with stdout and stderr as text.
    systemd's tools print no colours and no pager into a pipe anyway; these
    make sure of it."""
    env = dict(os.environ, SYSTEMD_COLORS="0", SYSTEMD_PAGER="", LC_ALL="C.UTF-8")
    env.update(kwargs.pop("env", {}))
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=env, timeout=kwargs.pop("timeout", 120),
                          **kwargs)


def read_unit(path):
    """A unit file as {section: [(key, value), ...]}, in file order.
    Comments (# and ;) and blank lines are dropped; a trailing backslash
    continues a line, as in systemd.unit(5)."""
    sections = {}
    current = None
    pending = ""
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = pending + raw.rstrip("\n")
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                current = sections.setdefault(stripped[1:-1], [])
                continue
            if current is None or "=" not in stripped:
                raise AssertionError(f"{path}: not a unit file line: {line!r}")
            key, value = stripped.split("=", 1)
            current.append((key.strip(), value.strip()))
    return sections


def unit_values(unit, section, key):
    """Every value of key in section, in order (a key may repeat)."""
    return [value for name, value in unit.get(section, []) if name == key]


def unit_value(unit, section, key):
    """The effective value of key: the last assignment, or None."""
    values = unit_values(unit, section, key)
    return values[-1] if values else None


def read_config(path):
    """The service config (format: player/show/service_config.h) as a dict.
    Fails on a line that is not a comment, blank or `key = value`, and on a
    repeated key."""
    settings = {}
    with open(path, encoding="utf-8-sig") as file:
        for number, raw in enumerate(file, 1):
            line = raw.rstrip("\r\n").strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise AssertionError(f"{path}:{number}: not `key = value`: {line!r}")
            key, value = (part.strip() for part in line.split("=", 1))
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            if not key or not value:
                raise AssertionError(f"{path}:{number}: empty key or value: {line!r}")
            if key in settings:
                raise AssertionError(f"{path}:{number}: {key} set twice")
            settings[key] = value
    return settings


class ServiceTest(unittest.TestCase):
    """Gives each test the generated unit (SIGNAGE_UNIT) and config
    (SIGNAGE_CONFIG) as CMake wrote them into the build folder."""

    def setUp(self):
        self.unit_path = env_path("SIGNAGE_UNIT")
        self.config_path = env_path("SIGNAGE_CONFIG")
        for path in (self.unit_path, self.config_path):
            self.assertTrue(os.path.isfile(path), f"{path} was not generated (configure again)")
        self.unit = read_unit(self.unit_path)
