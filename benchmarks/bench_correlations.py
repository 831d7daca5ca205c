"""Correlations from connectivity (chapter 8): snnlib.simulate_hawkes against the same thinning in
plain NumPy, and the cost of the linear-response prediction of a network's cross-spectra.

Run:  .venv/bin/python benchmarks/bench_correlations.py
Workload H1: 100 linear Hawkes processes, baseline 10 Hz, random excitatory weights (each
connection present with probability 0.1, scaled to a spectral radius of 0.5: rates 20 Hz), tau
10 ms, delay 1 ms, 1,000 s of simulated time (about 2 million spikes). snnlib: best of 3. NumPy:
Ogata's thinning vectorised over the processes with a Python loop over the candidates (what a
reader would write first), timed on 20 s and reported per simulated second. Also the time of the
closed-form cross-spectrum at 512 frequencies (best of 3, and the first call).

Workload L1: ``snnlib.predict_cross_spectrum`` of a random E-I LIF network of 500 neurons (400 E,
100 I, connection probability 0.1, J 0.3 mV, g 4, delay 2 ms, white noise mu 12 mV, sigma 4 mV)
at 512 frequencies from 0 to 500 Hz (the working point computed once per population), with the
share of the N x N inversions and products, and the count of floating-point operations they need.
Workload L2: the same network's population activities, ``snnlib.predict_population_spectrum``
(the population average of L1, 2 x 2 per frequency), and those of Brunel's model A (12,500
neurons, g 5, eta 2), at the same 512 frequencies.
Results in ``results/correlations.json``.
"""

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

import snnlib

HERE = Path(__file__).parent
N, BASE, TAU, DELAY, RADIUS, P_CONN = 100, 10.0, 10.0, 1.0, 0.5, 0.1


def weights(seed=1):
    rng = np.random.default_rng(seed)
    w = (rng.random((N, N)) < P_CONN).astype(float)
    np.fill_diagonal(w, 0.0)
    return w * RADIUS / np.max(np.abs(np.linalg.eigvals(w)))


def numpy_thinning(w, t_max, seed):
    """Ogata's thinning, NumPy over processes, Python over candidates (times in ms)."""
    rng = np.random.default_rng(seed)
    base = np.full(N, BASE / 1000.0)
    x = np.zeros(N)
    wt = w / TAU
    t, times, ids, head = 0.0, [], [], 0
    while True:
        bound = base.sum() + x.sum()
        t_arr = times[head] + DELAY if head < len(times) else np.inf
        t_cand = t - np.log(1.0 - rng.random()) / bound
        if t_arr <= t_cand and t_arr < t_max:
            x = x * np.exp(-(t_arr - t) / TAU) + wt[:, ids[head]]
            t, head = t_arr, head + 1
            continue
        if t_cand >= t_max:
            return np.array(times), np.array(ids)
        x *= np.exp(-(t_cand - t) / TAU)
        t = t_cand
        lam = base + x
        u = rng.random() * bound
        if u < lam.sum():
            times.append(t)
            ids.append(int(np.searchsorted(np.cumsum(lam), u, side="right")))


def lrt_network():
    net = snnlib.Network(seed=3)
    lif = snnlib.LIF()
    net.add_population("E", lif, 400)
    net.add_population("I", lif, 100)
    net.connect("E", ["E", "I"], rule="bernoulli", p_conn=0.1, j=0.3, delay=2.0)
    net.connect("I", ["E", "I"], rule="bernoulli", p_conn=0.1, j=-1.2, delay=2.0)
    net.add_white_noise(["E", "I"], mu=12.0, sigma=4.0)
    return net


def lrt_timing():
    from snnlib.network import linear_response as lr

    net, f = lrt_network(), np.linspace(0.0, 500.0, 512)
    snnlib.predict_cross_spectrum(net, f[:2])
    t0 = time.perf_counter()
    snnlib.predict_cross_spectrum(net, f)
    total = time.perf_counter() - t0
    a = np.eye(500) - lr._Kernel(net, lr.working_point(net), f[:1]).at(0)
    reps = []
    for _ in range(5):
        t0 = time.perf_counter()
        lr._hermitian_product(a, np.ones(500))
        reps.append(time.perf_counter() - t0)
    n = 500
    flops = 512 * 8.0 * (8.0 / 3.0 + 2.0) * n ** 3 / 2.0   # inverse (gesv on I) + product, complex
    return dict(n=n, n_freqs=f.size, seconds=total, per_frequency_linear_algebra_s=min(reps),
                linear_algebra_share=min(reps) * f.size / total, flops=flops, gflops_per_s=flops / total / 1e9)


