r"""Statistics of spike trains *estimated from data*: rates, ISIs, CV, Fano factors, spectra, correlations.

These are estimates from recorded (or simulated) spikes. Their theoretical counterparts for
integrate-and-fire neurons live in ``snnlib.fokker_planck`` and ``snnlib.neuron``, under
other names on purpose: :func:`power_spectrum` here estimates what :func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>`
predicts, and :func:`isi` measures the intervals that :func:`lif_isi <snnlib.neuron.deterministic.lif_isi>` gives in closed form
for a noise-free LIF.

A population's spikes are stored the way :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` returns
them: one array of spike times (ms) and one array of neuron indices (int), plus
the number of neurons and the recording length ``t_max`` (ms); the record
covers :math:`[0, t_{max}]`. :class:`SpikeTrains` bundles the four. Every
statistic below accepts either such an object (anything with attributes
``spike_times``, ``spike_ids``, ``n_neurons``, ``t_max``) or raw arrays
``(spike_times, spike_ids, n_neurons=..., t_max=...)``; a single train may be
given as a 1-D array of times alone.

Conventions (units: ms for times, Hz for rates and frequencies):

* the spike train of neuron :math:`k` is :math:`x_k(t) = \sum_s \delta(t - t_k^s)`;
* firing rate :math:`r_k = n_k / T` with :math:`n_k` the spike count and
  :math:`T = t_{max}`;
* power spectrum two-sided, so that a Poisson train of rate :math:`r` has
  :math:`S(f) = r` for :math:`f > 0` (see :func:`power_spectrum`);
* cross-correlogram :math:`C_{kj}(\tau) = \langle x_k(t+\tau) x_j(t)\rangle`
  (Hz\ :sup:`2`): positive lags mean neuron ``k`` fires after ``j``.

References: Cox & Lewis (1966) *The Statistical Analysis of Series of Events*;
Perkel, Gerstein & Moore (1967) Biophys. J. 7, 419; Dayan & Abbott (2001)
*Theoretical Neuroscience*, ch. 1; Gabbiani & Koch (1998) in *Methods in
Neuronal Modeling*, ch. 9.
"""

from __future__ import annotations

import math

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.signal import fftconvolve

from .._core.validation import (MAX_WORK, check_array, check_bool, check_choice, check_memory, check_positive,
                                check_scalar, check_work)
from ..units import MS_PER_S
from .containers import (BinnedSpikes, CountCovariance, Correlogram, FanoCurve, MeanCorrelation, PopulationRate, PowerSpectrum,
                         SpikeTrains,
                         as_trains, grouped, whole_bins)

__all__ = [
    "count_covariance",
    "time_blocks",
    "bin_spikes",
    "firing_rates",
    "isi",
    "cv_isi",
    "fano_factor",
    "fano_factor_curve",
    "population_rate",
    "power_spectrum",
    "cross_correlogram",
    "spike_count_correlation",
    "population_spectrum",
    "synchrony_index",
    "mean_count_correlation",
]

#: Bytes a spike-count statistic holds per (neuron, bin) at its peak: the int64 counts and two
#: float64 temporaries (the variance, or the centred counts of a correlation).
_BYTES_PER_COUNT = 24
#: Bytes :func:`population_rate` holds per bin: counts, rate, edges and centres, and with
#: smoothing the full convolution (up to 3 bins per bin) and the FFT buffers, rounded up.
_BYTES_PER_RATE_BIN = 128
#: The Gaussian smoothing kernel is cut at this many standard deviations (the mass beyond,
#: 6e-5, is removed by normalising the cut kernel to unit area).
_GAUSS_CUT_SD = 4.0
#: Largest (signal length x kernel length) convolved directly; above it the FFT is faster
#: (1e7 multiply-adds take ~10 ms).
_DIRECT_CONVOLUTION_MAX = 10_000_000
#: Bins of the spectrum's count matrix binned at once (neurons in chunks): 32 MB of float64
#: counts, which bounds the memory of many neurons while keeping the Python loop short.
_BINS_PER_CHUNK = 4_000_000
#: Samples of segments tapered and transformed by one FFT call (512 KiB of float64): many short
#: segments go through one call instead of a Python loop over them, while the temporaries of
#: the call stay at a few MiB.
_SAMPLES_PER_FFT = 2 ** 16
#: Bytes :func:`power_spectrum` holds per bin of one chunk: the float64 counts.
_BYTES_PER_SPECTRUM_BIN = 8
#: Bytes :func:`cross_correlogram` holds per lag bin (counts, edges, overlap weights,
#: correlation, covariance, lags and temporaries: eight 8-byte values).
_BYTES_PER_LAG_BIN = 64

#: Bin edges are snapped: a time (or lag) within ``EDGE_SNAP`` bin widths below an edge counts as on
#: it, in the bin above. Spike times on a simulation grid, ``k * dt`` in floating point, are then
#: binned as exact arithmetic would bin them: without the snap, 4 % of a network's spikes binned at
#: ``dt = 0.1`` ms land one bin early, which adds a spurious high-frequency part to pooled spectra.
EDGE_SNAP = 1e-9

# ---------------------------------------------------------------------------
# Jitted kernels
# ---------------------------------------------------------------------------

@njit(cache=True)
def _bin_kernel(times, ids, first, bin_width, out):
    """Add spikes of neurons ``first .. first + out.shape[0] - 1`` to their bins; jitted, no checking.

    ``times`` (ms) and ``ids`` (int64) are the spikes, ``bin_width`` (ms) the bin width and
    ``out`` (rows, n_bins), int64 or float64, receives the counts: spike ``s`` of neuron
    ``ids[s]`` goes to row ``ids[s] - first``, bin ``floor(times[s] / bin_width + EDGE_SNAP)``.
    Spikes of other neurons, and spikes beyond the last full bin, are ignored.
    """
    n_rows, n_bins = out.shape
    for s in range(times.size):
        row = ids[s] - first
        if 0 <= row < n_rows:
            b = int(np.floor(times[s] / bin_width + EDGE_SNAP))
            if b < n_bins:
                out[row, b] += 1


@njit(cache=True)
def _isi_kernel(times, offsets, out, out_offsets):
    """Interspike intervals (ms) of each neuron's sorted train; jitted, no checking.

    ``times`` (ms) are grouped by neuron, neuron k's in ``times[offsets[k]:offsets[k+1]]``
    in increasing order; its ISIs go to ``out[out_offsets[k]:out_offsets[k+1]]`` (ms).
    """
    n_neurons = offsets.size - 1
    for k in range(n_neurons):
        o = out_offsets[k]
        for s in range(offsets[k] + 1, offsets[k + 1]):
            out[o] = times[s] - times[s - 1]
            o += 1


