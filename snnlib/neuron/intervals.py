r"""An unbiased sample of interspike intervals from Monte Carlo: the first k of every neuron.

The intervals that happen to fit into a simulation of fixed length are a biased sample: a long
interval is more likely to be cut off by the end of the run, so pooled intervals are too short
on average, by a relative amount of order one over the number of intervals per neuron. Fixing
the number ``k`` of intervals per neuron in advance and simulating until every neuron has ``k``
of them removes the bias: the first ``k`` intervals of a renewal process started at a spike
(here: at reset) are ``k`` independent draws from the interspike-interval distribution
(Cox 1962, *Renewal Theory*, section 1.2), whatever the other neurons do.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._core.validation import check_array, check_int, check_positive
from .montecarlo import simulate_population

__all__ = ["FirstIntervals", "first_intervals", "IntervalDensity", "interval_density"]

#: Largest number of times the run is doubled before giving up.
MAX_DOUBLINGS = 12


class FirstIntervals(NamedTuple):
    """Output of :func:`first_intervals`.

    Parameters
    ----------
    intervals : numpy.ndarray, shape (n_neurons, k)
        The first ``k`` interspike intervals (ms) of every neuron, in order.
    t_max : float
        Length (ms) of the run that gave every neuron ``k`` intervals.

    Examples
    --------
    >>> import snnlib
    >>> fi = snnlib.first_intervals(snnlib.LIF(), 20.0, 2.0, n_neurons=3, k=2,
    ...                             t_max=100.0, seed=0)
    >>> fi.intervals.shape
    (3, 2)
    """

    intervals: np.ndarray
    t_max: float


def first_intervals(model, mu, sigma, *, n_neurons, k, t_max, dt=0.1, seed=None,
                    threshold_correction=True):
    r"""The first ``k`` interspike intervals of every neuron of a noisy population.

    Simulates :func:`~snnlib.neuron.montecarlo.simulate_population` for ``t_max``; while some neuron
    has fewer than ``k`` intervals (``k + 1`` spikes), the whole run is repeated with the same seed
    and twice the duration. Every neuron draws its noise from its own stream, so a longer run continues the
    shorter one spike for spike: the result is that of one run long enough for every neuron.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (ms, mV), as in
        :func:`~snnlib.neuron.montecarlo.simulate_population`.
    mu : float or array_like, shape (n_neurons,)
        Mean input (mV), one value for all neurons or one per neuron.
    sigma : float or array_like, shape (n_neurons,)
        Noise strength (mV), >= 0, one value or one per neuron.
    n_neurons : int
        Number of neurons (>= 1).
    k : int
        Intervals kept per neuron (>= 1).
    t_max : float
        Duration (ms) of the first attempt, > 0 and a whole number of steps ``dt``; a good
        guess is about ``1.5 (k + 1)`` mean intervals of the slowest neuron.
    dt : float
        Time step (ms), > 0, as in :func:`~snnlib.neuron.montecarlo.simulate_population`.
    seed : None, int or numpy.random.Generator
        Seed of the noise (a Generator is turned into one integer seed first, so that every
        doubling repeats the same noise).
    threshold_correction : bool
        Brownian-bridge correction of
        :func:`~snnlib.neuron.montecarlo.simulate_population` (default True).

    Returns
    -------
    FirstIntervals
        ``intervals`` (ms), shape ``(n_neurons, k)``, and the ``t_max`` (ms) finally used.

    Raises
    ------
    ValueError
        If ``k`` or ``n_neurons`` is below 1 or ``t_max`` is not positive (other arguments as
        in :func:`~snnlib.neuron.montecarlo.simulate_population`),
        or if some neuron still has fewer than ``k``
        intervals after the run was doubled ``MAX_DOUBLINGS`` = 12 times (it does not fire).

    Notes
    -----
    Every neuron starts at ``v_reset`` at time 0, i.e. as just after a spike (without the
    refractory period, which does not enter the intervals), and its later intervals are
    independent and identically distributed (the neuron is a renewal process). Intervals
    counted in a fixed window are length-biased (Cox 1962, section 1.2; Nawrot et al. 2008,
    J Neurosci Methods 169:374): the first ``k`` of each neuron, with the run extended until
    every neuron has them, are not.

    Examples
    --------
    >>> import snnlib
    >>> fi = snnlib.first_intervals(snnlib.LIF(), 12.0, 3.0, n_neurons=50, k=5,
    ...                             t_max=500.0, seed=1)
    >>> fi.intervals.shape
    (50, 5)
    """
    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    k = check_int(k, "k", low=1)
    t_max = check_positive(t_max, "t_max", unit="ms")
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    for _ in range(MAX_DOUBLINGS + 1):
        res = simulate_population(model, mu, sigma, n_neurons=n_neurons, t_max=t_max, dt=dt, seed=seed,
                                  threshold_correction=threshold_correction)
        counts = np.bincount(res.spike_ids, minlength=n_neurons)
        if counts.min() >= k + 1:
            break
        t_max = 2.0 * t_max
    else:
        raise ValueError(f"first_intervals: neuron {int(np.argmin(counts))} has only "
                         f"{max(int(counts.min()) - 1, 0)} intervals after {t_max / 2:g} ms "
                         f"({MAX_DOUBLINGS} doublings); it hardly fires: raise mu or sigma, or lower k")
    order = np.argsort(res.spike_ids, kind="stable")
    times = res.spike_times[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    idx = starts[:, None] + np.arange(k + 1)[None, :]
    spikes = times[idx]
    return FirstIntervals(np.diff(spikes, axis=1), float(t_max))



class IntervalDensity(NamedTuple):
    """Output of :func:`interval_density`.

    Parameters
    ----------
    density : numpy.ndarray, shape (n_bins,)
        Estimated interspike-interval density (1/ms) in each bin.
    n_intervals : int
        Number of intervals that started early enough to be seen whole up to the last edge
        (the normalisation).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> r = snnlib.simulate_population(snnlib.LIF(), 20.0, 2.0, n_neurons=20,
    ...                                t_max=500.0, seed=0)
    >>> est = snnlib.interval_density(r, np.arange(0.0, 100.0, 5.0))
    >>> est.density.shape
    (19,)
    """

    density: np.ndarray
    n_intervals: int


def interval_density(result, edges):
    r"""Unbiased histogram estimate of the interspike-interval density from a run of fixed length.

    Every spike at a time :math:`s \le T - L`, with :math:`T` the duration and :math:`L` the
    last bin edge, starts an interval that is seen whole if it is shorter than :math:`L`. The
    histogram of those intervals, divided by the number of such starts (including the intervals
    longer than :math:`L` or unfinished at :math:`T`) and by the bin widths, estimates the
    density without the bias against long intervals of pooling every interval of the window.

    Parameters
    ----------
    result : snnlib.neuron.montecarlo.PopulationResult
        A run of :func:`~snnlib.neuron.montecarlo.simulate_population` (spike times in ms, ``t_max`` in ms).
    edges : array_like
        Increasing bin edges (ms), >= 0, the last at most ``t_max``.

    Returns
    -------
    IntervalDensity
        ``density`` (1/ms) per bin, 0 if no interval could be seen whole, and ``n_intervals``.

    Raises
    ------
    ValueError
        If the edges are not increasing, are negative or end beyond ``t_max``.

    Notes
    -----
    For a renewal process the interval that follows a spike is independent of the time of that
    spike, so selecting the starts by time selects nothing about the lengths (the censoring
    argument of survival analysis; Nawrot et al. 2008, J Neurosci Methods 169:374).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> r = snnlib.simulate_population(snnlib.LIF(), 20.0, 2.0, n_neurons=50,
    ...                                t_max=1000.0, seed=0)
    >>> est = snnlib.interval_density(r, np.arange(0.0, 100.0, 2.0))
    >>> # CV 0.13: no interval > 98 ms
    >>> bool(abs(est.density.sum() * 2.0 - 1.0) < 0.01)
    True
    """
    edges = check_array(edges, "edges", ndim=1, min_size=2, low=0.0)
    if np.any(np.diff(edges) <= 0.0):
        raise ValueError("edges must be strictly increasing (ms)")
    if edges[-1] > result.t_max:
        raise ValueError(f"edges must end at most at t_max = {result.t_max:g} ms, got {edges[-1]:g} ms")
    latest = result.t_max - edges[-1]
    order = np.lexsort((result.spike_times, result.spike_ids))
    ids, times = result.spike_ids[order], result.spike_times[order]
    starts = times <= latest
    same = np.concatenate([ids[1:] == ids[:-1], [False]])
    lengths = np.diff(times, append=np.inf)
    seen = starts & same
    n_intervals = int(np.count_nonzero(starts))
    counts = np.histogram(lengths[seen], edges)[0]
    density = counts / (max(n_intervals, 1) * np.diff(edges))
    return IntervalDensity(density, n_intervals)
