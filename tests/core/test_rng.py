"""The in-kernel random streams (SplitMix64 + ziggurat) and exp_fast, against exact values and
statistics.

Tolerances: distribution checks accept Z = 4 standard errors (two-sided p ~ 6e-5 per check),
computed from the sample size; exp_fast is compared with mpmath at 40 digits.
"""

import math

import numpy as np
import pytest
from scipy import stats

from snnlib._core import intrinsics
from snnlib._core import rng as _rng
from snnlib._core.seeding import kernel_seed

Z = 4.0


def test_ziggurat_tables_have_equal_areas():
    x, f, v = _rng.ZIG_X, _rng.ZIG_F, _rng.ZIG_V
    tail = math.sqrt(math.pi / 2) * math.erfc(_rng.ZIG_R / math.sqrt(2))
    assert x[0] * f[1] == pytest.approx(v, rel=1e-14)  # base strip: rectangle + tail
    assert _rng.ZIG_R * f[1] + tail == pytest.approx(v, rel=1e-14)
    areas = x[1:-1] * (f[2:] - f[1:-1])  # layers 1 .. N-1: width x_i, height f(x_{i+1}) - f(x_i)
    np.testing.assert_allclose(areas, v, rtol=1e-9)
    assert x[-1] == 0.0 and f[-1] == 1.0


def test_normals_are_standard_normal():
    n = 2_000_000
    x = _rng.standard_normals(kernel_seed(2024), 200, n // 200).ravel()
    assert abs(x.mean()) < Z / math.sqrt(n)
    assert abs(x.var() - 1.0) < Z * math.sqrt(2.0 / n)
    assert abs(stats.skew(x)) < Z * math.sqrt(6.0 / n)
    assert abs(stats.kurtosis(x)) < Z * math.sqrt(24.0 / n)
    assert stats.kstest(x, "norm").pvalue > 1e-4
    # the tail beyond R and the wedges are drawn by the slow path: check their mass too
    for cut in (1.0, 2.5, _rng.ZIG_R, 4.5):
        p = 2 * stats.norm.sf(cut)
        frac = np.mean(np.abs(x) > cut)
        assert abs(frac - p) < Z * math.sqrt(p * (1 - p) / n), cut


def test_exp_fast_is_accurate_to_two_ulp():
    # exp_fast (Cody-Waite reduction + degree-10 polynomial) against mpmath at 40 digits,
    # over the range the EIF kernel uses and beyond: at most 2 ulp (2 * 2^-52 = 4.4e-16), plus
    # half an ulp for rounding the ratio fast / exact that measures it
    mpmath = pytest.importorskip("mpmath")
    from numba import njit

    fast = njit(lambda x: intrinsics.exp_fast(x))
    rng = np.random.default_rng(3)
    xs = np.concatenate([rng.uniform(-700.0, 700.0, 2000), rng.uniform(-1.0, 1.0, 2000),
                         np.arange(-40, 41) * math.log(2) / 2])
    with mpmath.workdps(40):
        rel = [abs(fast(x) / float(mpmath.exp(mpmath.mpf(x))) - 1.0) for x in xs]
    assert max(rel) <= 2.5 * 2.0 ** -52
