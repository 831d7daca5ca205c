"""Reverse-mode autodiff on scalars: closed-form derivatives and the MLP's backpropagation."""

import math

import numpy as np
import pytest

from snnlib import ml
from snnlib.ml import Scalar


def test_elementary_derivatives():
    x = Scalar(0.7)
    cases = [
        (lambda u: u * u * u, 3 * 0.7**2),
        (lambda u: u.exp(), math.exp(0.7)),
        (lambda u: u.log(), 1 / 0.7),
        (lambda u: u.tanh(), 1 - math.tanh(0.7) ** 2),
        (lambda u: u.relu(), 1.0),
        (lambda u: (-u).relu(), 0.0),
        (lambda u: 1.0 / u, -1 / 0.7**2),
        (lambda u: 2.0 - u, -1.0),
        (lambda u: u**2.5, 2.5 * 0.7**1.5),
    ]
    for f, expected in cases:
        x.grad = 0.0
        f(x).backward()
        assert x.grad == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_shared_subexpression_accumulates():
    # f = (x y)^2 + x y: the node x*y feeds two paths; df/dx = (2 x y + 1) y
    x, y = Scalar(1.5), Scalar(-0.4)
    u = x * y
    f = u * u + u
    f.backward()
    assert x.grad == pytest.approx((2 * 1.5 * -0.4 + 1) * -0.4, rel=1e-14)
    assert y.grad == pytest.approx((2 * 1.5 * -0.4 + 1) * 1.5, rel=1e-14)


def test_deep_chain_does_not_recurse():
    x = Scalar(0.1)
    f = x
    for _ in range(5000):
        f = f * 1.0001
    f.backward()
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_loss_gradient_equals_backprop(activation):
    rng = np.random.default_rng(1)
    p = ml.init_mlp([2, 4, 3], activation=activation, seed=rng)
    x, y = rng.standard_normal((5, 2)), rng.integers(0, 3, 5)
    ws = [[[Scalar(v) for v in row] for row in w] for w in p.weights]
    bs = [[Scalar(v) for v in b] for b in p.biases]
    total = Scalar(0.0)
    for xi, yi in zip(x, y):
        a = list(xi)
        for l, (w, b) in enumerate(zip(ws, bs)):
            z = [sum((a[i] * w[i][j] for i in range(len(a))), b[j]) for j in range(len(b))]
            a = z if l == len(ws) - 1 else [u.tanh() if activation == "tanh" else u.relu() for u in z]
        total = total + (sum(u.exp() for u in a)).log() - a[yi]
    loss = total / len(y)
    loss.backward()
    lg = ml.loss_and_grad(p, x, y)
    assert loss.value == pytest.approx(lg.loss, rel=1e-13)
    for w, g in zip(ws, lg.grad_weights):
        assert np.allclose([[v.grad for v in row] for row in w], g, rtol=1e-11, atol=1e-14)
    for b, g in zip(bs, lg.grad_biases):
        assert np.allclose([v.grad for v in b], g, rtol=1e-11, atol=1e-14)


def test_invalid():
    with pytest.raises(TypeError, match="value"):
        Scalar("a")
    with pytest.raises(ValueError, match="positive"):
        Scalar(-1.0).log()
    with pytest.raises(TypeError, match="exponent"):
        Scalar(2.0) ** Scalar(2.0)
