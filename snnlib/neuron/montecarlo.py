r"""Monte Carlo of uncoupled integrate-and-fire neurons driven by white noise.

Each neuron obeys the Langevin equation of the book (DESIGN.md)

.. math::

    \tau_m\,dV = \bigl(E_L - V + \psi(V) + \mu(t)\bigr)\,dt + \sigma\sqrt{2\tau_m}\,dW,

with a spike when :math:`V` reaches ``v_th``, after which :math:`V` is held at
``v_reset`` for ``t_ref`` ms; with ``input_correlation`` :math:`c > 0` every neuron's
Wiener process has a component shared by all (:class:`SharedNoise`). :func:`simulate_population`
integrates it with the
Euler-Maruyama scheme plus an optional Brownian-bridge correction for threshold
crossings between grid points (both in ``snnlib.neuron.step``, shared with the
network simulator). The noise is drawn inside a numba kernel from one independent
stream per neuron (``snnlib._core.rng``), so results depend on the seed only,
never on the number of threads; memory is O(n_neurons) plus the output.

The driver has three stages: :func:`_prepare` checks the input, guards the resources
and builds the padded per-neuron state; :func:`run_chunks` advances it chunk by chunk
(each chunk one parallel region over blocks of neurons; a chunk no longer than the
shortest synaptic delay is exactly the synchronisation a delay-coupled network needs),
merging each chunk's time-ordered spikes into the output; :func:`_collect` builds the
:class:`PopulationResult`.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core import rng as _rng
from .._core.intrinsics import SOURCE_STAMP, next_u64, uniform53, work_arrays
from .._core.parallel import run_blocks
from .._core.seeding import kernel_seed
from .._core.validation import (MAX_STEPS, check_array, check_bool, check_int, check_memory, check_positive,
                                check_scalar, check_work, memory_limit, nearest_steps, per_item,
                                whole_steps)
from ..models import check_model
from ..spikes.containers import SpikeRecord
from ..units import MS_PER_S
from .step import Q_MAX, bridge_exponent, eif_psi, em_update, inverse_bridge_variance, noise_step

__all__ = ["PopulationResult", "simulate_population", "langevin_noise"]

#: Neurons per block: one block is integrated over a whole time chunk by one thread, lanes in SIMD.
BLOCK = 64
#: Neuron-steps per chunk of the time loop when no chunk length is imposed (a chunk is one
#: parallel region and one progress-bar tick; ~0.1 s of work on one core).
CHUNK_WORK = 20_000_000
#: Measured cost of one neuron-step on one core (s), ~5e-9 for the EIF (benchmarks/README.md):
#: used only to decide whether a run is long enough to deserve a progress bar.
SECONDS_PER_NEURON_STEP = 5e-9
#: Runs estimated to take longer than this (s) show a progress bar (unless told otherwise).
PROGRESS_AFTER_S = 3.0
#: Rate (Hz) the first spike buffer of a chunk is sized for; a chunk that fires more is rerun
#: with a larger buffer from its saved start state (same streams, so the same spikes).
BUFFER_RATE_HZ = 100.0
#: Bytes of output per spike: its time (float64) and its neuron index (int64).
BYTES_PER_SPIKE = 16
#: Bytes of state and input per neuron: the six arrays of :class:`Lanes`, the inputs they are built
#: from, and the per-neuron counts of the output.
BYTES_PER_NEURON = 128
#: Safety factor on the theoretical stationary rate when guarding the spike output's memory.
RATE_MARGIN = 2.0
#: fastmath flags of the block kernel: contraction into fused multiply-adds, reciprocal and
#: signed-zero freedom (no reassociation: results stay those of the naive twin to rounding).
_FASTMATH = {"contract", "arcp", "nsz"}


@dataclass(frozen=True)
class PopulationResult(SpikeRecord):
    """Output of :func:`simulate_population` (read-only).

    Parameters
    ----------
    spike_times : ndarray of float, shape (n_spikes,)
        Spike times (ms), sorted; ties are ordered by neuron index.
    spike_ids : ndarray of int64, shape (n_spikes,)
        Index of the neuron that fired each spike.
    n_neurons : int
        Number of simulated neurons.
    t_max : float
        Simulated duration (ms).
    dt : float
        Time step (ms).
    rate_time : ndarray, shape (n_bins,)
        Centres of the population-rate bins (ms).
    rate : ndarray, shape (n_bins,)
        Population rate (Hz): spikes per neuron per second in each bin.
    neuron_rates : ndarray, shape (n_neurons,)
        Spike count of each neuron divided by ``t_max`` (Hz).
    v_time : ndarray or None, shape (n_steps + 1,)
        Times of the recorded voltage samples (ms), if ``record_v`` was given.
    v : ndarray or None, shape (len(record_v), n_steps + 1)
        Membrane potential traces (mV) of the neurons ``v_ids``.
    v_ids : ndarray of int64 or None
        Indices of the recorded neurons.
    v_hist_edges : ndarray or None
        Bin edges of the membrane-potential histogram (mV).
    v_hist_density : ndarray or None
        Density of the membrane potential of non-refractory neurons (1/mV), normalised over all
        samples (refractory ones included), so that it integrates to the non-refractory fraction
        ``1 - rate * t_ref`` like the Fokker-Planck density; values outside the edges are dropped.
    v_hist_outside : float
        Fraction of non-refractory samples that fell outside the histogram edges.

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.simulate_population(snnlib.LIF(), 20.0, 1.0, n_neurons=10,
    ...                                  t_max=100.0, seed=0)
    >>> res.n_spikes == res.spike_times.size, round(res.mean_rate) > 0
    (True, True)
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    n_neurons: int
    t_max: float
    dt: float
    rate_time: np.ndarray
    rate: np.ndarray
    neuron_rates: np.ndarray
    v_time: np.ndarray | None = None
    v: np.ndarray | None = None
    v_ids: np.ndarray | None = None
    v_hist_edges: np.ndarray | None = None
    v_hist_density: np.ndarray | None = None
    v_hist_outside: float = 0.0



