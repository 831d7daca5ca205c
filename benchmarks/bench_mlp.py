"""numba kernel versus vectorised NumPy for training the chapter-1 MLP.

Workload: the chapter's widget, two moons with 500 points, one hidden tanh layer
of 16-64 units, minibatches of 16-64, 100-300 epochs. Both implementations draw
the same random numbers, so they do exactly the same arithmetic; the table gives
the best of ``REPEATS`` wall-clock times and the ratio NumPy / numba (> 1 means
numba is faster). ``ml.train_mlp`` uses the faster one (numba).

Usage: ``python benchmarks/bench_mlp.py``. Results also go to
``benchmarks/results/bench_mlp.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

import snnlib
from snnlib import ml

REPEATS = 3
N_POINTS = 500
CASES = [  # (hidden units, batch size, epochs)
    (16, 16, 100),
    (16, 64, 300),
    (32, 32, 200),
    (64, 16, 100),
    (64, 64, 300),
]


def best_time(fn, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    x, y = ml.two_moons(N_POINTS, noise=0.2, seed=0)
    # compile (or load from cache) before timing
    for method in ("numba", "numpy"):
        ml.train_mlp(x, y, hidden=4, epochs=1, seed=0, method=method)
    rows = []
    print(f"two moons, n = {N_POINTS}, tanh, eta = 0.3; best of {REPEATS} runs; "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"{'hidden':>6} {'batch':>5} {'epochs':>6} | {'numba (ms)':>10} {'numpy (ms)':>10} | {'numpy/numba':>11}"
          f" | {'max |dW|':>8}")
    for hidden, batch, epochs in CASES:
        kw = dict(hidden=hidden, eta=0.3, batch_size=batch, epochs=epochs, seed=1)
        t_nb = best_time(lambda: ml.train_mlp(x, y, method="numba", **kw))
        t_np = best_time(lambda: ml.train_mlp(x, y, method="numpy", **kw))
        a = ml.train_mlp(x, y, method="numba", **kw).params
        b = ml.train_mlp(x, y, method="numpy", **kw).params
        diff = max(float(np.max(np.abs(u - v))) for u, v in zip(a.weights, b.weights))
        rows.append(dict(hidden=hidden, batch_size=batch, epochs=epochs, numba_s=t_nb, numpy_s=t_np,
                         ratio=t_np / t_nb, max_weight_diff=diff))
        print(f"{hidden:>6} {batch:>5} {epochs:>6} | {1e3 * t_nb:>10.1f} {1e3 * t_np:>10.1f} | "
              f"{t_np / t_nb:>11.2f} | {diff:>8.1e}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_mlp.json").write_text(json.dumps(dict(n_points=N_POINTS, repeats=REPEATS, rows=rows), indent=1))


if __name__ == "__main__":
    main()
