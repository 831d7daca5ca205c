"""Check every page of the built HTML book in a real, offline, headless browser.

Usage::

    python tools/check_pages.py _build/html [--screenshots DIR] [--config _config.yml] [--jobs N]

The built book is served from a local HTTP server (127.0.0.1, random free port) and every ``.html``
file under the build folder (plus any local page reached through a link) is opened in Debian's
Chromium through Playwright. Requests to any other host are blocked, so the check sees the book as
a reader without network access does. A page fails when it has

* a JavaScript console error or an uncaught exception;
* a failed request (or an HTTP error status) for a local resource;
* a request to a non-local host at page load (it would fail offline);
* an image that did not load (``naturalWidth == 0``);
* an equation MathJax did not render (a ``.math`` element without ``mjx-container``), a TeX error
  inside a rendered equation, or raw ``\\(``, ``\\[`` or ``$$`` left in the visible text;
* a link to a local page, file or anchor that does not exist;
* a code block wider than its column: a ``pre`` element (code cell input or output, or any other
  code block) whose text is wider than the box it is shown in, so that a reader has to scroll it
  sideways or sees it cut off, at the 1280-pixel window the check uses;
* a display equation wider than the text column: a rendered MathJax display whose typeset width
  exceeds the width of the block that holds it (it is clipped or needs a scroll bar);
* on a chapter page (``chapters/*.html``): no launch button for Binder (and for Colab when
  ``_config.yml`` configures ``colab_url``) pointing at the chapter's notebook;
* a serious or critical accessibility violation found by axe-core (the engine ships with the
  ``axe-playwright-python`` package, no CDN); moderate ones are reported with their counts and do
  not fail the page (``--strict-a11y`` makes them fail too). axe runs with the collapsed blocks
  open, and checks colour contrast on one element per distinct style of text (see ``_AXE_JS``);
* an image whose alt text is missing, empty, a file name or a path (``../_images/85d9...png``);
* a static explorer (``snnlib.plotting.static_explorer``) whose sliders, moved by keyboard (focus,
  ArrowRight, ArrowLeft), do not show the precomputed image of the new values, with the value and
  its unit in ``aria-valuetext``; a screenshot of each explorer before and after its first move
  goes next to the page's screenshot;
* a chapter page whose images (files it loads plus ``data:`` images in its HTML) weigh more than
  ``CHAPTER_IMAGE_BUDGET`` bytes. Every page's weight (HTML + images) is reported.

Collapsed content (``<details>``, sphinx-togglebutton dropdowns such as exercise solutions) is opened
before the widths are measured, since a reader who opens it sees the same overflow. Widths are CSS
pixels of a 1280 x 900 viewport (``VIEWPORT``). A full-page screenshot of each page (taken before the
dropdowns are opened) goes to ``_build/screenshots/`` (next to the HTML folder).
Exit status: 0 when every page is clean, 1 when a problem was found, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import HOW_TO_INSTALL, find_chromium  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Folders of a Sphinx build that hold assets, not pages of the book.
NON_PAGE_DIRS = {"_static", "_sources", "_images", "_downloads", ".doctrees", "jupyter_execute"}
#: Seconds to wait for a page to load and for MathJax to finish typesetting.
PAGE_TIMEOUT = 30.0
#: Seconds allowed for one full-page screenshot.
SCREENSHOT_TIMEOUT = 120.0
#: Browser window (CSS pixels) in which the pages are laid out and measured.
VIEWPORT = {"width": 1280, "height": 900}
#: Bytes of images (image files a page loads plus the ``data:`` images inlined in its HTML, as
#: decoded bytes) allowed on one chapter page: issue 14's budget of about 1.5 MB.
CHAPTER_IMAGE_BUDGET = 1_500_000
#: axe-core impacts that fail a page; "moderate" ones are reported, "minor" ones only counted.
A11Y_FAIL_IMPACTS = ("critical", "serious")
#: Overflow (CSS pixels) tolerated before a code block or an equation counts as too wide: sub-pixel
#: rounding of text widths must not fail a page.
OVERFLOW_SLACK_PX = 2

# Runs in the page after it has loaded: makes lazy images load, waits for them and for MathJax.
_SETTLE_JS = """
async (mathTimeoutMs) => {
  for (const img of document.querySelectorAll('img[loading="lazy"]')) { img.loading = 'eager'; }
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  if (document.querySelector('.math') === null) return 'no-math';
  const loader = Array.from(document.scripts).some(s => /mathjax/i.test(s.src));
  if (!loader && !(window.MathJax && window.MathJax.startup)) return 'mathjax-missing';
  const start = Date.now();
  while (!(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)) {
    if (Date.now() - start > mathTimeoutMs) return 'mathjax-missing';
    await new Promise(r => setTimeout(r, 50));
  }
  await window.MathJax.startup.promise;
  return 'typeset';
}
"""

# Collects what the checks need from the live DOM.
_INSPECT_JS = """
() => {
  const mathTotal = document.querySelectorAll('.math').length;
  const unrendered = Array.from(document.querySelectorAll('.math'))
      .filter(el => el.querySelector('mjx-container') === null && el.closest('mjx-container') === null)
      .map(el => el.textContent.trim().slice(0, 80));
  const texErrors = Array.from(document.querySelectorAll('mjx-merror'))
      .map(el => (el.getAttribute('data-mjx-error') || el.textContent).slice(0, 80));
  const raw = [];
  const skip = 'script, style, pre, code, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent === null || parent.closest(skip) !== null) continue;
    const m = node.textContent.match(/\\\\\\(|\\\\\\[|\\$\\$/);
    if (m) raw.push(node.textContent.trim().slice(0, 80));
  }
  const images = Array.from(document.images)
      .filter(img => !(img.complete && img.naturalWidth > 0))
      .map(img => img.getAttribute('src') || '(no src)');
  const links = Array.from(document.querySelectorAll('a[href]'))
      .map(a => ({raw: a.getAttribute('href'), abs: a.href}));
  const ids = Array.from(document.querySelectorAll('[id]')).map(el => el.id)
      .concat(Array.from(document.querySelectorAll('a[name]')).map(el => el.getAttribute('name')));
  const launch = Array.from(document.querySelectorAll('.dropdown-launch-buttons a[href]')).map(a => a.href);
  return {mathTotal, unrendered, texErrors, raw, images, links, ids, launch};
}
"""

# Opens every collapsed block (details, togglebutton dropdowns), then measures code blocks and display
# equations against the box that shows them. Returns one record per element that is too wide.
_OVERFLOW_JS = """
(slack) => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  for (const el of document.querySelectorAll('.toggle-hidden')) el.classList.remove('toggle-hidden');
  const cells = Array.from(document.querySelectorAll('div.cell'));
  const where = (el) => {
    const cell = el.closest('div.cell');
    if (cell !== null) {
      const part = el.closest('.cell_output') !== null ? 'output' : 'input';
      return `code cell ${cells.indexOf(cell) + 1} (${part})`;
    }
    const box = el.closest('[id]');
    return box !== null ? `code block in #${box.id}` : 'code block';
  };
  const out = [];
  for (const pre of document.querySelectorAll('pre')) {
    if (pre.closest('mjx-container') !== null || pre.getClientRects().length === 0) continue;
    const parent = pre.parentElement;
    const shown = Math.min(pre.clientWidth, parent ? parent.clientWidth : pre.clientWidth);
    if (shown === 0) continue;
    if (pre.scrollWidth > shown + slack) {
      const lines = pre.textContent.split('\\n');
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
      out.push({kind: 'code', where: where(pre), content: pre.scrollWidth, column: shown,
                chars: longest.length, text: longest.trim().slice(0, 60)});
    }
  }
  const tex = new Map();
  const items = (window.MathJax && MathJax.startup && MathJax.startup.document
                 && MathJax.startup.document.math) ? Array.from(MathJax.startup.document.math) : [];
  for (const item of items) if (item.typesetRoot) tex.set(item.typesetRoot, item.math);
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    const math = box.querySelector('mjx-math');
    if (math === null || box.getClientRects().length === 0) continue;
    const holder = box.closest('div.math') || box.parentElement;
    const column = Math.min(box.clientWidth || holder.clientWidth, holder.clientWidth);
    const content = math.getBoundingClientRect().width;
    if (column > 0 && content > column + slack) {
      const label = box.closest('[id^="equation-"]');
      const text = (tex.get(box) || box.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
      out.push({kind: 'math', where: label !== null ? `equation #${label.id}` : 'display equation',
                content: Math.round(content), column: column, text: text});
    }
  }
  return out;
}
"""


_IMAGE_SUFFIX = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"(^|\s)(\.{1,2}/|/|_images/|_static/)\S+|\S+\.(png|jpe?g|gif|svg|webp)\b", re.IGNORECASE)


def bad_alt(alt: str | None) -> str | None:
    """Why an image's alt text says nothing to a screen-reader user, or None when it is a text.

    Missing and empty alts fail (decorative images are not expected in the book), as does an alt
    that is a file name or a path (``../_images/85d9.png``, ``fig.png``, ``85d985756a42f247f3d0``)
    or that contains one. A slash inside words (``1/N``, ``dt/tau``) is not a path.
    """
    if alt is None:
        return "no alt attribute"
    text = alt.strip()
    if not text:
        return "empty alt text"
    if re.fullmatch(r"\S+", text) and ("/" in text or "\\" in text or _IMAGE_SUFFIX.search(text)
                                        or re.fullmatch(r"[0-9a-fA-F]{16,}", text)):
        return f"alt text is a file name or path: {text[:60]!r}"
    if _PATH_TOKEN.search(text):
        return f"alt text contains a file name or path: {text[:60]!r}"
    return None


_DATA_IMAGE = re.compile(r"data:image/[A-Za-z0-9.+-]+;base64,([A-Za-z0-9+/=]+)")


def inline_image_bytes(html_text: str) -> int:
    """Decoded bytes of the distinct ``data:image/...;base64,`` images written in a page's HTML."""
    total = 0
    for payload in set(_DATA_IMAGE.findall(html_text)):
        payload = payload.rstrip("=")
        total += len(payload) * 3 // 4
    return total


