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
computed by adaptive Gauss-Kronrod quadrature (``snnlib._core.quad``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core.quad import _adaptive_gk15
from .._core.validation import (MAX_STEPS, check_array, check_bool, check_memory, check_positive, check_scalar,
                                check_work, whole_steps)
from ..models import check_model
from ..units import MS_PER_S

__all__ = ["lif_trajectory", "lif_isi", "lif_fi_curve", "rheobase", "eif_fi_curve",
           "simulate_deterministic", "DeterministicRun"]


#: Local relative error target of the adaptive quadrature of the EIF interval: a panel is
#: accepted when |K15 - G7| <= _RTOL K15, with no absolute floor (atol = 0; the integrand is
#: positive). The summed error stays near 1e-12 relative (eif_fi_curve's Notes).
_RTOL = 1e-11
#: |x| below which exp(x) - 1 - x is summed as its Taylor series: there the first neglected
#: term x^7/5040 is < 2e-18 x^2 relative, while expm1(x) - x would lose digits to cancellation.
_TAYLOR_RADIUS = 1e-2
#: The EIF interval's panels above v_t stop once a strict bound on the rest is below this
#: fraction of the running total: under the float64 resolution 1.1e-16, so no digit changes.
_TAIL_RTOL = 1e-17
#: Natural log of the largest float64 (~709.78): exp of anything larger overflows.
_LOG_FLOAT_MAX = math.log(np.finfo(np.float64).max)
#: Bytes of output per time step of simulate_deterministic: t and v (float64 each) and the
#: spike buffer (at most one float64 per step).
_BYTES_PER_STEP = 3 * 8


def _shaped_like(out, value, shape):
    """``out`` (flat) as a float if the user passed the scalar ``value``, else with ``shape``."""
    if np.ndim(value) == 0:
        return float(out[0])
    return out.reshape(shape)


def _rate_hz(isi, mu_arr, model, name):
    """Firing rate 1000 / ``isi`` (Hz) from intervals in ms (``inf`` -> 0 Hz).

    Raises ``ValueError`` naming ``name`` where the rate exceeds the largest float: only
    possible if ``t_ref`` is 0 (or below ~1e-305 ms), since the rate never exceeds 1000 / t_ref.
    """
    with np.errstate(divide="ignore", over="ignore"):
        rate = MS_PER_S / isi
    overflow = ~np.isfinite(rate)
    if np.any(overflow):
        mu_bad = mu_arr.ravel()[np.argmax(overflow)]
        raise ValueError(f"{name}: the rate at mu = {mu_bad:g} mV exceeds the largest float "
                         f"({np.finfo(np.float64).max:.3g} Hz); the only bound on the rate is 1000 / t_ref Hz, "
                         f"none for t_ref = {model.t_ref:g} ms: use a larger t_ref or a smaller {name}")
    return rate


# ---------------------------------------------------------------------------
# LIF closed forms
# ---------------------------------------------------------------------------

@njit(cache=True)
def _free_relaxation(v_start, v_inf, s, tau_m):
    """Potential (mV) a time ``s`` (ms) after ``v_start`` (mV) while relaxing to ``v_inf`` (mV)
    with time constant ``tau_m`` (ms); jitted, no checking.

    v_inf + (v_start - v_inf) e^{-s/tau_m} written as v_start + (v_start - v_inf) expm1(-s/tau_m),
    which keeps the small rise after a reset exact even when |v_inf| is huge.
    """
    return v_start + (v_start - v_inf) * math.expm1(-s / tau_m)


@njit(cache=True)
def _lif_rise_time(v_start, v_inf, v_th, tau_m):
    """Time (ms) to relax from ``v_start`` up to ``v_th`` (mV) towards ``v_inf > v_th`` (mV),
    time constant ``tau_m`` (ms); jitted, no checking.

    tau_m ln((v_inf - v_start)/(v_inf - v_th)) in the log1p form
    tau_m ln(1 + (v_th - v_start)/(v_inf - v_th)): the ratio of the log form rounds to 1 for
    v_inf >> v_th (a zero interval); log1p keeps the interval positive and accurate.
    """
    return tau_m * math.log1p((v_th - v_start) / (v_inf - v_th))


@njit(cache=True)
def _lif_trajectory_kernel(t, v0, v_inf, tau_m, v_th, v_reset, t_ref, with_threshold, out):
    """Noise-free LIF potential at the times t (any order); jitted, no checking.

    Parameters
    ----------
    t : float64[:]
        Times (ms), >= 0.
    v0 : float
        Potential at t = 0 (mV), below ``v_th`` if ``with_threshold``.
    v_inf : float
        Fixed point e_l + mu of the free motion (mV).
    tau_m, t_ref : float
        Membrane time constant (ms, > 0) and refractory period (ms, >= 0).
    v_th, v_reset : float
        Threshold and reset (mV).
    with_threshold : bool
        Apply threshold, reset and refractoriness.
    out : float64[:]
        Output, potential (mV) at ``t``.

    With the threshold the motion is periodic after the first spike at
    t1 = tau_m ln((v_inf - v0)/(v_inf - v_th)), with period P = t_ref + the rise time from
    v_reset: V = v_reset during the first t_ref of each period, then the free solution
    started at v_reset. The phase (t - t1) mod P is taken with fmod, which is exact; if P
    underflows to 0 (t_ref = 0, astronomically strong input) V is taken at v_reset.
    """
    fires = with_threshold and v_inf > v_th
    t1 = period = 0.0
    if fires:
        t1 = _lif_rise_time(v0, v_inf, v_th, tau_m)
        period = t_ref + _lif_rise_time(v_reset, v_inf, v_th, tau_m)
    for i in range(t.size):
        ti = t[i]
        if not fires or ti < t1:
            out[i] = _free_relaxation(v0, v_inf, ti, tau_m)
            continue
        s = np.fmod(ti - t1, period) if period > 0.0 else 0.0  # time since the last spike (ms)
        if s < t_ref:
            out[i] = v_reset
        else:
            out[i] = _free_relaxation(v_reset, v_inf, s - t_ref, tau_m)


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
    :math:`\tau_m \dot V = E_L - V + \mu`, the linear ODE of the LIF (Lapicque 1907;
    Burkitt 2006). With the threshold the first spike falls at
    :math:`t_1 = \tau_m\ln\frac{E_L+\mu-V_0}{E_L+\mu-V_\mathrm{th}}` and the motion repeats
    with the period of ``lif_isi``. Both logarithms are evaluated as
    :math:`\ln(1 + \frac{V_\mathrm{th} - V}{E_L + \mu - V_\mathrm{th}})` (``log1p``), so the
    period stays positive however strong the input. After :math:`n` periods the phase
    carries the period's rounding error times :math:`n` (about :math:`10^{-16} n` of a
    period): for astronomically strong input (``t_ref = 0``, ``mu = 1e20``,
    :math:`n \sim 10^{17}` periods per ms) the value is then only known to lie in
    [``v_reset``, ``v_th``).

    Examples
    --------
    >>> from snnlib import LIF, lif_trajectory
    >>> model = LIF(tau_m=10.0, e_l=-65.0)
    >>> # -55 - 10/e
    >>> round(lif_trajectory(model, mu=10.0, t=10.0, v0=-65.0), 4)
    -58.6788
    """
    model = check_model(model, "model", allowed=("lif",))
    mu = check_scalar(mu, "mu", unit="mV")
    v0 = check_scalar(v0, "v0", unit="mV")
    threshold = check_bool(threshold, "threshold")
    t_arr = check_array(t, "t", low=0.0, unit="ms")
    if threshold and v0 >= model.v_th:
        raise ValueError(f"v0 must lie below v_th={model.v_th:g} mV when threshold=True, got {v0:g} mV")
    v_inf = model.e_l + mu
    if not math.isfinite(v_inf - v0):
        raise ValueError(f"mu and v0 are too far apart: e_l + mu - v0 = {v_inf - v0} mV exceeds the largest "
                         f"float; |e_l + mu - v0| must stay below {np.finfo(np.float64).max:.3g} mV")
    out = np.empty(t_arr.size)
    _lif_trajectory_kernel(t_arr.ravel(), v0, v_inf, model.tau_m, model.v_th, model.v_reset,
                           model.t_ref, threshold, out)
    return _shaped_like(out, t, t_arr.shape)


@njit(cache=True)
def _lif_isi_kernel(mu, tau_m, e_l, v_th, v_reset, t_ref, out):
    """Noise-free LIF inter-spike interval; jitted, no checking.

    Parameters
    ----------
    mu : float64[:]
        Mean inputs (mV).
    tau_m, t_ref : float
        Membrane time constant (ms, > 0) and refractory period (ms, >= 0).
    e_l, v_th, v_reset : float
        Leak reversal, threshold and reset potentials (mV).
    out : float64[:]
        Output, ISI (ms): t_ref + the rise time from v_reset to v_th, inf if e_l + mu <= v_th.
    """
    for i in range(mu.size):
        v_inf = e_l + mu[i]
        if v_inf <= v_th:
            out[i] = np.inf
        else:
            out[i] = t_ref + _lif_rise_time(v_reset, v_inf, v_th, tau_m)


def _lif_isi(model, mu, name):
    """Checked ``mu`` (named ``name`` in errors) and the flat array of LIF ISIs (ms)."""
    model = check_model(model, "model", allowed=("lif",))
    mu_arr = check_array(mu, name, unit="mV")
    out = np.empty(mu_arr.size)
    _lif_isi_kernel(mu_arr.ravel(), model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref, out)
    return mu_arr, out


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
        Inter-spike interval (ms); ``inf`` at or below the rheobase ``mu <= v_th - e_l``,
        at least ``t_ref`` above it.

    Notes
    -----
    :math:`T = t_\mathrm{ref} + \tau_m\ln\frac{E_L + \mu - V_\mathrm{reset}}{E_L + \mu - V_\mathrm{th}}`
    for :math:`E_L + \mu > V_\mathrm{th}`: the time at which the free solution of
    ``lif_trajectory`` started at ``v_reset`` reaches ``v_th``, plus ``t_ref``
    (Burkitt 2006; Gerstner et al. 2014, ch. 1). The logarithm is evaluated in the
    ``log1p`` form of ``lif_trajectory``, accurate for any strength of input.

    Examples
    --------
    >>> from snnlib import LIF, lif_isi
    >>> round(lif_isi(LIF(tau_m=20.0, t_ref=2.0), 30.0), 4)  # 2 + 20 ln 2
    15.8629
    """
    mu_arr, isi = _lif_isi(model, mu, "mu")
    return _shaped_like(isi, mu, mu_arr.shape)


