r"""Linear response of an integrate-and-fire neuron by threshold integration.

Two frequency-domain quantities of the stationary state of the Fokker-Planck
equation (see :mod:`snnlib.fokker_planck.stationary`):

* the *susceptibility* :math:`\chi(f)` (Hz/mV): if the mean input is modulated,
  :math:`\mu(t) = \mu + \varepsilon\cos(2\pi f t)`, the rate follows
  :math:`r(t) = r_0 + \varepsilon|\chi(f)|\cos(2\pi f t + \arg\chi(f)) + O(\varepsilon^2)`;
* the *power spectrum* :math:`S(f)` (Hz) of the unperturbed spike train
  :math:`x(t) = \sum_k \delta(t - t_k)`, two-sided, with :math:`S(f) \to r_0` at high
  frequency (Poisson-like at short time scales) and :math:`S(0) = r_0\,CV^2`.

Both follow from Richardson's threshold integration of the linearised
Fokker-Planck equation in the frequency domain (Richardson 2007, Phys Rev E
76:021919, sec. IV; Richardson 2008, Biol Cybern 99:381, sec. 2.2-2.4).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

from .._core.validation import check_array, check_choice, check_memory
from ..units import MS_PER_S
from .grid import aligned_grid, check_threshold_args, midpoint_drift, phi1, phi2, romberg, threshold_integrate
from .stationary import stationary

__all__ = ["susceptibility", "spike_spectrum"]

#: Largest h * sqrt(omega / D) allowed on the coarsest of the three extrapolation grids;
#: the modes of the linearised equation vary on the length sqrt(D / omega) (mV).
_KAPPA = 1.0
#: Most halvings of the coarsest grid step for the highest frequency (h sqrt(omega / D) <= kappa
#: 2^14 beforehand): with the extrapolation's two more, the finest grid is 2^16 times finer, about
#: 3e7 points for the default LIF grid (0.25 GB per array), the most a call should use.
_MAX_REFINEMENTS = 14
#: Rescaling threshold of the (growing) homogeneous solutions; the answer is a ratio.
_BIG = 1e150
#: |z| = omega t_ref below which (1 - e^z)/(i omega) is its three-term series (relative error
#: |z|^3 / 24 < 5e-14), where the closed form would cancel.
_SERIES_Z = 1e-4
#: Smallest mean first-passage time T1 (ms) the kernel takes: products of two unit-flux densities,
#: ~T1^2, must stay normal doubles (> 2e-308); below it the rate is saturated (t_ref > 0, chi ~ 0).
_MIN_T1 = 1e-140
#: Smallest ISI CV for which spike_spectrum answers: the peaks of S at the harmonics of the rate
#: have 1 - |F| ~ 2 pi^2 CV^2, computed to ~1e-16, and S(0) = r CV^2 with CV^2 from a difference
#: of O(1) numbers: both then good to ~1e-5 (measured against the Gaussian-jitter peaks).
_MIN_CV = 1e-5
#: Results kept by the response cache: a caller who asks for chi and then S at the same point
#: (or redraws a figure) pays for one solve.
_CACHE_SIZE = 16
#: Doubles allocated per point of a refined grid (drift, density, step coefficients), for the memory guard.
_DOUBLES_PER_POINT = 12


# ---------------------------------------------------------------------------
# jitted kernel
# ---------------------------------------------------------------------------

@njit(cache=True)
def _lr_kernel(omegas, t_ref, tau_m, expx, c_p, c_j, c_m, pbar, i_reset, out_ma, out_qr, out_me, out_g):
    """Threshold integration of the linearised FP equation, one grid (jitted, no checking).

    Arguments: ``omegas`` angular frequencies (rad/ms); ``t_ref``, ``tau_m`` (ms); per step k of
    the grid (from v_lb up), ``expx`` = exp(-x) (dimensionless), ``c_p`` = h phi1(x)/D (ms/mV^2),
    ``c_j`` = h^2 phi2(x)/D (ms/mV), ``c_m`` = h phi1(x) (mV), ``pbar`` the step average of the
    unit-flux stationary density (ms/mV), with x = f h/D; ``i_reset`` the index of v_reset.
    Outputs per frequency (units of the unit-flux problem): ``out_ma`` M_a(v_lb), ``out_qr`` Q_r,
    ``out_me`` M_e(v_lb) (complex) and ``out_g`` the accumulated rescaling factor g.

    For each angular frequency w (rad/ms) three solutions (P, M) of
        P' = (f P - J + S) / D,   J = g J0 + i w M,   M(v) = int_v^{v_th} P
    are integrated from v_th (P = M = 0) down to v_lb. Each step of width h solves the
    P equation exactly with f, S and J frozen (expx = exp(-x), c_p = h phi1(x)/D,
    x = f h/D at the step midpoint), adds the exact step integral of P to M
    (c_m = h phi1(x), c_j = h^2 phi2(x)/D), and takes J at the mean of the M values at
    both ends of the step (implicit midpoint, solved in closed form), which makes the
    step symmetric (error even in h) and exact across the stiff EIF boundary layer.
      a: J0 = 1 everywhere, S = 0              (unit flux out of threshold)
      r: J0 = 1 above reset, 1 - e^{-i w t_ref} below, S = 0   (plus reinjection)
      e: J0 = 0, S = pbar / tau_m              (drive by a unit modulation of mu)
    (Richardson 2007, eqs. 29-33; Richardson 2008, eqs. 11-16.) ``pbar`` is the step
    average of the unit-flux stationary density. The states are rescaled by g when they
    grow large; writes M_a(v_lb), Q_r = g (1 - e^{-i w t_ref})/(i w) + M_r, M_e(v_lb), g.
    """
    n = expx.size
    for iw in range(omegas.size):
        w = omegas[iw]
        iw_c = 1j * w
        z = -iw_c * t_ref
        if abs(z) < _SERIES_Z:     # (1 - e^{z})/(i w) with z = -i w t_ref, by series
            one_m_c_over_iw = t_ref * (1.0 + z / 2.0 + z * z / 6.0)
        else:
            one_m_c_over_iw = (1.0 - np.exp(z)) / iw_c
        one_m_c = iw_c * one_m_c_over_iw
        g = 1.0
        pa = 0j
        ma = 0j
        pr = 0j
        mr = 0j
        pe = 0j
        me = 0j
        j0r = 1.0 + 0j
        half = 0.5 * iw_c
        for k in range(n, 0, -1):
            e = expx[k - 1]
            cp = c_p[k - 1]
            cj = c_j[k - 1]
            cm = c_m[k - 1]
            s = g * pbar[k - 1] / tau_m
            inv = 1.0 / (1.0 - half * cj)
            # J* = J0 + i w (M + dM/2), dM = P c_m + (J* - S) c_j
            ja = (g + iw_c * ma + half * (pa * cm)) * inv
            jr = (g * j0r + iw_c * mr + half * (pr * cm)) * inv
            je = (iw_c * me + half * (pe * cm - s * cj)) * inv
            ma += pa * cm + ja * cj
            mr += pr * cm + jr * cj
            me += pe * cm + (je - s) * cj
            pa = pa * e + ja * cp
            pr = pr * e + jr * cp
            pe = pe * e + (je - s) * cp
            if k - 1 == i_reset:
                j0r = one_m_c
            if abs(pa.real) + abs(pa.imag) + abs(pr.real) + abs(pr.imag) > _BIG:
                pa /= _BIG
                ma /= _BIG
                pr /= _BIG
                mr /= _BIG
                pe /= _BIG
                me /= _BIG
                g /= _BIG
        out_ma[iw] = ma
        out_qr[iw] = g * one_m_c_over_iw + mr
        out_me[iw] = me
        out_g[iw] = g


@njit(cache=True)
def _step_coefficients(f_mid, h, d, expx, c_p, c_j, c_m):
    """Coefficients of the exponential step for :func:`_lr_kernel` (jitted, no checking): with
    x = f_mid h / d (f_mid mV/ms, h mV, d mV^2/ms), expx = exp(-x), c_p = h phi1(x)/d (ms/mV^2),
    c_j = h^2 phi2(x)/d (ms/mV), c_m = h phi1(x) (mV)."""
    for k in range(f_mid.size):
        x = f_mid[k] * h / d
        a1 = phi1(x)
        expx[k] = math.exp(-x)
        c_p[k] = a1 * h / d
        c_j[k] = phi2(x) * h * h / d
        c_m[k] = a1 * h


# ---------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------

def _check_freqs(freqs):
    """Frequencies (Hz) as a float array of the caller's shape (0-d for a scalar)."""
    shape = np.shape(freqs)
    return check_array(freqs, "freqs", low=0.0, unit="Hz").reshape(shape)


