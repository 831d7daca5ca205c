"""The linear Hawkes process: the exact simulation against its naive twin and against the closed
forms (rates, count covariances, correlograms), and the closed forms against each other and
against independent computations (the cascade series, a one-process formula, quadrature)."""

import numpy as np
import pytest
from naive import hawkes_count_covariance_by_series, simulate_hawkes_naive

import snnlib
from snnlib.network import hawkes

MIXED = np.array([[0.0, 0.3, -0.2], [0.4, 0.0, 0.0], [0.2, 0.2, 0.1]])
EXC = np.array([[0.0, 0.3, 0.1], [0.4, 0.0, 0.0], [0.2, 0.2, 0.1]])
BASE = np.array([10.0, 15.0, 8.0])


@pytest.mark.parametrize("weights, delay", [(MIXED, 0.0), (MIXED, 1.5), (EXC, 2.0)])
def test_simulation_is_the_naive_thinning_draw_for_draw(weights, delay):
    # same uniforms, intensities summed over the whole history in the twin: same spikes
    got = snnlib.simulate_hawkes(BASE, weights, tau=10.0, t_max=3000.0, delay=delay,
                                 seed=np.random.default_rng(7))
    times, ids = simulate_hawkes_naive(list(BASE), weights, 10.0, 3000.0, delay, np.random.default_rng(7))
    assert got.n_spikes > 50
    np.testing.assert_array_equal(got.spike_ids, ids)
    np.testing.assert_allclose(got.spike_times, times, rtol=1e-12)


def test_growing_the_spike_arrays_changes_nothing(monkeypatch):
    a = snnlib.simulate_hawkes(BASE, EXC, tau=10.0, t_max=5000.0, delay=1.0, seed=3)
    monkeypatch.setattr(hawkes, "_initial_capacity", lambda expected: 4)
    b = snnlib.simulate_hawkes(BASE, EXC, tau=10.0, t_max=5000.0, delay=1.0, seed=3)
    assert a.n_spikes > 100
    np.testing.assert_array_equal(a.spike_times, b.spike_times)
    np.testing.assert_array_equal(a.spike_ids, b.spike_ids)


