"""Input validation helpers, the resource guard and seed handling (snnlib._core)."""

import math
import os

import numpy as np
import pytest

import snnlib
from snnlib._core.seeding import as_generator, kernel_seed
from snnlib._core.validation import (MAX_STEPS, MAX_WORK, check_array, check_bool, check_choice, check_int,
                                     check_memory, check_nonnegative, check_one_per_row, check_positive,
                                     check_scalar, check_work, memory_limit, nearest_steps, per_item,
                                     whole_steps)


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


def test_version_is_the_one_in_pyproject():
    import tomllib
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert snnlib.__version__ == meta["project"]["version"]


def test_check_array_returns_a_copy():
    x = np.array([1.0, 2.0])
    out = check_array(x, "x")
    out[0] = 99.0
    assert x[0] == 1.0


# --- relations and the resource guard ----------------------------------------------------------------
@pytest.mark.parametrize("duration, dt, n", [(100.0, 0.1, 1000), (2.0, 0.1, 20), (0.3, 0.1, 3), (1e6, 0.01, 10 ** 8)])
def test_whole_steps_accepts_round_off(duration, dt, n):
    # 0.3 / 0.1 = 2.9999999999999996 and 2.0 / 0.1 = 20.000000000000004: round-off, not a mismatch
    assert whole_steps(duration, dt, "t_max") == n


def test_whole_steps_rejects_a_fraction_and_suggests_neighbours():
    with pytest.raises(ValueError, match=r"t_max must be a whole number of steps dt = 0.1 ms.*use 100 or 100.1 ms"):
        whole_steps(100.05, 0.1, "t_max")
    # a duration below one step: the only suggestion is one step (0 steps is not allowed)
    with pytest.raises(ValueError, match=r"use 0.1 ms$"):
        whole_steps(0.06, 0.1, "t_max")
    with pytest.raises(ValueError, match=r"too many; raise dt or shorten t_max"):
        whole_steps(1e300, 1e-9, "t_max")


def test_whole_steps_tolerance_follows_float32_input():
    dt32 = np.float32(0.1)
    # float(np.float32(0.1)) = 0.10000000149...: 100 ms is 999.99998 such steps, a whole number to
    # float32 precision (8 ulp = 9.5e-7 relative) but not to float64 precision
    assert whole_steps(100.0, float(dt32), "t_max", raw=(dt32,)) == 1000
    with pytest.raises(ValueError, match="whole number"):
        whole_steps(100.0, float(dt32), "t_max")
    assert nearest_steps(2.0, float(dt32), raw=(dt32,)) == (20, True)
    assert nearest_steps(2.05, 0.1)[1] is False


def test_per_item_broadcasts_scalars_and_checks_lengths():
    np.testing.assert_array_equal(per_item(3.0, "mu", 4), [3.0] * 4)
    np.testing.assert_array_equal(per_item([1, 2, 3], "mu", 3), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"mu must be a scalar or an array of shape \(n_neurons,\) = \(4,\).*mu_t"):
        per_item([1.0, 2.0], "mu", 4, hint="for a time-dependent input use mu_t")
    with pytest.raises(ValueError, match=r"sigma must be >= 0 mV everywhere"):
        per_item([1.0, -2.0], "sigma", 2, low=0.0, unit="mV")
    with pytest.raises(TypeError, match="mu must be a real number"):
        per_item(True, "mu", 2)


def test_check_one_per_row():
    check_one_per_row(np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"y must have one label per row of x, got 2 labels for 3 rows of x"):
        check_one_per_row(np.zeros(2), np.zeros((3, 2)))


@pytest.mark.parametrize("value", [[0.5, 1.0], [1.0, 1.7], [np.nan], [1e30]])
def test_check_array_rejects_non_integers_for_integer_dtypes(value):
    with pytest.raises(ValueError, match=r"spike_ids must contain (only finite )?integers"):
        check_array(value, "spike_ids", dtype=np.int64)


def test_check_array_accepts_whole_floats_for_integer_dtypes():
    np.testing.assert_array_equal(check_array([0.0, 2.0, 5.0], "ids", dtype=np.int64), [0, 2, 5])


@pytest.mark.parametrize("value", [[True, False], np.array([True]), True])
def test_check_array_rejects_booleans_as_numbers(value):
    with pytest.raises(TypeError, match=r"mu must be an array of numbers, got booleans"):
        check_array(value, "mu")


def test_check_array_accepts_booleans_when_asked():
    np.testing.assert_array_equal(check_array([True, False], "mask", dtype=bool), [True, False])


def test_memory_guard(monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", "1000")
    assert memory_limit() == 1000
    check_memory(1000, "n", what="x")
    with pytest.raises(ValueError, match=r"bin_width: the counts would need 1.95 KiB, more than the 1e\+03 B.*raise bin_width"):
        check_memory(2000, "bin_width", what="the counts", hint="raise bin_width")
    with pytest.raises(ValueError, match="bin_width"):
        check_memory(float("nan"), "bin_width", what="the counts")
    monkeypatch.delenv("SNNLIB_MAX_BYTES")
    # without the override: half of the physical memory, which os.sysconf reports
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert memory_limit() == total // 2


def test_work_guard():
    check_work(MAX_WORK, "n", what="neuron-steps")
    with pytest.raises(ValueError, match=r"epochs: the number of epochs \(1e\+10\) exceeds the 1e\+09.*fewer epochs"):
        check_work(1e10, "epochs", what="the number of epochs", limit=MAX_STEPS, hint="fewer epochs")
