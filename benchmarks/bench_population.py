"""Side-by-side speed of a Monte Carlo population of uncoupled EIF neurons.

Workload (the same in every tool): 10,000 uncoupled EIF neurons (tau_m 20 ms, E_L -65 mV,
V_T -50 mV, Delta_T 2 mV, cut-off -30 mV, reset -68 mV, t_ref 2 ms), mu = 12 mV, sigma = 4 mV,
Euler-Maruyama with dt = 0.1 ms for 1 s of biological time (10^8 neuron-steps), spikes recorded.

Tools:
* snnlib.simulate_population (numba; per-neuron random streams; bridge correction on and off);
* a plain vectorised NumPy loop over time steps (same scheme, numpy Generator noise);
* Brian2 (runtime "cython" target and C++ standalone, if Brian2 can be set up): Brian2 2.9 does not
  import with numpy >= 2.4, so it gets its own virtual environment, benchmarks/.venv-brian2
  (created on first use with ``pip install brian2 'numpy<2.4'``), and runs in a subprocess.

Compile / code-generation time is reported separately from the steady-state run time:
snnlib's first call with an empty numba cache (cold compile) and with a filled one (warm start)
are each measured in a fresh subprocess, apart from numba's own fixed start-up (its import and
the registries it loads on the first dispatch of any jitted function). Run with

    .venv/bin/python benchmarks/bench_population.py [--quick] [--no-brian2]

Results are printed as a table and written to benchmarks/results/population.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _timing import cpu_ticks, steal_since  # noqa: E402
BRIAN_VENV = HERE / ".venv-brian2"
RESULTS = HERE / "results" / "population.json"

PARAMS = dict(tau_m=20.0, e_l=-65.0, v_t=-50.0, delta_t=2.0, v_th=-30.0, v_reset=-68.0, t_ref=2.0)
MU, SIGMA, DT = 12.0, 4.0, 0.1


def _best_of(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


# ------------------------------------------------------------------------------------------------
# snnlib
# ------------------------------------------------------------------------------------------------
_FIRST_CALL = textwrap.dedent("""
    import json, time
    t0 = time.perf_counter()
    import numba
    t1 = time.perf_counter()
    numba.njit(lambda x: x + 1)(1)  # numba's one-time start-up (type registries, BLAS probe)
    t2 = time.perf_counter()
    import snnlib
    m = snnlib.EIF(**{params!r})
    t3 = time.perf_counter()
    r = snnlib.simulate_population(m, {mu}, {sigma}, n_neurons=100, t_max=10.0, dt={dt}, seed=1)
    t4 = time.perf_counter()
    print(json.dumps(dict(import_numba_s=t1 - t0, numba_startup_s=t2 - t1, import_snnlib_s=t3 - t2,
                          first_call_s=t4 - t3)))
