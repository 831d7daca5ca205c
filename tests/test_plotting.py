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
