"""Connection rules and the network description, against their definitions and the statistics.

Tolerances: degree statistics of a random graph are checked within Z = 4 standard errors computed
from the binomial or multinomial distribution of the rule.
"""

import math

import numpy as np
import pytest
import scipy.sparse as sp

import snnlib
from snnlib.network import connectivity as conn

Z = 4.0


def test_fixed_indegree_is_exact_and_uniform():
    n_pre, n_post, k = 500, 300, 40
    c = conn.fixed_indegree(n_pre, n_post, k, seed=1)
    assert np.all(c.indegrees() == k) and c.n_synapses == n_post * k
    assert c.targets.dtype == np.int32 and c.indptr[-1] == c.n_synapses
    # targets sorted within each row, and in range
    for j in range(0, n_pre, 50):
        row = c.targets[c.indptr[j]:c.indptr[j + 1]]
        assert np.all(np.diff(row) >= 0) and (row.size == 0 or row.max() < n_post)
    # out-degrees multinomial: mean n_post k / n_pre, variance n_post k (1/n_pre)(1 - 1/n_pre)
    out = c.outdegrees()
    mean, var = n_post * k / n_pre, n_post * k / n_pre * (1 - 1 / n_pre)
    assert abs(out.mean() - mean) < 1e-12        # the total is fixed
    assert abs(out.var() - var) < Z * var * math.sqrt(2 / n_pre)


def test_fixed_indegree_without_autapses():
    c = conn.fixed_indegree(50, 50, 49, autapses=False, seed=2)
    src = c.sources()
    assert not np.any(src == c.targets)
    assert np.all(c.indegrees() == 49)
    with pytest.raises(ValueError, match="autapses=False needs a population connected to itself"):
        conn.fixed_indegree(50, 40, 5, autapses=False)


