"""Linear response theory of network correlations: the implementation against independent
computations of the same theory (hand-built kernels, direct quadrature, the path expansion), and
the theory against simulated networks, with tolerances from the statistics."""

import numpy as np
import pytest
from scipy import integrate

import snnlib
from snnlib.network import linear_response as lr

LIF = snnlib.LIF()
MU, SIGMA = 12.0, 4.0


def _pair(j=1.0, delay=2.0):
    # neuron 0 drives neuron 1 (a feedforward pair: K is nilpotent, the series stops at first order)
    return snnlib.Network.from_weights([[0.0, 0.0], [j, 0.0]], LIF, mu=MU, sigma=SIGMA, delay=delay)


def _ei(seed=3, n_e=80, n_i=20, j=0.6, g=4.0):
    net = snnlib.Network(seed=seed)
    net.add_population("E", LIF, n_e)
    net.add_population("I", LIF, n_i)
    net.connect("E", ["E", "I"], rule="bernoulli", p_conn=0.2, j=j, delay=2.0)
    net.connect("I", ["E", "I"], rule="bernoulli", p_conn=0.2, j=-g * j, delay=2.0)
    net.add_white_noise(["E", "I"], mu=MU, sigma=SIGMA)
    return net


def test_weight_matrix_holds_every_synapse():
    net = _ei()
    w = snnlib.network.weight_matrix(net)
    assert np.count_nonzero(w) <= net.n_synapses
    np.testing.assert_allclose(w[:, :80][w[:, :80] != 0].sum(), 0.6 * net.projections[0].connectivity.n_synapses
                               + 0.6 * net.projections[1].connectivity.n_synapses, rtol=1e-12)
    assert np.all(w[:, 80:] <= 0.0) and np.all(w[:, :80] >= 0.0)


def test_feedforward_pair_is_first_order_by_hand():
    # C_10(f) = K_10(f) S_0(f) with K_10 = chi_1 tau_m J e^{-2 pi i f d}; C_11 = S_1 + |K_10|^2 S_0
    f = np.array([0.0, 3.0, 40.0, 300.0])
    net = _pair(j=1.0, delay=2.0)
    wp = snnlib.network.working_point(net, per_neuron=True)
    chi1 = snnlib.susceptibility(LIF, wp.mu[1], wp.sigma[1], f)
    s0 = snnlib.spike_spectrum(LIF, wp.mu[0], wp.sigma[0], f)
    s1 = snnlib.spike_spectrum(LIF, wp.mu[1], wp.sigma[1], f)
    k10 = chi1 * LIF.tau_m / 1000.0 * 1.0 * np.exp(-2j * np.pi * f * 2.0 / 1000.0)
    c = snnlib.predict_cross_spectrum(net, f, per_neuron=True)
    np.testing.assert_allclose(c[:, 1, 0], k10 * s0, rtol=1e-10)
    np.testing.assert_allclose(c[:, 0, 1], np.conj(k10 * s0), rtol=1e-10)
    np.testing.assert_allclose(c[:, 1, 1].real, s1 + np.abs(k10) ** 2 * s0, rtol=1e-10)
    np.testing.assert_allclose(c[:, 0, 0].real, s0, rtol=1e-10)


def _pair_by_hand(net):
    """C_10(f) and C_11(f) - r_1 of the feedforward pair, built from chi and S directly."""
    wp = snnlib.network.working_point(net, per_neuron=True)
    j, d = net.projections[0].connectivity.weights[0], net.projections[0].delay

    def c10(f):
        k = snnlib.susceptibility(LIF, wp.mu[1], wp.sigma[1], f) * LIF.tau_m / 1000.0 * j
        return k * np.exp(-2j * np.pi * f * d / 1000.0) * snnlib.spike_spectrum(LIF, wp.mu[0], wp.sigma[0], f)

    def c11(f):
        k = snnlib.susceptibility(LIF, wp.mu[1], wp.sigma[1], f) * LIF.tau_m / 1000.0 * j
        s0 = snnlib.spike_spectrum(LIF, wp.mu[0], wp.sigma[0], f)
        return snnlib.spike_spectrum(LIF, wp.mu[1], wp.sigma[1], f) + abs(k) ** 2 * s0 - wp.rate[1]

    return c10, c11, wp.rate


