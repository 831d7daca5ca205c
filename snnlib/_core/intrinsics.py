r"""Every hand-written LLVM intrinsic of snnlib, each beside a plain numba twin (private).

The hot loops (the population Monte Carlo, and the network simulator that reuses its step) call
a few tiny helpers millions of times per second: the SplitMix64 finaliser and stream step
(:func:`mix64`, :func:`next_u64`), a uniform from 53 random bits (:func:`uniform53`), a
vectorisable ``exp`` (:func:`exp_fast`), a software prefetch hint (``prefetch(arr, i)``: bring
``arr[i]`` into the cache ahead of use; the network simulator's scatter of spikes reads its
synapse tables row by row, and rows of a thousand synapses are too short for the hardware
prefetcher to ramp up) and the allocation of a block's work arrays (:func:`work_arrays`). Written as numba *intrinsics*, their LLVM instructions are emitted straight
into the calling kernel: no separate compilation of each helper (~0.1 s each on a first call),
and, for the work arrays, one allocation whose parts LLVM can tell do not overlap, so the lane
loops vectorise without run-time alias checks.

Intrinsics depend on numba internals (its LLVM builder, ``populate_array`` and manual reference
counting). So that the library never *depends* on them, every intrinsic has a plain twin written in
ordinary ``@njit(inline="always")`` code that computes bit-for-bit the same values
(``tests/core/test_intrinsics.py`` checks this, and runs the population kernel both ways). Set the
environment variable ``SNNLIB_PLAIN_KERNELS=1`` before importing snnlib to use the twins
everywhere, e.g. after a numba upgrade breaks an intrinsic; they are slower on a first call (more
to compile) and the work arrays are separate allocations. :data:`PLAIN` tells which set is in use.

Caching. numba's disk cache follows the caller's source file only, so code inlined from here (or
from ``snnlib._core.rng``) would leave a caller's cached kernel stale after an edit. Kernels
that use these helpers are therefore built by factories that close over :data:`SOURCE_STAMP`, a
hash of this module's, ``rng.py``'s and ``snnlib/neuron/step.py``'s source plus :data:`PLAIN`: numba's cache key includes the
values a kernel closes over, so an edit here, or a switch to the twins, compiles afresh instead
of loading a stale kernel.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.arrayobj import populate_array
from numba.np.numpy_support import from_dtype

__all__ = ["PLAIN", "SOURCE_STAMP", "GAMMA", "mix64", "mix64_array", "next_u64", "uniform53", "exp_fast",
           "prefetch", "EXP_UNDERFLOW", "EXP_OVERFLOW", "EXP_ZERO_BELOW", "EXP_INF_ABOVE", "work_arrays",
           "atomic_add", "atomic_load", "spin_barrier"]

#: True if the plain numba twins are in use (environment variable ``SNNLIB_PLAIN_KERNELS=1``).
PLAIN = os.environ.get("SNNLIB_PLAIN_KERNELS", "").strip() not in ("", "0")


def _source_stamp() -> str:
    """Hash of the sources whose code is inlined into kernels elsewhere, and of :data:`PLAIN`."""
    h = hashlib.sha256(b"plain" if PLAIN else b"llvm")
    here = Path(__file__).resolve().parent
    # the single-neuron step (snnlib/neuron/step.py) is inlined into the population and network
    # kernels as well, so an edit of it must recompile them too
    for path in (here / "intrinsics.py", here / "rng.py", here.parent / "neuron" / "step.py"):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


#: Closed over by every kernel factory that inlines code from this module or rng.py (see the
#: module docstring): it changes whenever that code or the twin switch changes.
SOURCE_STAMP = _source_stamp()

# ------------------------------------------------------------------------------------------------
# SplitMix64 (Steele, Lea & Flood 2014, OOPSLA; finaliser: Stafford's "Mix13")
# ------------------------------------------------------------------------------------------------
#: Weyl increment of SplitMix64 (odd; 2^64 / golden ratio).
GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_TWO_M53 = 1.0 / 9007199254740992.0  # 2^-53


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
def _mix64_llvm(typingctx, z):
    if z != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return _mix64_ir(builder, args[0])

    return types.uint64(types.uint64), codegen


_U30, _U27, _U31 = np.uint64(30), np.uint64(27), np.uint64(31)
_UM1, _UM2 = np.uint64(_M1), np.uint64(_M2)


@njit(cache=True, inline="always")
def _mix64_plain(z):
    z = (z ^ (z >> _U30)) * _UM1
    z = (z ^ (z >> _U27)) * _UM2
    return z ^ (z >> _U31)


def mix64_array(z):
    """SplitMix64 finaliser of a uint64 NumPy array (plain NumPy, used to seed the streams without
    compiling anything; uint64 arithmetic wraps modulo 2^64 as in the jitted versions)."""
    z = (z ^ (z >> _U30)) * _UM1
    z = (z ^ (z >> _U27)) * _UM2
    return z ^ (z >> _U31)


@intrinsic
def _next_u64_llvm(typingctx, states, j):
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


@njit(cache=True, inline="always")
def _next_u64_plain(states, j):
    s = states[j] + GAMMA
    states[j] = s
    return _mix64_plain(s)


@intrinsic
def _uniform53_llvm(typingctx, z):
    if z != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        top = builder.uitofp(builder.lshr(args[0], _u64(11)), ir.DoubleType())
        return builder.fmul(builder.fadd(top, _f64(0.5)), _f64(_TWO_M53))

    return types.float64(types.uint64), codegen


_U11 = np.uint64(11)


@njit(cache=True, inline="always")
def _uniform53_plain(z):
    return (np.float64(z >> _U11) + 0.5) * _TWO_M53


# ------------------------------------------------------------------------------------------------
# exp without branches or library calls, so that a loop over neurons that calls it vectorises
# ------------------------------------------------------------------------------------------------
_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238  # ln 2 split in two (Cody & Waite 1980) for an exact k*ln2_hi
_LN2_LO = 1.9082149292705877e-10
#: Coefficients of exp(r) on |r| <= ln2/2, highest degree first: the degree-10 polynomial that
#: interpolates exp at the Chebyshev nodes of that interval (computed at 40 digits). Relative
#: error < 4e-16; tests/core/test_intrinsics.py checks exp_fast against mpmath.
_EXP_POLY = (2.7626426376580335e-07, 2.7640263790318923e-06, 2.4801504180837137e-05,
             0.00019841170070971308, 0.0013888888932619635, 0.008333333385825085,
             0.04166666666657277, 0.16666666666553953, 0.5000000000000006, 1.0000000000000069,
             1.0)
#: exp_fast clamps its argument to [EXP_UNDERFLOW, EXP_OVERFLOW] before it builds 2^k from bits;
#: the clamp values are chosen so that the bits themselves give the limits, with no test of the
#: result: at -709 the exponent k is -1023, whose bit pattern is +0.0, so exp_fast is exactly 0
#: for every x below -708.74 (where exp(x) < 2.4e-308, the smallest normal double being 2.2e-308);
#: at 709.9 k is 1024, the bit pattern of +inf, so exp_fast is +inf for every x above 709.44
#: (where exp(x) > 1.26e308, within a factor 1.4 of the largest double). Without the clamp the
#: exponent wrapped around (exp_fast(-800) was -1.2e269). A NaN argument gives +inf too (the
#: kernels never pass one; testing for it would cost 15 % of an EIF step).
EXP_UNDERFLOW = -709.0
EXP_OVERFLOW = 709.9
#: Smallest and largest x for which exp_fast is neither 0 nor +inf (k = -1022 and k = 1023).
EXP_ZERO_BELOW = (-1022.5) * math.log(2.0)
EXP_INF_ABOVE = 1023.5 * math.log(2.0)


@intrinsic
def _exp_fast_llvm(typingctx, x):
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        x = args[0]
        dbl = ir.DoubleType()
        floor = builder.module.declare_intrinsic("llvm.floor", [dbl])
        # Clamp x with the compare-and-select pair that x86 does in one min and one max
        # instruction; the clamp values make 2^k +0.0 below and +inf above (see EXP_UNDERFLOW).
        x1 = builder.select(builder.fcmp_ordered("<", x, _f64(EXP_OVERFLOW)), x, _f64(EXP_OVERFLOW))
        xc = builder.select(builder.fcmp_ordered(">", x1, _f64(EXP_UNDERFLOW)), x1, _f64(EXP_UNDERFLOW))
        k = builder.call(floor, [builder.fadd(builder.fmul(xc, _f64(_LOG2E)), _f64(0.5))])
        r = builder.fsub(builder.fsub(xc, builder.fmul(k, _f64(_LN2_HI))), builder.fmul(k, _f64(_LN2_LO)))
        p = _f64(_EXP_POLY[0])
        for c in _EXP_POLY[1:]:
            p = builder.fadd(builder.fmul(p, r), _f64(c))
        bits = builder.shl(builder.add(builder.fptosi(k, ir.IntType(64)), _u64(1023)), _u64(52))
        return builder.fmul(p, builder.bitcast(bits, dbl))

    return types.float64(types.float64), codegen


_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8, _P9, _P10 = _EXP_POLY


@njit(cache=True, inline="always")
def _exp_fast_plain(x):
    x1 = x if x < EXP_OVERFLOW else EXP_OVERFLOW
    xc = x1 if x1 > EXP_UNDERFLOW else EXP_UNDERFLOW
    k = np.floor(xc * _LOG2E + 0.5)
    r = (xc - k * _LN2_HI) - k * _LN2_LO
    p = _P0
    p = p * r + _P1
    p = p * r + _P2
    p = p * r + _P3
    p = p * r + _P4
    p = p * r + _P5
    p = p * r + _P6
    p = p * r + _P7
    p = p * r + _P8
    p = p * r + _P9
    p = p * r + _P10
    # 2^k as the intrinsic builds it from bits: +0.0 for k = -1023, +inf for k = 1024
    if k < -1022.0:
        return 0.0
    if k > 1023.0:
        return math.inf
    return math.ldexp(p, int(k))


# ------------------------------------------------------------------------------------------------
# Software prefetch
# ------------------------------------------------------------------------------------------------
@intrinsic
def _prefetch_llvm(typingctx, arr, i):
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        aryty, ity = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = context.cast(builder, args[1], ity, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [idx], wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                                            "llvm.prefetch.p0i8")
        # read (0), keep in all cache levels (3), data cache (1)
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(arr, i), codegen


@njit(cache=True, inline="always")
def _prefetch_plain(arr, i):
    """Plain twin of the prefetch hint: does nothing (a hint changes no value)."""
    return None


# ------------------------------------------------------------------------------------------------
# Atomics and a barrier (no plain twin: see spin_barrier)
# ------------------------------------------------------------------------------------------------
def _int64_slot(context, builder, signature, args):
    aryty, ity = signature.args[:2]
    ary = context.make_array(aryty)(context, builder, args[0])
    idx = context.cast(builder, args[1], ity, types.intp)
    return cgutils.get_item_pointer(context, builder, aryty, ary, [idx], wraparound=False)


def _is_int64_array(arr):
    return isinstance(arr, types.Array) and arr.ndim == 1 and arr.dtype == types.int64 and arr.mutable


@intrinsic
def atomic_add(typingctx, arr, i, value):
    """``arr[i] += value`` as one sequentially consistent atomic operation on an int64 array;
    returns the old value (jitted code only)."""
    if not (_is_int64_array(arr) and isinstance(i, types.Integer) and value == types.int64):
        return None

    def codegen(context, builder, signature, args):
        ptr = _int64_slot(context, builder, signature, args)
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")

    return types.int64(arr, i, value), codegen


@intrinsic
def atomic_load(typingctx, arr, i):
    """``arr[i]`` of an int64 array read with acquire ordering: never hoisted out of a loop, and
    what another thread wrote before its matching atomic store or add is visible after it
    (jitted code only)."""
    if not (_is_int64_array(arr) and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        ptr = _int64_slot(context, builder, signature, args)
        return builder.load_atomic(ptr, "acquire", 8)

    return types.int64(arr, i), codegen


def _has_sched_yield() -> bool:
    """Whether the process can call the C library's ``sched_yield`` (POSIX; not on Windows)."""
    from llvmlite import binding

    return bool(binding.address_of_symbol("sched_yield"))


