"""Live figures for the chapters' widgets: redraw in place, render fast.

:class:`LiveFigure` keeps one figure of fixed layout whose artists an ``update`` function
changes in place, and shows it as PNG bytes in an ``ipywidgets.Image`` (one Agg draw per
redraw, no tight-bbox pass). :func:`fast_axes` makes an axes cheap to redraw and
:func:`render_png` is the single draw to PNG that both use.
"""

from __future__ import annotations

import io
import time

from .._core.validation import check_bool, check_int, check_scalar
from .style import check_axes

__all__ = ["fast_axes", "render_png", "LiveFigure"]


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
        ``numpy.True_``/``numpy.False_`` are accepted.
    ylabel_x : float
        Horizontal position of the y-axis label, in axes coordinates (fraction of the axes
        width, 0 = left edge), in [-1, 1].
    xlabel_y : float
        Vertical position of the x-axis label, in axes coordinates (fraction of the axes
        height, 0 = bottom edge), in [-1, 1].

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, changed in place.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import fast_axes
    >>> fig, ax = plt.subplots()
    >>> # x label at (0.5, -0.13)
    >>> fast_axes(ax, nbins=4, minor_x=False).xaxis.label.get_position()
    (0.5, -0.13)
    >>> plt.close(fig)
    """
    import matplotlib.ticker as mticker

    check_axes(ax)
    if nbins is not None:
        nbins = check_int(nbins, "nbins", low=2)
    minor_x = check_bool(minor_x, "minor_x")
    xlabel_y = check_scalar(xlabel_y, "xlabel_y", low=-1.0, high=1.0)
    ylabel_x = check_scalar(ylabel_x, "ylabel_x", low=-1.0, high=1.0)
    if nbins is not None:
        for axis in (ax.xaxis, ax.yaxis):  # linear axes only: log axes have their own locator
            if isinstance(axis.get_major_locator(), mticker.MaxNLocator):
                axis.get_major_locator().set_params(nbins=nbins)
    if not minor_x:
        ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.xaxis.set_label_coords(0.5, xlabel_y)
    ax.yaxis.set_label_coords(ylabel_x, 0.5)
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
    >>> # PNG header, width 2 in x 50 dpi
    >>> png[:4] == b"\\x89PNG", int.from_bytes(png[16:20], "big")
    (True, 100)
    >>> plt.close(fig)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if dpi is not None:
        fig.set_dpi(check_scalar(dpi, "dpi", low=30.0, high=300.0, unit="dots per inch"))
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    buf = io.BytesIO()
    canvas.print_png(buf)
    return buf.getvalue()


def check_figure_update(fig, update) -> None:
    """Raise ``TypeError`` unless ``fig`` is a matplotlib Figure and ``update`` is callable (the pair
    that :class:`LiveFigure` and :func:`~snnlib.plotting.explorer.static_explorer` redraw)."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if not callable(update):
        raise TypeError(f"update must be callable as update(**values), got {type(update).__name__}")


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
    >>> # f: frequency (Hz)
    >>> def update(f=10.0):
    ...     line.set_ydata(np.sin(2 * np.pi * f * 1e-3 * t))
    >>> slider = widgets.FloatSlider(value=10.0, min=1.0, max=50.0)
    >>> live = LiveFigure(fig, update, {"f": slider})
    >>> # what a slider move does
    >>> seconds = live.redraw(f=20.0)
    >>> live.image.value[:4] == b"\\x89PNG"
    True
    >>> plt.close(fig)
    """

    def __init__(self, fig, update, controls, *, dpi=None):
        import ipywidgets as widgets

        check_figure_update(fig, update)
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict mapping update's keywords to ipywidgets controls")
        for name, w in controls.items():
            if not isinstance(name, str) or not isinstance(w, widgets.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets control with a value "
                                f"(e.g. FloatSlider), got {type(w).__name__}")
        if dpi is not None:
            dpi = check_scalar(dpi, "dpi", low=30.0, high=300.0, unit="dots per inch")
        self.fig = fig
        self.update = update
        self.controls = dict(controls)
        self.dpi = dpi
        # shown at its own pixel width (shrunk to fit a narrow notebook, never blown up: a box
        # stretches its children to its width, which made a 660-px image 1,700 px wide)
        width = round(fig.get_size_inches()[0] * (dpi if dpi is not None else fig.dpi))
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%",
                                                                      height="auto"))
        self.timing = widgets.HTML()
        self.last_seconds = float("nan")
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        for w in self.controls.values():
            # the whole label (the default cuts it at 80 px: "Delta_T (..."), unless the chapter set a width
            if hasattr(w, "style") and hasattr(w.style, "description_width") and not w.style.description_width:
                w.style.description_width = "initial"
        # controls keep their natural width and wrap onto more rows in a narrow notebook (in one row,
        # five sliders left tracks of 22-40 px next to JupyterLab's file browser)
        row = widgets.HBox(list(self.controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap", column_gap="1em"))
        self.widget = widgets.VBox([row, self.image, self.timing])
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
