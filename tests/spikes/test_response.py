"""Susceptibility measured from spikes (snnlib.spikes.response): lock-in and reverse correlation.

Spike trains with a known rate response (inhomogeneous Poisson processes whose rate is a given
linear filter of the input) give the exact answer; the standard errors are checked by the
distribution of the z-scores over independent seeds (Rayleigh: mean z^2 = 2), and the lock-in
sum against a plain loop (tests/naive/spikes.py).
"""

import math

import numpy as np
import pytest

import naive
import snnlib
from snnlib.spikes import response


def _modulated_poisson(r0, depth, phase, freq, t_max, dt, n, seed):
    t = (np.arange(round(t_max / dt)) + 0.5) * dt
    rate = r0 * (1.0 + depth * np.cos(2 * np.pi * freq * t / 1000.0 + phase))
    return snnlib.poisson_spike_train(rate, t_max, n_trains=n, seed=seed)


def test_sinusoidal_input_is_the_step_average():
    f, dt = np.array([7.0, 130.0]), 0.1
    x = snnlib.sinusoidal_input(f, 0.5, t_max=100.0, dt=dt)
    fine = np.arange(1000 * 200) * (dt / 200) + dt / 400        # midpoints of 200 sub-steps
    y = 0.5 * np.cos(2 * np.pi * f[:, None] * fine / 1000.0).sum(axis=0)
    np.testing.assert_allclose(x, y.reshape(1000, 200).mean(axis=1), atol=1e-6)


def test_lock_in_recovers_a_known_modulation_and_its_se():
    r0, depth, phase, freq, amp = 20.0, 0.2, -0.7, 12.5, 0.5
    expected = r0 * depth * np.exp(1j * phase) / amp             # Hz per unit input
    z2 = []
    for seed in range(40):
        st = _modulated_poisson(r0, depth, phase, freq, 4000.0, 0.5, 100, seed)
        est = snnlib.lock_in_response(st, freqs=[freq], amplitude=amp, n_blocks=10)
        z2.append(est.z_scores(np.array([expected]))[0] ** 2)
        if seed == 0:
            # Poisson: each component has the variance 2 r0 / (amp^2 N T), T in s
            se_exact = math.sqrt(2 * r0 / (amp ** 2 * 100 * 4.0))
            assert abs(est.se[0] / se_exact - 1) < 0.6          # 10 blocks: se good to ~25 %
    # mean of 40 z^2 (each ~2 chi^2_2 / 2 * t-inflation): 2 within 4 standard errors
    m = np.mean(z2)
    assert abs(m - 2.0 * 9 / 7) < 4 * 2.0 * 9 / 7 / math.sqrt(40), m


def test_lock_in_matches_naive_loop():
    st = _modulated_poisson(15.0, 0.3, 0.4, 8.0, 2000.0, 1.0, 30, 3)
    freqs = [2.0, 8.0, 13.5]
    est = snnlib.lock_in_response(st, freqs=freqs, amplitude=0.3, t_start=0.0, delay=0.025, n_blocks=5)
    ref = naive.lock_in(st.spike_times, st.spike_ids, 30, freqs, 0.3, 0.0, 2000.0, 0.025)
    np.testing.assert_allclose(est.chi, ref, rtol=1e-12)


def test_lock_in_bad_input():
    st = snnlib.poisson_spike_train(10.0, 1000.0, n_trains=10, seed=0)
    with pytest.raises(ValueError, match="whole number of periods"):
        snnlib.lock_in_response(st, freqs=[1.5], amplitude=1.0, n_blocks=5)
    with pytest.raises(ValueError, match="t_start"):
        snnlib.lock_in_response(st, freqs=[2.0], amplitude=1.0, t_start=1000.0, n_blocks=5)
    with pytest.raises(ValueError, match="amplitude"):
        snnlib.lock_in_response(st, freqs=[2.0], amplitude=0.0, n_blocks=5)
    with pytest.raises(ValueError, match="freqs"):
        snnlib.lock_in_response(st, freqs=[0.0], amplitude=1.0, n_blocks=5)
    with pytest.raises(ValueError, match="n_blocks"):
        snnlib.lock_in_response(st, freqs=[2.0], amplitude=1.0, n_blocks=1)
    with pytest.raises(TypeError, match="freqs"):
        snnlib.lock_in_response(st, freqs="a", amplitude=1.0, n_blocks=5)
    with pytest.raises(ValueError, match="dt"):
        snnlib.sinusoidal_input([1.0], 1.0, t_max=10.0, dt=-1.0)


