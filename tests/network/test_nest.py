"""snnlib.interop.to_nest: the same network in NEST 3 gives the same rates and CVs as simulate_network.

Tolerances: the two simulators draw different noise (and NEST its own synapses from the same rule),
so their results differ by the statistics of a finite run: the standard error of the mean rate from
batch means of the population rate (20 batches of 100 ms), of the mean CV from its spread over
neurons; plus the difference of the schemes, NEST's exact integration of the LIF against snnlib's
Euler-Maruyama step, of order dt / tau_m = 0.5 % (we allow 1 % on the rate and 2 % on the CV).
"""

import math

import numpy as np
import pytest

import snnlib
from snnlib.interop import nest_available, to_nest

pytestmark = pytest.mark.skipif(not nest_available(), reason="NEST 3 is not installed (pip install 'snnlib[nest]')")
Z = 4.0


def _rate_and_se(res, batches=20):
    counts = np.array([res.rates[p].mean() * (s.stop - s.start) for p, s in res.populations.items()]).sum()
    rate = counts / res.n_neurons
    a = sum(res.rates[p] * (s.stop - s.start) for p, s in res.populations.items()) / res.n_neurons
    means = a[: a.size // batches * batches].reshape(batches, -1).mean(axis=1)
    return rate, means.std(ddof=1) / math.sqrt(batches)


def _cv_and_se(res):
    cv = snnlib.cv_isi(res)
    cv = cv[np.isfinite(cv)]
    return cv.mean(), cv.std(ddof=1) / math.sqrt(cv.size)


def _compare(net, **kw):
    a = to_nest(net, t_max=2000.0, t_warmup=200.0, seed=3, **kw)
    b = snnlib.simulate_network(net, t_max=2000.0, t_warmup=200.0, seed=3, **kw)
    (ra, sa), (rb, sb) = _rate_and_se(a), _rate_and_se(b)
    assert abs(ra - rb) < Z * math.hypot(sa, sb) + 0.01 * rb, (ra, rb, sa, sb)
    (ca, ea), (cb, eb) = _cv_and_se(a), _cv_and_se(b)
    assert abs(ca - cb) < Z * math.hypot(ea, eb) + 0.02 * cb, (ca, cb, ea, eb)
    return a, b


def test_brunel_network_in_nest_and_snnlib():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=4000, n_inh=1000, seed=1)
    a, b = _compare(net)
    assert a.n_neurons == b.n_neurons and set(a.rates) == {"E", "I"}


def test_eif_network_with_white_noise_in_nest_and_snnlib(eif_network):
    _compare(eif_network, dt=0.05)


def test_weight_matrix_is_passed_synapse_by_synapse():
    # a chain 0 -> 1 -> 2 of strong synapses, noise-free; 0 fires every t_ref + 20 ln 4 = 29.7 ms,
    # 1 and 2 (no input) only when a spike arrives, each one delay (2 ms) later
    w = np.zeros((3, 3))
    w[1, 0] = w[2, 1] = 20.0
    net = snnlib.Network.from_weights(w, snnlib.LIF(), mu=[20.0, 0.0, 0.0], sigma=0.0, delay=2.0)
    a = to_nest(net, t_max=100.0, seed=1, v0=-65.0)
    b = snnlib.simulate_network(net, t_max=100.0, seed=1, v0=-65.0)
    for res in (a, b):
        t0, t1, t2 = (res.spike_times[res.spike_ids == i] for i in range(3))
        assert t0.size >= 2 and t1.size == t0.size and t2.size == t0.size
        np.testing.assert_allclose(t1 - t0, 2.0 + 0.1, atol=0.11)
    # the first spike of neuron 0: Euler (snnlib) and exact integration (NEST) agree to a few steps
    assert abs(a.spike_times[0] - b.spike_times[0]) < 0.5


def test_to_nest_bad_input():
    with pytest.raises(TypeError, match="network must be an snnlib.Network"):
        to_nest("brunel", t_max=10.0)
    net = snnlib.brunel_network(5.0, 2.0, n_exc=40, n_inh=10, seed=1)
    with pytest.raises(ValueError, match="t_max must be a whole number of steps"):
        to_nest(net, t_max=10.05)
    with pytest.raises(ValueError, match=r"n_threads must be an integer in \[1,"):
        to_nest(net, t_max=10.0, n_threads=0)
