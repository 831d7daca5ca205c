"""Naive twins of snnlib.neuron: noise-free trajectories and Euler-Maruyama one neuron and one step at a time."""

from __future__ import annotations

import math

import numpy as np

from .core import NeuronStream


def lif_trajectory_with_threshold(tau_m, e_l, v_th, v_reset, t_ref, mu, t, v0):
    """Noise-free LIF potential at times t: march spike by spike with the free solution."""
    v_inf = e_l + mu
    out = []
    for ti in t:
        start, v_start = 0.0, v0  # time and potential at which the current free segment begins
        while True:
            if v_inf > v_th:
                t_spike = start + tau_m * math.log((v_inf - v_start) / (v_inf - v_th))
            else:
                t_spike = math.inf
            if ti < t_spike:
                out.append(v_inf + (v_start - v_inf) * math.exp(-(ti - start) / tau_m))
                break
            if ti < t_spike + t_ref:
                out.append(v_reset)
                break
            start, v_start = t_spike + t_ref, v_reset
    return np.array(out)


def lif_spike_schedule_mp(tau_m, e_l, v_th, v_reset, t_ref, mu, v0, dps=60):
    """First spike time t1 and period P (ms, mpmath numbers) of the noise-free LIF, computed
    from the float inputs (taken as exact) at ``dps`` digits with the plain log of the ratio.
    Requires e_l + mu > v_th (a neuron that fires) and v0 < v_th."""
    import mpmath

    with mpmath.workdps(dps):
        tau_m, e_l, v_th, v_reset, t_ref, mu, v0 = map(mpmath.mpf, (tau_m, e_l, v_th, v_reset, t_ref, mu, v0))
        v_inf = e_l + mu
        t1 = tau_m * mpmath.log((v_inf - v0) / (v_inf - v_th))
        period = t_ref + tau_m * mpmath.log((v_inf - v_reset) / (v_inf - v_th))
        return +t1, +period


def lif_trajectory_mp(tau_m, e_l, v_th, v_reset, t_ref, mu, t, v0, dps=60):
    """Noise-free LIF potential (mV, floats) at the float times t with threshold: the closed form
    evaluated in mpmath at ``dps`` digits, phase (t - t1) mod P taken in high precision."""
    import mpmath

    t1, period = lif_spike_schedule_mp(tau_m, e_l, v_th, v_reset, t_ref, mu, v0, dps)
    out = []
    with mpmath.workdps(dps):
        v_inf = mpmath.mpf(e_l) + mpmath.mpf(mu)
        for ti in t:
            ti = mpmath.mpf(ti)
            if ti < t1:
                v = v_inf + (mpmath.mpf(v0) - v_inf) * mpmath.exp(-ti / tau_m)
            else:
                s = mpmath.fmod(ti - t1, period)
                if s < t_ref:
                    v = mpmath.mpf(v_reset)
                else:
                    v = v_inf + (mpmath.mpf(v_reset) - v_inf) * mpmath.exp(-(s - t_ref) / tau_m)
            out.append(float(v))
    return np.array(out)


def eif_isi(tau_m, e_l, v_th, v_reset, t_ref, delta_t, v_t, mu):
    """Noise-free EIF ISI (ms): scipy quad of tau_m / drift(V) from v_reset to v_th, drift written directly."""
    from scipy.integrate import quad

    def inv_drift(v):
        return tau_m / (e_l - v + delta_t * math.exp((v - v_t) / delta_t) + mu)

    left, _ = quad(inv_drift, v_reset, v_t, epsabs=0.0, epsrel=1e-12, limit=500)
    right, _ = quad(inv_drift, v_t, v_th, epsabs=0.0, epsrel=1e-12, limit=500)
    return t_ref + left + right


def simulate_deterministic(tau_m, e_l, v_th, v_reset, t_ref, mu, t_max, dt, v0, delta_t=None, v_t=None):
    """Forward-Euler noise-free LIF (delta_t None) or EIF, with threshold, reset, refractoriness.

    Returns (v, spike_times): v at t_n = n dt, spikes at the first grid time with V >= v_th.
    """
    n_steps = int(round(t_max / dt))
    n_ref = int(round(t_ref / dt))
    v = v0
    vs = [v]
    spikes = []
    refr = 0
    for n in range(n_steps):
        if refr > 0:
            refr -= 1
            v = v_reset
        else:
            psi = 0.0 if delta_t is None else delta_t * math.exp((v - v_t) / delta_t)
            v = v + dt * (e_l - v + psi + mu) / tau_m
            if v >= v_th:
                spikes.append((n + 1) * dt)
                v = v_reset
                refr = n_ref
        vs.append(v)
    return np.array(vs), np.array(spikes)


def langevin_noise(seed_u64, n_neurons, n_steps):
    """xi[k, i]: the normals neuron i draws at step k (what simulate_population uses without the
    threshold correction)."""
    xi = np.empty((n_steps, n_neurons))
    for i in range(n_neurons):
        stream = NeuronStream(seed_u64, i)
        for k in range(n_steps):
            xi[k, i] = stream.normal()
    return xi


