"""McCulloch-Pitts unit, Rosenblatt's perceptron and Novikoff's mistake bound."""

import itertools

import naive
import numpy as np
import pytest

from snnlib import ml
from snnlib.ml.perceptron import epoch_order_chunks, epoch_orders

PATTERNS = np.array(list(itertools.product([0, 1], repeat=2)))


def test_mcculloch_pitts_logic_gates():
    assert ml.mcculloch_pitts(PATTERNS, [1, 1], threshold=2).tolist() == [0, 0, 0, 1]   # AND
    assert ml.mcculloch_pitts(PATTERNS, [1, 1], threshold=1).tolist() == [0, 1, 1, 1]   # OR
    assert ml.mcculloch_pitts(np.array([[0], [1]]), [-1], threshold=0).tolist() == [1, 0]   # NOT
    assert int(ml.mcculloch_pitts([1, 0, 1], [1, -1, 1], threshold=2)) == 1


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("margin", [0.03, 0.1, 0.25])
def test_mistakes_never_exceed_novikoff_bound(seed, margin):
    d = ml.linearly_separable(200, margin=margin, seed=seed)
    nb = ml.novikoff_bound(d.x, d.y, d.w_star)
    r = ml.train_perceptron(d.x, d.y, max_epochs=10_000, seed=seed)
    assert r.converged
    assert r.n_mistakes <= nb.bound
    assert np.array_equal(r.predict(d.x), d.y)
    assert r.n_mistakes == r.mistakes_per_epoch.sum() and r.mistakes_per_epoch[-1] == 0
    # R and gamma of the augmented vectors (x, 1)
    assert nb.radius == pytest.approx(np.sqrt(np.max(np.sum(d.x ** 2, axis=1)) + 1.0), rel=1e-14)
    assert nb.margin == pytest.approx(d.margin / np.hypot(1.0, d.b), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 11])
@pytest.mark.parametrize("data", ["separable", "xor"])
def test_kernel_equals_naive_loop_exactly(seed, data):
    if data == "separable":
        d = ml.linearly_separable(80, margin=0.05, seed=seed)
        x, y = d.x, d.y
    else:
        x, y = ml.xor(40, noise=0.3, seed=seed)
    max_epochs = 150   # more than one chunk of presentation orders (snnlib.ml.perceptron.EPOCH_CHUNK)
    r = ml.train_perceptron(x, y, max_epochs=max_epochs, eta=0.7, seed=seed)
    rng = np.random.default_rng(seed)             # one fresh permutation per epoch, drawn in order
    orders = [rng.permutation(x.shape[0]) for _ in range(max_epochs)]
    y_pm1 = np.where(y > 0, 1, -1)
    w_ref, mistakes_ref = naive.train_perceptron(x, y_pm1, orders, eta=0.7)
    assert r.mistakes_per_epoch.tolist() == mistakes_ref
    assert np.array_equal(np.append(r.weights, r.bias), w_ref)


def test_learning_rate_only_rescales_weights():
    # From w = 0 every update adds eta * y x, so w(eta) = eta * w(1) and the same mistakes occur;
    # eta = 0.5 makes the scaling exact in binary floating point.
    d = ml.linearly_separable(100, margin=0.05, seed=4)
    r1 = ml.train_perceptron(d.x, d.y, eta=1.0, seed=2)
    rh = ml.train_perceptron(d.x, d.y, eta=0.5, seed=2)
    assert np.array_equal(r1.mistakes_per_epoch, rh.mistakes_per_epoch)
    assert np.array_equal(0.5 * r1.weights, rh.weights) and 0.5 * r1.bias == rh.bias


def test_novikoff_bound_closed_form():
    # Two points (+-a, 0) separated by w* = (1, 0, 0): gamma = a, R^2 = a^2 + 1.
    a = 0.5
    nb = ml.novikoff_bound(np.array([[a, 0.0], [-a, 0.0]]), np.array([1, 0]), [2.0, 0.0, 0.0])
    assert nb.margin == pytest.approx(a, rel=1e-15)
    assert nb.bound == pytest.approx((a * a + 1.0) / (a * a), rel=1e-14)


@pytest.mark.parametrize("n", [4, 8])
def test_perceptron_fails_on_xor(n):
    x, y = ml.xor(n, noise=0.0, seed=0)
    r = ml.train_perceptron(x, y, max_epochs=200, seed=0)
    assert not r.converged and r.n_epochs == 200
    assert np.all(r.mistakes_per_epoch >= 1)             # no epoch is ever mistake-free
    acc = np.mean(r.predict(x) == np.where(y > 0, 1, -1))
    assert acc <= 0.75                                    # no line classifies all four corners


