"""Susceptibility chi(f) and spike-train spectrum S(f) by threshold integration.

References: the LIF closed form with parabolic cylinder functions (tests/naive/fokker_planck.py,
mpmath and an independent integral representation), the plain-loop twin of the
kernel, exact identities (chi(0) = d rate / d mu, S(0) = r CV^2, S -> r), and the
high-frequency asymptotes of Brunel et al. (2001) and Fourcaud-Trocme et al. (2003).
"""

import importlib.util
import math
import warnings

import numpy as np
import pytest

import naive
import snnlib
from snnlib.fokker_planck.grid import threshold_integrate
from snnlib.fokker_planck.linear_response import _KAPPA, _MAX_REFINEMENTS, _lr_kernel, _step_coefficients

# the closed forms of the LIF need mpmath (an optional dependency); the other tests do not
needs_mpmath = pytest.mark.skipif(importlib.util.find_spec("mpmath") is None, reason="mpmath is not installed")


@needs_mpmath
@pytest.mark.parametrize("model, mu, sigma", [
    (snnlib.LIF(), 12.0, 3.0),                                              # noise-driven, t_ref 2 ms
    (snnlib.LIF(tau_m=10.0, t_ref=2.0, v_th=15.0, v_reset=0.0, e_l=0.0), 15.0, math.sqrt(0.75)),
    (snnlib.LIF(t_ref=0.0), 18.0, 1.0),                                     # mean-driven, resonant
])
def test_lif_chi_matches_parabolic_cylinder_closed_form(model, mu, sigma):
    freqs = np.array([1.0, 30.0, 200.0, 1000.0])
    chi = snnlib.susceptibility(model, mu, sigma, freqs)
    ref = np.array([naive.fp_chi_lif_closed_form(model.tau_m, model.e_l, model.v_th, model.v_reset,
                                                 model.t_ref, mu, sigma, f) for f in freqs])
    np.testing.assert_allclose(chi, ref, rtol=1e-9)


@needs_mpmath
@pytest.mark.parametrize("model, mu, sigma", [
    (snnlib.LIF(), 12.0, 3.0),
    (snnlib.LIF(t_ref=0.0), 18.0, 1.0),                                     # regular: sharp peaks
])
def test_lif_spectrum_matches_closed_form(model, mu, sigma):
    freqs = np.array([0.5, 3.0, 10.0, 50.0, 300.0])
    s = snnlib.spike_spectrum(model, mu, sigma, freqs)
    ref = np.array([naive.fp_chi_lif_spectrum_closed_form(model.tau_m, model.e_l, model.v_th, model.v_reset,
                                                          model.t_ref, mu, sigma, f) for f in freqs])
    np.testing.assert_allclose(s, ref, rtol=1e-8)


@needs_mpmath
def test_closed_form_references_agree():
    # mpmath's D_nu and the integral representation are independent implementations
    lif = snnlib.LIF()
    args = (lif.tau_m, lif.e_l, lif.v_th, lif.v_reset, lif.t_ref, 12.0, 3.0, 20.0)
    a = naive.fp_chi_lif_closed_form(*args, method="mpmath")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # quad's round-off notes at epsrel 1e-12
        b = naive.fp_chi_lif_closed_form(*args, method="integral")
    assert abs(a - b) < 1e-9 * abs(a)


