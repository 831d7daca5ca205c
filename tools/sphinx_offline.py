"""Sphinx extension that makes the HTML book work without a network connection.

Sphinx loads MathJax 3 from a CDN by default, so on an offline machine every equation of the book
would stay raw TeX. This extension

* points ``mathjax_path`` at a copy of MathJax 3 inside the book (``_static/mathjax/tex-chtml.js``);
* copies that copy from the ``django-static-mathjax`` package (MathJax 3.2.2, Apache-2.0: the
  combined TeX-input / CommonHTML-output component, its woff fonts, the TeX extensions MathJax
  loads on demand, and the menu / accessibility components) into ``_static/mathjax`` when an HTML
  build finishes.

MathJax finds its fonts and lazily loaded components relative to the URL of the script, so the copy
is self-contained. The ``ipywidgets`` embed manager (require.js from a CDN) is switched off in
``_config.yml`` instead (``nb_ipywidgets_js: {}``): live-widget cells carry the ``remove-output``
tag, so the HTML has no widget to drive.

It also removes a duplicated inline ``<script>`` that Sphinx 7.4 writes for scripts registered
after the builder started (sphinx-thebe's ``const THEBE_JS_URL = ...`` appeared twice on every
page, and the second copy throws "Identifier 'THEBE_JS_URL' has already been declared").

Registered in ``_config.yml`` through ``sphinx: local_extensions: {sphinx_offline: tools}``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Folder under the HTML ``_static`` directory that receives MathJax.
MATHJAX_DIR = "mathjax"
#: Combined component: TeX input, CommonHTML output, menu, assistive MathML.
MATHJAX_ENTRY = "tex-chtml.js"
#: Parts of MathJax's ``es5`` tree the entry point can load at run time (all relative to ``es5``).
#: ``output/chtml/fonts`` holds the woff fonts, ``input/tex/extensions`` the packages ``autoload``
#: fetches (e.g. ``\require{cancel}``), ``ui`` and ``a11y``/``sre`` what the right-click menu loads.
MATHJAX_PARTS = (
    MATHJAX_ENTRY,
    "output/chtml/fonts",
    "input/tex/extensions",
    "ui",
    "a11y",
    "sre",
)


def mathjax_source() -> Path:
    """Return the ``es5`` folder of the MathJax 3 copy shipped by ``django-static-mathjax``.

    Raises
    ------
    ExtensionError
        If the package is not installed or does not contain ``es5/tex-chtml.js``.
    """
    try:
        import mathjax  # the import name of django-static-mathjax
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ExtensionError(
            "sphinx_offline needs the 'django-static-mathjax' package (pip install "
            "'django-static-mathjax>=3.2.2'), which ships MathJax 3 for offline use"
        ) from err
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / MATHJAX_ENTRY).is_file():
        raise ExtensionError(f"sphinx_offline: {es5 / MATHJAX_ENTRY} not found; reinstall django-static-mathjax")
    return es5


def _set_mathjax_path(app: Sphinx, config: Config) -> None:
    # A relative mathjax_path is resolved by Sphinx against the output's _static folder.
    mathjax_source()  # fail early, before any page is written, if MathJax is missing
    config.mathjax_path = f"{MATHJAX_DIR}/{MATHJAX_ENTRY}"


def _copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    es5 = mathjax_source()
    target = Path(app.builder.outdir) / "_static" / MATHJAX_DIR
    for part in MATHJAX_PARTS:
        src, dst = es5 / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    licence = es5.parent / "LICENSE"
    if licence.is_file():
        shutil.copy2(licence, target / "LICENSE")
    logger.info("sphinx_offline: MathJax 3 copied to %s", target)


def _script_key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""  # None and "" both mean an inline script
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Sphinx 7.4 keeps both JavaScript(None, body=...) (added through app.add_js_file after
    # Builder.init) and JavaScript("", body=...) (re-added from the registry in prepare_writing):
    # they compare unequal, so an inline script registered by an extension is emitted twice.
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.mathjax")
    # priority > 500 (default) so this runs after other config-inited handlers.
    app.connect("config-inited", _set_mathjax_path, priority=900)
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=990)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
