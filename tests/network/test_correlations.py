"""Spike-count correlations in networks: shared presynaptic input and its cancellation by balance.

Two checks of chapter 7's correlation story on measured numbers:

* pairs of neurons that share a pool of presynaptic neurons fire with the count correlation that
  the linear response of the single neuron predicts (:func:`snnlib.shared_input_correlation`,
  checked for shared white noise in tests/fokker_planck/test_correlation_transfer.py);
* in a dense balanced E-I network the mean pairwise correlation is far below what its shared
  inputs alone would cause and falls with the network size (Renart et al. 2010, Science
  327:587), while the same network with too weak inhibition is strongly correlated.

Counts in non-overlapping windows, correlations by :func:`snnlib.spike_count_correlation` and
:func:`snnlib.mean_count_correlation` (mean over pairs, block-jackknife standard error).
"""

import math

import numpy as np

import snnlib

Z = 4.0  # accepted deviation in standard errors


# --- shared presynaptic pools ------------------------------------------------------------------
def test_pairs_sharing_a_presynaptic_pool_match_linear_response():
    """G = 20 groups of g = 10 LIF neurons; the neurons of a group share a pool of 10 presynaptic
    "relay" neurons (5 excitatory with weight +J, 5 inhibitory with -J), and each also receives
    private white noise (mu = 12 mV, sigma_p), standing for its many private synapses.

    Why the prediction is clean: a relay (LIF without refractoriness or noise, resting below
    threshold) fires exactly in the steps in which its own Poisson input (rate R, weight 100 mV)
    arrives, so its train is a Bernoulli sequence with p = 1 - exp(-R dt) per step: white, with
    count variance r T (1 - p) at rate r = p / dt, and delivered identically to every neuron of
    its group (one delay for all). The pool adds no mean input and, with equal numbers of +J and
    -J, no third cumulant (the leading error of the diffusion approximation for shot noise);
    J = 0.21 mV is 7 % of sigma. To the targets the pool is therefore white noise of variance
    sigma_sh^2 = tau_m J^2 n p (1 - p) / (2 dt) (book convention), common to the group, and
    c = sigma_sh^2 / (sigma_sh^2 + sigma_p^2) is the shared fraction of the input variance: here
    c = 0.05 and total sigma = 3 mV, the noise-driven point of test_correlation_transfer.py.

    Groups are independent (disjoint pools, private noise), so the standard error of the mean
    is the spread of the 20 group means over sqrt(20); pairs in different groups share nothing
    and must be uncorrelated (their mean has a smaller standard error than the groups').
    """
    lif, mu, sigma, c = snnlib.LIF(), 12.0, 3.0, 0.05
    n_groups, size, n_pool, rate, dt, t_max = 20, 10, 10, 100.0, 0.1, 60_000.0
    p = -math.expm1(-rate * dt / 1000.0)
    sigma_sh2 = c * sigma ** 2
    j = math.sqrt(2.0 * dt * sigma_sh2 / (lif.tau_m * n_pool * p * (1.0 - p)))
    net = snnlib.Network(seed=5)
    net.add_population("relay", snnlib.LIF(t_ref=0.0), n_groups * n_pool)
    net.add_population("target", lif, n_groups * size)
    net.add_poisson_input("relay", rate=rate, j=100.0)
    net.add_white_noise("target", mu=mu, sigma=math.sqrt(sigma ** 2 - sigma_sh2))
    weights = np.zeros((n_groups * size, n_groups * n_pool))
    for k in range(n_groups):
        pool = weights[k * size:(k + 1) * size, k * n_pool:(k + 1) * n_pool]
        pool[:, :n_pool // 2], pool[:, n_pool // 2:] = j, -j
    net.connect("relay", "target", rule="weights", weights=weights, delay=10.0)
    res = snnlib.simulate_network(net, t_max=t_max, dt=dt, seed=6, t_warmup=100.0)
    targets = res.population("target")
    same_group = np.kron(np.eye(n_groups, dtype=bool), np.ones((size, size), dtype=bool))
    upper = np.triu(np.ones_like(same_group), 1)
    for window in (50.0, 200.0):
        theory = snnlib.shared_input_correlation(lif, mu, sigma, c, windows=window)
        rho = snnlib.spike_count_correlation(targets, window=window)
        groups = [np.mean(rho[k * size:(k + 1) * size, k * size:(k + 1) * size][np.triu_indices(size, 1)])
                  for k in range(n_groups)]
        measured, se = np.mean(groups), np.std(groups, ddof=1) / math.sqrt(n_groups)
        assert abs(measured - theory) < Z * se, (window, measured, theory, se)
        assert abs(np.mean(rho[upper & ~same_group])) < Z * se


# --- balance cancels the correlations of shared input --------------------------------------------
N0 = 1000          # reference size for the 1/sqrt(N) scaling
P_CONN = 0.2       # connection probability of every projection
J0 = 0.5           # E weight at N0 (mV); inhibitory weights -g J
MU0 = 30.0         # external mean input at N0 (mV), grows as sqrt(N): strong drive
SIGMA_EXT = 3.0    # independent external white noise (mV)
WINDOW = 100.0     # counting window (ms)


def _dense_ei(n, g, seed):
    """Dense E-I network of Brunel's LIF (80 % E), Bernoulli connectivity P_CONN, weights J0 and
    -g J0 scaled by sqrt(N0 / n) (so the mean recurrent input J K r ~ sqrt(n) and its variance
    J^2 K r stay of the order of those at N0), external drive MU0 sqrt(n / N0), delay 0.5 ms."""
    n_exc = int(0.8 * n)
    scale = math.sqrt(N0 / n)
    net = snnlib.Network(seed=seed)
    net.add_population("E", snnlib.BRUNEL_LIF, n_exc)
    net.add_population("I", snnlib.BRUNEL_LIF, n - n_exc)
    net.connect("E", ["E", "I"], rule="bernoulli", p_conn=P_CONN, j=J0 * scale, delay=0.5)
    net.connect("I", ["E", "I"], rule="bernoulli", p_conn=P_CONN, j=-g * J0 * scale, delay=0.5)
    net.add_white_noise(["E", "I"], mu=MU0 / scale, sigma=SIGMA_EXT)
    return net


def _feedforward_correlation(net):
    """The count correlation of two E neurons if their presynaptic neurons fired independently:
    each pair shares a fraction P_CONN of its recurrent inputs, i.e. c = P_CONN times the recurrent
    share of the input variance, at the mean-field operating point (linear response)."""
    mf = snnlib.mean_field(net)
    mu, sigma = float(mf.mu[0]), float(mf.sigma[0])
    c = P_CONN * (sigma ** 2 - SIGMA_EXT ** 2) / sigma ** 2
    return snnlib.shared_input_correlation(snnlib.BRUNEL_LIF, mu, sigma, c, windows=WINDOW)


def _measure(n, g, seed=1, t_max=10_000.0, n_sample=400, blocks=10):
    """Mean pairwise count correlation of ``n_sample`` random E neurons, its jackknife standard
    error, and the feed-forward prediction."""
    net = _dense_ei(n, g, seed)
    res = snnlib.simulate_network(net, t_max=t_max, seed=seed + 100, t_warmup=200.0)
    exc = res.population("E")
    ids = np.random.default_rng(seed).choice(exc.n_neurons, min(n_sample, exc.n_neurons), replace=False)
    mc = snnlib.mean_count_correlation(exc, window=WINDOW, neurons=ids, blocks=blocks)
    return mc.mean, mc.se, _feedforward_correlation(net)


def test_balanced_network_decorrelates_and_weak_inhibition_does_not():
    """Renart et al. (2010): in a dense network (P_CONN = 0.2) two neurons share a fifth of their
    inputs, which alone would correlate them by rho_ff ~ 0.11 (:func:`_feedforward_correlation`);
    with inhibition strong enough to balance the drive (g = 8: g C_I / C_E = 2 > 1) the E and I
    inputs track each other and cancel the shared fluctuations, so the correlation is small and
    falls with N (as 1/N in their theory). Bounds asserted: below rho_ff / 2 at every N (more than
    half of the shared-input correlation cancelled already at N = 500), below rho_ff / 10 at
    N = 4000, decreasing with every doubling of N, and the total fall from 500 to 4000 beyond Z
    standard errors. With g = 3.5 (g C_I / C_E = 0.875 < 1: no balanced state, the recurrent
    excitation wins) nothing cancels: the correlation is of the order of rho_ff (above rho_ff / 2),
    over 5 times that of the balanced network of the same size, and larger by Z standard errors.

    Standard errors: delete-one-block jackknife over 10 blocks of 1 s (10 windows each), which
    keeps slow network fluctuations inside the blocks. Measured (seed 1; 10 s, 400 E neurons,
    100 ms windows): rho = 0.0273 +- 0.0019, 0.0192 +- 0.0019, 0.0076 +- 0.0014, 0.0049 +- 0.0012
    at N = 500, 1000, 2000, 4000 (rho N = 14-20: the 1/N of Renart et al.), rho_ff = 0.109-0.121;
    with g = 3.5 at N = 1000, rho = 0.136 +- 0.022 against rho_ff = 0.146.
    """
    sizes = (500, 1000, 2000, 4000)
    balanced = {n: _measure(n, 8.0) for n in sizes}
    rho = np.array([balanced[n][0] for n in sizes])
    se = np.array([balanced[n][1] for n in sizes])
    ff = np.array([balanced[n][2] for n in sizes])
    assert np.all(rho < ff / 2), (rho, ff)
    assert rho[-1] < ff[-1] / 10
    assert np.all(np.diff(rho) < 0), rho
    assert rho[0] - rho[-1] > Z * math.hypot(se[0], se[-1])
    weak, weak_se, weak_ff = _measure(1000, 3.5)
    assert weak > weak_ff / 2 and weak > 5 * rho[1]
    assert weak - rho[1] > Z * math.hypot(weak_se, se[1])
