"""The browser check (tools/check_pages.py) must catch every kind of problem it promises to catch.

A small fake site is written to a temporary folder: one clean page per feature (rendered math with
the local MathJax copy, an image, links with anchors, a chapter with launch buttons, a redirect
stub) and one page per defect. The checker runs once over the whole site in headless Chromium;
each test then asserts that the defect is reported on its page, and that clean pages stay clean.
"""

from __future__ import annotations

import base64
import re
import importlib.util
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


browser = _load("browser")
check_pages = _load("check_pages")
sphinx_offline = _load("sphinx_offline")

# `make test` installs a browser first (tools/browser.py --ensure); a bare pytest run without one skips
pytestmark = pytest.mark.skipif(browser.find_chromium() is None, reason=browser.HOW_TO_INSTALL)

# A valid 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
BINDER = "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/chapters/{stem}.ipynb"
COLAB = "https://colab.research.google.com/github/org/repo/blob/main/chapters/{stem}.ipynb"


def _page(body: str, head: str = "", depth: int = 0) -> str:
    up = "../" * depth
    mathjax = f'<script defer src="{up}mathjax/tex-chtml.js"></script>' if "MATHJAX" in head else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title>"
        f"<link rel='icon' href='{up}favicon.png'>{mathjax}</head>"
        f"<body><h1 id='top'>Page</h1>{textwrap.dedent(body)}</body></html>"
    )


def _launch(stem: str, binder: bool = True, colab: bool = True) -> str:
    links = ""
    if binder:
        links += f'<li><a href="{BINDER.format(stem=stem)}">Binder</a></li>'
    if colab:
        links += f'<li><a href="{COLAB.format(stem=stem)}">Colab</a></li>'
    return f'<div class="dropdown dropdown-launch-buttons"><ul>{links}</ul></div>'


# Widths for the overflow checks, in CSS pixels of the checker's 1280-pixel window. The column is
# fixed, as the book theme's text column is; the checker must measure it, not assume it.
COLUMN_CSS = "<style>main { width: 600px; } pre { overflow-x: auto; } div.math { overflow-x: auto; }</style>"
NARROW_CODE = "x = 1  # " + "a" * 40                       # ~50 characters: fits 600 px
WIDE_CODE = "y = 2  # " + "b" * 150                        # ~160 characters: does not
NARROW_TEX = r"\tau_m \frac{dV}{dt} = E_L - V"
WIDE_TEX = " + ".join(rf"\frac{{a_{{{k}}}}}{{b_{{{k}}}}}" for k in range(40))  # a long sum


def _column_page(body: str) -> str:
    return _page(f"{COLUMN_CSS}<main>{body}</main>", head="MATHJAX")


def _cell(code: str, output: str = "") -> str:
    out = f'<div class="cell_output docutils container"><pre>{output}</pre></div>' if output else ""
    return (f'<div class="cell docutils container"><div class="cell_input docutils container">'
            f'<div class="highlight"><pre>{code}</pre></div></div>{out}</div>')


CLEAN = {
    "index.html": '<html><head><meta http-equiv="Refresh" content="0; url=good.html" /></head></html>',
    "good.html": _page(
        r"""
        <p>Inline <span class="math notranslate nohighlight">\(E_L - V + \mu\)</span> and</p>
        <div class="math notranslate nohighlight">\[\tau_m \frac{dV}{dt} = E_L - V\]</div>
        <img src="img.png" alt="a pixel"> <a href="other.html#sec">other</a> <a href="#top">top</a>
        <a href="sub/">a folder</a> <a href="https://example.org/">external link (not loaded)</a>
        <a href="data.txt">a file</a> <pre>$$ in code is fine \( too</pre>
        """,
        head="MATHJAX",
    ),
    "other.html": _page('<h2 id="sec">Section</h2><a href="good.html">back</a>'),
    "sub/index.html": _page('<a href="../chapters/01_good.html">chapter</a>', depth=1),
    "chapters/01_good.html": _page(_launch("01_good"), depth=1),
    "narrow.html": _column_page(
        _cell(NARROW_CODE, output="0.5")
        + f'<div class="math notranslate nohighlight" id="equation-narrow">\\[{NARROW_TEX}\\]</div>'
        + f"<details><summary>solution</summary><pre>{NARROW_CODE}</pre></details>"
    ),
}
BROKEN = {
    "console_error.html": _page("<script>console.error('boom from the test')</script>"),
    "exception.html": _page("<script>throw new Error('kaboom from the test')</script>"),
    "missing_image.html": _page('<img src="_images/nothere.png" alt="missing">'),
    "broken_link.html": _page('<a href="nowhere.html">x</a> <a href="other.html#no-such-anchor">y</a>'),
    "unrendered_math.html": _page(r'<span class="math notranslate nohighlight">\(a + b\)</span>'),
    "raw_math.html": _page("<p>Forgot the dollarmath extension: $$ x^2 $$</p>"),
    "tex_error.html": _page(r'<span class="math">\(\frac{a}\)</span>', head="MATHJAX"),
    "external.html": _page('<script src="https://cdn.example.org/lib.js"></script>'),
    "chapters/02_no_launch.html": _page("<p>No rocket here.</p>", depth=1),
    "chapters/03_no_colab.html": _page(_launch("03_no_colab", colab=False), depth=1),
    "chapters/04_wrong_notebook.html": _page(_launch("01_good"), depth=1),
    "wide_code.html": _column_page(_cell(NARROW_CODE) + _cell(WIDE_CODE)),
    "wide_output.html": _column_page(_cell(NARROW_CODE, output=WIDE_CODE)),
    "wide_hidden_code.html": _column_page(f"<details><summary>solution</summary><pre>{WIDE_CODE}</pre></details>"),
    "wide_math.html": _column_page(
        f'<div class="math notranslate nohighlight" id="equation-wide">\\[{WIDE_TEX}\\]</div>'
        f'<div class="math notranslate nohighlight">\\[{NARROW_TEX}\\]</div>'
    ),
}
CONFIG = """\
launch_buttons:
  binderhub_url: https://mybinder.org
  colab_url: https://colab.research.google.com
"""


