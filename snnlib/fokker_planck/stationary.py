r"""Stationary Fokker-Planck solution of an integrate-and-fire neuron by threshold integration.

For the membrane equation of the book,
:math:`\tau_m dV = (E_L - V + \psi(V) + \mu)dt + \sigma\sqrt{2\tau_m}\,dW`,
the stationary density :math:`P(V)` (1/mV) and probability flux :math:`J(V)` obey
(Risken 1989, ch. 5; Brunel & Hakim 1999, Neural Comput 11:1621, eq. 11)

.. math::

    J = a(V)\,P - D\,P', \qquad \partial_V J = r\,\delta(V - V_\mathrm{reset}),

    a = \frac{E_L - V + \psi(V) + \mu}{\tau_m}, \quad D = \frac{\sigma^2}{\tau_m},

with :math:`P(V_\mathrm{th}) = 0`, :math:`J(V_\mathrm{th}) = r` and :math:`J = 0` below
``v_reset``: the neurons reinjected at the reset are a source, so going *up* the flux jumps
from 0 to :math:`r` there. :func:`stationary` integrates these two first-order equations from the
threshold *down* to a lower bound ``v_lb`` (Richardson 2007, Phys Rev E 76:021919,
sec. III; Richardson 2008, Biol Cybern 99:381), which is stable because the density
decays in that direction, then normalises so that
:math:`\int P\,dV + r\,t_\mathrm{ref} = 1` (the refractory neurons hold the rest).
The grid, its defaults and the shared numerics are in ``snnlib.fokker_planck.grid``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.validation import check_memory, check_positive
from ..units import MS_PER_S
from .grid import (aligned_grid, check_threshold_args, nested_midpoint_drifts, phi1, phi2, romberg,
                   threshold_integrate)

__all__ = ["StationaryState", "stationary"]

#: Most times the default grid step is halved to meet ``rtol`` (the finest grid then has 16x the steps).
_MAX_HALVINGS = 4
#: Doubles allocated per grid point by one threshold-integration sweep (p, pbar, f_mid and the
#: kernel's four work arrays), for the memory guard.
_DOUBLES_PER_POINT = 8
#: Grids with fewer points than this (< 0.5 GB at the largest) skip the memory guard's system call.
_MEMORY_CHECK_FROM = 1_000_000
#: Below this x = f h / D, exp(-x) may overflow a double (exp(709.8) is the largest): the
#: log-space sweep switches to its asymptotic forms there.
_LOG_SWITCH = -700.0


@dataclass(frozen=True)
class StationaryState:
    r"""Result of :func:`stationary`: rate, density, flux and ISI statistics (read-only).

    Parameters
    ----------
    rate : float
        Stationary firing rate :math:`r_0` (Hz); 0 where it underflows (below ~1e-300 Hz).
    v : ndarray, shape (n_v,)
        Voltage grid (mV), from ``v_lb`` up to ``v_th`` (``v_reset`` is a grid point).
    density : ndarray, shape (n_v,)
        Density :math:`P(V)` (1/mV) of the non-refractory neurons, normalised so that
        :math:`\int P\,dV + r_0 t_\mathrm{ref} = 1`; ``density[-1] = 0`` (absorbing threshold).
    flux : ndarray, shape (n_v,)
        Probability flux :math:`J(V)` (Hz): ``rate`` from ``v_reset`` up, 0 below.
    mean_v : float
        Mean membrane potential (mV) of all neurons, refractory ones counted at ``v_reset``:
        :math:`\int V P\,dV + r_0 t_\mathrm{ref} V_\mathrm{reset}`.
    var_v : float
        Variance of the membrane potential (mV^2), same convention as ``mean_v``.
    cv : float
        Coefficient of variation of the interspike intervals (dimensionless).
    mean_isi : float
        Mean interspike interval :math:`t_\mathrm{ref} + \langle T\rangle = 1/r_0` (ms); inf
        where it overflows.
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
# log-space sweep (jitted), for densities that overflow a double
# ---------------------------------------------------------------------------