@pytest.mark.parametrize("model, mu, sigma", [(snnlib.LIF(), 12.0, 3.0), (snnlib.EIF(), 10.0, 2.0)])
def test_kernel_matches_naive_twin(model, mu, sigma):
    h = 0.05
    n_below = 300
    v = model.v_reset + h * np.arange(-n_below, int(round((model.v_th - model.v_reset) / h)) + 1)
    f_mid = model.drift(v[:-1] + 0.5 * h, mu)
    d = sigma ** 2 / model.tau_m
    p, pbar = np.empty(v.size), np.empty(v.size - 1)
    threshold_integrate(f_mid, h, n_below, d, p, pbar, np.empty(4))
    expx, c_p, c_j, c_m = (np.empty(f_mid.size) for _ in range(4))
    _step_coefficients(f_mid, h, d, expx, c_p, c_j, c_m)
    w = 2 * np.pi * np.array([0.005, 0.05, 0.3])               # rad/ms
    ma, qr, me = (np.empty(3, complex) for _ in range(3))
    g = np.empty(3)
    _lr_kernel(w, model.t_ref, model.tau_m, expx, c_p, c_j, c_m, pbar, n_below, ma, qr, me, g)
    r0 = 1.0 / (model.t_ref + pbar.sum() * h)
    for k in range(3):
        chi_ref, f_ref = naive.fp_chi_threshold_integrate(w[k], model.t_ref, model.tau_m, list(f_mid),
                                                          list(pbar), h, n_below, d)
        assert -r0 * me[k] / qr[k] == pytest.approx(chi_ref, rel=1e-9)
        # 1 - F = J_r / J_a  with J_a = g + i w M_a and J_r = i w Q_r
        one_minus_f = 1j * w[k] * qr[k] / (g[k] + 1j * w[k] * ma[k])
        assert 1.0 - one_minus_f == pytest.approx(f_ref, rel=1e-9)


@pytest.mark.parametrize("model, mu, sigma", [(snnlib.LIF(), 12.0, 3.0), (snnlib.EIF(), 10.0, 2.0),
                                              (snnlib.EIF(), 25.0, 1.0)])
def test_chi_zero_is_slope_of_rate(model, mu, sigma):
    def central(eps):
        return (snnlib.stationary(model, mu + eps, sigma).rate
                - snnlib.stationary(model, mu - eps, sigma).rate) / (2 * eps)

    slope = (4 * central(1e-3) - central(2e-3)) / 3       # Richardson: error O(eps^4)
    chi0 = snnlib.susceptibility(model, mu, sigma, 0.0)
    # the rates are accurate to ~1e-9 and the extrapolated difference to ~eps^4 r^(5)/r' ~ 1e-11
    assert chi0.real == pytest.approx(slope, rel=1e-7)
    assert abs(chi0.imag) < 1e-12 * abs(chi0)


@pytest.mark.parametrize("model, mu, sigma", [(snnlib.LIF(), 12.0, 3.0), (snnlib.EIF(), 10.0, 2.0)])
def test_spectrum_limits(model, mu, sigma):
    st = snnlib.stationary(model, mu, sigma)
    s = snnlib.spike_spectrum(model, mu, sigma, [0.0, 1e-3, 2e4])
    assert s[0] == pytest.approx(st.rate * st.cv ** 2, rel=1e-12)
    # continuity at f -> 0: S(f) - S(0) = O(f^2)
    assert s[1] == pytest.approx(s[0], rel=1e-5)
    # high frequency: spikes look Poisson at short time scales, S -> r
    assert s[2] == pytest.approx(st.rate, rel=1e-3)


def test_lif_tail_sqrt_and_45_degrees():
    lif, mu, sigma = snnlib.LIF(), 12.0, 3.0
    r0 = snnlib.stationary(lif, mu, sigma).rate
    f = np.array([1e4, 1e5])
    wt = 2 * np.pi * f / 1000.0 * lif.tau_m
    chi = snnlib.susceptibility(lif, mu, sigma, f)
    # Brunel et al. (2001) asymptote in our sigma: chi ~ r0 / (sigma sqrt(i w tau))
    dev = chi * sigma * np.sqrt(1j * wt) / r0 - 1.0
    assert np.all(np.abs(dev) < 0.02)
    # the deviation is the next order, O((w tau)^{-1/2}): it shrinks by sqrt(10) per decade
    assert abs(dev[0]) / abs(dev[1]) == pytest.approx(math.sqrt(10.0), rel=0.1)
    assert np.degrees(np.angle(chi[1])) == pytest.approx(-45.0, abs=0.5)


