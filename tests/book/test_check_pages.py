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
# the tests that drive it (the pure functions at the end are tested anyway)
needs_browser = pytest.mark.skipif(browser.find_chromium() is None, reason=browser.HOW_TO_INSTALL)

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
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>t</title>"
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


def _noise_png(side: int) -> bytes:
    """A PNG of random grey pixels (incompressible: about side**2 bytes)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, size=(side, side), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def _explorer_html(broken: bool = False) -> str:
    """A real static explorer (two sliders); ``broken``: its script shows the wrong state's image."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from snnlib.plotting import static_explorer

    t = np.linspace(0.0, 100.0, 51)
    fig, ax = plt.subplots(figsize=(2, 1.2))
    ax.set_ylim(-3, 3)
    (line,) = ax.plot(t, np.sin(t))

    def update(f=10.0, a=1.0):
        line.set_ydata(a * np.sin(2 * np.pi * f * 1e-3 * t))

    ex = static_explorer(fig, update, {"f": [10.0, 20.0, 40.0], "a": [1.0, 2.0]}, units={"f": "Hz"},
                         alt="A sine wave of the chosen frequency and amplitude.", dpi=30, colors=8)
    plt.close(fig)
    html = ex.html
    if broken:  # a classic bug: the state index ignores every slider but the last
        html = html.replace("k = k * data.values[i].length + j;", "k = j;")
        assert "k = j;" in html
    return html


PIXEL_ALT = "a grey pixel"
EXTRA_CLEAN = {
    "explorer.html": lambda: _page(f"<main>{_explorer_html()}</main>"),
    "alt_with_slash.html": lambda: _page(f'<img src="img.png" alt="Rate against 1/N, dt/tau = 0.2">'),
    "code_tokens.html": lambda: _page(
        "<style>.highlight .k { color: #1a5fc8 } .highlight pre { background: #f8f8f8 }</style>"
        '<div class="highlight"><pre>' + "".join(f'<span class="k">def</span> f{k}()\n' for k in range(50))
        + "</pre></div>"),
}
EXTRA_BROKEN = {
    "explorer_broken.html": lambda: _page(f"<main>{_explorer_html(broken=True)}</main>"),
    "alt_file_name.html": lambda: _page('<img src="img.png" alt="../_images/85d985756a42f247.png">'
                                        '<img src="img.png" alt="85d985756a42f247f3d08310416a5">'),
    "alt_missing.html": lambda: _page('<img src="img.png">'),
    "low_contrast.html": lambda: _page('<p style="color: #aaaaaa; background: #ffffff">pale text</p>'),
    "list_without_items.html": lambda: _page('<div role="list"><a href="#top">an entry</a></div>'),
    # grey comments in code: only one of the 40 tokens is handed to axe, it must still fail
    "code_low_contrast.html": lambda: _page(
        "<style>.highlight .c { color: #b0b0b0 } .highlight pre { background: #f8f8f8 }</style>"
        '<div class="highlight"><pre>' + "".join(f'x = {k}  <span class="c"># note</span>\n' for k in range(40))
        + "</pre></div>"),
    "chapters/05_heavy.html": lambda: _page(_launch("05_heavy") + '<img src="../noise.png" alt="grey noise">', depth=1),
}
#: The chapter image budget used for the fake site (the noise image is above it, 01_good below).
TEST_BUDGET = 20_000
NOISE_SIDE = 160  # a ~26 kB PNG


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
    (html / "noise.png").write_bytes(_noise_png(NOISE_SIDE))
    (html / "favicon.png").write_bytes(PNG)
    (html / "data.txt").write_text("data\n")
    es5 = sphinx_offline.mathjax_source()
    (html / "mathjax").mkdir()
    shutil.copy2(es5 / "tex-chtml.js", html / "mathjax" / "tex-chtml.js")
    shutil.copytree(es5 / "output" / "chtml" / "fonts", html / "mathjax" / "output" / "chtml" / "fonts")
    (folder / "_config.yml").write_text(CONFIG)
    return html


ALL_CLEAN = sorted({**CLEAN, **EXTRA_CLEAN})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if browser.find_chromium() is None:
        pytest.skip(browser.HOW_TO_INSTALL)
    pages = {**CLEAN, **BROKEN, **{k: f() for k, f in {**EXTRA_CLEAN, **EXTRA_BROKEN}.items()}}
    return _write_site(tmp_path_factory.mktemp("site"), pages)


