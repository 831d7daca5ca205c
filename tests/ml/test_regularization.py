"""Weight decay and dropout: gradients against finite differences, stationarity of the penalised
optimum, dropout's random numbers, and the reduction to plain SGD."""

import math

import numpy as np
import pytest

from snnlib import ml

EPS = np.finfo(float).eps


def _problem(activation, seed=0, sizes=(3, 5, 4, 3), n=7):
    rng = np.random.default_rng(seed)
    p = ml.init_mlp(sizes, activation=activation, seed=rng)
    p = ml.MLPParams(p.weights, tuple(0.3 * rng.standard_normal(b.shape) for b in p.biases), activation)
    x = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    keep = 0.6
    masks = [(rng.random((n, h)) < keep) / keep for h in sizes[1:-1]]
    return p, x, y, masks


def _loss(p, x, y, lam, masks, kind, l, idx, value):
    ws, bs = [w.copy() for w in p.weights], [b.copy() for b in p.biases]
    (ws if kind == "w" else bs)[l][idx] = value
    q = ml.MLPParams(tuple(ws), tuple(bs), p.activation)
    return ml.regularized_loss_and_grad(q, x, y, weight_decay=lam, masks=masks).loss


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("use_masks", [False, True])
def test_gradient_matches_central_differences(activation, use_masks):
    p, x, y, masks = _problem(activation)
    masks = masks if use_masks else None
    lam = 0.07
    lg = ml.regularized_loss_and_grad(p, x, y, weight_decay=lam, masks=masks)
    h = 1e-4
    for kind, params, grads in (("w", p.weights, lg.grad_weights), ("b", p.biases, lg.grad_biases)):
        for l, (theta, g) in enumerate(zip(params, grads)):
            for idx in np.ndindex(theta.shape):
                t0 = theta[idx]
                d = {s: (_loss(p, x, y, lam, masks, kind, l, idx, t0 + s)
                         - _loss(p, x, y, lam, masks, kind, l, idx, t0 - s)) / (2 * s) for s in (h, 2 * h)}
                # Richardson: |D(h) - g| ~ |D(2h) - D(h)| / 3, plus rounding ~ 10 eps |L| / h
                # (a ReLU kink crossed within 2h shows up as a large |D(2h) - D(h)|, not a false failure)
                tol = 2.0 * abs(d[2 * h] - d[h]) / 3.0 + 10.0 * EPS * max(abs(lg.loss), 1.0) / h
                assert abs(g[idx] - d[h]) <= tol, (kind, l, idx)


def test_no_penalty_no_mask_equals_loss_and_grad():
    p, x, y, _ = _problem("tanh", seed=4)
    a = ml.regularized_loss_and_grad(p, x, y)
    b = ml.loss_and_grad(p, x, y)
    assert a.loss == pytest.approx(b.loss, rel=1e-14)
    for u, v in zip(a.grad_weights + a.grad_biases, b.grad_weights + b.grad_biases):
        assert np.allclose(u, v, rtol=1e-13, atol=1e-16)


def test_unregularised_training_equals_train_mlp():
    x, y = ml.two_moons(60, noise=0.2, seed=2)
    xv, yv = ml.two_moons(30, noise=0.2, seed=3)
    kw = dict(hidden=(8, 6), eta=0.2, batch_size=16, epochs=15, seed=5, validation=(xv, yv))
    a = ml.train_mlp_regularized(x, y, **kw)
    b = ml.train_mlp(x, y, method="numpy", **kw)
    for u, v in zip(a.params.weights + a.params.biases, b.params.weights + b.params.biases):
        assert np.allclose(u, v, rtol=1e-12, atol=1e-14)
    assert np.allclose(a.loss_history, b.loss_history, rtol=1e-12)
    assert np.allclose(a.val_loss_history, b.val_loss_history, rtol=1e-12)


def test_weight_decay_reaches_a_stationary_point_of_the_penalised_loss():
    # Full-batch gradient descent with weight decay converges to a point where the gradient of the
    # cross-entropy (computed by the independent ml.loss_and_grad) balances the penalty:
    # dL/dW = -lambda W and dL/db = 0. Softmax regression: the penalised loss is strictly convex.
    x, y = ml.two_moons(80, noise=0.2, seed=0)
    lam = 0.05
    # The Hessian of the softmax cross-entropy in the logits has eigenvalues <= 1/2, and the logits
    # are linear in (W, b) with the augmented input (x, 1), so the penalised loss is L-smooth with
    # L <= max|(x, 1)|^2 / 2 + lambda and lambda-strongly convex in W. Full-batch steps of size
    # eta < 2/L converge linearly, the error shrinking at least by 1 - eta*lambda per step: after
    # 4000 steps by e^-50 or more, so what remains is rounding (a few eps times the terms).
    smooth = 0.5 * np.max(np.sum(x**2, axis=1) + 1.0) + lam
    eta = 1.0 / smooth
    assert eta * lam * 4000 > 50
    r = ml.train_mlp_regularized(x, y, hidden=(), eta=eta, batch_size=80, epochs=4000, weight_decay=lam,
                                 seed=0)
    lg = ml.loss_and_grad(r.params, x, y)
    w = r.params.weights[0]
    assert np.max(np.abs(lg.grad_weights[0] + lam * w)) < 1e-12
    assert np.max(np.abs(lg.grad_biases[0])) < 1e-12
    assert np.max(np.abs(w)) > 0.1                      # not the trivial optimum


def test_weight_decay_shrinks_the_weights():
    x, y = ml.two_moons(80, noise=0.2, seed=0)
    norms = []
    for lam in (0.0, 0.01, 0.1):
        r = ml.train_mlp_regularized(x, y, hidden=8, eta=0.3, batch_size=16, epochs=100, weight_decay=lam, seed=1)
        norms.append(sum(float(np.sum(w**2)) for w in r.params.weights))
    assert norms[0] > norms[1] > norms[2]


def test_dropout_does_not_change_the_minibatch_order():
    # Same seed: the initial weights and the orders are the same with and without dropout, so with
    # eta -> 0 the runs start identically; their first-epoch losses differ only through the masks.
    x, y = ml.two_moons(40, noise=0.2, seed=1)
    a = ml.train_mlp_regularized(x, y, hidden=6, eta=1e-12, batch_size=40, epochs=1, seed=3)
    b = ml.train_mlp_regularized(x, y, hidden=6, eta=1e-12, batch_size=40, epochs=1, seed=3, dropout=0.5)
    for u, v in zip(a.params.weights, b.params.weights):
        assert np.allclose(u, v, rtol=0, atol=1e-10)
    assert a.loss_history[0] != b.loss_history[0]


@pytest.mark.parametrize("kw, err", [
    (dict(weight_decay=-0.1), ValueError), (dict(dropout=1.0), ValueError), (dict(dropout=-0.1), ValueError),
    (dict(weight_decay="a"), TypeError), (dict(eta=0.0), ValueError),
])
def test_invalid_arguments(kw, err):
    x, y = ml.two_moons(20, seed=0)
    name = next(iter(kw))
    with pytest.raises(err, match=name):
        ml.train_mlp_regularized(x, y, epochs=1, **kw)


def test_invalid_masks():
    p, x, y, masks = _problem("tanh")
    with pytest.raises(TypeError, match="masks"):
        ml.regularized_loss_and_grad(p, x, y, masks=masks[:1])
    with pytest.raises(ValueError, match="masks"):
        ml.regularized_loss_and_grad(p, x, y, masks=[masks[0][:3], masks[1]])
