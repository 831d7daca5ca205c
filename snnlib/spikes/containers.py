r"""Containers of spike data: a population's spikes and the results of the statistics.

A population's spikes are stored the way :func:`snnlib.simulate_population` returns them: one
array of spike times (ms) and one array of neuron indices (int), plus the number of neurons and
the recording length ``t_max`` (ms); the record covers :math:`[0, t_{max}]`.
:class:`SpikeTrains` bundles the four. Every statistic of :mod:`snnlib.spikes.statistics`
accepts either such an object (anything with attributes ``spike_times``, ``spike_ids``,
``n_neurons``, ``t_max``) or raw arrays, and turns them into a validated :class:`SpikeTrains`
with :func:`as_trains`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._core.validation import check_array, check_int, check_positive

__all__ = ["SpikeTrains", "BinnedSpikes", "PopulationRate", "PowerSpectrum", "Correlogram", "FanoCurve"]

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
    >>> st = SpikeTrains(np.array([1.0, 2.5]), np.array([0, 1]), n_neurons=2, t_max=10.0)
    >>> st.train(1)
    array([2.5])
    """

    spike_times: np.ndarray
    spike_ids: np.ndarray
    n_neurons: int
    t_max: float

    def train(self, i: int) -> np.ndarray:
        """Return the spike times (ms) of neuron ``i``, in time order."""
        i = check_int(i, "i", low=0, high=self.n_neurons - 1)
        return self.spike_times[self.spike_ids == i]

    @classmethod
    def from_trains(cls, trains, t_max: float) -> "SpikeTrains":
        """Build a :class:`SpikeTrains` from a list of 1-D arrays of spike times (ms).

        Examples
        --------
        >>> st = SpikeTrains.from_trains([[1.0, 4.0], [2.0]], t_max=5.0)
        >>> st.spike_times, st.spike_ids
        (array([1., 2., 4.]), array([0, 1, 0]))
        """
        t_max = check_positive(t_max, "t_max", unit="ms")
        if isinstance(trains, np.ndarray) and trains.ndim == 1 and trains.dtype != object:
            trains = [trains]
        times, ids = [], []
        for i, tr in enumerate(trains):
            tr = check_array(tr, f"trains[{i}]", ndim=1, min_size=0, low=0.0, high=t_max, unit="ms")
            times.append(tr)
            ids.append(np.full(tr.size, i, dtype=np.int64))
        n = len(times)
        if n == 0:
            raise ValueError("trains must contain at least one spike train")
        t = np.concatenate(times)
        k = np.concatenate(ids)
        order = np.lexsort((k, t))
        return cls(t[order], k[order], n, t_max)


class BinnedSpikes(NamedTuple):
    """Spike counts in time bins.

    Parameters
    ----------
    counts : numpy.ndarray of int64, shape (n_neurons, n_bins)
        Number of spikes of each neuron in each bin.
    bin_edges : numpy.ndarray, shape (n_bins + 1,)
        Bin edges (ms); bin ``b`` is ``[bin_edges[b], bin_edges[b + 1])``.

    Examples
    --------
    >>> b = bin_spikes([0.5, 1.5, 1.7], bin_width=1.0, t_max=2.0)
    >>> b.counts, b.bin_edges
    (array([[1, 2]]), array([0., 1., 2.]))
    """

    counts: np.ndarray
    bin_edges: np.ndarray


class PopulationRate(NamedTuple):
    """Population firing rate (PSTH).

    Parameters
    ----------
    times : numpy.ndarray, shape (n_bins,)
        Bin centres (ms).
    rate : numpy.ndarray, shape (n_bins,)
        Rate per neuron (Hz), averaged over the neurons (or trials).

    Examples
    --------
    >>> population_rate([0.5, 1.5], bin_width=1.0, t_max=2.0).rate
    array([1000., 1000.])
    """

    times: np.ndarray
    rate: np.ndarray


class PowerSpectrum(NamedTuple):
    """Spike-train power spectrum.

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
    >>> ps = power_spectrum(poisson_spike_train(20.0, 2000.0, seed=0), dt=1.0)
    >>> ps.freqs[-1], ps.n_segments
    (np.float64(500.0), 1)
    """

    freqs: np.ndarray
    power: np.ndarray
    n_segments: int
    n_averaged: int


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
    >>> cc = cross_correlogram([1.0, 4.0], pairs=(0, 0), bin_width=1.0, max_lag=3.0, t_max=10.0)
    >>> cc.lags[cc.counts > 0]
    array([-3.,  3.])
    """

    lags: np.ndarray
    correlation: np.ndarray
    covariance: np.ndarray
    counts: np.ndarray
    n_pairs: int


class FanoCurve(NamedTuple):
    """Fano factor as a function of the counting window.

    Parameters
    ----------
    windows : numpy.ndarray, shape (n_windows,)
        Counting windows (ms).
    fano : numpy.ndarray, shape (n_windows,)
        Fano factor averaged over the neurons with a non-zero mean count.
    sem : numpy.ndarray, shape (n_windows,)
        Standard error of that average across neurons (NaN with one neuron).

    Examples
    --------
    >>> curve = fano_factor_curve([0.5, 1.5, 1.6, 2.5, 2.6, 2.7], windows=[1.0], t_max=4.0)
    >>> curve.fano
    array([1.11111111])
    """

    windows: np.ndarray
    fano: np.ndarray
    sem: np.ndarray


# ---------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------

def as_trains(spikes, spike_ids=None, n_neurons=None, t_max=None, *, need_t_max=True) -> SpikeTrains:
    """Turn any accepted spike input into a validated :class:`SpikeTrains`."""
    if all(hasattr(spikes, a) for a in ("spike_times", "spike_ids", "n_neurons", "t_max")):
        if spike_ids is not None:
            raise TypeError("spike_ids must not be given when spikes is a SpikeTrains-like result")
        times, spike_ids = spikes.spike_times, spikes.spike_ids
        n_neurons = spikes.n_neurons if n_neurons is None else n_neurons
        t_max = spikes.t_max if t_max is None else t_max
    else:
        times = spikes
    times = check_array(times, "spike_times", ndim=1, min_size=0, unit="ms")
    if spike_ids is None:
        ids = np.zeros(times.size, dtype=np.int64)
        if n_neurons is None:
            n_neurons = 1
    else:
        ids = check_array(spike_ids, "spike_ids", ndim=1, min_size=0, dtype=np.int64)
        if ids.size != times.size:
            raise ValueError(f"spike_ids must have one entry per spike time, got {ids.size} ids "
                             f"for {times.size} spike_times")
        if n_neurons is None:
            n_neurons = int(ids.max()) + 1 if ids.size else 1
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    if ids.size and (ids.min() < 0 or ids.max() >= n_neurons):
        raise ValueError(f"spike_ids must lie in [0, n_neurons - 1] = [0, {n_neurons - 1}], "
                         f"got range [{ids.min()}, {ids.max()}]")
    if t_max is None:
        if need_t_max:
            raise TypeError("t_max (ms) is required when spikes are given as raw arrays")
        t_max = float(times.max()) if times.size else 1.0
        t_max = max(t_max, 1e-300)
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
    # Tolerate round-off so that t_max = 1000, bin_width = 0.1 gives 10000 full bins.
    return int(np.floor(t_max / bin_width * (1.0 + 1e-12)))


