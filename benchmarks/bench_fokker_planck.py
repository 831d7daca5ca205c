"""Threshold integration (snnlib.stationary, susceptibility, spike_spectrum): speed and accuracy.

Run:  .venv/bin/python benchmarks/bench_fokker_planck.py
Prints and writes to benchmarks/results/bench_fokker_planck.json:

* time of one stationary solve (LIF, EIF), of a 200-point f-I curve, and of chi + S at 200
  frequencies (targets: 5 ms, 0.5 s, 0.5 s);
* the LIF rate against the Siegert formula integrated by scipy.integrate.quad (epsrel 1e-13,
  tests/naive/fokker_planck.py) and against snnlib.siegert_rate: relative difference and time ratio;
* the LIF susceptibility against the parabolic-cylinder closed form (mpmath, 30 digits).
"""

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import naive  # noqa: E402
from _timing import per_call  # noqa: E402

import snnlib  # noqa: E402


def main():
    results = {}
    lif, eif = snnlib.LIF(), snnlib.EIF()
    freqs = np.logspace(-1, 4, 200)
    mus = np.linspace(0.0, 30.0, 200)
    for m in (lif, eif):                                     # compile / load the numba cache
        snnlib.stationary(m, 12.0, 3.0)
        snnlib.susceptibility(m, 12.0, 3.0, [1.0])

    print("Timings (mu = 12 mV, sigma = 3 mV; default grids)")
    for name, m in (("LIF", lif), ("EIF", eif)):
        t_st = per_call(lambda: snnlib.stationary(m, 12.0, 3.0))
        t_fi = per_call(lambda: [snnlib.stationary(m, mu, 3.0) for mu in mus], min_time=0.5)

        def chi_and_s_cold():
            from snnlib.fokker_planck import linear_response
            linear_response._cached_response.cache_clear()                    # no reuse of a previous call
            snnlib.susceptibility(m, 12.0, 3.0, freqs)
            snnlib.spike_spectrum(m, 12.0, 3.0, freqs)

        t_lr = per_call(chi_and_s_cold, min_time=0.5)
        results[name] = {"stationary_ms": t_st * 1e3, "fI_200_s": t_fi, "chi_S_200_s": t_lr}
        print(f"  {name}: stationary {t_st * 1e3:6.2f} ms | f-I curve, 200 points {t_fi:6.3f} s | "
              f"chi + S at 200 frequencies {t_lr:6.3f} s")

    print("\nLIF rate: snnlib.stationary vs Siegert by scipy quad (naive.siegert_rate) and snnlib.siegert_rate")
    print(f"{'mu mV':>6} {'sigma':>6} {'rate Hz':>12} {'rel diff quad':>14} {'rel diff siegert':>17} "
          f"{'quad us':>9} {'siegert us':>11} {'stationary us':>14}")
    p = (lif.tau_m, lif.e_l, lif.v_th, lif.v_reset, lif.t_ref)
    rows = []
    have_siegert = hasattr(snnlib, "siegert_rate")
    for mu, sigma in [(2.0, 1.5), (5.0, 2.0), (10.0, 4.0), (15.0, 3.0), (20.0, 1.0), (40.0, 6.0), (60.0, 2.0)]:
        got = snnlib.stationary(lif, mu, sigma).rate
        ref = naive.siegert_rate(*p, mu, sigma)
        t_quad = per_call(lambda: naive.siegert_rate(*p, mu, sigma))
        t_st = per_call(lambda: snnlib.stationary(lif, mu, sigma))
        if have_siegert:
            sg = float(snnlib.siegert_rate(lif, mu, sigma))
            t_sg = per_call(lambda: snnlib.siegert_rate(lif, mu, sigma))
            d_sg = got / sg - 1
        else:
            sg, t_sg, d_sg = math.nan, math.nan, math.nan
        rows.append({"mu": mu, "sigma": sigma, "rate_hz": got, "rel_diff_quad": got / ref - 1,
                     "rel_diff_siegert": d_sg, "quad_us": t_quad * 1e6, "siegert_us": t_sg * 1e6,
                     "stationary_us": t_st * 1e6})
        print(f"{mu:6.1f} {sigma:6.1f} {got:12.5g} {got / ref - 1:14.2e} {d_sg:17.2e} {t_quad * 1e6:9.1f} "
              f"{t_sg * 1e6:11.1f} {t_st * 1e6:14.1f}")
    results["lif_rate_vs_siegert"] = rows

    print("\nLIF chi(f): threshold integration vs parabolic-cylinder closed form (mpmath)")
    rows = []
    for f in (1.0, 30.0, 200.0, 1000.0, 5000.0):
        got = complex(snnlib.susceptibility(lif, 12.0, 3.0, f))
        t0 = time.perf_counter()
        ref = naive.fp_chi_lif_closed_form(*p, 12.0, 3.0, f)
        t_mp = time.perf_counter() - t0
        rows.append({"f_hz": f, "rel_diff": abs(got / ref - 1), "mpmath_s": t_mp})
        print(f"  f = {f:7.1f} Hz: |chi| = {abs(got):.6g} Hz/mV, rel diff {abs(got / ref - 1):.2e} "
              f"(mpmath {t_mp * 1e3:.0f} ms)")
    results["lif_chi_vs_closed_form"] = rows

    out = Path(__file__).parent / "results" / "bench_fokker_planck.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
