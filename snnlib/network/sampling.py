r"""Networks of spiking neurons that sample from a Boltzmann distribution (chapter 9).

A Boltzmann distribution over binary vectors :math:`z \in \{0, 1\}^K`,

.. math::

    p(z) = \frac{1}{Z}\exp\Bigl(b^T z + \tfrac12 z^T W z\Bigr),
    \qquad W = W^T,\ W_{kk} = 0,

is sampled by the network of Buesing, Bill, Nessler & Maass (2011, PLoS Comput Biol 7:e1002211):
neuron :math:`k` has the membrane potential :math:`u_k = b_k + \sum_i W_{ki} z_i` and
:math:`z_k = 1` for a refractory time :math:`\tau` after each of its spikes. In continuous time a
neuron that is not refractory fires with the intensity :math:`e^{u_k}/\tau`; in discrete time
(step :math:`\Delta t`, :math:`n = \tau/\Delta t` steps of refractoriness) a neuron whose
refractory count is at most 1 fires in a step with probability
:math:`\sigma(u_k - \log n)` (:math:`\sigma` the logistic function). The *neural computability
condition*, :math:`u_k = \log p(z_k = 1 \mid z_{\setminus k}) / p(z_k = 0 \mid z_{\setminus k})`,
holds by construction, and the continuous-time network's states :math:`z(t)` have :math:`p(z)` as
their stationary distribution (Buesing et al. 2011, Theorem 1). Clamping neurons to fixed values
turns the same network into a sampler of the conditional distribution of the others.

Exact enumeration (:func:`boltzmann_probabilities`, :func:`boltzmann_statistics`) is the reference
for up to ``MAX_ENUMERATE`` neurons, and :func:`gibbs_sampling` the classical sampler.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core.seeding import as_generator
from .._core.validation import check_array, check_int, check_memory, check_positive
from ..spikes.containers import SpikeRecord

__all__ = ["MAX_ENUMERATE", "boltzmann_probabilities", "boltzmann_statistics", "state_probabilities",
           "kl_divergence", "gibbs_sampling", "SamplingResult", "neural_sampling", "boltzmann_log_likelihood",
           "BoltzmannFit", "learn_boltzmann"]

#: Largest number of variables whose 2^K states are enumerated.
MAX_ENUMERATE = 20


def _check_model(weights, bias):
    w = check_array(weights, "weights", ndim=2)
    k = w.shape[0]
    if w.shape != (k, k) or k == 0:
        raise ValueError(f"weights must be a square (K, K) matrix with K >= 1, got shape {w.shape}")
    if not np.allclose(w, w.T, rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(w).max()))):
        raise ValueError("weights must be symmetric (W = W^T): the network samples a Boltzmann distribution "
                         "only with symmetric weights")
    if np.any(np.diag(w) != 0.0):
        raise ValueError("weights must have a zero diagonal (no self-connections)")
    b = np.broadcast_to(check_array(bias, "bias", ndim=(0, 1)), (k,)).astype(float)
    return np.ascontiguousarray(w, dtype=float), np.ascontiguousarray(b)


def _all_states(k: int) -> np.ndarray:
    """All 2^k states as rows (bit j of the row index is neuron j)."""
    idx = np.arange(2 ** k, dtype=np.int64)
    return ((idx[:, None] >> np.arange(k)) & 1).astype(float)


def boltzmann_probabilities(weights, bias) -> np.ndarray:
    r"""Exact probabilities of all :math:`2^K` states of a Boltzmann distribution, by enumeration.

    Parameters
    ----------
    weights : array_like, shape (K, K)
        Symmetric couplings :math:`W` with a zero diagonal (dimensionless), K <= ``MAX_ENUMERATE``.
    bias : float or array_like, shape (K,)
        Biases :math:`b` (dimensionless).

    Returns
    -------
    ndarray, shape (2**K,)
        :math:`p(z) \propto \exp(b^T z + z^T W z / 2)`, state index :math:`\sum_k z_k 2^k` (bit
        ``k`` is neuron ``k``); sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> p = boltzmann_probabilities([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.0])
    >>> # states 00, 10, 01, 11: weights 1, 1, 1, e
    >>> np.round(p * (3 + np.e), 6)
    array([1.      , 1.      , 1.      , 2.718282])
    """
    w, b = _check_model(weights, bias)
    k = b.size
    if k > MAX_ENUMERATE:
        raise ValueError(f"weights: exact enumeration is for K <= {MAX_ENUMERATE} variables "
                         f"(2^K states), got K = {k}")
    z = _all_states(k)
    energy = z @ b + 0.5 * np.einsum("si,ij,sj->s", z, w, z)
    energy -= energy.max()
    p = np.exp(energy)
    return p / p.sum()


def boltzmann_statistics(weights, bias, clamp=None) -> tuple:
    r"""Exact marginals and pairwise moments of a Boltzmann distribution, optionally conditioned
    on clamped variables.

    Parameters
    ----------
    weights, bias
        As in :func:`boltzmann_probabilities`.
    clamp : None or dict
        ``{index: 0 or 1}``: condition on these variables.

    Returns
    -------
    (ndarray, ndarray)
        :math:`\langle z_k\rangle` (K,) and :math:`\langle z_k z_j\rangle` (K, K), the clamped
        variables at their values.

    Examples
    --------
    >>> m, c = boltzmann_statistics([[0.0]], [0.0])
    >>> # one free variable, b = 0: p = 1/2
    >>> float(m[0])
    0.5
    """
    p = boltzmann_probabilities(weights, bias)
    k = int(round(np.log2(p.size)))
    z = _all_states(k)
    if clamp:
        keep = np.ones(p.size, bool)
        for i, v in _check_clamp(clamp, k).items():
            keep &= z[:, i] == v
        p = np.where(keep, p, 0.0)
        p /= p.sum()
    return p @ z, np.einsum("s,si,sj->ij", p, z, z)


def state_probabilities(states) -> np.ndarray:
    r"""Empirical distribution over the :math:`2^K` states of sampled binary vectors.

    Parameters
    ----------
    states : array_like of bool, shape (n_samples, K)
        Samples, K <= ``MAX_ENUMERATE``.

    Returns
    -------
    ndarray, shape (2**K,)
        Relative frequency of each state (index :math:`\sum_k z_k 2^k`).

    Examples
    --------
    >>> state_probabilities([[True, False], [True, False], [False, True],
    ...                      [True, True]])
    array([0.  , 0.5 , 0.25, 0.25])
    """
    s = np.asarray(states)
    if s.ndim != 2 or s.shape[0] == 0 or s.shape[1] == 0:
        raise ValueError(f"states must have shape (n_samples, K) with n_samples, K >= 1, got {s.shape}")
    if s.shape[1] > MAX_ENUMERATE:
        raise ValueError(f"states: K = {s.shape[1]} variables exceed MAX_ENUMERATE = {MAX_ENUMERATE}")
    idx = (s.astype(np.int64) << np.arange(s.shape[1])).sum(axis=1)
    return np.bincount(idx, minlength=2 ** s.shape[1]) / s.shape[0]


def kl_divergence(p, q) -> float:
    r"""Kullback-Leibler divergence :math:`D(p\,\|\,q) = \sum_s p_s \log(p_s/q_s)` (nats).

    Parameters
    ----------
    p, q : array_like, same shape
        Probabilities (each sums to 1); ``q > 0`` wherever ``p > 0``.

    Returns
    -------
    float
        The divergence, >= 0; terms with :math:`p_s = 0` count 0.

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75]), 4)
    0.1438
    """
    p = check_array(p, "p", ndim=1, low=0.0)
    q = check_array(q, "q", ndim=1, low=0.0)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    on = p > 0
    if np.any(q[on] == 0.0):
        raise ValueError("q must be > 0 wherever p > 0 (the divergence is infinite)")
    return float(np.sum(p[on] * np.log(p[on] / q[on])))


def _check_clamp(clamp, k: int) -> dict:
    if clamp is None:
        return {}
    if not isinstance(clamp, dict):
        raise TypeError(f"clamp must be None or a dict {{index: 0 or 1}}, got {type(clamp).__name__}")
    out = {}
    for i, v in clamp.items():
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not 0 <= i < k:
            raise ValueError(f"clamp: index {i!r} must be an integer in [0, {k - 1}]")
        if v not in (0, 1, True, False):
            raise ValueError(f"clamp: value of variable {i} must be 0 or 1, got {v!r}")
        out[int(i)] = int(v)
    return out


@njit(cache=True, nogil=True)
def _gibbs_kernel(rng, w, b, z, free, n_sweeps, out):
    """Sequential Gibbs sweeps over the free variables (jitted); state after each sweep in ``out``."""
    k = b.size
    for s in range(n_sweeps):
        for i in range(k):
            if not free[i]:
                continue
            u = b[i]
            for j in range(k):
                u += w[i, j] * z[j]
            z[i] = 1.0 if rng.random() < 1.0 / (1.0 + np.exp(-u)) else 0.0
        for i in range(k):
            out[s, i] = z[i] > 0.5


def gibbs_sampling(weights, bias, *, n_sweeps: int, clamp=None, seed=None) -> np.ndarray:
    r"""Gibbs sampler of a Boltzmann distribution: sequential sweeps of
    :math:`z_k \sim \mathrm{Bernoulli}(\sigma(b_k + \sum_j W_{kj} z_j))` (Geman & Geman 1984).

    Parameters
    ----------
    weights, bias
        As in :func:`boltzmann_probabilities` (any K).
    n_sweeps : int
        Number of sweeps (each updates every free variable once, in index order), >= 1.
    clamp : None or dict
        ``{index: 0 or 1}``: variables held fixed (sampling the conditional of the others).
    seed : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    ndarray of bool, shape (n_sweeps, K)
        The state after each sweep, starting from all zeros (clamped variables at their values).

    Examples
    --------
    >>> s = gibbs_sampling([[0.0]], [0.0], n_sweeps=20_000, seed=1)
    >>> bool(abs(s.mean() - 0.5) < 0.02)
    True
    """
    w, b = _check_model(weights, bias)
    n_sweeps = check_int(n_sweeps, "n_sweeps")
    cl = _check_clamp(clamp, b.size)
    check_memory(float(n_sweeps) * b.size, "n_sweeps", what="the sampled states")
    z = np.zeros(b.size)
    free = np.ones(b.size, dtype=np.bool_)
    for i, v in cl.items():
        z[i], free[i] = v, False
    out = np.empty((n_sweeps, b.size), dtype=np.bool_)
    _gibbs_kernel(as_generator(seed), w, b, z, free, n_sweeps, out)
    return out


@dataclass(frozen=True)
class SamplingResult(SpikeRecord):
    """Spikes and sampled states of :func:`neural_sampling` (read-only).

    Parameters
    ----------
    spike_times : ndarray
        Spike times (ms), increasing.
    spike_ids : ndarray of int64
        Neuron of each spike.
    states : ndarray of bool, shape (n_samples, K)
        :math:`z(t)` at :math:`t = 0, \\Delta, 2\\Delta, \\dots < t_{max}` (``sample_every`` =
        :math:`\\Delta`).
    n_neurons : int
        K.
    t_max : float
        Duration (ms).
    tau : float
        Refractory time (ms).

    Examples
    --------
    >>> res = neural_sampling([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.0],
    ...                       t_max=100.0, seed=1)
    >>> res.states.shape, res.n_neurons
    ((100, 2), 2)
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    states: np.ndarray
    n_neurons: int
    t_max: float
    tau: float


