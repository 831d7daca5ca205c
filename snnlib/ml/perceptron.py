r"""Threshold units: the McCulloch-Pitts neuron and Rosenblatt's perceptron.

Conventions. Perceptron labels are :math:`y \in \{-1, +1\}`; class labels
:math:`\{0, 1\}` are accepted too and read as :math:`0 \mapsto -1`. The bias is
handled by augmenting every input with a constant 1, :math:`\tilde x = (x, 1)`,
so that the weights and the bias form one vector :math:`\tilde w = (w, b)` and
the unit fires when :math:`\tilde w\cdot\tilde x > 0`. Novikoff's theorem is a
statement about these augmented vectors.

References: McCulloch & Pitts (1943) Bull. Math. Biophys. 5, 115;
Rosenblatt (1958) Psychol. Rev. 65, 386; Novikoff (1962) Proc. Symp.
Mathematical Theory of Automata 12, 615.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.seeding import as_generator
from .._core.validation import check_array, check_int, check_one_per_row, check_positive, check_scalar, check_work

__all__ = ["PerceptronResult", "NovikoffBound", "mcculloch_pitts", "train_perceptron", "novikoff_bound",
           "separation_margin", "data_radius"]


class PerceptronResult(NamedTuple):
    r"""Outcome of :func:`train_perceptron`.

    Parameters
    ----------
    weights : numpy.ndarray, shape (d,)
        Learned weights :math:`w` (dimensionless).
    bias : float
        Learned bias :math:`b` (a.u., the last entry of the augmented weight vector).
    n_mistakes : int
        Total number of updates (misclassified presentations) over all epochs.
    n_epochs : int
        Number of epochs run, including the final error-free one if converged.
    converged : bool
        True if an epoch passed without a mistake (the data are then separated).
    mistakes_per_epoch : numpy.ndarray of int64, shape (n_epochs,)
        Mistakes made in each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> r = train_perceptron(np.array([[0.0, 1.0], [0.0, -1.0]]),
    ...                      np.array([1, -1]), seed=0)
    >>> r.converged, r.predict(np.array([[0.5, 2.0]])).tolist()
    (True, [1])
    """

    weights: np.ndarray
    bias: float
    n_mistakes: int
    n_epochs: int
    converged: bool
    mistakes_per_epoch: np.ndarray

    def predict(self, x) -> np.ndarray:
        """Labels in {-1, +1} of the points ``x`` (shape (n, d)): +1 where ``w . x + b > 0``."""
        x = check_array(x, "x", shape=(None, self.weights.size))
        return np.where(x @ self.weights + self.bias > 0.0, 1, -1).astype(np.int64)


class NovikoffBound(NamedTuple):
    r"""Novikoff's bound on the perceptron's number of mistakes.

    Parameters
    ----------
    bound : float
        :math:`(R/\gamma)^2`, the maximum number of updates (dimensionless count).
    margin : float
        :math:`\gamma` (a.u.), the margin of the augmented data with respect to the unit vector
        ``w_star``.
    radius : float
        :math:`R` (a.u.), the largest norm of an augmented input :math:`(x_i, 1)`.

    Examples
    --------
    >>> import numpy as np
    >>> nb = novikoff_bound(np.array([[1.0, 0.0], [-1.0, 0.0]]),
    ...                     np.array([1, -1]), [1.0, 0.0, 0.0])
    >>> round(nb.bound, 6)
    2.0
    """

    bound: float
    margin: float
    radius: float


def _logical_as_int(x):
    """Logical inputs False/True as the unit's 0/1; anything else unchanged (checked later)."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        return x
    return arr.astype(np.int64) if arr.dtype == np.bool_ else x


