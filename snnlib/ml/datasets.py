r"""Small 2-D data sets for chapter 1 (perceptron and multilayer perceptron).

All features are dimensionless ("a.u."). :func:`linearly_separable` returns
perceptron labels :math:`y \in \{-1, +1\}` together with the separating line and
its margin, so that Novikoff's mistake bound can be evaluated; the other sets
return class indices :math:`y \in \{0, \dots, K-1\}` as a classifier with a
softmax output expects. Every generator takes ``seed`` (None, int >= 0 or a
:class:`numpy.random.Generator`) and shuffles its points.

Generating a data set is not a hot loop, so this module is plain NumPy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import check_array, check_int, check_memory, check_nonnegative, check_one_per_row, check_scalar

__all__ = ["SeparableData", "Split", "linearly_separable", "two_moons", "spirals", "xor",
           "train_test_split"]

#: Bytes a generator holds per point at its peak: the candidate batch of twice the points of
#: :func:`linearly_separable` (2 x 16), its mask and kept copy, the labels, the noise and the
#: shuffled copies (16 + 8 each), rounded up.
_BYTES_PER_POINT = 128


#: Largest offset |b| (a.u.) of the random separating line of :func:`linearly_separable`, so that
#: the line crosses the square [-1, 1]^2 well inside.
_MAX_OFFSET = 0.5
#: Candidate points :func:`linearly_separable` draws per batch: 2 n + 16. At least ~29 % are
#: kept (see there), so a few batches suffice, and a tiny n does not go one point at a time.
_BATCH_PER_POINT = 2
_BATCH_EXTRA = 16


def _check_n(n, low: int) -> int:
    """The number of points ``n`` (an int >= ``low``), after the memory guard."""
    n = check_int(n, "n", low=low)
    check_memory(_BYTES_PER_POINT * float(n), "n", what=f"a data set of {n} points", hint="lower n")
    return n


class SeparableData(NamedTuple):
    r"""Linearly separable points with the line that separates them.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, 2)
        Points (a.u.), uniform in the square :math:`[-1, 1]^2` outside the margin strip.
    y : numpy.ndarray of int64, shape (n,)
        Labels :math:`y_i = \operatorname{sign}(w \cdot x_i + b) \in \{-1, +1\}`.
    w : numpy.ndarray, shape (2,)
        Unit normal (dimensionless) of the separating line :math:`w \cdot x + b = 0`.
    b : float
        Offset of the line (a.u.).
    margin : float
        Realised geometric margin :math:`\min_i y_i (w \cdot x_i + b)` (a.u.), the
        distance from the line to the closest point; at least the requested margin.

    Examples
    --------
    >>> d = linearly_separable(50, margin=0.1, seed=0)
    >>> bool(d.margin >= 0.1), sorted(set(d.y.tolist()))
    (True, [-1, 1])
    """

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    b: float
    margin: float

    @property
    def w_star(self) -> np.ndarray:
        r"""Unit separating vector :math:`(w, b)/\lVert (w, b)\rVert` of the augmented inputs :math:`(x, 1)`."""
        v = np.append(self.w, self.b)
        return v / np.linalg.norm(v)


class Split(NamedTuple):
    """A data set split into a training part and a test part.

    Parameters
    ----------
    x_train, x_test : numpy.ndarray, shape (n_train, d) and (n_test, d)
        Inputs (a.u.).
    y_train, y_test : numpy.ndarray, shape (n_train,) and (n_test,)
        Labels (dimensionless), in the dtype they were given.

    Examples
    --------
    >>> import numpy as np
    >>> s = train_test_split(np.zeros((10, 2)), np.arange(10),
    ...                      test_fraction=0.3, seed=0)
    >>> s.x_train.shape, s.x_test.shape
    ((7, 2), (3, 2))
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def linearly_separable(n: int, *, margin: float = 0.1, seed=None) -> SeparableData:
    r"""Draw ``n`` points in the plane separated by a random line with a margin.

    A random unit normal :math:`w` (uniform angle) and offset
    :math:`b \in [-0.5, 0.5]` define the line :math:`w\cdot x + b = 0`. Points are
    drawn uniformly in :math:`[-1, 1]^2`; those closer than ``margin`` to the line
    are rejected and redrawn. Labels are :math:`y = \operatorname{sign}(w\cdot x + b)`.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    margin : float
        Minimum distance (a.u.) of every point from the line, in (0, 0.5].
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    SeparableData
        Points, labels in {-1, +1}, the line ``(w, b)`` and the realised margin.

    Notes
    -----
    With augmented inputs :math:`\tilde x = (x, 1)` the unit vector
    :math:`\tilde w^* = (w, b)/\sqrt{1 + b^2}` separates the data with margin
    :math:`\gamma = \min_i y_i \tilde w^*\cdot\tilde x_i = \text{margin}/\sqrt{1+b^2}`,
    which enters Novikoff's bound (see :func:`novikoff_bound`).

    Examples
    --------
    >>> d = linearly_separable(200, margin=0.05, seed=1)
    >>> d.x.shape, bool(np.all(d.y * (d.x @ d.w + d.b) >= 0.05))
    ((200, 2), True)
    """
    n = _check_n(n, low=1)
    margin = check_scalar(margin, "margin", low=0.0, high=0.5, low_inclusive=False)
    rng = as_generator(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])
    b = float(rng.uniform(-_MAX_OFFSET, _MAX_OFFSET))
    # The strip |w.x + b| < margin covers at most 2 margin * 2 sqrt(2) of the square's area 4,
    # so at least ~29 % of draws are accepted: draw in generous batches until n are kept.
    kept = []
    n_kept = 0
    while n_kept < n:
        pts = rng.uniform(-1.0, 1.0, size=(_BATCH_PER_POINT * n + _BATCH_EXTRA, 2))
        pts = pts[np.abs(pts @ w + b) >= margin]
        kept.append(pts)
        n_kept += pts.shape[0]
    x = np.concatenate(kept)[:n]
    y = np.where(x @ w + b > 0.0, 1, -1).astype(np.int64)
    return SeparableData(x, y, w, b, float(np.min(y * (x @ w + b))))


