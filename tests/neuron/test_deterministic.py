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
    t_max = round(2.5 * isi / 0.01) * 0.01   # a whole number of steps, within dt/2 of 2.5 ISIs
    below = simulate_deterministic(model, mu_rh - 0.05, t_max=t_max, dt=0.01)
    above = simulate_deterministic(model, mu_rh + 0.05, t_max=t_max, dt=0.01)
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


FLOAT_MAX = np.finfo(np.float64).max
EPS = np.finfo(np.float64).eps


@pytest.mark.parametrize("call, err, match", [
    (lambda: lif_isi(EIF(), 20.0), TypeError, r"model must be an snnlib model \(LIF\), got EIF"),
    (lambda: lif_trajectory(EIF(), 20.0, 1.0, -65.0), TypeError, r"model must be an snnlib model \(LIF\)"),
    (lambda: eif_fi_curve(LIF(), 20.0), TypeError, r"model must be an snnlib model \(EIF\), got LIF"),
    (lambda: rheobase(IFModel(psi_func=lambda v: 0.0 * v)), TypeError,
     r"model must be an snnlib model \(LIF, EIF\), got IFModel"),
    (lambda: simulate_deterministic("lif", 20.0, 10.0, 0.1), TypeError,
     r"model must be an snnlib model \(LIF, EIF\), got str"),
    (lambda: lif_isi(LIF(), [1.0, np.nan]), ValueError, r"mu must contain only finite values"),
    (lambda: eif_fi_curve(EIF(), np.inf), ValueError, r"mu_values must contain only finite values"),
    (lambda: lif_trajectory(LIF(), 20.0, [-1.0, 2.0], -65.0), ValueError, r"t must be >= 0 ms everywhere"),
    (lambda: lif_trajectory(LIF(), 20.0, 1.0, -40.0, threshold=True), ValueError,
     r"v0 must lie below v_th=-50 mV when threshold=True"),
    (lambda: lif_trajectory(LIF(), 20.0, 1.0, -65.0, threshold=1), TypeError, r"threshold must be True or False"),
    (lambda: lif_trajectory(LIF(e_l=1e308), 1e308, 1.0, -65.0), ValueError,
     r"mu and v0 are too far apart: .* must stay below 1.8e\+308 mV"),
    (lambda: simulate_deterministic(LIF(), 20.0, 10.0, 0.0), ValueError, r"dt must lie in \(0, 20\] ms"),
    (lambda: simulate_deterministic(LIF(), 20.0, 10.0, 50.0), ValueError, r"dt must lie in \(0, 20\] ms"),
    (lambda: simulate_deterministic(LIF(), 20.0, -1.0, 0.1), ValueError, r"t_max must lie in \(0, inf\) ms"),
    (lambda: simulate_deterministic(LIF(), 20.0, 10.0, 0.1, v0=-50.0), ValueError,
     r"v0 must lie in \(-inf, -50\) mV"),
    (lambda: eif_fi_curve(EIF(v_reset=-45.0), 20.0), ValueError, r"needs v_reset < v_t, got v_reset=-45 mV"),
])
def test_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


# ---------------------------------------------------------------------------- probe rows (2026-12 API probe)

@pytest.mark.parametrize("mu, t_ref", [(1e6, 0.0), (1e10, 0.0), (1e10, 1.0), (30.0, 2.0)])
def test_trajectory_at_strong_input_matches_high_precision(mu, t_ref):
    # Row 10. Reference: the closed form in 60-digit mpmath (plain log of the ratio). The kernel's
    # phase (t - t1) mod P carries the rounding of the period n = t/P times: |ds| <= 8 eps (t + t1)
    # (a few roundings per period, plus t - t1), which moves V by |dV/ds| ds = (v_inf - V)/tau_m ds.
    model = LIF(tau_m=20.0, t_ref=t_ref)
    args = (model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref, mu)
    t1, period = naive.neuron.lif_spike_schedule_mp(*args, model.v_reset)
    # half-way up the rise of the 1st, 11th and 1001st interval, far from the spike discontinuities
    t = np.array([float(t1 + k * period + t_ref + 0.5 * (period - t_ref)) for k in (0, 10, 1000)])
    ref = naive.neuron.lif_trajectory_mp(*args, t, model.v_reset)
    got = lif_trajectory(model, mu, t, model.v_reset, threshold=True)
    v_inf = model.e_l + mu
    tol = (v_inf - ref) / model.tau_m * 8 * EPS * (t + float(t1)) + 4 * EPS * np.abs(ref)
    assert np.all(np.abs(got - ref) <= tol)


