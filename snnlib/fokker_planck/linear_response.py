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

import numpy as np
from numba import njit

from .._core.validation import check_array
from .stationary import _check_common, _grid_sizes, _midpoint_drift, _threshold_integrate
from ..units import MS_PER_S

__all__ = ["susceptibility", "spike_spectrum"]

#: Largest h * sqrt(omega / D) allowed on the coarsest of the three extrapolation grids;
#: the modes of the linearised equation vary on the length sqrt(D / omega) (mV).
_KAPPA = 1.0
#: Rescaling threshold of the (growing) homogeneous solutions; the answer is a ratio.
_BIG = 1e150


# ---------------------------------------------------------------------------
# jitted kernel
# ---------------------------------------------------------------------------

@njit(cache=True)
def _lr_kernel(omegas, t_ref, tau_m, expx, c_p, c_j, c_m, pbar, i_reset, out_ma, out_qr, out_me, out_g):
    """Threshold integration of the linearised FP equation, one grid (jitted, no checking).

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
        if abs(z) < 1e-4:          # (1 - e^{z})/(i w) with z = -i w t_ref, by series
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


# ---------------------------------------------------------------------------
# shared driver
# ---------------------------------------------------------------------------

def _check_freqs(freqs):
    """Frequencies (Hz) as a float array of the caller's shape (0-d for a scalar)."""
    shape = np.shape(freqs)
    return check_array(freqs, "freqs", low=0.0, unit="Hz").reshape(shape)


_LAST = {}


def _response(model, mu, sigma, freqs, v_lb, dv):
    """chi (Hz/mV) and S (Hz) at freqs (Hz); the last result is kept, since a caller
    usually asks for chi and S at the same point one after the other."""
    mu, sigma, v_lb, dv, _ = _check_common(model, mu, sigma, v_lb, dv)
    f = _check_freqs(freqs)
    key = (model, mu, sigma, v_lb, dv, f.shape, f.tobytes())
    if _LAST.get("key") == key:
        chi, spec = _LAST["value"]
        return chi.copy(), spec.copy()
    chi, spec = _compute_response(model, mu, sigma, f, v_lb, dv)
    _LAST["key"], _LAST["value"] = key, (chi, spec)
    return chi.copy(), spec.copy()


def _compute_response(model, mu, sigma, f, v_lb, dv):
    """chi (Hz/mV) and S (Hz) at f (Hz) with Romberg extrapolation over 3 grids (checked input)."""
    shape = f.shape
    f = f.ravel()
    n_above, n_below, h0 = _grid_sizes(model, v_lb, dv)
    d = sigma * sigma / model.tau_m
    omegas = 2.0 * np.pi * f / MS_PER_S                      # rad/ms
    # finest refinement needed per frequency, so that h sqrt(w/D) <= kappa on the coarsest grid
    need = h0 * np.sqrt(omegas / d) / _KAPPA
    lev0 = np.where(need > 1.0, np.ceil(np.log2(np.maximum(need, 1.0))), 0).astype(int)
    if lev0.max(initial=0) > 14:
        # lev0 <= 14  <=>  h0 sqrt(omega / D) <= 2^14 kappa
        f_max = d * (2.0 ** 14 * _KAPPA / h0) ** 2 * MS_PER_S / (2.0 * np.pi)
        raise ValueError(f"freqs must be <= {f_max:.3g} Hz for this grid (dv={h0:g} mV, sigma={sigma:g} mV; "
                         f"got max {f.max():g} Hz): the grid would need over 2^16 refinements")
    cache = {}

    def level(lev):
        if lev not in cache:
            m = 2 ** lev
            h = h0 / m
            v = model.v_reset + h * np.arange(-n_below * m, n_above * m + 1)
            f_mid = _midpoint_drift(model, mu, v, h)
            p = np.empty(v.size)
            pbar = np.empty(v.size - 1)
            out = np.empty(4)
            _threshold_integrate(f_mid, h, n_below * m, d, p, pbar, out)
            x = f_mid * h / d
            phi1, phi2 = _phi12(x)
            cache[lev] = (n_below * m, np.exp(-x), phi1 * h / d, phi2 * h * h / d, phi1 * h, pbar, out[0])
        return cache[lev]

    chi_lev = np.empty((3, f.size), dtype=complex)
    s_lev = np.empty((3, f.size))
    for base in np.unique(lev0):
        idx = np.nonzero(lev0 == base)[0]
        w = np.ascontiguousarray(omegas[idx])
        for j in range(3):
            i_reset, expx, c_p, c_j, c_m, pbar, t1 = level(int(base) + j)
            r0 = 1.0 / (model.t_ref + t1)                             # 1/ms
            ma = np.empty(idx.size, dtype=complex)
            qr = np.empty(idx.size, dtype=complex)
            me = np.empty(idx.size, dtype=complex)
            g = np.empty(idx.size)
            _lr_kernel(w, model.t_ref, model.tau_m, expx, c_p, c_j, c_m, pbar, i_reset, ma, qr, me, g)
            chi_lev[j, idx] = -r0 * me / qr
            # 1 - F = J_r / J_a and 1 + F = 2 - J_r/J_a with J_a = g + i w M_a, J_r = i w Q_r
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (g + 1j * w * ma) / (1j * w * qr)
            s_lev[j, idx] = np.where(w > 0.0, r0 * (2.0 * ratio.real - 1.0), 0.0)   # f = 0: below
    chi, _ = _romberg_c(chi_lev)
    spec, _ = _romberg_c(s_lev)
    if np.any(f == 0.0):
        from .stationary import stationary
        st = stationary(model, mu, sigma, v_lb=v_lb, dv=dv)
        spec = np.where(f == 0.0, st.rate / MS_PER_S * st.cv ** 2, spec)
    return (chi * MS_PER_S).reshape(shape), (spec * MS_PER_S).reshape(shape)


