"""Bad and extreme input to snnlib.spikes (the API probe of December 2026, rows 11, 13, 14, 15, 16).

Bad input must raise the right exception naming the argument and what it accepts; extreme but
valid input must give the right answer or a clear error before any large allocation.
The memory limit of one call is pinned to 1 GiB (``SNNLIB_MAX_BYTES``) so that the
outcome does not depend on the machine.
"""

import numpy as np
import pytest

import naive.spikes as naive_spikes
from snnlib import spikes as sp
from snnlib.spikes import statistics

GIB = 2 ** 30


@pytest.fixture(autouse=True)
def one_gib(monkeypatch):
    monkeypatch.setenv("SNNLIB_MAX_BYTES", str(GIB))


T = np.array([1.0, 2.0, 3.0, 4.0])

#: Every statistic, called on spikes of two neurons (ids given by the caller) over 10 ms.
STATISTICS = {
    "bin_spikes": lambda ids: sp.bin_spikes(T, ids, bin_width=1.0, t_max=10.0),
    "firing_rates": lambda ids: sp.firing_rates(T, ids, t_max=10.0),
    "isi": lambda ids: sp.isi(T, ids),
    "cv_isi": lambda ids: sp.cv_isi(T, ids),
    "fano_factor": lambda ids: sp.fano_factor(T, ids, window=2.0, t_max=10.0),
    "fano_factor_curve": lambda ids: sp.fano_factor_curve(T, ids, windows=[2.0], t_max=10.0),
    "population_rate": lambda ids: sp.population_rate(T, ids, bin_width=1.0, t_max=10.0),
    "power_spectrum": lambda ids: sp.power_spectrum(T, ids, dt=1.0, t_max=10.0),
    "cross_correlogram": lambda ids: sp.cross_correlogram(T, ids, bin_width=1.0, max_lag=3.0, t_max=10.0),
    "spike_count_correlation": lambda ids: sp.spike_count_correlation(T, ids, window=2.0, t_max=10.0),
}


def _same(a, b):
    """Equal results of a statistic (NamedTuples, lists of arrays, arrays or floats; NaN == NaN)."""
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


# ---------------------------------------------------------------------------
# Row 11: ids and pairs must be whole numbers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(STATISTICS))
def test_fractional_spike_ids_are_rejected(name):
    with pytest.raises(ValueError, match=r"spike_ids must contain integers, got 0\.5"):
        STATISTICS[name]([0.5, 1.0, 1.7, 0.0])


@pytest.mark.parametrize("name", sorted(STATISTICS))
def test_whole_float_spike_ids_equal_int_ids(name):
    assert _same(STATISTICS[name]([0.0, 1.0, 1.0, 0.0]), STATISTICS[name](np.array([0, 1, 1, 0])))


@pytest.mark.parametrize("call", [
    lambda: sp.cross_correlogram(T, [0, 1, 1, 0], pairs=(0.5, 1), t_max=10.0, max_lag=3.0),
    lambda: sp.cross_correlogram(T, [0, 1, 1, 0], pairs=[(0, 1), (1, 1.7)], t_max=10.0, max_lag=3.0),
    lambda: sp.spike_count_correlation(T, [0, 1, 1, 0], window=2.0, pairs=(0, 0.5), t_max=10.0),
])
def test_fractional_pairs_are_rejected(call):
    with pytest.raises(ValueError, match=r"pairs must contain integers, got (0\.5|1\.7)"):
        call()


def test_pairs_out_of_range_name_the_accepted_range():
    with pytest.raises(ValueError, match=r"pairs must hold neuron indices in \[0, n_neurons - 1\] = \[0, 1\]"):
        sp.spike_count_correlation(T, [0, 1, 1, 0], window=2.0, pairs=(0, 2), t_max=10.0)
    with pytest.raises(ValueError, match=r"pairs must have shape \(2,\)"):
        sp.spike_count_correlation(T, [0, 1, 1, 0], window=2.0, pairs=[(0, 1), (1, 0)], t_max=10.0)


