"""Extreme but valid input to the Fokker-Planck functions (the December 2026 API probe, rows 4-9, 19).

Every case checks a number against an independent value: the limit the theory gives (rate 0 far
below threshold, 1000 / t_ref or the noise-free rate far above it, CV 1 for escape over a high
barrier), a closed form (the Gaussian density of the free LIF), another method (snnlib.siegert_rate,
a double quadrature, mpmath), or the naive twins of tests/naive; an error must name the input that
causes it and what is accepted.
"""

import importlib
import math
import threading
import warnings

import numpy as np
import pytest

import naive
import snnlib
from naive.fokker_planck import fp_stationary_log_density_mp
from snnlib.fokker_planck import grid, linear_response

# the package exports the function `stationary` under the module's name: fetch the module itself
stationary_module = importlib.import_module("snnlib.fokker_planck.stationary")

LIF, EIF = snnlib.LIF(), snnlib.EIF()
LIF0 = snnlib.LIF(t_ref=0.0)


@pytest.fixture(autouse=True)
def no_warnings():
    """No RuntimeWarning (overflow, 0/0) may escape at the extremes."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------------------
# row 5: siegert_rate and lif_cv return their limits instead of 0/0
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", [LIF, LIF0])
@pytest.mark.parametrize("mu, sigma", [(10.0, 1e-160), (10.0, 5e-324), (-1e300, 3.0), (-1e300, 1e-300)])
def test_siegert_far_below_threshold_is_zero_with_poisson_cv(model, mu, sigma):
    # y_th = (v_th - e_l - mu) / (sqrt(2) sigma) > 1e150: the rate is below exp(-y_th^2), far under
    # the smallest double, and escape over such a barrier is Poisson (CV 1)
    assert snnlib.siegert_rate(model, mu, sigma) == 0.0
    assert snnlib.lif_cv(model, mu, sigma) == 1.0
    np.testing.assert_array_equal(snnlib.siegert_rate(model, [mu, 12.0], [sigma, 3.0])[0], 0.0)
    np.testing.assert_array_equal(snnlib.lif_cv(model, [mu], [sigma]), [1.0])


def _noise_free_rate_mp(model, mu):
    """1000 / (t_ref + tau_m ln(1 + (v_th - v_reset) / (e_l + mu - v_th))) in 50-digit arithmetic (Hz)."""
    import mpmath

    mpmath.mp.dps = 50
    mu = mpmath.mpf(mu)
    period = model.tau_m * mpmath.log1p((model.v_th - model.v_reset) / (model.e_l + mu - model.v_th))
    return float(1000 / (model.t_ref + period))


@pytest.mark.parametrize("model", [LIF, LIF0])
@pytest.mark.parametrize("mu, sigma", [(1e7, 3.0), (1e14, 3.0), (1e300, 3.0), (1e300, 1e-300), (25.0, 1e-160)])
def test_siegert_far_above_threshold_is_the_noise_free_rate(model, mu, sigma):
    pytest.importorskip("mpmath")
    ref = _noise_free_rate_mp(model, mu)
    # the noise shortens the mean ISI by a relative ~1 / (2 y_th y_r) (erfcx asymptotics)
    y_th = (model.v_th - model.e_l - mu) / (math.sqrt(2.0) * sigma)
    y_r = (model.v_reset - model.e_l - mu) / (math.sqrt(2.0) * sigma)
    noise = 1.0 / (2.0 * y_th * y_r) if math.isfinite(y_th * y_r) else 0.0
    assert snnlib.siegert_rate(model, mu, sigma) == pytest.approx(ref, rel=noise + 4e-16)
    assert snnlib.siegert_rate(model, [mu], [sigma])[0] == pytest.approx(ref, rel=noise + 4e-16)
    # CV: the perfect integrator's inverse-Gaussian ISI, CV^2 = 2 sigma^2 / (m (v_th - v_reset)) with
    # m = e_l + mu - v_th (drift m / tau_m, diffusion sigma^2 / tau_m), scaled by the share T / (T + t_ref)
    # of the ISI that is not refractory; the leak corrects it by O((v_th - v_reset) / m)
    m, gap = model.e_l + mu - model.v_th, model.v_th - model.v_reset
    period = model.tau_m * gap / m
    pif = math.sqrt(2.0 * sigma ** 2 / (m * gap)) * period / (period + model.t_ref)
    assert snnlib.lif_cv(model, mu, sigma) == pytest.approx(pif, rel=2.0 * gap / m + 1e-12, abs=1e-300)


# ---------------------------------------------------------------------------
# row 6: mu of 1e200 mV
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", [LIF, EIF, snnlib.LIF(t_ref=0.5)])
def test_stationary_far_above_threshold_is_refractory_limited(model):
    st = snnlib.stationary(model, 1e200, 3.0)
    # the time from reset to threshold is ~tau_m (v_th - v_reset) / mu ~ 1e-198 ms
    assert st.rate == pytest.approx(1000.0 / model.t_ref, rel=1e-15)
    assert st.mean_isi == pytest.approx(model.t_ref, rel=1e-15)
    assert st.cv == pytest.approx(0.0, abs=1e-12)
    assert st.mean_v == pytest.approx(model.v_reset, abs=1e-12)       # everybody refractory, at v_reset
    assert st.density.sum() * st.dv + st.rate / 1000.0 * model.t_ref == pytest.approx(1.0, abs=1e-12)


def test_stationary_strong_drive_matches_siegert():
    for mu in (1e3, 1e6, 1e200):
        assert snnlib.stationary(LIF, mu, 3.0).rate == pytest.approx(snnlib.siegert_rate(LIF, mu, 3.0), rel=1e-6)
    # t_ref = 0: the rate is the noise-free one, tau_m (v_th - v_reset) / mu per spike
    assert snnlib.stationary(LIF0, 1e200, 3.0).rate == pytest.approx(snnlib.siegert_rate(LIF0, 1e200, 3.0),
                                                                     rel=1e-12)


def test_linear_response_far_above_threshold():
    # t_ref > 0: chi = d r / d mu = r^2 tau_m (v_th - v_reset) / mu^2 < 1e-390 Hz/mV: 0 in double precision
    np.testing.assert_array_equal(snnlib.susceptibility(LIF, 1e200, 3.0, [0.0, 10.0, 1e3]), 0.0)
    # the spike train is periodic to double precision: S is a comb of delta peaks, refused
    with pytest.raises(ValueError, match=r"mu=1e\+200 mV with sigma=3 mV makes the neuron fire almost "
                                         r"periodically \(ISI CV \S+ < 1e-05\)"):
        snnlib.spike_spectrum(LIF, 1e200, 3.0, [1.0])
    # t_ref = 0: the rate is not saturated; chi would underflow inside the kernel: refused
    for func in (snnlib.susceptibility, snnlib.spike_spectrum):
        with pytest.raises(ValueError, match=r"mu=1e\+200 mV is too strong for the linear response with "
                                             r"t_ref = 0: .* below 1e-140 ms"):
            func(LIF0, 1e200, 3.0, [1.0])


@pytest.mark.parametrize("mu", [1e5, 1e9, 1e100])
def test_chi_of_a_strongly_driven_lif_without_refractoriness_is_the_perfect_integrator_slope(mu):
    # t_ref = 0, drive >> noise: r = 1 / (tau_m ln((mu' - v_reset)/(mu' - v_th))), mu' = e_l + mu, whose
    # slope d r / d mu tends to 1 / (tau_m (v_th - v_reset)) (a perfect integrator); the noise and the
    # leak correct it by O(sigma^2 / mu^2) and O((v_th - v_reset) / mu)
    m = LIF0.e_l + mu
    log_ratio = math.log1p((LIF0.v_th - LIF0.v_reset) / (m - LIF0.v_th))
    slope = 1000.0 * (LIF0.v_th - LIF0.v_reset) / (LIF0.tau_m * log_ratio ** 2 * (m - LIF0.v_reset) * (m - LIF0.v_th))
    chi = snnlib.susceptibility(LIF0, mu, 3.0, [0.0, 1.0])
    np.testing.assert_allclose(chi.real, slope, rtol=1e-6)
    assert np.all(np.abs(chi.imag) < 1e-6 * slope)


# ---------------------------------------------------------------------------
# row 7: rates below ~1e-300 Hz
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model, tol", [(LIF, 1e-9), (EIF, 1e-7)])
def test_stationary_far_below_threshold_is_zero_rate_and_gaussian_density(model, tol):
    mu, sigma = -30.0, 1.0             # e_l + mu 45 sigma below v_th: rate ~ exp(-1000)
    st = snnlib.stationary(model, mu, sigma)
    assert st.rate == 0.0 and st.cv == 1.0 and st.mean_isi == math.inf
    assert snnlib.siegert_rate(LIF, mu, sigma) == 0.0                      # the same limit
    np.testing.assert_array_equal(st.flux, 0.0)
    # no flux: the density is the free OU Gaussian N(e_l + mu, sigma^2) (for the EIF, psi is below
    # 2 exp(-20) mV within 10 sigma of the mean: a relative change below tol)
    m = model.e_l + mu
    gauss = np.exp(-0.5 * ((st.v - m) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))
    np.testing.assert_allclose(st.density, gauss, rtol=0, atol=tol * gauss.max())
    assert st.mean_v == pytest.approx(m, abs=tol)
    assert st.var_v == pytest.approx(sigma ** 2, rel=tol)
    assert np.sum(0.5 * (st.density[1:] + st.density[:-1])) * st.dv == pytest.approx(1.0, abs=tol)


def test_log_space_sweep_matches_mpmath_where_the_density_overflows():
    pytest.importorskip("mpmath")
    model, mu, sigma, h = LIF, -30.0, 1.0, 0.1
    v = model.v_reset + h * np.arange(-400, 151)
    f_mid = model.drift(v[:-1] + 0.5 * h, mu)
    d = sigma ** 2 / model.tau_m
    lp, lpbar = np.empty(v.size), np.empty(v.size - 1)
    stationary_module._threshold_integrate_log(f_mid, h, 400, d, lp, lpbar)
    ref_lp, ref_lpbar = fp_stationary_log_density_mp(list(f_mid), h, 400, d)
    assert ref_lp.max() > 1000.0                                  # p ~ e^1000: a double would overflow
    np.testing.assert_allclose(lp[:-1], ref_lp[:-1], rtol=1e-12)
    assert lp[-1] == ref_lp[-1] == -math.inf
    np.testing.assert_allclose(lpbar, ref_lpbar, rtol=1e-12)


@pytest.mark.parametrize("model, mu, sigma", [(LIF, 12.0, 3.0), (EIF, 10.0, 2.0)])
def test_log_space_solution_equals_the_fast_one_where_both_work(model, mu, sigma):
    st = snnlib.stationary(model, mu, sigma, rtol=1.0)        # one grid, no halving: the same as below
    args = grid.check_threshold_args(model, mu, sigma, None, None)
    log = stationary_module._state_log(model, mu, sigma, grid.aligned_grid(model, args.v_lb, args.dv))
    assert log.rate == pytest.approx(st.rate, rel=1e-10)
    np.testing.assert_allclose(log.density, st.density, rtol=0, atol=1e-10 * st.density.max())
    assert log.mean_v == pytest.approx(st.mean_v, abs=1e-9)
    assert log.var_v == pytest.approx(st.var_v, rel=1e-9)


@pytest.mark.parametrize("freqs", [[0.0, 1.0, 30.0], np.logspace(-1, 6, 40)])
def test_linear_response_far_below_threshold_is_zero(freqs):
    # chi ~ r0 / sigma and S ~ r0 with r0 below the smallest double: both are 0, and the answer is
    # found on the coarsest grid (the probe took 14 s to fail here)
    np.testing.assert_array_equal(snnlib.susceptibility(LIF, -30.0, 1.0, freqs), 0.0)
    np.testing.assert_array_equal(snnlib.spike_spectrum(LIF, -30.0, 1.0, freqs), 0.0)


# ---------------------------------------------------------------------------
# row 8: EIF with a small delta_t, whose psi overflows to +inf below the default v_th
# ---------------------------------------------------------------------------

SHARP = snnlib.EIF(delta_t=0.02)          # psi(v_th = -30 mV) = 0.02 exp(1000) = inf


def test_sharp_eif_stationary_matches_double_quadrature():
    st = snnlib.stationary(SHARP, 10.0, 3.0)
    assert np.isinf(SHARP.psi(SHARP.v_th))
    # the double quadrature needs no cut-off above -45 mV: psi is there already 0.02 e^250 mV
    ref = naive.fp_stationary_quad_rate(snnlib.EIF(delta_t=0.02, v_th=-45.0), 10.0, 3.0, st.v[0])
    assert st.rate == pytest.approx(ref, rel=1e-6)
    assert 0.0 < st.cv < 1.0


def test_sharp_eif_density_and_chi():
    st = snnlib.stationary(SHARP, 10.0, 3.0)
    # solve_density converges to it at second order in dv and conserves probability
    err = []
    for dv in (0.05, 0.025):
        res = snnlib.solve_density(SHARP, 10.0, 3.0, t_max=0.2, dt=0.1, dv=dv)
        np.testing.assert_allclose(res.total_mass, 1.0, rtol=0, atol=1e-12)
        err.append(res.rate[-1] / st.rate - 1.0)
    assert 3.5 < err[0] / err[1] < 4.5 and abs(err[1]) < 1e-3
    # chi(0) is the slope of the f-I curve (central differences, Richardson-extrapolated)
    central = [(snnlib.stationary(SHARP, 10.0 + e, 3.0).rate - snnlib.stationary(SHARP, 10.0 - e, 3.0).rate) / (2 * e)
               for e in (1e-3, 2e-3)]
    chi0 = snnlib.susceptibility(SHARP, 10.0, 3.0, 0.0)
    assert chi0.real == pytest.approx((4 * central[0] - central[1]) / 3, rel=1e-6)


# ---------------------------------------------------------------------------
# row 9: errors name sigma or mu, not the defaulted v_lb or dv
# ---------------------------------------------------------------------------

def _call(func, model, mu, sigma):
    if func is snnlib.solve_density:
        return func(model, mu, sigma, t_max=1.0, dt=0.1)
    if func is snnlib.stationary:
        return func(model, mu, sigma)
    return func(model, mu, sigma, [1.0])


FUNCS = [snnlib.stationary, snnlib.susceptibility, snnlib.spike_spectrum, snnlib.solve_density]


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mu, sigma, match", [
    (10.0, 1e-6, r"sigma=1e-06 mV is too small for a grid that must resolve it .* sigma must be >= \d"),
    (10.0, 1e-300, r"sigma=1e-300 mV is too small for a grid that must resolve it .* sigma must be >= \d"),
    (10.0, 1e300, r"sigma=1e\+300 mV is too large: the default v_lb lies \d+ sigma below .*pass v_lb"),
    (-1e300, 3.0, r"mu=-1e\+300 mV puts the free membrane potential .* far below v_reset .*mu must be >= -?\d"),
    (-1e300, 1e300, r"mu=-1e\+300 mV and sigma=1e\+300 mV put the default v_lb .* far below v_reset: .*pass v_lb"),
])
def test_grid_errors_name_sigma_or_mu(func, mu, sigma, match):
    with pytest.raises(ValueError, match=match):
        _call(func, LIF, mu, sigma)


def test_grid_error_names_delta_t():
    with pytest.raises(ValueError, match=r"delta_t=1e-08 mV of the model is too small .* delta_t must be >= \d"):
        snnlib.stationary(snnlib.EIF(delta_t=1e-8), 10.0, 3.0)


def test_sigma_whose_square_overflows_is_named():
    with pytest.raises(ValueError, match=r"sigma=1e\+200 mV is outside the range .* sigma\*\*2 / tau_m .* must be "
                                         r"a positive finite number"):
        snnlib.stationary(LIF, 10.0, 1e200, v_lb=-100.0)


def test_suggested_bounds_are_accepted():
    # the smallest sigma and mu the errors suggest pass the grid checks, the values just beyond fail
    with pytest.raises(ValueError) as err:
        snnlib.stationary(LIF, 10.0, 1e-6)
    sigma_min = float(str(err.value).split("sigma must be >= ")[1].split(" mV")[0])
    args = grid.check_threshold_args(LIF, 10.0, 1.01 * sigma_min, None, None)
    assert (LIF.v_th - args.v_lb) / args.dv <= grid.MAX_GRID_STEPS
    with pytest.raises(ValueError, match=r"sigma=\S+ mV is too small"):
        grid.check_threshold_args(LIF, 10.0, 0.99 * sigma_min, None, None)
    with pytest.raises(ValueError) as err:
        snnlib.solve_density(LIF, -1e6, 3.0, t_max=0.1, dt=0.1)
    mu_min = float(str(err.value).split("mu must be >= ")[1].split(" mV")[0])
    v_lb = grid.lower_bound(LIF, None, grid.DENSITY_DV, mu_low=mu_min + 0.01, sigma_low=3.0, sigma_high=3.0,
                            n_sigmas=grid.DENSITY_LB_SIGMAS, dv_cause="dv", what="cells")
    assert (LIF.v_th - v_lb) / grid.DENSITY_DV <= grid.MAX_GRID_STEPS
    with pytest.raises(ValueError, match=r"mu=\S+ mV puts the free membrane potential"):
        snnlib.solve_density(LIF, mu_min - 0.01, 3.0, t_max=0.1, dt=0.1)


def test_mu_of_1e300_is_fine_for_solve_density():
    res = snnlib.solve_density(LIF, 1e300, 3.0, t_max=1.0, dt=0.1)
    np.testing.assert_allclose(res.rate, 1000.0 / LIF.t_ref, rtol=1e-12)   # the refractory limit


# ---------------------------------------------------------------------------
# rows 4 and 19: solve_density's time grid
# ---------------------------------------------------------------------------

def test_float32_dt_is_accepted_and_means_the_nearest_double_step():
    ref = snnlib.solve_density(LIF, 10.0, 3.0, t_max=10.0, dt=0.1)
    for t_max, dt in ((10.0, np.float32(0.1)), (np.float32(10.0), np.float32(0.1))):
        got = snnlib.solve_density(LIF, 10.0, 3.0, t_max=t_max, dt=dt)
        np.testing.assert_array_equal(got.rate, ref.rate)             # dt = t_max / 100 = 0.1 exactly
        assert got.t[-1] == 10.0
        np.testing.assert_array_equal(got.binned_rate(1.0)[1], ref.binned_rate(1.0)[1])
    with pytest.raises(ValueError, match=r"t_max must be a whole number of steps dt = 0.1 ms, got t_max = 10.05 ms "
                                         r"\(100.5 steps\); use 10 or 10.1 ms"):
        snnlib.solve_density(LIF, 10.0, 3.0, t_max=10.05, dt=np.float32(0.1))


@pytest.mark.parametrize("t_max, dt, match", [
    (1e300, 1e-9, r"t_max / dt = inf steps is too many; raise dt"),
    (1.0, 1e-300, r"t_max / dt = 1e\+300 steps is too many; raise dt"),
    (1e5, 1e-3, r"dt=0.001 ms \(t_max / dt = 1e\+08 steps\): .* (exceeds the 1e\+10 one call may run|would need)"),
    (1e12, 0.1, r"dt=0.1 ms \(t_max / dt = 1e\+13 steps\): the per-step input and output arrays would need"),
])
def test_absurd_time_grids_are_refused_before_any_work(t_max, dt, match):
    with pytest.raises(ValueError, match=match):
        snnlib.solve_density(LIF, 10.0, 3.0, t_max=t_max, dt=dt)


# ---------------------------------------------------------------------------
# the response cache (no module-level mutable state)
# ---------------------------------------------------------------------------

def test_chi_then_s_cost_one_solve_and_return_private_copies(monkeypatch):
    calls = []
    compute = linear_response._compute_response

    def counting(*args):
        calls.append(args[:3])
        return compute(*args)

    monkeypatch.setattr(linear_response, "_compute_response", counting)
    linear_response._cached_response.cache_clear()
    freqs = [1.0, 10.0, 100.0]
    chi = snnlib.susceptibility(LIF, 12.0, 3.0, freqs)
    s = snnlib.spike_spectrum(LIF, 12.0, 3.0, freqs)
    assert len(calls) == 1
    chi_saved, s_saved = chi.copy(), s.copy()
    chi[:] = 0.0                                      # the caller's copies, not the cached arrays
    s[:] = 0.0
    np.testing.assert_array_equal(snnlib.susceptibility(LIF, 12.0, 3.0, freqs), chi_saved)
    np.testing.assert_array_equal(snnlib.spike_spectrum(LIF, 12.0, 3.0, freqs), s_saved)
    assert len(calls) == 1
    # and the values are right: the LIF closed form in parabolic cylinder functions
    pytest.importorskip("mpmath")
    ref = [naive.fp_chi_lif_closed_form(LIF.tau_m, LIF.e_l, LIF.v_th, LIF.v_reset, LIF.t_ref, 12.0, 3.0, f)
           for f in freqs]
    np.testing.assert_allclose(chi_saved, ref, rtol=1e-9)


def test_response_is_the_same_from_many_threads():
    linear_response._cached_response.cache_clear()
    mus = [10.0, 11.0, 12.0, 13.0]
    ref = [snnlib.susceptibility(EIF, mu, 3.0, [5.0, 50.0]) for mu in mus]
    linear_response._cached_response.cache_clear()
    out = [None] * 16

    def work(i):
        out[i] = snnlib.susceptibility(EIF, mus[i % 4], 3.0, [5.0, 50.0])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(16):
        np.testing.assert_array_equal(out[i], ref[i % 4])


def test_unhashable_psi_func_is_computed_without_the_cache():
    class Zero:                      # defines __eq__ without __hash__: instances cannot be hashed
        def __call__(self, v):
            return 0.0 * v

        def __eq__(self, other):
            return isinstance(other, Zero)

    model = snnlib.IFModel(psi_func=Zero())     # psi = 0: the LIF
    freqs = [0.0, 5.0, 80.0]
    np.testing.assert_allclose(snnlib.susceptibility(model, 12.0, 3.0, freqs),
                               snnlib.susceptibility(LIF, 12.0, 3.0, freqs), rtol=1e-12)
    np.testing.assert_allclose(snnlib.spike_spectrum(model, 12.0, 3.0, freqs),
                               snnlib.spike_spectrum(LIF, 12.0, 3.0, freqs), rtol=1e-12)
