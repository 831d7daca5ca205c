r"""Noise-free integrate-and-fire neurons: trajectories, rheobase and f-I curves.

Without noise the membrane equation of the book is the one-dimensional ODE

.. math::

    \tau_m \frac{dV}{dt} = E_L - V + \psi(V) + \mu,

with a spike when :math:`V` reaches ``v_th``, a reset to ``v_reset`` and a
refractory period ``t_ref``. For the LIF (:math:`\psi = 0`; Lapicque 1907;
Burkitt 2006) everything is in closed form; for the EIF
(:math:`\psi(V) = \Delta_T e^{(V - V_T)/\Delta_T}`; Fourcaud-Trocme et al. 2003)
the time from reset to threshold is the integral
:math:`T = \tau_m\int_{V_\mathrm{reset}}^{V_\mathrm{th}} dV / (E_L - V + \psi(V) + \mu)`,
computed by adaptive Gauss-Kronrod quadrature (``snnlib._quad``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core.quad import _adaptive_gk15
from .._core.validation import check_array, check_bool, check_positive, check_scalar
from ..models import EIF, LIF, check_model
from ..units import MS_PER_S

__all__ = ["lif_trajectory", "lif_isi", "lif_fi_curve", "rheobase", "eif_fi_curve",
           "simulate_deterministic", "DeterministicRun"]


# Local relative error target of the adaptive quadrature: a panel is accepted when
# |K15 - G7| <= _RTOL K15, with no absolute floor (atol = 0.0; the integrand is positive).
_RTOL = 1e-11


# ---------------------------------------------------------------------------
# LIF closed forms
# ---------------------------------------------------------------------------

@njit(cache=True)
def _lif_trajectory_kernel(t, v0, v_inf, tau_m, v_th, v_reset, t_ref, with_threshold, out):
    """Noise-free LIF potential at the times t (any order); jitted, no checking.

    Free solution v_inf + (v0 - v_inf) exp(-t/tau_m). With the threshold, the motion is
    periodic after the first spike at t1 = tau_m ln((v_inf - v0)/(v_inf - v_th)):
    period P = t_ref + tau_m ln((v_inf - v_reset)/(v_inf - v_th)), V = v_reset during the
    first t_ref of each period, then the free solution started at v_reset.
    """
    fires = with_threshold and v_inf > v_th
    if fires:
        t1 = tau_m * math.log((v_inf - v0) / (v_inf - v_th))
        period = t_ref + tau_m * math.log((v_inf - v_reset) / (v_inf - v_th))
    for i in range(t.size):
        ti = t[i]
        if not fires or ti < t1:
            out[i] = v_inf + (v0 - v_inf) * math.exp(-ti / tau_m)
            continue
        s = (ti - t1) - period * math.floor((ti - t1) / period)  # time since the last spike
        if s < t_ref:
            out[i] = v_reset
        else:
            out[i] = v_inf + (v_reset - v_inf) * math.exp(-(s - t_ref) / tau_m)


def lif_trajectory(model, mu, t, v0, *, threshold=False):
    r"""Noise-free membrane potential of the LIF neuron, in closed form.

    Parameters
    ----------
    model : LIF
        Neuron parameters (``tau_m`` ms; ``e_l``, ``v_th``, ``v_reset`` mV; ``t_ref`` ms).
    mu : float
        Constant mean input (mV); the potential relaxes to ``e_l + mu``.
    t : float or array_like
        Times (ms), >= 0, at which to evaluate the potential.
    v0 : float
        Potential at ``t = 0`` (mV); below ``v_th`` when ``threshold`` is True.
    threshold : bool, optional
        If False (default) return the free relaxation without threshold. If True, apply
        threshold, reset and refractory period (the trajectory is then periodic).

    Returns
    -------
    v : float or ndarray
        Membrane potential (mV) at the times ``t`` (float if ``t`` is a scalar).

    Notes
    -----
    :math:`V(t) = E_L + \mu + (V_0 - E_L - \mu)\,e^{-t/\tau_m}` solves
    :math:`\tau_m \dot V = E_L - V + \mu`, the linear ODE of the LIF (Lapicque 1907; Burkitt 2006). With the threshold the
    first spike falls at :math:`t_1 = \tau_m\ln\frac{E_L+\mu-V_0}{E_L+\mu-V_\mathrm{th}}` and
    the motion repeats with the period of ``lif_isi``.

    Examples
    --------
    >>> from snnlib import LIF, lif_trajectory
    >>> model = LIF(tau_m=10.0, e_l=-65.0)
    >>> round(lif_trajectory(model, mu=10.0, t=10.0, v0=-65.0), 4)  # -55 - 10/e
    -58.6788
    """
    model = check_model(model, "model", allowed=("lif",))
    mu = check_scalar(mu, "mu", unit="mV")
    v0 = check_scalar(v0, "v0", unit="mV")
    threshold = check_bool(threshold, "threshold")
    t_arr = check_array(t, "t", low=0.0, unit="ms")
    if threshold and v0 >= model.v_th:
        raise ValueError(f"v0 must lie below v_th={model.v_th:g} mV when threshold=True, got {v0:g} mV")
    out = np.empty(t_arr.size)
    _lif_trajectory_kernel(t_arr.ravel(), v0, model.e_l + mu, model.tau_m, model.v_th, model.v_reset,
                           model.t_ref, threshold, out)
    if np.ndim(t) == 0:
        return float(out[0])
    return out.reshape(t_arr.shape)


@njit(cache=True)
def _lif_isi_kernel(mu, tau_m, e_l, v_th, v_reset, t_ref, out):
    """Noise-free LIF inter-spike interval (ms, inf below rheobase); jitted, no checking."""
    for i in range(mu.size):
        v_inf = e_l + mu[i]
        if v_inf <= v_th:
            out[i] = np.inf
        else:
            # log1p form: ln((v_inf - v_reset)/(v_inf - v_th)) = ln(1 + (v_th - v_reset)/(v_inf - v_th))
            out[i] = t_ref + tau_m * math.log1p((v_th - v_reset) / (v_inf - v_th))


def lif_isi(model, mu):
    r"""Inter-spike interval of the noise-free LIF neuron (closed form).

    Parameters
    ----------
    model : LIF
        Neuron parameters (``tau_m`` ms; ``e_l``, ``v_th``, ``v_reset`` mV; ``t_ref`` ms).
    mu : float or array_like
        Constant mean input (mV).

    Returns
    -------
    isi : float or ndarray
        Inter-spike interval (ms); ``inf`` at or below the rheobase ``mu <= v_th - e_l``.

    Notes
    -----
    :math:`T = t_\mathrm{ref} + \tau_m\ln\frac{E_L + \mu - V_\mathrm{reset}}{E_L + \mu - V_\mathrm{th}}`
    for :math:`E_L + \mu > V_\mathrm{th}`: the time at which the free solution of
    ``lif_trajectory`` started at ``v_reset`` reaches ``v_th``, plus ``t_ref``
    (Burkitt 2006; Gerstner et al. 2014, ch. 1).

    Examples
    --------
    >>> from snnlib import LIF, lif_isi
    >>> round(lif_isi(LIF(tau_m=20.0, t_ref=2.0), 30.0), 4)  # 2 + 20 ln 2
    15.8629
    """
    model = check_model(model, "model", allowed=("lif",))
    mu_arr = check_array(mu, "mu", unit="mV")
    out = np.empty(mu_arr.size)
    _lif_isi_kernel(mu_arr.ravel(), model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref, out)
    if np.ndim(mu) == 0:
        return float(out[0])
    return out.reshape(mu_arr.shape)


def lif_fi_curve(model, mu_values):
    r"""Firing rate of the noise-free LIF neuron against the mean input (f-I curve).

    Parameters
    ----------
    model : LIF
        Neuron parameters (``tau_m`` ms; ``e_l``, ``v_th``, ``v_reset`` mV; ``t_ref`` ms).
    mu_values : float or array_like
        Constant mean inputs (mV).

    Returns
    -------
    rate : float or ndarray
        Firing rate (Hz), ``1000 / lif_isi``; exactly 0 at or below the rheobase
        ``v_th - e_l`` and below ``1000 / t_ref`` above it.

    Notes
    -----
    Inverse of the closed-form interval of ``lif_isi`` (Burkitt 2006). Near the
    rheobase the rate rises with infinite slope, as :math:`-1/(\tau_m\ln(\mu - \mu_\mathrm{rh}))`.

    Examples
    --------
    >>> from snnlib import LIF, lif_fi_curve
    >>> lif_fi_curve(LIF(), [10.0, 15.0, 30.0]).round(2)
    array([ 0.  ,  0.  , 63.04])
    """
    isi = lif_isi(model, mu_values)
    return MS_PER_S / isi  # 1/inf = 0 below rheobase


# ---------------------------------------------------------------------------
# Rheobase
# ---------------------------------------------------------------------------

def rheobase(model):
    r"""Smallest constant mean input that makes the noise-free neuron fire repetitively.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (mV, ms).

    Returns
    -------
    mu_rh : float
        Rheobase (mV, in the units of ``mu``): for ``mu > mu_rh`` the drift
        :math:`E_L - V + \psi(V) + \mu` is positive on all of [``v_reset``, ``v_th``], so the
        neuron fires periodically; for ``mu <= mu_rh`` a fixed point blocks the way (at
        equality the ISI is infinite).

    Notes
    -----
    LIF: :math:`\mu_\mathrm{rh} = V_\mathrm{th} - E_L` (the resting point
    :math:`E_L + \mu` must lie above threshold).

    EIF: the stable fixed point (rest) and the unstable one (the dynamical threshold)
    merge in a saddle-node bifurcation where the drift and its derivative vanish,
    :math:`\psi'(V) = e^{(V - V_T)/\Delta_T} = 1`, i.e. at :math:`V = V_T`, which gives
    :math:`\mu_\mathrm{rh} = V_T - E_L - \Delta_T` (the EIF of Fourcaud-Trocme et al. 2003). If ``v_reset`` lies above :math:`V_T` the smallest drift on the interval
    is at ``v_reset`` instead, and the rheobase is
    :math:`V_\mathrm{reset} - E_L - \psi(V_\mathrm{reset})`.

    Examples
    --------
    >>> from snnlib import EIF, LIF, rheobase
    >>> rheobase(LIF(e_l=-65.0, v_th=-50.0))
    15.0
    >>> rheobase(EIF(e_l=-65.0, v_t=-50.0, delta_t=2.0))
    13.0
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    if model.kind == "lif":
        return model.v_th - model.e_l
    if model.v_reset <= model.v_t:
        return model.v_t - model.e_l - model.delta_t
    return model.v_reset - model.e_l - float(model.psi(model.v_reset))


