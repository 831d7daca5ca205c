"""Monte Carlo of uncoupled IF neurons (snnlib.neuron.montecarlo) against naive loops and theory.

Tolerances: naive comparisons are exact (same noise) up to float rounding; physics checks use
a few standard errors computed from the data or from theory, as derived in each test.
"""

import hashlib
import math
import subprocess
import sys
import warnings
from pathlib import Path

import naive
import numba
import numpy as np
import pytest
from scipy import stats

import snnlib
from snnlib._core.seeding import kernel_seed
from snnlib.neuron.montecarlo import simulate_population
from snnlib.fokker_planck.siegert import lif_cv, siegert_rate

LIF = snnlib.LIF()
EIF = snnlib.EIF()
Z = 4.0  # accepted deviation in standard errors (two-sided p ~ 6e-5 per check)


def test_streams_of_neighbouring_neurons_are_uncorrelated():
    n = 200_000
    x = snnlib.langevin_noise(4, n, seed=5)
    c = np.corrcoef(x.T)[np.triu_indices(4, 1)]
    assert np.all(np.abs(c) < Z / math.sqrt(n))
    lag1 = np.mean(x[1:, 0] * x[:-1, 0])
    assert abs(lag1) < Z / math.sqrt(n)


def test_langevin_noise_is_the_naive_stream():
    got = snnlib.langevin_noise(3, 400, seed=11)
    ref = naive.langevin_noise(kernel_seed(11), 3, 400)
    np.testing.assert_array_equal(got, ref)


# --- fast kernel against the naive loop on the same noise ---------------------------------------
CASES = {
    "lif-bridge": (LIF, 14.0, 4.0, True, None),
    "lif-plain": (LIF, 14.0, 4.0, False, None),
    "eif-bridge": (EIF, 12.0, 4.0, True, None),
    "per-neuron": (LIF, np.linspace(8.0, 20.0, 70), np.linspace(0.0, 5.0, 70), True, None),
    "high-rate": (snnlib.LIF(t_ref=0.5), 60.0, 3.0, True, None),  # overflows the first spike buffer
    "step-input": (EIF, 5.0, 3.0, True, "step"),
    # reset above v_t - delta_t: the inert padding lanes of the partial block sit at v_t - delta_t
    "eif-high-reset": (snnlib.EIF(v_reset=-49.0), 12.0, 4.0, True, None),
}


def _kernel_against_naive(model, mu, sigma, corr, **extra):
    """The kernel and the naive loop on the same noise: identical spikes; the traces, for the
    caller's tolerance."""
    n = 70 if np.ndim(mu) else 5
    dt, n_steps = 0.1, 2000
    if extra.get("mu_t") is not None:
        extra["mu_t"] = np.where(np.arange(n_steps) * dt >= 100.0, 12.0, 0.0)
    res = simulate_population(model, mu, sigma, n_neurons=n, t_max=n_steps * dt, dt=dt, seed=42,
                              record_v=np.arange(n), threshold_correction=corr, **extra)
    steps, ids, traces = naive.simulate_population(model, mu, sigma, n, n_steps, dt, kernel_seed(42),
                                                   threshold_correction=corr, **extra)
    assert res.n_spikes == ids.size > 0
    np.testing.assert_array_equal(res.spike_ids, ids)
    np.testing.assert_array_equal(res.spike_times, (steps + 1) * dt)
    return res.v, traces


