r"""Monte Carlo of uncoupled integrate-and-fire neurons driven by white noise.

Each neuron obeys the Langevin equation of the book (DESIGN.md)

.. math::

    \tau_m\,dV = \bigl(E_L - V + \psi(V) + \mu(t)\bigr)\,dt + \sigma\sqrt{2\tau_m}\,dW,

with a spike when :math:`V` reaches ``v_th``, after which :math:`V` is held at
``v_reset`` for ``t_ref`` ms. :func:`simulate_population` integrates it with the
Euler-Maruyama scheme (Kloeden & Platen 1992, section 10.2) plus an optional
Brownian-bridge correction for threshold crossings that happen between two
grid points. The noise is drawn inside a numba kernel from one independent
stream per neuron (see ``snnlib._rng``), so results depend on the seed only,
never on the number of threads; memory is O(n_neurons) plus the output.
"""

from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numba.np.arrayobj import populate_array
from numba.np.numpy_support import from_dtype

from .._core import rng as _rng
from .._core.seeding import kernel_seed
from .._core.validation import check_array, check_bool, check_int, check_positive, check_scalar
from ..models import check_model
from ..units import MS_PER_S

__all__ = ["PopulationResult", "simulate_population", "langevin_noise"]

#: Neurons per block: one block is integrated over a whole time chunk by one thread, lanes in SIMD.
_BLOCK = 64
#: Neuron-steps per chunk of the time loop (a chunk is one parallel region and one progress-bar tick).
_CHUNK_WORK = 20_000_000
#: Bridge probabilities exp(-q) with q above this are below 2^-54, the smallest uniform we draw,
#: so skipping them changes nothing.
_Q_MAX = 38.0
#: Crossing exponent used for noise-free neurons (sigma = 0): the bridge never fires.
_INV_VAR_NO_NOISE = 1e300

_MASK8 = np.uint64(255)
_ONE = np.uint64(1)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0
_ZIG_X1 = np.ascontiguousarray(_rng.ZIG_X[1:])  # x_{i+1}, so both look-ups use index i


# ------------------------------------------------------------------------------------------------
# Result
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PopulationResult:
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
    >>> res = snnlib.simulate_population(snnlib.LIF(), 20.0, 1.0, n_neurons=10, t_max=100.0, seed=0)
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

    @property
    def n_spikes(self) -> int:
        """Total number of spikes."""
        return int(self.spike_times.size)

    @property
    def mean_rate(self) -> float:
        """Mean rate per neuron over the whole run (Hz)."""
        return float(self.n_spikes / (self.n_neurons * self.t_max / MS_PER_S))


# ------------------------------------------------------------------------------------------------
# Kernels
# ------------------------------------------------------------------------------------------------
#: dtypes of the work arrays of one block, in the order ``_block_arrays`` returns them:
#: vv, rr, st, mb, sb, ib, zb, wx, wx1, xo, q, flag (see ``_make_run_blocks``).
_WORK_DTYPES = ("f8", "i8", "u8", "f8", "f8", "f8", "u8", "f8", "f8", "f8", "f8", "i8")


@intrinsic
def _block_arrays(typingctx):
    """The work arrays of one block: a tuple of ``len(_WORK_DTYPES)`` C-contiguous arrays of
    ``_BLOCK`` 8-byte elements, carved at fixed offsets out of one allocation (numba intrinsic,
    jitted code only).

    Emitted straight into the kernel: ``np.empty`` would compile a separate implementation for
    each dtype (~0.1 s each on a first call). From one allocation at constant offsets LLVM can
    tell that the arrays do not overlap, so the lane loops vectorise without run-time alias
    checks, and their constant length leaves no remainder loops. Each array holds a reference
    to the shared memory, which is freed with the last of them.
    """
    arrtys = [types.Array(from_dtype(np.dtype(k)), 1, "C") for k in _WORK_DTYPES]
    tupty = types.Tuple(arrtys)

    def codegen(context, builder, signature, args):
        intp = lambda value: context.get_constant(types.intp, value)  # noqa: E731
        meminfo = context.nrt.meminfo_alloc_aligned(builder, intp(8 * _BLOCK * len(arrtys)), 64)
        base = builder.bitcast(context.nrt.meminfo_data(builder, meminfo), ir.IntType(64).as_pointer())
        out = []
        for k, aty in enumerate(arrtys):
            ary = context.make_array(aty)(context, builder)
            data = builder.bitcast(builder.gep(base, [intp(k * _BLOCK)]),
                                   context.get_data_type(aty.dtype).as_pointer())
            populate_array(ary, data=data, shape=[intp(_BLOCK)], strides=[intp(8)], itemsize=intp(8),
                           meminfo=meminfo)
            if k > 0:  # the allocation came with one reference; one more per further array
                context.nrt.incref(builder, aty, ary._getvalue())
            out.append(ary._getvalue())
        return context.make_tuple(builder, tupty, out)

    return tupty(), codegen