@pytest.fixture(scope="module")
def report(site):
    budget = check_pages.CHAPTER_IMAGE_BUDGET
    check_pages.CHAPTER_IMAGE_BUDGET = TEST_BUDGET
    try:
        return check_pages.check_site(site, screenshots=site.parent / "screenshots",
                                      config=site.parent.parent / "_config.yml")
    finally:
        check_pages.CHAPTER_IMAGE_BUDGET = budget


@needs_browser
def test_every_page_is_visited(report):
    assert sorted(report.pages) == sorted({**CLEAN, **BROKEN, **EXTRA_CLEAN, **EXTRA_BROKEN})
    assert not report.ok


@needs_browser
@pytest.mark.parametrize("page", ALL_CLEAN)
def test_clean_pages_have_no_problems(report, page):
    assert report.pages[page].problems == []


@needs_browser
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
@needs_browser
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
@needs_browser
def test_code_wider_than_its_column_is_reported(report, page, where):
    # a scrolling block that cannot take the keyboard focus is also an accessibility problem
    # (axe: scrollable-region-focusable), reported on its own line
    problems = [p for p in report.pages[page].problems if not p.startswith("accessibility")]
    assert len(problems) == 1, problems          # the narrow cell beside it is not reported
    problem = problems[0]
    assert problem.startswith(f"code block wider than its column: {where}"), problem
    content, column = (int(x) for x in re.findall(r"(\d+) px", problem))
    # 160 characters of a monospace font of >= 10 px are > 1000 px; the column is 600 px at most
    assert content > 1000 and column <= 600, problem
    assert f"longest line {len(WIDE_CODE)} characters" in problem


@needs_browser
def test_equation_wider_than_the_text_is_reported(report):
    problems = [p for p in report.pages["wide_math.html"].problems if not p.startswith("accessibility")]
    assert len(problems) == 1, problems          # the narrow equation is not reported
    problem = problems[0]
    assert problem.startswith("display equation wider than the text column: equation #equation-wide"), problem
    content, column = (int(x) for x in re.findall(r"(\d+) px", problem))
    assert content > column + 100 and column <= 600, problem
    assert r"\frac{a_{0}}{b_{0}}" in problem      # the TeX source names the equation


@needs_browser
def test_only_the_defect_is_reported(report):
    # One defect per page: apart from the console echo of the 404 and the pair of launch buttons,
    # the checker must not pile up unrelated complaints.
    assert len(report.pages["console_error.html"].problems) == 1
    assert len(report.pages["exception.html"].problems) == 1
    assert len(report.pages["external.html"].problems) == 1
    assert len(report.pages["chapters/03_no_colab.html"].problems) == 1


@needs_browser
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


@needs_browser
@pytest.mark.parametrize(
    "page, expected",
    [
        ("alt_file_name.html", ["alt text is a file name or path: '../_images/85d985756a42f247.png'",
                                "alt text is a file name or path: '85d985756a42f247f3d08310416a5'"]),
        ("alt_missing.html", ["image without a text alternative (no alt attribute): img.png",
                              "accessibility (critical) image-alt"]),
        ("low_contrast.html", ["accessibility (serious) color-contrast"]),
        ("list_without_items.html", ["accessibility (critical) aria-required-children"]),
        ("code_low_contrast.html", ["accessibility (serious) color-contrast"]),
        ("chapters/05_heavy.html", [f"above the chapter budget of {TEST_BUDGET:,}"]),
    ],
)
def test_accessibility_and_weight_defects_are_reported(report, page, expected):
    problems = report.pages[page].problems
    for text in expected:
        assert any(text in problem for problem in problems), (text, problems)
    assert all("HTTP" not in p and "console" not in p for p in problems), problems


@needs_browser
def test_moderate_violations_are_reported_but_do_not_fail(report):
    # the plain test pages put their content outside landmarks: axe's moderate "region"
    page = report.pages["console_error.html"]
    assert page.a11y.get("moderate", 0) >= 1
    assert any("region" in note for note in page.notes)
    assert len(page.problems) == 1 and page.problems[0].startswith("console error: boom from the test")


@needs_browser
def test_page_weight_counts_the_image_files_and_the_inline_images(report, site):
    heavy = report.pages["chapters/05_heavy.html"]
    assert heavy.html_bytes == (site / "chapters" / "05_heavy.html").stat().st_size
    # one image file (the favicon is not an <img>) and no inline image
    icon = (site / "favicon.png").stat().st_size
    assert heavy.image_bytes - (site / "noise.png").stat().st_size in (0, icon)
    # the explorer's six states in data: URIs, counted once each, decoded
    text = (site / "explorer.html").read_text()
    payloads = set(re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text))
    decoded = sum(len(base64.b64decode(p)) for p in payloads)
    explorer = report.pages["explorer.html"]
    assert len(payloads) == 6 and explorer.image_bytes - decoded in (0, (site / "favicon.png").stat().st_size)


