"""The shared adaptive Gauss-Kronrod quadrature (snnlib._quad) against closed-form integrals.

Its slow twins are the closed forms themselves: polynomials (which GK15 integrates exactly up
to degree 23 and G7 up to degree 13), exponentials and a sharply peaked Gaussian. The
integrands are bound to the driver in small jitted functions, as in snnlib.siegert and
snnlib.deterministic (``_quad`` is inlined into its callers).

Rounding bound used below: with unit roundoff u = 2**-53, a positive degree-d polynomial by
Horner's rule has relative error <= 2 d u, the 15-term weighted sum of positive terms adds
<= 16 u, the scaling by the half-length a few u, and the reference sum of d + 1 positive
terms (b^(k+1) - a^(k+1))/(k+1) another <= 3 (d + 1) u: in all < 4 (d + 1) u + 20 u.
"""

import math

import numpy as np
import pytest
from numba import njit

from snnlib._core.quad import _adaptive_gk15, _gk15

U = 2.0 ** -53  # unit roundoff of float64


@njit
def _poly(x, coef):
    s = 0.0
    for k in range(coef.size - 1, -1, -1):
        s = s * x + coef[k]
    return s


@njit
def _exp(x, lam):
    return math.exp(lam * x)


@njit
def _gauss(x, c, s):
    return math.exp(-0.5 * ((x - c) / s) ** 2)


@njit
def _rule_poly(a, b, coef):
    return _gk15(_poly, a, b, (coef,))


@njit
def _quad_exp(a, b, lam, rtol, atol):
    return _adaptive_gk15(_exp, a, b, (lam,), rtol, atol)


@njit
def _rule_exp(a, b, lam):
    return _gk15(_exp, a, b, (lam,))


@njit
def _quad_gauss(a, b, c, s, rtol):
    return _adaptive_gk15(_gauss, a, b, (c, s), rtol, 0.0)


def _poly_integral(coef, a, b):
    return sum(c * (b ** (k + 1) - a ** (k + 1)) / (k + 1) for k, c in enumerate(coef))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("degree", [0, 5, 13, 23])
def test_kronrod_rule_is_exact_up_to_degree_23(seed, degree):
    # positive coefficients on a positive interval: every term is positive, so the rounding
    # bound of the module docstring holds relative to the integral
    coef = np.random.default_rng(seed).uniform(0.1, 1.0, degree + 1)
    a, b = 0.3, 1.7
    kron, gauss = _rule_poly(a, b, coef)
    exact = _poly_integral(coef, a, b)
    assert kron == pytest.approx(exact, rel=4 * (degree + 1) * U + 20 * U, abs=0.0)
    if degree <= 13:  # 7-point Gauss: degree 2 * 7 - 1
        assert gauss == pytest.approx(exact, rel=4 * (degree + 1) * U + 20 * U, abs=0.0)


def test_degree_of_precision_is_exactly_23_and_13():
    # x^24 on [-1, 1]: K15 is not exact (its precision is 3 * 7 + 2 = 23), nor is G7 for x^14;
    # the errors (~7e-8 relative) are far above the rounding bound (~1e-14), so these
    # assertions show that the exactness test above can fail
    x24 = np.zeros(25)
    x24[24] = 1.0
    kron, _ = _rule_poly(-1.0, 1.0, x24)
    assert abs(kron / (2.0 / 25.0) - 1.0) > 1e-9
    x14 = np.zeros(15)
    x14[14] = 1.0
    _, gauss = _rule_poly(-1.0, 1.0, x14)
    assert abs(gauss / (2.0 / 15.0) - 1.0) > 1e-9


@pytest.mark.parametrize("lam", [1.0, -3.0, 10.0])
@pytest.mark.parametrize("rtol", [1e-6, 1e-10, 1e-13])
def test_exponential_meets_relative_target(lam, rtol):
    # positive integrand: the accepted panels satisfy |K15 - G7| <= rtol K15, which bounds the
    # relative error of the sum by rtol (|K15 - G7| overestimates the K15 error here)
    a, b = 0.0, 5.0
    exact = math.expm1(lam * b) / lam  # int_0^5 exp(lam x) dx
    assert _quad_exp(a, b, lam, rtol, 0.0) == pytest.approx(exact, rel=rtol, abs=0.0)


@pytest.mark.parametrize("c, s", [(0.0, 1e-3), (0.2, 1e-3), (0.3, 1e-2), (0.123, 1e-2)])
def test_sharply_peaked_gaussian(c, s):
    # int_{-1}^{1} exp(-(x - c)^2 / (2 s^2)) dx = s sqrt(pi/2) [erf((1 - c)/(s sqrt2)) + erf((1 + c)/(s sqrt2))];
    # the peaks are placed where some node of the first panel sees them (within ~8 s): the
    # driver, like any rule on fixed nodes, cannot find a peak no node falls on, which is why
    # snnlib.siegert cuts its peaked integrands and snnlib.deterministic splits at the peak
    rtol = 1e-10
    exact = s * math.sqrt(math.pi / 2.0) * (math.erf((1.0 - c) / (s * math.sqrt(2.0)))
                                            + math.erf((1.0 + c) / (s * math.sqrt(2.0))))
    assert _quad_gauss(-1.0, 1.0, c, s, rtol) == pytest.approx(exact, rel=rtol, abs=0.0)


def test_empty_or_reversed_interval_is_zero():
    assert _quad_exp(1.0, 1.0, 1.0, 1e-10, 0.0) == 0.0
    assert _quad_exp(2.0, 1.0, 1.0, 1e-10, 0.0) == 0.0
    assert _quad_exp(0.0, math.nan, 1.0, 1e-10, 0.0) == 0.0


def test_absolute_floor_accepts_the_first_panel():
    # |K15 - G7| <= rtol K15 + atol holds at once for a huge atol: the result is the single
    # K15 panel, bit for bit, not a refined value
    kron, gauss = _rule_exp(0.0, 20.0, 1.0)
    assert kron != gauss
    assert _quad_exp(0.0, 20.0, 1.0, 0.0, 1e300) == kron


def test_panel_cap_ends_an_unattainable_target():
    # rtol = atol = 0 can only be met where K15 == G7 exactly; past _MAX_PANELS panels every
    # interval is accepted, so the loop ends and the panels still tile [0, 5]: the result is
    # then a sum of ~2e4 accurate panels, with rounding error ~ 2e4 u relative at most
    exact = math.expm1(5.0)
    assert _quad_exp(0.0, 5.0, 1.0, 0.0, 0.0) == pytest.approx(exact, rel=2e4 * U, abs=0.0)