def lif_fi_curve(model, mu_values):
    r"""Firing rate of the noise-free LIF neuron against the mean input (f-I curve).

    Parameters
    ----------
    model : LIF
        Neuron parameters, as for ``lif_isi``.
    mu_values : float or array_like
        Constant mean inputs (mV), one rate for each.

    Returns
    -------
    rate : float or ndarray
        Firing rate (Hz), ``1000 / lif_isi``: exactly 0 at or below the rheobase
        ``v_th - e_l``, rising towards (and never above) ``1000 / t_ref`` above it.

    Raises
    ------
    ValueError
        Naming ``mu_values`` if a rate exceeds the largest float (1.8e308 Hz). With
        ``t_ref = 0`` nothing bounds the rate, which grows like
        :math:`1000 (E_L + \mu - V_\mathrm{th}) / (\tau_m (V_\mathrm{th} - V_\mathrm{reset}))` Hz:
        with the default parameters that happens for ``mu`` above about 5e307 mV.

    Notes
    -----
    Inverse of the closed-form interval of ``lif_isi`` (Burkitt 2006). Near the
    rheobase, :math:`\mu = \mu_\mathrm{rh} + \epsilon`, the rate rises with infinite slope,
    as :math:`[t_\mathrm{ref} + \tau_m\ln((V_\mathrm{th} - V_\mathrm{reset})/\epsilon)]^{-1}`
    (the interval's logarithm with :math:`\epsilon` neglected beside
    :math:`V_\mathrm{th} - V_\mathrm{reset}`; error :math:`O(\epsilon)` relative).

    Examples
    --------
    >>> from snnlib import LIF, lif_fi_curve
    >>> lif_fi_curve(LIF(), [10.0, 15.0, 30.0]).round(2)
    array([ 0.  ,  0.  , 63.04])
    """
    mu_arr, isi = _lif_isi(model, mu_values, "mu_values")
    return _shaped_like(_rate_hz(isi, mu_arr, model, "mu_values"), mu_values, mu_arr.shape)