def mcculloch_pitts(x, w, threshold: float) -> np.ndarray:
    r"""Output of a McCulloch-Pitts threshold unit: 1 if :math:`\sum_i w_i x_i \ge \theta`, else 0.

    Parameters
    ----------
    x : array_like, shape (d,) or (n, d)
        Inputs (dimensionless; typically binary, 0/1 or False/True, the logical values the
        unit computes with); one row per input pattern.
    w : array_like, shape (d,)
        Synaptic weights (dimensionless; +1 excitatory, -1 inhibitory in the original model).
    threshold : float
        Firing threshold :math:`\theta` (dimensionless, in the units of ``w . x``).

    Returns
    -------
    numpy.ndarray of int64, shape () or (n,)
        Binary outputs, 1 where the unit fires.

    Notes
    -----
    McCulloch & Pitts (1943) modelled a neuron as a logical gate whose output is
    "all or none": it fires when the summed input reaches a threshold. With
    :math:`w = (1, 1)`, :math:`\theta = 2` gives AND and :math:`\theta = 1` gives OR.

    Examples
    --------
    >>> import numpy as np
    >>> patterns = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> mcculloch_pitts(patterns, [1, 1], threshold=2).tolist()   # AND
    [0, 0, 0, 1]
    >>> mcculloch_pitts(patterns, [1, 1], threshold=1).tolist()   # OR
    [0, 1, 1, 1]
    """
    x = check_array(_logical_as_int(x), "x", ndim=(1, 2))
    d = x.shape[-1]
    w = check_array(w, "w", shape=(d,))
    threshold = check_scalar(threshold, "threshold")
    return (x @ w >= threshold).astype(np.int64)


def _as_pm1(y, x: np.ndarray, name: str = "y") -> np.ndarray:
    """Labels as int64 +-1, one per row of ``x`` (0/1 labels are mapped 0 -> -1)."""
    y = check_array(y, name, ndim=1, dtype=np.float64)
    check_one_per_row(y, x, name)
    vals = set(np.unique(y).tolist())
    if not (vals <= {-1.0, 1.0} or vals <= {0.0, 1.0}):
        raise ValueError(f"{name} must contain labels in {{-1, +1}} or in {{0, 1}}, got values {sorted(vals)}")
    return np.where(y > 0, 1, -1).astype(np.int64)


def _augment(x):
    return np.column_stack([x, np.ones(x.shape[0])])


#: Number of epochs whose presentation orders are drawn at a time: 64 permutations of the
#: training points, so that a large epoch budget costs no memory and, once training has
#: converged, no time.
EPOCH_CHUNK = 64


#: Most epochs one training call may run. Each epoch draws its permutation in Python (a few
#: microseconds), so 1e7 epochs take about a minute before any learning; a larger number is a
#: typo (``epochs=1e9``) rather than a plan, and would hang the session.
MAX_EPOCHS = 10 ** 7


def check_epochs(n_epochs, name: str) -> int:
    """``n_epochs`` as an int in [1, :data:`MAX_EPOCHS`], else an error naming ``name``."""
    return check_int(n_epochs, name, low=1, high=MAX_EPOCHS)


def epoch_orders(rng: np.random.Generator, n: int, n_epochs: int) -> np.ndarray:
    """Presentation order of ``n`` points in each of ``n_epochs`` epochs, shape (n_epochs, n) int64.

    One fresh permutation per epoch, drawn from ``rng`` in order; shared by the perceptron and
    the MLP (:func:`train_mlp <snnlib.ml.mlp.train_mlp>`), and by their naive twins in the tests.
    """
    orders = np.empty((n_epochs, n), dtype=np.int64)
    for e in range(n_epochs):
        orders[e] = rng.permutation(n)
    return orders


def epoch_order_chunks(rng: np.random.Generator, n: int, n_epochs: int, chunk: int = EPOCH_CHUNK):
    """Yield ``(first_epoch, orders)`` for consecutive chunks of at most ``chunk`` epochs.

    The permutations are those of ``epoch_orders(rng, n, n_epochs)`` drawn at once (same
    generator, same order), but only ``chunk`` of them are held at a time.
    """
    for first in range(0, n_epochs, chunk):
        yield first, epoch_orders(rng, n, min(chunk, n_epochs - first))


@njit(cache=True)
def _perceptron_kernel(xa, s, orders, eta, w, mistakes):
    """Rosenblatt's rule on augmented inputs; updates ``w`` and ``mistakes`` in place (jitted, no checking).

    ``xa`` (n, d + 1) are the inputs with a constant 1 appended and ``s`` (n,) their labels
    +-1 (float64), all dimensionless; ``orders`` (n_epochs, n) int64 the presentation order of
    each epoch; ``eta`` the learning rate; ``w`` (d + 1,) the augmented weights; ``mistakes``
    (n_epochs,) int64 receives the mistakes of each epoch. Returns the number of epochs run
    (it stops after the first mistake-free epoch).
    """
    n, d = xa.shape
    for epoch in range(orders.shape[0]):
        count = 0
        for k in range(n):
            i = orders[epoch, k]
            a = 0.0
            for j in range(d):
                a += w[j] * xa[i, j]
            if s[i] * a <= 0.0:      # misclassified, or exactly on the boundary
                for j in range(d):
                    w[j] += eta * s[i] * xa[i, j]
                count += 1
        mistakes[epoch] = count
        if count == 0:
            return epoch + 1
    return orders.shape[0]