""")


def snnlib_start_times(repeats=5):
    """Import and first-call times in fresh processes, with an empty and with a filled numba cache.

    ``first_call_s`` is snnlib's own part (compiling, or loading from the cache, and running the
    kernels); numba's fixed start-up (its import, and the type registries it loads on the first
    dispatch of any jitted function) is reported separately. The first-call times are the median
    of ``repeats`` fresh processes (their spread on a shared VM is reported too); the start-up
    parts the best of them.
    """
    code = _FIRST_CALL.format(params=PARAMS, mu=MU, sigma=SIGMA, dt=DT)
    cold, warm = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache, "SNNLIB_PROGRESS": "0"}
            for out in (cold, warm):
                res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                     check=True, cwd=ROOT)
                out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    best = lambda runs, key: min(r[key] for r in runs)  # noqa: E731
    cold_s = sorted(r["first_call_s"] for r in cold)
    warm_s = sorted(r["first_call_s"] for r in warm)
    return {"cold_compile_s": float(np.median(cold_s)), "cold_compile_range_s": [cold_s[0], cold_s[-1]],
            "warm_start_s": float(np.median(warm_s)), "warm_start_range_s": [warm_s[0], warm_s[-1]],
            "import_numba_s": best(warm, "import_numba_s"), "numba_startup_s": best(warm, "numba_startup_s"),
            "import_snnlib_s": best(warm, "import_snnlib_s"), "repeats": repeats}


def snnlib_run(n_neurons, t_max, repeats, correction=True, threads=None):
    import numba

    import snnlib

    if threads is not None:
        numba.set_num_threads(threads)
    m = snnlib.EIF(**PARAMS)
    snnlib.simulate_population(m, MU, SIGMA, n_neurons=100, t_max=10.0, dt=DT, seed=1)  # load kernels
    best, res = _best_of(lambda: snnlib.simulate_population(
        m, MU, SIGMA, n_neurons=n_neurons, t_max=t_max, dt=DT, seed=1, threshold_correction=correction,
        progress=False), repeats)
    return best, res.n_spikes


# ------------------------------------------------------------------------------------------------
# plain NumPy (vectorised over neurons, Python loop over time steps)
# ------------------------------------------------------------------------------------------------
def numpy_population(n_neurons, t_max, seed=1, correction=True):
    """The same Euler-Maruyama scheme (and bridge correction) with whole-array NumPy operations."""
    p = PARAMS
    rng = np.random.default_rng(seed)
    n_steps = round(t_max / DT)
    n_ref = round(p["t_ref"] / DT)
    a = DT / p["tau_m"]
    s = SIGMA * np.sqrt(2 * DT / p["tau_m"])
    v = np.full(n_neurons, p["v_reset"])
    ref = np.zeros(n_neurons, dtype=np.int64)
    steps, ids = [], []
    for k in range(n_steps):
        xi = rng.standard_normal(n_neurons)
        psi = p["delta_t"] * np.exp((v - p["v_t"]) / p["delta_t"])
        v_new = v + a * (p["e_l"] - v + psi + MU) + s * xi
        held = ref > 0
        v_new[held] = p["v_reset"]
        np.subtract(ref, 1, out=ref, where=held)
        fired = v_new >= p["v_th"]
        if correction:
            q = 2 * (p["v_th"] - v) * (p["v_th"] - v_new) / s ** 2
            near = np.flatnonzero(~held & ~fired & (q < 38.0))
            if near.size:
                fired[near[rng.random(near.size) < np.exp(-q[near])]] = True
        idx = np.flatnonzero(fired)
        if idx.size:
            steps.append(np.full(idx.size, k))
            ids.append(idx)
            v_new[idx] = p["v_reset"]
            ref[idx] = n_ref
        v = v_new
    return sum(i.size for i in ids)


# ------------------------------------------------------------------------------------------------
# Brian2 in its own virtual environment
# ------------------------------------------------------------------------------------------------
_BRIAN_SCRIPT = textwrap.dedent('''
    import json, sys, time, tempfile
    t_import = time.perf_counter()
    import brian2 as b2
    from brian2 import ms, mV, second
    t_import = time.perf_counter() - t_import
    target, n, t_max, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    P = {params!r}
    b2.prefs.core.default_float_dtype = b2.float64
    b2.defaultclock.dt = {dt} * ms
    if target == "cpp_standalone":
        outdir = tempfile.mkdtemp(prefix="brian2_standalone_")
        b2.set_device("cpp_standalone", directory=outdir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
    else:
        b2.prefs.codegen.target = target
    ns = dict(tau=P["tau_m"] * ms, e_l=P["e_l"] * mV, v_t=P["v_t"] * mV, delta_t=P["delta_t"] * mV,
              v_th=P["v_th"] * mV, v_reset=P["v_reset"] * mV, mu={mu} * mV, sigma={sigma} * mV)
    eqs = """dv/dt = (e_l - v + delta_t * exp((v - v_t) / delta_t) + mu) / tau
                     + sigma * sqrt(2 / tau) * xi : volt (unless refractory)"""
    def build():
        g = b2.NeuronGroup(n, eqs, threshold="v >= v_th", reset="v = v_reset", refractory=P["t_ref"] * ms,
                           method="euler", namespace=ns)
        g.v = P["v_reset"] * mV
        mon = b2.SpikeMonitor(g)
        return b2.Network(g, mon), mon
    out = dict(import_s=t_import)
    if target == "cpp_standalone":
        net, mon = build()
        net.run(t_max * ms)
        t0 = time.perf_counter()
        b2.device.build(directory=outdir, compile=True, run=False)
        out["codegen_compile_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        b2.device.run(directory=outdir)
        out["run_wall_s"] = time.perf_counter() - t0
        out["run_s"] = float(b2.device._last_run_time)
    else:
        net, mon = build()
        net.store()
        t0 = time.perf_counter()
        net.run(0.1 * ms)  # code generation and compilation happen on the first run
        out["codegen_compile_s"] = time.perf_counter() - t0
        net.restore()      # back to t = 0 with the compiled code objects kept
        t0 = time.perf_counter()
        net.run(t_max * ms)
        out["run_s"] = time.perf_counter() - t0
    out["n_spikes"] = int(mon.num_spikes)
    out["brian2_version"] = b2.__version__
    print(json.dumps(out))
''')


def brian2_python():
    """Path of the Brian2 venv's python, creating the venv if needed; None (with a message) if impossible."""
    py = BRIAN_VENV / "bin" / "python"
    if py.exists() and subprocess.run([str(py), "-c", "import brian2"], capture_output=True).returncode == 0:
        return py
    print(f"setting up Brian2 in {BRIAN_VENV} (pip install brian2 'numpy<2.4') ...", flush=True)
    try:
        if not py.exists():
            subprocess.run([sys.executable, "-m", "venv", str(BRIAN_VENV)], check=True, capture_output=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "brian2", "numpy<2.4"], check=True,
                       capture_output=True, text=True, timeout=900)
        subprocess.run([str(py), "-c", "import brian2"], check=True, capture_output=True)
        return py
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"Brian2 skipped: could not set up its environment ({exc})")
        return None


