"""First-spike latency after a step of input, against independent routes: the closed-form
trajectory, direct quadrature of 1/drift, Euler simulation and the near-rheobase asymptotes."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

import snnlib

LIF = snnlib.LIF(tau_m=20.0, e_l=-65.0, v_th=-50.0, v_reset=-65.0, t_ref=2.0)
EIF = snnlib.EIF(tau_m=20.0, e_l=-65.0, v_th=-30.0, v_reset=-65.0, t_ref=2.0, delta_t=2.0, v_t=-50.0)


@pytest.mark.parametrize("mu0", [-10.0, 0.0, 7.5, 14.9])
@pytest.mark.parametrize("mu", [15.001, 16.0, 20.0, 40.0, 1e4])
def test_lif_latency_is_where_the_free_trajectory_meets_threshold(mu, mu0):
    t1 = snnlib.step_latency(LIF, mu, mu0=mu0)
    # the closed-form trajectory from the old rest reaches v_th exactly at t1 ...
    v = snnlib.lif_trajectory(LIF, mu, np.array([t1]), v0=LIF.e_l + mu0)[0]
    assert v == pytest.approx(LIF.v_th, abs=1e-9)
    # ... and the formula of the book, tau_m ln((mu - mu0)/(mu - theta)), theta = 15 mV
    assert t1 == pytest.approx(LIF.tau_m * math.log((mu - mu0) / (mu - 15.0)), rel=1e-12)


def test_lif_latency_from_rest_is_the_isi_without_refractoriness_when_reset_is_rest():
    mus = np.array([16.0, 25.0, 60.0])
    # v_reset = e_l: from rest at mu0 = 0 the first interval is the later ISI minus t_ref
    assert np.allclose(snnlib.step_latency(LIF, mus), snnlib.lif_isi(LIF, mus) - LIF.t_ref, rtol=1e-13)


@pytest.mark.parametrize("mu0", [-5.0, 0.0, 10.0, 12.9])
@pytest.mark.parametrize("mu", [13.01, 14.0, 20.0, 40.0])
def test_eif_latency_against_direct_quadrature_of_one_over_drift(mu, mu0):
    v0 = snnlib.eif_fixed_points(EIF, mu0).stable
    # scipy's QUADPACK on tau_m dV / (tau_m a(V)), split at the bottleneck v_t
    f = lambda v: 1.0 / EIF.drift(v, mu)  # noqa: E731
    ref = quad(f, v0, EIF.v_t, limit=500, epsabs=0, epsrel=1e-12)[0]
    ref += quad(f, EIF.v_t, EIF.v_th, limit=500, epsabs=0, epsrel=1e-12)[0]
    assert snnlib.step_latency(EIF, mu, mu0=mu0) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("model, mu", [(LIF, 16.0), (LIF, 30.0), (EIF, 14.0), (EIF, 25.0)])
def test_euler_first_spike_converges_to_the_latency_at_first_order(model, mu):
    t1 = snnlib.step_latency(model, mu)
    v0 = LIF.e_l if model is LIF else snnlib.eif_fixed_points(EIF, 0.0).stable
    err = []
    for dt in (0.01, 0.001):
        run = snnlib.simulate_deterministic(model, mu, t_max=dt * round(1.2 * t1 / dt), dt=dt, v0=v0)
        err.append(run.spike_times[0] - t1)
        if model is LIF:
            # the geometric Euler map with the ceiling: the bounds of chapter 3's checks
            h = dt / model.tau_m
            assert t1 * (1 - h / 2 - h**2 / 6) - 1e-9 <= run.spike_times[0] < t1 * (1 - h / 2) + dt + 1e-9
    # forward Euler: ten times smaller steps, about ten times smaller error
    assert 0.05 < abs(err[1] / err[0]) < 0.2 or abs(err[1]) < 2e-3


def test_near_rheobase_asymptotes():
    eps = 1e-6
    # EIF: bottleneck at v_t, pi tau_m sqrt(2 delta_t / eps), corrections O(sqrt(eps))
    t_eif = snnlib.step_latency(EIF, 13.0 + eps)
    assert t_eif == pytest.approx(math.pi * EIF.tau_m * math.sqrt(2 * EIF.delta_t / eps), rel=1e-2)
    # LIF: tau_m ln(mu / eps) exactly for mu0 = 0
    assert snnlib.step_latency(LIF, 15.0 + eps) == pytest.approx(LIF.tau_m * math.log((15.0 + eps) / eps))


def test_small_delta_t_tends_to_the_lif_with_threshold_v_t():
    # the EIF's extra time is the climb from v_t to the cut-off, where the drift is about
    # eps = mu - mu_rh until the exponential takes over at x ~ ln(eps / delta_t):
    # tau_m delta_t ln(1 / delta_t) / eps to leading order, so it vanishes as delta_t -> 0
    lif_t1 = snnlib.step_latency(LIF, 25.0)
    excess = []
    for d in (0.1, 0.01, 0.001, 1e-4):
        sharp = snnlib.EIF(tau_m=20.0, e_l=-65.0, v_th=-30.0, v_reset=-65.0, delta_t=d, v_t=-50.0)
        lead = EIF.tau_m * d * math.log(1 / d) / (25.0 - 15.0)
        excess.append((snnlib.step_latency(sharp, 25.0) - lif_t1) / lead)
    # the ratio to the leading term approaches 1 from above, like 1 + O(1 / ln(1 / delta_t))
    assert np.all(np.diff(excess) < 0) and 1.0 < excess[-1] < 1.5


def test_no_spike_at_or_below_rheobase_and_shapes():
    out = snnlib.step_latency(LIF, np.array([[10.0, 15.0], [15.5, 20.0]]))
    assert out.shape == (2, 2) and np.all(np.isinf(out[0])) and np.all(np.isfinite(out[1]))
    assert np.isinf(snnlib.step_latency(EIF, 13.0))
    assert isinstance(snnlib.step_latency(EIF, 20.0), float)


def test_reset_above_v_t_does_not_change_the_first_spike():
    # v_reset acts only after the first spike (rheobase() would use it for repetitive firing)
    high_reset = snnlib.EIF(tau_m=20.0, e_l=-65.0, v_th=-30.0, v_reset=-45.0, delta_t=2.0, v_t=-50.0)
    assert snnlib.step_latency(high_reset, 14.0) == snnlib.step_latency(EIF, 14.0)


def test_bad_input():
    with pytest.raises(TypeError, match="model"):
        snnlib.step_latency("LIF", 20.0)
    with pytest.raises(ValueError, match="mu0"):
        snnlib.step_latency(LIF, 20.0, mu0=15.0)
    with pytest.raises(ValueError, match="mu0"):
        snnlib.step_latency(EIF, 20.0, mu0=np.inf)
    with pytest.raises(ValueError, match="mu"):
        snnlib.step_latency(LIF, np.nan)