#: Busy polls of a barrier before each yield of the processor to other threads.
SPINS_PER_YIELD = 256
_SCHED_YIELD = _has_sched_yield()


@intrinsic
def _yield(typingctx):
    """Give the processor to another thread (``sched_yield()``; a no-op where there is none).
    Emitted as a call of the C function by name, so that a kernel that uses it stays cacheable."""

    def codegen(context, builder, signature, args):
        if _SCHED_YIELD:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
            builder.call(fn, [])
        return context.get_dummy_value()

    return types.void(), codegen


@njit(inline="always")
def spin_barrier(count, n_threads, generation):
    """Wait until all ``n_threads`` threads have arrived at barrier number ``generation`` (1, 2,
    ... in the order every thread passes them) of the shared counter ``count`` (int64 array,
    ``count[0]`` zero before the first; jitted code only).

    Each arrival adds one to ``count[0]`` atomically; barrier ``g`` is passed when the count
    reaches ``g * n_threads``. The counter only grows, so no reset is needed between barriers.
    Waiting polls the counter and, every :data:`SPINS_PER_YIELD` polls, yields the processor
    (``sched_yield``), so that more threads than cores do not starve the late arrival. Memory
    written by any thread before its arrival is visible to every thread after the barrier
    (sequentially consistent add, acquire loads).

    There is no plain twin: a barrier cannot be written without atomics. Callers synchronise
    through Python (a join of the threads) instead when :data:`PLAIN` is set.
    """
    target = generation * n_threads
    atomic_add(count, 0, np.int64(1))
    spins = 0
    while atomic_load(count, 0) < target:
        spins += 1
        if spins == SPINS_PER_YIELD:
            _yield()
            spins = 0


