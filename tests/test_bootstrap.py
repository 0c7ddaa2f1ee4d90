"""The bootstrap's Odoo source step: from ODOO_SRC (tree, bare or non-bare git directory), from
its cache, or a clear failure within a minute when there is no source and no network."""

import os
import subprocess
import time

from conftest import REPO, run

BOOTSTRAP = str(REPO / "tools" / "bootstrap.sh")
RELEASE_PY = "version_info = ({major}, 0, 0, FINAL, 0, '')\n"


def make_tree(path, major=18):
    """A minimal stand-in for an Odoo source tree: what the source step checks and copies."""
    (path / "odoo").mkdir(parents=True)
    (path / "odoo" / "release.py").write_text(RELEASE_PY.format(major=major))
    (path / "requirements.txt").write_text("# test\n")
    return path


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_git_repo(path, major=18):
    make_tree(path, major)
    git("init", "-q", "-b", "18.0", cwd=path)
    git("add", "-A", cwd=path)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "odoo", cwd=path)
    return path


def bootstrap_source(cache, odoo_src=None):
    env = {k: v for k, v in os.environ.items() if k != "ODOO_SRC"}
    env["OMNICHANNEL_CACHE"] = str(cache)
    # No network, whatever this machine has: git's HTTPS goes to a closed local port.
    env["https_proxy"] = env["HTTPS_PROXY"] = "http://127.0.0.1:9"
    if odoo_src:
        env["ODOO_SRC"] = str(odoo_src)
    return run(["bash", BOOTSTRAP, "--only-source"], env=env, timeout=120)


def assert_cached(result, cache):
    assert result.returncode == 0, result.stderr
    odoo_dir = cache / "odoo-18.0"
    assert result.stdout.strip() == str(odoo_dir)
    assert (odoo_dir / "odoo" / "release.py").read_text() == RELEASE_PY.format(major=18)
    assert not (odoo_dir / ".git").exists()


def test_from_source_tree(tmp_path):
    src = make_git_repo(tmp_path / "src")  # a checkout: its .git is not copied
    result = bootstrap_source(tmp_path / "cache", src)
    assert_cached(result, tmp_path / "cache")
    assert "copying the Odoo source tree" in result.stderr


def test_from_bare_git_directory_then_cache_without_variable(tmp_path):
    src = make_git_repo(tmp_path / "src")
    bare = tmp_path / "odoo.git"
    git("clone", "-q", "--bare", str(src), str(bare), cwd=tmp_path)
    cache = tmp_path / "cache"
    result = bootstrap_source(cache, bare)
    assert_cached(result, cache)
    assert "exporting HEAD of the git directory" in result.stderr
    # Later runs need no variable: the cache is found.
    again = bootstrap_source(cache)
    assert_cached(again, cache)
    assert "(cached)" in again.stderr


def test_from_dot_git_directory(tmp_path):
    src = make_git_repo(tmp_path / "src")
    (src / "odoo" / "release.py").unlink()  # only the git history holds the tree
    result = bootstrap_source(tmp_path / "cache", src / ".git")
    assert_cached(result, tmp_path / "cache")


def test_other_odoo_version_is_refused(tmp_path):
    src = make_tree(tmp_path / "src", major=17)
    result = bootstrap_source(tmp_path / "cache", src)
    assert result.returncode != 0
    assert "does not hold Odoo 18.0" in result.stderr
    assert not (tmp_path / "cache" / "odoo-18.0").exists()


def test_not_a_source_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    result = bootstrap_source(tmp_path / "cache", tmp_path / "empty")
    assert result.returncode != 0
    assert "neither an Odoo source tree" in result.stderr


def test_no_source_no_network_fails_fast_and_says_how(tmp_path):
    started = time.monotonic()
    result = bootstrap_source(tmp_path / "cache")
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert elapsed < 60
    assert "ODOO_SRC=/path/to/odoo make test" in result.stderr
    assert "git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo" in result.stderr
