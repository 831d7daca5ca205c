"""Side by side: snnlib.siegert_rate / lif_cv against scipy.integrate.quad of the same integrals.

Run:  .venv/bin/python benchmarks/bench_siegert.py
Prints time per call and relative difference for a few operating points of the default LIF
(tau_m 20 ms, v_th -50 mV, v_reset -65 mV, t_ref 2 ms), from a strongly subthreshold regime
to strong mean drive. The scipy reference integrates e^{u^2} erfc(-u) directly (unsplit), which
overflows for |y| > 26; there it prints "overflow".
"""

import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import naive  # noqa: E402
from _timing import per_call  # noqa: E402

from snnlib import LIF, lif_cv, siegert_rate  # noqa: E402


def main():
    model = LIF()
    p = (model.tau_m, model.e_l, model.v_th, model.v_reset, model.t_ref)
    points = [(-20.0, 2.0), (5.0, 2.0), (12.0, 2.0), (15.0, 1.0), (20.0, 5.0), (30.0, 0.5), (60.0, 0.1),
              (-100.0, 1.0)]
    siegert_rate(model, 15.0, 1.0), lif_cv(model, 15.0, 1.0)  # compile / load the numba cache

    print("Stationary rate (Hz): snnlib.siegert_rate vs scipy.integrate.quad (epsrel 1e-13)")
    print(f"{'mu mV':>7} {'sigma':>6} {'y_th':>7} {'rate Hz':>12} {'quad us':>9} {'snnlib us':>10} "
          f"{'speed-up':>8} {'rel diff':>9}")
    for mu, sigma in points:
        y_th = (model.v_th - model.e_l - mu) / (math.sqrt(2) * sigma)
        got = siegert_rate(model, mu, sigma)
        t_fast = per_call(lambda: siegert_rate(model, mu, sigma))
        try:
            ref = naive.siegert_rate(*p, mu, sigma)
            t_ref = per_call(lambda: naive.siegert_rate(*p, mu, sigma))
            print(f"{mu:7.1f} {sigma:6.1f} {y_th:7.2f} {got:12.5g} {t_ref * 1e6:9.1f} {t_fast * 1e6:10.1f} "
                  f"{t_ref / t_fast:8.1f} {abs(got / ref - 1):9.1e}")
        except AssertionError:
            print(f"{mu:7.1f} {sigma:6.1f} {y_th:7.2f} {got:12.5g} {'overflow':>9} {t_fast * 1e6:10.1f}")

    mus = np.linspace(0.0, 40.0, 1000)
    t_vec = per_call(lambda: siegert_rate(model, mus, 3.0))
    print(f"vectorised: 1000 rates in {t_vec * 1e3:.2f} ms ({t_vec * 1e3:.2f} us per rate)\n")

    print("ISI CV: snnlib.lif_cv vs quad of quad (epsrel 1e-11 / 1e-12)")
    print(f"{'mu mV':>7} {'sigma':>6} {'CV':>10} {'quad ms':>9} {'snnlib ms':>10} {'speed-up':>8} {'rel diff':>9}")
    for mu, sigma in [(5.0, 2.0), (12.0, 2.0), (15.0, 1.0), (20.0, 5.0), (30.0, 3.0)]:
        got = lif_cv(model, mu, sigma)
        ref = naive.lif_cv(*p, mu, sigma)
        t_fast = per_call(lambda: lif_cv(model, mu, sigma))
        t_ref = per_call(lambda: naive.lif_cv(*p, mu, sigma), min_time=0.5)
        print(f"{mu:7.1f} {sigma:6.1f} {got:10.6f} {t_ref * 1e3:9.2f} {t_fast * 1e3:10.3f} "
              f"{t_ref / t_fast:8.1f} {abs(got / ref - 1):9.1e}")


if __name__ == "__main__":
    main()