def test_white_noise_input_strength():
    s = snnlib.white_noise_input(2.0, tau_m=10.0, t_max=20_000.0, dt=0.1, seed=4)
    var = s.var() * 0.1 / (2 * 10.0)                            # sigma^2 = var(s) dt / (2 tau_m)
    assert abs(var / 4.0 - 1) < 4 * math.sqrt(2 / s.size)
    with pytest.raises(ValueError, match="sigma"):
        snnlib.white_noise_input(-1.0, tau_m=10.0, t_max=10.0, dt=0.1)
    with pytest.raises(TypeError, match="seed"):
        snnlib.white_noise_input(1.0, tau_m=10.0, t_max=10.0, dt=0.1, seed="x")


def test_reverse_correlation_recovers_a_delayed_gain():
    # rate = r0 + a s(t - d): chi = a exp(-2 pi i f d); s is band-limited so the rate stays > 0
    r0, a, d, dt, t_max = 50.0, 4.0, 2.0, 0.5, 40_000.0
    rng = np.random.default_rng(5)
    s = rng.standard_normal(round(t_max / dt))
    rate = np.clip(r0 + a * np.roll(s, round(d / dt)), 0.0, None)
    assert np.mean(rate == 0.0) == 0.0                           # no clipping: exactly linear
    st = snnlib.poisson_spike_train(rate, t_max, n_trains=50, seed=6)
    est = snnlib.reverse_correlation(st, stimulus=s, dt=dt, segment_length=100.0, n_blocks=10)
    th = a * np.exp(-2j * np.pi * est.freqs * d / 1000.0)
    z = est.z_scores(th)
    # z^2 / 2 is ~ F(2, 2 (n_blocks - 1)); its mean over the 100 frequencies is 9/8 +- ~0.2
    assert 0.7 < np.mean(z ** 2) / 2 < 1.6
    assert np.all(z < 5.0)


def test_reverse_correlation_bad_input():
    st = snnlib.poisson_spike_train(10.0, 1000.0, n_trains=2, seed=0)
    s = np.zeros(1000)
    with pytest.raises(ValueError, match="stimulus"):
        snnlib.reverse_correlation(st, stimulus=s[:10], dt=1.0, segment_length=100.0)
    with pytest.raises(ValueError, match="segment_length"):
        snnlib.reverse_correlation(st, stimulus=s, dt=1.0, segment_length=500.0, n_blocks=10)
    with pytest.raises(ValueError, match="f_max"):
        snnlib.reverse_correlation(st, stimulus=s, dt=1.0, segment_length=100.0, f_max=600.0)
    with pytest.raises(ValueError, match="delay"):
        snnlib.reverse_correlation(st, stimulus=s, dt=1.0, segment_length=100.0, delay=-1.0)


def test_z_scores_shape_check():
    est = response.RateResponse(np.array([1.0]), np.array([1.0 + 0j]), np.array([0.1]), 5)
    with pytest.raises(ValueError, match="reference"):
        est.z_scores(np.zeros(2))


@pytest.mark.slow
def test_lock_in_of_lif_population_matches_theory():
    lif, dt, eps, mu, sigma = snnlib.LIF(), 0.05, 0.4, 12.0, 3.0
    f = np.array([7.0, 97.0, 463.0])
    mu_t = snnlib.sinusoidal_input(f, eps, t_max=10_500.0, dt=dt)
    sim = snnlib.simulate_population(lif, mu, sigma, n_neurons=2000, t_max=10_500.0, dt=dt, mu_t=mu_t,
                                     seed=11, progress=False)
    est = snnlib.lock_in_response(sim, freqs=f, amplitude=eps, t_start=500.0, delay=dt / 2)
    z = est.z_scores(snnlib.susceptibility(lif, mu, sigma, f))
    assert np.all(z < 4.0), z                                   # Rayleigh: P(z > 4) = 3e-4


# --- groups with independent stimuli, the common-noise stimulus, kicks, the common gain factor ---
from naive import spikes as naive_spikes  # noqa: E402


