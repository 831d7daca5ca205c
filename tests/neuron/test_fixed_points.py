"""EIF fixed points in closed form (Lambert W) against a root search on the drift."""

import numpy as np
import pytest
from scipy.optimize import brentq

import snnlib

EIF = snnlib.EIF()   # e_l -65, v_t -50, delta_t 2 mV: rheobase 13 mV


@pytest.mark.parametrize("mu", [-20.0, 0.0, 8.0, 12.0, 12.99])
def test_fixed_points_are_the_zeros_of_the_drift(mu):
    fp = snnlib.eif_fixed_points(EIF, mu)
    f = lambda v: EIF.drift(v, mu)  # noqa: E731
    stable = brentq(f, -300.0, EIF.v_t, xtol=1e-13)
    unstable = brentq(f, EIF.v_t, EIF.v_t + 60.0, xtol=1e-13)
    assert fp.stable == pytest.approx(stable, abs=1e-9)
    assert fp.unstable == pytest.approx(unstable, abs=1e-9)
    # stable: the drift falls through zero; unstable: it rises through zero
    assert f(fp.stable - 1e-3) > 0 > f(fp.stable + 1e-3)
    assert f(fp.unstable - 1e-3) < 0 < f(fp.unstable + 1e-3)


def test_saddle_node_at_the_rheobase_and_none_above():
    mu_rh = snnlib.rheobase(EIF)
    fp = snnlib.eif_fixed_points(EIF, mu_rh)
    assert fp.stable == pytest.approx(EIF.v_t, abs=1e-6)
    assert fp.unstable == pytest.approx(EIF.v_t, abs=1e-6)
    # just below, the two points are sqrt(2 eps delta_t) * 2 apart (quadratic drift near v_t)
    eps = 1e-6
    fp = snnlib.eif_fixed_points(EIF, mu_rh - eps)
    gap = fp.unstable - fp.stable
    assert gap == pytest.approx(2.0 * np.sqrt(2.0 * eps * EIF.delta_t), rel=1e-3)
    above = snnlib.eif_fixed_points(EIF, [mu_rh + 1e-9, 20.0])
    assert np.all(np.isnan(above.stable)) and np.all(np.isnan(above.unstable))


def test_far_below_rheobase_rest_is_the_lif_resting_point():
    mu = -30.0
    fp = snnlib.eif_fixed_points(EIF, mu)
    psi_rest = EIF.delta_t * np.exp((EIF.e_l + mu - EIF.v_t) / EIF.delta_t)
    # the exponential term shifts the rest by psi, to first order (slope of the drift is -1)
    assert fp.stable - (EIF.e_l + mu) == pytest.approx(psi_rest, rel=1e-6)


def test_array_input_keeps_its_shape():
    mus = np.array([[0.0, 5.0], [10.0, 20.0]])
    fp = snnlib.eif_fixed_points(EIF, mus)
    assert fp.stable.shape == mus.shape and np.isnan(fp.stable[1, 1])
    assert fp.stable[0, 1] == pytest.approx(snnlib.eif_fixed_points(EIF, 5.0).stable)


def test_bad_input():
    with pytest.raises(TypeError, match="model"):
        snnlib.eif_fixed_points(snnlib.LIF(), 5.0)
    with pytest.raises(ValueError, match="mu"):
        snnlib.eif_fixed_points(EIF, np.nan)
