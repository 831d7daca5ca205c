r"""Simulation of a recurrent network of integrate-and-fire neurons with delayed current synapses.

Every neuron obeys the membrane equation of the book,
:math:`\tau_m dV = (E_L - V + \psi(V) + \mu + I_s)\,dt + \sigma\sqrt{2\tau_m}\,dW`,
integrated with the Euler-Maruyama step of :mod:`snnlib.neuron.step` (shared with
:func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`), plus the jumps of its input: a spike of presynaptic neuron
``j`` arriving at the end of a step raises ``V`` by the synapse's weight (delta synapses) or feeds
the exponentially decaying current :math:`I_s` (``tau_s``), and each step brings a Poisson number
of external spikes of weight ``poisson_j``. Spikes reach their targets ``delay`` ms after they are
emitted.

How it runs. Time advances in chunks no longer than the shortest delay: within a chunk no spike
can reach any neuron, so the neurons of different blocks (64 lanes each, one thread per range of
blocks) are independent. At the end of its chunk a thread delivers its blocks' spikes through the
outgoing CSR tables into a ring buffer of future input (slot = step of arrival modulo the ring
length), one ring per thread, holding input as integer multiples of a quantum
(:func:`input_quantum`: 0.1 mV in int16 for Brunel's network with ``J = 0.1`` mV, otherwise
2^-40 mV in int64): integer sums do not depend on the order of the additions, so the result is
the same for any number of threads. The threads run many chunks per call of the compiled
driver (:func:`network_span`) and meet at a spin barrier after each chunk, where one of them, in
turn, merges the chunk's spikes into the output while the others go on: no return to Python, and
no thread hand-off, between chunks (a chunk of Brunel's network is 15 steps, about 0.5 ms of work).
Each neuron draws its white noise from its own stream (the same stream as in
:func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`, so an unconnected network reproduces it spike for spike) and
its external Poisson input from a second stream.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core import rng as _rng
from .._core.intrinsics import PLAIN, SOURCE_STAMP, next_u64, prefetch, spin_barrier, uniform53, work_arrays
from .._core.parallel import block_ranges, run_ranges
from .._core.seeding import as_generator
from .._core.validation import (MAX_STEPS, check_array, check_bool, check_memory, check_nonnegative,
                                check_positive, check_work, nearest_steps, whole_steps)
from ..neuron.montecarlo import BLOCK, _progress_bar
from ..neuron.step import Q_MAX, bridge_exponent, eif_psi, em_update, inverse_bridge_variance, noise_step
from ..spikes.containers import SpikeRecord, SpikeTrains
from ..units import MS_PER_S
from .network import Network

__all__ = ["NetworkResult", "simulate_network", "FIXED_ONE", "input_quantum", "poisson_table"]

#: Fallback unit of the input rings, 2^-40 mV (fixed point, int64): exact, order-independent sums;
#: the quantisation error of a weight is below 1e-12 mV and the range is +-4e6 mV.
FIXED_ONE = float(2 ** 40)
#: Longest chunk (steps) when no delay limits it (a network without synapses).
MAX_CHUNK = 100
#: Bytes of the per-block spike buffers of one chunk at most; chunks are shortened to fit.
MAX_BUFFER_BYTES = 64 * 2 ** 20
#: Work per call of the span driver (s, estimated): the progress bar moves this often.
SPAN_SECONDS = 0.25
#: Room for spikes reserved before a span at most (bytes): the span is shortened to fit.
SPAN_BYTES = 32 * 2 ** 20
#: Cells of the guide table of the Poisson sampler (a power of two).
POISSON_GUIDE = 1024


# ------------------------------------------------------------------------------------------------
# Result
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkResult(SpikeRecord):
    """Output of :func:`simulate_network` (read-only); a spike-train object for ``snnlib.spikes``.

    Parameters
    ----------
    spike_times : ndarray of float, shape (n_spikes,)
        Spike times (ms) from the start of the recording (after ``t_warmup``), sorted; ties by
        neuron index.
    spike_ids : ndarray of int64, shape (n_spikes,)
        Index of the neuron that fired each spike (neurons numbered population by population).
    n_neurons : int
        Number of neurons.
    t_max : float
        Recorded duration (ms).
    dt : float
        Time step (ms).
    populations : dict of str to slice
        The neurons of each population.
    rate_time : ndarray, shape (n_bins,)
        Centres of the population-rate bins (ms).
    rates : dict of str to ndarray
        Population rate of each population (Hz) in bins of ``rate_bin``.
    neuron_rates : ndarray, shape (n_neurons,)
        Spike count of each neuron divided by ``t_max`` (Hz).
    v_time : ndarray or None
        Times of the voltage samples (ms), if ``record_v`` was given.
    v : ndarray or None, shape (len(record_v), n_samples)
        Membrane potentials (mV) of the neurons ``v_ids``.
    v_ids : ndarray or None
        Indices of the recorded neurons.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100, seed=1)
    >>> res = snnlib.simulate_network(net, t_max=200.0, seed=2)
    >>> res.population("E").n_neurons, round(res.t_max)
    (400, 200)
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    n_neurons: int
    t_max: float
    dt: float
    populations: dict
    rate_time: np.ndarray
    rates: dict
    neuron_rates: np.ndarray
    v_time: np.ndarray | None = None
    v: np.ndarray | None = None
    v_ids: np.ndarray | None = None


    def population(self, name: str) -> SpikeTrains:
        """The spikes of population ``name`` as :class:`~snnlib.spikes.containers.SpikeTrains`
        (neuron indices relative to the population's first neuron)."""
        if name not in self.populations:
            raise ValueError(f"name must be one of {list(self.populations)}, got {name!r}")
        sl = self.populations[name]
        keep = (self.spike_ids >= sl.start) & (self.spike_ids < sl.stop)
        return SpikeTrains(self.spike_times[keep], self.spike_ids[keep] - sl.start, sl.stop - sl.start, self.t_max)


# ------------------------------------------------------------------------------------------------
# The network as flat arrays for the kernel
# ------------------------------------------------------------------------------------------------
class LaneParams(NamedTuple):
    """Per-neuron parameters of the step, padded to whole blocks (float64 unless said)."""

    a: np.ndarray           #: dt / tau_m
    e_l: np.ndarray         #: leak reversal (mV)
    v_th: np.ndarray        #: threshold (mV)
    v_reset: np.ndarray     #: reset (mV)
    n_ref: np.ndarray       #: refractory steps (int64)
    psi_c: np.ndarray       #: EIF delta_t (mV), 0 for the LIF
    v_t: np.ndarray         #: EIF soft threshold (mV)
    inv_delta: np.ndarray   #: 1 / delta_t (1/mV), 0 for the LIF
    mu: np.ndarray          #: mean input (mV)
    sig_step: np.ndarray    #: noise per step (mV)
    inv2var: np.ndarray     #: 2 / sig_step^2 (1/mV^2)
    table: np.ndarray       #: Poisson table of the lane (int64), -1 for none
    j_ext: np.ndarray       #: weight of an external spike (mV)
    syn_decay: np.ndarray   #: exp(-dt / tau_s), 0 for delta synapses
    syn_gain: np.ndarray    #: tau_m / tau_s, 0 for delta synapses (input then jumps V)
    block_table: np.ndarray  #: per block: the Poisson table all its lanes share, else -1 (int64)