@njit(cache=True)
def _correlogram_pairs_kernel(times, offsets, pairs, bin_width, m, counts):
    """Histogram of lags t_k - t_j (ms) for the given (k, j) pairs; jitted, no checking.

    ``times`` (ms) grouped and sorted per neuron as in :func:`_isi_kernel`; ``pairs`` (n_pairs, 2)
    int64 neuron indices; ``bin_width`` (ms) the lag bin; ``counts`` (2 m + 1,) int64 receives
    the pair counts, bin ``b`` covering lags ``[(b - m - 1/2) w, (b - m + 1/2) w)``. Same-spike
    pairs of a (k, k) pair are skipped.
    """
    half = (m + 0.5) * bin_width
    n_b = 2 * m + 1
    for p in range(pairs.shape[0]):
        k = pairs[p, 0]
        j = pairs[p, 1]
        k0 = offsets[k]
        k1 = offsets[k + 1]
        start = k0
        for a in range(offsets[j], offsets[j + 1]):
            t0 = times[a]
            # the window is one bin wider on each side than the bins; idx decides
            while start < k1 and times[start] < t0 - half - bin_width:
                start += 1
            b = start
            while b < k1 and times[b] < t0 + half + bin_width:
                if not (k == j and b == a):
                    idx = int(np.floor((times[b] - t0 + half) / bin_width + EDGE_SNAP))
                    if 0 <= idx < n_b:
                        counts[idx] += 1
                b += 1


@njit(cache=True)
def _correlogram_population_kernel(times, ids, bin_width, m, counts):
    """Histogram of lags (ms) between spikes of different neurons, all ordered pairs; jitted, no checking.

    ``times`` (ms) sorted globally in time, ``ids`` (int64) the matching neuron indices,
    ``bin_width`` (ms) and ``counts`` (2 m + 1,) as in :func:`_correlogram_pairs_kernel`.
    """
    half = (m + 0.5) * bin_width
    n_b = 2 * m + 1
    n = times.size
    for a in range(n):
        t0 = times[a]
        # each unordered pair once: lag +d for (ids[b], ids[a]) and -d for (ids[a], ids[b]);
        # bins cover [-half, half) (edges snapped as in _bin_kernel); idx decides
        b = a + 1
        while b < n and times[b] - t0 < half + bin_width:
            if ids[b] != ids[a]:
                d = times[b] - t0
                idx = int(np.floor((d + half) / bin_width + EDGE_SNAP))
                if idx < n_b:
                    counts[idx] += 1
                idx = int(np.floor((half - d) / bin_width + EDGE_SNAP))
                if 0 <= idx < n_b:
                    counts[idx] += 1
            b += 1


# ---------------------------------------------------------------------------
# Binning shared by the statistics (with the memory guard)
# ---------------------------------------------------------------------------

def _n_bins(t_max: float, width: float, name: str, *, at_least: int = 1) -> int:
    """Full bins of ``width`` (ms) in the record, requiring ``at_least`` of them."""
    n = whole_bins(t_max, width)
    if n < at_least:
        bound = "t_max" if at_least == 1 else f"t_max / {at_least}"
        raise ValueError(f"{name} must be <= {bound} = {t_max / at_least:g} ms ({at_least} bin(s) of the "
                         f"record at least), got {width:g} ms")
    return n


def _count_matrix(st: SpikeTrains, width: float, name: str, *, at_least: int = 1) -> np.ndarray:
    """Spike counts (n_neurons, n_bins) int64 in full bins of ``width`` (ms), after the memory guard."""
    n_bins = _n_bins(st.t_max, width, name, at_least=at_least)
    check_memory(_BYTES_PER_COUNT * float(st.n_neurons) * n_bins, name,
                 what=f"spike counts of {st.n_neurons} neuron(s) in {n_bins:.3g} bins of {width:g} ms",
                 hint=f"raise {name} or shorten the record")
    counts = np.zeros((st.n_neurons, n_bins), dtype=np.int64)
    _bin_kernel(st.spike_times, st.spike_ids, 0, width, counts)
    return counts


def _pooled_counts(times: np.ndarray, width: float, n_bins: int) -> np.ndarray:
    """Counts of the given spikes (ms) together in ``n_bins`` full bins of ``width`` (ms), int64."""
    b = np.floor(times / width + EDGE_SNAP).astype(np.int64)
    return np.bincount(b[b < n_bins], minlength=n_bins)


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------

def bin_spikes(spikes, spike_ids=None, *, bin_width: float, n_neurons: int | None = None,
               t_max: float | None = None) -> BinnedSpikes:
    r"""Count each neuron's spikes in consecutive time bins.

    Parameters
    ----------
    spikes : SpikeTrains or array_like
        A :class:`SpikeTrains` (or a ``simulate_population`` result), or the
        spike times (ms) as a 1-D array.
    spike_ids : array_like of int, optional
        Neuron index of each spike (raw-array input only; whole numbers, a float such as
        1.7 is rejected); omitted for a single train.
    bin_width : float
        Bin width (ms), > 0.
    n_neurons : int, optional
        Number of neurons (raw arrays: default ``max(spike_ids) + 1``).
    t_max : float
        Length of the record (ms); required for raw arrays.

    Returns
    -------
    BinnedSpikes
        ``counts`` (n_neurons, n_bins) int64 and ``bin_edges`` (ms). There are
        ``n_bins = floor(t_max / bin_width)`` full bins ``[b w, (b+1) w)``;
        spikes in a trailing partial bin are not counted.

    Raises
    ------
    ValueError
        Naming ``bin_width`` if the counts would not fit in memory (e.g. ``bin_width=1e-9``).

    Examples
    --------
    >>> import numpy as np
    >>> bin_spikes(np.array([0.5, 1.2, 1.7, 3.9]), bin_width=1.0,
    ...            t_max=4.0).counts
    array([[1, 2, 0, 1]])
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    bin_width = check_positive(bin_width, "bin_width", unit="ms")
    counts = _count_matrix(st, bin_width, "bin_width")
    return BinnedSpikes(counts, np.arange(counts.shape[1] + 1) * bin_width)


def firing_rates(spikes, spike_ids=None, *, n_neurons: int | None = None,
                 t_max: float | None = None) -> np.ndarray:
    r"""Time-averaged firing rate of each neuron, :math:`r_k = n_k / T` (Hz).

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).

    Returns
    -------
    numpy.ndarray, shape (n_neurons,)
        Rates (Hz).

    Notes
    -----
    Spike count divided by the record length (Dayan & Abbott 2001, sec. 1.2).

    Examples
    --------
    >>> firing_rates([10.0, 20.0, 30.0], t_max=1000.0)
    array([3.])
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    counts = np.bincount(st.spike_ids, minlength=st.n_neurons).astype(float)
    return counts / (st.t_max / MS_PER_S)


