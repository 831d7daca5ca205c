"""Seed handling: one place turns a user's ``seed`` into random streams.

Every function of snnlib that draws random numbers takes ``seed`` (``None``, an
int >= 0, or a :class:`numpy.random.Generator`) and passes it through
:func:`as_generator` (NumPy-side draws) or :func:`kernel_seed` (a 64-bit
integer from which a numba kernel derives independent per-neuron streams).
Results then depend on the seed only, never on the number of threads.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator", "kernel_seed"]


def as_generator(seed) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : None, int or numpy.random.Generator
        ``None`` draws fresh entropy from the OS; an int >= 0 gives a
        reproducible stream; a Generator is used as it is (and advanced).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be None, a non-negative int or a numpy.random.Generator, "
                        f"got {type(seed).__name__} ({seed!r})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return np.random.default_rng(int(seed))


def kernel_seed(seed) -> np.uint64:
    """Return one 64-bit integer for seeding a numba kernel's own streams.

    The kernel derives independent per-neuron (or per-block) streams from this
    integer (for example by SplitMix64 hashing of ``(seed, neuron index)``), so
    that the result is identical whatever the number of threads.
    """
    rng = as_generator(seed)
    return np.uint64(rng.integers(0, 2**63 - 1, dtype=np.int64))