class LaneState(NamedTuple):
    """Per-neuron state (read and written by the kernel)."""

    v: np.ndarray           #: membrane potential (mV)
    refr: np.ndarray        #: refractory steps left (int64)
    i_syn: np.ndarray       #: synaptic current (mV, in the units of mu)
    states: np.ndarray      #: noise streams (uint64)
    pstates: np.ndarray     #: Poisson-input streams (uint64)


class Synapses(NamedTuple):
    """All projections for the kernel (one entry per projection in the small arrays)."""

    pop_of: np.ndarray      #: population of each neuron (int64, padded lanes: -1)
    pop_start: np.ndarray   #: first neuron of each population (int64)
    pop_proj: np.ndarray    #: projections leaving population p: pop_proj[pop_ptr[p]:pop_ptr[p+1]]
    pop_ptr: np.ndarray     #: (n_pops + 1,) int64
    delay: np.ndarray       #: delay of each projection (steps, int64)
    post_start: np.ndarray  #: first neuron of each projection's target population (int64)
    w_int: np.ndarray       #: weight of each projection in quanta (int64); per synapse if has_w
    has_w: np.ndarray       #: projection has per-synapse weights (bool)
    indptr_off: np.ndarray  #: where each projection's indptr starts in ``indptr`` (int64)
    target_off: np.ndarray  #: where each projection's targets start in ``targets`` (int64)
    indptr: np.ndarray      #: the projections' indptr, one after the other (int64; each from 0)
    targets: np.ndarray     #: the projections' targets, one after the other (int32, in the population)
    weights: np.ndarray     #: per-synapse weights in quanta, at the places of their targets (int64)
    quantum: float          #: mV per unit of the input rings


class ChunkOut(NamedTuple):
    """A chunk's spikes, one row per block (exactly sized: no overflow possible)."""

    step: np.ndarray
    neuron: np.ndarray
    count: np.ndarray


class Merge(NamedTuple):
    """Where a span of chunks merges its spikes (see :func:`network_span`)."""

    count: np.ndarray          #: (1,) int64: arrivals at the barrier so far
    n_have: np.ndarray         #: (1,) int64: spikes merged so far
    warm: int                  #: first recorded step
    steps_per_bin: int         #: steps per bin of the population rates
    steps: np.ndarray          #: (capacity,) int64: step of each recorded spike
    ids: np.ndarray            #: (capacity,) int64: its neuron
    rate_counts: np.ndarray    #: (n_pops, n_bins) int64
    neuron_counts: np.ndarray  #: (n_neurons,) int64


class Recorder(NamedTuple):
    """Voltage traces of chosen neurons."""

    row: np.ndarray         #: (n_lanes,) int64: row of v for each recorded lane, -1 otherwise
    v: np.ndarray           #: (n_recorded, n_samples) float64
    start: int              #: first recorded step (the warm-up)


def poisson_table(lam: float, guide: int = POISSON_GUIDE):
    """CDF and guide table of the Poisson distribution of mean ``lam`` (events per step).

    Returns ``cdf`` (float64, up to where the tail is below 2^-54) and ``guide`` (int64, one
    cell per ``1/guide`` of the unit interval): ``guide[g]`` is the count for every uniform
    ``u`` in cell ``g`` that lies at or below ``cdf[guide[g]]`` and ``guide[g] + 1`` above it,
    when the cell holds at most one CDF value; cells with more are marked -1 and inverted by
    search. Inversion of the CDF (Devroye 1986, ch. X.3) with a guide table (Chen & Asau 1974).
    """
    k_max = int(lam + 12.0 * math.sqrt(lam) + 30)
    k = np.arange(k_max + 1)
    from scipy.special import gammaln

    pmf = np.exp(k * math.log(lam) - lam - gammaln(k + 1.0)) if lam > 0 else (k == 0).astype(float)
    cdf = np.cumsum(pmf)
    tail = np.nonzero(1.0 - cdf < 2.0 ** -54)[0]
    cdf = cdf[: (tail[0] + 1 if tail.size else cdf.size)].copy()
    cdf[-1] = 1.0   # every uniform in (0, 1) is at or below the last value
    edges = np.arange(guide + 1) / guide
    lo = np.searchsorted(cdf, edges[:-1], side="left")   # smallest k with cdf[k] >= g / guide
    hi = np.searchsorted(cdf, edges[1:], side="left")
    table = np.where(hi - lo <= 1, lo, -1).astype(np.int64)
    return cdf, table


def _lane_params(net: Network, dt: float, n_lanes: int, tables: dict) -> LaneParams:
    z = lambda fill=0.0, dtype=float: np.full(n_lanes, fill, dtype=dtype)  # noqa: E731
    a, e_l, v_th, v_reset = z(), z(), z(1.0), z()
    n_ref, psi_c, v_t, inv_delta = z(0, np.int64), z(), z(), z()
    mu, sig_step = z(), z()
    table, j_ext, decay, gain = z(-1, np.int64), z(), z(), z()
    for pop in net.populations:
        m, sl = pop.model, slice(pop.start, pop.stop)
        a[sl], e_l[sl], v_th[sl], v_reset[sl] = dt / m.tau_m, m.e_l, m.v_th, m.v_reset
        n_ref[sl] = nearest_steps(m.t_ref, dt)[0]
        if m.kind == "eif":
            psi_c[sl], v_t[sl], inv_delta[sl] = m.delta_t, m.v_t, 1.0 / m.delta_t
        mu[sl], sig_step[sl] = pop.mu, noise_step(pop.sigma, dt, m.tau_m)
        if pop.poisson_rate > 0.0:
            table[sl], j_ext[sl] = tables[pop.poisson_rate * dt / MS_PER_S], pop.poisson_j
        if pop.tau_s is not None:
            decay[sl], gain[sl] = math.exp(-dt / pop.tau_s), m.tau_m / pop.tau_s
    # padding lanes: no noise, no input, v_th above anything they reach (they sit at 0 mV)
    pad = slice(net.n_neurons, n_lanes)
    a[pad], v_th[pad], v_reset[pad] = dt / 20.0, 1.0, 0.0
    blocks = table.reshape(-1, BLOCK)
    shared = np.where(np.all(blocks == blocks[:, :1], axis=1), blocks[:, 0], -1)
    return LaneParams(a, e_l, v_th, v_reset, n_ref, psi_c, v_t, inv_delta, mu, sig_step,
                      inverse_bridge_variance(sig_step), table, j_ext, decay, gain, shared.astype(np.int64))