# ------------------------------------------------------------------------------------------------
# What the kernel is given: a few small records instead of thirty-odd arguments
# ------------------------------------------------------------------------------------------------
class StepParams(NamedTuple):
    """Scalars of the step, shared by all neurons (built by :func:`step_params`)."""

    n_neurons: int      #: real neurons (the lanes beyond are inert padding)
    a: float            #: dt / tau_m (dimensionless)
    e_l: float          #: leak reversal potential (mV)
    v_th: float         #: threshold (mV)
    v_reset: float      #: reset potential (mV)
    n_ref: int          #: refractory period in steps
    psi_c: float        #: EIF slope factor delta_t (mV); 0 for the LIF
    v_t: float          #: EIF soft threshold (mV)
    inv_delta: float    #: 1 / delta_t (1/mV); 0 for the LIF
    correction: bool    #: Brownian-bridge threshold test on


class Lanes(NamedTuple):
    """Per-neuron state and input, padded to whole blocks of :data:`BLOCK` lanes."""

    v: np.ndarray         #: membrane potential (mV), float64
    refr: np.ndarray      #: refractory steps left, int64
    states: np.ndarray    #: SplitMix64 stream states, uint64
    mu: np.ndarray        #: mean input (mV), float64
    sig_step: np.ndarray  #: noise per step sigma sqrt(2 dt / tau_m) (mV), float64
    inv2var: np.ndarray   #: 2 / sig_step^2 (1/mV^2), for the bridge test


class SharedNoise(NamedTuple):
    r"""The white noise all neurons share when ``input_correlation`` :math:`c > 0` (built by
    :func:`shared_noise`): neuron ``i`` steps with
    :math:`\xi_i(k) = \sqrt{1 - c}\,z_i(k) + \sqrt{c}\,y(k)`."""

    private: float      #: sqrt(1 - c): weight of each neuron's own normal z_i(k)
    common: np.ndarray  #: (n_steps,) float64: sqrt(c) y(k), y(k) the shared standard normals


#: Index of the stream of the shared normals in the numbering of ``snnlib._core.rng.stream_states``
#: (neuron i draws from stream i): the stream just before neuron 0's, whose state starts at
#: ``mix64(seed)``, so it never coincides with a neuron's stream whatever ``n_neurons``.
SHARED_STREAM = -1


class SpikeBuffer(NamedTuple):
    """One chunk's spikes, one row per block, in time order within a row."""

    step: np.ndarray    #: (n_blocks, cap) int64: step k of a spike at t = (k + 1) dt
    neuron: np.ndarray  #: (n_blocks, cap) int64: neuron index
    count: np.ndarray   #: (n_blocks,) int64: spikes per block (may exceed cap: then rerun)


class Recording(NamedTuple):
    """Voltage traces and the voltage histogram (empty arrays when not asked for)."""

    row: np.ndarray     #: (n_lanes,) int64: row of v for each recorded lane, -1 otherwise
    v: np.ndarray       #: (n_recorded, n_steps + 1) float64: traces (mV)
    hist: np.ndarray    #: (n_blocks, n_bins + 1) int64: counts; the last column counts outliers
    h_lo: float         #: lowest bin edge (mV)
    h_inv_w: float      #: 1 / bin width (1/mV)
    hist_start: int     #: first step counted


#: dtypes of one block's work arrays, in the order the kernel unpacks them:
#: vv, rr, st, mb, sb, ib, zb, wx, wx1, xo, q, flag
_WORK_DTYPES = ("f8", "i8", "u8", "f8", "f8", "f8", "u8", "f8", "f8", "f8", "f8", "i8")
_block_work_arrays = work_arrays(_WORK_DTYPES, BLOCK)

_FLAG_FIRE = 1       # crossed threshold, or within reach of it (bridge test due)
_FLAG_SLOW = 2       # the ziggurat fast path rejected the draw: redo the step with the slow path
_FLAG_HELD = 4       # ... while refractory: only the stream advances


@functools.lru_cache(maxsize=None)
def block_kernel(eif: bool, drive: bool, record: bool, histogram: bool, shared: bool = False):
    """The kernel for one combination of features, built once per process (thread-safe cache).

    The five flags (``shared``: the noise has a component common to all neurons) are closure
    constants, so numba prunes the branches of the features a call
    does not use before typing them, and a first call compiles only what it needs (about 0.5 s
    less than a kernel with every feature). numba caches each combination on disk separately: its
    cache key includes the closure's values, which also hold
    ``snnlib._core.intrinsics.SOURCE_STAMP``, so an edit of the inlined helpers recompiles.
    """
    return _make_block_kernel(bool(eif), bool(drive), bool(record), bool(histogram), SOURCE_STAMP, bool(shared))


