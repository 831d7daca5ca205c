"""Chapter-1 data sets: geometry, labels, noise level, splits and input checking."""

import numpy as np
import pytest

from snnlib import ml


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.02, 0.1, 0.3])
def test_linearly_separable_margin_and_labels(seed, margin):
    d = ml.linearly_separable(300, margin=margin, seed=seed)
    signed = d.x @ d.w + d.b
    assert d.x.shape == (300, 2) and np.all(np.abs(d.x) <= 1.0)
    assert np.isclose(np.linalg.norm(d.w), 1.0, rtol=0, atol=1e-14)
    assert np.array_equal(d.y, np.where(signed > 0, 1, -1))
    assert d.margin >= margin and np.isclose(d.margin, np.min(d.y * signed), rtol=0, atol=1e-15)
    # augmented margin of the unit vector (w, b)/|(w, b)| is margin / sqrt(1 + b^2)
    assert np.isclose(ml.separation_margin(d.x, d.y, d.w_star), d.margin / np.hypot(1.0, d.b), rtol=1e-12)
    assert set(d.y.tolist()) == {-1, 1}


def test_generators_are_reproducible():
    a = ml.two_moons(50, noise=0.1, seed=3)
    b = ml.two_moons(50, noise=0.1, seed=3)
    c = ml.two_moons(50, noise=0.1, seed=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_two_moons_noise_free_geometry():
    x, y = ml.two_moons(101, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [51, 50]
    assert np.allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0, rtol=0, atol=1e-14)
    assert np.all(x[y == 0, 1] >= -1e-15)
    assert np.allclose(np.hypot(x[y == 1, 0] - 1.0, x[y == 1, 1] - 0.5), 1.0, rtol=0, atol=1e-14)


def test_two_moons_noise_is_gaussian_with_the_requested_std():
    # Same seed: same noise draws and same shuffle, so the difference is noise * N(0, 1).
    sigma, n = 0.3, 4000
    clean, _ = ml.two_moons(n, noise=0.0, seed=7)
    noisy, _ = ml.two_moons(n, noise=sigma, seed=7)
    z = ((noisy - clean) / sigma).ravel()
    m = z.size
    assert abs(z.mean()) < 4.0 / np.sqrt(m)                 # SE of the mean of N(0, 1)
    assert abs(z.var(ddof=1) - 1.0) < 4.0 * np.sqrt(2.0 / (m - 1))   # SE of the sample variance


def test_spirals_geometry():
    k = 3
    x, y = ml.spirals(301, n_classes=k, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(x[:, 0], x[:, 1])
    theta = np.arctan2(x[:, 1], x[:, 0])
    expected = 2 * np.pi * y / k + 4 * r
    # angles agree modulo 2 pi (points at r = 0 have no angle)
    diff = np.angle(np.exp(1j * (theta - expected)))
    assert np.all(np.abs(diff[r > 1e-12]) < 1e-12) and np.all(r <= 1.0 + 1e-15)


def test_xor_labels():
    x, y = ml.xor(12, noise=0.0, seed=1)
    assert np.array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(int))
    assert np.bincount(y).tolist() == [6, 6]
    xn, yn = ml.xor(400, noise=0.1, seed=1)
    assert np.mean(np.sign(xn[:, 0]) * np.sign(xn[:, 1]) < 0) == pytest.approx(0.5, abs=0.05)


def test_train_test_split_is_a_partition():
    x = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    s = ml.train_test_split(x, y, test_fraction=0.25, seed=0)
    assert len(s.y_test) == 5 and len(s.y_train) == 15
    assert sorted(np.concatenate([s.y_train, s.y_test]).tolist()) == list(range(20))
    assert np.array_equal(s.x_train[:, 0], 2.0 * s.y_train)   # rows stay with their labels
    assert s.y_train.dtype == y.dtype


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: ml.linearly_separable(0, seed=0), ValueError, r"^n must be an integer in \[1, inf\], got 0"),
    (lambda: ml.linearly_separable(10, margin=0.7), ValueError, r"margin must lie in \(0, 0.5\], got 0.7"),
    (lambda: ml.linearly_separable(10, margin=0.0), ValueError, r"margin must lie in \(0, 0.5\], got 0"),
    (lambda: ml.linearly_separable(True), TypeError, r"^n must be an integer, got bool"),
    (lambda: ml.two_moons(1), ValueError, r"^n must be an integer in \[2, inf\], got 1"),
    (lambda: ml.two_moons(10.5), TypeError, r"^n must be an integer, got float \(10.5\)"),
    (lambda: ml.two_moons(10, noise=-0.1), ValueError, r"noise must lie in \[0, inf\), got -0.1"),
    (lambda: ml.two_moons(10, noise=np.True_), TypeError, r"noise must be a real number, got bool"),
    (lambda: ml.two_moons(10, seed=-1), ValueError, r"seed must be a non-negative int, got -1"),
    (lambda: ml.spirals(10, n_classes=1), ValueError, r"n_classes must be an integer in \[2, 10\], got 1"),
    (lambda: ml.spirals(10, noise=np.nan), ValueError, r"noise must be finite, got nan rad"),
    (lambda: ml.xor(3), ValueError, r"^n must be an integer in \[4, inf\], got 3"),
    (lambda: ml.xor(4, seed="a"), TypeError, r"seed must be None, a non-negative int or a numpy.random.Generator"),
    (lambda: ml.train_test_split(np.zeros((5, 2)), np.zeros(4)), ValueError,
     r"y must have one label per row of x, got 4 labels for 5 rows of x"),
    (lambda: ml.train_test_split(np.zeros((5, 2)), np.zeros(5), test_fraction=1.0), ValueError,
     r"test_fraction must lie in \(0, 1\), got 1"),
    (lambda: ml.train_test_split(np.zeros((5, 2)), np.zeros(5), test_fraction=np.True_), TypeError,
     r"test_fraction must be a real number, got bool"),
    (lambda: ml.train_test_split(np.zeros(5), np.zeros(5)), ValueError, r"x must have ndim in \(2,\), got shape \(5,\)"),
    (lambda: ml.train_test_split(np.zeros((1, 2)), np.zeros(1)), ValueError, r"x must have at least 2 rows to split"),
])
def test_bad_input_names_the_argument_and_range(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


@pytest.mark.parametrize("call", [
    lambda: ml.linearly_separable(10 ** 12), lambda: ml.two_moons(10 ** 12),
    lambda: ml.spirals(10 ** 12), lambda: ml.xor(10 ** 12),
])
def test_oversized_data_set_is_rejected_before_drawing(call, monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(2 ** 30))   # the limit of one call, pinned to 1 GiB
    with pytest.raises(ValueError, match=r"^n: a data set of 1000000000000 points would need .*; lower n"):
        call()
