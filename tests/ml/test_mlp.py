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


X4 = np.zeros((4, 2))
Y4 = [0, 1, 0, 1]


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda p: ml.forward(p, np.zeros((3, 3))), ValueError, r"x must have shape \('any', 2\), got \(3, 3\)"),
    (lambda p: ml.forward(p, None), TypeError, r"x must be an array of numbers, got NoneType"),
    (lambda p: ml.forward(p, [[np.nan, 0.0]]), ValueError, r"x must contain only finite values"),
    (lambda p: ml.accuracy(p, np.zeros((3, 2)), [0, 1, 2]), ValueError, r"y must be <= 1 everywhere, got max 2"),
    (lambda p: ml.accuracy(p, np.zeros((3, 2)), None), TypeError, r"y must be an array of numbers, got NoneType"),
    (lambda p: ml.loss_and_grad(p, np.zeros((3, 2)), None), TypeError, r"y must be an array of numbers, got NoneType"),
    (lambda p: ml.accuracy(p, np.zeros((2, 2)), [0.5, 1]), ValueError, r"y must contain integers, got 0.5"),
    (lambda p: ml.loss_and_grad(p, np.zeros((3, 2)), [0, 1]), ValueError,
     r"y must have one label per row of x, got 2 labels for 3 rows of x"),
    (lambda p: ml.predict_proba((p.weights, p.biases), np.zeros((1, 2))), TypeError,
     r"params must be an MLPParams \(from init_mlp or train_mlp\), got tuple"),
    (lambda p: ml.forward(ml.MLPParams((p.weights[0] * np.nan, p.weights[1]), p.biases, "tanh"), X4), ValueError,
     r"params.weights\[0\] must contain only finite values"),
    (lambda p: ml.forward(ml.MLPParams(p.weights, (p.biases[0], p.biases[1] + np.inf), "tanh"), X4), ValueError,
     r"params.biases\[1\] must contain only finite values"),
    (lambda p: ml.forward(ml.MLPParams((p.weights[0], p.weights[1].T), p.biases, "tanh"), X4), ValueError,
     r"params.weights\[1\] must have shape \(4, 'any'\), got \(2, 4\)"),
    (lambda p: ml.forward(ml.MLPParams(p.weights, p.biases[:1], "tanh"), X4), TypeError,
     r"params.weights and params.biases must be sequences of equal length >= 1"),
    (lambda p: ml.forward(ml.MLPParams(p.weights, p.biases, "sigmoid"), X4), ValueError,
     r"params.activation must be one of \['relu', 'tanh'\], got 'sigmoid'"),
    (lambda p: ml.init_mlp([2]), ValueError, r"layer_sizes must have at least 2 entries \(inputs, classes\)"),
    (lambda p: ml.init_mlp([2, 0, 2]), ValueError, r"layer_sizes must be an integer in \[1, inf\], got 0"),
    (lambda p: ml.init_mlp([2, True, 2]), TypeError, r"layer_sizes must be an integer, got bool"),
    (lambda p: ml.init_mlp([2, 3, 1]), ValueError, r"layer_sizes must end with the number of classes >= 2, got 1"),
    (lambda p: ml.init_mlp(3), TypeError, r"layer_sizes must be a sequence of positive ints, got 3"),
    (lambda p: ml.init_mlp([2, 3, 2], activation="sigmoid"), ValueError,
     r"activation must be one of \['relu', 'tanh'\], got 'sigmoid'"),
    (lambda p: ml.train_mlp(X4, [0, 1, 0, -1]), ValueError, r"y must be >= 0 everywhere, got min -1"),
    (lambda p: ml.train_mlp(X4, [0, 1.5, 0, 1]), ValueError, r"y must contain integers, got 1.5"),
    (lambda p: ml.train_mlp(X4, [0, 0, 0, 0]), ValueError, r"y must contain at least two classes \(labels 0 and 1\)"),
    (lambda p: ml.train_mlp(X4, Y4, eta=-1.0), ValueError, r"eta must lie in \(0, inf\), got -1"),
    (lambda p: ml.train_mlp(X4, Y4, eta=True), TypeError, r"eta must be a real number, got bool"),
    (lambda p: ml.train_mlp(X4, Y4, batch_size=0), ValueError, r"batch_size must be an integer in \[1, inf\], got 0"),
    (lambda p: ml.train_mlp(X4, Y4, epochs=0), ValueError, r"epochs must be an integer in \[1, 10000000\], got 0"),
    (lambda p: ml.train_mlp(X4, Y4, epochs=10 ** 9), ValueError,
     r"epochs must be an integer in \[1, 10000000\], got 1000000000"),
    (lambda p: ml.train_mlp(X4, Y4, epochs=1e9), TypeError, r"epochs must be an integer, got float"),
    (lambda p: ml.train_mlp(X4, Y4, epochs=True), TypeError, r"epochs must be an integer, got bool"),
    (lambda p: ml.train_mlp(X4, Y4, hidden=(8, 0)), ValueError, r"hidden must be an integer in \[1, inf\], got 0"),
    (lambda p: ml.train_mlp(X4, Y4, hidden="a"), TypeError, r"hidden must be an int or a sequence of positive ints"),
    (lambda p: ml.train_mlp(X4, Y4, hidden=True), TypeError, r"hidden must be an int or a sequence of positive ints"),
    (lambda p: ml.train_mlp(X4, Y4, method="torch"), ValueError, r"method must be one of \['numba', 'numpy'\]"),
    (lambda p: ml.train_mlp(X4.astype(bool), Y4), TypeError, r"x must be an array of numbers, got booleans"),
])
def test_bad_input_names_the_argument_and_range(call, exc, pattern):
    p = ml.init_mlp([2, 4, 2], seed=0)
    with pytest.raises(exc, match=pattern):
        call(p)


