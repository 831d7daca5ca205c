"""The LLVM intrinsics of snnlib._core.intrinsics against their plain numba twins.

Every intrinsic must give bit-for-bit the values of its twin, so that ``SNNLIB_PLAIN_KERNELS=1``
is a safe fallback; the whole population simulation is run both ways (the twins in a child
process) and must give identical spikes, traces and histograms. The exp guard is checked at the
edges of the double range, and the source stamp that keys numba's cache to the inlined sources
is checked to force a recompile when it changes.
"""

import subprocess
import sys

import numpy as np
import pytest
from numba import njit

from snnlib._core import intrinsics as it


def _make_exp(exp):
    @njit
    def loop(x, out):
        for i in range(x.size):
            out[i] = exp(x[i])

    return loop


_exp_llvm, _exp_plain = _make_exp(it._exp_fast_llvm), _make_exp(it._exp_fast_plain)


def _exp_args():
    rng = np.random.default_rng(1)
    edges = [it.EXP_ZERO_BELOW, it.EXP_INF_ABOVE, it.EXP_UNDERFLOW, it.EXP_OVERFLOW, -745.2, 709.78, -1e300,
             1e300, -np.inf, np.inf, 0.0, -0.0]
    near = [np.nextafter(e, d) for e in edges[:2] for d in (-np.inf, np.inf)]
    return np.concatenate([rng.uniform(-800.0, 800.0, 20000), rng.uniform(-2.0, 2.0, 5000), edges, near])


def test_exp_fast_twins_are_identical():
    x = _exp_args()
    a, b = np.empty_like(x), np.empty_like(x)
    _exp_llvm(x, a)
    _exp_plain(x, b)
    np.testing.assert_array_equal(a, b)


def test_exp_fast_guard_gives_zero_below_and_inf_above():
    # the critical bug: below -708 the scale 2^k wrapped around (exp_fast(-710) was -inf,
    # exp_fast(-800) = -1.2e269, exp_fast(800) = -8e-270)
    x = np.array([-1e300, -800.0, -710.0, np.nextafter(it.EXP_ZERO_BELOW, -np.inf), -np.inf])
    out = np.empty_like(x)
    _exp_llvm(x, out)
    assert np.all(out == 0.0) and not np.any(np.signbit(out))
    x = np.array([np.nextafter(it.EXP_INF_ABOVE, np.inf), 709.78, 710.0, 800.0, 1e300, np.inf])
    out = np.empty_like(x)
    _exp_llvm(x, out)
    assert np.all(out == np.inf)
    # inside the range the relative error is a few ulp, right up to both edges
    x = np.array([np.nextafter(it.EXP_ZERO_BELOW, np.inf), -708.0, -700.0, 700.0,
                  np.nextafter(it.EXP_INF_ABOVE, -np.inf)])
    out = np.empty_like(x)
    _exp_llvm(x, out)
    np.testing.assert_allclose(out, np.exp(x), rtol=4 * 2.0 ** -52)
    assert out.min() > 0.0
    # 0 only where exp(x) is below the smallest normal double, inf only within a factor 1.4 of
    # the largest: the limits are where the double range ends
    assert np.exp(it.EXP_ZERO_BELOW) < 1.1 * np.finfo(float).tiny
    assert np.exp(it.EXP_INF_ABOVE) > np.finfo(float).max / 1.42


def _make_bits(next_u64, mix64, uniform53):
    """A kernel drawing from the streams with one set of helpers (intrinsics or twins)."""

    @njit
    def bits(states, n):
        out = np.empty((2, n), dtype=np.uint64)
        u = np.empty(n)
        for k in range(n):
            z = next_u64(states, k % states.size)
            out[0, k] = z
            out[1, k] = mix64(np.uint64(k) * np.uint64(7919))
            u[k] = uniform53(z)
        return out, u

    return bits


_bits_llvm = _make_bits(it._next_u64_llvm, it._mix64_llvm, it._uniform53_llvm)
_bits_plain = _make_bits(it._next_u64_plain, it._mix64_plain, it._uniform53_plain)


def test_stream_twins_are_identical():
    seeds = np.array([0, 1, 2 ** 63, 2 ** 64 - 1], dtype=np.uint64)
    a, ua = _bits_llvm(seeds.copy(), 5000)
    b, ub = _bits_plain(seeds.copy(), 5000)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ua, ub)
    assert 0.0 < ua.min() and ua.max() < 1.0   # open interval (0, 1)
    # the NumPy seeding twin gives the same finaliser
    z = np.arange(1000, dtype=np.uint64) * np.uint64(7919)
    np.testing.assert_array_equal(it.mix64_array(z), a[1, :1000])