def _response(model, mu, sigma, freqs, v_lb, dv, channel="mu"):
    """chi (Hz/mV, or Hz/mV^2 for the variance channel) and S (Hz) at freqs (Hz) as fresh arrays
    the caller may change, and the ISI CV."""
    args = check_threshold_args(model, mu, sigma, v_lb, dv)
    f = _check_freqs(freqs)
    try:
        hash(model)
    except TypeError:                    # an IFModel whose psi_func cannot be hashed: no caching
        return _compute_response(model, args.mu, args.sigma, f, args.v_lb, args.dv, channel)
    chi, spec, cv = _cached_response(model, args.mu, args.sigma, args.v_lb, args.dv, f.tobytes(), f.shape,
                                     channel)
    return chi.copy(), spec.copy(), cv


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _cached_response(model, mu, sigma, v_lb, dv, f_bytes, shape, channel="mu"):
    """chi (Hz/mV), S (Hz) as read-only arrays, and the ISI CV.

    A pure function of hashable, checked arguments (the models are frozen, an IFModel's
    ``psi_func`` is taken to be a pure function; the frequencies come as the bytes of a float64
    array), so that the thread-safe ``lru_cache`` can keep both results for a caller who asks
    for chi and then S at the same point. Callers get copies.
    """
    chi, spec, cv = _compute_response(model, mu, sigma, np.frombuffer(f_bytes, dtype=float).reshape(shape),
                                      v_lb, dv, channel)
    chi.flags.writeable = False
    spec.flags.writeable = False
    return chi, spec, cv