def test_same_seed_same_spikes():
    a, b, c = (snnlib.simulate_hawkes(BASE, EXC, tau=5.0, t_max=2000.0, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.spike_times, b.spike_times) and not np.array_equal(a.spike_times[:10],
                                                                             c.spike_times[:10])


def test_rectification_is_reported_only_with_inhibition():
    assert snnlib.simulate_hawkes(BASE, EXC, tau=10.0, t_max=5000.0, seed=1).rectified == 0.0
    inh = snnlib.simulate_hawkes([20.0, 30.0], [[0.0, -0.5], [0.0, 0.0]], tau=10.0, t_max=5000.0, seed=1)
    assert inh.rectified > 0.01


# -- closed forms --------------------------------------------------------------------------------
def test_rates_and_count_covariance_match_the_cascade_series():
    r, c = hawkes_count_covariance_by_series(BASE, MIXED)
    np.testing.assert_allclose(snnlib.hawkes_rates(BASE, MIXED), r, rtol=1e-12)
    np.testing.assert_allclose(snnlib.hawkes_count_covariance(BASE, MIXED), c, rtol=1e-12)


def test_one_process_density_is_hawkes_formula():
    # Hawkes (1971): C(s) = r w (2 - w) / (2 tau (1 - w)) exp(-(1 - w)|s|/tau), r = b / (1 - w)
    b, w, tau = 12.0, 0.6, 8.0
    s = np.array([-30.0, -1.0, 0.5, 4.0, 25.0])
    r = b / (1 - w)
    ref = r * w * (2 - w) / (2 * tau / 1000.0 * (1 - w)) * np.exp(-(1 - w) * np.abs(s) / tau)
    got = snnlib.hawkes_covariance_density(b, [[w]], tau=tau, lags=s)[:, 0, 0]
    np.testing.assert_allclose(got, ref, rtol=1e-10)


@pytest.mark.parametrize("delay", [0.0, 3.0])
def test_density_integrates_to_the_count_covariance(delay):
    # int C(s) ds + D = C(f = 0); trapezoid on a 0.005 ms grid holding the jumps at +-d and 0:
    # the error is below (grid / 2) x (sum of jumps) ~ 1e-3 of the result
    tau = 10.0
    s = np.linspace(-600.0, 600.0, 240001)
    dens = snnlib.hawkes_covariance_density(BASE, EXC, tau=tau, lags=s, delay=delay)
    integral = np.trapezoid(dens, s / 1000.0, axis=0) + np.diag(snnlib.hawkes_rates(BASE, EXC))
    np.testing.assert_allclose(integral, snnlib.hawkes_count_covariance(BASE, EXC), rtol=2e-3)


@pytest.mark.parametrize("delay", [0.0, 3.0])
def test_density_is_the_inverse_transform_of_the_spectrum(delay):
    tau, freqs = 10.0, np.array([2.0, 15.0, 60.0])
    s = np.linspace(-600.0, 600.0, 240001)
    dens = snnlib.hawkes_covariance_density(BASE, EXC, tau=tau, lags=s, delay=delay)
    phase = np.exp(-2j * np.pi * freqs[:, None] * s[None, :] / 1000.0)
    ft = np.trapezoid(phase[:, :, None, None] * dens[None], s / 1000.0, axis=1)
    spec = snnlib.hawkes_cross_spectrum(BASE, EXC, tau, freqs, delay=delay)
    ref = spec - np.diag(snnlib.hawkes_rates(BASE, EXC))
    np.testing.assert_allclose(ft, ref, atol=2e-3 * np.abs(ref).max())


def test_fourier_path_reproduces_the_closed_form():
    # the delayed path (inverse FFT with the low orders taken exactly) at delay 0
    r = snnlib.hawkes_rates(BASE, EXC)
    s = np.linspace(-80.0, 80.0, 161)
    closed = hawkes._density_closed(r, EXC, 10.0, s)
    fourier = hawkes._density_by_fourier(r, EXC, 10.0, 0.0, s)
    ok = s != 0.0       # at 0 the closed form is the mean of the two one-sided limits
    np.testing.assert_allclose(fourier[ok], closed[ok], atol=1e-5 * np.abs(closed).max())


def test_spectrum_limits_and_symmetry():
    spec = snnlib.hawkes_cross_spectrum(BASE, MIXED, 10.0, [0.0, 37.0, 1e9], delay=1.0)
    np.testing.assert_allclose(spec[0], snnlib.hawkes_count_covariance(BASE, MIXED), rtol=1e-12)
    # at f the off-diagonal terms are of order |G(f)| r = |W| r / (2 pi f tau)
    r = snnlib.hawkes_rates(BASE, MIXED)
    order1 = np.abs(MIXED).max() * r.max() / (2 * np.pi * 1e9 * 0.010)
    np.testing.assert_allclose(spec[2], np.diag(r), rtol=1e-6, atol=10 * order1)
    np.testing.assert_allclose(spec[1], np.conj(spec[1].T), rtol=1e-12)


# -- simulation against the closed forms --------------------------------------------------------
@pytest.fixture(scope="module")
def long_run():
    return snnlib.simulate_hawkes(BASE, EXC, tau=10.0, t_max=1_000_000.0, delay=2.0, seed=11)


def test_simulated_rates_and_window_covariances_match_theory(long_run):
    t_s, win = 1000.0, 1.0                            # s
    r = snnlib.hawkes_rates(BASE, EXC)
    c_inf = snnlib.hawkes_count_covariance(BASE, EXC)
    rate = np.bincount(long_run.spike_ids, minlength=3) / t_s
    assert np.all(np.abs(rate - r) < 4.0 * np.sqrt(np.diag(c_inf) / t_s))
    # Cov(N_i(W), N_j(W)) / W = D + int C(s) (1 - |s| / W) ds over |s| < W (exact for window W)
    s = np.linspace(-1000.0, 1000.0, 400001)
    dens = snnlib.hawkes_covariance_density(BASE, EXC, tau=10.0, lags=s, delay=2.0)
    tri = (1.0 - np.abs(s) / 1000.0)[:, None, None]
    expect = np.diag(r) + np.trapezoid(dens * tri, s / 1000.0, axis=0)
    counts = np.stack([np.bincount((long_run.spike_times[long_run.spike_ids == i] // 1000.0).astype(int),
                                   minlength=1000)[:1000] for i in range(3)])
    got = np.cov(counts) / win
    k = counts.shape[1]
    per_win = expect * win
    se = np.sqrt((np.outer(np.diag(per_win), np.diag(per_win)) + per_win ** 2) / k) / win
    assert np.all(np.abs(got - expect) < 4.5 * se), (got, expect, se)


def test_correlogram_of_a_driven_pair_matches_the_density(long_run):
    # process 1 is driven by 0 (w = 0.4, delay 2 ms): the correlogram rises at +2 ms. Standard
    # errors from 20 pieces of the record (clustered spikes make them larger than the Poisson count
    # of pairs would say)
    kw = dict(pairs=(1, 0), bin_width=1.0, max_lag=30.0, n_neurons=3)
    cc = snnlib.spikes.cross_correlogram(long_run.spike_times, long_run.spike_ids, t_max=long_run.t_max, **kw)
    piece = long_run.t_max / 20
    per = []
    for b in range(20):
        m = (long_run.spike_times >= b * piece) & (long_run.spike_times < (b + 1) * piece)
        per.append(snnlib.spikes.cross_correlogram(long_run.spike_times[m] - b * piece, long_run.spike_ids[m],
                                                   t_max=piece, **kw).covariance)
    se = np.std(per, axis=0, ddof=1) / np.sqrt(20)
    theory = snnlib.hawkes_covariance_density(BASE, EXC, tau=10.0, lags=cc.lags, delay=2.0, bin_width=1.0)[:, 1, 0]
    assert theory.max() > 10 * se.max()              # a clearly measurable peak
    assert np.max(np.abs(cc.covariance - theory) / se) < 4.5


# -- input --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, err, match", [
    (dict(weights=[[1.0]]), ValueError, "spectral radius below 1"),
    (dict(weights=[[0.0, 1.2], [0.9, 0.0]]), ValueError, "spectral radius below 1"),
    (dict(weights=[[0.1, 0.2]]), ValueError, "square"),
    (dict(weights=[[np.nan]]), ValueError, "weights"),
    (dict(baseline=-1.0), ValueError, "baseline"),
    (dict(baseline=[1.0, 2.0]), ValueError, "baseline must be a scalar or an array of shape"),
    (dict(baseline=[1.0, 1.0], weights=[[0.0, -5.0], [0.0, 0.0]]), ValueError, "negative stationary rates"),
    (dict(tau=0.0), ValueError, "tau"),
    (dict(delay=-1.0), ValueError, "delay"),
    (dict(t_max=-5.0), ValueError, "t_max"),
    (dict(weights="x"), TypeError, "weights"),
])
def test_bad_input_names_the_argument(kw, err, match):
    args = dict(baseline=5.0, weights=[[0.2]], tau=5.0, t_max=100.0, delay=0.0) | kw
    with pytest.raises(err, match=match):
        snnlib.simulate_hawkes(args["baseline"], args["weights"], tau=args["tau"], t_max=args["t_max"],
                               delay=args["delay"], seed=1)


def test_closed_forms_check_their_input():
    with pytest.raises(ValueError, match="spectral radius"):
        snnlib.hawkes_count_covariance(1.0, [[1.5]])
    with pytest.raises(ValueError, match="freqs"):
        snnlib.hawkes_cross_spectrum(1.0, [[0.5]], 5.0, [np.inf])
    with pytest.raises(ValueError, match="lags"):
        snnlib.hawkes_covariance_density(1.0, [[0.5]], 5.0, [np.nan])


def test_bin_averaged_density_is_the_mean_over_the_bin():
    # against a fine trapezoid over each bin, for a bin that holds the jump at the delay
    lags = np.array([-3.0, 2.0, 2.5, 7.0])
    got = snnlib.hawkes_covariance_density(BASE, EXC, tau=10.0, lags=lags, delay=2.0, bin_width=1.0)
    for k, lag in enumerate(lags):
        fine = np.linspace(lag - 0.5, lag + 0.5, 4001)
        d = snnlib.hawkes_covariance_density(BASE, EXC, tau=10.0, lags=fine, delay=2.0)
        np.testing.assert_allclose(got[k], np.trapezoid(d, fine, axis=0), rtol=2e-3, atol=1e-6 * np.abs(d).max())