def _make_run_blocks(eif, drive, record, histogram):
    """Build the kernel for one combination of features (called once per combination).

    The four flags are closure constants, so numba prunes the branches of the features a call
    does not use before typing them, and a first call compiles only what it needs (about 0.5 s
    less than a kernel with every feature, out of ~2.5 s, on the 2-core machine of
    benchmarks/README.md). numba caches each combination on disk separately (its cache key
    includes the closure's values).

    Parameters
    ----------
    eif : bool
        Exponential term psi(V) = delta_t exp((V - v_t) / delta_t) (EIF) or none (LIF).
    drive : bool
        Time-dependent input ``mu_t`` added to every neuron's ``mu``.
    record : bool
        Voltage traces of the neurons with ``rec_row >= 0`` are written to ``v_rec``.
    histogram : bool
        Non-refractory voltages are counted into ``hist`` from step ``hist_start`` on.
    """

    @njit(cache=True, nogil=True, fastmath={"contract", "arcp", "nsz"})
    def run_blocks(b0, b1, n_neurons, v, refr, states, mu, sig_step, inv2var, mu_t, a, e_l, v_th,
                   v_reset, n_ref, psi_c, v_t, inv_delta, correction, n0, n1, sp_step, sp_id, sp_count,
                   rec_row, v_rec, hist, h_lo, h_inv_w, hist_start, zx, zx1, zf):
        """Integrate blocks ``b0 .. b1 - 1`` of ``_BLOCK`` neurons each from step ``n0`` to
        ``n1``, releasing the GIL (jitted, no checking).

        The per-neuron arrays are padded to a whole number of blocks; the padding lanes are inert
        (no noise, at a stable fixed point below threshold), never fire and are never recorded. The
        block's state lives in local work arrays of ``_BLOCK`` lanes (see ``_block_arrays``), so
        that the loops over the lanes vectorise. Per step: (1) SplitMix64 draws (vectorised) and
        ziggurat table look-ups (scalar: LLVM does not vectorise these gathers); (2) ziggurat fast
        path, Euler-Maruyama update, refractory hold, threshold and bridge test in one vectorised
        pass; (3) rare scalar fix-ups: lanes whose fast path was rejected get their normal from
        ``normal_slow`` (same stream) and redo the step; lanes that crossed or came close to
        threshold fire (bridge uniform from the lane's own stream). Spikes go to the block's row of
        the buffers; ``sp_count`` keeps counting past the capacity so the caller can detect
        overflow. Element loops, not slice copies: numba's error path for a slice assignment costs
        seconds of compile time.
        """
        cap = sp_step.shape[1]
        use_bridge = 1 if correction else 0
        for b in range(b0, b1):
            lo = b * _BLOCK
            m = _BLOCK if lo + _BLOCK <= n_neurons else n_neurons - lo  # real lanes of this block
            vv, rr, st, mb, sb, ib, zb, wx, wx1, xo, q, flag = _block_arrays()
            for l in range(_BLOCK):
                vv[l] = v[lo + l]
                rr[l] = refr[lo + l]
                st[l] = states[lo + l]
                mb[l] = mu[lo + l]
                sb[l] = sig_step[lo + l]
                ib[l] = inv2var[lo + l]
            if record:
                rec_lanes = np.empty(_BLOCK, dtype=np.int64)
                n_rec = 0
                for l in range(m):
                    if rec_row[lo + l] >= 0:
                        rec_lanes[n_rec] = l
                        n_rec += 1
            cnt = sp_count[b]
            for k in range(n0, n1):
                mt = mu_t[k] if drive else 0.0
                # (1) SplitMix64 draws (vectorised) and ziggurat table look-ups (scalar)
                for l in range(_BLOCK):
                    s = st[l] + _rng.GAMMA
                    st[l] = s
                    zb[l] = _rng.mix64(s)
                for l in range(_BLOCK):
                    i = zb[l] & _MASK8
                    wx[l] = zx[i]
                    wx1[l] = zx1[i]
                # (2) ziggurat fast path, Euler-Maruyama step (Kloeden & Platen 1992, 10.2),
                # refractory hold and crossing tests in one vectorised pass; flag bits: 1 crossed
                # or near threshold, 2 fast path rejected (the step is redone in (3)), 4 rejected
                # while refractory
                nflag = 0
                for l in range(_BLOCK):
                    z = zb[l]
                    gx = np.float64(z >> _S11) * _TWO_M53 * wx[l]
                    gl = (1.0 - 2.0 * np.float64((z >> _S8) & _ONE)) * gx
                    x = vv[l]
                    xo[l] = x
                    psi = psi_c * _rng.exp_fast((x - v_t) * inv_delta) if eif else 0.0
                    xn = x + a * (e_l - x + psi + mb[l] + mt) + sb[l] * gl
                    held = rr[l] > 0
                    xn = v_reset if held else xn
                    rr[l] = rr[l] - 1 if held else 0
                    qq = (v_th - x) * (v_th - xn) * ib[l]
                    q[l] = qq
                    bb = 0 if gx < wx1[l] else 2
                    f = (1 if xn >= v_th else 0) | (use_bridge if (qq < _Q_MAX) & (not held) else 0) | bb \
                        | (2 * bb if held else 0)
                    vv[l] = xn
                    flag[l] = f
                    nflag += f
                # (3) rare scalar fix-ups of the real lanes: rejected normals (slow path from the
                # same stream, step redone), spikes at grid points, and Brownian-bridge crossings
                # between grid points
                if nflag > 0:
                    for l in range(m):
                        f = flag[l]
                        if f == 0:
                            continue
                        if f & 2:
                            gl = _rng.normal_slow(st, l, zb[l], zx, zf)
                            if f & 4:
                                continue  # refractory: V stays at v_reset whatever the noise
                            x = xo[l]
                            psi = psi_c * _rng.exp_fast((x - v_t) * inv_delta) if eif else 0.0
                            xn = x + a * (e_l - x + psi + mb[l] + mt) + sb[l] * gl
                            vv[l] = xn
                            q[l] = (v_th - x) * (v_th - xn) * ib[l]
                        fire = vv[l] >= v_th
                        if not fire and correction and q[l] < _Q_MAX:
                            u = _rng.uniform53(_rng.next_u64(st, l))
                            fire = u < math.exp(-q[l])
                        if fire:
                            if cnt < cap:
                                sp_step[b, cnt] = k
                                sp_id[b, cnt] = lo + l
                            cnt += 1
                            vv[l] = v_reset
                            rr[l] = n_ref
                if record:
                    for r in range(n_rec):
                        l = rec_lanes[r]
                        v_rec[rec_row[lo + l], k + 1] = vv[l]
                if histogram:
                    if k + 1 >= hist_start:
                        n_bins = hist.shape[1]
                        for l in range(m):
                            if rr[l] == 0:
                                j = int(math.floor((vv[l] - h_lo) * h_inv_w))
                                if j < 0 or j >= n_bins - 1:
                                    j = n_bins - 1  # last column collects the samples outside the edges
                                hist[b, j] += 1
            sp_count[b] = cnt
            for l in range(_BLOCK):
                v[lo + l] = vv[l]
                refr[lo + l] = rr[l]
                states[lo + l] = st[l]

    return run_blocks


