"""Static explorers: a chapter's widget, precomputed on a grid, as sliders that work in the HTML book.

A live widget needs a Python kernel; the built HTML book has none. :func:`static_explorer` calls
the same ``update`` function a chapter's :class:`~snnlib.plotting.live.LiveFigure` uses at every
point of a small grid of slider values, renders each state of the figure once, and returns one
self-contained HTML block: real range sliders (``<input type="range">``) with the parameters'
names and units, the images inlined as ``data:`` URIs, and a few lines of inline JavaScript that
show the image of the current slider values. No CDN, no external script or style: it works from
``file://`` and offline, by mouse and by keyboard (arrow keys move a slider one grid step), and
screen readers hear each slider's value with its unit (``aria-valuetext``), the new state of the
whole figure from a polite live region, and an alt text that names the values shown. The data
(values, units, which image each state shows, the images as ``data:`` URIs) sits in a JSON
``<script type="application/json" class="snnlib-explorer-data">`` element, which
``tools/check_pages.py`` reads to check in a browser that each slider move shows the right image.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math

from .._core.validation import check_int, check_scalar
from .live import check_figure_update, render_png

__all__ = ["StaticExplorer", "static_explorer"]

#: Default budget (bytes of images) of one explorer; a chapter page holds about 1.5 MB in all.
DEFAULT_MAX_BYTES = 1_000_000


class StaticExplorer:
    """A precomputed explorer (the result of :func:`static_explorer`), shown as HTML.

    Parameters
    ----------
    html : str
        The self-contained HTML block (sliders, image, inline script).
    names : list of str
        The parameters, in slider order.
    grid : dict of str to list
        Each parameter's slider values.
    n_images : int
        Distinct images stored (identical states of the figure are stored once).
    nbytes : int
        Bytes of the stored images (before base64 encoding, which adds a third).

    Examples
    --------
    >>> ex = StaticExplorer("<div></div>", ["a"], {"a": [1, 2]}, 2, 1000)
    >>> ex.nbytes, ex._repr_html_()
    (1000, '<div></div>')
    """

    def __init__(self, html: str, names: list, grid: dict, n_images: int, nbytes: int):
        self.html = html
        self.names = names
        self.grid = grid
        self.n_images = n_images
        self.nbytes = nbytes

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        shape = " x ".join(str(len(self.grid[n])) for n in self.names)
        return (f"StaticExplorer({', '.join(self.names)}: {shape} grid, {self.n_images} images, "
                f"{self.nbytes / 1e3:.0f} kB)")


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _encode(png: bytes, colors) -> bytes:
    """PNG bytes, optionally reduced to a palette of ``colors`` colours (Pillow's median cut):
    line figures in few colours lose nothing visible and shrink two to four times."""
    if colors is None:
        return png
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


#: The explorer's data (read by its script and by tools/check_pages.py): slider values, units,
#: the state -> image map and the images as data: URIs, in a JSON script element.
_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s);
  var data = JSON.parse(root.querySelector("script.snnlib-explorer-data").textContent);
  var sliders = root.querySelectorAll("input[type=range]");
  var outputs = root.querySelectorAll("output");
  var status = root.querySelector(".snnlib-explorer-status");
  var img = root.querySelector("img");
  function show(announce) {
    var k = 0, parts = [];
    for (var i = 0; i < sliders.length; i++) {
      var j = parseInt(sliders[i].value, 10);
      k = k * data.values[i].length + j;
      var text = data.values[i][j] + (data.units[i] ? " " + data.units[i] : "");
      outputs[i].textContent = text;
      sliders[i].setAttribute("aria-valuetext", text);
      parts.push(data.labels[i] + " " + text);
    }
    var state = parts.join(", ");
    img.src = data.images[data.index[k]];
    img.alt = data.alt + " Shown for " + state + ".";
    root.setAttribute("data-state", k);
    if (announce) status.textContent = "Figure shows " + state + ".";
  }
  for (var i = 0; i < sliders.length; i++) {
    sliders[i].addEventListener("input", function () { show(true); });
    // keep arrow keys on the slider: JupyterLab's notebook would take them to move between cells
    sliders[i].addEventListener("keydown", function (e) { e.stopPropagation(); });
  }
  show(false);
})();"""

#: Visually hidden, still read by screen readers (the usual "sr-only" rules).
_SR_ONLY = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
            "clip:rect(0,0,0,0);white-space:nowrap;border:0")


