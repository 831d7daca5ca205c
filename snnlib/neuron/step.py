r"""The Euler-Maruyama step of an integrate-and-fire neuron with its Brownian-bridge threshold test.

Written once here and inlined (numba IR) into every kernel that integrates IF neurons: the
population Monte Carlo of :mod:`snnlib.neuron.montecarlo` and the network simulator. For the
membrane equation of the book,
:math:`\tau_m dV = (E_L - V + \psi(V) + \mu)\,dt + \sigma\sqrt{2\tau_m}\,dW`,
one step of length :math:`dt` is (Kloeden & Platen 1992, section 10.2)

.. math::

    V_{k+1} &= V_k + \frac{dt}{\tau_m}\bigl(E_L - V_k + \psi(V_k) + \mu\bigr) + s\,\xi_k, \\
    s &= \sigma\sqrt{2\,dt/\tau_m},\quad \xi_k \sim N(0, 1),

with :math:`\psi(V) = \Delta_T e^{(V - V_T)/\Delta_T}` for the EIF (:func:`eif_psi`) and 0 for
the LIF. A path that ends the step below threshold may still have crossed it in between: for a
Brownian bridge of variance :math:`s^2` pinned at :math:`V_k` and :math:`V_{k+1}` the
probability is :math:`e^{-q}` with :math:`q = 2 (v_{th} - V_k)(v_{th} - V_{k+1})/s^2`
(reflection principle; :func:`bridge_exponent`). Firing with that probability removes the
:math:`O(\sqrt{dt})` undercount of the rate of plain Euler-Maruyama (Gobet 2000) and leaves an
:math:`O(dt)` error (used for diffusion first passages by Giraudo & Sacerdote 1999, Commun Stat
Simul Comput 28:1135; Mannella 1999).

All functions are ``@njit(inline="always")``: callable from jitted code, they cost no call and
no separate compilation, and their arithmetic is exactly that of the naive twin in
``tests/naive/neuron.py`` (same operations in the same order).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._core.intrinsics import exp_fast

__all__ = ["Q_MAX", "NO_NOISE_INV2VAR", "eif_psi", "em_update", "bridge_exponent", "noise_step",
           "inverse_bridge_variance"]

#: Bridge probabilities exp(-q) with q above this are below 2^-54, the smallest uniform the streams
#: draw (``snnlib._core.intrinsics.uniform53``), so skipping their test changes nothing.
Q_MAX = 38.0
#: 2 / s^2 used for noise-free neurons (s = 0): q is then huge and the bridge never fires.
NO_NOISE_INV2VAR = 1e300


@njit(cache=True, inline="always")
def eif_psi(v, psi_c, v_t, inv_delta):
    r"""EIF spike-generating term :math:`\Delta_T e^{(V - V_T)/\Delta_T}` (mV).

    ``v``, ``v_t`` in mV, ``psi_c`` = :math:`\Delta_T` (mV), ``inv_delta`` = :math:`1/\Delta_T`
    (1/mV). Fourcaud-Trocme, Hansel, van Vreeswijk & Brunel (2003), eq. 2. ``exp_fast`` returns
    0 far below :math:`V_T` and +inf far above (never a wrapped-around value).
    """
    return psi_c * exp_fast((v - v_t) * inv_delta)


@njit(cache=True, inline="always")
def em_update(v, a, e_l, psi, mu, mu_t, s, xi):
    r"""One Euler-Maruyama step: :math:`V + a (E_L - V + \psi + \mu + \mu_t) + s\,\xi` (mV).

    ``v``, ``e_l``, ``psi``, ``mu``, ``mu_t``, ``s`` in mV; ``a = dt / tau_m`` (dimensionless);
    ``xi`` a standard normal number.
    """
    return v + a * (e_l - v + psi + mu + mu_t) + s * xi


@njit(cache=True, inline="always")
def bridge_exponent(v0, v1, v_th, inv2var):
    r""":math:`q = (v_{th} - V_k)(v_{th} - V_{k+1}) \cdot 2/s^2`: the Brownian bridge from ``v0`` to
    ``v1`` (mV) crossed ``v_th`` (mV) with probability :math:`e^{-q}`; ``inv2var`` = :math:`2/s^2`
    (1/mV^2)."""
    return (v_th - v0) * (v_th - v1) * inv2var


def noise_step(sigma, dt, tau_m):
    r"""Noise amplitude per step :math:`s = \sigma\sqrt{2\,dt/\tau_m}` (mV) for ``sigma`` (mV,
    float or array), ``dt`` and ``tau_m`` (ms)."""
    return sigma * (2.0 * dt / tau_m) ** 0.5


def inverse_bridge_variance(s):
    r""":math:`2/s^2` (1/mV^2) for noise steps ``s`` (mV, array); :data:`NO_NOISE_INV2VAR` where
    ``s = 0`` (no noise: the bridge never fires)."""
    s = np.asarray(s, dtype=float)
    safe = np.where(s > 0, s, 1.0)
    return np.where(s > 0, 2.0 / safe ** 2, NO_NOISE_INV2VAR)