def _phi12(x):
    """(1 - e^{-x})/x and (x - 1 + e^{-x})/x^2 for an array x, accurate near 0."""
    small = np.abs(x) < 1e-3
    xs = np.where(small, 1.0, x)
    phi1 = np.where(small, 1.0 - x / 2.0 + x * x / 6.0 - x ** 3 / 24.0, -np.expm1(-xs) / xs)
    phi2 = np.where(small, 0.5 - x / 6.0 + x * x / 24.0 - x ** 3 / 120.0, (xs + np.expm1(-xs)) / (xs * xs))
    return np.ascontiguousarray(phi1), np.ascontiguousarray(phi2)


def _romberg_c(vals):
    """Romberg extrapolation (h^2, h^4 terms) along axis 0 of values on grids h, h/2, h/4."""
    b1 = (4.0 * vals[1] - vals[0]) / 3.0
    b2 = (4.0 * vals[2] - vals[1]) / 3.0
    return (16.0 * b2 - b1) / 15.0, b2


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

def susceptibility(model, mu, sigma, freqs, *, v_lb=None, dv=None):
    r"""Rate susceptibility :math:`\chi(f)` (Hz/mV) of an IF neuron to a modulated mean input.

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

    Returns
    -------
    ndarray of complex, shape of ``freqs``
        :math:`\chi(f)` (Hz/mV): for :math:`\mu(t) = \mu + \varepsilon\cos(2\pi f t)`
        the rate is :math:`r_0 + \varepsilon|\chi|\cos(2\pi f t + \arg\chi)`; a lag
        shows as :math:`\arg\chi < 0`. ``chi(0)`` is the slope :math:`dr_0/d\mu` of the f-I curve.

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
    (tests/test_fp_linear_response.py). At high
    frequency :math:`\chi \propto (i\omega)^{-1/2}` for the LIF (45 degree lag) and
    :math:`\propto (i\omega)^{-1}` for the EIF (90 degrees; Fourcaud-Trocme et al. 2003,
    J Neurosci 23:11628).

    Examples
    --------
    >>> import numpy as np
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> chi = snnlib.susceptibility(lif, 12.0, 3.0, [0.0, 10.0, 1000.0])
    >>> r = lambda mu: snnlib.stationary(lif, mu, 3.0).rate
    >>> bool(abs(chi[0].real - (r(12.001) - r(11.999)) / 0.002) < 1e-4)
    True
    >>> round(float(-np.degrees(np.angle(chi[2]))))   # close to the 45 degree LIF lag
    46
    """
    chi, _ = _response(model, mu, sigma, freqs, v_lb, dv)
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
        :func:`snnlib.spikes.power_spectrum`. :math:`S(f)\to r_0` at high frequency and
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

    Examples
    --------
    >>> import snnlib
    >>> s = snnlib.spike_spectrum(snnlib.LIF(), 12.0, 3.0, [0.0, 1e5])
    >>> st = snnlib.stationary(snnlib.LIF(), 12.0, 3.0)
    >>> bool(abs(s[0] - st.rate * st.cv ** 2) < 1e-9), bool(abs(s[1] / st.rate - 1) < 1e-2)
    (True, True)
    """
    _, spec = _response(model, mu, sigma, freqs, v_lb, dv)
    return spec[()] if spec.ndim == 0 else spec
