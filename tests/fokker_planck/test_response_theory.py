"""Closed forms, asymptotes and the synaptic transfer of the linear response (chapter 6).

References: threshold integration (snnlib.susceptibility, spike_spectrum) for the mpmath closed
forms, and the independent integral representation of the parabolic cylinder functions
(tests/naive/fokker_planck.py); the Siegert formula for the slopes; the network coupling kernel
(snnlib.network.coupling_kernel, built from a Network) for the synaptic kernel.
"""

import importlib.util
import math

import numpy as np
import pytest

import naive
import snnlib

needs_mpmath = pytest.mark.skipif(importlib.util.find_spec("mpmath") is None, reason="mpmath is not installed")
LIF, EIF = snnlib.LIF(), snnlib.EIF()


@needs_mpmath
@pytest.mark.parametrize("mu, sigma", [(12.0, 3.0), (18.0, 1.5), (8.0, 4.0)])
@pytest.mark.parametrize("channel", ["mu", "sigma2"])
def test_closed_form_matches_threshold_integration(mu, sigma, channel):
    f = np.array([0.3, 20.0, 400.0, 5000.0])
    a = snnlib.lif_susceptibility_closed_form(LIF, mu, sigma, f, channel=channel)
    b = snnlib.susceptibility(LIF, mu, sigma, f, channel=channel)
    np.testing.assert_allclose(a, b, rtol=1e-8)


@needs_mpmath
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_closed_form_matches_integral_representation():
    # scipy quad of the integral representation: independent of mpmath's pcfd
    for f in (5.0, 60.0):
        a = snnlib.lif_susceptibility_closed_form(LIF, 12.0, 3.0, f)
        b = naive.fp_chi_lif_closed_form(LIF.tau_m, LIF.e_l, LIF.v_th, LIF.v_reset, LIF.t_ref, 12.0, 3.0, f,
                                         method="integral")
        assert abs(a / b - 1) < 1e-8


@needs_mpmath
def test_closed_form_is_analytic_in_complex_frequency():
    # chi(f + i h) from the closed form against the Taylor step chi(f) + i h chi'(f) of threshold
    # integration (central difference, error O(h^2) ~ 1e-6 relative)
    f, h = 40.0, 0.05
    df = 1e-3
    d_chi = (snnlib.susceptibility(LIF, 12.0, 3.0, f + df) - snnlib.susceptibility(LIF, 12.0, 3.0, f - df)) / (2 * df)
    taylor = snnlib.susceptibility(LIF, 12.0, 3.0, f) + 1j * h * d_chi
    got = snnlib.lif_susceptibility_closed_form(LIF, 12.0, 3.0, f + 1j * h)
    assert abs(got / taylor - 1) < 1e-5


@needs_mpmath
def test_spectrum_closed_form_matches_threshold_integration():
    f = np.array([1e-3, 2.0, 24.0, 300.0])
    np.testing.assert_allclose(snnlib.lif_spectrum_closed_form(LIF, 12.0, 3.0, f),
                               snnlib.spike_spectrum(LIF, 12.0, 3.0, f), rtol=1e-7)


