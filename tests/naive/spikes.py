"""Naive twins of snnlib.spikes: binning, ISIs, CV, correlograms, periodograms, smoothing by explicit loops."""

from __future__ import annotations

import cmath
import math

import numpy as np

#: As snnlib.spikes.statistics.EDGE_SNAP: times within this many bin widths below an edge count as on it.
EDGE_SNAP = 1e-9


def bin_spikes(spike_times, spike_ids, n_neurons, t_max, bin_width):
    """Spike counts (n_neurons, n_bins) in full bins [b w, (b+1) w), one spike at a time."""
    n_bins = int(math.floor(t_max / bin_width * (1.0 + 1e-12)))
    counts = np.zeros((n_neurons, n_bins), dtype=np.int64)
    for t, i in zip(spike_times, spike_ids):
        b = int(math.floor(t / bin_width + EDGE_SNAP))
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
                idx = int(math.floor(lag / bin_width + m + 0.5 + EDGE_SNAP))
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


def welch(counts_1d, dt_s, seg, step, taper):
    """Mean periodogram (Hz) of the segments [s, s + seg) at s = 0, step, 2 step, ... of one binned
    train: record mean removed, each segment tapered, direct DFT sums, normalised by dt sum(taper^2)."""
    c = np.asarray(counts_1d, dtype=float)
    c = c - c.mean()
    n_seg = 1 + (c.size - seg) // step
    out = np.zeros(seg // 2 + 1)
    for s in range(n_seg):
        for l in range(seg // 2 + 1):
            re = 0.0
            im = 0.0
            for q in range(seg):
                v = taper[q] * c[s * step + q]
                re += v * math.cos(2 * math.pi * l * q / seg)
                im -= v * math.sin(2 * math.pi * l * q / seg)
            out[l] += (re * re + im * im) / (dt_s * sum(w * w for w in taper))
    return out / n_seg


def smooth_rate(rate, bin_width, kind, width):
    """Rate smoothed by a unit-area kernel, renormalised by the kernel's mass inside the record.

    Gaussian of standard deviation ``width`` (ms) cut at 4 sd, or a box of round(width / bin_width)
    bins whose centre is bin (length - 1) // 2 of the box, as numpy.convolve(mode="same") centres it.
    Output bin i collects rate[j] k[i - j + centre] over every j of the record.
    """
    n = len(rate)
    if kind == "gaussian":
        half = math.ceil(4.0 * width / bin_width)
        kernel = [math.exp(-0.5 * (u * bin_width / width) ** 2) for u in range(-half, half + 1)]
    else:
        kernel = [1.0] * max(1, round(width / bin_width))
    centre = (len(kernel) - 1) // 2
    out = np.zeros(n)
    for i in range(n):
        acc = 0.0
        mass = 0.0
        for j in range(n):
            idx = i - j + centre
            if 0 <= idx < len(kernel):
                acc += rate[j] * kernel[idx]
                mass += kernel[idx]
        out[i] = acc / mass
    return out


def cv(intervals):
    """Coefficient of variation (sample sd with ddof = 1 over the mean); NaN below two intervals."""
    n = len(intervals)
    if n < 2:
        return math.nan
    mean = sum(intervals) / n
    if mean == 0:
        return math.nan
    var = sum((x - mean) ** 2 for x in intervals) / (n - 1)
    return math.sqrt(var) / mean


def lock_in(times, ids, n_neurons, freqs, amplitude, t_start, t_max, delay):
    """Lock-in estimate of chi (a plain loop over spikes): 2 / (amplitude N T) sum_k
    exp(-2 pi i f (t_k - delay)), over the spikes with t_k - delay >= t_start, T in s."""
    out = []
    length = (t_max - t_start) / 1000.0
    for f in freqs:
        acc = 0j
        for t in times:
            if t - delay >= t_start:
                acc += cmath.exp(-2j * math.pi * f * (t - delay) / 1000.0)
        out.append(2.0 * acc / (amplitude * n_neurons * length))
    return np.array(out)


def spike_kicks(spike_times, weight, delay, tau_m, t_max, dt):
    """mu_t of a delta synapse (a plain loop over spikes): a spike registered at the end of step
    k - 1 (time k dt) adds J tau_m / dt to step k + delay / dt, if that step exists."""
    n_steps = round(t_max / dt)
    out = np.zeros(n_steps)
    for t in spike_times:
        k = round(t / dt) + round(delay / dt)
        if k < n_steps:
            out[k] += weight * tau_m / dt
    return out


def reverse_correlation_groups(groups, dt, seg, first, delay, n_freqs):
    """Pooled reverse correlation with a jackknife over groups, by explicit loops and a direct
    DFT. ``groups``: list of (spike_times, n_neurons, stimulus); ``seg`` steps per segment,
    ``first`` first step; frequencies k / (seg dt), k = 1..n_freqs. Returns chi, se (each of the
    real and imaginary part) and the leave-one-group-out estimates."""
    sxs, sss = [], []
    for times, n, stim in groups:
        n_steps = len(stim)
        rate = [0.0] * n_steps
        for t in times:
            b = math.floor((t - delay) / dt)
            if 0 <= b < n_steps:
                rate[b] += 1.0 / (n * dt / 1000.0)
        n_seg = (n_steps - first) // seg
        gx, gs = [0j] * n_freqs, [0.0] * n_freqs
        for m in range(n_seg):
            xs = rate[first + m * seg:first + (m + 1) * seg]
            ys = list(stim[first + m * seg:first + (m + 1) * seg])
            mx, my = sum(xs) / seg, sum(ys) / seg
            for k in range(1, n_freqs + 1):
                fx = sum((xs[j] - mx) * cmath.exp(-2j * math.pi * k * j / seg) for j in range(seg))
                fy = sum((ys[j] - my) * cmath.exp(-2j * math.pi * k * j / seg) for j in range(seg))
                gx[k - 1] += fx * fy.conjugate()
                gs[k - 1] += abs(fy) ** 2
        sxs.append(gx)
        sss.append(gs)
    g = len(groups)
    chi, se, loo = [], [], [[0j] * n_freqs for _ in range(g)]
    for k in range(n_freqs):
        tx = sum(sxs[i][k] for i in range(g))
        ts = sum(sss[i][k] for i in range(g))
        chi.append(tx / ts)
        for i in range(g):
            loo[i][k] = (tx - sxs[i][k]) / (ts - sss[i][k])
        mean = sum(loo[i][k] for i in range(g)) / g
        var = (g - 1) / g * sum(abs(loo[i][k] - mean) ** 2 for i in range(g))
        se.append(math.sqrt(var / 2.0))
    return np.array(chi), np.array(se), np.array(loo)


def cross_spectrum_matrix(times, ids, n_neurons, t_max, freqs, segment_length):
    """Average periodogram of each pair, one segment, one spike and one pair at a time: the twin of
    snnlib.spikes.cross_spectrum.cross_spectrum_matrix (spectra only, Hz)."""
    n_seg = int(t_max // segment_length)
    seconds = segment_length / 1000.0
    out = np.zeros((len(freqs), n_neurons, n_neurons), dtype=complex)
    for q, f in enumerate(freqs):
        x = [[0j] * n_neurons for _ in range(n_seg)]
        for t, i in zip(times, ids):
            s = int(math.floor(t / segment_length))
            if s < n_seg:
                x[s][i] += cmath.exp(-2j * math.pi * f * (t - s * segment_length) / 1000.0)
        if f == 0.0:
            for i in range(n_neurons):
                mean = sum(x[s][i] for s in range(n_seg)) / n_seg
                for s in range(n_seg):
                    x[s][i] -= mean
        for i in range(n_neurons):
            for j in range(n_neurons):
                acc = sum(x[s][i] * x[s][j].conjugate() for s in range(n_seg))
                out[q, i, j] = acc / ((n_seg - 1) if f == 0.0 else n_seg) / seconds
    return out
