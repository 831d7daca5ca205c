r"""Reverse-mode automatic differentiation on scalars, in a few dozen lines.

Every arithmetic operation on :class:`Scalar` values records its inputs and the local derivatives
of its output with respect to them; the operations form a computational graph. :meth:`Scalar.backward`
visits the graph from the output back to the inputs in reverse topological order and applies the
chain rule, :math:`\bar u = \sum_{v \in \mathrm{children}(u)} \bar v\,\partial v/\partial u` with
:math:`\bar u = \partial\,\mathrm{out}/\partial u` (Griewank & Walther 2008, ch. 3; Goodfellow et al.
2016, sec. 6.5.6). Backpropagation through a network is this algorithm applied to its loss; libraries
such as PyTorch and JAX do the same on arrays. This module is for teaching and testing: it handles
one scalar per node and is far too slow for training.
"""

from __future__ import annotations

import math

__all__ = ["Scalar"]


class Scalar:
    """A real number that remembers how it was computed, for reverse-mode differentiation.

    Parameters
    ----------
    value : float
        The number (any unit; derivatives carry the ratio of units).

    Attributes
    ----------
    value : float
        The number.
    grad : float
        :math:`\\partial\\,\\mathrm{out}/\\partial\\,\\mathrm{self}` after ``out.backward()``; 0 before.

    Notes
    -----
    Supported: ``+``, ``-``, ``*``, ``/``, ``**`` (constant exponent), unary ``-``, and the methods
    :meth:`exp`, :meth:`log`, :meth:`tanh`, :meth:`relu`; Python numbers mix freely with Scalars.

    Examples
    --------
    >>> x, y = Scalar(2.0), Scalar(3.0)
    >>> f = x * y + x.tanh()          # df/dx = y + 1 - tanh(x)^2, df/dy = x
    >>> f.backward()
    >>> round(x.grad, 6), round(3.0 + 1 - math.tanh(2.0) ** 2, 6), y.grad
    (3.070651, 3.070651, 2.0)
    """

    __slots__ = ("value", "grad", "_parents")

    def __init__(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise TypeError(f"value must be a real number, got {type(value).__name__}")
        self.value = float(value)
        self.grad = 0.0
        self._parents = ()                  # pairs (input Scalar, d self / d input)

    @classmethod
    def _node(cls, value: float, parents: tuple) -> "Scalar":
        """A Scalar computed from ``parents``: pairs (input Scalar, local derivative)."""
        out = cls(value)
        out._parents = parents
        return out

    def __repr__(self) -> str:
        return f"Scalar({self.value:g}, grad={self.grad:g})"

    @staticmethod
    def _lift(other) -> Scalar:
        return other if isinstance(other, Scalar) else Scalar(other)

    def __add__(self, other):
        other = self._lift(other)
        return Scalar._node(self.value + other.value, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = self._lift(other)
        return Scalar._node(self.value * other.value, ((self, other.value), (other, self.value)))

    def __pow__(self, exponent):
        if isinstance(exponent, Scalar):
            raise TypeError("exponent must be a constant real number, not a Scalar")
        e = float(exponent)
        return Scalar._node(self.value ** e, ((self, e * self.value ** (e - 1.0)),))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __truediv__(self, other):
        return self * self._lift(other) ** -1.0

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def exp(self) -> Scalar:
        """:math:`e^x`, derivative :math:`e^x`."""
        e = math.exp(self.value)
        return Scalar._node(e, ((self, e),))

    def log(self) -> Scalar:
        """Natural logarithm (``value`` > 0), derivative :math:`1/x`."""
        if self.value <= 0.0:
            raise ValueError(f"log needs a positive value, got {self.value}")
        return Scalar._node(math.log(self.value), ((self, 1.0 / self.value),))

    def tanh(self) -> Scalar:
        """:math:`\\tanh x`, derivative :math:`1 - \\tanh^2 x`."""
        t = math.tanh(self.value)
        return Scalar._node(t, ((self, 1.0 - t * t),))

    def relu(self) -> Scalar:
        """:math:`\\max(0, x)`, derivative 1 for x > 0 and 0 otherwise."""
        return Scalar._node(max(self.value, 0.0), ((self, 1.0 if self.value > 0.0 else 0.0),))

    def backward(self) -> None:
        """Set ``grad`` of every Scalar this one was computed from to d self / d that Scalar.

        The graph is sorted topologically (iteratively, so deep graphs do not hit Python's
        recursion limit) and the chain rule applied from this output back to the inputs. Gradients
        accumulate: call it once per fresh graph.
        """
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p, _ in node._parents if id(p) not in seen)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node._parents:
                parent.grad += node.grad * local
