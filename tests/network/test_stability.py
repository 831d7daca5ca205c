"""Linear stability of Brunel's model A: the Nyquist count against a delay system whose boundary
is known in closed form, and the states of Brunel's (2000) Fig. 8 against the theory."""

import numpy as np
import pytest
from scipy.optimize import brentq

import snnlib
from snnlib.network import stability as st


def _first_order(a, tau=5.0, d=1.5):
    """L(f) = a exp(-2 pi i f d) / (1 + 2 pi i f tau) on the module's grid (times in ms)."""
    f = np.linspace(0.0, 40000.0, 400001)
    w = 2 * np.pi * f / 1000.0
    return f, a * np.exp(-1j * w * d) / (1.0 + 1j * w * tau)


def test_nyquist_count_finds_the_closed_form_boundary_of_a_delayed_loop():
    # 1 + s tau = a e^{-s d}, a < 0: the boundary is at |a| = sqrt(1 + (w tau)^2) with
    # w d + arctan(w tau) = pi, where a pair of roots crosses into the right half-plane
    tau, d = 5.0, 1.5
    w = brentq(lambda x: x * d + np.arctan(x * tau) - np.pi, 1e-6, np.pi / d)
    a_crit = -np.sqrt(1.0 + (w * tau) ** 2)
    for factor, stable in ((0.97, True), (1.03, False)):
        f, gain = _first_order(factor * a_crit, tau, d)
        assert (st._winding(gain) == 0) == stable
    f, gain = _first_order(1.03 * a_crit, tau, d)
    assert abs(st._crossing(f, gain) - w * 1000.0 / (2 * np.pi)) < 0.02 * w * 1000.0 / (2 * np.pi)
    # positive feedback: the rate itself runs away when the gain at f = 0 exceeds 1
    assert st._winding(_first_order(0.9)[1]) == 0
    assert st._winding(_first_order(1.1)[1]) != 0
    assert st._crossing(*_first_order(1.1)) == 0.0


@pytest.mark.parametrize("g, eta, stable", [
    (5.0, 2.0, True),     # asynchronous irregular (Brunel 2000, Fig. 8)
    (6.0, 4.0, False),    # synchronous irregular, fast
    (3.0, 2.0, False),    # synchronous regular, excitation dominated
    (4.5, 0.9, False),    # synchronous irregular, slow
])
def test_brunel_states_are_stable_only_where_the_network_is_asynchronous(g, eta, stable):
    s = snnlib.network.brunel_stability(g, eta)
    assert s.stable == stable
    if not stable:
        assert s.winding != 0 and s.freq > 0.0


def test_the_slow_oscillation_needs_the_variance_channel():
    # at weak drive and g = 4.5 the mean feedback, proportional to 1 - gamma g, is small, and the
    # rate acts mostly through the input variance; without that term the slow state looks stable
    full = snnlib.network.brunel_stability(4.5, 0.9)
    mean_only = snnlib.network.brunel_stability(4.5, 0.9, variance=False)
    assert not full.stable and full.freq < 60.0
    assert mean_only.stable


def test_fast_oscillation_frequency_is_set_by_the_delay():
    # for strong inhibition the loop closes through the delay: the phase condition puts the
    # growing mode near 1 / (4 d) to 1 / (2 d) (between a quarter and a half period per delay)
    for delay in (1.5, 3.0):
        s = snnlib.network.brunel_stability(6.0, 4.0, delay=delay)
        assert 1000.0 / (4 * delay) < s.freq < 1000.0 / (2 * delay)


def test_lines_bracket_a_change_of_stability():
    (g, eta, freq, up), = snnlib.network.brunel_instability_lines([6.0], [1.0, 4.0])
    below = snnlib.network.brunel_stability(6.0, eta * 0.99)
    above = snnlib.network.brunel_stability(6.0, eta * 1.01)
    assert below.stable and not above.stable and not up


def test_bad_input():
    with pytest.raises(ValueError, match="g"):
        snnlib.network.brunel_stability(-1.0, 2.0)
    with pytest.raises(ValueError, match="etas must be increasing"):
        snnlib.network.brunel_instability_lines([5.0], [2.0, 1.0])


def test_crossing_count_needs_no_decay_of_the_gain():
    # with the variance channel |L| tends to a constant below 1 instead of 0: 1 - L then circles
    # about 1 without enclosing 0 (no crossing), while |L| > 1 encloses it on every turn
    f = np.linspace(0.0, 4000.0, 2001)
    turn = np.exp(-2j * np.pi * f * 1.5 / 1000.0)
    assert st._winding(0.99 * turn) == 0
    assert abs(st._winding(1.2 * turn)) >= 2 * 5        # one crossing per turn, about 6 turns


def test_fast_line_near_g_5_5_has_a_converged_mean_field_and_a_fast_mode():
    # the bisection of brunel_instability_lines once landed on eta = 3.7734375, where the rate
    # dynamics stopped at a relative mismatch of 6e-7 and the point was taken for a rate runaway
    mf = snnlib.brunel_mean_field(5.5, 3.7734375)
    near = snnlib.brunel_mean_field(5.5, 3.775)
    assert abs(mf["rate"] - near["rate"]) < 0.1                     # Hz: a smooth branch
    (g, eta, freq, up), = snnlib.network.brunel_instability_lines([5.5], [3.0, 4.0])
    assert 3.7 < eta < 3.8 and 150.0 < freq < 220.0 and not up