def _make_block_kernel(eif, drive, record, histogram, stamp, shared=False):
    @njit(cache=True, nogil=True, fastmath=_FASTMATH)
    def run_blocks(b0, b1, n0, n1, p, lanes, mu_t, sh, out, rec):
        """Integrate blocks ``b0 .. b1 - 1`` of :data:`BLOCK` neurons from step ``n0`` to ``n1``,
        releasing the GIL (jitted, no checking).

        ``p``: :class:`StepParams`; ``lanes``: :class:`Lanes` (read and written back);
        ``mu_t``: time-dependent input (mV) per step; ``sh``: :class:`SharedNoise` (read only by
        the ``shared`` kernel, which steps with ``sh.private * xi + sh.common[k]`` in place of the
        lane's normal ``xi``, on the fast and the slow path alike); ``out``: :class:`SpikeBuffer`
        of this chunk; ``rec``: :class:`Recording`. The block's state lives in local work arrays of
        :data:`BLOCK` lanes, so that the loops over the lanes vectorise. Per step: (1) SplitMix64
        draws (vectorised) and ziggurat table look-ups (scalar gathers); (2) ziggurat fast path,
        Euler-Maruyama update, refractory hold, threshold and bridge test in one vectorised pass;
        (3) rare scalar fix-ups: lanes whose fast path was rejected get their normal from
        ``normal_slow`` (same stream) and redo the step; lanes that crossed or came close to
        threshold fire (bridge uniform from the lane's own stream). ``out.count`` keeps counting
        past the buffer's capacity so that the caller can detect an overflow. Element loops, not
        slice copies: numba's error path for a slice assignment costs seconds of compile time.
        """
        stamp  # noqa: B018 - closed over: numba's cache key follows the inlined sources
        cap = out.step.shape[1]
        use_bridge = _FLAG_FIRE if p.correction else 0
        for b in range(b0, b1):
            lo = b * BLOCK
            m = BLOCK if lo + BLOCK <= p.n_neurons else p.n_neurons - lo  # real lanes of this block
            vv, rr, st, mb, sb, ib, zb, wx, wx1, xo, q, flag = _block_work_arrays()
            for lane in range(BLOCK):
                vv[lane] = lanes.v[lo + lane]
                rr[lane] = lanes.refr[lo + lane]
                st[lane] = lanes.states[lo + lane]
                mb[lane] = lanes.mu[lo + lane]
                sb[lane] = lanes.sig_step[lo + lane]
                ib[lane] = lanes.inv2var[lo + lane]
            if record:
                rec_lanes = np.empty(BLOCK, dtype=np.int64)
                n_rec = 0
                for lane in range(m):
                    if rec.row[lo + lane] >= 0:
                        rec_lanes[n_rec] = lane
                        n_rec += 1
            cnt = out.count[b]
            for k in range(n0, n1):
                mt = mu_t[k] if drive else 0.0
                cm = sh.common[k] if shared else 0.0
                # (1) draws (vectorised) and ziggurat table look-ups (scalar)
                _rng.lane_draws(st, zb, wx, wx1, BLOCK)
                # (2) fast path, Euler-Maruyama step, refractory hold and crossing tests, vectorised
                nflag = 0
                for lane in range(BLOCK):
                    z = zb[lane]
                    gx = _rng.zig_candidate(z, wx[lane])
                    x = vv[lane]
                    xo[lane] = x
                    psi = eif_psi(x, p.psi_c, p.v_t, p.inv_delta) if eif else 0.0
                    xi = _rng.zig_sign(z) * gx
                    if shared:
                        xi = sh.private * xi + cm
                    xn = em_update(x, p.a, p.e_l, psi, mb[lane], mt, sb[lane], xi)
                    held = rr[lane] > 0
                    xn = p.v_reset if held else xn
                    rr[lane] = rr[lane] - 1 if held else 0
                    qq = bridge_exponent(x, xn, p.v_th, ib[lane])
                    q[lane] = qq
                    slow = 0 if gx < wx1[lane] else _FLAG_SLOW
                    f = (_FLAG_FIRE if xn >= p.v_th else 0) \
                        | (use_bridge if (qq < Q_MAX) & (not held) else 0) | slow \
                        | (2 * slow if held else 0)
                    vv[lane] = xn
                    flag[lane] = f
                    nflag += f
                # (3) rare scalar fix-ups of the real lanes
                if nflag > 0:
                    for lane in range(m):
                        f = flag[lane]
                        if f == 0:
                            continue
                        if f & _FLAG_SLOW:
                            xi = _rng.normal_slow(st, lane, zb[lane], _rng.ZIG_X, _rng.ZIG_F)
                            if f & _FLAG_HELD:
                                continue  # refractory: V stays at v_reset whatever the noise
                            if shared:
                                xi = sh.private * xi + cm
                            x = xo[lane]
                            psi = eif_psi(x, p.psi_c, p.v_t, p.inv_delta) if eif else 0.0
                            xn = em_update(x, p.a, p.e_l, psi, mb[lane], mt, sb[lane], xi)
                            vv[lane] = xn
                            q[lane] = bridge_exponent(x, xn, p.v_th, ib[lane])
                        fire = vv[lane] >= p.v_th
                        if not fire and p.correction and q[lane] < Q_MAX:
                            fire = uniform53(next_u64(st, lane)) < math.exp(-q[lane])
                        if fire:
                            if cnt < cap:
                                out.step[b, cnt] = k
                                out.neuron[b, cnt] = lo + lane
                            cnt += 1
                            vv[lane] = p.v_reset
                            rr[lane] = p.n_ref
                if record:
                    for r in range(n_rec):
                        lane = rec_lanes[r]
                        rec.v[rec.row[lo + lane], k + 1] = vv[lane]
                if histogram:
                    if k + 1 >= rec.hist_start:
                        n_bins = rec.hist.shape[1]
                        for lane in range(m):
                            if rr[lane] == 0:
                                j = int(math.floor((vv[lane] - rec.h_lo) * rec.h_inv_w))
                                if j < 0 or j >= n_bins - 1:
                                    j = n_bins - 1  # last column collects the samples outside the edges
                                rec.hist[b, j] += 1
            out.count[b] = cnt
            for lane in range(BLOCK):
                lanes.v[lo + lane] = vv[lane]
                lanes.refr[lo + lane] = rr[lane]
                lanes.states[lo + lane] = st[lane]

    return run_blocks


