r"""The linear multivariate Hawkes process: the exactly solvable model of correlations from
connectivity (chapter 8).

Process ``i`` emits spikes with the conditional intensity (Hawkes 1971)

.. math::

    \lambda_i(t) = b_i + \sum_j \sum_{t^j_k < t} G_{ij}(t - t^j_k), \qquad
    G_{ij}(t) = W_{ij}\, \frac{e^{-(t - d)/\tau}}{\tau}\, \Theta(t - d),

with baseline rates :math:`b_i` (Hz), a dimensionless weight :math:`W_{ij} = \int G_{ij}\,dt`
(the expected number of extra spikes of ``i`` caused by one spike of ``j``), a time constant
:math:`\tau` and a delay :math:`d` (ms). Because the intensity is linear in the past spikes, the
stationary statistics follow from the weights alone (Hawkes 1971; Hawkes & Oakes 1974):

* rates :math:`r = (I - W)^{-1} b` (:func:`hawkes_rates`);
* cross-spectrum :math:`C(f) = B(f)\, D\, B(f)^H` with :math:`B(f) = (I - \hat G(f))^{-1}`,
  :math:`D = \mathrm{diag}(r)` and :math:`\hat G(f) = W e^{-2\pi i f d}/(1 + 2\pi i f \tau)`
  (:func:`hawkes_cross_spectrum`);
* long-window count covariance :math:`C(0) = (I - W)^{-1} D (I - W)^{-T}`
  (:func:`hawkes_count_covariance`);
* covariance density :math:`C_{ij}(s) = \mathrm{Cov}(dN_i(t + s), dN_j(t))/dt^2`, whose
  Fourier transform is :math:`C(f)` (:func:`hawkes_covariance_density`).

A stationary state exists when the spectral radius of :math:`W` is below 1. Negative weights
(inhibition) are allowed as in Pernice et al. (2011); the simulated intensity is then
rectified, :math:`[\lambda_i]_+`, and the formulas above hold as long as the rectification is rare
(:attr:`HawkesResult.rectified` reports how often a candidate found a negative intensity).

:func:`simulate_hawkes` is exact (no time step): Ogata's (1981) thinning, with an upper bound of
the total intensity that holds until the next delayed arrival of a spike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numba import njit

from .._core.seeding import as_generator
from .._core.validation import check_array, check_memory, check_nonnegative, check_positive, check_work
from ..spikes.containers import SpikeRecord
from ..units import MS_PER_S

__all__ = ["HawkesResult", "simulate_hawkes", "hawkes_rates", "hawkes_count_covariance", "hawkes_cross_spectrum",
           "hawkes_covariance_density"]

#: Largest spectral radius of the weights accepted: at 1 the rates diverge.
MAX_RADIUS = 1.0 - 1e-9


# ------------------------------------------------------------------------------------------------
# Input
# ------------------------------------------------------------------------------------------------
def _check_process(baseline, weights) -> tuple[np.ndarray, np.ndarray]:
    w = check_array(weights, "weights", ndim=2)
    n = w.shape[0]
    if w.shape != (n, n):
        raise ValueError(f"weights must be a square array (n, n), got shape {w.shape}")
    b = check_array(baseline, "baseline", ndim=(0, 1), low=0.0, unit="Hz")
    if b.ndim == 0:
        b = np.full(n, float(b))
    elif b.shape != (n,):
        raise ValueError(f"baseline must be a scalar or an array of shape (n,) = ({n},) like weights, "
                         f"got shape {b.shape}")
    radius = float(np.max(np.abs(np.linalg.eigvals(w)))) if n else 0.0
    if radius >= MAX_RADIUS:
        raise ValueError(f"weights must have a spectral radius below 1 (a stationary state), got {radius:.6g}")
    return b, w


def _rates(b: np.ndarray, w: np.ndarray) -> np.ndarray:
    r = np.linalg.solve(np.eye(w.shape[0]) - w, b)
    if np.any(r < 0.0):
        raise ValueError(f"weights give negative stationary rates (min {r.min():.3g} Hz): the linear Hawkes "
                         f"process has no stationary state here; raise baseline or weaken the inhibition")
    return r


def _check_freqs(freqs) -> np.ndarray:
    return check_array(freqs, "freqs", ndim=(0, 1), unit="Hz")


# ------------------------------------------------------------------------------------------------
# Closed forms
# ------------------------------------------------------------------------------------------------
def hawkes_rates(baseline, weights) -> np.ndarray:
    r"""Stationary rates of a linear Hawkes process, :math:`r = (I - W)^{-1} b` (Hawkes 1971).

    Parameters
    ----------
    baseline : float or array_like, shape (n,)
        Baseline rates :math:`b_i` (Hz), nonnegative.
    weights : array_like, shape (n, n)
        ``weights[i, j]``: integrated effect of a spike of ``j`` on the intensity of ``i``
        (dimensionless); spectral radius below 1.

    Returns
    -------
    ndarray, shape (n,)
        Rates (Hz).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> snnlib.hawkes_rates(10.0, [[0.0, 0.5], [0.5, 0.0]])   # 10 / (1 - 0.5)
    array([20., 20.])
    """
    b, w = _check_process(baseline, weights)
    return _rates(b, w)


def hawkes_count_covariance(baseline, weights) -> np.ndarray:
    r"""Long-window spike-count covariance per unit time of a linear Hawkes process,
    :math:`\lim_{T\to\infty} \mathrm{Cov}(N_i(T), N_j(T))/T = [(I - W)^{-1} D (I - W)^{-T}]_{ij}`
    with :math:`D = \mathrm{diag}(r)` (Hawkes 1971; the zero-frequency cross-spectrum).

    Parameters
    ----------
    baseline, weights
        As in :func:`hawkes_rates`.

    Returns
    -------
    ndarray, shape (n, n)
        Covariance per unit time (Hz); the diagonal is the rate times the Fano factor.

    Examples
    --------
    >>> import snnlib
    >>> # r / (1 - w)^2 = 20 / 0.25
    >>> float(snnlib.hawkes_count_covariance(10.0, [[0.5]])[0, 0])
    80.0
    """
    b, w = _check_process(baseline, weights)
    r = _rates(b, w)
    prop = np.linalg.inv(np.eye(w.shape[0]) - w)
    return (prop * r) @ prop.T


def _kernel_hat(freqs_hz: np.ndarray, tau_ms: float, delay_ms: float) -> np.ndarray:
    """Fourier transform of exp(-(t - d)/tau)/tau for t > d: exp(-2 pi i f d)/(1 + 2 pi i f tau)."""
    omega = 2.0 * np.pi * freqs_hz / MS_PER_S   # rad per ms
    return np.exp(-1j * omega * delay_ms) / (1.0 + 1j * omega * tau_ms)


def _sandwich(prop: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``prop @ diag(r) @ prop^H`` for a stack of matrices (the conjugate transpose made contiguous
    first: batched products of contiguous stacks run twice as fast)."""
    return (prop * r) @ np.ascontiguousarray(np.conj(np.swapaxes(prop, 1, 2)))


