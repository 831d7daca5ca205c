r"""What follows from the susceptibility: its high-frequency asymptotes, the frequency where the
EIF's low-pass behaviour sets in, the input that gives a wanted rate, and the transfer of a
presynaptic rate modulation through a synapse (chapter 6).

* :func:`susceptibility_asymptote`: :math:`\chi(f)` for :math:`f \to \infty`,
  :math:`r_0/(\sigma\sqrt{i\omega\tau_m})` for the LIF (Brunel et al. 2001) and
  :math:`r_0/(\Delta_T\,i\omega\tau_m)` for the EIF (Fourcaud-Trocme et al. 2003);
* :func:`crossover_frequency`: where that asymptote meets :math:`\chi(0)`;
* :func:`half_gain_frequency`: where the gain :math:`|\chi(f)|` has fallen to half of :math:`\chi(0)`;
* :func:`binned_spectrum`: what a spectrum estimated from spike counts in bins should return;
* :func:`mean_input_for_rate`: the mean input :math:`\mu` at which a neuron fires at a given rate;
* :func:`synaptic_kernel`: :math:`K(f)`, the rate response of a neuron to a modulation of one
  presynaptic rate through a delta or exponential synapse with delay (the single-synapse entry of
  :func:`coupling_kernel <snnlib.network.linear_response.coupling_kernel>`).

Units: ms, mV, Hz.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from .._core.validation import check_array, check_bool, check_nonnegative, check_positive, check_scalar
from ..models import check_model
from ..units import MS_PER_S
from .linear_response import susceptibility
from .stationary import stationary

__all__ = ["susceptibility_asymptote", "crossover_frequency", "half_gain_frequency", "mean_input_for_rate",
           "synaptic_kernel", "binned_spectrum"]

#: Search bracket of :func:`mean_input_for_rate`, in noise amplitudes around the threshold.
_BRACKET_SIGMAS = 40.0


def _freqs(freqs) -> tuple[np.ndarray, tuple]:
    shape = np.shape(freqs)
    return check_array(freqs, "freqs", low=0.0, unit="Hz").reshape(shape), shape


def susceptibility_asymptote(model, mu, sigma, freqs):
    r"""High-frequency asymptote of the susceptibility :math:`\chi(f)` (Hz/mV) of an LIF or EIF.

    Parameters
    ----------
    model : LIF or EIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0 (book convention; :math:`\sigma_B = \sqrt2\,\sigma`).
    freqs : float or array_like
        Frequencies (Hz), > 0.

    Returns
    -------
    ndarray of complex, shape of ``freqs``
        LIF: :math:`\chi \simeq r_0/(\sigma\sqrt{i\omega\tau_m})`, gain :math:`\propto f^{-1/2}`
        and a lag of 45 degrees (Brunel, Chance, Fourcaud & Abbott 2001, Phys Rev Lett 86:2186,
        eq. 4, with :math:`\sigma_B = \sqrt2\sigma`; Lindner & Schimansky-Geier 2001).
        EIF: :math:`\chi \simeq r_0/(\Delta_T\,i\omega\tau_m)`, gain :math:`\propto 1/f` and a lag
        of 90 degrees (Fourcaud-Trocme, Hansel, van Vreeswijk & Brunel 2003, J Neurosci
        23:11628, eq. 20). :math:`\omega = 2\pi f`, :math:`r_0` the stationary rate.

    Notes
    -----
    For the LIF the hard threshold lets a modulation of the drift move probability across it
    at once, limited only by diffusion over the distance :math:`\sqrt{D/\omega}`; for the EIF
    the spike is made by the exponential upswing, which integrates the modulation once more.
    Both are leading terms: the EIF with a finite cut-off ``v_th`` returns to the LIF-like
    behaviour far above 1 kHz, where the cut-off acts as a hard threshold.

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> a = snnlib.susceptibility_asymptote(lif, 12.0, 3.0, 1e4)
    >>> c = snnlib.susceptibility(lif, 12.0, 3.0, 1e4)
    >>> round(float(abs(c / a)), 2), round(float(np.degrees(np.angle(a))))
    (1.01, -45)
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    f, shape = _freqs(freqs)
    if np.any(f == 0.0):
        raise ValueError("freqs must be > 0 Hz everywhere for the high-frequency asymptote, got 0")
    r0 = stationary(model, mu, sigma).rate                              # Hz
    iwt = 1j * 2.0 * np.pi * f / MS_PER_S * model.tau_m                 # i omega tau_m
    if model.kind == "lif":
        out = r0 / (sigma * np.sqrt(iwt))
    else:
        out = r0 / (model.delta_t * iwt)
    return out[()] if out.ndim == 0 else out


