"""The book's house style: one matplotlib style sheet and a few drawing helpers.

Call :func:`use_style` once at the top of a chapter (or use :func:`style` as a context
manager). Helpers draw into a given ``matplotlib.axes.Axes`` and always label axes with units,
so chapters do not repeat matplotlib boilerplate.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from .._core.validation import check_array

__all__ = ["STYLE_FILE", "LINESTYLES", "use_style", "style", "label", "raster", "decision_boundary",
           "figure_caption_alt"]

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
