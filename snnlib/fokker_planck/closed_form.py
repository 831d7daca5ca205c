r"""Closed forms of the LIF's linear response in parabolic cylinder functions (chapter 6).

For the LIF the linearised Fokker-Planck equation can be solved exactly: the susceptibility
(Brunel & Hakim 1999; Lindner & Schimansky-Geier 2001) and the Fourier transform of the
interspike-interval density (Darling & Siegert 1953) are ratios of parabolic cylinder functions
:math:`D_\nu(y)` of complex order. They are an independent check of threshold integration
(:func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`,
:func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>`), and, since they
accept complex frequencies, give :math:`\chi` at a complex Laplace variable
:math:`\lambda = 2\pi i f`.

They need ``mpmath`` (``pip install mpmath``; part of ``snnlib[test]``), which evaluates
:math:`D_\nu` of complex order to 30 digits; each value takes about a millisecond.
"""

from __future__ import annotations

import math

import numpy as np

from .._core.validation import check_array, check_choice, check_positive, check_scalar
from ..models import check_model
from ..units import MS_PER_S
from .siegert import siegert_rate

__all__ = ["lif_susceptibility_closed_form", "lif_spectrum_closed_form", "mpmath_available"]

#: Decimal digits of mpmath's arithmetic: D_nu of large imaginary order is a ratio of numbers
#: of very different size.
_DPS = 30


def mpmath_available() -> bool:
    """True if ``mpmath``, which the closed forms need, can be imported.

    Examples
    --------
    >>> isinstance(mpmath_available(), bool)
    True
    """
    try:
        import mpmath  # noqa: F401
    except ImportError:
        return False
    return True


def _mpmath():
    try:
        import mpmath
    except ImportError:
        raise ImportError("the LIF closed forms need mpmath (pip install mpmath, or snnlib[test])") from None
    mpmath.mp.dps = _DPS
    return mpmath


def _check(model, mu, sigma, freqs, *, allow_complex):
    model = check_model(model, "model", allowed=("lif",))
    mu = check_scalar(mu, "mu", unit="mV")
    sigma = check_positive(sigma, "sigma", unit="mV")
    shape = np.shape(freqs)
    if allow_complex:
        f = check_array(freqs, "freqs", dtype=complex).reshape(shape)
        if np.any(f.real < 0.0) or np.any(f == 0):
            raise ValueError("freqs must have a real part >= 0 and be nonzero (Hz)")
    else:
        f = check_array(freqs, "freqs", low=0.0, low_inclusive=False, unit="Hz").reshape(shape)
    return model, mu, sigma, f