def explorer_expected(data: dict, positions: list[int]) -> tuple[str, list[str]]:
    """The image (``data:`` URI) and the slider texts an explorer must show at slider ``positions``.

    ``data`` is the explorer's JSON (``labels``, ``values``, ``units``, ``index``, ``images``);
    states are numbered in row-major order of the sliders (the last one varies fastest).
    """
    values = data["values"]
    if len(positions) != len(values):
        raise ValueError(f"positions: {len(positions)} sliders given, the explorer has {len(values)}")
    state = 0
    for j, seq in zip(positions, values):
        if not 0 <= j < len(seq):
            raise ValueError(f"positions: {j} is outside the slider's 0..{len(seq) - 1}")
        state = state * len(seq) + j
    texts = [seq[j] + (f" {unit}" if unit else "") for j, seq, unit in zip(positions, values, data["units"])]
    return data["images"][data["index"][state]], texts


def summarize_axe(violations: list[dict], fail_impacts=A11Y_FAIL_IMPACTS) -> tuple[list[str], dict[str, int]]:
    """Problems (one per failing rule, with its elements) and counts per impact of axe's violations."""
    problems, counts = [], {}
    for v in violations:
        impact = v.get("impact") or "minor"
        counts[impact] = counts.get(impact, 0) + 1
        if impact in fail_impacts:
            nodes = v.get("nodes", [])
            where = "; ".join(", ".join(map(str, n.get("target", []))) for n in nodes[:3])
            more = f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
            detail = ""
            if nodes and nodes[0].get("failureSummary"):
                detail = " - " + " ".join(nodes[0]["failureSummary"].split())[:200]
            problems.append(f"accessibility ({impact}) {v['id']}: {v.get('help', '')} on {len(nodes)} "
                            f"element(s): {where}{more}{detail}")
    return problems, counts


