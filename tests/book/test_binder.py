"""Binder builds a working environment from binder/ alone.

repo2docker (what mybinder.org runs) starts from its base environment (Python from runtime.txt,
JupyterLab, notebook, ipykernel, ipywidgets), copies the repository and runs
``pip install -r binder/requirements.txt`` from the repository root. This test does the same in a
fresh virtual environment -- base packages first, then binder/requirements.txt from a copy of the
repository, then ``binder/postBuild`` -- and executes the notebook the README's Binder badge
opens, its widget cells included (nbclient skips cells tagged ``skip-execution`` unless told
not to), checking that the widget is built. It needs the package index (PyPI) and takes a minute
or two with a warm pip cache; the times are printed (run with ``-s``).
"""

from __future__ import annotations

import json
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
import base64, json, sys, nbformat, nbclient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
# nbclient skips cells tagged skip-execution (skip_cells_with_tag's default), which are the
# chapters' live widgets: a tag no cell has makes it run them as a reader on Binder does
client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                 skip_cells_with_tag="snnlib-run-every-cell",
                                 resources={"metadata": {"path": sys.argv[2]}})
client.execute()
print("executed", len(nb.cells), "cells")
# what the widget cells built, from the widget state nbclient keeps (models and their buffers)
state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
models = []
for model_id, m in state.items():
    entry = {"id": model_id, "model": m["model_name"], "description": m["state"].get("description", "")}
    for b in m.get("buffers", []):
        if b["path"] == ["value"]:
            entry["value_head"] = base64.b64decode(b["data"])[:8].hex()
    models.append(entry)
widget_cells = []
for i, cell in enumerate(nb.cells):
    if "skip-execution" in cell.metadata.get("tags", []):
        views = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for o in cell.get("outputs", [])
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        widget_cells.append({"cell": i, "views": views, "source": cell.source})
print("WIDGETS " + json.dumps({"models": models, "cells": widget_cells}))
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


def test_requirements_render_the_books_markup_in_jupyterlab():
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    assert any(re.match(r"jupyterlab-myst\b", line) for line in lines), lines
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.is_file() and os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert "lab_citations.py" in post_build.read_text()


def _bib_keys() -> set[str]:
    """Keys of references.bib, read with a plain pattern (not with the parser under test)."""
    text = (ROOT / "references.bib").read_text(encoding="utf8")
    return {m.group(2).strip() for m in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text)
            if m.group(1).lower() not in ("comment", "string", "preamble")}


def _slider_descriptions(source: str) -> list[str]:
    """The description= of every slider a widget cell creates, from its source."""
    return re.findall(r"(?:Float|Int|FloatLog)Slider\([^)]*?description=\"([^\"]+)\"", source, flags=re.S)


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
    _, post_s = _run(["bash", "binder/postBuild"], repo, env, "binder/postBuild")
    labext = venv / "share" / "jupyter" / "labextensions"
    assert (labext / "jupyterlab-myst" / "package.json").is_file(), "jupyterlab-myst's JupyterLab extension is missing"
    table = json.loads((labext / "snnlib-lab-citations" / "static" / "citations.json").read_text(encoding="utf8"))
    assert set(table) == _bib_keys()
    version = subprocess.run([str(bin_dir / "python"), "-c", "import sys, snnlib; print(sys.version.split()[0], snnlib.__file__)"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    # Installed from the copy, not imported from this checkout.
    assert str(venv) in version and str(ROOT) not in version, version

    proc, run_s = _run([str(bin_dir / "python"), "-c", EXECUTE, NOTEBOOK, str(repo / "chapters")],
                       repo, env, f"executing {NOTEBOOK}")
    summary = (f"binder env (Python {version.split()[0]}, runtime.txt asks {wanted}): base packages {base_s:.0f} s, "
               f"binder/requirements.txt {req_s:.0f} s, postBuild {post_s:.0f} s, "
               f"{NOTEBOOK} executed with its widget cells in {run_s:.0f} s")
    print("\n" + summary)
    record_property("binder_timing", summary)
    assert "executed" in proc.stdout
    built = json.loads(proc.stdout.split("WIDGETS ", 1)[1].splitlines()[0])
    models = {m["id"]: m for m in built["models"]}
    assert built["cells"], f"{NOTEBOOK} has no widget cell (tagged skip-execution)"
    for cell in built["cells"]:
        # the cell displayed one widget (LiveFigure's VBox of sliders, image and timing) ...
        assert len(cell["views"]) == 1, f"widget cell {cell['cell']} displayed {cell['views']}"
        assert models[cell["views"][0]]["model"] == "VBoxModel", models[cell["views"][0]]
        # ... with one slider for each slider its source creates, under the same label ...
        wanted_labels = _slider_descriptions(cell["source"])
        assert wanted_labels, cell["source"]
        sliders = sorted(m["description"] for m in built["models"] if m["model"].endswith("SliderModel"))
        assert sorted(wanted_labels) == sliders
        # ... and the rendered figure: a PNG image
        images = [m for m in built["models"] if m["model"] == "ImageModel"]
        assert [m.get("value_head") for m in images] == ["89504e470d0a1a0a"], images
