"""Open every chapter in JupyterLab in a headless browser, run it, and check what a reader sees.

``python tools/check_lab.py [chapters/NN_x.ipynb ...] [--shots DIR]`` starts this environment's
``jupyter lab`` (the one next to the running Python) on a free local port without a token, on a
temporary copy of the chapters (so nothing it runs is ever saved into the repository), and drives
headless Chromium through Playwright (the Chromium ``tools/browser.py`` finds). With the file
browser open in a 1280-px-wide window, for each chapter it

* runs all cells (JupyterLab's "Run All", which also runs the widget cells the book skips) and
  fails on an error output of any cell, a JavaScript console error or an uncaught exception;
* fails on MyST markup left visible as raw text in the rendered Markdown cells (directives such as
  ````` ```{math} `````, roles such as ``{cite:t}`` or ``{numref}``, options such as ``:label:``),
  and on the marks jupyterlab-myst puts on what it could not resolve (a citation or cross-reference
  shown as a bare key);
* fails on a slider whose track is narrower than ``--min-track`` pixels (100), the live widgets'
  and the precomputed explorers' alike, or whose label is cut;
* moves one slider of the chapter's live widget by keyboard and fails unless its image changes;
* saves screenshots (after the run, and of the widget before and after the move) into ``--shots``.

It stops only the server it started (and with it that server's kernels), and prints the time each
chapter took. Exit status 0 when every chapter passes, 1 otherwise, 2 when it cannot start.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import HOW_TO_INSTALL, find_chromium  # noqa: E402

#: Window of the check: a laptop screen, JupyterLab's file browser open beside the notebook.
VIEWPORT = {"width": 1280, "height": 900}
#: Narrowest usable slider track (px): a 0.1-step slider over 40 units then moves 1 step per 0.25 px.
MIN_TRACK_PX = 100
#: User settings of the check's JupyterLab: every cell attached to the page (so that every cell's
#: text and widgets can be measured), and no autosave (the check never writes a notebook).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}

# --- raw MyST in rendered text (pure Python, unit-tested in tests/book/test_check_lab.py) -------

#: MyST roles of the book: {name}`...` or {name:sub}`...`. A role is raw when its name in braces
#: is still followed by a backtick in the rendered text.
_ROLE = re.compile(r"\{(?P<name>[a-z][\w-]*(?::[\w-]+)*)\}`")
#: Directives: a fence (``` or :::) followed by {name}.
_DIRECTIVE = re.compile(r"(?:`{3,}|:{3,})\s*\{(?P<name>[a-z][\w:-]*)\}")
#: Directive options left at the start of a line (":label: eq-x", ":class: dropdown").
_OPTION = re.compile(r"(?m)^\s*:(?P<name>label|name|class|label|enumerated|nowrap|width|align|"
                     r"alt|caption|numbered|maxdepth|dropdown|open|figwidth|scale):\s")
#: Role names whose braces alone, without the backtick (which a renderer may turn into code),
#: still mean raw markup.
_BARE_ROLES = ("cite", "cite:t", "cite:p", "cite:ps", "cite:ts", "eq", "numref", "ref", "doc",
               "math", "term", "download", "prf:ref", "exercise", "solution", "figure", "glue")
_BARE = re.compile(r"(?<![\w^\\])\{(?P<name>" + "|".join(re.escape(r) for r in _BARE_ROLES) + r")\}")
#: LaTeX left between dollars: rendered maths keeps no dollar signs in the text a reader sees, so
#: "$...\command...$" means the renderer gave up on it (e.g. a line inside $...$ that starts with
#: "+ " and so started a list instead).
_RAW_MATH = re.compile(r"\${1,2}[^$]{0,300}?\\[A-Za-z]+[^$]{0,300}?\${1,2}")


def raw_myst(text: str) -> list[str]:
    """The pieces of raw MyST markup in rendered text, in order of appearance, each once.

    Parameters
    ----------
    text : str
        Text as a reader sees it (the ``innerText`` of rendered Markdown).

    Returns
    -------
    list of str
        Short excerpts, e.g. ``"{cite:t}`"``, ``"```{math}"``, ``":label:"``; empty when the text
        holds no MyST markup.

    Examples
    --------
    >>> raw_myst("as {cite:t}`brunel2000` showed, see {numref}`fig-x` and")
    ['{cite:t}`', '{numref}`']
    >>> raw_myst("a set {x} in braces and dict(a={1: 2})")
    []
    >>> raw_myst("so $\\\\partial_t P + r$ is")
    ['raw LaTeX $\\\\partial_t P + r$']
    """
    hits: list[tuple[int, str]] = []
    for pattern, fmt in ((_DIRECTIVE, "```{{{}}}"), (_ROLE, "{{{}}}`"), (_BARE, "{{{}}}"),
                         (_OPTION, ":{}:")):
        for m in pattern.finditer(text):
            hits.append((m.start(), fmt.format(m.group("name"))))
    for m in _RAW_MATH.finditer(text):
        excerpt = " ".join(m.group(0).split())
        hits.append((m.start(), "raw LaTeX " + (excerpt if len(excerpt) <= 60 else excerpt[:57] + "...")))
    seen: list[str] = []
    covered: list[tuple[int, int]] = []
    # at one position the longest piece wins ("{cite:t}`" over "{cite:t}")
    for start, piece in sorted(hits, key=lambda h: (h[0], -len(h[1]))):
        if not piece.startswith("raw LaTeX"):
            if any(a <= start < b for a, b in covered):
                continue  # the bare-role pattern inside a role or directive already reported
            covered.append((start, start + len(piece)))
        if piece not in seen:
            seen.append(piece)
    return seen


def track_problems(tracks: list[dict], min_px: float = MIN_TRACK_PX) -> list[str]:
    """Sliders whose track is narrower than ``min_px`` pixels, as messages.

    Parameters
    ----------
    tracks : list of dict
        One per slider: ``{"label": str, "width": float}`` (track width in CSS pixels).
    min_px : float
        Narrowest usable track width (px), > 0.

    Returns
    -------
    list of str
        One message per narrow slider; empty when all are usable.

    Examples
    --------
    >>> track_problems([{"label": "mu (mV)", "width": 22.0}, {"label": "T (ms)", "width": 180.0}])
    ['slider "mu (mV)": track 22 px wide (< 100 px)']
    """
    if not min_px > 0:
        raise ValueError(f"min_px must be > 0 (pixels), got {min_px!r}")
    return [f'slider "{t["label"]}": track {t["width"]:.0f} px wide (< {min_px:.0f} px)'
            for t in tracks if not t["width"] >= min_px]


def cut_label(label: str, shown: str) -> bool:
    """True when a slider's label is shown cut (JupyterLab's ellipsis), e.g. "Delta_T (...".

    >>> cut_label("Delta_T (mV)", "Delta_T (mV)"), cut_label("Delta_T (mV)", "Delta_T (...")
    (False, True)
    """
    return shown.strip() != label.strip()


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A ``jupyter lab`` process started by this check, on a copy of the chapters."""

    proc: subprocess.Popen
    url: str
    home: Path
    log: Path

    def stop(self) -> None:
        """Stop this server (SIGTERM: jupyter's clean shutdown, its kernels too; SIGKILL after 30 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def jupyter_executable() -> Path:
    """The ``jupyter`` next to the running interpreter (the project's .venv under make)."""
    exe = Path(sys.executable).parent / "jupyter"
    if not exe.is_file():
        raise FileNotFoundError(f"no jupyter next to {sys.executable}: install the book extras "
                                "(python -m pip install -e '.[book,test]')")
    return exe


def start_lab(chapters: list[Path], home: Path, timeout: float = 120.0) -> LabServer:
    """Copy ``chapters`` (and references.bib) under ``home`` and start JupyterLab there."""
    root = home / "root"
    (root / "chapters").mkdir(parents=True)
    for nb in chapters:
        shutil.copy2(nb, root / "chapters" / nb.name)
    for extra in ("references.bib",):
        if (ROOT / extra).is_file():
            shutil.copy2(ROOT / extra, root / extra)
    settings = home / "settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    # the book's citation helper, with a table from this checkout's references.bib (it takes
    # precedence over one installed in the environment by `make lab`)
    sys.path.insert(0, str(ROOT / "binder"))
    import lab_citations

    lab_citations.install(home / "labextensions", ROOT / "references.bib")
    port = free_port()
    env = dict(os.environ)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        SNNLIB_PROGRESS="0",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    log = home / "jupyter-lab.log"
    cmd = [str(jupyter_executable()), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
           "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True",
           f"--LabApp.extra_labextensions_path={home / 'labextensions'}", "--LabApp.news_url=", "--LabApp.collaborative=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI and containers run as root; the server listens on 127.0.0.1 only
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    server = LabServer(proc, url, home, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with status {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


# --- the browser ------------------------------------------------------------------------------

#: Wait until JupyterLab has opened the notebook and its kernel is idle.
JS_READY = """() => {
  const app = window.jupyterapp; if (!app) return false;
  const w = app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context.isReady) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

#: Whether every code cell has run (no pending "[*]" prompt) and the kernel is idle.
JS_DONE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const pending = w.content.widgets.filter(c => c.model.type === 'code' &&
      c.node.querySelector('.jp-InputPrompt') &&
      c.node.querySelector('.jp-InputPrompt').textContent.includes('*')).length;
  return k.status === 'idle' && pending === 0;
}"""

#: What a reader sees: errors in outputs, rendered Markdown text, jupyterlab-myst's marks on what
#: it could not resolve, slider tracks, the live widget.
JS_INSPECT = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets;
  const errors = [], texts = [], unresolved = [], tracks = [], unrendered = [];
  let widgetCell = -1;
  cells.forEach((c, i) => {
    if (c.model.type === 'code') {
      for (const o of c.model.outputs.toJSON()) {
        if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      }
      if (widgetCell < 0 && c.node.querySelector('.widget-hslider') && c.node.querySelector('.widget-image')) {
        widgetCell = i;
        c.node.setAttribute('data-lab-check', 'widget');
      }
    } else if (c.model.type === 'markdown') {
      // jupyterlab-myst renders into a .myst widget, JupyterLab's own renderer into .jp-RenderedMarkdown
      const r = c.node.querySelector('.jp-Cell-inputArea .myst, .jp-RenderedMarkdown');
      if (!r) { if (c.model.sharedModel.getSource().trim()) unrendered.push(i); return; }
      texts.push([i, r.innerText]);
      // jupyterlab-myst's warning marks; a citation the book's helper resolved carries data-snnlib-cite
      r.querySelectorAll('.text-yellow-600:not([data-snnlib-cite]), [title="Citation Not Found"]').forEach(e =>
        unresolved.push(`cell ${i}: ${(e.getAttribute('title') || 'unresolved')}: ${e.innerText.trim()}`));
    }
  });
  w.node.querySelectorAll('.widget-hslider').forEach(s => {
    const label = s.querySelector('.widget-label');
    const track = s.querySelector('.slider-container') || s.querySelector('.slider');
    const text = label ? label.textContent : '';
    const cut = label ? label.scrollWidth > label.clientWidth + 1 : false;
    tracks.push({label: text, width: track ? track.getBoundingClientRect().width : 0, cut});
  });
  // the precomputed explorers' HTML sliders (snnlib.plotting.static_explorer) in the outputs
  w.node.querySelectorAll('.jp-OutputArea input[type="range"]').forEach(r => {
    if (!r.offsetParent) return;
    const label = r.labels && r.labels.length ? r.labels[0].textContent : (r.getAttribute('aria-label') || 'range');
    tracks.push({label: label + ' (explorer)', width: r.getBoundingClientRect().width, cut: false});
  });
  const left = document.querySelector('#jp-left-stack');
  const leftWidth = left && left.offsetParent ? left.getBoundingClientRect().width : 0;
  return {errors, texts, unresolved, tracks, unrendered, widgetCell, leftWidth,
          notebookWidth: w.content.node.getBoundingClientRect().width};
}"""

#: A digest of the live widget's image (its PNG bytes), '' if none.
JS_IMAGE = """async (i) => {
  const w = window.jupyterapp.shell.currentWidget;
  const img = w.content.widgets[i].node.querySelector('.widget-image');
  if (!img || !img.src) return '';
  const buf = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let h = 2166136261;
  for (let j = 0; j < buf.length; j++) { h ^= buf[j]; h = Math.imul(h, 16777619) >>> 0; }
  return buf.length + ':' + h;
}"""


@dataclass
class ChapterResult:
    name: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_chapter(context, server: LabServer, name: str, shots: Path, min_track: float,
                  run_timeout: float) -> ChapterResult:
    """Open, run and inspect one chapter in a new page of ``context``."""
    result = ChapterResult(name)
    tic = time.perf_counter()
    page = context.new_page()
    page.set_default_timeout(60_000)

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '').split('?')[0]})" if loc.get("url") else ""
            text = f"console error: {' | '.join(msg.text.splitlines())[:500]}{where}"
            if text not in result.problems:  # jupyterlab-myst logs the same one on every re-render
                result.problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: result.problems.append(f"uncaught exception: {exc}"))
    stem = Path(name).stem
    try:
        # a workspace of its own: JupyterLab would otherwise reopen the chapters checked before
        page.goto(f"{server.url}/lab/workspaces/check-{stem}/tree/chapters/{name}", wait_until="domcontentloaded")
        page.wait_for_function(JS_READY, timeout=120_000, polling=500)
        page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_timeout(1000)
        page.wait_for_function(JS_DONE, timeout=run_timeout * 1000, polling=500)
        page.wait_for_timeout(1500)  # the last outputs
        try:  # and the live widget's view, drawn after its cell has finished
            page.wait_for_function("() => !!document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                                   ".widget-hslider')", timeout=30_000, polling=500)
        except Exception:  # noqa: BLE001 - reported below as "no live widget"
            pass
        info = page.evaluate(JS_INSPECT)
        (shots / f"{stem}-seen.json").write_text(json.dumps(info, indent=1))
        result.problems.extend(f"error output in {e}" for e in info["errors"])
        for i, text in info["texts"]:
            found = raw_myst(text)
            if found:
                result.problems.append(f"raw MyST in markdown cell {i}: {', '.join(found)}")
        result.problems.extend(f"markdown cell {i} is not rendered" for i in info["unrendered"])
        result.problems.extend(f"jupyterlab-myst could not resolve: {u}" for u in info["unresolved"])
        result.notes.append(f"file browser {info['leftWidth']:.0f} px, notebook {info['notebookWidth']:.0f} px")
        if info["leftWidth"] <= 0:
            result.problems.append("the file browser is not open beside the notebook")
        result.problems.extend(track_problems(info["tracks"], min_track))
        result.problems.extend(f'slider label cut: "{t["label"]}"' for t in info["tracks"] if t["cut"])
        page.screenshot(path=str(shots / f"{stem}-run.png"))
        cell = info["widgetCell"]
        if cell < 0:
            result.problems.append("no live widget (sliders and an image in one output) after Run All")
        else:
            _move_slider(page, cell, stem, shots, result)
    except Exception as exc:  # noqa: BLE001 - a timeout or a page error is a failure of this chapter
        result.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        try:
            page.screenshot(path=str(shots / f"{stem}-failed.png"))
        except Exception:  # noqa: BLE001
            pass
    finally:
        try:  # shut the chapter's kernel down before the next one starts
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception:  # noqa: BLE001
            pass
        page.close()
    result.seconds = time.perf_counter() - tic
    return result


def _move_slider(page, cell: int, stem: str, shots: Path, result: ChapterResult) -> None:
    """Press ArrowRight on the widget's first slider; its image must change."""
    node = page.locator('[data-lab-check="widget"]')
    widget = node.locator(".jp-OutputArea").first
    widget.scroll_into_view_if_needed()
    before = page.evaluate(JS_IMAGE, cell)
    widget.screenshot(path=str(shots / f"{stem}-widget-before.png"))
    handle = node.locator(".widget-hslider .noUi-handle").first
    label = node.locator(".widget-hslider .widget-label").first.text_content()
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    deadline = time.monotonic() + 60
    after = before
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        after = page.evaluate(JS_IMAGE, cell)
        if after != before and after:
            break
    widget.screenshot(path=str(shots / f"{stem}-widget-after.png"))
    if not before:
        result.problems.append("the live widget shows no image")
    elif after == before:
        result.problems.append(f'moving slider "{label}" did not change the widget\'s image')
    else:
        result.notes.append(f'slider "{label}" moved: image changed')


def check_lab(chapters: list[Path], shots: Path, *, min_track: float = MIN_TRACK_PX,
              run_timeout: float = 900.0, chromium: str | None = None) -> list[ChapterResult]:
    """Run the check on ``chapters``; screenshots into ``shots``."""
    from playwright.sync_api import sync_playwright

    if chromium is None:
        chromium = find_chromium()
        if chromium is None:
            raise FileNotFoundError(f"chromium: {HOW_TO_INSTALL}")
    shots.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="snnlib-lab-check-"))
    results = []
    server = start_lab(chapters, home)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True)
            try:
                context = browser.new_context(viewport=VIEWPORT)
                for nb in chapters:
                    res = check_chapter(context, server, nb.name, shots, min_track, run_timeout)
                    status = "ok" if not res.problems else f"{len(res.problems)} problem(s)"
                    print(f"{nb.name}: {status} ({res.seconds:.0f} s; {'; '.join(res.notes)})", flush=True)
                    for p in res.problems:
                        print(f"    {p}", flush=True)
                    results.append(res)
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="notebooks (default: chapters/*.ipynb)")
    parser.add_argument("--shots", type=Path, default=ROOT / "_build" / "lab-check",
                        help="directory for the screenshots (default: _build/lab-check)")
    parser.add_argument("--min-track", type=float, default=MIN_TRACK_PX,
                        help=f"narrowest usable slider track in px (default {MIN_TRACK_PX})")
    parser.add_argument("--run-timeout", type=float, default=900.0,
                        help="seconds one chapter may take to run all its cells (default 900, as the book build)")
    args = parser.parse_args(argv)
    chapters = args.chapters or sorted((ROOT / "chapters").glob("*.ipynb"))
    missing = [str(c) for c in chapters if not c.is_file()]
    if missing:
        print(f"check_lab: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    tic = time.perf_counter()
    load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        results = check_lab(chapters, args.shots, min_track=args.min_track, run_timeout=args.run_timeout)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"check_lab: {exc}", file=sys.stderr)
        return 2
    failed = [r.name for r in results if r.problems]
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"check_lab: {time.perf_counter() - tic:.0f} s for {len(results)} chapters on {os.cpu_count()} cores, "
          f"load average {load0:.1f} at the start and {load1:.1f} at the end; screenshots in {args.shots}")
    print(f"check_lab: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
