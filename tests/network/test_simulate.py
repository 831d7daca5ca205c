"""The network simulator against its event-by-event naive twin, the population Monte Carlo, and itself.

Tolerances: the kernel and the naive twin draw the same noise and sum the same input (the kernel in
integer quanta that reproduce each weight to 4 units in the last place, the twin exactly, or both
in multiples of 2^-40 mV), so spikes agree exactly and potentials to rounding (fused
multiply-adds, 1e-12 mV; for the EIF
the kernel's exp differs from math.exp by an ulp, amplified along the upswing as in the
population tests).
"""

import hashlib
import subprocess
import sys
from pathlib import Path

import naive
import numpy as np
import pytest
import scipy.sparse as sp

import snnlib
from snnlib._core.seeding import as_generator, kernel_seed
from snnlib.network import simulate as sim

LIF = snnlib.LIF()
EIF = snnlib.EIF()


def _ei_network(model=LIF, tau_s=None, poisson=True, seed=3):
    net = snnlib.Network(seed=seed)
    net.add_population("E", model, 40)
    net.add_population("I", model, 10)
    net.connect("E", ["E", "I"], rule="bernoulli", p_conn=0.3, j=0.8, delay=1.5, tau_s=tau_s)
    net.connect("I", ["E", "I"], rule="fixed_indegree", indegree=4, j=-2.0, delay=2.0, tau_s=tau_s)
    net.add_white_noise(["E", "I"], mu=12.0, sigma=3.0)
    if poisson:
        net.add_poisson_input("E", rate=800.0, j=0.5)
    return net


def _naive_run(net, seed, v0, t_max=200.0, dt=0.1, t_warmup=0.0):
    rng = as_generator(seed)
    noise_seed, poisson_seed = kernel_seed(rng), kernel_seed(rng)
    return naive.simulate_network_naive(net, t_max, dt, noise_seed, poisson_seed, v0, t_warmup=t_warmup)


CASES = {
    "lif-delta": dict(model=LIF),
    "lif-exp-synapse": dict(model=LIF, tau_s=5.0),
    "lif-no-poisson": dict(model=LIF, poisson=False),
    "eif-delta": dict(model=EIF),
}


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_matches_the_event_by_event_twin(case):
    net = _ei_network(**CASES[case])
    v0 = np.linspace(-70.0, -55.0, net.n_neurons)
    res = snnlib.simulate_network(net, t_max=200.0, seed=7, v0=v0, record_v=np.arange(net.n_neurons))
    steps, ids, trace = _naive_run(net, 7, v0)
    assert res.n_spikes == ids.size > 50
    np.testing.assert_array_equal(res.spike_ids, ids)
    np.testing.assert_array_equal(res.spike_times, (steps + 1) * 0.1)
    if CASES[case]["model"].kind == "lif":
        np.testing.assert_allclose(res.v, trace, rtol=0, atol=1e-12)
    else:
        below = trace < EIF.v_t
        np.testing.assert_allclose(res.v[below], trace[below], rtol=0, atol=1e-12)
        np.testing.assert_allclose(res.v, trace, rtol=1e-12 * 110 ** 2)


def test_weight_matrix_network_matches_the_twin_with_warmup():
    rng = np.random.default_rng(0)
    w = sp.random(30, 30, density=0.2, random_state=1, data_rvs=lambda k: rng.normal(0.0, 1.5, k)).toarray()
    np.fill_diagonal(w, 0.0)
    net = snnlib.Network.from_weights(w, LIF, mu=np.linspace(10.0, 16.0, 30), sigma=3.0, delay=1.0)
    res = snnlib.simulate_network(net, t_max=150.0, seed=11, v0=-65.0, t_warmup=50.0, record_v=[0, 29])
    steps, ids, trace = _naive_run(net, 11, np.full(30, -65.0), t_max=150.0, t_warmup=50.0)
    keep = steps >= 500
    np.testing.assert_array_equal(res.spike_ids, ids[keep])
    np.testing.assert_allclose(res.spike_times, (steps[keep] - 500 + 1) * 0.1, rtol=1e-12)
    np.testing.assert_allclose(res.v, trace[[0, 29], 500:], rtol=0, atol=1e-12)


