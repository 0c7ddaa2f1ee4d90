"""``make lint``: ruff (rules, formatting) and pylint-odoo; see setup.cfg and .ruff.toml."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_env import ADDONS, REPO

PYTHON_TREES = [*ADDONS, "tools", "tests"]

CHECKS = [
    ["ruff", "check", *PYTHON_TREES],
    ["ruff", "format", "--check", *PYTHON_TREES],
    [sys.executable, "-m", "pylint", "--rcfile=setup.cfg", "--disable=missing-readme", *ADDONS],
]


def main():
    failed = []
    for cmd in CHECKS:
        print("$ " + " ".join(cmd[2:] if cmd[0] == sys.executable else cmd), flush=True)
        if subprocess.call(cmd, cwd=REPO):
            failed.append(cmd)
    print("lint: " + ("failed" if failed else "clean"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
