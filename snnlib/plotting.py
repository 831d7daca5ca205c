"""One house style for every figure of the book, and a few plotting helpers.

Call :func:`use_style` once at the top of a chapter (or use :func:`style` as a
context manager). Helpers draw into a given ``matplotlib.axes.Axes`` and
always label axes with units, so chapters do not repeat matplotlib boilerplate.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import numpy as np

from ._validation import check_array

__all__ = ["STYLE_FILE", "LINESTYLES", "use_style", "style", "raster", "decision_boundary",
           "label", "figure_caption_alt", "fast_axes", "render_png", "LiveFigure"]

#: Path of the matplotlib style sheet used throughout the book.
STYLE_FILE = str(Path(__file__).with_name("snnlib.mplstyle"))

#: Line styles to pair with the colour cycle so that curves stay distinct in grey-scale.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))


def use_style() -> None:
    """Apply the book's matplotlib style globally (idempotent)."""
    import matplotlib.pyplot as plt

    plt.style.use(STYLE_FILE)


@contextlib.contextmanager
def style():
    """Context manager applying the book's style only inside the ``with`` block."""
    import matplotlib.pyplot as plt

    with plt.style.context(STYLE_FILE):
        yield


def label(ax, xlabel: str, ylabel: str, title: str | None = None):
    """Set axis labels (which should carry units, e.g. ``"time (ms)"``) and an optional title."""
    if not isinstance(xlabel, str) or not isinstance(ylabel, str):
        raise TypeError("xlabel and ylabel must be strings (with units, e.g. 'time (ms)')")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


def raster(ax, spike_times, spike_ids, *, t_max: float | None = None, max_neurons: int | None = None,
           color: str = "k", markersize: float = 1.5):
    """Draw a spike raster: one dot per spike at (time in ms, neuron index).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    spike_times : array_like, shape (n_spikes,)
        Spike times (ms).
    spike_ids : array_like of int, shape (n_spikes,)
        Index of the neuron that fired each spike.
    t_max : float, optional
        Right limit of the time axis (ms).
    max_neurons : int, optional
        Show only neurons with index below this number.
    """
    t = check_array(spike_times, "spike_times", ndim=1, min_size=0)
    ids = check_array(spike_ids, "spike_ids", ndim=1, min_size=0, dtype=np.int64)
    if t.shape != ids.shape:
        raise ValueError(f"spike_times and spike_ids must have the same length, got {t.size} and {ids.size}")
    if max_neurons is not None:
        keep = ids < max_neurons
        t, ids = t[keep], ids[keep]
    ax.plot(t, ids, ls="none", marker=".", ms=markersize, color=color, rasterized=t.size > 5000)
    if t_max is not None:
        ax.set_xlim(0.0, t_max)
    label(ax, "time (ms)", "neuron index")
    return ax


def decision_boundary(ax, predict_proba, x, y, *, resolution: int = 200, margin: float = 0.5,
                      cmap: str = "RdBu_r"):
    """Shade the class-1 probability of a 2-D classifier and overlay the data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    predict_proba : callable
        ``predict_proba(points) -> (n, n_classes)`` array of class probabilities.
    x : array_like, shape (n, 2)
        Input points (dimensionless features).
    y : array_like of int, shape (n,)
        Class labels.
    resolution : int
        Grid points per axis.
    margin : float
        Extra space around the data (feature units).
    """
    x = check_array(x, "x", shape=(None, 2))
    y = check_array(y, "y", ndim=1, dtype=np.int64)
    if y.size != x.shape[0]:
        raise ValueError(f"y must have one label per row of x, got {y.size} labels for {x.shape[0]} points")
    lo = x.min(axis=0) - margin
    hi = x.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    p = np.asarray(predict_proba(grid))
    p1 = p[:, -1] if p.ndim == 2 else p
    ax.contourf(g0, g1, p1.reshape(g0.shape), levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.6)
    ax.contour(g0, g1, p1.reshape(g0.shape), levels=[0.5], colors="k", linewidths=1.2)
    markers = ("o", "s", "^", "D")
    for k, cls in enumerate(np.unique(y)):
        sel = y == cls
        ax.scatter(x[sel, 0], x[sel, 1], s=10, marker=markers[k % 4], edgecolor="k", linewidth=0.3,
                   facecolor="white" if k == 0 else "black", label=f"class {cls}")
    label(ax, "$x_1$ (a.u.)", "$x_2$ (a.u.)")
    ax.legend(loc="upper right")
    return ax