def _linear_groups(n_groups, seed, r0=50.0, a=4.0, d=2.0, dt=0.5, t_max=20_000.0, n=20, seg=100.0):
    """Poisson groups whose rate is r0 + a s(t - d), each with its own white stimulus s, and the
    expectation of the estimate from segments of ``seg`` ms: a (1 - d / seg) exp(-2 pi i f d), as
    the response to the first d ms of a segment's stimulus falls outside it (exact for white s)."""
    rng = np.random.default_rng(seed)
    groups, stims = [], []
    for g in range(n_groups):
        s = rng.standard_normal(round(t_max / dt))
        rate = r0 + a * np.roll(s, round(d / dt))
        assert rate.min() > 0.0                                  # exactly linear, no clipping
        groups.append(snnlib.poisson_spike_train(rate, t_max, n_trains=n, seed=seed * 100 + g))
        stims.append(s)
    return groups, stims, (lambda f: a * (1 - d / seg) * np.exp(-2j * np.pi * f * d / 1000.0))


def test_reverse_correlation_groups_matches_naive_loops():
    groups, stims, _ = _linear_groups(3, 1, dt=1.0, t_max=200.0, n=4)
    est = snnlib.reverse_correlation_groups(groups, stims, dt=1.0, segment_length=40.0, t_start=20.0,
                                            delay=0.25, f_max=100.0)
    chi, se, loo = naive_spikes.reverse_correlation_groups(
        [(g.spike_times, 4, s) for g, s in zip(groups, stims)], 1.0, 40, 20, 0.25, 4)
    np.testing.assert_allclose(est.freqs, [25.0, 50.0, 75.0, 100.0])
    np.testing.assert_allclose(est.chi, chi, rtol=1e-10)
    np.testing.assert_allclose(est.se, se, rtol=1e-10)
    np.testing.assert_allclose(est.replicates, loo, rtol=1e-10)


def test_reverse_correlation_groups_statistics():
    # 10 independent groups: z^2/2 ~ F(2, 18) per frequency (mean 9/8, SD 1.28); over the 100
    # frequencies the mean has the SE 0.128: 4 SE. One common gain factor g: (g - 1)/se ~ t(9),
    # P(|t| > 4.78) = 1e-3.
    groups, stims, chi = _linear_groups(10, 2)
    est = snnlib.reverse_correlation_groups(groups, stims, dt=0.5, segment_length=100.0)
    z = est.z_scores(chi(est.freqs))
    assert abs(np.mean(z ** 2) / 2 - 9 / 8) < 4 * 0.128
    g, se = est.gain_factor(chi(est.freqs))
    assert abs(g - 1) < 4.78 * se, (g, se)
    # a 25 % gain error (about 9 SE) is seen by the factor
    g2, se2 = est.gain_factor(1.25 * chi(est.freqs))
    assert abs(g2 * 1.25 - g) < 1e-12 and (1 - g2) / se2 > 4.78


def test_reverse_correlation_groups_bad_input():
    groups, stims, _ = _linear_groups(2, 3, dt=1.0, t_max=400.0, n=2)
    kw = dict(dt=1.0, segment_length=100.0)
    with pytest.raises(ValueError, match="populations"):
        snnlib.reverse_correlation_groups(groups[:1], stims[:1], **kw)
    with pytest.raises(ValueError, match="stimuli"):
        snnlib.reverse_correlation_groups(groups, stims[:1], **kw)
    with pytest.raises(TypeError, match="populations"):
        snnlib.reverse_correlation_groups("ab", stims, **kw)
    with pytest.raises(ValueError, match="stimulus"):
        snnlib.reverse_correlation_groups(groups, [stims[0], stims[1][:10]], **kw)
    with pytest.raises(ValueError, match="segment_length"):
        snnlib.reverse_correlation_groups(groups, stims, dt=1.0, segment_length=1000.0)
    short = snnlib.SpikeTrains(groups[1].spike_times[groups[1].spike_times < 200],
                               groups[1].spike_ids[groups[1].spike_times < 200], 2, 200.0)
    with pytest.raises(ValueError, match="t_max"):
        snnlib.reverse_correlation_groups([groups[0], short], stims, **kw)


def test_gain_factor_values_and_bad_input():
    rep = np.array([[1.1, 1.0], [0.9, 1.0], [1.0, 1.0]]) * (2.0 + 0j)
    est = response.RateResponse(np.array([5.0, 50.0]), np.array([2.0, 2.0 + 0j]), np.array([0.2, 0.2]), 3, rep)
    g, se = est.gain_factor(np.array([2.0, 2.0 + 0j]), f_min=1.0, f_max=10.0)
    assert g == pytest.approx(1.0) and se == pytest.approx(math.sqrt(2 / 3 * 0.02))
    g, se = est.gain_factor(np.array([2.0, 2.0 + 0j]))           # equal weights: half the scatter
    assert se == pytest.approx(math.sqrt(2 / 3 * 0.02) / 2)
    with pytest.raises(ValueError, match="band"):
        est.gain_factor(np.array([2.0, 2.0 + 0j]), f_min=100.0)
    with pytest.raises(ValueError, match="f_max"):
        est.gain_factor(np.array([2.0, 2.0 + 0j]), f_min=10.0, f_max=5.0)
    with pytest.raises(ValueError, match="reference"):
        est.gain_factor(np.zeros(3))
    with pytest.raises(ValueError, match="nonzero"):
        est.gain_factor(np.zeros(2, complex))
    with pytest.raises(ValueError, match="replicates"):
        est._replace(replicates=None).gain_factor(np.array([2.0, 2.0 + 0j]))


