r"""Stationary Fokker-Planck solution of an integrate-and-fire neuron by threshold integration.

For the membrane equation of the book,
:math:`\tau_m dV = (E_L - V + \psi(V) + \mu)dt + \sigma\sqrt{2\tau_m}\,dW`,
the stationary density :math:`P(V)` (1/mV) and probability flux :math:`J(V)` obey
(Risken 1989, ch. 5; Brunel & Hakim 1999, Neural Comput 11:1621, eq. 11)

.. math::

    J = f(V)\,P - D\,P', \qquad J' = -r\,\delta(V - V_\mathrm{reset}),
    \qquad f = \frac{E_L - V + \psi(V) + \mu}{\tau_m}, \quad D = \frac{\sigma^2}{\tau_m},

with :math:`P(V_\mathrm{th}) = 0`, :math:`J(V_\mathrm{th}) = r` and :math:`J = 0` below
``v_reset``. :func:`stationary` integrates these two first-order equations from the
threshold *down* to a lower bound ``v_lb`` (Richardson 2007, Phys Rev E 76:021919,
sec. III; Richardson 2008, Biol Cybern 99:381), which is stable because the density
decays in that direction, then normalises so that
:math:`\int P\,dV + r\,t_\mathrm{ref} = 1` (the refractory neurons hold the rest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core.validation import check_positive, check_scalar
from ..models import check_model
from ..units import MS_PER_S

__all__ = ["StationaryState", "stationary"]

#: Default lower bound: this many sigma below min(v_reset, e_l + mu). For the LIF the
#: density below v_reset is exactly Gaussian with std sigma, so the mass cut off is
#: < exp(-10^2/2) ~ 2e-22 of the total.
_LB_SIGMAS = 10.0
#: Default grid step as a fraction of the smallest voltage scale (sigma, delta_t, v_th - v_reset).
_DV_FRACTION = 1.0 / 24.0
#: Coarsest grid accepted: dv at most this fraction of the smallest voltage scale.
_DV_MAX_FRACTION = 0.25


@dataclass(frozen=True)
class StationaryState:
    r"""Result of :func:`stationary`: rate, density, flux and ISI statistics (read-only).

    Parameters
    ----------
    rate : float
        Stationary firing rate :math:`r_0` (Hz).
    v : ndarray, shape (n_v,)
        Voltage grid (mV), from ``v_lb`` up to ``v_th`` (``v_reset`` is a grid point).
    density : ndarray, shape (n_v,)
        Density :math:`P(V)` (1/mV) of the non-refractory neurons, normalised so that
        :math:`\int P\,dV + r_0 t_\mathrm{ref} = 1`; ``density[-1] = 0`` (absorbing threshold).
    flux : ndarray, shape (n_v,)
        Probability flux :math:`J(V)` (Hz): ``rate`` above ``v_reset``, 0 below.
    mean_v : float
        Mean membrane potential (mV) of all neurons, refractory ones counted at ``v_reset``:
        :math:`\int V P\,dV + r_0 t_\mathrm{ref} V_\mathrm{reset}`.
    var_v : float
        Variance of the membrane potential (mV^2), same convention as ``mean_v``.
    cv : float
        Coefficient of variation of the interspike intervals (dimensionless).
    mean_isi : float
        Mean interspike interval :math:`t_\mathrm{ref} + \langle T\rangle = 1/r_0` (ms).
    dv : float
        Grid step used (mV).
    rate_error : float
        Estimated relative error of ``rate`` (difference of the last two Richardson
        extrapolation levels).

    Examples
    --------
    >>> import snnlib
    >>> st = snnlib.stationary(snnlib.EIF(), 12.0, 3.0)
    >>> round(st.rate, 3), round(st.cv, 3)
    (5.628, 0.687)
    >>> st.v.shape == st.density.shape == st.flux.shape
    True
    """

    rate: float
    v: np.ndarray
    density: np.ndarray
    flux: np.ndarray
    mean_v: float
    var_v: float
    cv: float
    mean_isi: float
    dv: float
    rate_error: float

    def __post_init__(self):
        for name in ("v", "density", "flux"):
            getattr(self, name).flags.writeable = False


# ---------------------------------------------------------------------------
# jitted kernels
# ---------------------------------------------------------------------------

@njit(cache=True)
def _phi1(x):
    """(1 - exp(-x)) / x, accurate for all real x (jitted, no checking)."""
    if abs(x) < 1e-8:
        return 1.0 - 0.5 * x
    return -math.expm1(-x) / x


@njit(cache=True)
def _phi2(x):
    """(x - 1 + exp(-x)) / x^2, accurate for all real x (jitted, no checking)."""
    if abs(x) < 1e-3:
        return 0.5 - x / 6.0 + x * x / 24.0 - x * x * x / 120.0
    return (x + math.expm1(-x)) / (x * x)


@njit(cache=True)
def _threshold_integrate(f_mid, h, i_reset, d, p, pbar, out):
    """Unit-flux stationary density and first-passage moments (jitted, no checking).

    Grid v_i = v_reset + (i - i_reset) h, i = 0..n, with v_n = v_th; ``f_mid[i]`` is the
    drift (mV/ms) at the midpoint of [v_i, v_{i+1}] and ``d`` = sigma^2/tau_m (mV^2/ms).
    Each downward step solves P' = (f P - J)/D exactly with f frozen at the midpoint
    (Richardson 2007, eq. 20, centred). Writes the density p (ms/mV, unit outflux) at the
    grid points, its exact average over each step ``pbar`` (n), and
    out = [T1, T2 / T1, M1, M2]: T1 = int p (ms), the mean first-passage time from reset, T2
    its second moment (ms^2; returned divided by T1, in ms), and M_k = int (v - v_reset)^k p dv (trapezoid; ms mV^k).
    """
    n = f_mid.size
    expx = np.empty(n)
    ph1 = np.empty(n)
    ph2 = np.empty(n)
    cum = np.empty(n + 1)          # cum[i] = int_{v_i}^{v_th} p
    # sweep 1: Q0 = p with flux K0 = 1 above reset, 0 below
    p[n] = 0.0
    cum[n] = 0.0
    m1 = 0.0
    m2 = 0.0
    for k in range(n, 0, -1):
        x = f_mid[k - 1] * h / d
        e = math.exp(-x)
        a1 = _phi1(x)
        a2 = _phi2(x)
        expx[k - 1] = e
        ph1[k - 1] = a1
        ph2[k - 1] = a2
        j = 1.0 if k > i_reset else 0.0
        p[k - 1] = p[k] * e + j * h / d * a1
        pbar[k - 1] = p[k] * a1 + j * h / d * a2
        cum[k - 1] = cum[k] + h * pbar[k - 1]
        u_hi = (k - i_reset) * h
        u_lo = u_hi - h
        m1 += 0.5 * h * (u_hi * p[k] + u_lo * p[k - 1])
        m2 += 0.5 * h * (u_hi * u_hi * p[k] + u_lo * u_lo * p[k - 1])
    t1 = cum[0]
    # sweep 2: Q1 with flux K1(v) = -int_{v_lb}^{v} p = cum(v) - T1 (Laplace order s^1);
    # T2 = -2 int Q1 (Richardson 2008, sec. 2.3). Computed divided by T1 (the problem is
    # linear), so that T2 ~ T1^2 cannot overflow when T1 is huge (rates ~ 1e-190 Hz).
    q = 0.0
    mass1 = 0.0
    for k in range(n, 0, -1):
        j = 0.5 * (cum[k] + cum[k - 1]) / t1 - 1.0
        mass1 += q * h * ph1[k - 1] + j * h * h / d * ph2[k - 1]
        q = q * expx[k - 1] + j * h / d * ph1[k - 1]
    out[0] = t1
    out[1] = -2.0 * mass1
    out[2] = m1
    out[3] = m2


# ---------------------------------------------------------------------------
# grid, extrapolation and public function
# ---------------------------------------------------------------------------

def _voltage_scale(model, sigma):
    """Smallest voltage scale the density varies on (mV): sigma, delta_t, v_th - v_reset."""
    scale = min(sigma, model.v_th - model.v_reset)
    if model.kind == "eif":
        scale = min(scale, model.delta_t)
    return scale


def _default_v_lb(model, mu, sigma):
    return min(model.v_reset, model.e_l + mu) - _LB_SIGMAS * sigma


def _check_common(model, mu, sigma, v_lb, dv, name_prefix=""):
    """Validate (model, mu, sigma, v_lb, dv); return floats with defaults filled in."""
    check_model(model, "model")
    mu = check_scalar(mu, "mu", unit="mV")
    sigma = check_positive(sigma, "sigma", unit="mV")
    if v_lb is None:
        v_lb = _default_v_lb(model, mu, sigma)
    v_lb = check_scalar(v_lb, "v_lb", high=model.v_reset, high_inclusive=False, unit="mV")
    scale = _voltage_scale(model, sigma)
    dv_max = _DV_MAX_FRACTION * scale
    user_dv = dv is not None
    if dv is None:
        dv = _DV_FRACTION * scale
    dv = check_positive(dv, "dv", unit="mV")
    if dv > dv_max:
        raise ValueError(f"dv must be <= {dv_max:g} mV (a quarter of the smallest voltage scale "
                         f"min(sigma, v_th - v_reset{', delta_t' if model.kind == 'eif' else ''}) = "
                         f"{scale:g} mV): grid too coarse, got dv={dv:g} mV")
    n_steps = (model.v_th - v_lb) / dv
    if n_steps > 2e6:
        raise ValueError(f"dv={dv:g} mV gives {n_steps:.3g} grid steps on [v_lb, v_th]; "
                         "use dv >= (v_th - v_lb) / 2e6 or raise v_lb")
    return mu, sigma, v_lb, dv, user_dv


def _grid_sizes(model, v_lb, dv):
    """Steps above and below v_reset and the aligned step h0 <= dv (mV)."""
    n_above = max(int(math.ceil((model.v_th - model.v_reset) / dv - 1e-9)), 1)
    h0 = (model.v_th - model.v_reset) / n_above
    n_below = max(int(math.ceil((model.v_reset - v_lb) / h0 - 1e-9)), 1)
    return n_above, n_below, h0


def _midpoint_drift(model, mu, v, h):
    """Drift f (mV/ms) at the midpoints of the grid steps, checked to be finite."""
    f = np.ascontiguousarray(model.drift(v[:-1] + 0.5 * h, mu), dtype=float)
    if not np.all(np.isfinite(f)):
        raise ValueError("model.psi must be finite on [v_lb, v_th]")
    return f


def _romberg(values):
    """Romberg extrapolation of values at h, h/2, h/4 with error c2 h^2 + c4 h^4 + ...

    Returns the best estimate and the next-best one (their difference estimates the error).
    """
    a0, a1, a2 = values
    b1 = (4.0 * a1 - a0) / 3.0
    b2 = (4.0 * a2 - a1) / 3.0
    return (16.0 * b2 - b1) / 15.0, b2


def _solve(model, mu, sigma, v_lb, dv):
    """Threshold integration on three nested grids + Romberg extrapolation."""
    n_above, n_below, h0 = _grid_sizes(model, v_lb, dv)
    d = sigma * sigma / model.tau_m
    t1s, t2s, m1s, m2s, ps = [], [], [], [], []
    for lev in range(3):
        m = 2 ** lev
        h = h0 / m
        v = model.v_reset + h * np.arange(-n_below * m, n_above * m + 1)
        f_mid = _midpoint_drift(model, mu, v, h)
        p = np.empty(v.size)
        out = np.empty(4)
        _threshold_integrate(f_mid, h, n_below * m, d, p, np.empty(v.size - 1), out)
        t1s.append(out[0])
        t2s.append(out[1])
        m1s.append(out[2])                          # moments about v_reset: no cancellation in var
        m2s.append(out[3])
        ps.append(p[::m])
    v0 = model.v_reset + h0 * np.arange(-n_below, n_above + 1)
    t1, t1_prev = _romberg(t1s)
    t2, _ = _romberg(t2s)
    m1, _ = _romberg(m1s)
    m2, _ = _romberg(m2s)
    p, _ = _romberg(ps)
    return v0, h0, n_below, p, t1, t1_prev, t2, m1, m2


def stationary(model, mu, sigma, *, v_lb=None, dv=None, rtol=1e-6):
    r"""Stationary rate, membrane-potential density and ISI CV of an IF neuron with white noise.

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV); any :math:`\psi(V)`.
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0: the standard deviation of the free membrane
        potential (Brunel 2000 and NEST write :math:`\sigma_B = \sqrt{2}\,\sigma`).
    v_lb : float, optional
        Lower bound of the grid (mV), < ``v_reset``; reflecting (zero flux). Default:
        10 ``sigma`` below ``min(v_reset, e_l + mu)``, where the density is below
        :math:`e^{-50}` of its peak. Rounded down onto the grid.
    dv : float, optional
        Coarsest grid step (mV), at most a quarter of the smallest voltage scale
        ``min(sigma, v_th - v_reset, delta_t)``; the step used is the largest one
        <= ``dv`` that puts ``v_reset`` and ``v_th`` on grid points. Default: 1/16 of
        that scale, halved (up to 4 times) until the error estimate is below ``rtol``.
    rtol : float
        Accepted relative error of the rate, estimated from the extrapolation (> 0).
        If an explicit ``dv`` misses it, a ``ValueError`` asks for a finer ``dv``.

    Returns
    -------
    StationaryState
        Frozen result: ``rate`` (Hz), ``v`` (mV), ``density`` (1/mV), ``flux`` (Hz),
        ``mean_v`` (mV), ``var_v`` (mV^2), ``cv``, ``mean_isi`` (ms), ``dv`` (mV),
        ``rate_error`` (relative).

    Notes
    -----
    *Threshold integration* (Richardson 2007, Phys Rev E 76:021919, sec. III A;
    Richardson 2008, Biol Cybern 99:381, sec. 2). With a unit flux :math:`j = 1` above
    ``v_reset`` and :math:`j = 0` below, the density :math:`p` (ms/mV) solves
    :math:`p' = (f p - j)/D` from :math:`p(V_\mathrm{th}) = 0` downwards. On each
    step of width :math:`h` the drift :math:`f` is frozen at the midpoint and the
    equation solved exactly (the exponential step of Richardson 2007, eq. 20, centred),
    :math:`p_{k-1} = p_k e^{-x} + (j h/D)(1 - e^{-x})/x` with :math:`x = f h/D`, which
    stays stable where the EIF drift makes the equation stiff. The mean first-passage
    time from reset is :math:`T_1 = \int p\,dV` and the rate
    :math:`r_0 = 1/(t_\mathrm{ref} + T_1)` (Richardson 2007, eq. 21); the density is
    :math:`P = r_0 p`. The second moment of the first-passage time comes from the next
    order of the Laplace-transformed first-passage problem (Richardson 2008, sec. 2.3):
    with :math:`k_1(V) = -\int_{v_{lb}}^{V} p`, solve :math:`q' = (f q - k_1)/D`,
    :math:`q(V_\mathrm{th}) = 0`, then :math:`T_2 = -2\int q\,dV` and
    :math:`CV^2 = (T_2 - T_1^2)/(t_\mathrm{ref} + T_1)^2`.

    The computation is repeated on grids :math:`h, h/2, h/4` and extrapolated
    (Romberg, removing the :math:`h^2` and :math:`h^4` error terms). For the LIF the
    rate then agrees with the Siegert formula to better than 1e-9 relative
    (tests/test_fp_stationary.py).

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF(tau_m=10.0, t_ref=2.0, v_th=15.0, v_reset=0.0, e_l=0.0)
    >>> st = snnlib.stationary(lif, 15.0, 0.75 ** 0.5)
    >>> round(st.rate, 6)      # NEST's siegert test value 27.1095934379 Hz
    27.109593
    >>> bool(abs(st.density.sum() * st.dv + st.rate / 1000 * lif.t_ref - 1) < 1e-3)
    True
    """
    mu, sigma, v_lb, dv, user_dv = _check_common(model, mu, sigma, v_lb, dv)
    rtol = check_positive(rtol, "rtol")
    for attempt in range(5):
        v, h0, i_reset, p, t1, t1_prev, t2, m1, m2 = _solve(model, mu, sigma, v_lb, dv)
        err = abs(t1 - t1_prev) / (model.t_ref + t1)
        if not np.isfinite(t1) or t1 <= 0.0:
            raise ValueError("threshold integration failed (non-finite density): check model.psi, "
                             "mu and sigma, or lower v_lb")
        if err <= rtol or user_dv or attempt == 4:
            break
        dv = 0.5 * dv
    if err > rtol:
        raise ValueError(f"dv={dv:g} mV is too coarse for rtol={rtol:g} (estimated relative error of "
                         f"the rate {err:.2g}); use a smaller dv")
    r = 1.0 / (model.t_ref + t1)                     # 1/ms
    density = r * p
    flux = np.where(np.arange(v.size) >= i_reset, r, 0.0) * MS_PER_S
    flux[i_reset] = r * MS_PER_S               # J(v_reset+) = r; J jumps to 0 just below
    mean_v = model.v_reset + r * m1                  # refractory neurons sit at v_reset
    var_v = r * m2 - (r * m1) ** 2
    # t2 holds T2 / T1: var(T) / T1^2 = T2 / T1^2 - 1 without forming T1^2 (may overflow)
    cv = math.sqrt(max(t2 / t1 - 1.0, 0.0)) * (t1 / (model.t_ref + t1))
    return StationaryState(rate=float(r * MS_PER_S), v=v, density=density, flux=flux,
                           mean_v=float(mean_v), var_v=float(var_v), cv=float(cv),
                           mean_isi=float(model.t_ref + t1), dv=float(h0), rate_error=float(err))