def test_fixed_indegree_matches_the_naive_sort():
    # the counting sort equals a stable argsort of the drawn presynaptic indices
    n_pre, n_post, k = 97, 31, 13
    pre = np.random.default_rng(5).integers(0, n_pre, size=n_post * k, dtype=np.int32)
    c = conn.fixed_indegree(n_pre, n_post, k, seed=np.random.default_rng(5))
    order = np.argsort(pre, kind="stable")
    np.testing.assert_array_equal(c.targets, (order // k).astype(np.int32))
    np.testing.assert_array_equal(c.indptr, np.concatenate([[0], np.cumsum(np.bincount(pre, minlength=n_pre))]))


def test_bernoulli_counts_are_binomial():
    n_pre, n_post, p = 400, 600, 0.05
    c = conn.bernoulli(n_pre, n_post, p, seed=3)
    n = n_pre * n_post
    assert abs(c.n_synapses - n * p) < Z * math.sqrt(n * p * (1 - p))
    out = c.outdegrees()
    assert abs(out.var() - n_post * p * (1 - p)) < Z * n_post * p * (1 - p) * math.sqrt(2 / n_pre)
    # no multapses; targets strictly increasing within rows
    for j in range(n_pre):
        assert np.all(np.diff(c.targets[c.indptr[j]:c.indptr[j + 1]]) > 0)
    # every target equally likely: chi-square of the in-degrees against the binomial
    ind = c.indegrees()
    assert abs(ind.mean() - n_pre * p) < Z * math.sqrt(n_pre * p * (1 - p) / n_post)


def test_bernoulli_edge_probabilities_and_seed():
    assert conn.bernoulli(10, 20, 0.0).n_synapses == 0
    full = conn.bernoulli(10, 20, 1.0)
    assert full.n_synapses == 200 and np.all(full.indegrees() == 10)
    a, b = conn.bernoulli(100, 100, 0.1, seed=4), conn.bernoulli(100, 100, 0.1, seed=4)
    np.testing.assert_array_equal(a.targets, b.targets)


def test_from_matrix_round_trip():
    w = np.array([[0.0, 0.5, 0.0], [-1.0, 0.0, 2.0]])
    c = conn.from_matrix(w)
    np.testing.assert_array_equal(c.to_dense(), w)
    c2 = conn.from_matrix(sp.csr_matrix(w))
    np.testing.assert_array_equal(c2.to_dense(), w)
    with pytest.raises(ValueError, match="weights must contain only finite values"):
        conn.from_matrix([[np.nan, 1.0]])


def test_homogeneous_projections_cost_about_four_bytes_per_synapse():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=4000, n_inh=1000, seed=1)
    nbytes = sum(p.connectivity.nbytes for p in net.projections)
    assert nbytes / net.n_synapses < 5.0
    assert all(p.connectivity.weights is None for p in net.projections)


def test_brunel_network_structure():
    g, eta = 5.0, 2.0
    net = snnlib.brunel_network(g, eta, n_exc=1000, n_inh=250, epsilon=0.1, seed=2)
    e, i = net.population("E"), net.population("I")
    assert (e.size, i.size, e.start, i.start) == (1000, 250, 0, 1000)
    byname = {(p.pre, p.post): p for p in net.projections}
    assert byname["E", "E"].j == 0.1 and byname["I", "E"].j == pytest.approx(-g * 0.1)
    assert all(np.all(p.connectivity.indegrees() == (100 if p.pre == "E" else 25)) for p in net.projections)
    # external drive: C_E inputs at eta nu_thr, nu_thr = theta / (J C_E tau) = 20 / (0.1 * 100 * 20 ms)
    nu_thr = 20.0 / (0.1 * 100 * 20.0) * 1000.0
    assert e.poisson_rate == pytest.approx(100 * eta * nu_thr) and e.poisson_j == 0.1


def test_network_seed_reproduces_connectivity():
    a = snnlib.brunel_network(5.0, 2.0, n_exc=300, n_inh=75, seed=9)
    b = snnlib.brunel_network(5.0, 2.0, n_exc=300, n_inh=75, seed=9)
    c = snnlib.brunel_network(5.0, 2.0, n_exc=300, n_inh=75, seed=10)
    for pa, pb, pc in zip(a.projections, b.projections, c.projections):
        np.testing.assert_array_equal(pa.connectivity.targets, pb.connectivity.targets)
    assert not np.array_equal(a.projections[0].connectivity.targets, c.projections[0].connectivity.targets)


@pytest.mark.parametrize("call,err,match", [
    (lambda n: n.add_population("E", snnlib.LIF(), 5), ValueError, "a population called 'E' exists already"),
    (lambda n: n.add_population("X", snnlib.IFModel(psi_func=lambda v: 0 * v), 5), TypeError, "model must be"),
    (lambda n: n.add_population("X", snnlib.LIF(), 0), ValueError, r"size must be an integer in \[1,"),
    (lambda n: n.connect("E", "Q", j=0.1, indegree=1), ValueError, "population 'Q' does not exist"),
    (lambda n: n.connect("E", "E", rule="nearest", j=0.1), ValueError, "rule must be one of"),
    (lambda n: n.connect("E", "E", indegree=5), TypeError, r"j \(mV\) is required"),
    (lambda n: n.connect("E", "E", j=0.1), TypeError, "indegree is required"),
    (lambda n: n.connect("E", "E", rule="bernoulli", p_conn=1.5, j=0.1), ValueError, r"p_conn must lie in \[0, 1\]"),
    (lambda n: n.connect("E", "E", j=np.nan, indegree=1), ValueError, "j must be finite"),
    (lambda n: n.connect("E", "E", j=0.1, indegree=1, delay=0.0), ValueError, r"delay must lie in \(0"),
    (lambda n: n.connect("E", "E", j=0.1, indegree=-1), ValueError, r"indegree must be an integer in \[0,"),
    (lambda n: n.connect("E", "E", rule="weights", weights=np.ones((3, 3))), ValueError,
     r"weights must have shape \(post size, pre size\) = \(10, 10\)"),
    (lambda n: n.add_white_noise("E", sigma=-1.0), ValueError, "sigma must lie in"),
    (lambda n: n.add_white_noise("E", mu=np.ones(3)), ValueError, r"mu must be a scalar or an array of shape"),
    (lambda n: n.add_poisson_input("E", rate=-5.0, j=0.1), ValueError, r"rate must lie in \[0, inf\) Hz"),
])
def test_network_bad_input(call, err, match):
    net = snnlib.Network(seed=0)
    net.add_population("E", snnlib.LIF(), 10)
    with pytest.raises(err, match=match):
        call(net)


def test_synaptic_time_constant_must_agree_per_population():
    net = snnlib.Network(seed=0)
    net.add_population("E", snnlib.LIF(), 10)
    net.add_population("I", snnlib.LIF(), 10)
    net.connect("E", "E", j=0.1, indegree=2, tau_s=5.0)
    with pytest.raises(ValueError, match="tau_s: population 'E' already receives input with tau_s=5.0"):
        net.connect("I", "E", j=-0.5, indegree=2)


def test_oversized_connectivity_is_rejected_before_drawing(monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(1e9))
    with pytest.raises(ValueError, match="indegree: 1e\\+09 synapses would need"):
        conn.fixed_indegree(10 ** 6, 10 ** 6, 1000)
    with pytest.raises(ValueError, match="p_conn: .* synapses would need"):
        conn.bernoulli(10 ** 6, 10 ** 6, 0.1)