def figure_caption_alt(fig, alt: str) -> None:
    """Attach alt text to a figure (used by screen readers when the figure is saved)."""
    if not isinstance(alt, str) or not alt:
        raise ValueError("alt must be a non-empty string describing the figure")
    fig.set_label(alt)


def fast_axes(ax, *, nbins=None, minor_x=True, ylabel_x=-0.19, xlabel_y=-0.13):
    """Make an axes cheap to redraw: fewer ticks and axis labels at fixed positions.

    Text layout is most of the time matplotlib needs to draw a small figure. With fixed label
    positions it no longer measures every tick label on each draw to place the axis labels.
    Used for the figures of live widgets (see :class:`LiveFigure`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to change.
    nbins : int, optional
        At most this many major tick intervals on each linear axis (>= 2); default: matplotlib's.
    minor_x : bool
        Keep the minor ticks of the x axis (on a log axis they are many); default True.
    ylabel_x : float
        Horizontal position of the y-axis label, in axes coordinates (0 = left edge).
    xlabel_y : float
        Vertical position of the x-axis label, in axes coordinates (0 = bottom edge).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import fast_axes
    >>> fig, ax = plt.subplots()
    >>> _ = fast_axes(ax, nbins=4, minor_x=False)
    >>> plt.close(fig)
    """
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    if nbins is not None:
        import matplotlib.ticker as mticker

        from ._validation import check_int

        nbins = check_int(nbins, "nbins", low=2)
        for axis in (ax.xaxis, ax.yaxis):  # linear axes only: log axes have their own locator
            if isinstance(axis.get_major_locator(), mticker.MaxNLocator):
                axis.get_major_locator().set_params(nbins=nbins)
    if not isinstance(minor_x, bool):
        raise TypeError(f"minor_x must be True or False, got {minor_x!r}")
    if not minor_x:
        import matplotlib.ticker as mticker

        ax.xaxis.set_minor_locator(mticker.NullLocator())
    from ._validation import check_scalar

    ax.xaxis.set_label_coords(0.5, check_scalar(xlabel_y, "xlabel_y", low=-1.0, high=1.0))
    ax.yaxis.set_label_coords(check_scalar(ylabel_x, "ylabel_x", low=-1.0, high=1.0), 0.5)
    return ax