_KERNELS = {}


def _run_blocks_kernel(eif, drive, record, histogram):
    """The kernel for this combination of features, built on first use."""
    key = (bool(eif), bool(drive), bool(record), bool(histogram))
    if key not in _KERNELS:
        _KERNELS[key] = _make_run_blocks(*key)
    return _KERNELS[key]


_POOL = {}


def _thread_pool(n_threads):
    """A persistent pool of ``n_threads - 1`` workers (the calling thread does one share)."""
    if n_threads <= 1:
        return None
    if n_threads not in _POOL:
        _POOL[n_threads] = ThreadPoolExecutor(max_workers=n_threads - 1, thread_name_prefix="snnlib")
    return _POOL[n_threads]


def _run_chunk(kernel, pool, n_threads, n_blocks, *args):
    """Split the blocks into ``n_threads`` contiguous ranges and run them on the thread pool.

    Each block depends only on its own neurons' streams and writes only its own rows, so the
    result is the same for any number of threads.
    """
    if n_threads <= 1 or n_blocks == 1:
        kernel(0, n_blocks, *args)
        return
    bounds = np.linspace(0, n_blocks, min(n_threads, n_blocks) + 1).round().astype(np.int64)
    futures = [pool.submit(kernel, int(bounds[i]), int(bounds[i + 1]), *args)
               for i in range(1, bounds.size - 1)]
    kernel(int(bounds[0]), int(bounds[1]), *args)
    for f in futures:
        f.result()


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