def test_unconnected_network_is_the_population_monte_carlo():
    # same noise streams, same step: a network without synapses is simulate_population, spike for spike
    n, mu, sigma = 130, 12.0, 4.0
    net = snnlib.Network()
    net.add_population("all", EIF, n)
    net.add_white_noise("all", mu=mu, sigma=sigma)
    got = snnlib.simulate_network(net, t_max=300.0, seed=5, v0=EIF.v_reset, record_v=[0, 129])
    ref = snnlib.simulate_population(EIF, mu, sigma, n_neurons=n, t_max=300.0, seed=5, record_v=[0, 129])
    assert ref.n_spikes > 100
    np.testing.assert_array_equal(got.spike_ids, ref.spike_ids)
    np.testing.assert_array_equal(got.spike_times, ref.spike_times)
    np.testing.assert_array_equal(got.v, ref.v)


def _digest(res):
    return hashlib.sha256(res.spike_times.tobytes() + res.spike_ids.tobytes()).hexdigest()


_THREADS_CODE = """
import hashlib, snnlib
net = snnlib.brunel_network(5.0, 2.0, n_exc=2000, n_inh=500, seed=1)
r = snnlib.simulate_network(net, t_max=200.0, seed=2)
print(r.n_spikes, hashlib.sha256(r.spike_times.tobytes() + r.spike_ids.tobytes()).hexdigest())
"""


def test_same_spikes_at_one_and_two_threads(child_env):
    # one input ring per thread, summed in fixed point: the order of delivery does not matter
    outs = [subprocess.run([sys.executable, "-c", _THREADS_CODE], env=child_env(NUMBA_NUM_THREADS=str(t)),
                           capture_output=True, text=True, check=True, cwd=Path(__file__).parent).stdout.split()
            for t in (1, 2)]
    assert int(outs[0][0]) > 1000
    assert outs[0] == outs[1]


def test_spans_of_any_length_give_the_same_spikes(monkeypatch):
    # one chunk per call of the span driver (the threads joined in Python after each) against
    # the default of many chunks per call (the threads meeting at an in-kernel barrier after
    # each chunk); the spike arrays start with 4,096 slots, so the first grows them often
    # (the plain kernels' path, merged in Python, is checked in tests/core/test_intrinsics.py)
    net = snnlib.brunel_network(5.0, 2.0, n_exc=2000, n_inh=500, seed=1)
    a = snnlib.simulate_network(net, t_max=200.0, seed=2, t_warmup=20.0)
    monkeypatch.setattr(sim, "SPAN_BYTES", 1)
    b = snnlib.simulate_network(net, t_max=200.0, seed=2, t_warmup=20.0)
    assert a.n_spikes > 10000
    assert _digest(a) == _digest(b)
    np.testing.assert_array_equal(a.rates["E"], b.rates["E"])
    np.testing.assert_array_equal(a.neuron_rates, b.neuron_rates)


_CACHE_CODE = """
import snnlib
from snnlib.network import simulate as sim
net = snnlib.brunel_network(5.0, 2.0, n_exc=80, n_inh=20, seed=1)
snnlib.simulate_network(net, t_max=5.0, seed=2, progress=False)
span = sim.network_span(False, False, True, False, False, True)
print(sum(span.stats.cache_hits.values()), sum(span.stats.cache_misses.values()))
"""


def test_a_second_process_loads_the_network_kernel_from_the_disk_cache(tmp_path, child_env):
    # the kernels close over plain values only (a closure over another kernel would get a new
    # cache key in every process, and compile for seconds every time)
    env = child_env(NUMBA_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", _CACHE_CODE], env=env, capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert runs == [["0", "1"], ["1", "0"]]


def test_same_seed_same_spikes_other_seed_other_spikes():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100, seed=1)
    a = snnlib.simulate_network(net, t_max=100.0, seed=3)
    b = snnlib.simulate_network(net, t_max=100.0, seed=3)
    c = snnlib.simulate_network(net, t_max=100.0, seed=4)
    assert _digest(a) == _digest(b) != _digest(c)


def test_result_is_a_spike_train_object():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100, seed=1)
    res = snnlib.simulate_network(net, t_max=300.0, seed=3, rate_bin=2.0)
    rates = snnlib.firing_rates(res)
    np.testing.assert_allclose(rates, res.neuron_rates)
    e = res.population("E")
    assert e.n_neurons == 400 and e.spike_ids.max() < 400
    # population rate bins add up to the counts
    assert res.rates["E"].sum() * 2.0e-3 * 400 == pytest.approx(np.sum(res.spike_ids < 400))
    assert res.rate_time[0] == 1.0 and res.rate_time.size == 150


