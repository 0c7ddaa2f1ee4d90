"""`make test` fails on a failing test, on an ERROR line in Odoo's log, and on a skipped browser
test: proved by running its Odoo stage on a fixture addon whose test classes play each case."""

import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO, TOOLS, run
from run_tests import CHROME_NAMES

FIXTURE_ADDONS = REPO / "tests" / "fixtures" / "addons"
MODULE = "omnichannel_runner_selftest"


def run_odoo_stage(test_class, env=None, reuse_db=True):
    cmd = [
        "python",
        str(TOOLS / "run_tests.py"),
        "--stage=odoo",
        "--db=omnichannel_selftest",
        f"--modules={MODULE}",
        f"--addons={FIXTURE_ADDONS}",
        f"--test-tags=/{MODULE}:{test_class}",
    ]
    if reuse_db:
        cmd.append("--reuse-db")
    result = run(cmd, env=env)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return result, summary


@pytest.fixture(scope="module")
def selftest_db(bootstrapped):
    """A fresh database with the fixture addon; its passing test passes."""
    result, summary = run_odoo_stage("TestPasses", reuse_db=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary == "1 passed, 0 failed"


def test_failing_test_fails_the_run(selftest_db):
    result, summary = run_odoo_stage("TestFails")
    assert result.returncode == 1
    assert summary == "0 passed, 1 failed"
    assert "deliberate failure" in result.stdout


def test_error_line_in_log_fails_the_run(selftest_db):
    result, summary = run_odoo_stage("TestLogsError")
    assert result.returncode == 1
    # The test itself passed; the log check is what fails.
    assert summary == "1 passed, 1 failed"
    assert "Odoo's log has 1 ERROR/CRITICAL line(s)" in result.stdout


def test_browser_test_runs_with_chromium(selftest_db):
    result, summary = run_odoo_stage("TestBrowser")
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary == "1 passed, 0 failed"
    assert "Chrome pid" in result.stdout


def path_without_chromium(tmp_path):
    """PATH with every directory holding a Chrome replaced by a copy of it without one."""
    dirs = []
    for index, entry in enumerate(os.environ["PATH"].split(os.pathsep)):
        directory = Path(entry)
        if not any((directory / name).exists() for name in CHROME_NAMES):
            dirs.append(entry)
            continue
        shadow = tmp_path / f"path{index}"
        shadow.mkdir()
        for item in directory.iterdir():
            if item.name not in CHROME_NAMES:
                (shadow / item.name).symlink_to(item)
        dirs.append(str(shadow))
    return os.pathsep.join(dirs)


def test_skipped_browser_test_fails_the_run(selftest_db, tmp_path):
    env = dict(os.environ, PATH=path_without_chromium(tmp_path))
    assert not any(shutil.which(name, path=env["PATH"]) for name in CHROME_NAMES)
    result, summary = run_odoo_stage("TestBrowser", env=env)
    assert result.returncode == 1
    assert summary == "0 passed, 1 failed"
    assert "Chromium not found on PATH" in result.stdout
    assert "browser test skipped, which counts as failed" in result.stdout
    assert "Chrome executable not found" in result.stdout
