r"""The matrix of cross-spectra of many spike trains, *estimated from data* (chapter 9).

:func:`cross_spectrum_matrix` measures what :func:`hawkes_cross_spectrum
<snnlib.network.hawkes.hawkes_cross_spectrum>` and :func:`predict_cross_spectrum
<snnlib.network.linear_response.predict_cross_spectrum>` predict: the :math:`N \times N` matrix
:math:`C_{ij}(f) = \int C_{ij}(s)\, e^{-2\pi i f s}\, ds`, with :math:`C_{ij}(s) =
\mathrm{Cov}(dN_i(t + s), dN_j(t))/dt^2` including the :math:`r_i\delta(s)` term of the diagonal
(the convention of :func:`power_spectrum <snnlib.spikes.statistics.power_spectrum>`), at a few
chosen frequencies. The spike trains are not binned: each spike contributes its exact phase.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .._core.validation import check_array, check_memory, check_scalar, check_work
from ..units import MS_PER_S
from .containers import as_trains

__all__ = ["CrossSpectra", "cross_spectrum_matrix"]

#: A frequency counts as a multiple of the resolution 1/L when f L is within this of an integer.
_GRID_TOLERANCE = 1e-6


class CrossSpectra(NamedTuple):
    """Cross-spectra of spike trains estimated from segments (the result of :func:`cross_spectrum_matrix`).

    Parameters
    ----------
    freqs : ndarray, shape (n_freqs,)
        Frequencies (Hz).
    spectra : ndarray of complex, shape (n_freqs, n_neurons, n_neurons)
        :math:`\\hat C_{ij}(f)` (Hz), Hermitian at every frequency.
    stderr : ndarray of complex, shape (n_freqs, n_neurons, n_neurons)
        Standard errors (Hz) from the spread over segments: ``stderr.real`` is that of
        ``spectra.real`` and ``stderr.imag`` that of ``spectra.imag``.
    n_segments : int
        Number of segments averaged.
    segment_length : float
        Length of a segment (ms); the frequency resolution is ``1000 / segment_length`` Hz.

    Examples
    --------
    >>> import numpy as np
    >>> cs = CrossSpectra(np.array([10.0]), np.full((1, 2, 2), 5 + 0j),
    ...                   np.full((1, 2, 2), 0.5 + 0.5j), 100, 1000.0)
    >>> # 10 standard errors from 0
    >>> float(cs.spectra[0, 0, 1].real / cs.stderr[0, 0, 1].real)
    10.0
    """

    freqs: np.ndarray
    spectra: np.ndarray
    stderr: np.ndarray
    n_segments: int
    segment_length: float


@njit(cache=True)
def _segment_transforms(times, ids, seg_len, n_seg, omegas, out):
    """Jitted, no checks: ``out[s, f, i] += exp(-i omega_f (t - s L))`` for each spike of neuron ``i``
    at time ``t`` in segment ``s = floor(t / L) < n_seg``; ``omegas`` in rad/ms."""
    for k in range(times.size):
        s = int(math.floor(times[k] / seg_len))
        if s >= n_seg or s < 0:
            continue
        t = times[k] - s * seg_len
        i = ids[k]
        for f in range(omegas.size):
            phase = omegas[f] * t
            out[s, f, i] += complex(math.cos(phase), -math.sin(phase))


def _products(p: np.ndarray) -> tuple:
    """Mean over rows of :math:`p_i p_j^*` and the variances of its real and imaginary parts, for
    ``p`` of shape (n_seg, n): the fourth moments through real matrix products (no n_seg x n x n array)."""
    n_seg = p.shape[0]
    a, b = np.ascontiguousarray(p.real), np.ascontiguousarray(p.imag)
    mean = (p.T @ np.conj(p)) / n_seg
    a2, b2, ab = a * a, b * b, a * b
    cross = ab.T @ ab
    sq_re = (a2.T @ a2 + 2.0 * cross + b2.T @ b2) / n_seg      # <(a_i a_j + b_i b_j)^2>
    sq_im = (b2.T @ a2 - 2.0 * cross + a2.T @ b2) / n_seg      # <(b_i a_j - a_i b_j)^2>
    var_re = np.maximum(sq_re - mean.real ** 2, 0.0) * n_seg / (n_seg - 1)
    var_im = np.maximum(sq_im - mean.imag ** 2, 0.0) * n_seg / (n_seg - 1)
    return mean, var_re, var_im


def cross_spectrum_matrix(spikes, spike_ids=None, *, freqs, segment_length: float,
                          n_neurons: int | None = None, t_max: float | None = None) -> CrossSpectra:
    r"""Matrix of cross-spectra :math:`C_{ij}(f)` (Hz) of spike trains at chosen frequencies, estimated from data.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        As in :func:`bin_spikes <snnlib.spikes.statistics.bin_spikes>` (times and ``t_max`` in ms).
    freqs : float or array_like
        Frequencies (Hz), each a nonnegative multiple of the resolution ``1000 / segment_length``.
    segment_length : float
        Length :math:`L` (ms) of the non-overlapping segments the record is cut into, at most
        ``t_max / 2`` (at least two segments); a remainder shorter than :math:`L` is left out.

    Returns
    -------
    CrossSpectra
        ``freqs`` (Hz), ``spectra`` (complex, Hz, shape (n_freqs, n_neurons, n_neurons)), their
        standard errors ``stderr``, ``n_segments`` and ``segment_length``.

    Notes
    -----
    Segment :math:`s` covers :math:`[sL, (s+1)L)`. With :math:`\tilde x_i^s(f) = \sum_k
    e^{-2\pi i f (t_k - sL)}` over the spikes of neuron :math:`i` in it, the estimate is the
    average periodogram (Bartlett 1950; Brillinger 1981, *Time Series*, ch. 7)

    .. math::

        \hat C_{ij}(f) = \frac{1}{M}\sum_{s=1}^{M} \frac{\tilde x_i^s(f)\, \tilde x_j^s(f)^*}{L}.

    At a multiple :math:`f = m/L` with :math:`m \ge 1` the mean rate contributes nothing to
    :math:`\tilde x` (the rectangular segment holds whole periods), so no mean is subtracted;
    at :math:`f = 0` the counts' mean over segments is subtracted and the sum divided by
    :math:`M - 1`, which gives the covariance of the counts per unit time. The expectation is
    the true cross-spectrum smoothed over :math:`\pm 1/L` by the Fejer kernel, so :math:`L`
    should be long against the correlation times. The standard errors are
    :math:`s/\sqrt{M}` from the segments' spread, valid when segments are longer than the
    correlation time (they are then nearly independent).

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.spikes import poisson_spike_train
    >>> st = poisson_spike_train(20.0, 200_000.0, n_trains=3, seed=0)
    >>> cs = cross_spectrum_matrix(st, freqs=[0.0, 10.0],
    ...                            segment_length=1000.0)
    >>> cs.spectra.shape, cs.n_segments
    ((2, 3, 3), 200)
    >>> # independent Poisson trains: C = r I, within 4 standard errors
    >>> err = np.abs(cs.spectra[1] - 20 * np.eye(3))
    >>> bool(np.all(err < 4 * np.abs(cs.stderr[1]) + 1e-12))
    True
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    length = check_scalar(segment_length, "segment_length", low=0.0, high=st.t_max / 2.0, low_inclusive=False,
                          unit="ms")
    f = np.atleast_1d(check_array(freqs, "freqs", ndim=(0, 1), low=0.0, unit="Hz"))
    multiple = f * length / MS_PER_S
    off_grid = np.abs(multiple - np.round(multiple)) > _GRID_TOLERANCE
    if np.any(off_grid):
        raise ValueError(f"freqs must be multiples of the resolution 1000 / segment_length = "
                         f"{MS_PER_S / length:g} Hz, got {f[off_grid][0]:g} Hz")
    n_seg = int(st.t_max // length)
    n, n_f = st.n_neurons, f.size
    check_memory(16.0 * n_seg * n_f * n + 64.0 * n_f * n * n, "segment_length",
                 what=f"the transforms of {n_seg} segments and {n_f} cross-spectral matrices",
                 hint="use fewer frequencies or neurons, or longer segments")
    check_work(float(st.spike_times.size) * n_f + 8.0 * n_f * n_seg * n * n, "freqs",
               what="phase evaluations and products", hint="use fewer frequencies or neurons")
    x = np.zeros((n_seg, n_f, n), dtype=complex)
    _segment_transforms(st.spike_times, st.spike_ids, length, n_seg, 2.0 * np.pi * f / MS_PER_S, x)
    seconds = length / MS_PER_S
    spectra = np.empty((n_f, n, n), dtype=complex)
    stderr = np.empty((n_f, n, n), dtype=complex)
    for q in range(n_f):
        p = x[:, q, :]
        scale = 1.0
        if multiple[q] < 0.5:          # f = 0: covariance of the counts, unbiased
            p = p - p.mean(axis=0)
            scale = n_seg / (n_seg - 1.0)
        mean, var_re, var_im = _products(p)
        spectra[q] = mean * scale / seconds
        stderr[q] = (np.sqrt(var_re) + 1j * np.sqrt(var_im)) / (seconds * math.sqrt(n_seg))
    return CrossSpectra(f, spectra, stderr, n_seg, length)
