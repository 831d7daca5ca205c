"""Noise-free LIF/EIF: closed forms, quadrature, Euler simulation, rheobase, bad input."""

import math

import numpy as np
import pytest

import naive
import snnlib
from snnlib import (EIF, LIF, IFModel, eif_fi_curve, lif_fi_curve, lif_isi, lif_trajectory, rheobase,
                    simulate_deterministic)


def _lif(model):
    return (model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref)


def _eif(model):
    return (model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref, model.delta_t, model.v_t)


# ---------------------------------------------------------------------------- LIF closed forms

@pytest.mark.parametrize("mu, v0", [(10.0, -70.0), (30.0, -65.0), (-5.0, -40.0)])
def test_free_trajectory_solves_the_ode(mu, v0):
    # central difference of the closed form: tau dV/dt = e_l + mu - V up to O(h^2) = h^2/6 |V'''|
    model = LIF(tau_m=20.0)
    t = np.linspace(0.0, 80.0, 161)
    h = 1e-3
    v = lif_trajectory(model, mu, t + h, v0)
    dv = (lif_trajectory(model, mu, t + 2 * h, v0) - lif_trajectory(model, mu, t, v0)) / (2 * h)
    bound = h**2 / 6 * abs(v0 - model.e_l - mu) / model.tau_m**3 + 1e-9  # + round-off of the difference
    assert np.max(np.abs(model.tau_m * dv - (model.e_l + mu - v))) < model.tau_m * bound
    assert lif_trajectory(model, mu, 0.0, v0) == v0


@pytest.mark.parametrize("mu, v0", [(30.0, -65.0), (16.0, -70.0), (100.0, -52.0), (10.0, -60.0)])
def test_trajectory_with_threshold_matches_naive(mu, v0):
    model = LIF(tau_m=20.0, t_ref=3.0)
    t = np.linspace(0.0, 200.0, 2001)
    got = lif_trajectory(model, mu, t, v0, threshold=True)
    ref = naive.lif_trajectory_with_threshold(*_lif(model), mu, t, v0)
    np.testing.assert_allclose(got, ref, rtol=0.0, atol=1e-9)
    assert got.max() < model.v_th


@pytest.mark.parametrize("mu", [15.5, 20.0, 30.0, 300.0])
def test_isi_is_the_threshold_hitting_time(mu):
    model = LIF(tau_m=20.0, t_ref=2.0)
    t_free = lif_isi(model, mu) - model.t_ref
    assert lif_trajectory(model, mu, t_free, model.v_reset) == pytest.approx(model.v_th, abs=1e-10)
    assert lif_fi_curve(model, mu) == pytest.approx(1000.0 / lif_isi(model, mu), rel=1e-15)
    assert lif_fi_curve(model, mu) < 1000.0 / model.t_ref


def test_fi_curve_zero_at_and_below_rheobase():
    model = LIF()
    mu_rh = rheobase(model)
    rate = lif_fi_curve(model, [mu_rh - 5.0, mu_rh, mu_rh + 1e-9])
    assert rate[0] == 0.0 and rate[1] == 0.0 and rate[2] > 0.0
    assert np.isinf(lif_isi(model, mu_rh))


# ---------------------------------------------------------------------------- Euler simulation

@pytest.mark.parametrize("dt", [0.1, 0.01, 0.001])
@pytest.mark.parametrize("mu", [20.0, 40.0])
def test_simulated_lif_isi_within_euler_bound(mu, dt):
    # Euler on the LIF is the geometric map v_n - v_inf = (v_reset - v_inf)(1 - h)^n, h = dt/tau_m: the
    # crossing step is n* = ceil(ln q / ln(1 - h)), q = (v_inf - v_th)/(v_inf - v_reset). Since
    # h / -ln(1 - h) lies in [1 - h/2 - h^2/6, 1 - h/2], n* dt - T_free lies in
    # [-T_free (h/2 + h^2/6), dt - T_free h/2).
    model = LIF(tau_m=20.0, t_ref=2.0)
    run = simulate_deterministic(model, mu, t_max=200.0, dt=dt)
    isi = np.diff(run.spike_times)
    v_inf = model.e_l + mu
    q = (v_inf - model.v_th) / (v_inf - model.v_reset)
    n_star = math.ceil(math.log(q) / math.log1p(-dt / model.tau_m))
    np.testing.assert_allclose(isi, (n_star + round(model.t_ref / dt)) * dt, rtol=1e-12)
    t_free = lif_isi(model, mu) - model.t_ref
    h = dt / model.tau_m
    err = isi - lif_isi(model, mu)
    assert np.all(err >= -t_free * (h / 2 + h**2 / 6) - 1e-12)
    assert np.all(err < dt - t_free * h / 2 + 1e-12)


