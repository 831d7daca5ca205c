r"""A small multilayer perceptron (MLP) with backpropagation written out.

The network models the conditional distribution of a class label given an input,
:math:`P_\phi(y = k \mid x) = \operatorname{softmax}(z^{(L)})_k`, where
:math:`a^{(0)} = x`, :math:`z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}` and
:math:`a^{(l)} = \varphi(z^{(l)})` for the hidden layers (activation :math:`\varphi = \tanh` or ReLU).
It is trained by minimising the cross-entropy (negative log-likelihood)
:math:`L(\phi) = -\frac{1}{B}\sum_{i} \log P_\phi(y_i \mid x_i)` on minibatches of
size :math:`B` with stochastic gradient descent :math:`\Delta\phi = -\eta\,\partial L/\partial\phi`.

Backpropagation (Rumelhart, Hinton & Williams 1986; Goodfellow, Bengio &
Courville 2016, sec. 6.5) computes the gradient layer by layer:

.. math::

    \delta^{(L)} &= \frac{1}{B}\bigl(P_\phi - \mathrm{onehot}(y)\bigr), \\
    \frac{\partial L}{\partial W^{(l)}} &= a^{(l-1)\top}\delta^{(l)},\quad
    \frac{\partial L}{\partial b^{(l)}} = \textstyle\sum_i \delta^{(l)}_i, \\
    \delta^{(l-1)} &= \bigl(\delta^{(l)} W^{(l)\top}\bigr)\odot \varphi'(z^{(l-1)}).

Two implementations of the training loop exist: a numba kernel that loops over
samples and units on one flat parameter vector, and a vectorised NumPy one (matrix
products per minibatch). ``benchmarks/bench_mlp.py`` compares them on the chapter's
widget workload; :func:`train_mlp` uses the faster one (numba) unless told otherwise.
Both consume the same random numbers, so the same seed gives the same parameters.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.seeding import as_generator
from .._core.validation import (MAX_STEPS, check_array, check_choice, check_int, check_memory, check_one_per_row,
                                check_positive, check_work)
from .perceptron import check_epochs, epoch_order_chunks

__all__ = ["MLPParams", "ForwardPass", "LossGrad", "MLPTrainResult", "init_mlp", "forward",
           "predict_proba", "loss_and_grad", "accuracy", "train_mlp"]

_ACTIVATIONS = ("tanh", "relu")
#: Integer code of each activation inside the numba kernel.
_ACT_CODE = {"tanh": 0, "relu": 1}
#: Bytes per parameter while a network is built and trained: the Gaussian draw and its scaled
#: copy, the flat parameter vector and its gradient (8 bytes each).
_BYTES_PER_PARAM = 32
#: Bytes per (sample, unit) of a forward pass: the activation and the pre-activation (8 each),
#: and the backward pass's error of the same shape, rounded up.
_BYTES_PER_ACTIVATION = 32
#: Multiply-adds per (sample, parameter) and SGD step: forward, backward and the update.
_OPS_PER_PARAM = 3


class MLPParams(NamedTuple):
    """Weights and biases of an MLP, layer by layer.

    Parameters
    ----------
    weights : tuple of numpy.ndarray
        ``weights[l]`` (dimensionless) has shape (n_in, n_out) of layer ``l``; inputs are
        rows, so ``z = a @ W + b``.
    biases : tuple of numpy.ndarray
        ``biases[l]`` (dimensionless) has shape (n_out,).
    activation : str
        Hidden-layer non-linearity, ``"tanh"`` or ``"relu"``; the output layer is a softmax.

    Examples
    --------
    >>> p = init_mlp([2, 8, 2], seed=0)
    >>> [w.shape for w in p.weights], p.activation
    ([(2, 8), (8, 2)], 'tanh')
    """

    weights: tuple
    biases: tuple
    activation: str

    @property
    def layer_sizes(self) -> tuple:
        """Number of units per layer, input first."""
        return (self.weights[0].shape[0],) + tuple(w.shape[1] for w in self.weights)


class ForwardPass(NamedTuple):
    """Every intermediate quantity of a forward pass.

    Parameters
    ----------
    activations : tuple of numpy.ndarray
        ``(x, a1, ..., a_{L-1}, probs)``: the input, the hidden activations and the
        softmax output, each of shape (n, units).
    pre_activations : tuple of numpy.ndarray
        ``(z1, ..., zL)``, the inputs of each layer's non-linearity (``zL`` are the logits).

    Examples
    --------
    >>> import numpy as np
    >>> fp = forward(init_mlp([2, 4, 3], seed=0), np.zeros((5, 2)))
    >>> [a.shape for a in fp.activations]
    [(5, 2), (5, 4), (5, 3)]
    """

    activations: tuple
    pre_activations: tuple

    @property
    def probs(self) -> np.ndarray:
        """Class probabilities :math:`P_\\phi(y \\mid x)`, shape (n, n_classes)."""
        return self.activations[-1]


class LossGrad(NamedTuple):
    """Mean cross-entropy of a batch and its gradient.

    Parameters
    ----------
    loss : float
        :math:`-\\frac{1}{n}\\sum_i \\log P_\\phi(y_i \\mid x_i)` (nats).
    grad_weights : tuple of numpy.ndarray
        :math:`\\partial L/\\partial W^{(l)}`, shaped like ``params.weights``.
    grad_biases : tuple of numpy.ndarray
        :math:`\\partial L/\\partial b^{(l)}`, shaped like ``params.biases``.

    Examples
    --------
    >>> import numpy as np
    >>> lg = loss_and_grad(init_mlp([2, 4, 2], seed=0), np.zeros((3, 2)),
    ...                    np.array([0, 1, 1]))
    >>> # zero inputs, zero biases: p = 1/2
    >>> round(lg.loss, 6), round(float(np.log(2)), 6)
    (0.693147, 0.693147)
    """

    loss: float
    grad_weights: tuple
    grad_biases: tuple


class MLPTrainResult(NamedTuple):
    """Outcome of :func:`train_mlp`.

    Parameters
    ----------
    params : MLPParams
        Trained weights and biases.
    loss_history : numpy.ndarray, shape (epochs,)
        Mean training cross-entropy (nats) of each epoch, each minibatch's loss taken
        before its update.
    method : str
        Implementation used, ``"numba"`` or ``"numpy"``.
    val_loss_history : numpy.ndarray, shape (epochs,), or None
        Mean cross-entropy (nats) on the validation set after each epoch, if
        :func:`train_mlp` was given ``validation``; else None.

    Examples
    --------
    >>> from snnlib.ml import two_moons, train_mlp
    >>> x, y = two_moons(200, noise=0.1, seed=0)
    >>> r = train_mlp(x, y, hidden=(16,), epochs=20, seed=0)
    >>> r.loss_history.shape, bool(r.loss_history[-1] < r.loss_history[0])
    ((20,), True)
    """

    params: MLPParams
    loss_history: np.ndarray
    method: str
    val_loss_history: np.ndarray | None = None


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------

def _check_params(params, name: str = "params") -> MLPParams:
    """Checked copy of ``params``: one finite float64 (n_in, n_out) weight matrix and (n_out,) bias
    vector per layer, consecutive layers matching, at least two classes at the output."""
    if not isinstance(params, MLPParams):
        raise TypeError(f"{name} must be an MLPParams (from init_mlp or train_mlp), got {type(params).__name__}")
    check_choice(params.activation, f"{name}.activation", _ACTIVATIONS)
    ws, bs = params.weights, params.biases
    if not isinstance(ws, (tuple, list)) or not isinstance(bs, (tuple, list)) or not ws or len(ws) != len(bs):
        raise TypeError(f"{name}.weights and {name}.biases must be sequences of equal length >= 1 "
                        f"(one weight matrix and one bias vector per layer)")
    weights, biases = [], []
    n_in = None
    for l, (w, b) in enumerate(zip(ws, bs)):
        weights.append(check_array(w, f"{name}.weights[{l}]", shape=(n_in, None)))
        n_in = weights[-1].shape[1]
        biases.append(check_array(b, f"{name}.biases[{l}]", shape=(n_in,)))
    if n_in < 2:
        raise ValueError(f"{name}.weights[-1] must have at least 2 columns (classes), got {n_in}")
    return MLPParams(tuple(weights), tuple(biases), params.activation)


def _check_x(x, params: MLPParams) -> np.ndarray:
    """Inputs (n, n_in) for ``params``, after the memory guard on the forward pass."""
    x = check_array(x, "x", shape=(None, params.layer_sizes[0]))
    check_memory(_BYTES_PER_ACTIVATION * float(x.shape[0]) * sum(params.layer_sizes), "x",
                 what=f"a forward pass of {x.shape[0]} inputs", hint="pass the inputs in smaller batches")
    return x


def _checked(params, x, y):
    """``params``, ``x`` and the class labels ``y`` (int64 in [0, n_classes), one per row of x), checked."""
    params = _check_params(params)
    x = _check_x(x, params)
    y = check_array(y, "y", ndim=1, dtype=np.int64, low=0, high=params.layer_sizes[-1] - 1)
    check_one_per_row(y, x)
    return params, x, y


def _check_size(sizes, name: str) -> None:
    """Memory guard on a network of the given layer sizes, naming the argument that sets them."""
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    check_memory(_BYTES_PER_PARAM * float(n_params), name, what=f"a network of {n_params:.3g} parameters",
                 hint="use fewer or smaller layers")


# ---------------------------------------------------------------------------
# Vectorised NumPy implementation (also the one used for forward/loss_and_grad)
# ---------------------------------------------------------------------------

def _forward(params, x, masks=None):
    # masks: None, or one dropout mask per hidden layer that multiplies its activations
    acts, pres = [x], []
    n_layers = len(params.weights)
    for l, (w, b) in enumerate(zip(params.weights, params.biases)):
        z = acts[-1] @ w + b
        pres.append(z)
        if l < n_layers - 1:
            a = np.tanh(z) if params.activation == "tanh" else np.maximum(z, 0.0)
            acts.append(a if masks is None else a * masks[l])
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            acts.append(e / e.sum(axis=1, keepdims=True))
    return acts, pres


def _loss_and_grad(params, x, y, weight_decay=0.0, masks=None):
    # weight_decay adds (weight_decay / 2) sum W^2 to the loss; masks as in _forward
    acts, pres = _forward(params, x, masks)
    n = x.shape[0]
    rows = np.arange(n)
    z = pres[-1]
    zmax = z.max(axis=1)
    # log-softmax computed stably: log p_y = z_y - max z - log sum exp(z - max z)
    log_p = z[rows, y] - zmax - np.log(np.exp(z - zmax[:, None]).sum(axis=1))
    loss = -float(log_p.mean())
    delta = acts[-1].copy()
    delta[rows, y] -= 1.0
    delta /= n
    n_layers = len(params.weights)
    gw, gb = [None] * n_layers, [None] * n_layers
    for l in range(n_layers - 1, -1, -1):
        gw[l] = acts[l].T @ delta
        if weight_decay:
            gw[l] += weight_decay * params.weights[l]
        gb[l] = delta.sum(axis=0)
        if l > 0:
            delta = delta @ params.weights[l].T
            if masks is None:
                delta *= (1.0 - acts[l] ** 2) if params.activation == "tanh" else (pres[l - 1] > 0.0)
            else:                               # acts[l] is masked: the slope comes from pres
                delta *= masks[l - 1]
                z_prev = pres[l - 1]
                delta *= (1.0 - np.tanh(z_prev) ** 2) if params.activation == "tanh" else (z_prev > 0.0)
    if weight_decay:
        loss += 0.5 * weight_decay * sum(float(np.sum(w * w)) for w in params.weights)
    return loss, gw, gb


def _train_numpy(params, x, y, rng, epochs, eta, batch_size, after_epoch=None, weight_decay=0.0,
                 dropout=0.0, mask_rng=None):
    # dropout > 0 draws each minibatch's masks from mask_rng (inverted scaling: kept units / keep)
    ws = [w.copy() for w in params.weights]
    bs = [b.copy() for b in params.biases]
    p = MLPParams(ws, bs, params.activation)
    n = x.shape[0]
    hidden, keep = params.layer_sizes[1:-1], 1.0 - dropout
    history = np.zeros(epochs)
    # one epoch per chunk when a callback needs the parameters after each epoch (same draws)
    chunks = epoch_order_chunks(rng, n, epochs, **({"chunk": 1} if after_epoch else {}))
    for first, orders in chunks:
        for e in range(orders.shape[0]):
            total = 0.0
            for start in range(0, n, batch_size):
                idx = orders[e, start:start + batch_size]
                masks = None
                if dropout > 0.0:
                    masks = [(mask_rng.random((idx.size, h)) < keep) / keep for h in hidden]
                loss, gw, gb = _loss_and_grad(p, x[idx], y[idx], weight_decay, masks)
                total += loss * idx.size
                for l in range(len(ws)):
                    ws[l] -= eta * gw[l]
                    bs[l] -= eta * gb[l]
            history[first + e] = total / n
        if after_epoch is not None:
            after_epoch(first, MLPParams(tuple(ws), tuple(bs), params.activation))
    return MLPParams(tuple(ws), tuple(bs), params.activation), history


# ---------------------------------------------------------------------------
# numba implementation on one flat parameter vector
# ---------------------------------------------------------------------------

def _layout(sizes):
    """Offsets of each layer's weights (row-major, n_in x n_out) and biases in the flat vector."""
    woff = np.zeros(len(sizes) - 1, np.int64)
    boff = np.zeros(len(sizes) - 1, np.int64)
    pos = 0
    for l in range(len(sizes) - 1):
        woff[l] = pos
        pos += sizes[l] * sizes[l + 1]
        boff[l] = pos
        pos += sizes[l + 1]
    return woff, boff, pos