# ---------------------------------------------------------------------------
# EIF f-I curve by adaptive quadrature
# ---------------------------------------------------------------------------

@njit(cache=True)
def _expm1_minus_x(x):
    """exp(x) - 1 - x without cancellation for small |x|; jitted, no checking."""
    if abs(x) < 1e-2:
        # Taylor series; the first neglected term x^7/5040 is < 2e-18 x^2 relative
        return x * x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x / 720.0))))
    return math.expm1(x) - x


@njit(cache=True)
def _eif_inv_drift(x, eps, delta_t):
    """Delta_T / drift in the variable x = (V - v_t)/Delta_T (units mV / mV = 1); jitted.

    drift = E_L - V + psi(V) + mu = eps + Delta_T (e^x - 1 - x), eps = mu - mu_rh, written so
    that the small drift near the bottleneck V = v_t is computed without cancellation.
    """
    return delta_t / (eps + delta_t * _expm1_minus_x(x))


@njit(cache=True)
def _eif_panel_integral(a, b, eps, delta_t):
    """int_a^b _eif_inv_drift dx by adaptive GK15 (snnlib._quad, rtol _RTOL, atol 0); jitted."""
    return _adaptive_gk15(_eif_inv_drift, a, b, (eps, delta_t), _RTOL, 0.0)


