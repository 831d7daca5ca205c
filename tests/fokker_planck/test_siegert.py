"""Siegert rate and ISI CV of the LIF: published value, naive quadrature, asymptotic limits, bad input."""

import math

import numpy as np
import pytest
from scipy.special import dawsn, erfcx

import naive
import snnlib
from snnlib import EIF, LIF, IFModel, lif_cv, siegert_rate
from snnlib.fokker_planck.siegert import _erfcx

SQRT2 = math.sqrt(2.0)

# NEST's test_siegert_neuron.py: tau_m 10 ms, t_ref 2 ms, theta 15 mV, V_reset 0 mV, mu = 15 mV and
# "sigma^2" = 0.1 mu = 1.5 mV^2. NEST's sigma is sigma_B of Brunel (2000): ours is sigma_B / sqrt(2).
NEST = LIF(tau_m=10.0, e_l=0.0, v_th=15.0, v_reset=0.0, t_ref=2.0)
NEST_RATE = 27.1095934379  # Hz


def _params(model, mu, sigma):
    return (model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref, mu, sigma)


def test_nest_reference_value():
    sigma = math.sqrt(1.5 / 2.0)  # sigma_B = sqrt(1.5) mV
    assert siegert_rate(NEST, 15.0, sigma) == pytest.approx(NEST_RATE, rel=1e-8)
    # the test can tell the conventions apart: passing sigma_B as our sigma is off by > 10 %
    assert abs(siegert_rate(NEST, 15.0, math.sqrt(1.5)) / NEST_RATE - 1.0) > 0.1


@pytest.mark.parametrize("x", [0.0, 1e-9, 0.3, 0.5, 1.0, 3.7, 8.0, 11.99, 12.0, 26.0, 30.0, 1e3, 1e8])
def test_erfcx_kernel_matches_scipy(x):
    # relative accuracy of erfc (libm) and of exp(x^2) with an exact square: a few ulp
    assert _erfcx(x) == pytest.approx(erfcx(x), rel=5e-15, abs=0.0)


MU_SIGMA = [(10.0, 5.0), (15.0, 1.5), (20.0, 1.5), (16.0, 1.0), (13.0, 1.0), (5.0, 2.0),
            (30.0, 3.0), (14.0, 10.0), (-5.0, 3.0), (40.0, 2.0), (15.0, 0.8)]


@pytest.mark.parametrize("mu, sigma", MU_SIGMA)
def test_rate_matches_naive_unsplit_quadrature(mu, sigma):
    model = LIF()
    ref = naive.siegert_rate(*_params(model, mu, sigma))
    assert siegert_rate(model, mu, sigma) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("mu, sigma", MU_SIGMA[:7])
def test_cv_matches_naive_quad_of_quad(mu, sigma):
    model = LIF()
    ref = naive.lif_cv(*_params(model, mu, sigma))
    assert lif_cv(model, mu, sigma) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("y_th", [6.0, 10.0, 20.0, 26.0])
def test_far_below_threshold_matches_dawson_form(y_th):
    # With y_r >= 0, int_{y_r}^{y_th} e^{u^2}(1 + erf u) du = 2(e^{y_th^2} D(y_th) - e^{y_r^2} D(y_r))
    # - int erfcx(u) du, D the Dawson function; the last term is below e^{-y_th^2} ln(y_th/y_r)
    # relative, i.e. < 1e-15 here, so nu = e^{-y_th^2}/(t_ref e^{-y_th^2} + 2 tau sqrt(pi)(D(y_th) - ...)).
    model = LIF()
    mu = -5.0  # mean below reset, so y_r > 0
    sigma = (model.v_th - model.e_l - mu) / (SQRT2 * y_th)
    y_r = (model.v_reset - model.e_l - mu) / (SQRT2 * sigma)
    scaled = 2.0 * (dawsn(y_th) - math.exp(y_r**2 - y_th**2) * dawsn(y_r))
    e = math.exp(-y_th**2)
    ref = 1000.0 * e / (model.t_ref * e + model.tau_m * math.sqrt(math.pi) * scaled)
    got = siegert_rate(model, mu, sigma)
    assert got > 0.0
    assert got == pytest.approx(ref, rel=1e-10)


def test_tiny_rates_are_positive_and_monotone_in_mu():
    mu = np.linspace(-60.0, 14.0, 75)
    rate = siegert_rate(LIF(), mu, 2.0)
    assert rate.min() > 0.0 and rate.min() < 1e-200  # covers rates far below 1e-10 Hz
    assert np.all(np.diff(rate) > 0.0)
    assert np.all(np.isfinite(rate))


def test_extreme_inputs_neither_overflow_nor_nan():
    model = LIF()
    rate = siegert_rate(model, [-1e5, -1e3, 1e5], [2.0, 2.0, 1e-3])
    assert rate[0] == 0.0 and rate[1] == 0.0  # rates < 1e-300 Hz underflow to zero
    assert 0.0 < rate[2] < 1000.0 / model.t_ref
    cv = lif_cv(LIF(t_ref=0.0), [-1e3, 1e5], [2.0, 1e-3])
    assert cv[0] == pytest.approx(1.0, abs=1e-12)
    # linearised jitter (see test_cv_small_noise_matches_linearised_jitter), t_ref = 0
    t_det = 20.0 * math.log(1e5 / (1e5 - 15.0))
    linear = 1e-3 * math.sqrt(-math.expm1(-2.0 * t_det / 20.0)) * 20.0 / (1e5 - 15.0) / t_det
    assert cv[1] == pytest.approx(linear, rel=1e-6)


