r"""Random numbers inside numba kernels: one independent stream per neuron (private).

Results never depend on how the neurons are split into blocks or threads:

* **Uniform 64-bit integers: SplitMix64** (Steele, Lea & Flood 2014, "Fast
  splittable pseudorandom number generators", OOPSLA; the finaliser is
  Stafford's "Mix13"). The state of neuron ``i`` starts at
  ``mix64(seed + (i + 1) * GAMMA)``; each draw adds ``GAMMA`` and returns
  ``mix64(state)``. Two neurons' streams are the same Weyl sequence at random
  offsets, so they overlap only if those offsets come within the number of
  draws of each other: probability ~ n_neurons^2 * n_draws / 2^64 (< 1e-6 for
  10^4 neurons and 10^6 draws each).
* **Standard normals: ziggurat** with 256 layers (Marsaglia & Tsang 2000,
  J Stat Softw 5(8); tail by Marsaglia 1964). One 64-bit draw gives the layer
  (bits 0-7, :func:`zig_layer`), the sign (bit 8, :func:`zig_sign`) and a 53-bit
  uniform (bits 11-63) that scales the layer's width (:func:`zig_candidate`).
  The candidate is accepted if it lies below the next layer's width (99.3 % of
  draws); that fast path is branch-free apart from the comparison, so a loop over
  neurons vectorises (gathers from the 257-entry tables). Rejected draws are
  finished by :func:`normal_slow`, which keeps drawing from the same neuron's
  stream.

The bit-level helpers (``snnlib._core.intrinsics.mix64``,
``snnlib._core.intrinsics.next_u64``, ``snnlib._core.intrinsics.uniform53``)
live in ``snnlib._core.intrinsics`` with their plain twins. The pure-Python
reference generator of the tests is ``tests/naive/core.py``; it shares only the
tables ``ZIG_X`` and ``ZIG_F`` (data) with this module.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .intrinsics import GAMMA, SOURCE_STAMP, mix64_array, next_u64, uniform53

__all__ = ["GAMMA", "ZIG_N", "ZIG_R", "ZIG_V", "ZIG_X", "ZIG_X1", "ZIG_F", "stream_states", "zig_layer",
           "zig_candidate", "zig_sign", "lane_draws", "normal_slow", "standard_normals"]

_ONE = np.uint64(1)
_MASK8 = np.uint64(255)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0  # 2^-53

# Ziggurat for f(x) = exp(-x^2/2) with N = 256 layers of equal area ZIG_V
# (Marsaglia & Tsang 2000, section 2): ZIG_R is the start of the tail.
ZIG_N = 256
ZIG_R = 3.6541528853610088


def _ziggurat_tables():
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    v = ZIG_R * f(ZIG_R) + math.sqrt(math.pi / 2.0) * math.erfc(ZIG_R / math.sqrt(2.0))
    x = np.empty(ZIG_N + 1)
    x[0] = v / f(ZIG_R)  # width of the base strip if it were a rectangle
    x[1] = ZIG_R
    for i in range(1, ZIG_N - 1):
        x[i + 1] = math.sqrt(-2.0 * math.log(f(x[i]) + v / x[i]))
    x[ZIG_N] = 0.0
    fx = np.exp(-0.5 * x * x)
    return v, x, fx


ZIG_V, ZIG_X, ZIG_F = _ziggurat_tables()
ZIG_X.setflags(write=False)
ZIG_F.setflags(write=False)
#: x_{i+1}, so that both look-ups of a draw use the same index i.
ZIG_X1 = np.ascontiguousarray(ZIG_X[1:])
ZIG_X1.setflags(write=False)


def stream_states(seed, n):
    """Initial SplitMix64 states of ``n`` per-neuron streams from a uint64 seed (no checking).

    Plain NumPy (uint64 arithmetic wraps modulo 2^64), so that it costs no compilation.
    """
    i = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return mix64_array(np.uint64(seed) + i * GAMMA)


@njit(cache=True, inline="always")
def zig_layer(z):
    """Ziggurat layer 0..255 of the uint64 draw ``z`` (its low 8 bits; jitted, inlined)."""
    return np.int64(z & _MASK8)


@njit(cache=True, inline="always")
def zig_candidate(z, width):
    """|x| candidate of the draw ``z`` in a layer of half-width ``width``: the top 53 bits as a
    uniform in [0, 1) times the width (jitted, inlined)."""
    return np.float64(z >> _S11) * _TWO_M53 * width


@njit(cache=True, inline="always")
def zig_sign(z):
    """+1.0 or -1.0 from bit 8 of the draw ``z`` (jitted, inlined)."""
    return 1.0 - 2.0 * np.float64((z >> _S8) & _ONE)


@njit(cache=True, inline="always")
def lane_draws(states, z, width, next_width, n):
    """Draw the next uint64 of ``n`` streams side by side and look up their ziggurat layers
    (jitted, inlined, no checking): ``z[l]`` from stream ``l`` of ``states``, ``width[l]`` and
    ``next_width[l]`` the half-widths x_i and x_{i+1} of its layer. The first stage of a block step
    of the Monte Carlo kernels; the draw loop vectorises, the look-ups are gathers."""
    for lane in range(n):
        z[lane] = next_u64(states, lane)
    for lane in range(n):
        i = zig_layer(z[lane])
        width[lane] = ZIG_X[i]
        next_width[lane] = ZIG_X1[i]


@njit(cache=True, inline="always")
def normal_slow(states, j, z, zx, zf):
    """Finish a ziggurat draw whose fast path failed (jitted, no checking).

    ``z`` is the uint64 that failed; further draws come from stream ``j``. Inlined into its
    callers (numba IR), which compiles faster than a separate function.
    """
    sign = zig_sign(z)
    while True:
        i = zig_layer(z)
        x = zig_candidate(z, zx[i])
        if x < zx[i + 1]:
            break
        if i == 0:
            # Tail beyond R (Marsaglia 1964): exponential proposals.
            while True:
                a = -math.log(uniform53(next_u64(states, j))) / ZIG_R
                b = -math.log(uniform53(next_u64(states, j)))
                if b + b > a * a:
                    break
            x = ZIG_R + a
            break
        # Wedge: uniform height between the layer's bottom and top.
        y = zf[i] + uniform53(next_u64(states, j)) * (zf[i + 1] - zf[i])
        if y < math.exp(-0.5 * x * x):
            break
        z = next_u64(states, j)
        sign = zig_sign(z)
    return sign * x


def standard_normals(seed, n_streams, n_draws):
    """``(n_streams, n_draws)`` standard normals, stream by stream (no checking).

    Used by tests to check the distribution, by :func:`langevin_noise <snnlib.neuron.montecarlo.langevin_noise>` and to show readers
    the generator.
    """
    return _standard_normals(stream_states(seed, n_streams), n_draws)


def _make_standard_normals(stamp):
    """Build the kernel of :func:`standard_normals`; ``stamp`` (closed over) keys numba's cache to
    the sources it inlines (see ``snnlib._core.intrinsics``)."""

    @njit(cache=True)
    def kernel(states, n_draws):
        """Kernel of :func:`standard_normals` (jitted, no checking)."""
        stamp  # noqa: B018 - closed over so that numba's cache key follows the inlined sources
        n_streams = states.size
        out = np.empty((n_streams, n_draws))
        for j in range(n_streams):
            for k in range(n_draws):
                z = next_u64(states, j)
                i = zig_layer(z)
                x = zig_candidate(z, ZIG_X[i])
                if x < ZIG_X1[i]:
                    out[j, k] = zig_sign(z) * x
                else:
                    out[j, k] = normal_slow(states, j, z, ZIG_X, ZIG_F)
        return out

    return kernel


_standard_normals = _make_standard_normals(SOURCE_STAMP)
