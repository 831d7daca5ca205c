"""Bridges to other simulators.

* :mod:`~snnlib.interop.nest`: :func:`to_nest` builds and runs an snnlib network in NEST 3 (for
  networks that outgrow one machine: MPI, millions of neurons) and returns the same result type.
"""

from .nest import nest_available, to_nest

__all__ = ["to_nest", "nest_available"]