def test_eif_tail_one_over_f_and_90_degrees():
    # a cut-off far above v_t so that the EIF asymptote holds up to high frequency
    eif, mu, sigma = snnlib.EIF(v_th=-20.0), 10.0, 3.0
    r0 = snnlib.stationary(eif, mu, sigma).rate
    f = np.array([1e3, 3e3])
    wt = 2 * np.pi * f / 1000.0 * eif.tau_m
    chi = snnlib.susceptibility(eif, mu, sigma, f)
    # Fourcaud-Trocme et al. (2003): chi ~ r0 / (delta_t i w tau)
    ratio = chi * eif.delta_t * 1j * wt / r0
    np.testing.assert_allclose(ratio, 1.0, atol=0.05)
    assert np.all(np.abs(np.degrees(np.angle(chi)) + 90.0) < 5.0)


def test_shapes_and_bad_input():
    lif = snnlib.LIF()
    assert snnlib.susceptibility(lif, 12.0, 3.0, [[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    assert np.ndim(snnlib.spike_spectrum(lif, 12.0, 3.0, 5.0)) == 0
    with pytest.raises(ValueError, match=r"freqs must contain only finite values"):
        snnlib.susceptibility(lif, 12.0, 3.0, [1.0, np.nan])
    with pytest.raises(ValueError, match=r"freqs must be >= 0 Hz everywhere, got min -1 Hz"):
        snnlib.spike_spectrum(lif, 12.0, 3.0, [-1.0])
    with pytest.raises(ValueError, match=r"sigma must lie in \(0, inf\) mV, got 0 mV"):
        snnlib.susceptibility(lif, 12.0, 0.0, [1.0])
    with pytest.raises(ValueError, match=r"v_lb must lie in \(-inf, -65\) mV, got -50 mV"):
        snnlib.spike_spectrum(lif, 12.0, 3.0, [1.0], v_lb=-50.0)
    with pytest.raises(ValueError, match=r"dv must be <= 0.75 mV \(a quarter of the smallest voltage scale"):
        snnlib.susceptibility(lif, 12.0, 3.0, [1.0], dv=2.0)
    with pytest.raises(ValueError, match=r"freqs must contain only finite values"):
        snnlib.susceptibility(lif, 12.0, 3.0, [1.0, np.inf])
    with pytest.raises(ValueError, match=r"sigma must lie in \(0, inf\) mV, got -1 mV"):
        snnlib.spike_spectrum(lif, 12.0, -1.0, [1.0])
    with pytest.raises(ValueError, match=r"mu must be finite, got nan"):
        snnlib.spike_spectrum(lif, np.nan, 3.0, [1.0])
    with pytest.raises(TypeError, match=r"model must be an snnlib model \(LIF, EIF, IFModel\), got str"):
        snnlib.susceptibility("lif", 12.0, 3.0, [1.0])
    with pytest.raises(ValueError, match=r"(?i)psi.*nan"):
        snnlib.susceptibility(snnlib.IFModel(psi_func=lambda v: np.where(v < -80.0, np.nan, 0.0)), 12.0, 3.0, [1.0])


def test_frequency_beyond_what_the_grid_can_resolve():
    # the grid is refined until h sqrt(omega / D) <= kappa, at most 2^_MAX_REFINEMENTS times: the error gives the limit
    lif, sigma = snnlib.LIF(), 3.0
    with pytest.raises(ValueError, match=r"freqs must be <= \S+ Hz for this grid") as err:
        snnlib.spike_spectrum(lif, 12.0, sigma, [1.0, 1e13])
    f_max = float(str(err.value).split("<= ")[1].split(" Hz")[0])
    h0 = snnlib.stationary(lif, 12.0, sigma, rtol=1.0).dv                    # the coarsest grid
    d = sigma ** 2 / lif.tau_m
    expected = d * (2.0 ** _MAX_REFINEMENTS * _KAPPA / h0) ** 2 * 1000.0 / (2 * np.pi)
    assert f_max == pytest.approx(expected, rel=1e-2)                        # printed to 3 digits
    with pytest.raises(ValueError, match=r"freqs must be <= \S+ Hz for this grid"):
        snnlib.spike_spectrum(lif, 12.0, sigma, [1.02 * f_max])


# ---------------------------------------------------------------------------
# Monte Carlo (snnlib.simulate_population) against chi(f) and S(f) of an EIF
# ---------------------------------------------------------------------------

EIF_MC, MU_MC, SIGMA_MC = snnlib.EIF(), 16.0, 3.0
N_MC, DT_MC, T_SKIP, T_MC = 500, 0.05, 500.0, 8000.0


def _stationary_v0(n, seed, mu=MU_MC):
    """Initial voltages drawn from the stationary density (no start-up transient)."""
    st = snnlib.stationary(EIF_MC, mu, SIGMA_MC)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (st.density[1:] + st.density[:-1]) * np.diff(st.v))])
    return np.interp(np.random.default_rng(seed).uniform(0.0, cum[-1], n), cum, st.v)


