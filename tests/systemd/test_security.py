"""systemd-analyze security rates the generated unit 2.0 ("OK") or better.
The number is parsed and asserted, and the tool's own --threshold must agree;
on failure the whole table is printed, so the line that costs is visible."""

import os
import re
import tempfile
import unittest

from servicetest import SERVICE_NAME, ServiceTest, need_tool, run

MAX_EXPOSURE = 2.0  # systemd-analyze's "OK" band ends here
OVERALL = re.compile(r"Overall exposure level for (\S+): (\d+(?:\.\d+)?) (\S+)")


def analyze_security(test, unit_path, threshold):
    """Runs the offline analysis of unit_path; returns (exit status, exposure, table)."""
    tool = need_tool(test, "systemd-analyze", "systemd")
    # --threshold is on systemd's 0-100 scale: ten times the exposure shown.
    result = run([tool, "security", "--offline=true", f"--threshold={int(threshold * 10)}",
                  "--no-pager", unit_path])
    table = result.stdout + result.stderr
    match = OVERALL.search(table)
    test.assertIsNotNone(match, f"no overall exposure level in the output:\n{table}")
    return result.returncode, float(match.group(2)), table


class SecurityTest(ServiceTest):
    def test_exposure_is_ok(self):
        status, exposure, table = analyze_security(self, self.unit_path, MAX_EXPOSURE)
        self.assertLessEqual(exposure, MAX_EXPOSURE,
                             f"{self.unit_path} is exposed {exposure} > {MAX_EXPOSURE}:\n{table}")
        self.assertEqual(status, 0, f"systemd-analyze security failed (exit {status}):\n{table}")
        print(f"{SERVICE_NAME}: overall exposure {exposure}")

    def test_a_bare_unit_rates_high(self):
        """The measurement itself works: the same unit without its hardening
        is far above the limit, and the tool's --threshold then fails."""
        with tempfile.TemporaryDirectory(prefix="signage-security-") as folder:
            bare = os.path.join(folder, SERVICE_NAME)
            with open(bare, "w", encoding="utf-8") as file:
                file.write("[Service]\nExecStart=/bin/true\n")
            status, exposure, table = analyze_security(self, bare, MAX_EXPOSURE)
        self.assertGreater(exposure, MAX_EXPOSURE, table)
        self.assertNotEqual(status, 0, f"--threshold did not fail a bare unit:\n{table}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