@pytest.mark.parametrize("model", [LIF(t_ref=2.0), EIF(t_ref=1.0)])
def test_simulation_matches_naive_euler(model):
    mu = 25.0
    run = simulate_deterministic(model, mu, t_max=100.0, dt=0.05, v0=-60.0)
    kw = {} if model.kind == "lif" else {"delta_t": model.delta_t, "v_t": model.v_t}
    v_ref, spikes_ref = naive.simulate_deterministic(*_lif(model), mu, 100.0, 0.05, -60.0, **kw)
    np.testing.assert_allclose(run.v, v_ref, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(run.spike_times, spikes_ref, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(run.t, np.arange(2001) * 0.05)
    assert len(run.spike_times) >= 3


def test_simulated_eif_isi_converges_to_quadrature():
    # first-order method: a tenfold smaller dt must shrink the ISI error at least fivefold
    model = EIF()
    mu = 20.0
    exact = 1000.0 / eif_fi_curve(model, mu)
    err = []
    for dt in (0.01, 0.001):
        run = simulate_deterministic(model, mu, t_max=200.0, dt=dt)
        err.append(np.max(np.abs(np.diff(run.spike_times) - exact)))
    assert err[1] < err[0] / 5.0
    assert err[1] < 0.05 * exact  # sanity: the spike train is the periodic one of the closed form


@pytest.mark.parametrize("model", [LIF(), EIF(), EIF(delta_t=0.5, v_t=-55.0, v_reset=-70.0)])
def test_rheobase_just_below_silent_just_above_fires(model):
    # just above, the neuron fires periodically with the (long) closed-form ISI: 2.5 ISIs hold two
    # spikes (the first after T - t_ref from reset); just below it never fires
    mu_rh = rheobase(model)
    fi = lif_fi_curve if model.kind == "lif" else eif_fi_curve
    isi = 1000.0 / fi(model, mu_rh + 0.05)
    below = simulate_deterministic(model, mu_rh - 0.05, t_max=2.5 * isi, dt=0.01)
    above = simulate_deterministic(model, mu_rh + 0.05, t_max=2.5 * isi, dt=0.01)
    assert len(below.spike_times) == 0
    assert len(above.spike_times) == 2


@pytest.mark.parametrize("model", [EIF(), EIF(delta_t=0.5, v_t=-55.0), EIF(delta_t=4.0, e_l=-70.0)])
def test_eif_rheobase_is_saddle_node(model):
    # at mu_rh the drift and its slope vanish together at V = v_t (psi'(v_t) = 1)
    mu_rh = rheobase(model)
    assert model.drift(model.v_t, mu_rh) == pytest.approx(0.0, abs=1e-14)
    v = model.v_t + np.array([-1e-3, 1e-3])
    assert np.all(model.drift(v, mu_rh) > 0.0)  # a double root: positive on both sides
    assert np.all(model.drift(np.linspace(model.v_reset, model.v_th, 1001), mu_rh + 1e-6) > 0.0)


# ---------------------------------------------------------------------------- EIF f-I curve

@pytest.mark.parametrize("mu", [13.01, 13.5, 15.0, 20.0, 50.0, 200.0])
@pytest.mark.parametrize("model", [EIF(), EIF(delta_t=0.5, v_t=-55.0, v_reset=-70.0, t_ref=0.0)])
def test_eif_fi_matches_naive_quadrature(model, mu):
    mu = rheobase(model) + (mu - 13.0)
    ref = 1000.0 / naive.eif_isi(*_eif(model), mu)
    assert eif_fi_curve(model, mu) == pytest.approx(ref, rel=1e-10)


def test_eif_fi_zero_below_rheobase_and_increasing():
    model = EIF()
    mu = np.linspace(0.0, 60.0, 241)
    rate = eif_fi_curve(model, mu)
    above = mu > rheobase(model)
    assert np.all(rate[~above] == 0.0)
    assert np.all(np.diff(rate[above]) > 0.0)
    assert np.all(rate < 1000.0 / model.t_ref)


@pytest.mark.parametrize("delta_t", [1e-3, 1e-5])
@pytest.mark.parametrize("mu", [16.0, 40.0])
def test_eif_tends_to_lif_with_threshold_v_t(mu, delta_t):
    # For small Delta_T the EIF spends an extra tau_m (Delta_T / c)(ln(c/Delta_T) + O(1)) near
    # v_t, c = e_l + mu - v_t, which lowers the rate by that time over the LIF ISI T.
    eif = EIF(delta_t=delta_t, v_t=-50.0, v_reset=-65.0, e_l=-65.0)
    lif = LIF(v_th=-50.0, v_reset=-65.0, e_l=-65.0, t_ref=eif.t_ref, tau_m=eif.tau_m)
    c = eif.e_l + mu - eif.v_t
    big_t = lif_isi(lif, mu)
    lead = eif.tau_m * delta_t / c * math.log(c / delta_t) / big_t
    rel = 1.0 - eif_fi_curve(eif, mu) / lif_fi_curve(lif, mu)
    assert rel == pytest.approx(lead, rel=2.0 / math.log(c / delta_t))


def test_eif_fi_speed_scale_vectorised():
    model = EIF()
    mu = np.linspace(10.0, 40.0, 300).reshape(3, 100)
    rate = eif_fi_curve(model, mu)
    assert rate.shape == (3, 100)
    assert rate[1, 7] == eif_fi_curve(model, float(mu[1, 7]))
    assert isinstance(eif_fi_curve(model, 20.0), float)


# ---------------------------------------------------------------------------- rheobase and bad input

def test_rheobase_values():
    assert rheobase(LIF(e_l=-70.0, v_th=-52.0)) == pytest.approx(18.0)
    assert rheobase(EIF(e_l=-70.0, v_t=-52.0, delta_t=3.0)) == pytest.approx(15.0)
    # reset above v_t: the smallest drift on [v_reset, v_th] sits at v_reset
    m = EIF(e_l=-65.0, v_t=-50.0, delta_t=2.0, v_reset=-48.0)
    assert rheobase(m) == pytest.approx(-48.0 + 65.0 - 2.0 * math.exp(1.0))


def test_bad_input():
    lif, eif = LIF(), EIF()
    with pytest.raises(TypeError, match="model"):
        lif_isi(eif, 20.0)
    with pytest.raises(TypeError, match="model"):
        lif_trajectory(eif, 20.0, 1.0, -65.0)
    with pytest.raises(TypeError, match="model"):
        eif_fi_curve(lif, 20.0)
    with pytest.raises(TypeError, match="model"):
        rheobase(IFModel(psi_func=lambda v: 0.0 * v))
    with pytest.raises(TypeError, match="model"):
        simulate_deterministic("lif", 20.0, 10.0, 0.1)
    with pytest.raises(ValueError, match="mu"):
        lif_fi_curve(lif, [1.0, np.nan])
    with pytest.raises(ValueError, match="mu_values"):
        eif_fi_curve(eif, np.inf)
    with pytest.raises(ValueError, match="t"):
        lif_trajectory(lif, 20.0, [-1.0, 2.0], -65.0)
    with pytest.raises(ValueError, match="v0"):
        lif_trajectory(lif, 20.0, 1.0, -40.0, threshold=True)
    with pytest.raises(TypeError, match="threshold"):
        lif_trajectory(lif, 20.0, 1.0, -65.0, threshold=1)
    with pytest.raises(ValueError, match="dt"):
        simulate_deterministic(lif, 20.0, 10.0, 0.0)
    with pytest.raises(ValueError, match="dt"):
        simulate_deterministic(lif, 20.0, 10.0, 50.0)
    with pytest.raises(ValueError, match="t_max"):
        simulate_deterministic(lif, 20.0, -1.0, 0.1)
    with pytest.raises(ValueError, match="v0"):
        simulate_deterministic(lif, 20.0, 10.0, 0.1, v0=-50.0)
    with pytest.raises(ValueError, match="v_reset < v_t"):
        eif_fi_curve(EIF(v_reset=-45.0), 20.0)


def test_exported_at_top_level():
    for name in ("lif_trajectory", "lif_isi", "lif_fi_curve", "rheobase", "eif_fi_curve",
                 "simulate_deterministic", "DeterministicRun"):
        assert hasattr(snnlib, name)