def _write_site(folder: Path, pages: dict[str, str]) -> Path:
    html = folder / "_build" / "html"
    for rel, text in pages.items():
        (html / rel).parent.mkdir(parents=True, exist_ok=True)
        (html / rel).write_text(text, encoding="utf8")
    (html / "img.png").write_bytes(PNG)
    (html / "favicon.png").write_bytes(PNG)
    (html / "data.txt").write_text("data\n")
    es5 = sphinx_offline.mathjax_source()
    (html / "mathjax").mkdir()
    shutil.copy2(es5 / "tex-chtml.js", html / "mathjax" / "tex-chtml.js")
    shutil.copytree(es5 / "output" / "chtml" / "fonts", html / "mathjax" / "output" / "chtml" / "fonts")
    (folder / "_config.yml").write_text(CONFIG)
    return html


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    html = _write_site(tmp_path_factory.mktemp("site"), {**CLEAN, **BROKEN})
    return check_pages.check_site(html, screenshots=None, config=html.parent.parent / "_config.yml")


def test_every_page_is_visited(report):
    assert sorted(report.pages) == sorted({**CLEAN, **BROKEN})
    assert not report.ok


@pytest.mark.parametrize("page", sorted(CLEAN))
def test_clean_pages_have_no_problems(report, page):
    assert report.pages[page].problems == []


def test_math_is_counted(report):
    assert report.pages["good.html"].math_total == 2


@pytest.mark.parametrize(
    "page, expected",
    [
        ("console_error.html", ["console error: boom from the test"]),
        ("exception.html", ["uncaught exception: kaboom from the test"]),
        ("missing_image.html", ["image did not load: _images/nothere.png", "HTTP 404 for /_images/nothere.png"]),
        (
            "broken_link.html",
            ["broken link 'nowhere.html': nowhere.html does not exist",
             "broken link 'other.html#no-such-anchor': no anchor #no-such-anchor in other.html"],
        ),
        ("unrendered_math.html", ["MathJax did not start", "equation not rendered by MathJax: '\\\\(a + b\\\\)'"]),
        ("raw_math.html", ["raw TeX delimiters left in the text"]),
        ("tex_error.html", ["MathJax TeX error"]),
        ("external.html", ["request to a non-local host (fails offline): https://cdn.example.org/lib.js"]),
        ("chapters/02_no_launch.html", ["no Binder launch button", "no Colab launch button"]),
        ("chapters/03_no_colab.html", ["no Colab launch button"]),
        ("chapters/04_wrong_notebook.html", ["Binder launch button does not open chapters/04_wrong_notebook.ipynb"]),
    ],
)
def test_defect_is_reported(report, page, expected):
    problems = report.pages[page].problems
    for text in expected:
        assert any(text in problem for problem in problems), (text, problems)


@pytest.mark.parametrize(
    "page, where",
    [
        ("wide_code.html", "code cell 2 (input)"),
        ("wide_output.html", "code cell 1 (output)"),
        ("wide_hidden_code.html", "code block"),
    ],
)
def test_code_wider_than_its_column_is_reported(report, page, where):
    problems = report.pages[page].problems
    assert len(problems) == 1, problems          # the narrow cell beside it is not reported
    problem = problems[0]
    assert problem.startswith(f"code block wider than its column: {where}"), problem
    content, column = (int(x) for x in re.findall(r"(\d+) px", problem))
    # 160 characters of a monospace font of >= 10 px are > 1000 px; the column is 600 px at most
    assert content > 1000 and column <= 600, problem
    assert f"longest line {len(WIDE_CODE)} characters" in problem


def test_equation_wider_than_the_text_is_reported(report):
    problems = report.pages["wide_math.html"].problems
    assert len(problems) == 1, problems          # the narrow equation is not reported
    problem = problems[0]
    assert problem.startswith("display equation wider than the text column: equation #equation-wide"), problem
    content, column = (int(x) for x in re.findall(r"(\d+) px", problem))
    assert content > column + 100 and column <= 600, problem
    assert r"\frac{a_{0}}{b_{0}}" in problem      # the TeX source names the equation


def test_only_the_defect_is_reported(report):
    # One defect per page: apart from the console echo of the 404 and the pair of launch buttons,
    # the checker must not pile up unrelated complaints.
    assert len(report.pages["console_error.html"].problems) == 1
    assert len(report.pages["exception.html"].problems) == 1
    assert len(report.pages["external.html"].problems) == 1
    assert len(report.pages["chapters/03_no_colab.html"].problems) == 1


def test_command_line(tmp_path, capsys):
    html = _write_site(tmp_path, CLEAN)
    assert check_pages.main([str(html)]) == 0
    out = capsys.readouterr().out
    assert f"visited {len(CLEAN)} pages" in out
    assert (tmp_path / "_build" / "screenshots" / "good.png").stat().st_size > 0
    (html / "good.html").write_text(_page('<img src="gone.png" alt="gone">'))
    assert check_pages.main([str(html), "--screenshots", str(tmp_path / "shots")]) == 1
    assert "image did not load: gone.png" in capsys.readouterr().out
    assert check_pages.main([str(tmp_path / "nothing-here")]) == 2