def _base_levels(omegas, h0, d, sigma):
    """Refinement of the coarsest extrapolation grid per frequency, h sqrt(omega / D) <= kappa."""
    need = h0 * np.sqrt(omegas / d) / _KAPPA
    lev0 = np.where(need > 1.0, np.ceil(np.log2(np.maximum(need, 1.0))), 0).astype(int)
    if lev0.max(initial=0) > _MAX_REFINEMENTS:
        # lev0 <= _MAX_REFINEMENTS  <=>  h0 sqrt(omega / D) <= 2^_MAX_REFINEMENTS kappa
        f_max = d * (2.0 ** _MAX_REFINEMENTS * _KAPPA / h0) ** 2 * MS_PER_S / (2.0 * np.pi)
        raise ValueError(f"freqs must be <= {f_max:.3g} Hz for this grid (dv={h0:g} mV, sigma={sigma:g} mV; "
                         f"got max {omegas.max() * MS_PER_S / (2.0 * np.pi):g} Hz): the grid would need over "
                         f"2^{_MAX_REFINEMENTS + 2} refinements")
    return lev0


class _Levels:
    """Step coefficients and unit-flux stationary solution on the grid refined 2^lev-fold, computed
    once per call (a frequency band and its two finer extrapolation grids share them)."""

    def __init__(self, model, mu, d, grid, channel="mu"):
        self.model, self.mu, self.d, self.grid, self.channel = model, mu, d, grid, channel
        self._cache = {}

    def get(self, lev):
        """(i_reset, expx, c_p, c_j, c_m, source, t1, t2_over_t1) on level ``lev`` (see
        ``snnlib.fokker_planck.grid.threshold_integrate``), or None if the unit-flux density
        overflows there (stationary rate below ~1e-300 Hz)."""
        if lev not in self._cache:
            self._cache[lev] = self._compute(lev)
        return self._cache[lev]

    def _compute(self, lev):
        grid, m = self.grid, 2 ** lev
        check_memory(_DOUBLES_PER_POINT * 8.0 * m * (grid.n_below + grid.n_above + 1), "freqs",
                     what=f"the voltage grid refined 2^{lev}-fold for the highest frequency",
                     hint="use lower freqs or a larger dv")
        h = grid.h / m
        v = grid.points(self.model, m)
        f_mid = midpoint_drift(self.model, self.mu, v, h)
        p, pbar, out = np.empty(v.size), np.empty(v.size - 1), np.empty(4)
        threshold_integrate(f_mid, h, grid.n_below * m, self.d, p, pbar, out)
        if not (math.isfinite(out[0]) and np.all(np.isfinite(pbar))):
            return None
        coef = [np.empty(f_mid.size) for _ in range(4)]
        _step_coefficients(f_mid, h, self.d, *coef)
        # source of the linearised equation per step (the kernel's S times tau_m): the step average
        # of P0 for a modulated mean, of -dP0/dV for a modulated variance (exact on the grid)
        src = pbar if self.channel == "mu" else -(p[1:] - p[:-1]) / h
        return (grid.n_below * m, *coef, np.ascontiguousarray(src), out[0], out[1])


