"""Naive twins of snnlib.ml: the perceptron rule and the MLP, one sample and one loop at a time."""

from __future__ import annotations


import numpy as np


def train_perceptron(x, y_pm1, orders, eta=1.0):
    """Rosenblatt's rule point by point on inputs augmented with a constant 1.

    ``orders[e]`` is the presentation order of epoch e; stops after the first epoch
    without a mistake. Returns (augmented weights (w, b), list of mistakes per epoch).
    """
    d = len(x[0])
    w = [0.0] * (d + 1)
    mistakes = []
    for order in orders:
        count = 0
        for i in order:
            xa = [float(v) for v in x[i]] + [1.0]
            a = 0.0
            for j in range(d + 1):
                a += w[j] * xa[j]
            if y_pm1[i] * a <= 0.0:
                w = [w[j] + eta * y_pm1[i] * xa[j] for j in range(d + 1)]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return np.array(w), mistakes


def forward(weights, biases, x, activation="tanh"):
    "Activations a^(0..D-1) and log P(y|x) of an MLP with softmax output."
    acts = [x]                                    # a = phi(a_prev W + b)
    for w, b in zip(weights[:-1], biases[:-1]):
        z = acts[-1] @ w + b
        acts.append(np.tanh(z) if activation == "tanh" else np.maximum(z, 0))
    z = acts[-1] @ weights[-1] + biases[-1]       # logits
    z = z - z.max(axis=1, keepdims=True)          # stable softmax
    return acts, z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def mlp_loss_and_grad(weights, biases, x, y, activation="tanh"):
    "Mean cross-entropy of an MLP, and its gradient by backprop."
    acts, log_p = forward(weights, biases, x, activation)
    rows = np.arange(len(y))
    delta = np.exp(log_p)                         # (p - onehot(y)) / n
    delta[rows, y] -= 1.0
    delta /= len(y)
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grad_w[l] = acts[l].T @ delta             # dL/dW = a_prev^T delta
        grad_b[l] = delta.sum(axis=0)
        if l > 0:                             # (delta W^T) * phi'(z_prev)
            deriv = (1 - acts[l] ** 2 if activation == "tanh"
                     else acts[l] > 0)
            delta = (delta @ weights[l].T) * deriv
    return -log_p[rows, y].mean(), grad_w, grad_b


def train_mlp(x, y, hidden, eta, batch_size, epochs, seed,
              activation="tanh"):
    "Minibatch SGD from scratch; same random numbers as ml.train_mlp."
    rng = np.random.default_rng(seed)
    sizes = [x.shape[1], *hidden, int(y.max()) + 1]
    gain = 1.0 if activation == "tanh" else 2.0   # weight variance * fan-in
    weights = [rng.standard_normal((a, b)) * np.sqrt(gain / a)
               for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(b) for b in sizes[1:]]
    orders = [rng.permutation(len(y)) for _ in range(epochs)]
    history = []
    for order in orders:
        total = 0.0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            loss, gw, gb = mlp_loss_and_grad(weights, biases, x[idx], y[idx],
                                             activation)
            total += loss * len(idx)
            for l in range(len(weights)):         # phi -= eta dL/dphi
                weights[l] -= eta * gw[l]
                biases[l] -= eta * gb[l]
        history.append(total / len(y))
    return weights, biases, np.array(history)
