"""Mean-field theory against an independent root of Brunel's equations and against simulation.

Tolerances: the mean field is a root of a smooth equation, checked against an independent root
finder to 1e-6 relative (the issue's requirement; both are solved to ~1e-10). Simulation against
theory: the diffusion approximation neglects the finite PSP size (J = 0.1 mV against a 10 mV
distance from reset to threshold) and the correlations; Brunel (2000, Fig. 2) finds agreement
within a few percent, and we accept 5 % on the rate, far above the statistical error (0.1 % here).
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import snnlib


def _brunel_root(g, eta, c_e=1000, c_i=250, j=0.1, tau=20.0, theta=20.0, v_r=10.0, t_ref=2.0):
    """Brunel (2000) eqs. 4-6 solved directly: nu = Siegert(mu(nu), sigma_B(nu) / sqrt 2)."""
    lif = snnlib.LIF(tau_m=tau, e_l=0.0, v_th=theta, v_reset=v_r, t_ref=t_ref)
    nu_thr = theta / (j * c_e * tau)                       # 1/ms
    nu_ext = eta * nu_thr
    gamma = c_i / c_e

    def f(nu_hz):
        nu = nu_hz / 1000.0
        mu = c_e * j * tau * (nu_ext + nu * (1 - gamma * g))
        sigma_b = math.sqrt(j ** 2 * c_e * tau * (nu_ext + nu * (1 + gamma * g ** 2)))
        return float(snnlib.siegert_rate(lif, mu, sigma_b / math.sqrt(2))) - nu_hz

    return brentq(f, 1e-3, 1000.0 / t_ref - 1e-6, xtol=1e-12, rtol=1e-14)


@pytest.mark.parametrize("g,eta", [(5.0, 2.0), (6.0, 4.0), (4.5, 0.9), (8.0, 1.5)])
def test_brunel_mean_field_is_the_root_of_brunels_equations(g, eta):
    mf = snnlib.brunel_mean_field(g, eta)
    assert mf["rate"] == pytest.approx(_brunel_root(g, eta), rel=1e-6)


def test_network_mean_field_equals_the_closed_model():
    net = snnlib.brunel_network(5.0, 2.0, seed=1)
    mf = snnlib.mean_field(net)
    ref = snnlib.brunel_mean_field(5.0, 2.0)
    np.testing.assert_allclose(mf.rate, ref["rate"], rtol=1e-9)
    np.testing.assert_allclose(mf.mu, ref["mu"], rtol=1e-9)
    np.testing.assert_allclose(mf.sigma, ref["sigma"], rtol=1e-9)
    # mu and sigma from the definitions at the solution (mV; the book's sigma)
    nu = ref["rate"] / 1000.0
    nu_ext = 2.0 * 20.0 / (0.1 * 1000 * 20.0)
    assert ref["mu"] == pytest.approx(1000 * 0.1 * 20.0 * (nu_ext + nu * (1 - 0.25 * 5)), rel=1e-12)
    assert ref["sigma"] == pytest.approx(math.sqrt(0.01 * 1000 * 20.0 * (nu_ext + nu * (1 + 0.25 * 25)) / 2),
                                         rel=1e-12)


@pytest.mark.slow
def test_brunel_asynchronous_irregular_state_matches_mean_field():
    # model A, g = 5, eta = 2, 12,500 neurons: the AI state of Brunel's Fig. 8
    net = snnlib.brunel_network(5.0, 2.0, seed=11)
    res = snnlib.simulate_network(net, t_max=1000.0, t_warmup=200.0, seed=12)
    mf = snnlib.brunel_mean_field(5.0, 2.0)
    assert abs(res.mean_rate / mf["rate"] - 1) < 0.05, (res.mean_rate, mf["rate"])
    cv = snnlib.cv_isi(res)
    cv = cv[np.isfinite(cv)]
    assert 0.3 < np.mean(cv) < 1.0


def test_per_neuron_mean_field_without_coupling_is_the_single_neuron_rate():
    mu = np.linspace(8.0, 16.0, 5)
    net = snnlib.Network.from_weights(np.zeros((5, 5)), snnlib.LIF(), mu=mu, sigma=3.0)
    mf = snnlib.mean_field(net, per_neuron=True)
    np.testing.assert_allclose(mf.rate, snnlib.siegert_rate(snnlib.LIF(), mu, 3.0), rtol=1e-12)


def test_eif_network_mean_field_against_simulation(eif_network):
    # a sparse EIF network with white-noise drive and weak coupling: the stationary state from
    # threshold integration (the EIF's phi) against the simulated rate
    net = eif_network
    mf = snnlib.mean_field(net)
    res = snnlib.simulate_network(net, t_max=2000.0, t_warmup=200.0, seed=3)
    for name, rate in zip(mf.names, mf.rate):
        sim = res.rates[name].mean()
        assert abs(sim / rate - 1) < 0.05, (name, sim, rate)


def test_mean_field_bad_input():
    with pytest.raises(TypeError, match="network must be an snnlib.Network"):
        snnlib.mean_field("brunel")
    net = snnlib.Network.from_weights(np.zeros((3, 3)), snnlib.LIF(), mu=[10.0, 12.0, 14.0], sigma=3.0)
    with pytest.raises(ValueError, match="different white-noise drive per neuron; use mean_field.*per_neuron=True"):
        snnlib.mean_field(net)
    with pytest.raises(ValueError, match=r"rates0 must have shape \(3,\)"):
        snnlib.mean_field(net, per_neuron=True, rates0=[1.0, 2.0])


def test_rate_transfer_is_the_map_whose_fixed_point_mean_field_finds():
    net = snnlib.brunel_network(5.0, 2.0, n_exc=2000, n_inh=500, seed=1)
    mf = snnlib.mean_field(net)
    out = snnlib.rate_transfer(net, mf.rate)
    np.testing.assert_allclose(out["rate_out"], mf.rate, rtol=1e-8)
    np.testing.assert_allclose(out["mu"], mf.mu, rtol=1e-12)
    # away from the fixed point: above it the map returns less (inhibition dominates), below more
    grid = np.outer([0.5, 2.0], mf.rate)
    out = snnlib.rate_transfer(net, grid)["rate_out"]
    assert np.all(out[0] > grid[0]) and np.all(out[1] < grid[1])
    with pytest.raises(ValueError, match="rates must have 2 entries"):
        snnlib.rate_transfer(net, [1.0, 2.0, 3.0])
