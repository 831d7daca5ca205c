r"""Fast random numbers inside numba kernels (private).

One independent stream per neuron, so that results never depend on how the
neurons are split into blocks or threads:

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
  (bits 0-7), the sign (bit 8) and a 53-bit uniform (bits 11-63). The fast
  path (99.3 % of draws) is branch-free apart from one comparison, so a loop
  over neurons vectorises (gathers from the 257-entry tables); rejected lanes
  are finished by :func:`normal_slow`, which keeps drawing from the same
  neuron's stream.

The small helpers (:func:`mix64`, :func:`next_u64`, :func:`uniform53`,
:func:`exp_fast`) are numba *intrinsics*: their LLVM instructions are emitted
straight into the calling kernel, so they cost no separate compilation (numba
compiles each jitted helper on its own, ~0.1 s each, which added up to half of
the first call of ``simulate_population``). They are callable from jitted code
only. Their code ends up inside the callers' compiled kernels, and numba's disk
cache follows only the caller's source file: after editing this module, clear
the ``__pycache__`` of its callers (``montecarlo.py``).

The pure-Python twins used by ``tests/naive.py`` live in that file and share
only the tables ``ZIG_X`` and ``ZIG_F`` (data) with this module.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["GAMMA", "ZIG_R", "ZIG_V", "ZIG_X", "ZIG_F", "mix64", "stream_states", "next_u64",
           "uniform53", "normal_slow", "exp_fast", "standard_normals"]

#: Weyl increment of SplitMix64 (odd; 2^64 / golden ratio).
GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S8 = np.uint64(8)
_ONE = np.uint64(1)
_MASK8 = np.uint64(255)
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


def _u64(value):
    """An LLVM i64 constant (the bits of a uint64)."""
    return ir.Constant(ir.IntType(64), int(value))


def _f64(value):
    """An LLVM double constant."""
    return ir.Constant(ir.DoubleType(), float(value))


def _mix64_ir(builder, z):
    """Emit the SplitMix64 finaliser of the i64 value ``z``: (z ^ z>>30) * M1, (z ^ z>>27) * M2,
    z ^ z>>31, all modulo 2^64."""
    z = builder.mul(builder.xor(z, builder.lshr(z, _u64(30))), _u64(_M1))
    z = builder.mul(builder.xor(z, builder.lshr(z, _u64(27))), _u64(_M2))
    return builder.xor(z, builder.lshr(z, _u64(31)))


@intrinsic
def mix64(typingctx, z):
    """SplitMix64 finaliser of a uint64 (numba intrinsic, jitted code only)."""
    if z != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return _mix64_ir(builder, args[0])

    return types.uint64(types.uint64), codegen


def _mix64_np(z):
    """SplitMix64 finaliser of a uint64 array (NumPy; wraps modulo 2^64 like the jitted one)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def stream_states(seed, n):
    """Initial SplitMix64 states of ``n`` per-neuron streams from a uint64 seed (no checking).

    Plain NumPy (uint64 arithmetic wraps modulo 2^64), so that it costs no compilation.
    """
    i = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix64_np(np.uint64(seed) + i * GAMMA)