def test_eif_chi_vs_monte_carlo_sinusoidal_input():
    # three sinusoids at once; no sum, difference or third-order combination of them
    # (f_i +- f_j, 2 f_i +- f_j, f_i + f_j - f_k) falls on a measured frequency
    freqs = np.array([3.0, 17.0, 41.0])          # Hz; T_MC holds whole periods of each
    eps = 1.0                                    # mV
    t_max = T_SKIP + T_MC
    t_mid = (np.arange(int(round(t_max / DT_MC))) + 0.5) * DT_MC
    mu_t = eps * np.cos(2 * np.pi * freqs[:, None] * t_mid[None, :] / 1000.0).sum(axis=0)
    sim = snnlib.simulate_population(EIF_MC, MU_MC, SIGMA_MC, n_neurons=N_MC, t_max=t_max, dt=DT_MC,
                                     seed=5, v0=_stationary_v0(N_MC, 1), mu_t=mu_t)
    # a spike is registered at the end of the step in which V crossed: on average dt/2 late
    t = sim.spike_times[sim.spike_times >= T_SKIP] - DT_MC / 2
    t_s = T_MC / 1000.0
    amp = 2.0 / (N_MC * t_s) * np.exp(-2j * np.pi * freqs[:, None] * t[None, :] / 1000.0).sum(axis=1)
    chi = snnlib.susceptibility(EIF_MC, MU_MC, SIGMA_MC, freqs)
    # each of Re, Im of amp has variance 2 S(f) / (N T) (S: two-sided spike spectrum)
    se = np.sqrt(2.0 * snnlib.spike_spectrum(EIF_MC, MU_MC, SIGMA_MC, freqs) / (N_MC * t_s))
    # |z|/se is Rayleigh distributed: P(> 4) = e^{-8} = 3e-4; nonlinear (eps^3) terms are
    # a few 1e-3 of the signal here, below one SE
    assert np.all(np.abs(amp - eps * chi) < 4.0 * se)
    assert np.all(se < 0.1 * np.abs(eps * chi))          # the test has power


def test_eif_spectrum_vs_monte_carlo():
    # irregular firing (CV 0.69, 5.6 Hz): at MU_MC the spectrum has a sharp peak at the rate,
    # and the O(dt) rate bias of Euler-Maruyama (-0.5% at dt = 0.05 ms) would shift it
    mu = 12.0
    t_max = T_MC
    sim = snnlib.simulate_population(EIF_MC, mu, SIGMA_MC, n_neurons=N_MC, t_max=t_max, dt=DT_MC,
                                     seed=9, v0=_stationary_v0(N_MC, 2, mu))
    bin_ms = 0.5
    # one periodogram per neuron over the whole record: the finite-record bias
    # -int |tau| C(tau) dtau / T is then ~0.5% at the lowest frequencies and decays with f
    ps = snnlib.power_spectrum(sim.spike_times, sim.spike_ids, dt=bin_ms, n_neurons=N_MC, t_max=t_max)
    sel = (ps.freqs >= 2.0) & (ps.freqs < 202.0)
    f = ps.freqs[sel]
    r0 = snnlib.stationary(EIF_MC, mu, SIGMA_MC).rate
    # binning in bins of width Delta multiplies S - r by sinc^2(f Delta); the flat part r is
    # kept exactly (aliasing), see snnlib.power_spectrum Notes
    theory = r0 + (snnlib.spike_spectrum(EIF_MC, mu, SIGMA_MC, f) - r0) * np.sinc(f * bin_ms / 1000) ** 2
    n_band = 80                                   # 10 Hz bands
    mc_band = ps.power[sel].reshape(-1, n_band).mean(axis=1)
    th_band = theory.reshape(-1, n_band).mean(axis=1)
    # compare the shapes S / r: the MC rate carries its own statistical and O(dt) errors
    r_mc = sim.neuron_rates.mean()
    rel_se = 1.0 / math.sqrt(n_band * ps.n_averaged)   # exponential periodogram values
    dev = (mc_band / r_mc) / (th_band / r0) - 1.0
    assert np.all(np.abs(dev) < 4.5 * rel_se + 0.005)   # + the finite-record bias bound above
    assert rel_se < 0.01