def test_window_count_covariance_is_the_fejer_integral_of_the_spectrum():
    # an independent adaptive quadrature of Cov/T = int C(f) T sinc^2(pi f T) df
    net, t = _pair(j=1.5), 200.0
    got = snnlib.predict_count_covariance(net, window=t, per_neuron=True)
    c10, c11, r = _pair_by_hand(net)
    fejer = lambda f: 2.0 * t / 1000.0 * np.sinc(f * t / 1000.0) ** 2  # noqa: E731
    for (i, j), c, white in (((1, 0), c10, 0.0), ((1, 1), c11, r[1])):
        ref = integrate.quad(lambda f: float(np.real(c(f))) * fejer(f), 0.0, 2000.0, limit=400,
                             epsabs=1e-6)[0] + white
        # beyond 2 kHz |C - r| < 0.05 Hz and the Fejer weight is below 1 / (pi^2 2000 T) = 2.5e-4
        assert abs(got[i, j] - ref) < 1e-3 * abs(ref), (i, j, got[i, j], ref)


def test_long_window_limit_is_the_zero_frequency_spectrum():
    net = _ei()
    c_inf = snnlib.predict_count_covariance(net)
    np.testing.assert_allclose(c_inf, snnlib.predict_cross_spectrum(net, [0.0])[0].real, rtol=1e-12)
    long = snnlib.predict_count_covariance(net, window=1e6)
    np.testing.assert_allclose(long, c_inf, rtol=1e-3, atol=1e-3 * np.abs(c_inf).max())


def test_cross_covariance_is_the_inverse_transform():
    # the correlogram of the pair against a direct quadrature of the same transform; its
    # integral over lags against the zero-frequency spectrum. (It is not causal: neuron 0's own
    # autocovariance, negative near 0 for a neuron more regular than Poisson, is carried over.)
    net = _pair(j=1.5, delay=2.0)
    lags = np.array([-5.0, 0.0, 2.0, 3.0, 6.0, 20.0])
    got = snnlib.predict_cross_covariance(net, lags, bin_width=1.0, per_neuron=True)[:, 1, 0]
    c10 = _pair_by_hand(net)[0]

    def integrand(f, lag):
        return 2.0 * (c10(f) * np.exp(2j * np.pi * f * lag / 1000.0)).real * np.sinc(f * 1.0 / 1000.0)

    # the library integrates up to f_max = 8 kHz by the trapezoid rule; the same range here
    ref = np.array([integrate.quad(integrand, 0.0, 8000.0, args=(lag,), limit=4000, epsabs=1e-3)[0]
                    for lag in lags])
    np.testing.assert_allclose(got, ref, atol=2e-3 * np.max(np.abs(ref)))
    wide = np.arange(-200.0, 200.5, 1.0)
    dens = snnlib.predict_cross_covariance(net, wide, bin_width=1.0, per_neuron=True)[:, 1, 0]
    c0 = snnlib.predict_count_covariance(net, per_neuron=True)[1, 0]
    assert abs(dens.sum() * 1e-3 - c0) < 0.01 * c0


def test_doubling_f_max_changes_the_correlogram_little():
    net = _ei(n_e=40, n_i=10, j=1.0)
    lags = np.arange(-10.0, 10.5, 1.0)
    a = snnlib.predict_cross_covariance(net, lags, bin_width=1.0)
    b = snnlib.predict_cross_covariance(net, lags, bin_width=1.0, f_max=16000.0)
    assert np.max(np.abs(a - b)) < 0.02 * np.max(np.abs(b))