def test_non_separating_w_star_is_rejected():
    d = ml.linearly_separable(20, margin=0.1, seed=0)
    assert ml.separation_margin(d.x, d.y, -d.w_star) < 0
    with pytest.raises(ValueError, match="w_star"):
        ml.novikoff_bound(d.x, d.y, -d.w_star)


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: ml.train_perceptron(np.zeros(3), [1, -1, 1]), ValueError, r"x must have ndim in \(2,\), got shape \(3,\)"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, 2, 1]), ValueError,
     r"y must contain labels in \{-1, \+1\} or in \{0, 1\}, got values \[1.0, 2.0\]"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, 0.5, 1]), ValueError,
     r"y must contain labels in \{-1, \+1\} or in \{0, 1\}, got values \[0.5, 1.0\]"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1]), ValueError,
     r"y must have one label per row of x, got 2 labels for 3 rows of x"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [True, False, True]), TypeError,
     r"y must be an array of numbers, got booleans"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], max_epochs=0), ValueError,
     r"max_epochs must be an integer in \[1, 10000000\], got 0"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], max_epochs=10 ** 12), ValueError,
     r"max_epochs must be an integer in \[1, 10000000\], got 1000000000000"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], eta=0.0), ValueError, r"eta must lie in \(0, inf\), got 0"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], eta=True), TypeError, r"eta must be a real number, got bool"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], seed=-3), ValueError,
     r"seed must be a non-negative int, got -3"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [1, 1, 1], threshold=1), ValueError, r"w must have shape \(2,\), got \(3,\)"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [True, True], threshold=1), TypeError, r"w must be an array of numbers, got booleans"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [1, 1], threshold=np.inf), ValueError, r"threshold must be finite, got inf"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [1, 1], threshold=True), TypeError, r"threshold must be a real number, got bool"),
    (lambda: ml.novikoff_bound(np.zeros((2, 2)), [1, -1], [1.0, 0.0]), ValueError,
     r"w_star must have shape \(3,\), got \(2,\)"),
    (lambda: ml.separation_margin(np.zeros((2, 2)), [1, -1], [0.0, 0.0, 0.0]), ValueError,
     r"w_star must not be the zero vector"),
    (lambda: ml.data_radius([[np.nan, 0.0]]), ValueError, r"x must contain only finite values \(no NaN or inf\)"),
    (lambda: ml.data_radius([[1.5e308, 1.5e308]]), ValueError, r"x is too large: the radius .* exceeds the float64 range"),
])
def test_bad_input_names_the_argument_and_range(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_logical_inputs_of_the_mcculloch_pitts_unit():
    # False/True are the unit's 0/1: the AND gate on booleans equals the AND gate on integers
    assert ml.mcculloch_pitts(PATTERNS.astype(bool), [1, 1], threshold=2).tolist() == [0, 0, 0, 1]
    assert int(ml.mcculloch_pitts([True, False, True], [1, -1, 1], threshold=2)) == 1


def test_huge_inputs_give_finite_radius_margin_and_bound():
    # R = |(1e300, 1e300, 1)| = sqrt(2) 1e300 (the 1 is far below the rounding of 1e300)
    assert ml.data_radius([[1e300, 1e300]]) == pytest.approx(np.sqrt(2.0) * 1e300, rel=1e-15)
    # points (+-a, 0): gamma = a and R = sqrt(a^2 + 1) = a to rounding, so (R / gamma)^2 = 1
    a = 1e200
    x, y = np.array([[a, 0.0], [-a, 0.0]]), np.array([1, -1])
    nb = ml.novikoff_bound(x, y, [1e300, 0.0, 0.0])           # w_star is normalised without overflow
    assert nb.margin == pytest.approx(a, rel=1e-15) and nb.radius == pytest.approx(a, rel=1e-15)
    assert nb.bound == pytest.approx(1.0, rel=1e-15)
    assert ml.separation_margin(x, y, [1e300, 1e300, 0.0]) == pytest.approx(a / np.sqrt(2.0), rel=1e-15)
    # a tiny margin under a huge radius: the bound (1e400) is beyond float64 and reported as inf
    tiny = ml.novikoff_bound(np.array([[1e-200, 0.0], [-1e200, 0.0]]), y, [1.0, 0.0, 0.0])
    assert tiny.bound == np.inf and tiny.margin == pytest.approx(1e-200, rel=1e-15)


def test_epoch_orders_in_chunks_equal_all_at_once():
    # one permutation per epoch from the same generator, whether drawn at once or 64 at a time
    rng = np.random.default_rng(5)
    ref = np.array([rng.permutation(7) for _ in range(150)])
    assert np.array_equal(epoch_orders(np.random.default_rng(5), 7, 150), ref)
    chunks = list(epoch_order_chunks(np.random.default_rng(5), 7, 150))
    assert [first for first, _ in chunks] == [0, 64, 128]
    assert np.array_equal(np.concatenate([o for _, o in chunks]), ref)