@njit(cache=True)
def _logaddexp(a, b):
    """log(e^a + e^b) for a, b in [-inf, inf); jitted, no checking."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    if a < b:
        a, b = b, a
    return a + math.log1p(math.exp(b - a))


@njit(cache=True)
def _log_phi1(x):
    """log phi1(x) = log((1 - e^{-x}) / x), finite for x > -inf (-inf at x = +inf); jitted, no checking."""
    if x > _LOG_SWITCH:
        return math.log(phi1(x))
    return -x - math.log(-x) + math.log1p(-math.exp(x))


@njit(cache=True)
def _log_phi2(x):
    """log phi2(x) = log((x - 1 + e^{-x}) / x^2), finite for x > -inf; jitted, no checking."""
    if x > _LOG_SWITCH:
        return math.log(phi2(x))
    return -x - 2.0 * math.log(-x) + math.log1p((x - 1.0) * math.exp(x))


@njit(cache=True)
def _threshold_integrate_log(f_mid, h, i_reset, d, lp, lpbar):
    """Logarithm of the unit-flux density of ``snnlib.fokker_planck.grid.threshold_integrate``
    (jitted, no checking).

    Parameters
    ----------
    f_mid : ndarray, shape (n,)
        Drift (mV/ms) at the step midpoints of the grid v_i = v_reset + (i - i_reset) h; +inf allowed.
    h : float
        Step (mV).
    i_reset : int
        Index of v_reset.
    d : float
        Diffusion constant sigma^2 / tau_m (mV^2/ms).
    lp : ndarray, shape (n + 1,)
        Output: log p at the grid points (p in ms/mV; lp[n] = -inf).
    lpbar : ndarray, shape (n,)
        Output: log of the exact step averages of p.

    Notes
    -----
    The same exponential step, :math:`p_{k-1} = p_k e^{-x} + (j h/D)\\phi_1(x)`, written as
    :math:`\\log p_{k-1} = \\mathrm{logaddexp}(\\log p_k - x, \\log(j h/D) + \\log\\phi_1(x))`, so that
    nothing overflows however far the density grows below threshold (mean ISIs beyond 1e308 ms).
    """
    n = f_mid.size
    lsrc = math.log(h / d)
    lp[n] = -math.inf
    for k in range(n, 0, -1):
        x = f_mid[k - 1] * h / d
        l1 = _log_phi1(x)
        if k > i_reset:
            lp[k - 1] = _logaddexp(lp[k] - x, lsrc + l1)
            lpbar[k - 1] = _logaddexp(lp[k] + l1, lsrc + _log_phi2(x))
        else:
            lp[k - 1] = lp[k] - x
            lpbar[k - 1] = lp[k] + l1


# ---------------------------------------------------------------------------
# solution on three nested grids
# ---------------------------------------------------------------------------

class _Solution(NamedTuple):
    """Romberg-extrapolated threshold integration (checked input; times ms, voltages mV)."""

    v: np.ndarray          # coarsest grid (mV)
    h: float               # its step (mV)
    i_reset: int           # index of v_reset in v
    p: np.ndarray          # unit-flux density at v (ms/mV)
    t1: float              # mean first-passage time reset -> threshold (ms)
    t1_prev: float         # next-best extrapolation of t1 (ms)
    t2_over_t1: float      # second moment of the first-passage time divided by t1 (ms)
    m1: float              # int (v - v_reset) p dv (ms mV)
    m2: float              # int (v - v_reset)^2 p dv (ms mV^2)


def _level_drifts(model, mu, grid):
    """Midpoint drifts (mV/ms) of the grids h, h/2, h/4, after a check that they fit in memory."""
    n_points = 8 * (grid.n_below + grid.n_above) + 1            # the drift is evaluated on h/8
    if n_points > _MEMORY_CHECK_FROM:
        check_memory(_DOUBLES_PER_POINT * 8.0 * n_points, "dv", what="the threshold-integration grid",
                     hint="use a larger dv or a larger rtol")
    return nested_midpoint_drifts(model, mu, grid, 3)


def _solve(model, mu, sigma, grid):
    """Threshold integration on the grids h, h/2, h/4 + Romberg, or None if the density overflows."""
    d = sigma * sigma / model.tau_m
    t1s, t2s, m1s, m2s, ps = [], [], [], [], []
    for lev, f_mid in enumerate(_level_drifts(model, mu, grid)):
        m = 2 ** lev
        p = np.empty(f_mid.size + 1)
        out = np.empty(4)
        threshold_integrate(f_mid, grid.h / m, grid.n_below * m, d, p, np.empty(f_mid.size), out)
        # an overflow of p anywhere reaches T1 = int p (as inf, or NaN where inf meets exp(-x) = 0)
        if not (math.isfinite(out[0]) and math.isfinite(out[1]) and math.isfinite(out[2])
                and math.isfinite(out[3])):
            return None                                   # mean ISI beyond ~1e300 ms
        t1s.append(out[0])
        t2s.append(out[1])
        m1s.append(out[2])                                # moments about v_reset: no cancellation in var
        m2s.append(out[3])
        ps.append(p[::m])
    t1, t1_prev = romberg(t1s)
    return _Solution(grid.points(model), grid.h, grid.n_below, romberg(ps)[0], t1, t1_prev,
                     romberg(t2s)[0], romberg(m1s)[0], romberg(m2s)[0])


def _solve_to_rtol(model, args, rtol):
    """Halve the default step until the estimated relative error of the rate is <= rtol.

    Returns (solution, error, grid); the solution is None if the density overflows on the first grid.
    """
    dv = args.dv
    for attempt in range(_MAX_HALVINGS + 1):
        grid = aligned_grid(model, args.v_lb, dv)
        sol = _solve(model, args.mu, args.sigma, grid)
        if sol is None:
            return None, math.inf, grid
        if sol.t1 <= 0.0 and model.t_ref == 0.0:
            raise ValueError(f"mu={args.mu:g} mV is so strong that the time from reset to threshold underflows "
                             "to 0 ms and t_ref = 0: the rate is not representable; use a smaller mu or t_ref > 0")
        err = abs(sol.t1 - sol.t1_prev) / (model.t_ref + sol.t1)
        if err <= rtol or args.user_dv or attempt == _MAX_HALVINGS:
            break
        dv = 0.5 * dv
    if err > rtol:
        raise ValueError(f"dv={dv:g} mV is too coarse for rtol={rtol:g} (estimated relative error of "
                         f"the rate {err:.2g}); use a smaller dv")
    return sol, err, grid


def _state(model, sol, err):
    """StationaryState from the unit-flux solution: r = 1/(t_ref + T1), P = r p (Richardson 2007, eq. 21)."""
    r = 1.0 / (model.t_ref + sol.t1)                                  # 1/ms
    flux = np.where(np.arange(sol.v.size) >= sol.i_reset, r * MS_PER_S, 0.0)
    mean_v = model.v_reset + r * sol.m1                               # refractory neurons sit at v_reset
    var_v = r * sol.m2 - (r * sol.m1) ** 2
    # var(T) / T1^2 = T2 / T1^2 - 1 from T2 / T1, without forming T1^2 (may overflow); T1 = 0: no jitter
    ratio = sol.t2_over_t1 / sol.t1 - 1.0 if sol.t1 > 0.0 else 0.0
    cv = math.sqrt(max(ratio, 0.0)) * (sol.t1 / (model.t_ref + sol.t1))
    return StationaryState(rate=float(r * MS_PER_S), v=sol.v, density=r * sol.p, flux=flux,
                           mean_v=float(mean_v), var_v=float(var_v), cv=float(cv),
                           mean_isi=float(model.t_ref + sol.t1), dv=float(sol.h), rate_error=float(err))


def _state_log(model, mu, sigma, grid):
    """StationaryState where the unit-flux density overflows (mean ISI beyond ~1e300 ms), from the
    log-space sweep on the grids h, h/2, h/4 + Romberg.

    The normalised density P = p / (t_ref + T1) is representable; the rate 1/(t_ref + T1)
    underflows to 0 below ~5e-324 /ms. Escape over so high a barrier is a Poisson process
    (Kramers), so CV = 1: its deviation is of the order of the relaxation time over the mean ISI.
    """
    d = sigma * sigma / model.tau_m
    log_tref = math.log(model.t_ref) if model.t_ref > 0.0 else -math.inf
    log_t1s, dens, rm1s, rm2s = [], [], [], []
    for lev, f_mid in enumerate(_level_drifts(model, mu, grid)):
        m = 2 ** lev
        h = grid.h / m
        v = grid.points(model, m)
        lp = np.empty(v.size)
        lpbar = np.empty(v.size - 1)
        _threshold_integrate_log(f_mid, h, grid.n_below * m, d, lp, lpbar)
        top = lpbar.max()
        log_t1 = top + math.log(h * np.exp(lpbar - top).sum())        # log int p (ms)
        dens_lev = np.exp(lp - np.logaddexp(log_tref, log_t1))        # P = p / (t_ref + T1), 1/mV
        u = v - model.v_reset
        trap = np.full(v.size, h)
        trap[[0, -1]] = 0.5 * h                                       # trapezoid weights, as the fast sweep
        log_t1s.append(log_t1)
        dens.append(dens_lev[::m])
        rm1s.append(float(np.sum(trap * u * dens_lev)))
        rm2s.append(float(np.sum(trap * u * u * dens_lev)))
    # extrapolate T1 through its ratios to the coarsest grid's (T1 itself may overflow)
    best, prev = romberg(np.exp(np.array(log_t1s) - log_t1s[0]))
    log_t1 = log_t1s[0] + math.log(best)
    log_isi = float(np.logaddexp(log_tref, log_t1))                   # log(t_ref + T1), ms
    r = math.exp(-log_isi)                                            # 1/ms; underflows to 0 quietly
    density = romberg(dens)[0]
    density[-1] = 0.0
    rm1, rm2 = romberg(rm1s)[0], romberg(rm2s)[0]
    flux = np.where(np.arange(density.size) >= grid.n_below, r * MS_PER_S, 0.0)
    return StationaryState(rate=float(r * MS_PER_S), v=grid.points(model), density=density, flux=flux,
                           mean_v=float(model.v_reset + rm1), var_v=float(rm2 - rm1 * rm1), cv=1.0,
                           mean_isi=math.exp(log_isi) if log_isi < math.log(np.finfo(float).max) else math.inf,
                           dv=float(grid.h), rate_error=float(abs(best - prev) / best))


# ---------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------

def stationary(model, mu, sigma, *, v_lb=None, dv=None, rtol=1e-6):
    r"""Stationary rate, membrane-potential density and ISI CV of an IF neuron with white noise.

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV); any :math:`\psi(V)` (finite, or +inf where it overflows a
        double, as an EIF with a small ``delta_t`` does far above ``v_t``).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0: the standard deviation of the free membrane
        potential (Brunel 2000 and NEST write :math:`\sigma_B = \sqrt{2}\,\sigma`).
    v_lb : float, optional
        Lower bound of the grid (mV), < ``v_reset``; reflecting (zero flux). Default:
        10 ``sigma`` below ``min(v_reset, e_l + mu)``, where the density is below
        :math:`e^{-50}` of its peak (``snnlib.fokker_planck.grid.STATIONARY_LB_SIGMAS``;
        :func:`~snnlib.fokker_planck.time_dependent.solve_density` uses 6, see
        ``snnlib.fokker_planck.grid``). Rounded down onto the grid.
    dv : float, optional
        Coarsest grid step (mV), at most a quarter of the smallest voltage scale
        ``min(sigma, v_th - v_reset, delta_t)``; the step used is the largest one
        <= ``dv`` that puts ``v_reset`` and ``v_th`` on grid points. Default: 1/24 of
        that scale, halved (up to 4 times) until the error estimate is below ``rtol``.
        At most 2e6 steps on ``[v_lb, v_th]``: a ``ValueError`` names the input that asks
        for more (a tiny or huge ``sigma``, ``mu`` far below reset, ``dv`` or ``v_lb``).
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
    stays stable where the EIF drift makes the equation stiff (and takes the limit
    :math:`e^{-x} \to 0` exactly where the drift overflows to +inf). The mean first-passage
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
    (tests/fokker_planck/test_stationary.py). ``cv`` comes from the difference
    :math:`T_2/T_1^2 - 1` of numbers of order 1 and so has an absolute round-off floor of
    ~1e-7 (reached only for nearly periodic firing, e.g. ``mu`` of 1e12 mV).

    *Extremes.* Far below threshold the unit-flux density overflows a double (mean ISI beyond
    ~1e300 ms); the sweep is then repeated in logarithms, the rate underflows to 0 below
    ~1e-300 Hz (as :func:`~snnlib.fokker_planck.siegert.siegert_rate` does), ``cv`` is 1
    (escape over a high barrier is a Poisson process), ``mean_isi`` may be inf, ``flux`` is
    ``rate`` (0) and ``density`` is still the normalised stationary density, i.e. the
    zero-flux (Boltzmann) density below the barrier. No warning is issued. Far above threshold
    (``mu`` of 1e200 mV) the time from reset to threshold vanishes, ``rate`` tends to
    ``1000 / t_ref`` and ``cv`` to 0.

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF(tau_m=10.0, t_ref=2.0, v_th=15.0, v_reset=0.0,
    ...                  e_l=0.0)
    >>> st = snnlib.stationary(lif, 15.0, 0.75 ** 0.5)
    >>> round(st.rate, 6)      # NEST's siegert test value 27.1095934379 Hz
    27.109593
    >>> mass = st.density.sum() * st.dv + st.rate / 1000 * lif.t_ref
    >>> bool(abs(mass - 1) < 1e-3)
    True
    >>> # 45 sigma below threshold
    >>> snnlib.stationary(snnlib.LIF(), -30.0, 1.0).rate
    0.0
    """
    args = check_threshold_args(model, mu, sigma, v_lb, dv)
    rtol = check_positive(rtol, "rtol")
    sol, err, grid = _solve_to_rtol(model, args, rtol)
    if sol is None:
        return _state_log(model, args.mu, args.sigma, grid)
    return _state(model, sol, err)