@njit(cache=True, nogil=True)
def _continuous_kernel(rng, w, b, tau, t_max, every, free, z0, times, ids, states):
    """Exact event-driven sampler (jitted): returns the number of spikes (or -1 if ``times`` is
    full; the caller retries with more room)."""
    k = b.size
    z = z0.copy()
    until = np.full(k, -np.inf)             # end of each neuron's refractory time (ms)
    u = b.copy()
    for i in range(k):
        for j in range(k):
            u[i] += w[i, j] * z[j]
    lam = np.zeros(k)
    n = 0
    m = 0
    n_samples = states.shape[0]
    t = 0.0
    while True:
        total = 0.0
        t_ref = np.inf
        j_ref = -1
        for i in range(k):
            if free[i] and z[i] < 0.5:
                lam[i] = np.exp(u[i]) / tau
                total += lam[i]
            else:
                lam[i] = 0.0
                if free[i] and until[i] < t_ref:
                    t_ref = until[i]
                    j_ref = i
        t_spk = t - np.log(1.0 - rng.random()) / total if total > 0.0 else np.inf
        t_next = min(t_ref, t_spk, t_max)
        while m < n_samples and m * every < t_next:   # the state holds until the next event
            for i in range(k):
                states[m, i] = z[i] > 0.5
            m += 1
        if t_next >= t_max:
            return n
        t = t_next
        if t_ref <= t_spk:                          # a refractory time ends: z_j 1 -> 0
            z[j_ref] = 0.0
            until[j_ref] = -np.inf
            for i in range(k):
                u[i] -= w[i, j_ref]
            continue
        x = rng.random() * total                    # which neuron fires
        j = 0
        acc = lam[0]
        while acc <= x and j < k - 1:
            j += 1
            acc += lam[j]
        if n == times.size:
            return -1
        times[n] = t
        ids[n] = j
        n += 1
        z[j] = 1.0
        until[j] = t + tau
        for i in range(k):
            u[i] += w[i, j]


