"""Renewal theory of Gamma trains against quadrature, limits and simulated trains; the hazard estimator."""

import numpy as np
import pytest
from scipy import integrate, stats

import snnlib
from snnlib import (gamma_autocorrelation, gamma_hazard, gamma_isi_density, gamma_spectrum, gamma_survivor,
                    hazard_estimate)

RATE = 20.0   # Hz


@pytest.mark.parametrize("k", [0.5, 1.0, 4.0, 16.0])
def test_density_survivor_hazard_against_quadrature(k):
    # the density integrates to one with mean 1/r (ms); S is the integral of the density's tail
    norm = integrate.quad(gamma_isi_density, 0, np.inf, args=(RATE, k))[0]
    mean = integrate.quad(lambda t: t * gamma_isi_density(t, RATE, k), 0, np.inf)[0]
    assert norm == pytest.approx(1.0, rel=1e-8)
    assert mean == pytest.approx(1000.0 / RATE, rel=1e-8)
    for tau in [1.0, 30.0, 120.0]:
        tail = integrate.quad(gamma_isi_density, tau, np.inf, args=(RATE, k))[0]
        assert gamma_survivor(tau, RATE, k) == pytest.approx(tail, rel=1e-7)
        assert gamma_hazard(tau, RATE, k) == pytest.approx(1000.0 * gamma_isi_density(tau, RATE, k) / tail,
                                                           rel=1e-7)
    # long-time limit of the hazard: k r (the exponential tail of the Gamma density)
    assert gamma_hazard(5000.0, RATE, k) == pytest.approx(k * RATE, rel=0.02)


def test_hazard_stays_finite_far_in_the_tail():
    h = gamma_hazard([1e4, 1e5], RATE, 4.0)   # density and survivor both underflow
    assert np.all(np.isfinite(h)) and np.allclose(h, 4.0 * RATE, rtol=0.02)


@pytest.mark.parametrize("k", [0.5, 1.0, 4.0, 16.0])
def test_spectrum_limits_and_fourier_route(k):
    # S(0) = r CV^2 = r / k and S -> r; away from 0, the characteristic function by quadrature
    s0, s_inf = gamma_spectrum([0.0, 1e12], RATE, k)   # |p~(f)| ~ (2 pi f / k r)^-k
    assert s0 == pytest.approx(RATE / k, rel=1e-12)
    assert s_inf == pytest.approx(RATE, rel=1e-4)
    assert gamma_spectrum(1e-4, RATE, k) == pytest.approx(RATE / k, rel=1e-4)
    for f in [5.0, 20.0, 40.0]:
        w = 2 * np.pi * f / 1000.0   # rad per ms
        re = integrate.quad(lambda t: gamma_isi_density(t, RATE, k), 0, np.inf, weight="cos", wvar=w)[0]
        im = integrate.quad(lambda t: gamma_isi_density(t, RATE, k), 0, np.inf, weight="sin", wvar=w)[0]
        p = re + 1j * im
        assert gamma_spectrum(f, RATE, k) == pytest.approx(RATE * np.real((1 + p) / (1 - p)), rel=1e-6)


def test_spectrum_of_poisson_is_flat_and_k4_has_no_visible_peak():
    f = np.linspace(0.0, 500.0, 5001)
    assert np.allclose(gamma_spectrum(f, RATE, 1.0), RATE, rtol=1e-12)
    s4 = gamma_spectrum(f, RATE, 4.0)
    assert s4.max() / RATE - 1 < 0.006 and 38.0 < f[np.argmax(s4)] < 42.0
    assert gamma_spectrum(RATE, RATE, 16.0) / RATE > 1.8   # k = 16: a real peak at the rate


def test_spectrum_against_simulated_trains():
    # periodograms averaged over n segments: each frequency has standard error S / sqrt(n)
    st = snnlib.gamma_spike_train(RATE, 4.0, 100_000.0, n_trains=20, seed=3)
    ps = snnlib.power_spectrum(st, dt=0.5, segment_length=1000.0)
    sel = (ps.freqs > 0) & (ps.freqs <= 100.0)
    f = ps.freqs[sel]
    # binning in 0.5-ms bins multiplies the non-flat part by sinc^2 (aliases of the flat part sum to r)
    theory = RATE + (gamma_spectrum(f, RATE, 4.0) - RATE) * np.sinc(f * 0.5e-3) ** 2
    z = (ps.power[sel] - theory) / (theory / np.sqrt(ps.n_averaged))
    assert np.max(np.abs(z)) < 5.0
    assert abs(np.mean(z)) < 4.0 / np.sqrt(z.size)   # no bias over the 100 frequencies


