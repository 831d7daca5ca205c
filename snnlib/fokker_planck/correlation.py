r"""Correlation transfer: the spike-count correlation that shared white noise induces (chapter 7).

Two neurons of the same model that receive the same mean input :math:`\mu` and white noise of
amplitude :math:`\sigma`, a fraction :math:`c` of whose variance is common to both
(:func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` with ``input_correlation=c``), fire correlated spike trains.
To first order in :math:`c` the correlation follows from two properties of the single neuron
that the Fokker-Planck theory gives: its susceptibility :math:`\chi(f)`
(:func:`~snnlib.fokker_planck.linear_response.susceptibility`) and its spike-train power spectrum
:math:`S(f)` (:func:`~snnlib.fokker_planck.linear_response.spike_spectrum`) (Lindner, Doiron &
Longtin 2005, Phys Rev E 72:061919; de la Rocha, Doiron, Shea-Brown, Josic & Reyes 2007, Nature
448:802; Shea-Brown, Josic, de la Rocha & Doiron 2008, Phys Rev Lett 100:108102).
:func:`shared_input_correlation` computes the correlation coefficient of the spike counts in
windows of any length and its long-window limit.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import special

from .._core.validation import check_array, check_scalar
from ..models import check_model
from ..units import MS_PER_S
from .linear_response import spike_spectrum, susceptibility
from .stationary import stationary

__all__ = ["shared_input_correlation"]

#: Target relative error of the window integrals (interpolation and truncated tail each).
_RTOL = 1e-5
#: Nodes per half-width of the narrowest spectral feature on the first, uniform part of the grid.
_NODES_PER_WIDTH = 8
#: Most bisections of every grid interval while the error estimate exceeds :data:`_RTOL`.
_MAX_BISECTIONS = 5
#: Most doublings of the highest frequency while the truncated tail exceeds :data:`_RTOL`.
_MAX_DOUBLINGS = 12
#: Cin(x) by its Taylor series below this x (the closed form cancels there), 12 terms: error < 1e-25.
_CIN_SERIES_X = 1.0


def shared_input_correlation(model, mu, sigma, c, windows=None, *, v_lb=None, dv=None):
    r"""Spike-count correlation of two neurons sharing a fraction ``c`` of their white noise
    (linear response).

    Parameters
    ----------
    model : LIF, EIF or IFModel
        Neuron model (ms, mV), the same for both neurons.
    mu : float
        Mean input of each neuron (mV).
    sigma : float
        Noise amplitude of each neuron (mV), > 0: the standard deviation of the free membrane
        potential (book convention, noise term :math:`\sigma\sqrt{2\tau_m}\,\xi`).
    c : float
        Input correlation in [0, 1]: the correlation coefficient of the two neurons' white noises
        (``input_correlation`` of :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`). The result is first order
        in ``c`` (see Notes): accurate for small ``c``.
    windows : None, float or array_like
        Counting windows :math:`T` (ms), > 0. ``None``: the limit :math:`T\to\infty`.
    v_lb, dv : float, optional
        Voltage grid of the Fokker-Planck solvers, as in
        :func:`~snnlib.fokker_planck.stationary.stationary`.

    Returns
    -------
    float or ndarray
        Correlation coefficient :math:`\rho_T` of the two neurons' spike counts in windows of
        each length (dimensionless, shape of ``windows``); a float, :math:`\rho_\infty`, when
        ``windows`` is None.

    Notes
    -----
    *Cross-spectrum.* Write the noise of neuron :math:`i` in the membrane equation
    :math:`\tau_m\dot V_i = E_L - V_i + \psi(V_i) + \mu + \eta_i(t)` as
    :math:`\eta_i = \sigma\sqrt{2\tau_m}\,(\sqrt{1 - c}\,\xi_i + \sqrt{c}\,\xi_0)` with independent
    unit white noises :math:`\xi_0, \xi_1, \xi_2`. The common part
    :math:`\eta_0 = \sigma\sqrt{2 c \tau_m}\,\xi_0(t)` enters exactly like a modulation of
    :math:`\mu`, so to first order in it each output spike train is
    :math:`\tilde x_i(f) = \tilde x_i^{(0)}(f) + \chi(f)\,\tilde\eta_0(f)`, where
    :math:`\tilde x_i^{(0)}` are independent and :math:`\chi` is the susceptibility to :math:`\mu`.
    :math:`\langle\eta_0(t)\eta_0(t')\rangle = 2c\sigma^2\tau_m\,\delta(t - t')` has the flat
    two-sided spectrum :math:`2c\sigma^2\tau_m`, hence the cross-spectrum of the spike trains

    .. math::

        C_{12}(f) = 2c\,\sigma^2\tau_m\,|\chi(f)|^2,

    in Hz with :math:`\chi` in Hz/mV, :math:`\sigma` in mV and :math:`\tau_m` in s (Lindner et al.
    2005; de la Rocha et al. 2007, Methods). Each neuron alone still receives white noise
    of amplitude :math:`\sigma`, so its spectrum :math:`S(f)` is exactly that of the neuron
    without shared input.

    *Counts.* The count :math:`N_i = \int_0^T x_i\,dt` has
    :math:`\mathrm{Cov}(N_1, N_2) = \int C_{12}(f)\,K_T(f)\,df` and
    :math:`\mathrm{Var}\,N_i = \int S(f)\,K_T(f)\,df` (integrals over all :math:`f`), with
    :math:`K_T(f) = |\int_0^T e^{2\pi i f t}dt|^2 = \sin^2(\pi f T)/(\pi f)^2`, so

    .. math::

        \rho_T = \frac{\int C_{12}(f)\,K_T(f)\,df}{\int S(f)\,K_T(f)\,df}
        \;\xrightarrow{T\to\infty}\;
        \rho_\infty = \frac{C_{12}(0)}{S(0)} = \frac{2c\,\sigma^2\tau_m\,\chi(0)^2}{r_0\,CV^2},

    since :math:`K_T/T \to \delta(f)` and :math:`S(0) = r_0 CV^2` for the renewal spike train of
    an IF neuron (Shea-Brown et al. 2008, whose input variance per unit time is
    :math:`2\sigma^2\tau_m` here; :math:`\chi(0) = dr_0/d\mu`). :math:`\rho_T` is first order in
    :math:`c` and the next order is :math:`O(c^2)`: Monte Carlo of the noise-driven LIF exceeds
    it by 0.5c to 0.8c relative in 10 ms windows for c = 0.05-0.2, by less in longer ones
    (tests/fokker_planck/test_correlation_transfer.py).

    *Numerics.* :math:`\mathrm{Var}\,N = r_0 T + 2\int_0^\infty (S - r_0) K_T\,df` (since
    :math:`\int K_T\,df = T`) and :math:`\mathrm{Cov} = 2\int_0^\infty C_{12} K_T\,df`: both
    integrands decay at high frequency (:math:`S - r_0` fast, :math:`|\chi|^2` as :math:`1/f` for
    the LIF and :math:`1/f^2` for the EIF). The spectra are computed on a grid that resolves
    them, independently of :math:`T`: uniform up to a few harmonics of the rate, with spacing
    1/8 of the narrowest feature (the half-width :math:`\pi CV^2 r_0` of the peak of :math:`S` at
    the rate, :math:`r_0` itself, and the membrane corner :math:`1/(2\pi\tau_m)`), then growing
    geometrically. Between nodes they are interpolated linearly and the product with
    :math:`K_T` is integrated exactly (antiderivatives of :math:`K_T` and :math:`fK_T` in the sine
    and cosine integrals), so the oscillations of :math:`K_T` cost no nodes for any :math:`T`.
    Interpolation error: :math:`O(h^2)`, estimated from the same integral on every other node
    (one third of the difference) and the grid bisected until it is below ``1e-5`` relative.
    Truncation: beyond the last node :math:`F` the integrand of the covariance is at most
    :math:`C_{12}(F)\,(F/f)/(\pi f)^2` (:math:`|\chi|^2` falls at least as :math:`1/f`), a tail
    (both signs of :math:`f`) below :math:`C_{12}(F)/(\pi^2 F)`, added as the estimate
    :math:`C_{12}(F)/(2\pi^2 F)` (:math:`\sin^2 \to 1/2`); that of the variance is below
    :math:`2|S(F) - r_0|/(\pi^2 F)`. :math:`F` starts at ``max(10 / T, 20 f_u)`` with
    :math:`f_u` the end of the uniform part, and is doubled until both bounds are below
    ``1e-5`` of the integrals. So each :math:`\rho_T` carries a numerical error of order
    ``1e-5`` relative, far below the :math:`O(c)` error of the linear response.

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF()
    >>> rho_inf = snnlib.shared_input_correlation(lif, 12.0, 3.0, 0.1)
    >>> rho = snnlib.shared_input_correlation(lif, 12.0, 3.0, 0.1,
    ...                                       windows=[10.0, 100.0, 1e5])
    >>> bool(rho[0] < rho[1] < rho[2]), bool(abs(rho[2] / rho_inf - 1) < 1e-3)
    (True, True)
    """
    model = check_model(model, "model")
    mu = check_scalar(mu, "mu", unit="mV")
    sigma = check_scalar(sigma, "sigma", low=0.0, low_inclusive=False, unit="mV")
    c = check_scalar(c, "c", low=0.0, high=1.0)
    st = stationary(model, mu, sigma, v_lb=v_lb, dv=dv)
    r0, cv = st.rate, st.cv                                      # Hz, dimensionless
    noise = 2.0 * c * sigma ** 2 * model.tau_m / MS_PER_S        # spectrum of the common input (mV^2 s)
    if windows is None:
        chi0 = float(np.real(susceptibility(model, mu, sigma, 0.0, v_lb=v_lb, dv=dv)))
        return noise * chi0 ** 2 / (r0 * cv ** 2) if r0 > 0.0 else 0.0
    shape = np.shape(windows)
    t = check_array(windows, "windows", low=0.0, unit="ms").ravel() / MS_PER_S   # s
    if np.any(t == 0.0):
        raise ValueError("windows must be > 0 ms (counting windows), got a window of 0 ms")
    if c == 0.0 or r0 == 0.0:                                    # no shared input, or no spikes
        rho = np.zeros(t.size)
    else:
        spectra = _Spectra(model, mu, sigma, r0, noise, v_lb, dv)
        cov, var = _count_moments(spectra, _initial_grid(r0, cv, model.tau_m, t.min()), t, r0)
        rho = cov / var
    return rho.reshape(shape)[()]


class _Spectra:
    """C12(f) (Hz) and S(f) - r0 (Hz) of one operating point, each frequency computed once."""

    def __init__(self, model, mu, sigma, r0, noise, v_lb, dv):
        self.args = (model, mu, sigma)
        self.kw = {"v_lb": v_lb, "dv": dv}
        self.r0, self.noise = r0, noise
        self._known: dict[float, tuple[float, float]] = {}

    def __call__(self, freqs):
        new = np.array(sorted(set(freqs.tolist()) - self._known.keys()))
        if new.size:
            chi = susceptibility(*self.args, new, **self.kw)
            s = spike_spectrum(*self.args, new, **self.kw)
            self._known.update(zip(new.tolist(), zip((self.noise * np.abs(chi) ** 2).tolist(),
                                                        (s - self.r0).tolist())))
        vals = np.array([self._known[f] for f in freqs.tolist()])
        return vals[:, 0], vals[:, 1]


def _initial_grid(r0, cv, tau_m, t_min):
    """Frequency nodes (Hz) that resolve C12 and S: uniform to a few harmonics of the rate, then
    geometric to a first cut-off (extended later if the tail needs it)."""
    f_tau = MS_PER_S / (2.0 * math.pi * tau_m)                   # membrane corner (Hz)
    widths = [f_tau] + ([math.pi * cv ** 2 * r0, r0] if r0 > 0.0 else [])
    h0 = min(widths) / _NODES_PER_WIDTH
    # harmonics k of the rate stay peaks narrower than r0 while pi CV^2 k^2 < 1
    f_uniform = max(4.0 * f_tau, r0 * (2.0 + 1.0 / (math.sqrt(math.pi) * max(cv, 1e-3))))
    uniform = np.arange(0.0, f_uniform, h0)
    ratio = 1.0 + min(0.125, math.sqrt(math.pi) * cv / _NODES_PER_WIDTH)
    f_max = max(20.0 * f_uniform, 10.0 / t_min)
    n_geo = int(math.ceil(math.log(f_max / f_uniform) / math.log(ratio)))
    return np.concatenate([uniform, f_uniform * ratio ** np.arange(n_geo + 1)])


def _count_moments(spectra, freqs, t, r0):
    """Cov(N1, N2) and Var N (spikes^2) for windows t (s): the range of ``freqs`` (Hz) is doubled
    until the bound on the truncated tail, then every interval bisected until the estimated
    interpolation error, are below :data:`_RTOL` relative (a ``RuntimeWarning`` if not reached)."""
    for doublings in range(_MAX_DOUBLINGS + 1):
        c12, ds = spectra(freqs)
        cov, var = _moments_on(freqs, c12, ds, t, r0)
        f_top = freqs[-1]
        # |C12| <= C12(F) F / f and |S - r0| <= |S(F) - r0| beyond F, K_T <= 1/(pi f)^2
        tail = max(float(np.max(c12[-1] / (math.pi ** 2 * f_top) / np.abs(cov))),
                   float(np.max(2.0 * abs(ds[-1]) / (math.pi ** 2 * f_top) / var)))
        if tail <= _RTOL or doublings == _MAX_DOUBLINGS:
            break
        freqs = np.concatenate([freqs, f_top * np.geomspace(1.0, 2.0, 9)[1:]])
    for bisections in range(_MAX_BISECTIONS + 1):
        keep = np.zeros(freqs.size, dtype=bool)
        keep[::2] = keep[-1] = True
        cov2, var2 = _moments_on(freqs[keep], c12[keep], ds[keep], t, r0)
        err = float(np.max(np.maximum(np.abs(cov2 - cov) / np.abs(cov), np.abs(var2 - var) / var))) / 3.0
        if err <= _RTOL or bisections == _MAX_BISECTIONS:
            break
        freqs = np.sort(np.r_[freqs, 0.5 * (freqs[1:] + freqs[:-1])])
        c12, ds = spectra(freqs)
        cov, var = _moments_on(freqs, c12, ds, t, r0)
    if max(tail, err) > _RTOL:
        warnings.warn(f"shared_input_correlation: estimated relative error {max(tail, err):.2g} of the window "
                      f"integrals exceeds {_RTOL:g} after refining the frequency grid to {freqs.size} nodes",
                      RuntimeWarning, stacklevel=3)
    return cov, var


def _moments_on(freqs, c12, ds, t, r0):
    """Cov and Var of the counts in windows t (s) with C12 and S - r0 linear between ``freqs``
    (Hz), plus the estimated tail of C12 beyond the last node."""
    cov = 2.0 * _linear_times_kernel(freqs, c12, t) + c12[-1] / (2.0 * math.pi ** 2 * freqs[-1])  # tail estimate
    var = r0 * t + 2.0 * _linear_times_kernel(freqs, ds, t)
    return cov, var


def _linear_times_kernel(f, g, t):
    r""":math:`\int_{f_0}^{f_{n-1}} g(f) K_T(f)\,df` for each window ``t`` (s), ``g`` linear between
    the nodes ``f`` (Hz), from the exact antiderivatives of :math:`K_T` and :math:`f K_T`."""
    s = 2.0 * math.pi * t[:, None]                               # (n_windows, 1), rad s
    a0 = _antiderivative_k(f[None, :], s)
    a1 = _cin(s * f[None, :]) / (2.0 * math.pi ** 2)             # int_0^f f' K_T(f') df'
    d0, d1 = np.diff(a0, axis=1), np.diff(a1, axis=1)
    slope = np.diff(g) / np.diff(f)
    # on [f_a, f_b]: g = g_a + slope (f - f_a)
    return np.sum(g[:-1] * d0 + slope * (d1 - f[:-1] * d0), axis=1)


def _antiderivative_k(f, s):
    r""":math:`\int_0^f K_T = (s\,\mathrm{Si}(sf) - 2\sin^2(sf/2)/f) / (2\pi^2)` with
    :math:`s = 2\pi T` (0 at f = 0)."""
    x = s * f
    si, _ = special.sici(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        head = np.where(f > 0.0, 2.0 * np.sin(0.5 * x) ** 2 / np.where(f > 0.0, f, 1.0), 0.0)
    return (s * si - head) / (2.0 * math.pi ** 2)


def _cin(x):
    r""":math:`\mathrm{Cin}(x) = \int_0^x (1 - \cos u)/u\,du = \gamma + \ln x - \mathrm{Ci}(x)`
    (Abramowitz & Stegun 5.2.2), by its series :math:`\sum_k (-1)^{k+1} x^{2k}/(2k\,(2k)!)` for
    small x, where the closed form cancels."""
    x = np.asarray(x, dtype=float)
    small = x < _CIN_SERIES_X
    xs = np.where(small, x, 0.0)
    series = np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, 13):
        term = term * xs * xs / ((2 * k - 1) * (2 * k))          # x^{2k} / (2k)!
        series += (-1) ** (k + 1) * term / (2 * k)
    xl = np.where(small, 1.0, x)
    _, ci = special.sici(xl)
    return np.where(small, series, np.euler_gamma + np.log(xl) - ci)