@intrinsic
def next_u64(typingctx, states, j):
    """Advance stream ``j`` of the 1-D uint64 array ``states`` and return its next uint64
    (numba intrinsic, jitted code only; no bounds check)."""
    if not (isinstance(states, types.Array) and states.ndim == 1 and states.dtype == types.uint64
            and states.mutable and isinstance(j, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        aryty, jty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = context.cast(builder, args[1], jty, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [idx])
        s = builder.add(builder.load(ptr), _u64(GAMMA))
        builder.store(s, ptr)
        return _mix64_ir(builder, s)

    return types.uint64(states, j), codegen


@intrinsic
def uniform53(typingctx, z):
    """Uniform double in the open interval (0, 1) from the top 53 bits of the uint64 ``z``:
    ``(z >> 11) + 1/2`` times 2^-53 (numba intrinsic, jitted code only)."""
    if z != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        top = builder.uitofp(builder.lshr(args[0], _u64(11)), ir.DoubleType())
        return builder.fmul(builder.fadd(top, _f64(0.5)), _f64(_TWO_M53))

    return types.float64(types.uint64), codegen


@njit(cache=True, inline="always")
def normal_slow(states, j, z, zx, zf):
    """Finish a ziggurat draw whose fast path failed (jitted, no checking).

    ``z`` is the uint64 that failed; further draws come from stream ``j``. Inlined into its
    callers (numba IR), which compiles faster than a separate function.
    """
    neg = ((z >> _S8) & _ONE) == _ONE
    while True:
        i = np.int64(z & _MASK8)
        x = np.float64(z >> _S11) * _TWO_M53 * zx[i]
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
        neg = ((z >> _S8) & _ONE) == _ONE
    return -x if neg else x


_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238  # ln 2 split in two (Cody & Waite 1980) for an exact k*ln2_hi
_LN2_LO = 1.9082149292705877e-10
#: Coefficients of exp(r) on |r| <= ln2/2, highest degree first: the degree-10 polynomial that
#: interpolates exp at the Chebyshev nodes of that interval (computed at 40 digits). Relative
#: error < 4e-16; tests/test_montecarlo.py checks exp_fast against mpmath.
_EXP_POLY = (2.7626426376580335e-07, 2.7640263790318923e-06, 2.4801504180837137e-05,
             0.00019841170070971308, 0.0013888888932619635, 0.008333333385825085,
             0.04166666666657277, 0.16666666666553953, 0.5000000000000006, 1.0000000000000069,
             1.0)


@intrinsic
def exp_fast(typingctx, x):
    """exp(x) for -700 < x < 700 to ~2 ulp, in a form LLVM can vectorise (numba intrinsic,
    jitted code only).

    Cody-Waite reduction x = k ln2 + r with k = floor(x / ln2 + 1/2), so |r| <= ln2/2; the
    polynomial ``_EXP_POLY`` in r by Horner's rule; 2^k built from its bits. No branches and no
    library call, so a loop over neurons that calls it vectorises.
    """
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        x = args[0]
        floor = builder.module.declare_intrinsic("llvm.floor", [ir.DoubleType()])
        k = builder.call(floor, [builder.fadd(builder.fmul(x, _f64(_LOG2E)), _f64(0.5))])
        r = builder.fsub(builder.fsub(x, builder.fmul(k, _f64(_LN2_HI))), builder.fmul(k, _f64(_LN2_LO)))
        p = _f64(_EXP_POLY[0])
        for c in _EXP_POLY[1:]:
            p = builder.fadd(builder.fmul(p, r), _f64(c))
        bits = builder.shl(builder.add(builder.fptosi(k, ir.IntType(64)), _u64(1023)), _u64(52))
        return builder.fmul(p, builder.bitcast(bits, ir.DoubleType()))

    return types.float64(types.float64), codegen


def standard_normals(seed, n_streams, n_draws):
    """``(n_streams, n_draws)`` standard normals, stream by stream (no checking).

    Used by tests to check the distribution, and to show readers the generator.
    """
    return _standard_normals(stream_states(seed, n_streams), n_draws)


@njit(cache=True)
def _standard_normals(states, n_draws):
    """Kernel of :func:`standard_normals` (jitted, no checking)."""
    n_streams = states.size
    out = np.empty((n_streams, n_draws))
    for j in range(n_streams):
        for k in range(n_draws):
            z = next_u64(states, j)
            i = np.int64(z & _MASK8)
            x = np.float64(z >> _S11) * _TWO_M53 * ZIG_X[i]
            if x < ZIG_X[i + 1]:
                out[j, k] = -x if ((z >> _S8) & _ONE) == _ONE else x
            else:
                out[j, k] = normal_slow(states, j, z, ZIG_X, ZIG_F)
    return out