@needs_browser
def test_explorer_is_moved_by_keyboard_and_a_wrong_image_is_caught(report, site):
    good = report.pages["explorer.html"]
    assert good.explorers == 1 and good.problems == []
    for when in ("before", "after"):
        assert (site.parent / "screenshots" / f"explorer.explorer1.{when}.png").stat().st_size > 0
    broken = report.pages["explorer_broken.html"].problems
    # slider f (first) moved: the broken script ignores it and keeps showing the a = 1, f = 10 Hz image
    assert any(p.startswith("explorer 1: after ArrowRight on slider 'f' it shows image 0, the data says "
                            "image 2 for ['20 Hz', '1']") for p in broken), broken
    # moving the last slider alone works, so no complaint names it
    assert not any("slider 'a'" in p for p in broken), broken


# ---- the pure functions (no browser) -------------------------------------------------------------


@pytest.mark.parametrize(
    "alt, verdict",
    [
        (None, "no alt attribute"),
        ("", "empty alt text"),
        ("   ", "empty alt text"),
        ("../_images/85d985756a42f247f3d08310416a5.png", "is a file name or path"),
        ("fig.png", "is a file name or path"),
        ("85d985756a42f247f3d08310416a5", "is a file name or path"),
        (r"C:\figures\rate", "is a file name or path"),
        ("The figure ../_images/abc.png of the rate", "contains a file name or path"),
        ("Log-log plot against N along a dashed 1/N line", None),
        ("Errors rising to 0.05 at dt/tau = 0.2.", None),
        ("Binder logo", None),
    ],
)
def test_bad_alt(alt, verdict):
    got = check_pages.bad_alt(alt)
    if verdict is None:
        assert got is None
    else:
        assert verdict in got


def test_inline_image_bytes_decodes_each_distinct_image_once():
    # payloads of 1, 2 and 3 bytes exercise every base64 padding
    blobs = [b"a", b"bc", b"def", PNG]
    uris = [f"data:image/png;base64,{base64.b64encode(b).decode()}" for b in blobs]
    html = "".join(f'<img src="{u}">' for u in uris) + f'<script>var s = "{uris[3]}";</script>'
    assert check_pages.inline_image_bytes(html) == sum(map(len, blobs))
    assert check_pages.inline_image_bytes('<img src="img.png">') == 0


def test_explorer_expected_is_row_major():
    import itertools

    values = [["10", "20", "40"], ["1", "2"]]
    data = {"labels": ["f", "a"], "values": values, "units": ["Hz", ""],
            "index": [5, 4, 3, 2, 1, 0], "images": ["i0", "i1", "i2", "i3", "i4", "i5"]}
    # state k of the grid in itertools.product order (the last slider fastest) shows image index[k]
    for k, (i, j) in enumerate(itertools.product(range(3), range(2))):
        image, texts = check_pages.explorer_expected(data, [i, j])
        assert image == data["images"][data["index"][k]]
        assert texts == [f"{values[0][i]} Hz", values[1][j]]
    with pytest.raises(ValueError, match="positions"):
        check_pages.explorer_expected(data, [0])
    with pytest.raises(ValueError, match="positions"):
        check_pages.explorer_expected(data, [3, 0])


def test_summarize_axe_fails_on_serious_and_critical_only():
    def violation(rule, impact, n):
        return {"id": rule, "impact": impact, "help": f"help for {rule}",
                "nodes": [{"target": [f"#el{k}"], "failureSummary": "Fix it"} for k in range(n)]}

    problems, counts = check_pages.summarize_axe([
        violation("color-contrast", "serious", 5), violation("region", "moderate", 1),
        violation("aria-required-children", "critical", 1), violation("empty-table-header", "minor", 1)])
    assert counts == {"serious": 1, "moderate": 1, "critical": 1, "minor": 1}
    assert len(problems) == 2
    assert problems[0].startswith("accessibility (serious) color-contrast: help for color-contrast on 5 "
                                  "element(s): #el0; #el1; #el2 and 2 more")
    assert problems[1].startswith("accessibility (critical) aria-required-children")
    strict, _ = check_pages.summarize_axe([violation("region", "moderate", 1)],
                                          fail_impacts=("critical", "serious", "moderate"))
    assert len(strict) == 1