def _intervals(spikes, spike_ids, n_neurons):
    """All ISIs (ms), neuron by neuron, and the offsets of each neuron's ISIs in that array."""
    t_max = getattr(spikes, "t_max", None)
    st = as_trains(spikes, spike_ids, n_neurons, t_max, need_t_max=False)
    times, offsets = grouped(st)
    n_per = np.maximum(np.diff(offsets) - 1, 0)
    out_offsets = np.zeros(st.n_neurons + 1, dtype=np.int64)
    np.cumsum(n_per, out=out_offsets[1:])
    out = np.empty(out_offsets[-1])
    _isi_kernel(times, offsets, out, out_offsets)
    return out, out_offsets


def isi(spikes, spike_ids=None, *, n_neurons: int | None = None, pooled: bool = False):
    r"""Interspike intervals (ms) of each neuron, or of all neurons pooled, measured from data.

    Not to be confused with :func:`lif_isi <snnlib.neuron.deterministic.lif_isi>`, the interval of a noise-free LIF neuron
    in closed form.

    Parameters
    ----------
    spikes, spike_ids, n_neurons
        As in :func:`bin_spikes` (times in ms); times must be increasing within each neuron.
        ``t_max`` is not needed.
    pooled : bool
        If True return one array with the ISIs of all neurons (neuron by neuron).

    Returns
    -------
    list of numpy.ndarray or numpy.ndarray
        ``isis[k]`` = differences of consecutive spike times of neuron ``k``
        (ms; empty for fewer than two spikes), or the concatenation if ``pooled``.

    Examples
    --------
    >>> isi([1.0, 3.0, 6.0], pooled=True)
    array([2., 3.])
    """
    pooled = check_bool(pooled, "pooled")
    out, offsets = _intervals(spikes, spike_ids, n_neurons)
    if pooled:
        return out
    return [out[offsets[k]:offsets[k + 1]] for k in range(offsets.size - 1)]


def cv_isi(spikes, spike_ids=None, *, n_neurons: int | None = None, pooled: bool = False):
    r"""Coefficient of variation of the interspike intervals, :math:`C_V = \sigma_{ISI}/\langle ISI\rangle`.

    Parameters
    ----------
    spikes, spike_ids, n_neurons
        As in :func:`isi` (times in ms).
    pooled : bool
        If True compute one CV from the pooled ISIs of all neurons; otherwise one per neuron.

    Returns
    -------
    float or numpy.ndarray, shape (n_neurons,)
        Dimensionless CV (sample standard deviation with ``ddof=1``); NaN for
        neurons with fewer than two ISIs.

    Notes
    -----
    :math:`C_V = 1` for a Poisson process, :math:`1/\sqrt{k}` for a Gamma
    renewal process of order :math:`k` (Cox & Lewis 1966). For
    Poisson the standard error of the estimate from :math:`n` ISIs is
    :math:`\approx 1/\sqrt{n}` (delta method), for Gamma order :math:`k`
    :math:`\approx\sqrt{(1/k + 1/k^2)/(2n)}`. The theory for a noisy LIF neuron is
    :func:`lif_cv <snnlib.fokker_planck.siegert.lif_cv>`.

    Examples
    --------
    >>> float(cv_isi([0.0, 1.0, 2.0, 3.0], pooled=True))
    0.0
    """
    pooled = check_bool(pooled, "pooled")
    out, offsets = _intervals(spikes, spike_ids, n_neurons)
    if pooled:   # one group: plain reductions, no group index needed
        mean = out.mean() if out.size >= 2 else 0.0
        return float(out.std(ddof=1) / mean) if mean != 0 else np.nan
    # every neuron at once: sums per neuron by bincount over the owner of each interval
    n_per = np.diff(offsets)
    owner = np.repeat(np.arange(n_per.size), n_per)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, weights=out, minlength=n_per.size) / n_per
        dev = out - mean[owner]
        cv = np.sqrt(np.bincount(owner, weights=dev * dev, minlength=n_per.size) / (n_per - 1)) / mean
    cv[(n_per < 2) | (mean == 0)] = np.nan
    return cv


def _fano(st: SpikeTrains, window: float, name: str) -> np.ndarray:
    """Fano factor of each neuron's counts in windows of ``window`` ms (NaN without spikes)."""
    counts = _count_matrix(st, window, name, at_least=2).astype(float)   # float reductions are faster
    mean = counts.mean(axis=1)
    var = counts.var(axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, var / np.where(mean > 0, mean, 1.0), np.nan)


def fano_factor(spikes, spike_ids=None, *, window: float, n_neurons: int | None = None,
                t_max: float | None = None) -> np.ndarray:
    r"""Fano factor of each neuron's spike count in non-overlapping windows.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    window : float
        Counting window (ms), > 0 and <= ``t_max / 2`` (at least two windows).

    Returns
    -------
    numpy.ndarray, shape (n_neurons,)
        :math:`F = \mathrm{Var}(N_W)/\langle N_W\rangle` (dimensionless, variance
        with ``ddof=1``), NaN for neurons without spikes in the counted windows.

    Notes
    -----
    :math:`F = 1` for a Poisson process at every window; for a renewal process
    :math:`F \to C_V^2` as the window grows (Cox & Lewis 1966). With
    :math:`m` windows the standard error of :math:`\hat F` for a Poisson train
    is :math:`\approx\sqrt{2/(m-1)}` (delta method).

    Examples
    --------
    >>> fano_factor([0.5, 1.5, 1.6, 2.5, 2.6, 2.7], window=1.0, t_max=4.0)
    array([1.11111111])
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    window = check_positive(window, "window", unit="ms")
    return _fano(st, window, "window")


def fano_factor_curve(spikes, spike_ids=None, *, windows, n_neurons: int | None = None,
                      t_max: float | None = None) -> FanoCurve:
    """Fano factor for several counting windows, averaged over neurons.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    windows : array_like, shape (n_windows,)
        Counting windows (ms), each > 0 and <= ``t_max / 2``.

    Returns
    -------
    FanoCurve
        ``windows`` (ms), ``fano`` (mean over neurons with spikes, dimensionless) and ``sem``
        (standard error across those neurons).

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 10_000.0, n_trains=20, seed=1)
    >>> curve = fano_factor_curve(st, windows=[10.0, 100.0])
    >>> curve.fano.shape
    (2,)
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    windows = check_array(windows, "windows", ndim=1, low=0.0, low_inclusive=False, unit="ms")
    check_work(st.n_neurons * np.sum(st.t_max / windows), "windows", what="spike-count bins over all windows",
               hint="use fewer or longer windows")
    fano = np.empty(windows.size)
    sem = np.empty(windows.size)
    for i, w in enumerate(windows):
        f = _fano(st, float(w), "windows")
        f = f[np.isfinite(f)]
        fano[i] = f.mean() if f.size else np.nan
        sem[i] = f.std(ddof=1) / np.sqrt(f.size) if f.size > 1 else np.nan
    return FanoCurve(windows, fano, sem)