def test_common_noise_stimulus_replays_the_shared_noise():
    # without the bridge test the run with shared noise and the run with private noise plus the
    # stimulus take the same Euler steps (up to round-off): the same spikes
    lif, dt, c, t_max = snnlib.LIF(), 0.1, 0.3, 500.0
    s = snnlib.common_noise_stimulus(3.0, c, tau_m=lif.tau_m, t_max=t_max, dt=dt, seed=7)
    kw = dict(n_neurons=64, t_max=t_max, dt=dt, seed=7, threshold_correction=False, progress=False)
    a = snnlib.simulate_population(lif, 12.0, 3.0, input_correlation=c, **kw)
    b = snnlib.simulate_population(lif, 12.0, 3.0 * math.sqrt(1 - c), mu_t=s, **kw)
    assert a.spike_times.size > 100
    np.testing.assert_array_equal(a.spike_ids, b.spike_ids)
    np.testing.assert_allclose(a.spike_times, b.spike_times, rtol=0, atol=1e-9)
    # its strength: var(s) dt / (2 tau_m) = c sigma^2, within 4 SE of a variance of n normals
    var = s.var() * dt / (2 * lif.tau_m)
    assert abs(var / (c * 9.0) - 1) < 4 * math.sqrt(2 / s.size)


def test_common_noise_stimulus_bad_input():
    kw = dict(tau_m=20.0, t_max=10.0, dt=0.1)
    with pytest.raises(ValueError, match="input_correlation"):
        snnlib.common_noise_stimulus(3.0, 0.0, seed=1, **kw)
    with pytest.raises(ValueError, match="sigma"):
        snnlib.common_noise_stimulus(-3.0, 0.5, seed=1, **kw)
    with pytest.raises(TypeError, match="seed"):
        snnlib.common_noise_stimulus(3.0, 0.5, seed=None, **kw)
    with pytest.raises(TypeError, match="seed"):
        snnlib.common_noise_stimulus(3.0, 0.5, seed=np.random.default_rng(1), **kw)
    with pytest.raises(ValueError, match="t_max"):
        snnlib.common_noise_stimulus(3.0, 0.5, seed=1, tau_m=20.0, t_max=10.05, dt=0.1)


@pytest.mark.parametrize("delay", [0.0, 0.1, 1.0])
def test_spike_kicks_matches_naive_loop(delay):
    t = np.array([0.1, 0.3, 0.3, 0.5, 1.0, 1.9])                 # registered at step ends
    got = snnlib.spike_kicks(t, weight=0.5, delay=delay, tau_m=20.0, t_max=2.0, dt=0.1)
    ref = naive_spikes.spike_kicks(t, 0.5, delay, 20.0, 2.0, 0.1)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    # each kick is a jump of J in the Euler step V += (dt / tau_m) mu_t
    assert got.sum() * 0.1 / 20.0 == pytest.approx(0.5 * np.sum(t + delay + 0.1 < 2.0 + 1e-9))


def test_spike_kicks_bad_input():
    kw = dict(weight=0.5, tau_m=20.0, t_max=1.0, dt=0.1)
    with pytest.raises(ValueError, match="spike_times"):
        snnlib.spike_kicks([0.15], delay=0.0, **kw)
    with pytest.raises(ValueError, match="spike_times"):
        snnlib.spike_kicks([0.0], delay=0.0, **kw)
    with pytest.raises(ValueError, match="delay"):
        snnlib.spike_kicks([0.1], delay=0.05, **kw)
    with pytest.raises(ValueError, match="delay"):
        snnlib.spike_kicks([0.1], delay=-0.1, **kw)
    with pytest.raises(ValueError, match="tau_m"):
        snnlib.spike_kicks([0.1], delay=0.0, weight=0.5, tau_m=0.0, t_max=1.0, dt=0.1)