# ------------------------------------------------------------------------------------------------
# Work arrays of one block of neurons
# ------------------------------------------------------------------------------------------------
def _work_arrays_llvm(dtypes, n):
    """Intrinsic returning a tuple of C-contiguous 1-D arrays of ``n`` elements of the 8-byte
    ``dtypes``, carved at fixed offsets out of one 64-byte-aligned allocation."""
    arrtys = [types.Array(from_dtype(np.dtype(k)), 1, "C") for k in dtypes]
    tupty = types.Tuple(arrtys)

    @intrinsic
    def arrays(typingctx):
        def codegen(context, builder, signature, args):
            intp = lambda value: context.get_constant(types.intp, value)  # noqa: E731
            meminfo = context.nrt.meminfo_alloc_aligned(builder, intp(8 * n * len(arrtys)), 64)
            base = builder.bitcast(context.nrt.meminfo_data(builder, meminfo), ir.IntType(64).as_pointer())
            out = []
            for k, aty in enumerate(arrtys):
                ary = context.make_array(aty)(context, builder)
                data = builder.bitcast(builder.gep(base, [intp(k * n)]),
                                       context.get_data_type(aty.dtype).as_pointer())
                populate_array(ary, data=data, shape=[intp(n)], strides=[intp(8)], itemsize=intp(8),
                               meminfo=meminfo)
                if k > 0:  # the allocation came with one reference; one more per further array
                    context.nrt.incref(builder, aty, ary._getvalue())
                out.append(ary._getvalue())
            return context.make_tuple(builder, tupty, out)

        return tupty(), codegen

    return arrays


