"""Binder builds a working environment from binder/ alone.

repo2docker (what mybinder.org runs) starts from its base environment (Python from runtime.txt,
JupyterLab, notebook, ipykernel, ipywidgets), copies the repository and runs
``pip install -r binder/requirements.txt`` from the repository root. This test does the same in a
fresh virtual environment -- base packages first, then binder/requirements.txt from a copy of the
repository -- and executes the notebook the README's Binder badge opens. It needs the package index
(PyPI) and takes a minute or two with a warm pip cache; the times are printed (run with ``-s``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "chapters/01_deep_learning.ipynb"
#: What repo2docker's base environment provides and the test needs: a kernel and an executor.
BASE_PACKAGES = ["ipykernel", "nbclient", "nbformat"]
#: Not part of what Binder copies: local environments, caches and build products.
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "_build", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    ".hypothesis", ".ipynb_checkpoints", ".benchmarks", "*.nbi", "*.nbc",
)
EXECUTE = """
import sys, nbformat, nbclient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
print("executed", len(nb.cells), "cells")
"""


def _runtime_python() -> tuple[str, str]:
    """An interpreter with the version pinned in binder/runtime.txt if one is installed, else ours."""
    text = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt must read python-X.Y, found {text!r}"
    wanted = match.group(1)
    candidates = [os.environ.get("SNNLIB_BINDER_PYTHON"), shutil.which(f"python{wanted}")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        prefix = subprocess.run([pyenv, "prefix", wanted], capture_output=True, text=True)
        if prefix.returncode == 0 and prefix.stdout.strip():
            candidates.append(str(Path(prefix.stdout.strip().splitlines()[0]) / "bin" / "python3"))
    for exe in filter(None, candidates):
        probe = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == wanted:
            return exe, wanted
    return sys.executable, wanted


def _run(cmd, cwd, env, what):
    tic = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - tic
    assert proc.returncode == 0, f"{what} failed ({seconds:.0f} s):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc, seconds


def test_runtime_txt_pins_python_310_or_newer():
    text = (ROOT / "binder" / "runtime.txt").read_text().strip()
    major, minor = map(int, re.fullmatch(r"python-(\d+)\.(\d+)", text).groups())
    assert (major, minor) >= (3, 10)


def test_requirements_install_this_repository():
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    assert "." in lines  # resolved against the repository root, where repo2docker runs pip


@pytest.mark.slow
def test_fresh_binder_environment_runs_the_badge_notebook(tmp_path, record_property):
    assert (ROOT / NOTEBOOK).is_file(), f"{NOTEBOOK} (the notebook the Binder badge opens) is missing"
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    python, wanted = _runtime_python()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    venv = tmp_path / "env"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               PYTHONNOUSERSITE="1", MPLBACKEND="Agg", SNNLIB_PROGRESS="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet"]

    _, base_s = _run(pip + BASE_PACKAGES, repo, env, "installing the base packages")
    _, req_s = _run(pip + ["-r", "binder/requirements.txt"], repo, env, "pip install -r binder/requirements.txt")
    version = subprocess.run([str(bin_dir / "python"), "-c", "import sys, snnlib; print(sys.version.split()[0], snnlib.__file__)"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    # Installed from the copy, not imported from this checkout.
    assert str(venv) in version and str(ROOT) not in version, version

    proc, run_s = _run([str(bin_dir / "python"), "-c", EXECUTE, NOTEBOOK, str(repo / "chapters")],
                       repo, env, f"executing {NOTEBOOK}")
    summary = (f"binder env (Python {version.split()[0]}, runtime.txt asks {wanted}): base packages {base_s:.0f} s, "
               f"binder/requirements.txt {req_s:.0f} s, {NOTEBOOK} executed in {run_s:.0f} s")
    print("\n" + summary)
    record_property("binder_timing", summary)
    assert "executed" in proc.stdout