def _level_response(model, w, level):
    """chi (1/(ms mV)) and S (1/ms) at angular frequencies w (rad/ms) on one grid level."""
    i_reset, expx, c_p, c_j, c_m, pbar, t1, _ = level
    r0 = 1.0 / (model.t_ref + t1)                                     # 1/ms
    ma, qr, me = (np.empty(w.size, dtype=complex) for _ in range(3))
    g = np.empty(w.size)
    _lr_kernel(w, model.t_ref, model.tau_m, expx, c_p, c_j, c_m, pbar, i_reset, ma, qr, me, g)
    # 1 - F = J_r / J_a and 1 + F = 2 - J_r/J_a with J_a = g + i w M_a, J_r = i w Q_r
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (g + 1j * w * ma) / (1j * w * qr)
    return -r0 * me / qr, np.where(w > 0.0, r0 * (2.0 * ratio.real - 1.0), 0.0)   # f = 0: see caller


def _romberg_over_levels(model, omegas, lev0, levels):
    """chi (1/(ms mV)) and S (1/ms) at omegas (rad/ms), Romberg-extrapolated over each frequency's
    three grids, or None if the unit-flux density overflows on one of them."""
    chi_lev = np.empty((3, omegas.size), dtype=complex)
    s_lev = np.empty((3, omegas.size))
    for base in np.unique(lev0):
        idx = np.nonzero(lev0 == base)[0]
        w = np.ascontiguousarray(omegas[idx])
        for j in range(3):
            level = levels.get(int(base) + j)
            if level is None:
                return None
            chi_lev[j, idx], s_lev[j, idx] = _level_response(model, w, level)
    return romberg(chi_lev)[0], romberg(s_lev)[0]