@pytest.mark.parametrize("kw,err,match", [
    (dict(network="brunel"), TypeError, "network must be an snnlib.Network"),
    (dict(t_max=10.05), ValueError, r"t_max must be a whole number of steps dt = 0.1 ms"),
    (dict(dt=5.0), ValueError, r"dt must be at most tau_m / 10 = 2 ms"),
    (dict(dt=0.2), ValueError, r"delay must be a whole number \(>= 1\) of steps dt = 0.2 ms"),
    (dict(t_warmup=-1.0), ValueError, r"t_warmup must lie in \[0, inf\)"),
    (dict(v0=30.0), ValueError, r"v0 must be below v_th = 20 mV"),
    (dict(v0=np.zeros(3)), ValueError, r"v0 must be a scalar or an array of shape \(n_neurons,\) = \(500,\)"),
    (dict(record_v=[500]), ValueError, r"record_v must be <= 499"),
    (dict(record_v=[0.5]), ValueError, r"record_v must contain integers"),
    (dict(t_max=1e300), ValueError, r"steps is too many; raise dt or shorten t_max"),
])
def test_bad_input_names_the_argument(kw, err, match):
    net = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100, delay=1.5, seed=1)
    args = dict(network=net, t_max=10.0, seed=0)
    args.update(kw)
    with pytest.raises(err, match=match):
        snnlib.simulate_network(args.pop("network"), **args)


def test_poisson_table_inverts_the_cdf_exactly():
    # the guide-table fast path (one look-up and one comparison) gives the count a plain search
    # of the same CDF gives, for uniforms on a fine grid and at every CDF value and its neighbours
    for lam in (0.05, 2.0, 7.5):
        cdf, guide = sim.poisson_table(lam)
        cells = guide.size
        u = np.concatenate([np.linspace(1e-9, 1 - 1e-9, 20001), cdf[:-1], np.nextafter(cdf[:-1], 2.0)])
        u = u[(u > 0) & (u < 1)]
        search = np.searchsorted(cdf, u, side="left")
        g = guide[np.minimum((u * cells).astype(int), cells - 1)]
        fast = np.where(g >= 0, g + (u > cdf[np.maximum(g, 0)]), -1)
        ok = fast >= 0
        np.testing.assert_array_equal(fast[ok], search[ok])
        assert ok.mean() > 0.99   # the search path is rare
        # and the table is the Poisson distribution
        from scipy import stats

        np.testing.assert_allclose(cdf[:-1], stats.poisson.cdf(np.arange(cdf.size - 1), lam), rtol=1e-13)


def test_plain_euler_network_is_the_from_scratch_loop():
    # chapter 7's few-line NumPy network on the library's own noise (langevin_noise draws the
    # normals of each neuron's stream): the same spikes as simulate_network without the bridge
    rng = np.random.default_rng(3)
    n, dt, t_max, seed = 60, 0.1, 300.0, 5
    w = np.where(rng.random((n, n)) < 0.2, rng.choice([1.0, -3.0], size=(n, n), p=[0.8, 0.2]), 0.0)
    np.fill_diagonal(w, 0.0)
    mu, sigma, v0 = 12.0, 4.0, -65.0
    xi = snnlib.langevin_noise(n, round(t_max / dt), seed=seed)
    fired = naive.network_from_scratch(w, LIF, mu, sigma, 1.5, dt, xi, np.full(n, v0))
    steps, ids = np.nonzero(fired)
    net = snnlib.Network.from_weights(w, LIF, mu=mu, sigma=sigma, delay=1.5)
    res = snnlib.simulate_network(net, t_max=t_max, seed=seed, v0=v0, threshold_correction=False)
    assert ids.size > 200
    np.testing.assert_array_equal(res.spike_ids, ids)
    np.testing.assert_allclose(res.spike_times, (steps + 1) * dt, rtol=1e-12)


def test_chapter_7_shows_the_naive_network_verbatim():
    # book and tests share one reference: the from-scratch network of chapter 7 is this twin
    import inspect
    import json

    path = Path(__file__).parents[2] / "chapters" / "07_recurrent_networks.ipynb"
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"]
    assert inspect.getsource(naive.network_from_scratch).strip() in sources