def train_perceptron(x, y, *, max_epochs: int = 100, eta: float = 1.0, seed=None) -> PerceptronResult:
    r"""Train Rosenblatt's perceptron with his error-correction rule.

    The augmented weight vector :math:`\tilde w = (w, b)` starts at zero. In each
    epoch the points are presented in a fresh random order; whenever
    :math:`y_i\,\tilde w\cdot\tilde x_i \le 0` (a mistake, including a point on the
    boundary) the weights move towards the point, :math:`\tilde w \leftarrow \tilde w +
    \eta\, y_i \tilde x_i`. Training stops after the first epoch without a mistake or
    after ``max_epochs`` epochs.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Inputs (a.u.).
    y : array_like, shape (n,)
        Labels in {-1, +1} (or {0, 1}, read as 0 -> -1).
    max_epochs : int
        Maximum number of passes through the data, in [1, 1e7].
    eta : float
        Learning rate (dimensionless, > 0). Starting from zero weights it only rescales
        :math:`\tilde w`, so the sequence of mistakes does not depend on it.
    seed : None, int or numpy.random.Generator
        Random seed of the presentation order.

    Returns
    -------
    PerceptronResult
        Weights, bias, number of mistakes, epochs, convergence flag and mistakes per epoch.

    Notes
    -----
    Rosenblatt (1958) rule; the perceptron convergence theorem (Novikoff 1962)
    bounds the total number of mistakes on separable data by :math:`(R/\gamma)^2`
    whatever the order, see :func:`novikoff_bound`.

    Examples
    --------
    >>> from snnlib.ml import linearly_separable, train_perceptron
    >>> d = linearly_separable(100, margin=0.1, seed=0)
    >>> r = train_perceptron(d.x, d.y, seed=0)
    >>> r.converged, bool(np.all(r.predict(d.x) == d.y))
    (True, True)
    """
    x = check_array(x, "x", ndim=2)
    s = _as_pm1(y, x).astype(np.float64)
    max_epochs = check_epochs(max_epochs, "max_epochs")
    eta = check_positive(eta, "eta")
    check_work(float(max_epochs) * x.size, "max_epochs", what="perceptron updates if it never converges",
               hint="lower max_epochs (separable data converge within Novikoff's bound)")
    rng = as_generator(seed)
    xa = _augment(x)
    w = np.zeros(xa.shape[1])
    mistakes = []
    for _, orders in epoch_order_chunks(rng, x.shape[0], max_epochs):
        chunk = np.zeros(orders.shape[0], dtype=np.int64)
        done = _perceptron_kernel(xa, s, orders, eta, w, chunk)
        mistakes.append(chunk[:done])
        if chunk[done - 1] == 0:
            break
    mistakes = np.concatenate(mistakes)
    converged = bool(mistakes[-1] == 0)
    return PerceptronResult(w[:-1].copy(), float(w[-1]), int(mistakes.sum()), int(mistakes.size), converged,
                            mistakes)


def data_radius(x) -> float:
    r"""Radius :math:`R = \max_i \lVert (x_i, 1)\rVert` of the augmented inputs.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Inputs (a.u.), finite.

    Returns
    -------
    float
        :math:`R` (a.u.), computed without overflow for any ``x`` whose radius is itself a
        finite float (entries up to ~1e308); ``ValueError`` naming ``x`` beyond.

    Examples
    --------
    >>> import numpy as np
    >>> # |(3, 0, 1)|^2
    >>> round(data_radius(np.array([[3.0, 0.0], [0.0, 1.0]])) ** 2, 12)
    10.0
    """
    xa = _augment(check_array(x, "x", ndim=2))
    # scale by the largest entry before squaring (>= 1, the constant input), so that entries
    # of 1e300 do not overflow: R = a max_i |x_i / a|
    a = np.max(np.abs(xa))
    with np.errstate(over="ignore"):     # an overflowing radius is reported below, by name
        radius = a * np.sqrt(np.max(np.sum((xa / a) ** 2, axis=1)))
    if not np.isfinite(radius):
        raise ValueError(f"x is too large: the radius max |(x_i, 1)| exceeds the float64 range "
                         f"(largest |x| = {a:g}); rescale x")
    return float(radius)


