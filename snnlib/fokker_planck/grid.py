r"""The voltage grid of the Fokker-Planck solvers, and the numerics they share on it.

Every solver of ``snnlib.fokker_planck`` discretises the membrane potential on a uniform
grid from a reflecting lower bound ``v_lb`` up to the absorbing threshold ``v_th``, with
``v_reset`` on a grid point (for :func:`~snnlib.fokker_planck.time_dependent.solve_density`,
a cell interface), so that the kink of the density at the reset is resolved exactly.
:func:`aligned_grid` picks the largest step <= the requested ``dv`` with this property;
:meth:`Grid.points` lays the points out.

*Defaults, and why the two kinds of solver differ.*

* Threshold integration (:func:`~snnlib.fokker_planck.stationary.stationary`,
  :func:`~snnlib.fokker_planck.linear_response.susceptibility`,
  :func:`~snnlib.fokker_planck.linear_response.spike_spectrum`) is one cheap sweep per grid,
  Romberg-extrapolated to a rate accurate to ~1e-9: it is the library's reference solution.
  Its lower bound lies :data:`STATIONARY_LB_SIGMAS` = 10 sigma below
  ``min(v_reset, e_l + mu)`` (the Gaussian tail cut off is below :math:`e^{-50} \approx 2\cdot
  10^{-22}`, under round-off, so the answer does not depend on ``v_lb``), and its step is a
  fraction of the smallest voltage scale the density varies on (``sigma``, ``delta_t``,
  ``v_th - v_reset``): :data:`STATIONARY_DV_FRACTION` = 1/24 by default, at most
  :data:`STATIONARY_DV_MAX_FRACTION` = 1/4 (coarser grids are outside the asymptotic regime
  that Romberg extrapolation needs).
* Time stepping (:func:`~snnlib.fokker_planck.time_dependent.solve_density`) repeats a
  second-order step thousands of times without extrapolation; its rate error is ~1e-4 at the
  default step :data:`DENSITY_DV` = 0.05 mV. A cut at :data:`DENSITY_LB_SIGMAS` = 6 sigma
  (tail mass ~1e-9, far below that error) saves ~30 % of the cells of every step; the step
  must resolve the density, ``dv <= sigma / 2`` (:data:`DENSITY_DV_MAX_FRACTION`).

Both refuse grids of more than :data:`MAX_GRID_STEPS` steps, and the error names the input
that makes the grid so large (``sigma``, ``mu``, ``delta_t``, ``dv`` or ``v_lb``).

*Shared numerics.* The exponential step of threshold integration (Richardson 2007, Phys Rev E
76:021919, eq. 20, centred) freezes the drift :math:`f` on a step of width :math:`h` and solves
:math:`p' = (f p - j)/D` exactly; its coefficients are :func:`phi1` and :func:`phi2` of
:math:`x = f h / D`. :func:`threshold_integrate` is the unit-flux sweep both threshold-integration
modules start from, and :func:`romberg` the extrapolation over the grids :math:`h, h/2, h/4`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.validation import check_positive, check_scalar
from ..models import check_model

__all__ = ["STATIONARY_LB_SIGMAS", "STATIONARY_DV_FRACTION", "STATIONARY_DV_MAX_FRACTION",
           "DENSITY_LB_SIGMAS", "DENSITY_DV", "DENSITY_DV_MAX_FRACTION", "MAX_GRID_STEPS",
           "Grid", "aligned_grid", "voltage_scale", "default_v_lb", "lower_bound", "check_grid_size",
           "ThresholdArgs", "check_threshold_args", "check_diffusion", "psi_on_grid", "midpoint_drift",
           "nested_midpoint_drifts",
           "phi1", "phi2", "threshold_integrate", "romberg"]

# ---------------------------------------------------------------------------
# defaults (see the module docstring for why the two kinds of solver differ)
# ---------------------------------------------------------------------------

#: Threshold integration: default lower bound this many sigma below min(v_reset, e_l + mu).
#: Below v_reset the LIF density is exactly Gaussian with std sigma, so the mass cut off is
#: < exp(-10^2 / 2) ~ 2e-22 of the total, under round-off.
STATIONARY_LB_SIGMAS = 10.0
#: Threshold integration: default grid step as a fraction of the smallest voltage scale
#: (sigma, delta_t, v_th - v_reset); halved until the rate meets ``rtol``.
STATIONARY_DV_FRACTION = 1.0 / 24.0
#: Threshold integration: coarsest step accepted, as a fraction of the same scale.
STATIONARY_DV_MAX_FRACTION = 0.25
#: Time stepping: default lower bound this many (largest) sigma below min(v_reset, e_l + min mu):
#: a Gaussian tail of ~1e-9, far below the ~1e-4 discretisation error of the scheme.
DENSITY_LB_SIGMAS = 6.0
#: Time stepping: default cell width (mV); rate within ~1e-4 of threshold integration (LIF, EIF).
DENSITY_DV = 0.05
#: Time stepping: coarsest cell accepted, as a fraction of the smallest sigma.
DENSITY_DV_MAX_FRACTION = 0.5
#: Most steps (threshold integration: on the coarsest of its grids) or cells (time stepping) on
#: [v_lb, v_th]. Threshold integration refines that grid 4-fold for extrapolation, so its arrays
#: then hold 8e6 points (64 MB each); a time step costs ~2e-8 s per cell (measured), 0.05 s here.
MAX_GRID_STEPS = 2_000_000
#: Fraction of a step treated as round-off when counting whole steps on an interval
#: ((v_th - v_reset) / dv = 120.0000000001 is 120 steps, not 121).
_STEP_ROUNDING = 1e-9


# ---------------------------------------------------------------------------
# the aligned grid
# ---------------------------------------------------------------------------

class Grid(NamedTuple):
    """A uniform voltage grid with ``v_reset`` and ``v_th`` on grid points.

    Parameters
    ----------
    n_below : int
        Steps from the lowest point (``v_lb`` rounded down onto the grid) up to ``v_reset``.
    n_above : int
        Steps from ``v_reset`` up to ``v_th``.
    h : float
        Step (mV).
    """

    n_below: int
    n_above: int
    h: float

    def points(self, model, refine: int = 1) -> np.ndarray:
        """The ``refine * (n_below + n_above) + 1`` points (mV) of the grid with step ``h / refine``,
        from the lowest point to exactly ``v_th``; ``v_reset`` is point ``refine * n_below``."""
        h = self.h / refine
        v = model.v_reset + h * np.arange(-self.n_below * refine, self.n_above * refine + 1, dtype=float)
        v[-1] = model.v_th
        return v


def aligned_grid(model, v_lb: float, dv: float) -> Grid:
    """The grid on [v_lb, v_th] (v_lb rounded down) with the largest step <= ``dv`` (mV) that puts
    ``v_reset`` and ``v_th`` on grid points; at least one step on each side of ``v_reset``."""
    n_above = max(int(math.ceil((model.v_th - model.v_reset) / dv - _STEP_ROUNDING)), 1)
    h = (model.v_th - model.v_reset) / n_above
    n_below = max(int(math.ceil((model.v_reset - v_lb) / h - _STEP_ROUNDING)), 1)
    return Grid(n_below, n_above, h)


def voltage_scale(model, sigma: float):
    """Smallest voltage scale (mV) the density varies on, and its name: ``sigma``, ``delta_t``
    (EIF) or ``v_th - v_reset``."""
    scale, name = sigma, "sigma"
    if model.v_th - model.v_reset < scale:
        scale, name = model.v_th - model.v_reset, "v_th - v_reset"
    if model.kind == "eif" and model.delta_t < scale:
        scale, name = model.delta_t, "delta_t"
    return scale, name


def default_v_lb(model, mu_low: float, sigma_high: float, n_sigmas: float) -> float:
    """``n_sigmas`` times ``sigma_high`` below ``min(v_reset, e_l + mu_low)`` (mV)."""
    return min(model.v_reset, model.e_l + mu_low) - n_sigmas * sigma_high


def lower_bound(model, v_lb, dv: float, *, mu_low: float, sigma_low: float, sigma_high: float,
                n_sigmas: float, dv_cause: str | None, what: str = "grid steps") -> float:
    """The checked lower bound of the grid (mV): ``v_lb`` if given (finite, < ``v_reset``), else
    :func:`default_v_lb`; then :func:`check_grid_size` (arguments as there)."""
    user_v_lb = v_lb is not None
    if user_v_lb:
        v_lb = check_scalar(v_lb, "v_lb", high=model.v_reset, high_inclusive=False, unit="mV")
    else:
        v_lb = default_v_lb(model, mu_low, sigma_high, n_sigmas)
    check_grid_size(model, v_lb, dv, mu_low=mu_low, sigma_low=sigma_low, sigma_high=sigma_high, n_sigmas=n_sigmas,
                    user_v_lb=user_v_lb, dv_cause=dv_cause, what=what)
    if not user_v_lb:       # only round-off can put the default on v_reset, and the size check catches that
        v_lb = check_scalar(v_lb, "v_lb", high=model.v_reset, high_inclusive=False, unit="mV")
    return v_lb


def check_grid_size(model, v_lb: float, dv: float, *, mu_low: float, sigma_low: float, sigma_high: float,
                    n_sigmas: float, user_v_lb: bool, dv_cause: str | None, what: str = "grid steps") -> None:
    """Raise ``ValueError`` if [v_lb, v_th] holds more than :data:`MAX_GRID_STEPS` steps of ``dv``,
    naming the input that makes it so.

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (mV).
    v_lb, dv : float
        Lower bound and step of the grid (mV), user-given or defaulted.
    mu_low : float
        Lowest mean input (mV); with ``sigma_high`` and ``n_sigmas`` it sets the default ``v_lb``.
    sigma_low, sigma_high : float
        Smallest and largest noise amplitude (mV); ``sigma_low`` may set the default ``dv``.
    n_sigmas : float
        The default ``v_lb`` lies this many ``sigma_high`` below ``min(v_reset, e_l + mu_low)``.
    user_v_lb : bool
        Whether the caller gave ``v_lb``.
    dv_cause : str or None
        None if the caller gave ``dv``; otherwise what set the default step: ``"sigma"``,
        ``"delta_t"``, ``"v_th - v_reset"`` (scales of the density) or ``"dv"`` (a fixed default).
    what : str
        What the steps are called in the message ("grid steps", "cells").

    Notes
    -----
    The number of steps is ``(v_th - v_lb) / dv``. In this order: a step too fine for the model's
    own span ``v_th - v_reset`` names ``dv`` if the caller chose it, else what set it (a tiny
    ``sigma`` or ``delta_t``); then a ``v_lb`` the caller chose too low; then, with the default
    ``v_lb``, a ``mu`` that puts the free membrane potential far below reset and/or a ``sigma`` so
    large that ``n_sigmas`` of it span too many steps.
    """
    n = (model.v_th - v_lb) / dv
    if n <= MAX_GRID_STEPS:
        return
    grid = (f"the grid on [v_lb, v_th] = [{v_lb:.4g}, {model.v_th:g}] mV in steps of dv = {dv:.3g} mV "
            f"would need {n:.3g} {what}, more than {MAX_GRID_STEPS:.0e}")
    model_span = model.v_th - model.v_reset
    if model_span / dv > MAX_GRID_STEPS:           # the step itself is too fine for the model
        _raise_for_step(model, dv, dv_cause, sigma_low, n, grid)
    if user_v_lb:
        raise ValueError(f"v_lb={v_lb:g} mV is too low: {grid}; raise v_lb to >= "
                         f"{model.v_th - MAX_GRID_STEPS * dv:.6g} mV or use a larger dv")
    half = 0.5 * MAX_GRID_STEPS
    below_reset = max(model.v_reset - (model.e_l + mu_low), 0.0)          # span added by mu
    noise = n_sigmas * sigma_high                                         # span added by sigma
    mu_big, sigma_big = below_reset / dv > half, noise / dv > half
    if mu_big and sigma_big:
        raise ValueError(f"mu={mu_low:g} mV and sigma={sigma_high:g} mV put the default v_lb "
                         f"(e_l + mu - {n_sigmas:g} sigma) far below v_reset: {grid}; pass v_lb")
    if mu_big:
        mu_min = model.v_th - model.e_l + noise - MAX_GRID_STEPS * dv
        raise ValueError(f"mu={mu_low:g} mV puts the free membrane potential e_l + mu = {model.e_l + mu_low:.4g} mV "
                         f"far below v_reset = {model.v_reset:g} mV, and the default v_lb lies {n_sigmas:g} sigma "
                         f"below it: {grid}; mu must be >= {mu_min:.10g} mV here, or pass v_lb")
    if sigma_big:
        raise ValueError(f"sigma={sigma_high:g} mV is too large: the default v_lb lies {n_sigmas:g} sigma "
                         f"below min(v_reset, e_l + mu): {grid}; use a smaller sigma or pass v_lb closer to v_reset")
    raise ValueError(f"mu={mu_low:g} mV and sigma={sigma_high:g} mV with dv set by {dv_cause or 'the caller'}: "
                     f"{grid}; pass v_lb closer to v_reset or a larger dv")


def _raise_for_step(model, dv, dv_cause, sigma_low, n, grid):
    """The ``ValueError`` of :func:`check_grid_size` when ``v_th - v_reset`` alone needs too many steps."""
    if dv_cause is None:
        raise ValueError(f"dv={dv:g} mV is too fine: {grid}; use dv >= "
                         f"{(model.v_th - model.v_reset) / MAX_GRID_STEPS:.3g} mV")
    if dv_cause == "sigma":
        raise ValueError(f"sigma={sigma_low:g} mV is too small for a grid that must resolve it "
                         f"(dv <= a fraction of sigma): {grid}; sigma must be >= "
                         f"{sigma_low * n / MAX_GRID_STEPS:.4g} mV here")
    if dv_cause == "delta_t":
        raise ValueError(f"delta_t={model.delta_t:g} mV of the model is too small for a grid that must resolve it "
                         f"(dv <= a fraction of delta_t): {grid}; delta_t must be >= "
                         f"{model.delta_t * n / MAX_GRID_STEPS:.4g} mV here")
    raise ValueError(f"v_th - v_reset = {model.v_th - model.v_reset:g} mV of the model sets dv: {grid}")


# ---------------------------------------------------------------------------
# input check of the threshold-integration solvers
# ---------------------------------------------------------------------------

class ThresholdArgs(NamedTuple):
    """Checked input of a threshold-integration solver, defaults filled in.

    Parameters
    ----------
    mu, sigma : float
        Mean input and noise amplitude (mV).
    v_lb : float
        Lower bound of the grid (mV), < ``v_reset``.
    dv : float
        Coarsest grid step (mV).
    user_dv : bool
        Whether the caller chose ``dv`` (then it is not refined to meet ``rtol``).
    """

    mu: float
    sigma: float
    v_lb: float
    dv: float
    user_dv: bool


def check_threshold_args(model, mu, sigma, v_lb, dv) -> ThresholdArgs:
    """Validate the input of :func:`~snnlib.fokker_planck.stationary.stationary`,
    :func:`~snnlib.fokker_planck.linear_response.susceptibility` and
    :func:`~snnlib.fokker_planck.linear_response.spike_spectrum`, filling in the default grid.

    ``model``: an snnlib model; ``mu`` (mV) finite; ``sigma`` (mV) > 0 with a finite, positive
    ``sigma**2 / tau_m``; ``v_lb`` (mV) < ``v_reset`` (default :func:`default_v_lb` with
    :data:`STATIONARY_LB_SIGMAS`); ``dv`` (mV) > 0 and at most :data:`STATIONARY_DV_MAX_FRACTION`
    of :func:`voltage_scale` (default :data:`STATIONARY_DV_FRACTION` of it); at most
    :data:`MAX_GRID_STEPS` steps on [v_lb, v_th] (:func:`check_grid_size`).
    """
    check_model(model, "model")
    mu = check_scalar(mu, "mu", unit="mV")
    sigma = check_positive(sigma, "sigma", unit="mV")
    scale, scale_name = voltage_scale(model, sigma)
    user_dv = dv is not None
    if user_dv:
        dv = check_positive(dv, "dv", unit="mV")
        dv_max = STATIONARY_DV_MAX_FRACTION * scale
        if dv > dv_max:
            scales = "sigma, v_th - v_reset" + (", delta_t" if model.kind == "eif" else "")
            raise ValueError(f"dv must be <= {dv_max:g} mV (a quarter of the smallest voltage scale "
                             f"min({scales}) = {scale:g} mV): grid too coarse, got dv={dv:g} mV")
    else:
        dv = STATIONARY_DV_FRACTION * scale
    v_lb = lower_bound(model, v_lb, dv, mu_low=mu, sigma_low=sigma, sigma_high=sigma,
                       n_sigmas=STATIONARY_LB_SIGMAS, dv_cause=None if user_dv else scale_name)
    check_diffusion(sigma, model.tau_m)
    return ThresholdArgs(mu, sigma, v_lb, dv, user_dv)


def check_diffusion(sigma: float, tau_m: float) -> float:
    """The diffusion constant ``sigma**2 / tau_m`` (mV^2/ms), or a ``ValueError`` naming ``sigma``
    if it under- or overflows a double (sigma below ~1e-154 mV or above ~1e154 mV)."""
    d = sigma * sigma / tau_m
    if not (0.0 < d < math.inf):
        raise ValueError(f"sigma={sigma:g} mV is outside the range the solver can represent: the diffusion "
                         f"constant sigma**2 / tau_m = {d:g} mV^2/ms must be a positive finite number")
    return d


# ---------------------------------------------------------------------------
# the model on the grid
# ---------------------------------------------------------------------------

def _check_drift_values(values: np.ndarray, what: str) -> np.ndarray:
    """Accept finite values and +inf (a drift so strong that the neuron crosses instantly: the
    solvers' exponential and Scharfetter-Gummel steps take that limit exactly); reject NaN, -inf."""
    if not values.min(initial=math.inf) > -math.inf:        # one reduction: NaN and -inf both fail
        bad = np.isnan(values) | (values == -math.inf)
        raise ValueError(f"model.psi must be finite (or +inf, where it overflows above v_t) on [v_lb, v_th]: "
                         f"{what} is {values[bad][0]} at {int(np.argmax(bad))} of {values.size} grid points")
    return values


def psi_on_grid(model, v: np.ndarray) -> np.ndarray:
    r""":math:`\psi(V)` (mV) at the voltages ``v`` (mV), contiguous; +inf allowed (an EIF with a small
    ``delta_t`` overflows a double far above ``v_t``), NaN and -inf rejected."""
    with np.errstate(over="ignore"):
        psi = np.ascontiguousarray(model.psi(v), dtype=float)
    return _check_drift_values(psi, "psi")


def _drift(model, mu: float, v: np.ndarray) -> np.ndarray:
    """Drift (mV/ms) at the voltages v (mV), checked (+inf allowed)."""
    with np.errstate(over="ignore", invalid="ignore"):
        f = np.asarray(model.drift(v, mu), dtype=float)
    return _check_drift_values(f, "the drift")


def midpoint_drift(model, mu: float, v: np.ndarray, h: float) -> np.ndarray:
    """Drift :math:`f` (mV/ms) at the midpoints of the grid steps of ``v`` (mV, step ``h``);
    +inf allowed where psi overflows, NaN and -inf rejected."""
    return np.ascontiguousarray(_drift(model, mu, v[:-1] + 0.5 * h))


def nested_midpoint_drifts(model, mu: float, grid: Grid, n_levels: int = 3) -> list:
    """Midpoint drifts (mV/ms) of the grid refined 1, 2, ..., 2^(n_levels - 1) times, from one
    evaluation of the drift on the grid refined 2^n_levels times: the midpoints of the grid refined
    r-fold are every (2^n_levels / r)-th point of it, starting at the (2^n_levels / 2r)-th."""
    m = 2 ** n_levels
    f = _drift(model, mu, grid.points(model, m)[:-1])
    return [np.ascontiguousarray(f[m >> (lev + 1)::m >> lev]) for lev in range(n_levels)]


# ---------------------------------------------------------------------------
# the exponential step (jitted)
# ---------------------------------------------------------------------------

#: |x| below which phi1 is its two-term series 1 - x/2 (error x^2/6 < 2e-17).
_PHI1_SERIES = 1e-8
#: |x| below which phi2 is its four-term series (error x^4/720 < 2e-15 relative at 1e-3),
#: where the closed form would lose digits to cancellation.
_PHI2_SERIES = 1e-3
#: |x| above which phi2 is computed as (1 - phi1) / x: x * x would overflow (beyond 1.3e154).
_PHI2_LARGE = 1e150


@njit(cache=True)
def phi1(x):
    """(1 - exp(-x)) / x for a real x (dimensionless), accurate for all x; jitted, no checking.

    The average of :math:`e^{-x t}` over :math:`t \\in [0, 1]`; 0 at x = +inf, +inf for x < -709.
    """
    if abs(x) < _PHI1_SERIES:
        return 1.0 - 0.5 * x
    return -math.expm1(-x) / x


@njit(cache=True)
def phi2(x):
    """(x - 1 + exp(-x)) / x^2 for a real x (dimensionless), accurate for all x; jitted, no checking.

    0 at x = +inf (as 1 / x); +inf for x < -709.
    """
    if abs(x) < _PHI2_SERIES:
        return 0.5 - x / 6.0 + x * x / 24.0 - x * x * x / 120.0
    if abs(x) > _PHI2_LARGE:
        return (1.0 - phi1(x)) / x
    return (x + math.expm1(-x)) / (x * x)


@njit(cache=True)
def threshold_integrate(f_mid, h, i_reset, d, p, pbar, out):
    """Unit-flux stationary density and first-passage moments on one grid (jitted, no checking).

    Parameters
    ----------
    f_mid : ndarray, shape (n,)
        Drift (mV/ms) at the midpoint of each step [v_i, v_{i+1}] of the grid
        v_i = v_reset + (i - i_reset) h, i = 0..n, v_n = v_th; +inf allowed (then p = 0 there).
    h : float
        Step (mV).
    i_reset : int
        Index of v_reset.
    d : float
        Diffusion constant sigma^2 / tau_m (mV^2/ms).
    p : ndarray, shape (n + 1,)
        Output: the density (ms/mV) with unit outflux at the grid points, p[n] = 0.
    pbar : ndarray, shape (n,)
        Output: the exact average of p over each step (ms/mV).
    out : ndarray, shape (4,)
        Output: [T1, T2 / T1, M1, M2]. T1 = int p (ms) is the mean first-passage time from
        reset to threshold, T2 its second moment (ms^2, returned divided by T1, so in ms, and 0
        if T1 = 0), M_k = int (v - v_reset)^k p dv (trapezoid; ms mV^k).

    Notes
    -----
    Each downward step solves :math:`p' = (f p - j)/D` exactly with f frozen at the midpoint
    (Richardson 2007, eq. 20, centred): :math:`p_{k-1} = p_k e^{-x} + (j h/D)\\,\\phi_1(x)`,
    :math:`x = f h/D`, with flux j = 1 above reset and 0 below. A second sweep with the flux
    :math:`k_1(v) = \\int_{v_{lb}}^{v} p - T_1` (Laplace order :math:`s^1`) gives
    :math:`T_2 = -2\\int q` (Richardson 2008, Biol Cybern 99:381, sec. 2.3); it is computed divided
    by T1 (the problem is linear), so that T2 ~ T1^2 cannot overflow for rates down to ~1e-300 Hz.
    Where the density itself overflows (rates below that) the outputs are inf or NaN; the caller
    checks.
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
        a1 = phi1(x)
        a2 = phi2(x)
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
    out[0] = t1
    out[1] = 0.0
    out[2] = m1
    out[3] = m2
    if not t1 > 0.0:                # an infinite drift everywhere above reset: no time spent
        return
    # sweep 2: Q1 with flux K1(v) = -int_{v_lb}^{v} p = cum(v) - T1, divided by T1
    q = 0.0
    mass1 = 0.0
    for k in range(n, 0, -1):
        j = 0.5 * (cum[k] + cum[k - 1]) / t1 - 1.0
        mass1 += q * h * ph1[k - 1] + j * h * h / d * ph2[k - 1]
        q = q * expx[k - 1] + j * h / d * ph1[k - 1]
    out[1] = -2.0 * mass1


def romberg(values):
    """Romberg extrapolation of ``values[0], values[1], values[2]`` computed on grids h, h/2, h/4
    with an error c2 h^2 + c4 h^4 + ... (scalars or arrays of equal shape).

    Returns the best estimate and the next-best one (the h^2-extrapolation of the two finest
    grids); their difference estimates the error of the next-best.
    """
    a0, a1, a2 = values[0], values[1], values[2]
    b1 = (4.0 * a1 - a0) / 3.0
    b2 = (4.0 * a2 - a1) / 3.0
    return (16.0 * b2 - b1) / 15.0, b2
