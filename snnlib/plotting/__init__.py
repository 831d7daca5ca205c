"""Plotting in the book's house style, and the live figures of its widgets.

* :mod:`~snnlib.plotting.style`: the style sheet (:func:`use_style`), line styles that survive
  grey-scale (:data:`LINESTYLES`), axis labels with units, spike rasters, decision boundaries;
* :mod:`~snnlib.plotting.live`: :class:`LiveFigure`, which redraws a fixed-layout figure in place
  for a widget, and the helpers it uses (:func:`fast_axes`, :func:`render_png`);
* :mod:`~snnlib.plotting.explorer`: :func:`static_explorer`, the same widget precomputed on a grid
  as sliders that work in the static HTML book.
"""

from .explorer import StaticExplorer, static_explorer
from .live import LiveFigure, fast_axes, render_png
from .style import LINESTYLES, STYLE_FILE, decision_boundary, figure_caption_alt, label, raster, style, use_style

__all__ = ["STYLE_FILE", "LINESTYLES", "use_style", "style", "label", "raster", "decision_boundary",
           "figure_caption_alt", "fast_axes", "render_png", "LiveFigure",
           "static_explorer", "StaticExplorer"]