@pytest.mark.parametrize("k", [0.5, 1.0, 4.0])
def test_autocorrelation_against_correlogram(k):
    # standard errors from 20 independent trains (bursty trains make pair counts over-dispersed)
    st = snnlib.gamma_spike_train(RATE, k, 50_000.0, n_trains=20, seed=4)
    per = np.array([snnlib.cross_correlogram(st, pairs=(n, n), bin_width=2.0, max_lag=150.0).correlation
                    for n in range(20)])
    lags = np.arange(-75, 76) * 2.0
    keep = lags != 0
    fine = lags[keep, None] + np.linspace(-1.0, 1.0, 41)[None, :]   # bin average of the theory
    theory = np.trapezoid(gamma_autocorrelation(fine, RATE, k), fine, axis=1) / 2.0
    z = (per[:, keep].mean(axis=0) - theory) / (per[:, keep].std(axis=0, ddof=1) / np.sqrt(20))
    assert np.max(np.abs(z)) < 5.0
    assert gamma_autocorrelation(1e4, RATE, k) == pytest.approx(RATE ** 2, rel=1e-6)


def test_autocorrelation_integral_gives_fano_limit():
    # int (A - r^2) dtau + r = S(0) = r / k (Wiener-Khinchin, with the delta peak r)
    k = 4.0
    lag = np.linspace(-2000.0, 2000.0, 400_001)
    cov = (gamma_autocorrelation(lag, RATE, k) - RATE ** 2) / 1000.0   # Hz^2 * ms -> Hz
    assert np.trapezoid(cov, lag) + RATE == pytest.approx(RATE / k, rel=1e-4)


def test_hazard_estimate_against_gamma_hazard():
    rng = np.random.default_rng(5)
    isis = rng.gamma(4.0, 1000.0 / (4.0 * RATE), 200_000)
    edges = np.arange(0.0, 150.0, 1.0)
    h = hazard_estimate(isis, edges)
    # the mean hazard over a bin: -ln[S(right)/S(left)] / width; and by quadrature of rho
    s = gamma_survivor(edges, RATE, 4.0)
    exact = -1000.0 * np.log(s[1:] / s[:-1]) / 1.0
    for j in [3, 40, 120]:
        mean_rho = integrate.quad(gamma_hazard, edges[j], edges[j + 1], args=(RATE, 4.0))[0]
        assert exact[j] == pytest.approx(mean_rho, rel=1e-7)
    ok = h.at_risk > 100
    z = (h.hazard[ok] - exact[ok]) / h.sem[ok].clip(min=1e-12)
    assert np.max(np.abs(z[h.hazard[ok] > 0])) < 5.0
    assert np.allclose(h.survivor, s, atol=5 * np.sqrt(0.25 / isis.size))


@pytest.mark.parametrize("call, err, match", [
    (lambda: gamma_spectrum([1.0], -1.0, 1.0), ValueError, "rate"),
    (lambda: gamma_spectrum([1.0], 1.0, 0.0), ValueError, "shape_k"),
    (lambda: gamma_hazard([-1.0], 1.0, 1.0), ValueError, "tau"),
    (lambda: gamma_autocorrelation([np.nan], 1.0, 1.0), ValueError, "lags"),
    (lambda: hazard_estimate([], [0.0, 1.0]), ValueError, "isis"),
    (lambda: hazard_estimate([1.0], [1.0, 0.5]), ValueError, "edges"),
    (lambda: gamma_spectrum("x", 1.0, 1.0), (TypeError, ValueError), "freqs"),
])
def test_bad_input_names_the_argument(call, err, match):
    with pytest.raises(err, match=match):
        call()


@pytest.mark.parametrize("k", [0.5, 1.0, 4.0])
def test_fano_factor_limits_and_spectral_route(k):
    from snnlib import gamma_fano_factor
    f_short, f_long = gamma_fano_factor([1e-3, 1e6], RATE, k)
    assert f_short == pytest.approx(1.0, abs=0.02 if k < 1 else 1e-4)   # F - 1 ~ T_w^k for k < 1
    assert f_long == pytest.approx(1.0 / k, rel=1e-3)
    # independent route: Var N(W) / (r W) = (1/(r W)) int S(f) W^2 sinc^2(f W) df (Wiener-Khinchin)
    w = 100.0   # ms
    f = np.linspace(0.0, 20_000.0, 2_000_001)   # Hz; the tail beyond adds r * (1/pi^2 f W)
    integrand = (gamma_spectrum(f, RATE, k) - RATE) * np.sinc(f * w / 1000.0) ** 2
    spectral = 1.0 + 2.0 * np.trapezoid(integrand, f) * (w / 1000.0) / RATE
    assert gamma_fano_factor(w, RATE, k) == pytest.approx(spectral, abs=2e-3)


def test_fano_factor_against_simulated_trains():
    from snnlib import gamma_fano_factor
    windows = np.geomspace(1.0, 2000.0, 8)
    for k in [0.5, 4.0]:
        st = snnlib.gamma_spike_train(RATE, k, 20_000.0, n_trains=50, seed=6)
        curve = snnlib.fano_factor_curve(st, windows=windows)
        z = (curve.fano - gamma_fano_factor(windows, RATE, k)) / curve.sem
        assert np.max(np.abs(z)) < 5.0