def _shuffled(rng, x, y):
    order = rng.permutation(x.shape[0])
    return np.ascontiguousarray(x[order]), np.ascontiguousarray(y[order])


def two_moons(n: int, *, noise: float = 0.1, seed=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaving half circles ("two moons"), a classic non-linear problem.

    Class 0 lies on the upper half circle :math:`(\cos t, \sin t)`, class 1 on the
    shifted lower one :math:`(1 - \cos t, 1/2 - \sin t)`, :math:`t \in [0, \pi]`
    evenly spaced; isotropic Gaussian noise of standard deviation ``noise`` is added.

    Parameters
    ----------
    n : int
        Number of points (>= 2); class 0 gets ``ceil(n/2)`` of them.
    noise : float
        Standard deviation of the Gaussian noise (a.u.), >= 0.
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    x : numpy.ndarray, shape (n, 2)
        Points (a.u.).
    y : numpy.ndarray of int64, shape (n,)
        Class labels 0 or 1.

    Examples
    --------
    >>> x, y = two_moons(100, noise=0.1, seed=0)
    >>> x.shape, int(y.sum())
    ((100, 2), 50)
    """
    n = _check_n(n, low=2)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(seed)
    n0 = (n + 1) // 2
    n1 = n - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    x = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    x = x + noise * rng.standard_normal(x.shape)
    return _shuffled(rng, x, y)


def spirals(n: int, *, n_classes: int = 2, noise: float = 0.2, seed=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved spiral arms, one per class.

    Arm :math:`k` has points at radius :math:`r \in [0, 1]` (evenly spaced) and
    angle :math:`\theta = 2\pi k/K + 4 r + \text{noise}\cdot\xi` with
    :math:`\xi \sim \mathcal N(0, 1)`, i.e. one full turn of angle noise per ``noise = 2 pi``.

    Parameters
    ----------
    n : int
        Number of points (>= ``n_classes``); split as evenly as possible among the arms.
    n_classes : int
        Number of arms = classes (>= 2).
    noise : float
        Standard deviation of the angular noise (rad), >= 0.
    seed : None, int or numpy.random.Generator
        Random seed.

    Returns
    -------
    x : numpy.ndarray, shape (n, 2)
        Points (a.u.), inside the unit disk.
    y : numpy.ndarray of int64, shape (n,)
        Class labels 0, ..., ``n_classes - 1``.

    Examples
    --------
    >>> x, y = spirals(90, n_classes=3, noise=0.1, seed=0)
    >>> r = np.hypot(x[:, 0], x[:, 1])
    >>> np.bincount(y).tolist(), bool(np.all(r <= 1.0))
    ([30, 30, 30], True)
    """
    n = _check_n(n, low=2)
    n_classes = check_int(n_classes, "n_classes", low=2, high=n)
    noise = check_nonnegative(noise, "noise", unit="rad")
    rng = as_generator(seed)
    counts = np.full(n_classes, n // n_classes)
    counts[: n % n_classes] += 1
    xs, ys = [], []
    for k, m in enumerate(counts):
        r = np.linspace(0.0, 1.0, m)
        theta = 2.0 * np.pi * k / n_classes + 4.0 * r + noise * rng.standard_normal(m)
        xs.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
        ys.append(np.full(m, k, np.int64))
    return _shuffled(rng, np.concatenate(xs), np.concatenate(ys))


def xor(n: int = 4, *, noise: float = 0.0, seed=None) -> tuple[np.ndarray, np.ndarray]:
    r"""The XOR problem: four clusters at the corners :math:`(\pm 1, \pm 1)`.

    Point :math:`i` belongs to corner :math:`i \bmod 4`; its label is 1 when the two
    coordinates of the corner have opposite signs (exclusive or), else 0. With
    ``noise = 0`` and ``n = 4`` these are the four points of Minsky & Papert's
    classic counter-example, which no single line separates.

    Parameters
    ----------
    n : int
        Number of points (>= 4).
    noise : float
        Standard deviation (a.u.) of the Gaussian noise added to each corner, >= 0.
    seed : None, int or numpy.random.Generator
        Random seed (used for the noise and the shuffle).

    Returns
    -------
    x : numpy.ndarray, shape (n, 2)
        Points (a.u.).
    y : numpy.ndarray of int64, shape (n,)
        Labels 0 or 1.

    Examples
    --------
    >>> x, y = xor(4, seed=0)
    >>> sorted(zip(x[:, 0].tolist(), x[:, 1].tolist(), y.tolist()))
    [(-1.0, -1.0, 0), (-1.0, 1.0, 1), (1.0, -1.0, 1), (1.0, 1.0, 0)]
    """
    n = _check_n(n, low=4)
    noise = check_nonnegative(noise, "noise")
    rng = as_generator(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    c = corners[np.arange(n) % 4]
    y = (c[:, 0] * c[:, 1] < 0).astype(np.int64)
    x = c + noise * rng.standard_normal(c.shape) if noise > 0 else c.copy()
    return _shuffled(rng, x, y)


def train_test_split(x, y, *, test_fraction: float = 0.25, seed=None) -> Split:
    """Split a data set at random into a training part and a test part.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Inputs (a.u., finite), at least 2 rows.
    y : array_like, shape (n,)
        Labels, one per row of ``x`` (any numeric type, or bool; returned unchanged in dtype).
    test_fraction : float
        Fraction (dimensionless) of the points put in the test part, in (0, 1); the test part gets
        ``round(test_fraction * n)`` points, at least 1, and the training part at least 1.
    seed : None, int or numpy.random.Generator
        Random seed of the permutation.

    Returns
    -------
    Split
        ``(x_train, x_test, y_train, y_test)``.

    Examples
    --------
    >>> x, y = two_moons(100, seed=0)
    >>> s = train_test_split(x, y, test_fraction=0.2, seed=0)
    >>> len(s.y_train), len(s.y_test)
    (80, 20)
    """
    x = check_array(x, "x", ndim=2, min_size=2)
    y_in = np.asarray(y)
    y = check_array(y, "y", ndim=1, dtype=y_in.dtype if np.issubdtype(y_in.dtype, np.number) else np.float64)
    check_one_per_row(y, x)
    if x.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows to split, got {x.shape[0]}")
    test_fraction = check_scalar(test_fraction, "test_fraction", low=0.0, high=1.0,
                                 low_inclusive=False, high_inclusive=False)
    n = x.shape[0]
    n_test = min(max(int(round(test_fraction * n)), 1), n - 1)
    order = as_generator(seed).permutation(n)
    te, tr = order[:n_test], order[n_test:]
    return Split(x[tr], x[te], y[tr], y[te])
