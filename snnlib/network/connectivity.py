r"""Synaptic connectivity stored compactly: one outgoing CSR table per projection.

A *projection* connects a presynaptic population of ``n_pre`` neurons to a postsynaptic one of
``n_post`` neurons. Its synapses are stored by presynaptic neuron (compressed sparse rows): the
targets of neuron ``j`` are ``targets[indptr[j]:indptr[j + 1]]`` (int32, indices within the
postsynaptic population), so that a spike of ``j`` is delivered by one pass over a contiguous
slice. A projection with one weight for all its synapses (Brunel's model) stores no weight per
synapse: about 4 bytes per synapse in all. Weights that differ per synapse are stored beside the
targets (float64).

Rules (each seeded; the same seed gives the same synapses):

* :func:`fixed_indegree`: every postsynaptic neuron draws ``indegree`` presynaptic partners
  uniformly at random, with replacement (multapses) and, between a population and itself,
  possibly itself (autapses), as NEST's ``fixed_indegree`` rule does by default (Brunel 2000,
  model A, where each neuron receives exactly C_E excitatory and C_I inhibitory inputs);
* :func:`bernoulli`: every ordered pair is connected independently with probability ``p_conn``
  (Erdos-Renyi; NEST's ``pairwise_bernoulli``), drawn by geometric skips so that the cost is
  proportional to the number of synapses, not of pairs;
* :func:`from_matrix`: the nonzero entries of a weight matrix ``weights[i, j]`` (post ``i``, pre
  ``j``; dense or scipy.sparse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core import rng as _rng
from .._core.intrinsics import next_u64, uniform53
from .._core.seeding import as_generator, kernel_seed
from .._core.validation import check_bool, check_int, check_memory, check_scalar

__all__ = ["Connectivity", "fixed_indegree", "bernoulli", "from_matrix"]

#: Largest number of synapses one projection may hold (the targets are indexed by int64, the
#: postsynaptic indices are int32).
MAX_SYNAPSES = 2 ** 40
#: Bytes per synapse while a projection is built: the drawn presynaptic index (int32), the final
#: target (int32) and, transiently, the sort's scratch.
_BUILD_BYTES_PER_SYNAPSE = 12


@dataclass(frozen=True)
class Connectivity:
    """Outgoing synapses of one projection (read-only).

    Parameters
    ----------
    n_pre, n_post : int
        Sizes of the presynaptic and postsynaptic populations.
    indptr : ndarray of int64, shape (n_pre + 1,)
        The synapses of presynaptic neuron ``j`` are ``indptr[j]`` to ``indptr[j + 1] - 1``.
    targets : ndarray of int32, shape (n_synapses,)
        Postsynaptic neuron (index within its population) of each synapse, sorted within a row.
    weights : ndarray of float64, shape (n_synapses,), or None
        Weight of each synapse (mV, the PSP jump); None when the projection has one weight for
        all synapses (given with the projection, not stored per synapse).

    Examples
    --------
    >>> from snnlib.network.connectivity import fixed_indegree
    >>> c = fixed_indegree(100, 50, 10, seed=1)
    >>> c.n_synapses, int(c.indegrees().min()), int(c.indegrees().max())
    (500, 10, 10)
    """

    n_pre: int
    n_post: int
    indptr: np.ndarray
    targets: np.ndarray
    weights: np.ndarray | None = None

    def __post_init__(self):
        for a in (self.indptr, self.targets, self.weights):
            if a is not None:
                a.flags.writeable = False

    @property
    def n_synapses(self) -> int:
        """Number of synapses."""
        return int(self.targets.size)

    @property
    def nbytes(self) -> int:
        """Memory held by the table (bytes)."""
        return int(self.indptr.nbytes + self.targets.nbytes + (0 if self.weights is None else self.weights.nbytes))

    def outdegrees(self) -> np.ndarray:
        """Number of synapses of each presynaptic neuron, shape (n_pre,)."""
        return np.diff(self.indptr)

    def indegrees(self) -> np.ndarray:
        """Number of synapses onto each postsynaptic neuron, shape (n_post,)."""
        return np.bincount(self.targets, minlength=self.n_post)

    def sources(self) -> np.ndarray:
        """Presynaptic neuron of each synapse (int64), in the order of :attr:`targets`."""
        return np.repeat(np.arange(self.n_pre, dtype=np.int64), self.outdegrees())

    def to_dense(self, weight: float = 1.0) -> np.ndarray:
        """The weight matrix ``W[i, j]`` (post, pre) as a dense array; multapses add up.

        ``weight`` (mV) is used when the projection stores no per-synapse weights.
        """
        check_memory(8.0 * self.n_pre * self.n_post, "to_dense", what="a dense weight matrix")
        w = np.zeros((self.n_post, self.n_pre))
        vals = np.full(self.n_synapses, float(weight)) if self.weights is None else self.weights
        np.add.at(w, (self.targets, self.sources()), vals)
        return w


def _check_sizes(n_pre, n_post):
    n_pre = check_int(n_pre, "n_pre", low=1, high=2 ** 31 - 1)
    n_post = check_int(n_post, "n_post", low=1, high=2 ** 31 - 1)
    return n_pre, n_post


def _guard(n_synapses: float, name: str) -> None:
    if n_synapses > MAX_SYNAPSES:
        raise ValueError(f"{name}: {n_synapses:.3g} synapses exceed the {MAX_SYNAPSES:.3g} one projection may hold")
    check_memory(_BUILD_BYTES_PER_SYNAPSE * n_synapses, name, what=f"{n_synapses:.3g} synapses",
                 hint="use fewer neurons or fewer synapses per neuron")


@njit(cache=True)
def _sort_by_source(pre, k, n_pre, indptr, targets):
    """Counting sort of synapses drawn per postsynaptic neuron into outgoing CSR (jitted, no
    checking). Synapse ``s`` goes from ``pre[s]`` to ``s // k`` (postsynaptic neurons in order,
    ``k`` synapses each), so within a row the targets come out sorted. Writes ``indptr``
    (n_pre + 1) and ``targets`` (len(pre), int32)."""
    counts = np.zeros(n_pre + 1, dtype=np.int64)
    for s in range(pre.size):
        counts[pre[s] + 1] += 1
    for j in range(n_pre):
        counts[j + 1] += counts[j]
    for j in range(n_pre + 1):
        indptr[j] = counts[j]
    for s in range(pre.size):
        j = pre[s]
        targets[counts[j]] = s // k
        counts[j] += 1


def fixed_indegree(n_pre, n_post, indegree, *, autapses=True, seed=None) -> Connectivity:
    """Every postsynaptic neuron receives exactly ``indegree`` synapses from random presynaptic ones.

    Parameters
    ----------
    n_pre, n_post : int
        Sizes of the presynaptic and postsynaptic populations (>= 1).
    indegree : int
        Synapses per postsynaptic neuron (>= 0); partners drawn uniformly with replacement, so a
        pair may be connected more than once (multapses, as in NEST's ``fixed_indegree``).
    autapses : bool
        For a population connected to itself (``n_pre == n_post`` and the caller says so by
        leaving this True): whether a neuron may be drawn as its own partner. With False, a
        self-draw is redrawn among the other neurons.
    seed : None, int or numpy.random.Generator
        Seed of the draw.

    Returns
    -------
    Connectivity
        Outgoing CSR table; ``indegrees()`` is ``indegree`` everywhere.

    Notes
    -----
    Brunel (2000), model A; NEST's ``fixed_indegree`` with ``allow_multapses=True``. The draw is
    ``n_post * indegree`` uniform integers (NumPy), sorted into rows by a counting sort.

    Examples
    --------
    >>> c = fixed_indegree(1000, 200, 100, seed=0)
    >>> int(c.outdegrees().sum()) == 200 * 100
    True
    """
    n_pre, n_post = _check_sizes(n_pre, n_post)
    indegree = check_int(indegree, "indegree", low=0)
    autapses = check_bool(autapses, "autapses")
    if not autapses and n_pre != n_post:
        raise ValueError(f"autapses=False needs a population connected to itself (n_pre == n_post), "
                         f"got n_pre={n_pre}, n_post={n_post}")
    if not autapses and indegree > 0 and n_pre < 2:
        raise ValueError("autapses=False needs at least 2 neurons to draw partners from, got n_pre=1")
    n_syn = n_post * indegree
    _guard(float(n_syn), "indegree")
    rng = as_generator(seed)
    pre = rng.integers(0, n_pre if autapses else n_pre - 1, size=n_syn, dtype=np.int32)
    if not autapses:
        # draw among the n - 1 others: partners at or above the postsynaptic index shift up by one
        post = np.repeat(np.arange(n_post, dtype=np.int32), indegree)
        pre += pre >= post
        del post
    indptr = np.empty(n_pre + 1, dtype=np.int64)
    targets = np.empty(n_syn, dtype=np.int32)
    _sort_by_source(pre, max(indegree, 1), n_pre, indptr, targets)
    return Connectivity(n_pre, n_post, indptr, targets)


@njit(cache=True)
def _bernoulli_rows(states, n_post, log_q, count_only, indptr, targets):
    """Geometric-skip draw of each presynaptic row (jitted, no checking): row ``j`` uses stream
    ``j`` of ``states`` (copied, so the count pass and the fill pass draw the same numbers); the
    gap to the next target is ``floor(log(u) / log(1 - p))``, geometric with parameter ``p``
    (Devroye 1986, ch. X.2; Batagelj & Brandes 2005). With ``count_only`` only ``indptr[j + 1]``
    gets the row's count; otherwise the targets are written from ``indptr[j]`` on."""
    for j in range(states.size):
        st = states[j:j + 1].copy()
        t = -1
        c = 0
        pos = 0 if count_only else indptr[j]
        while True:
            u = uniform53(next_u64(st, 0))
            t += 1 + int(math.floor(math.log(u) / log_q))
            if t >= n_post:
                break
            if not count_only:
                targets[pos + c] = t
            c += 1
        if count_only:
            indptr[j + 1] = c


def bernoulli(n_pre, n_post, p_conn, *, seed=None) -> Connectivity:
    """Every ordered pair (pre ``j``, post ``i``) is connected with probability ``p_conn``.

    Parameters
    ----------
    n_pre, n_post : int
        Sizes of the presynaptic and postsynaptic populations (>= 1).
    p_conn : float
        Connection probability in [0, 1].
    seed : None, int or numpy.random.Generator
        Seed of the draw.

    Returns
    -------
    Connectivity
        Outgoing CSR table; out-degrees are Binomial(n_post, p_conn), no multapses.

    Notes
    -----
    Erdos-Renyi graph (NEST's ``pairwise_bernoulli``). Each row is drawn by geometric skips
    from its own random stream (SplitMix64, ``snnlib._core.rng``), so the cost is proportional
    to the number of synapses and the result does not depend on how rows are processed.

    Examples
    --------
    >>> c = bernoulli(2000, 2000, 0.1, seed=0)
    >>> abs(c.n_synapses / 2000 ** 2 - 0.1) < 0.002
    True
    """
    n_pre, n_post = _check_sizes(n_pre, n_post)
    p_conn = check_scalar(p_conn, "p_conn", low=0.0, high=1.0)
    _guard(float(n_pre) * n_post * p_conn * 1.01 + 64, "p_conn")
    indptr = np.zeros(n_pre + 1, dtype=np.int64)
    if p_conn == 0.0:
        return Connectivity(n_pre, n_post, indptr, np.zeros(0, dtype=np.int32))
    if p_conn == 1.0:
        np.cumsum(np.full(n_pre, n_post), out=indptr[1:])
        return Connectivity(n_pre, n_post, indptr, np.tile(np.arange(n_post, dtype=np.int32), n_pre))
    states = _rng.stream_states(kernel_seed(seed), n_pre)
    log_q = math.log1p(-p_conn)
    dummy = np.zeros(0, dtype=np.int32)
    _bernoulli_rows(states, n_post, log_q, True, indptr, dummy)
    np.cumsum(indptr, out=indptr)
    targets = np.empty(int(indptr[-1]), dtype=np.int32)
    _bernoulli_rows(states, n_post, log_q, False, indptr, targets)
    return Connectivity(n_pre, n_post, indptr, targets)


def from_matrix(weights, *, name: str = "weights") -> Connectivity:
    """The synapses of a weight matrix: one per nonzero entry ``weights[i, j]`` (post ``i``, pre ``j``).

    Parameters
    ----------
    weights : array_like or scipy.sparse matrix, shape (n_post, n_pre)
        Weights (mV): the PSP jump that a spike of neuron ``j`` causes in neuron ``i``; finite.
    name : str
        Argument name used in error messages.

    Returns
    -------
    Connectivity
        Outgoing CSR table with per-synapse ``weights`` (explicit zeros of a sparse matrix dropped).

    Examples
    --------
    >>> c = from_matrix([[0.0, 0.5], [-1.0, 0.0]])
    >>> c.targets.tolist(), c.weights.tolist()
    ([1, 0], [-1.0, 0.5])
    """
    import scipy.sparse as sp

    if sp.issparse(weights):
        m = sp.csc_matrix(weights, dtype=np.float64)
        m.eliminate_zeros()
        if m.ndim != 2 or min(m.shape) < 1:
            raise ValueError(f"{name} must be a 2-D matrix (n_post, n_pre), got shape {m.shape}")
        if not np.all(np.isfinite(m.data)):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    else:
        from .._core.validation import check_array

        dense = check_array(weights, name, ndim=2, unit="mV")
        m = sp.csc_matrix(dense)
        m.eliminate_zeros()
    m.sort_indices()
    n_post, n_pre = m.shape
    return Connectivity(n_pre, n_post, m.indptr.astype(np.int64), m.indices.astype(np.int32),
                        m.data.astype(np.float64))
