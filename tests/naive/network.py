"""Naive twin of snnlib.network: the network simulated event by event, one neuron and one step at a time.

Same streams as the kernel (noise stream ``i`` and Poisson stream ``i`` of each neuron, SplitMix64 +
ziggurat in Python integers), the same order of draws, the Poisson count by a plain search of a CDF
computed here from the pmf recursion. The synaptic input of a step is the exact sum of the weights
(Python fractions) when every projection has one weight, and the sum of the weights rounded to
multiples of 2^-40 mV when some have per-synapse weights: the model the library documents (it sums
integers, so that the order of the additions does not matter). Nothing else is shared with the
library.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .core import NeuronStream

FIXED = 2 ** 40
Q_MAX = 38.0


def _poisson_cdf(lam):
    """CDF of Poisson(lam) by the pmf recursion p_k = p_{k-1} lam / k, up to a 2^-54 tail."""
    cdf, p, c, k = [], math.exp(-lam), 0.0, 0
    while True:
        c += p
        cdf.append(c)
        if 1.0 - c < 2.0 ** -54 or k > lam + 12 * math.sqrt(lam) + 30:
            break
        k += 1
        p *= lam / k
    cdf[-1] = 1.0
    return cdf


def simulate_network(net, t_max, dt, noise_seed, poisson_seed, v0, t_warmup=0.0):
    """Spikes ``(steps, ids)`` (steps counted from the start, including the warm-up) and the
    potentials ``v[i, k]`` (mV) at the end of every step, for ``net`` (an snnlib Network)."""
    pops = net.populations
    n = net.n_neurons
    n_steps = round((t_max + t_warmup) / dt)
    pop_of = np.concatenate([[i] * p.size for i, p in enumerate(pops)])
    noise = any(np.any(p.sigma > 0) for p in pops)
    poisson = any(p.poisson_rate > 0 for p in pops)
    streams = [NeuronStream(noise_seed, i) for i in range(n)]
    pstreams = [NeuronStream(poisson_seed, i) for i in range(n)]
    cdfs = {p.name: _poisson_cdf(p.poisson_rate * dt / 1000.0) for p in pops if p.poisson_rate > 0}
    v = np.array(v0, dtype=float)
    i_syn = np.zeros(n)
    refr = np.zeros(n, dtype=int)
    exact = all(pr.connectivity.weights is None for pr in net.projections)
    pending = {}   # step -> {neuron: input arriving at the end of that step (Fraction or 2^-40 mV)}
    out_steps, out_ids = [], []
    trace = np.empty((n, n_steps + 1))
    trace[:, 0] = v
    for k in range(n_steps):
        arriving = pending.pop(k, {})
        fired = []
        for i in range(n):
            pop = pops[pop_of[i]]
            m = pop.model
            a = dt / m.tau_m
            s = pop.sigma[i - pop.start] * math.sqrt(2.0 * dt / m.tau_m)
            xi = streams[i].normal() if noise else 0.0
            count = 0
            if poisson:
                u = pstreams[i].uniform()
                if pop.name in cdfs:
                    cdf = cdfs[pop.name]
                    while u > cdf[count]:
                        count += 1
            x = v[i]
            psi = m.delta_t * math.exp((x - m.v_t) / m.delta_t) if m.kind == "eif" else 0.0
            drive = pop.mu[i - pop.start] + i_syn[i]
            xpre = x + a * (m.e_l - x + psi + drive + 0.0) + s * xi
            syn_in = float(arriving.get(i, 0)) if exact else arriving.get(i, 0) / FIXED
            jump = syn_in + pop.poisson_j * count
            if pop.tau_s is not None:
                i_syn[i] = i_syn[i] * math.exp(-dt / pop.tau_s) + m.tau_m / pop.tau_s * jump
                xn = xpre
            else:
                xn = xpre + jump
            if refr[i] > 0:
                refr[i] -= 1
                v[i] = m.v_reset
                continue
            v[i] = xn
            fire = xn >= m.v_th
            if not fire:
                # the continuous part of the step crossed v_th with the Brownian-bridge probability;
                # without noise only if it ended above v_th (an inhibitory jump then pulled V back)
                inv2var = 2.0 / s ** 2 if s > 0 else 1e300
                q = (m.v_th - x) * (m.v_th - xpre) * inv2var
                if q < Q_MAX:
                    fire = streams[i].uniform() < math.exp(-q)
            if fire:
                fired.append(i)
                v[i] = m.v_reset
                refr[i] = round(m.t_ref / dt)
        for i in fired:
            out_steps.append(k)
            out_ids.append(i)
            for pr in net.projections:
                if pr.pre != pops[pop_of[i]].name:
                    continue
                c = pr.connectivity
                jl = i - net.population(pr.pre).start
                d = round(pr.delay / dt)
                post0 = net.population(pr.post).start
                for e in range(c.indptr[jl], c.indptr[jl + 1]):
                    w = Fraction(pr.j) if exact else round((pr.j if c.weights is None else c.weights[e]) * FIXED)
                    slot = pending.setdefault(k + d, {})
                    t = post0 + int(c.targets[e])
                    slot[t] = slot.get(t, 0) + w
        trace[:, k + 1] = v
    return np.array(out_steps, dtype=np.int64), np.array(out_ids, dtype=np.int64), trace


def network_from_scratch(w, model, mu, sigma, delay, dt, xi, v0):
    """Euler-Maruyama for N coupled LIF neurons: w[i, j] (mV) is the
    jump a spike of j causes in i, delay ms later; xi[k, i]: the noise
    of neuron i at step k."""
    n_steps, n = xi.shape
    d = round(delay / dt)  # the delay in steps
    a, s = dt / model.tau_m, sigma * np.sqrt(2 * dt / model.tau_m)
    v, ref = np.array(v0, dtype=float), np.zeros(n, dtype=int)
    fired = np.zeros((n_steps, n), dtype=bool)  # at the end of a step
    for k in range(n_steps):
        jump = w @ fired[k - d] if k >= d else 0.0  # d steps ago
        v = v + a * (model.e_l - v + mu) + s * xi[k] + jump
        v = np.where(ref > 0, model.v_reset, v)  # refractory
        ref = np.maximum(ref - 1, 0)
        fired[k] = v >= model.v_th
        v[fired[k]] = model.v_reset
        ref[fired[k]] = round(model.t_ref / dt)
    return fired