def test_custom_psi_model_equals_eif():
    eif = snnlib.EIF()
    custom = snnlib.IFModel(psi_func=lambda v: eif.delta_t * np.exp((v - eif.v_t) / eif.delta_t),
                            tau_m=eif.tau_m, e_l=eif.e_l, v_th=eif.v_th, v_reset=eif.v_reset, t_ref=eif.t_ref)
    f = [0.0, 5.0, 80.0]
    dv = snnlib.stationary(eif, 10.0, 2.0).dv
    np.testing.assert_allclose(snnlib.susceptibility(custom, 10.0, 2.0, f, dv=dv),
                               snnlib.susceptibility(eif, 10.0, 2.0, f, dv=dv), rtol=1e-12)
    np.testing.assert_allclose(snnlib.spike_spectrum(custom, 10.0, 2.0, f, dv=dv),
                               snnlib.spike_spectrum(eif, 10.0, 2.0, f, dv=dv), rtol=1e-12)


# -- the variance channel -----------------------------------------------------------------------
@pytest.mark.parametrize("mu, sigma", [(12.0, 3.0), (18.0, 2.0), (8.0, 5.0)])
def test_variance_susceptibility_at_zero_frequency_is_the_siegert_slope(mu, sigma):
    # d r0 / d sigma^2 by a central difference of Siegert's closed form (an independent route);
    # the difference's own error, eps^2 r'''/6, is below 1e-6 relative here
    lif = snnlib.LIF()
    chi2 = snnlib.susceptibility(lif, mu, sigma, 0.0, channel="sigma2")
    eps = 1e-3 * sigma ** 2
    fd = (snnlib.siegert_rate(lif, mu, np.sqrt(sigma ** 2 + eps))
          - snnlib.siegert_rate(lif, mu, np.sqrt(sigma ** 2 - eps))) / (2 * eps)
    assert abs(chi2.real - fd) < 1e-5 * abs(fd)
    assert abs(chi2.imag) < 1e-12 * abs(fd)


def test_variance_susceptibility_of_the_lif_tends_to_r0_over_sigma2():
    # the flux through threshold follows the noise intensity instantly (Lindner & Schimansky-Geier
    # 2001): chi -> r0 / sigma^2, approached as f^(-1/2), so quadrupling f halves the distance
    lif, mu, sigma = snnlib.LIF(), 12.0, 3.0
    r0 = snnlib.stationary(lif, mu, sigma).rate
    chi = snnlib.susceptibility(lif, mu, sigma, [2.5e4, 1e5, 4e5], channel="sigma2")
    dist = np.abs(chi * sigma ** 2 / r0 - 1.0)
    assert dist[-1] < 0.01
    np.testing.assert_allclose(dist[1:] / dist[:-1], 0.5, rtol=0.15)


def test_variance_channel_of_the_eif_matches_its_stationary_slope():
    eif = snnlib.EIF()
    mu, sigma = 10.0, 3.0
    chi2 = snnlib.susceptibility(eif, mu, sigma, 0.0, channel="sigma2")
    eps = 1e-3 * sigma ** 2
    fd = (snnlib.stationary(eif, mu, np.sqrt(sigma ** 2 + eps)).rate
          - snnlib.stationary(eif, mu, np.sqrt(sigma ** 2 - eps)).rate) / (2 * eps)
    assert abs(chi2.real - fd) < 1e-4 * abs(fd)


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="channel"):
        snnlib.susceptibility(snnlib.LIF(), 12.0, 3.0, 1.0, channel="tau")