@njit(cache=True)
def _eif_integral(eps, x_reset, x_th, delta_t):
    """int_{x_reset}^{x_th} Delta_T dx / (eps + Delta_T (e^x - 1 - x)), x_reset < 0 < x_th; jitted.

    The integrand peaks at the bottleneck x = 0 (width ~ sqrt(eps/Delta_T)), decays like 1/|x|
    for x -> -inf and like e^{-x} for x -> inf. Both sides are cut into panels whose length
    doubles away from 0 ([-1, 0], [-2, -1], [-4, -2], ... and [0, 1], [1, 2], [2, 4], ...), so
    the peak cannot fall between quadrature nodes however long the range (tiny Delta_T
    gives |x| up to ~1e5). On the right the integrand decreases, so the panels stop once
    f(x) (x_th - x) is below 1e-17 of the running total (a strict bound on the rest).
    """
    total = 0.0
    hi = 0.0
    width = 1.0
    while hi > x_reset:
        lo = max(hi - width, x_reset)
        total += _eif_panel_integral(lo, hi, eps, delta_t)
        hi = lo
        width *= 2.0
    lo = 0.0
    width = 1.0
    while lo < x_th:
        if _eif_inv_drift(lo, eps, delta_t) * (x_th - lo) < 1e-17 * total:
            break
        hi = min(lo + width, x_th)
        total += _eif_panel_integral(lo, hi, eps, delta_t)
        lo = hi
        width *= 2.0
    return total


