"""Brunel's (2000, Fig. 8) four states of model A, told apart by measured quantities.

12,500 neurons, delay 1.5 ms. Each state is characterised by what the figure shows: the rate, the
regularity of single neurons (ISI CV), the synchrony of the population (Golomb's chi) and the
oscillation of the population activity (the frequency and height of the peak of its spectrum,
in units of r/N, its value for independent neurons). Measured over three seeds (1 s after 100 ms;
SR 300 ms): SR 333 Hz, CV 0.00, chi 0.50; AI 37.2-37.6 Hz, CV 0.42-0.43, chi 0.099-0.105, a weak
bump at 100-125 Hz (820-970 r/N); SI fast 58-59 Hz, CV 0.78-0.82, chi 0.20-0.22, a peak at
180-185 Hz (7,600-13,500 r/N); SI slow 5.3-5.5 Hz, CV 0.59-0.62, a peak at 20 Hz. The thresholds
below lie a factor 1.5 or more from the measured values of every state, so each assertion
separates two states, not two seeds.
"""

import numpy as np
import pytest

import snnlib

pytestmark = pytest.mark.slow


def _measure(g, eta, t_max=1000.0):
    net = snnlib.brunel_network(g, eta, seed=1)
    res = snnlib.simulate_network(net, t_max=t_max, t_warmup=100.0, seed=2)
    ps = snnlib.population_spectrum(res, dt=0.5, segment_length=200.0)
    band = ps.freqs >= 8.0
    k = np.argmax(np.where(band, ps.power, -np.inf))
    cv = snnlib.cv_isi(res)
    return dict(rate=res.mean_rate, cv=float(np.nanmean(cv)), chi=snnlib.synchrony_index(res, bin_width=1.0),
                f_peak=float(ps.freqs[k]), peak=float(ps.power[k] / (res.mean_rate / res.n_neurons)))


@pytest.fixture(scope="module")
def states():
    return {"SR": _measure(3.0, 2.0, t_max=300.0), "AI": _measure(5.0, 2.0), "SI fast": _measure(6.0, 4.0),
            "SI slow": _measure(4.5, 0.9)}


def test_synchronous_regular(states):
    sr = states["SR"]
    assert sr["rate"] > 200.0                      # near saturation (1 / t_ref = 500 Hz)
    assert sr["cv"] < 0.1                          # clock-like neurons
    assert sr["chi"] > 0.3                         # strongly synchronous


def test_asynchronous_irregular(states):
    ai = states["AI"]
    mf = snnlib.brunel_mean_field(5.0, 2.0)["rate"]
    assert abs(ai["rate"] / mf - 1) < 0.05         # the mean field's stationary state
    assert 0.3 < ai["cv"] < 1.0                    # irregular
    assert ai["chi"] < 0.15 < states["SI fast"]["chi"] and ai["chi"] < states["SR"]["chi"] / 3
    assert ai["peak"] < 2000.0                     # at most a weak fast bump


def test_synchronous_irregular_fast(states):
    si = states["SI fast"]
    assert 150.0 <= si["f_peak"] <= 250.0          # fast oscillation, ~ 1 / (4 delay) in Brunel's theory
    assert si["peak"] > 5000.0                     # a sharp peak
    assert si["cv"] > 0.5 and si["chi"] > 0.15


def test_synchronous_irregular_slow(states):
    si = states["SI slow"]
    assert 10.0 <= si["f_peak"] <= 30.0            # slow oscillation
    assert si["rate"] < 10.0 and si["cv"] > 0.4
