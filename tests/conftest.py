import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / "tools"
sys.path.insert(0, str(TOOLS))


@pytest.fixture(scope="session")
def bootstrapped():
    """The environment tools/bootstrap.sh exports; these tests run inside it (make test)."""
    if "OMNICHANNEL_ODOO_DIR" not in os.environ:
        pytest.fail("run through `make test` or `tools/bootstrap.sh python -m pytest tests`")
    return os.environ


def run(cmd, env=None, timeout=600, **kwargs):
    return subprocess.run(
        cmd, env=env, timeout=timeout, capture_output=True, text=True, check=False, **kwargs
    )