def lif_susceptibility_closed_form(model, mu, sigma, freqs, *, channel="mu"):
    r"""Susceptibility :math:`\chi(f)` of the LIF to a modulated mean input (Hz/mV) or input
    variance (Hz/mV^2), in closed form.

    Parameters
    ----------
    model : LIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0 (book convention; :math:`\sigma_B = \sqrt2\sigma`).
    freqs : float, complex or array_like
        Frequencies (Hz), nonzero with real part >= 0. A complex :math:`f` gives :math:`\chi` at
        the Laplace variable :math:`\lambda = 2\pi i f` (1/s): the response to an input growing
        or decaying as :math:`e^{\lambda t}`.
    channel : {"mu", "sigma2"}
        What is modulated: the mean input (default) or the variance :math:`\sigma^2`, as in
        :func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`.

    Returns
    -------
    ndarray of complex, shape of ``freqs``
        .. math::

            \chi = \frac{r_0}{\sigma}\,\frac{i\omega\tau_m}{1 + i\omega\tau_m}\,
            \frac{D_{-i\omega\tau_m - 1}(y_T) - e^{\Delta}D_{-i\omega\tau_m - 1}(y_R)}
                 {D_{-i\omega\tau_m}(y_T) - e^{-i\omega t_\mathrm{ref}}e^{\Delta}D_{-i\omega\tau_m}(y_R)}

        with :math:`y = (E_L + \mu - V)/\sigma` at threshold (T) and reset (R),
        :math:`\Delta = (y_R^2 - y_T^2)/4` and :math:`\omega = 2\pi f` (Lindner &
        Schimansky-Geier 2001, Phys Rev Lett 86:2934, eq. 9, written for a modulation
        :math:`e^{+i\omega t}` and with the refractory delay of the reinjected flux; Brunel &
        Hakim 1999, Neural Comput 11:1621). :math:`r_0` is Siegert's rate. For
        ``channel="sigma2"`` (Lindner & Schimansky-Geier 2001, eq. 10)

        .. math::

            \chi_{\sigma^2} = \frac{r_0}{\sigma^2}\,
            \frac{i\omega\tau_m(1 + i\omega\tau_m)}{2 + i\omega\tau_m}\,
            \frac{D_{-i\omega\tau_m - 2}(y_T) - e^{\Delta}D_{-i\omega\tau_m - 2}(y_R)}
                 {D_{-i\omega\tau_m}(y_T) - e^{-i\omega t_\mathrm{ref}}e^{\Delta}D_{-i\omega\tau_m}(y_R)}.

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> a = snnlib.lif_susceptibility_closed_form(lif, 12.0, 3.0, [10.0, 1000.0])
    >>> b = snnlib.susceptibility(lif, 12.0, 3.0, [10.0, 1000.0])
    >>> bool(np.allclose(a, b, rtol=1e-9))
    True
    """
    model, mu, sigma, f = _check(model, mu, sigma, freqs, allow_complex=True)
    channel = check_choice(channel, "channel", ("mu", "sigma2"))
    mp = _mpmath()
    r0 = siegert_rate(model, mu, sigma) / MS_PER_S                      # 1/ms
    y_t = (model.e_l + mu - model.v_th) / sigma
    y_r = (model.e_l + mu - model.v_reset) / sigma
    e_delta = mp.exp((y_r ** 2 - y_t ** 2) / 4)
    out = np.empty(f.shape, dtype=complex)
    for idx, fk in np.ndenumerate(f):
        w = 2.0 * math.pi * complex(fk) / MS_PER_S * model.tau_m        # omega tau_m
        # Lindner & Schimansky-Geier write e^{-i w t}: their order i w becomes -i w here
        nu = mp.mpc(0, 1) * mp.mpc(-w.real, -w.imag)
        c_ref = mp.exp(-mp.mpc(0, 1) * mp.mpc(w.real, w.imag) * model.t_ref / model.tau_m)
        den = mp.pcfd(nu, y_t) - c_ref * e_delta * mp.pcfd(nu, y_r)
        iw = -1j * w                                                    # their i w
        if channel == "mu":
            num = mp.pcfd(nu - 1, y_t) - e_delta * mp.pcfd(nu - 1, y_r)
            pre = r0 / sigma * (iw / (iw - 1.0))
        else:
            num = mp.pcfd(nu - 2, y_t) - e_delta * mp.pcfd(nu - 2, y_r)
            pre = r0 / sigma ** 2 * iw * (iw - 1.0) / (2.0 - iw)
        out[idx] = pre * complex(num / den) * MS_PER_S
    return out[()] if out.ndim == 0 else out


def lif_spectrum_closed_form(model, mu, sigma, freqs):
    r"""Power spectrum :math:`S(f)` (Hz) of the LIF's stationary spike train, in closed form.

    Parameters
    ----------
    model : LIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0.
    freqs : float or array_like
        Frequencies (Hz), > 0.

    Returns
    -------
    ndarray of float, shape of ``freqs``
        Two-sided :math:`S(f) = r_0\,\mathrm{Re}\,\frac{1 + \tilde F(f)}{1 - \tilde F(f)}`
        (Stratonovich 1967; Lindner, Schimansky-Geier & Longtin 2002, Phys Rev E 66:031916, eq. 5),
        with the Fourier transform of the ISI density of the Ornstein-Uhlenbeck first passage
        from reset to threshold (Darling & Siegert 1953, Ann Math Stat 24:624; Lindner et al.
        2002, eq. 12),

        .. math::

            \tilde F(f) = e^{-i\omega t_\mathrm{ref}}\,e^{(y_R^2 - y_T^2)/4}\,
            \frac{D_{-i\omega\tau_m}(y_R)}{D_{-i\omega\tau_m}(y_T)}.

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> a = snnlib.lif_spectrum_closed_form(lif, 12.0, 3.0, [5.0, 50.0])
    >>> b = snnlib.spike_spectrum(lif, 12.0, 3.0, [5.0, 50.0])
    >>> bool(np.allclose(a, b, rtol=1e-8))
    True
    """
    model, mu, sigma, f = _check(model, mu, sigma, freqs, allow_complex=False)
    mp = _mpmath()
    r0 = siegert_rate(model, mu, sigma)                                 # Hz
    y_t = (model.e_l + mu - model.v_th) / sigma
    y_r = (model.e_l + mu - model.v_reset) / sigma
    e_delta = mp.exp((y_r ** 2 - y_t ** 2) / 4)
    out = np.empty(f.shape)
    for idx, fk in np.ndenumerate(f):
        w = 2.0 * math.pi * float(fk) / MS_PER_S                          # rad/ms
        nu = mp.mpc(0, -w * model.tau_m)
        f0 = complex(e_delta * mp.pcfd(nu, y_r) / mp.pcfd(nu, y_t))
        ft = np.exp(-1j * w * model.t_ref) * f0
        out[idx] = r0 * ((1.0 + ft) / (1.0 - ft)).real
    return out[()] if out.ndim == 0 else out
