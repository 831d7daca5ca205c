r"""Containers of spike data: a population's spikes and the results of the statistics.

A population's spikes are stored the way :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` returns them: one
array of spike times (ms) and one array of neuron indices (int), plus the number of neurons and
the recording length ``t_max`` (ms); the record covers :math:`[0, t_{max}]`.
:class:`SpikeTrains` bundles the four. Every statistic of :mod:`snnlib.spikes.statistics`
accepts either such an object (anything with attributes ``spike_times``, ``spike_ids``,
``n_neurons``, ``t_max``) or raw arrays, and turns them into a validated :class:`SpikeTrains`
with :func:`as_trains`. :func:`pack_trains` and :func:`sort_spikes` are the one place where
spikes are put in the canonical order (by time, ties by neuron index).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._core.validation import check_array, check_int, check_memory, check_positive
from ..units import MS_PER_S

__all__ = ["SpikeTrains", "BinnedSpikes", "PopulationRate", "PowerSpectrum", "Correlogram", "FanoCurve",
           "MeanCorrelation", "CountCovariance"]

#: Relative tolerance of "a whole number of bins": ``t_max = 1000`` ms in bins of 0.1 ms is
#: 9999.999999999998 bins in floating point, but means 10000 bins. Round-off of such a ratio is
#: ~1e-16 relative; a genuine fraction of a bin is far above 1e-12.
_BIN_RTOL = 1e-12
#: Largest bin count :func:`whole_bins` reports (int64 range with room to multiply by neurons);
#: any count near it is rejected by the memory guard anyway.
_MAX_BINS = 2 ** 62
#: Bytes every statistic allocates per neuron (spike counts, offsets, rates, the result: a few
#: int64 or float64 values each); the memory guard of :func:`as_trains` uses it.
_BYTES_PER_NEURON = 32

# ---------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------

class SpikeTrains(NamedTuple):
    """Spikes of ``n_neurons`` neurons (or trials) recorded on [0, ``t_max``] ms.

    Parameters
    ----------
    spike_times : numpy.ndarray of float64, shape (n_spikes,)
        Spike times (ms), sorted in time.
    spike_ids : numpy.ndarray of int64, shape (n_spikes,)
        Index in ``[0, n_neurons)`` of the neuron (or trial) that fired each spike.
    n_neurons : int
        Number of neurons (trains), including silent ones.
    t_max : float
        Length of the record (ms).

    Examples
    --------
    >>> import numpy as np
    >>> st = SpikeTrains(np.array([1.0, 2.5]), np.array([0, 1]), n_neurons=2,
    ...                  t_max=10.0)
    >>> st.train(1)
    array([2.5])
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    n_neurons: int
    t_max: float

    def train(self, i: int) -> np.ndarray:
        """Return the spike times (ms) of neuron ``i`` (an int in ``[0, n_neurons)``), in time order."""
        i = check_int(i, "i", low=0, high=self.n_neurons - 1)
        return self.spike_times[self.spike_ids == i]

    @classmethod
    def from_trains(cls, trains, t_max: float) -> "SpikeTrains":
        """Build a :class:`SpikeTrains` from a list of 1-D arrays of spike times (ms).

        ``trains[i]`` holds the spike times (ms) of train ``i``, each in ``[0, t_max]``;
        ``t_max`` (ms, > 0) is the length of the record.

        Examples
        --------
        >>> st = SpikeTrains.from_trains([[1.0, 4.0], [2.0]], t_max=5.0)
        >>> st.spike_times, st.spike_ids
        (array([1., 2., 4.]), array([0, 1, 0]))
        """
        t_max = check_positive(t_max, "t_max", unit="ms")
        if isinstance(trains, np.ndarray) and trains.ndim == 1 and trains.dtype != object:
            trains = [trains]
        checked = [check_array(tr, f"trains[{i}]", ndim=1, min_size=0, low=0.0, high=t_max, unit="ms")
                   for i, tr in enumerate(trains)]
        if not checked:
            raise ValueError("trains must contain at least one spike train")
        return pack_trains(checked, t_max)


class BinnedSpikes(NamedTuple):
    """Spike counts of each neuron in consecutive time bins (the result of ``bin_spikes``).

    Parameters
    ----------
    counts : numpy.ndarray of int64, shape (n_neurons, n_bins)
        Number of spikes of each neuron in each bin.
    bin_edges : numpy.ndarray, shape (n_bins + 1,)
        Bin edges (ms); bin ``b`` is ``[bin_edges[b], bin_edges[b + 1])``.

    Examples
    --------
    >>> from snnlib.spikes import bin_spikes
    >>> binned = bin_spikes([0.5, 1.5, 1.7], bin_width=1.0, t_max=2.0)
    >>> binned.counts, binned.bin_edges
    (array([[1, 2]]), array([0., 1., 2.]))
    """

    counts: np.ndarray
    bin_edges: np.ndarray