def brian2_run(py, target, n_neurons, t_max, threads=1):
    script = _BRIAN_SCRIPT.format(params=PARAMS, mu=MU, sigma=SIGMA, dt=DT)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(script)
    try:
        res = subprocess.run([str(py), f.name, target, str(n_neurons), str(t_max), str(threads)],
                             capture_output=True, text=True, timeout=1800, cwd=tempfile.gettempdir())
    finally:
        os.unlink(f.name)
    if res.returncode != 0:
        print(f"Brian2 {target} failed:\n{res.stderr[-2000:]}")
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1,000 neurons instead of 10,000")
    ap.add_argument("--no-brian2", action="store_true", help="skip Brian2")
    ap.add_argument("--repeats", type=int, default=3, help="best of this many runs (snnlib)")
    args = ap.parse_args(argv)
    n_neurons = 1000 if args.quick else 10_000
    t_max = 1000.0
    work = n_neurons * round(t_max / DT)
    load0 = os.getloadavg()
    rows = []

    ticks = [cpu_ticks()]

    def add(tool, seconds, n_spikes, compile_s=None, note=""):
        steal = steal_since(ticks[0])
        ticks[0] = cpu_ticks()
        rows.append(dict(tool=tool, run_s=seconds, neuron_steps_per_s=work / seconds, n_spikes=n_spikes,
                         compile_s=compile_s, note=note, cpu_steal=steal))
        print(f"  {tool}: {seconds:.3f} s" + ("" if steal is None else f" (CPU steal {100 * steal:.0f} %)"),
              flush=True)

    import numba

    n_threads = numba.get_num_threads()
    print(f"workload: {n_neurons} EIF neurons, {t_max:g} ms, dt {DT} ms = {work:.2e} neuron-steps; "
          f"{n_threads} numba threads", flush=True)
    start = snnlib_start_times()
    lo, hi = start["cold_compile_range_s"]
    wlo, whi = start["warm_start_range_s"]
    print(f"  snnlib first call (median of {start['repeats']} fresh processes): cold compile "
          f"{start['cold_compile_s']:.2f} s ({lo:.2f}-{hi:.2f}), warm (cached) {start['warm_start_s']:.2f} s "
          f"({wlo:.2f}-{whi:.2f}); import snnlib {start['import_snnlib_s']:.2f} s; numba's own import "
          f"{start['import_numba_s']:.2f} s and start-up {start['numba_startup_s']:.2f} s")
    t, ns = snnlib_run(n_neurons, t_max, args.repeats, threads=n_threads)
    add(f"snnlib ({n_threads} threads, bridge correction)", t, ns, start["cold_compile_s"],
        f"warm start {start['warm_start_s']:.2f} s")
    t, ns = snnlib_run(n_neurons, t_max, args.repeats, correction=False, threads=n_threads)
    add(f"snnlib ({n_threads} threads, plain EM)", t, ns)
    t, ns = snnlib_run(n_neurons, t_max, args.repeats, threads=1)
    add("snnlib (1 thread, bridge correction)", t, ns)
    numba.set_num_threads(n_threads)
    t, ns = _best_of(lambda: numpy_population(n_neurons, t_max), 1)
    add("NumPy vectorised (1 thread, bridge correction)", t, ns)

    brian = {}
    if not args.no_brian2:
        py = brian2_python()
        if py is not None:
            for target, threads in [("cython", 1), ("cpp_standalone", 1), ("cpp_standalone", n_threads)]:
                if target == "cpp_standalone" and threads == 1 and n_threads == 1:
                    continue
                r = brian2_run(py, target, n_neurons, t_max, threads)
                if r is None:
                    continue
                name = f"Brian2 {r['brian2_version']} {target} ({threads} thread{'s' if threads > 1 else ''})"
                brian[name] = r
                note = "plain EM"
                if "run_wall_s" in r:
                    note += f"; process wall time {r['run_wall_s']:.2f} s"
                add(name, r["run_s"], r["n_spikes"], r["codegen_compile_s"], note)

    ref = rows[0]["run_s"]
    print()
    print(f"{'tool':<52} {'run (s)':>8} {'Mneuron-steps/s':>16} {'x snnlib':>9} {'compile (s)':>12} "
          f"{'spikes':>8} {'steal':>6}  note")
    for r in rows:
        comp = "" if r["compile_s"] is None else f"{r['compile_s']:.2f}"
        steal = "" if r["cpu_steal"] is None else f"{100 * r['cpu_steal']:.0f} %"
        print(f"{r['tool']:<52} {r['run_s']:>8.3f} {r['neuron_steps_per_s'] / 1e6:>16.1f} "
              f"{r['run_s'] / ref:>9.2f} {comp:>12} {r['n_spikes']:>8} {steal:>6}  {r['note']}")
    load1 = os.getloadavg()
    print(f"\nload average before/after: {load0[0]:.2f} / {load1[0]:.2f} on {os.cpu_count()} CPUs")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(date=time.strftime("%Y-%m-%d %H:%M:%S %Z"), machine=platform.machine(),
                processor=platform.processor(), python=platform.python_version(), cpus=os.cpu_count(),
                numba_threads=n_threads, numba=numba.__version__, numpy=np.__version__,
                load_average_before=load0, load_average_after=load1, n_neurons=n_neurons, t_max_ms=t_max,
                dt_ms=DT, neuron_steps=work, params=PARAMS, mu_mV=MU, sigma_mV=SIGMA,
                snnlib_start=start)
    RESULTS.write_text(json.dumps(dict(meta=meta, rows=rows, brian2_raw=brian), indent=2))
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
