"""lif_relaxation_mode (a pole of the closed-form susceptibility) against the ringing of the
time-dependent Fokker-Planck solution after a step of the mean input (snnlib.solve_density, an
independent finite-volume / TR-BDF2 computation).

After the step, the rate approaches its stationary value as a sum of modes e^{lambda t}; once the
faster modes have died out, the maxima of the rate are 1/f apart and their excess over the
stationary rate shrinks by exp(-1/(f tau_d)) per period. The peak times are known to +-dt/2, so a
period measured over k periods is known to +-dt/k; the amplitudes to the scheme's accuracy (1e-3).
"""

import numpy as np
import pytest
from scipy.signal import find_peaks

import snnlib

pytest.importorskip("mpmath")

DT = 0.05      # ms


# (mu, sigma, duration, first peak used, periods used). The first intervals after the step are
# longer: faster modes (for weak noise, harmonics of the ringing that decay only ~n^2 times faster)
# have not died out yet, so the peaks are taken from the second (sigma 3 mV) or third (2 mV) on.
@pytest.mark.parametrize("mu, sigma, t_max, first, k", [(16.0, 3.0, 170.0, 1, 2), (20.0, 2.0, 250.0, 2, 3)])
def test_ringing_after_a_step_matches_the_pole(mu, sigma, t_max, first, k):
    lif = snnlib.LIF()
    mode = snnlib.lif_relaxation_mode(lif, mu, sigma)
    n = int(round(t_max / DT))
    mu_t = np.where(np.arange(n) * DT < 10.0, mu - 1.0, mu)     # a small step: linear response
    res = snnlib.solve_density(lif, mu_t, sigma, t_max=t_max, dt=DT, v_lb=-85.0)
    r_inf = snnlib.solve_density(lif, mu, sigma, t_max=DT, dt=DT, v_lb=-85.0).rate[0]
    late = res.t > 10.0
    peaks, _ = find_peaks(res.rate[late])
    t_pk, excess = res.t[late][peaks], res.rate[late][peaks] - r_inf
    assert t_pk.size > first + k
    span = t_pk[first + k] - t_pk[first]
    period = span / k
    assert abs(period - 1000.0 / mode.frequency) < DT / k + 1e-3 * period
    tau_d = span / np.log(excess[first] / excess[first + k])
    assert tau_d == pytest.approx(mode.damping_time, rel=DT / span + 2e-3)


def test_eigenvalue_is_consistent():
    mode = snnlib.lif_relaxation_mode(snnlib.LIF(), 16.0, 3.0)
    assert mode.frequency == pytest.approx(mode.eigenvalue.imag / (2 * np.pi) * 1000.0)
    assert mode.damping_time == pytest.approx(-1.0 / mode.eigenvalue.real)
    # the same mode from a different start
    other = snnlib.lif_relaxation_mode(snnlib.LIF(), 16.0, 3.0, f_guess=20.0 + 20.0j)
    assert other.eigenvalue == pytest.approx(mode.eigenvalue, rel=1e-10)


@pytest.mark.parametrize("f_guess, error", [("fast", TypeError), (-5.0 + 1.0j, ValueError),
                                            (complex("nan"), ValueError), (0.0, ValueError)])
def test_bad_guess(f_guess, error):
    with pytest.raises(error, match="f_guess"):
        snnlib.lif_relaxation_mode(snnlib.LIF(), 16.0, 3.0, f_guess=f_guess)


def test_stationary_mode_is_refused():
    # lambda = 0 always solves the equation; a start near 0 reaches it and must not return it
    with pytest.raises(ValueError, match="stationary mode"):
        snnlib.lif_relaxation_mode(snnlib.LIF(), 16.0, 3.0, f_guess=0.01 + 0.01j)


def test_failure_names_the_guess():
    # noise-driven (2.4 Hz): no oscillatory mode near the default guess
    with pytest.raises(ValueError, match="f_guess"):
        snnlib.lif_relaxation_mode(snnlib.LIF(), 8.0, 3.0)


def test_bad_model():
    with pytest.raises((TypeError, ValueError), match="model"):
        snnlib.lif_relaxation_mode(snnlib.EIF(), 16.0, 3.0)