# ---------------------------------------------------------------------------
# Rheobase
# ---------------------------------------------------------------------------

def _eif_rheobase_above_v_t(model):
    """EIF rheobase (mV) when v_reset > v_t: v_reset - e_l - psi(v_reset), with psi(v_reset)
    checked in the log domain so that it cannot overflow."""
    x = (model.v_reset - model.v_t) / model.delta_t
    if x + math.log(model.delta_t) > _LOG_FLOAT_MAX:
        raise ValueError(f"rheobase: with v_reset = {model.v_reset:g} mV above v_t = {model.v_t:g} mV and "
                         f"delta_t = {model.delta_t:g} mV, psi(v_reset) = delta_t exp((v_reset - v_t)/delta_t) "
                         f"exceeds the largest float, so the rheobase v_reset - e_l - psi(v_reset) lies below "
                         f"-1.8e308 mV (the neuron fires for every finite mu); lower v_reset below v_t "
                         f"or raise delta_t")
    return model.v_reset - model.e_l - model.delta_t * math.exp(x)


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

    Raises
    ------
    ValueError
        If the rheobase is not a finite float: for an EIF with ``v_reset`` so far above
        ``v_t`` (in units of ``delta_t``) that :math:`\psi(V_\mathrm{reset})` overflows, or
        for parameters more than 1.8e308 mV apart.

    Notes
    -----
    LIF: :math:`\mu_\mathrm{rh} = V_\mathrm{th} - E_L` (the resting point
    :math:`E_L + \mu` must lie above threshold).

    EIF: the stable fixed point (rest) and the unstable one (the dynamical threshold)
    merge in a saddle-node bifurcation where the drift and its derivative vanish,
    :math:`\psi'(V) = e^{(V - V_T)/\Delta_T} = 1`, i.e. at :math:`V = V_T`, which gives
    :math:`\mu_\mathrm{rh} = V_T - E_L - \Delta_T` (the EIF of Fourcaud-Trocme et al. 2003).
    If ``v_reset`` lies above :math:`V_T` the smallest drift on the interval is at
    ``v_reset`` instead, and the rheobase is :math:`V_\mathrm{reset} - E_L - \psi(V_\mathrm{reset})`.

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
        mu_rh = model.v_th - model.e_l
    elif model.v_reset <= model.v_t:
        mu_rh = model.v_t - model.e_l - model.delta_t
    else:
        mu_rh = _eif_rheobase_above_v_t(model)
    if not math.isfinite(mu_rh):
        raise ValueError(f"rheobase: the model's potentials are too far apart (e_l = {model.e_l:g} mV): the "
                         f"rheobase {mu_rh} mV is not a finite float")
    return mu_rh


