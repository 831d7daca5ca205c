r"""Adaptive Gauss-Kronrod (7-15) quadrature shared by the jitted kernels of snnlib.

One GK15 rule (``_gk15``) and one adaptive driver (``_adaptive_gk15``), used by
``snnlib.fokker_planck.siegert`` (Siegert rate and ISI CV of the LIF) and ``snnlib.neuron.deterministic``
(noise-free EIF f-I curve). The integrand is passed as a jitted function ``f`` called as
``f(x, *args)``, with ``args`` the tuple of its extra arguments.

The 15-point Kronrod rule extends the 7-point Gauss rule (Kronrod 1965); nodes and
weights are those of QUADPACK's ``qk15`` (Piessens, de Doncker-Kapenga, Ueberhuber &
Kahaner 1983). K15 integrates polynomials of degree <= 23 exactly, G7 those of degree
<= 13. The driver bisects an interval until the difference between the two rules,
|K15 - G7|, is at most ``rtol |K15| + atol`` (a *local* relative target: for a positive
integrand the accepted panels' errors add up to at most ``rtol`` times the total, as far
as |K15 - G7| bounds the K15 error). Intervals are processed depth-first from an
explicit stack, so memory is bounded by the maximum depth.

*How to call it.* Both functions are ``inline="always"``: numba inlines them into the
caller at the IR level, so the integrand becomes a direct call. Without that, the
dispatcher ``f`` would be passed as a run-time value holding its address, and numba
refuses to cache any kernel that calls the driver ("uses dynamic globals"). To compile
the driver once per integrand rather than once per call site, bind each integrand in one
small jitted function (``siegert._integrate_inner``, ``deterministic._eif_panel_integral``)
and call that. numba's on-disk cache is keyed on the caller's source file only, so a cached
caller does not see an edit of this module: run ``make clean`` after editing it (``make unit``
always tests with an empty cache, so a stale kernel cannot hide a failure there).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Gauss-Kronrod 7-15 nodes and weights (Piessens et al. 1983, QUADPACK qk15): _XGK are the
# Kronrod abscissae in (0, 1) in decreasing order (the odd entries are the Gauss-7 nodes),
# then the centre 0; _WGK the Kronrod weights, _WG the Gauss weights (centre last).
_XGK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                 0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                 0.207784955007898467600689403773245, 0.0])
_WGK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                 0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                 0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                0.381830050505118944950369775488975, 0.417959183673469387755102040816327])

#: Maximum bisection depth: a panel 60 bisections deep (2**-60 ~ 1e-18 of the original
#: interval) is accepted as it is.
_MAX_DEPTH = 60
#: Safety net against a noise floor: past this many panels every interval is accepted.
_MAX_PANELS = 20000


@njit(cache=True, inline="always")
def _gk15(f, a, b, args):
    """One Gauss-Kronrod 7-15 panel of f(x, *args) on [a, b]; jitted, no checking.

    Parameters
    ----------
    f : numba dispatcher
        Jitted integrand, called as ``f(x, *args)`` and returning a float.
    a, b : float
        Limits of the panel (units of x).
    args : tuple
        Extra arguments of ``f``.

    Returns
    -------
    kron, gauss : float
        The 15-point Kronrod and 7-point Gauss estimates of the integral (units of f times x).

    Notes
    -----
    Kronrod (1965); nodes and weights of QUADPACK ``qk15`` (Piessens et al. 1983). The sums
    start at the centre node and add the symmetric pairs from the outside in.
    """
    half = 0.5 * (b - a)
    mid = 0.5 * (a + b)
    fc = f(mid, *args)
    kron = _WGK[7] * fc
    gauss = _WG[3] * fc
    for i in range(7):
        d = half * _XGK[i]
        fs = f(mid - d, *args) + f(mid + d, *args)
        kron += _WGK[i] * fs
        if i % 2 == 1:  # the Gauss-7 nodes are the odd Kronrod nodes
            gauss += _WG[i // 2] * fs
    return kron * half, gauss * half


@njit(cache=True, inline="always")
def _adaptive_gk15(f, a, b, args, rtol, atol):
    """Adaptive GK15 integral of f(x, *args) on [a, b] by bisection; jitted, no checking.

    Parameters
    ----------
    f : numba dispatcher
        Jitted integrand, called as ``f(x, *args)`` and returning a float.
    a, b : float
        Limits (units of x); returns 0.0 unless ``b > a``.
    args : tuple
        Extra arguments of ``f``.
    rtol : float
        Local relative target: a panel is accepted when ``|K15 - G7| <= rtol |K15| + atol``.
    atol : float
        Absolute floor of the acceptance test (units of f times x); 0.0 for a purely
        relative test.

    Returns
    -------
    total : float
        Sum of the K15 estimates of the accepted panels.

    Notes
    -----
    Depth-first bisection with an explicit stack (Piessens et al. 1983 use a
    priority queue on the error instead; the local test here needs no queue). A panel is
    also accepted once it is ``_MAX_DEPTH`` bisections deep or after ``_MAX_PANELS``
    panels, so the loop always ends. For a positive integrand the local relative test
    bounds the relative error of the sum by ``rtol`` (as far as |K15 - G7| bounds the
    K15 error, which it overestimates by orders of magnitude for smooth integrands).
    The stack holds at most one pending right half per depth plus the left half being
    worked on, i.e. ``_MAX_DEPTH + 1`` intervals.
    """
    if not b > a:
        return 0.0
    stack_a = np.empty(_MAX_DEPTH + 2)
    stack_b = np.empty(_MAX_DEPTH + 2)
    stack_d = np.empty(_MAX_DEPTH + 2, dtype=np.int64)
    n = 1
    stack_a[0] = a
    stack_b[0] = b
    stack_d[0] = 0
    total = 0.0
    n_panels = 0
    while n > 0:
        n -= 1
        n_panels += 1
        lo = stack_a[n]
        hi = stack_b[n]
        depth = stack_d[n]
        k, g = _gk15(f, lo, hi, args)
        if abs(k - g) <= rtol * abs(k) + atol or depth >= _MAX_DEPTH or n_panels > _MAX_PANELS:
            total += k
        else:
            m = 0.5 * (lo + hi)
            stack_a[n] = lo
            stack_b[n] = m
            stack_d[n] = depth + 1
            stack_a[n + 1] = m
            stack_b[n + 1] = hi
            stack_d[n + 1] = depth + 1
            n += 2
    return total