def _convolve_same(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolution of non-negative ``signal`` and ``kernel``, centred as NumPy's ``mode="same"``.

    Always of the length of ``signal`` (``np.convolve(mode="same")`` returns the longer of the
    two); directly for small sizes, by FFT above :data:`_DIRECT_CONVOLUTION_MAX`.
    """
    start = (kernel.size - 1) // 2
    if signal.size * kernel.size <= _DIRECT_CONVOLUTION_MAX:
        full = np.convolve(signal, kernel)
    else:
        # both factors are >= 0, so the exact result is too: clip the FFT's round-off below 0
        full = np.maximum(fftconvolve(signal, kernel), 0.0)
    return full[start:start + signal.size]


def _smooth(rate: np.ndarray, bin_width: float, smoothing: str, smooth_width: float) -> np.ndarray:
    """``rate`` (Hz) smoothed by a unit-area kernel, renormalised by its mass inside the record."""
    n = rate.size
    if smoothing == "gaussian":
        # lags beyond n - 1 bins never reach the record: cut there too (this bounds the memory)
        half = int(np.ceil(min(_GAUSS_CUT_SD * smooth_width / bin_width, n - 1)))
        u = np.arange(-half, half + 1) * bin_width
        kernel = np.exp(-0.5 * (u / smooth_width) ** 2)
    else:
        # a box of 2 n - 1 bins or more covers the whole record from every bin
        kernel = np.ones(max(1, int(round(min(smooth_width / bin_width, 2 * n - 1)))))
    kernel /= kernel.sum()
    return _convolve_same(rate, kernel) / _convolve_same(np.ones(n), kernel)


def population_rate(spikes, spike_ids=None, *, bin_width: float, n_neurons: int | None = None,
                    t_max: float | None = None, smoothing: str | None = None,
                    smooth_width: float | None = None) -> PopulationRate:
    r"""Population firing rate (PSTH): spikes per neuron per second in each bin.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms). Neurons may equally be trials
        of one neuron (PSTH).
    bin_width : float
        Bin width (ms), > 0.
    smoothing : {None, "gaussian", "box"}
        Optional smoothing kernel.
    smooth_width : float
        Standard deviation of the Gaussian kernel, or full width of the box
        kernel (ms), > 0; required with ``smoothing``. A kernel wider than the record
        gives the record's mean rate everywhere.

    Returns
    -------
    PopulationRate
        ``times`` (bin centres, ms) and ``rate`` (Hz).

    Notes
    -----
    :math:`A(t) = \frac{1}{N\,\Delta t}\sum_k n_k(t, t+\Delta t)` (Gerstner et
    al. 2014, *Neuronal Dynamics*, sec. 7.2). The smoothing kernel is normalised
    to unit area (the Gaussian is cut at 4 standard deviations); at the edges it is
    renormalised by its mass inside the record, so a constant rate stays constant up to the ends.

    Examples
    --------
    >>> pr = population_rate([1.0, 2.0, 3.0, 4.0], bin_width=2.0, t_max=4.0)
    >>> pr.rate
    array([ 500., 1000.])
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    bin_width = check_positive(bin_width, "bin_width", unit="ms")
    if smoothing is not None:
        check_choice(smoothing, "smoothing", ("gaussian", "box"))
        if smooth_width is None:
            raise TypeError("smooth_width (ms) is required when smoothing is set")
        smooth_width = check_positive(smooth_width, "smooth_width", unit="ms")
    elif smooth_width is not None:
        raise ValueError("smooth_width needs smoothing='gaussian' or 'box'")
    n_bins = _n_bins(st.t_max, bin_width, "bin_width")
    check_memory(_BYTES_PER_RATE_BIN * float(n_bins), "bin_width", what=f"a rate in {n_bins:.3g} bins",
                 hint="raise bin_width or shorten the record")
    rate = _pooled_counts(st.spike_times, bin_width, n_bins) / (st.n_neurons * bin_width / MS_PER_S)
    if smoothing is not None:
        rate = _smooth(rate, bin_width, smoothing, smooth_width)
    edges = np.arange(n_bins + 1) * bin_width
    return PopulationRate(0.5 * (edges[:-1] + edges[1:]), rate)


class _Segments(NamedTuple):
    """How :func:`power_spectrum` cuts each binned train: ``n_seg`` segments of ``seg`` bins
    (of ``dt`` ms), ``step`` bins apart, each multiplied by ``taper``; ``n_bins`` bins in all."""

    n_bins: int
    seg: int
    step: int
    n_seg: int
    taper: np.ndarray


