"""Input validation helpers, seed handling and the model parameter objects."""

import math

import numpy as np
import pytest

import snnlib
from snnlib import EIF, LIF, IFModel
from snnlib._core.seeding import as_generator, kernel_seed
from snnlib._core.validation import (check_array, check_bool, check_choice, check_int, check_nonnegative,
                                check_positive, check_scalar)


# --- scalars --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [1, 2.5, np.float32(3.0), np.int64(4), np.array(5.0)])
def test_check_scalar_accepts_real_numbers(value):
    assert check_scalar(value, "x") == float(value)


@pytest.mark.parametrize("value", ["1", None, [1.0], True, 1 + 2j, np.array([1.0])])
def test_check_scalar_rejects_non_numbers(value):
    with pytest.raises(TypeError, match="^x must be a real number"):
        check_scalar(value, "x")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_check_scalar_rejects_non_finite(value):
    with pytest.raises(ValueError, match="^x must be finite"):
        check_scalar(value, "x")


def test_check_scalar_range_message_names_interval():
    with pytest.raises(ValueError, match=r"tau must lie in \(0, 5\] ms, got 7 ms"):
        check_scalar(7.0, "tau", low=0.0, high=5.0, low_inclusive=False, unit="ms")
    assert check_scalar(5.0, "tau", low=0.0, high=5.0) == 5.0
    with pytest.raises(ValueError, match="tau"):
        check_scalar(5.0, "tau", high=5.0, high_inclusive=False)


def test_positive_and_nonnegative():
    assert check_positive(1e-300, "a") == 1e-300
    with pytest.raises(ValueError, match="a must lie in"):
        check_positive(0.0, "a")
    assert check_nonnegative(0.0, "b") == 0.0
    with pytest.raises(ValueError, match="b must lie in"):
        check_nonnegative(-1e-12, "b")


def test_check_int():
    assert check_int(np.int32(3), "n") == 3
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(3.0, "n")
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(True, "n")
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, inf\], got 0"):
        check_int(0, "n")
    with pytest.raises(ValueError, match=r"n must be an integer in \[0, 4\]"):
        check_int(5, "n", low=0, high=4)


def test_check_bool_and_choice():
    assert check_bool(np.bool_(True), "flag") is True
    with pytest.raises(TypeError, match="flag"):
        check_bool(1, "flag")
    assert check_choice("lif", "kind", {"lif", "eif"}) == "lif"
    with pytest.raises(ValueError, match="kind must be one of"):
        check_choice("qif", "kind", {"lif", "eif"})


# --- arrays ---------------------------------------------------------------------------------------
def test_check_array_converts_and_checks_shape():
    out = check_array([[1, 2], [3, 4]], "x", shape=(None, 2))
    assert out.dtype == np.float64 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"x must have shape \('any', 3\)"):
        check_array([[1, 2]], "x", shape=(None, 3))
    with pytest.raises(ValueError, match="x must have ndim"):
        check_array([1, 2], "x", ndim=2)


@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf, 0.0]])
def test_check_array_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="x must contain only finite values"):
        check_array(bad, "x")
    assert check_array(bad, "x", finite=False).size == 2


@pytest.mark.parametrize("bad", ["abc", None, [object()], [1 + 1j]])
def test_check_array_rejects_non_numeric(bad):
    with pytest.raises(TypeError, match="^x must be"):
        check_array(bad, "x")


def test_check_array_bounds_and_size():
    with pytest.raises(ValueError, match="x must have at least 1 element"):
        check_array([], "x")
    assert check_array([], "x", min_size=0).size == 0
    with pytest.raises(ValueError, match=r"x must be > 0 Hz everywhere, got min 0 Hz"):
        check_array([0.0, 1.0], "x", low=0.0, low_inclusive=False, unit="Hz")
    with pytest.raises(ValueError, match=r"x must be <= 1 everywhere, got max 2"):
        check_array([0.0, 2.0], "x", high=1.0)


# --- seeds ----------------------------------------------------------------------------------------
def test_same_seed_same_stream_and_generator_passthrough():
    a = as_generator(42).standard_normal(5)
    b = as_generator(42).standard_normal(5)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert kernel_seed(7) == kernel_seed(7)
    assert kernel_seed(7) != kernel_seed(8)


@pytest.mark.parametrize("bad, err", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError)])
def test_bad_seed(bad, err):
    with pytest.raises(err, match="seed"):
        as_generator(bad)


# --- models ---------------------------------------------------------------------------------------
def test_lif_defaults_and_drift():
    m = LIF()
    assert (m.tau_m, m.e_l, m.v_th, m.v_reset, m.t_ref) == (20.0, -65.0, -50.0, -65.0, 2.0)
    # Drift (e_l - V + mu)/tau_m at V = -60, mu = 10: (-65 + 60 + 10)/20 = 0.25 mV/ms.
    assert m.drift(-60.0, 10.0) == pytest.approx(0.25, rel=1e-15)
    np.testing.assert_array_equal(m.psi([-70.0, -50.0]), [0.0, 0.0])


def test_eif_psi_closed_form():
    m = EIF(delta_t=1.5, v_t=-52.0)
    v = np.array([-70.0, -52.0, -49.0])
    np.testing.assert_allclose(m.psi(v), 1.5 * np.exp((v + 52.0) / 1.5), rtol=1e-15)
    assert m.drift(-52.0, 0.0) == pytest.approx((-65.0 + 52.0 + 1.5) / 20.0, rel=1e-14)


def test_models_are_immutable():
    m = LIF()
    with pytest.raises(AttributeError):
        m.tau_m = 5.0


@pytest.mark.parametrize("kwargs, name", [
    ({"tau_m": 0.0}, "tau_m"), ({"tau_m": -1.0}, "tau_m"), ({"t_ref": -0.1}, "t_ref"),
    ({"v_reset": -50.0}, "v_reset"), ({"v_th": math.nan}, "v_th"), ({"e_l": math.inf}, "e_l"),
    ({"tau_m": "20"}, "tau_m"),
])
def test_lif_rejects_bad_parameters(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        LIF(**kwargs)


@pytest.mark.parametrize("kwargs, name", [
    ({"delta_t": 0.0}, "delta_t"), ({"v_t": -30.0}, "v_t"), ({"v_t": -20.0}, "v_t"),
    ({"v_reset": -30.0}, "v_reset"), ({"delta_t": math.nan}, "delta_t"),
])
def test_eif_rejects_bad_parameters(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        EIF(**kwargs)


def test_custom_model():
    quad = IFModel(psi_func=lambda v: 0.1 * (v + 55.0) ** 2, v_th=-40.0)
    assert quad.psi(-55.0) == 0.0
    assert quad.drift(-45.0, 0.0) == pytest.approx((-65.0 + 45.0 + 10.0) / 20.0)
    with pytest.raises(TypeError, match="psi_func"):
        IFModel(psi_func=3.0)


def test_version():
    assert isinstance(snnlib.__version__, str)


def test_check_array_returns_a_copy():
    x = np.array([1.0, 2.0])
    out = check_array(x, "x")
    out[0] = 99.0
    assert x[0] == 1.0