def _compute_response(model, mu, sigma, f, v_lb, dv, channel="mu"):
    """chi (Hz/mV), S (Hz) at f (Hz) and the ISI CV, by threshold integration over 3 grids (checked input).

    Frequencies are grouped by the refinement they need (:func:`_base_levels`). Where the stationary
    rate underflows (the unit-flux density overflows: below ~1e-300 Hz) chi and S are 0, their
    limits; where the mean first-passage time T1 is below ``_MIN_T1`` they would underflow inside
    the kernel: with t_ref > 0 they are then 0 to double precision, with t_ref = 0 they are refused.
    """
    shape, f = f.shape, f.ravel()
    grid = aligned_grid(model, v_lb, dv)
    d = sigma * sigma / model.tau_m
    omegas = 2.0 * np.pi * f / MS_PER_S                               # rad/ms
    lev0 = _base_levels(omegas, grid.h, d, sigma)
    levels = _Levels(model, mu, d, grid, channel)
    zeros = (np.zeros(shape, dtype=complex), np.zeros(shape))
    base = levels.get(0)                 # checked first: it is the cheapest grid
    if base is None:
        return (*zeros, 1.0)             # escape over a barrier this high is Poisson: CV 1
    t1, t2_over_t1 = base[-2], base[-1]
    # ISI CV on the coarsest grid (good to ~1e-3 relative: enough to judge whether S is resolvable)
    cv = math.sqrt(max(t2_over_t1 / t1 - 1.0, 0.0)) * t1 / (model.t_ref + t1) if t1 > 0.0 else 0.0
    if t1 < _MIN_T1:
        if model.t_ref == 0.0:
            raise ValueError(f"mu={mu:g} mV is too strong for the linear response with t_ref = 0: the mean time from "
                             f"reset to threshold, {t1:.3g} ms, is below {_MIN_T1:g} ms, and chi and S would "
                             "underflow inside the computation; use a smaller mu (or t_ref > 0)")
        return (*zeros, cv)              # chi ~ r0^2 T1 / mu: below 1e-140 of r0 / mu
    out = _romberg_over_levels(model, omegas, lev0, levels)
    if out is None:
        return (*zeros, 1.0)
    chi, spec = out
    if np.any(f == 0.0):
        st = stationary(model, mu, sigma, v_lb=v_lb, dv=dv)
        spec = np.where(f == 0.0, st.rate / MS_PER_S * st.cv ** 2, spec)
    return (chi * MS_PER_S).reshape(shape), (spec * MS_PER_S).reshape(shape), cv


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

