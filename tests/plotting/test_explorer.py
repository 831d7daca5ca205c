"""static_explorer: every stored state is the figure update() draws for it, the HTML is
self-contained, and in a real browser the sliders (by keyboard) show the right image."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from snnlib.plotting import render_png, static_explorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ALT = "A sine wave whose frequency and amplitude follow the sliders."


def _figure():
    t = np.linspace(0.0, 100.0, 101)
    fig, ax = plt.subplots(figsize=(2.5, 1.5))
    ax.set_ylim(-3, 3)
    (line,) = ax.plot(t, np.sin(2 * np.pi * 0.01 * t))

    def update(f=10.0, a=1.0):
        line.set_ydata(a * np.sin(2 * np.pi * f * 1e-3 * t))

    return fig, update


def _data(ex):
    return json.loads(re.search(r'<script type="application/json" class="snnlib-explorer-data">(.*?)</script>',
                                ex.html).group(1))


def _stored(ex):
    data = _data(ex)
    prefix = "data:image/png;base64,"
    assert all(src.startswith(prefix) for src in data["images"])
    return [base64.b64decode(data["images"][k][len(prefix):]) for k in data["index"]]


def test_every_state_is_what_update_draws():
    fig, update = _figure()
    grid = {"f": [10.0, 20.0, 40.0], "a": [1.0, 2.0]}
    ex = static_explorer(fig, update, grid, units={"f": "Hz"}, alt=ALT, dpi=40)
    stored = _stored(ex)
    assert len(stored) == 6 and ex.n_images == 6
    # row-major: the last parameter fastest; rendered again independently, state by state
    for k, (f, a) in enumerate([(f, a) for f in grid["f"] for a in grid["a"]]):
        update(f=f, a=a)
        assert stored[k] == render_png(fig, dpi=40)
    assert ex.nbytes == sum(len(s) for s in set(stored))
    plt.close(fig)


def test_identical_states_are_stored_once_and_the_figure_is_left_at_initial():
    fig, update = _figure()
    ex = static_explorer(fig, lambda f, unused: update(f=f), {"f": [10.0, 20.0], "unused": [0, 1, 2]},
                         initial={"f": 20.0}, alt=ALT, dpi=40)
    assert ex.n_images == 2 and len(_stored(ex)) == 6
    assert render_png(fig, dpi=40) == _stored(ex)[3]        # f = 20, unused = 0
    assert 'value="1"' in ex.html                           # the f slider starts at 20 Hz
    plt.close(fig)


def test_html_is_self_contained_and_deterministic():
    fig, update = _figure()
    a = static_explorer(fig, update, {"f": [10.0, 20.0]}, alt=ALT, dpi=40, colors=16)
    b = static_explorer(fig, update, {"f": [10.0, 20.0]}, alt=ALT, dpi=40, colors=16)
    assert a.html == b.html
    # no external resource: every src/href is a data: URI, no <link>, no script src
    assert not re.search(r'(src|href)="(?!data:)', a.html)
    assert "<link" not in a.html and "<script src" not in a.html
    assert f'alt="{ALT} Shown for f 10."' in a.html        # the state shown, before any script runs
    # text that would close the data's <script> element stays inside it
    c = static_explorer(fig, update, {"f": [10.0, 20.0]}, labels={"f": "</script><b>f"}, alt=ALT, dpi=40)
    assert _data(c)["labels"] == ["</script><b>f"] and c.html.count("</script>") == 2
    plt.close(fig)


def test_palette_shrinks_a_line_figure():
    fig, update = _figure()
    full = static_explorer(fig, update, {"f": [10.0, 20.0]}, alt=ALT, dpi=60)
    small = static_explorer(fig, update, {"f": [10.0, 20.0]}, alt=ALT, dpi=60, colors=8)
    assert small.nbytes < full.nbytes
    plt.close(fig)


def test_input_errors():
    fig, update = _figure()
    with pytest.raises(TypeError, match="fig"):
        static_explorer(None, update, {"f": [1, 2]}, alt=ALT)
    with pytest.raises(TypeError, match="update"):
        static_explorer(fig, 3, {"f": [1, 2]}, alt=ALT)
    with pytest.raises(TypeError, match="grid"):
        static_explorer(fig, update, {}, alt=ALT)
    with pytest.raises(ValueError, match="at least two"):
        static_explorer(fig, update, {"f": [1.0]}, alt=ALT)
    with pytest.raises(ValueError, match="repeated"):
        static_explorer(fig, update, {"f": [1.0, 1.0]}, alt=ALT)
    with pytest.raises(ValueError, match=r"initial\['f'\]"):
        static_explorer(fig, update, {"f": [1.0, 2.0]}, initial={"f": 3.0}, alt=ALT)
    with pytest.raises(ValueError, match="units has keys"):
        static_explorer(fig, update, {"f": [1.0, 2.0]}, units={"g": "Hz"}, alt=ALT)
    with pytest.raises(ValueError, match="alt"):
        static_explorer(fig, update, {"f": [1.0, 2.0]}, alt="fig.png")
    with pytest.raises(ValueError, match="max_bytes"):
        static_explorer(fig, update, {"f": [1.0, 2.0]}, alt=ALT, max_bytes=100)
    with pytest.raises(ValueError, match="colors"):
        static_explorer(fig, update, {"f": [1.0, 2.0]}, alt=ALT, colors=1)
    plt.close(fig)


def _chromium():
    spec = importlib.util.spec_from_file_location("browser", ROOT / "tools" / "browser.py")
    browser = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(browser)
    return browser.find_chromium()


def test_sliders_move_by_keyboard_in_a_real_browser(tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium (make browser installs one)")
    from playwright.sync_api import sync_playwright

    fig, update = _figure()
    grid = {"f": [10.0, 20.0, 40.0], "a": [1.0, 2.0]}
    ex = static_explorer(fig, update, grid, labels={"f": "frequency"}, units={"f": "Hz"}, alt=ALT, dpi=40)
    stored = _stored(ex)
    page_file = tmp_path / "page.html"
    page_file.write_text(f"<!doctype html><html><body>{ex.html}</body></html>")
    errors = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())

        def shown():
            src = page.locator("img").get_attribute("src")
            return base64.b64decode(src.split(",", 1)[1])

        assert shown() == stored[0]
        assert page.get_by_role("status").text_content() == ""     # nothing announced on load
        sliders = page.locator("input[type=range]")
        sliders.nth(0).focus()
        page.keyboard.press("ArrowRight")                  # f: 10 -> 20 Hz
        assert shown() == stored[2]
        assert sliders.nth(0).get_attribute("aria-valuetext") == "20 Hz"
        assert page.locator("output").nth(0).text_content() == "20 Hz"
        # the live region announces the whole new state; the alt text names it
        assert page.get_by_role("status").text_content() == "Figure shows frequency 20 Hz, a 1."
        assert page.locator("img").get_attribute("alt") == f"{ALT} Shown for frequency 20 Hz, a 1."
        sliders.nth(1).focus()
        page.keyboard.press("ArrowRight")                  # a: 1 -> 2
        assert shown() == stored[3]
        page.keyboard.press("End")
        sliders.nth(0).focus()
        page.keyboard.press("End")                         # f = 40 Hz, a = 2
        assert shown() == stored[5]
        assert page.get_by_role("slider", name="frequency").count() == 1   # labelled
        # arrow keys stay with the slider: a page-level handler (JupyterLab's notebook moves
        # between cells on them) never sees them
        page.evaluate("window.seen = []; document.addEventListener('keydown', "
                      "e => window.seen.push(e.key))")
        sliders.nth(0).focus()
        page.keyboard.press("ArrowLeft")
        assert shown() == stored[3] and page.evaluate("window.seen") == []
        browser.close()
    assert errors == []
    plt.close(fig)
