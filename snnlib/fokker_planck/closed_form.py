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

import cmath
import math
from dataclasses import dataclass

import numpy as np

from .._core.validation import check_array, check_choice, check_positive, check_scalar
from ..models import check_model
from ..units import MS_PER_S
from .siegert import siegert_rate

__all__ = ["lif_susceptibility_closed_form", "lif_spectrum_closed_form", "mpmath_available", "RelaxationMode",
           "lif_relaxation_mode"]

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
    >>> f = [10.0, 1000.0]
    >>> a = snnlib.lif_susceptibility_closed_form(lif, 12.0, 3.0, f)
    >>> b = snnlib.susceptibility(lif, 12.0, 3.0, f)
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


@dataclass(frozen=True)
class RelaxationMode:
    r"""Result of :func:`lif_relaxation_mode`: one eigenmode of the LIF's Fokker-Planck operator (read-only).

    Parameters
    ----------
    eigenvalue : complex
        Eigenvalue :math:`\lambda` (1/ms): the mode evolves as :math:`e^{\lambda t}`.
    frequency : float
        Oscillation frequency :math:`\operatorname{Im}\lambda / 2\pi` (Hz); 0 for a real mode.
    damping_time : float
        Decay time :math:`-1/\operatorname{Re}\lambda` (ms); inf if :math:`\operatorname{Re}\lambda = 0`.

    Examples
    --------
    >>> mode = RelaxationMode(complex(-0.1, 0.2), 31.83, 10.0)
    >>> mode.damping_time
    10.0
    """

    eigenvalue: complex
    frequency: float
    damping_time: float


def lif_relaxation_mode(model, mu, sigma, *, f_guess=None):
    r"""Eigenmode of the LIF's Fokker-Planck operator near a guessed frequency (a pole of :math:`\chi`).

    After a perturbation, the population rate relaxes to its stationary value as a sum of modes
    :math:`e^{\lambda_n t}`, the eigenvalues of the Fokker-Planck operator with threshold, reset and
    refractory delay (Mattia & Del Giudice 2002, Phys Rev E 66:051917). They are the poles of the
    susceptibility: the zeros, in the complex frequency :math:`f = \lambda / 2\pi i`, of the
    denominator of :func:`lif_susceptibility_closed_form` (Brunel & Hakim 1999, Neural Comput
    11:1621, sec. 3.3; Lindner & Schimansky-Geier 2001, Phys Rev Lett 86:2934, eq. 9),

    .. math::

        D_{-i\omega\tau_m}(y_T) - e^{-i\omega t_\mathrm{ref}}\,e^{\Delta}\,D_{-i\omega\tau_m}(y_R) = 0,
        \qquad \omega = 2\pi f,

    with :math:`y` and :math:`\Delta` as there. The root is found by mpmath's secant method from
    ``f_guess``; it is the mode nearest the guess, not necessarily the slowest one.

    Parameters
    ----------
    model : LIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0 (book convention; :math:`\sigma_B = \sqrt2\sigma`).
    f_guess : complex, optional
        Starting point (Hz), finite, with real part >= 0 and nonzero. Default
        :math:`r_0 (1 + i/2)`, with :math:`r_0` Siegert's rate: in mean-driven firing the slowest
        oscillatory mode rings near the firing rate and decays within a few intervals.

    Returns
    -------
    RelaxationMode
        ``eigenvalue`` (1/ms), ``frequency`` (Hz) and ``damping_time`` (ms).

    Raises
    ------
    TypeError
        If ``f_guess`` is not a number.
    ValueError
        If ``f_guess`` is not finite with real part >= 0, if the secant iteration does not
        converge, or if it converges to the stationary mode :math:`\lambda = 0` (which always
        solves the equation); try another ``f_guess``.

    Notes
    -----
    The oscillatory mode is what makes the rate ring after a step of the input (chapter 5): the
    peaks of the ringing are ``1000 / frequency`` ms apart and shrink by :math:`e^{-T/\tau_d}` per
    period. ``tests/fokker_planck/test_relaxation_mode.py`` checks both against the time-dependent
    Fokker-Planck solution. Needs ``mpmath``.

    Examples
    --------
    >>> import snnlib
    >>> mode = snnlib.lif_relaxation_mode(snnlib.LIF(), 16.0, 3.0)
    >>> round(mode.frequency, 2), round(mode.damping_time, 2)
    (26.63, 12.9)
    """
    model, mu, sigma, _ = _check(model, mu, sigma, 1.0, allow_complex=False)
    r0 = siegert_rate(model, mu, sigma)                                  # Hz
    if f_guess is None:
        f_guess = complex(r0, 0.5 * r0) if r0 > 0 else complex(1.0, 1.0)
    try:
        f_guess = complex(f_guess)
    except (TypeError, ValueError):
        raise TypeError(f"f_guess must be a complex number (Hz), got {f_guess!r}") from None
    if not (cmath.isfinite(f_guess) and f_guess.real >= 0.0 and f_guess != 0):
        raise ValueError(f"f_guess must be finite, nonzero and have a real part >= 0 (Hz), got {f_guess}")
    mp = _mpmath()
    y_t = (model.e_l + mu - model.v_th) / sigma
    y_r = (model.e_l + mu - model.v_reset) / sigma
    e_delta = mp.exp((y_r ** 2 - y_t ** 2) / 4)
    scale = 2.0 * math.pi * model.tau_m / MS_PER_S                       # omega tau_m per Hz

    def denominator(f):
        w = scale * f                                                    # omega tau_m
        nu = -mp.mpc(0, 1) * w                                           # order -i omega tau_m
        c_ref = mp.exp(-mp.mpc(0, 1) * w * model.t_ref / model.tau_m)
        # divided by D(y_T): the same zeros, values of order 1 for the convergence test
        return 1 - c_ref * e_delta * mp.pcfd(nu, y_r) / mp.pcfd(nu, y_t)

    try:
        root = complex(mp.findroot(denominator, mp.mpc(f_guess.real, f_guess.imag), solver="secant"))
    except (ValueError, ZeroDivisionError, mp.libmp.NoConvergence):
        raise ValueError(f"no eigenvalue found from f_guess={f_guess} Hz (the secant iteration did not "
                         "converge); try another f_guess") from None
    if abs(root) < 1e-6 * abs(f_guess):
        # lambda = 0 is always an eigenvalue (the stationary state itself): not a relaxation mode
        raise ValueError(f"from f_guess={f_guess} Hz the iteration reached the stationary mode "
                         "(lambda = 0); start nearer the mode wanted")
    lam = 2j * math.pi * root / MS_PER_S                                 # 1/ms
    damping = math.inf if lam.real == 0 else -1.0 / lam.real
    return RelaxationMode(lam, abs(root.real), damping)