@pytest.mark.parametrize("call, pattern", [
    (lambda: ml.init_mlp([2, 10 ** 7, 10 ** 7, 2]), r"layer_sizes: a network of 1e\+14 parameters would need"),
    (lambda: ml.train_mlp(X4, Y4, hidden=10 ** 12), r"hidden: a network of 5e\+12 parameters would need"),
    (lambda: ml.train_mlp(X4, [0, 1, 0, 10 ** 12]), r"y \(max\(y\) \+ 1 classes\): a network of .* parameters"),
    (lambda: ml.train_mlp(np.zeros((4000, 2)), [0, 1] * 2000, hidden=1000, epochs=10 ** 7),
     r"epochs: minibatch steps \(1.25e\+09\) exceeds the 1e\+09"),
    (lambda: ml.train_mlp(np.zeros((40_000, 2)), [0, 1] * 20_000, hidden=(2000, 2000), batch_size=40_000,
                          epochs=10 ** 6), r"epochs: multiply-adds of training .* exceeds the 1e\+13"),
])
def test_oversized_networks_and_runs_are_rejected_by_name(call, pattern, monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(2 ** 30))   # the limit of one call, pinned to 1 GiB
    with pytest.raises(ValueError, match=pattern):
        call()


def test_whole_float_labels_equal_int_labels():
    x, y = ml.two_moons(60, noise=0.1, seed=1)
    a = ml.train_mlp(x, y, hidden=4, epochs=5, seed=0)
    b = ml.train_mlp(x, y.astype(float), hidden=4, epochs=5, seed=0)
    assert np.array_equal(a.loss_history, b.loss_history)
    assert ml.accuracy(a.params, x, y.astype(float)) == ml.accuracy(a.params, x, y)


@pytest.mark.parametrize("method", ["numba", "numpy"])
def test_training_across_epoch_chunks_equals_from_scratch(method):
    # 130 epochs: the orders are drawn 64 epochs at a time, the reference draws them all at once
    x, y = ml.xor(24, noise=0.3, seed=3)
    r = ml.train_mlp(x, y, hidden=(5,), eta=0.5, batch_size=8, epochs=130, seed=4, method=method)
    w, b, hist = naive.train_mlp(x, y, (5,), 0.5, 8, 130, 4)
    for got, ref in zip(r.params.weights + r.params.biases, w + b):
        assert np.allclose(got, ref, rtol=0, atol=1e-9)
    assert np.allclose(r.loss_history, hist, rtol=1e-10, atol=0)


def test_notebook_scratch_code_is_the_naive_reference():
    # Book and tests share one reference: chapter 1 shows tests/naive/ml.py's code verbatim.
    import inspect
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "chapters" / "01_deep_learning.ipynb"
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"]
    for fn in (naive.ml.forward, naive.mlp_loss_and_grad, naive.train_mlp):
        assert inspect.getsource(fn).strip() in sources, fn.__name__


@pytest.mark.parametrize("method", ["numba", "numpy"])
def test_validation_loss_is_the_loss_after_each_epoch(method):
    # independent route: train for e epochs from scratch and evaluate the held-out loss
    x, y = ml.two_moons(120, noise=0.2, seed=3)
    xv, yv = ml.two_moons(60, noise=0.2, seed=4)
    r = ml.train_mlp(x, y, hidden=8, eta=0.3, batch_size=16, epochs=6, seed=5, method=method,
                     validation=(xv, yv))
    plain = ml.train_mlp(x, y, hidden=8, eta=0.3, batch_size=16, epochs=6, seed=5, method=method)
    assert np.array_equal(r.loss_history, plain.loss_history) and plain.val_loss_history is None
    for e in [1, 3, 6]:
        short = ml.train_mlp(x, y, hidden=8, eta=0.3, batch_size=16, epochs=e, seed=5, method=method)
        assert r.val_loss_history[e - 1] == pytest.approx(ml.loss_and_grad(short.params, xv, yv).loss,
                                                          rel=1e-10)


@pytest.mark.parametrize("validation, err, match", [
    ("abc", TypeError, "validation must be None or a pair"),
    ((np.ones((3, 3)), [0, 1, 0]), ValueError, "validation must have 2 input columns"),
    ((np.ones((3, 2)), [0, 1]), ValueError, "validation y_val must have one label per row"),
    ((np.ones((2, 2)), [0, 5]), ValueError, r"labels in \[0, 1\]"),
])
def test_validation_bad_input(validation, err, match):
    x, y = ml.two_moons(20, noise=0.2, seed=3)
    with pytest.raises(err, match=match):
        ml.train_mlp(x, y, hidden=4, epochs=1, seed=0, validation=validation)