def _pack(net: Network):
    """The targets and indptr of all projections of ``net`` in two arrays, held once.

    The kernel indexes one array faster than a list of arrays. So that the synapses are not held
    twice, each projection's :class:`~snnlib.network.connectivity.Connectivity` is re-pointed to a
    read-only view of its part of the packed arrays (same values) as soon as it is copied: the
    projection's own arrays are freed when nothing else refers to them, and the peak is the
    packed arrays plus the largest projection. Cached on the network until a projection is added.

    Returns
    -------
    indptr, targets : ndarray
        int64 and int32, the projections' arrays one after the other.
    indptr_off, target_off : ndarray of int64
        Where each projection's part starts.
    """
    projs = net.projections
    key = tuple(id(p) for p in projs)
    cached = net._packed
    if cached is not None and cached[0] == key:
        return cached[1]
    conns = [p.connectivity for p in projs]
    n_i = np.cumsum([0] + [c.indptr.size for c in conns])
    n_t = np.cumsum([0] + [c.targets.size for c in conns])
    check_memory(8.0 * n_i[-1] + 4.0 * n_t[-1], "network", what="the packed synapse tables",
                 hint="simulate a smaller network")
    indptr = np.empty(n_i[-1], dtype=np.int64)
    targets = np.empty(n_t[-1], dtype=np.int32)
    for k, c in enumerate(conns):
        for whole, lo, hi, name in ((indptr, n_i[k], n_i[k + 1], "indptr"), (targets, n_t[k], n_t[k + 1], "targets")):
            whole[lo:hi] = getattr(c, name)
            view = whole[lo:hi]
            view.flags.writeable = False
            object.__setattr__(c, name, view)   # frozen dataclass: same values, now a view
    indptr.flags.writeable = False
    targets.flags.writeable = False
    packed = (indptr, targets, n_i[:-1].astype(np.int64), n_t[:-1].astype(np.int64))
    net._packed = (key, packed)
    return packed


def input_quantum(net: Network) -> tuple[float, np.ndarray, type]:
    """The unit, the integer weights and the integer type in which the kernel sums input.

    Input is summed as integers, so that the sum does not depend on the order of the additions
    (nor on the number of threads). When every projection has one weight and all weights are
    integer multiples of a common quantum ``q = min|j| / m`` (``m`` = 1 ... 64; the products
    ``round(j / q) q`` equal ``j`` to 4 units in the last place, as for Brunel's ``J`` and
    ``-gJ`` with ``g`` a multiple of 1/64), the unit is ``q`` and the rings hold int16 (or int32)
    counts of quanta: a quarter (or half) of the memory traffic of int64. Otherwise the unit is
    ``2**-40`` mV (weights rounded to it, an error below 1e-12 mV) in int64.

    The integer type is the smallest that holds the largest possible input of one step: the sum of
    ``|round(j / q)|`` over the synapses onto a neuron (each synapse delivers at most one spike
    per step, as a neuron cannot fire twice in one step).

    Returns
    -------
    quantum : float
        mV per integer unit.
    w_int : ndarray of int64, shape (n_projections,)
        Each projection's weight in units (0 for projections with per-synapse weights).
    dtype : type
        ``np.int16``, ``np.int32`` or ``np.int64``.

    Raises
    ------
    ValueError
        If the summed absolute weights onto one neuron exceed what int64 holds in units of
        ``2**-40`` mV (about 8e6 mV).

    Notes
    -----
    The bound takes a pass over every synapse; the result is cached on the network (projections
    cannot change once added) until a projection is added.
    """
    key = tuple(id(p) for p in net.projections)
    cached = net._quantum
    if cached is None or cached[0] != key:
        cached = (key, _input_quantum(net))
        net._quantum = cached
    quantum, w_int, dtype = cached[1]
    return quantum, w_int.copy(), dtype


def _input_quantum(net: Network) -> tuple[float, np.ndarray, type]:
    projs = net.projections
    js = [p.j for p in projs if p.j is not None]
    candidates = []
    if len(js) == len(projs):
        nonzero = [abs(j) for j in js if j != 0.0]
        if not nonzero:
            return 1.0, np.zeros(len(projs), dtype=np.int64), np.int16
        jmin = min(nonzero)
        for m in range(1, 65):
            q = jmin / m
            ints = [round(j / q) for j in js]
            if all(abs(Fraction(k) * Fraction(q) - Fraction(j)) <= 2.0 ** -50 * abs(j)
                   for k, j in zip(ints, js)):
                candidates.append((q, np.array(ints, dtype=np.int64)))
                break
    candidates.append((1.0 / FIXED_ONE, np.array([0 if p.j is None else round(p.j * FIXED_ONE) for p in projs],
                                                 dtype=np.int64)))
    for q, w_int in candidates:
        bound = np.zeros(net.n_neurons)
        for p, w in zip(projs, w_int):
            c, post = p.connectivity, net.population(p.post)
            if p.j is None:
                load = np.bincount(c.targets, weights=np.abs(np.round(c.weights * FIXED_ONE)), minlength=c.n_post)
            else:
                load = abs(float(w)) * np.bincount(c.targets, minlength=c.n_post)
            bound[post.start:post.stop] += load
        top = float(bound.max(initial=0.0))
        for dtype, limit in ((np.int16, 2 ** 15 - 1), (np.int32, 2 ** 31 - 1), (np.int64, 2.0 ** 62)):
            if top <= limit:   # (2^62: a margin for the float rounding of large bounds)
                return q, w_int, dtype
    raise ValueError(f"weights must sum to at most {2.0 ** 62 / FIXED_ONE:.3g} mV in absolute value onto any "
                     f"neuron, got up to {top / FIXED_ONE:.3g} mV")


def _synapses(net: Network, dt: float, n_lanes: int, quantum: float, w_int: np.ndarray) -> Synapses:
    """The kernel's view of the projections; ``quantum`` and ``w_int`` from :func:`input_quantum`."""
    pops = net.populations
    index = {p.name: k for k, p in enumerate(pops)}
    pop_of = np.full(n_lanes, -1, dtype=np.int64)
    for k, p in enumerate(pops):
        pop_of[p.start:p.stop] = k
    projs = net.projections
    order = sorted(range(len(projs)), key=lambda i: index[projs[i].pre])
    pop_ptr = np.zeros(len(pops) + 1, dtype=np.int64)
    for i in order:
        pop_ptr[index[projs[i].pre] + 1] += 1
    np.cumsum(pop_ptr, out=pop_ptr)
    indptr, targets, indptr_off, target_off = _pack(net)
    weights = np.zeros(targets.size if any(p.j is None for p in projs) else 0, dtype=np.int64)
    for p, t0 in zip(projs, target_off):
        if p.j is None:
            weights[t0:t0 + p.connectivity.n_synapses] = np.round(p.connectivity.weights * FIXED_ONE)
    return Synapses(pop_of, np.array([p.start for p in pops], dtype=np.int64), np.array(order, dtype=np.int64),
                    pop_ptr, np.array([_delay_steps(p.delay, dt) for p in projs], dtype=np.int64),
                    np.array([net.population(p.post).start for p in projs], dtype=np.int64), w_int,
                    np.array([p.j is None for p in projs], dtype=np.bool_), indptr_off, target_off, indptr,
                    targets, weights, float(quantum))