def _json_in_html(obj) -> str:
    """JSON that is safe inside a <script> element (no "</script>", no "<!--")."""
    return json.dumps(obj, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")


def _explorer_html(root_id: str, labels: list, values: list, units: list, start: list, images: list,
                   index: list, alt: str) -> str:
    """The HTML block of an explorer from its parts (``images``: data: URIs, ``index``: state -> image,
    states in row-major order of ``values``)."""
    values = [[_format(v) for v in seq] for seq in values]
    rows = []
    for i, (label, seq) in enumerate(zip(labels, values)):
        sid = f"{root_id}-{i}"
        text = values[i][start[i]] + (f" {units[i]}" if units[i] else "")
        rows.append(
            f'<div style="display:flex;flex-wrap:wrap;align-items:center;gap:0.5em;margin:0.2em 0">'
            f'<label for="{sid}" style="min-width:7em">{html.escape(label)}</label>'
            f'<input type="range" id="{sid}" min="0" max="{len(seq) - 1}" step="1" value="{start[i]}" '
            f'aria-valuetext="{html.escape(text, quote=True)}" style="flex:1 1 12em;max-width:22em">'
            f'<output for="{sid}" aria-hidden="true" style="min-width:6em">{html.escape(text)}</output></div>')
    k = 0
    for seq, j in zip(values, start):
        k = k * len(seq) + j
    state = ", ".join(f"{label} {seq[j]}" + (f" {u}" if u else "")
                      for label, seq, j, u in zip(labels, values, start, units))
    data = {"labels": labels, "values": values, "units": units, "alt": alt, "index": index, "images": images}
    group = "Precomputed explorer: " + ", ".join(labels)
    return (f'<div class="snnlib-explorer" id="{root_id}" role="group" '
            f'aria-label="{html.escape(group, quote=True)}" style="max-width:100%">'
            + "".join(rows)
            + f'<img alt="{html.escape(f"{alt} Shown for {state}.", quote=True)}" src="{images[index[k]]}" '
            f'style="max-width:100%;height:auto;display:block">'
            + f'<div class="snnlib-explorer-status" role="status" aria-live="polite" style="{_SR_ONLY}"></div>'
            + f'<script type="application/json" class="snnlib-explorer-data">{_json_in_html(data)}</script>'
            + f"<script>{_SCRIPT % {'id': json.dumps(root_id)}}</script></div>")


def static_explorer(fig, update, grid, *, labels=None, units=None, initial=None, alt: str, dpi=None,
                    colors=None, max_bytes: int = DEFAULT_MAX_BYTES) -> StaticExplorer:
    """Precompute a figure's states on a grid of slider values and return them as an HTML explorer.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure ``update`` changes in place (the static figure of the chapter).
    update : callable
        ``update(**values)``, exactly as for :class:`~snnlib.plotting.live.LiveFigure`: it changes
        the figure's artists for one value of each parameter.
    grid : dict of str to sequence
        The slider values of each parameter (keyword of ``update``), in slider order; at least one
        parameter, each with at least two values. Numbers or strings.
    labels : dict of str to str, optional
        The text before each slider (default the keyword), e.g. ``{"j": "J"}``.
    units : dict of str to str, optional
        The unit shown after each value, e.g. ``{"j": "mV"}``; default none.
    initial : dict, optional
        The values shown first (each one of its grid values); default the first of each. The
        figure is left in this state, so that it can also be shown as the static default.
    alt : str
        Alt text of the image: what the figure shows (a sentence or two), not its file name.
    dpi : float, optional
        Resolution of the images (dots per inch) in [30, 300]; default the figure's.
    colors : int, optional
        Reduce each image to a palette of this many colours, in [2, 256] (smaller pages for
        line figures); default full colour.
    max_bytes : int
        Budget of the stored images (bytes); a larger explorer raises ``ValueError`` saying by how
        much, so that a chapter page stays light. Default 1,000,000.

    Returns
    -------
    StaticExplorer
        Displayed as its HTML (``_repr_html_``) by Jupyter and by the book's build.

    Notes
    -----
    The states are stored in row-major order of the grid (the last parameter varies fastest);
    a slider's position ``j`` selects ``grid[name][j]``. Identical images are stored once, so a
    parameter that leaves part of the grid unchanged costs nothing. Element ids derive from the
    images' hash, so a rebuild gives the same HTML.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from snnlib.plotting import static_explorer
    >>> t = np.linspace(0.0, 100.0, 201)                     # time (ms)
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> (line,) = ax.plot(t, np.sin(2 * np.pi * 0.01 * t))
    >>> # f: frequency (Hz)
    >>> def update(f=10.0):
    ...     line.set_ydata(np.sin(2 * np.pi * f * 1e-3 * t))
    >>> ex = static_explorer(
    ...     fig, update, {"f": [10.0, 20.0, 40.0]}, units={"f": "Hz"},
    ...     alt="A sine wave of the chosen frequency over 100 ms.", dpi=50)
    >>> ex.n_images, '<input type="range"' in ex.html, 'src="http' in ex.html
    (3, True, False)
    >>> plt.close(fig)
    """
    check_figure_update(fig, update)
    if not isinstance(grid, dict) or not grid:
        raise TypeError("grid must be a non-empty dict mapping update's keywords to sequences of values")
    names, values = [], []
    for name, seq in grid.items():
        if not isinstance(name, str):
            raise TypeError(f"grid keys must be update's keywords (str), got {name!r}")
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(f"grid[{name!r}] must be a sequence of values, got {type(seq).__name__}")
        seq = [v.item() if hasattr(v, "item") else v for v in seq]
        if len(seq) < 2:
            raise ValueError(f"grid[{name!r}] must hold at least two values (a slider), got {len(seq)}")
        if len(set(map(_format, seq))) != len(seq):
            raise ValueError(f"grid[{name!r}] holds repeated values: {seq}")
        names.append(name)
        values.append(seq)
    labels = {} if labels is None else dict(labels)
    units = {} if units is None else dict(units)
    for what, d in (("labels", labels), ("units", units)):
        extra = set(d) - set(names)
        if extra:
            raise ValueError(f"{what} has keys that are not in grid: {sorted(extra)}")
    initial = {} if initial is None else dict(initial)
    start = []
    for name, seq in zip(names, values):
        if name in initial:
            matches = [j for j, v in enumerate(seq) if v == initial[name]]
            if not matches:
                raise ValueError(f"initial[{name!r}] = {initial[name]!r} must be one of grid[{name!r}] = {seq}")
            start.append(matches[0])
        else:
            start.append(0)
    extra = set(initial) - set(names)
    if extra:
        raise ValueError(f"initial has keys that are not in grid: {sorted(extra)}")
    if not isinstance(alt, str) or len(alt.strip()) < 10:
        raise ValueError("alt must describe the figure in words (at least 10 characters), got "
                         f"{alt!r}")
    if dpi is not None:
        dpi = check_scalar(dpi, "dpi", low=30.0, high=300.0, unit="dots per inch")
    if colors is not None:
        colors = check_int(colors, "colors", low=2, high=256)
    max_bytes = check_int(max_bytes, "max_bytes", low=1)

    images, seen, index, total = [], {}, [], 0
    n_states = math.prod(len(seq) for seq in values)
    for combo in itertools.product(*values):
        update(**dict(zip(names, combo)))
        data = _encode(render_png(fig, dpi=dpi), colors)
        key = hashlib.sha256(data).hexdigest()
        if key not in seen:
            seen[key] = len(images)
            images.append(data)
            total += len(data)
            if total > max_bytes:
                raise ValueError(f"max_bytes: the images of this explorer exceed {max_bytes:,} bytes "
                                 f"({total:,} after {len(index) + 1} of {n_states} states); use fewer grid "
                                 f"values, a lower dpi or a palette (colors)")
        index.append(seen[key])
    update(**{name: seq[j] for name, seq, j in zip(names, values, start)})

    digest = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for d in images)).hexdigest()[:12]
    block = _explorer_html(
        f"snnlib-explorer-{digest}", [labels.get(n, n) for n in names], values, [units.get(n, "") for n in names],
        start, ["data:image/png;base64," + base64.b64encode(d).decode() for d in images], index, alt.strip())
    return StaticExplorer(block, names, {n: list(s) for n, s in zip(names, values)}, len(images), total)