@pytest.mark.parametrize("mu", [1e3, 1e4])
def test_strong_drive_approaches_refractory_limit(mu):
    # For y_th, y_r << -1, erfcx(s) = (1 - 1/(2 s^2) + ...)/(s sqrt(pi)) makes the integral the
    # noise-free ln((mu - v_reset)/(mu - v_th)) / sqrt(pi) up to a relative 1/(2 y_th y_r) or less.
    model = LIF()
    sigma = 5.0
    y_th = (model.v_th - model.e_l - mu) / (SQRT2 * sigma)
    y_r = (model.v_reset - model.e_l - mu) / (SQRT2 * sigma)
    det = 1000.0 / (model.t_ref + model.tau_m * math.log((mu + model.e_l - model.v_reset)
                                                          / (mu + model.e_l - model.v_th)))
    got = siegert_rate(model, mu, sigma)
    assert got < 1000.0 / model.t_ref
    assert abs(got / det - 1.0) < 1.0 / (y_th * y_r)


def test_small_noise_limit_is_deterministic_rate():
    # Above threshold the noise correction to the mean ISI is O(sigma^2): the relative error must
    # shrink 100-fold per 10-fold decrease of sigma, and be round-off small at sigma = 1e-6 mV.
    model = LIF()
    mu = 25.0
    det = 1000.0 / (model.t_ref + model.tau_m * math.log(mu / (mu - 15.0)))
    err = [siegert_rate(model, mu, s) / det - 1.0 for s in (1e-1, 1e-2, 1e-6)]
    assert err[0] / err[1] == pytest.approx(100.0, rel=0.02)
    assert abs(err[2]) < 1e-11


def test_cv_small_noise_matches_linearised_jitter():
    # Weak noise, mean drive: V(T) = V_det(T) + eta, Var eta = sigma^2 (1 - e^{-2T/tau}) (OU from a
    # fixed start), timing jitter eta / Vdot(T), Vdot(T) = (e_l + mu - v_th)/tau. Corrections O(sigma^2).
    model = LIF()
    mu = 25.0
    t_det = model.tau_m * math.log(mu / (mu - 15.0))

    def linear(sigma):
        sd = sigma * math.sqrt(1.0 - math.exp(-2.0 * t_det / model.tau_m)) * model.tau_m / (mu - 15.0)
        return sd / (t_det + model.t_ref)

    err = [lif_cv(model, mu, s) / linear(s) - 1.0 for s in (1e-1, 1e-2, 1e-4)]
    assert err[0] / err[1] == pytest.approx(100.0, rel=0.02)
    assert abs(err[2]) < 1e-8


def test_cv_tends_to_one_far_below_threshold():
    # Rare escapes from a quickly relaxed state: the ISI is nearly exponential, CV^2 = 1 - O(nu tau_m)
    # (the relaxation from reset lasts a few tau_m).
    model = LIF(t_ref=0.0)
    mu = np.array([6.0, 4.0, 0.0, -20.0])
    cv = lif_cv(model, mu, 2.0)
    nu_tau = siegert_rate(model, mu, 2.0) / 1000.0 * model.tau_m
    assert np.all(np.abs(cv - 1.0) < 10.0 * nu_tau + 1e-13)
    assert np.all(np.diff(np.abs(cv - 1.0)) <= 0.0)


def test_broadcasting_and_scalar_return():
    model = LIF()
    mu = np.array([[5.0], [15.0], [25.0]])
    sigma = np.array([1.0, 2.0, 4.0, 8.0])
    rate = siegert_rate(model, mu, sigma)
    cv = lif_cv(model, mu, sigma)
    assert rate.shape == cv.shape == (3, 4)
    assert isinstance(siegert_rate(model, 15.0, 2.0), float)
    assert isinstance(lif_cv(model, 15.0, 2.0), float)
    for i in range(3):
        for k in range(4):
            assert rate[i, k] == siegert_rate(model, float(mu[i, 0]), float(sigma[k]))
            assert cv[i, k] == lif_cv(model, float(mu[i, 0]), float(sigma[k]))


@pytest.mark.parametrize("func", [siegert_rate, lif_cv])
def test_bad_input(func):
    model = LIF()
    with pytest.raises(ValueError, match=r"sigma must be > 0 mV, got 0 mV; .*\(sigma = 0\) use snnlib.lif_fi_curve"):
        func(model, 10.0, 0.0)
    with pytest.raises(ValueError, match=r"sigma must be > 0 mV everywhere, got min 0 mV; .* snnlib.lif_fi_curve"):
        func(model, 10.0, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"sigma must be > 0 mV, got -1 mV"):
        func(model, 10.0, -1.0)
    with pytest.raises(ValueError, match=r"sigma must be finite, got nan"):
        func(model, 10.0, np.nan)
    with pytest.raises(ValueError, match=r"mu must be finite, got inf"):
        func(model, np.inf, 1.0)
    with pytest.raises(ValueError, match=r"mu must contain only finite values"):
        func(model, [1.0, np.nan], 1.0)
    with pytest.raises(TypeError, match=r"mu must be an array of numbers, got str"):
        func(model, "10", 1.0)
    with pytest.raises(ValueError, match=r"mu and sigma must broadcast to a common shape, got shapes "
                                         r"\(2,\) and \(3,\)"):
        func(model, [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=f"{func.__name__} is for the LIF.*snnlib.stationary"):
        func(EIF(), 10.0, 1.0)
    with pytest.raises(TypeError, match=r"model: .* is for the LIF model only .* use the threshold-integration solver"):
        func(IFModel(psi_func=lambda v: 0.0 * v), 10.0, 1.0)
    with pytest.raises(TypeError, match=r"model must be an snnlib.LIF, got dict"):
        func({"tau_m": 10.0}, 10.0, 1.0)


def test_exported_at_top_level():
    assert snnlib.siegert_rate is siegert_rate and snnlib.lif_cv is lif_cv
