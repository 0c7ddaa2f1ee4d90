"""``make test``: lint, every addon test with Odoo's runner, the install/uninstall check, pytest.

Ends with one line ``N passed, N failed`` (``, N skipped`` when some were) and exits non-zero when
a test fails or errors, when Odoo's log has an ERROR or CRITICAL line, or when a browser test was
skipped (Odoo skips them silently when Chromium or websocket-client is missing).

Stages can be run alone (``--stage odoo``) and pointed at other addons, which is how the
project's own tests prove that each of those cases makes the run fail.
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"(?P<db>\S+) (?P<logger>\S+): (?P<message>.*)$"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIP = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
# Odoo's reasons for skipping a browser test (odoo/tests/common.py).
BROWSER_SKIP = re.compile(r"Chrome|chrome|websocket|browser", re.IGNORECASE)
# The executables Odoo looks for, in its order (odoo.tests.common._find_executable).
CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@dataclass
class Outcome:
    stage: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    problems: list = field(default_factory=list)


@dataclass
class OdooLogReport:
    """What one Odoo test run's log says."""

    tests_run: int | None = None
    failed: int = 0
    errors: int = 0
    skipped: list = field(default_factory=list)
    browser_skipped: list = field(default_factory=list)
    error_lines: list = field(default_factory=list)

    def feed(self, line):
        match = LOG_LINE.match(line)
        if not match:
            return
        level, message = match["level"], match["message"]
        if result := RESULT.search(message):
            self.failed, self.errors, self.tests_run = map(int, result.groups())
        if level in ("ERROR", "CRITICAL"):
            self.error_lines.append(line)
        elif skip := SKIP.match(message):
            self.skipped.append(skip["test"])
            if BROWSER_SKIP.search(skip["reason"]):
                self.browser_skipped.append(f"{skip['test']}: {skip['reason']}")

    def outcome(self, returncode):
        out = Outcome("odoo")
        if self.tests_run is None:
            out.problems.append("Odoo did not report its test results (it stopped early?)")
            out.failed += 1
            return out
        if self.tests_run == 0:
            out.problems.append("Odoo ran no test (wrong --test-tags, or modules not installed?)")
            out.failed += 1
            return out
        failed = self.failed + self.errors
        out.skipped = len(self.skipped) - len(self.browser_skipped)
        # A failing setUpClass counts as an error of zero tests run.
        out.passed = max(0, self.tests_run - failed - len(self.skipped))
        out.failed = failed + len(self.browser_skipped)
        for skipped in self.browser_skipped:
            out.problems.append(f"browser test skipped, which counts as failed: {skipped}")
        if self.error_lines:
            out.problems.append(f"Odoo's log has {len(self.error_lines)} ERROR/CRITICAL line(s):")
            out.problems.extend("    " + line[:300] for line in self.error_lines[:20])
            if not out.failed:
                out.failed = len(self.error_lines)
        if returncode and not out.failed:
            out.problems.append(f"Odoo exited with status {returncode}")
            out.failed = 1
        return out


def browser_problems():
    """Why browser tests would be skipped here, if they would."""
    problems = []
    if not any(shutil.which(name) for name in CHROME_NAMES):
        problems.append(
            f"Chromium not found on PATH (looked for {', '.join(CHROME_NAMES)}): Odoo would skip "
            "every browser test, and a skipped browser test fails this run. Install Debian's "
            "chromium package (tools/bootstrap.sh does it when run as root) and keep it on PATH."
        )
    if importlib.util.find_spec("websocket") is None:
        problems.append(
            "The Python package websocket-client is missing: Odoo would skip every browser test. "
            "Run tools/bootstrap.sh to (re)build the virtual environment."
        )
    return problems