def _delay_steps(delay: float, dt: float) -> int:
    n, exact = nearest_steps(delay, dt)
    if not exact or n < 1:
        raise ValueError(f"delay must be a whole number (>= 1) of steps dt = {dt:g} ms, got {delay:g} ms")
    return n


# ------------------------------------------------------------------------------------------------
# Kernel
# ------------------------------------------------------------------------------------------------
#: dtypes of one block's work arrays, in the order the kernel unpacks them (see _make_kernel):
#: a, el, vth, vrs, nref, psc, vt, idl, mb, sb, ib, jx, dec, gn | vv, rr, ii, st, pst |
#: zb, wx, wx1, xo, io, q, flag, inp, cnt_p, zp, jump, cnt_in
_WORK_DTYPES = ("f8", "f8", "f8", "f8", "i8", "f8", "f8", "f8", "f8", "f8", "f8", "f8", "f8", "f8",
                "f8", "i8", "f8", "u8", "u8",
                "u8", "f8", "f8", "f8", "f8", "f8", "i8", "f8", "i8", "u8", "f8", "i8")
_block_work = work_arrays(_WORK_DTYPES, BLOCK)

_FLAG_FIRE = 1      # crossed threshold or within reach of it (bridge test due)
_FLAG_SLOW = 2      # normal: the ziggurat fast path rejected the draw
_FLAG_HELD = 4      # refractory, with a fix-up due (only the streams and the current advance)
_FLAG_POISSON = 8   # Poisson: the uniform fell in a guide cell that needs a search
_GUIDE_SHIFT = np.uint64(64 - int(math.log2(POISSON_GUIDE)))


#: Hash of this file as imported. The driver's cached machine code holds the kernel it calls, whose
#: source is here: closing over this hash, the cached driver is found only by a process that runs
#: the same source (a process that imported an older version and saves its driver after the file
#: was edited cannot leave a driver with an older kernel under the new source's key).
_FILE_STAMP = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def network_kernel(eif: bool, noise: bool, poisson: bool, synaptic: bool, record: bool, bridge: bool = True):
    """The kernel for one combination of features (closure constants; built once per process and
    cached on disk per combination, keyed also by the inlined sources' stamp)."""
    return _make_kernel(bool(eif), bool(noise), bool(poisson), bool(synaptic), bool(record), bool(bridge),
                        SOURCE_STAMP + _FILE_STAMP)


def _jit_with_globals(fn, names: dict, **options):
    """``njit(**options)`` of ``fn`` with ``names`` added to the globals it sees.

    numba's disk cache keys a closure by a pickle of its cells, and a jitted function pickles
    with an identifier that is new in every process: a kernel that closed over another kernel
    would never be found in the cache again. The kernels here close over plain values only (the
    feature flags and the source stamp, which do key the cache) and reach the kernels they call
    as globals, which numba compiles in without putting them in the key."""
    import types

    rebuilt = types.FunctionType(fn.__code__, {**fn.__globals__, **names}, fn.__name__, fn.__defaults__,
                                 fn.__closure__)
    rebuilt.__qualname__, rebuilt.__module__, rebuilt.__doc__ = fn.__qualname__, fn.__module__, fn.__doc__
    return njit(**options)(rebuilt)


