"""cross_spectrum_matrix against its naive twin and against the exact Hawkes cross-spectrum."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import naive.spikes as naive_spikes
import snnlib

W = np.array([[0.0, 0.3, 0.0, 0.0],
              [0.0, 0.0, 0.2, 0.1],
              [0.25, 0.0, 0.0, 0.0],
              [0.0, 0.0, 0.3, 0.0]])
TAU, DELAY, BASE = 5.0, 3.0, 10.0


def test_matches_the_naive_twin():
    hk = snnlib.simulate_hawkes(BASE, W, tau=TAU, delay=DELAY, t_max=30_500.0, seed=0)
    freqs = [0.0, 2.0, 10.0, 130.0]
    got = snnlib.cross_spectrum_matrix(hk, freqs=freqs, segment_length=500.0)
    ref = naive_spikes.cross_spectrum_matrix(hk.spike_times, hk.spike_ids, 4, hk.t_max, freqs, 500.0)
    assert got.n_segments == 61
    np.testing.assert_allclose(got.spectra, ref, rtol=1e-10, atol=1e-10)


def test_agrees_with_the_hawkes_spectrum_within_its_errors():
    freqs = np.array([0.0, 10.0, 25.0, 60.0, 200.0])
    hk = snnlib.simulate_hawkes(BASE, W, tau=TAU, delay=DELAY, t_max=1_000_000.0, seed=1)
    cs = snnlib.cross_spectrum_matrix(hk, freqs=freqs, segment_length=1000.0)
    theory = snnlib.hawkes_cross_spectrum(BASE, W, TAU, freqs, delay=DELAY)
    iu, off = np.triu_indices(4), np.triu_indices(4, 1)
    z_re = ((cs.spectra.real - theory.real) / cs.stderr.real)[:, iu[0], iu[1]]
    z_im = ((cs.spectra.imag - theory.imag)[1:, off[0], off[1]]
            / cs.stderr.imag[1:, off[0], off[1]])
    z = np.concatenate([z_re.ravel(), z_im.ravel()])
    # 1000 segments: each value is a mean of 1000 nearly independent terms, so normal; Bonferroni
    # over the distinct real and imaginary parts at a 1 % family-wise false-alarm rate
    assert np.abs(z).max() < stats.norm.isf(0.01 / (2 * z.size))
    assert np.all(cs.spectra.imag[0] == 0.0)
    np.testing.assert_allclose(cs.spectra, np.conj(np.swapaxes(cs.spectra, 1, 2)), atol=1e-9)


def test_input_errors():
    st = snnlib.poisson_spike_train(10.0, 10_000.0, n_trains=2, seed=2)
    with pytest.raises(ValueError, match="multiples of the resolution"):
        snnlib.cross_spectrum_matrix(st, freqs=[1.5], segment_length=1000.0)
    with pytest.raises(ValueError, match="segment_length"):
        snnlib.cross_spectrum_matrix(st, freqs=[1.0], segment_length=6000.0)
    with pytest.raises(ValueError, match="freqs"):
        snnlib.cross_spectrum_matrix(st, freqs=[-1.0], segment_length=1000.0)
    with pytest.raises(TypeError, match="segment_length"):
        snnlib.cross_spectrum_matrix(st, freqs=[1.0], segment_length="1 s")
