"""Where the time of a Monte Carlo step goes: the noise generator, exp, and the rest.

The Langevin step of ``snnlib.simulate_population`` needs one standard normal per neuron and step,
and for the EIF one exponential. This script times each piece on its own, in nanoseconds per
item, next to what a reader would otherwise use:

normals
    NumPy's ``Generator.standard_normal(n)`` (PCG64 + ziggurat, vectorised, called from Python);
    a NumPy ``Generator`` called inside a numba loop; numba's legacy ``np.random.standard_normal``
    inside a numba loop (Mersenne Twister); snnlib's streams drawn one stream at a time
    (``_rng.standard_normals``); and snnlib's streams drawn by the kernel's own stages, 64 neurons
    side by side so that the SplitMix64 step and the ziggurat's fast path vectorise (checked here
    to give exactly the numbers of the one-stream-at-a-time version).
exp
    ``np.exp`` on an array, ``math.exp`` in a numba loop, ``intrinsics.exp_fast`` in a numba loop.
whole step
    ``simulate_population`` per neuron-step on 1 thread, LIF (no exp) and EIF.

Run:  .venv/bin/python benchmarks/bench_pieces.py   (writes benchmarks/results/pieces.json)
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import cpu_ticks, per_call, steal_since  # noqa: E402

import snnlib  # noqa: E402
from snnlib._core import intrinsics  # noqa: E402
from snnlib._core import rng as _rng  # noqa: E402
from snnlib.neuron import montecarlo  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "pieces.json"
#: items per timed call: inputs and outputs stay in the L2 cache, so memory bandwidth does not set the pace
N = 1 << 13
LANES = montecarlo.BLOCK   # neurons integrated side by side, as in the population kernel


@njit
def _generator_loop(gen, out):
    for i in range(out.size):
        out[i] = gen.standard_normal()


@njit
def _legacy_loop(out):
    for i in range(out.size):
        out[i] = np.random.standard_normal()


@njit
def _lane_normals(states, out):
    """``out[k, l]``: the k-th normal of stream l, drawn for all lanes at once with the kernel's
    own stages: ``rng.lane_draws`` (SplitMix64 step, vectorised, and table look-ups), the fast
    path from ``rng.zig_candidate`` / ``rng.zig_sign`` (vectorised), and ``rng.normal_slow`` for
    the rare rejected lanes."""
    zb = np.empty(LANES, dtype=np.uint64)
    wx = np.empty(LANES)
    wx1 = np.empty(LANES)
    for k in range(out.shape[0]):
        row = out[k]
        _rng.lane_draws(states, zb, wx, wx1, LANES)
        n_rej = 0
        for lane in range(LANES):
            z = zb[lane]
            gx = _rng.zig_candidate(z, wx[lane])
            row[lane] = _rng.zig_sign(z) * gx
            n_rej += 0 if gx < wx1[lane] else 1
        if n_rej > 0:
            for lane in range(LANES):
                if abs(row[lane]) >= wx1[lane]:
                    row[lane] = _rng.normal_slow(states, lane, zb[lane], _rng.ZIG_X, _rng.ZIG_F)


@njit
def _math_exp_loop(x, out):
    for i in range(x.size):
        out[i] = math.exp(x[i])


@njit
def _exp_fast_loop(x, out):
    for i in range(x.size):
        out[i] = intrinsics.exp_fast(x[i])


def _ns(seconds, n=N):
    return 1e9 * seconds / n


def main():
    rows = []

    ticks = [cpu_ticks()]

    def add(piece, tool, ns, note=""):
        steal = steal_since(ticks[0])
        ticks[0] = cpu_ticks()
        rows.append(dict(piece=piece, tool=tool, ns_per_item=ns, note=note, cpu_steal=steal))
        st = "" if steal is None else f"steal {100 * steal:3.0f} %"
        print(f"  {piece:<7} {tool:<58} {ns:8.2f} ns  {st}  {note}", flush=True)

    print(f"{numba.get_num_threads()} numba threads available; every piece runs on 1 thread; "
          f"{N} items per call (in cache)")
    out = np.empty(N)
    gen = np.random.default_rng(1)
    add("normal", "NumPy Generator.standard_normal(n), vectorised",
        _ns(per_call(lambda: gen.standard_normal(N))))
    _generator_loop(gen, out)
    add("normal", "NumPy Generator inside a numba loop", _ns(per_call(lambda: _generator_loop(gen, out))))
    _legacy_loop(out)
    add("normal", "numba legacy np.random.standard_normal in a loop", _ns(per_call(lambda: _legacy_loop(out))))
    n_draws = N // LANES
    one_by_one = _rng.standard_normals(7, LANES, n_draws)
    add("normal", "snnlib streams, one stream at a time (_rng.standard_normals)",
        _ns(per_call(lambda: _rng.standard_normals(7, LANES, n_draws))))
    lanes = np.empty((n_draws, LANES))
    _lane_normals(_rng.stream_states(7, LANES), lanes)
    same = bool(np.array_equal(lanes.T, one_by_one))
    add("normal", f"snnlib streams, {LANES} side by side (as in the kernel)",
        _ns(per_call(lambda: _lane_normals(_rng.stream_states(7, LANES), lanes))),
        f"identical to one-at-a-time: {same}; mean {lanes.mean():+.4f}, var {lanes.var():.4f}")
    if not same:
        raise SystemExit("the side-by-side draws differ from the stream-by-stream ones")

    x = np.random.default_rng(2).uniform(-10.0, 2.0, N)  # (V - V_T) / Delta_T below and around V_T
    ex = np.empty(N)
    add("exp", "np.exp(array)", _ns(per_call(lambda: np.exp(x))))
    _math_exp_loop(x, ex)
    add("exp", "math.exp in a numba loop", _ns(per_call(lambda: _math_exp_loop(x, ex))))
    _exp_fast_loop(x, ex)
    rel = float(np.max(np.abs(ex / np.exp(x) - 1.0)))
    add("exp", "snnlib intrinsics.exp_fast in a numba loop (vectorises)",
        _ns(per_call(lambda: _exp_fast_loop(x, ex))),
        f"max relative difference to np.exp {rel:.1e}")

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        n, t_max = 4000, 500.0
        work = n * round(t_max / 0.1)
        for model in (snnlib.LIF(), snnlib.EIF()):
            run = lambda: snnlib.simulate_population(model, 12.0, 4.0, n_neurons=n, t_max=t_max,  # noqa: E731
                                                     seed=1, progress=False)
            run()
            best = min(_timed(run) for _ in range(5))
            add("step", f"simulate_population, {type(model).__name__}, 1 thread, bridge correction",
                _ns(best, work), f"{n} neurons x {t_max:g} ms, best of 5")
    finally:
        numba.set_num_threads(old)

    meta = dict(date=time.strftime("%Y-%m-%d %H:%M"), python=platform.python_version(), numpy=np.__version__,
                numba=numba.__version__, cpu_count=os.cpu_count(), items_per_call=N,
                load_avg_after=os.getloadavg())
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(dict(meta=meta, rows=rows), indent=2))
    print(f"written {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
