import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# Make `import naive` work from every test module, in every subdirectory.
sys.path.insert(0, str(TESTS))
# Progress bars off in tests.
os.environ.setdefault("SNNLIB_PROGRESS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture
def child_env():
    """Environment for a child Python process that must import this checkout's snnlib, whether or not
    snnlib is pip-installed: the repository root goes first on PYTHONPATH. Call it with extra
    variables, e.g. ``child_env(NUMBA_NUM_THREADS="1")``."""

    def make(**extra):
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {**os.environ, "PYTHONPATH": path, "SNNLIB_PROGRESS": "0", **extra}

    return make