def _make_kernel(eif, noise, poisson, synaptic, record, bridge, stamp):

    def run(b0, b1, tid, n0, n1, p, s, syn, ring, cdf, guide, out, rec):
        """Integrate blocks ``b0 .. b1 - 1`` from step ``n0`` to ``n1`` and deliver their spikes into
        ``ring[tid]`` (jitted, releases the GIL, no checking).

        ``p``: :class:`LaneParams`; ``s``: :class:`LaneState`; ``syn``: :class:`Synapses`;
        ``ring``: (n_threads, n_slots, n_lanes) future input in quanta (int16/32/64), slot = step of
        arrival modulo n_slots (read and cleared here for steps n0..n1-1, written for later
        steps); ``cdf``, ``guide``: Poisson tables (one row per distinct rate); ``out``:
        :class:`ChunkOut`; ``rec``: :class:`Recorder`. Per step and block: (0) input of this step
        from the rings; (1) draws: Poisson uniforms and guide look-ups, ziggurat draws and
        look-ups; (2) one vectorised pass: Euler-Maruyama (:func:`~snnlib.neuron.step.em_update`)
        with the synaptic current in the drift, the jumps, the refractory hold, threshold and
        bridge tests; (3) rare scalar fix-ups (slow normals, Poisson searches, bridge uniforms,
        spikes). Then every spike of the blocks is delivered to the targets of every projection of
        its population (outgoing CSR).
        """
        stamp  # noqa: B018 - closed over: numba's cache key follows the inlined sources
        n_slots = ring.shape[1]
        n_rings = ring.shape[0]
        # one set of work arrays for all blocks of the call (each block overwrites them)
        (a, el, vth, vrs, nref, psc, vt, idl, mb, sb, ib, jx, dec, gn, vv, rr, ii, st, pst,
         zb, wx, wx1, xo, io, q, flag, inp, cnt_p, zp, jump, cnt_in) = _block_work()
        for b in range(b0, b1):
            lo = b * BLOCK
            m = 0   # real lanes of this block
            for lane in range(BLOCK):
                n = lo + lane
                a[lane], el[lane], vth[lane], vrs[lane] = p.a[n], p.e_l[n], p.v_th[n], p.v_reset[n]
                nref[lane], psc[lane], vt[lane], idl[lane] = p.n_ref[n], p.psi_c[n], p.v_t[n], p.inv_delta[n]
                mb[lane], sb[lane], ib[lane], jx[lane] = p.mu[n], p.sig_step[n], p.inv2var[n], p.j_ext[n]
                dec[lane], gn[lane] = p.syn_decay[n], p.syn_gain[n]
                vv[lane], rr[lane], ii[lane] = s.v[n], s.refr[n], s.i_syn[n]
                st[lane], pst[lane] = s.states[n], s.pstates[n]
                if syn.pop_of[n] >= 0:
                    m = lane + 1
            cnt = 0
            for k in range(n0, n1):
                slot = k % n_slots
                # (0) input arriving at the end of this step (quanta -> mV); the slot is cleared
                for lane in range(BLOCK):      # lane loops of fixed length: vectorised
                    cnt_in[lane] = ring[0, slot, lo + lane]
                    ring[0, slot, lo + lane] = 0
                for t in range(1, n_rings):
                    for lane in range(BLOCK):
                        cnt_in[lane] += ring[t, slot, lo + lane]
                        ring[t, slot, lo + lane] = 0
                for lane in range(BLOCK):
                    inp[lane] = cnt_in[lane] * syn.quantum
                # (1) Poisson uniforms and guide look-ups (count -1: search in (3)); normal draws
                if poisson:
                    for lane in range(BLOCK):
                        zp[lane] = next_u64(pst, lane)
                    bt = p.block_table[b]
                    if bt >= 0:   # one table for the block (the common case): simpler gathers
                        gt, ct = guide[bt], cdf[bt]
                        for lane in range(BLOCK):
                            g = gt[zp[lane] >> _GUIDE_SHIFT]
                            cnt_p[lane] = -1 if g < 0 else g + (1 if uniform53(zp[lane]) > ct[g] else 0)
                    else:
                        for lane in range(BLOCK):
                            tab = p.table[lo + lane]
                            c = 0
                            if tab >= 0:
                                g = guide[tab, zp[lane] >> _GUIDE_SHIFT]
                                c = -1 if g < 0 else g + (1 if uniform53(zp[lane]) > cdf[tab, g] else 0)
                            cnt_p[lane] = c
                if noise:
                    _rng.lane_draws(st, zb, wx, wx1, BLOCK)
                # (2) one vectorised pass: step, jumps, refractory hold, threshold and bridge tests
                nflag = 0
                for lane in range(BLOCK):
                    x = vv[lane]
                    xo[lane] = x
                    io[lane] = ii[lane]
                    xi = 0.0
                    slow = 0
                    if noise:
                        z = zb[lane]
                        gx = _rng.zig_candidate(z, wx[lane])
                        xi = _rng.zig_sign(z) * gx
                        slow = 0 if gx < wx1[lane] else _FLAG_SLOW
                    psi = eif_psi(x, psc[lane], vt[lane], idl[lane]) if eif else 0.0
                    drive = mb[lane] + ii[lane] if synaptic else mb[lane]
                    xpre = em_update(x, a[lane], el[lane], psi, drive, 0.0, sb[lane], xi)
                    pois = 0
                    jmp = inp[lane]
                    if poisson:
                        pois = _FLAG_POISSON if cnt_p[lane] < 0 else 0
                        jmp = inp[lane] + jx[lane] * cnt_p[lane]
                    jump[lane] = jmp
                    if synaptic:
                        ii[lane] = ii[lane] * dec[lane] + gn[lane] * jmp
                        xn = xpre + (jmp if gn[lane] == 0.0 else 0.0)
                    else:
                        xn = xpre + jmp
                    held = rr[lane] > 0
                    xn = vrs[lane] if held else xn
                    rr[lane] = rr[lane] - 1 if held else 0
                    qq = bridge_exponent(x, xpre, vth[lane], ib[lane])
                    q[lane] = qq
                    fix = slow | pois
                    near = (qq < Q_MAX) & (not held) if bridge else False
                    f = (_FLAG_FIRE if (xn >= vth[lane]) | near else 0) | fix \
                        | (_FLAG_HELD if held & (fix > 0) else 0)
                    vv[lane] = xn
                    flag[lane] = f
                    nflag += f
                # (3) rare scalar fix-ups of the real lanes
                if nflag > 0:
                    for lane in range(m):
                        f = flag[lane]
                        if f == 0:
                            continue
                        if f & (_FLAG_SLOW | _FLAG_POISSON):
                            xi = 0.0
                            if noise:
                                z = zb[lane]
                                if f & _FLAG_SLOW:   # the rest of the draw, from the same stream
                                    xi = _rng.normal_slow(st, lane, z, _rng.ZIG_X, _rng.ZIG_F)
                                else:
                                    xi = _rng.zig_sign(z) * _rng.zig_candidate(z, wx[lane])
                            jmp = jump[lane]
                            if f & _FLAG_POISSON:    # invert the CDF by search, same uniform
                                tab = p.table[lo + lane]
                                u = uniform53(zp[lane])
                                c = 0
                                while u > cdf[tab, c]:
                                    c += 1
                                jmp = inp[lane] + jx[lane] * c
                            if synaptic:
                                ii[lane] = io[lane] * dec[lane] + gn[lane] * jmp
                            if f & _FLAG_HELD:
                                continue   # refractory: V stays at v_reset
                            x = xo[lane]
                            psi = eif_psi(x, psc[lane], vt[lane], idl[lane]) if eif else 0.0
                            drive = mb[lane] + io[lane] if synaptic else mb[lane]
                            xpre = em_update(x, a[lane], el[lane], psi, drive, 0.0, sb[lane], xi)
                            if synaptic:
                                vv[lane] = xpre + (jmp if gn[lane] == 0.0 else 0.0)
                            else:
                                vv[lane] = xpre + jmp
                            q[lane] = bridge_exponent(x, xpre, vth[lane], ib[lane])
                        fire = vv[lane] >= vth[lane]
                        if bridge and not fire and q[lane] < Q_MAX:
                            fire = uniform53(next_u64(st, lane)) < math.exp(-q[lane])
                        if fire:
                            out.step[b, cnt] = k
                            out.neuron[b, cnt] = lo + lane
                            cnt += 1
                            vv[lane] = vrs[lane]
                            rr[lane] = nref[lane]
                if record:
                    if k + 1 >= rec.start:
                        for lane in range(m):
                            r = rec.row[lo + lane]
                            if r >= 0:
                                rec.v[r, k + 1 - rec.start] = vv[lane]
            out.count[b] = cnt
            for lane in range(BLOCK):
                n = lo + lane
                s.v[n], s.refr[n], s.i_syn[n] = vv[lane], rr[lane], ii[lane]
                s.states[n], s.pstates[n] = st[lane], pst[lane]
        _deliver_fn(n0, n1, b0, b1, tid, syn, ring, out)  # noqa: F821 - a global of the jitted copy

    return _jit_with_globals(run, {"_deliver_fn": _deliver_kernel(stamp)}, cache=True, nogil=True,
                             fastmath={"contract", "arcp", "nsz"})