def test_motifs_sum_to_the_total_and_stop_in_a_feedforward_pair():
    net = _ei()
    m = snnlib.network.covariance_motifs(net, order=4)
    listed = m["independent"] + sum(m[f"order {n}"] for n in range(1, 5)) + m["rest"]
    np.testing.assert_allclose(listed, m["total"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m["order 1"], m["direct"], rtol=1e-12)
    # a pair: K^2 = 0, so the expansion ends with the shared term K C0 K^T (n = m = 1)
    p = snnlib.network.covariance_motifs(_pair(j=1.0), order=2, per_neuron=True)
    np.testing.assert_allclose(p["rest"], 0.0, atol=1e-12)
    np.testing.assert_allclose(p["order 2"], p["shared"], rtol=1e-12)


# -- against simulation --------------------------------------------------------------------------
def _window_counts(res, n, t_s):
    ids = res.spike_ids
    bins = (res.spike_times // 1000.0).astype(np.int64)
    return np.bincount(ids * t_s + bins, minlength=n * t_s).reshape(n, t_s).astype(float)


def test_uncoupled_fano_factors_match_the_spectrum():
    # no synapses: Cov/T of 1 s windows is the neuron's own (renewal) count variance
    net = snnlib.Network.from_weights(np.zeros((40, 40)), LIF, mu=MU, sigma=SIGMA)
    pred = snnlib.predict_count_covariance(net, window=1000.0)
    res = snnlib.simulate_network(net, t_max=400_000.0, seed=1, t_warmup=500.0)
    counts = _window_counts(res, 40, 400)
    var = counts.var(axis=1, ddof=1)
    # sample variance of 400 windows: relative SE sqrt(2 / 399) per neuron, averaged over 40
    se = np.sqrt(2.0 / 399.0) * pred[0, 0] / np.sqrt(40)
    assert abs(var.mean() - pred[0, 0]) < 4.0 * se
    assert np.allclose(pred - np.diag(np.diag(pred)), 0.0)


def test_fan_in_covariance_matches_theory():
    # 100 independent sources; each of 100 targets receives 25 of them (0.4 mV, 2 ms). Target i's
    # count covariance with the sum of its sources is sum_j C_ij: 25 times one pair's, so it is
    # measurable while every PSP stays small (0.1 sigma), where the diffusion approximation of
    # the theory holds. The standard error comes from 20 blocks of the recording.
    n = 200
    rng = np.random.default_rng(5)
    w = np.zeros((n, n))
    for i in range(100, 200):
        w[i, rng.choice(100, 25, replace=False)] = 0.4
    net = snnlib.Network.from_weights(w, LIF, mu=MU, sigma=SIGMA, delay=2.0)
    pred = snnlib.predict_count_covariance(net, window=1000.0, per_neuron=True)
    pred_fan = np.array([pred[i, w[i] > 0].sum() for i in range(100, 200)]).mean()
    t_s = 600
    res = snnlib.simulate_network(net, t_max=t_s * 1000.0, seed=2, t_warmup=500.0)
    counts = _window_counts(res, n, t_s)
    src = (w[100:, :100] > 0).astype(float) @ counts[:100]          # summed source counts per target
    blocks = []
    for b in np.array_split(np.arange(t_s), 20):
        x, y = counts[100:, b], src[:, b]
        blocks.append(np.mean(np.sum((x - x.mean(1, keepdims=True)) * (y - y.mean(1, keepdims=True)), 1)
                              / (b.size - 1)))
    blocks = np.array(blocks)
    meas, se = blocks.mean(), blocks.std(ddof=1) / np.sqrt(blocks.size)
    assert pred_fan > 8.0 * se
    print(f"fan-in covariance: measured {meas:.4f} +- {se:.4f} Hz, predicted {pred_fan:.4f} Hz")
    assert abs(meas - pred_fan) < 4.0 * se, (meas, pred_fan, se)


# -- input ---------------------------------------------------------------------------------------
def test_bad_input_names_the_argument():
    net = _pair()
    with pytest.raises(TypeError, match="network"):
        snnlib.predict_cross_spectrum("net", [1.0])
    with pytest.raises(ValueError, match="freqs"):
        snnlib.predict_cross_spectrum(net, [-1.0])
    with pytest.raises(ValueError, match="window"):
        snnlib.predict_count_covariance(net, window=0.0)
    with pytest.raises(ValueError, match="bin_width"):
        snnlib.predict_cross_covariance(net, [0.0], bin_width=-1.0)
    with pytest.raises(ValueError, match="lags"):
        snnlib.predict_cross_covariance(net, [np.nan])
    with pytest.raises(ValueError, match="order"):
        snnlib.network.covariance_motifs(net, order=0)
    big = snnlib.brunel_network(5.0, 2.0, n_exc=8000, n_inh=2000, seed=1)
    with pytest.raises(ValueError, match="at most 5000 neurons"):
        snnlib.predict_count_covariance(big)


def test_variance_channel_adds_the_squared_weights_by_hand():
    f = np.array([0.0, 25.0, 300.0])
    net = _pair(j=1.5, delay=2.0)
    wp = snnlib.network.working_point(net, per_neuron=True)
    chi = snnlib.susceptibility(LIF, wp.mu[1], wp.sigma[1], f)
    chi2 = snnlib.susceptibility(LIF, wp.mu[1], wp.sigma[1], f, channel="sigma2")
    tau = LIF.tau_m / 1000.0
    k10 = (chi * tau * 1.5 + chi2 * tau / 2.0 * 1.5 ** 2) * np.exp(-2j * np.pi * f * 2.0 / 1000.0)
    got = snnlib.network.coupling_kernel(net, f, per_neuron=True, variance=True)[:, 1, 0]
    np.testing.assert_allclose(got, k10, rtol=1e-10)


def test_strong_single_synapses_need_the_variance_channel():
    # 100 independent pairs, a -> b with J = 2 mV (half of sigma): the count covariance of 100-ms
    # windows over 200 s against theory with and without the modulation of b's input variance by
    # a's rate (second order in J). The standard error comes from the spread over the pairs.
    n, j = 200, 2.0
    post, pre = np.arange(1, n, 2), np.arange(0, n, 2)
    w = np.zeros((n, n))
    w[post, pre] = j
    net = snnlib.Network.from_weights(w, LIF, mu=MU, sigma=SIGMA, delay=2.0)
    res = snnlib.simulate_network(net, t_max=200_000.0, seed=1, t_warmup=500.0)
    counts = snnlib.bin_spikes(res, bin_width=100.0).counts.astype(float)
    cov = np.array([np.cov(counts[a], counts[b])[0, 1] for a, b in zip(post, pre)]) / 0.1
    meas, se = cov.mean(), cov.std(ddof=1) / np.sqrt(cov.size)
    two = _pair(j=j, delay=2.0)
    mean_only = snnlib.predict_count_covariance(two, window=100.0, per_neuron=True)[1, 0]
    both = snnlib.predict_count_covariance(two, window=100.0, per_neuron=True, variance=True)[1, 0]
    print(f"J = 2 mV: measured {meas:.4f} +- {se:.4f} Hz; theory {both:.4f} Hz, mean channel only "
          f"{mean_only:.4f} Hz")
    assert abs(meas - both) < 4.0 * se
    assert abs(meas - mean_only) > 4.0 * se


def test_eif_network_covariances_match_theory():
    # the same E-I architecture with EIF neurons (susceptibility and spectrum by threshold
    # integration): mean count covariances (100-ms windows, 200 s) of connected and unconnected
    # excitatory pairs, standard errors from 10 blocks of the recording
    net = snnlib.Network(seed=4)
    net.add_population("E", snnlib.EIF(), 160)
    net.add_population("I", snnlib.EIF(), 40)
    for pre, j in (("E", 0.2), ("I", -0.8)):
        net.connect(pre, ["E", "I"], rule="bernoulli", p_conn=0.2, j=j, delay=2.0)
    net.add_white_noise(["E", "I"], mu=12.0, sigma=4.0)
    res = snnlib.simulate_network(net, t_max=200_000.0, seed=1, t_warmup=500.0)
    counts = snnlib.bin_spikes(res, bin_width=100.0).counts.astype(float)
    cov_b = np.array([np.cov(counts[:, b]) for b in np.array_split(np.arange(counts.shape[1]), 10)]) / 0.1
    pred = snnlib.predict_count_covariance(net, window=100.0, variance=True)
    to = snnlib.network.weight_matrix(net)[:160, :160] > 0
    for m in (to & ~to.T, ~to & ~to.T & ~np.eye(160, dtype=bool)):
        i, j = np.nonzero(m)
        per_block = cov_b[:, i, j].mean(axis=1)
        meas, se = per_block.mean(), per_block.std(ddof=1) / np.sqrt(10)
        assert abs(meas - pred[i, j].mean()) < 4.0 * se
    assert abs(pred[:160, :160][to & ~to.T].mean()) > 10 * se     # a measurable covariance


def test_motif_parts_by_population_add_up():
    net = _ei()
    m = snnlib.network.covariance_motifs(net, order=2)
    np.testing.assert_allclose(m["shared"] + m["chains"], m["order 2"], rtol=1e-12, atol=1e-14)
    for kind in ("shared", "chains"):
        np.testing.assert_allclose(m[f"{kind} via E"] + m[f"{kind} via I"], m[kind], rtol=1e-12, atol=1e-14)
    # through an inhibitory neuron a chain carries negative covariance, a shared input positive
    k = snnlib.network.coupling_kernel(net, [0.0])[0].real
    assert np.all(k[:, 80:] <= 0.0)
    assert m["shared via I"].min() >= -1e-15
    assert np.mean(m["chains via I"][~np.eye(100, dtype=bool)]) < 0.0


def _regular_ei(j=0.4, g=4.5):
    # every neuron of q has the same number of targets in p and every neuron of p the same number of
    # inputs from q: circulant blocks, so that the population average of y = y0 + K y closes exactly
    n_e, n_i = 40, 10
    ee = np.zeros((n_e, n_e))
    for s in (1, 3, 7, 12):
        ee[np.arange(n_e), (np.arange(n_e) + s) % n_e] = j
    ie = np.zeros((n_i, n_e))                                   # E -> I: 4 inputs, 1 target each
    ie[np.repeat(np.arange(n_i), 4), np.arange(n_e)] = j
    ei = np.zeros((n_e, n_i))                                   # I -> E: 2 inputs, 8 targets each
    for s in (0, 3):
        ei[np.arange(n_e), (np.arange(n_e) + s) % n_i] = -g * j
    ii = np.zeros((n_i, n_i))
    ii[np.arange(n_i), (np.arange(n_i) + 1) % n_i] = -g * j
    net = snnlib.Network(seed=1)
    net.add_population("E", LIF, n_e)
    net.add_population("I", LIF, n_i)
    for (post, pre), w in {("E", "E"): ee, ("I", "E"): ie, ("E", "I"): ei, ("I", "I"): ii}.items():
        net.connect(pre, post, rule="weights", weights=w, delay=1.5)
    net.add_white_noise(["E", "I"], mu=MU, sigma=SIGMA)
    return net


@pytest.mark.parametrize("variance", [False, True])
def test_population_spectrum_is_the_average_of_the_full_theory_on_a_regular_graph(variance):
    net = _regular_ei()
    f = np.array([0.0, 3.0, 40.0, 170.0, 900.0])
    full = snnlib.predict_cross_spectrum(net, f, variance=variance)
    ps = snnlib.predict_population_spectrum(net, f, variance=variance)
    groups = [np.arange(40), np.arange(40, 50)]
    want = np.array([[full[:, a][:, :, b].mean(axis=(1, 2)) for b in groups] for a in groups])
    np.testing.assert_allclose(ps.cross, np.moveaxis(want, 2, 0), rtol=1e-10, atol=0)
    np.testing.assert_allclose(ps.pooled, full.mean(axis=(1, 2)).real, rtol=1e-10)
    assert ps.names == ("E", "I")


def test_population_spectrum_of_a_large_network_needs_no_dense_matrix():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=40_000, n_inh=10_000, epsilon=0.02, seed=1)
    with pytest.raises(ValueError, match="network"):
        snnlib.predict_cross_spectrum(net, [10.0])
    ps = snnlib.predict_population_spectrum(net, [10.0, 3000.0])
    assert ps.cross.shape == (2, 2, 2) and np.all(np.isfinite(ps.pooled))
    with pytest.raises(TypeError, match="network"):
        snnlib.predict_population_spectrum("net", [1.0])
    with pytest.raises(ValueError, match="freqs"):
        snnlib.predict_population_spectrum(net, [-1.0])
