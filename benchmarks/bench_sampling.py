"""Neural sampling (chapter 9): the discrete-time spiking sampler of snnlib against the same network in a
plain NumPy loop (vectorised over the neurons, a Python loop over the steps) and against Gibbs sampling.

Run:  .venv/bin/python benchmarks/bench_sampling.py
Workload S1: 100 neurons, random symmetric weights N(0, 0.1^2), biases N(-1, 0.5^2), tau = 10 steps,
10^6 steps of dt = 1 ms (target: under 1 s on 2 cores). NumPy: timed on 10^4 steps and reported per
10^6 steps. Gibbs (snnlib.gibbs_sampling): one sweep updates each of the 100 variables once; timed on
10^4 sweeps and reported per 10^6 sweeps. Results in ``results/sampling.json``.
"""

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from snnlib.network import sampling as smp

HERE = Path(__file__).parent
K, TAU, STEPS = 100, 10, 1_000_000


def model(seed=0):
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.1, (K, K))
    w = np.triu(w, 1)
    return w + w.T, rng.normal(-1.0, 0.5, K)


def numpy_sampler(w, b, n_steps, seed):
    """The parallel-update network, vectorised over neurons (what a reader would write)."""
    rng = np.random.default_rng(seed)
    zeta = np.zeros(K, dtype=np.int64)
    z = np.zeros(K)
    n_spikes = 0
    for _ in range(n_steps):
        u = b + w @ z
        ready = zeta <= 1
        fire = ready & (rng.random(K) < 1.0 / (1.0 + np.exp(np.log(TAU) - u)))
        zeta = np.where(fire, TAU, np.where(ready, 0, zeta - 1))
        z = (zeta >= 1).astype(float)
        n_spikes += int(fire.sum())
    return n_spikes


def main():
    w, b = model()
    smp.neural_sampling(w, b, tau=float(TAU), dt=1.0, t_max=100.0, seed=1)        # compile / load
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        res = smp.neural_sampling(w, b, tau=float(TAU), dt=1.0, t_max=float(STEPS), sample_every=100.0, seed=2)
        runs.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    numpy_sampler(w, b, 10_000, seed=3)
    t_np = (time.perf_counter() - t0) * STEPS / 10_000
    smp.gibbs_sampling(w, b, n_sweeps=10, seed=1)
    t0 = time.perf_counter()
    smp.gibbs_sampling(w, b, n_sweeps=10_000, seed=4)
    t_gibbs = (time.perf_counter() - t0) * STEPS / 10_000
    out = dict(meta=dict(date=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), machine=platform.machine(),
                         cpus=os.cpu_count(), load_average=os.getloadavg(), k=K, tau_steps=TAU, steps=STEPS),
               snnlib=dict(best_s=min(runs), all_s=runs, n_spikes=res.n_spikes),
               numpy_s_per_1e6_steps=t_np, gibbs_s_per_1e6_sweeps=t_gibbs,
               ratio_numpy_over_snnlib=t_np / min(runs))
    print(f"S1: {K} neurons, {STEPS:,} steps, {res.n_spikes:,} spikes")
    print(f"  snnlib.neural_sampling (dt) {min(runs):7.2f} s (best of 3; target < 1 s)")
    print(f"  NumPy loop                  {t_np:7.1f} s per 10^6 steps -> snnlib {t_np / min(runs):.0f}x faster")
    print(f"  snnlib.gibbs_sampling       {t_gibbs:7.2f} s per 10^6 sweeps of {K} variables")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "sampling.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