@functools.lru_cache(maxsize=None)
def _deliver_kernel(stamp):
    """The delivery of a chunk's spikes (built per source stamp of the inlined prefetch)."""

    @njit(cache=True, nogil=True)
    def deliver(n0, n1, b0, b1, tid, syn, ring, out):
        """Add the spikes of blocks ``b0 .. b1 - 1`` in steps ``n0 .. n1 - 1`` to the future input
        of their targets in ``ring[tid]`` (jitted, no checking): a spike of neuron ``j`` at step
        ``k`` reaches the targets of projection ``pr`` at the end of step ``k + delay[pr]``, adding
        the projection's weight (or the synapse's) in quanta. Spikes are taken step by step, so
        that the additions of one step go to one row of the ring (25 kB for 12,500 neurons in
        int16: in the L1 cache), and while one spike is delivered the synapse rows of the next are
        prefetched."""
        stamp  # noqa: B018 - closed over: numba's cache key follows the inlined sources
        n_slots = ring.shape[1]
        total = 0
        for b in range(b0, b1):
            total += out.count[b]
        ks = np.empty(total, dtype=np.int64)
        js = np.empty(total, dtype=np.int64)
        cursor = np.zeros(b1 - b0, dtype=np.int64)
        m = 0
        for k in range(n0, n1):
            for b in range(b0, b1):
                e = cursor[b - b0]
                while e < out.count[b] and out.step[b, e] == k:
                    ks[m], js[m] = k, out.neuron[b, e]
                    m += 1
                    e += 1
                cursor[b - b0] = e
        for i in range(total):
            if i + 1 < total:   # the next spike's synapse rows, one prefetch per 64-byte line
                jn = js[i + 1]
                pp = syn.pop_of[jn]
                jl = jn - syn.pop_start[pp]
                for idx in range(syn.pop_ptr[pp], syn.pop_ptr[pp + 1]):
                    pr = syn.pop_proj[idx]
                    r = syn.indptr_off[pr] + jl
                    s0, s1 = syn.target_off[pr] + syn.indptr[r], syn.target_off[pr] + syn.indptr[r + 1]
                    for e2 in range(s0, s1, 16):
                        prefetch(syn.targets, e2)
                    if syn.has_w[pr]:
                        for e2 in range(s0, s1, 8):
                            prefetch(syn.weights, e2)
            k, j = ks[i], js[i]
            pp = syn.pop_of[j]
            jl = j - syn.pop_start[pp]
            for idx in range(syn.pop_ptr[pp], syn.pop_ptr[pp + 1]):
                pr = syn.pop_proj[idx]
                row = ring[tid, (k + syn.delay[pr]) % n_slots]
                r = syn.indptr_off[pr] + jl
                s0, s1 = syn.target_off[pr] + syn.indptr[r], syn.target_off[pr] + syn.indptr[r + 1]
                off = syn.post_start[pr]
                if syn.has_w[pr]:
                    for e2 in range(s0, s1):
                        row[off + syn.targets[e2]] += syn.weights[e2]
                else:
                    w = syn.w_int[pr]
                    for e2 in range(s0, s1):
                        row[off + syn.targets[e2]] += w

    return deliver


@functools.lru_cache(maxsize=None)
def network_span(eif: bool, noise: bool, poisson: bool, synaptic: bool, record: bool, bridge: bool = True):
    """The driver of a span of chunks for one combination of features (see :func:`_make_span`)."""
    features = (bool(eif), bool(noise), bool(poisson), bool(synaptic), bool(record), bool(bridge))
    return _make_span(network_kernel(*features), features, SOURCE_STAMP + _FILE_STAMP)


def _make_span(run, features, stamp):

    def span(b0, b1, tid, n_threads, c0, c1, chunk, total, sync, p, s, syn, ring, cdf, guide, out0, out1, rec,
             mg):
        """Run chunks ``c0 .. c1 - 1`` (steps ``c * chunk`` to ``min(total, (c + 1) * chunk)``) on
        blocks ``b0 .. b1 - 1`` as thread ``tid`` of ``n_threads`` (jitted, releases the GIL, no
        checking).

        Chunk ``c`` writes its spikes into ``out0`` (``c`` even) or ``out1`` (odd). With ``sync``
        the threads wait for each other after every chunk at a barrier (``mg.count``), and then
        one thread, in turn, merges the chunk's spikes into ``mg`` (:func:`_merge_chunk`) while
        the others start the next chunk in the other buffer; the next barrier keeps it from being
        overwritten before the merge is done. The caller makes room in ``mg.steps`` and
        ``mg.ids`` for every spike the span can produce. Without ``sync`` (the plain kernels) the
        caller runs one chunk per call, joins the threads and merges.
        """
        stamp, features  # noqa: B018 - closed over: keys numba's cache to the sources and the kernel
        for c in range(c0, c1):
            n0 = c * chunk
            n1 = min(total, n0 + chunk)
            out = out0 if c % 2 == 0 else out1
            _run_fn(b0, b1, tid, n0, n1, p, s, syn, ring, cdf, guide, out, rec)  # noqa: F821 - a global
            if sync:
                spin_barrier(mg.count, n_threads, c + 1)
                if c % n_threads == tid:
                    mg.n_have[0] += _merge_chunk(out, n0, n1, mg.warm, mg.steps_per_bin, syn.pop_of, mg.steps,
                                                 mg.ids, mg.n_have[0], mg.rate_counts, mg.neuron_counts)

    return _jit_with_globals(span, {"_run_fn": run}, cache=True, nogil=True)


@njit(cache=True, nogil=True)
def _merge_chunk(out, n0, n1, warm, steps_per_bin, pop_of, steps, ids, n_have, rate_counts, neuron_counts):
    """Append the recorded spikes of a chunk (steps ``n0 .. n1 - 1``, only those at or after step
    ``warm``) to ``steps`` / ``ids`` from position ``n_have`` in time order, ties by neuron index
    (a counting sort by step: blocks are in neuron order and each block's spikes in time order),
    counting them into ``rate_counts`` (population, bin) and ``neuron_counts`` (jitted, no
    checking). Returns the number appended."""
    width = n1 - n0
    start = np.zeros(width + 1, dtype=np.int64)
    for b in range(out.count.size):
        for e in range(out.count[b]):
            k = out.step[b, e]
            if k >= warm:
                start[k - n0 + 1] += 1
    for i in range(width):
        start[i + 1] += start[i]
    total = start[width]
    n_bins = rate_counts.shape[1]
    for b in range(out.count.size):
        for e in range(out.count[b]):
            k = out.step[b, e]
            if k < warm:
                continue
            pos = n_have + start[k - n0]
            start[k - n0] += 1
            j = out.neuron[b, e]
            steps[pos] = k - warm
            ids[pos] = j
            neuron_counts[j] += 1
            kb = (k - warm) // steps_per_bin
            if kb < n_bins:
                rate_counts[pop_of[j], kb] += 1
    return total