# ---------------------------------------------------------------------------
# Row 13: booleans are not numbers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: sp.poisson_spike_train(True, 100.0), TypeError, r"rate must be an array of numbers, got booleans"),
    (lambda: sp.poisson_spike_train(np.True_, 100.0), TypeError, r"rate must be an array of numbers, got bool"),
    (lambda: sp.poisson_spike_train([True, False], 100.0), TypeError, r"rate must be an array of numbers"),
    (lambda: sp.poisson_spike_train(5.0, True), TypeError, r"t_max must be a real number, got bool"),
    (lambda: sp.poisson_spike_train(5.0, 100.0, n_trains=True), TypeError, r"n_trains must be an integer, got bool"),
    (lambda: sp.gamma_spike_train(True, 2.0, 100.0), TypeError, r"rate must be a real number, got bool"),
    (lambda: sp.gamma_spike_train(5.0, np.True_, 100.0), TypeError, r"shape_k must be a real number, got bool"),
    (lambda: sp.bin_spikes(T, bin_width=True, t_max=10.0), TypeError, r"bin_width must be a real number, got bool"),
    (lambda: sp.bin_spikes([True, False], bin_width=1.0, t_max=10.0), TypeError,
     r"spike_times must be an array of numbers, got booleans"),
    (lambda: sp.bin_spikes(T, [True] * 4, bin_width=1.0, t_max=10.0), TypeError,
     r"spike_ids must be an array of numbers, got booleans"),
    (lambda: sp.firing_rates(T, n_neurons=True, t_max=10.0), TypeError, r"n_neurons must be an integer, got bool"),
    (lambda: sp.firing_rates(T, t_max=np.True_), TypeError, r"t_max must be a real number, got bool"),
    (lambda: sp.fano_factor(T, window=True, t_max=10.0), TypeError, r"window must be a real number, got bool"),
    (lambda: sp.fano_factor_curve(T, windows=[True], t_max=10.0), TypeError,
     r"windows must be an array of numbers, got booleans"),
    (lambda: sp.power_spectrum(T, dt=True, t_max=10.0), TypeError, r"dt must be a real number, got bool"),
    (lambda: sp.cross_correlogram(T, pairs=(0, 0), max_lag=True, t_max=10.0), TypeError,
     r"max_lag must be a real number, got bool"),
    (lambda: sp.cross_correlogram(T, pairs=(True, False), t_max=10.0, max_lag=3.0), TypeError,
     r"pairs must be an array of numbers, got booleans"),
    (lambda: sp.population_rate(T, bin_width=1.0, t_max=10.0, smoothing="box", smooth_width=True), TypeError,
     r"smooth_width must be a real number, got bool"),
])
def test_booleans_are_rejected(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


# ---------------------------------------------------------------------------
# Rows 14-16: the resource guard names the argument before anything large is allocated
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, pattern", [
    (lambda: sp.bin_spikes(T, bin_width=1e-9, t_max=10.0), r"bin_width: spike counts .* would need .*raise bin_width"),
    (lambda: sp.fano_factor(T, window=1e-9, t_max=10.0), r"window: spike counts .* would need .*raise window"),
    (lambda: sp.fano_factor_curve(T, windows=[1.0, 1e-9], t_max=10.0), r"windows: spike counts .* would need"),
    (lambda: sp.population_rate(T, bin_width=1e-9, t_max=10.0), r"bin_width: a rate in .* bins would need"),
    (lambda: sp.power_spectrum(T, dt=1e-9, t_max=10.0), r"dt: the binned trains .* would need .*raise dt"),
    (lambda: sp.cross_correlogram(T, pairs=(0, 0), bin_width=1e-9, max_lag=5.0, t_max=10.0),
     r"bin_width: .* lag bins would need .*raise bin_width or lower max_lag"),
    (lambda: sp.spike_count_correlation(T, [0, 1, 1, 0], window=1e-9, t_max=10.0), r"window: spike counts"),
    (lambda: sp.spike_count_correlation(T, [0, 1, 1, 0], window=1e-9, pairs=(0, 1), t_max=10.0),
     r"window: spike counts in .* windows would need"),
    (lambda: sp.spike_count_correlation(T, window=2.0, n_neurons=10 ** 6, t_max=10.0),
     r"n_neurons: the 1000000 x 1000000 correlation matrix would need .*pass pairs=\(k, j\)"),
    (lambda: sp.firing_rates(T, n_neurons=10 ** 12, t_max=10.0), r"n_neurons: per-neuron arrays"),
    (lambda: sp.firing_rates(T, [0, 0, 1, 10 ** 12], t_max=10.0),
     r"spike_ids \(n_neurons = max\(spike_ids\) \+ 1\): per-neuron arrays"),
    (lambda: sp.poisson_spike_train(1e300, 1000.0), r"rate \* t_max \* n_trains: 1e\+300 expected spikes"),
    (lambda: sp.poisson_spike_train(10.0, 1e300), r"rate \* t_max \* n_trains: 1e\+298 expected spikes"),
    (lambda: sp.poisson_spike_train([1.0, 1e300], 1000.0), r"rate \* t_max \* n_trains"),
    (lambda: sp.poisson_spike_train(0.0, 100.0, n_trains=10 ** 12), r"n_trains: 0 expected spikes in"),
    (lambda: sp.gamma_spike_train(1e300, 1.0, 1000.0), r"rate \* t_max \* n_trains: 1e\+300 expected spikes"),
    (lambda: sp.gamma_spike_train(10.0, 1.0, 100.0, n_trains=10 ** 12), r"n_trains: .* expected spikes in"),
    (lambda: sp.gamma_spike_train(10.0, 1e-300, 1000.0), r"shape_k: .* intervals drawn per train"),
])
def test_oversized_work_is_rejected_by_name(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_gamma_trains_loop_is_capped_even_with_memory_to_spare(monkeypatch):
    # 2e9 trains of almost no spikes fit in a (pretend) huge memory, but would be drawn one by one
    monkeypatch.setenv("SNNLIB_MAX_BYTES", "1e30")
    with pytest.raises(ValueError, match=r"n_trains: trains drawn one by one \(2e\+09\) exceeds the 1e\+09"):
        sp.gamma_spike_train(1e-3, 1.0, 1.0, n_trains=2 * 10 ** 9)


def test_correlogram_of_too_many_spike_pairs_is_rejected():
    # 4e6 spikes within max_lag of each other: ~1.6e13 pairs, above the 1e13 operations one call may run
    times = np.linspace(0.0, 1000.0, 4_000_000)
    ids = np.arange(times.size) % 2
    with pytest.raises(ValueError, match=r"max_lag: spike pairs to compare .* exceeds the 1e\+13"):
        sp.cross_correlogram(times, ids, bin_width=10.0, max_lag=1000.0, t_max=1000.0)


def test_tiny_but_valid_rates_give_empty_trains():
    # expected 1e-297 spikes: no spike, no error, no NaN
    for st in (sp.poisson_spike_train(1e-300, 1000.0, n_trains=3, seed=0),
               sp.gamma_spike_train(1e-300, 1.0, 1000.0, n_trains=3, seed=0)):
        assert st.spike_times.size == 0 and st.n_neurons == 3


# ---------------------------------------------------------------------------
# Smoothing: kernels longer than the record (smooth_width 1e12), the FFT path
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["gaussian", "box"])
def test_kernel_wider_than_the_record_gives_the_mean_rate(kind):
    st = sp.poisson_spike_train(30.0, 200.0, n_trains=5, seed=3)
    mean = sp.firing_rates(st).mean()
    pr = sp.population_rate(st, bin_width=2.0, smoothing=kind, smooth_width=1e12)
    # a flat kernel over the whole record averages every bin with equal weight
    assert pr.rate.shape == pr.times.shape == (100,)
    np.testing.assert_allclose(pr.rate, mean, rtol=1e-12)


@pytest.mark.parametrize("kind, width", [("gaussian", 3.0), ("gaussian", 40.0), ("box", 5.0), ("box", 8.0),
                                         ("box", 350.0), ("gaussian", 400.0)])
@pytest.mark.parametrize("fft", [False, True])
def test_smoothing_matches_naive_direct_and_fft(kind, width, fft, monkeypatch):
    if fft:  # force the FFT path on a small problem
        monkeypatch.setattr(statistics, "_DIRECT_CONVOLUTION_MAX", 0)
    st = sp.poisson_spike_train(50.0, 300.0, n_trains=4, seed=5)
    raw = sp.population_rate(st, bin_width=1.0).rate
    got = sp.population_rate(st, bin_width=1.0, smoothing=kind, smooth_width=width).rate
    ref = naive_spikes.smooth_rate(raw, 1.0, kind, width)
    # direct sums agree to rounding; the FFT's error is ~1e-15 of the largest rate
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=(1e-11 * raw.max()) if fft else 0.0)
    assert np.all(got >= 0.0)
