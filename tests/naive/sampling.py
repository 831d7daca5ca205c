"""Naive twins of snnlib.network.sampling: the samplers one neuron and one event at a time in plain
Python, drawing the same random numbers in the same order as the kernels."""

from __future__ import annotations

import math

import numpy as np


def gibbs(w, b, n_sweeps, rng, clamp=None):
    k = len(b)
    z = [0.0] * k
    clamp = clamp or {}
    for i, v in clamp.items():
        z[i] = float(v)
    out = []
    for _ in range(n_sweeps):
        for i in range(k):
            if i in clamp:
                continue
            u = b[i] + sum(w[i][j] * z[j] for j in range(k))
            z[i] = 1.0 if rng.random() < 1.0 / (1.0 + math.exp(-u)) else 0.0
        out.append([x > 0.5 for x in z])
    return np.array(out, dtype=bool)


def continuous(w, b, tau, t_max, every, rng, clamp=None):
    """Exact event-driven network: candidate spike at the total intensity of the free neurons,
    competing with the end of the earliest refractory time."""
    k = len(b)
    clamp = clamp or {}
    z = [float(clamp.get(i, 0)) for i in range(k)]
    until = [-math.inf] * k
    t = 0.0
    spikes, states = [], []
    n_samples = int(math.ceil(t_max / every - 1e-9))
    while True:
        u = [b[i] + sum(w[i][j] * z[j] for j in range(k)) for i in range(k)]
        lam = [math.exp(u[i]) / tau if (i not in clamp and z[i] < 0.5) else 0.0 for i in range(k)]
        total = sum(lam)
        refr = [(until[i], i) for i in range(k) if i not in clamp and z[i] > 0.5]
        t_ref, j_ref = min(refr) if refr else (math.inf, -1)
        t_spk = t - math.log(1.0 - rng.random()) / total if total > 0 else math.inf
        t_next = min(t_ref, t_spk, t_max)
        while len(states) < n_samples and len(states) * every < t_next:
            states.append([x > 0.5 for x in z])
        if t_next >= t_max:
            break
        t = t_next
        if t_ref <= t_spk:
            z[j_ref], until[j_ref] = 0.0, -math.inf
            continue
        x = rng.random() * total
        j, acc = 0, lam[0]
        while acc <= x and j < k - 1:
            j += 1
            acc += lam[j]
        spikes.append((t, j))
        z[j], until[j] = 1.0, t + tau
    return spikes, np.array(states, dtype=bool).reshape(-1, k)


def discrete(w, b, n_ref, dt, n_steps, per_sample, rng, clamp=None):
    """Parallel-update network: refractory counts, firing probability sigma(u - log n_ref)."""
    k = len(b)
    clamp = clamp or {}
    z = [float(clamp.get(i, 0)) for i in range(k)]
    zeta = [0] * k
    spikes, states = [], []
    for s in range(n_steps):
        if s % per_sample == 0:
            states.append([x > 0.5 for x in z])
        u = [b[i] + sum(w[i][j] * z[j] for j in range(k)) for i in range(k)]
        for i in range(k):
            if i in clamp:
                continue
            if zeta[i] > 1:
                zeta[i] -= 1
            elif rng.random() * (1.0 + math.exp(math.log(n_ref) - u[i])) < 1.0:
                spikes.append(((s + 1) * dt, i))
                zeta[i] = n_ref
            else:
                zeta[i] = 0
        z = [float(clamp[i]) if i in clamp else (1.0 if zeta[i] >= 1 else 0.0) for i in range(k)]
    return spikes, np.array(states, dtype=bool).reshape(-1, k)
