"""Connectivity from correlations (snnlib.network.inverse): the Hawkes forward design checked by
finite differences and by simulation, the Hawkes inverse against the exact spectra and against
simulated data, and the mean-field inverse of a Boltzmann distribution against exact enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import snnlib
from snnlib.network.inverse import _loss_and_gradient

TAU, DELAY, BASE = 5.0, 3.0, 10.0     # ms, ms, Hz


def _sparse_weights(n, p, low, high, seed):
    rng = np.random.default_rng(seed)
    mask = (rng.random((n, n)) < p) & ~np.eye(n, dtype=bool)
    return np.where(mask, rng.uniform(low, high, (n, n)), 0.0), mask


# ---------------------------------------------------------------- forward design
def test_gradient_matches_central_differences():
    w, _ = _sparse_weights(7, 0.4, 0.05, 0.25, seed=0)
    target = snnlib.hawkes_count_covariance(BASE, w)
    b, w0 = np.full(7, BASE), 0.6 * w + 0.02
    np.fill_diagonal(w0, 0.0)
    norm2 = float(np.sum(target ** 2))
    _, grad, _ = _loss_and_gradient(b, w0, target, norm2)
    rng, h = np.random.default_rng(1), 1e-6
    for _ in range(5):
        e = rng.normal(size=w0.shape)
        up = _loss_and_gradient(b, w0 + h * e, target, norm2)[0]
        down = _loss_and_gradient(b, w0 - h * e, target, norm2)[0]
        # central difference error O(h^2 L''') ~ 1e-12 against a directional derivative ~ 0.1
        assert (up - down) / (2 * h) == pytest.approx(np.sum(grad * e), rel=1e-6)


@pytest.mark.parametrize("method, seed", [("lbfgs", 2), ("gradient", 0)])
def test_fit_on_the_true_mask_recovers_the_weights(method, seed):
    w, mask = _sparse_weights(10, 0.3, 0.05, 0.3, seed=seed)
    fit = snnlib.fit_hawkes_weights(BASE, snnlib.hawkes_count_covariance(BASE, w), mask=mask,
                                    method=method, n_steps=5000, tol=1e-24)
    assert fit.loss[-1] < 1e-20
    # on this mask the map W -> C is injective near the truth, so the minimiser is the truth: a
    # relative residual below 1.4e-10 leaves the weights within ~1e-9 (condition number ~10)
    assert np.abs(fit.weights - w).max() < 1e-7
    assert np.abs(fit.rates - snnlib.hawkes_rates(BASE, w)).max() < 1e-5
    if method == "gradient":        # Armijo steps never raise the loss
        assert np.all(np.diff(fit.loss) <= 0.0)


def test_fitted_network_reproduces_its_target_in_simulation():
    """Fit with every connection allowed (a larger family than the network that made the target),
    then simulate the fitted network: the measured count covariances (1-s windows) agree with the
    target within the statistics."""
    w, _ = _sparse_weights(6, 0.4, 0.1, 0.3, seed=3)
    target = snnlib.hawkes_count_covariance(BASE, w)
    fit = snnlib.fit_hawkes_weights(BASE, target, n_steps=5000)
    assert fit.loss[-1] < 1e-8 * fit.loss[0]
    hk = snnlib.simulate_hawkes(BASE, fit.weights, tau=TAU, delay=DELAY, t_max=2_000_000.0, seed=4)
    cs = snnlib.cross_spectrum_matrix(hk, freqs=0.0, segment_length=1000.0)
    iu = np.triu_indices(6)
    z = ((cs.spectra[0].real - target) / cs.stderr[0].real)[iu]
    # the window's bias (correlation time ~ 10 ms of 1000 ms)
    # is ~1 % of a covariance, far below its standard error. Bonferroni limit at 1 % over 21 values.
    assert np.abs(z).max() < stats.norm.isf(0.01 / (2 * z.size))


def test_fit_input_errors():
    target = snnlib.hawkes_count_covariance(BASE, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="target must be a square"):
        snnlib.fit_hawkes_weights(BASE, np.ones((3, 2)))
    with pytest.raises(ValueError, match="symmetric"):
        snnlib.fit_hawkes_weights(BASE, target + np.triu(np.ones((3, 3)), 1))
    with pytest.raises(ValueError, match="max_radius"):
        snnlib.fit_hawkes_weights(BASE, target, max_radius=1.0)
    with pytest.raises(ValueError, match="weights0"):
        snnlib.fit_hawkes_weights(BASE, target, weights0=np.full((3, 3), 0.6))
    with pytest.raises(ValueError, match="mask"):
        snnlib.fit_hawkes_weights(BASE, target, mask=np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="baseline"):
        snnlib.fit_hawkes_weights(-1.0, target)
    with pytest.raises(ValueError, match="method"):
        snnlib.fit_hawkes_weights(BASE, target, method="newton")
    with pytest.raises(ValueError, match="n_steps"):
        snnlib.fit_hawkes_weights(BASE, target, n_steps=0)


# ---------------------------------------------------------------- Hawkes inverse
def test_inverse_of_exact_spectra_is_exact():
    w, _ = _sparse_weights(6, 0.5, -0.2, 0.3, seed=5)
    w *= 0.8 / max(1.0, np.abs(np.linalg.eigvals(w)).max())
    freqs = [0.0, 15.0, 40.0]
    c = snnlib.hawkes_cross_spectrum(50.0, w, TAU, freqs, delay=DELAY)
    got = snnlib.infer_hawkes_weights(snnlib.hawkes_rates(50.0, w), c, freqs, tau=TAU, delay=DELAY)
    assert np.abs(got - w).max() < 1e-10


def test_inverse_from_simulated_spectra_is_unbiased():
    """Eight independent recordings: the mean inferred weight of every pair lies within the
    t(7) limit of the spread across recordings (no bias detectable at this precision)."""
    w, _ = _sparse_weights(5, 0.4, 0.1, 0.3, seed=6)
    freqs = [0.0, 10.0, 20.0, 40.0, 80.0]
    got = []
    for seed in range(8):
        hk = snnlib.simulate_hawkes(BASE, w, tau=TAU, delay=DELAY, t_max=400_000.0, seed=100 + seed)
        cs = snnlib.cross_spectrum_matrix(hk, freqs=freqs, segment_length=1000.0)
        got.append(snnlib.infer_hawkes_weights(snnlib.firing_rates(hk), cs.spectra, freqs,
                                               tau=TAU, delay=DELAY))
    got = np.array(got)
    t = (got.mean(axis=0) - w) / (got.std(axis=0, ddof=1) / np.sqrt(8))
    assert np.abs(t).max() < stats.t.isf(0.01 / (2 * w.size), df=7)     # Bonferroni over 25 at 1 %
    assert got.std(axis=0, ddof=1).max() < 0.1                             # and informative


def test_inverse_input_errors():
    w = np.array([[0.0, 0.3], [0.1, 0.0]])
    c = snnlib.hawkes_cross_spectrum(BASE, w, TAU, [0.0, 20.0], delay=DELAY)
    r = snnlib.hawkes_rates(BASE, w)
    with pytest.raises(ValueError, match="delay"):
        snnlib.infer_hawkes_weights(r, c, [0.0, 20.0], tau=TAU, delay=0.0)
    with pytest.raises(ValueError, match="freqs must hold at least two"):
        snnlib.infer_hawkes_weights(r, c[:1], [20.0], tau=TAU, delay=DELAY)
    with pytest.raises(ValueError, match="spectra"):
        snnlib.infer_hawkes_weights(r, c[:, :1], [0.0, 20.0], tau=TAU, delay=DELAY)
    with pytest.raises(ValueError, match="rates"):
        snnlib.infer_hawkes_weights([1.0, 0.0], c, [0.0, 20.0], tau=TAU, delay=DELAY)
    with pytest.raises(ValueError, match="invertible"):
        snnlib.infer_hawkes_weights(r, np.zeros((2, 2, 2)), [0.0, 20.0], tau=TAU, delay=DELAY)


# ---------------------------------------------------------------- Boltzmann inverse
def test_mean_field_inverse_error_is_second_order():
    """The error of the naive mean-field weights is c eps^2 (1 + k eps + O(eps^2)) in the coupling
    scale eps: halving eps divides it by 4 (1 + k eps / 2 + ...), a ratio whose distance from 4
    itself halves with eps."""
    rng = np.random.default_rng(7)
    a = rng.normal(size=(8, 8))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 0.0)
    bias = rng.normal(0.0, 0.5, 8)
    errors = []
    for eps in (0.02, 0.01, 0.005, 0.0025):
        m, zz = snnlib.boltzmann_statistics(eps * a, bias)
        w_mf, b_mf = snnlib.mean_field_weights(m, zz - np.outer(m, m))
        errors.append(np.linalg.norm(w_mf - eps * a))
        assert np.abs(b_mf - bias).max() < 10 * eps ** 2
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert ratios[-1] == pytest.approx(4.0, rel=0.05)
    # the next order: 4 - ratio is linear in eps, so consecutive distances from 4 differ by 2
    gaps = 4.0 - ratios
    assert gaps[0] / gaps[1] == pytest.approx(2.0, rel=0.1)
    assert gaps[1] / gaps[2] == pytest.approx(2.0, rel=0.1)


def test_mean_field_inverse_input_errors():
    with pytest.raises(ValueError, match="mean"):
        snnlib.mean_field_weights([0.5, 1.0], np.eye(2))
    with pytest.raises(ValueError, match="covariance"):
        snnlib.mean_field_weights([0.5, 0.5], np.eye(3))
    with pytest.raises(ValueError, match="positive definite"):
        snnlib.mean_field_weights([0.5, 0.5], np.ones((2, 2)))
    with pytest.raises(ValueError, match="symmetric"):
        snnlib.mean_field_weights([0.5, 0.5], [[1.0, 0.1], [0.0, 1.0]])