def susceptibility(model, mu, sigma, freqs, *, v_lb=None, dv=None, channel="mu"):
    r"""Rate susceptibility :math:`\chi(f)` of an IF neuron to a modulated mean input (Hz/mV) or
    input variance (Hz/mV^2).

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV).
    mu : float
        Mean input (mV) of the stationary state.
    sigma : float
        Noise amplitude (mV), > 0 (standard deviation of the free membrane potential;
        :math:`\sigma_B = \sqrt{2}\,\sigma` in Brunel 2000 / NEST).
    freqs : float or array_like
        Frequencies (Hz), finite and >= 0.
    v_lb, dv : float, optional
        Lower bound and coarsest step of the voltage grid (mV), as in
        :func:`~snnlib.fokker_planck.stationary.stationary`; the grid is refined automatically at high
        frequency so that it resolves the length :math:`\sqrt{D/\omega}`.
    channel : {"mu", "sigma2"}
        What is modulated: the mean input :math:`\mu` (default) or the variance :math:`\sigma^2`
        (Richardson 2007, sec. IV B; Lindner & Schimansky-Geier 2001).

    Returns
    -------
    ndarray of complex, shape of ``freqs``
        :math:`\chi(f)` (Hz/mV): for :math:`\mu(t) = \mu + \varepsilon\cos(2\pi f t)`
        the rate is :math:`r_0 + \varepsilon|\chi|\cos(2\pi f t + \arg\chi)`; a lag
        shows as :math:`\arg\chi < 0`. ``chi(0)`` is the slope :math:`dr_0/d\mu` of the f-I curve.
        With ``channel="sigma2"``, the same for :math:`\sigma^2(t) = \sigma^2 +
        \varepsilon\cos(2\pi f t)` (Hz/mV^2); ``chi(0)`` is :math:`dr_0/d\sigma^2`, and for
        the LIF :math:`\chi \to r_0/\sigma^2` at high frequency (the flux through threshold
        follows the noise instantly; Lindner & Schimansky-Geier 2001).

    Notes
    -----
    Linearising the Fokker-Planck equation around the stationary density :math:`P_0`
    for :math:`\mu + \varepsilon e^{i\omega t}` gives (Richardson 2007, Phys Rev E
    76:021919, eqs. 29-31)

    .. math::

        -\partial_V \hat J = i\omega \hat P - \hat r e^{-i\omega t_\mathrm{ref}}\delta(V - V_\mathrm{reset}),
        \qquad
        -D\,\partial_V \hat P = \hat J - f\hat P - \frac{\varepsilon}{\tau_m} P_0,

    with :math:`\hat P(V_\mathrm{th}) = 0` and :math:`\hat J(V_\mathrm{th}) = \hat r`; the
    refractory period delays the reinjected flux. By linearity
    :math:`(\hat P, \hat J) = \hat r\,(P_r, J_r) + \varepsilon\,(P_\varepsilon, J_\varepsilon)`;
    both pieces are integrated from threshold down to ``v_lb`` and the zero-flux
    condition :math:`\hat J(v_{lb}) = 0` gives :math:`\hat r/\varepsilon = -J_\varepsilon/J_r`
    (Richardson 2007, eq. 33). On each step the :math:`\hat P` equation is solved exactly
    with the drift, the source and :math:`\hat J` frozen (the exponential step of
    :func:`~snnlib.fokker_planck.stationary.stationary`), and :math:`\hat J` is taken at the middle of the step
    (implicit midpoint, solved in closed form), so the error is even in the step and the
    stiff EIF upswing is handled exactly; results on grids :math:`h, h/2, h/4` are
    Romberg-extrapolated. The LIF result agrees with the closed form in parabolic
    cylinder functions (Brunel & Hakim 1999, Neural Comput 11:1621; Lindner &
    Schimansky-Geier 2001, Phys Rev Lett 86:2934, eq. 9, with the refractory delay
    :math:`e^{-i\omega t_\mathrm{ref}}` on the reset term) to ~1e-10
    (tests/fokker_planck/test_linear_response.py). At high
    frequency :math:`\chi \propto (i\omega)^{-1/2}` for the LIF (45 degree lag) and
    :math:`\propto (i\omega)^{-1}` for the EIF (90 degrees; Fourcaud-Trocme et al. 2003,
    J Neurosci 23:11628).

    *Extremes.* Where the stationary rate underflows (below ~1e-300 Hz) chi is 0, its limit,
    found on the coarsest grid. Far above threshold with ``t_ref > 0`` the rate saturates at
    ``1000 / t_ref`` and chi vanishes with it (0 once the time from reset to threshold is below
    1e-140 ms); with ``t_ref = 0`` such a drive (``mu`` of ~1e150 mV) raises a ``ValueError``
    naming ``mu``, since chi would underflow inside the computation.

    Examples
    --------
    >>> import numpy as np
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> chi = snnlib.susceptibility(lif, 12.0, 3.0, [0.0, 10.0, 1000.0])
    >>> r = lambda mu: snnlib.stationary(lif, mu, 3.0).rate
    >>> bool(abs(chi[0].real - (r(12.001) - r(11.999)) / 0.002) < 1e-4)
    True
    >>> # close to the 45 degree lag of the LIF at high frequency
    >>> round(float(-np.degrees(np.angle(chi[2]))))
    46
    >>> chi2 = snnlib.susceptibility(lif, 12.0, 3.0, [1e3, 1e6],
    ...                             channel="sigma2")
    >>> r0 = snnlib.stationary(lif, 12.0, 3.0).rate
    >>> [round(float(c.real * 9.0 / r0), 3) for c in chi2]   # -> r0 / sigma^2
    [1.064, 1.002]
    """
    channel = check_choice(channel, "channel", ("mu", "sigma2"))
    chi, _, _ = _response(model, mu, sigma, freqs, v_lb, dv, channel)
    return chi[()] if chi.ndim == 0 else chi