@njit(cache=True, nogil=True)
def _discrete_kernel(rng, w, b, n_ref, dt, n_steps, per_sample, free, z0, times, ids, states):
    """Discrete-time sampler with parallel updates (jitted): returns the number of spikes, or -1
    if ``times`` is full."""
    k = b.size
    zeta = np.zeros(k, dtype=np.int64)          # remaining refractory steps; z = zeta >= 1
    z = z0.copy()
    for i in range(k):
        if free[i] and z[i] > 0.5:
            zeta[i] = n_ref
    u = b.copy()                                 # u = b + W z, kept up to date as z changes
    for i in range(k):
        for j in range(k):
            u[i] += w[i, j] * z[j]
    offset = np.log(n_ref)
    changed = np.empty(k, dtype=np.int64)
    n = 0
    m = 0
    for s in range(n_steps):
        if s % per_sample == 0 and m < states.shape[0]:
            for i in range(k):
                states[m, i] = z[i] > 0.5
            m += 1
        n_changed = 0
        for i in range(k):                       # every neuron decides from the state before the step
            if not free[i]:
                continue
            if zeta[i] > 1:
                zeta[i] -= 1
                continue
            if rng.random() * (1.0 + np.exp(offset - u[i])) < 1.0:     # p = sigma(u - log n)
                if n == times.size:
                    return -1
                times[n] = (s + 1) * dt
                ids[n] = i
                n += 1
                zeta[i] = n_ref
            else:
                zeta[i] = 0
            new = 1.0 if zeta[i] >= 1 else 0.0
            if new != z[i]:
                changed[n_changed] = i
                n_changed += 1
        for c in range(n_changed):               # then the state and the potentials change
            j = changed[c]
            dz = 1.0 - 2.0 * z[j]
            z[j] += dz
            for i in range(k):
                u[i] += w[j, i] * dz          # W symmetric: a contiguous row
    return n