class PopulationRate(NamedTuple):
    """Population firing rate, or PSTH over trials (the result of ``population_rate``).

    Parameters
    ----------
    times : numpy.ndarray, shape (n_bins,)
        Centre of each time bin (ms).
    rate : numpy.ndarray, shape (n_bins,)
        Spikes per neuron per second in that bin (Hz), averaged over the neurons (or trials).

    Examples
    --------
    >>> from snnlib.spikes import population_rate
    >>> # one spike per 1-ms bin
    >>> population_rate([0.5, 1.5], bin_width=1.0, t_max=2.0).rate
    array([1000., 1000.])
    """

    times: np.ndarray
    rate: np.ndarray


class PowerSpectrum(NamedTuple):
    """Power spectrum *estimated from spike data* (the result of ``power_spectrum``).

    Not to be confused with :func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>`, the Fokker-Planck *theory* of the
    same quantity for integrate-and-fire neurons.

    Parameters
    ----------
    freqs : numpy.ndarray, shape (n_freqs,)
        Frequencies (Hz), from 0 to the Nyquist frequency ``500 / dt``.
    power : numpy.ndarray, shape (n_freqs,) or (n_neurons, n_freqs)
        Two-sided power spectral density (Hz); -> rate at high frequency.
    n_segments : int
        Number of periodograms averaged per neuron.
    n_averaged : int
        Total number of periodograms averaged into each value of ``power``.

    Examples
    --------
    >>> from snnlib.spikes import poisson_spike_train, power_spectrum
    >>> ps = power_spectrum(poisson_spike_train(20.0, 2000.0, seed=0), dt=1.0)
    >>> ps.freqs[-1], ps.n_segments
    (np.float64(500.0), 1)
    """

    freqs: np.ndarray
    power: np.ndarray
    n_segments: int
    n_averaged: int

    def peak(self, f_min: float = 0.0) -> float:
        """Frequency (Hz) of the largest power at or above ``f_min`` (Hz), e.g. a population
        oscillation's; for a (n_neurons, n_freqs) spectrum, of the mean over neurons.

        Parameters
        ----------
        f_min : float
            Lowest frequency considered (Hz), >= 0 and at most the Nyquist frequency.

        Returns
        -------
        float
            The frequency (Hz) of the maximum (the first one if several are equal).
        """
        f_min = float(f_min)
        if not (0.0 <= f_min <= float(self.freqs[-1])):
            raise ValueError(f"f_min must lie in [0, {float(self.freqs[-1]):g}] Hz, got {f_min:g}")
        p = np.asarray(self.power)
        p = p.mean(axis=0) if p.ndim == 2 else p
        keep = np.nonzero(self.freqs >= f_min)[0]
        return float(self.freqs[keep[np.argmax(p[keep])]])


class Correlogram(NamedTuple):
    """Cross-correlogram of spike trains.

    Parameters
    ----------
    lags : numpy.ndarray, shape (2 m + 1,)
        Bin centres :math:`\\tau` (ms), from ``-m * bin_width`` to ``m * bin_width``.
    correlation : numpy.ndarray, shape (2 m + 1,)
        Raw correlation :math:`\\langle x_k(t+\\tau) x_j(t)\\rangle` (Hz^2), averaged
        over the bin and over the pairs (the same-spike term of an
        autocorrelogram is left out).
    covariance : numpy.ndarray, shape (2 m + 1,)
        ``correlation`` minus the product of the measured rates :math:`r_k r_j`
        (Hz^2): zero in expectation for independent trains.
    counts : numpy.ndarray of int64, shape (2 m + 1,)
        Number of spike pairs in each lag bin (summed over pairs).
    n_pairs : int
        Number of (ordered) neuron pairs averaged.

    Examples
    --------
    >>> from snnlib.spikes import cross_correlogram
    >>> cc = cross_correlogram([1.0, 4.0], pairs=(0, 0), bin_width=1.0,
    ...                        max_lag=3.0, t_max=10.0)
    >>> cc.lags[cc.counts > 0]
    array([-3.,  3.])
    """

    lags: np.ndarray
    correlation: np.ndarray
    covariance: np.ndarray
    counts: np.ndarray
    n_pairs: int


class SpikeRecord:
    """Base of the simulators' results: the spike count and mean rate of anything holding
    ``spike_times`` (ms), ``n_neurons`` and ``t_max`` (ms)."""

    __slots__ = ()

    @property
    def n_spikes(self) -> int:
        """Total number of spikes."""
        return int(self.spike_times.size)

    @property
    def mean_rate(self) -> float:
        """Mean rate per neuron over the whole record (Hz)."""
        return float(self.n_spikes / (self.n_neurons * self.t_max / MS_PER_S))


