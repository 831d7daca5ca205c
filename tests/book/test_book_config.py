"""Sanity of the book configuration: offline MathJax, no widget JavaScript from a CDN, launch
buttons, and a nitpicky build that ignores only what cannot resolve offline."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))


def _load_offline():
    spec = importlib.util.spec_from_file_location("sphinx_offline", ROOT / "tools" / "sphinx_offline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_is_valid_for_jupyter_book():
    config = pytest.importorskip("jupyter_book.config")
    config.validate_yaml(CONFIG, raise_on_errors=True)


def test_required_keys():
    assert CONFIG["sphinx"]["recursive_update"] is True
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
    buttons = CONFIG["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert buttons["notebook_interface"] == "jupyterlab"
    assert buttons["thebe"] is False  # thebe's JavaScript comes only from a CDN


def test_offline_settings():
    sphinx = CONFIG["sphinx"]
    assert sphinx["local_extensions"]["sphinx_offline"] == "tools"
    assert (ROOT / "tools" / "sphinx_offline.py").is_file()
    assert sphinx["config"]["nb_ipywidgets_js"] == {}  # no require.js / widget manager from a CDN
    assert sphinx["config"]["html_context"]["default_mode"] in {"light", "dark", "auto"}
    favicon = CONFIG["html"].get("favicon")
    assert favicon is None or (ROOT / favicon).is_file()


@pytest.mark.parametrize(
    "target, ignored",
    [
        ("float", True), ("optional", True), ("numpy.ndarray", True), ("np.random.Generator", True),
        ("array_like", True), ("matplotlib.axes.Axes", True), ("typing.Callable", True), ("(n,)", True),
        ("snnlib", False), ("snnlib.LIF", False), ("snnlib.models.no_such_thing", False),
    ],
)
def test_nitpick_ignores_only_targets_outside_snnlib(target, ignored):
    rules = CONFIG["sphinx"]["config"]["nitpick_ignore_regex"]
    # Sphinx applies the rules with re.fullmatch on (type, target).
    hit = any(re.fullmatch(kind, "py:class") and re.fullmatch(pattern, target) for kind, pattern in rules)
    assert hit is ignored


def test_mathjax_copy_is_complete():
    offline = _load_offline()
    es5 = offline.mathjax_source()
    for part in offline.MATHJAX_PARTS:
        assert (es5 / part).exists(), part
    fonts = list((es5 / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) > 20  # MathJax TeX fonts: Main, Math, Size1-4, AMS, Calligraphic, ...
    assert "3.2.2" in (es5 / "tex-chtml.js").read_text(encoding="utf8")[:400000]


def test_extension_serves_mathjax_locally(tmp_path):
    """A minimal Sphinx build with the extension: local MathJax, copied, and each inline script once."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tools")!r})
        extensions = ["sphinx_offline"]
        project = "t"
        def setup(app):
            # an inline script registered after Builder.init, as sphinx-thebe does
            app.connect("env-before-read-docs", lambda app, env, docs: app.add_js_file(None, body="const ONCE = 1"))
    """))
    (src / "index.rst").write_text("Title\n=====\n\n:math:`a^2`\n\n.. math:: E = mc^2\n")
    out = tmp_path / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page = (out / "index.html").read_text(encoding="utf8")
    assert 'src="_static/mathjax/tex-chtml.js"' in page
    assert "cdn.jsdelivr.net" not in page
    assert page.count("const ONCE = 1") == 1
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert any((out / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (out / "_static" / "mathjax" / "input" / "tex" / "extensions" / "cancel.js").is_file()
