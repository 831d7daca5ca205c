"""Naive twins of snnlib.spikes: binning, ISIs, correlograms, periodograms by explicit loops."""

from __future__ import annotations

import math

import numpy as np


def bin_spikes(spike_times, spike_ids, n_neurons, t_max, bin_width):
    """Spike counts (n_neurons, n_bins) in full bins [b w, (b+1) w), one spike at a time."""
    n_bins = int(math.floor(t_max / bin_width * (1.0 + 1e-12)))
    counts = np.zeros((n_neurons, n_bins), dtype=np.int64)
    for t, i in zip(spike_times, spike_ids):
        b = int(t // bin_width)
        if b < n_bins:
            counts[i, b] += 1
    return counts


def isi(spike_times, spike_ids, n_neurons):
    """List of each neuron's interspike intervals (ms), from its own sorted spike list."""
    out = []
    for k in range(n_neurons):
        own = [t for t, i in zip(spike_times, spike_ids) if i == k]
        out.append(np.array([own[s] - own[s - 1] for s in range(1, len(own))], dtype=float))
    return out


def cross_correlogram_counts(spike_times, spike_ids, pairs, bin_width, m):
    """Pair counts per lag bin: every spike of k against every spike of j, for each (k, j).

    Bin b holds lags t_k - t_j in [(b - m - 1/2) w, (b - m + 1/2) w); a spike is never
    paired with itself.
    """
    counts = np.zeros(2 * m + 1, dtype=np.int64)
    n = len(spike_times)
    for k, j in pairs:
        for a in range(n):
            if spike_ids[a] != j:
                continue
            for b in range(n):
                if spike_ids[b] != k or a == b:
                    continue
                lag = spike_times[b] - spike_times[a]
                idx = int(math.floor(lag / bin_width + m + 0.5))
                if 0 <= idx < 2 * m + 1:
                    counts[idx] += 1
    return counts


def lag_overlap(t_max, lag_lo, lag_hi, n_steps=20000):
    """Integral of (T - |u|) over [lag_lo, lag_hi] (ms^2) by the midpoint rule."""
    du = (lag_hi - lag_lo) / n_steps
    total = 0.0
    for s in range(n_steps):
        u = lag_lo + (s + 0.5) * du
        total += max(t_max - abs(u), 0.0) * du
    return total


def periodogram(counts_1d, dt_s):
    """Two-sided periodogram (Hz) of one binned train by the direct DFT sum, mean count removed."""
    c = np.asarray(counts_1d, dtype=float)
    c = c - c.mean()
    n = c.size
    out = np.zeros(n // 2 + 1)
    for l in range(n // 2 + 1):
        re = 0.0
        im = 0.0
        for q in range(n):
            re += c[q] * math.cos(2 * math.pi * l * q / n)
            im -= c[q] * math.sin(2 * math.pi * l * q / n)
        out[l] = (re * re + im * im) / (n * dt_s)
    return out


def pearson(x, y):
    """Pearson correlation coefficient written out."""
    n = len(x)
    mx = sum(x) / n
    my = sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)