class MeanCorrelation(NamedTuple):
    """Mean pairwise spike-count correlation of a group of neurons (the result of
    ``mean_count_correlation``).

    Parameters
    ----------
    mean : float
        Mean correlation coefficient over the pairs (dimensionless).
    se : float
        Its standard error (block jackknife).
    n_pairs : int
        Number of pairs averaged.
    n_windows : int
        Number of counting windows.

    Examples
    --------
    >>> MeanCorrelation(0.02, 0.004, 190, 100).mean
    0.02
    """

    mean: float
    se: float
    n_pairs: int
    n_windows: int


class FanoCurve(NamedTuple):
    """Fano factor as a function of the counting window.

    Parameters
    ----------
    windows : numpy.ndarray, shape (n_windows,)
        Counting windows (ms).
    fano : numpy.ndarray, shape (n_windows,)
        Fano factor (dimensionless) averaged over the neurons with a non-zero mean count.
    sem : numpy.ndarray, shape (n_windows,)
        Standard error of that average across neurons (NaN with one neuron).

    Examples
    --------
    >>> from snnlib.spikes import fano_factor_curve
    >>> curve = fano_factor_curve([0.5, 1.5, 1.6, 2.5, 2.6, 2.7],
    ...                           windows=[1.0], t_max=4.0)
    >>> curve.fano
    array([1.11111111])
    """

    windows: np.ndarray
    fano: np.ndarray
    sem: np.ndarray


# ---------------------------------------------------------------------------
# Canonical order
# ---------------------------------------------------------------------------

def sort_spikes(times: np.ndarray, ids: np.ndarray, n_trains: int, t_max: float) -> SpikeTrains:
    """Spikes in the canonical order (by time, ties by train index) as a :class:`SpikeTrains`.

    ``times`` (ms, float64) and ``ids`` (int64) are already checked; no copy is kept of them.
    """
    order = np.lexsort((ids, times))
    return SpikeTrains(times[order], ids[order], n_trains, t_max)


def pack_trains(trains, t_max: float) -> SpikeTrains:
    """One :class:`SpikeTrains` from a list of already-checked 1-D float64 arrays of spike times (ms)."""
    n = len(trains)
    times = np.concatenate(trains) if n else np.empty(0)
    ids = np.repeat(np.arange(n, dtype=np.int64), [tr.size for tr in trains])
    return sort_spikes(times, ids, n, t_max)


# ---------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------

def _as_ids(spike_ids, n_spikes: int, n_neurons):
    """Checked neuron indices (int64; whole numbers only) and the number of neurons."""
    if spike_ids is None:
        return np.zeros(n_spikes, dtype=np.int64), (1 if n_neurons is None else n_neurons), "n_neurons"
    ids = check_array(spike_ids, "spike_ids", ndim=1, min_size=0, dtype=np.int64)
    if ids.size != n_spikes:
        raise ValueError(f"spike_ids must have one entry per spike time, got {ids.size} ids "
                         f"for {n_spikes} spike_times")
    if n_neurons is None:
        return ids, (int(ids.max()) + 1 if ids.size else 1), "spike_ids (n_neurons = max(spike_ids) + 1)"
    return ids, n_neurons, "n_neurons"


def as_trains(spikes, spike_ids=None, n_neurons=None, t_max=None, *, need_t_max=True) -> SpikeTrains:
    """Turn any accepted spike input into a validated :class:`SpikeTrains`.

    ``spikes`` is a SpikeTrains-like object or the spike times (ms); ``spike_ids`` the neuron
    of each spike (whole numbers; a float such as 1.7 is rejected); ``n_neurons`` the number of
    neurons (default ``max(spike_ids) + 1``); ``t_max`` the record length (ms), which may be
    omitted only if ``need_t_max`` is False (it then defaults to the last spike time).
    """
    if all(hasattr(spikes, a) for a in ("spike_times", "spike_ids", "n_neurons", "t_max")):
        if spike_ids is not None:
            raise TypeError("spike_ids must not be given when spikes is a SpikeTrains-like result")
        times, spike_ids = spikes.spike_times, spikes.spike_ids
        n_neurons = spikes.n_neurons if n_neurons is None else n_neurons
        t_max = spikes.t_max if t_max is None else t_max
    else:
        times = spikes
    times = check_array(times, "spike_times", ndim=1, min_size=0, unit="ms")
    ids, n_neurons, n_name = _as_ids(spike_ids, times.size, n_neurons)
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    check_memory(_BYTES_PER_NEURON * float(n_neurons), n_name, what=f"per-neuron arrays of {n_neurons} neurons")
    if ids.size and (ids.min() < 0 or ids.max() >= n_neurons):
        raise ValueError(f"spike_ids must lie in [0, n_neurons - 1] = [0, {n_neurons - 1}], "
                         f"got range [{ids.min()}, {ids.max()}]")
    if t_max is None:
        if need_t_max:
            raise TypeError("t_max (ms) is required when spikes are given as raw arrays")
        # a statistic that does not use t_max (the ISIs): any bound that contains the spikes
        t_max = float(times.max()) if times.size and times.max() > 0.0 else 1.0
    t_max = check_positive(t_max, "t_max", unit="ms")
    if times.size and (times.min() < 0.0 or times.max() > t_max):
        raise ValueError(f"spike_times must lie in [0, t_max] = [0, {t_max:g}] ms, "
                         f"got range [{times.min():g}, {times.max():g}] ms")
    return SpikeTrains(times, ids, n_neurons, t_max)