@pytest.mark.parametrize("case", list(CASES))
def test_matches_naive_loop_on_same_noise(case):
    model, mu, sigma, corr, mu_t = CASES[case]
    v, traces = _kernel_against_naive(model, mu, sigma, corr, mu_t=mu_t)
    if model.kind == "lif":
        np.testing.assert_allclose(v, traces, rtol=1e-12, atol=1e-12)
    else:
        # Rounding differences (the kernel's exp vs math.exp, fused multiply-adds) grow by the
        # step's Jacobian 1 + dt/tau (exp((V - V_T)/delta_T) - 1), up to ~1 + 0.005 e^10 ~ 110 on
        # the last steps of the upswing: 1e-12 below V_T, 1e-12 * 110^2 above.
        below = traces < model.v_t
        np.testing.assert_allclose(v[below], traces[below], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(v, traces, rtol=1e-12 * 110 ** 2)


def test_histogram_and_rates_are_consistent_with_traces():
    n, dt, t_max = 64, 0.1, 300.0
    edges = np.linspace(-70.0, -50.0, 41)
    res = simulate_population(LIF, 13.0, 4.0, n_neurons=n, t_max=t_max, dt=dt, seed=3,
                              record_v=np.arange(n), v_hist=edges, v_hist_start=50.0, rate_bin=2.0)
    k0 = 500  # first sample counted: t = 50 ms
    samples = res.v[:, k0:]
    # refractory samples sit exactly at v_reset and follow a spike; rebuild the mask from the spikes
    n_ref = int(round(LIF.t_ref / dt))
    refractory = np.zeros_like(res.v, dtype=bool)
    for t, i in zip(res.spike_times, res.spike_ids):
        k = int(round(t / dt))
        refractory[i, k:k + n_ref] = True
    counts, _ = np.histogram(samples[~refractory[:, k0:]], bins=edges)
    np.testing.assert_allclose(res.v_hist_density, counts / (samples.size * np.diff(edges)), rtol=1e-12)
    assert res.rate.sum() * 2.0e-3 * n == pytest.approx(res.n_spikes)
    np.testing.assert_allclose(res.neuron_rates, np.bincount(res.spike_ids, minlength=n) / 0.3)
    assert res.rate_time[0] == 1.0 and res.rate_time.size == 150


# --- deterministic dynamics against closed forms ------------------------------------------------
def test_noise_free_lif_trajectory():
    mu, dt, v0 = 10.0, 0.05, -70.0
    res = simulate_population(LIF, mu, 0.0, n_neurons=1, t_max=100.0, dt=dt, record_v=[0], v0=v0)
    e = LIF.e_l + mu
    t = res.v_time
    # Euler's map exactly: V_k = E + (v0 - E)(1 - dt/tau)^k
    np.testing.assert_allclose(res.v[0], e + (v0 - e) * (1 - dt / LIF.tau_m) ** np.arange(t.size), rtol=1e-13)
    # the ODE: |Euler - exact| <= |v0 - E| t dt / (2 tau^2) exp(-t/tau) (1 + O(dt)) <= |v0 - E| dt / (2 e tau)
    exact = e + (v0 - e) * np.exp(-t / LIF.tau_m)
    bound = abs(v0 - e) * dt / (2 * math.e * LIF.tau_m) * 1.01
    err = np.abs(res.v[0] - exact)
    assert err.max() < bound and err.max() > 0.5 * bound  # first-order error, not zero
    assert res.n_spikes == 0


def test_noise_free_lif_isi():
    mu, dt = 20.0, 0.01
    res = simulate_population(LIF, mu, 0.0, n_neurons=1, t_max=200.0, dt=dt)
    isis = np.diff(res.spike_times)
    a = dt / LIF.tau_m
    e = LIF.e_l + mu
    # Euler hits threshold after the first k with E + (v_r - E)(1 - a)^k >= v_th
    k_hit = math.ceil(math.log((e - LIF.v_th) / (e - LIF.v_reset)) / math.log(1 - a))
    n_ref = round(LIF.t_ref / dt)
    np.testing.assert_allclose(isis, (k_hit + n_ref) * dt, rtol=1e-9)
    np.testing.assert_allclose(res.spike_times[0], k_hit * dt, rtol=1e-9)  # starts at v_reset, not refractory
    t_free = LIF.tau_m * math.log(mu / (mu - (LIF.v_th - LIF.e_l)))
    # discrete hitting time k_hit dt = t_free (1 + a/2 + O(a^2)) rounded up to the grid
    assert abs(isis[0] - (LIF.t_ref + t_free)) <= dt + t_free * a


# --- free membrane (threshold out of reach): Ornstein-Uhlenbeck statistics ----------------------
def test_free_membrane_mean_and_std():
    mu, sigma, dt, n, t_max = 5.0, 3.0, 0.1, 200, 1000.0
    far = snnlib.LIF(v_th=LIF.e_l + mu + 12 * sigma)
    a = dt / far.tau_m
    s_euler = sigma / math.sqrt(1 - a / 2)  # stationary std of Euler's AR(1) map (exact for the scheme)
    rng = np.random.default_rng(0)
    v0 = far.e_l + mu + s_euler * rng.standard_normal(n)  # start in the stationary state
    res = simulate_population(far, mu, sigma, n_neurons=n, t_max=t_max, dt=dt, seed=8, v0=v0,
                              record_v=np.arange(n))
    x = res.v[:, 1:]
    assert res.n_spikes == 0
    # time averages over t_max of a process with correlation time tau: variance ~ 2 tau / t_max
    eff = n * t_max / (2 * far.tau_m)
    se_mean = s_euler / math.sqrt(eff)
    se_var = s_euler ** 2 * math.sqrt(2 / (2 * eff))  # Var(x^2) integrates to 2 s^4 tau (Gaussian)
    assert abs(x.mean() - (far.e_l + mu)) < Z * se_mean
    assert abs(x.var() - s_euler ** 2) < Z * se_var


# --- LIF rate and CV against the Siegert formula -------------------------------------------------
def _isi_stats(res):
    """Rate (Hz, from the mean ISI) and ISI CV with standard errors, from iid renewal intervals.

    Intervals that happen to fit into [0, t_max] are a biased sample (long ones are cut off,
    a relative bias ~ 1 / (rate t_max)). The first k intervals of every neuron are iid, so we
    keep exactly those, with k = half the median count (the count's spread is ~ sqrt(count),
    so every neuron reaches k: checked).
    """
    k = int(0.5 * np.median(np.bincount(res.spike_ids, minlength=res.n_neurons)))
    trains = snnlib.isi(res)
    assert min(len(t) for t in trains) >= k
    isis = np.concatenate([t[:k] for t in trains])
    n = isis.size
    m, s = isis.mean(), isis.std(ddof=1)
    cv = s / m
    g = stats.skew(isis)
    kurt = stats.kurtosis(isis, fisher=False)
    rate = 1e3 / m
    se_rate = rate * (s / math.sqrt(n)) / m
    # delta method: Var(s/m) ~ [CV^4 + CV^2 (kurtosis - 1)/4 - CV^3 skew] / n
    se_cv = math.sqrt(max(cv ** 4 + cv ** 2 * (kurt - 1) / 4 - cv ** 3 * g, 0.0) / n)
    return rate, se_rate, cv, se_cv


# (mu, sigma): noise-driven (mean below threshold) to mean-driven (mean above threshold)
RATE_SETS = [(10.0, 4.0), (12.0, 3.0), (15.0, 2.0), (20.0, 1.0)]


@pytest.mark.parametrize("mu,sigma", RATE_SETS)
def test_lif_rate_and_cv_match_siegert(mu, sigma):
    res = simulate_population(LIF, mu, sigma, n_neurons=1000, t_max=5000.0, dt=0.1, seed=int(mu * 10))
    rate, se_rate, cv, se_cv = _isi_stats(res)
    nu, cv_th = siegert_rate(LIF, mu, sigma), lif_cv(LIF, mu, sigma)
    # Statistical error plus the scheme's O(dt) accuracy at dt = 0.1 ms with the bridge
    # correction (goal: 1 %; see test_rate_bias_* for the uncorrected O(sqrt(dt)) error).
    assert abs(rate - nu) < Z * se_rate + 0.01 * nu, (rate, nu, se_rate)
    assert abs(cv - cv_th) < Z * se_cv + 0.01 * cv_th, (cv, cv_th, se_cv)


@pytest.mark.parametrize("mu,sigma", [(12.0, 4.0), (20.0, 2.0)])
def test_eif_rate_and_cv_match_fokker_planck(mu, sigma):
    # EIF: no closed form; the stationary Fokker-Planck solution (threshold integration) is the reference
    fp = snnlib.stationary(EIF, mu, sigma)
    res = simulate_population(EIF, mu, sigma, n_neurons=1000, t_max=6000.0, dt=0.1, seed=int(mu))
    rate, se_rate, cv, se_cv = _isi_stats(res)
    # statistics plus the O(dt) accuracy of Euler-Maruyama at dt = 0.1 ms (1 %)
    assert abs(rate - fp.rate) < Z * se_rate + 0.01 * fp.rate, (rate, fp.rate, se_rate)
    assert abs(cv - fp.cv) < Z * se_cv + 0.01 * fp.cv, (cv, fp.cv, se_cv)


def test_rate_bias_shrinks_like_sqrt_dt_without_correction_and_vanishes_with_it():
    mu, sigma, n = 12.0, 3.0, 1000
    nu = siegert_rate(LIF, mu, sigma)
    rel = {}
    for dt, corr in [(0.4, False), (0.1, False), (0.1, True)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # dt = 0.4 ms > tau_m / 40 on purpose
            res = simulate_population(LIF, mu, sigma, n_neurons=n, t_max=4000.0, dt=dt, seed=5,
                                      threshold_correction=corr)
        rate, se, _, _ = _isi_stats(res)
        rel[dt, corr] = (rate / nu - 1, se / nu)
    (b4, s4), (b1, s1), (bc, sc) = rel[0.4, False], rel[0.1, False], rel[0.1, True]
    # plain Euler misses crossings: rate too low, by far more than the statistics allow
    assert b4 < -Z * s4 and b1 < -Z * s1
    # bias ~ c sqrt(dt): quartering dt halves it; allow Z SE (propagated) plus the O(dt) next order
    ratio, se_ratio = b4 / b1, abs(b4 / b1) * math.hypot(s4 / b4, s1 / b1)
    assert abs(ratio - 2.0) < Z * se_ratio + 0.25, (ratio, se_ratio)
    # the bridge correction removes it: within 1 % of Siegert
    assert abs(bc) < 0.01 + Z * sc and abs(bc) < abs(b1) / 3


# --- reproducibility --------------------------------------------------------------------------
def _digest(res):
    h = hashlib.sha256()
    h.update(res.spike_times.tobytes())
    h.update(res.spike_ids.tobytes())
    return h.hexdigest()


def test_same_seed_same_result_and_thread_count_independence(child_env):
    kw = dict(n_neurons=300, t_max=200.0, seed=9)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate_population(EIF, 12.0, 4.0, **kw)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = simulate_population(EIF, 12.0, 4.0, **kw)
    finally:
        numba.set_num_threads(old)
    assert one.n_spikes > 0 and _digest(one) == _digest(two)
    other = simulate_population(EIF, 12.0, 4.0, **{**kw, "seed": 10})
    assert _digest(other) != _digest(one)
    # a separate process with one numba thread
    code = ("import hashlib, snnlib; r = snnlib.simulate_population(snnlib.EIF(), 12.0, 4.0, n_neurons=300, "
            "t_max=200.0, seed=9); h = hashlib.sha256(); h.update(r.spike_times.tobytes()); "
            "h.update(r.spike_ids.tobytes()); print(h.hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], env=child_env(NUMBA_NUM_THREADS="1"),
                         capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
    assert out.stdout.strip() == _digest(one)


@pytest.mark.parametrize("model", [LIF, EIF], ids=["lif", "eif"])
def test_each_neuron_is_independent_of_the_population_size(model):
    # one stream per neuron and inert padding lanes: neuron i's spikes and trace do not depend on
    # how many neurons are simulated with it (here 3, a partial block, and 67, one more block)
    kw = dict(t_max=300.0, seed=4, record_v=[0, 2], v_hist=np.linspace(-80.0, -30.0, 11))
    small = simulate_population(model, 12.0, 4.0, n_neurons=3, **kw)
    big = simulate_population(model, 12.0, 4.0, n_neurons=67, **kw)
    first = big.spike_ids < 3
    assert small.n_spikes > 0
    np.testing.assert_array_equal(small.spike_ids, big.spike_ids[first])
    np.testing.assert_array_equal(small.spike_times, big.spike_times[first])
    np.testing.assert_array_equal(small.v, big.v)


_VARIANTS_CODE = """
import hashlib, numpy as np, snnlib
out = []
lif, eif = snnlib.LIF(), snnlib.EIF()
for model, kw in ((lif, {}), (eif, {}), (eif, {"record_v": [1]}),
                  (lif, {"v_hist": np.linspace(-80.0, -40.0, 9), "mu_t": np.full(1000, 1.0)})):
    r = snnlib.simulate_population(model, 12.0, 4.0, n_neurons=70, t_max=100.0, seed=3, **kw)
    h = hashlib.sha256(r.spike_times.tobytes() + r.spike_ids.tobytes())
    if r.v is not None:
        h.update(r.v.tobytes())
    if r.v_hist_density is not None:
        h.update(r.v_hist_density.tobytes())
    out.append(h.hexdigest()[:16])
print(" ".join(out))
"""


def test_cached_kernels_are_the_right_variants(tmp_path, child_env):
    # one kernel per (model, drive, record, histogram) combination, all from one closure and
    # cached on disk under one name: a second process must load the right one for each call
    env = child_env(NUMBA_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", _VARIANTS_CODE], env=env, capture_output=True, text=True,
                           check=True, cwd=Path(__file__).parent).stdout.split() for _ in range(2)]
    assert len(set(runs[0])) == 4  # different results for different features
    assert runs[1] == runs[0]      # compiled in the first process, loaded from the cache in the second
    assert any(tmp_path.rglob("*.nbc"))


def test_kernel_frees_its_work_memory(child_env):
    # the per-block work arrays share one NRT allocation (intrinsics.work_arrays, reference
    # counts by hand): every allocation the kernels make must be freed by the time the call
    # returns. numba counts them only with NUMBA_NRT_STATS=1, hence a subprocess.
    code = ("import numpy as np, snnlib; from numba.core.runtime import rtsys\n"
            "for m in (snnlib.LIF(), snnlib.EIF()):\n"
            "    snnlib.simulate_population(m, 12.0, 4.0, n_neurons=70, t_max=20.0, seed=1)\n"
            "a = rtsys.get_allocation_stats()\n"
            "for m in (snnlib.LIF(), snnlib.EIF()):\n"
            "    snnlib.simulate_population(m, 12.0, 4.0, n_neurons=200, t_max=50.0, seed=2, record_v=[3],\n"
            "                               v_hist=np.linspace(-70.0, -40.0, 7), mu_t=np.zeros(500))\n"
            "b = rtsys.get_allocation_stats()\n"
            "print(b.mi_alloc - a.mi_alloc, b.mi_free - a.mi_free)")
    out = subprocess.run([sys.executable, "-c", code], env=child_env(NUMBA_NRT_STATS="1"), capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parent)
    allocated, freed = map(int, out.stdout.split())
    assert allocated >= 2 * 4  # at least one work allocation per block (4 blocks of 64 lanes)
    assert freed == allocated


def test_generator_seed_is_accepted():
    a = simulate_population(LIF, 14.0, 4.0, n_neurons=20, t_max=100.0, seed=np.random.default_rng(3))
    b = simulate_population(LIF, 14.0, 4.0, n_neurons=20, t_max=100.0, seed=np.random.default_rng(3))
    assert _digest(a) == _digest(b)


# --- bad input -----------------------------------------------------------------------------------
def _sim(**kw):
    args = dict(model=LIF, mu=12.0, sigma=4.0, n_neurons=10, t_max=10.0)
    args.update(kw)
    return simulate_population(args.pop("model"), args.pop("mu"), args.pop("sigma"), **args)


@pytest.mark.parametrize("kw,err,match", [
    (dict(model=snnlib.IFModel(psi_func=lambda v: 0 * v)), TypeError, "model"),
    (dict(model="lif"), TypeError, "model"),
    (dict(n_neurons=0), ValueError, "n_neurons"),
    (dict(n_neurons=2.5), TypeError, "n_neurons"),
    (dict(t_max=-1.0), ValueError, "t_max"),
    (dict(t_max=10.05), ValueError, "t_max"),
    (dict(dt=0.0), ValueError, "dt"),
    (dict(dt=5.0), ValueError, "dt"),
    (dict(sigma=-1.0), ValueError, "sigma"),
    (dict(sigma=np.ones(3)), ValueError, "sigma"),
    (dict(mu=np.ones(100)), ValueError, "mu"),
    (dict(mu=np.nan), ValueError, "mu"),
    (dict(mu="12"), TypeError, "mu"),
    (dict(mu_t=np.ones(7)), ValueError, "mu_t"),
    (dict(v0=-40.0), ValueError, "v0"),
    (dict(record_v=[10]), ValueError, "record_v"),
    (dict(record_v=[1, 1]), ValueError, "record_v"),
    (dict(record_v=[0.5]), ValueError, "record_v must contain integers, got 0.5"),     # was truncated to 0
    (dict(record_v=[True]), TypeError, "record_v must be an array of numbers, got booleans"),
    (dict(mu=[True] * 10), TypeError, "mu must be an array of numbers, got booleans"),
    (dict(mu=True), TypeError, "mu must be a real number"),
    (dict(v_hist=[-70.0, -60.0, -55.0]), ValueError, "v_hist"),
    (dict(v_hist=np.linspace(-70, -50, 5), v_hist_start=10.0), ValueError, "v_hist_start"),
    (dict(rate_bin=0.15), ValueError, "rate_bin"),
    (dict(rate_bin=20.0), ValueError, "rate_bin"),
    (dict(threshold_correction=1), TypeError, "threshold_correction"),
    (dict(progress="yes"), TypeError, "progress"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_bad_input_names_the_argument(kw, err, match):
    with pytest.raises(err, match=match):
        _sim(**kw)


def test_coarse_steps_warn():
    with pytest.warns(RuntimeWarning, match="tau_m / 40"):
        _sim(dt=1.0, t_max=10.0)
    with pytest.warns(RuntimeWarning, match="t_ref"):
        _sim(dt=0.3, t_max=9.0)
    with pytest.warns(RuntimeWarning, match="delta_t"):
        _sim(model=snnlib.EIF(delta_t=0.2), dt=0.1, sigma=6.0)


def test_langevin_noise_bad_input():
    with pytest.raises(ValueError, match="n_steps"):
        snnlib.langevin_noise(2, 0)
    with pytest.raises(TypeError, match="n_neurons"):
        snnlib.langevin_noise(2.0, 3)


def test_progress_bar_is_automatic_and_can_be_switched_off(monkeypatch):
    from snnlib.neuron.montecarlo import _progress_wanted

    monkeypatch.setenv("SNNLIB_PROGRESS", "0")
    assert _progress_wanted(None, 100.0) is False
    monkeypatch.setenv("SNNLIB_PROGRESS", "1")
    assert _progress_wanted(None, 100.0) is True and _progress_wanted(None, 0.5) is False
    assert _progress_wanted(False, 100.0) is False and _progress_wanted(True, 0.1) is True


# --- extreme but valid input (probe of December 2026) ----------------------------------------------
def test_inhibited_eif_gives_no_spikes_and_the_free_lif_trajectory():
    # 708 delta_t below v_t the kernel's exp used to wrap around: V jumped to -3e265 and the
    # neuron fired. exp now underflows to 0, so far below v_t the EIF is exactly the LIF:
    # Euler's map V_k = E + (v0 - E)(1 - dt/tau)^k with E = e_l + mu.
    eif = snnlib.EIF(delta_t=0.1)
    mu, v0, dt = -60.0, -130.0, 0.1
    res = simulate_population(eif, mu, 0.0, n_neurons=3, t_max=200.0, dt=dt, v0=v0, record_v=[0, 2], seed=0)
    assert res.n_spikes == 0 and np.all(np.isfinite(res.v))
    e = eif.e_l + mu
    k = np.arange(res.v.shape[1])
    np.testing.assert_allclose(res.v[0], e + (v0 - e) * (1 - dt / eif.tau_m) ** k, rtol=1e-13)
    with pytest.warns(RuntimeWarning, match="delta_t / 2"):   # noise step 0.1 mV > delta_t / 2
        noisy = simulate_population(eif, mu, 1.0, n_neurons=200, t_max=200.0, dt=dt, v0=v0, record_v=[0],
                                    seed=1)
    assert noisy.n_spikes == 0 and np.all(np.isfinite(noisy.v)) and noisy.v.max() < eif.v_t - 50.0


def test_small_delta_t_eif_matches_fokker_planck():
    # EIF(delta_t=0.02, v_th=-40) fired at 496 Hz where the stationary rate is 5.64 Hz: voltages
    # more than 708 delta_t = 14 mV below v_t wrapped the exp around. Reference: threshold
    # integration. The EIF with so small a delta_t has an almost hard threshold at v_t, where the
    # bridge test (at v_th) does not act: plain Euler-Maruyama's bias, a threshold raised by
    # 0.5826 sigma sqrt(2 dt / tau_m) (Gobet 2000), bounds the remaining deterministic error.
    eif = snnlib.EIF(delta_t=0.02, v_th=-40.0)
    mu, sigma, dt, n, t_max = 10.0, 3.0, 0.01, 1000, 4000.0
    fp = snnlib.stationary(eif, mu, sigma)
    shift = 0.5826 * sigma * math.sqrt(2 * dt / eif.tau_m)
    fp_shifted = snnlib.stationary(snnlib.EIF(delta_t=0.02, v_th=-40.0, v_t=eif.v_t + shift), mu, sigma)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # noise step > delta_t / 2, on purpose
        res = simulate_population(eif, mu, sigma, n_neurons=n, t_max=t_max, dt=dt, seed=1)
    # every neuron starts at reset, i.e. just after a spike: a renewal count then has mean
    # T r + (CV^2 - 1)/2 (Cox 1962, eq. 4.5.4); its variance is ~ T r CV^2
    counts = res.n_spikes / n - (fp.cv ** 2 - 1) / 2
    rate = counts / (t_max / 1e3)
    se = fp.rate * fp.cv / math.sqrt(res.n_spikes)
    assert abs(rate - fp.rate) < Z * se + abs(fp.rate - fp_shifted.rate), (rate, fp.rate, fp_shifted.rate, se)


def test_result_does_not_depend_on_the_chunk_length():
    # chunks are the synchronisation points a delay-coupled network will need: cutting the time
    # loop anywhere must not change a single spike or sample
    from snnlib.neuron import montecarlo as mc

    def run(chunk):
        r = mc._prepare(EIF, 12.0, 4.0, 130, 100.0, 0.1, 7, None, None, [0, 129], np.linspace(-80, -40, 9),
                        10.0, None, True)
        sink = mc._SpikeSink(130, 100, 10)
        mc.run_chunks(r, sink, chunk_steps=chunk)
        return mc._collect(r, sink)

    ref = simulate_population(EIF, 12.0, 4.0, n_neurons=130, t_max=100.0, seed=7, record_v=[0, 129],
                              v_hist=np.linspace(-80, -40, 9), v_hist_start=10.0)
    for chunk in (1, 15, 333, 1000):
        got = run(chunk)
        assert got.n_spikes == ref.n_spikes > 0
        np.testing.assert_array_equal(got.spike_times, ref.spike_times)
        np.testing.assert_array_equal(got.spike_ids, ref.spike_ids)
        np.testing.assert_array_equal(got.v, ref.v)
        np.testing.assert_array_equal(got.v_hist_density, ref.v_hist_density)
        np.testing.assert_array_equal(got.rate, ref.rate)


def test_float32_time_step_is_accepted():
    # np.float32(0.1) is 0.1 only to 1.5e-9 relative: 100 ms is a whole number of such steps
    # to float32 precision (and t_ref = 2 ms too: no rounding warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = simulate_population(LIF, 12.0, 4.0, n_neurons=10, t_max=100.0, dt=np.float32(0.1), seed=2)
    dt = float(np.float32(0.1))
    with pytest.warns(RuntimeWarning, match="t_ref"):   # a float64 dt: 2 ms is 19.9999997 steps
        b = simulate_population(LIF, 12.0, 4.0, n_neurons=10, t_max=1000 * dt, dt=dt, seed=2)
    assert a.n_spikes == b.n_spikes > 0 and a.t_max == pytest.approx(100.0, rel=1e-7)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)


@pytest.mark.parametrize("kw,match", [
    (dict(t_max=1e300), r"t_max / dt.*too many; raise dt or shorten t_max"),          # used to hang
    (dict(t_max=1e9, dt=1e-3), r"t_max / dt.*raise dt or shorten t_max"),
    (dict(n_neurons=10 ** 9, t_max=1e5), r"n_neurons \* t_max / dt.*neuron-steps"),
    (dict(n_neurons=2000, t_max=1e7, record_v=np.arange(2000)), r"record_v.*voltage traces of 2000"),
    (dict(n_neurons=10 ** 6, v_hist=np.linspace(-80.0, -40.0, 10 ** 6)), r"v_hist.*bins per block"),
])
def test_oversized_work_is_rejected_before_it_starts(kw, match, monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(4e9))   # the same limit on every machine
    with pytest.raises(ValueError, match=match):
        _sim(**kw)


def test_spike_output_too_large_for_memory_is_rejected_from_the_rate(monkeypatch):
    # 1e5 neurons at ~390 Hz for 4 s used to fail with MemoryError in the final sort after 25 s.
    # The guard estimates the output from the stationary rate (here Siegert: 1e5 neurons x 4 s x
    # 390 Hz x 16 bytes = 2.5 GB) and refuses before any work when it exceeds the limit.
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(1e9))
    fast = snnlib.LIF(t_ref=1.0)
    nu = float(siegert_rate(fast, 60.0, 3.0))
    with pytest.raises(ValueError, match=r"n_neurons \* t_max.*spike output.*fewer neurons"):
        simulate_population(fast, 60.0, 3.0, n_neurons=100_000, t_max=4000.0)
    # the same run with 1/10 of the neurons fits: 16 nu N T = 0.25 GB < 1 GB / RATE_MARGIN
    assert 16 * nu * 10_000 * 4.0 < 1e9 / 2
    from snnlib.neuron.montecarlo import _guard_resources

    _guard_resources(fast, 10_000, 40_000, 0.1, np.full(10_000, 60.0), np.full(10_000, 3.0), np.zeros(1))


def test_peak_memory_stays_near_the_spike_output():
    # the spikes of every chunk are merged into arrays grown in place, not concatenated and
    # argsorted at the end (which held ~4 copies of the output at once)
    import tracemalloc

    from snnlib.neuron import montecarlo as mc

    r = mc._prepare(snnlib.LIF(t_ref=1.0), 100.0, 3.0, 64, 100_000.0, 0.1, 3, None, None, None, None, 0.0,
                    None, True)   # ~ 2.5 million spikes
    sink = mc._SpikeSink(64, 100_000, 10)
    tracemalloc.start()
    mc.run_chunks(r, sink, chunk_steps=2000)
    res = mc._collect(r, sink)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out = res.spike_times.nbytes + res.spike_ids.nbytes
    assert out > 20e6
    # the arrays grow by half when full, so they hold at most 1.5 times the spikes; one chunk's
    # buffers and temporaries and the rate histogram add a few MB
    assert peak < 1.5 * out + 8e6, (peak / 1e6, out / 1e6)


# --- shared input: input_correlation -------------------------------------------------------------
SHARED_CASES = {
    "lif-bridge": (LIF, 14.0, 4.0, True),
    "lif-plain": (LIF, 14.0, 4.0, False),
    "eif-bridge": (EIF, 12.0, 4.0, True),
    # 70 neurons x 2000 steps: ~1000 draws take the ziggurat's slow path, which must add the shared term too
    "per-neuron": (LIF, np.linspace(8.0, 20.0, 70), np.linspace(0.0, 5.0, 70), True),
}


@pytest.mark.parametrize("case", list(SHARED_CASES))
def test_shared_noise_matches_naive_loop_on_same_noise(case):
    model, mu, sigma, corr = SHARED_CASES[case]
    v, traces = _kernel_against_naive(model, mu, sigma, corr, input_correlation=0.3)
    # as in test_matches_naive_loop_on_same_noise (one more rounding: sqrt(1-c) z + sqrt(c) y may be fused)
    if model.kind == "lif":
        np.testing.assert_allclose(v, traces, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(v, traces, rtol=1e-12 * 110 ** 2)


def test_zero_input_correlation_is_the_independent_noise():
    # c = 0 runs the kernel without the shared term: the same spikes and traces as before the feature
    # (test_matches_naive_loop_on_same_noise checks those against the unchanged naive loop)
    kw = dict(n_neurons=70, t_max=300.0, seed=4, record_v=[0, 69], v_hist=np.linspace(-80.0, -40.0, 9))
    assert _digest(simulate_population(EIF, 12.0, 4.0, **kw)) == \
        _digest(simulate_population(EIF, 12.0, 4.0, input_correlation=0.0, **kw))


def test_shared_noise_is_private_stream_plus_one_common_normal_per_step():
    # Neurons far below threshold never fire, so each step's normal can be read back from the trace:
    # xi = (V' - V - a (E_L - V + mu)) / s. It must be sqrt(1-c) z_i + sqrt(c) y with z_i the neuron's
    # own stream (langevin_noise, unchanged by c) and y the same for all neurons: a standard normal
    # sequence independent of the z (moments within Z standard errors of n samples).
    c, n_neurons, n_steps, dt, mu = 0.3, 3, 200_000, 0.1, -40.0
    res = simulate_population(LIF, mu, 4.0, n_neurons=n_neurons, t_max=n_steps * dt, dt=dt, seed=9,
                              record_v=np.arange(n_neurons), threshold_correction=False, input_correlation=c)
    assert res.n_spikes == 0
    a, s = dt / LIF.tau_m, 4.0 * math.sqrt(2 * dt / LIF.tau_m)
    v = res.v
    xi = (v[:, 1:] - v[:, :-1] - a * (LIF.e_l - v[:, :-1] + mu)) / s
    z = snnlib.langevin_noise(n_neurons, n_steps, seed=9).T
    y = (xi - math.sqrt(1 - c) * z) / math.sqrt(c)
    np.testing.assert_allclose(y[1:], np.broadcast_to(y[0], y[1:].shape), atol=1e-9)
    y = y[0]
    se = 1 / math.sqrt(n_steps)
    assert abs(y.mean()) < Z * se and abs(y.var() - 1) < Z * math.sqrt(2) * se
    assert abs(np.mean(y[1:] * y[:-1])) < Z * se
    assert np.all(np.abs(z @ y / n_steps) < Z * se)


def test_shared_noise_does_not_depend_on_threads_or_chunks():
    from snnlib.neuron import montecarlo as mc

    def run(chunk):
        r = mc._prepare(EIF, 12.0, 4.0, 130, 100.0, 0.1, 7, None, None, [0, 129], None, 0.0, None, True, 0.2)
        sink = mc._SpikeSink(130, 100, 10)
        mc.run_chunks(r, sink, chunk_steps=chunk)
        res = mc._collect(r, sink)
        return res.spike_times.tobytes() + res.spike_ids.tobytes() + res.v.tobytes()

    assert run(7) == run(1000)
    before = numba.get_num_threads()
    try:
        digests = []
        for k in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
            numba.set_num_threads(k)
            digests.append(_digest(simulate_population(LIF, 14.0, 4.0, n_neurons=200, t_max=200.0, seed=3,
                                                       input_correlation=0.2)))
    finally:
        numba.set_num_threads(before)
    assert len(set(digests)) == 1


@pytest.mark.parametrize("bad, err, match", [
    (-0.1, ValueError, r"input_correlation must lie in \[0, 1\], got -0.1"),
    (1.5, ValueError, r"input_correlation must lie in \[0, 1\], got 1.5"),
    (np.nan, ValueError, "input_correlation must be finite"),
    ("0.1", TypeError, "input_correlation must be a real number"),
    ([0.1], TypeError, "input_correlation must be a real number"),
])
def test_input_correlation_must_lie_in_0_1(bad, err, match):
    with pytest.raises(err, match=match):
        _sim(input_correlation=bad)


def test_shared_noise_memory_is_guarded(monkeypatch):
    # t_max / dt doubles of shared normals: 200,000 steps are 1.6 MB, over a 1 MB limit that the
    # rest of the run (one neuron, at most 16 bytes x 500 Hz x 20 s of spikes) stays under
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(1e6))
    with pytest.raises(ValueError, match=r"t_max: the shared noise of 200000 steps .*shorten t_max"):
        _sim(n_neurons=1, t_max=20_000.0, input_correlation=0.5)
    assert _sim(n_neurons=1, t_max=20_000.0).n_neurons == 1