def population_timing():
    f = np.linspace(0.0, 500.0, 512)
    out = {}
    for name, net in (("ei_500", lrt_network()), ("brunel_12500", snnlib.brunel_network(5.0, 2.0, seed=1))):
        snnlib.predict_population_spectrum(net, f[:2])
        reps = []
        for k in range(3):      # new frequencies each time: the susceptibilities are cached per grid
            g = f + 0.1 * (k + 1)
            t0 = time.perf_counter()
            snnlib.predict_population_spectrum(net, g, variance=True)
            reps.append(time.perf_counter() - t0)
        out[name] = dict(n=net.n_neurons, n_freqs=f.size, best_s=min(reps), all_s=reps)
    return out


def main():
    lrt = lrt_timing()
    pop = population_timing()
    w = weights()
    rates = snnlib.hawkes_rates(BASE, w)
    snnlib.simulate_hawkes(BASE, w, tau=TAU, t_max=100.0, delay=DELAY, seed=1)   # load the kernel
    t_max = 1_000_000.0
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        res = snnlib.simulate_hawkes(BASE, w, tau=TAU, t_max=t_max, delay=DELAY, seed=2)
        runs.append(time.perf_counter() - t0)
    t_np_max = 20_000.0
    t0 = time.perf_counter()
    times, _ = numpy_thinning(w, t_np_max, seed=2)
    t_np = time.perf_counter() - t0
    freqs = np.linspace(0.0, 500.0, 512)
    t0 = time.perf_counter()
    snnlib.hawkes_cross_spectrum(BASE, w, TAU, freqs, delay=DELAY)
    t_spec_first = time.perf_counter() - t0
    spec_runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        snnlib.hawkes_cross_spectrum(BASE, w, TAU, freqs, delay=DELAY)
        spec_runs.append(time.perf_counter() - t0)
    t_spec = min(spec_runs)
    snn_per_s = min(runs) / (t_max / 1000.0)
    np_per_s = t_np / (t_np_max / 1000.0)
    out = dict(
        meta=dict(date=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), machine=platform.machine(),
                  cpus=os.cpu_count(), load_average=os.getloadavg(), n=N, baseline_hz=BASE, tau_ms=TAU,
                  delay_ms=DELAY, spectral_radius=RADIUS, p_conn=P_CONN),
        snnlib=dict(t_max_s=t_max / 1000.0, best_s=min(runs), all_s=runs, n_spikes=res.n_spikes,
                    mean_rate_hz=res.n_spikes / N / (t_max / 1000.0), theory_rate_hz=float(rates.mean()),
                    s_per_bio_s=snn_per_s),
        numpy=dict(t_max_s=t_np_max / 1000.0, run_s=t_np, n_spikes=int(times.size), s_per_bio_s=np_per_s),
        ratio_numpy_over_snnlib=np_per_s / snn_per_s,
        cross_spectrum=dict(n_freqs=freqs.size, best_s=t_spec, all_s=spec_runs, first_call_s=t_spec_first),
        predict_cross_spectrum=lrt,
        predict_population_spectrum=pop,
    )
    print(f"H1: {N} Hawkes processes, {t_max / 1000:.0f} s simulated, {res.n_spikes:,} spikes "
          f"({out['snnlib']['mean_rate_hz']:.2f} Hz; theory {rates.mean():.2f} Hz)")
    print(f"  snnlib.simulate_hawkes   {min(runs):8.3f} s  ({snn_per_s * 1e3:.3f} ms per simulated s; best of 3, "
          f"target < 1 s)")
    print(f"  NumPy thinning           {np_per_s * 1e3:8.1f} ms per simulated s (timed on {t_np_max / 1000:.0f} s)  "
          f"-> snnlib {out['ratio_numpy_over_snnlib']:.0f}x faster")
    print(f"  hawkes_cross_spectrum    {t_spec:8.3f} s for {N} x {N} at {freqs.size} frequencies (best of 3; "
          f"first call {t_spec_first:.2f} s, with the start of the BLAS threads)")
    print(f"L1: predict_cross_spectrum, {lrt['n']} neurons at {lrt['n_freqs']} frequencies: {lrt['seconds']:.1f} s "
          f"(target < 2 s); N x N inverse + product {lrt['per_frequency_linear_algebra_s'] * 1e3:.1f} ms per "
          f"frequency, {100 * lrt['linear_algebra_share']:.0f} % of the time; {lrt['flops'] / 1e12:.2f} Tflop "
          f"at {lrt['gflops_per_s']:.0f} Gflop/s")
    for name, p in pop.items():
        print(f"L2: predict_population_spectrum, {p['n']} neurons at {p['n_freqs']} frequencies (with the "
              f"variance channel): {p['best_s']:.2f} s (best of 3, each on a new frequency grid)")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "correlations.json").write_text(json.dumps(out, indent=2))
    print("written benchmarks/results/correlations.json")


if __name__ == "__main__":
    main()
