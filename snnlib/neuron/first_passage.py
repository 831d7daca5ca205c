r"""Interspike-interval density of the LIF neuron driven by white noise (first-passage time).

Between two spikes the free membrane of the LIF is an Ornstein-Uhlenbeck process, and the
interspike interval is the refractory period plus the first-passage time of that process from
``v_reset`` to ``v_th``. Its density :math:`g(t)` solves the second-kind Volterra equation of
Buonocore, Nobile & Ricciardi (1987, Adv Appl Prob 19:784; their equation with the kernel made
regular by the choice of their free function :math:`k(t)`),

.. math::

    g(t) = 2K(t \mid x_0) - 2\int_0^t g(s)\,K(t - s \mid S)\,ds,

with :math:`K(u \mid y) = J(S, u \mid y) + \frac{S}{2\tau_m} f(S, u \mid y)`, where :math:`f` is the
free Gaussian transition density and :math:`J` its probability current at the threshold
:math:`S`. :func:`lif_isi_density` solves it with the trapezoidal rule.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.validation import check_positive, check_scalar, check_work
from ..models import check_model

__all__ = ["ISIDensity", "lif_isi_density"]


class ISIDensity(NamedTuple):
    """Output of :func:`lif_isi_density`.

    Parameters
    ----------
    t : numpy.ndarray
        Interspike intervals (ms): ``t_ref`` plus the first-passage times ``0, dt, 2 dt, ...``.
    density : numpy.ndarray
        Probability density of the interspike interval (1/ms) at ``t``.
    survival : numpy.ndarray
        Probability that the interval is longer than ``t`` (dimensionless).

    Examples
    --------
    >>> import snnlib
    >>> d = snnlib.lif_isi_density(snnlib.LIF(), 20.0, 2.0, t_max=200.0,
    ...                            dt=0.2)
    >>> # t_ref (ms); no interval is shorter
    >>> float(d.t[0]), float(d.survival[0])
    (2.0, 1.0)
    """

    t: np.ndarray
    density: np.ndarray
    survival: np.ndarray


@njit(cache=True)
def _ou_kernel(u, y, s_th, sigma, tau_m):
    """Regularised Volterra kernel K(u | y) (1/ms) of the OU process x (mV, free mean 0, free std
    sigma, time constant tau_m) at the threshold s_th after a time u > 0 (ms) from x = y.
    Jitted; no checking."""
    e = math.exp(-u / tau_m)
    one_minus_e2 = -math.expm1(-2.0 * u / tau_m)
    var = sigma * sigma * one_minus_e2
    m = y * e
    f = math.exp(-0.5 * (s_th - m) ** 2 / var) / math.sqrt(2.0 * math.pi * var)
    return (-0.5 * s_th / tau_m + sigma * sigma / tau_m * (s_th - m) / var) * f


@njit(cache=True)
def _ou_kernel_at_threshold(u, s_th, sigma, tau_m):
    """K(u | s_th) written without cancellation: (S/tau)(1 - e)/(2(1 + e)) f(S, u | S), which
    vanishes like sqrt(u) as u -> 0. Jitted; no checking."""
    one_minus_e = -math.expm1(-u / tau_m)
    one_plus_e = 2.0 - one_minus_e
    var = sigma * sigma * one_minus_e * one_plus_e
    exponent = -0.5 * s_th * s_th * one_minus_e / (sigma * sigma * one_plus_e)
    f = math.exp(exponent) / math.sqrt(2.0 * math.pi * var)
    return s_th / tau_m * one_minus_e / (2.0 * one_plus_e) * f


@njit(cache=True)
def _first_passage_kernel(n, h, x0, s_th, sigma, tau_m, g):
    """Trapezoidal solution g[0..n-1] (1/ms) of the Volterra equation on t_i = i h; g[0] = 0
    (the start lies below threshold). O(n^2). Jitted; no checking."""
    k_s = np.empty(n)
    k_s[0] = 0.0
    for i in range(1, n):
        k_s[i] = _ou_kernel_at_threshold(i * h, s_th, sigma, tau_m)
    g[0] = 0.0
    for i in range(1, n):
        acc = 0.0
        for j in range(1, i):
            acc += g[j] * k_s[i - j]
        # the j = i term has weight h/2 and K(0 | S) = 0
        g[i] = 2.0 * _ou_kernel(i * h, x0, s_th, sigma, tau_m) - 2.0 * h * acc


def lif_isi_density(model, mu, sigma, *, t_max, dt=0.05):
    r"""Interspike-interval (first-passage-time) density of the LIF neuron with white noise.

    The neuron obeys :math:`\tau_m dV = (E_L - V + \mu)\,dt + \sigma\sqrt{2\tau_m}\,dW` (the
    book's Langevin equation), fires at ``v_th`` and restarts from ``v_reset`` after ``t_ref``.

    Parameters
    ----------
    model : LIF
        Neuron parameters (``tau_m``, ``t_ref`` in ms; ``e_l``, ``v_th``, ``v_reset`` in mV).
    mu : float
        Mean input (mV), finite.
    sigma : float
        Noise strength (mV), > 0: the standard deviation of the free membrane potential.
    t_max : float
        Longest first-passage time computed (ms), > 0; the intervals reach ``t_ref + t_max``.
        Choose it so that ``survival[-1]`` is negligible.
    dt : float
        Step of the time grid (ms), > 0 and at most ``tau_m / 10``; the error of the trapezoidal
        rule is O(dt^(3/2)) (the kernel at the threshold grows like sqrt(t)): about 1e-5 relative
        on the mean interval at dt = 0.1 ms and tau_m = 20 ms. The cost is O((t_max / dt)^2).

    Returns
    -------
    ISIDensity
        ``t`` (ms), ``density`` (1/ms) and ``survival`` (dimensionless) on the intervals
        ``t_ref + i dt``.

    Raises
    ------
    TypeError
        If ``model`` is not a LIF.
    ValueError
        If ``mu`` is not finite, ``sigma``, ``t_max`` or ``dt`` is not positive, ``dt`` exceeds
        ``tau_m / 10`` or ``t_max / dt`` exceeds 10^5 steps.

    Notes
    -----
    With :math:`x = V - E_L - \mu`, the free membrane is the Ornstein-Uhlenbeck process
    :math:`dx = -x/\tau_m\,dt + \sigma\sqrt{2/\tau_m}\,dW` with Gaussian transition density
    :math:`f(x, u \mid y)` of mean :math:`y e^{-u/\tau_m}` and variance
    :math:`\sigma^2(1 - e^{-2u/\tau_m})`. The first-passage density :math:`g` from
    :math:`x_0 = V_\mathrm{reset} - E_L - \mu` to :math:`S = V_\mathrm{th} - E_L - \mu` solves
    :math:`g(t) = 2K(t \mid x_0) - 2\int_0^t g(s) K(t - s \mid S)\,ds` (Buonocore, Nobile &
    Ricciardi 1987, Adv Appl Prob 19:784, for a constant boundary), with
    :math:`K(u \mid y) = [-S/(2\tau_m) + (\sigma^2/\tau_m)(S - y e^{-u/\tau_m})/v]\,f(S, u \mid y)`,
    :math:`v` the variance above:
    the probability current of the free process at :math:`S` plus :math:`S/(2\tau_m)` times
    its density, a combination chosen so that :math:`K(u \mid S) \to 0` as :math:`u \to 0`. The
    integral is discretised by the trapezoidal rule; since
    :math:`K(u \mid S) \propto \sqrt{u}` near 0 the error is of order :math:`dt^{3/2}`. The mean of
    the interval is the inverse of the Siegert rate and its CV the one of :func:`lif_cv
    <snnlib.fokker_planck.siegert.lif_cv>` (tested). The EIF has no closed-form transition
    density; use a Monte Carlo histogram there.

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> d = snnlib.lif_isi_density(snnlib.LIF(), 12.0, 3.0, t_max=1500.0,
    ...                            dt=0.1)
    >>> bool(abs(np.trapezoid(d.density, d.t) - 1.0) < 1e-4)
    True
    >>> mean_isi = float(np.trapezoid(d.t * d.density, d.t))   # ms
    >>> nu = float(snnlib.siegert_rate(snnlib.LIF(), 12.0, 3.0))
    >>> round(1000.0 / mean_isi, 2), round(nu, 2)
    (11.78, 11.78)
    """
    model = check_model(model, "model", allowed=("lif",))
    mu = check_scalar(mu, "mu")
    sigma = check_positive(sigma, "sigma", unit="mV")
    t_max = check_positive(t_max, "t_max", unit="ms")
    dt = check_positive(dt, "dt", unit="ms")
    if dt > model.tau_m / 10.0:
        raise ValueError(f"dt must be at most tau_m / 10 = {model.tau_m / 10.0:g} ms, got {dt:g} ms")
    n = int(math.floor(t_max / dt + 1e-9)) + 1
    if n > 100_000:
        raise ValueError(f"t_max / dt must be at most 1e5 steps (the cost grows as its square), got "
                         f"{n - 1}; raise dt or shorten t_max")
    check_work(0.5 * float(n) * n, "t_max / dt", what="the Volterra sum")
    x0 = model.v_reset - model.e_l - mu
    s_th = model.v_th - model.e_l - mu
    g = np.empty(n)
    _first_passage_kernel(n, dt, x0, s_th, sigma, model.tau_m, g)
    g = np.maximum(g, 0.0)   # rounding: the density cannot be negative
    cum = np.concatenate([[0.0], np.cumsum(0.5 * dt * (g[1:] + g[:-1]))])
    survival = np.clip(1.0 - cum, 0.0, 1.0)
    return ISIDensity(model.t_ref + dt * np.arange(n), g, survival)
