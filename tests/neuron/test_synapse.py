"""PSP kernel, exact shot noise (against its naive twin) and Campbell's theorem (against quadrature and simulation)."""

import numpy as np
import pytest
from scipy import integrate

import naive
import snnlib
from snnlib import campbell_moments, psp_kernel, psp_peak, shot_noise


@pytest.mark.parametrize("tau_s", [0.0, 2.0, 5.0, 40.0])
def test_kernel_integrals_and_peak(tau_s):
    tau_m = 20.0
    eps = lambda t: float(psp_kernel(t, tau_m=tau_m, tau_s=tau_s))
    area = integrate.quad(eps, 0, np.inf)[0]
    square = integrate.quad(lambda t: eps(t) ** 2, 0, np.inf)[0]
    assert area == pytest.approx(tau_m, rel=1e-8)
    assert square == pytest.approx(tau_m ** 2 / (2 * (tau_m + tau_s)), rel=1e-8)
    t_peak, height = psp_peak(tau_m=tau_m, tau_s=tau_s)
    t = np.linspace(0.0, 100.0, 1_000_001)
    k = psp_kernel(t, tau_m=tau_m, tau_s=tau_s)
    assert t[np.argmax(k)] == pytest.approx(t_peak, abs=1e-4)
    assert k.max() == pytest.approx(height, rel=1e-9)


def test_kernel_tends_to_the_jump():
    t = np.linspace(0.0, 100.0, 101)
    near = psp_kernel(t[1:], tau_m=20.0, tau_s=1e-6)
    assert np.allclose(near, np.exp(-t[1:] / 20.0), rtol=1e-6)
    assert psp_kernel(-1.0, tau_m=20.0, tau_s=5.0) == 0.0


@pytest.mark.parametrize("tau_s", [0.0, 5.0, 30.0])
def test_shot_noise_matches_naive(tau_s):
    rng = np.random.default_rng(1)
    spikes = np.sort(rng.uniform(0.0, 200.0, 60))
    spikes[10] = spikes[11]                        # a coincident pair
    w = rng.normal(0.0, 1.0, 60)
    times = np.sort(np.concatenate([rng.uniform(-10.0, 250.0, 200), spikes[:5]]))
    got = shot_noise(spikes, w, times, tau_m=20.0, tau_s=tau_s)
    ref = naive.shot_noise(spikes, w, times, 20.0, tau_s)
    assert np.allclose(got, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("tau_s", [0.0, 5.0])
def test_campbell_against_simulated_poisson_input(tau_s):
    # 8000 excitatory inputs at 5 Hz (J = 0.1 mV) and 2000 inhibitory at 5 Hz (J = -0.3 mV)
    tau_m, t_max = 20.0, 200_000.0
    m = campbell_moments([40_000.0, 10_000.0], [0.1, -0.3], tau_m=tau_m, tau_s=tau_s)
    st = snnlib.poisson_spike_train([40_000.0, 10_000.0][0], t_max, seed=2)
    si = snnlib.poisson_spike_train(10_000.0, t_max, seed=3)
    times = np.concatenate([st.spike_times, si.spike_times])
    w = np.concatenate([np.full(st.spike_times.size, 0.1), np.full(si.spike_times.size, -0.3)])
    order = np.argsort(times, kind="stable")
    grid = np.arange(100.0, t_max, 1.0)
    v = shot_noise(times[order], w[order], grid, tau_m=tau_m, tau_s=tau_s)
    # standard errors from 100 blocks of 2 s (each >> tau_m, so the blocks are nearly independent)
    blocks = v[: v.size // 100 * 100].reshape(100, -1)
    mean_b, var_b = blocks.mean(axis=1), blocks.var(axis=1)
    assert abs(mean_b.mean() - m.mu) < 4 * mean_b.std(ddof=1) / 10
    assert abs(var_b.mean() - m.sigma ** 2) < 4 * var_b.std(ddof=1) / 10


def test_campbell_closed_forms():
    m = campbell_moments(1000.0, 0.2, tau_m=10.0, tau_s=0.0)   # 1 per ms
    assert m.mu == pytest.approx(2.0) and m.sigma == pytest.approx(np.sqrt(0.04 * 10.0 / 2))
    both = campbell_moments([1000.0, 500.0], [0.2, -0.4], tau_m=10.0, tau_s=3.0)
    one = [campbell_moments(r, j, tau_m=10.0, tau_s=3.0) for r, j in [(1000.0, 0.2), (500.0, -0.4)]]
    assert both.mu == pytest.approx(one[0].mu + one[1].mu)
    assert both.sigma ** 2 == pytest.approx(one[0].sigma ** 2 + one[1].sigma ** 2)


@pytest.mark.parametrize("call, err, match", [
    (lambda: psp_kernel([1.0], tau_m=-1.0, tau_s=1.0), ValueError, "tau_m"),
    (lambda: psp_kernel([1.0], tau_m=10.0, tau_s=10.0), ValueError, "tau_s"),
    (lambda: psp_peak(tau_m=10.0, tau_s=-1.0), ValueError, "tau_s"),
    (lambda: shot_noise([2.0, 1.0], 1.0, [0.0], tau_m=10.0, tau_s=1.0), ValueError, "spike_times"),
    (lambda: shot_noise([1.0], [1.0, 2.0], [0.0], tau_m=10.0, tau_s=1.0), ValueError, "weights"),
    (lambda: shot_noise([1.0], 1.0, [1.0, 0.0], tau_m=10.0, tau_s=1.0), ValueError, "times"),
    (lambda: campbell_moments([-1.0], 1.0, tau_m=10.0, tau_s=1.0), ValueError, "rates"),
    (lambda: campbell_moments([1.0, 2.0], [1.0, 2.0, 3.0], tau_m=10.0, tau_s=1.0), ValueError, "weights"),
])
def test_bad_input_names_the_argument(call, err, match):
    with pytest.raises(err, match=match):
        call()
