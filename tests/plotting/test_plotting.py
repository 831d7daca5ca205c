"""The house style and plotting helpers."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from snnlib import plotting


def test_style_file_applies():
    with plotting.style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colors[0].lower() in ("0072b2", "#0072b2")


def test_raster_draws_every_spike_and_labels_units():
    fig, ax = plt.subplots()
    t = np.array([1.0, 2.0, 5.0])
    ids = np.array([0, 2, 1])
    plotting.raster(ax, t, ids, t_max=10.0)
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), t)
    np.testing.assert_array_equal(line.get_ydata(), ids)
    assert ax.get_xlabel() == "time (ms)"
    assert ax.get_xlim() == (0.0, 10.0)
    plt.close(fig)


def test_raster_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="spike_times and spike_ids"):
        plotting.raster(ax, [1.0, 2.0], [0])
    with pytest.raises(ValueError, match="spike_times"):
        plotting.raster(ax, [np.nan], [0])
    plt.close(fig)


def test_decision_boundary_contour_at_half():
    fig, ax = plt.subplots()
    x = np.array([[-1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])

    def proba(p):  # logistic in x_1: the 0.5 contour is the line x_1 = 0
        p1 = 1.0 / (1.0 + np.exp(-5.0 * p[:, 0]))
        return np.column_stack([1 - p1, p1])

    plotting.decision_boundary(ax, proba, x, y, resolution=101)
    with pytest.raises(ValueError, match="y must have one label per row"):
        plotting.decision_boundary(ax, proba, x, [0])
    plt.close(fig)


def test_label_requires_strings():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="xlabel"):
        plotting.label(ax, 1, "y")
    plt.close(fig)


def _live(**kw):
    widgets = pytest.importorskip("ipywidgets")
    t = np.linspace(0.0, 100.0, 51)
    fig, ax = plt.subplots()
    (line,) = ax.plot(t, np.zeros_like(t))
    ax.set_ylim(-2, 2)
    calls = []

    def update(a=0.0, shift=0.0):
        calls.append((a, shift))
        line.set_ydata(a * np.ones_like(t) + shift)

    controls = {"a": widgets.FloatSlider(value=0.0, min=-1.0, max=1.0),
                "shift": widgets.FloatSlider(value=0.0, min=-1.0, max=1.0)}
    return plotting.LiveFigure(fig, update, controls, **kw), controls, calls, line, fig


def test_live_figure_redraws_in_place_on_slider_change():
    live, controls, calls, line, fig = _live(dpi=50)
    first = live.image.value
    assert first[:4] == b"\x89PNG"
    controls["a"].value = 0.5                      # what a slider move does
    assert calls[-1] == (0.5, 0.0)
    np.testing.assert_array_equal(line.get_ydata(), 0.5)
    assert live.image.value != first               # the image changed
    live.redraw(shift=-0.25)                       # explicit values override the controls
    assert calls[-1] == (0.5, -0.25)
    assert live.last_seconds > 0
    # the rendered size follows dpi: 50 dpi times the figure size in inches
    w_in, h_in = fig.get_size_inches()
    width = int.from_bytes(live.image.value[16:20], "big")
    assert width == round(w_in * 50)
    plt.close(fig)


def test_live_figure_bad_input():
    widgets = pytest.importorskip("ipywidgets")
    fig, ax = plt.subplots()
    slider = {"a": widgets.FloatSlider()}
    with pytest.raises(TypeError, match="fig"):
        plotting.LiveFigure(ax, lambda a: None, slider)
    with pytest.raises(TypeError, match="update"):
        plotting.LiveFigure(fig, None, slider)
    with pytest.raises(TypeError, match="controls"):
        plotting.LiveFigure(fig, lambda a: None, {})
    with pytest.raises(TypeError, match="controls"):
        plotting.LiveFigure(fig, lambda a: None, {"a": 3.0})
    with pytest.raises(ValueError, match="dpi"):
        plotting.LiveFigure(fig, lambda a: None, slider, dpi=5)
    live = plotting.LiveFigure(fig, lambda a: None, slider)
    with pytest.raises(ValueError, match="values"):
        live.redraw(b=1.0)
    plt.close(fig)


def test_render_png_size_and_bad_input():
    fig, ax = plt.subplots(figsize=(3.0, 2.0))
    png = plotting.render_png(fig, dpi=40)
    assert png[:4] == b"\x89PNG"
    assert int.from_bytes(png[16:20], "big") == 120 and int.from_bytes(png[20:24], "big") == 80
    with pytest.raises(TypeError, match="fig"):
        plotting.render_png(ax)
    with pytest.raises(ValueError, match="dpi"):
        plotting.render_png(fig, dpi=1000)
    plt.close(fig)


def test_fast_axes_fixes_label_positions_and_ticks():
    fig, ax = plt.subplots()
    ax.semilogx([1.0, 1000.0], [0.0, 1.0])
    ax.set_xlabel("f (Hz)")
    plotting.fast_axes(ax, nbins=3, minor_x=False, ylabel_x=-0.25)
    assert tuple(ax.yaxis.label.get_position()) == (-0.25, 0.5)
    assert tuple(ax.xaxis.label.get_position()) == (0.5, -0.13)
    assert len(ax.xaxis.get_minorticklocs()) == 0
    assert len(ax.get_yticks()) <= 3 + 2              # nbins intervals, plus the two ends
    with pytest.raises(TypeError, match="ax"):
        plotting.fast_axes(fig)
    with pytest.raises(ValueError, match="nbins"):
        plotting.fast_axes(ax, nbins=1)
    with pytest.raises(TypeError, match="minor_x"):
        plotting.fast_axes(ax, minor_x="no")
    with pytest.raises(ValueError, match="ylabel_x"):
        plotting.fast_axes(ax, ylabel_x=5.0)
    plt.close(fig)
