"""MLP: backprop against finite differences, fast versus from-scratch, learning two moons."""

import naive
import numpy as np
import pytest

from snnlib import ml

EPS = np.finfo(float).eps


def _random_problem(activation, seed=0, sizes=(3, 5, 4, 3), n=7):
    rng = np.random.default_rng(seed)
    p = ml.init_mlp(sizes, activation=activation, seed=rng)
    p = ml.MLPParams(p.weights, tuple(0.3 * rng.standard_normal(b.shape) for b in p.biases), activation)
    return p, rng.standard_normal((n, sizes[0])), rng.integers(0, sizes[-1], n)


def _loss_with(p, x, y, kind, l, idx, value):
    ws = [w.copy() for w in p.weights]
    bs = [b.copy() for b in p.biases]
    (ws if kind == "w" else bs)[l][idx] = value
    return ml.loss_and_grad(ml.MLPParams(tuple(ws), tuple(bs), p.activation), x, y).loss


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradient_matches_central_differences(activation):
    p, x, y = _random_problem(activation)
    if activation == "relu":
        # finite differences are only valid away from the kink: no pre-activation near 0
        pres = ml.forward(p, x).pre_activations[:-1]
        assert min(np.min(np.abs(z)) for z in pres) > 1e-3
    lg = ml.loss_and_grad(p, x, y)
    h = 1e-4
    checked = 0
    for kind, params, grads in (("w", p.weights, lg.grad_weights), ("b", p.biases, lg.grad_biases)):
        for l, (theta, g) in enumerate(zip(params, grads)):
            for idx in np.ndindex(theta.shape):
                t0 = theta[idx]
                d = {}
                for step in (h, 2 * h):
                    d[step] = (_loss_with(p, x, y, kind, l, idx, t0 + step)
                               - _loss_with(p, x, y, kind, l, idx, t0 - step)) / (2 * step)
                # Central difference: D(h) = g + c h^2 + O(h^4), so |D(h) - g| ~ |D(2h) - D(h)| / 3
                # (Richardson); rounding of the two losses adds <~ k eps |L| / h with k ~ 10 operations.
                trunc = abs(d[2 * h] - d[h]) / 3.0
                rounding = 10.0 * EPS * max(abs(lg.loss), 1.0) / h
                assert abs(g[idx] - d[h]) <= 2.0 * trunc + rounding, (kind, l, idx)
                checked += 1
    assert checked == sum(w.size + b.size for w, b in zip(p.weights, p.biases))


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_loss_and_grad_equals_from_scratch(activation):
    p, x, y = _random_problem(activation, seed=3)
    lg = ml.loss_and_grad(p, x, y)
    loss, gw, gb = naive.mlp_loss_and_grad(list(p.weights), list(p.biases), x, y, activation)
    assert lg.loss == pytest.approx(loss, rel=1e-14)
    for a, b in zip(lg.grad_weights + lg.grad_biases, gw + gb):
        assert np.allclose(a, b, rtol=1e-13, atol=1e-16)


def test_uniform_output_gives_log_k_loss():
    # All-zero weights and biases: P(y|x) = 1/K for every x, so L = log K exactly.
    p = ml.init_mlp([2, 6, 4], seed=0)
    z = ml.MLPParams(tuple(np.zeros_like(w) for w in p.weights), p.biases, "tanh")
    x = np.random.default_rng(0).standard_normal((9, 2))
    lg = ml.loss_and_grad(z, x, np.arange(9) % 4)
    assert lg.loss == pytest.approx(np.log(4.0), rel=1e-15)
    assert np.allclose(ml.predict_proba(z, x), 0.25, rtol=1e-15)


@pytest.mark.parametrize("method", ["numba", "numpy"])
@pytest.mark.parametrize("activation, hidden, batch", [("tanh", (16,), 32), ("relu", (12, 8), 20),
                                                       ("tanh", (), 500)])
def test_train_mlp_equals_from_scratch(method, activation, hidden, batch):
    x, y = ml.spirals(150, n_classes=3, noise=0.1, seed=2)
    r = ml.train_mlp(x, y, hidden=hidden, activation=activation, eta=0.3, batch_size=batch, epochs=40,
                         seed=9, method=method)
    w, b, hist = naive.train_mlp(x, y, hidden, 0.3, batch, 40, 9, activation)
    # Same random numbers, same arithmetic up to the order of summations: differences are
    # rounding, ~eps per operation, grown over ~300 SGD steps; an algorithmic difference
    # would show up at the 1e-3 level.
    for got, ref in zip(r.params.weights + r.params.biases, w + b):
        assert np.allclose(got, ref, rtol=0, atol=1e-9)
    assert np.allclose(r.loss_history, hist, rtol=1e-10, atol=0)
    assert r.method == method