def neural_sampling(weights, bias, *, tau: float = 10.0, t_max: float, dt=None, sample_every: float = 1.0,
                    clamp=None, seed=None) -> SamplingResult:
    r"""Sample a Boltzmann distribution with a network of spiking neurons (Buesing et al. 2011).

    Parameters
    ----------
    weights, bias
        As in :func:`boltzmann_probabilities` (any K): the couplings :math:`W` and biases
        :math:`b` of the target distribution, which are the network's synaptic weights and
        excitabilities (dimensionless: :math:`u_k` is a log-odds).
    tau : float
        Refractory time (ms), > 0: :math:`z_k = 1` for ``tau`` after each spike of neuron ``k``.
    t_max : float
        Duration (ms), > 0.
    dt : None or float
        None: the exact continuous-time network, simulated event by event (no time step). A
        float: the discrete-time network with step ``dt`` (ms); ``tau`` must be a whole number
        (>= 1) of steps. All neurons are updated in parallel from the state before the step,
        which is exact for independent neurons and approaches the continuous network as
        ``dt / tau`` -> 0.
    sample_every : float
        Interval (ms) at which :math:`z(t)` is read, > 0 (a multiple of ``dt`` in discrete time).
    clamp : None or dict
        ``{index: 0 or 1}``: neurons held at these states (observed variables); the others
        then sample the conditional distribution.
    seed : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    SamplingResult
        Spikes (ms) and ``states`` (n_samples, K) of bool, read at :math:`0, \Delta, 2\Delta,
        \dots` with :math:`\Delta` = ``sample_every``. The network starts with all free neurons
        at :math:`z = 0`: discard an initial stretch of a few ``tau`` for stationary statistics.

    Examples
    --------
    >>> import numpy as np
    >>> res = neural_sampling([[0.0]], [1.0], t_max=20_000.0, seed=3)
    >>> # P(z = 1) = sigma(b)
    >>> bool(abs(res.states.mean() - 1 / (1 + np.exp(-1.0))) < 0.03)
    True
    """
    w, b = _check_model(weights, bias)
    tau = check_positive(tau, "tau", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    every = check_positive(sample_every, "sample_every", unit="ms")
    cl = _check_clamp(clamp, b.size)
    k = b.size
    free = np.ones(k, dtype=np.bool_)
    z0 = np.zeros(k)
    for i, v in cl.items():
        z0[i], free[i] = float(v), False
    n_samples = int(np.ceil(t_max / every - 1e-9))
    check_memory(float(n_samples) * k, "sample_every", what="the sampled states", hint="raise sample_every")
    states = np.empty((n_samples, k), dtype=np.bool_)
    rng = as_generator(seed)
    # room for the spikes: a neuron fires at most once per tau (it is refractory in between)
    cap = int(k * (t_max / tau + 1.0)) + 16
    check_memory(16.0 * cap, "t_max", what="the spikes")
    if dt is None:
        times, ids = np.empty(cap), np.empty(cap, dtype=np.int64)
        n = _continuous_kernel(rng, w, b, tau, t_max, every, free, z0, times, ids, states)
        if n < 0:                                    # cannot happen: see cap
            raise RuntimeError("neural_sampling: spike buffer overflow")
    else:
        dt = check_positive(dt, "dt", unit="ms")
        n_ref = int(round(tau / dt))
        if n_ref < 1 or abs(n_ref * dt - tau) > 1e-9 * tau:
            raise ValueError(f"tau must be a whole number (>= 1) of steps dt = {dt:g} ms, got {tau:g} ms")
        per_sample = int(round(every / dt))
        if per_sample < 1 or abs(per_sample * dt - every) > 1e-9 * every:
            raise ValueError(f"sample_every must be a whole number (>= 1) of steps dt = {dt:g} ms, "
                             f"got {every:g} ms")
        n_steps = int(round(t_max / dt))
        times, ids = np.empty(cap), np.empty(cap, dtype=np.int64)
        n = _discrete_kernel(rng, w, b, n_ref, dt, n_steps, per_sample, free, z0, times, ids, states)
        if n < 0:                                    # cannot happen: one spike per n_ref steps at most
            raise RuntimeError("neural_sampling: spike buffer overflow")
    return SamplingResult(times[:n].copy(), ids[:n].copy(), states, k, t_max, tau)


def boltzmann_log_likelihood(weights, bias, data) -> float:
    r"""Mean log-likelihood of binary data under a Boltzmann distribution, exactly (nats per sample).

    Parameters
    ----------
    weights, bias
        As in :func:`boltzmann_probabilities` (K <= ``MAX_ENUMERATE``).
    data : array_like of bool or 0/1, shape (n_samples, K)
        The data vectors.

    Returns
    -------
    float
        :math:`\frac1n\sum_s \log p(z^{(s)})`, <= 0.

    Examples
    --------
    >>> # log(1/2)
    >>> round(boltzmann_log_likelihood([[0.0]], [0.0], [[1], [0]]), 4)
    -0.6931
    """
    p = boltzmann_probabilities(weights, bias)
    d = _check_data(data, int(round(np.log2(p.size))))
    return _histogram_log_likelihood(p, _state_histogram(d))


def _state_histogram(d: np.ndarray) -> np.ndarray:
    """Fraction of the data vectors in each of the 2^K states (index sum_k z_k 2^k)."""
    idx = (d.astype(np.int64) << np.arange(d.shape[1])).sum(axis=1)
    return np.bincount(idx, minlength=2 ** d.shape[1]) / d.shape[0]


def _histogram_log_likelihood(p: np.ndarray, hist: np.ndarray) -> float:
    """Mean log-likelihood from the data's state histogram: O(2^K) whatever the data size."""
    seen = hist > 0.0
    return float(np.dot(hist[seen], np.log(p[seen])))


def _check_data(data, k=None) -> np.ndarray:
    d = np.asarray(data)
    if d.ndim != 2 or d.shape[0] == 0 or (k is not None and d.shape[1] != k):
        want = f"(n_samples, {k})" if k is not None else "(n_samples, K)"
        raise ValueError(f"data must have shape {want} with n_samples >= 1, got {d.shape}")
    if not np.all((d == 0) | (d == 1)):
        raise ValueError("data must hold binary values (0/1 or bool)")
    return d.astype(float)


@dataclass(frozen=True)
class BoltzmannFit:
    """Result of :func:`learn_boltzmann` (read-only).

    Parameters
    ----------
    weights : ndarray, shape (K, K)
        Learned couplings (symmetric, zero diagonal).
    bias : ndarray, shape (K,)
        Learned biases.
    log_likelihood : ndarray, shape (n_steps + 1,)
        Exact mean log-likelihood of the data (nats per sample) before each step and after the
        last; NaN for K > ``MAX_ENUMERATE``.

    Examples
    --------
    >>> fit = learn_boltzmann([[1, 0], [0, 1]], n_steps=3, sampler="exact")
    >>> fit.log_likelihood.shape
    (4,)
    """

    weights: np.ndarray
    bias: np.ndarray
    log_likelihood: np.ndarray


def learn_boltzmann(data, *, n_steps: int, learning_rate: float = 0.2, sampler: str = "neural",
                    t_sample: float = 2000.0, tau: float = 10.0, weights0=None, bias0=None,
                    seed=None) -> BoltzmannFit:
    r"""Fit a Boltzmann distribution to binary data by the Boltzmann-machine learning rule
    (Ackley, Hinton & Sejnowski 1985), with the model's statistics from a sampler.

    Parameters
    ----------
    data : array_like of bool or 0/1, shape (n_samples, K)
        The data vectors.
    n_steps : int
        Number of gradient steps, >= 1.
    learning_rate : float
        :math:`\eta` > 0 of :math:`\Delta W = \eta(\langle zz^T\rangle_{data} -
        \langle zz^T\rangle_{model})` (off the diagonal) and :math:`\Delta b = \eta(\langle
        z\rangle_{data} - \langle z\rangle_{model})`: gradient ascent on the mean
        log-likelihood, of which these are the exact derivatives.
    sampler : {"neural", "gibbs", "exact"}
        Where the model's statistics come from: :func:`neural_sampling` in continuous time for
        ``t_sample`` ms (after ``5 tau`` of warm-up), :func:`gibbs_sampling` with
        ``t_sample / tau`` sweeps, or exact enumeration (K <= ``MAX_ENUMERATE``).
    t_sample : float
        Sampling time per step (ms), > 0.
    tau : float
        Refractory time of the spiking sampler (ms), > 0; states are read every ``tau / 2``.
    weights0, bias0 : array_like, optional
        Starting point (dimensionless; weights symmetric with a zero diagonal, as in
        :func:`boltzmann_probabilities`), e.g. a previous fit or :func:`mean_field_weights
        <snnlib.network.inverse.mean_field_weights>`; default zero, the uniform distribution.
    seed : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    BoltzmannFit
        The learned weights and biases, and the exact log-likelihood along the way.

    Examples
    --------
    >>> import numpy as np
    >>> data = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 1, 1]])
    >>> fit = learn_boltzmann(data, n_steps=200, sampler="exact",
    ...                       learning_rate=0.5)
    >>> # z_0 and z_1 always agree in the data
    >>> bool(fit.weights[0, 1] > 1.0)
    True
    """
    d = _check_data(data)
    k = d.shape[1]
    n_steps = check_int(n_steps, "n_steps")
    eta = check_positive(learning_rate, "learning_rate")
    t_sample = check_positive(t_sample, "t_sample", unit="ms")
    tau = check_positive(tau, "tau", unit="ms")
    if sampler not in ("neural", "gibbs", "exact"):
        raise ValueError(f"sampler must be 'neural', 'gibbs' or 'exact', got {sampler!r}")
    if sampler == "exact" and k > MAX_ENUMERATE:
        raise ValueError(f"sampler: 'exact' enumerates 2^K states, for K <= {MAX_ENUMERATE}; got K = {k}")
    w, b = np.zeros((k, k)), np.zeros(k)
    if weights0 is not None or bias0 is not None:
        w0 = w if weights0 is None else weights0
        b0 = b if bias0 is None else bias0
        if np.shape(w0) != (k, k):
            raise ValueError(f"weights0 must have shape (K, K) = ({k}, {k}) like the data, got {np.shape(w0)}")
        w, b = _check_model(w0, b0)
    rng = as_generator(seed)
    m_data, c_data = d.mean(axis=0), d.T @ d / d.shape[0]
    enumerable = k <= MAX_ENUMERATE
    hist = _state_histogram(d) if enumerable else None
    ll = np.full(n_steps + 1, np.nan)
    for step in range(n_steps + 1):
        if enumerable:
            ll[step] = _histogram_log_likelihood(boltzmann_probabilities(w, b), hist)
        if step == n_steps:
            break
        if sampler == "exact":
            m, c = boltzmann_statistics(w, b)
        else:
            if sampler == "neural":
                s = neural_sampling(w, b, tau=tau, t_max=t_sample + 5.0 * tau, sample_every=tau / 2.0,
                                    seed=rng).states[10:].astype(float)    # 5 tau of warm-up
            else:
                s = gibbs_sampling(w, b, n_sweeps=max(2, int(t_sample / tau)), seed=rng).astype(float)
            m, c = s.mean(axis=0), s.T @ s / s.shape[0]
        dw = eta * (c_data - c)
        np.fill_diagonal(dw, 0.0)
        w = w + 0.5 * (dw + dw.T)
        b = b + eta * (m_data - m)
    return BoltzmannFit(w, b, ll)