@njit(cache=True)
def _eif_isi_kernel(eps, x_reset, x_th, delta_t, tau_m, t_ref, out):
    """Noise-free EIF ISI (ms) for an array of eps = mu - mu_rh > 0 or inf; jitted, no checking."""
    for i in range(eps.size):
        if eps[i] <= 0.0:
            out[i] = np.inf
        else:
            out[i] = t_ref + tau_m * _eif_integral(eps[i], x_reset, x_th, delta_t)


def eif_fi_curve(model, mu_values):
    r"""Firing rate of the noise-free EIF neuron against the mean input (f-I curve).

    Parameters
    ----------
    model : EIF
        Neuron parameters (``tau_m`` ms; ``e_l``, ``v_th`` (cut-off), ``v_reset``, ``v_t``,
        ``delta_t`` mV; ``t_ref`` ms). ``v_reset`` must lie below ``v_t``.
    mu_values : float or array_like
        Constant mean inputs (mV).

    Returns
    -------
    rate : float or ndarray
        Firing rate (Hz); 0 at or below ``rheobase`` ``= v_t - e_l - delta_t``.

    Notes
    -----
    The time from reset to the cut-off is

    .. math::

        T = \tau_m \int_{V_\mathrm{reset}}^{V_\mathrm{th}}
        \frac{dV}{E_L - V + \Delta_T e^{(V - V_T)/\Delta_T} + \mu}
        = \tau_m \int_{x_r}^{x_\mathrm{th}} \frac{\Delta_T\,dx}
        {\mu - \mu_\mathrm{rh} + \Delta_T(e^x - 1 - x)},

    with :math:`x = (V - V_T)/\Delta_T` and :math:`\mu_\mathrm{rh} = V_T - E_L - \Delta_T`
    (Fourcaud-Trocme et al. 2003, eq. 2 for the model). The second form keeps the small
    drift near the bottleneck :math:`V_T` free of cancellation. The integral is cut into
    panels that double in length away from :math:`x = 0` and computed by adaptive
    Gauss-Kronrod (7-15) quadrature to a relative
    accuracy of about 1e-12; rate :math:`= 1000/(t_\mathrm{ref} + T)`. As
    :math:`\Delta_T \to 0` the curve tends to the LIF curve (``lif_fi_curve``) with
    threshold :math:`V_T`.

    Examples
    --------
    >>> from snnlib import EIF, eif_fi_curve
    >>> eif_fi_curve(EIF(), [12.0, 13.5, 20.0]).round(2)
    array([ 0.  ,  5.5 , 23.44])
    """
    model = check_model(model, "model", allowed=("eif",))
    if model.v_reset >= model.v_t:
        raise ValueError(f"eif_fi_curve needs v_reset < v_t, got v_reset={model.v_reset:g} mV, "
                         f"v_t={model.v_t:g} mV")
    mu_arr = check_array(mu_values, "mu_values", unit="mV")
    eps = np.ascontiguousarray((mu_arr - rheobase(model)).ravel())
    out = np.empty(eps.size)
    x_reset = (model.v_reset - model.v_t) / model.delta_t
    x_th = (model.v_th - model.v_t) / model.delta_t
    _eif_isi_kernel(eps, x_reset, x_th, model.delta_t, model.tau_m, model.t_ref, out)
    rate = MS_PER_S / out
    if np.ndim(mu_values) == 0:
        return float(rate[0])
    return rate.reshape(mu_arr.shape)


# ---------------------------------------------------------------------------
# Euler simulation with threshold, reset and refractory period
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DeterministicRun:
    """Result of ``simulate_deterministic`` (read-only).

    Parameters
    ----------
    t : ndarray, shape (n_steps + 1,)
        Time points (ms), ``t[n] = n * dt``.
    v : ndarray, shape (n_steps + 1,)
        Membrane potential (mV) at ``t``; equal to ``v_reset`` during refractoriness.
    spike_times : ndarray
        Times (ms) of the grid points at which ``V >= v_th`` was first detected.

    Examples
    --------
    >>> from snnlib import LIF, simulate_deterministic
    >>> run = simulate_deterministic(LIF(), mu=30.0, t_max=50.0, dt=0.01)
    >>> run.v.shape, len(run.spike_times)
    ((5001,), 3)
    """

    t: np.ndarray
    v: np.ndarray
    spike_times: np.ndarray