def _flatten(params):
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(params.weights, params.biases)])


def _unflatten(flat, sizes, activation):
    woff, boff, _ = _layout(sizes)
    ws, bs = [], []
    for l in range(len(sizes) - 1):
        ws.append(flat[woff[l]:woff[l] + sizes[l] * sizes[l + 1]].reshape(sizes[l], sizes[l + 1]).copy())
        bs.append(flat[boff[l]:boff[l] + sizes[l + 1]].copy())
    return MLPParams(tuple(ws), tuple(bs), activation)


@njit(cache=True)
def _tanh_inplace(z):
    """tanh of every entry of a 2-D array ``z`` of pre-activations (dimensionless), in place (jitted, no checking).

    Uses tanh z = 1 - 2/(1 + e^{2z}): exact to ~3e-16 in absolute terms, saturates
    correctly (e^{2z} -> 0 or inf), and is several times faster than libm's tanh
    called from numba.
    """
    for r in range(z.shape[0]):
        for k in range(z.shape[1]):
            z[r, k] = 1.0 - 2.0 / (1.0 + math.exp(2.0 * z[r, k]))


@njit(cache=True)
def _train_kernel(x, y, orders, sizes, woff, boff, aoff, theta, eta, batch_size, act, history):
    """Minibatch SGD with backprop on the flat parameter vector theta, in place (jitted, no checking).

    Arguments (all dimensionless): ``x`` (n, sizes[0]) float64 inputs and ``y`` (n,) int64
    labels; ``orders`` (n_epochs, n) int64, the presentation order of each epoch; ``sizes``
    (n_layers + 1,) int64 units per layer; ``woff``, ``boff`` (n_layers,) int64 offsets of each
    layer's weights (row-major, n_in x n_out) and biases in ``theta``; ``aoff`` (n_layers + 2,)
    int64 cumulative units (``aoff[l] = sum(sizes[:l])``); ``theta`` the flat parameters,
    updated in place; ``eta`` the learning rate; ``batch_size`` the minibatch size (points);
    ``act`` the activation code of :data:`_ACT_CODE` (0 tanh, 1 ReLU); ``history``
    (n_epochs,) receives each epoch's mean loss (nats; each minibatch's loss before its update).

    Layer l's activations (and errors delta) of a minibatch of m points live as a
    C-ordered (m, sizes[l]) block at offset ``batch_size * aoff[l]`` of one flat
    buffer, and each weight matrix is a (n_in, n_out) view of theta, so every
    product is one BLAS call.
    """
    n = x.shape[0]
    n_layers = sizes.shape[0] - 1
    n_out = sizes[n_layers]
    abuf = np.zeros(batch_size * aoff[n_layers + 1])
    dbuf = np.zeros(batch_size * aoff[n_layers + 1])
    grad = np.zeros(theta.shape[0])
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            m = min(batch_size, n - start)
            a_in = abuf[0:m * sizes[0]].reshape((m, sizes[0]))
            for r in range(m):
                for j in range(sizes[0]):
                    a_in[r, j] = x[orders[e, start + r], j]
            # forward pass: z = a W + b, then the non-linearity (softmax at the output)
            for l in range(n_layers):
                n_in, n_o = sizes[l], sizes[l + 1]
                a_prev = abuf[batch_size * aoff[l]:batch_size * aoff[l] + m * n_in].reshape((m, n_in))
                a_next = abuf[batch_size * aoff[l + 1]:batch_size * aoff[l + 1] + m * n_o].reshape((m, n_o))
                w = theta[woff[l]:woff[l] + n_in * n_o].reshape((n_in, n_o))
                np.dot(a_prev, w, a_next)
                for r in range(m):
                    for k in range(n_o):
                        a_next[r, k] += theta[boff[l] + k]
                if l < n_layers - 1:
                    if act == 0:
                        _tanh_inplace(a_next)
                    else:
                        for r in range(m):
                            for k in range(n_o):
                                if a_next[r, k] < 0.0:
                                    a_next[r, k] = 0.0
            # softmax, loss, and output error delta = (p - onehot(y)) / m
            o = batch_size * aoff[n_layers]
            p = abuf[o:o + m * n_out].reshape((m, n_out))
            d = dbuf[o:o + m * n_out].reshape((m, n_out))
            for r in range(m):
                yi = y[orders[e, start + r]]
                zmax = p[r, 0]
                for k in range(1, n_out):
                    zmax = max(zmax, p[r, k])
                s = 0.0
                for k in range(n_out):
                    s += math.exp(p[r, k] - zmax)
                total -= p[r, yi] - zmax - math.log(s)
                for k in range(n_out):
                    p[r, k] = math.exp(p[r, k] - zmax) / s
                    d[r, k] = (p[r, k] - (1.0 if k == yi else 0.0)) / m
            # backward pass: dL/dW = a_prev^T delta, dL/db = sum_r delta, delta_prev = (delta W^T) phi'
            for l in range(n_layers - 1, -1, -1):
                n_in, n_o = sizes[l], sizes[l + 1]
                d = dbuf[batch_size * aoff[l + 1]:batch_size * aoff[l + 1] + m * n_o].reshape((m, n_o))
                a_prev = abuf[batch_size * aoff[l]:batch_size * aoff[l] + m * n_in].reshape((m, n_in))
                w = theta[woff[l]:woff[l] + n_in * n_o].reshape((n_in, n_o))
                np.dot(a_prev.T, d, grad[woff[l]:woff[l] + n_in * n_o].reshape((n_in, n_o)))
                for k in range(n_o):
                    gb = 0.0
                    for r in range(m):
                        gb += d[r, k]
                    grad[boff[l] + k] = gb
                if l > 0:
                    d_prev = dbuf[batch_size * aoff[l]:batch_size * aoff[l] + m * n_in].reshape((m, n_in))
                    np.dot(d, w.T, d_prev)
                    for r in range(m):
                        for j in range(n_in):
                            if act == 0:
                                d_prev[r, j] *= 1.0 - a_prev[r, j] * a_prev[r, j]
                            elif a_prev[r, j] <= 0.0:
                                d_prev[r, j] = 0.0
            for q in range(theta.shape[0]):
                theta[q] -= eta * grad[q]
        history[e] = total / n


