r"""Generators of spike trains: homogeneous and inhomogeneous Poisson, and Gamma renewal trains.

Every generator takes ``seed`` (None, int or :class:`numpy.random.Generator`) and returns a
:class:`~snnlib.spikes.containers.SpikeTrains` sorted in time (ties by train index). Before it
draws, each checks that the expected output fits in memory (the resource guard of
``snnlib._core.validation``), so that ``rate=1e300`` is rejected by name instead of failing
deep inside NumPy.
References: Cox (1962) *Renewal Theory*; Cox & Lewis (1966) *The Statistical Analysis of Series
of Events*; Lewis & Shedler (1979) Naval Res. Logist. Q. 26, 403.
"""

from __future__ import annotations

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import MAX_STEPS, check_array, check_int, check_memory, check_positive, check_work
from ..units import MS_PER_S
from .containers import SpikeTrains, pack_trains, sort_spikes

__all__ = ["poisson_spike_train", "gamma_spike_train"]

#: Bytes a generator holds per expected spike at its peak: the times and train indices (8 + 8),
#: the thinning draw and bin index of an inhomogeneous train (8 + 8), the sort order (8) and
#: the sorted copies (8 + 8), rounded up.
_BYTES_PER_SPIKE = 64
#: Bytes per train besides its spikes: a Poisson count (8) and index (8); for a Gamma train
#: the NumPy array object kept until the trains are packed (about 112).
_BYTES_PER_TRAIN = 128
#: Margin, in standard deviations of the spike count, of the Gamma ISIs drawn in one go; the
#: rare train that needs more draws again (probability ~1e-9 per train for a Gaussian count).
_DRAW_MARGIN_SD = 6.0
#: Extra ISIs drawn per batch, so that very short trains need no second draw either.
_DRAW_EXTRA = 10


def _check_output(expected_spikes: float, n_trains: int) -> None:
    """Memory guard on a generator's output, before it draws (raises ``ValueError``)."""
    spikes = _BYTES_PER_SPIKE * expected_spikes
    trains = _BYTES_PER_TRAIN * float(n_trains)
    name = "rate * t_max * n_trains" if spikes >= trains else "n_trains"
    check_memory(spikes + trains, name, what=f"{expected_spikes:.3g} expected spikes in {n_trains} trains",
                 hint="lower rate, t_max or n_trains")


def poisson_spike_train(rate, t_max: float, *, n_trains: int = 1, seed=None) -> SpikeTrains:
    r"""Independent Poisson spike trains, homogeneous or with a time-varying rate.

    Parameters
    ----------
    rate : float or array_like
        Rate (Hz), >= 0 and finite (booleans are rejected). A 1-D array gives an
        inhomogeneous rate, constant on ``len(rate)`` equal bins spanning ``[0, t_max)``.
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
    r_max = float(rate_arr.max())
    mean_count = r_max * t_max / MS_PER_S      # spikes per train drawn at the peak rate
    _check_output(mean_count * n_trains, n_trains)
    rng = as_generator(seed)
    counts = rng.poisson(mean_count, size=n_trains)
    times = rng.uniform(0.0, t_max, size=int(counts.sum()))
    ids = np.repeat(np.arange(n_trains, dtype=np.int64), counts)
    if rate_arr.ndim == 1 and r_max > 0:
        idx = np.minimum((times / t_max * rate_arr.size).astype(np.int64), rate_arr.size - 1)
        keep = rng.uniform(size=times.size) * r_max < rate_arr[idx]
        times, ids = times[keep], ids[keep]
    return sort_spikes(times, ids, n_trains, t_max)


def gamma_spike_train(rate: float, shape_k: float, t_max: float, *, n_trains: int = 1,
                      seed=None) -> SpikeTrains:
    r"""Independent stationary Gamma renewal spike trains (CV = 1/sqrt(k)).

    Parameters
    ----------
    rate : float
        Mean rate (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` (dimensionless) > 0: ``k = 1`` is Poisson, ``k > 1`` more regular,
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
    mean_n = rate * t_max / MS_PER_S             # expected spikes per train
    # the count of a Gamma renewal train has variance ~ mean / k (Cox & Lewis 1966, sec. 4.5)
    n_draw = mean_n + _DRAW_MARGIN_SD * (np.sqrt(mean_n / shape_k) + 1.0) + _DRAW_EXTRA
    _check_output(mean_n * n_trains, n_trains)
    check_memory(_BYTES_PER_SPIKE * n_draw, "shape_k", what=f"{n_draw:.3g} intervals drawn per train",
                 hint="a very small shape_k (very bursty train) needs many draws; raise shape_k or lower t_max")
    check_work(n_trains, "n_trains", what="trains drawn one by one", limit=MAX_STEPS)
    n_draw = int(n_draw)
    rng = as_generator(seed)
    scale = MS_PER_S / (rate * shape_k)          # ms, so that the mean ISI is 1000 / rate ms
    trains = []
    for _ in range(n_trains):
        first = rng.uniform() * rng.gamma(shape_k + 1.0, scale)
        t = first + np.concatenate(([0.0], np.cumsum(rng.gamma(shape_k, scale, size=n_draw))))
        while t[-1] < t_max:
            more = t[-1] + np.cumsum(rng.gamma(shape_k, scale, size=n_draw))
            t = np.concatenate((t, more))
        trains.append(t[t < t_max])
    return pack_trains(trains, t_max)