def hawkes_cross_spectrum(baseline, weights, tau, freqs, delay=0.0) -> np.ndarray:
    r"""Cross-spectrum of a linear Hawkes process, :math:`C(f) = B D B^H` with
    :math:`B = (I - W\hat g(f))^{-1}`, :math:`\hat g(f) = e^{-2\pi i f d}/(1 + 2\pi i f\tau)`
    and :math:`D = \mathrm{diag}(r)` (Hawkes 1971; Pernice et al. 2011, eq. 8).

    The convention is :math:`C_{ij}(f) = \int C_{ij}(s) e^{-2\pi i f s} ds` with
    :math:`C_{ij}(s) = \mathrm{Cov}(dN_i(t+s), dN_j(t))/dt^2` including its :math:`r_i\delta(s)`
    term, so :math:`C(f) \to D` as :math:`f \to \infty` and :math:`C(0)` is
    :func:`hawkes_count_covariance`.

    Parameters
    ----------
    baseline, weights
        As in :func:`hawkes_rates`.
    tau : float
        Time constant of the kernels (ms).
    freqs : float or array_like
        Frequencies (Hz).
    delay : float
        Delay of the kernels (ms).

    Returns
    -------
    ndarray of complex, shape (len(freqs), n, n)
        Cross-spectra (Hz); Hermitian at every frequency.

    Examples
    --------
    >>> import snnlib
    >>> c = snnlib.hawkes_cross_spectrum(10.0, [[0.5]], tau=5.0,
    ...                                  freqs=[0.0, 1e6])
    >>> [round(float(x), 3) for x in c[:, 0, 0].real]
    [80.0, 20.0]
    """
    b, w = _check_process(baseline, weights)
    tau = check_positive(tau, "tau", unit="ms")
    delay = check_nonnegative(delay, "delay", unit="ms")
    f = np.atleast_1d(_check_freqs(freqs))
    r = _rates(b, w)
    n = w.shape[0]
    prop = np.linalg.inv(np.eye(n) - _kernel_hat(f, tau, delay)[:, None, None] * w)
    return _sandwich(prop, r)