# ------------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------------
def _room(mg: Merge, need: int) -> Merge:
    """``mg`` with ``steps`` and ``ids`` grown (by half at least) to hold ``need`` spikes."""
    if need <= mg.steps.size:
        return mg
    size = max(need, mg.steps.size + mg.steps.size // 2)
    steps, ids = mg.steps, mg.ids
    steps.resize(size, refcheck=False)
    ids.resize(size, refcheck=False)
    return mg._replace(steps=steps, ids=ids)


def _check_times(net, t_max, dt, t_warmup, rate_bin):
    raw = (t_max, dt, t_warmup)
    dt = check_positive(dt, "dt", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    t_warmup = check_nonnegative(t_warmup, "t_warmup", unit="ms")
    for pop in net.populations:
        if dt > pop.model.tau_m / 10.0:
            raise ValueError(f"dt must be at most tau_m / 10 = {pop.model.tau_m / 10:g} ms (population "
                             f"{pop.name!r}), got {dt:g} ms")
    n_rec = whole_steps(t_max, dt, "t_max", raw=raw)
    warm = whole_steps(t_warmup, dt, "t_warmup", low=0, raw=raw) if t_warmup > 0 else 0
    check_work(n_rec + warm, "(t_warmup + t_max) / dt", what="the number of time steps", limit=MAX_STEPS,
               hint="raise dt or shorten t_max")
    check_work(float(net.n_neurons) * (n_rec + warm), "n_neurons * t_max / dt",
               what="the number of neuron-steps", hint="simulate a smaller network or a shorter t_max")
    if rate_bin is None:
        spb = min(max(1, round(1.0 / dt)), n_rec)
    else:
        spb = whole_steps(check_positive(rate_bin, "rate_bin", unit="ms"), dt, "rate_bin", raw=(rate_bin, dt))
        if spb > n_rec:
            raise ValueError(f"rate_bin must be at most t_max = {t_max:g} ms, got {rate_bin:g} ms")
    return dt, n_rec, warm, spb


def _poisson_tables(net, dt):
    lams = sorted({pop.poisson_rate * dt / MS_PER_S for pop in net.populations if pop.poisson_rate > 0})
    if not lams:
        return {}, np.ones((1, 1)), np.zeros((1, POISSON_GUIDE), dtype=np.int64)
    built = [poisson_table(lam) for lam in lams]
    width = max(c.size for c, _ in built)
    cdf = np.ones((len(lams), width))
    guide = np.empty((len(lams), POISSON_GUIDE), dtype=np.int64)
    for i, (c, g) in enumerate(built):
        cdf[i, :c.size] = c
        guide[i] = g
    return {lam: i for i, lam in enumerate(lams)}, cdf, guide


def _initial_state(net, n_lanes, v0, seed) -> LaneState:
    from .._core.seeding import kernel_seed

    rng = as_generator(seed)
    noise_seed, poisson_seed = kernel_seed(rng), kernel_seed(rng)  # the first as simulate_population's
    n = net.n_neurons
    v = np.zeros(n_lanes)
    if v0 is None:   # uniform between reset and threshold (the EIF's soft threshold)
        for pop in net.populations:
            top = pop.model.v_t if pop.model.kind == "eif" else pop.model.v_th
            v[pop.start:pop.stop] = pop.model.v_reset + (top - pop.model.v_reset) * rng.random(pop.size)
    else:
        v0 = check_array(v0, "v0", ndim=(0, 1), unit="mV")
        v[:n] = np.broadcast_to(v0, (n,)) if v0.ndim == 0 or v0.size == n else _bad_v0(v0, n)
        for pop in net.populations:
            if np.any(v[pop.start:pop.stop] >= pop.model.v_th):
                raise ValueError(f"v0 must be below v_th = {pop.model.v_th:g} mV in population {pop.name!r}")
    pad = lambda st: np.concatenate([st, np.zeros(n_lanes - n, dtype=np.uint64)])  # noqa: E731
    return LaneState(v, np.zeros(n_lanes, dtype=np.int64), np.zeros(n_lanes),
                     pad(_rng.stream_states(noise_seed, n)), pad(_rng.stream_states(poisson_seed, n)))


def _bad_v0(v0, n):
    raise ValueError(f"v0 must be a scalar or an array of shape (n_neurons,) = ({n},), got shape {v0.shape}")


def _recorder(record_v, n, n_lanes, n_rec, warm):
    row = np.full(n_lanes, -1, dtype=np.int64)
    if record_v is None:
        return Recorder(row, np.zeros((0, 1)), warm), None
    ids = check_array(record_v, "record_v", ndim=1, dtype=np.int64, low=0, high=n - 1, min_size=0)
    if np.unique(ids).size != ids.size:
        raise ValueError("record_v must not contain repeated neuron indices")
    check_memory(8.0 * ids.size * (n_rec + 1), "record_v", what=f"the voltage traces of {ids.size} neurons",
                 hint="record fewer neurons or a shorter t_max")
    row[ids] = np.arange(ids.size)
    return Recorder(row, np.full((ids.size, n_rec + 1), np.nan), warm), ids


def _chunking(net, dt, n_blocks):
    """Chunk length (steps), ring slots and spike capacity per block."""
    delays = [_delay_steps(p.delay, dt) for p in net.projections]
    chunk = min(delays) if delays else MAX_CHUNK
    n_ref = min(nearest_steps(p.model.t_ref, dt)[0] for p in net.populations)
    while True:   # each neuron fires at most once per n_ref + 1 steps: an exact bound
        cap = BLOCK * -(-chunk // (n_ref + 1))
        if chunk == 1 or 16.0 * cap * n_blocks <= MAX_BUFFER_BYTES:
            break
        chunk = max(1, chunk // 2)
    return chunk, max(delays, default=0) + chunk, cap


def simulate_network(network, *, t_max, dt=0.1, seed=None, t_warmup=0.0, record_v=None, v0=None, rate_bin=None,
                     threshold_correction=True, progress=None) -> NetworkResult:
    r"""Simulate a :class:`~snnlib.network.network.Network` (Euler-Maruyama, delayed synapses).

    Parameters
    ----------
    network : Network
        Populations, projections and drive (:func:`brunel_network`, :meth:`Network.from_weights`).
    t_max : float
        Recorded duration (ms), a whole number of steps.
    dt : float
        Time step (ms), at most ``tau_m / 10``; every delay must be a whole number of steps.
    seed : None, int or numpy.random.Generator
        Seed of the white noise, the external Poisson input and the initial potentials (not of the
        connectivity, which the network holds). The same seed gives the same spikes at any
        number of threads.
    t_warmup : float
        Simulated before the recording starts (ms), a whole number of steps; its spikes are
        delivered but not recorded, and the recorded times start at 0.
    record_v : None or array_like of int
        Neurons whose membrane potential is recorded at every step of the recording.
    v0 : None, float or array_like, shape (n_neurons,)
        Initial membrane potentials (mV), below ``v_th``. Default: uniform between ``v_reset``
        and ``v_th`` (``v_t`` for the EIF), drawn from ``seed``.
    rate_bin : None or float
        Bin of the population rates (ms), a whole number of steps; default the nearest to 1 ms.
    threshold_correction : bool
        Brownian-bridge test for threshold crossings between grid points (default True), as in
        :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`; False gives plain Euler-Maruyama (and, for a neuron
        without noise, fires only when V ends a step at or above threshold).
    progress : None or bool
        Show a progress bar (None: for runs estimated to take more than a few seconds).

    Returns
    -------
    NetworkResult
        Spike times (ms) and ids, population rates (Hz), per-neuron rates (Hz) and the recorded
        potentials (mV); usable wherever ``snnlib.spikes`` takes spike trains.

    Notes
    -----
    Every neuron obeys :math:`\tau_m dV = (E_L - V + \psi(V) + \mu + I_s)\,dt +
    \sigma\sqrt{2\tau_m}\,dW` between spikes, integrated as in :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`
    (Euler-Maruyama with the Brownian-bridge threshold test, same noise streams), and at the end of
    each step receives its input: the weights of the presynaptic spikes emitted ``delay`` ms
    earlier and ``poisson_j`` times a Poisson number of external spikes of mean
    ``poisson_rate * dt``, added to :math:`V` (delta synapses) or, with ``tau_s``, to the current
    :math:`I_s` scaled by ``tau_m / tau_s`` (:math:`I_s` decays exactly,
    :math:`I_s \leftarrow I_s e^{-dt/\tau_s}`). Input arriving during the refractory period is
    lost for delta synapses (NEST's ``iaf_psc_delta``). A spike at the end of step ``k`` (time
    ``(k + 1) dt``) arrives at time ``(k + 1) dt + delay``. The population rate of Brunel (2000)
    model A in the asynchronous irregular state (g = 5, eta = 2) is 38 Hz by mean-field theory.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=800, n_inh=200, seed=3)
    >>> res = snnlib.simulate_network(net, t_max=300.0, seed=4, t_warmup=100.0)
    >>> res.n_neurons, res.t_max, sorted(res.rates)
    (1000, 300.0, ['E', 'I'])
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be an snnlib.Network, got {type(network).__name__}")
    net = network
    dt, n_rec, warm, spb = _check_times(net, t_max, dt, t_warmup, rate_bin)
    n = net.n_neurons
    n_blocks = -(-n // BLOCK)
    n_lanes = n_blocks * BLOCK
    tables, cdf, guide = _poisson_tables(net, dt)
    params = _lane_params(net, dt, n_lanes, tables)
    quantum, w_int, ring_dtype = input_quantum(net)   # one pass over the synapses
    syn = _synapses(net, dt, n_lanes, quantum, w_int)
    state = _initial_state(net, n_lanes, v0, seed)
    rec, rec_ids = _recorder(record_v, n, n_lanes, n_rec, warm)
    if rec_ids is not None and warm == 0:
        rec.v[:, 0] = state.v[rec_ids]
    chunk, n_slots, cap = _chunking(net, dt, n_blocks)
    import numba

    bounds = block_ranges(n_blocks, numba.get_num_threads())
    check_memory(np.dtype(ring_dtype).itemsize * (bounds.size - 1) * n_slots * n_lanes, "n_neurons",
                 what="the input rings", hint="simulate a smaller network")
    ring = np.zeros((bounds.size - 1, n_slots, n_lanes), dtype=ring_dtype)
    span = network_span(any(p.model.kind == "eif" for p in net.populations), bool(np.any(params.sig_step > 0)),
                        bool(np.any(params.table >= 0)), bool(np.any(params.syn_gain > 0)), rec_ids is not None,
                        check_bool(threshold_correction, "threshold_correction"))
    outs = [ChunkOut(np.zeros((n_blocks, cap), dtype=np.int64), np.zeros((n_blocks, cap), dtype=np.int64),
                     np.zeros(n_blocks, dtype=np.int64)) for _ in range(2)]
    pops = net.populations
    n_bins = n_rec // spb
    mg = Merge(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), warm, spb, np.empty(1 << 12, dtype=np.int64),
               np.empty(1 << 12, dtype=np.int64), np.zeros((len(pops), n_bins), dtype=np.int64),
               np.zeros(n, dtype=np.int64))
    total = warm + n_rec
    n_chunks = -(-total // chunk)
    from ..neuron.montecarlo import SECONDS_PER_NEURON_STEP

    est = 1.5 * n * total * SECONDS_PER_NEURON_STEP
    bar = _progress_bar(progress, est, total, desc="simulate_network")
    # chunks per call: about SPAN_SECONDS of work, with room for every spike they can produce
    per_chunk = cap * n_blocks
    n_span = 1 if PLAIN else int(max(1, min(SPAN_SECONDS * n_chunks / est, SPAN_BYTES / (16 * per_chunk))))
    try:
        for c0 in range(0, n_chunks, n_span):
            c1 = min(n_chunks, c0 + n_span)
            mg = _room(mg, int(mg.n_have[0]) + (c1 - c0) * per_chunk)
            run_ranges(span, bounds, bounds.size - 1, c0, c1, chunk, total, not PLAIN, params, state, syn, ring,
                       cdf, guide, outs[0], outs[1], rec, mg)
            if PLAIN:
                mg.n_have[0] += _merge_chunk(outs[c0 % 2], c0 * chunk, min(total, c1 * chunk), warm, spb,
                                             syn.pop_of, mg.steps, mg.ids, int(mg.n_have[0]), mg.rate_counts,
                                             mg.neuron_counts)
            if bar is not None:
                bar.update(min(total, c1 * chunk) - c0 * chunk)
    finally:
        if bar is not None:
            bar.close()
    n_have, steps, ids, rate_counts, neuron_counts = int(mg.n_have[0]), mg.steps, mg.ids, mg.rate_counts, \
        mg.neuron_counts
    steps.resize(n_have, refcheck=False)
    ids.resize(n_have, refcheck=False)
    times = (steps + 1) * dt
    t_rec = n_rec * dt
    rates = {p.name: rate_counts[i] / (p.size * spb * dt / MS_PER_S) for i, p in enumerate(pops)}
    return NetworkResult(
        spike_times=times, spike_ids=ids, n_neurons=n, t_max=t_rec, dt=dt,
        populations={p.name: slice(p.start, p.stop) for p in pops},
        rate_time=(np.arange(n_bins) + 0.5) * spb * dt, rates=rates,
        neuron_rates=neuron_counts / (t_rec / MS_PER_S),
        v_time=None if rec_ids is None else np.arange(n_rec + 1) * dt,
        v=None if rec_ids is None else rec.v, v_ids=rec_ids)