def simulate_population(model, mu, sigma, n_neurons, n_steps, dt, seed_u64, *, v0=None, mu_t=None,
                        threshold_correction=True, input_correlation=0.0):
    """Euler-Maruyama, one neuron and one step at a time, on the same streams as snnlib.

    Per step: draw xi (with input_correlation c > 0: xi = sqrt(1 - c) xi + sqrt(c) y[k], y the
    n_steps normals of the shared stream, number -1, drawn first); if refractory, hold V at v_reset; else
    V' = V + dt/tau (E_L - V + psi(V) + mu + mu_t) + sigma sqrt(2 dt/tau) xi, spike if V' >= v_th,
    else (correction on) spike with the Brownian-bridge probability exp(-2 (v_th-V)(v_th-V') / s^2).
    The kernel skips drawing the bridge uniform when that exponent is >= 38 (probability < 2^-54,
    below the smallest uniform it can draw), so this reference skips it too.

    Returns (spike_steps, spike_ids, v_traces) with v_traces[i, k] = V of neuron i at t = k dt.
    """
    tau = model.tau_m
    n_ref = int(round(model.t_ref / dt))
    mu = np.broadcast_to(np.asarray(mu, float), (n_neurons,))
    sigma = np.broadcast_to(np.asarray(sigma, float), (n_neurons,))
    v0 = np.full(n_neurons, model.v_reset) if v0 is None else np.broadcast_to(np.asarray(v0, float), (n_neurons,))
    c = input_correlation
    shared_stream = NeuronStream(seed_u64, -1)
    y = [shared_stream.normal() for _ in range(n_steps)] if c > 0 else None
    spikes = []
    traces = np.empty((n_neurons, n_steps + 1))
    for i in range(n_neurons):
        stream = NeuronStream(seed_u64, i)
        s = sigma[i] * math.sqrt(2.0 * dt / tau)
        v = v0[i]
        ref = 0
        traces[i, 0] = v
        for k in range(n_steps):
            xi = stream.normal()
            if c > 0:
                xi = math.sqrt(1.0 - c) * xi + math.sqrt(c) * y[k]
            if ref > 0:
                ref -= 1
                v = model.v_reset
            else:
                psi = 0.0
                if model.kind == "eif":
                    psi = model.delta_t * math.exp((v - model.v_t) / model.delta_t)
                inp = mu[i] + (0.0 if mu_t is None else mu_t[k])
                v_new = v + dt / tau * (model.e_l - v + psi + inp) + s * xi
                fire = v_new >= model.v_th
                if not fire and threshold_correction and s > 0:
                    q = 2.0 * (model.v_th - v) * (model.v_th - v_new) / s ** 2
                    if q < 38.0:
                        fire = stream.uniform() < math.exp(-q)
                v = v_new
                if fire:
                    spikes.append((k, i))
                    v = model.v_reset
                    ref = n_ref
            traces[i, k + 1] = v
    spikes.sort()
    steps = np.array([k for k, _ in spikes], dtype=np.int64)
    ids = np.array([i for _, i in spikes], dtype=np.int64)
    return steps, ids, traces


def shot_noise(spike_times, weights, times, tau_m, tau_s):
    """Summed PSPs by the direct double loop over evaluation times and spikes (synapse.shot_noise)."""
    weights = np.broadcast_to(np.asarray(weights, dtype=float), np.shape(spike_times))
    out = np.zeros(len(times))
    for i, t in enumerate(times):
        for tk, j in zip(spike_times, weights):
            s = t - tk
            if s < 0:
                continue
            fast = math.exp(-s / tau_s) if tau_s > 0 else 0.0
            out[i] += j * tau_m / (tau_m - tau_s) * (math.exp(-s / tau_m) - fast)
    return out


def lif_first_passage_density(tau_m, x0, s_th, sigma, n, h):
    """First-passage density (1/ms) of the OU process from x0 to s_th on t_i = i h, by the
    trapezoidal rule on Buonocore, Nobile & Ricciardi's (1987) Volterra equation, with the kernel
    written as the plain current-plus-density formula (no cancellation-free rewriting)."""

    def kernel(u, y):
        e = math.exp(-u / tau_m)
        var = sigma**2 * (1.0 - e * e)
        f = math.exp(-((s_th - y * e) ** 2) / (2.0 * var)) / math.sqrt(2.0 * math.pi * var)
        current = (-s_th / tau_m + sigma**2 / tau_m * (s_th - y * e) / var) * f
        return current + s_th / (2.0 * tau_m) * f

    g = [0.0]
    for i in range(1, n):
        acc = sum(g[j] * kernel((i - j) * h, s_th) for j in range(1, i))
        g.append(2.0 * kernel(i * h, x0) - 2.0 * h * acc)
    return np.array(g)
