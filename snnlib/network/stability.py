r"""Linear stability of the asynchronous state of Brunel's (2000) model A (chapter 8).

In model A every neuron, excitatory or inhibitory, receives :math:`C_E` excitatory inputs of
weight :math:`J`, :math:`C_I = \gamma C_E` inhibitory ones of weight :math:`-gJ`, all with delay
:math:`d`, so in the asynchronous state all neurons share one rate :math:`\nu_0` and one working
point (:func:`~snnlib.network.mean_field.brunel_mean_field`). A small modulation
:math:`\delta\nu(f)` of the population rate changes every neuron's mean input by
:math:`\tau_m J C_E (1 - \gamma g)\,e^{-2\pi i f d}\,\delta\nu(f)` and so its rate by
:math:`\chi(f)` times that: the loop gain is

.. math::

    L(f) = \Bigl[\chi_\mu(f)\,\tau_m J C_E (1 - \gamma g)
    + \chi_{\sigma^2}(f)\,\frac{\tau_m}{2} J^2 C_E (1 + \gamma g^2)\Bigr] e^{-2\pi i f d},

where the second term is the modulation of the input variance, :math:`\sigma^2 = \frac{\tau_m}{2}
J^2 C_E(\nu_{ext} + \nu(1 + \gamma g^2))` in the book's units, by the rate (Brunel & Hakim 1999;
Brunel 2000), with :math:`\chi_{\sigma^2}` from :func:`susceptibility
<snnlib.fokker_planck.linear_response.susceptibility>` (``channel="sigma2"``).

The state is stable when :math:`1 - L(s) = 0` has no root with :math:`\mathrm{Re}\,s \ge 0`
(Brunel & Hakim 1999; Brunel 2000, sec. 4), which the argument principle counts as the winding
number of :math:`1 - L(f)` around 0 for :math:`-\infty < f < \infty` (:math:`L` has no poles
there: the neuron alone is stable; the Nyquist criterion), equivalently to solving the eigenvalue
equation as Brunel and Hakim do. It is counted as signed crossings of the negative real axis on
:math:`0 \le f \le` 4 kHz; beyond, :math:`|L| < 1` (it tends to the recurrent share of the input
variance, not to 0), so no crossing is missed. At the boundary the curve passes
through 0 at a real frequency :math:`f^*`, the frequency of the oscillation that appears
(:math:`f^* = 0`: the rate itself runs away). ``variance=False`` leaves the variance term out
(the mean channel only), to show what it contributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._core.validation import check_array, check_bool, check_int, check_positive
from ..fokker_planck import susceptibility
from ..units import MS_PER_S
from .mean_field import brunel_mean_field
from .network import BRUNEL_LIF

__all__ = ["BrunelStability", "brunel_stability", "brunel_instability_lines"]

#: Frequencies (Hz) on which the loop gain is followed: dense where the delay turns the phase,
#: up to where |chi| has fallen far below the gains of model A.
F_MAX = 4000.0
N_FREQS = 2001


@dataclass(frozen=True)
class BrunelStability:
    """Linear stability of model A's asynchronous state at one (g, eta) (read-only).

    Parameters
    ----------
    g, eta : float
        The point.
    rate : float
        Mean-field rate (Hz); NaN where mean-field theory has no stationary state.
    stable : bool
        True if no root of :math:`1 - L` has a nonnegative real part.
    winding : int
        Winding number of :math:`1 - L(f)` around 0 over all real frequencies (0 when stable),
        counted as signed crossings of the negative real axis (see ``_winding``).
    freq : float
        Smallest frequency at which :math:`L(f)` is real and > 1 (Hz): the frequency of the
        growing mode near the boundary; NaN when there is none.
    freqs : ndarray
        Frequencies of the gain curve (Hz).
    gain : ndarray of complex
        :math:`L(f)` (dimensionless).

    Examples
    --------
    >>> import snnlib
    >>> # the asynchronous irregular state
    >>> snnlib.network.brunel_stability(5.0, 2.0).stable
    True
    """

    g: float
    eta: float
    rate: float
    stable: bool
    winding: int
    freq: float
    freqs: np.ndarray
    gain: np.ndarray


def _winding(gain: np.ndarray) -> int:
    """Winding number of 1 - L around 0 over f in (-inf, inf), from L on 0 <= f <= F_MAX.

    Counted as the signed crossings of the negative real axis by 1 - L (where L is real and > 1):
    +1 for a crossing counter-clockwise about 0 (imaginary part from + to -). The half f < 0 is
    the mirror image of f > 0 (L(-f) = conj L(f)) traversed backwards, so it crosses as often
    with the same signs; a crossing at f = 0 itself (L(0) > 1) counts once. Beyond the grid the
    count is complete if |L| < 1 there (1 - L then stays in a disk about 1 that excludes 0); with
    the variance channel |L| tends to the recurrent share of the input variance, below 1, not to 0.
    """
    z = 1.0 - gain
    im, re = z.imag, z.real
    count = 0
    for k in range(z.size - 1):
        a, b = im[k], im[k + 1]
        if (a > 0.0) == (b > 0.0) or (k == 0 and a == 0.0):
            continue
        t = a / (a - b)
        if re[k] + t * (re[k + 1] - re[k]) < 0.0:
            count += 1 if a > 0.0 else -1
    total = 2 * count
    if re[0] < 0.0:                    # through the negative axis at f = 0, from conj(z(df)) to z(df)
        total += 1 if im[1] < 0.0 else -1
    return total


def _crossing(freqs: np.ndarray, gain: np.ndarray) -> float:
    """Smallest f at which L(f) crosses the real axis beyond 1 (linear interpolation)."""
    if gain[0].real > 1.0:
        return 0.0
    im = gain.imag
    idx = np.nonzero((im[:-1] == 0.0) | (np.sign(im[:-1]) != np.sign(im[1:])))[0]
    for k in idx:
        t = im[k] / (im[k] - im[k + 1]) if im[k] != im[k + 1] else 0.0
        re = gain[k].real + t * (gain[k + 1].real - gain[k].real)
        if re > 1.0:
            return float(freqs[k] + t * (freqs[k + 1] - freqs[k]))
    return float("nan")


def brunel_stability(g, eta, *, n_exc: int = 10000, n_inh: int = 2500, epsilon: float = 0.1, j: float = 0.1,
                     delay: float = 1.5, model=BRUNEL_LIF, variance: bool = True) -> BrunelStability:
    r"""Linear stability of the asynchronous state of Brunel's model A (mean and variance channels; see the
    module docstring).

    Parameters
    ----------
    g, eta : float
        Relative inhibition and external drive (> 0), as in :func:`brunel_network
        <snnlib.network.network.brunel_network>`.
    n_exc, n_inh, epsilon, j, delay, model
        As in :func:`brunel_network <snnlib.network.network.brunel_network>` (``j`` in mV,
        ``delay`` in ms).
    variance : bool
        Include the modulation of the input variance by the rate (default); False: the mean
        channel only.

    Returns
    -------
    BrunelStability
        Stable or not, the winding number, the frequency of the growing mode (Hz) and the gain
        curve. Where mean-field theory finds no stationary state (the rate runs away) the state
        is reported unstable with ``freq`` 0.

    Examples
    --------
    >>> import snnlib
    >>> # Brunel's fast synchronous state
    >>> s = snnlib.network.brunel_stability(6.0, 4.0)
    >>> s.stable, bool(100.0 < s.freq < 300.0)
    (False, True)
    """
    g, eta = check_positive(g, "g"), check_positive(eta, "eta")
    delay = check_positive(delay, "delay", unit="ms")
    n_exc, n_inh = check_int(n_exc, "n_exc"), check_int(n_inh, "n_inh")
    c_e, c_i = max(1, round(epsilon * n_exc)), max(1, round(epsilon * n_inh))
    freqs = np.linspace(0.0, F_MAX, N_FREQS)
    try:
        mf = brunel_mean_field(g, eta, n_exc=n_exc, n_inh=n_inh, epsilon=epsilon, j=j, delay=delay, model=model)
    except ValueError:
        nan = np.full(freqs.size, np.nan + 0j)
        return BrunelStability(g, eta, float("nan"), False, 1, 0.0, freqs, nan)
    tau_s = model.tau_m / MS_PER_S
    gamma = c_i / c_e
    loop = susceptibility(model, mf["mu"], mf["sigma"], freqs) * tau_s * j * c_e * (1.0 - gamma * g)
    if check_bool(variance, "variance"):
        chi2 = susceptibility(model, mf["mu"], mf["sigma"], freqs, channel="sigma2")
        loop = loop + chi2 * tau_s / 2.0 * j * j * c_e * (1.0 + gamma * g * g)
    gain = loop * np.exp(-2j * np.pi * freqs * delay / MS_PER_S)
    wind = _winding(gain)
    tail = np.abs(gain[int(0.9 * gain.size):])
    if wind == 0 and tail.max() >= 1.0:
        raise ValueError(f"g={g:g}, eta={eta:g}: |L(f)| = {tail.max():.3g} >= 1 near {F_MAX:g} Hz, so the "
                         "frequencies beyond the grid may hold a crossing; the stability is undetermined")
    return BrunelStability(g, eta, float(mf["rate"]), wind == 0, wind, _crossing(freqs, gain), freqs, gain)


def brunel_instability_lines(gs, etas, **kwargs) -> list:
    r"""Where the asynchronous state of model A changes stability, along ``eta`` for each ``g``.

    Parameters
    ----------
    gs : array_like
        Values of ``g`` (> 0).
    etas : array_like
        Increasing grid of ``eta`` (> 0) scanned for changes of stability; each change is refined
        by bisection to a relative 1e-3.
    **kwargs
        Passed to :func:`brunel_stability` (network size, ``j``, ``delay``, model, ``variance``).

    Returns
    -------
    list of (g, eta, freq, becomes_stable)
        Every boundary found: ``eta`` where it is crossed, the frequency of the growing mode
        there (Hz, from the unstable side) and whether the state is stable above it.

    Examples
    --------
    >>> import snnlib
    >>> lines = snnlib.network.brunel_instability_lines([6.0], [1.0, 2.0, 4.0])
    >>> [(g, round(eta, 1), f > 100.0, up) for g, eta, f, up in lines]
    [(6.0, 3.3, True, False)]
    """
    gs = check_array(gs, "gs", ndim=(0, 1), low=0.0, low_inclusive=False).ravel()
    etas = check_array(etas, "etas", ndim=1, low=0.0, low_inclusive=False, min_size=2)
    if np.any(np.diff(etas) <= 0):
        raise ValueError("etas must be increasing")
    out = []
    for g in gs:
        states = [brunel_stability(g, e, **kwargs) for e in etas]
        for a, b in zip(states[:-1], states[1:]):
            if a.stable == b.stable:
                continue
            lo, hi = a, b
            while hi.eta - lo.eta > 1e-3 * hi.eta:
                mid = brunel_stability(g, 0.5 * (lo.eta + hi.eta), **kwargs)
                lo, hi = (mid, hi) if mid.stable == lo.stable else (lo, mid)
            unstable = hi if lo.stable else lo
            out.append((float(g), 0.5 * (lo.eta + hi.eta), unstable.freq, bool(hi.stable)))
    return out