def crossover_frequency(model, mu, sigma) -> float:
    r"""Frequency (Hz) at which the high-frequency asymptote of :math:`|\chi|` equals
    :math:`\chi(0)`.

    Parameters
    ----------
    model : LIF or EIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0.

    Returns
    -------
    float
        EIF: :math:`f_c = r_0/(2\pi\tau_m\Delta_T\,\chi(0))`, which at a fixed rate and slope
        :math:`\chi(0)` scales as :math:`1/\Delta_T`; LIF: :math:`f_c = \bigl(r_0/(\sigma\chi(0))\bigr)^2/(2\pi\tau_m)`
        (from :func:`susceptibility_asymptote`; :math:`\tau_m` in s). It marks where the
        low-frequency plateau and the tail meet, not where the gain has halved.

    Examples
    --------
    >>> import snnlib
    >>> round(snnlib.crossover_frequency(snnlib.EIF(), 14.63, 3.0))
    20
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    r0 = stationary(model, mu, sigma).rate                              # Hz
    chi0 = float(susceptibility(model, mu, sigma, 0.0).real)            # Hz/mV
    if chi0 <= 0.0:
        raise ValueError(f"mu={mu:g} mV, sigma={sigma:g} mV: chi(0) = {chi0:g} Hz/mV, no crossover")
    tau_s = model.tau_m / MS_PER_S                                      # s
    if model.kind == "eif":
        return float(r0 / (2.0 * math.pi * tau_s * model.delta_t * chi0))
    return float((r0 / (sigma * chi0)) ** 2 / (2.0 * math.pi * tau_s))


def half_gain_frequency(model, mu, sigma, *, f_max=1e5) -> float:
    r"""The lowest frequency (Hz) at which the gain :math:`|\chi(f)|` has fallen to half of
    :math:`\chi(0)`.

    Parameters
    ----------
    model : LIF or EIF
        Neuron model (ms, mV).
    mu : float
        Mean input (mV).
    sigma : float
        Noise amplitude (mV), > 0.
    f_max : float
        Upper end of the search (Hz), > 1 Hz; ``ValueError`` if the gain has not halved by then.

    Returns
    -------
    float
        The first crossing of :math:`|\chi(f)| = \chi(0)/2`, located on a logarithmic grid of
        20 points per decade from 0.1 Hz and refined by Brent's method to a relative
        accuracy of :math:`10^{-8}`; :math:`\chi` by threshold integration
        (:func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`,
        Richardson 2007, eqs. 14-22). Unlike :func:`crossover_frequency` it needs no asymptote.

    Examples
    --------
    >>> import snnlib
    >>> round(snnlib.half_gain_frequency(snnlib.EIF(), 14.63, 3.0))
    43
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    f_max = check_scalar(f_max, "f_max", low=1.0, low_inclusive=False, unit="Hz")
    chi0 = float(susceptibility(model, mu, sigma, 0.0).real)            # Hz/mV
    if chi0 <= 0.0:
        raise ValueError(f"mu={mu:g} mV, sigma={sigma:g} mV: chi(0) = {chi0:g} Hz/mV, no gain to halve")
    grid = np.logspace(-1.0, math.log10(f_max), max(int(20 * (math.log10(f_max) + 1)), 2))
    excess = np.abs(susceptibility(model, mu, sigma, grid)) - chi0 / 2.0
    below = np.flatnonzero(excess < 0.0)
    if below.size == 0:
        raise ValueError(f"f_max: the gain has not halved by {f_max:g} Hz; raise f_max")
    if below[0] == 0:
        return float(grid[0])

    def gap(f):
        return float(np.abs(susceptibility(model, mu, sigma, [f]))[0]) - chi0 / 2.0

    return float(brentq(gap, grid[below[0] - 1], grid[below[0]], rtol=1e-8))


def binned_spectrum(freqs, spectrum, rate, bin_width):
    r"""The spectrum that an estimate from spike counts in bins returns, for a stationary train
    with the (two-sided) spectrum ``spectrum`` and rate ``rate``.

    Parameters
    ----------
    freqs : array_like
        Frequencies (Hz), from 0 to the Nyquist frequency ``500 / bin_width``.
    spectrum : array_like, shape of ``freqs``
        The spike-train spectrum :math:`S(f)` at ``freqs`` (Hz), for example from
        :func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>`.
    rate : float
        The firing rate :math:`r_0` (Hz), > 0: the level :math:`S(f \to \infty)`.
    bin_width : float
        Width :math:`\Delta` of the count bins (ms), > 0.

    Returns
    -------
    ndarray, shape of ``freqs``
        :math:`r_0 + (S(f) - r_0)\,\mathrm{sinc}^2(f\Delta)` (Hz), with
        :math:`\mathrm{sinc}(x) = \sin(\pi x)/(\pi x)` and :math:`\Delta` in s.

    Notes
    -----
    Counting in bins averages the train :math:`x(t)` over :math:`\Delta`, which multiplies its
    spectrum by :math:`\mathrm{sinc}^2(f\Delta)`, and sampling every :math:`\Delta` adds the
    aliases :math:`f + m/\Delta`. Write :math:`S = r_0 + (S - r_0)`: the flat part, the shot
    noise of the spikes themselves, keeps its level because
    :math:`\sum_m \mathrm{sinc}^2(f\Delta + m) = 1` (Poisson summation of the triangle
    function; Bendat & Piersol 2010, sec. 10.3 on aliasing), while the smooth part
    :math:`S - r_0` has decayed to nothing at the aliases, which leaves this formula. The
    estimator's own window (e.g. Hann) smooths it further over the frequency resolution.

    Examples
    --------
    >>> # at f = 1 kHz and 0.5-ms bins, sinc(0.5)^2 = 4/pi^2
    >>> binned_spectrum([0.0, 1000.0], [2.0, 4.0], 5.0, 0.5)
    array([2.        , 4.59471527])
    """
    f = check_array(freqs, "freqs", low=0.0, unit="Hz")
    s = check_array(spectrum, "spectrum", unit="Hz")
    if s.shape != f.shape:
        raise ValueError(f"spectrum must have the shape of freqs, {f.shape}, got {s.shape}")
    rate = check_positive(rate, "rate", unit="Hz")
    width = check_positive(bin_width, "bin_width", unit="ms") / MS_PER_S        # s
    if np.any(f > 0.5 / width * (1.0 + 1e-12)):
        raise ValueError(f"freqs must not exceed the Nyquist frequency {0.5 / width:g} Hz of the bins")
    out = rate + (s - rate) * np.sinc(f * width) ** 2
    return out.reshape(np.shape(freqs))


def mean_input_for_rate(model, rate, sigma) -> float:
    r"""The mean input :math:`\mu` (mV) at which a neuron with noise ``sigma`` fires at ``rate``.

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV).
    rate : float
        Target stationary rate (Hz), > 0 and below ``1000 / t_ref``.
    sigma : float
        Noise amplitude (mV), > 0.

    Returns
    -------
    float
        :math:`\mu` with ``stationary(model, mu, sigma).rate == rate`` to 1e-10 relative (Brent's
        method on the monotonic f-I curve of threshold integration).

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> r = snnlib.stationary(lif, 12.0, 3.0).rate
    >>> round(snnlib.mean_input_for_rate(lif, r, 3.0), 6)
    12.0
    """
    model = check_model(model, "model")
    sigma = check_positive(sigma, "sigma", unit="mV")
    r_max = math.inf if model.t_ref == 0.0 else MS_PER_S / model.t_ref
    rate = check_scalar(rate, "rate", low=0.0, high=r_max, low_inclusive=False, high_inclusive=False, unit="Hz")
    theta = model.v_th - model.e_l
    lo, hi = theta - _BRACKET_SIGMAS * sigma, theta + _BRACKET_SIGMAS * sigma
    while stationary(model, hi, sigma).rate < rate:
        hi = theta + 4.0 * (hi - theta)
        if hi - theta > 1e9:
            raise ValueError(f"rate={rate:g} Hz is out of reach for this model and sigma={sigma:g} mV")
    if stationary(model, lo, sigma).rate > rate:
        raise ValueError(f"rate={rate:g} Hz is too low to reach with sigma={sigma:g} mV "
                         f"(it needs mu below {lo:g} mV)")
    return float(brentq(lambda m: stationary(model, m, sigma).rate / rate - 1.0, lo, hi, xtol=1e-12,
                        rtol=1e-12))


def synaptic_kernel(model, mu, sigma, freqs, *, j, delay=0.0, tau_s=0.0, variance=False):
    r"""Linear transfer :math:`K(f)` of a presynaptic rate modulation to the postsynaptic rate
    through one synapse (dimensionless).

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Postsynaptic neuron model (ms, mV).
    mu, sigma : float
        Working point of the postsynaptic neuron: mean input and noise amplitude (mV), including
        what the synapse contributes on average.
    freqs : float or array_like
        Frequencies (Hz), >= 0.
    j : float
        Synaptic weight (mV): the jump of the membrane potential a presynaptic spike causes
        (for an exponential synapse the jump the same charge would cause if delivered at once).
    delay : float
        Synaptic delay :math:`d` (ms), >= 0.
    tau_s : float
        Decay time of an exponential synaptic current (ms), >= 0; 0 for a delta synapse.
    variance : bool
        Add the modulation of the input variance: a presynaptic Poisson rate :math:`\nu` gives
        :math:`\mu = \tau_m J\nu` and :math:`\sigma^2 = \tau_m J^2\nu/2` (diffusion approximation,
        chapter 7), so a rate modulation moves both.

    Returns
    -------
    ndarray of complex, shape of ``freqs``
        .. math::

            K(f) = \tau_m\Bigl[J\chi_\mu(f) + \tfrac12 J^2\chi_{\sigma^2}(f)\Bigr]
                   \frac{e^{-2\pi i f d}}{1 + 2\pi i f\tau_s},

        the second term only with ``variance=True``: the postsynaptic rate responds to
        :math:`\delta\nu(f)` with :math:`K(f)\delta\nu(f)`. For a delta synapse this is the
        coupling of Lindner, Doiron & Longtin (2005, Phys Rev E 72:061919) and Trousdale et al.
        (2012, PLoS Comput Biol 8:e1002408, eq. 9); the variance term follows Brunel & Hakim
        (1999) and Richardson (2007).

    Notes
    -----
    The exponential synapse low-pass filters the mean input; its effect on the variance channel
    is taken to be the same filter, which holds for :math:`\tau_s \ll \tau_m` (coloured noise
    changes the working point itself; Fourcaud & Brunel 2002).

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> k0 = snnlib.synaptic_kernel(lif, 12.0, 3.0, 0.0, j=0.5)
    >>> chi0 = snnlib.susceptibility(lif, 12.0, 3.0, 0.0)
    >>> # K(0) = tau_m J chi(0), with tau_m in s
    >>> bool(abs(k0 - 20.0 * 0.5 * chi0 / 1000.0) < 1e-15)
    True
    """
    f, shape = _freqs(freqs)
    j = check_scalar(j, "j", unit="mV")
    delay = check_nonnegative(delay, "delay", unit="ms")
    tau_s = check_nonnegative(tau_s, "tau_s", unit="ms")
    variance = check_bool(variance, "variance")
    model = check_model(model, "model")
    tau = model.tau_m / MS_PER_S                                        # s: chi is per second
    k = tau * j * susceptibility(model, mu, sigma, f)
    if variance:
        k = k + tau * 0.5 * j * j * susceptibility(model, mu, sigma, f, channel="sigma2")
    w = 2.0 * np.pi * f / MS_PER_S                                      # rad/ms
    out = np.asarray(k * np.exp(-1j * w * delay) / (1.0 + 1j * w * tau_s)).reshape(shape)
    return out[()] if out.ndim == 0 else out