def _train_numba(params, x, y, rng, epochs, eta, batch_size, after_epoch=None):
    sizes = np.array(params.layer_sizes, dtype=np.int64)
    woff, boff, _ = _layout(sizes)
    aoff = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    theta = _flatten(params)
    history = np.zeros(epochs)
    chunks = epoch_order_chunks(rng, x.shape[0], epochs, **({"chunk": 1} if after_epoch else {}))
    for first, orders in chunks:
        _train_kernel(x, y, orders, sizes, woff, boff, aoff, theta, eta, batch_size,
                      _ACT_CODE[params.activation], history[first:first + orders.shape[0]])
        if after_epoch is not None:
            after_epoch(first, _unflatten(theta, sizes, params.activation))
    return _unflatten(theta, sizes, params.activation), history


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

#: Variance gain g of the initial weights, N(0, g / n_in): LeCun et al. (1998) for tanh,
#: He et al. (2015, eq. 10) for ReLU.
_INIT_GAIN = {"tanh": 1.0, "relu": 2.0}


def _init(sizes, activation: str, rng) -> MLPParams:
    """Initial parameters for checked layer ``sizes`` (see :func:`init_mlp`), drawn from ``rng``."""
    gain = _INIT_GAIN[activation]
    ws = tuple(rng.standard_normal((a, b)) * np.sqrt(gain / a) for a, b in zip(sizes[:-1], sizes[1:]))
    bs = tuple(np.zeros(b) for b in sizes[1:])
    return MLPParams(ws, bs, activation)