def _work_arrays_plain(dtypes, n):
    """Plain twin of :func:`_work_arrays_llvm`: one ``np.empty`` per array (built as source, since
    numba cannot loop over a tuple of dtypes to build a heterogeneous tuple)."""
    names = [f"a{k}" for k in range(len(dtypes))]
    body = "\n".join(f"    {nm} = np.empty({n}, dtype=np.{np.dtype(dt).name})" for nm, dt in zip(names, dtypes))
    src = f"def arrays():\n{body}\n    return ({', '.join(names)},)\n"
    scope = {"np": np}
    exec(compile(src, f"<snnlib work_arrays {tuple(dtypes)} x {n}>", "exec"), scope)  # noqa: S102
    return njit(inline="always")(scope["arrays"])


def work_arrays(dtypes, n):
    """A jitted helper ``arrays()`` returning one work array of ``n`` elements per entry of
    ``dtypes`` (8-byte numpy dtype codes such as ``"f8"``, ``"i8"``, ``"u8"``), uninitialised.

    With the LLVM intrinsic (default) all arrays share one allocation, freed with the last of them;
    with :data:`PLAIN` each is its own ``np.empty``. Callable from jitted code only.
    """
    if any(np.dtype(k).itemsize != 8 for k in dtypes):
        raise ValueError(f"work_arrays: every dtype must be 8 bytes wide, got {dtypes!r}")
    return _work_arrays_plain(dtypes, n) if PLAIN else _work_arrays_llvm(dtypes, n)


# ------------------------------------------------------------------------------------------------
# The set in use
# ------------------------------------------------------------------------------------------------
if PLAIN:
    mix64, next_u64, uniform53, exp_fast = _mix64_plain, _next_u64_plain, _uniform53_plain, _exp_fast_plain
    prefetch = _prefetch_plain
else:
    mix64, next_u64, uniform53, exp_fast = _mix64_llvm, _next_u64_llvm, _uniform53_llvm, _exp_fast_llvm
    prefetch = _prefetch_llvm