# Alt text of every image on the page.
_ALT_JS = """
() => Array.from(document.querySelectorAll('img')).map(img => ({
  src: (img.getAttribute('src') || '(no src)').slice(0, 80), alt: img.getAttribute('alt')}))
"""

# The data of every static explorer (images replaced by their numbers) and what one shows now.
_EXPLORERS_JS = """
() => Array.from(document.querySelectorAll('.snnlib-explorer')).map(root => {
  const script = root.querySelector('script.snnlib-explorer-data');
  if (script === null) return null;
  const data = JSON.parse(script.textContent);
  data.images = data.images.map((_, i) => i);
  return {id: root.id, data: data};
})
"""
_EXPLORER_STATE_JS = """
(id) => {
  const root = document.getElementById(id);
  const data = JSON.parse(root.querySelector('script.snnlib-explorer-data').textContent);
  const sliders = Array.from(root.querySelectorAll('input[type=range]'));
  return {positions: sliders.map(s => parseInt(s.value, 10)),
          texts: sliders.map(s => s.getAttribute('aria-valuetext')),
          image: data.images.indexOf(root.querySelector('img').getAttribute('src')),
          focused: sliders.indexOf(document.activeElement)};
}
"""

# axe-core, in two runs over the page as a reader has it (after MathJax, dropdowns open):
# 1. every rule but colour contrast. MathJax's visual output (``mjx-math``, aria-hidden: screen
#    readers get the assistive MathML beside it, which stays) is swapped for an empty box of the same
#    size while axe runs: it is a third of the nodes of a page of equations and no rule looks inside.
# 2. colour contrast, on one element per distinct style of text: elements with text of their own
#    that share tag, classes, colour, font size and weight, opacity and background (the first opaque
#    background colour up the tree, and whether a background image lies on the way) have the same
#    contrast, and axe's rule costs ~5-10 ms per element (10,000 code tokens and spans on api.html).
_AXE_JS = """
async () => {
  const options = {resultTypes: ['violations'], preload: false};
  // all sizes first, then all swaps: a size read after a swap would lay the page out again
  const swapped = Array.from(document.querySelectorAll('mjx-math[aria-hidden="true"]'))
      .map(math => [math, math.getBoundingClientRect()])
      .map(([math, box]) => {
        const stub = document.createElement('mjx-stub');
        stub.style.cssText = `display: inline-block; width: ${box.width}px; height: ${box.height}px`;
        return [stub, math];
      });
  for (const [stub, math] of swapped) math.replaceWith(stub);
  try {
    const first = await axe.run(document, Object.assign({rules: {'color-contrast': {enabled: false}}}, options));
    const clear = (c) => !c || c === 'transparent' || c === 'rgba(0, 0, 0, 0)';
    const background = new Map();  // element -> its background key, memoised up the tree
    const backgroundOf = (el) => {
      if (el === null) return 'none';
      if (background.has(el)) return background.get(el);
      const cs = getComputedStyle(el);
      const image = cs.backgroundImage && cs.backgroundImage !== 'none' ? 'image+' : '';
      const key = clear(cs.backgroundColor) ? image + backgroundOf(el.parentElement) : image + cs.backgroundColor;
      background.set(el, key);
      return key;
    };
    const reps = new Map();
    let texts = 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('mjx-container') !== null) continue;
      if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      texts += 1;
      const cs = getComputedStyle(el);
      const key = [el.tagName, el.className, cs.color, cs.fontSize, cs.fontWeight, cs.opacity,
                   cs.textShadow, backgroundOf(el)].join('|');
      const shown = el.getClientRects().length > 0;
      const old = reps.get(key);
      if (old === undefined || (shown && !old.shown)) reps.set(key, {el: el, shown: shown});
    }
    const include = Array.from(reps.values()).map(r => r.el);
    const second = include.length ? await axe.run({include: include}, Object.assign({runOnly: ['color-contrast']}, options))
                                  : {violations: []};
    return {violations: first.violations.concat(second.violations), texts: texts, checked: include.length,
            version: first.testEngine.version};
  } finally {
    for (const [stub, math] of swapped) stub.replaceWith(math);
  }
}
"""