def test_work_arrays_twins_have_the_same_layout():
    dtypes = ("f8", "i8", "u8")
    llvm, plain = it._work_arrays_llvm(dtypes, 64), it._work_arrays_plain(dtypes, 64)

    @njit
    def shapes_llvm():
        a, b, c = llvm()
        a[:] = 1.5
        b[:] = -2
        c[:] = 3
        return a.sum(), b.sum(), c.sum(), a.size

    @njit
    def shapes_plain():
        a, b, c = plain()
        a[:] = 1.5
        b[:] = -2
        c[:] = 3
        return a.sum(), b.sum(), c.sum(), a.size

    assert shapes_llvm() == shapes_plain() == (96.0, -128, 192, 64)
    with pytest.raises(ValueError, match="8 bytes"):
        it.work_arrays(("f4",), 64)


def test_spin_barrier_holds_every_thread_until_all_have_arrived():
    # two threads pass 20,000 barriers; after barrier g each must see the other's g-th write (a
    # thread that ran ahead, or a stale read of the counter, would see fewer), and the counter
    # ends at exactly 2 x 20,000 (atomic additions lose nothing)
    import threading

    @njit(nogil=True)
    def work(count, done, tid, n):
        late = 0
        for g in range(1, n + 1):
            done[tid] = g
            it.spin_barrier(count, 2, 2 * g - 1)
            late += done[1 - tid] < g
            it.spin_barrier(count, 2, 2 * g)   # nobody writes g + 1 before both have checked g
        return late

    count, done, late = np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), [None, None]
    work(np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), 0, 0)   # compile outside the threads

    def run(t):
        late[t] = work(count, done, t, 20000)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert late == [0, 0]
    assert count[0] == 2 * 2 * 20000


_RUN_ALL = """
import hashlib, numpy as np, snnlib
from snnlib._core import intrinsics, rng
h = hashlib.sha256()
h.update(rng.standard_normals(5, 3, 1000).tobytes())
lif, eif = snnlib.LIF(), snnlib.EIF()
for model, kw in ((lif, {}), (eif, {"record_v": [0, 5]}),
                  (eif, {"v_hist": np.linspace(-80.0, -40.0, 21), "mu_t": np.linspace(-5.0, 5.0, 2000)}),
                  (snnlib.EIF(delta_t=0.1), {"v0": -130.0})):
    r = snnlib.simulate_population(model, 12.0, 4.0, n_neurons=70, t_max=200.0, seed=3, **kw)
    h.update(r.spike_times.tobytes() + r.spike_ids.tobytes())
    for extra in (r.v, r.v_hist_density):
        if extra is not None:
            h.update(extra.tobytes())
net = snnlib.brunel_network(5.0, 2.0, n_exc=800, n_inh=200, seed=1)   # the scatter's prefetch
r = snnlib.simulate_network(net, t_max=100.0, seed=2)
h.update(r.spike_times.tobytes() + r.spike_ids.tobytes())
print(intrinsics.PLAIN, h.hexdigest())
"""


def test_plain_twins_give_identical_simulations(tmp_path, child_env):
    # the whole kernel compiled with the intrinsics and with the twins: same spikes, same traces
    runs = {}
    for plain in ("0", "1"):
        env = child_env(SNNLIB_PLAIN_KERNELS=plain, NUMBA_CACHE_DIR=str(tmp_path / plain))
        out = subprocess.run([sys.executable, "-c", _RUN_ALL], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        runs[out[0]] = out[1]
    assert set(runs) == {"False", "True"}
    assert runs["False"] == runs["True"]


_STAMP_CODE = """
import sys
import snnlib
from snnlib.neuron import montecarlo as mc
kernel = mc._make_block_kernel(False, False, False, False, sys.argv[1])
run = mc._prepare(snnlib.LIF(), 12.0, 4.0, 64, 10.0, 0.1, 1, None, None, None, None, 0.0, None, True)
run.kernel = kernel
mc.run_chunks(run, mc._SpikeSink(64, 10, 10))
print(sum(kernel.stats.cache_hits.values()), sum(kernel.stats.cache_misses.values()))
"""


def test_a_new_source_stamp_recompiles_instead_of_loading_a_stale_kernel(tmp_path, child_env):
    env = child_env(NUMBA_CACHE_DIR=str(tmp_path))

    def hits_misses(stamp):
        out = subprocess.run([sys.executable, "-c", _STAMP_CODE, stamp], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        return [int(v) for v in out]

    assert hits_misses("A") == [0, 1]   # compiled and saved
    assert hits_misses("A") == [1, 0]   # loaded from the cache
    assert hits_misses("B") == [0, 1]   # sources changed (new stamp): compiled again, not loaded
