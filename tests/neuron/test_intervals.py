"""The first k intervals of every neuron: an unbiased sample, even where a fixed window is not.

Tolerance: Z = 4 standard errors of the mean interval, computed from the sample.
"""

import math

import numpy as np
import pytest

import snnlib

LIF = snnlib.LIF()
Z = 4.0


def test_extension_is_the_prefix_of_one_long_run():
    kw = dict(n_neurons=64, dt=0.1, seed=4)
    fi = snnlib.first_intervals(LIF, 6.0, 3.0, k=3, t_max=200.0, **kw)
    assert fi.t_max > 200.0                       # the first attempt was too short
    long = snnlib.simulate_population(LIF, 6.0, 3.0, t_max=2 * fi.t_max, **kw)
    trains = snnlib.isi(long)
    np.testing.assert_array_equal(fi.intervals, np.array([t[:3] for t in trains]))


def test_low_rate_mean_interval_is_unbiased():
    # mu 5, sigma 4: ~1.8 Hz, CV 0.94; a window of a few intervals per neuron is biased short
    mu, sigma = 5.0, 4.0
    fi = snnlib.first_intervals(LIF, mu, sigma, n_neurons=2000, k=2, t_max=2000.0, dt=0.1, seed=2)
    x = fi.intervals.ravel()
    se = x.std() / math.sqrt(x.size)
    exact = 1000.0 / float(snnlib.siegert_rate(LIF, mu, sigma))
    assert abs(x.mean() - exact) < Z * se
    # the biased estimator this replaces: intervals pooled from a fixed window of the same length
    pooled = snnlib.isi(snnlib.simulate_population(LIF, mu, sigma, n_neurons=2000, t_max=fi.t_max,
                                                   dt=0.1, seed=2), pooled=True)
    assert exact - pooled.mean() > Z * pooled.std() / math.sqrt(pooled.size)


def test_bad_input():
    with pytest.raises(ValueError, match="k"):
        snnlib.first_intervals(LIF, 12.0, 3.0, n_neurons=10, k=0, t_max=100.0)
    with pytest.raises(ValueError, match="hardly fires"):
        snnlib.first_intervals(LIF, 5.0, 0.0, n_neurons=2, k=1, t_max=10.0)


def test_interval_density_is_unbiased_against_the_volterra_density():
    # short run (300 ms, ~3.5 mean intervals per neuron): pooled intervals are biased short,
    # the censoring-aware estimate is not. Chi-square over the bins with expected counts
    # n p_bin from the theoretical density; accepted: chi2 < dof + 4 sqrt(2 dof).
    mu, sigma = 12.0, 3.0
    r = snnlib.simulate_population(LIF, mu, sigma, n_neurons=4000, t_max=300.0, dt=0.05, seed=6)
    edges = np.arange(0.0, 151.0, 5.0)
    est = snnlib.interval_density(r, edges)
    d = snnlib.lif_isi_density(LIF, mu, sigma, t_max=200.0, dt=0.1)
    cdf = np.interp(edges, d.t, 1.0 - d.survival)
    expected = est.n_intervals * np.diff(cdf)
    observed = est.density * est.n_intervals * np.diff(edges)
    keep = expected > 5.0
    chi2 = np.sum((observed[keep] - expected[keep]) ** 2 / expected[keep])
    dof = int(keep.sum())
    assert chi2 < dof + 4.0 * math.sqrt(2.0 * dof)


def test_interval_density_bad_edges():
    r = snnlib.simulate_population(LIF, 20.0, 2.0, n_neurons=2, t_max=100.0, seed=0)
    with pytest.raises(ValueError, match="edges"):
        snnlib.interval_density(r, [0.0, 50.0, 40.0])
    with pytest.raises(ValueError, match="t_max"):
        snnlib.interval_density(r, [0.0, 200.0])