def _axe_script() -> str:
    """The axe-core engine shipped by ``axe-playwright-python`` (no CDN)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def _check_explorers(page, rel: str, result: "PageResult", shots) -> None:
    """Move every slider of every static explorer by keyboard and compare with the explorer's data."""
    explorers = page.evaluate(_EXPLORERS_JS)
    result.explorers = len(explorers)
    for e, ex in enumerate(explorers, start=1):
        if ex is None:
            result.problems.append(f"explorer {e}: no data (<script class=\"snnlib-explorer-data\">)")
            continue
        data, sel = ex["data"], f"#{ex['id']}"
        box = page.locator(sel)
        box.scroll_into_view_if_needed()
        state = page.evaluate(_EXPLORER_STATE_JS, ex["id"])
        expected = explorer_expected(data, state["positions"])
        if (state["image"], state["texts"]) != expected:
            result.problems.append(f"explorer {e}: at load it shows image {state['image']} with "
                                   f"{state['texts']}, its data says {expected}")
        sliders = box.locator("input[type=range]")
        for i, label in enumerate(data["labels"]):
            sliders.nth(i).focus()
            before = page.evaluate(_EXPLORER_STATE_JS, ex["id"])
            last = len(data["values"][i]) - 1
            keys = ("ArrowRight", "ArrowLeft") if before["positions"][i] < last else ("ArrowLeft", "ArrowRight")
            if shots is not None and i == 0:
                box.screenshot(path=str(shots / f"{PurePosixPath(rel).with_suffix('')}.explorer{e}.before.png"))
            for step, key in enumerate(keys):
                page.keyboard.press(key)
                now = page.evaluate(_EXPLORER_STATE_JS, ex["id"])
                want = list(before["positions"])
                if step == 0:
                    want[i] += 1 if key == "ArrowRight" else -1
                if now["focused"] != i or now["positions"] != want:
                    result.problems.append(f"explorer {e}: {key} on slider {label!r} gave positions "
                                           f"{now['positions']}, expected {want} (focus on slider "
                                           f"{now['focused']})")
                    break
                image, texts = explorer_expected(data, now["positions"])
                if now["image"] != image:
                    result.problems.append(f"explorer {e}: after {key} on slider {label!r} it shows image "
                                           f"{now['image']}, the data says image {image} for {texts}")
                if now["texts"] != texts:
                    result.problems.append(f"explorer {e}: after {key} on slider {label!r} aria-valuetext "
                                           f"is {now['texts']}, expected {texts}")
                if shots is not None and i == 0 and step == 0:
                    box.screenshot(path=str(shots / f"{PurePosixPath(rel).with_suffix('')}.explorer{e}.after.png"))