def init_mlp(layer_sizes, *, activation: str = "tanh", seed=None) -> MLPParams:
    r"""Random initial weights and zero biases for an MLP.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer (counts), input first and number of classes last, e.g. ``[2, 32, 2]``;
        at least two entries, each >= 1 (the last >= 2).
    activation : {"tanh", "relu"}
        Hidden-layer non-linearity.
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    MLPParams
        Weights :math:`W^{(l)} \sim \mathcal N(0, g/n_\mathrm{in})` with
        :math:`g = 1` for tanh and :math:`g = 2` for ReLU, biases 0 (all dimensionless).

    Notes
    -----
    The variance :math:`1/n_\mathrm{in}` keeps the pre-activations of order one
    (LeCun et al. 1998, "Efficient BackProp", sec. 4.6); the factor 2 for ReLU
    compensates for the half of the units that are silent (He et al. 2015, eq. 10).

    Examples
    --------
    >>> p = init_mlp([2, 16, 16, 3], activation="relu", seed=0)
    >>> p.layer_sizes
    (2, 16, 16, 3)
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__iter__"):
        raise TypeError(f"layer_sizes must be a sequence of positive ints, got {layer_sizes!r}")
    sizes = [check_int(s, "layer_sizes", low=1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must have at least 2 entries (inputs, classes), got {sizes}")
    if sizes[-1] < 2:
        raise ValueError(f"layer_sizes must end with the number of classes >= 2, got {sizes[-1]}")
    activation = check_choice(activation, "activation", _ACTIVATIONS)
    _check_size(sizes, "layer_sizes")
    return _init(sizes, activation, as_generator(seed))


def forward(params: MLPParams, x) -> ForwardPass:
    r"""Forward pass: every layer's pre-activation and activation, softmax output last.

    Parameters
    ----------
    params : MLPParams
        The network (finite weights and biases, consecutive layers matching).
    x : array_like, shape (n, n_in)
        Inputs (a.u., finite), one per row.

    Returns
    -------
    ForwardPass
        ``activations = (x, a1, ..., probs)`` and ``pre_activations = (z1, ..., zL)``
        (dimensionless).

    Notes
    -----
    :math:`z^{(l)} = a^{(l-1)}W^{(l)} + b^{(l)}`, :math:`a^{(l)} = \varphi(z^{(l)})`, and
    :math:`P_\phi(y=k\mid x) = e^{z^{(L)}_k}/\sum_j e^{z^{(L)}_j}` (Goodfellow et al.
    2016, eqs. 6.29 and 6.33); the maximum logit is subtracted before exponentiating.

    Examples
    --------
    >>> import numpy as np
    >>> fp = forward(init_mlp([2, 4, 2], seed=0), np.ones((3, 2)))
    >>> np.allclose(fp.probs.sum(axis=1), 1.0)
    True
    """
    params = _check_params(params)
    acts, pres = _forward(params, _check_x(x, params))
    return ForwardPass(tuple(acts), tuple(pres))


def predict_proba(params: MLPParams, x) -> np.ndarray:
    r"""Class probabilities :math:`P_\phi(y \mid x)` of the network.

    Parameters
    ----------
    params, x
        As in :func:`forward`: the network and its inputs (a.u.), shape (n, n_in).

    Returns
    -------
    numpy.ndarray, shape (n, n_classes)
        Softmax outputs (probabilities); each row sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> predict_proba(init_mlp([2, 4, 2], seed=0), np.zeros((1, 2)))
    array([[0.5, 0.5]])
    """
    return forward(params, x).probs


def loss_and_grad(params: MLPParams, x, y) -> LossGrad:
    r"""Mean cross-entropy of a batch and its gradient by backpropagation.

    Parameters
    ----------
    params : MLPParams
        The network.
    x : array_like, shape (n, n_in)
        Inputs (a.u.).
    y : array_like of int, shape (n,)
        Class labels in ``[0, n_classes)``, one per row of ``x`` (whole numbers: 1.0 is
        accepted, 0.5 is not).

    Returns
    -------
    LossGrad
        ``loss`` (nats), ``grad_weights`` and ``grad_biases`` shaped like the parameters.

    Notes
    -----
    Backpropagation (Rumelhart, Hinton & Williams 1986; Goodfellow et al. 2016,
    algorithm 6.4): with softmax output and cross-entropy loss the output error is
    :math:`\delta^{(L)} = (P_\phi - \mathrm{onehot}(y))/n`; it is propagated back
    by :math:`\delta^{(l-1)} = (\delta^{(l)}W^{(l)\top})\odot \varphi'(z^{(l-1)})`, with
    :math:`\tanh' = 1 - \tanh^2` and :math:`\mathrm{ReLU}'(z) = [z > 0]`.

    Examples
    --------
    >>> import numpy as np
    >>> p = init_mlp([2, 3, 2], seed=0)
    >>> lg = loss_and_grad(p, np.ones((4, 2)), np.array([0, 1, 0, 1]))
    >>> [g.shape for g in lg.grad_weights]
    [(2, 3), (3, 2)]
    """
    loss, gw, gb = _loss_and_grad(*_checked(params, x, y))
    return LossGrad(loss, tuple(gw), tuple(gb))


def accuracy(params: MLPParams, x, y) -> float:
    """Fraction of points whose most probable class equals the label.

    Parameters
    ----------
    params, x, y
        As in :func:`loss_and_grad`: the network, its inputs (a.u.) and their class labels
        (required: ``y=None`` is a ``TypeError``).

    Returns
    -------
    float
        Accuracy, a fraction in [0, 1].

    Examples
    --------
    >>> from snnlib.ml import two_moons, train_mlp, accuracy
    >>> x, y = two_moons(200, noise=0.1, seed=0)
    >>> r = train_mlp(x, y, hidden=(16,), eta=0.3, epochs=200, seed=0)
    >>> accuracy(r.params, x, y) > 0.95
    True
    """
    params, x, y = _checked(params, x, y)
    acts, _ = _forward(params, x)
    return float(np.mean(np.argmax(acts[-1], axis=1) == y))


def _check_hidden(hidden) -> tuple:
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, (bool, np.bool_)):
        hidden = (hidden,)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be an int or a sequence of positive ints, got {hidden!r}")
    return tuple(check_int(h, "hidden", low=1) for h in hidden)


def _check_training(x, y, hidden, activation, eta, batch_size, epochs):
    """Validate the training arguments shared by ``train_mlp`` and ``train_mlp_regularized``.

    Returns ``x, y, sizes, activation, eta, batch_size, epochs`` with ``sizes`` the layer widths
    (inputs, hidden layers, classes) and ``batch_size`` at most the number of points.
    """
    x = check_array(x, "x", ndim=2)
    y = check_array(y, "y", ndim=1, dtype=np.int64, low=0)
    check_one_per_row(y, x)
    n_classes = int(y.max()) + 1
    if n_classes < 2:
        raise ValueError("y must contain at least two classes (labels 0 and 1)")
    hidden = _check_hidden(hidden)
    activation = check_choice(activation, "activation", _ACTIVATIONS)
    eta = check_positive(eta, "eta")
    batch_size = check_int(batch_size, "batch_size", low=1)
    epochs = check_epochs(epochs, "epochs")
    sizes = (x.shape[1],) + hidden + (n_classes,)
    _check_size(sizes, "y (max(y) + 1 classes)" if n_classes > max(sizes[:-1]) else "hidden")
    n, batch_size = x.shape[0], min(batch_size, x.shape[0])
    check_work(float(epochs) * -(-n // batch_size), "epochs", what="minibatch steps", limit=MAX_STEPS)
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    check_work(float(epochs) * n * n_params * _OPS_PER_PARAM, "epochs", what="multiply-adds of training",
               hint="lower epochs, or use fewer points or a smaller network")
    return x, y, sizes, activation, eta, batch_size, epochs


def _validation_callback(validation, x, n_classes: int, epochs: int):
    """``(after_epoch, val_history)`` recording the validation cross-entropy after each epoch, or
    ``(None, None)`` if ``validation`` is None; checks ``validation`` against the training inputs."""
    if validation is None:
        return None, None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError("validation must be None or a pair (x_val, y_val)")
    x_val = check_array(validation[0], "validation x_val", ndim=2)
    y_val = check_array(validation[1], "validation y_val", ndim=1, dtype=np.int64, low=0)
    check_one_per_row(y_val, x_val, "validation y_val", "validation x_val")
    if x_val.shape[1] != x.shape[1] or (y_val.size and y_val.max() >= n_classes):
        raise ValueError(f"validation must have {x.shape[1]} input columns and labels in "
                         f"[0, {n_classes - 1}], got {x_val.shape[1]} columns, "
                         f"labels up to {int(y_val.max()) if y_val.size else None}")
    val_history = np.zeros(epochs)

    rows = np.arange(y_val.size)

    def after_epoch(e, p):
        z = _forward(p, x_val)[1][-1]                   # logits
        zmax = z.max(axis=1)
        log_p = z[rows, y_val] - zmax - np.log(np.exp(z - zmax[:, None]).sum(axis=1))
        val_history[e] = -float(log_p.mean())
    return after_epoch, val_history


def train_mlp(x, y, *, hidden=(32,), activation: str = "tanh", eta: float = 0.1, batch_size: int = 32,
              epochs: int = 100, seed=None, method: str = "numba", validation=None) -> MLPTrainResult:
    r"""Train an MLP classifier by minibatch stochastic gradient descent.

    The parameters are drawn by :func:`init_mlp` from ``seed``; each epoch then
    visits the training points in a fresh random order (drawn from the same
    generator), in minibatches of ``batch_size`` (the last one may be smaller), and
    after each minibatch takes one step :math:`\Delta\phi = -\eta\,\partial L/\partial\phi`
    on its mean cross-entropy.

    Parameters
    ----------
    x : array_like, shape (n, n_in)
        Training inputs (a.u., finite).
    y : array_like of int, shape (n,)
        Class labels 0, ..., K-1 (whole numbers); the number of classes is ``max(y) + 1`` (>= 2).
    hidden : int or sequence of int
        Units per hidden layer (counts), e.g. ``32`` or ``(32, 16)``; an empty tuple gives
        softmax (logistic) regression.
    activation : {"tanh", "relu"}
        Hidden-layer non-linearity.
    eta : float
        Learning rate (dimensionless, > 0).
    batch_size : int
        Minibatch size (points, >= 1).
    epochs : int
        Number of passes through the data, in [1, 1e7]; the whole run may take at most
        1e9 minibatch steps and 1e13 multiply-adds.
    seed : None, int or numpy.random.Generator
        Random seed (initial weights and minibatch order).
    method : {"numba", "numpy"}
        Implementation: the jitted kernel (faster on the book's workloads, see
        ``benchmarks/bench_mlp.py``) or vectorised NumPy. Both give the same result
        up to floating-point rounding.
    validation : None or (x_val, y_val)
        Held-out inputs (a.u., shape (m, n_in)) and labels (whole numbers in [0, K)),
        never used for training: their mean cross-entropy is recorded after each epoch in
        ``val_loss_history``, for model selection (early stopping). The training itself,
        and its random numbers, are the same with and without it.

    Returns
    -------
    MLPTrainResult
        Trained parameters, mean training loss per epoch (nats), method used, and the
        validation loss per epoch (nats) if ``validation`` was given.

    Notes
    -----
    Stochastic gradient descent on the empirical risk (Goodfellow et al. 2016,
    algorithm 8.1) with gradients from backpropagation (Rumelhart, Hinton &
    Williams 1986), see :func:`loss_and_grad`.

    Examples
    --------
    >>> from snnlib.ml import two_moons, train_mlp, accuracy
    >>> x, y = two_moons(300, noise=0.15, seed=0)
    >>> r = train_mlp(x, y, hidden=32, eta=0.2, batch_size=32, epochs=150,
    ...               seed=1)
    >>> accuracy(r.params, x, y) > 0.95
    True
    """
    method = check_choice(method, "method", ("numba", "numpy"))
    x, y, sizes, activation, eta, batch_size, epochs = _check_training(x, y, hidden, activation, eta,
                                                                       batch_size, epochs)
    after_epoch, val_history = _validation_callback(validation, x, sizes[-1], epochs)
    rng = as_generator(seed)
    params = _init(sizes, activation, rng)
    train = _train_numba if method == "numba" else _train_numpy
    params, history = train(params, x, y, rng, epochs, eta, batch_size, after_epoch)
    return MLPTrainResult(params, history, method, val_history)
