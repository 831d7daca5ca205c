"""The LIF's interspike-interval density (Volterra equation) against the Siegert rate, the
CV of Fokker-Planck theory, a naive loop and Monte Carlo.

Tolerances: the trapezoidal rule errs by O((dt / tau_m)^(3/2)) (measured below), about 1e-5
relative on the mean at dt = 0.1 ms and tau_m = 20 ms; we allow 1e-3 on the mean and the CV. The Monte Carlo check is a Kolmogorov-Smirnov test at the 0.1 %
level (critical distance 1.95 / sqrt(n)).
"""

import math

import naive
import numpy as np
import pytest

import snnlib

LIF = snnlib.LIF()


def _moments(d):
    mass = np.trapezoid(d.density, d.t)
    mean = np.trapezoid(d.t * d.density, d.t)
    var = np.trapezoid((d.t - mean) ** 2 * d.density, d.t)
    return mass, mean, math.sqrt(var) / mean


@pytest.mark.parametrize("mu, sigma, t_max", [(12.0, 3.0, 1500.0), (5.0, 4.0, 9000.0),
                                              (20.0, 1.0, 300.0), (25.0, 6.0, 400.0)])
def test_mean_and_cv_are_siegert_and_fokker_planck(mu, sigma, t_max):
    dt = 0.1 if t_max < 2000 else 0.25
    d = snnlib.lif_isi_density(LIF, mu, sigma, t_max=t_max, dt=dt)
    mass, mean, cv = _moments(d)
    assert abs(mass - 1.0) < 1e-3 and d.survival[-1] < 1e-3
    assert mean == pytest.approx(1000.0 / float(snnlib.siegert_rate(LIF, mu, sigma)), rel=1e-3)
    assert cv == pytest.approx(float(snnlib.lif_cv(LIF, mu, sigma)), rel=1e-3)
    assert np.all(d.t[:1] == LIF.t_ref) and d.density[0] == 0.0


def test_kernel_matches_naive_loop():
    mu, sigma, dt, n = 14.0, 2.5, 0.2, 400
    d = snnlib.lif_isi_density(LIF, mu, sigma, t_max=(n - 1) * dt, dt=dt)
    ref = naive.lif_first_passage_density(LIF.tau_m, LIF.v_reset - LIF.e_l - mu,
                                          LIF.v_th - LIF.e_l - mu, sigma, n, dt)
    assert d.density.size == n
    np.testing.assert_allclose(d.density, np.maximum(ref, 0.0), rtol=1e-9, atol=1e-14)


def test_converges_with_order_three_halves():
    mu, sigma = 12.0, 3.0
    exact_mean = 1000.0 / float(snnlib.siegert_rate(LIF, mu, sigma))
    errs = [abs(_moments(snnlib.lif_isi_density(LIF, mu, sigma, t_max=1200.0, dt=h))[1] - exact_mean)
            for h in (0.8, 0.4, 0.2)]
    # the kernel at the threshold grows like sqrt(u), so the trapezoidal rule is of order 3/2:
    # halving dt divides the error by 2^1.5 = 2.83 (accepted: orders 1.25 to 1.75)
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all((orders > 1.25) & (orders < 1.75))


def test_monte_carlo_intervals_follow_the_density():
    mu, sigma = 12.0, 3.0
    fi = snnlib.first_intervals(LIF, mu, sigma, n_neurons=1000, k=4, t_max=600.0, dt=0.05, seed=8)
    x = np.sort(fi.intervals.ravel())
    d = snnlib.lif_isi_density(LIF, mu, sigma, t_max=1500.0, dt=0.1)
    cdf = np.interp(x, d.t, 1.0 - d.survival)
    n = x.size
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert ks < 1.95 / math.sqrt(n)


def test_bad_input():
    with pytest.raises(TypeError, match="model"):
        snnlib.lif_isi_density(snnlib.EIF(), 12.0, 3.0, t_max=100.0)
    with pytest.raises(ValueError, match="sigma"):
        snnlib.lif_isi_density(LIF, 12.0, 0.0, t_max=100.0)
    with pytest.raises(ValueError, match="dt"):
        snnlib.lif_isi_density(LIF, 12.0, 3.0, t_max=100.0, dt=5.0)
    with pytest.raises(ValueError, match="t_max"):
        snnlib.lif_isi_density(LIF, 12.0, 3.0, t_max=1e5, dt=0.1)
    with pytest.raises(ValueError, match="mu"):
        snnlib.lif_isi_density(LIF, math.inf, 3.0, t_max=100.0)
