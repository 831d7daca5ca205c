"""The book's house style: one matplotlib style sheet and a few drawing helpers.

Call :func:`use_style` once at the top of a chapter (or use :func:`style` as a context
manager). Helpers draw into a given ``matplotlib.axes.Axes`` and always label axes with units,
so chapters do not repeat matplotlib boilerplate. Every helper checks its arguments and names
the bad one (``ax=None``, ``t_max="abc"``, ``markersize=-1`` ...) instead of failing deep
inside matplotlib.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from .._core.validation import (check_array, check_int, check_memory, check_nonnegative, check_one_per_row,
                                check_positive)

__all__ = ["STYLE_FILE", "LINESTYLES", "use_style", "style", "label", "raster", "decision_boundary",
           "figure_caption_alt"]

#: Path of the matplotlib style sheet used throughout the book.
STYLE_FILE = str(Path(__file__).with_name("snnlib.mplstyle"))

#: Line styles to pair with the colour cycle so that curves stay distinct in grey-scale.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))

#: Spikes above which a raster is drawn as an image inside a vector figure (one marker per spike
#: would make a PDF or SVG slow to open).
_RASTERIZE_ABOVE = 5000
#: Bytes :func:`decision_boundary` holds per grid point: the two coordinate grids, the points
#: (16), the probabilities of a few classes and matplotlib's contour copies, rounded up.
_BYTES_PER_GRID_POINT = 128
#: Markers of the classes in :func:`decision_boundary` (filled white, then black, in turn).
_CLASS_MARKERS = ("o", "s", "^", "D")


def check_axes(ax, name: str = "ax"):
    """Return ``ax`` if it is a matplotlib Axes, else raise ``TypeError`` naming ``name``."""
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes (e.g. from plt.subplots()), got {type(ax).__name__}")
    return ax


def use_style() -> None:
    """Apply the book's matplotlib style globally (idempotent).

    The style (:data:`STYLE_FILE`) sets a colour cycle that survives grey-scale and colour
    blindness, no top and right spines, and font sizes for the book's figure widths.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib
    >>> from snnlib.plotting import use_style
    >>> use_style()
    >>> matplotlib.rcParams["axes.spines.top"]
    False
    """
    import matplotlib.pyplot as plt

    plt.style.use(STYLE_FILE)


@contextlib.contextmanager
def style():
    """Context manager applying the book's style only inside the ``with`` block.

    Yields
    ------
    None
        Matplotlib's settings are restored when the block ends.

    Examples
    --------
    >>> import matplotlib
    >>> from snnlib.plotting import style
    >>> with style():
    ...     print(matplotlib.rcParams["axes.spines.right"])
    False
    """
    import matplotlib.pyplot as plt

    with plt.style.context(STYLE_FILE):
        yield


def label(ax, xlabel: str, ylabel: str, title: str | None = None):
    """Set the axis labels (with units) and an optional title.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to label.
    xlabel, ylabel : str
        Axis labels, each naming the quantity and its unit, e.g. ``"time (ms)"``.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The labelled ``ax`` (so that calls can be chained).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import label
    >>> fig, ax = plt.subplots()
    >>> label(ax, "time (ms)", "membrane potential (mV)").get_xlabel()
    'time (ms)'
    >>> plt.close(fig)
    """
    check_axes(ax)
    if not isinstance(xlabel, str) or not isinstance(ylabel, str):
        raise TypeError(f"xlabel and ylabel must be strings (with units, e.g. 'time (ms)'), got "
                        f"{type(xlabel).__name__} and {type(ylabel).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


def _check_color(color, name: str = "color"):
    from matplotlib.colors import is_color_like

    if not is_color_like(color):
        raise ValueError(f"{name} must be a matplotlib colour (e.g. 'k', 'C0', '#0072b2'), got {color!r}")
    return color


def raster(ax, spike_times, spike_ids, *, t_max: float | None = None, max_neurons: int | None = None,
           color: str = "k", markersize: float = 1.5):
    """Draw a spike raster: one dot per spike at (time in ms, neuron index).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    spike_times : array_like, shape (n_spikes,)
        Spike times (ms), finite.
    spike_ids : array_like of int, shape (n_spikes,)
        Index of the neuron that fired each spike (whole numbers).
    t_max : float, optional
        Right limit of the time axis (ms), > 0.
    max_neurons : int, optional
        Show only neurons with index below this number (>= 1).
    color : str
        Matplotlib colour of the dots.
    markersize : float
        Size of the dots (points), >= 0.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, labelled "time (ms)" and "neuron index".

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import raster
    >>> fig, ax = plt.subplots()
    >>> _ = raster(ax, [1.0, 2.5, 4.0], [0, 1, 0], t_max=5.0)
    >>> ax.lines[0].get_xdata().tolist(), [float(v) for v in ax.get_xlim()]
    ([1.0, 2.5, 4.0], [0.0, 5.0])
    >>> plt.close(fig)
    """
    check_axes(ax)
    t = check_array(spike_times, "spike_times", ndim=1, min_size=0, unit="ms")
    ids = check_array(spike_ids, "spike_ids", ndim=1, min_size=0, dtype=np.int64)
    if t.shape != ids.shape:
        raise ValueError(f"spike_times and spike_ids must have the same length, got {t.size} and {ids.size}")
    if t_max is not None:
        t_max = check_positive(t_max, "t_max", unit="ms")
    if max_neurons is not None:
        max_neurons = check_int(max_neurons, "max_neurons", low=1)
        keep = ids < max_neurons
        t, ids = t[keep], ids[keep]
    _check_color(color)
    markersize = check_nonnegative(markersize, "markersize", unit="points")
    ax.plot(t, ids, ls="none", marker=".", ms=markersize, color=color, rasterized=t.size > _RASTERIZE_ABOVE)
    if t_max is not None:
        ax.set_xlim(0.0, t_max)
    label(ax, "time (ms)", "neuron index")
    return ax


def _class_probability(predict_proba, grid: np.ndarray) -> np.ndarray:
    """The last column of ``predict_proba(grid)`` (or the 1-D output), checked to be probabilities."""
    if not callable(predict_proba):
        raise TypeError(f"predict_proba must be callable as predict_proba(points) -> probabilities, "
                        f"got {type(predict_proba).__name__}")
    p = np.asarray(predict_proba(grid))
    if p.ndim not in (1, 2) or p.shape[0] != grid.shape[0]:
        raise ValueError(f"predict_proba must return shape (n_points,) or (n_points, n_classes) for "
                         f"{grid.shape[0]} points, got shape {p.shape}")
    p1 = check_array(p[:, -1] if p.ndim == 2 else p, "predict_proba(points)", finite=False)
    if not np.all((p1 >= 0.0) & (p1 <= 1.0)):   # also False for NaN
        bad = p1[~((p1 >= 0.0) & (p1 <= 1.0))][0]
        raise ValueError(f"predict_proba must return probabilities in [0, 1], got {float(bad):g}")
    return p1


def decision_boundary(ax, predict_proba, x, y, *, resolution: int = 200, margin: float = 0.5,
                      cmap: str = "RdBu_r"):
    """Shade the probability of the last class of a 2-D classifier, draw its 50 % line and the data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes to draw into.
    predict_proba : callable
        ``predict_proba(points) -> (n, n_classes)`` (or ``(n,)``) array of class
        probabilities in [0, 1] for ``points`` of shape (n, 2) (a.u.); the last column
        (class 1 of a two-class problem) is shown.
    x : array_like, shape (n, 2)
        Input points (a.u.), finite.
    y : array_like of int, shape (n,)
        Class labels (whole numbers), one per row of ``x``.
    resolution : int
        Grid points per axis, in [2, 10000].
    margin : float
        Extra space around the data (a.u.), >= 0.
    cmap : str or matplotlib.colors.Colormap
        Colour map of the probability.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with the filled probability levels 0, 0.1, ..., 1, the level line at 0.5 (the
        decision boundary), the points marked by class and a legend.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from snnlib.plotting import decision_boundary
    >>> # P(class 1 | x) = logistic(5 x_1)
    >>> def proba(points):
    ...     p1 = 1.0 / (1.0 + np.exp(-5.0 * points[:, 0]))
    ...     return np.column_stack([1.0 - p1, p1])
    >>> fig, ax = plt.subplots()
    >>> _ = decision_boundary(ax, proba, np.array([[-1.0, 0.0], [1.0, 0.0]]),
    ...                       [0, 1], resolution=50)
    >>> plt.close(fig)
    """
    import matplotlib

    check_axes(ax)
    x = check_array(x, "x", shape=(None, 2))
    y = check_array(y, "y", ndim=1, dtype=np.int64)
    check_one_per_row(y, x)
    resolution = check_int(resolution, "resolution", low=2, high=10_000)
    check_memory(_BYTES_PER_GRID_POINT * float(resolution) ** 2, "resolution",
                 what=f"a {resolution} x {resolution} grid", hint="lower resolution")
    margin = check_nonnegative(margin, "margin", unit="a.u.")
    if not isinstance(cmap, matplotlib.colors.Colormap) and cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap must be a matplotlib colour map or its name (e.g. 'RdBu_r'), got {cmap!r}")
    lo = x.min(axis=0) - margin
    hi = x.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    p1 = _class_probability(predict_proba, np.column_stack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    ax.contourf(g0, g1, p1, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.6)
    ax.contour(g0, g1, p1, levels=[0.5], colors="k", linewidths=1.2)
    for k, cls in enumerate(np.unique(y)):
        sel = y == cls
        ax.scatter(x[sel, 0], x[sel, 1], s=10, marker=_CLASS_MARKERS[k % len(_CLASS_MARKERS)], edgecolor="k",
                   linewidth=0.3, facecolor="white" if k % 2 == 0 else "black", label=f"class {cls}")
    label(ax, "$x_1$ (a.u.)", "$x_2$ (a.u.)")
    ax.legend(loc="upper right")
    return ax


def figure_caption_alt(fig, alt: str) -> None:
    """Attach alt text to a figure (read by screen readers when the figure is saved).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    alt : str
        Non-empty description of what the figure shows, for readers who cannot see it.

    Returns
    -------
    None
        The text is stored as the figure's label (``fig.get_label()``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from snnlib.plotting import figure_caption_alt
    >>> fig, ax = plt.subplots()
    >>> figure_caption_alt(fig,
    ...                    "Membrane potential of one LIF neuron over 100 ms.")
    >>> fig.get_label()
    'Membrane potential of one LIF neuron over 100 ms.'
    >>> plt.close(fig)
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty string describing the figure")
    fig.set_label(alt)