@pytest.mark.parametrize("mu", [1e17, 1e20, 1e300, 1.7e308])
def test_trajectory_with_t_ref_zero_stays_finite(mu):
    # Row 10: the period ln((v_inf - v_reset)/(v_inf - v_th)) used to round to ln 1 = 0 (ZeroDivisionError).
    # The period is tau_m y (1 - y/2 + ...), y = (v_th - v_reset)/(v_inf - v_th): positive; after
    # ~1e17 periods per ms the phase is beyond float resolution, so V is only known to lie in
    # [v_reset, v_th] (up to the last rounding, 4 eps |v_th|).
    model = LIF(t_ref=0.0)
    v = lif_trajectory(model, mu, [1.0, 2.5, 1e6], -65.0, threshold=True)
    assert np.all(np.isfinite(v))
    assert np.all(v >= model.v_reset) and np.all(v <= model.v_th + 4 * EPS * abs(model.v_th))
    y = (model.v_th - model.v_reset) / (model.e_l + mu - model.v_th)
    assert lif_isi(model, mu) == pytest.approx(model.tau_m * y * (1.0 - y / 2.0), rel=4 * EPS)


@pytest.mark.parametrize("bad, err, match", [
    (np.nan, ValueError, r"mu_values must contain only finite values"),
    ([1.0, np.inf], ValueError, r"mu_values must contain only finite values"),
    (None, TypeError, r"mu_values must be an array of numbers, got NoneType"),
    ("20", TypeError, r"mu_values must be an array of numbers, got str"),
    ([True, False], TypeError, r"mu_values must be an array of numbers, got booleans"),
])
def test_lif_fi_curve_names_mu_values(bad, err, match):
    # Row 17: the message used to name lif_isi's `mu`
    with pytest.raises(err, match=match):
        lif_fi_curve(LIF(), bad)


@pytest.mark.parametrize("t_max, dt, match", [
    (0.06, 0.1, r"t_max must be a whole number of steps dt = 0.1 ms, got t_max = 0.06 ms"),
    (10.05, 0.1, r"t_max must be a whole number of steps dt = 0.1 ms, .* use 10 or 10.1 ms"),
    (1e308, 1e-10, r"t_max / dt = inf steps is too many; raise dt or shorten t_max"),
    (1e7, 1e-3, r"t_max: t_max / dt time steps \(1e\+10\) exceeds the 1e\+09"),
])
def test_simulate_deterministic_rejects_bad_step_counts(t_max, dt, match):
    # Row 18: t_max = 0.06 with dt = 0.1 used to run silently to 0.1 ms; 1e308 / 1e-10 overflowed
    with pytest.raises(ValueError, match=match):
        simulate_deterministic(LIF(), 20.0, t_max, dt)


def test_simulate_deterministic_memory_guard(monkeypatch):
    # 1e4 steps of 24 bytes (t, v, spike buffer) do not fit in a 1e5-byte budget
    monkeypatch.setenv("SNNLIB_MAX_BYTES", "100000")
    with pytest.raises(ValueError, match=r"t_max: the trajectory \(t, v, spike times\) would need 234 KiB"):
        simulate_deterministic(LIF(), 20.0, 1000.0, 0.1)


