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


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda ax: plotting.raster(None, [1.0], [0]), TypeError, r"ax must be a matplotlib Axes \(e\.g\. from plt\.subplots\(\)\), got NoneType"),
    (lambda ax: plotting.raster(ax, [1.0, 2.0], [0]), ValueError,
     r"spike_times and spike_ids must have the same length, got 2 and 1"),
    (lambda ax: plotting.raster(ax, [np.nan], [0]), ValueError, r"spike_times must contain only finite values"),
    (lambda ax: plotting.raster(ax, [1.0], [0.5]), ValueError, r"spike_ids must contain integers, got 0.5"),
    (lambda ax: plotting.raster(ax, [1.0], [0], t_max="abc"), TypeError, r"t_max must be a real number, got str"),
    (lambda ax: plotting.raster(ax, [1.0], [0], t_max=-1.0), ValueError, r"t_max must lie in \(0, inf\) ms, got -1"),
    (lambda ax: plotting.raster(ax, [1.0], [0], markersize=-1.0), ValueError,
     r"markersize must lie in \[0, inf\) points, got -1"),
    (lambda ax: plotting.raster(ax, [1.0], [0], markersize=True), TypeError, r"markersize must be a real number, got bool"),
    (lambda ax: plotting.raster(ax, [1.0], [0], max_neurons=0), ValueError,
     r"max_neurons must be an integer in \[1, inf\], got 0"),
    (lambda ax: plotting.raster(ax, [1.0], [0], color="not-a-colour"), ValueError,
     r"color must be a matplotlib colour \(e.g. 'k', 'C0', '#0072b2'\), got 'not-a-colour'"),
    (lambda ax: plotting.label(None, "t (ms)", "v (mV)"), TypeError, r"ax must be a matplotlib Axes \(e\.g\. from plt\.subplots\(\)\), got NoneType"),
    (lambda ax: plotting.label(ax, 1, "v (mV)"), TypeError, r"xlabel and ylabel must be strings \(with units"),
    (lambda ax: plotting.label(ax, "t (ms)", "v (mV)", title=3), TypeError, r"title must be a string or None, got int"),
    (lambda ax: plotting.fast_axes(None), TypeError, r"ax must be a matplotlib Axes \(e\.g\. from plt\.subplots\(\)\), got NoneType"),
    (lambda ax: plotting.fast_axes(ax, nbins=1), ValueError, r"nbins must be an integer in \[2, inf\], got 1"),
    (lambda ax: plotting.fast_axes(ax, minor_x="no"), TypeError, r"minor_x must be True or False, got str"),
    (lambda ax: plotting.fast_axes(ax, minor_x=1), TypeError, r"minor_x must be True or False, got int"),
    (lambda ax: plotting.fast_axes(ax, ylabel_x=5.0), ValueError, r"ylabel_x must lie in \[-1, 1\], got 5"),
    (lambda ax: plotting.figure_caption_alt(None, "a figure"), TypeError, r"fig must be a matplotlib.figure.Figure"),
    (lambda ax: plotting.figure_caption_alt(ax.figure, "  "), ValueError,
     r"alt must be a non-empty string describing the figure"),
])
def test_bad_input_names_the_argument_and_range(ax, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call(ax)


def test_fast_axes_accepts_numpy_bools(ax):
    ax.semilogx([1.0, 1000.0], [0.0, 1.0])
    plotting.fast_axes(ax, minor_x=np.True_)
    assert len(ax.xaxis.get_minorticklocs()) > 0          # minor ticks of the log axis kept
    plotting.fast_axes(ax, minor_x=np.False_)
    assert len(ax.xaxis.get_minorticklocs()) == 0


def _logistic(points):
    p1 = 1.0 / (1.0 + np.exp(-5.0 * points[:, 0]))
    return np.column_stack([1.0 - p1, p1])


X2 = np.array([[-1.0, 0.0], [1.0, 0.5]])


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda ax: plotting.decision_boundary(None, _logistic, X2, [0, 1]), TypeError, r"ax must be a matplotlib Axes"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0]), ValueError,
     r"y must have one label per row of x, got 1 labels for 2 rows of x"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 0.5]), ValueError, r"y must contain integers, got 0.5"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 1], resolution=-1), ValueError,
     r"resolution must be an integer in \[2, 10000\], got -1"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 1], resolution=10 ** 6), ValueError,
     r"resolution must be an integer in \[2, 10000\], got 1000000"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 1], resolution=np.True_), TypeError,
     r"resolution must be an integer, got bool"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 1], margin=-0.1), ValueError,
     r"margin must lie in \[0, inf\) a.u., got -0.1"),
    (lambda ax: plotting.decision_boundary(ax, _logistic, X2, [0, 1], cmap="no-such-map"), ValueError,
     r"cmap must be a matplotlib colour map or its name"),
    (lambda ax: plotting.decision_boundary(ax, "proba", X2, [0, 1]), TypeError, r"predict_proba must be callable"),
    (lambda ax: plotting.decision_boundary(ax, lambda p: np.full(len(p), np.nan), X2, [0, 1]), ValueError,
     r"predict_proba must return probabilities in \[0, 1\], got nan"),
    (lambda ax: plotting.decision_boundary(ax, lambda p: np.full((len(p), 2), 1.5), X2, [0, 1]), ValueError,
     r"predict_proba must return probabilities in \[0, 1\], got 1.5"),
    (lambda ax: plotting.decision_boundary(ax, lambda p: _logistic(p)[:3], X2, [0, 1]), ValueError,
     r"predict_proba must return shape \(n_points,\) or \(n_points, n_classes\) for 40000 points"),
])
def test_decision_boundary_bad_input(ax, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call(ax)


def test_decision_boundary_grid_memory_guard(ax, monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(2 ** 30))   # the limit of one call, pinned to 1 GiB
    with pytest.raises(ValueError, match=r"resolution: a 5000 x 5000 grid would need .*; lower resolution"):
        plotting.decision_boundary(ax, _logistic, X2, [0, 1], resolution=5000)


def _contour_sets(ax, filled):
    from matplotlib.contour import ContourSet

    return [c for c in ax.collections if isinstance(c, ContourSet) and c.filled == filled]


def _half_level_vertices(ax):
    """Vertices (a.u.) of the line contour drawn at level 0.5 (not the filled levels)."""
    sets = _contour_sets(ax, filled=False)
    assert len(sets) == 1 and list(sets[0].levels) == [0.5]
    segs = [s for s in sets[0].allsegs[0] if len(s)]
    assert segs, "no 0.5 contour drawn"
    return np.concatenate(segs)


def test_decision_boundary_contour_at_half_on_a_straight_boundary(ax):
    # P(class 1 | x) = 0.5 + 0.2 (x1 + x2 / 2 - 0.2), clipped to [0, 1]: linear near the boundary, so
    # the contour's linear interpolation along grid edges is exact there: every vertex of the drawn
    # line lies on x1 + x2 / 2 = 0.2 (up to rounding), and the line crosses the whole plotted area.
    def proba(points):
        p1 = np.clip(0.5 + 0.2 * (points[:, 0] + 0.5 * points[:, 1] - 0.2), 0.0, 1.0)
        return np.column_stack([1.0 - p1, p1])

    x = np.array([[-1.0, -1.0], [1.0, 1.0], [0.5, -1.0]])
    plotting.decision_boundary(ax, proba, x, [0, 1, 1], resolution=41, margin=0.5)
    v = _half_level_vertices(ax)
    np.testing.assert_allclose(v[:, 0] + 0.5 * v[:, 1], 0.2, rtol=0, atol=1e-12)
    # independent evaluation: the classifier itself says 0.5 at every vertex
    np.testing.assert_allclose(proba(v)[:, 1], 0.5, rtol=0, atol=1e-12)
    # the boundary spans the grid from bottom (x2 = -1.5) to top (x2 = 1.5)
    assert v[:, 1].min() == pytest.approx(-1.5, abs=1e-12) and v[:, 1].max() == pytest.approx(1.5, abs=1e-12)
    # and the filled map has the levels 0, 0.1, ..., 1
    np.testing.assert_allclose(_contour_sets(ax, filled=True)[0].levels, np.linspace(0.0, 1.0, 11))


def test_decision_boundary_contour_at_half_on_a_circle(ax):
    # P(class 1 | x) = logistic(4 (|x|^2 - 1)): the 0.5 level is the unit circle. Each vertex of the
    # drawn line lies on a grid edge whose end points straddle the circle, so it is within one grid
    # step h of it; the line goes all the way round.
    def proba(points):
        p1 = 1.0 / (1.0 + np.exp(-4.0 * (np.sum(points ** 2, axis=1) - 1.0)))
        return np.column_stack([1.0 - p1, p1])

    x = np.array([[-1.5, -1.5], [1.5, 1.5], [0.0, 0.0]])
    resolution, margin = 61, 0.5
    plotting.decision_boundary(ax, proba, x, [1, 1, 0], resolution=resolution, margin=margin)
    h = (3.0 + 2 * margin) / (resolution - 1)
    v = _half_level_vertices(ax)
    assert np.all(np.abs(np.hypot(v[:, 0], v[:, 1]) - 1.0) <= h)
    angles = np.sort(np.arctan2(v[:, 1], v[:, 0]))
    gaps = np.diff(np.concatenate([angles, [angles[0] + 2 * np.pi]]))
    assert gaps.max() < 2 * h                             # closed: no missing arc longer than ~2 steps


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
    # shown at that width (at most the notebook's), not stretched to the width of the box
    assert (live.image.layout.width, live.image.layout.max_width) == (f"{width}px", "100%")
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
    with pytest.raises(TypeError, match=r"ax must be a matplotlib Axes \(e.g. from plt.subplots\(\)\), got Figure"):
        plotting.fast_axes(fig)
    plt.close(fig)