def hawkes_covariance_density(baseline, weights, tau, lags, delay=0.0, *, bin_width=None) -> np.ndarray:
    r"""Covariance density of a linear Hawkes process without its delta peak: the continuous part
    of :math:`C_{ij}(s) = \mathrm{Cov}(dN_i(t+s), dN_j(t))/dt^2` (the :math:`r_i \delta(s)` term
    left out).

    With :math:`R(s) = \sum_{n \ge 1} (W g)^{*n}(s)` the resolvent of the kernels (the expected
    extra rate of every process at lag ``s`` after a spike, causal),
    :math:`C(s) = R(s) D + D R(-s)^T + \int R(s + u) D R(u)^T du` (Hawkes 1971). For exponential
    kernels without delay it is closed: :math:`R(s) = (W/\tau) E(s)`,
    :math:`E(s) = \exp(-(I - W)s/\tau)` for :math:`s > 0`, and for :math:`s > 0`

    .. math::

        C(s) &= R(s) D + E(s) Q, \qquad Q = \frac{1}{\tau^2} W P W^T, \\
        D &= \tfrac{1}{\tau}\left[(I - W) P + P (I - W)^T\right],

    (a Lyapunov equation for :math:`P = \int_0^\infty E D E^T`), and :math:`C(-s) = C(s)^T`.
    At :math:`s = 0` the two one-sided limits differ by :math:`R(0^+)D - DR(0^+)^T`; their mean
    is returned. With a delay the resolvent has no matrix-exponential form, and the density is
    the inverse Fourier transform of :func:`hawkes_cross_spectrum` minus :math:`D`, with the
    terms of first and second order in :math:`W` (whose jumps and kinks would converge slowly)
    taken exactly in the time domain and the smooth rest on a grid fine enough for a relative
    error of about 1e-6 (see ``_density_by_fourier``).

    Parameters
    ----------
    baseline, weights
        As in :func:`hawkes_rates`.
    tau : float
        Time constant of the kernels (ms).
    lags : float or array_like
        Lags ``s`` (ms).
    delay : float
        Delay of the kernels (ms).
    bin_width : None or float
        If given (ms), the mean of the density over a bin of this width centred on each lag
        (what a cross-correlogram with that bin measures), by the midpoint rule on 64
        sub-intervals (the density is smooth except for jumps, whose error this keeps below
        1/128 of the jump times the bin's share).

    Returns
    -------
    ndarray, shape (len(lags), n, n)
        :math:`C_{ij}(s)` (Hz^2): the rate of pairs, a spike of ``i`` at lag ``s`` after one of
        ``j``, beyond the product of the rates.

    Examples
    --------
    >>> import snnlib
    >>> c = snnlib.hawkes_covariance_density(10.0, [[0.0, 0.5], [0.0, 0.0]],
    ...                                      tau=5.0, lags=[5.0])
    >>> # one-way: 0.5 exp(-1) / 5 ms x 10 Hz, in Hz^2
    >>> round(float(c[0, 0, 1]), 3)
    367.879
    """
    b, w = _check_process(baseline, weights)
    tau = check_positive(tau, "tau", unit="ms")
    delay = check_nonnegative(delay, "delay", unit="ms")
    s = np.atleast_1d(check_array(lags, "lags", ndim=(0, 1), unit="ms"))
    r = _rates(b, w)
    n_sub = 1
    if bin_width is not None:
        width = check_positive(bin_width, "bin_width", unit="ms")
        n_sub = 64
        s = (s[:, None] + width * ((np.arange(n_sub) + 0.5) / n_sub - 0.5)).ravel()
    dens = _density_closed(r, w, tau, s) if delay == 0.0 else _density_by_fourier(r, w, tau, delay, s)
    return dens.reshape(-1, n_sub, *dens.shape[1:]).mean(axis=1)