def render_png(fig, *, dpi=None) -> bytes:
    """Render a figure to PNG bytes with a single Agg draw (no tight-bounding-box pass).

    This is what :class:`LiveFigure` does on every redraw; chapters use it to time a redraw in
    cells that the book executes (where no widget is shown).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to render; its size (inches) and layout are used as they are.
    dpi : float, optional
        Resolution (dots per inch), in [30, 300]; default the figure's own.

    Returns
    -------
    bytes
        The PNG file.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import render_png
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> png = render_png(fig, dpi=50)
    >>> png[:4] == b"\\x89PNG", int.from_bytes(png[16:20], "big")   # PNG header, width 2 in x 50 dpi
    (True, 100)
    >>> plt.close(fig)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if dpi is not None:
        from ._validation import check_scalar

        fig.set_dpi(check_scalar(dpi, "dpi", low=30.0, high=300.0, unit="dots per inch"))
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    buf = io.BytesIO()
    canvas.print_png(buf)
    return buf.getvalue()


class LiveFigure:
    """A figure that widgets redraw in place: the fast way to make a chapter's figure interactive.

    The usual ``ipywidgets.interact`` pattern builds a new figure on every slider move, and the
    inline backend then draws it twice (once to find the tight bounding box) and encodes a PNG;
    on a small machine that alone takes 0.3-0.5 s. A ``LiveFigure`` keeps one figure whose
    layout is fixed, lets ``update`` change its artists' data (``Line2D.set_data``,
    ``StepPatch.set_data``, ``Text.set_text``, axis limits), and renders it once into an
    ``ipywidgets.Image``: typically 0.1 s for three panels at 80 dpi.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, already drawn with the default values (the static figure of the HTML book).
        Give it a fixed layout (``fig.subplots_adjust``), not ``constrained_layout``.
    update : callable
        ``update(**values)`` changes the figure's artists in place for the control values
        ``values`` (one keyword per control). It must not create a new figure.
    controls : dict of str to ipywidgets.ValueWidget
        The controls (sliders, dropdowns, ...), by the keyword of ``update`` they feed.
    dpi : float, optional
        Resolution of the rendered image (dots per inch), in [30, 300]; default the figure's.

    Attributes
    ----------
    last_seconds : float
        Wall-clock time (s) of the most recent :meth:`redraw`, update and rendering included.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from snnlib.plotting import LiveFigure
    >>> t = np.linspace(0.0, 100.0, 201)                     # time (ms)
    >>> fig, ax = plt.subplots()
    >>> (line,) = ax.plot(t, np.sin(2 * np.pi * 0.01 * t))
    >>> def update(f=10.0):                                  # f: frequency (Hz)
    ...     line.set_ydata(np.sin(2 * np.pi * f * 1e-3 * t))
    >>> live = LiveFigure(fig, update, {"f": widgets.FloatSlider(value=10.0, min=1.0, max=50.0)})
    >>> seconds = live.redraw(f=20.0)                         # what a slider move does
    >>> live.image.value[:4] == b"\\x89PNG"
    True
    >>> plt.close(fig)
    """

    def __init__(self, fig, update, controls, *, dpi=None):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
        if not callable(update):
            raise TypeError(f"update must be callable as update(**values), got {type(update).__name__}")
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict mapping update's keywords to ipywidgets controls")
        for name, w in controls.items():
            if not isinstance(name, str) or not isinstance(w, widgets.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets control with a value "
                                f"(e.g. FloatSlider), got {type(w).__name__}")
        if dpi is not None:
            from ._validation import check_scalar

            dpi = check_scalar(dpi, "dpi", low=30.0, high=300.0, unit="dots per inch")
        self.fig = fig
        self.update = update
        self.controls = dict(controls)
        self.dpi = dpi
        self.image = widgets.Image(format="png")
        self.timing = widgets.HTML()
        self.last_seconds = float("nan")
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())), self.image, self.timing])
        self._render()

    def _values(self):
        return {name: w.value for name, w in self.controls.items()}

    def _render(self):
        self.image.value = render_png(self.fig, dpi=self.dpi)

    def redraw(self, **values):
        """Call ``update`` with the current control values (overridden by ``values``) and render.

        Parameters
        ----------
        **values
            Control values to use instead of the controls' current ones (same units as the
            controls); used by tests and to time a redraw without a browser.

        Returns
        -------
        float
            Seconds the update and rendering took (also kept in :attr:`last_seconds`).
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"values must be keywords among the controls {sorted(self.controls)}, "
                             f"got {sorted(unknown)}")
        start = time.perf_counter()
        self.update(**{**self._values(), **values})
        self._render()
        self.last_seconds = time.perf_counter() - start
        self.timing.value = f"<small>redrawn in {1000.0 * self.last_seconds:.0f} ms</small>"
        return self.last_seconds

    def _on_change(self, change):
        self.redraw()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