# ------------------------------------------------------------------------------------------------
# The unit of the input rings
# ------------------------------------------------------------------------------------------------
def _two_weights(j_e, j_i, indegree=100, n=400):
    net = snnlib.Network(seed=1)
    net.add_population("E", LIF, n)
    net.add_population("I", LIF, n // 4)
    net.connect("E", ["E", "I"], rule="fixed_indegree", indegree=indegree, j=j_e, delay=1.5)
    net.connect("I", ["E", "I"], rule="fixed_indegree", indegree=indegree // 4, j=j_i, delay=1.5)
    net.add_white_noise(["E", "I"], mu=12.0, sigma=3.0)
    return net


def test_brunel_weights_are_counted_in_int16_quanta():
    # J = 0.1 mV and -gJ: at most 1000 * 1 + 250 * 5 = 2250 quanta of 0.1 mV per step, int16
    q, w_int, dtype = sim.input_quantum(snnlib.brunel_network(5.0, 2.0, n_exc=2000, n_inh=500, seed=1))
    assert (q, dtype) == (0.1, np.int16)
    np.testing.assert_array_equal(np.sort(w_int), [-5, -5, 1, 1])
    q, w_int, dtype = sim.input_quantum(snnlib.brunel_network(4.5, 2.0, n_exc=2000, n_inh=500, seed=1))
    assert (q, dtype) == (0.05, np.int16) and sorted(set(w_int)) == [-9, 2]


def test_large_loads_take_int32_and_incommensurate_weights_fixed_point():
    # 1 and -1/64 mV: quantum 1/64 mV; 2000 synapses of 64 quanta exceed int16
    q, w_int, dtype = sim.input_quantum(_two_weights(1.0, -1.0 / 64, indegree=2000, n=2000))
    assert (q, dtype) == (1.0 / 64, np.int32) and sorted(set(w_int)) == [-1, 64]
    q, w_int, dtype = sim.input_quantum(_two_weights(1.0, -np.pi))   # no common quantum
    assert (q, dtype) == (2.0 ** -40, np.int64)
    np.testing.assert_array_equal(sorted(set(w_int)), [round(-np.pi * 2 ** 40), 2 ** 40])


def test_quantum_and_fixed_point_rings_give_the_same_network(monkeypatch):
    # the int16 path against the int64 2^-40 mV path on the same network and noise: the input
    # differs by rounding (< 1e-12 mV), so the spikes are the same
    net = _two_weights(0.8, -2.0)
    a = snnlib.simulate_network(net, t_max=300.0, seed=5)
    assert sim.input_quantum(net)[2] == np.int16
    fallback = (2.0 ** -40, np.array([round(p.j * 2 ** 40) for p in net.projections]), np.int64)
    monkeypatch.setattr(sim, "input_quantum", lambda network: fallback)
    b = snnlib.simulate_network(net, t_max=300.0, seed=5)
    assert a.n_spikes > 1000
    assert _digest(a) == _digest(b)


def test_weights_beyond_the_fixed_point_range_are_refused():
    w = np.zeros((3, 3))
    w[0, 1:] = 3e6        # 6e6 mV onto neuron 0 in one step: beyond int64 in units of 2^-40 mV
    net = snnlib.Network.from_weights(w, LIF, mu=10.0, sigma=1.0)
    with pytest.raises(ValueError, match="weights must sum to at most"):
        snnlib.simulate_network(net, t_max=10.0, seed=1)


def test_synapses_are_held_once_while_simulating():
    # the simulator packs all projections into one array and re-points each Connectivity to its part
    net = _two_weights(0.8, -2.0)
    before = [(p.connectivity.indptr.copy(), p.connectivity.targets.copy()) for p in net.projections]
    snnlib.simulate_network(net, t_max=10.0, seed=1)
    indptr, targets, _, _ = sim._pack(net)
    assert targets.size == net.n_synapses and not targets.flags.writeable
    for p, (ip, tg) in zip(net.projections, before):
        assert p.connectivity.targets.base is targets and p.connectivity.indptr.base is indptr
        np.testing.assert_array_equal(p.connectivity.targets, tg)
        np.testing.assert_array_equal(p.connectivity.indptr, ip)
    assert sim._pack(net)[1] is targets                      # cached ...
    net.connect("E", "E", rule="fixed_indegree", indegree=3, j=0.4, delay=1.0)
    assert sim._pack(net)[1].size == net.n_synapses > targets.size   # ... until a projection is added
