r"""Time-dependent Fokker-Planck equation of an integrate-and-fire population.

The density :math:`P(V, t)` (1/mV) of the membrane equation of the book,
:math:`\tau_m dV = (E_L - V + \psi(V) + \mu(t))dt + \sigma(t)\sqrt{2\tau_m}\,dW`,
obeys the Fokker-Planck equation (Risken 1989, ch. 4; Brunel & Hakim 1999, Neural
Comput 11:1621; Richardson 2007, Phys Rev E 76:021919)

.. math::

    \partial_t P = -\partial_V J + r(t - t_\mathrm{ref})\,\delta(V - V_\mathrm{reset}),

    J = \frac{E_L - V + \psi(V) + \mu}{\tau_m} P - \frac{\sigma^2}{\tau_m}\partial_V P,

with an absorbing threshold :math:`P(V_\mathrm{th}) = 0`, a rate equal to the
outflux :math:`r(t) = J(V_\mathrm{th}, t)`, a refractory compartment that holds
the absorbed probability for ``t_ref`` ms before reinjecting it at ``v_reset``,
and a reflecting (zero-flux) lower bound ``v_lb``.

:func:`solve_density` discretises it with conservative finite volumes and
Scharfetter-Gummel (exponentially fitted) fluxes in :math:`V`, and the
L-stable, second-order TR-BDF2 scheme in time; see its Notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._core.validation import (check_array, check_memory, check_positive, check_scalar, check_work, per_item,
                                whole_steps)
from ..models import check_model
from ..units import MS_PER_S
from .grid import (DENSITY_DV, DENSITY_DV_MAX_FRACTION, DENSITY_LB_SIGMAS, aligned_grid, check_diffusion,
                   lower_bound, psi_on_grid)

__all__ = ["solve_density", "DensityEvolution"]

#: Most (time steps x voltage cells) one call may run: at the measured ~2.3e-8 s per cell and
#: step (two tridiagonal solves) about 4 minutes; a longer run is better split into pieces
#: (``p0=previous.density[-1]``) so that it can be watched and resumed.
_MAX_CELL_STEPS = 1e10
#: Most steps of the refractory delay line (t_ref / dt): its ring buffer holds three doubles
#: per step (240 MB at this size) and dt that fine for a refractory period is a typo.
_MAX_DELAY_STEPS = 10_000_000
#: Doubles stored per time step: mu and sigma (input), rate, outflowing mass, refractory and
#: total mass (output).
_DOUBLES_PER_STEP = 6
#: Fewest cells between v_reset and v_th: the reinjection and the threshold boundary layer each
#: take a couple of cells.
_MIN_CELLS_ABOVE_RESET = 10
#: Relative round-off tolerated when counting steps or cells: t_ref / dt = 2.0 / 0.1 =
#: 19.999999999999996 is 20 whole steps (a truly fractional delay is interpolated, see
#: solve_density Notes), and (v_th - v_reset) / dv = 9.9999999999 gives the 10 cells required.
_COUNT_ROUNDING = 1e-9
#: Relative slack above t_max accepted in snapshot_times (t_max = n_steps dt up to round-off).
_SNAPSHOT_SLACK = 1e-12
#: Largest |Peclet number| f dv / D used in a Scharfetter-Gummel flux. Beyond it the flux is
#: pure upwind (B(-Pe) = Pe, B(Pe) = 0 to round-off) and a cell is crossed in dv^2 / (Pe D),
#: < 1e-12 of the diffusion time: the cap changes nothing measurable, but keeps the tridiagonal
#: systems finite where psi overflows to +inf (an EIF with a small delta_t near v_th).
_PE_MAX = 1e12
#: |x| below which the Bernoulli function is its series 1 - x/2, and x above which exp(x)
#: could overflow (709.8) and x exp(-x) is used instead.
_BERNOULLI_SERIES = 1e-8
_BERNOULLI_LARGE = 700.0

# TR-BDF2 constants (Bank et al. 1985; Hosea & Shampine 1996): gamma = 2 - sqrt(2)
# makes both stages use the same implicit factor gamma/2 = (1-gamma)/(2-gamma).
_GAMMA = 2.0 - math.sqrt(2.0)
_BDF_A = 1.0 / (_GAMMA * (2.0 - _GAMMA))                 # weight of the TR stage value
_BDF_B = (1.0 - _GAMMA) ** 2 / (_GAMMA * (2.0 - _GAMMA))  # weight of u_n (a - b = 1)
_BDF_C = (1.0 - _GAMMA) / (2.0 - _GAMMA)                  # implicit factor of the BDF2 stage


@dataclass(frozen=True)
class DensityEvolution:
    """Result of :func:`solve_density`: rate, densities and masses over time (read-only).

    Parameters
    ----------
    t : ndarray, shape (n_steps + 1,)
        Time points (ms), ``t[n] = n * dt``.
    rate : ndarray, shape (n_steps + 1,)
        Instantaneous population rate :math:`r(t_n) = J(V_{th}, t_n)` (Hz).
    rate_step : ndarray, shape (n_steps,)
        Mean rate over step ``[t[n], t[n+1])`` (Hz): the probability that
        crossed the threshold during the step divided by ``dt``. This is the
        quantity a PSTH estimates; see :meth:`binned_rate`.
    v : ndarray, shape (n_v,)
        Cell centres of the voltage grid (mV).
    dv : float
        Grid spacing actually used (mV).
    v_lb : float
        Lower (reflecting) bound of the grid actually used (mV).
    t_snap : ndarray, shape (n_snap,)
        Times of the density snapshots (ms).
    density : ndarray, shape (n_snap, n_v)
        Density :math:`P(V, t)` (1/mV) at ``t_snap`` (cell averages).
    refractory_mass : ndarray, shape (n_steps + 1,)
        Probability of being refractory at ``t`` (dimensionless).
    total_mass : ndarray, shape (n_steps + 1,)
        ``sum(density) * dv + refractory_mass``; equal to 1 up to round-off.

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.solve_density(snnlib.LIF(), 10.0, 4.0, t_max=10.0, dt=0.1)
    >>> t_left, r = res.binned_rate(1.0)
    >>> t_left.size, bool(abs(r[0] - res.rate[0]) < 1e-9)
    (10, True)
    """

    t: np.ndarray
    rate: np.ndarray
    rate_step: np.ndarray
    v: np.ndarray
    dv: float
    v_lb: float
    t_snap: np.ndarray
    density: np.ndarray
    refractory_mass: np.ndarray
    total_mass: np.ndarray

    def __post_init__(self):
        for name in ("t", "rate", "rate_step", "v", "t_snap", "density", "refractory_mass", "total_mass"):
            getattr(self, name).flags.writeable = False

    def binned_rate(self, bin_width: float):
        """Mean rate in consecutive bins of ``bin_width`` ms (Hz), as a PSTH would bin it.

        Parameters
        ----------
        bin_width : float
            Bin width (ms), a whole number of time steps.

        Returns
        -------
        t_left : ndarray
            Left edges of the bins (ms).
        rate : ndarray
            Mean rate in each bin (Hz).
        """
        dt = float(self.t[1] - self.t[0])
        bw = check_positive(bin_width, "bin_width", unit="ms")
        k = whole_steps(bw, dt, "bin_width", raw=(bin_width,))
        n_bins = self.rate_step.size // k
        r = self.rate_step[: n_bins * k].reshape(n_bins, k).mean(axis=1)
        return self.t[: n_bins * k : k].copy(), r


# ---------------------------------------------------------------------------
# jitted kernels
# ---------------------------------------------------------------------------

@njit(cache=True)
def _bernoulli(x):
    """Bernoulli function x / (exp(x) - 1) of a real x (dimensionless), accurate for all x (jitted,
    no checking)."""
    if abs(x) < _BERNOULLI_SERIES:
        return 1.0 - 0.5 * x
    if x > _BERNOULLI_LARGE:
        return x * math.exp(-x)
    return x / math.expm1(x)


@njit(cache=True)
def _sg_coefficients(v_if, psi_if, e_l, tau_m, mu, sigma, dv, lo, hi):
    """Scharfetter-Gummel flux coefficients, J_i = lo[i] P_{i-1} - hi[i] P_i (jitted, no checking).

    ``v_if``/``psi_if`` (mV) hold the N+1 interfaces (psi may be +inf); ``e_l``, ``mu``, ``sigma``,
    ``dv`` in mV, ``tau_m`` in ms; outputs ``lo``, ``hi`` (mV/ms; J in 1/ms for P in 1/mV).
    ``lo[N]`` is the absorbing-threshold coefficient (ghost P = 0 at distance dv/2),
    ``lo[0] = hi[0] = hi[N] = 0`` (reflecting bottom). |Pe| is capped at ``_PE_MAX``.
    """
    n = v_if.size - 1
    d = sigma * sigma / tau_m
    lo[0] = 0.0
    hi[0] = 0.0
    for i in range(1, n):
        f = (e_l - v_if[i] + psi_if[i] + mu) / tau_m
        pe = max(min(f * dv / d, _PE_MAX), -_PE_MAX)
        lo[i] = d / dv * _bernoulli(-pe)
        hi[i] = d / dv * _bernoulli(pe)
    f = (e_l - v_if[n] + psi_if[n] + mu) / tau_m
    pe = max(min(f * 0.5 * dv / d, _PE_MAX), -_PE_MAX)
    lo[n] = 2.0 * d / dv * _bernoulli(-pe)
    hi[n] = 0.0


@njit(cache=True)
def _apply_operator(lo, hi, dv, u, out):
    """out = A u, the finite-volume divergence -(J_{i+1} - J_i)/dv (jitted, no checking).

    ``lo``, ``hi`` (mV/ms) from :func:`_sg_coefficients`, ``dv`` (mV), ``u`` density (1/mV);
    ``out`` (1/(mV ms)).
    """
    n = u.size
    for i in range(n):
        j_in = 0.0
        if i > 0:
            j_in = lo[i] * u[i - 1] - hi[i] * u[i]
        if i + 1 < n:
            j_out = lo[i + 1] * u[i] - hi[i + 1] * u[i + 1]
        else:
            j_out = lo[n] * u[n - 1]
        out[i] = (j_in - j_out) / dv


@njit(cache=True)
def _solve_shifted(lo, hi, dv, alpha, rhs, out, cp, dp, eye=1.0):
    """Thomas algorithm for (eye I - alpha A) out = rhs, A tridiagonal from lo/hi (jitted, no checking).

    ``lo``, ``hi`` (mV/ms), ``dv`` (mV), ``alpha`` (ms; dimensionless 1 when ``eye = 0``), ``rhs``
    and ``out`` densities (1/mV), ``cp``, ``dp`` work arrays. ``eye = 1`` gives an implicit time
    stage; ``eye = 0, alpha = 1`` solves -A out = rhs.
    """
    n = rhs.size
    s = alpha / dv
    for i in range(n):
        a = -s * lo[i] if i > 0 else 0.0                    # sub-diagonal
        b = eye + s * (hi[i] + lo[i + 1])                   # diagonal (hi[0] = 0)
        c = -s * hi[i + 1] if i + 1 < n else 0.0            # super-diagonal
        if i == 0:
            cp[i] = c / b
            dp[i] = rhs[i] / b
        else:
            m = b - a * cp[i - 1]
            cp[i] = c / m
            dp[i] = (rhs[i] - a * dp[i - 1]) / m
    out[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        out[i] = dp[i] - cp[i] * out[i + 1]


@njit(cache=True)
def _implicit_stage(lo, hi, dv, alpha, rhs, inj, implicit_reset, out, z, cp, dp):
    """Solve (I - alpha (A + inj g^T)) out = rhs when ``implicit_reset`` (t_ref < dt; ``inj``
    then carries the weight 1 - t_ref/dt of the current step), else (I - alpha A) out = rhs;
    g^T u = lo[N] u[N-1] is the outflux (Sherman-Morrison; jitted, no checking). Units as
    :func:`_solve_shifted`; ``inj`` (1/mV) is the reinjection profile, ``z`` a work array."""
    n = rhs.size
    _solve_shifted(lo, hi, dv, alpha, rhs, out, cp, dp)
    if implicit_reset:
        _solve_shifted(lo, hi, dv, alpha, inj, z, cp, dp)
        gy = lo[n] * out[n - 1]
        gz = lo[n] * z[n - 1]
        fac = alpha * gy / (1.0 - alpha * gz)
        for i in range(n):
            out[i] += fac * z[i]


@njit(cache=True)
def _td_kernel(v_if, psi_if, e_l, tau_m, dv, mu, sigma, dt, n_ref, theta, inj, u0,
               hist_start, hist_mid, hist_end, refr0, snap_idx,
               rate, out_mass, refr, mass, snaps):
    """TR-BDF2 time loop of the finite-volume Fokker-Planck equation (jitted, no checking).

    Arguments: ``v_if``, ``psi_if`` interfaces and psi there (mV); ``e_l`` (mV), ``tau_m`` (ms),
    ``dv`` cell width (mV); ``mu``, ``sigma`` (mV) per step; ``dt`` (ms); ``n_ref``, ``theta``
    the refractory delay in steps (below); ``inj`` reinjection profile (1/mV, sums to 1/dv);
    ``u0`` initial density (1/mV); ``refr0`` initial refractory mass; ``snap_idx`` sorted step
    indices of the snapshots. Outputs: ``rate`` (1/ms), ``out_mass`` (per step), ``refr``,
    ``mass`` (dimensionless), ``snaps`` (1/mV).

    t_ref = (n_ref + theta) dt with 0 <= theta < 1: the outflux of step j is reinjected with
    weight 1 - theta in step j + n_ref and weight theta in step j + n_ref + 1 (lag 0 is
    implicit). ``hist_*`` (length n_ref + 1) hold the outflux (1/ms) at the start, TR stage and
    end of the last n_ref + 1 steps (circular buffer: step j in slot j % (n_ref + 1)).
    Fills rate (1/ms, n_steps+1), out_mass (per step), refr, mass (n_steps+1), snaps.
    """
    n = u0.size
    n_steps = mu.size
    lo = np.zeros(n + 1)
    hi = np.zeros(n + 1)
    u = u0.copy()
    us = np.empty(n)
    rhs = np.empty(n)
    au = np.empty(n)
    z = np.empty(n)
    cp = np.empty(n)
    dp = np.empty(n)
    alpha = 0.5 * _GAMMA * dt          # implicit factor of both stages (= _BDF_C * dt)
    implicit_reset = n_ref == 0
    m_hist = n_ref + 1
    w_new = 0.0 if n_ref == 0 else 1.0 - theta     # weight of the step n_ref back (explicit)
    w_old = theta                                  # weight of the step n_ref + 1 back
    inj_imp = inj * (1.0 - theta)                  # implicit share of the current step (n_ref = 0)
    w01 = _BDF_A * alpha                # mass weights of the three flux samples of one step
    w2 = _BDF_C * dt
    k_snap = 0
    if k_snap < snap_idx.size and snap_idx[k_snap] == 0:
        while k_snap < snap_idx.size and snap_idx[k_snap] == 0:
            snaps[k_snap, :] = u
            k_snap += 1
    refr[0] = refr0
    total = 0.0
    for i in range(n):
        total += u[i]
    mass[0] = total * dv + refr0
    _sg_coefficients(v_if, psi_if, e_l, tau_m, mu[0], sigma[0], dv, lo, hi)
    rate[0] = lo[n] * u[n - 1]
    for step in range(n_steps):
        if step > 0 and (mu[step] != mu[step - 1] or sigma[step] != sigma[step - 1]):
            _sg_coefficients(v_if, psi_if, e_l, tau_m, mu[step], sigma[step], dv, lo, hi)
        r0 = lo[n] * u[n - 1]
        # delayed source: the three flux samples of the steps n_ref and n_ref + 1 back, weighted
        slot_old = step % m_hist                 # step - n_ref - 1
        slot_new = (step + 1) % m_hist           # step - n_ref (n_ref >= 1)
        s0 = w_old * hist_start[slot_old] + w_new * hist_start[slot_new]
        s1 = w_old * hist_mid[slot_old] + w_new * hist_mid[slot_new]
        s2 = w_old * hist_end[slot_old] + w_new * hist_end[slot_new]
        w_in = w01 * (s0 + s1) + w2 * s2
        if implicit_reset:
            s0 += (1.0 - theta) * r0             # TR stage: start value explicit, the rest implicit
        # stage 1: trapezoidal rule over gamma*dt
        _apply_operator(lo, hi, dv, u, au)
        for i in range(n):
            rhs[i] = u[i] + alpha * au[i] + alpha * (s0 + s1) * inj[i]
        _implicit_stage(lo, hi, dv, alpha, rhs, inj_imp, implicit_reset, us, z, cp, dp)
        r1 = lo[n] * us[n - 1]
        # stage 2: BDF2 from u_n, u_* to t_{n+1}
        for i in range(n):
            rhs[i] = _BDF_A * us[i] - _BDF_B * u[i] + w2 * s2 * inj[i]
        _implicit_stage(lo, hi, dv, alpha, rhs, inj_imp, implicit_reset, u, z, cp, dp)
        r2 = lo[n] * u[n - 1]
        w_out = w01 * (r0 + r1) + w2 * r2
        if implicit_reset:
            w_in += (1.0 - theta) * w_out
        hist_start[slot_old] = r0                # step - n_ref - 1 is no longer needed
        hist_mid[slot_old] = r1
        hist_end[slot_old] = r2
        out_mass[step] = w_out
        refr[step + 1] = refr[step] + w_out - w_in
        total = 0.0
        for i in range(n):
            total += u[i]
        mass[step + 1] = total * dv + refr[step + 1]
        rate[step + 1] = r2
        while k_snap < snap_idx.size and snap_idx[k_snap] == step + 1:
            snaps[k_snap, :] = u
            k_snap += 1


@njit(cache=True)
def _stationary_discrete(lo, hi, dv, inj, out, cp, dp):
    """Null vector of A + inj g^T with unit outflux g^T u = 1 (jitted, no checking).

    ``lo``, ``hi`` (mV/ms), ``dv`` (mV), ``inj`` (1/mV); ``out`` (ms/mV), ``cp``, ``dp`` work arrays.

    A alone is non-singular (absorbing threshold), so u = -A^{-1} inj, one Thomas sweep on -A;
    mass conservation of the scheme then gives the outflux g^T u = 1 up to round-off.
    """
    _solve_shifted(lo, hi, dv, 1.0, inj, out, cp, dp, 0.0)


# ---------------------------------------------------------------------------
# grid and public function
# ---------------------------------------------------------------------------

def _split_delay(t_ref, dt):
    """t_ref = (n_ref + theta) dt with integer n_ref >= 0 and 0 <= theta < 1 (theta snapped to 0
    when t_ref is a whole number of steps up to round-off, e.g. 2.0 / 0.1 = 19.999...)."""
    x = t_ref / dt
    n_ref = int(round(x))
    if abs(x - n_ref) <= _COUNT_ROUNDING * max(x, 1.0):
        return n_ref, 0.0
    n_ref = int(math.floor(x))
    return n_ref, x - n_ref


def _time_grid(model, t_max, dt):
    """Checked (t_max, dt, n_steps, n_ref, theta); times in ms. dt is returned as t_max / n_steps,
    the step that fits t_max exactly (a float32 0.1 is 0.1 only to 1.5e-8)."""
    t_max_raw, dt_raw = t_max, dt
    dt = check_positive(dt, "dt", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    n_steps = whole_steps(t_max, dt, "t_max", raw=(t_max_raw, dt_raw))
    check_memory(_DOUBLES_PER_STEP * 8.0 * (n_steps + 1), f"dt={dt:g} ms (t_max / dt = {n_steps:.3g} steps)",
                 what="the per-step input and output arrays", hint="use a larger dt or a shorter t_max")
    if model.t_ref / dt > _MAX_DELAY_STEPS:
        raise ValueError(f"dt={dt:g} ms is too small for t_ref={model.t_ref:g} ms: the refractory delay line "
                         f"would hold t_ref / dt = {model.t_ref / dt:.3g} steps, at most {_MAX_DELAY_STEPS:.0e}; "
                         f"use dt >= {model.t_ref / _MAX_DELAY_STEPS:.3g} ms")
    dt = t_max / n_steps
    n_ref, theta = _split_delay(model.t_ref, dt)
    return t_max, dt, n_steps, n_ref, theta


def _per_step(value, name, n_steps, *, positive):
    """A scalar (float) or a checked float array of length n_steps (mV); a scalar is expanded to the
    per-step array only after the resource guard, so that an absurd t_max allocates nothing."""
    low = 0.0 if positive else None
    if np.ndim(value) == 0:
        return check_scalar(value, name, low=low, low_inclusive=False, unit="mV")
    return per_item(value, name, n_steps, n_name="t_max / dt", low=low, low_inclusive=False, unit="mV")


def _default_dv(model, sigma_low):
    """Default cell width (mV) and what set it: ``snnlib.fokker_planck.grid.DENSITY_DV``, or less
    to resolve the smallest sigma or to put the fewest cells between v_reset and v_th."""
    dv, cause = DENSITY_DV, "dv"
    if DENSITY_DV_MAX_FRACTION * sigma_low < dv:
        dv, cause = DENSITY_DV_MAX_FRACTION * sigma_low, "sigma"
    if (model.v_th - model.v_reset) / _MIN_CELLS_ABOVE_RESET < dv:
        dv, cause = (model.v_th - model.v_reset) / _MIN_CELLS_ABOVE_RESET, "v_th - v_reset"
    return dv, cause


def _check_dv(model, dv, sigma_low):
    """A cell width (mV) the caller chose: > 0, resolving the smallest sigma, enough cells above reset."""
    dv = check_positive(dv, "dv", unit="mV")
    if dv > DENSITY_DV_MAX_FRACTION * sigma_low:
        raise ValueError(f"dv must be <= min(sigma)/2 = {DENSITY_DV_MAX_FRACTION * sigma_low:g} mV to resolve the "
                         f"density (grid too coarse), got dv={dv:g} mV")
    span = model.v_th - model.v_reset
    if span / dv < _MIN_CELLS_ABOVE_RESET - _COUNT_ROUNDING:
        raise ValueError(f"dv must be <= (v_th - v_reset) / {_MIN_CELLS_ABOVE_RESET} = "
                         f"{span / _MIN_CELLS_ABOVE_RESET:g} mV to give at least {_MIN_CELLS_ABOVE_RESET} cells "
                         f"between v_reset and v_th (grid too coarse), got dv={dv:g} mV")
    return dv


def _voltage_grid(model, mu_a, sigma_a, v_lb, dv):
    """Checked finite-volume grid: interfaces (mV) with v_reset at index i_reset, cell width (mV),
    i_reset, and psi at the interfaces (mV; +inf allowed where it overflows). ``mu_a``, ``sigma_a``
    (mV) are scalars or per-step arrays."""
    mu_low, sigma_low, sigma_high = float(np.min(mu_a)), float(np.min(sigma_a)), float(np.max(sigma_a))
    if dv is None:
        dv, dv_cause = _default_dv(model, sigma_low)
    else:
        dv, dv_cause = _check_dv(model, dv, sigma_low), None
    v_lb = lower_bound(model, v_lb, dv, mu_low=mu_low, sigma_low=sigma_low, sigma_high=sigma_high,
                       n_sigmas=DENSITY_LB_SIGMAS, dv_cause=dv_cause, what="cells")
    check_diffusion(sigma_low, model.tau_m)
    check_diffusion(sigma_high, model.tau_m)
    grid = aligned_grid(model, v_lb, dv)
    v_if = grid.points(model)
    return v_if, grid.h, grid.n_below, psi_on_grid(model, v_if)


def _initial_state(model, p0, v_if, psi_if, h, i_reset, mu0, sigma0, inj, n_ref):
    """Initial density u0 (1/mV), delay-line history (3, n_ref + 1) of outflux (1/ms) and refractory mass."""
    n = v_if.size - 1
    hist = np.zeros((3, n_ref + 1))
    if p0 is None or (isinstance(p0, str) and p0 == "stationary"):
        lo, hi = np.zeros(n + 1), np.zeros(n + 1)
        _sg_coefficients(v_if, psi_if, model.e_l, model.tau_m, mu0, sigma0, h, lo, hi)
        u0 = np.empty(n)
        _stationary_discrete(lo, hi, h, inj, u0, np.empty(n), np.empty(n))
        mass = u0.sum() * h
        if not (np.all(np.isfinite(u0)) and math.isfinite(mass)):
            raise ValueError(f"p0='stationary': at mu={mu0:g} mV, sigma={sigma0:g} mV the stationary rate is too "
                             "small (below ~1e-300 Hz) for the discrete stationary density to be formed; pass p0 "
                             "as a voltage or a density instead (e.g. from snnlib.stationary)")
        r0 = 1.0 / (mass + model.t_ref)        # u0 has unit outflux; normalise mass + refractory
        hist[:] = r0
        return u0 * r0, hist, r0 * model.t_ref  # (n_ref + theta) dt of outflux still held
    if isinstance(p0, str):
        raise ValueError(f"p0 must be None, 'stationary', a voltage, an array or a callable, got {p0!r}")
    if np.ndim(p0) == 0 and not callable(p0):
        v0 = check_scalar(p0, "p0", low=float(v_if[0]), high=model.v_th, high_inclusive=False, unit="mV")
        u0 = np.zeros(n)
        u0[min(int((v0 - v_if[0]) / h), n - 1)] = 1.0 / h
        return u0, hist, 0.0
    raw = p0(0.5 * (v_if[:-1] + v_if[1:])) if callable(p0) else p0
    u0 = check_array(raw, "p0", ndim=1, shape=(n,), low=0.0)
    total = u0.sum() * h
    if not total > 0.0:
        raise ValueError("p0 must have positive total mass on the grid")
    return u0 / total, hist, 0.0


def _snapshot_steps(snapshot_times, t_max, dt, n_steps):
    """Sorted step indices of the snapshots (nearest step to each time, ms)."""
    if snapshot_times is None:
        return np.array([0, n_steps], dtype=np.int64)
    ts = check_array(snapshot_times, "snapshot_times", ndim=1, low=0.0, high=t_max * (1 + _SNAPSHOT_SLACK),
                     unit="ms")
    return np.sort(np.rint(ts / dt).astype(np.int64))


def solve_density(model, mu, sigma, *, t_max, dt, v_lb=None, dv=None, p0=None,
                  snapshot_times=None):
    r"""Evolve the Fokker-Planck density of an IF population with input mu(t), sigma(t).

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV).
    mu : float or array_like, shape (n_steps,)
        Mean input (mV); an array gives the input during each step
        ``[n dt, (n+1) dt)`` (piecewise constant, as in a Monte Carlo run).
    sigma : float or array_like, shape (n_steps,)
        Noise amplitude (mV), > 0: the standard deviation of the free membrane
        potential (Brunel 2000 and NEST use :math:`\sigma_B = \sqrt{2}\,\sigma`).
    t_max : float
        Duration (ms), a whole number of steps ``dt`` (to 1e-9 relative, or to the precision
        of a float32 ``dt``); ``n_steps = t_max / dt``.
    dt : float
        Time step (ms), > 0; used as ``t_max / n_steps``. ``model.t_ref`` need not be a
        multiple of it (see Notes), but ``t_ref / dt`` is at most 1e7. At most 1e10 time
        steps x voltage cells per call (about 4 minutes); the error names ``dt`` beyond.
    v_lb : float, optional
        Reflecting lower bound (mV), < ``v_reset``. Default: six ``max(sigma)``
        below ``min(v_reset, e_l + min(mu))``
        (``snnlib.fokker_planck.grid.DENSITY_LB_SIGMAS``; the Gaussian tail cut off,
        ~1e-9, is far below the scheme's ~1e-4 error, whereas
        :func:`~snnlib.fokker_planck.stationary.stationary`, the 1e-9-accurate reference,
        cuts at 10 sigma). It is rounded down onto the grid.
    dv : float, optional
        Requested voltage step (mV), <= ``min(sigma) / 2`` and giving at least 10 cells
        between ``v_reset`` and ``v_th`` and at most 2e6 cells on ``[v_lb, v_th]`` (an
        error names the input that asks for more: a tiny or huge ``sigma``, ``mu`` far
        below reset, ``dv`` or ``v_lb``); the step used is the largest one <= ``dv``
        that puts ``v_reset`` on a cell interface. Default: 0.05 mV
        (``snnlib.fokker_planck.grid.DENSITY_DV``), or less where ``min(sigma) / 2``
        or ``(v_th - v_reset) / 10`` is smaller.
    p0 : None, 'stationary', float, array_like or callable
        Initial state. ``None`` or ``'stationary'``: the stationary state of the
        discrete equation for ``mu[0], sigma[0]`` (including the refractory
        compartment, which then holds ``r0 * t_ref``). A float: all neurons at
        that voltage (mV) in ``[v_lb, v_th)``, none refractory. An array of
        length ``n_v`` (a density on the grid, e.g. a previous result's
        ``density[-1]``) or a callable ``p0(v)``: non-negative, normalised to 1.
    snapshot_times : array_like, optional
        Times (ms) in ``[0, t_max]`` at which to store the density (rounded to
        the nearest step). Default ``[0, t_max]``.

    Returns
    -------
    DensityEvolution
        Frozen result: ``t`` (ms), ``rate`` (Hz, instantaneous), ``rate_step``
        (Hz, mean per step), ``v`` (mV), ``density`` (1/mV) at ``t_snap`` (ms),
        ``refractory_mass`` and ``total_mass``.

    Notes
    -----
    Finite volumes: cells of width :math:`h` on ``[v_lb, v_th]``, unknowns the
    cell averages :math:`P_i`, :math:`\dot P_i = -(J_{i+1/2} - J_{i-1/2})/h`.
    The interface flux is that of Scharfetter & Gummel (1969, IEEE Trans
    Electron Devices 16:64), exact
    for a constant drift :math:`f` across the cell,

    .. math::

        J_{i-1/2} = \frac{D}{h}\left[B(-\mathrm{Pe})\,P_{i-1} - B(\mathrm{Pe})\,P_i\right],
        \quad \mathrm{Pe} = \frac{f h}{D}, \quad B(x) = \frac{x}{e^x - 1},

    with :math:`D = \sigma^2/\tau_m` and :math:`f` the drift at the interface. It
    stays positive and accurate from diffusion- to drift-dominated cells (the EIF
    upswing), as used for population densities by Augustin et al. (2017,
    PLoS Comput Biol 13:e1005545, Methods and S1 Text). The threshold flux uses the
    ghost value :math:`P(v_{th}) = 0` at distance :math:`h/2`; the rate is this
    outflux. Where the drift is so strong that :math:`|\mathrm{Pe}| > 10^{12}` (including
    :math:`\psi = +\infty`, where an EIF with a small ``delta_t`` overflows a double near
    ``v_th``) the flux is pure upwind and the cell is crossed in a negligible time, so
    :math:`\mathrm{Pe}` is capped there. The lower boundary has zero flux. The outflux of each step is held
    for ``t_ref`` ms (a delay line) and then reinjected half into each cell
    adjoining ``v_reset``.

    *Refractory delay.* Write :math:`t_\mathrm{ref} = (n + \theta)\,\Delta t` with an
    integer :math:`n \ge 0` and :math:`0 \le \theta < 1`. The outflux of step
    :math:`j` is reinjected with weight :math:`1 - \theta` during step :math:`j + n` and
    with weight :math:`\theta` during step :math:`j + n + 1`, i.e. the delayed rate
    :math:`r(t - t_\mathrm{ref})` is interpolated linearly between the two neighbouring
    whole-step delays. Each step's outflux is reinjected in full (weights sum to 1), so
    total probability stays conserved to round-off, and the delay kernel has the exact
    mean :math:`t_\mathrm{ref}` and variance :math:`\theta(1-\theta)\Delta t^2`: the
    interpolation error is :math:`\theta(1-\theta)\Delta t^2 r''/2`, second order like
    the time stepping, and the solution depends continuously (between whole steps,
    within one refractory cycle, affinely) on ``t_ref``. A share of the current step
    (:math:`n = 0`, weight :math:`1 - \theta`; all of it when ``t_ref = 0``) is
    reinjected implicitly, a rank-one update of the tridiagonal system solved by
    Sherman-Morrison.

    Time stepping is TR-BDF2 (Bank et al. 1985, IEEE Trans CAD 4:436; Hosea &
    Shampine 1996, Appl Numer Math 20:21),
    L-stable and second order, two tridiagonal solves per step. The delayed
    source uses the outflux samples (start, TR stage, end) of the steps
    :math:`n` and :math:`n + 1` earlier with the same quadrature weights, so
    density plus refractory mass is conserved to round-off. The rate error is
    :math:`O(\Delta t^2)` (also for a ``t_ref`` that is not a whole number of steps)
    and, for the LIF, :math:`O(h^2)` (for the EIF the observed order is 1.6-1.9 at
    h = 0.1-0.025 mV, rising towards 2 as the exponential upswing is resolved); at the
    default ``dv = 0.05`` mV the stationary rate is within 1e-4 (relative) of threshold
    integration and the stationary density within 2.5e-4 of its peak
    (tests/fokker_planck/test_time_dependent.py). An EIF with a ``delta_t`` well below
    ``dv`` is not resolved but stays stable and second order: at ``delta_t = 0.02`` mV the
    rate error is 2e-3 at ``dv = 0.05`` mV and 5e-4 at 0.025 mV
    (tests/fokker_planck/test_extremes.py).

    Examples
    --------
    >>> import snnlib
    >>> res = snnlib.solve_density(snnlib.LIF(), 10.0, 4.0, t_max=20.0, dt=0.1)
    >>> bool(abs(res.total_mass[-1] - 1.0) < 1e-10)
    True
    >>> res.rate.shape, res.density.shape[0]
    ((201,), 2)

    A refractory period of 2.05 ms is 20.5 steps of 0.1 ms; the refractory
    compartment of the stationary start then holds rate x t_ref:

    >>> res = snnlib.solve_density(snnlib.LIF(t_ref=2.05), 15.0, 3.0,
    ...                            t_max=5.0, dt=0.1)
    >>> bool(abs(res.refractory_mass[-1] - res.rate[-1] / 1000 * 2.05) < 1e-12)
    True
    """
    check_model(model, "model")
    t_max, dt, n_steps, n_ref, theta = _time_grid(model, t_max, dt)
    mu_a = _per_step(mu, "mu", n_steps, positive=False)
    sigma_a = _per_step(sigma, "sigma", n_steps, positive=True)
    v_if, h, i_reset, psi_if = _voltage_grid(model, mu_a, sigma_a, v_lb, dv)
    n = v_if.size - 1
    check_work(float(n_steps) * n, f"dt={dt:g} ms (t_max / dt = {n_steps:.3g} steps)",
               what=f"time steps x voltage cells ({n} cells of {h:.3g} mV)", limit=_MAX_CELL_STEPS,
               hint="use a larger dt or dv, or split t_max into runs that continue with p0=previous.density[-1]")
    mu_a = np.full(n_steps, mu_a) if np.ndim(mu_a) == 0 else mu_a
    sigma_a = np.full(n_steps, sigma_a) if np.ndim(sigma_a) == 0 else sigma_a
    inj = np.zeros(n)
    inj[i_reset - 1] = 0.5 / h
    inj[i_reset] = 0.5 / h
    u0, hist, refr0 = _initial_state(model, p0, v_if, psi_if, h, i_reset, mu_a[0], sigma_a[0], inj, n_ref)
    snap_idx = _snapshot_steps(snapshot_times, t_max, dt, n_steps)
    rate = np.empty(n_steps + 1)
    out_mass = np.empty(n_steps)
    refr = np.empty(n_steps + 1)
    mass = np.empty(n_steps + 1)
    snaps = np.empty((snap_idx.size, n))
    _td_kernel(v_if, psi_if, float(model.e_l), float(model.tau_m), h, mu_a, sigma_a, dt, n_ref, theta, inj,
               np.ascontiguousarray(u0), hist[0].copy(), hist[1].copy(), hist[2].copy(), refr0, snap_idx,
               rate, out_mass, refr, mass, snaps)
    return DensityEvolution(
        t=dt * np.arange(n_steps + 1), rate=rate * MS_PER_S,
        rate_step=out_mass / dt * MS_PER_S, v=0.5 * (v_if[:-1] + v_if[1:]), dv=h, v_lb=float(v_if[0]),
        t_snap=snap_idx * dt, density=snaps, refractory_mass=refr, total_mass=mass)
