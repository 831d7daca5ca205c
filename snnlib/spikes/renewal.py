r"""Renewal theory of Gamma spike trains, and the hazard estimated from interspike intervals.

A renewal process draws its interspike intervals (ISIs) independently from one density
:math:`p(\tau)`; everything else follows from it (Cox 1962, *Renewal Theory*; Gerstner et al.
2014, *Neuronal Dynamics*, ch. 7.5). For the Gamma density of order :math:`k` and rate
:math:`r` these functions give the closed forms:

* :func:`gamma_isi_density`, :func:`gamma_survivor`, :func:`gamma_hazard`: the ISI density, the
  survivor function :math:`S(\tau) = \int_\tau^\infty p` and the hazard :math:`\rho(\tau) =
  p(\tau)/S(\tau)`;
* :func:`gamma_autocorrelation`: the autocorrelation of the spike train without the delta peak
  at zero lag, :math:`A(\tau) = r\sum_{n\ge1}p_n(|\tau|)` with :math:`p_n` the density of the
  sum of :math:`n` ISIs;
* :func:`gamma_fano_factor`: the Fano factor of the spike count in a window of any length;
* :func:`gamma_spectrum`: the power spectrum :math:`S(f) = r\,\mathrm{Re}[(1 + \tilde p)/(1 -
  \tilde p)]`;

and :func:`hazard_estimate` measures the hazard from recorded ISIs, with standard errors.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import integrate, special, stats

from .._core.validation import check_array, check_positive, check_work
from ..units import MS_PER_S, hz_to_per_ms

__all__ = ["gamma_isi_density", "gamma_survivor", "gamma_hazard", "gamma_autocorrelation",
           "gamma_spectrum", "gamma_fano_factor", "HazardEstimate", "hazard_estimate"]


def _check_gamma(rate, shape_k):
    rate = check_positive(rate, "rate", unit="Hz")
    shape_k = check_positive(shape_k, "shape_k")
    return rate, shape_k


def _check_tau(tau, name="tau"):
    return check_array(tau, name, low=0.0)


def gamma_isi_density(tau, rate: float, shape_k: float) -> np.ndarray:
    r"""ISI density of a Gamma renewal process.

    Parameters
    ----------
    tau : float or array_like
        Interspike intervals (ms), >= 0.
    rate : float
        Firing rate :math:`r` (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` (dimensionless), > 0; ``C_V = 1/sqrt(k)``.

    Returns
    -------
    numpy.ndarray
        :math:`p(\tau) = (kr)^k\tau^{k-1}e^{-kr\tau}/\Gamma(k)` (1/ms), shape of ``tau``.

    Notes
    -----
    Cox (1962), *Renewal Theory*, sec. 1.3; mean ISI :math:`1/r`, variance :math:`1/(kr^2)`.

    Examples
    --------
    >>> from snnlib.spikes.renewal import gamma_isi_density
    >>> float(gamma_isi_density(0.0, 20.0, 1.0))   # r = 0.02 per ms
    0.02
    """
    tau = _check_tau(tau)
    rate, shape_k = _check_gamma(rate, shape_k)
    return stats.gamma.pdf(tau, a=shape_k, scale=1.0 / (shape_k * hz_to_per_ms(rate)))


def gamma_survivor(tau, rate: float, shape_k: float) -> np.ndarray:
    r"""Survivor function of a Gamma renewal process: the probability that an ISI exceeds ``tau``.

    Parameters
    ----------
    tau : float or array_like
        Time since the last spike (ms), >= 0.
    rate : float
        Firing rate (Hz), > 0.
    shape_k : float
        Gamma order (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`S(\tau) = \int_\tau^\infty p(s)\,ds = Q(k, kr\tau)` (dimensionless), with
        :math:`Q` the regularised upper incomplete Gamma function.

    Notes
    -----
    Gerstner et al. (2014), *Neuronal Dynamics*, eq. 7.26.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import gamma_survivor
    >>> bool(np.isclose(gamma_survivor(50.0, 20.0, 1.0), np.exp(-1.0)))
    True
    """
    tau = _check_tau(tau)
    rate, shape_k = _check_gamma(rate, shape_k)
    return special.gammaincc(shape_k, shape_k * hz_to_per_ms(rate) * tau)


def gamma_hazard(tau, rate: float, shape_k: float) -> np.ndarray:
    r"""Hazard of a Gamma renewal process: the rate of firing given no spike for a time ``tau``.

    Parameters
    ----------
    tau : float or array_like
        Time since the last spike (ms), >= 0.
    rate : float
        Firing rate (Hz), > 0.
    shape_k : float
        Gamma order (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`\rho(\tau) = p(\tau)/S(\tau)` (Hz). It rises from 0 to :math:`kr` for
        :math:`k > 1`, is :math:`r` for all ``tau`` at :math:`k = 1` (Poisson) and falls from
        infinity to :math:`kr` for :math:`k < 1`.

    Notes
    -----
    Gerstner et al. (2014), *Neuronal Dynamics*, eq. 7.28; computed from the logarithms of
    the density and the survivor function and, where the survivor function underflows even
    as a logarithm, from :math:`1/\rho(\tau) = \int_0^\infty(1 + s/\tau)^{k-1}e^{-krs}\,ds`.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import gamma_hazard
    >>> bool(np.allclose(gamma_hazard([1.0, 100.0], 20.0, 1.0), 20.0))
    True
    """
    tau = _check_tau(tau)
    rate, shape_k = _check_gamma(rate, shape_k)
    kr = shape_k * hz_to_per_ms(rate)
    dist = stats.gamma(a=shape_k, scale=1.0 / kr)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(MS_PER_S * np.exp(dist.logpdf(tau) - dist.logsf(tau)), dtype=float)
    # far in the tail logsf underflows to -inf: there 1/rho = int_0^inf (1 + s/tau)^(k-1) e^(-k r s) ds
    far = np.flatnonzero(~np.isfinite(out) & (tau > 0))
    flat = out.reshape(-1)
    for i in far:
        t = float(tau.reshape(-1)[i])
        inv = integrate.quad(lambda s: np.exp((shape_k - 1.0) * np.log1p(s / t) - kr * s), 0.0, np.inf)[0]
        flat[i] = MS_PER_S / inv
    return out


def gamma_autocorrelation(lags, rate: float, shape_k: float) -> np.ndarray:
    r"""Autocorrelation of a stationary Gamma spike train, without the delta peak at zero lag.

    Parameters
    ----------
    lags : float or array_like
        Time lags :math:`\tau` (ms), finite; the function is even in ``tau``.
    rate : float
        Firing rate :math:`r` (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`A(\tau) = \langle x(t)x(t+\tau)\rangle - r\delta(\tau) = r\sum_{n\ge1}p_n(|\tau|)`
        (Hz^2), with :math:`p_n` the Gamma density of order :math:`nk` (the sum of :math:`n`
        ISIs). It tends to :math:`r^2` at long lags; this is the ``correlation`` of
        :func:`~snnlib.spikes.statistics.cross_correlogram` for a pair ``(k, k)``.

    Notes
    -----
    Cox (1962), *Renewal Theory*, sec. 4.1 (renewal density); Gerstner et al. (2014), eq. 7.47.
    The series is summed until the :math:`n`-th spike lies more than eight standard
    deviations beyond the largest lag.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import gamma_autocorrelation
    >>> a = gamma_autocorrelation([5.0, 300.0], 20.0, 1.0)
    >>> bool(np.allclose(a, 400.0))   # r^2
    True
    """
    lags = np.abs(check_array(lags, "lags"))
    rate, shape_k = _check_gamma(rate, shape_k)
    r = hz_to_per_ms(rate)
    t_far = float(lags.max(initial=0.0))
    n_max = _n_terms(t_far, r, shape_k)   # mean n/r, sd sqrt(n/k)/r of the n-th spike
    check_work(float(n_max) * lags.size, "lags", what="terms of the renewal series")
    total = np.zeros(lags.shape)
    for n in range(1, n_max + 1):
        total += stats.gamma.pdf(lags, a=n * shape_k, scale=1.0 / (shape_k * r))
    return rate * MS_PER_S * total


def gamma_spectrum(freqs, rate: float, shape_k: float) -> np.ndarray:
    r"""Power spectrum of a stationary Gamma spike train.

    Parameters
    ----------
    freqs : float or array_like
        Frequencies :math:`f` (Hz), finite; the spectrum is even in ``f``.
    rate : float
        Firing rate :math:`r` (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`S(f) = r\,\mathrm{Re}\,[1 + \tilde p(f)]/[1 - \tilde p(f)]` (Hz) in the book's
        two-sided convention (:math:`S \to r` at high frequency), with the characteristic
        function :math:`\tilde p(f) = (1 - 2\pi i f/(kr))^{-k}` of the ISI; at :math:`f = 0`
        the limit :math:`S(0) = r C_V^2 = r/k`.

    Notes
    -----
    Cox & Lewis (1966), *The Statistical Analysis of Series of Events*, eq. 4.5.24;
    Gerstner et al. (2014), eq. 7.49.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import gamma_spectrum
    >>> np.round(gamma_spectrum([0.0, 1000.0], 20.0, 4.0), 2)
    array([ 5., 20.])
    """
    freqs = np.abs(check_array(freqs, "freqs"))
    rate, shape_k = _check_gamma(rate, shape_k)
    out = np.full(freqs.shape, rate / shape_k)
    nz = freqs > 0
    p_f = (1.0 - 2j * np.pi * freqs[nz] / (shape_k * rate)) ** (-shape_k)
    out[nz] = rate * np.real((1.0 + p_f) / (1.0 - p_f))
    return out


def _n_terms(t_far: float, r: float, shape_k: float) -> int:
    """Terms of a renewal series up to ``t_far`` (ms): the n-th spike 8 sd beyond it."""
    n_max = 1
    while (n_max - 8.0 * np.sqrt(n_max / shape_k)) / r <= t_far:
        n_max += 1
    return n_max


def gamma_fano_factor(windows, rate: float, shape_k: float) -> np.ndarray:
    r"""Fano factor of the spike count of a stationary Gamma train in windows of length ``windows``.

    Parameters
    ----------
    windows : float or array_like
        Counting windows :math:`T_w` (ms), > 0.
    rate : float
        Firing rate :math:`r` (Hz), > 0.
    shape_k : float
        Gamma order :math:`k` (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`F(T_w) = 1 + \frac{2}{T_w}\int_0^{T_w}[H(u) - ru]\,du` (dimensionless), with
        the renewal function :math:`H(u) = \sum_{n\ge1}P(T_1 + \dots + T_n \le u)`, the
        expected number of spikes in :math:`(0, u]` after a spike. :math:`F \to 1` for
        short windows and :math:`F \to C_V^2 = 1/k` for long ones.

    Notes
    -----
    Cox (1962), *Renewal Theory*, eq. 4.5.2 for the variance of the count of an equilibrium
    renewal process, :math:`\operatorname{Var}N(T_w) = rT_w + 2r\int_0^{T_w}[H(u) - ru]\,du`;
    the integral is by adaptive quadrature. For :math:`k < 1` the short-window excess
    :math:`F - 1` grows like :math:`T_w^k`, not linearly, since :math:`H(u) \propto u^k`.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import gamma_fano_factor
    >>> np.round(gamma_fano_factor([1.0, 1e5], 20.0, 1.0), 6)
    array([1., 1.])
    >>> round(float(gamma_fano_factor(1e6, 20.0, 4.0)), 4)   # C_V^2 = 1/4
    0.25
    """
    windows = check_array(windows, "windows", low=0.0)
    if np.any(windows <= 0):
        raise ValueError("windows must be > 0 (ms)")
    rate, shape_k = _check_gamma(rate, shape_k)
    r = hz_to_per_ms(rate)
    out = np.empty(windows.shape)
    flat = out.reshape(-1)
    for i, w in enumerate(windows.reshape(-1)):
        w = float(w)
        # beyond a few hundred mean ISIs H(u) - ru has reached its limit (C_V^2 - 1)/2
        u_max = min(w, 400.0 / r)
        check_work(float(_n_terms(u_max, r, shape_k)) * 2000.0, "windows", what="terms of the renewal series")
        n = np.arange(1, _n_terms(u_max, r, shape_k) + 1)

        def excess(u):
            return float(np.sum(special.gammainc(n * shape_k, shape_k * r * u))) - r * u

        integral = integrate.quad(excess, 0.0, u_max, limit=500, epsabs=1e-8 * u_max, epsrel=1e-8)[0]
        integral += (w - u_max) * (1.0 / shape_k - 1.0) / 2.0
        flat[i] = 1.0 + 2.0 * integral / w
    return out


class HazardEstimate(NamedTuple):
    """Hazard and survivor function measured from ISIs by :func:`hazard_estimate`.

    Parameters
    ----------
    edges : numpy.ndarray, shape (n_bins + 1,)
        Bin edges of the time since the last spike (ms).
    hazard : numpy.ndarray, shape (n_bins,)
        Estimated mean hazard over each bin (Hz); NaN where no ISI reaches the bin.
    sem : numpy.ndarray, shape (n_bins,)
        Binomial standard error of ``hazard`` (Hz).
    survivor : numpy.ndarray, shape (n_bins + 1,)
        Fraction of ISIs longer than each edge (dimensionless).
    at_risk : numpy.ndarray, shape (n_bins,)
        Number of ISIs that reach each bin (counts).

    Examples
    --------
    >>> from snnlib.spikes.renewal import hazard_estimate
    >>> h = hazard_estimate([10.0, 30.0, 50.0], [0.0, 20.0, 40.0, 60.0])
    >>> h.at_risk.tolist(), h.survivor.tolist()
    ([3, 2, 1], [1.0, 0.6666666666666666, 0.3333333333333333, 0.0])
    """

    edges: np.ndarray
    hazard: np.ndarray
    sem: np.ndarray
    survivor: np.ndarray
    at_risk: np.ndarray


def hazard_estimate(isis, edges) -> HazardEstimate:
    r"""Hazard and survivor function of a renewal process estimated from its ISIs.

    Parameters
    ----------
    isis : array_like, shape (n,)
        Interspike intervals (ms), >= 0, at least one.
    edges : array_like, shape (n_bins + 1,)
        Increasing bin edges of the time since the last spike (ms), >= 0, at least two.

    Returns
    -------
    HazardEstimate
        ``hazard`` (Hz), its standard error ``sem`` (Hz), ``survivor`` at the edges and the
        number ``at_risk`` of ISIs that reach each bin.

    Notes
    -----
    Life-table estimate (Cox & Lewis 1966, sec. 6.3): of the :math:`n_j` ISIs longer than
    the left edge :math:`\tau_j` of bin :math:`j`, :math:`d_j` end in the bin, so the
    probability of a spike in the bin given none before is :math:`q_j = d_j/n_j`, with
    binomial standard error :math:`\sqrt{q_j(1 - q_j)/n_j}`. Since
    :math:`1 - q_j` estimates :math:`S(\tau_{j+1})/S(\tau_j) = \exp(-\int_{\rm bin}\rho)`,
    the hazard returned is :math:`-\ln(1 - q_j)/\Delta_j`, the *mean of* :math:`\rho` *over
    the bin* for any bin width (``q / width`` would fall short of it where
    :math:`\rho\Delta_j` is not small), with the delta-method standard error
    :math:`\sqrt{q_j/((1 - q_j)n_j)}/\Delta_j`. A bin in which every remaining ISI ends
    gets an infinite hazard.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes.renewal import hazard_estimate
    >>> rng = np.random.default_rng(0)
    >>> h = hazard_estimate(rng.exponential(50.0, 100_000),
    ...                     np.arange(0.0, 101.0, 1.0))
    >>> # mean ISI 50 ms: 20 Hz
    >>> bool(np.all(np.abs(h.hazard - 20.0) < 5 * h.sem))
    True
    """
    isis = check_array(isis, "isis", ndim=1, low=0.0)
    if isis.size == 0:
        raise ValueError("isis must hold at least one interspike interval, got none")
    edges = check_array(edges, "edges", ndim=1, low=0.0)
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError("edges must be at least two strictly increasing bin edges (ms)")
    srt = np.sort(isis)
    longer = srt.size - np.searchsorted(srt, edges, side="right")   # ISIs > each edge
    at_risk = srt.size - np.searchsorted(srt, edges[:-1], side="left")  # ISIs >= left edge
    ended = at_risk - longer[1:]
    width = np.diff(edges)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = ended / at_risk
        hazard = -MS_PER_S * np.log1p(-q) / width          # mean of rho over the bin
        sem = MS_PER_S * np.sqrt(q / ((1.0 - q) * at_risk)) / width
    return HazardEstimate(edges, hazard, sem, longer / srt.size, at_risk)