def spike_spectrum(model, mu, sigma, freqs, *, v_lb=None, dv=None):
    r"""Power spectrum :math:`S(f)` (Hz) of the stationary spike train of an IF neuron.

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0 (:math:`\sigma_B = \sqrt{2}\,\sigma`).
    freqs : float or array_like
        Frequencies (Hz), finite and >= 0.
    v_lb, dv : float, optional
        Voltage grid, as in :func:`susceptibility`.

    Returns
    -------
    ndarray of float, shape of ``freqs``
        Two-sided spectrum :math:`S(f) = \int C(\tau) e^{-2\pi i f\tau}d\tau` (Hz) of
        :math:`x(t) = \sum_k\delta(t - t_k)` with the mean removed (the
        :math:`r_0^2\delta(f)` peak is omitted), the convention of
        :func:`power_spectrum <snnlib.spikes.statistics.power_spectrum>`. :math:`S(f)\to r_0` at high frequency and
        :math:`S(0) = r_0\,CV^2`.

    Notes
    -----
    The spike train of an IF neuron with white noise is a renewal process, so
    (Stratonovich 1967; Lindner, Schimansky-Geier & Longtin 2002, Phys Rev E 66:031916, eq. 5)

    .. math::

        S(f) = r_0\,\mathrm{Re}\,\frac{1 + \tilde F(f)}{1 - \tilde F(f)},

    where :math:`\tilde F(f) = e^{-i\omega t_\mathrm{ref}}\tilde F_0(\omega)` is the Fourier
    transform of the ISI density. :math:`\tilde F_0` solves the first-passage problem
    :math:`i\omega\hat P = -\partial_V\hat J + \delta(V - V_\mathrm{reset})` with
    :math:`\hat F_0 = \hat J(V_\mathrm{th})`, obtained by the same threshold integration
    as :func:`susceptibility` (Richardson 2008, Biol Cybern 99:381, eqs. 11-16).
    ``S(0)`` is set to :math:`r_0 CV^2` from :func:`~snnlib.fokker_planck.stationary.stationary`.

    *Extremes.* Where the stationary rate underflows (below ~1e-300 Hz) S is 0, its limit.
    Where the neuron fires almost periodically (ISI CV below 1e-5, e.g. ``mu`` of 1e5 mV with
    ``sigma`` of 3 mV) S is a comb of peaks at the multiples of the rate narrower than double
    precision resolves, and a ``ValueError`` naming ``mu`` and ``sigma`` is raised.

    Examples
    --------
    >>> import snnlib
    >>> s = snnlib.spike_spectrum(snnlib.LIF(), 12.0, 3.0, [0.0, 1e5])
    >>> st = snnlib.stationary(snnlib.LIF(), 12.0, 3.0)
    >>> (bool(abs(s[0] - st.rate * st.cv ** 2) < 1e-9),
    ...  bool(abs(s[1] / st.rate - 1) < 1e-2))
    (True, True)
    """
    _, spec, cv = _response(model, mu, sigma, freqs, v_lb, dv)
    if cv < _MIN_CV:
        raise ValueError(f"mu={mu:g} mV with sigma={sigma:g} mV makes the neuron fire almost periodically (ISI CV "
                         f"{cv:.2g} < {_MIN_CV:g}): S(f) is then a comb of peaks at the multiples of the rate, "
                         "narrower than double precision resolves; use a smaller mu or a larger sigma")
    return spec[()] if spec.ndim == 0 else spec