def _per_neuron(value, name, n_neurons, *, low=None, unit="mV"):
    """Scalar or (n_neurons,) array -> float64 array of length n_neurons."""
    if np.ndim(value) == 0:
        x = check_scalar(value, name, low=low, unit=unit)
        return np.full(n_neurons, x)
    arr = check_array(value, name, ndim=1, low=low, unit=unit)
    if arr.size != n_neurons:
        raise ValueError(f"{name} must be a scalar or an array of shape (n_neurons,) = ({n_neurons},), "
                         f"got shape {arr.shape}; for a time-dependent input use mu_t")
    return arr


def _progress_wanted(progress, est_seconds):
    if progress is not None:
        return check_bool(progress, "progress")
    if os.environ.get("SNNLIB_PROGRESS", "") == "0":
        return False
    return est_seconds > 3.0


def simulate_population(model, mu, sigma, *, n_neurons, t_max, dt=0.1, seed=None, v0=None,
                        mu_t=None, record_v=None, v_hist=None, v_hist_start=0.0, rate_bin=None,
                        threshold_correction=True, progress=None) -> PopulationResult:
    r"""Simulate uncoupled LIF or EIF neurons driven by white noise (Euler-Maruyama).

    Every neuron ``i`` obeys
    :math:`\tau_m dV = (E_L - V + \psi(V) + \mu_i + \mu_t(t))\,dt + \sigma_i\sqrt{2\tau_m}\,dW_i`
    with independent Wiener processes; a spike is emitted when :math:`V` reaches ``v_th``,
    after which :math:`V` is held at ``v_reset`` for ``t_ref``.

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

    Speed: neurons are integrated in blocks of 64 (SIMD lanes), each block over a whole chunk of
    time steps, and the blocks are shared among ``numba.get_num_threads()`` threads (set it with
    ``NUMBA_NUM_THREADS`` or ``numba.set_num_threads``). Memory is O(n_neurons) plus the spikes
    and whatever is recorded.

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.simulate_population(snnlib.LIF(), mu=12.0, sigma=4.0, n_neurons=100,
    ...                                  t_max=200.0, seed=1)
    >>> res.spike_times.shape == res.spike_ids.shape
    True
    >>> res.rate.shape, float(res.rate_time[0])  # 1-ms bins, centred
    ((200,), 0.5)
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    dt = check_positive(dt, "dt", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    threshold_correction = check_bool(threshold_correction, "threshold_correction")
    tau = model.tau_m
    if dt > tau / 10.0:
        raise ValueError(f"dt must be at most tau_m / 10 = {tau / 10:g} ms for Euler-Maruyama, got {dt:g} ms")
    n_steps = int(round(t_max / dt))
    if n_steps < 1 or abs(n_steps * dt - t_max) > 1e-9 * max(t_max, 1.0):
        raise ValueError(f"t_max must be a whole number of steps dt = {dt:g} ms, got t_max = {t_max:g} ms")
    mu_arr = _per_neuron(mu, "mu", n_neurons)
    sig_arr = _per_neuron(sigma, "sigma", n_neurons, low=0.0)
    if dt > tau / 40.0:
        warnings.warn(f"dt = {dt:g} ms > tau_m / 40 = {tau / 40:g} ms: expect Euler-Maruyama errors of "
                      f"order dt / tau_m in rates and voltages", RuntimeWarning, stacklevel=2)
    if model.kind == "eif":
        s_max = float(sig_arr.max()) * math.sqrt(2.0 * dt / tau)
        if s_max > model.delta_t / 2.0:
            warnings.warn(f"noise step sigma*sqrt(2 dt/tau_m) = {s_max:g} mV exceeds delta_t / 2 = "
                          f"{model.delta_t / 2:g} mV: the exponential upswing is poorly resolved; "
                          f"reduce dt", RuntimeWarning, stacklevel=2)
    n_ref = int(round(model.t_ref / dt))
    if abs(n_ref * dt - model.t_ref) > 1e-9 * max(model.t_ref, 1.0):
        warnings.warn(f"t_ref = {model.t_ref:g} ms is not a whole number of steps dt = {dt:g} ms; "
                      f"using {n_ref * dt:g} ms", RuntimeWarning, stacklevel=2)

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
        v = _per_neuron(v0, "v0", n_neurons)
        if np.any(v >= model.v_th):
            raise ValueError(f"v0 must be below v_th = {model.v_th:g} mV everywhere, got max {v.max():g} mV")

    if rate_bin is None:
        rate_bin = min(max(1, round(1.0 / dt)), n_steps) * dt
    rate_bin = check_positive(rate_bin, "rate_bin", unit="ms")
    steps_per_bin = int(round(rate_bin / dt))
    if steps_per_bin < 1 or abs(steps_per_bin * dt - rate_bin) > 1e-9 * max(rate_bin, 1.0) \
            or steps_per_bin > n_steps:
        raise ValueError(f"rate_bin must be a whole number of steps dt = {dt:g} ms in [dt, t_max], "
                         f"got {rate_bin:g} ms")

    if record_v is None:
        rec_ids = None
        rec_row = np.full(n_neurons, -1, dtype=np.int64)
        v_rec = np.zeros((0, 1))
    else:
        rec_ids = check_array(record_v, "record_v", ndim=1, dtype=np.int64, low=0, high=n_neurons - 1,
                              min_size=0)
        if np.unique(rec_ids).size != rec_ids.size:
            raise ValueError("record_v must not contain repeated neuron indices")
        rec_row = np.full(n_neurons, -1, dtype=np.int64)
        rec_row[rec_ids] = np.arange(rec_ids.size)
        v_rec = np.empty((rec_ids.size, n_steps + 1))
        v_rec[:, 0] = v[rec_ids]

    n_blocks = (n_neurons + _BLOCK - 1) // _BLOCK
    if v_hist is None:
        edges = None
        hist = np.zeros((n_blocks, 0), dtype=np.int64)
        h_lo = h_inv_w = 0.0
        hist_start = 0
    else:
        edges = check_array(v_hist, "v_hist", ndim=1, min_size=2, unit="mV")
        widths = np.diff(edges)
        if np.any(widths <= 0) or np.ptp(widths) > 1e-9 * abs(widths[0]) * widths.size:
            raise ValueError("v_hist must be equally spaced, increasing bin edges (mV), "
                             "e.g. np.linspace(...)")
        v_hist_start = check_scalar(v_hist_start, "v_hist_start", low=0.0, high=t_max, high_inclusive=False,
                                    unit="ms")
        hist_start = int(math.ceil(v_hist_start / dt - 1e-9))
        # one extra column counts the samples outside the edges
        hist = np.zeros((n_blocks, edges.size), dtype=np.int64)
        h_lo = float(edges[0])
        h_inv_w = float((edges.size - 1) / (edges[-1] - edges[0]))

    ks = kernel_seed(seed)
    states = _rng.stream_states(ks, n_neurons)
    sig_step = sig_arr * math.sqrt(2.0 * dt / tau)
    with np.errstate(divide="ignore"):
        inv2var = np.where(sig_step > 0, 2.0 / np.where(sig_step > 0, sig_step, 1.0) ** 2, _INV_VAR_NO_NOISE)
    if model.kind == "eif":
        psi_c, v_t, inv_delta = model.delta_t, model.v_t, 1.0 / model.delta_t
        v_pad = min(model.v_reset, model.v_t - model.delta_t)
    else:
        psi_c, v_t, inv_delta = 0.0, 0.0, 0.0
        v_pad = model.v_reset
    # Pad the per-neuron arrays to whole blocks with inert lanes: no noise, and a mean input that
    # makes v_pad (below v_t, so the EIF's upswing cannot start) a stable fixed point.
    n_pad = n_blocks * _BLOCK - n_neurons
    v = np.concatenate([v, np.full(n_pad, v_pad)])
    refr = np.zeros(n_blocks * _BLOCK, dtype=np.int64)
    states = np.concatenate([states, np.zeros(n_pad, dtype=np.uint64)])
    mu_arr = np.concatenate([mu_arr, np.full(n_pad, v_pad - model.e_l - float(model.psi(v_pad)))])
    sig_step = np.concatenate([sig_step, np.zeros(n_pad)])
    inv2var = np.concatenate([inv2var, np.full(n_pad, _INV_VAR_NO_NOISE)])
    rec_row = np.concatenate([rec_row, np.full(n_pad, -1, dtype=np.int64)])

    chunk = max(1, min(n_steps, _CHUNK_WORK // n_neurons))
    est_seconds = 5e-9 * n_neurons * n_steps
    bar = None
    if _progress_wanted(progress, est_seconds):
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, unit="step", desc="simulate_population", leave=False)
    cap = max(16, int(min(_BLOCK, n_neurons) * chunk * dt / MS_PER_S * 100.0) + 16)  # ~100 Hz per neuron
    kernel = _run_blocks_kernel(model.kind == "eif", mu_t is not None, rec_ids is not None, edges is not None)
    n_threads = numba.get_num_threads()
    pool = _thread_pool(n_threads)
    steps_out, ids_out = [], []
    try:
        n0 = 0
        while n0 < n_steps:
            n1 = min(n_steps, n0 + chunk)
            saved = (v.copy(), refr.copy(), states.copy(), hist.copy())
            while True:
                sp_step = np.empty((n_blocks, cap), dtype=np.int64)
                sp_id = np.empty((n_blocks, cap), dtype=np.int64)
                sp_count = np.zeros(n_blocks, dtype=np.int64)
                _run_chunk(kernel, pool, n_threads, n_blocks, n_neurons, v, refr, states, mu_arr, sig_step,
                           inv2var, mu_t_arr, dt / tau, model.e_l, model.v_th, model.v_reset, n_ref, psi_c,
                           v_t, inv_delta, threshold_correction, n0, n1, sp_step, sp_id, sp_count, rec_row,
                           v_rec, hist, h_lo, h_inv_w, hist_start, _rng.ZIG_X, _ZIG_X1, _rng.ZIG_F)
                if sp_count.max(initial=0) <= cap:
                    break
                # buffer overflow: restore the chunk's start state and rerun with room for all spikes
                cap = int(1.25 * sp_count.max()) + 16
                v[:], refr[:], states[:], hist[:] = saved
            for b in range(n_blocks):
                c = sp_count[b]
                if c:
                    steps_out.append(sp_step[b, :c])
                    ids_out.append(sp_id[b, :c])
            if bar is not None:
                bar.update(n1 - n0)
            n0 = n1
    finally:
        if bar is not None:
            bar.close()

    if steps_out:
        all_steps = np.concatenate(steps_out)
        all_ids = np.concatenate(ids_out)
        # blocks are in neuron order, so a stable sort on the step orders ties by neuron index
        order = np.argsort(all_steps, kind="stable")
        all_steps, all_ids = all_steps[order], all_ids[order]
    else:
        all_steps = np.zeros(0, dtype=np.int64)
        all_ids = np.zeros(0, dtype=np.int64)
    spike_times = (all_steps + 1) * dt

    n_rbins = n_steps // steps_per_bin
    counts = np.bincount(all_steps // steps_per_bin, minlength=n_rbins + 1)[:n_rbins]
    rate = counts / (n_neurons * steps_per_bin * dt / MS_PER_S)
    rate_time = (np.arange(n_rbins) + 0.5) * steps_per_bin * dt
    neuron_rates = np.bincount(all_ids, minlength=n_neurons) / (n_steps * dt / MS_PER_S)

    density = None
    outside = 0.0
    if edges is not None:
        h = hist.sum(axis=0)
        n_samples = n_neurons * (n_steps + 1 - max(hist_start, 1))
        inside = h[:-1]
        density = inside / (n_samples * np.diff(edges))
        total_nonref = h.sum()
        outside = float(h[-1] / total_nonref) if total_nonref else 0.0

    return PopulationResult(
        spike_times=spike_times, spike_ids=all_ids, n_neurons=n_neurons, t_max=n_steps * dt, dt=dt,
        rate_time=rate_time, rate=rate, neuron_rates=neuron_rates,
        v_time=None if rec_ids is None else np.arange(n_steps + 1) * dt,
        v=None if rec_ids is None else v_rec, v_ids=rec_ids,
        v_hist_edges=edges, v_hist_density=density, v_hist_outside=outside)
