"""Neural sampling (Buesing et al. 2011): exact enumeration against an independent formula, the
kernels against their naive twins, and sampled statistics against the exact distribution within
standard errors from time blocks."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import naive.sampling as naive_sampling
import snnlib
from snnlib.network import sampling as smp


def _model(k, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, scale, (k, k))
    w = np.triu(w, 1)
    w = w + w.T
    b = rng.normal(-0.5, 0.7, k)
    return w, b


def test_enumeration_matches_the_energy_state_by_state():
    w, b = _model(3, 1)
    p = smp.boltzmann_probabilities(w, b)
    weights = {}
    for bits in itertools.product([0, 1], repeat=3):
        z = np.array(bits[::-1], float)            # bits[::-1]: neuron 0 is the lowest bit
        idx = int(sum(int(v) << i for i, v in enumerate(z)))
        weights[idx] = math.exp(b @ z + 0.5 * z @ w @ z)
    total = sum(weights.values())
    np.testing.assert_allclose(p, [weights[i] / total for i in range(8)], rtol=1e-12)
    m, c = smp.boltzmann_statistics(w, b)
    z = smp._all_states(3)
    np.testing.assert_allclose(m, p @ z, rtol=1e-12)
    np.testing.assert_allclose(np.diag(c), m, rtol=1e-12)
    # conditioning: p(z_0 | z_1 = 1, z_2 = 0) from the two states by hand
    m_c, _ = smp.boltzmann_statistics(w, b, clamp={1: 1, 2: 0})
    p1, p0 = weights[0b011], weights[0b010]
    assert m_c[0] == pytest.approx(p1 / (p0 + p1)) and m_c[1] == 1.0 and m_c[2] == 0.0


def test_state_probabilities_and_kl():
    s = np.array([[1, 0], [1, 1], [0, 0], [1, 0]], bool)
    np.testing.assert_allclose(smp.state_probabilities(s), [0.25, 0.5, 0.0, 0.25])
    assert smp.kl_divergence([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert smp.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2.0))


@pytest.mark.parametrize("clamp", [None, {2: 1}])
def test_kernels_match_the_naive_twins(clamp):
    w, b = _model(4, 2)
    g = smp.gibbs_sampling(w, b, n_sweeps=300, clamp=clamp, seed=5)
    np.testing.assert_array_equal(g, naive_sampling.gibbs(w.tolist(), b.tolist(), 300,
                                                          np.random.default_rng(5), clamp))
    res = smp.neural_sampling(w, b, tau=10.0, t_max=500.0, sample_every=1.0, clamp=clamp, seed=6)
    spikes, states = naive_sampling.continuous(w.tolist(), b.tolist(), 10.0, 500.0, 1.0,
                                               np.random.default_rng(6), clamp)
    assert res.n_spikes == len(spikes) > 20
    np.testing.assert_allclose(res.spike_times, [t for t, _ in spikes], rtol=1e-12)
    np.testing.assert_array_equal(res.spike_ids, [i for _, i in spikes])
    np.testing.assert_array_equal(res.states, states)
    res = smp.neural_sampling(w, b, tau=10.0, t_max=500.0, dt=0.5, sample_every=1.0, clamp=clamp, seed=7)
    spikes, states = naive_sampling.discrete(w.tolist(), b.tolist(), 20, 0.5, 1000, 2,
                                             np.random.default_rng(7), clamp)
    assert res.n_spikes == len(spikes) > 20
    np.testing.assert_allclose(res.spike_times, [t for t, _ in spikes], rtol=1e-12)
    np.testing.assert_array_equal(res.spike_ids, [i for _, i in spikes])
    np.testing.assert_array_equal(res.states, states)


def _block_z(states, exact_m, exact_c, n_blocks=20, burn=100):
    """z-scores of the sampled marginals and pairwise moments against the exact ones, with
    standard errors from the spread of n_blocks consecutive blocks of samples."""
    s = states[burn:].astype(float)
    k = s.shape[1]
    iu = np.triu_indices(k, 1)
    per = []
    for blk in np.array_split(s, n_blocks):
        c = blk.T @ blk / len(blk)
        per.append(np.concatenate([blk.mean(axis=0), c[iu]]))
    per = np.array(per)
    exact = np.concatenate([exact_m, exact_c[iu]])
    return (per.mean(axis=0) - exact) / (per.std(axis=0, ddof=1) / np.sqrt(n_blocks))


@pytest.mark.parametrize("seed", [3, 4])
def test_continuous_network_samples_the_boltzmann_distribution(seed):
    w, b = _model(5, seed)
    res = smp.neural_sampling(w, b, tau=10.0, t_max=400_000.0, sample_every=2.0, seed=seed)
    m, c = smp.boltzmann_statistics(w, b)
    z = _block_z(res.states, m, c)
    # 15 statistics, t with 19 degrees of freedom: false alarm 1 % for the family
    assert np.max(np.abs(z)) < stats.t.isf(0.01 / 2 / z.size, 19)
    kl = smp.kl_divergence(smp.state_probabilities(res.states[100:]), smp.boltzmann_probabilities(w, b))
    assert kl < 0.01


def test_clamped_network_samples_the_conditional_distribution():
    w, b = _model(5, 8)
    clamp = {0: 1, 3: 0}
    res = smp.neural_sampling(w, b, tau=10.0, t_max=400_000.0, sample_every=2.0, clamp=clamp, seed=9)
    assert np.all(res.states[:, 0]) and not np.any(res.states[:, 3])
    assert not np.any(np.isin(res.spike_ids, [0, 3]))
    m, c = smp.boltzmann_statistics(w, b, clamp=clamp)
    free = [1, 2, 4]
    z = _block_z(res.states[:, free], m[free], c[np.ix_(free, free)])
    assert np.max(np.abs(z)) < stats.t.isf(0.01 / 2 / z.size, 19)


def test_gibbs_sampler_matches_the_exact_moments():
    w, b = _model(5, 10)
    s = smp.gibbs_sampling(w, b, n_sweeps=200_000, seed=11)
    m, c = smp.boltzmann_statistics(w, b)
    z = _block_z(s, m, c)
    assert np.max(np.abs(z)) < stats.t.isf(0.01 / 2 / z.size, 19)


def test_discrete_single_neuron_is_exact():
    # the refractory Markov chain gives P(z = 1) = n p / (n p + 1 - p) = sigma(b) for
    # p = sigma(b - log n): exact in discrete time for one neuron
    for bias in (-1.0, 0.7):
        res = smp.neural_sampling([[0.0]], [bias], tau=10.0, dt=1.0, t_max=400_000.0, sample_every=1.0, seed=2)
        z = _block_z(res.states, np.array([1.0 / (1.0 + math.exp(-bias))]), np.zeros((1, 1)))
        assert abs(z[0]) < stats.t.isf(0.005, 19)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="symmetric"):
        smp.boltzmann_probabilities([[0.0, 1.0], [0.0, 0.0]], 0.0)
    with pytest.raises(ValueError, match="diagonal"):
        smp.boltzmann_probabilities([[1.0]], 0.0)
    with pytest.raises(ValueError, match="K <= 20"):
        smp.boltzmann_probabilities(np.zeros((21, 21)), 0.0)
    with pytest.raises(ValueError, match="clamp"):
        smp.neural_sampling([[0.0]], [0.0], t_max=10.0, clamp={1: 1})
    with pytest.raises(ValueError, match="clamp"):
        smp.gibbs_sampling([[0.0]], [0.0], n_sweeps=3, clamp={0: 2})
    with pytest.raises(TypeError, match="clamp"):
        smp.neural_sampling([[0.0]], [0.0], t_max=10.0, clamp=[0])
    with pytest.raises(ValueError, match="tau"):
        smp.neural_sampling([[0.0]], [0.0], t_max=10.0, dt=0.3)
    with pytest.raises(ValueError, match="sample_every"):
        smp.neural_sampling([[0.0]], [0.0], t_max=10.0, dt=0.5, sample_every=0.7)
    with pytest.raises(ValueError, match="t_max"):
        smp.neural_sampling([[0.0]], [0.0], t_max=-1.0)
    with pytest.raises(ValueError, match="q must be > 0"):
        smp.kl_divergence([0.5, 0.5], [1.0, 0.0])


def _exact_samples(w, b, n, seed):
    p = smp.boltzmann_probabilities(w, b)
    idx = np.random.default_rng(seed).choice(p.size, size=n, p=p)
    return ((idx[:, None] >> np.arange(len(b))) & 1).astype(bool)


def test_exact_learning_matches_the_data_moments_and_beats_the_true_parameters():
    w0, b0 = _model(4, 12)
    data = _exact_samples(w0, b0, 20_000, 13)
    fit = smp.learn_boltzmann(data, n_steps=3000, learning_rate=1.0, sampler="exact")
    m, c = smp.boltzmann_statistics(fit.weights, fit.bias)
    d = data.astype(float)
    # the maximum of the likelihood matches the data's moments (the gradient vanishes) ...
    np.testing.assert_allclose(m, d.mean(axis=0), atol=1e-4)
    np.testing.assert_allclose(c, d.T @ d / len(d), atol=1e-4)
    # ... and is at least as likely as the parameters that generated the data
    assert fit.log_likelihood[-1] >= smp.boltzmann_log_likelihood(w0, b0, data) - 1e-6
    assert np.all(np.diff(fit.log_likelihood) > -1e-9)           # ascent, step by step


def test_learning_with_the_spiking_sampler_raises_the_likelihood():
    w0, b0 = _model(4, 14, scale=1.5)
    data = _exact_samples(w0, b0, 5_000, 15)
    fit = smp.learn_boltzmann(data, n_steps=60, learning_rate=0.3, sampler="neural", t_sample=4000.0, seed=16)
    ll = fit.log_likelihood
    ll_true = smp.boltzmann_log_likelihood(w0, b0, data)
    # from independent fair coins (log 1/2 per bit) to within a few percent of the true model's
    assert ll[0] == pytest.approx(4 * math.log(0.5))
    assert ll[-1] > ll[0] + 0.8 * (ll_true - ll[0])
    fit_g = smp.learn_boltzmann(data, n_steps=60, learning_rate=0.3, sampler="gibbs", t_sample=4000.0, seed=17)
    assert fit_g.log_likelihood[-1] > ll[0] + 0.8 * (ll_true - ll[0])


def test_log_likelihood_from_the_state_histogram_is_the_per_sample_mean():
    w0, b0 = _model(5, 21)
    data = _exact_samples(w0, b0, 3_000, 22)
    p = smp.boltzmann_probabilities(w0, b0)
    per_sample = [math.log(p[sum(int(z) << k for k, z in enumerate(row))]) for row in data]
    assert smp.boltzmann_log_likelihood(w0, b0, data) == pytest.approx(np.mean(per_sample), rel=1e-12)


def test_learning_restarted_from_its_own_result_continues_where_it_stopped():
    w0, b0 = _model(4, 23)
    data = _exact_samples(w0, b0, 2_000, 24)
    whole = smp.learn_boltzmann(data, n_steps=400, learning_rate=0.8, sampler="exact")
    half = smp.learn_boltzmann(data, n_steps=200, learning_rate=0.8, sampler="exact")
    rest = smp.learn_boltzmann(data, n_steps=200, learning_rate=0.8, sampler="exact",
                               weights0=half.weights, bias0=half.bias)
    np.testing.assert_allclose(rest.weights, whole.weights, atol=1e-12)
    np.testing.assert_allclose(rest.log_likelihood, whole.log_likelihood[200:], atol=1e-12)


def test_learning_bad_input():
    with pytest.raises(ValueError, match="weights0"):
        smp.learn_boltzmann([[0, 1]], n_steps=1, weights0=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        smp.learn_boltzmann([[0, 1]], n_steps=1, weights0=[[0.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="data"):
        smp.learn_boltzmann([[0, 2]], n_steps=1)
    with pytest.raises(ValueError, match="sampler"):
        smp.learn_boltzmann([[0, 1]], n_steps=1, sampler="mcmc")
    with pytest.raises(ValueError, match="learning_rate"):
        smp.learn_boltzmann([[0, 1]], n_steps=1, learning_rate=-1.0)


def test_kl_divergence_of_the_sampled_distribution_falls_as_one_over_time():
    # for N effectively independent samples of S states the expected KL of the empirical
    # distribution is (S - 1) / (2 N) (the chi-square limit), so KL ~ 1/T; with S - 1 = 31 degrees
    # of freedom its relative spread is sqrt(2 / 31) = 0.25, and the slope fitted over a factor 16
    # in T has a standard error of about 0.25 sqrt(2) / log(16) = 0.13
    w, b = _model(5, 18)
    p = smp.boltzmann_probabilities(w, b)
    res = smp.neural_sampling(w, b, tau=10.0, t_max=1_600_000.0, sample_every=5.0, seed=19)
    s = res.states[20:]
    lengths = np.array([20_000, 80_000, 320_000]) // 5         # samples for T = 0.1, 0.4, 1.6 x 10^3 s
    kl = [np.mean([smp.kl_divergence(smp.state_probabilities(blk), p)
                   for blk in np.array_split(s[:len(s) // n * n], len(s) // n)]) for n in lengths]
    slope = np.polyfit(np.log(lengths), np.log(kl), 1)[0]
    assert abs(slope + 1.0) < 3 * 0.13