# ---------------------------------------------------------------------------
# EIF f-I curve by adaptive quadrature
# ---------------------------------------------------------------------------

@njit(cache=True)
def _expm1_minus_x(x):
    """exp(x) - 1 - x (dimensionless) without cancellation for small |x|; jitted, no checking."""
    if abs(x) < _TAYLOR_RADIUS:
        return x * x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x / 720.0))))
    return math.expm1(x) - x


@njit(cache=True)
def _eif_inv_drift(x, eps, delta_t):
    """Delta_T / drift (dimensionless) at x = (V - v_t)/Delta_T; jitted, no checking.

    ``eps = mu - mu_rh`` (mV, > 0) and ``delta_t`` (mV). drift = E_L - V + psi(V) + mu
    = eps + Delta_T (e^x - 1 - x) (mV), written so that the small drift near the bottleneck
    V = v_t is computed without cancellation.
    """
    return delta_t / (eps + delta_t * _expm1_minus_x(x))


@njit(cache=True)
def _eif_panel_integral(a, b, eps, delta_t):
    """int_a^b _eif_inv_drift dx (dimensionless; bounds in units of Delta_T, eps and delta_t
    in mV) by adaptive GK15 (snnlib._core.quad, rtol _RTOL, atol 0); jitted, no checking."""
    return _adaptive_gk15(_eif_inv_drift, a, b, (eps, delta_t), _RTOL, 0.0)


