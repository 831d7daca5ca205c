r"""Synaptic input: the postsynaptic potential (PSP) kernel, shot noise and Campbell's theorem.

A current-based synapse with an exponential current of time constant :math:`\tau_s` into a
passive membrane of time constant :math:`\tau_m` makes, for each presynaptic spike at
:math:`t_k`, the PSP :math:`J\epsilon(t - t_k)` with the difference-of-exponentials kernel

.. math::

    \epsilon(t) = \frac{\tau_m}{\tau_m - \tau_s}\bigl(e^{-t/\tau_m} - e^{-t/\tau_s}\bigr)
    \quad (t \ge 0),

normalised so that :math:`\int_0^\infty\epsilon\,dt = \tau_m`, the area of the jump kernel
:math:`e^{-t/\tau_m}` that it becomes for :math:`\tau_s \to 0`. The weight :math:`J` (mV) is
thus the jump of the membrane potential of a network synapse (notation page), and the peak of
the PSP is smaller than :math:`J` (:func:`psp_peak`).

* :func:`psp_kernel`, :func:`psp_peak`: the kernel and its peak time and height;
* :func:`shot_noise`: the summed PSPs :math:`\sum_k J_k\epsilon(t - t_k)` of given input spikes,
  exactly (two exponential traces);
* :func:`campbell_moments`: the mean and standard deviation of that sum for Poisson input, by
  Campbell's theorem: the book's :math:`(\mu, \sigma)`.

References: Campbell (1909) Proc. Camb. Phil. Soc. 15, 117; Rice (1944) Bell Syst. Tech. J. 23,
282, sec. 1.4; Gerstner et al. (2014) *Neuronal Dynamics*, ch. 8.2 (eqs. 8.6-8.8); Tuckwell
(1988) *Introduction to Theoretical Neurobiology*, vol. 2, ch. 9.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.validation import check_array, check_memory, check_nonnegative, check_positive
from ..units import hz_to_per_ms

__all__ = ["psp_kernel", "psp_peak", "shot_noise", "CampbellMoments", "campbell_moments"]


def _check_taus(tau_m, tau_s):
    tau_m = check_positive(tau_m, "tau_m", unit="ms")
    tau_s = check_nonnegative(tau_s, "tau_s", unit="ms")
    if abs(tau_s - tau_m) <= 1e-9 * tau_m:
        raise ValueError(f"tau_s must differ from tau_m (the kernel is then an alpha function), "
                         f"got tau_s = tau_m = {tau_m} ms")
    return tau_m, tau_s


def psp_kernel(t, *, tau_m: float, tau_s: float) -> np.ndarray:
    r"""The PSP kernel :math:`\epsilon(t)` of a current-based exponential synapse, per unit weight.

    Parameters
    ----------
    t : float or array_like
        Time since the presynaptic spike (ms), finite; the kernel is 0 for ``t < 0``.
    tau_m : float
        Membrane time constant (ms), > 0.
    tau_s : float
        Synaptic time constant (ms), >= 0 and different from ``tau_m``; 0 gives the jump
        kernel :math:`e^{-t/\tau_m}`.

    Returns
    -------
    numpy.ndarray
        :math:`\epsilon(t) = \tau_m(e^{-t/\tau_m} - e^{-t/\tau_s})/(\tau_m - \tau_s)`
        (dimensionless: the PSP of weight ``J`` mV is ``J * psp_kernel(t)`` mV), shape of ``t``.

    Notes
    -----
    Solution of :math:`\tau_m\dot V = -V + \tau_m I`, :math:`\tau_s\dot I = -I`, :math:`I(0) =
    1/\tau_s` (Gerstner et al. 2014, eq. 8.6; Tuckwell 1988, sec. 9.2); its integral is
    :math:`\tau_m` and the integral of its square :math:`\tau_m^2/[2(\tau_m + \tau_s)]`.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.neuron.synapse import psp_kernel
    >>> t = np.linspace(0.0, 400.0, 400_001)
    >>> eps = psp_kernel(t, tau_m=20.0, tau_s=5.0)
    >>> round(float(np.trapezoid(eps, t)), 4)   # tau_m
    20.0
    """
    t = check_array(t, "t")
    tau_m, tau_s = _check_taus(tau_m, tau_s)
    out = np.zeros(t.shape)
    pos = t >= 0
    fast = np.exp(-t[pos] / tau_s) if tau_s > 0 else 0.0   # tau_s = 0: the jump, 1 at t = 0
    out[pos] = tau_m / (tau_m - tau_s) * (np.exp(-t[pos] / tau_m) - fast)
    return out


def psp_peak(*, tau_m: float, tau_s: float) -> tuple[float, float]:
    r"""Time and height of the peak of :func:`psp_kernel`.

    Parameters
    ----------
    tau_m : float
        Membrane time constant (ms), > 0.
    tau_s : float
        Synaptic time constant (ms), >= 0 and different from ``tau_m``.

    Returns
    -------
    t_peak : float
        :math:`t^* = \tau_m\tau_s\ln(\tau_m/\tau_s)/(\tau_m - \tau_s)` (ms); 0 for ``tau_s = 0``.
    height : float
        :math:`\epsilon(t^*) = (\tau_s/\tau_m)^{\tau_s/(\tau_m - \tau_s)}` (dimensionless,
        < 1): the peak PSP of weight ``J`` is ``J * height`` mV.

    Notes
    -----
    From :math:`\epsilon'(t^*) = 0` (Gerstner et al. 2014, ch. 8.2).

    Examples
    --------
    >>> from snnlib.neuron.synapse import psp_peak
    >>> t_peak, height = psp_peak(tau_m=20.0, tau_s=5.0)
    >>> round(t_peak, 3), round(height, 3)
    (9.242, 0.63)
    """
    tau_m, tau_s = _check_taus(tau_m, tau_s)
    if tau_s == 0.0:
        return 0.0, 1.0
    t_peak = tau_m * tau_s * math.log(tau_m / tau_s) / (tau_m - tau_s)
    return t_peak, (tau_s / tau_m) ** (tau_s / (tau_m - tau_s))


@njit(cache=True)
def _shot_noise_kernel(spike_times, weights, times, tau_m, tau_s, out):
    """Summed PSPs at sorted ``times`` from sorted ``spike_times`` (jitted, no checking).

    Two traces a = sum J e^{-(t - t_k)/tau_m}, b = sum J e^{-(t - t_k)/tau_s}, carried from
    spike to spike and evaluation time to evaluation time; out = tau_m (a - b)/(tau_m - tau_s).
    A spike at exactly an evaluation time counts (epsilon(0) = 0 unless tau_s = 0); for
    tau_s = 0 the trace b is never used.
    """
    a = 0.0
    b = 0.0
    t_now = -np.inf
    k = 0
    n = spike_times.shape[0]
    scale = tau_m / (tau_m - tau_s)
    for i in range(times.shape[0]):
        t = times[i]
        while k < n and spike_times[k] <= t:
            tk = spike_times[k]
            if t_now > -np.inf:
                a *= math.exp(-(tk - t_now) / tau_m)
                b *= math.exp(-(tk - t_now) / tau_s) if tau_s > 0.0 else 0.0
            t_now = tk
            a += weights[k]
            b += weights[k]
            k += 1
        if t_now == -np.inf:
            out[i] = 0.0
        else:
            fast = b * math.exp(-(t - t_now) / tau_s) if tau_s > 0.0 else 0.0
            out[i] = scale * (a * math.exp(-(t - t_now) / tau_m) - fast)


def shot_noise(spike_times, weights, times, *, tau_m: float, tau_s: float) -> np.ndarray:
    r"""Summed postsynaptic potentials :math:`\sum_k J_k\,\epsilon(t - t_k)` of given input spikes.

    Parameters
    ----------
    spike_times : array_like, shape (n_spikes,)
        Presynaptic spike times (ms), finite and non-decreasing (e.g. the pooled
        ``spike_times`` of a :class:`~snnlib.spikes.containers.SpikeTrains`).
    weights : float or array_like, shape (n_spikes,)
        Weight :math:`J_k` of each spike (mV), finite: positive excitatory, negative inhibitory.
    times : array_like, shape (n_times,)
        Non-decreasing times at which the sum is evaluated (ms), finite.
    tau_m : float
        Membrane time constant (ms), > 0.
    tau_s : float
        Synaptic time constant (ms), >= 0 and different from ``tau_m``.

    Returns
    -------
    numpy.ndarray, shape (n_times,)
        Membrane potential relative to rest (mV) of a passive membrane driven by the spikes.

    Notes
    -----
    Exact: the kernel :func:`psp_kernel` is a difference of two exponentials, so the sum is
    carried as two exponentially decaying traces, updated at each spike and evaluation time
    (cost proportional to ``n_spikes + n_times``). Gerstner et al. (2014), eq. 8.7.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.neuron.synapse import psp_kernel, shot_noise
    >>> t = np.array([5.0, 20.0])
    >>> v = shot_noise([0.0, 10.0], [1.0, -0.5], t, tau_m=20.0, tau_s=5.0)
    >>> ref = (psp_kernel(t, tau_m=20.0, tau_s=5.0)
    ...        - 0.5 * psp_kernel(t - 10.0, tau_m=20.0, tau_s=5.0))
    >>> bool(np.allclose(v, ref))
    True
    """
    spike_times = check_array(spike_times, "spike_times", ndim=1)
    times = check_array(times, "times", ndim=1)
    tau_m, tau_s = _check_taus(tau_m, tau_s)
    weights = check_array(weights, "weights")
    if weights.ndim == 0:
        weights = np.full(spike_times.shape, float(weights))
    if weights.shape != spike_times.shape:
        raise ValueError(f"weights must be a number or have the shape of spike_times "
                         f"{spike_times.shape}, got {weights.shape}")
    for arr, name in ((spike_times, "spike_times"), (times, "times")):
        if np.any(np.diff(arr) < 0):
            raise ValueError(f"{name} must be non-decreasing (sort them first)")
    check_memory(8.0 * times.size, "times", what="the output")
    out = np.empty(times.size)
    _shot_noise_kernel(np.ascontiguousarray(spike_times, dtype=np.float64),
                       np.ascontiguousarray(weights, dtype=np.float64),
                       np.ascontiguousarray(times, dtype=np.float64), tau_m, tau_s, out)
    return out


class CampbellMoments(NamedTuple):
    """Mean and standard deviation of summed Poisson PSPs, from :func:`campbell_moments`.

    Parameters
    ----------
    mu : float
        Mean depolarisation relative to rest (mV): the book's mean input :math:`\\mu`.
    sigma : float
        Standard deviation of the summed PSPs (mV): for ``tau_s = 0`` the book's
        :math:`\\sigma`, the standard deviation of the free membrane potential.

    Examples
    --------
    >>> from snnlib.neuron.synapse import campbell_moments
    >>> m = campbell_moments(1000.0, 0.1, tau_m=20.0, tau_s=0.0)
    >>> round(m.mu, 6), round(m.sigma ** 2, 6)   # nu J tau_m, nu J^2 tau_m / 2
    (2.0, 0.1)
    """

    mu: float
    sigma: float


def campbell_moments(rates, weights, *, tau_m: float, tau_s: float) -> CampbellMoments:
    r"""Mean and standard deviation of the summed PSPs of independent Poisson inputs.

    Parameters
    ----------
    rates : float or array_like
        Total Poisson rate :math:`\nu_i` of each input group (Hz), >= 0 (a group of
        :math:`C` inputs at rate :math:`\nu` has rate :math:`C\nu`).
    weights : float or array_like
        Weight :math:`J_i` of each group (mV), finite, broadcast against ``rates``.
    tau_m : float
        Membrane time constant (ms), > 0.
    tau_s : float
        Synaptic time constant (ms), >= 0 and different from ``tau_m``.

    Returns
    -------
    CampbellMoments
        ``mu`` (mV) and ``sigma`` (mV).

    Notes
    -----
    Campbell's theorem (Campbell 1909; Rice 1944, eqs. 1.4-1 and 1.4-2): for a Poisson process
    of rate :math:`\nu` and :math:`V(t) = \sum_k J\epsilon(t - t_k)`,
    :math:`\langle V\rangle = \nu J\int\epsilon\,dt` and
    :math:`\operatorname{Var}V = \nu J^2\int\epsilon^2\,dt`; independent groups add. With
    :func:`psp_kernel`,

    .. math::

        \mu = \tau_m\sum_i\nu_i J_i, \qquad
        \sigma^2 = \frac{\tau_m^2}{2(\tau_m + \tau_s)}\sum_i\nu_i J_i^2 .

    For :math:`\tau_s = 0` these are the mean and variance of the free membrane potential of
    the book's Langevin equation with :math:`\mu = \tau_m\sum\nu_iJ_i` and
    :math:`\sigma^2 = \tau_m\sum\nu_iJ_i^2/2` (Brunel 2000's :math:`\sigma_B^2 = 2\sigma^2`);
    replacing the shot noise by that white noise is the diffusion approximation, valid when
    many small PSPs overlap (Gerstner et al. 2014, ch. 8.2).

    Examples
    --------
    >>> from snnlib.neuron.synapse import campbell_moments
    >>> m = campbell_moments([8000.0, 2000.0], [0.1, -0.4], tau_m=20.0,
    ...                      tau_s=0.0)
    >>> round(m.mu, 6), round(m.sigma, 4)     # balanced: 16 - 16 mV
    (0.0, 2.0)
    """
    rates = check_array(rates, "rates", low=0.0)
    weights = check_array(weights, "weights")
    tau_m, tau_s = _check_taus(tau_m, tau_s)
    try:
        nu, j = np.broadcast_arrays(hz_to_per_ms(rates), weights)
    except ValueError:
        raise ValueError(f"weights (shape {weights.shape}) must broadcast against rates "
                         f"(shape {rates.shape})") from None
    mu = tau_m * float(np.sum(nu * j))
    var = tau_m ** 2 / (2.0 * (tau_m + tau_s)) * float(np.sum(nu * j ** 2))
    return CampbellMoments(mu, math.sqrt(var))
