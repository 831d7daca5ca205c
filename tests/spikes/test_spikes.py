"""Spike-train statistics and generators (snnlib.spikes).

Statistical tests use fixed seeds and tolerances of a few standard errors,
each derived in the test from the known distribution of the estimator.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_h

import naive
import naive.spikes as naive_spikes
import snnlib
from snnlib import spikes as sp
from snnlib.spikes import statistics


# ---------------------------------------------------------------------------
# Exact hand examples
# ---------------------------------------------------------------------------

def test_isi_hand_example():
    np.testing.assert_array_equal(sp.isi(np.array([1.0, 3.0, 6.0]), pooled=True), [2.0, 3.0])
    st = sp.SpikeTrains.from_trains([[1.0, 3.0, 6.0], [], [2.0, 2.5]], t_max=10.0)
    out = sp.isi(st)
    assert [list(x) for x in out] == [[2.0, 3.0], [], [0.5]]
    np.testing.assert_array_equal(sp.isi(st, pooled=True), [2.0, 3.0, 0.5])


def test_cv_hand_example():
    # ISIs 1, 3: mean 2, sample sd sqrt(2) -> CV = sqrt(2) / 2
    assert sp.cv_isi([0.0, 1.0, 4.0], pooled=True) == pytest.approx(math.sqrt(2) / 2, rel=1e-14)
    st = sp.SpikeTrains.from_trains([[0.0, 1.0, 4.0], [5.0]], t_max=10.0)
    cv = sp.cv_isi(st)
    assert cv[0] == pytest.approx(math.sqrt(2) / 2) and np.isnan(cv[1])


def test_bin_spikes_and_rates_hand_example():
    st = sp.SpikeTrains.from_trains([[0.5, 1.2, 1.7, 3.9, 4.5], [2.0]], t_max=4.5)
    b = sp.bin_spikes(st, bin_width=1.0)
    # 4 full bins; the spike at 4.5 falls in the trailing partial bin and is dropped
    np.testing.assert_array_equal(b.counts, [[1, 2, 0, 1], [0, 0, 1, 0]])
    np.testing.assert_array_equal(b.bin_edges, [0.0, 1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(sp.firing_rates(st), [5 / 0.0045, 1 / 0.0045])


def test_fano_hand_example():
    # counts 1, 2, 3, 0 in 1-ms windows: mean 1.5, var (ddof=1) 5/3 -> F = 10/9
    f = sp.fano_factor([0.5, 1.5, 1.6, 2.5, 2.6, 2.7], window=1.0, t_max=4.0)
    np.testing.assert_allclose(f, [10 / 9])


def test_population_rate_hand_example_and_smoothing_keeps_constant():
    pr = sp.population_rate(sp.SpikeTrains.from_trains([[1.0, 3.0], [1.5]], t_max=4.0), bin_width=2.0)
    np.testing.assert_allclose(pr.times, [1.0, 3.0])
    np.testing.assert_allclose(pr.rate, [2 / (2 * 0.002), 1 / (2 * 0.002)])
    # one spike per neuron per ms everywhere -> 1000 Hz, smoothing must keep it flat up to the edges
    t = np.arange(0.5, 100.0, 1.0)
    for kind in ("gaussian", "box"):
        r = sp.population_rate(t, bin_width=1.0, t_max=100.0, smoothing=kind, smooth_width=5.0).rate
        np.testing.assert_allclose(r, 1000.0, rtol=1e-12)


def test_cross_correlogram_hand_example():
    st = sp.SpikeTrains.from_trains([[10.0, 20.0], [12.0, 21.0]], t_max=100.0)
    cc = sp.cross_correlogram(st, pairs=(1, 0), bin_width=1.0, max_lag=3.0)
    # lags t_1 - t_0: 2, -8, 11, 1 -> only 1 and 2 inside +-3 ms
    np.testing.assert_array_equal(cc.lags, np.arange(-3.0, 4.0))
    np.testing.assert_array_equal(cc.counts, [0, 0, 0, 0, 1, 1, 0])
    # normalisation: count / (bin_width * (T - |tau|)), converted to s^2
    expect = cc.counts / (1e-3 * (100.0 - np.abs(cc.lags)) * 1e-3)
    np.testing.assert_allclose(cc.correlation[cc.lags != 0], expect[cc.lags != 0])
    np.testing.assert_allclose(cc.covariance, cc.correlation - 20.0 * 20.0)


def test_spike_count_correlation_hand_example():
    st = sp.SpikeTrains.from_trains([[0.5, 1.5, 1.7, 2.5], [0.2, 1.1, 2.2, 2.3, 2.4], [0.1]], t_max=3.0)
    # counts: neuron 0 (1, 2, 1), neuron 1 (1, 1, 3), neuron 2 (1, 0, 0)
    rho = sp.spike_count_correlation(st, window=1.0)
    assert rho[0, 1] == pytest.approx(naive.pearson([1, 2, 1], [1, 1, 3]))
    assert rho[0, 1] == pytest.approx(-0.5)
    assert sp.spike_count_correlation(st, window=1.0, pairs=(1, 2)) == pytest.approx(-0.5)
    np.testing.assert_allclose(np.diag(rho), 1.0)


def test_accepts_result_object_or_raw_arrays():
    st = sp.poisson_spike_train(15.0, 2000.0, n_trains=4, seed=3)
    raw = sp.firing_rates(st.spike_times, st.spike_ids, n_neurons=4, t_max=2000.0)
    np.testing.assert_array_equal(sp.firing_rates(st), raw)
    assert isinstance(st.spike_ids[0], np.int64) and st.spike_times.dtype == np.float64
    assert np.all(np.diff(st.spike_times) >= 0)
    # any object with the four attributes (e.g. a simulate_population result) works
    class Result:
        spike_times, spike_ids, n_neurons, t_max = st
    np.testing.assert_array_equal(sp.fano_factor(Result(), window=100.0), sp.fano_factor(st, window=100.0))
    np.testing.assert_array_equal(st.train(2), st.spike_times[st.spike_ids == 2])


# ---------------------------------------------------------------------------
# Fast kernels against the naive twins
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bin_and_isi_match_naive(seed):
    st = sp.poisson_spike_train(40.0, 500.0, n_trains=5, seed=seed)
    for w in (0.7, 3.0, 25.0):
        np.testing.assert_array_equal(
            sp.bin_spikes(st, bin_width=w).counts,
            naive.bin_spikes(st.spike_times, st.spike_ids, st.n_neurons, st.t_max, w))
    for got, ref in zip(sp.isi(st), naive.isi(st.spike_times, st.spike_ids, st.n_neurons)):
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_cross_correlogram_matches_naive(seed):
    st = sp.poisson_spike_train(30.0, 400.0, n_trains=4, seed=seed)
    w, max_lag = 2.0, 30.0
    m = 15
    # explicit pairs, including an autocorrelogram
    pairs = [(0, 1), (2, 3), (1, 1), (3, 0)]
    cc = sp.cross_correlogram(st, pairs=pairs, bin_width=w, max_lag=max_lag)
    ref = naive.cross_correlogram_counts(st.spike_times, st.spike_ids, pairs, w, m)
    np.testing.assert_array_equal(cc.counts, ref)
    # all ordered pairs of distinct neurons (population kernel)
    all_pairs = [(k, j) for k in range(4) for j in range(4) if k != j]
    cc_all = sp.cross_correlogram(st, bin_width=w, max_lag=max_lag)
    np.testing.assert_array_equal(
        cc_all.counts, naive.cross_correlogram_counts(st.spike_times, st.spike_ids, all_pairs, w, m))
    assert cc_all.n_pairs == 12
    # normalisation: exact lag overlap integral, checked by quadrature
    weights = np.array([naive.lag_overlap(st.t_max, (b - m - 0.5) * w, (b - m + 0.5) * w)
                        for b in range(2 * m + 1)]) * 1e-6
    np.testing.assert_allclose(cc_all.correlation, cc_all.counts / (12 * weights), rtol=1e-6)
    rates = sp.firing_rates(st)
    prod = np.mean([rates[k] * rates[j] for k, j in all_pairs])
    np.testing.assert_allclose(cc_all.correlation - cc_all.covariance, prod)


@settings(max_examples=40, deadline=None)
@given(data=st_h.data())
def test_kernels_match_naive_on_integer_times_with_ties(data):
    # integer spike times put lags exactly on bin edges and create simultaneous spikes
    n = data.draw(st_h.integers(2, 4))
    times = np.sort(np.array(data.draw(st_h.lists(st_h.integers(0, 30), min_size=0, max_size=25)), float))
    ids = np.array(data.draw(st_h.lists(st_h.integers(0, n - 1), min_size=times.size, max_size=times.size)))
    # keep each neuron's times sorted and distinct within the neuron
    keep = np.ones(times.size, bool)
    seen = set()
    for s_, (t, i) in enumerate(zip(times, ids)):
        keep[s_] = (t, i) not in seen
        seen.add((t, i))
    times, ids = times[keep], ids[keep]
    w = float(data.draw(st_h.sampled_from([1.0, 2.0, 4.0])))
    m = data.draw(st_h.integers(0, 4))
    spikes = sp.SpikeTrains(times, ids.astype(np.int64), n, 31.0)
    np.testing.assert_array_equal(sp.bin_spikes(spikes, bin_width=w).counts,
                                  naive.bin_spikes(times, ids, n, 31.0, w))
    all_pairs = [(k, j) for k in range(n) for j in range(n) if k != j]
    ref = naive.cross_correlogram_counts(times, ids, all_pairs, w, m)
    np.testing.assert_array_equal(sp.cross_correlogram(spikes, bin_width=w, max_lag=m * w).counts, ref)
    np.testing.assert_array_equal(
        sp.cross_correlogram(spikes, pairs=all_pairs, bin_width=w, max_lag=m * w).counts, ref)
    auto = [(k, k) for k in range(n)]
    np.testing.assert_array_equal(sp.cross_correlogram(spikes, pairs=auto, bin_width=w, max_lag=m * w).counts,
                                  naive.cross_correlogram_counts(times, ids, auto, w, m))


def test_power_spectrum_matches_naive_periodogram():
    st = sp.poisson_spike_train(50.0, 200.0, n_trains=2, seed=5)
    dt = 2.0
    ps = sp.power_spectrum(st, dt=dt, average=False)
    counts = naive.bin_spikes(st.spike_times, st.spike_ids, 2, st.t_max, dt)
    for k in range(2):
        np.testing.assert_allclose(ps.power[k], naive.periodogram(counts[k], dt * 1e-3), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(ps.freqs, np.arange(51) * 5.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_cv_matches_naive_per_neuron_and_pooled(seed):
    # neuron 3 silent, neuron 4 with one spike, neuron 5 with two: NaN where fewer than two ISIs
    st = sp.gamma_spike_train(30.0, 2.0, 400.0, n_trains=3, seed=seed)
    t = np.concatenate([st.spike_times, [5.0, 7.0, 9.0]])
    ids = np.concatenate([st.spike_ids, [4, 5, 5]])
    intervals = naive.isi(t, ids, 6)
    got = sp.cv_isi(t, ids, n_neurons=6)
    ref = np.array([naive_spikes.cv(list(x)) for x in intervals])
    np.testing.assert_allclose(got, ref, rtol=1e-13, equal_nan=True)
    assert np.isnan(got[3:]).all()
    pooled = np.concatenate(intervals)
    assert sp.cv_isi(t, ids, n_neurons=6, pooled=True) == pytest.approx(naive_spikes.cv(list(pooled)), rel=1e-13)


@pytest.mark.parametrize("window, segment_length, dt", [("boxcar", 8.0, 1.0), ("hann", 16.0, 0.5),
                                                        ("hann", 50.0, 1.0), ("boxcar", None, 2.0)])
def test_segment_averaged_spectrum_matches_naive_welch(window, segment_length, dt):
    # short segments go through the FFT several at a time: each must be the naive periodogram
    st = sp.poisson_spike_train(60.0, 100.0, n_trains=3, seed=6)
    ps = sp.power_spectrum(st, dt=dt, segment_length=segment_length, window=window, average=False)
    counts = naive.bin_spikes(st.spike_times, st.spike_ids, 3, st.t_max, dt)
    seg = counts.shape[1] if segment_length is None else int(round(segment_length / dt))
    step = seg if window == "boxcar" else seg // 2
    taper = np.ones(seg) if window == "boxcar" else np.hanning(seg + 2)[1:-1]
    for k in range(3):
        np.testing.assert_allclose(ps.power[k], naive_spikes.welch(counts[k], dt * 1e-3, seg, step, taper),
                                   rtol=1e-10, atol=1e-9)
    assert ps.n_segments == 1 + (counts.shape[1] - seg) // step


def test_spectrum_in_many_chunks_equals_one_chunk(monkeypatch):
    # 40 neurons of 500 bins in chunks of 2 neurons (20 chunks > log2(n_spikes): the spikes are
    # sorted by neuron first) and of 9 neurons (5 chunks, every chunk scans all spikes)
    st = sp.poisson_spike_train(40.0, 500.0, n_trains=40, seed=7)
    whole = sp.power_spectrum(st, dt=1.0, segment_length=100.0, average=False).power
    for bins in (1000, 4500):
        monkeypatch.setattr(statistics, "_BINS_PER_CHUNK", bins)
        np.testing.assert_allclose(sp.power_spectrum(st, dt=1.0, segment_length=100.0, average=False).power,
                                   whole, rtol=1e-12, atol=1e-12)


def test_spike_count_correlation_matches_naive():
    st = sp.poisson_spike_train(30.0, 3000.0, n_trains=3, seed=8)
    rho = sp.spike_count_correlation(st, window=50.0)
    c = naive.bin_spikes(st.spike_times, st.spike_ids, 3, st.t_max, 50.0)
    for k in range(3):
        for j in range(3):
            assert rho[k, j] == pytest.approx(naive.pearson(list(c[k]), list(c[j])), abs=1e-12)


# ---------------------------------------------------------------------------
# Statistics of the generators against theory
# ---------------------------------------------------------------------------

def test_poisson_rate_cv_fano_within_standard_errors():
    rate, t_max, n = 20.0, 20_000.0, 40
    st = sp.poisson_spike_train(rate, t_max, n_trains=n, seed=11)
    # rate: total count is Poisson(n r T)
    expected = n * rate * t_max / 1000
    assert abs(st.spike_times.size - expected) < 4 * math.sqrt(expected)
    # CV from n_isi exponential ISIs: SE ~ 1/sqrt(n_isi) (delta method, see cv_isi Notes)
    n_isi = sp.isi(st, pooled=True).size
    cv = sp.cv_isi(st, pooled=True)
    assert abs(cv - 1.0) < 4 / math.sqrt(n_isi)
    # Fano with m windows per train: SE of one train ~ sqrt(2/(m-1)), averaged over n trains
    window = 100.0
    m = int(t_max / window)
    f = sp.fano_factor(st, window=window)
    assert abs(f.mean() - 1.0) < 4 * math.sqrt(2 / (m - 1) / n)
    # the empirical spread across trains agrees with that SE within sampling error (chi-square, n-1 dof)
    assert 0.5 < f.std(ddof=1) / math.sqrt(2 / (m - 1)) < 1.5


def test_fano_curve_is_flat_for_poisson():
    st = sp.poisson_spike_train(20.0, 20_000.0, n_trains=40, seed=12)
    windows = np.array([5.0, 20.0, 100.0, 500.0])
    curve = sp.fano_factor_curve(st, windows=windows)
    se = np.sqrt(2 / (20_000.0 / windows - 1) / 40)
    assert np.all(np.abs(curve.fano - 1.0) < 4 * se)
    # reported sem agrees with the derived one (ratio of sd estimates from 40 trains)
    np.testing.assert_allclose(curve.sem / se, 1.0, atol=0.4)


@pytest.mark.parametrize("shape_k", [0.5, 1.0, 4.0])
def test_gamma_cv_and_rate(shape_k):
    rate, t_max, n = 25.0, 20_000.0, 20
    st = sp.gamma_spike_train(rate, shape_k, t_max, n_trains=n, seed=21)
    intervals = sp.isi(st)
    cvs = sp.cv_isi(st)
    # delta-method SE of one train's CV from n_i Gamma ISIs: sqrt((1/k + 1/k^2) / (2 n_i))
    se_each = np.array([math.sqrt((1 / shape_k + 1 / shape_k**2) / (2 * x.size)) for x in intervals])
    se = math.sqrt(np.sum(se_each**2)) / n
    assert abs(cvs.mean() - 1 / math.sqrt(shape_k)) < 4 * se
    # the count of a stationary renewal process: Var N ~ CV^2 r T  (Cox & Lewis 1966, sec. 4.5)
    expected = n * rate * t_max / 1000
    assert abs(st.spike_times.size - expected) < 4 * math.sqrt(expected / shape_k)


def test_gamma_starts_in_equilibrium():
    # a stationary train has the same rate in its first 50 ms as on average
    rate, k, n = 20.0, 8.0, 4000
    st = sp.gamma_spike_train(rate, k, 50.0, n_trains=n, seed=4)
    expected = n * rate * 0.05
    # count over 50 ms is nearly Poisson-bounded (CV^2 < 1): use the Poisson SE as an upper bound
    assert abs(st.spike_times.size - expected) < 4 * math.sqrt(expected)


def test_inhomogeneous_poisson_follows_rate_profile():
    t_max, n = 1000.0, 400
    profile = np.array([5.0, 40.0, 0.0, 20.0])     # Hz on four 250-ms bins
    st = sp.poisson_spike_train(profile, t_max, n_trains=n, seed=9)
    counts = sp.bin_spikes(st, bin_width=250.0).counts.sum(axis=0)
    expected = profile * n * 0.25
    assert counts[2] == 0
    sel = expected > 0
    assert np.all(np.abs(counts[sel] - expected[sel]) < 4 * np.sqrt(expected[sel]))


def test_poisson_spectrum_flat_at_rate():
    rate = 30.0
    st = sp.poisson_spike_train(rate, 20_000.0, n_trains=10, seed=13)
    ps = sp.power_spectrum(st, dt=1.0, segment_length=1000.0)
    band = (ps.freqs > 0) & (ps.freqs < 500)
    # each value is a mean of n_averaged exponential periodograms with mean r;
    # different frequencies are independent for boxcar segments
    se_band = rate / math.sqrt(ps.n_averaged * band.sum())
    r_hat = sp.firing_rates(st).mean()
    assert abs(ps.power[band].mean() - rate) < 4 * se_band + abs(r_hat - rate)
    assert abs(ps.power[band].mean() - r_hat) < 4 * se_band
    # and flat: low band equals high band
    lo, hi = band & (ps.freqs < 100), band & (ps.freqs > 400)
    se_diff = rate * math.sqrt(1 / (ps.n_averaged * lo.sum()) + 1 / (ps.n_averaged * hi.sum()))
    assert abs(ps.power[lo].mean() - ps.power[hi].mean()) < 4 * se_diff


def test_hann_welch_spectrum_also_flat():
    rate = 30.0
    st = sp.poisson_spike_train(rate, 20_000.0, n_trains=10, seed=14)
    ps = sp.power_spectrum(st, dt=1.0, segment_length=500.0, window="hann")
    band = (ps.freqs > 10) & (ps.freqs < 490)
    r_hat = sp.firing_rates(st).mean()
    # overlapping Hann segments are correlated; bound the SE by treating only half as independent
    se_band = r_hat / math.sqrt(ps.n_averaged / 2 * band.sum() / 2)
    assert abs(ps.power[band].mean() - r_hat) < 4 * se_band


def test_gamma_spectrum_matches_renewal_formula():
    rate, k = 20.0, 4.0
    st = sp.gamma_spike_train(rate, k, 50_000.0, n_trains=20, seed=15)
    dt, seg = 0.5, 1000.0
    ps = sp.power_spectrum(st, dt=dt, segment_length=seg)

    def renewal(f):  # Cox & Lewis (1966): S = r Re[(1 + p)/(1 - p)], p the ISI characteristic function
        p = (1 + 2j * np.pi * f / (k * rate)) ** (-k)
        return rate * np.real((1 + p) / (1 - p))

    # Expected periodogram: the flat part r is exact after binning (aliases sum to r); the rest is
    # multiplied by sinc^2(nu dt) and smeared by the Fejer kernel T sinc^2((f - nu) T) of a T = 1 s segment.
    t_seg = seg * 1e-3
    dnu = 0.01
    nu = np.arange(-400.0, 400.0, dnu) + dnu / 2
    g = (renewal(nu) - rate) * np.sinc(nu * dt * 1e-3) ** 2
    f = ps.freqs[1:201]                 # 1 .. 200 Hz
    expected = rate + np.array([np.sum(g * t_seg * np.sinc((fi - nu) * t_seg) ** 2) * dnu for fi in f])
    # averages over 10 neighbouring frequencies: each periodogram value ~ exponential, SE = S / sqrt(n)
    got = ps.power[1:201].reshape(-1, 10).mean(axis=1)
    want = expected.reshape(-1, 10).mean(axis=1)
    se = want / math.sqrt(ps.n_averaged * 10)
    assert np.all(np.abs(got - want) < 4 * se)
    # the spectrum is far from flat: S(0) = r CV^2 = r / k at low f, and -> r at high f
    assert renewal(np.array([1e-3]))[0] == pytest.approx(rate / k, rel=1e-4)
    assert got[0] < 0.5 * rate
    hi = (ps.freqs > 400) & (ps.freqs < 900)
    assert abs(ps.power[hi].mean() - rate) < 4 * rate / math.sqrt(ps.n_averaged * hi.sum())


def test_independent_trains_correlogram_flat():
    rate, n = 20.0, 10
    st = sp.poisson_spike_train(rate, 20_000.0, n_trains=n, seed=16)
    cc = sp.cross_correlogram(st, bin_width=5.0, max_lag=100.0)
    # pair counts per bin are Poisson: SE of the covariance in each bin = sqrt(count) / (P * weight)
    se_bin = cc.correlation / np.sqrt(cc.counts)
    z = cc.covariance / se_bin
    assert abs(z.mean()) * math.sqrt(z.size) < 4          # the mean over lags is zero
    assert np.sum(z**2) < z.size + 4 * math.sqrt(2 * z.size)  # no lag stands out (chi-square)
    # raw correlation at the product of the true rates, within rate-estimate and count errors
    n_spk = st.spike_times.size
    rel_se = math.sqrt(4 / n_spk + 1 / cc.counts.sum())
    assert abs(cc.correlation.mean() / rate**2 - 1) < 4 * rel_se


def test_shared_input_count_correlation_equals_copy_probability():
    # each child keeps every spike of a Poisson mother train with probability p: rho = p exactly
    rng = np.random.default_rng(17)
    mother = sp.poisson_spike_train(100.0, 100_000.0, seed=rng).spike_times
    p = 0.3
    trains = [mother[rng.uniform(size=mother.size) < p] for _ in range(2)]
    st = sp.SpikeTrains.from_trains(trains, t_max=100_000.0)
    m = 1000
    rho = sp.spike_count_correlation(st, window=100.0, pairs=(0, 1))
    assert abs(rho - p) < 4 * (1 - p**2) / math.sqrt(m)
    # and the correlogram shows a peak of area p^2 R at lag 0 (a delta function of weight p^2 R)
    cc = sp.cross_correlogram(st, pairs=(0, 1), bin_width=1.0, max_lag=10.0)
    area = cc.covariance[cc.lags == 0][0] * 1e-3
    assert area == pytest.approx(p**2 * 100.0, rel=4 / math.sqrt(cc.counts[cc.lags == 0][0]))


def test_same_seed_same_trains():
    a = sp.gamma_spike_train(10.0, 2.0, 1000.0, n_trains=3, seed=7)
    b = sp.gamma_spike_train(10.0, 2.0, 1000.0, n_trains=3, seed=7)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)
    c = sp.poisson_spike_train(10.0, 1000.0, n_trains=3, seed=np.random.default_rng(7))
    d = sp.poisson_spike_train(10.0, 1000.0, n_trains=3, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(c.spike_ids, d.spike_ids)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

def test_bad_generator_input():
    with pytest.raises(ValueError, match=r"rate must be >= 0 Hz everywhere, got min -1 Hz"):
        sp.poisson_spike_train(-1.0, 100.0)
    with pytest.raises(ValueError, match=r"rate must be >= 0 Hz everywhere, got min -2 Hz"):
        sp.poisson_spike_train([1.0, -2.0], 100.0)
    with pytest.raises(ValueError, match=r"t_max must lie in \(0, inf\) ms, got 0 ms"):
        sp.poisson_spike_train(1.0, 0.0)
    with pytest.raises(ValueError, match=r"n_trains must be an integer in \[1, inf\], got 0"):
        sp.poisson_spike_train(1.0, 10.0, n_trains=0)
    with pytest.raises(ValueError, match=r"rate must lie in \(0, inf\) Hz, got 0 Hz"):
        sp.gamma_spike_train(0.0, 2.0, 100.0)
    with pytest.raises(ValueError, match=r"shape_k must lie in \(0, inf\), got -1"):
        sp.gamma_spike_train(5.0, -1.0, 100.0)
    with pytest.raises(ValueError, match=r"t_max must lie in \(0, inf\) ms, got -3 ms"):
        sp.gamma_spike_train(5.0, 1.0, -3.0)
    with pytest.raises(TypeError, match=r"seed must be None, a non-negative int or a numpy.random.Generator"):
        sp.poisson_spike_train(1.0, 10.0, seed="x")


T3 = np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: sp.bin_spikes(T3, bin_width=0.0, t_max=10.0), ValueError, r"bin_width must lie in \(0, inf\) ms, got 0"),
    (lambda: sp.bin_spikes(T3, bin_width=20.0, t_max=10.0), ValueError, r"bin_width must be <= t_max = 10 ms"),
    (lambda: sp.cross_correlogram(T3, pairs=(0, 0), bin_width=-1.0, t_max=10.0), ValueError,
     r"bin_width must lie in \(0, inf\) ms, got -1"),
    (lambda: sp.firing_rates(T3, t_max=0.0), ValueError, r"t_max must lie in \(0, inf\) ms, got 0"),
    (lambda: sp.firing_rates(T3), TypeError, r"t_max \(ms\) is required when spikes are given as raw arrays"),
    (lambda: sp.firing_rates(T3, t_max=2.5), ValueError, r"spike_times must lie in \[0, t_max\] = \[0, 2.5\] ms"),
    (lambda: sp.firing_rates(T3, np.array([0, 1, 3]), n_neurons=3, t_max=10.0), ValueError,
     r"spike_ids must lie in \[0, n_neurons - 1\] = \[0, 2\], got range \[0, 3\]"),
    (lambda: sp.firing_rates(T3, np.array([0, -1, 0]), t_max=10.0), ValueError,
     r"spike_ids must lie in \[0, n_neurons - 1\] = \[0, 0\], got range \[-1, 0\]"),
    (lambda: sp.firing_rates(T3, np.array([0, 1]), t_max=10.0), ValueError,
     r"spike_ids must have one entry per spike time, got 2 ids for 3 spike_times"),
    (lambda: sp.isi(np.array([3.0, 1.0, 2.0])), ValueError, r"spike_times must be sorted in time within each neuron"),
    (lambda: sp.cross_correlogram(np.array([3.0, 1.0]), np.array([0, 0]), pairs=(0, 0), t_max=10.0, max_lag=5.0),
     ValueError, r"spike_times must be sorted in time within each neuron"),
    (lambda: sp.fano_factor(T3, window=6.0, t_max=10.0), ValueError, r"window must be <= t_max / 2 = 5 ms"),
    (lambda: sp.fano_factor_curve(T3, windows=[1.0, -1.0], t_max=10.0), ValueError,
     r"windows must be > 0 ms everywhere, got min -1 ms"),
    (lambda: sp.population_rate(T3, bin_width=1.0, t_max=10.0, smoothing="triangle", smooth_width=1.0),
     ValueError, r"smoothing must be one of \['box', 'gaussian'\], got 'triangle'"),
    (lambda: sp.population_rate(T3, bin_width=1.0, t_max=10.0, smoothing="box"), TypeError,
     r"smooth_width \(ms\) is required when smoothing is set"),
    (lambda: sp.population_rate(T3, bin_width=1.0, t_max=10.0, smooth_width=2.0), ValueError,
     r"smooth_width needs smoothing='gaussian' or 'box'"),
    (lambda: sp.population_rate(T3, bin_width=1.0, t_max=10.0, smoothing="box", smooth_width=0.0), ValueError,
     r"smooth_width must lie in \(0, inf\) ms, got 0"),
    (lambda: sp.power_spectrum(T3, t_max=10.0, window="flat"), ValueError,
     r"window must be one of \['boxcar', 'hann'\], got 'flat'"),
    (lambda: sp.power_spectrum(T3, t_max=10.0, dt=0.0), ValueError, r"dt must lie in \(0, inf\) ms, got 0"),
    (lambda: sp.power_spectrum(T3, t_max=10.0, dt=6.0), ValueError, r"dt must be <= t_max / 2 = 5 ms"),
    (lambda: sp.power_spectrum(T3, t_max=10.0, segment_length=20.0), ValueError,
     r"segment_length must lie in \[2, 10\] ms, got 20 ms"),
    (lambda: sp.cross_correlogram(T3, pairs=(0, 1), t_max=10.0, max_lag=5.0), ValueError,
     r"pairs must hold neuron indices in \[0, n_neurons - 1\] = \[0, 0\], got range \[0, 1\]"),
    (lambda: sp.cross_correlogram(T3, [0, 1, 0], pairs=[(0, 1, 1)], t_max=10.0, max_lag=5.0), ValueError,
     r"pairs must have shape \(n_pairs, 2\), got \(1, 3\)"),
    (lambda: sp.cross_correlogram(T3, pairs=(0, 0), t_max=10.0, max_lag=-1.0), ValueError,
     r"max_lag must lie in \[0, 10\] ms, got -1 ms"),
    (lambda: sp.cross_correlogram(T3, t_max=10.0, max_lag=5.0), ValueError,
     r"n_neurons must be >= 2; pass pairs=\(0, 0\) for an autocorrelogram"),
    (lambda: sp.firing_rates("spikes", t_max=1.0), TypeError, r"spike_times must be an array of numbers, got str"),
    (lambda: sp.isi(T3, pooled=1), TypeError, r"pooled must be True or False, got int"),
    (lambda: sp.power_spectrum(T3, t_max=10.0, average="yes"), TypeError, r"average must be True or False, got str"),
    (lambda: sp.gamma_spike_train(5.0, 1.0, 100.0, n_trains=-2), ValueError,
     r"n_trains must be an integer in \[1, inf\], got -2"),
    (lambda: sp.SpikeTrains.from_trains([], t_max=10.0), ValueError, r"trains must contain at least one spike train"),
    (lambda: sp.SpikeTrains.from_trains([[1.0, 12.0]], t_max=10.0), ValueError,
     r"trains\[0\] must be <= 10 ms everywhere, got max 12 ms"),
])
def test_bad_statistics_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_trains_sorted_across_neurons_are_not_required():
    # unsorted across neurons but sorted within each is fine
    np.testing.assert_array_equal(sp.isi(np.array([3.0, 1.0, 5.0]), np.array([0, 1, 0]), pooled=True), [2.0])


def test_exported_at_top_level():
    for name in sp.__all__:
        assert getattr(snnlib, name) is getattr(sp, name)


# --- population activity: spectrum and synchrony ---------------------------------------------------
@pytest.mark.parametrize("dt, w", [(0.1, 0.1), (0.1, 0.2), (0.05, 0.15), (0.1, 1.0)])
def test_times_on_a_simulation_grid_are_binned_as_exact_arithmetic_bins_them(dt, w):
    # a simulation's spike times are k * dt in floating point; k * 0.1 / 0.1 < k for 6.5 % of k
    per_bin = round(w / dt)
    n_bins = 200_000 // per_bin
    k = np.arange(n_bins * per_bin)
    times = k * dt
    want = np.bincount(k // per_bin)
    t_max = n_bins * w
    st = sp.SpikeTrains(times, np.zeros(k.size, np.int64), 1, t_max)
    np.testing.assert_array_equal(sp.bin_spikes(st, bin_width=w).counts[0], want)
    # lags j * dt of pairs (j, 0): exact bin m + floor((2 j + per_bin) / (2 per_bin)), edges up
    m = 3
    j = np.arange(-m * per_bin, m * per_bin)
    t0 = 1000.0 * dt                                # a grid time away from 0
    times = np.concatenate([[t0], t0 + j * dt])
    ids = np.arange(j.size + 1)
    few = sp.SpikeTrains(times, ids, j.size + 1, 2 * t0)
    want_lag = m + (2 * j + per_bin) // (2 * per_bin)
    pairs = [(i, 0) for i in range(1, j.size + 1)]
    for i, b in zip(range(1, j.size + 1), want_lag):
        cc = sp.cross_correlogram(few, pairs=[(i, 0)], bin_width=w, max_lag=m * w)
        ref = naive.cross_correlogram_counts(times, ids, [(i, 0)], w, m)
        assert cc.counts[b] == 1 and cc.counts.sum() == 1
        np.testing.assert_array_equal(cc.counts, ref)
    assert len(pairs) == j.size


def test_pooled_spectrum_of_independent_grid_trains_is_flat_at_high_frequency():
    # independent Poisson trains on a 0.1-ms grid, binned at the grid step: S_A -> r / N
    rng = np.random.default_rng(3)
    n, steps, p = 200, 200_000, 0.002                    # 20 Hz in 0.1-ms steps, 20 s
    hit = rng.random((n, steps)) < p
    ids, k = np.nonzero(hit)
    order = np.argsort(k, kind="stable")
    st = sp.SpikeTrains(k[order] * 0.1, ids[order].astype(np.int64), n, steps * 0.1)
    ps = sp.population_spectrum(st, dt=0.1, segment_length=100.0, window="boxcar")
    band = ps.freqs > 2000.0
    r = st.spike_times.size / n / 20.0
    vals = ps.power[band] / (r / n)       # a Bernoulli train on the grid: r (1 - p) / N
    target = 1.0 - p
    se = 1.0 / math.sqrt(ps.n_averaged * vals.size)
    assert abs(vals.mean() - target) < 4 * se


def test_population_spectrum_of_independent_and_identical_trains():
    from snnlib.spikes import poisson_spike_train, population_spectrum, power_spectrum

    n, rate = 40, 25.0
    st = poisson_spike_train(rate, 20_000.0, n_trains=n, seed=4)
    ps = population_spectrum(st, dt=1.0, segment_length=500.0, window="boxcar")
    # independent: S_A = r / N at every f > 0; each value averages n_averaged exponential periodograms
    vals = ps.power[1:-1]
    se = (rate / n) / math.sqrt(ps.n_averaged * vals.size)
    assert abs(vals.mean() - rate / n) < 4 * se
    # N identical trains: the population activity is the single train
    one = poisson_spike_train(rate, 20_000.0, n_trains=1, seed=5)
    same = snnlib.SpikeTrains(np.repeat(one.spike_times, n), np.tile(np.arange(n), one.spike_times.size), n,
                              one.t_max)
    np.testing.assert_allclose(population_spectrum(same, dt=1.0, segment_length=500.0).power,
                               power_spectrum(one, dt=1.0, segment_length=500.0, window="hann").power, rtol=1e-10)


def test_synchrony_index_limits():
    from snnlib.spikes import poisson_spike_train, synchrony_index

    n, t_max, width = 100, 50_000.0, 5.0
    st = poisson_spike_train(20.0, t_max, n_trains=n, seed=6)
    chi = synchrony_index(st, bin_width=width)
    # independent: chi^2 = 1/N up to the sampling error of a variance over M bins, sqrt(2/M)
    m = t_max / width
    assert abs(chi ** 2 * n - 1.0) < 4 * math.sqrt(2.0 / m)
    one = poisson_spike_train(20.0, t_max, n_trains=1, seed=7)
    same = snnlib.SpikeTrains(np.repeat(one.spike_times, 3), np.tile(np.arange(3), one.spike_times.size), 3,
                              one.t_max)
    assert synchrony_index(same, bin_width=width) == pytest.approx(1.0, rel=1e-12)
    # against a naive computation on the count matrix
    counts = snnlib.bin_spikes(st, bin_width=width).counts.astype(float)
    ref = math.sqrt(counts.mean(axis=0).var() / counts.var(axis=1).mean())
    assert chi == pytest.approx(ref, rel=1e-12)
    with pytest.raises(ValueError, match=r"bin_width must be <= t_max / 2"):
        synchrony_index(st, bin_width=t_max)



def test_mean_count_correlation_and_its_jackknife_error():
    from snnlib.spikes import mean_count_correlation, poisson_spike_train

    # against the full matrix of spike_count_correlation
    st = poisson_spike_train(30.0, 20_000.0, n_trains=12, seed=8)
    rho = snnlib.spike_count_correlation(st, window=50.0)
    mc = mean_count_correlation(st, window=50.0)
    assert mc.mean == pytest.approx(np.nanmean(rho[np.triu_indices(12, 1)]), rel=1e-12)
    assert (mc.n_pairs, mc.n_windows) == (66, 400)
    # neurons that share a Poisson train: N_i = common + own, rho = r_c / (r_c + r_o) = 0.2;
    # the jackknife error against the spread of 20 independent repetitions
    means, ses = [], []
    for seed in range(20):
        common = poisson_spike_train(10.0, 20_000.0, seed=100 + seed)
        own = poisson_spike_train(40.0, 20_000.0, n_trains=10, seed=200 + seed)
        t = np.concatenate([own.spike_times, np.tile(common.spike_times, 10)])
        i = np.concatenate([own.spike_ids, np.repeat(np.arange(10), common.spike_times.size)])
        order = np.lexsort((i, t))
        both = snnlib.SpikeTrains(t[order], i[order], 10, 20_000.0)
        mc = mean_count_correlation(both, window=50.0)
        means.append(mc.mean)
        ses.append(mc.se)
    means = np.array(means)
    assert abs(means.mean() - 0.2) < 4 * means.std(ddof=1) / math.sqrt(20)
    # the jackknife estimates the spread of the mean: their ratio has a sampling error of about
    # 1 / sqrt(2 * 19) from the 20 repetitions and ~ 1 / sqrt(2 * 9) per jackknife of 10 blocks
    ratio = np.mean(ses) / means.std(ddof=1)
    assert abs(ratio - 1) < 4 * math.sqrt(1 / 38 + 1 / (18 * 20))
    with pytest.raises(ValueError, match="neurons must hold at least 2 distinct neuron indices"):
        mean_count_correlation(st, window=50.0, neurons=[3])
    with pytest.raises(ValueError, match="blocks must be an integer >= 2"):
        mean_count_correlation(st, window=50.0, blocks=1)


def test_count_covariance_is_the_block_average_of_sample_covariances_by_hand():
    st = sp.poisson_spike_train(30.0, 4_000.0, n_trains=3, seed=6)
    cc = sp.count_covariance(st, window=100.0, blocks=4)
    counts = naive.bin_spikes(st.spike_times, st.spike_ids, 3, st.t_max, 100.0).astype(float)
    for b in range(4):
        x = counts[:, 10 * b:10 * (b + 1)]
        for i in range(3):
            for j in range(3):
                xi, xj = x[i] - x[i].mean(), x[j] - x[j].mean()
                assert cc.blocks[b, i, j] == pytest.approx(float(np.sum(xi * xj)) / 9 / 0.1, rel=1e-12)
    np.testing.assert_allclose(cc.covariance, cc.blocks.mean(axis=0))
    m, se = cc.pair_mean([(0, 1), (2, 1)])
    per = cc.blocks[:, [0, 2], [1, 1]].mean(axis=1)
    assert m == pytest.approx(per.mean()) and se == pytest.approx(per.std(ddof=1) / 2.0)


def test_count_covariance_of_poisson_and_shared_input_within_errors():
    # Poisson: Cov(N_i, N_j)/T = r delta_ij; a copy process with shared fraction c: c r off the diagonal
    rate, n, t_max = 20.0, 40, 200_000.0
    cc = sp.count_covariance(sp.poisson_spike_train(rate, t_max, n_trains=n, seed=2), window=100.0)
    m, se = cc.pair_mean([(i, i) for i in range(n)])
    assert abs(m - rate) < 4 * se
    off = [(i, j) for i in range(n) for j in range(n) if i != j]
    m, se = cc.pair_mean(off)
    assert abs(m) < 4 * se
    r_half, ceiling = cc.split_half()          # nothing to find: the halves are uncorrelated
    assert abs(r_half) < 4 / math.sqrt(n * (n - 1) / 2) and ceiling == pytest.approx(2 * r_half / (1 + r_half))
    mother = sp.poisson_spike_train(rate / 0.2, t_max, n_trains=1, seed=3).spike_times
    rng = np.random.default_rng(4)
    trains = [np.sort(mother[rng.random(mother.size) < 0.2]) for _ in range(6)]
    st = sp.SpikeTrains.from_trains(trains, t_max=t_max)
    cc = sp.count_covariance(st, window=100.0)
    m, se = cc.pair_mean([(i, j) for i in range(6) for j in range(6) if i != j])
    assert abs(m - 0.2 * rate) < 4 * se        # shared spikes: p^2 (r / p) = p r


def test_count_covariance_bad_input():
    st = sp.poisson_spike_train(20.0, 1_000.0, n_trains=2, seed=1)
    with pytest.raises(ValueError, match="blocks"):
        sp.count_covariance(st, window=10.0, blocks=1)
    with pytest.raises(ValueError, match="window"):
        sp.count_covariance(st, window=100.0, blocks=10)      # 10 windows < 2 x 10
    with pytest.raises(ValueError, match="window"):
        sp.count_covariance(st, window=-1.0)
    cc = sp.count_covariance(st, window=10.0)
    with pytest.raises(ValueError, match="pairs"):
        cc.pair_mean([(0, 5)])
    with pytest.raises(ValueError, match="pairs"):
        cc.pair_mean([0, 1])


def test_time_blocks_partition_the_record():
    st = sp.poisson_spike_train(30.0, 1_000.0, n_trains=4, seed=8)
    blocks = sp.time_blocks(st, 7)
    assert len(blocks) == 7 and all(b.t_max == pytest.approx(1_000.0 / 7) for b in blocks)
    back = np.concatenate([b.spike_times + k * 1_000.0 / 7 for k, b in enumerate(blocks)])
    np.testing.assert_allclose(back, st.spike_times, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.concatenate([b.spike_ids for b in blocks]), st.spike_ids)
    # counts in 10-ms bins: block by block, the same as the whole record's bins
    whole = sp.bin_spikes(st, bin_width=10.0).counts
    parts = np.hstack([sp.bin_spikes(b, bin_width=10.0).counts for b in sp.time_blocks(st, 4)])
    np.testing.assert_array_equal(parts, whole)
    with pytest.raises(ValueError, match="n_blocks"):
        sp.time_blocks(st, 1)
    with pytest.raises(ValueError, match="n_blocks"):
        sp.time_blocks(st, 2.5)


def test_power_spectrum_peak_finds_a_periodic_train_and_checks_f_min():
    # a regular Gamma train (CV 0.1): the renewal spectrum peaks within a few Hz of the rate
    st = sp.gamma_spike_train(40.0, 100.0, 100_000.0, n_trains=20, seed=3)
    ps = sp.power_spectrum(st, dt=1.0, segment_length=1000.0)
    assert abs(ps.peak(f_min=10.0) - 40.0) <= 2.0
    assert ps.peak() == ps.peak(f_min=0.0)
    with pytest.raises(ValueError, match="f_min"):
        ps.peak(f_min=-1.0)