def _segments(st: SpikeTrains, dt: float, segment_length, window: str) -> _Segments:
    """Check the segment layout of :func:`power_spectrum` and guard its memory and work."""
    n_bins = _n_bins(st.t_max, dt, "dt", at_least=2)
    if segment_length is None:
        seg = n_bins
    else:
        segment_length = check_scalar(segment_length, "segment_length", low=2 * dt, high=st.t_max, unit="ms")
        seg = min(n_bins, int(round(segment_length / dt)))
    step = seg if window == "boxcar" else max(1, seg // 2)
    n_seg = 1 + (n_bins - seg) // step
    rows = max(1, min(st.n_neurons, _BINS_PER_CHUNK // n_bins))
    check_memory(_BYTES_PER_SPECTRUM_BIN * float(rows) * n_bins + 8.0 * st.n_neurons * (seg // 2 + 1), "dt",
                 what=f"the binned trains ({n_bins:.3g} bins of {dt:g} ms) and their spectra",
                 hint="raise dt (or shorten segment_length or the record)")
    check_work(float(st.n_neurons) * n_seg * seg * max(1.0, np.log2(seg)), "dt", what="FFT operations",
               hint="raise dt or use fewer neurons")
    taper = np.ones(seg) if window == "boxcar" else np.hanning(seg + 2)[1:-1]
    return _Segments(n_bins, seg, step, n_seg, taper)


def _periodograms(st: SpikeTrains, dt: float, lay: _Segments) -> np.ndarray:
    """Each neuron's periodogram (Hz) averaged over its segments, shape (n_neurons, seg // 2 + 1).

    Neurons are binned in chunks of about :data:`_BINS_PER_CHUNK` bins (with many chunks the
    spikes are sorted by neuron once, so that each chunk bins only its own), and segments are
    transformed about :data:`_SAMPLES_PER_FFT` samples at a time.
    """
    chunk = max(1, min(st.n_neurons, _BINS_PER_CHUNK // lay.n_bins))
    n_chunks = -(-st.n_neurons // chunk)
    times, ids, offsets = st.spike_times, st.spike_ids, None
    # each chunk scans all spikes (n_chunks x n_spikes) unless they are sorted by neuron first
    # (~ n_spikes log2 n_spikes): sort only when that is cheaper
    if n_chunks > np.log2(max(times.size, 2)):
        order = np.argsort(ids, kind="stable")
        times, ids = times[order], ids[order]
        offsets = np.searchsorted(ids, np.arange(st.n_neurons + 1))
    power = np.zeros((st.n_neurons, lay.seg // 2 + 1))
    for first in range(0, st.n_neurons, chunk):
        rows = min(chunk, st.n_neurons - first)
        sel = slice(None) if offsets is None else slice(offsets[first], offsets[first + rows])
        counts = np.zeros((rows, lay.n_bins))
        _bin_kernel(times[sel], ids[sel], first, dt, counts)
        counts -= counts.mean(axis=1, keepdims=True)
        segs = np.lib.stride_tricks.sliding_window_view(counts, lay.seg, axis=1)[:, ::lay.step][:, :lay.n_seg]
        per_call = max(1, _SAMPLES_PER_FFT // (rows * lay.seg))
        for s0 in range(0, lay.n_seg, per_call):
            if per_call == 1:   # one segment per call (long segments), as a 2-D slice
                spec = np.fft.rfft(segs[:, s0] * lay.taper, axis=-1)
                power[first:first + rows] += spec.real ** 2 + spec.imag ** 2
            else:
                spec = np.fft.rfft(segs[:, s0:s0 + per_call] * lay.taper, axis=-1)
                power[first:first + rows] += np.sum(spec.real ** 2 + spec.imag ** 2, axis=1)
    power /= (dt / MS_PER_S) * np.sum(lay.taper ** 2) * lay.n_seg
    return power


def power_spectrum(spikes, spike_ids=None, *, dt: float = 1.0, segment_length: float | None = None,
                   window: str = "boxcar", average: bool = True, n_neurons: int | None = None,
                   t_max: float | None = None) -> PowerSpectrum:
    r"""Power spectrum of spike trains (Hz) *estimated from data*, averaged over segments and neurons.

    Its theory for integrate-and-fire neurons is :func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>` (Fokker-Planck);
    this function measures the spectrum of given spikes, whatever produced them.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms). Neurons may be independent
        trials of one neuron.
    dt : float
        Bin width (ms) of the binned spike train; the Nyquist frequency is
        ``500 / dt`` Hz. Default 1 ms.
    segment_length : float, optional
        Length (ms) of the segments whose periodograms are averaged, in ``[2 dt, t_max]``;
        the frequency resolution is ``1000 / segment_length`` Hz. Default: the whole record.
    window : {"boxcar", "hann"}
        ``"boxcar"``: non-overlapping rectangular segments (Bartlett);
        ``"hann"``: Hann-windowed segments overlapping by half (Welch).
    average : bool
        If True average over neurons; else return one spectrum per neuron.

    Returns
    -------
    PowerSpectrum
        ``freqs`` (Hz, 0 .. Nyquist), ``power`` (Hz), ``n_segments`` per neuron
        and ``n_averaged`` periodograms in each value.

    Notes
    -----
    Convention: the two-sided spectrum :math:`S(f) = \lim_{T\to\infty}
    \langle|\tilde x_T(f)|^2\rangle/T` with :math:`\tilde x_T(f) =
    \int_0^T (x(t) - r)\,e^{-2\pi i f t}\,dt`, returned for :math:`f \ge 0`
    only and *not* doubled: :math:`S(f) = S(-f)`, a Poisson train of rate :math:`r` has
    :math:`S(f) = r`, any spike train has :math:`S(f) \to r` for :math:`f \to \infty`, and a
    renewal process has :math:`S(0) = r C_V^2` (Cox & Lewis 1966); the convention of
    Fokker-Planck spectra (Lindner, Schimansky-Geier & Longtin 2002, Phys. Rev. E 66, 031916).
    A one-sided spectrum would be ``2 * power``.

    Estimator: spikes are counted in bins of width :math:`\Delta`, the
    neuron's mean count per bin (over the whole record) is subtracted, and for
    each segment of :math:`L` bins with taper :math:`w_n`

    .. math::

        \hat S(f_l) = \frac{\left|\sum_n w_n (c_n - \bar c)\,e^{-2\pi i l n/L}\right|^2}
                          {\Delta \sum_n w_n^2},

    averaged over segments and neurons (Welch 1967). For Poisson counts the
    expectation is exactly :math:`r` at every :math:`f_l > 0` up to Nyquist. For other
    trains binning multiplies :math:`S` by :math:`\mathrm{sinc}^2(f\Delta)` and aliases
    frequencies above Nyquist, so choose :math:`\Delta` well below the time scales of
    interest. At :math:`f = 0` subtracting the record mean biases the boxcar estimate by
    the factor :math:`1 - 1/M` (:math:`M` segments). Each boxcar periodogram value
    (:math:`0 < f <` Nyquist) is exponentially distributed, so the relative standard
    error of the average is :math:`1/\sqrt{n_{avg}}`.

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(50.0, 20_000.0, n_trains=10, seed=0)
    >>> ps = power_spectrum(st, dt=1.0, segment_length=1000.0)
    >>> ps.freqs[:3], ps.n_averaged
    (array([0., 1., 2.]), 200)
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    dt = check_positive(dt, "dt", unit="ms")
    check_choice(window, "window", ("boxcar", "hann"))
    average = check_bool(average, "average")
    lay = _segments(st, dt, segment_length, window)
    power = _periodograms(st, dt, lay)
    freqs = np.fft.rfftfreq(lay.seg, d=dt / MS_PER_S)
    if average:
        return PowerSpectrum(freqs, power.mean(axis=0), lay.n_seg, lay.n_seg * st.n_neurons)
    return PowerSpectrum(freqs, power, lay.n_seg, lay.n_seg)


def population_spectrum(spikes, spike_ids=None, *, dt: float = 1.0, segment_length: float | None = None,
                        window: str = "hann", n_neurons: int | None = None,
                        t_max: float | None = None) -> PowerSpectrum:
    r"""Power spectrum of the population activity :math:`A(t) = \frac1N\sum_i x_i(t)` (Hz), estimated from data.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    dt : float
        Bin width (ms); Nyquist frequency ``500 / dt`` Hz. Default 1 ms.
    segment_length : float, optional
        Segment length (ms) of the Welch average; default the whole record.
    window : {"hann", "boxcar"}
        Segment window, as in :func:`power_spectrum` (default Hann with half overlap).

    Returns
    -------
    PowerSpectrum
        ``freqs`` (Hz) and ``power`` (Hz) of :math:`A`: for N independent neurons of spectrum
        :math:`S(f)` it is :math:`S(f)/N`; for N identical trains it is :math:`S(f)` itself. A
        peak reveals a population oscillation (Brunel & Hakim 1999).

    Notes
    -----
    The spectrum of the pooled train :math:`\sum_i x_i` (one call of :func:`power_spectrum` on
    all spikes as one train), divided by :math:`N^2`.

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 10_000.0, n_trains=50, seed=1)
    >>> ps = population_spectrum(st, dt=1.0, segment_length=500.0)
    >>> round(float(ps.power[1:].mean()), 1)     # r / N = 20 / 50 Hz
    0.4
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    pooled = SpikeTrains(st.spike_times, np.zeros_like(st.spike_ids), 1, st.t_max)
    ps = power_spectrum(pooled, dt=dt, segment_length=segment_length, window=window)
    return PowerSpectrum(ps.freqs, ps.power / float(st.n_neurons) ** 2, ps.n_segments, ps.n_averaged)


def synchrony_index(spikes, spike_ids=None, *, bin_width: float, n_neurons: int | None = None,
                    t_max: float | None = None) -> float:
    r"""Golomb's synchrony measure :math:`\chi`: how much of the neurons' variability is shared.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    bin_width : float
        Bin of the spike counts (ms), at most ``t_max / 2``.

    Returns
    -------
    float
        :math:`\chi \in [0, 1]`, with
        :math:`\chi^2 = \mathrm{Var}_t[\bar c(t)] / \big(\frac1N\sum_i \mathrm{Var}_t[c_i(t)]\big)`,
        :math:`c_i(t)` the binned counts of neuron :math:`i` and :math:`\bar c` their mean over
        neurons: about :math:`1/\sqrt N` for independent neurons, 1 for identical trains
        (Golomb & Rinzel 1993; Golomb 2007, Scholarpedia 2:1347). NaN if no neuron varies.

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 20_000.0, n_trains=100, seed=2)
    >>> # independent: ~ 1 / sqrt(100)
    >>> round(synchrony_index(st, bin_width=5.0), 1)
    0.1
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    bin_width = check_positive(bin_width, "bin_width", unit="ms")
    n_bins = _n_bins(st.t_max, bin_width, "bin_width", at_least=2)
    b = np.floor(st.spike_times / bin_width + EDGE_SNAP).astype(np.int64)
    keep = b < n_bins
    b, ids = b[keep], st.spike_ids[keep]
    pooled = np.bincount(b, minlength=n_bins) / st.n_neurons            # mean count over neurons
    var_pop = pooled.var()
    # per neuron: sum of squared counts over bins, from the counts of (neuron, bin) pairs
    _, c = np.unique(ids * n_bins + b, return_counts=True)
    total = np.bincount(ids, minlength=st.n_neurons).astype(float)
    mean_var = (float((c.astype(float) ** 2).sum()) / n_bins - float((total ** 2).sum()) / n_bins ** 2) / st.n_neurons
    if mean_var <= 0.0:
        return float("nan")
    return float(math.sqrt(var_pop / mean_var))


def _lag_weights(t_max: float, bin_width: float, m: int) -> np.ndarray:
    r"""Exact overlap :math:`\int_{bin}(T - |u|)\,du` (ms^2) of each lag bin (edge correction)."""
    edges = (np.arange(-m, m + 2) - 0.5) * bin_width
    u = np.clip(edges, -t_max, t_max)
    antideriv = t_max * u - 0.5 * u * np.abs(u)
    return np.diff(antideriv)


def _check_pairs(pairs, n_neurons: int, *, single: bool) -> np.ndarray:
    """Neuron pairs as an int64 array (n_pairs, 2) of indices in [0, n_neurons); ``single``: one (k, j)."""
    if single:
        p = check_array(pairs, "pairs", shape=(2,), dtype=np.int64).reshape(1, 2)
    else:
        p = check_array(pairs, "pairs", ndim=(1, 2), dtype=np.int64)
        if p.ndim == 1 and p.size != 2:
            raise ValueError(f"pairs must be (k, j) or an array of shape (n_pairs, 2), got shape {p.shape}")
        p = p.reshape(-1, 2) if p.ndim == 1 else p
        if p.shape[1] != 2:
            raise ValueError(f"pairs must have shape (n_pairs, 2), got {p.shape}")
    if p.min() < 0 or p.max() >= n_neurons:
        raise ValueError(f"pairs must hold neuron indices in [0, n_neurons - 1] = [0, {n_neurons - 1}], "
                         f"got range [{p.min()}, {p.max()}]")
    return p


def _lag_bins(st: SpikeTrains, bin_width: float, max_lag: float, pairs) -> int:
    """Number ``m`` of lag bins on each side, after the memory and work guards."""
    m = whole_bins(max_lag, bin_width)
    check_memory(_BYTES_PER_LAG_BIN * (2.0 * m + 1.0), "bin_width", what=f"{2 * m + 1:.3g} lag bins",
                 hint="raise bin_width or lower max_lag")
    # spike pairs the kernels visit, for spikes spread evenly over the record
    n_k = np.bincount(st.spike_ids, minlength=st.n_neurons).astype(float)
    reach = min(1.0, 2.0 * (m + 0.5) * bin_width / st.t_max)
    if pairs is None:
        visits = n_k.sum() + n_k.sum() ** 2 * reach
    else:
        a, b = n_k[pairs[:, 0]], n_k[pairs[:, 1]]
        visits = np.sum(a + b + a * b * reach)
    check_work(visits, "max_lag", what="spike pairs to compare", limit=MAX_WORK,
               hint="lower max_lag or pass fewer pairs")
    return m


def cross_correlogram(spikes, spike_ids=None, *, pairs=None, bin_width: float = 1.0,
                      max_lag: float = 100.0, n_neurons: int | None = None,
                      t_max: float | None = None) -> Correlogram:
    r"""Cross-correlogram :math:`C_{kj}(\tau)` (Hz^2) for one pair or averaged over pairs.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms); times increasing within each neuron.
    pairs : None, (k, j) or array_like of shape (n_pairs, 2)
        Neuron indices (whole numbers). ``None``: average over all ordered pairs of distinct
        neurons. ``(k, j)``: that pair (``k == j`` gives the autocorrelogram without the
        same-spike term). An array: average over the listed pairs.
    bin_width : float
        Lag bin width (ms), > 0. Bins are centred on multiples of ``bin_width``.
    max_lag : float
        Largest lag (ms), in ``[0, t_max]``; the lags are ``m * bin_width`` for
        ``|m| <= floor(max_lag / bin_width)``.

    Returns
    -------
    Correlogram
        ``lags`` (ms), ``correlation`` and ``covariance`` (Hz^2), ``counts``, ``n_pairs``.

    Notes
    -----
    With :math:`n_{kj}(\tau)` the number of spike pairs with :math:`t_k - t_j`
    in the bin around :math:`\tau`,

    .. math::

        C_{kj}(\tau) = \frac{n_{kj}(\tau)}{\int_{\rm bin}(T - |u|)\,du},

    which estimates :math:`\langle x_k(t+\tau)x_j(t)\rangle` without bias: the
    denominator is the exact time over which both spikes can fall in
    :math:`[0, T]` (Perkel, Gerstein & Moore 1967; Dayan & Abbott 2001, sec.
    1.4, here with edge correction). For independent stationary trains
    :math:`C_{kj}(\tau) = r_k r_j`; ``covariance`` subtracts the product of the
    measured rates, :math:`\hat r_k \hat r_j`. Averaging is over pairs:
    :math:`\bar C = \frac{1}{P}\sum_{(k,j)} C_{kj}`. The covariance density
    integrates to the count covariance: :math:`\int C(\tau)\,d\tau =
    \lim_{W\to\infty}\mathrm{Cov}(N_k, N_j)/W`.

    Examples
    --------
    >>> st = SpikeTrains.from_trains([[10.0, 20.0], [12.0]], t_max=1000.0)
    >>> cc = cross_correlogram(st, pairs=(1, 0), bin_width=1.0, max_lag=3.0)
    >>> cc.lags, cc.counts
    (array([-3., -2., -1.,  0.,  1.,  2.,  3.]), array([0, 0, 0, 0, 0, 1, 0]))
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    bin_width = check_positive(bin_width, "bin_width", unit="ms")
    max_lag = check_scalar(max_lag, "max_lag", low=0.0, high=st.t_max, unit="ms")
    if pairs is None and st.n_neurons < 2:
        raise ValueError("pairs=None averages over distinct neurons: n_neurons must be >= 2; "
                         "pass pairs=(0, 0) for an autocorrelogram")
    p = None if pairs is None else _check_pairs(pairs, st.n_neurons, single=False)
    m = _lag_bins(st, bin_width, max_lag, p)
    counts = np.zeros(2 * m + 1, dtype=np.int64)
    rates = firing_rates(st)
    times, offsets = grouped(st)  # also checks the order within each neuron
    if p is None:
        order = np.lexsort((st.spike_ids, st.spike_times))
        _correlogram_population_kernel(st.spike_times[order], st.spike_ids[order], bin_width, m, counts)
        n_pairs = st.n_neurons * (st.n_neurons - 1)
        rate_product = (rates.sum() ** 2 - np.sum(rates ** 2)) / n_pairs
    else:
        _correlogram_pairs_kernel(times, offsets, p, bin_width, m, counts)
        n_pairs = p.shape[0]
        rate_product = float(np.mean(rates[p[:, 0]] * rates[p[:, 1]]))
    correlation = counts / (n_pairs * _lag_weights(st.t_max, bin_width, m) / MS_PER_S ** 2)
    lags = np.arange(-m, m + 1) * bin_width
    return Correlogram(lags, correlation, correlation - rate_product, counts, n_pairs)


def spike_count_correlation(spikes, spike_ids=None, *, window: float, pairs=None,
                            n_neurons: int | None = None, t_max: float | None = None):
    r"""Pearson correlation coefficient of spike counts in non-overlapping windows.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    window : float
        Counting window (ms), > 0 and <= ``t_max / 2``.
    pairs : None or (k, j)
        ``None``: the full (n_neurons, n_neurons) matrix; ``(k, j)`` (neuron indices, whole
        numbers): one coefficient.

    Returns
    -------
    numpy.ndarray or float
        :math:`\rho_{kj} = \mathrm{Cov}(N_k, N_j)/\sqrt{\mathrm{Var}N_k\,\mathrm{Var}N_j}`
        (dimensionless); NaN where a neuron's count does not vary.

    Notes
    -----
    The spike-count correlation of e.g. de la Rocha et al. (2007) Nature 448,
    802; for independent trains its standard error is :math:`\approx 1/\sqrt{m}`
    with :math:`m` windows.

    Examples
    --------
    >>> st = SpikeTrains.from_trains([[0.5, 1.5, 1.7], [0.2, 1.1, 1.3]],
    ...                              t_max=2.0)
    >>> round(spike_count_correlation(st, window=1.0, pairs=(0, 1)), 12)
    1.0
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    window = check_positive(window, "window", unit="ms")
    if pairs is None:
        check_memory(_BYTES_PER_COUNT * float(st.n_neurons) ** 2, "n_neurons",
                     what=f"the {st.n_neurons} x {st.n_neurons} correlation matrix",
                     hint="pass pairs=(k, j) for one coefficient")
        counts = _count_matrix(st, window, "window", at_least=2).astype(float)
    else:
        p = _check_pairs(pairs, st.n_neurons, single=True)[0]
        n_bins = _n_bins(st.t_max, window, "window", at_least=2)
        check_memory(2 * _BYTES_PER_COUNT * float(n_bins), "window", what=f"spike counts in {n_bins:.3g} windows",
                     hint="raise window or shorten the record")
        counts = np.stack([_pooled_counts(st.spike_times[st.spike_ids == k], window, n_bins)
                           for k in p]).astype(float)
    centred = counts - counts.mean(axis=1, keepdims=True)
    cov = centred @ centred.T
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = cov / np.outer(sd, sd)
    rho[:, sd == 0] = np.nan
    rho[sd == 0, :] = np.nan
    return float(rho[0, 1]) if pairs is not None else rho


def _check_blocks(value, name: str) -> int:
    """A number of blocks of a record: an integer >= 2 (ValueError naming ``name`` otherwise)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 2:
        raise ValueError(f"{name} must be an integer >= 2, got {value!r}")
    return int(value)


def _mean_offdiagonal(counts: np.ndarray) -> float:
    """Mean Pearson correlation over all pairs of rows of ``counts`` (pairs with a row that does
    not vary are left out)."""
    centred = counts - counts.mean(axis=1, keepdims=True)
    cov = centred @ centred.T
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = cov / np.outer(sd, sd)
    upper = rho[np.triu_indices(counts.shape[0], 1)]
    return float(np.nanmean(upper)) if np.any(np.isfinite(upper)) else float("nan")


def mean_count_correlation(spikes, spike_ids=None, *, window: float, neurons=None, blocks: int = 10,
                           n_neurons: int | None = None, t_max: float | None = None) -> MeanCorrelation:
    r"""Mean pairwise spike-count correlation of a group of neurons, with its standard error.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    window : float
        Counting window (ms), > 0; at least ``2 blocks`` windows must fit into ``t_max``.
    neurons : None or array_like of int
        The neurons whose pairs are averaged (default all); at least 2.
    blocks : int
        Number of contiguous blocks of windows of the jackknife (>= 2).

    Returns
    -------
    MeanCorrelation
        ``mean``: the average of :math:`\rho_{kj}` (as in :func:`spike_count_correlation`) over
        all pairs of ``neurons`` whose counts vary; ``se``: its standard error; ``n_pairs``;
        ``n_windows``.

    Notes
    -----
    The standard error is the delete-one-block jackknife over ``blocks`` contiguous blocks of
    windows (Efron & Tibshirani 1993, ch. 11): each block is left out in turn, the mean is
    recomputed, and :math:`\mathrm{SE}^2 = \frac{B-1}{B}\sum_b(\bar\rho_{(b)} - \bar\rho_{(\cdot)})^2`.
    Unlike the :math:`1/\sqrt m` of independent pairs it includes what all pairs share (a common
    input is sampled once per window for every pair) and slow fluctuations that correlate
    neighbouring windows, as long as blocks are longer than those.

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 20_000.0, n_trains=30, seed=3)
    >>> mc = mean_count_correlation(st, window=100.0)
    >>> abs(mc.mean) < 4 * mc.se, mc.n_pairs, mc.n_windows
    (True, 435, 200)
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    window = check_positive(window, "window", unit="ms")
    blocks = _check_blocks(blocks, "blocks")
    ids = np.arange(st.n_neurons) if neurons is None else check_array(
        neurons, "neurons", ndim=1, dtype=np.int64, low=0, high=st.n_neurons - 1)
    if ids.size < 2 or np.unique(ids).size != ids.size:
        raise ValueError(f"neurons must hold at least 2 distinct neuron indices, got {ids.size}")
    n_win = _n_bins(st.t_max, window, "window", at_least=2 * blocks)
    check_memory(_BYTES_PER_COUNT * float(ids.size) * (ids.size + n_win), "neurons",
                 what=f"the counts and correlations of {ids.size} neurons", hint="pass fewer neurons")
    row = np.full(st.n_neurons, -1, dtype=np.int64)
    row[ids] = np.arange(ids.size)
    keep = row[st.spike_ids] >= 0
    counts = np.zeros((ids.size, n_win), dtype=np.int64)
    _bin_kernel(st.spike_times[keep], row[st.spike_ids[keep]], 0, window, counts)
    counts = counts.astype(float)
    mean = _mean_offdiagonal(counts)
    edges = np.linspace(0, n_win, blocks + 1).round().astype(int)
    loo = np.array([_mean_offdiagonal(np.delete(counts, np.s_[edges[b]:edges[b + 1]], axis=1))
                    for b in range(blocks)])
    se = float(math.sqrt((blocks - 1) / blocks * np.sum((loo - loo.mean()) ** 2)))
    varying = np.count_nonzero(counts.std(axis=1) > 0)
    return MeanCorrelation(mean, se, int(varying * (varying - 1) // 2), int(n_win))


def count_covariance(spikes, spike_ids=None, *, window: float, blocks: int = 10, n_neurons: int | None = None,
                     t_max: float | None = None) -> CountCovariance:
    r"""Spike-count covariances per unit time of all pairs, :math:`\mathrm{Cov}(N_i(T), N_j(T))/T`,
    estimated in contiguous blocks so that averages over pairs get honest standard errors.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    window : float
        Counting window :math:`T` (ms), > 0; at least ``2 blocks`` windows must fit into ``t_max``.
    blocks : int
        Number of contiguous blocks of windows (>= 2); each gives its own estimate.

    Returns
    -------
    CountCovariance
        ``covariance`` (Hz): the mean of the block estimates, the quantity that
        :func:`~snnlib.network.linear_response.predict_count_covariance` predicts (its diagonal is the rate times
        the Fano factor); ``blocks`` (Hz); ``pair_mean(pairs)`` gives the mean over a class of
        pairs with its standard error, ``split_half()`` the reliability of one pair's estimate.

    Notes
    -----
    In each block the sample covariance (divisor :math:`m - 1` for :math:`m` windows) of the
    counts, divided by :math:`T` in seconds. Blocks are independent when they are much longer
    than the correlation time of the counts, so the spread of the block estimates measures the
    error of any average over pairs, including what all pairs share (Efron & Tibshirani 1993,
    ch. 11; the same blocks as :func:`mean_count_correlation`).

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 100_000.0, n_trains=20, seed=1)
    >>> cc = count_covariance(st, window=100.0)
    >>> # Poisson: rate x Fano 1
    >>> m, se = cc.pair_mean([(i, i) for i in range(20)])
    >>> bool(abs(m - 20.0) < 4 * se)
    True
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    window = check_positive(window, "window", unit="ms")
    blocks = _check_blocks(blocks, "blocks")
    n_win = _n_bins(st.t_max, window, "window", at_least=2 * blocks)
    check_memory(8.0 * st.n_neurons * (n_win + (blocks + 2) * st.n_neurons), "window",
                 what=f"the counts and {blocks} covariance matrices of {st.n_neurons} neurons",
                 hint="pass fewer neurons or fewer blocks")
    counts = _count_matrix(st, window, "window", at_least=2 * blocks).astype(float)
    edges = np.linspace(0, n_win, blocks + 1).round().astype(int)
    per = np.array([np.atleast_2d(np.cov(counts[:, edges[b]:edges[b + 1]])) for b in range(blocks)])
    per /= window / MS_PER_S
    return CountCovariance(per.mean(axis=0), per, float(window))


def time_blocks(spikes, n_blocks: int, spike_ids=None, *, n_neurons: int | None = None,
                t_max: float | None = None) -> list:
    r"""Cut a record into consecutive blocks of equal length, each a record of its own.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes` (times and ``t_max`` in ms).
    n_blocks : int
        Number of blocks, >= 2.

    Returns
    -------
    list of SpikeTrains
        Block ``b`` holds the spikes in :math:`[bT/n, (b+1)T/n)`, with times measured from the
        block's start and ``t_max`` :math:`T/n` (ms).

    Notes
    -----
    Any statistic computed block by block gives, from the spread of the block values, a
    standard error that holds for averages over pairs or lags, whatever they share, as long as
    the blocks are much longer than the correlation time (Efron & Tibshirani 1993, ch. 11):
    ``np.std(values, ddof=1) / np.sqrt(n_blocks)``. Pairs of spikes in different blocks are lost,
    a fraction of about (longest lag) / (block length) of a correlogram's counts.

    Examples
    --------
    >>> st = SpikeTrains.from_trains([[1.0, 6.0, 12.0], [3.0, 17.0]],
    ...                              t_max=20.0)
    >>> [b.spike_times.tolist() for b in time_blocks(st, 2)]
    [[1.0, 3.0, 6.0], [2.0, 7.0]]
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    n_blocks = _check_blocks(n_blocks, "n_blocks")
    length = st.t_max / n_blocks
    which = np.minimum(np.floor(st.spike_times / length + EDGE_SNAP).astype(np.int64), n_blocks - 1)
    order = np.argsort(which, kind="stable")            # by block, each block in the record's order
    edges = np.searchsorted(which[order], np.arange(n_blocks + 1))
    out = []
    for b in range(n_blocks):
        sel = order[edges[b]:edges[b + 1]]
        times = np.clip(st.spike_times[sel] - b * length, 0.0, length)
        out.append(SpikeTrains(times, st.spike_ids[sel], st.n_neurons, length))
    return out