def _overflow_problem(item: dict) -> str:
    """One line for one element that is wider than its column."""
    if item["kind"] == "code":
        return (f"code block wider than its column: {item['where']}, {item['content']} px of text in a "
                f"{item['column']} px box (longest line {item['chars']} characters: {item['text']!r})")
    return (f"display equation wider than the text column: {item['where']}, {item['content']} px in a "
            f"{item['column']} px column ({item['text']!r})")


@dataclass
class PageResult:
    """What the browser saw on one page."""

    path: str  # relative to the HTML root, POSIX separators
    problems: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href as written, absolute URL)
    math_total: int = 0
    seconds: float = 0.0
    html_bytes: int = 0
    image_bytes: int = 0  # image files loaded + data: images in the HTML (decoded)
    explorers: int = 0
    a11y: dict[str, int] = field(default_factory=dict)  # axe violations (rules) per impact
    notes: list[str] = field(default_factory=list)  # reported, not failing (moderate violations)


@dataclass
class Report:
    """Result of a whole check."""

    pages: dict[str, PageResult]
    seconds: float

    @property
    def problems(self) -> dict[str, list[str]]:
        return {p: r.problems for p, r in sorted(self.pages.items()) if r.problems}

    @property
    def ok(self) -> bool:
        return bool(self.pages) and not self.problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The browser drops connections it no longer needs (e.g. on navigation): not a problem.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def _start_server(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


def find_pages(root: Path) -> list[str]:
    """Return the pages of a built book: every ``.html`` file outside the asset folders."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if not NON_PAGE_DIRS.intersection(rel.parts[:-1]):
            pages.append(rel.as_posix())
    return pages


def _url_to_path(url: str, base: str) -> str | None:
    """Map a URL of the local server to a path relative to the HTML root (None if not local)."""
    if not url.startswith(base + "/") and url != base:
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return PurePosixPath(path).as_posix()


def _launch_requirements(config: Path | None) -> dict[str, str]:
    """Launch services the chapter pages must offer: {name: URL prefix of the link}."""
    binder, colab = "https://mybinder.org", ""
    if config is not None and config.is_file():
        import yaml

        buttons = (yaml.safe_load(config.read_text(encoding="utf8")) or {}).get("launch_buttons") or {}
        binder = (buttons.get("binderhub_url") or "").rstrip("/")
        colab = (buttons.get("colab_url") or "").rstrip("/")
    needs = {}
    if binder:
        needs["Binder"] = binder + "/v2/"
    if colab:
        needs["Colab"] = colab + "/"
    return needs


def _check_launch(page: str, launch_links: list[str], needs: dict[str, str]) -> list[str]:
    stem = PurePosixPath(page).with_suffix("").as_posix()  # chapters/01_deep_learning
    problems = []
    for name, prefix in needs.items():
        hits = [u for u in launch_links if u.startswith(prefix)]
        if not hits:
            problems.append(f"no {name} launch button (expected a link starting with {prefix})")
        elif not any(re.search(re.escape(stem) + r"\.(ipynb|md)\b", unquote(u)) for u in hits):
            problems.append(f"{name} launch button does not open {stem}.ipynb: {hits[0]}")
    return problems


_REFRESH = re.compile(
    r"""<meta[^>]*http-equiv=["']?refresh["']?[^>]*content=["']?\s*\d+\s*;\s*url=([^"'>\s]+)""", re.IGNORECASE
)


def _visit(page, base: str, root: Path, rel: str, result: PageResult, needs, shots, page_timeout: float,
           fail_impacts=A11Y_FAIL_IMPACTS) -> None:
    """Open one page, record every problem on ``result``, save its screenshot."""
    from playwright.sync_api import Error as PlaywrightError

    blocked: set[str] = set()

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            blocked.add(r.request.url)
            result.problems.append(f"request to a non-local host (fails offline): {r.request.url}")
            r.abort("internetdisconnected")

    def on_console(msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if "Failed to load resource" in msg.text and (url in blocked or url.startswith(base + "/")):
            return  # reported below, with its URL, as a blocked request or an HTTP error
        where = f" ({url}:{msg.location.get('lineNumber')})" if url else ""
        result.problems.append(f"console error: {msg.text}{where}")

    def on_request_failed(req):
        # ERR_ABORTED: the browser itself cancelled the request (e.g. a redirect), not a missing file.
        if req.url.startswith(base + "/") and "ERR_ABORTED" not in (req.failure or ""):
            result.problems.append(f"request failed: {req.url[len(base):]} ({req.failure})")

    image_files: set[str] = set()

    def on_response(resp):
        if resp.url.startswith(base + "/") and resp.status >= 400:
            result.problems.append(f"HTTP {resp.status} for {resp.url[len(base):]}")
        elif resp.request.resource_type == "image" and (path := _url_to_path(resp.url, base)):
            image_files.add(path)

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda err: result.problems.append(f"uncaught exception: {err}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    url = f"{base}/{rel}"

    # A redirect stub (Jupyter Book writes index.html -> intro.html): check that the browser
    # arrives at an existing page; that page is checked on its own visit.
    refresh = _REFRESH.search((root / rel).read_text(encoding="utf8", errors="replace"))
    if refresh:
        target = urljoin(url, refresh.group(1))
        result.links = [(refresh.group(1), target)]
        page.goto(url, wait_until="load", timeout=page_timeout * 1000)
        try:
            page.wait_for_url(urldefrag(target)[0] + "*", timeout=page_timeout * 1000)
        except PlaywrightError:
            result.problems.append(f"redirect to {refresh.group(1)!r} did not happen")
        return

    page.goto(url, wait_until="load", timeout=page_timeout * 1000)
    state = page.evaluate(_SETTLE_JS, page_timeout * 1000)
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except PlaywrightError:
        result.problems.append("network did not become idle within 5 s")
    info = page.evaluate(_INSPECT_JS)
    if state == "mathjax-missing":
        result.problems.append("MathJax did not start (no MathJax script, or it failed to load)")
    result.math_total = info["mathTotal"]
    for text in info["unrendered"]:
        result.problems.append(f"equation not rendered by MathJax: {text!r}")
    for text in info["texErrors"]:
        result.problems.append(f"MathJax TeX error: {text!r}")
    for text in info["raw"]:
        result.problems.append(f"raw TeX delimiters left in the text: {text!r}")
    for src in info["images"]:
        result.problems.append(f"image did not load: {src}")
    if rel.startswith("chapters/"):
        result.problems.extend(_check_launch(rel, info["launch"], needs))
    result.ids = set(info["ids"])
    result.links = [(link["raw"], link["abs"]) for link in info["links"]]
    if shots is not None:
        out = shots / PurePosixPath(rel).with_suffix(".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        # A full page of ~1000 equations (api.html) takes longer than a page load on a busy machine.
        page.screenshot(path=str(out), full_page=True, timeout=SCREENSHOT_TIMEOUT * 1000)
    # After the screenshot: the measurement opens the collapsed blocks.
    for item in page.evaluate(_OVERFLOW_JS, OVERFLOW_SLACK_PX):
        result.problems.append(_overflow_problem(item))

    for img in page.evaluate(_ALT_JS):
        why = bad_alt(img["alt"])
        if why:
            result.problems.append(f"image without a text alternative ({why}): {img['src']}")
    _check_explorers(page, rel, result, shots)

    page.evaluate(_axe_script())
    axe = page.evaluate(_AXE_JS)
    problems, result.a11y = summarize_axe(axe["violations"], fail_impacts)
    result.problems.extend(problems)
    for v in axe["violations"]:
        if v.get("impact") == "moderate" and "moderate" not in fail_impacts:
            result.notes.append(f"accessibility (moderate) {v['id']}: {v.get('help', '')} on "
                                f"{len(v['nodes'])} element(s)")

    text = (root / rel).read_text(encoding="utf8", errors="replace")
    result.html_bytes = len(text.encode("utf8"))
    result.image_bytes = inline_image_bytes(text) + sum(
        (root / f).stat().st_size for f in image_files if (root / f).is_file())
    if rel.startswith("chapters/") and result.image_bytes > CHAPTER_IMAGE_BUDGET:
        result.problems.append(f"page weight: {result.image_bytes:,} bytes of images, above the chapter "
                               f"budget of {CHAPTER_IMAGE_BUDGET:,} (CHAPTER_IMAGE_BUDGET)")


def check_site(
    root: str | os.PathLike,
    screenshots: str | os.PathLike | None = None,
    config: str | os.PathLike | None = None,
    chromium: str | None = None,
    page_timeout: float = PAGE_TIMEOUT,
    jobs: int = 2,
    strict_a11y: bool = False,
) -> Report:
    """Visit every page of the built book at ``root`` and return what was wrong.

    Parameters
    ----------
    root : path
        The HTML build folder (``_build/html``).
    screenshots : path or None
        Folder for one full-page PNG per page (mirroring the page's path); None for no screenshots.
    config : path or None
        The book's ``_config.yml``, read for the launch buttons chapters must have. None: Binder only.
    chromium : str or None
        The Chromium executable Playwright drives; None: the one ``tools/browser.py`` finds
        (``$SNNLIB_CHROMIUM``, ``/usr/bin/chromium`` or Playwright's own).
    page_timeout : float
        Seconds allowed for loading one page and typesetting its equations.
    jobs : int
        Number of browsers visiting pages in parallel.
    strict_a11y : bool
        Fail on moderate accessibility violations too (by default they are only reported).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    fail_impacts = A11Y_FAIL_IMPACTS + (("moderate",) if strict_a11y else ())
    if chromium is None:
        chromium = find_chromium()
        if chromium is None:
            raise FileNotFoundError(f"chromium: {HOW_TO_INSTALL}")
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"root: no HTML build folder at {root}")
    needs = _launch_requirements(Path(config) if config is not None else None)
    shots = Path(screenshots) if screenshots is not None else None
    server, base = _start_server(root)
    results: dict[str, PageResult] = {}
    # the heaviest pages first (api.html takes longest), so that the browsers finish together
    queue = deque(sorted(find_pages(root), key=lambda rel: -(root / rel).stat().st_size))
    queued = set(queue)
    lock = threading.Lock()
    busy = [0]  # pages being visited; a visit may still add pages to the queue
    errors: list[BaseException] = []

    def next_page() -> str | None:
        while True:
            with lock:
                if queue:
                    busy[0] += 1
                    return queue.popleft()
                if busy[0] == 0 or errors:
                    return None
            time.sleep(0.05)

    def worker() -> None:
        # One Playwright instance and browser per thread (the sync API is not thread-safe).
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(viewport=VIEWPORT, service_workers="block")
                while (rel := next_page()) is not None:
                    result = PageResult(rel)
                    page = context.new_page()  # a fresh tab per page: events belong to this page only
                    tic = time.perf_counter()
                    try:
                        _visit(page, base, root, rel, result, needs, shots, page_timeout, fail_impacts)
                    except PlaywrightError as err:
                        result.problems.append(f"page did not load: {str(err).splitlines()[0]}")
                    finally:
                        page.close()
                        result.seconds = time.perf_counter() - tic
                    with lock:
                        results[rel] = result
                        for _, absolute in result.links:
                            target = _url_to_path(urldefrag(absolute)[0], base)
                            if target and target.endswith(".html") and target not in queued and (root / target).is_file():
                                queued.add(target)
                                queue.append(target)
                        busy[0] -= 1
                browser.close()
        except BaseException as err:  # noqa: BLE001 - re-raised in the main thread
            with lock:
                errors.append(err)

    try:
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.shutdown()
        server.server_close()
    if errors:
        raise errors[0]

    # Links are checked once every page is known, so anchors in pages visited later count too.
    for result in results.values():
        seen = set()
        for raw, absolute in result.links:
            url, fragment = urldefrag(absolute)
            target = _url_to_path(url, base)
            if target is None or (raw, absolute) in seen:
                continue  # external link, mailto:, javascript: ... or already reported
            seen.add((raw, absolute))
            file = root / target
            if not file.is_file():
                result.problems.append(f"broken link {raw!r}: {target} does not exist")
                continue
            fragment = unquote(fragment)
            if fragment and target.endswith(".html"):
                if target not in results:
                    results[target] = PageResult(target)  # pragma: no cover - every local page is visited
                if fragment not in results[target].ids:
                    result.problems.append(f"broken link {raw!r}: no anchor #{fragment} in {target}")
    return Report(results, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the HTML build folder, e.g. _build/html")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="folder for full-page screenshots (default: <html>/../screenshots)")
    parser.add_argument("--config", type=Path, default=None,
                        help="the book's _config.yml (default: the one two levels above <html>, if any)")
    parser.add_argument("--chromium", default=None,
                        help="Chromium executable (default: $SNNLIB_CHROMIUM, /usr/bin/chromium or Playwright's)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="browsers visiting pages in parallel (default: 2, or 1 on a single core)")
    parser.add_argument("--strict-a11y", action="store_true",
                        help="fail on moderate accessibility violations too (default: report them)")
    args = parser.parse_args(argv)

    html = args.html.resolve()
    if not html.is_dir() or not find_pages(html):
        print(f"check_pages: no built HTML book in {html} (run `make book` first)", file=sys.stderr)
        return 2
    chromium = args.chromium or find_chromium()
    if chromium is None or not Path(chromium).is_file():
        print(f"check_pages: {HOW_TO_INSTALL}", file=sys.stderr)
        return 2
    screenshots = args.screenshots or html.parent / "screenshots"
    config = args.config
    if config is None and (html.parent.parent / "_config.yml").is_file():
        config = html.parent.parent / "_config.yml"

    report = check_site(html, screenshots=screenshots, config=config, chromium=chromium, jobs=args.jobs,
                        strict_a11y=args.strict_a11y)
    print(f"{'page':<48s} {'equations':>9s} {'HTML kB':>8s} {'images kB':>9s} explorers  "
          f"axe (crit/ser/mod/min) {'time':>7s}  status")
    for page, result in sorted(report.pages.items()):
        status = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
        axe = "/".join(str(result.a11y.get(k, 0)) for k in ("critical", "serious", "moderate", "minor"))
        print(f"{page:<48s} {result.math_total:9d} {result.html_bytes / 1e3:8.0f} {result.image_bytes / 1e3:9.0f} "
              f"{result.explorers:9d}  {axe:>22s} {result.seconds:6.1f}s  {status}")
    notes = {p: r.notes for p, r in sorted(report.pages.items()) if r.notes}
    if notes:
        print("\nReported, not failing:")
        for page, lines in notes.items():
            for line in lines:
                print(f"  {page}: {line}")
    for page, problems in report.problems.items():
        print(f"\n{page}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
    n_math = sum(r.math_total for r in report.pages.values())
    print(
        f"\ncheck_pages: visited {len(report.pages)} pages ({n_math} equations) in {report.seconds:.1f} s; "
        f"{sum(map(len, report.problems.values()))} problem(s) on {len(report.problems)} page(s); "
        f"screenshots in {screenshots}"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
