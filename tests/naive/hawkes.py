"""Naive twins of snnlib.network.hawkes: the thinning simulation with the intensity summed over
the whole history, and the closed forms by their textbook definitions (Hawkes 1971)."""

import math

import numpy as np


def hawkes_intensity(t, baseline_hz, weights, tau, delay, times, ids, n_arrived=None):
    """lambda_i(t+) in 1/ms, summed spike by spike over the history: b_i + sum_k G_{i j_k}(t - t_k)
    with G_ij(x) = W_ij exp(-(x - d)/tau)/tau for x > d, over the first ``n_arrived`` spikes (those
    whose effect has begun: default all with t - t_k >= d); split into (baseline + excitatory
    part, inhibitory part)."""
    n = len(baseline_hz)
    pos = [b / 1000.0 for b in baseline_hz]
    neg = [0.0] * n
    if n_arrived is None:
        n_arrived = sum(1 for tk in times if t - tk >= delay)
    for tk, j in zip(times[:n_arrived], ids[:n_arrived]):
        x = max(t - tk, delay)
        kern = math.exp(-(x - delay) / tau) / tau
        for i in range(n):
            if weights[i][j] > 0:
                pos[i] += weights[i][j] * kern
            else:
                neg[i] += weights[i][j] * kern
    return pos, neg


def simulate_hawkes(baseline_hz, weights, tau, t_max, delay, rng):
    """Ogata's thinning, step for step as snnlib's kernel (same draws from ``rng``): candidates at
    the rate of the bound sum_i (b_i + excitatory part), restarted at every delayed arrival of a
    spike; accept with probability sum_i [lambda_i]_+ / bound, process i with probability
    [lambda_i]_+ / sum. The intensities come from the whole history at every candidate."""
    n = len(baseline_hz)
    w = [list(map(float, row)) for row in np.asarray(weights)]
    times, ids = [], []
    t, head = 0.0, 0
    while True:
        pos, _ = hawkes_intensity(t, baseline_hz, w, tau, delay, times, ids, head)
        bound = sum(pos)
        t_arr = times[head] + delay if head < len(times) else math.inf
        t_cand = t - math.log(1.0 - rng.random()) / bound if bound > 0 else math.inf
        if t_arr <= t_cand and t_arr < t_max:
            t, head = t_arr, head + 1
            continue
        if t_cand >= t_max:
            return np.array(times), np.array(ids, dtype=np.int64)
        t = t_cand
        pos, neg = hawkes_intensity(t, baseline_hz, w, tau, delay, times, ids, head)
        lam = [max(0.0, p + q) for p, q in zip(pos, neg)]
        u = rng.random() * bound
        if u < sum(lam):
            acc, i = lam[0], 0
            while acc <= u and i < n - 1:
                i += 1
                acc += lam[i]
            times.append(t)
            ids.append(i)


def hawkes_count_covariance_by_series(baseline_hz, weights, n_terms=400):
    """Count covariance per unit time from the cascade picture: the expected offspring matrix
    B = sum_n W^n (every spike's descendants over all generations), r = B b and C = B diag(r) B^T."""
    w = np.asarray(weights, dtype=float)
    b_mat = np.zeros_like(w)
    term = np.eye(w.shape[0])
    for _ in range(n_terms):
        b_mat += term
        term = term @ w
    r = b_mat @ np.asarray(baseline_hz, dtype=float)
    return r, b_mat @ np.diag(r) @ b_mat.T
