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
  ``_config.yml`` configures ``colab_url``) pointing at the chapter's notebook.

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


def _visit(page, base: str, root: Path, rel: str, result: PageResult, needs, shots, page_timeout: float) -> None:
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

    def on_response(resp):
        if resp.url.startswith(base + "/") and resp.status >= 400:
            result.problems.append(f"HTTP {resp.status} for {resp.url[len(base):]}")

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


def check_site(
    root: str | os.PathLike,
    screenshots: str | os.PathLike | None = None,
    config: str | os.PathLike | None = None,
    chromium: str | None = None,
    page_timeout: float = PAGE_TIMEOUT,
    jobs: int = 2,
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
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
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
    queue = deque(find_pages(root))
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
                        _visit(page, base, root, rel, result, needs, shots, page_timeout)
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

    report = check_site(html, screenshots=screenshots, config=config, chromium=chromium, jobs=args.jobs)
    for page, result in sorted(report.pages.items()):
        status = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
        print(f"{page:<50s} {result.math_total:5d} equations {result.seconds:6.1f} s  {status}")
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