@njit(cache=True)
def _simulate_kernel(n_steps, dt, v0, mu, tau_m, e_l, v_th, v_reset, n_ref, is_eif, delta_t, v_t,
                     v_out, spikes):
    """Forward-Euler noise-free IF neuron with threshold/reset/refractoriness; jitted, no checking.

    v_{n+1} = v_n + dt (e_l - v_n + psi(v_n) + mu)/tau_m. When v_{n+1} >= v_th a spike is
    recorded at t_{n+1}, V is set to v_reset and held there for n_ref further steps.
    Returns the number of spikes written into ``spikes``.
    """
    v = v0
    v_out[0] = v
    refr = 0
    n_sp = 0
    for n in range(n_steps):
        if refr > 0:
            refr -= 1
            v = v_reset
        else:
            psi = delta_t * math.exp((v - v_t) / delta_t) if is_eif else 0.0
            v = v + dt * (e_l - v + psi + mu) / tau_m
            if v >= v_th:
                if n_sp < spikes.size:
                    spikes[n_sp] = (n + 1) * dt
                n_sp += 1
                v = v_reset
                refr = n_ref
        v_out[n + 1] = v
    return n_sp


def simulate_deterministic(model, mu, t_max, dt, *, v0=None):
    r"""Euler trajectory of a noise-free LIF or EIF neuron with threshold, reset and refractoriness.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (ms, mV).
    mu : float
        Constant mean input (mV).
    t_max : float
        Duration (ms), > 0.
    dt : float
        Time step (ms), > 0 and <= ``tau_m``; ``t_ref`` is rounded to a whole number of steps.
    v0 : float, optional
        Initial potential (mV), below ``v_th``; default ``v_reset``.

    Returns
    -------
    run : DeterministicRun
        Times ``t`` (ms), potential ``v`` (mV) and ``spike_times`` (ms).

    Notes
    -----
    Forward Euler, :math:`V_{n+1} = V_n + \frac{\Delta t}{\tau_m}(E_L - V_n + \psi(V_n) + \mu)`.
    A spike is registered at the first grid time with :math:`V \ge V_\mathrm{th}`, so spike
    times carry an error of order ``dt``: for the LIF the discrete map is geometric,
    and the simulated ISI lies within
    :math:`[T(1 - \tfrac{\Delta t}{2\tau_m}) - O(\Delta t^2),\ T + \Delta t]` of the closed
    form :math:`T` of ``lif_isi`` (refractory period a multiple of ``dt``).

    Examples
    --------
    >>> from snnlib import LIF, lif_isi, simulate_deterministic
    >>> model = LIF(tau_m=20.0, t_ref=2.0)
    >>> run = simulate_deterministic(model, mu=30.0, t_max=100.0, dt=0.001)
    >>> isi = run.spike_times[1] - run.spike_times[0]
    >>> bool(abs(isi - lif_isi(model, 30.0)) < 0.01)
    True
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    mu = check_scalar(mu, "mu", unit="mV")
    t_max = check_positive(t_max, "t_max", unit="ms")
    dt = check_scalar(dt, "dt", low=0.0, low_inclusive=False, high=model.tau_m, unit="ms")
    v0 = model.v_reset if v0 is None else check_scalar(v0, "v0", high=model.v_th,
                                                        high_inclusive=False, unit="mV")
    n_steps = int(round(t_max / dt))
    if n_steps < 1:
        raise ValueError(f"t_max must be at least one step dt={dt:g} ms, got {t_max:g} ms")
    if n_steps > 50_000_000:
        raise ValueError(f"t_max / dt must be at most 5e7 steps, got {n_steps}")
    n_ref = int(round(model.t_ref / dt))
    is_eif = model.kind == "eif"
    delta_t = model.delta_t if is_eif else 1.0
    v_t = model.v_t if is_eif else 0.0
    v_out = np.empty(n_steps + 1)
    # each spike needs at least one step plus the refractory steps
    spikes = np.empty(n_steps // (n_ref + 1) + 1)
    n_sp = _simulate_kernel(n_steps, dt, v0, mu, model.tau_m, model.e_l, model.v_th, model.v_reset,
                            n_ref, is_eif, delta_t, v_t, v_out, spikes)
    return DeterministicRun(t=np.arange(n_steps + 1) * dt, v=v_out, spike_times=spikes[:n_sp].copy())