@njit(cache=True)
def _eif_integral(eps, x_reset, x_th, delta_t):
    """int_{x_reset}^{x_th} Delta_T dx / (eps + Delta_T (e^x - 1 - x)); jitted, no checking.

    Parameters
    ----------
    eps : float
        mu - mu_rh (mV), > 0.
    x_reset, x_th : float
        (v_reset - v_t)/Delta_T < 0 and (v_th - v_t)/Delta_T > 0 (dimensionless).
    delta_t : float
        Slope factor Delta_T (mV).

    Returns the (dimensionless) time from reset to cut-off in units of tau_m. The integrand
    peaks at the bottleneck x = 0 (width ~ sqrt(eps/Delta_T)), decays like 1/|x| for
    x -> -inf and like e^{-x} for x -> inf. Both sides are cut into panels whose length
    doubles away from 0 ([-1, 0], [-2, -1], [-4, -2], ... and [0, 1], [1, 2], [2, 4], ...), so
    the peak cannot fall between quadrature nodes however long the range (tiny Delta_T
    gives |x| up to ~1e5). On the right the integrand decreases, so the panels stop once
    f(x) (x_th - x) is below _TAIL_RTOL of the running total (a strict bound on the rest).
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
        if _eif_inv_drift(lo, eps, delta_t) * (x_th - lo) < _TAIL_RTOL * total:
            break
        hi = min(lo + width, x_th)
        total += _eif_panel_integral(lo, hi, eps, delta_t)
        lo = hi
        width *= 2.0
    return total


@njit(cache=True)
def _eif_isi_kernel(eps, x_reset, x_th, delta_t, tau_m, t_ref, out):
    """Noise-free EIF inter-spike intervals; jitted, no checking.

    Parameters
    ----------
    eps : float64[:]
        mu - mu_rh (mV); intervals are inf where eps <= 0.
    x_reset, x_th : float
        (v_reset - v_t)/Delta_T < 0 and (v_th - v_t)/Delta_T > 0 (dimensionless).
    delta_t, tau_m, t_ref : float
        Slope factor (mV), membrane time constant (ms) and refractory period (ms).
    out : float64[:]
        Output, ISI (ms) = t_ref + tau_m * _eif_integral.
    """
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
        Firing rate (Hz); 0 at or below ``rheobase`` ``= v_t - e_l - delta_t``, never above
        ``1000 / t_ref``.

    Raises
    ------
    ValueError
        Naming ``mu_values`` if a rate exceeds the largest float (only possible with
        ``t_ref = 0`` and astronomically large ``mu``, as for ``lif_fi_curve``).

    Notes
    -----
    The time from reset to the cut-off is

    .. math::

        T &= \tau_m \int_{V_\mathrm{reset}}^{V_\mathrm{th}}
        \frac{dV}{E_L - V + \Delta_T e^{(V - V_T)/\Delta_T} + \mu} \\
        &= \tau_m \int_{x_r}^{x_\mathrm{th}} \frac{\Delta_T\,dx}
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
    return _shaped_like(_rate_hz(out, mu_arr, model, "mu_values"), mu_values, mu_arr.shape)


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

    Parameters
    ----------
    n_steps : int
        Number of time steps.
    dt, tau_m : float
        Time step and membrane time constant (ms).
    v0, mu, e_l, v_th, v_reset : float
        Initial potential, mean input, leak reversal, threshold and reset (mV).
    n_ref : int
        Refractory period in steps (round(t_ref / dt)).
    is_eif : bool
        Add the EIF's psi(V) = delta_t exp((V - v_t)/delta_t) (else psi = 0, LIF).
    delta_t, v_t : float
        Slope factor and soft threshold of the EIF (mV); unused for the LIF.
    v_out : float64[n_steps + 1]
        Output, potential (mV) at t_n = n dt.
    spikes : float64[:]
        Output, spike times (ms); spikes beyond its length are counted, not stored.

    v_{n+1} = v_n + dt (e_l - v_n + psi(v_n) + mu)/tau_m. When v_{n+1} >= v_th a spike is
    recorded at t_{n+1}, V is set to v_reset and held there for n_ref further steps.
    Returns the number of spikes.
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


def _simulation_steps(t_max, dt, t_max_raw, dt_raw):
    """Number of Euler steps t_max / dt, checked: a whole number, at most MAX_STEPS, and an
    output (_BYTES_PER_STEP per step) that fits in memory."""
    n_steps = whole_steps(t_max, dt, "t_max", raw=(t_max_raw, dt_raw))
    check_work(n_steps, "t_max", what="t_max / dt time steps", limit=MAX_STEPS,
               hint="raise dt or shorten t_max")
    check_memory(_BYTES_PER_STEP * (n_steps + 1.0), "t_max", what="the trajectory (t, v, spike times)",
                 hint="raise dt or shorten t_max")
    return n_steps


def simulate_deterministic(model, mu, t_max, dt, *, v0=None):
    r"""Euler trajectory of a noise-free LIF or EIF neuron with threshold, reset and refractoriness.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (ms, mV).
    mu : float
        Constant mean input (mV).
    t_max : float
        Duration (ms), > 0, a whole number of steps ``dt``; at most ``MAX_STEPS`` (1e9) steps,
        and the output (24 bytes a step) must fit in half of the machine's memory.
    dt : float
        Time step (ms), > 0 and <= ``tau_m`` (float32 accepted); ``t_ref`` is rounded to a
        whole number of steps.
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
    mu_f = check_scalar(mu, "mu", unit="mV")
    t_max_f = check_positive(t_max, "t_max", unit="ms")
    dt_f = check_scalar(dt, "dt", low=0.0, low_inclusive=False, high=model.tau_m, unit="ms")
    v0 = model.v_reset if v0 is None else check_scalar(v0, "v0", high=model.v_th,
                                                        high_inclusive=False, unit="mV")
    n_steps = _simulation_steps(t_max_f, dt_f, t_max, dt)
    n_ref = int(round(model.t_ref / dt_f))
    is_eif = model.kind == "eif"
    delta_t = model.delta_t if is_eif else 1.0
    v_t = model.v_t if is_eif else 0.0
    v_out = np.empty(n_steps + 1)
    # each spike needs at least one step plus the refractory steps
    spikes = np.empty(n_steps // (n_ref + 1) + 1)
    n_sp = _simulate_kernel(n_steps, dt_f, v0, mu_f, model.tau_m, model.e_l, model.v_th, model.v_reset,
                            n_ref, is_eif, delta_t, v_t, v_out, spikes)
    return DeterministicRun(t=np.arange(n_steps + 1) * dt_f, v=v_out, spike_times=spikes[:n_sp].copy())