def _density_closed(r, w, tau, s):
    """The closed form without delay (see :func:`hawkes_covariance_density`); times in s."""
    n = w.shape[0]
    tau_s = tau / MS_PER_S
    a = np.eye(n) - w
    d = np.diag(r)
    p = scipy.linalg.solve_continuous_lyapunov(a / tau_s, d)
    q = w @ p @ w.T / tau_s ** 2
    out = np.empty((s.size, n, n))
    for k, lag in enumerate(s):
        e = scipy.linalg.expm(-a * (abs(lag) / MS_PER_S) / tau_s)
        rd = (w @ e / tau_s) * r        # R(|s|) D
        c = rd + e @ q
        if lag == 0.0:
            c = q + 0.5 * (rd + rd.T)
        out[k] = c if lag >= 0.0 else c.T
    return out


def _low_orders(r, w, tau, delay, s):
    """The terms of first and second order in W of the density, exactly (Hz^2):
    G(s) D + D G(-s)^T + W^2 D g2(s) + D W^T2 g2(-s) + W D W^T h(s), with
    g(x) = exp(-(x - d)/tau)/tau for x > d, g2 = g * g = (x - 2d) exp(-(x - 2d)/tau)/tau^2 for
    x > 2d and h(x) = exp(-|x|/tau)/(2 tau) (the overlap of two kernels)."""
    ts, ds, x = tau / MS_PER_S, delay / MS_PER_S, s / MS_PER_S
    g = lambda y: np.where(y > ds, np.exp(-np.maximum(y - ds, 0.0) / ts) / ts, 0.0)  # noqa: E731
    g2 = lambda y: np.where(y > 2 * ds, np.maximum(y - 2 * ds, 0.0) / ts ** 2  # noqa: E731
                            * np.exp(-np.maximum(y - 2 * ds, 0.0) / ts), 0.0)
    h = np.exp(-np.abs(x) / ts) / (2.0 * ts)
    wd, w2d = w * r, (w @ w) * r
    col = lambda v: v[:, None, None]  # noqa: E731
    return (col(g(x)) * wd + col(g(-x)) * wd.T + col(g2(x)) * w2d + col(g2(-x)) * w2d.T
            + col(h) * (wd @ w.T))