@needs_mpmath
def test_closed_form_bad_input():
    with pytest.raises(TypeError, match="model"):
        snnlib.lif_susceptibility_closed_form(EIF, 12.0, 3.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        snnlib.lif_susceptibility_closed_form(LIF, 12.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="freqs"):
        snnlib.lif_susceptibility_closed_form(LIF, 12.0, 3.0, 0.0)
    with pytest.raises(ValueError, match="freqs"):
        snnlib.lif_spectrum_closed_form(LIF, 12.0, 3.0, -1.0)
    with pytest.raises(ValueError, match="channel"):
        snnlib.lif_susceptibility_closed_form(LIF, 12.0, 3.0, 1.0, channel="tau")


@pytest.mark.parametrize("model, f_hi", [(LIF, 1e5), (EIF, 300.0)])
def test_asymptote_is_approached(model, f_hi):
    # relative distance to the asymptote falls as f grows (EIF: below the cut-off's kHz range)
    f = np.array([f_hi / 10, f_hi])
    ratio = snnlib.susceptibility(model, 12.0, 3.0, f) / snnlib.susceptibility_asymptote(model, 12.0, 3.0, f)
    err = np.abs(ratio - 1)
    assert err[1] < err[0] and err[1] < 0.1


def test_asymptote_phases_and_bad_input():
    a = snnlib.susceptibility_asymptote(LIF, 12.0, 3.0, [10.0, 1000.0])
    e = snnlib.susceptibility_asymptote(EIF, 12.0, 3.0, [10.0, 1000.0])
    np.testing.assert_allclose(np.degrees(np.angle(a)), -45.0)
    np.testing.assert_allclose(np.degrees(np.angle(e)), -90.0)
    np.testing.assert_allclose(abs(a[0] / a[1]), 10.0)            # f^-1/2 over a factor 100
    np.testing.assert_allclose(abs(e[0] / e[1]), 100.0)           # 1/f
    with pytest.raises(ValueError, match="freqs"):
        snnlib.susceptibility_asymptote(LIF, 12.0, 3.0, 0.0)
    with pytest.raises(TypeError, match="model"):
        snnlib.susceptibility_asymptote(snnlib.IFModel(psi_func=lambda v: 0.0 * v), 12.0, 3.0, 1.0)


def test_crossover_frequency_definition():
    for model in (LIF, EIF):
        fc = snnlib.crossover_frequency(model, 12.0, 3.0)
        chi0 = snnlib.susceptibility(model, 12.0, 3.0, 0.0).real
        assert abs(abs(snnlib.susceptibility_asymptote(model, 12.0, 3.0, fc)) / chi0 - 1) < 1e-12


def test_mean_input_for_rate_against_siegert():
    for rate in (0.5, 10.0, 80.0):
        mu = snnlib.mean_input_for_rate(LIF, rate, 2.0)
        assert abs(naive.siegert_rate(LIF.tau_m, LIF.e_l, LIF.v_th, LIF.v_reset, LIF.t_ref, mu, 2.0) / rate - 1) < 1e-7
    with pytest.raises(ValueError, match="rate"):
        snnlib.mean_input_for_rate(LIF, 600.0, 2.0)                 # above 1 / t_ref
    with pytest.raises(ValueError, match="sigma"):
        snnlib.mean_input_for_rate(LIF, 10.0, -2.0)


def test_chi0_is_slope_of_siegert_rate():
    # chi(0) (threshold integration) against a central difference of the Siegert closed form
    for channel, d in (("mu", 1e-4), ("sigma2", 1e-4)):
        if channel == "mu":
            slope = (snnlib.siegert_rate(LIF, 12.0 + d, 3.0) - snnlib.siegert_rate(LIF, 12.0 - d, 3.0)) / (2 * d)
        else:
            slope = (snnlib.siegert_rate(LIF, 12.0, math.sqrt(9.0 + d)) -
                     snnlib.siegert_rate(LIF, 12.0, math.sqrt(9.0 - d))) / (2 * d)
        chi0 = snnlib.susceptibility(LIF, 12.0, 3.0, 0.0, channel=channel).real
        assert abs(chi0 / slope - 1) < 1e-6


@pytest.mark.parametrize("variance", [False, True])
def test_synaptic_kernel_matches_network_coupling_kernel(variance):
    # a two-neuron network 0 -> 1: coupling_kernel computes the working point itself (mean field)
    net = snnlib.Network.from_weights([[0.0, 0.0], [0.8, 0.0]], LIF, mu=12.0, sigma=3.0, delay=1.5)
    f = np.array([0.0, 15.0, 250.0])
    k_net = snnlib.coupling_kernel(net, f, per_neuron=True, variance=variance)[:, 1, 0]
    wp = snnlib.working_point(net, per_neuron=True)
    g1 = wp.group[1]
    mu1, sigma1 = float(wp.mu[g1]), float(wp.sigma[g1])
    k = snnlib.synaptic_kernel(LIF, mu1, sigma1, f, j=0.8, delay=1.5, variance=variance)
    np.testing.assert_allclose(k, k_net, rtol=1e-6)


def test_synaptic_kernel_filter_and_bad_input():
    f = np.array([10.0, 100.0])
    k0 = snnlib.synaptic_kernel(LIF, 12.0, 3.0, f, j=0.5)
    k1 = snnlib.synaptic_kernel(LIF, 12.0, 3.0, f, j=0.5, delay=2.0, tau_s=5.0)
    w = 2 * np.pi * f / 1000.0
    np.testing.assert_allclose(k1, k0 * np.exp(-2j * w) / (1 + 5j * w), rtol=1e-12)
    with pytest.raises(ValueError, match="delay"):
        snnlib.synaptic_kernel(LIF, 12.0, 3.0, f, j=0.5, delay=-1.0)
    with pytest.raises(ValueError, match="tau_s"):
        snnlib.synaptic_kernel(LIF, 12.0, 3.0, f, j=0.5, tau_s=-1.0)
    with pytest.raises(TypeError, match="variance"):
        snnlib.synaptic_kernel(LIF, 12.0, 3.0, f, j=0.5, variance=1)


@pytest.mark.parametrize("model, mu", [(LIF, 12.0), (EIF, 14.63), (snnlib.EIF(delta_t=0.5), 13.0)])
def test_half_gain_frequency_definition(model, mu):
    f_half = snnlib.half_gain_frequency(model, mu, 3.0)
    chi0 = snnlib.susceptibility(model, mu, 3.0, 0.0).real
    # on the crossing (brentq to 1e-8 in f), and the first one: the gain is above half before it
    assert abs(abs(snnlib.susceptibility(model, mu, 3.0, [f_half])[0]) / chi0 - 0.5) < 1e-6
    below = np.logspace(-1, np.log10(f_half) - 1e-4, 400)
    assert np.all(np.abs(snnlib.susceptibility(model, mu, 3.0, below)) > chi0 / 2)


def test_half_gain_frequency_bad_input():
    with pytest.raises(ValueError, match="f_max"):
        snnlib.half_gain_frequency(EIF, 14.63, 3.0, f_max=5.0)     # not halved by 5 Hz
    with pytest.raises(ValueError, match="f_max"):
        snnlib.half_gain_frequency(EIF, 14.63, 3.0, f_max=0.5)
    with pytest.raises(TypeError):
        snnlib.half_gain_frequency("lif", 12.0, 3.0)


def test_binned_spectrum_against_the_alias_sum():
    # brute force: the binned train's spectrum is sum_m sinc^2(f D + m) S(f + m / D); for the flat
    # part sum_m sinc^2 = 1, for a Lorentzian S - r0 of width 20 Hz the aliases at 5 kHz are
    # below 1e-4 of it. The sum over |m| <= 4000 leaves a tail < 2 / (pi^2 4000) = 5e-5 of r0.
    r0, a, fc, width = 10.0, 6.0, 20.0, 0.2                 # Hz, Hz, Hz, ms
    d = width / 1000.0
    f = np.array([0.0, 3.0, 40.0, 700.0, 2400.0])
    spec = lambda x: r0 + a / (1 + (x / fc) ** 2)          # noqa: E731
    m = np.arange(-4000, 4001)[:, None]
    brute = (np.sinc(f * d + m) ** 2 * spec(f + m / d)).sum(axis=0)
    got = snnlib.binned_spectrum(f, spec(f), r0, width)
    np.testing.assert_allclose(got, brute, rtol=2e-4)
    np.testing.assert_allclose(snnlib.binned_spectrum(f, np.full(5, r0), r0, width), r0)


def test_binned_spectrum_bad_input():
    with pytest.raises(ValueError, match="Nyquist"):
        snnlib.binned_spectrum([3000.0], [1.0], 1.0, 0.2)
    with pytest.raises(ValueError, match="spectrum"):
        snnlib.binned_spectrum([1.0, 2.0], [1.0], 1.0, 0.2)
    with pytest.raises(ValueError, match="rate"):
        snnlib.binned_spectrum([1.0], [1.0], 0.0, 0.2)
    with pytest.raises(ValueError, match="bin_width"):
        snnlib.binned_spectrum([1.0], [1.0], 1.0, -0.2)
    with pytest.raises(ValueError, match="freqs"):
        snnlib.binned_spectrum([-1.0], [1.0], 1.0, 0.2)