def test_two_moons_test_accuracy():
    # At noise 0.1 the two moons overlap only in the far Gaussian tails, so the best possible
    # (Bayes) accuracy is above 0.99, while no straight line does better than about 0.9.
    # We require the MLP's accuracy on 2000 fresh points to exceed 0.95 by 3 binomial standard
    # errors, and to beat softmax regression (no hidden layer) by 3 standard errors of the difference.
    x, y = ml.two_moons(500, noise=0.1, seed=0)
    x_test, y_test = ml.two_moons(2000, noise=0.1, seed=1)
    mlp = ml.train_mlp(x, y, hidden=32, eta=0.3, batch_size=32, epochs=200, seed=0)
    lin = ml.train_mlp(x, y, hidden=(), eta=0.3, batch_size=32, epochs=200, seed=0)
    a_mlp = ml.accuracy(mlp.params, x_test, y_test)
    a_lin = ml.accuracy(lin.params, x_test, y_test)
    n = y_test.size
    se = np.sqrt(a_mlp * (1 - a_mlp) / n)
    se_diff = np.sqrt(se ** 2 + a_lin * (1 - a_lin) / n)
    assert a_mlp - 3 * se > 0.95
    assert a_mlp - a_lin > 3 * se_diff
    assert mlp.loss_history[-1] < 0.5 * mlp.loss_history[0]


def test_forward_shapes_and_probabilities():
    p = ml.init_mlp([2, 7, 5, 3], activation="relu", seed=1)
    x = np.random.default_rng(1).standard_normal((11, 2))
    fp = ml.forward(p, x)
    assert [a.shape for a in fp.activations] == [(11, 2), (11, 7), (11, 5), (11, 3)]
    assert np.allclose(fp.probs.sum(axis=1), 1.0, rtol=0, atol=1e-15) and np.all(fp.probs > 0)
    assert np.all(fp.activations[1] >= 0)
    assert np.array_equal(fp.activations[1], np.maximum(fp.pre_activations[0], 0))
    y = np.argmax(fp.probs, axis=1)
    assert ml.accuracy(p, x, y) == 1.0


def test_init_variance():
    # W ~ N(0, g / n_in): check the sample variance of a large layer to 4 standard errors.
    for activation, gain in (("tanh", 1.0), ("relu", 2.0)):
        w = ml.init_mlp([400, 300, 2], activation=activation, seed=0).weights[0]
        target = gain / 400
        se = target * np.sqrt(2.0 / (w.size - 1))
        assert abs(w.var() - target) < 4 * se


@pytest.mark.parametrize("call, name", [
    (lambda p: ml.forward(p, np.zeros((3, 3))), "x"),
    (lambda p: ml.accuracy(p, np.zeros((3, 2)), [0, 1, 2]), "y"),
    (lambda p: ml.loss_and_grad(p, np.zeros((3, 2)), [0, 1]), "y"),
    (lambda p: ml.predict_proba((p.weights, p.biases), np.zeros((1, 2))), "params"),
    (lambda p: ml.init_mlp([2]), "layer_sizes"),
    (lambda p: ml.init_mlp([2, 0, 2]), "layer_sizes"),
    (lambda p: ml.init_mlp([2, 3, 2], activation="sigmoid"), "activation"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, -1]), "y"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 0, 0, 0]), "y"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], eta=-1.0), "eta"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], batch_size=0), "batch_size"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], epochs=0), "epochs"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], hidden=(8, 0)), "hidden"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], method="torch"), "method"),
    (lambda p: ml.train_mlp(np.zeros((4, 2)), [0, 1, 0, 1], hidden="a"), "hidden"),
])
def test_bad_input_names_the_argument(call, name):
    p = ml.init_mlp([2, 4, 2], seed=0)
    with pytest.raises((ValueError, TypeError), match=name):
        call(p)


def test_notebook_scratch_code_is_the_naive_reference():
    # Book and tests share one reference: chapter 1 shows tests/naive.py's code verbatim.
    import inspect
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "chapters" / "01_deep_learning.ipynb"
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"]
    for fn in (naive.mlp_loss_and_grad, naive.train_mlp):
        assert inspect.getsource(fn).strip() in sources, fn.__name__
