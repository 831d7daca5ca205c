"""McCulloch-Pitts unit, Rosenblatt's perceptron and Novikoff's mistake bound."""

import itertools

import naive
import numpy as np
import pytest

from snnlib import ml
from snnlib._core.seeding import as_generator
from snnlib.ml.perceptron import _epoch_orders

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
    max_epochs = 150   # more than one chunk of presentation orders (snnlib.perceptron._EPOCH_CHUNK)
    r = ml.train_perceptron(x, y, max_epochs=max_epochs, eta=0.7, seed=seed)
    orders = _epoch_orders(as_generator(seed), x.shape[0], max_epochs)
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


@pytest.mark.parametrize("call, name", [
    (lambda: ml.train_perceptron(np.zeros(3), [1, -1, 1]), "x"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, 2, 1]), "y"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1]), "y"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], max_epochs=0), "max_epochs"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], eta=0.0), "eta"),
    (lambda: ml.train_perceptron(np.zeros((3, 2)), [1, -1, 1], seed=-3), "seed"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [1, 1, 1], threshold=1), "w"),
    (lambda: ml.mcculloch_pitts(PATTERNS, [1, 1], threshold=np.inf), "threshold"),
    (lambda: ml.novikoff_bound(np.zeros((2, 2)), [1, -1], [1.0, 0.0]), "w_star"),
    (lambda: ml.separation_margin(np.zeros((2, 2)), [1, -1], [0.0, 0.0, 0.0]), "w_star"),
    (lambda: ml.data_radius([[np.nan, 0.0]]), "x"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()