def _density_by_fourier(r, w, tau, delay, s):
    """The density with a delay: the terms of first and second order in W exactly
    (:func:`_low_orders`), the rest, whose spectrum falls as f^-3, by an inverse real FFT of
    C(f) - D - (those terms) on a grid of spacing ``h <= min(tau, delay)/64`` and period at least
    twice the largest lag plus 15 decay times of the slowest mode on each side (the tail of the
    rest beyond the grid's Nyquist frequency and the periodic wrap-around give errors of order
    h^2 and exp(-15)), interpolated linearly to the lags."""
    n = w.shape[0]
    radius = float(np.max(np.abs(np.linalg.eigvals(w))))
    decay = (tau + delay) / max(1.0 - radius, 1e-3)
    span = 2.0 * (float(np.max(np.abs(s))) + 15.0 * decay)
    h = min(tau, delay if delay > 0.0 else tau) / 64.0
    m = int(2 ** np.ceil(np.log2(span / h)))
    h = span / m
    check_memory(16.0 * (m // 2 + 1) * n * n * 2, "weights", what=f"the spectrum of {n} x {n} processes on "
                 f"{m} points", hint="use fewer processes, a shorter tau / (1 - radius) or delay=0")
    f = np.fft.rfftfreq(m, d=h / MS_PER_S)            # Hz
    ghat = _kernel_hat(f, tau, delay)
    rest = np.empty((f.size, n, n), dtype=complex)
    eye = np.eye(n)
    step = max(1, 2 ** 22 // max(1, n * n))
    for k0 in range(0, f.size, step):
        gk = ghat[k0:k0 + step, None, None] * w         # G(f)
        c = _sandwich(np.linalg.inv(eye - gk), r)
        gd = gk * r                                      # G D
        gh = np.conj(np.swapaxes(gk, 1, 2))
        low = eye * r + gd + np.conj(np.swapaxes(gd, 1, 2)) + gk @ gd + (gd @ gh) + np.conj(
            np.swapaxes(gk @ gd, 1, 2))
        rest[k0:k0 + step] = c - low
    dens = np.fft.irfft(rest, n=m, axis=0) / (h / MS_PER_S)   # Hz^2 at lags 0, h, ..., wrapped
    grid = np.fft.fftfreq(m, d=1.0 / (m * h))
    order = np.argsort(grid)
    flat = dens[order].reshape(m, n * n)
    out = np.empty((s.size, n * n))
    for e in range(n * n):
        out[:, e] = np.interp(s, grid[order], flat[:, e])
    return _low_orders(r, w, tau, delay, s) + out.reshape(s.size, n, n)


# ------------------------------------------------------------------------------------------------
# Simulation
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HawkesResult(SpikeRecord):
    """Output of :func:`simulate_hawkes` (read-only); a spike-train object for ``snnlib.spikes``.

    Parameters
    ----------
    spike_times : ndarray, shape (n_spikes,)
        Spike times (ms), sorted.
    spike_ids : ndarray of int64, shape (n_spikes,)
        Process of each spike.
    n_neurons : int
        Number of processes.
    t_max : float
        Duration (ms).
    rectified : float
        Fraction of the thinning candidates at which some intensity was negative and set to 0
        (always 0 for nonnegative weights).

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.simulate_hawkes([20.0, 30.0], [[0.0, -0.5], [0.0, 0.0]],
    ...                              tau=10.0, t_max=2000.0, seed=1)
    >>> # inhibition drove the intensity below zero at times
    >>> res.n_neurons, res.rectified > 0
    (2, True)
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    n_neurons: int
    t_max: float
    rectified: float = 0.0


@njit(cache=True, nogil=True)
def _hawkes_kernel(rng, base, w_over_tau, tau, delay, t_max, times, ids, n, head, t, x_pos, x_neg, counts):
    """Ogata thinning from time ``t`` (ms) until ``t_max`` or until ``times`` is full (jitted).

    ``base``: baselines (1/ms); ``w_over_tau[i, j]`` = W_ij / tau (1/ms); ``x_pos``/``x_neg``:
    the excitatory and inhibitory parts of each intensity at ``t`` (1/ms, decaying with
    ``tau``); spikes ``head .. n - 1`` of ``times``/``ids`` have not arrived yet (they arrive
    ``delay`` after emission, in order). ``counts``: candidates and rectified candidates.
    Returns ``n, head, t`` to resume from.
    """
    k = base.size
    lam = np.empty(k)
    b_sum = 0.0
    for i in range(k):
        b_sum += base[i]
    cap = times.size
    while True:
        if n == cap:
            return n, head, t          # full: the caller grows the arrays and resumes (no draw lost)
        bound = b_sum
        for i in range(k):
            bound += x_pos[i]
        t_arr = times[head] + delay if head < n else np.inf
        if bound > 0.0:
            t_cand = t - np.log(1.0 - rng.random()) / bound
        else:
            t_cand = np.inf
        if t_arr <= t_cand and t_arr < t_max:   # the next arrival comes first: memoryless restart
            f = np.exp(-(t_arr - t) / tau)
            j = ids[head]
            for i in range(k):
                wij = w_over_tau[i, j]
                x_pos[i] = x_pos[i] * f + (wij if wij > 0.0 else 0.0)
                x_neg[i] = x_neg[i] * f + (wij if wij < 0.0 else 0.0)
            t = t_arr
            head += 1
            continue
        if t_cand >= t_max:
            return n, head, t_max
        f = np.exp(-(t_cand - t) / tau)
        total = 0.0
        neg = False
        for i in range(k):
            x_pos[i] *= f
            x_neg[i] *= f
            li = base[i] + x_pos[i] + x_neg[i]
            if li < 0.0:
                li = 0.0
                neg = True
            lam[i] = li
            total += li
        t = t_cand
        counts[0] += 1
        counts[1] += neg
        u = rng.random() * bound
        if u < total:
            i = 0
            acc = lam[0]
            while acc <= u and i < k - 1:
                i += 1
                acc += lam[i]
            times[n] = t
            ids[n] = i
            n += 1


def _initial_capacity(expected: float) -> int:
    """Room for the spikes before the first growth: the expected number plus 10 of its standard
    deviations (of a Poisson count: a lower bound of a Hawkes count's) and a margin."""
    return int(expected + 10.0 * np.sqrt(expected) + 1024)


def simulate_hawkes(baseline, weights, *, tau, t_max, delay=0.0, seed=None) -> HawkesResult:
    r"""Exact simulation of a linear multivariate Hawkes process with exponential kernels.

    Ogata's (1981) thinning: candidates at the rate of an upper bound of the total intensity
    (the baselines plus the excitatory parts, which only decay until the next delayed arrival of
    a spike), each accepted with probability total intensity / bound and given to process ``i``
    with probability :math:`\lambda_i` / total. No time step: the spike times are exact up to
    round-off. Negative weights are rectified (see :class:`HawkesResult`).

    Parameters
    ----------
    baseline : float or array_like, shape (n,)
        Baseline rates (Hz), nonnegative.
    weights : array_like, shape (n, n)
        ``weights[i, j]``: integral of the kernel from ``j`` to ``i`` (dimensionless), spectral
        radius below 1.
    tau : float
        Time constant of the kernels (ms).
    t_max : float
        Duration (ms). The process starts empty at 0 (no past spikes); discard an initial
        stretch of a few ``tau / (1 - radius)`` for stationary statistics.
    delay : float
        Delay of the kernels (ms).
    seed : None, int or numpy.random.Generator
        Seed.

    Returns
    -------
    HawkesResult
        The spikes, usable wherever ``snnlib.spikes`` takes spike trains.

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.simulate_hawkes([10.0, 10.0], [[0.0, 0.4], [0.4, 0.0]],
    ...                              tau=5.0, t_max=1000.0, seed=1)
    >>> res.n_neurons, res.t_max
    (2, 1000.0)
    """
    b, w = _check_process(baseline, weights)
    tau = check_positive(tau, "tau", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    delay = check_nonnegative(delay, "delay", unit="ms")
    r = _rates(b, w)
    k = w.shape[0]
    bound = float(b.sum() + np.clip(w, 0.0, None).sum(axis=0) @ r)
    check_work(max(1.0, bound) * t_max / MS_PER_S * max(k, 1), "t_max", what="the work of the thinning "
               "(candidates x processes)", hint="shorten t_max or use fewer processes")
    rng = as_generator(seed)
    times = np.empty(_initial_capacity(float(r.sum()) * t_max / MS_PER_S))
    ids = np.empty(times.size, dtype=np.int64)
    x_pos, x_neg, counts = np.zeros(k), np.zeros(k), np.zeros(2, dtype=np.int64)
    n, head, t = 0, 0, 0.0
    base, w_tau = b / MS_PER_S, w / tau
    while True:
        n, head, t = _hawkes_kernel(rng, base, w_tau, tau, delay, t_max, times, ids, n, head, t, x_pos, x_neg,
                                    counts)
        if t >= t_max:
            break
        times = np.concatenate([times, np.empty(times.size)])
        ids = np.concatenate([ids, np.empty(ids.size, dtype=np.int64)])
    rect = float(counts[1] / counts[0]) if counts[0] else 0.0
    return HawkesResult(times[:n].copy(), ids[:n].copy(), k, t_max, rect)