def test_simulate_deterministic_accepts_float32_dt():
    # Row 19 for this function: np.float32(0.1) = 0.100000001490116 is 0.1 to float32 precision, so
    # 100 ms are 1000 steps; the run is the naive Euler map with that (float64) step
    dt = np.float32(0.1)
    model = LIF()
    run = simulate_deterministic(model, 30.0, 100.0, dt)
    v_ref, spikes_ref = naive.simulate_deterministic(*_lif(model), 30.0, 1000 * float(dt), float(dt), model.v_reset)
    assert run.v.shape == (1001,)
    np.testing.assert_allclose(run.v, v_ref, rtol=0.0, atol=1e-12)
    np.testing.assert_allclose(run.spike_times, spikes_ref, rtol=0.0, atol=1e-12)


@pytest.mark.parametrize("delta_t", [0.5, 1.0 / 70.0, 10.0 / 700.0])
def test_rheobase_with_reset_above_v_t(delta_t):
    # Row 22: v_reset - e_l - delta_t exp(x), x = (v_reset - v_t)/delta_t up to 700, against 60-digit
    # mpmath on the same float inputs; exp amplifies the rounding of x by x: rel. error <= 4 x eps
    import mpmath

    model = EIF(v_reset=-40.0, v_t=-50.0, delta_t=delta_t)
    x = (model.v_reset - model.v_t) / delta_t
    with mpmath.workdps(60):
        dt_mp = mpmath.mpf(delta_t)
        ref = float(mpmath.mpf(-40.0) + 65.0 - dt_mp * mpmath.exp((mpmath.mpf(-40.0) + 50.0) / dt_mp))
    assert rheobase(model) == pytest.approx(ref, rel=4 * x * EPS + EPS)


def test_rheobase_overflow_is_a_clear_error():
    # Row 22: psi(v_reset) = 0.01 exp(1000) mV exceeds the largest float: the true rheobase is about
    # -2e432 mV, not a float (it used to return -inf)
    with pytest.raises(ValueError, match=r"rheobase: with v_reset = -40 mV above v_t = -50 mV and delta_t = 0.01 "
                                         r"mV, .* lower v_reset below v_t or raise delta_t"):
        rheobase(EIF(v_reset=-40.0, delta_t=0.01))


@pytest.mark.parametrize("mu", [1e100, 1e300, 1e308])
def test_lif_fi_curve_at_huge_input_reaches_the_refractory_limit(mu):
    # Row 22: with t_ref > 0 the rate tends to 1000/t_ref; the ISI exceeds t_ref by
    # tau_m (v_th - v_reset)/mu <= 3e-98 ms, far below t_ref's last bit
    model = LIF(t_ref=2.0)
    assert lif_fi_curve(model, mu) == pytest.approx(1000.0 / model.t_ref, rel=EPS)


@pytest.mark.parametrize("fi, model, delta_v", [
    (lif_fi_curve, LIF(t_ref=0.0), 15.0),      # v_th - v_reset
    (eif_fi_curve, EIF(t_ref=0.0), 38.0),      # cut-off v_th - v_reset
])
def test_fi_curve_without_refractoriness_grows_linearly(fi, model, delta_v):
    # Row 22: with t_ref = 0 the rate has no bound. At mu = 1e300 the drift is mu (1 + O(1e-296)) on the
    # whole way from reset to threshold, so the rate is 1000 mu / (tau_m (v_th - v_reset)) to the
    # quadrature accuracy (1e-12, EIF) or a few eps (LIF, log1p of a tiny argument)
    mu = 1e300
    assert fi(model, mu) == pytest.approx(1000.0 * mu / (model.tau_m * delta_v), rel=1e-11)
    with pytest.raises(ValueError, match=r"mu_values: the rate at mu = 1\.7e\+308 mV exceeds the largest float "
                                         r".* use a larger t_ref or a smaller mu_values"):
        fi(model, [10.0, 1.7e308])


def test_exported_at_top_level():
    for name in ("lif_trajectory", "lif_isi", "lif_fi_curve", "rheobase", "eif_fi_curve",
                 "simulate_deterministic", "DeterministicRun"):
        assert hasattr(snnlib, name)
