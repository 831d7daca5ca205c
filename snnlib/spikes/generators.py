r"""Generators of spike trains: homogeneous and inhomogeneous Poisson, and Gamma renewal trains.

Every generator takes ``seed`` (None, int or :class:`numpy.random.Generator`) and returns a
:class:`~snnlib.spikes.containers.SpikeTrains` sorted in time (ties by train index).
References: Cox (1962) *Renewal Theory*; Cox & Lewis (1966) *The Statistical Analysis of Series
of Events*; Lewis & Shedler (1979) Naval Res. Logist. Q. 26, 403.
"""

from __future__ import annotations

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import check_array, check_int, check_positive
from ..units import MS_PER_S
from .containers import SpikeTrains

__all__ = ["poisson_spike_train", "gamma_spike_train"]

def _pack(times_list, t_max) -> SpikeTrains:
    n = len(times_list)
    t = np.concatenate(times_list) if n else np.empty(0)
    ids = np.repeat(np.arange(n, dtype=np.int64), [x.size for x in times_list])
    order = np.lexsort((ids, t))
    return SpikeTrains(np.ascontiguousarray(t[order]), np.ascontiguousarray(ids[order]), n, t_max)


def poisson_spike_train(rate, t_max: float, *, n_trains: int = 1, seed=None) -> SpikeTrains:
    r"""Independent Poisson spike trains, homogeneous or with a time-varying rate.

    Parameters
    ----------
    rate : float or array_like
        Rate (Hz), >= 0. A 1-D array gives an inhomogeneous rate, constant on
        ``len(rate)`` equal bins spanning ``[0, t_max)``.
    t_max : float
        Duration (ms), > 0.
    n_trains : int
        Number of independent trains (neurons or trials), >= 1.
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    SpikeTrains
        Spikes sorted in time, ``spike_ids`` in ``[0, n_trains)``.

    Notes
    -----
    Homogeneous: the count on :math:`[0, T]` is Poisson with mean :math:`rT`
    and, given the count, the times are independent and uniform (Cox & Lewis
    1966). Inhomogeneous: thinning of a homogeneous process at
    :math:`r_{max}`, keeping a spike at :math:`t` with probability
    :math:`r(t)/r_{max}` (Lewis & Shedler 1979, Naval Res. Logist. Q. 26, 403).

    Examples
    --------
    >>> st = poisson_spike_train(10.0, 1000.0, n_trains=3, seed=42)
    >>> st.n_neurons, st.t_max
    (3, 1000.0)
    """
    t_max = check_positive(t_max, "t_max", unit="ms")
    n_trains = check_int(n_trains, "n_trains", low=1)
    rate_arr = check_array(rate, "rate", ndim=(0, 1), low=0.0, unit="Hz")
    rng = as_generator(seed)
    r_max = float(rate_arr.max())
    mean_count = r_max * t_max / MS_PER_S
    counts = rng.poisson(mean_count, size=n_trains)
    times = rng.uniform(0.0, t_max, size=int(counts.sum()))
    ids = np.repeat(np.arange(n_trains, dtype=np.int64), counts)
    if rate_arr.ndim == 1 and r_max > 0:
        idx = np.minimum((times / t_max * rate_arr.size).astype(np.int64), rate_arr.size - 1)
        keep = rng.uniform(size=times.size) * r_max < rate_arr[idx]
        times, ids = times[keep], ids[keep]
    order = np.lexsort((ids, times))
    return SpikeTrains(np.ascontiguousarray(times[order]), np.ascontiguousarray(ids[order]), n_trains, t_max)


def gamma_spike_train(rate: float, shape_k: float, t_max: float, *, n_trains: int = 1,
                      seed=None) -> SpikeTrains:
    r"""Independent stationary Gamma renewal spike trains (CV = 1/sqrt(k)).

    Parameters
    ----------
    rate : float
        Mean rate (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` > 0: ``k = 1`` is Poisson, ``k > 1`` more regular,
        ``k < 1`` bursty (CV > 1).
    t_max : float
        Duration (ms), > 0.
    n_trains : int
        Number of independent trains, >= 1.
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    SpikeTrains
        Spikes sorted in time.

    Notes
    -----
    ISIs are Gamma distributed with shape :math:`k` and mean :math:`1/r`,
    :math:`p(\Delta) = (kr)^k \Delta^{k-1} e^{-kr\Delta}/\Gamma(k)`, so
    :math:`C_V = 1/\sqrt{k}`. The train starts in equilibrium: the first spike
    comes after the forward recurrence time :math:`U\,L` with :math:`U` uniform
    on (0, 1) and :math:`L` the length-biased interval, which for a Gamma
    :math:`(k, \theta)` ISI is Gamma :math:`(k+1, \theta)` (Cox 1962,
    *Renewal Theory*; Cox & Lewis 1966). The power spectrum is
    :math:`S(f) = r\,\mathrm{Re}\,[(1+\tilde p(f))/(1-\tilde p(f))]` with
    :math:`\tilde p(f) = (1 + 2\pi i f/(kr))^{-k}`.

    Examples
    --------
    >>> st = gamma_spike_train(20.0, 4.0, 5000.0, n_trains=2, seed=0)
    >>> st.n_neurons
    2
    """
    rate = check_positive(rate, "rate", unit="Hz")
    shape_k = check_positive(shape_k, "shape_k")
    t_max = check_positive(t_max, "t_max", unit="ms")
    n_trains = check_int(n_trains, "n_trains", low=1)
    rng = as_generator(seed)
    scale = MS_PER_S / (rate * shape_k)          # ms, so that the mean ISI is 1000 / rate ms
    mean_n = t_max / (shape_k * scale)
    sd_n = np.sqrt(mean_n / shape_k) + 1.0
    trains = []
    for _ in range(n_trains):
        first = rng.uniform() * rng.gamma(shape_k + 1.0, scale)
        n_draw = int(mean_n + 6.0 * sd_n + 10)
        t = first + np.concatenate(([0.0], np.cumsum(rng.gamma(shape_k, scale, size=n_draw))))
        while t[-1] < t_max:
            more = t[-1] + np.cumsum(rng.gamma(shape_k, scale, size=n_draw))
            t = np.concatenate((t, more))
        trains.append(t[t < t_max])
    return _pack(trains, t_max)