def separation_margin(x, y, w_star) -> float:
    r"""Margin :math:`\gamma = \min_i y_i\,\tilde w^*\cdot\tilde x_i / \lVert\tilde w^*\rVert` of augmented data.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Inputs (a.u.).
    y : array_like, shape (n,)
        Labels in {-1, +1} (or {0, 1}).
    w_star : array_like, shape (d + 1,)
        A separating vector ``(w, b)`` (weights then bias, finite, not all zero); only its
        direction matters (it is normalised here, without overflow for huge entries).

    Returns
    -------
    float
        :math:`\gamma` (a.u.); positive if and only if ``w_star`` separates the data.

    Examples
    --------
    >>> import numpy as np
    >>> separation_margin(np.array([[2.0, 0.0], [-1.0, 0.0]]),
    ...                   np.array([1, -1]), [1.0, 0.0, 0.0])
    1.0
    """
    x = check_array(x, "x", ndim=2)
    s = _as_pm1(y, x)
    w_star = check_array(w_star, "w_star", shape=(x.shape[1] + 1,))
    a = np.max(np.abs(w_star))
    if a == 0.0:
        raise ValueError("w_star must not be the zero vector")
    unit = (w_star / a) / np.linalg.norm(w_star / a)      # scaled first: no overflow for huge entries
    return float(np.min(s * (_augment(x) @ unit)))


def novikoff_bound(x, y, w_star) -> NovikoffBound:
    r"""Novikoff's upper bound :math:`(R/\gamma)^2` on the perceptron's mistakes.

    Parameters
    ----------
    x, y, w_star
        As in :func:`separation_margin`: inputs (a.u.), labels, and a vector ``(w, b)`` that
        separates the augmented data :math:`(x_i, 1)` (margin > 0).

    Returns
    -------
    NovikoffBound
        ``bound`` :math:`(R/\gamma)^2` (a number of updates; ``inf`` if it exceeds the float64
        range), ``margin`` :math:`\gamma` and ``radius`` :math:`R` (a.u.).

    Notes
    -----
    Novikoff (1962): if a unit vector :math:`\tilde w^*` satisfies
    :math:`y_i \tilde w^*\cdot\tilde x_i \ge \gamma > 0` and
    :math:`\lVert\tilde x_i\rVert \le R` for all :math:`i`, the perceptron started
    at :math:`\tilde w = 0` makes at most :math:`(R/\gamma)^2` updates, in any
    presentation order. Proof: after :math:`k` updates
    :math:`\tilde w\cdot\tilde w^* \ge k\eta\gamma` and
    :math:`\lVert\tilde w\rVert^2 \le k\eta^2R^2`, and Cauchy-Schwarz gives
    :math:`k\gamma \le \sqrt{k}R`. The bias is learned as the weight of the
    constant input 1, so :math:`R` and :math:`\gamma` are those of the augmented
    vectors :math:`\tilde x = (x, 1)`, not of :math:`x` itself.

    Examples
    --------
    >>> from snnlib.ml import (linearly_separable, novikoff_bound,
    ...                        train_perceptron)
    >>> d = linearly_separable(100, margin=0.1, seed=0)
    >>> nb = novikoff_bound(d.x, d.y, d.w_star)
    >>> train_perceptron(d.x, d.y, seed=0).n_mistakes <= nb.bound
    True
    """
    x = check_array(x, "x", ndim=2)
    gamma = separation_margin(x, y, w_star)
    if gamma <= 0.0:
        raise ValueError(f"w_star must separate the data (margin > 0), got margin {gamma:g}")
    radius = data_radius(x)
    ratio = radius / gamma
    return NovikoffBound(ratio * ratio, gamma, radius)   # float product: inf, not OverflowError, beyond 1.8e308