def grouped(st: SpikeTrains):
    """Spike times grouped by neuron: (times, offsets), times of neuron k in times[off[k]:off[k+1]].

    Raises if a neuron's spike times are not in increasing order (ISIs and
    correlograms rely on it).
    """
    order = np.argsort(st.spike_ids, kind="stable")
    times = np.ascontiguousarray(st.spike_times[order])
    counts = np.bincount(st.spike_ids, minlength=st.n_neurons)
    offsets = np.zeros(st.n_neurons + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if times.size > 1:
        d = np.diff(times)
        same = np.diff(st.spike_ids[order]) == 0
        if np.any(d[same] < 0):
            raise ValueError("spike_times must be sorted in time within each neuron "
                             "(sort them with np.lexsort((spike_times, spike_ids)) or by time)")
    return times, offsets


def whole_bins(t_max: float, bin_width: float) -> int:
    """Number of full bins of ``bin_width`` (ms) in ``[0, t_max]`` (ms), tolerant of round-off.

    Capped at ``2**62`` (an absurd count, which the callers' memory guard then rejects by name).
    """
    x = t_max / bin_width * (1.0 + _BIN_RTOL)
    return int(np.floor(x)) if x < _MAX_BINS else _MAX_BINS


class CountCovariance(NamedTuple):
    """Spike-count covariances per unit time with their block estimates (the result of
    ``count_covariance``).

    Parameters
    ----------
    covariance : ndarray, shape (n_neurons, n_neurons)
        :math:`\\mathrm{Cov}(N_i(T), N_j(T))/T` (Hz), the mean of the block estimates.
    blocks : ndarray, shape (n_blocks, n_neurons, n_neurons)
        The same from each of ``n_blocks`` contiguous blocks of windows (Hz).
    window : float
        Counting window :math:`T` (ms).

    Examples
    --------
    >>> import numpy as np
    >>> cc = CountCovariance(np.eye(2), np.stack([np.eye(2)] * 4), 100.0)
    >>> cc.pair_mean([(0, 0), (1, 1)])
    (1.0, 0.0)
    """

    covariance: np.ndarray
    blocks: np.ndarray
    window: float

    def pair_mean(self, pairs) -> tuple:
        """Mean covariance (Hz) over ``pairs`` and its standard error from the spread of the blocks.

        Parameters
        ----------
        pairs : array_like of int, shape (n_pairs, 2)
            Neuron indices ``(i, j)``.

        Returns
        -------
        (float, float)
            The mean over the pairs of the covariance, and its standard error
            :math:`s_B/\\sqrt{B}` (:math:`s_B`: the standard deviation of the block means): blocks
            longer than the correlation time of the counts are independent, so this error holds
            whatever the pairs share.
        """
        from .._core.validation import check_array

        n = self.covariance.shape[0]
        p = check_array(pairs, "pairs", ndim=2, dtype=np.int64, low=0, high=n - 1)
        if p.shape[1] != 2 or p.shape[0] == 0:
            raise ValueError(f"pairs must have shape (n_pairs, 2) with n_pairs >= 1, got {p.shape}")
        per_block = self.blocks[:, p[:, 0], p[:, 1]].mean(axis=1)
        n_b = per_block.size
        return float(per_block.mean()), float(per_block.std(ddof=1) / np.sqrt(n_b))

    def split_half(self) -> tuple:
        """How well the record determines each pair's covariance: the split-half reliability.

        Returns
        -------
        (float, float)
            ``r``: the correlation, over all distinct pairs ``i < j``, of the covariances
            estimated from the first and from the second half of the blocks; and the
            Spearman-Brown reliability of the whole record, :math:`2r/(1 + r)` (Spearman 1910;
            Brown 1910): the largest :math:`R^2` that any theory, even an exact one, can reach
            against these measured covariances.
        """
        n_b = self.blocks.shape[0]
        upper = np.triu_indices(self.covariance.shape[0], 1)
        first = self.blocks[: n_b // 2].mean(axis=0)[upper]
        second = self.blocks[n_b - n_b // 2:].mean(axis=0)[upper]
        r = float(np.corrcoef(first, second)[0, 1])
        return r, 2.0 * r / (1.0 + r)
