"""Workload W1 (bench_population's Monte Carlo) for two checkouts of snnlib, side by side in one run.

Before a change lands, its speed is compared with the code it replaces on the same machine in the
same minutes: each checkout's ``snnlib`` runs in fresh processes (its folder first on
``PYTHONPATH``), the two interleaved so that a slow spell of the host hits both alike.

W1: 10,000 EIF neurons of bench_population.py (mu 12 mV, sigma 4 mV, dt 0.1 ms) for 1 s, spikes
recorded: 10^8 neuron-steps. Reported per checkout, as the median and range of ``--repeats``
processes: the run time with all numba threads and with one (CPU time, less sensitive to a busy
neighbour), and the first call with an empty numba cache (cold compile).

Run:  .venv/bin/python benchmarks/compare_checkouts.py OLD_CHECKOUT [NEW_CHECKOUT]
      (NEW_CHECKOUT defaults to this repository)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_population import DT, MU, PARAMS, SIGMA  # noqa: E402

_CODE = textwrap.dedent("""
    import json, time
    import numba
    import snnlib
    m = snnlib.EIF(**{params!r})
    t0 = time.perf_counter()
    snnlib.simulate_population(m, {mu}, {sigma}, n_neurons=100, t_max=10.0, dt={dt}, seed=1)
    first = time.perf_counter() - t0
    out = dict(file=snnlib.__file__, first_call_s=first)
    for threads, key in ((numba.config.NUMBA_NUM_THREADS, "wall_s"), (1, "cpu_1thread_s")):
        numba.set_num_threads(threads)
        t0, c0 = time.perf_counter(), time.process_time()
        r = snnlib.simulate_population(m, {mu}, {sigma}, n_neurons=10_000, t_max=1000.0, dt={dt}, seed=2,
                                       progress=False)
        out[key] = time.perf_counter() - t0 if key == "wall_s" else time.process_time() - c0
    out["n_spikes"] = int(r.n_spikes)
    print(json.dumps(out))
""").format(params=PARAMS, mu=MU, sigma=SIGMA, dt=DT)


def _one(checkout: Path, cache: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "NUMBA_CACHE_DIR": cache, "SNNLIB_PROGRESS": "0"}
    res = subprocess.run([sys.executable, "-c", _CODE], env=env, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir())
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="the checkout to compare against (e.g. a git worktree of main)")
    ap.add_argument("new", type=Path, nargs="?", default=HERE.parent, help="default: this repository")
    ap.add_argument("--repeats", type=int, default=5, help="fresh processes per checkout (default 5)")
    args = ap.parse_args(argv)
    runs = {"old": [], "new": []}
    for _ in range(args.repeats):
        for name in ("old", "new"):
            with tempfile.TemporaryDirectory() as cache:   # empty: the first call compiles
                runs[name].append(_one(getattr(args, name).resolve(), cache))
    print(f"W1: 10,000 EIF neurons x 1 s at dt {DT} ms (1e8 neuron-steps); median [range] of {args.repeats} "
          f"fresh processes, interleaved")
    summary = {}
    for name in ("old", "new"):
        rs = runs[name]
        assert len({r["file"] for r in rs}) == 1
        row = {}
        for key in ("wall_s", "cpu_1thread_s", "first_call_s"):
            v = sorted(r[key] for r in rs)
            row[key] = (float(np.median(v)), v[0], v[-1])
        summary[name] = row
        print(f"  {name:3s} {rs[0]['file']}")
        print("      " + "   ".join(f"{k} {m:.3f} [{lo:.3f}, {hi:.3f}]" for k, (m, lo, hi) in row.items())
              + f"   spikes {rs[0]['n_spikes']}")
    for key in ("wall_s", "cpu_1thread_s", "first_call_s"):
        print(f"  new / old {key}: {summary['new'][key][0] / summary['old'][key][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