# ------------------------------------------------------------------------------------------------
# Driver: prepare, run chunk by chunk, collect
# ------------------------------------------------------------------------------------------------
class _SpikeSink:
    """The run's spikes in time order, in two arrays grown by half when full (``ndarray.resize``,
    which reallocates in place where it can), so that the peak memory stays within 1.5 times the
    output itself.

    Each chunk's spikes arrive as one row per block; :meth:`add` merges them by step (ties by
    neuron index, i.e. block order then lane order) and also accumulates the population-rate
    histogram and the per-neuron counts, so that nothing of the output's size is computed twice.
    """

    def __init__(self, n_neurons, n_rate_bins, steps_per_bin, capacity=1024):
        self.steps = np.empty(capacity, dtype=np.int64)
        self.ids = np.empty(capacity, dtype=np.int64)
        self.n = 0
        self.rate_counts = np.zeros(n_rate_bins, dtype=np.int64)
        self.neuron_counts = np.zeros(n_neurons, dtype=np.int64)
        self._steps_per_bin = steps_per_bin

    def add(self, buf: SpikeBuffer) -> None:
        counts = buf.count
        rows = np.nonzero(counts)[0]
        if rows.size == 0:
            return
        steps = np.concatenate([buf.step[b, :counts[b]] for b in rows])
        ids = np.concatenate([buf.neuron[b, :counts[b]] for b in rows])
        order = np.argsort(steps, kind="stable")  # rows are in neuron order: ties by neuron index
        m = steps.size
        if self.n + m > self.steps.size:
            cap = max(self.steps.size + self.steps.size // 2, self.n + m)
            self.steps.resize(cap, refcheck=False)
            self.ids.resize(cap, refcheck=False)
        self.steps[self.n:self.n + m] = steps[order]
        self.ids[self.n:self.n + m] = ids[order]
        self.n += m
        bins = steps // self._steps_per_bin
        bins = bins[bins < self.rate_counts.size]  # an incomplete last bin is dropped
        self.rate_counts += np.bincount(bins, minlength=self.rate_counts.size)
        self.neuron_counts += np.bincount(ids, minlength=self.neuron_counts.size)

    def times_and_ids(self, dt):
        """Spike times (ms) and neuron ids, trimmed; the steps array becomes the times (in place,
        in slices: each slice is read in full before it is overwritten)."""
        self.steps.resize(self.n, refcheck=False)
        self.ids.resize(self.n, refcheck=False)
        times = self.steps.view(np.float64)
        for i in range(0, self.n, 1 << 20):
            times[i:i + (1 << 20)] = (self.steps[i:i + (1 << 20)] + 1) * dt
        return times, self.ids


@dataclass
class _Run:
    """Everything one call needs between the stages (checked and allocated by :func:`_prepare`)."""

    params: StepParams
    lanes: Lanes
    mu_t: np.ndarray
    rec: Recording
    kernel: object
    n_steps: int
    dt: float
    steps_per_bin: int
    edges: np.ndarray | None
    rec_ids: np.ndarray | None
    shared: SharedNoise


def run_chunks(run: _Run, sink: _SpikeSink, *, chunk_steps: int | None = None, progress=None) -> None:
    """Advance ``run`` from step 0 to ``run.n_steps`` in chunks of ``chunk_steps`` steps (default:
    about :data:`CHUNK_WORK` neuron-steps), each chunk one parallel call of the block kernel, and
    merge every chunk's spikes into ``sink``.

    A chunk whose spikes overflow the buffer is rerun from its saved start state with a larger
    buffer (same streams, so the same spikes). The result does not depend on ``chunk_steps``.
    """
    n_neurons, n_steps = run.params.n_neurons, run.n_steps
    if chunk_steps is None:
        chunk_steps = max(1, min(n_steps, CHUNK_WORK // n_neurons))
    n_blocks = run.lanes.v.size // BLOCK
    cap = max(16, int(min(BLOCK, n_neurons) * chunk_steps * run.dt / MS_PER_S * BUFFER_RATE_HZ) + 16)
    bar = _progress_bar(progress, n_neurons * n_steps * SECONDS_PER_NEURON_STEP, n_steps)
    try:
        for n0 in range(0, n_steps, chunk_steps):
            n1 = min(n_steps, n0 + chunk_steps)
            saved = (run.lanes.v.copy(), run.lanes.refr.copy(), run.lanes.states.copy(), run.rec.hist.copy())
            while True:
                buf = SpikeBuffer(np.empty((n_blocks, cap), dtype=np.int64),
                                  np.empty((n_blocks, cap), dtype=np.int64), np.zeros(n_blocks, dtype=np.int64))
                run_blocks(run.kernel, n_blocks, n0, n1, run.params, run.lanes, run.mu_t, run.shared, buf, run.rec)
                if buf.count.max(initial=0) <= cap:
                    break
                cap = int(1.25 * buf.count.max()) + 16
                run.lanes.v[:], run.lanes.refr[:], run.lanes.states[:], run.rec.hist[:] = saved
            sink.add(buf)
            if bar is not None:
                bar.update(n1 - n0)
    finally:
        if bar is not None:
            bar.close()


def _progress_bar(progress, est_seconds, total, desc="simulate_population"):
    """A tqdm bar of ``total`` steps if wanted (see :func:`_progress_wanted`), else None."""
    if not _progress_wanted(progress, est_seconds):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="step", desc=desc, leave=False)


def _progress_wanted(progress, est_seconds):
    """``progress`` if given; otherwise True for runs estimated to last more than
    :data:`PROGRESS_AFTER_S` seconds, unless the environment says ``SNNLIB_PROGRESS=0``."""
    if progress is not None:
        return check_bool(progress, "progress")
    if os.environ.get("SNNLIB_PROGRESS", "") == "0":
        return False
    return est_seconds > PROGRESS_AFTER_S


def _check_time(model, dt, t_max, raw_dt, raw_t_max):
    """Validated dt (ms) and number of steps; warnings for coarse steps and rounded t_ref."""
    tau = model.tau_m
    if dt > tau / 10.0:
        raise ValueError(f"dt must be at most tau_m / 10 = {tau / 10:g} ms for Euler-Maruyama, got {dt:g} ms")
    n_steps = whole_steps(t_max, dt, "t_max", raw=(raw_dt, raw_t_max))
    check_work(n_steps, "t_max / dt", what="the number of time steps", limit=MAX_STEPS,
               hint="raise dt or shorten t_max")
    if dt > tau / 40.0:
        warnings.warn(f"dt = {dt:g} ms > tau_m / 40 = {tau / 40:g} ms: expect Euler-Maruyama errors of "
                      f"order dt / tau_m in rates and voltages", RuntimeWarning, stacklevel=4)
    n_ref, exact = nearest_steps(model.t_ref, dt, raw=(raw_dt,))
    if not exact:
        warnings.warn(f"t_ref = {model.t_ref:g} ms is not a whole number of steps dt = {dt:g} ms; "
                      f"using {n_ref * dt:g} ms", RuntimeWarning, stacklevel=4)
    return n_steps, n_ref


def _check_drive(model, mu, sigma, mu_t, v0, n_neurons, n_steps, dt):
    """Per-neuron mu, sigma (mV) and v0 (mV), and mu_t (mV per step, or a dummy)."""
    mu_arr = per_item(mu, "mu", n_neurons, unit="mV", hint="for a time-dependent input use mu_t")
    sig_arr = per_item(sigma, "sigma", n_neurons, low=0.0, unit="mV")
    if model.kind == "eif":
        s_max = float(noise_step(sig_arr.max(), dt, model.tau_m))
        if s_max > model.delta_t / 2.0:
            warnings.warn(f"noise step sigma*sqrt(2 dt/tau_m) = {s_max:g} mV exceeds delta_t / 2 = "
                          f"{model.delta_t / 2:g} mV: the exponential upswing is poorly resolved; "
                          f"reduce dt", RuntimeWarning, stacklevel=4)
    if mu_t is None:
        mu_t_arr = np.zeros(1)  # not read: the kernel without drive is built
    else:
        mu_t_arr = check_array(mu_t, "mu_t", ndim=1, unit="mV")
        if mu_t_arr.size != n_steps:
            raise ValueError(f"mu_t must have shape (n_steps,) = ({n_steps},) with n_steps = t_max / dt, "
                             f"got shape {mu_t_arr.shape}")
    if v0 is None:
        v = np.full(n_neurons, model.v_reset)
    else:
        v = per_item(v0, "v0", n_neurons, unit="mV")
        if np.any(v >= model.v_th):
            raise ValueError(f"v0 must be below v_th = {model.v_th:g} mV everywhere, got max {v.max():g} mV")
    return mu_arr, sig_arr, mu_t_arr, v


def _check_rate_bin(rate_bin, dt, n_steps):
    """Steps per population-rate bin (default: the whole number of steps closest to 1 ms)."""
    if rate_bin is None:
        return min(max(1, round(1.0 / dt)), n_steps)
    raw = rate_bin
    rate_bin = check_positive(rate_bin, "rate_bin", unit="ms")
    k = whole_steps(rate_bin, dt, "rate_bin", raw=(raw, dt))
    if k > n_steps:
        raise ValueError(f"rate_bin must be at most t_max = {n_steps * dt:g} ms, got {rate_bin:g} ms")
    return k


def _expected_rate_hz(model, mu_max, sigma_max):
    """Stationary rate (Hz) at the strongest drive of the run, from theory (for the memory guard)."""
    from ..fokker_planck import siegert_rate, stationary
    from .deterministic import eif_fi_curve, lif_fi_curve

    try:
        if sigma_max <= 0.0:
            fi = lif_fi_curve if model.kind == "lif" else eif_fi_curve
            return float(fi(model, [mu_max])[0])
        if model.kind == "lif":
            return float(siegert_rate(model, mu_max, sigma_max))
        return stationary(model, mu_max, sigma_max).rate
    except (ValueError, ArithmeticError):  # theory out of its range: assume the fastest firing
        return MS_PER_S / max(model.t_ref, 1e-3)


def _guard_resources(model, n_neurons, n_steps, dt, mu_arr, sig_arr, mu_t_arr):
    """Reject, before any work, a run whose spike output would not fit in memory."""
    seconds = n_steps * dt / MS_PER_S
    worst = MS_PER_S / max(model.t_ref, dt)   # no neuron fires faster than once per t_ref (or step)
    if BYTES_PER_SPIKE * worst * n_neurons * seconds <= memory_limit():
        return  # cheap bound: even at the maximal rate the output fits; no theory needed
    rate = RATE_MARGIN * _expected_rate_hz(model, float(mu_arr.max() + max(mu_t_arr.max(), 0.0)),
                                           float(sig_arr.max()))
    n_spikes = min(rate, worst) * n_neurons * seconds
    check_memory(BYTES_PER_SPIKE * n_spikes, "n_neurons * t_max",
                 what=f"the spike output (about {n_spikes:.3g} spikes at up to {rate / RATE_MARGIN:.3g} Hz)",
                 hint="simulate fewer neurons or a shorter t_max")


def _check_recording(record_v, v_hist, v_hist_start, v, n_neurons, n_steps, dt, t_max, n_blocks):
    """The :class:`Recording` (traces of ``record_v``, histogram with edges ``v_hist``) and the
    recorded ids and edges (None when not asked for)."""
    row = np.full(n_neurons, -1, dtype=np.int64)
    if record_v is None:
        rec_ids, traces = None, np.zeros((0, 1))
    else:
        rec_ids = check_array(record_v, "record_v", ndim=1, dtype=np.int64, low=0, high=n_neurons - 1,
                              min_size=0)
        if np.unique(rec_ids).size != rec_ids.size:
            raise ValueError("record_v must not contain repeated neuron indices")
        row[rec_ids] = np.arange(rec_ids.size)
        check_memory(8.0 * rec_ids.size * (n_steps + 1), "record_v",
                     what=f"the voltage traces of {rec_ids.size} neurons", hint="record fewer neurons or a shorter t_max")
        traces = np.empty((rec_ids.size, n_steps + 1))
        traces[:, 0] = v[rec_ids]
    if v_hist is None:
        return Recording(row, traces, np.zeros((n_blocks, 0), dtype=np.int64), 0.0, 0.0, 0), rec_ids, None
    edges = check_array(v_hist, "v_hist", ndim=1, min_size=2, unit="mV")
    widths = np.diff(edges)
    if np.any(widths <= 0) or np.ptp(widths) > 1e-9 * abs(widths[0]) * widths.size:
        raise ValueError("v_hist must be equally spaced, increasing bin edges (mV), e.g. np.linspace(...)")
    check_memory(8.0 * n_blocks * edges.size, "v_hist", what=f"a histogram of {edges.size - 1} bins per block",
                 hint="use fewer bins")
    v_hist_start = check_scalar(v_hist_start, "v_hist_start", low=0.0, high=t_max, high_inclusive=False,
                                unit="ms")
    hist = np.zeros((n_blocks, edges.size), dtype=np.int64)  # one extra column counts the outliers
    rec = Recording(row, traces, hist, float(edges[0]), float((edges.size - 1) / (edges[-1] - edges[0])),
                    int(math.ceil(v_hist_start / dt - 1e-9)))
    return rec, rec_ids, edges


def step_params(model, dt, n_neurons, n_ref, threshold_correction) -> StepParams:
    """The :class:`StepParams` of ``model`` (LIF or EIF) at time step ``dt`` (ms)."""
    if model.kind == "eif":
        psi_c, v_t, inv_delta = model.delta_t, model.v_t, 1.0 / model.delta_t
    else:
        psi_c, v_t, inv_delta = 0.0, 0.0, 0.0
    return StepParams(n_neurons, dt / model.tau_m, model.e_l, model.v_th, model.v_reset, n_ref, psi_c, v_t,
                      inv_delta, bool(threshold_correction))


def padded_lanes(model, v, mu, sigma, dt, seed_u64) -> Lanes:
    """Per-neuron :class:`Lanes`, padded to whole blocks with inert lanes: no noise, and a mean
    input that makes ``v_pad`` (below ``v_t``, so the EIF's upswing cannot start) a stable fixed
    point; they never fire and are never recorded. ``seed_u64``: the kernel seed
    (``snnlib._core.seeding.kernel_seed``) of the per-neuron streams."""
    n = v.size
    n_pad = -n % BLOCK
    v_pad = min(model.v_reset, model.v_t - model.delta_t) if model.kind == "eif" else model.v_reset
    sig_step = noise_step(sigma, dt, model.tau_m)
    states = _rng.stream_states(seed_u64, n)
    pad = lambda x, fill, dtype=float: np.concatenate([x, np.full(n_pad, fill, dtype=dtype)])  # noqa: E731
    return Lanes(pad(v, v_pad), np.zeros(n + n_pad, dtype=np.int64), pad(states, 0, np.uint64),
                 pad(mu, v_pad - model.e_l - float(model.psi(v_pad))), pad(sig_step, 0.0),
                 pad(inverse_bridge_variance(sig_step), inverse_bridge_variance(0.0)))


def shared_noise(seed_u64, n_steps, c) -> SharedNoise:
    """The :class:`SharedNoise` of a run of ``n_steps`` steps with input correlation ``c`` in [0, 1]
    (checked) from the kernel seed ``seed_u64``: ``n_steps`` standard normals of stream
    :data:`SHARED_STREAM`, or a dummy (never read) when ``c = 0``."""
    if c == 0.0:
        return SharedNoise(1.0, np.zeros(1))
    check_memory(8.0 * n_steps, "t_max", what=f"the shared noise of {n_steps} steps",
                 hint="shorten t_max or raise dt")
    # stream_states(s, 1) starts stream 0 from s + GAMMA: s = seed - GAMMA (mod 2^64) gives stream -1
    seed_shared = np.uint64((int(seed_u64) + SHARED_STREAM * int(_rng.GAMMA)) % 2 ** 64)
    y = _rng.standard_normals(seed_shared, 1, n_steps)[0]
    return SharedNoise(math.sqrt(1.0 - c), math.sqrt(c) * y)


def _prepare(model, mu, sigma, n_neurons, t_max, dt, seed, v0, mu_t, record_v, v_hist, v_hist_start,
             rate_bin, threshold_correction, input_correlation=0.0) -> _Run:
    """Check every input, guard the resources and build the padded state of one run."""
    model = check_model(model, "model", allowed=("lif", "eif"))
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    raw_dt, raw_t_max = dt, t_max
    dt = check_positive(dt, "dt", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    threshold_correction = check_bool(threshold_correction, "threshold_correction")
    c = check_scalar(input_correlation, "input_correlation", low=0.0, high=1.0)
    n_steps, n_ref = _check_time(model, dt, t_max, raw_dt, raw_t_max)
    check_work(float(n_neurons) * n_steps, "n_neurons * t_max / dt", what="the number of neuron-steps",
               hint="simulate fewer neurons or a shorter t_max")
    check_memory(BYTES_PER_NEURON * n_neurons, "n_neurons", what=f"the state of {n_neurons} neurons",
                 hint="simulate fewer neurons")
    mu_arr, sig_arr, mu_t_arr, v = _check_drive(model, mu, sigma, mu_t, v0, n_neurons, n_steps, dt)
    steps_per_bin = _check_rate_bin(rate_bin, dt, n_steps)
    n_blocks = -(-n_neurons // BLOCK)
    rec, rec_ids, edges = _check_recording(record_v, v_hist, v_hist_start, v, n_neurons, n_steps, dt, t_max,
                                           n_blocks)
    _guard_resources(model, n_neurons, n_steps, dt, mu_arr, sig_arr, mu_t_arr)
    seed_u64 = kernel_seed(seed)
    lanes = padded_lanes(model, v, mu_arr, sig_arr, dt, seed_u64)
    shared = shared_noise(seed_u64, n_steps, c)
    rec = rec._replace(row=np.concatenate([rec.row, np.full(lanes.v.size - n_neurons, -1, dtype=np.int64)]))
    kernel = block_kernel(model.kind == "eif", mu_t is not None, rec_ids is not None, edges is not None, c > 0.0)
    return _Run(step_params(model, dt, n_neurons, n_ref, threshold_correction), lanes, mu_t_arr, rec, kernel,
                n_steps, dt, steps_per_bin, edges, rec_ids, shared)


def _collect(run: _Run, sink: _SpikeSink) -> PopulationResult:
    """The :class:`PopulationResult` of a finished run."""
    n, n_steps, dt, spb = run.params.n_neurons, run.n_steps, run.dt, run.steps_per_bin
    rate = sink.rate_counts / (n * spb * dt / MS_PER_S)
    rate_time = (np.arange(sink.rate_counts.size) + 0.5) * spb * dt
    neuron_rates = sink.neuron_counts / (n_steps * dt / MS_PER_S)
    density, outside = None, 0.0
    if run.edges is not None:
        h = run.rec.hist.sum(axis=0)
        n_samples = n * (n_steps + 1 - max(run.rec.hist_start, 1))
        density = h[:-1] / (n_samples * np.diff(run.edges))
        total_nonref = h.sum()
        outside = float(h[-1] / total_nonref) if total_nonref else 0.0
    spike_times, spike_ids = sink.times_and_ids(dt)
    recorded = run.rec_ids is not None
    return PopulationResult(
        spike_times=spike_times, spike_ids=spike_ids, n_neurons=n, t_max=n_steps * dt, dt=dt,
        rate_time=rate_time, rate=rate, neuron_rates=neuron_rates,
        v_time=np.arange(n_steps + 1) * dt if recorded else None, v=run.rec.v if recorded else None,
        v_ids=run.rec_ids, v_hist_edges=run.edges, v_hist_density=density, v_hist_outside=outside)


# ------------------------------------------------------------------------------------------------
# Public functions
# ------------------------------------------------------------------------------------------------
def langevin_noise(n_neurons, n_steps, seed=None) -> np.ndarray:
    r"""The standard normal increments :func:`simulate_population` uses, as an array.

    With ``threshold_correction=False`` the simulator draws exactly one standard normal
    :math:`\xi_{k,i}` per neuron ``i`` and step ``k`` (also during refractoriness), and
    :math:`V_{k+1} = V_k + \frac{dt}{\tau_m}(E_L - V_k + \psi(V_k) + \mu)
    + \sigma\sqrt{2\,dt/\tau_m}\,\xi_{k,i}`.
    This function returns those :math:`\xi`, so that a from-scratch Euler-Maruyama loop can be
    checked against the library on the same noise.

    Parameters
    ----------
    n_neurons : int
        Number of neurons (>= 1).
    n_steps : int
        Number of time steps (>= 1).
    seed : None, int or numpy.random.Generator
        Same meaning as in :func:`simulate_population`.

    Returns
    -------
    ndarray, shape (n_steps, n_neurons)
        Independent standard normal numbers (dimensionless).

    Notes
    -----
    SplitMix64 streams (Steele, Lea & Flood 2014) and the 256-layer ziggurat
    (Marsaglia & Tsang 2000), one stream per neuron.

    Examples
    --------
    >>> import snnlib
    >>> xi = snnlib.langevin_noise(3, 1000, seed=1)
    >>> xi.shape
    (1000, 3)
    """
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    n_steps = check_int(n_steps, "n_steps", low=1)
    # the kernel draws neuron i's normals from stream i, in step order: stream by stream, transposed
    return np.ascontiguousarray(_rng.standard_normals(kernel_seed(seed), n_neurons, n_steps).T)


def simulate_population(model, mu, sigma, *, n_neurons, t_max, dt=0.1, seed=None, v0=None,
                        mu_t=None, record_v=None, v_hist=None, v_hist_start=0.0, rate_bin=None,
                        threshold_correction=True, input_correlation=0.0, progress=None) -> PopulationResult:
    r"""Simulate uncoupled LIF or EIF neurons driven by white noise (Euler-Maruyama).

    Every neuron ``i`` obeys
    :math:`\tau_m dV = (E_L - V + \psi(V) + \mu_i + \mu_t(t))\,dt + \sigma_i\sqrt{2\tau_m}\,dW_i`
    with Wiener processes that are independent, or, with ``input_correlation`` :math:`c`, share a
    common part, :math:`W_i = \sqrt{1 - c}\,B_i + \sqrt{c}\,B_0`; a spike is emitted when
    :math:`V` reaches ``v_th``, after which :math:`V` is held at ``v_reset`` for ``t_ref``.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (``tau_m`` ms, ``e_l``, ``v_th``, ``v_reset`` mV, ``t_ref`` ms; for the
        EIF also ``delta_t``, ``v_t`` mV).
    mu : float or array_like, shape (n_neurons,)
        Mean input (mV), one value for all neurons or one per neuron.
    sigma : float or array_like, shape (n_neurons,)
        Noise strength (mV), >= 0: the standard deviation of the free membrane potential.
    n_neurons : int
        Number of neurons (>= 1).
    t_max : float
        Duration (ms), > 0; must be a whole number of steps ``dt``.
    dt : float
        Time step (ms), > 0. ``ValueError`` if ``dt > tau_m / 10``; ``RuntimeWarning`` if
        ``dt > tau_m / 40``, or, for the EIF, if the noise step ``sigma sqrt(2 dt / tau_m)``
        exceeds ``delta_t / 2`` (the exponential is then poorly resolved), or if ``t_ref``
        is not a whole number of steps (it is rounded to ``round(t_ref / dt)`` steps).
    seed : None, int or numpy.random.Generator
        Seed of the noise. The same seed gives the same result at any number of threads.
    v0 : None, float or array_like, shape (n_neurons,)
        Initial membrane potential (mV), below ``v_th``; default ``v_reset`` for every neuron.
    mu_t : None or array_like, shape (n_steps,)
        Time-dependent input (mV) added to ``mu`` during each step ``k`` (from ``k dt`` to
        ``(k + 1) dt``), with ``n_steps = t_max / dt``. A separate keyword, so that a 1-D
        ``mu`` is always per neuron and never ambiguous.
    record_v : None or array_like of int
        Indices of the neurons whose voltage traces are kept (every step).
    v_hist : None or array_like
        Equally spaced bin edges (mV) of a membrane-potential histogram accumulated during the
        run (at every step from ``v_hist_start`` on, non-refractory neurons only).
    v_hist_start : float
        Burn-in (ms) before the histogram starts accumulating, in [0, t_max).
    rate_bin : None or float
        Width of the population-rate bins (ms); a whole number of steps, at most ``t_max``.
        Default: the whole number of steps closest to 1 ms (at least one step). An incomplete
        last bin is dropped.
    threshold_correction : bool
        If True (default), between two grid points that are both below threshold the neuron
        fires with the Brownian-bridge crossing probability (see Notes). If False, plain
        Euler-Maruyama with an absorbing threshold, whose rate is biased low by O(sqrt(dt)).
    input_correlation : float
        Correlation coefficient :math:`c` in [0, 1] of the white noise of any two neurons (see
        Notes): 0 (default) for independent noise, 1 for the same noise in every neuron.
    progress : None or bool
        Show a tqdm progress bar. ``None``: only if the run is estimated to take more than
        about 3 s, and never if the environment variable ``SNNLIB_PROGRESS=0``.

    Returns
    -------
    PopulationResult
        Spike times (ms) and neuron ids, population rate (Hz) in bins of ``rate_bin``, per-neuron
        rates (Hz), and the optional voltage traces (mV) and histogram (1/mV).

    Notes
    -----
    Euler-Maruyama (Kloeden & Platen 1992, section 10.2) for the Langevin equation above:
    :math:`V_{k+1} = V_k + \frac{dt}{\tau_m}\,(E_L - V_k + \psi(V_k) + \mu) + s\,\xi_k`,
    :math:`s = \sigma\sqrt{2\,dt/\tau_m}`, :math:`\xi_k \sim N(0, 1)`. A spike is registered at
    :math:`t_{k+1}` when :math:`V_{k+1} \ge v_{th}`.

    Between two grid values that are both below threshold, a Brownian path could still have
    touched it. For a Brownian bridge of variance :math:`s^2` pinned at :math:`V_k` and
    :math:`V_{k+1}`, the probability of having crossed :math:`v_{th}` is
    :math:`\exp(-2 (v_{th} - V_k)(v_{th} - V_{k+1}) / s^2)` (reflection principle; used for
    diffusion first-passage problems by Strittmatter 1987 and Giraudo & Sacerdote 1999,
    Commun Stat Simul Comput 28:1135; see also Mannella 1999 and Honeycutt 1992 for stochastic
    integrators). Firing with this probability removes the O(sqrt(dt)) undercount of the
    rate of plain Euler-Maruyama (Gobet 2000) and leaves an O(dt) error.

    Noise: SplitMix64 streams (Steele, Lea & Flood 2014), one per neuron, and the 256-layer
    ziggurat (Marsaglia & Tsang 2000). Per neuron and step one normal is drawn (also while
    refractory), and one uniform for a bridge test when the neuron is within reach of threshold.

    Shared input (de la Rocha et al. 2007, Nature 448:802): with ``input_correlation`` :math:`c > 0`
    neuron ``i`` steps with :math:`\xi_i(k) = \sqrt{1 - c}\,z_i(k) + \sqrt{c}\,y(k)`, where
    :math:`z_i(k)` is the normal it draws from its own stream (the same numbers as with
    :math:`c = 0`, and :math:`c = 0` gives exactly the result without shared noise) and
    :math:`y(k)` one standard normal per step common to all neurons, drawn before the run from
    a separate stream of the same seed (the stream just before neuron 0's,
    :data:`SHARED_STREAM`; ``t_max / dt`` doubles of memory). Each :math:`\xi_i` is still a
    standard normal, so every neuron alone is the neuron without shared noise, and
    :math:`\mathrm{corr}(\xi_i, \xi_j) = c`. The Brownian-bridge test of each neuron uses its
    own uniform: the bridge of each path is exact, but the crossings of two neurons within one
    step are drawn as if independent, an :math:`O(\sqrt{dt})` effect on their spike timing only.

    Speed: neurons are integrated in blocks of 64 (SIMD lanes), each block over a whole chunk of
    time steps, and the blocks are shared among ``numba.get_num_threads()`` threads (set it with
    ``NUMBA_NUM_THREADS`` or ``numba.set_num_threads``). Memory is O(n_neurons) plus the spikes
    and whatever is recorded.

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.simulate_population(snnlib.LIF(), mu=12.0, sigma=4.0,
    ...                                  n_neurons=100, t_max=200.0, seed=1)
    >>> res.spike_times.shape == res.spike_ids.shape
    True
    >>> res.rate.shape, float(res.rate_time[0])  # 1-ms bins, centred
    ((200,), 0.5)
    """
    run = _prepare(model, mu, sigma, n_neurons, t_max, dt, seed, v0, mu_t, record_v, v_hist, v_hist_start,
                   rate_bin, threshold_correction, input_correlation)
    sink = _SpikeSink(run.params.n_neurons, run.n_steps // run.steps_per_bin, run.steps_per_bin)
    run_chunks(run, sink, progress=progress)
    return _collect(run, sink)