def run_streamed(cmd, log_path, on_line=None, stdin=None):
    """Run cmd, echo and save its output line by line; return its exit status."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(
        "$ " + " ".join(cmd[:1] + [a for a in cmd[1:] if not a.startswith("--addons-path")]),
        flush=True,
    )
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            text=True,
            errors="replace",
        ) as proc,
    ):
        if stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            if on_line:
                on_line(line.rstrip("\n"))
        return proc.wait()


def stage_lint(args):
    out = Outcome("lint")
    code = subprocess.call([sys.executable, str(odoo_env.REPO / "tools" / "lint.py")])
    if code:
        out.failed = 1
        out.problems.append("lint failed (run `make lint` to see why)")
    else:
        out.passed = 1
    return out


def stage_odoo(args):
    modules = args.modules.split(",")
    test_tags = args.test_tags or ",".join(f"/{m}" for m in modules)
    out_problems = browser_problems()
    for problem in out_problems:
        print(f"[test] WARNING: {problem}", flush=True)
    if args.reuse_db and odoo_env.modules_installed(args.db, modules):
        install = []  # only post_install tests run
    else:
        odoo_env.recreate_db(args.db)
        install = ["-i", ",".join(modules)]
    cmd = (
        odoo_env.odoo_args(args.db, odoo_env.free_port(), args.addons)
        + install
        + [
            "--test-enable",
            f"--test-tags={test_tags}",
            "--stop-after-init",
            "--log-level=info",
        ]
    )
    report = OdooLogReport()
    started = time.monotonic()
    code = run_streamed(cmd, args.log_dir / f"odoo-test-{args.db}.log", report.feed)
    out = report.outcome(code)
    out.problems = out_problems + out.problems
    print(f"[test] Odoo tests took {time.monotonic() - started:.0f}s", flush=True)
    return out


UNINSTALL_SCRIPT = """
modules = env["ir.module.module"].search([("name", "in", %(modules)r)])
modules.button_immediate_uninstall()
env.invalidate_all()
modules = env["ir.module.module"].search([("name", "in", %(modules)r)])
states = {module.name: module.state for module in modules}
left = env["ir.model.data"].search_count([("module", "in", %(modules)r)])
print("UNINSTALL-RESULT", sorted(states.items()), "records left:", left)
"""


def stage_uninstall(args):
    """The addons, installed by the odoo stage, uninstall cleanly."""
    out = Outcome("uninstall")
    modules = args.modules.split(",")
    report = OdooLogReport()
    result = []

    def on_line(line):
        report.feed(line)
        if line.startswith("UNINSTALL-RESULT"):
            result.append(line)

    cmd = odoo_env.odoo_args(args.db, odoo_env.free_port(), args.addons)
    cmd[1:1] = ["shell"]
    cmd += ["--no-http", "--log-level=info"]
    code = run_streamed(
        cmd,
        args.log_dir / f"odoo-uninstall-{args.db}.log",
        on_line,
        stdin=UNINSTALL_SCRIPT % {"modules": modules},
    )
    expected = f"UNINSTALL-RESULT {sorted((m, 'uninstalled') for m in modules)} records left: 0"
    if code or report.error_lines or result != [expected]:
        out.failed = 1
        out.problems.append(f"the addons did not uninstall cleanly: {result or 'no result'}")
        out.problems.extend("    " + line[:300] for line in report.error_lines[:20])
    else:
        out.passed = 1
    return out


def stage_pytest(args):
    out = Outcome("pytest")
    junit = args.log_dir / "pytest.xml"
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:odoo",
            "-p",
            "no:cacheprovider",
            "-rs",
            f"--junitxml={junit}",
            str(odoo_env.REPO / "tests"),
        ]
    )
    if not junit.exists():
        out.failed = 1
        out.problems.append(f"pytest wrote no report (exit status {code})")
        return out
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, failures, errors, skipped = (
        int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
    )
    out.failed, out.skipped = failures + errors, skipped
    out.passed = total - out.failed - skipped
    if code not in (0,) and not out.failed:
        out.failed = 1
        out.problems.append(f"pytest exited with status {code}")
    return out


STAGES = {
    "lint": stage_lint,
    "odoo": stage_odoo,
    "uninstall": stage_uninstall,
    "pytest": stage_pytest,
}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--stage", action="append", choices=list(STAGES), help="run only these stages"
    )
    parser.add_argument("--db", default=os.environ.get("OMNICHANNEL_TEST_DB", "omnichannel_test"))
    parser.add_argument("--modules", default=",".join(odoo_env.ADDONS + odoo_env.TEST_ADDONS))
    parser.add_argument("--test-tags", help="Odoo --test-tags (default: the modules' own tests)")
    parser.add_argument(
        "--addons", action="append", help="addons directory (default: the test fixtures)"
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="reuse an installed database: post_install tests only",
    )
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    args.log_dir = args.log_dir or odoo_env.cache_dir() / "logs"
    args.addons = args.addons or [str(odoo_env.TEST_ADDONS_DIR)]
    stages = args.stage or ["lint", "odoo", "uninstall", "pytest"]

    outcomes = []
    for name in stages:
        if name == "uninstall" and any(o.stage == "odoo" and o.failed for o in outcomes):
            continue  # the addons' tests failed: their database proves nothing
        print(f"\n[test] ===== {name} =====", flush=True)
        outcomes.append(STAGES[name](args))

    print("\n[test] ===== summary =====")
    for out in outcomes:
        print(
            f"[test] {out.stage}: {out.passed} passed, {out.failed} failed, {out.skipped} skipped"
        )
        for problem in out.problems:
            print(f"[test]   {problem}")
    passed = sum(o.passed for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    print(
        f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
