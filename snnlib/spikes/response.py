r"""The rate response of a population *measured from spikes*: two Monte Carlo estimators of the
susceptibility :math:`\chi(f)` and the inputs that drive them.

* Modulated input (lock-in): drive the population with weak sinusoids,
  :func:`sinusoidal_input`, and take the Fourier coefficient of the spikes at each driving
  frequency, :func:`lock_in_response`.
* White-noise reverse correlation: drive it with a Gaussian white noise common to all neurons,
  :func:`white_noise_input`, and divide the cross-spectrum of the population rate and the
  stimulus by the spectrum of the stimulus, :func:`reverse_correlation`.

Both return a :class:`RateResponse` with standard errors from independent blocks (neurons for the
lock-in, time for reverse correlation). The *theory* of the same quantity is
:func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`.
Times in ms, rates and frequencies in Hz, inputs in mV.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import (check_array, check_int, check_memory, check_nonnegative, check_positive,
                                check_scalar, whole_steps)
from ..units import MS_PER_S
from .containers import as_trains

__all__ = ["RateResponse", "sinusoidal_input", "lock_in_response", "white_noise_input", "reverse_correlation",
           "reverse_correlation_groups", "common_noise_stimulus", "spike_kicks"]

#: Relative tolerance of "a whole number of periods in the record" (round-off of f T / 1000).
_PERIOD_RTOL = 1e-9


class RateResponse(NamedTuple):
    """A susceptibility estimated from spikes (the result of :func:`lock_in_response` and
    :func:`reverse_correlation`).

    Parameters
    ----------
    freqs : numpy.ndarray, shape (n_freqs,)
        Frequencies (Hz).
    chi : numpy.ndarray of complex, shape (n_freqs,)
        Estimated susceptibility (Hz per unit of the input, Hz/mV for a mean input): the rate
        follows an input :math:`\\varepsilon\\cos(2\\pi f t)` as
        :math:`r_0 + \\varepsilon|\\chi|\\cos(2\\pi f t + \\arg\\chi)`.
    se : numpy.ndarray, shape (n_freqs,)
        Standard error of the real part and of the imaginary part of ``chi`` (each; same unit),
        from the scatter of ``n_blocks`` independent blocks.
    n_blocks : int
        Number of independent blocks behind ``se``.
    replicates : numpy.ndarray of complex, shape (n_blocks, n_freqs), optional
        The leave-one-block-out estimates of ``chi`` behind a jackknife ``se`` (same unit), or
        None; :meth:`gain_factor` needs them.

    Examples
    --------
    >>> est = RateResponse(np.array([10.0]), np.array([2.0 - 1.0j]),
    ...                    np.array([0.5]), 10)
    >>> est.z_scores(np.array([2.0 + 0.0j]))          # |(-1j)| / 0.5
    array([2.])
    """

    freqs: np.ndarray
    chi: np.ndarray
    se: np.ndarray
    n_blocks: int
    replicates: np.ndarray | None = None

    def z_scores(self, reference) -> np.ndarray:
        r"""Distance of the estimate from ``reference`` (complex, shape of ``chi``) in standard
        errors, :math:`|\hat\chi - \chi_{ref}| / \mathrm{se}`; for an unbiased estimate with
        Gaussian errors it is Rayleigh distributed (P(z > 3) = 1.1 %, P(z > 4) = 3.4e-4)."""
        ref = np.asarray(reference)
        if ref.shape != self.chi.shape:
            raise ValueError(f"reference must have the shape of chi, {self.chi.shape}, got {ref.shape}")
        return np.abs(self.chi - ref) / self.se

    def gain_factor(self, reference, f_min=0.0, f_max=math.inf) -> tuple[float, float]:
        r"""One real factor :math:`g` by which the estimate exceeds ``reference`` in a band, and
        its jackknife standard error.

        Parameters
        ----------
        reference : array_like of complex, shape of ``chi``
            The predicted susceptibility (unit of ``chi``), nonzero in the band.
        f_min, f_max : float
            The band (Hz): the frequencies with ``f_min <= freqs < f_max``.

        Returns
        -------
        (float, float)
            :math:`g = \sum_f w_f\,\mathrm{Re}(\hat\chi_f/\chi_f)` with weights
            :math:`w_f \propto |\chi_f|^2/\mathrm{se}_f^2` (the weighted least-squares fit of
            :math:`\hat\chi = g\chi`), dimensionless, and its jackknife standard error over the
            blocks, computed from ``replicates`` with the same weights (Efron & Tibshirani 1993,
            eq. 11.5). For an unbiased estimate :math:`(g - 1)/\mathrm{se}` follows Student's t
            with ``n_blocks - 1`` degrees of freedom. One common factor tests what the
            per-frequency z-scores cannot: a systematic gain error shared by all frequencies
            (a shifted working point, a biased rate).

        Examples
        --------
        >>> rep = np.array([[1.1], [0.9], [1.0]]) * (2.0 + 0j)
        >>> est = RateResponse(np.array([5.0]), np.array([2.0 + 0j]),
        ...                    np.array([0.2]), 3, rep)
        >>> g, se = est.gain_factor(np.array([2.0 + 0j]))
        >>> round(g, 3), round(se, 3)
        (1.0, 0.115)
        """
        ref = np.asarray(reference)
        if ref.shape != self.chi.shape:
            raise ValueError(f"reference must have the shape of chi, {self.chi.shape}, got {ref.shape}")
        if self.replicates is None:
            raise ValueError("gain_factor needs the leave-one-out replicates (replicates is None); "
                             "use reverse_correlation or reverse_correlation_groups")
        f_min = check_nonnegative(f_min, "f_min", unit="Hz")
        if not f_max > f_min:
            raise ValueError(f"f_max must exceed f_min = {f_min:g} Hz, got {f_max!r}")
        band = (self.freqs >= f_min) & (self.freqs < f_max)
        if not band.any():
            raise ValueError(f"no frequency in the band [{f_min:g}, {f_max:g}) Hz")
        if np.any(ref[band] == 0):
            raise ValueError("reference must be nonzero in the band")
        w = np.abs(ref[band]) ** 2 / self.se[band] ** 2
        w = w / w.sum()
        g = float(np.sum(w * (self.chi[band] / ref[band]).real))
        g_loo = ((self.replicates[:, band] / ref[band]).real * w).sum(axis=1)
        n = g_loo.size
        se = math.sqrt((n - 1) / n * np.sum((g_loo - g_loo.mean()) ** 2))
        return g, se


def _check_freqs(freqs) -> np.ndarray:
    return check_array(freqs, "freqs", ndim=1, low=0.0, low_inclusive=False, unit="Hz")


def sinusoidal_input(freqs, amplitude, *, t_max, dt) -> np.ndarray:
    r"""A sum of cosines as the time-dependent input ``mu_t`` of
    :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` (mV).

    Parameters
    ----------
    freqs : array_like, shape (n_freqs,)
        Frequencies (Hz), > 0.
    amplitude : float
        Amplitude :math:`\varepsilon` of each cosine (mV), >= 0.
    t_max : float
        Duration (ms), a whole number of steps ``dt``.
    dt : float
        Time step (ms), > 0.

    Returns
    -------
    numpy.ndarray, shape (t_max / dt,)
        The average over step ``k`` (from ``k dt`` to ``(k + 1) dt``) of
        :math:`\varepsilon\sum_j\cos(2\pi f_j t)` (mV): the step average, not a sample, so that
        the piecewise-constant input of the simulation has exactly the Fourier coefficient
        :math:`\varepsilon` at each :math:`f_j` (a sample would be off by the factor
        :math:`\mathrm{sinc}(f\,dt)` and half a step).

    Examples
    --------
    >>> # one period in 4 steps
    >>> x = sinusoidal_input([250.0], 1.0, t_max=4.0, dt=1.0)
    >>> np.round(x, 3)
    array([ 0.637, -0.637, -0.637,  0.637])
    """
    f = _check_freqs(freqs)
    amplitude = check_nonnegative(amplitude, "amplitude", unit="mV")
    dt = check_positive(dt, "dt", unit="ms")
    n_steps = whole_steps(check_positive(t_max, "t_max", unit="ms"), dt, "t_max")
    check_memory(8.0 * n_steps * 3, "t_max", what=f"an input of {n_steps} steps", hint="shorten t_max")
    edges = np.arange(n_steps + 1) * dt                                  # ms
    out = np.zeros(n_steps)
    for fj in f:
        w = 2.0 * np.pi * fj / MS_PER_S                                  # rad/ms
        s = np.sin(w * edges)
        out += np.diff(s) / (w * dt)                                     # mean of cos over the step
    return amplitude * out


def lock_in_response(spikes, spike_ids=None, *, freqs, amplitude, t_start=0.0, n_neurons=None,
                     t_max=None, delay=0.0, n_blocks=20) -> RateResponse:
    r"""Susceptibility from the spikes of a population driven by :func:`sinusoidal_input`.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        Spike times (ms) and neuron ids, or a simulation result, as in
        :func:`bin_spikes <snnlib.spikes.statistics.bin_spikes>`; the neurons must be independent
        given the input (uncoupled neurons with private noise).
    freqs : array_like, shape (n_freqs,)
        The driving frequencies (Hz), > 0. The analysed record, from ``t_start`` to ``t_max``, must
        hold a whole number of periods of each, so that neither the mean rate nor the other
        sinusoids leak into the estimate.
    amplitude : float
        Amplitude :math:`\varepsilon` of each driving cosine (mV, or the unit of the input), > 0.
    t_start : float
        Start of the analysed record (ms), in [0, t_max): spikes before it (the transient from
        the initial condition) are ignored. The phase refers to t = 0, as in the input.
    delay : float
        Time (ms) subtracted from every spike time before the analysis, >= 0: ``dt / 2`` for
        spikes registered at the end of the Euler step in which the threshold was crossed
        (:func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`).
    n_blocks : int
        Number of groups of neurons (neuron ``i`` in group ``i mod n_blocks``) whose scatter
        gives the standard error, in [2, n_neurons].

    Returns
    -------
    RateResponse
        :math:`\hat\chi(f_j)` and the standard error of its real and imaginary parts.

    Notes
    -----
    For an input :math:`\mu(t) = \mu + \varepsilon\sum_j\cos(2\pi f_j t)` the population rate is
    :math:`r(t) = r_0 + \mathrm{Re}\sum_j\varepsilon\chi(f_j)e^{2\pi i f_j t} + O(\varepsilon^2)`,
    so over a record of length :math:`T` (a whole number of periods)

    .. math::

        \hat\chi(f_j) = \frac{2}{\varepsilon N T}\sum_k e^{-2\pi i f_j t_k},

    the sum running over the N neurons' spikes in the record (Knight 1972 measured the response
    of a population this way). With independent neurons the real and imaginary parts each have
    the variance :math:`2S(f_j)/(\varepsilon^2 N T)` (S the spike-train spectrum); the returned
    ``se`` estimates it from the scatter of the groups of neurons, without any theory. Choose
    frequencies whose sums and differences (second order) and :math:`2f_i \pm f_j` (third order)
    avoid the others, and :math:`\varepsilon` small: the third-order term changes the gain by
    :math:`O(\varepsilon^2)`.

    Examples
    --------
    >>> import snnlib
    >>> lif, dt = snnlib.LIF(), 0.1
    >>> mu_t = snnlib.sinusoidal_input([10.0], 1.0, t_max=2000.0, dt=dt)
    >>> sim = snnlib.simulate_population(lif, 12.0, 3.0, n_neurons=400,
    ...                                  t_max=2000.0, dt=dt, mu_t=mu_t,
    ...                                  seed=1)
    >>> est = snnlib.lock_in_response(sim, freqs=[10.0], amplitude=1.0,
    ...                               t_start=200.0, delay=dt / 2)
    >>> th = snnlib.susceptibility(lif, 12.0, 3.0, [10.0])
    >>> bool(est.z_scores(th)[0] < 4.0)
    True
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    f = _check_freqs(freqs)
    amplitude = check_positive(amplitude, "amplitude")
    t_start = check_nonnegative(t_start, "t_start", unit="ms")
    if t_start >= st.t_max:
        raise ValueError(f"t_start must lie in [0, t_max) = [0, {st.t_max:g}) ms, got {t_start:g} ms")
    delay = check_nonnegative(delay, "delay", unit="ms")
    n_blocks = check_int(n_blocks, "n_blocks", low=2, high=max(st.n_neurons, 2))
    if st.n_neurons < 2:
        raise ValueError("n_neurons must be at least 2 for a standard error between groups of neurons")
    length = (st.t_max - t_start) / MS_PER_S                             # s
    periods = f * length
    if np.any(np.abs(periods - np.round(periods)) > _PERIOD_RTOL * np.maximum(periods, 1.0)):
        bad = f[np.abs(periods - np.round(periods)) > _PERIOD_RTOL * np.maximum(periods, 1.0)][0]
        raise ValueError(f"freqs: the record from t_start to t_max, {1000 * length:g} ms, must hold a whole "
                         f"number of periods of every frequency; {bad:g} Hz does not (choose t_start or "
                         "freqs accordingly)")
    keep = st.spike_times - delay >= t_start
    t = (st.spike_times[keep] - delay) / MS_PER_S                        # s
    group = st.spike_ids[keep] % n_blocks
    per_group = np.bincount(np.arange(st.n_neurons) % n_blocks, minlength=n_blocks)
    chi_b = np.empty((n_blocks, f.size), dtype=complex)
    for j, fj in enumerate(f):
        phasor = np.exp(-2j * np.pi * fj * t)
        sums = np.bincount(group, weights=phasor.real, minlength=n_blocks) \
            + 1j * np.bincount(group, weights=phasor.imag, minlength=n_blocks)
        chi_b[:, j] = 2.0 * sums / (amplitude * per_group * length)
    chi = (per_group[:, None] * chi_b).sum(axis=0) / st.n_neurons
    # variance of a group's estimate scales as 1 / (its neurons): weighted scatter
    resid = chi_b - chi
    var_one = (per_group[:, None] * (resid.real ** 2 + resid.imag ** 2)).sum(axis=0) / (2.0 * (n_blocks - 1))
    se = np.sqrt(var_one / st.n_neurons)
    return RateResponse(f, chi, se, n_blocks)


def white_noise_input(sigma, *, tau_m, t_max, dt, seed=None) -> np.ndarray:
    r"""Gaussian white noise as the time-dependent input ``mu_t`` of
    :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` (mV), with the
    strength of the book's noise term :math:`\sigma\sqrt{2\tau_m}\,\xi(t)`.

    Parameters
    ----------
    sigma : float
        Noise amplitude (mV), >= 0, in the book's convention: alone it gives the free membrane
        potential the standard deviation ``sigma``.
    tau_m : float
        Membrane time constant (ms) of the neurons it drives, > 0.
    t_max : float
        Duration (ms), a whole number of steps ``dt``.
    dt : float
        Time step (ms), > 0.
    seed : None, int or numpy.random.Generator
        Seed of the noise.

    Returns
    -------
    numpy.ndarray, shape (t_max / dt,)
        :math:`s_k = \sigma\sqrt{2\tau_m/dt}\,\xi_k` (mV), :math:`\xi_k` independent standard
        normals: in the Euler step, :math:`s_k\,dt/\tau_m = \sigma\sqrt{2\,dt/\tau_m}\,\xi_k` is
        exactly the book's noise increment. Its two-sided spectrum is
        :math:`2\sigma^2\tau_m` (mV^2 ms) up to the Nyquist frequency.

    Examples
    --------
    >>> s = white_noise_input(2.0, tau_m=20.0, t_max=1000.0, dt=0.1, seed=0)
    >>> # ~ sigma^2 = 4
    >>> s.shape, round(float(s.std() ** 2 * 0.1 / (2 * 20.0)), 1)
    ((10000,), 4.0)
    """
    sigma = check_nonnegative(sigma, "sigma", unit="mV")
    tau_m = check_positive(tau_m, "tau_m", unit="ms")
    dt = check_positive(dt, "dt", unit="ms")
    n_steps = whole_steps(check_positive(t_max, "t_max", unit="ms"), dt, "t_max")
    check_memory(8.0 * n_steps, "t_max", what=f"an input of {n_steps} steps", hint="shorten t_max")
    return sigma * math.sqrt(2.0 * tau_m / dt) * as_generator(seed).standard_normal(n_steps)


def reverse_correlation(spikes, spike_ids=None, *, stimulus, dt, segment_length, t_start=0.0,
                        n_neurons=None, t_max=None, delay=0.0, n_blocks=10, f_max=None) -> RateResponse:
    r"""Susceptibility by reverse correlation: the cross-spectrum of the population rate and a
    stimulus common to all neurons, divided by the spectrum of the stimulus.

    Parameters
    ----------
    spikes, spike_ids, n_neurons, t_max
        Spike times (ms) and neuron ids, or a simulation result, as in
        :func:`bin_spikes <snnlib.spikes.statistics.bin_spikes>`.
    stimulus : array_like, shape (t_max / dt,)
        The input common to all neurons (mV, or any unit), constant during each step
        ``[k dt, (k + 1) dt)``: the ``mu_t`` of the simulation.
    dt : float
        Time step of ``stimulus`` (ms), > 0; spikes are counted in the same bins.
    segment_length : float
        Length of the segments whose spectra are averaged (ms), a whole number of steps; the
        frequency resolution is ``1000 / segment_length`` Hz.
    t_start : float
        Start of the analysed record (ms), >= 0 (the transient is dropped).
    delay : float
        Time (ms) subtracted from every spike time, >= 0; ``dt / 2`` puts a spike registered at
        the end of a step (:func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`)
        into the bin of the step in which it was caused.
    n_blocks : int
        Number of consecutive blocks of segments (>= 2) for the jackknife standard error; the
        record must hold at least ``n_blocks`` segments.
    f_max : float, optional
        Highest frequency returned (Hz), default the Nyquist frequency ``500 / dt``.

    Returns
    -------
    RateResponse
        :math:`\hat\chi(f) = \hat S_{xs}(f)/\hat S_{ss}(f)` (Hz per unit of the stimulus) at the
        frequencies ``k * 1000 / segment_length`` Hz, ``k >= 1``, jackknife standard errors
        of its real and imaginary parts over the blocks, and the leave-one-block-out
        ``replicates``. All blocks share one realisation of the stimulus: for errors that are
        also independent across frequencies use :func:`reverse_correlation_groups`.

    Notes
    -----
    With the population rate :math:`x(t) = \frac1N\sum_i\sum_k\delta(t - t_i^k)` and a stimulus
    :math:`s(t)`, linear response gives :math:`\tilde x(f) = \chi(f)\tilde s(f) + \text{noise}`,
    so the ratio of the averaged cross-spectrum :math:`\langle\tilde x\tilde s^*\rangle` to the
    averaged stimulus spectrum :math:`\langle|\tilde s|^2\rangle` estimates :math:`\chi` (the
    :math:`H_1` estimator of a transfer function; Bendat & Piersol 2010, sec. 9.2). Segments are
    non-overlapping and untapered, means are removed per segment.

    If the stimulus is Gaussian white noise (:func:`white_noise_input`) the result holds beyond
    linear order: by the Furutsu-Novikov theorem (Novikov 1965, Sov Phys JETP 20:1290) the
    cross-correlation of the output with a Gaussian white input is its intensity times the
    mean response function, so :math:`S_{xs}/S_{ss}` is *exactly* the susceptibility of the
    neuron at the working point that includes the stimulus as part of its noise. Give the
    neurons the private noise :math:`\sqrt{\sigma^2 - \sigma_s^2}` and the stimulus
    :math:`\sigma_s`: the estimate is then :math:`\chi` at :math:`(\mu, \sigma)` for any
    :math:`\sigma_s \le \sigma`, with no small-amplitude error (Lindner 2022 reviews such
    fluctuation-response relations).

    The bins add a small bias: spikes counted in bins of ``dt`` and a stimulus held over steps
    of ``dt`` multiply the estimate by about :math:`\mathrm{sinc}^2(f\,dt)` (0.8 % at 1 kHz for
    ``dt = 0.05`` ms).

    Examples
    --------
    >>> import snnlib
    >>> lif, dt, t_max = snnlib.LIF(), 0.1, 10_000.0
    >>> s = snnlib.white_noise_input(2.0, tau_m=lif.tau_m, t_max=t_max, dt=dt,
    ...                              seed=2)
    >>> # sigma^2 = 5 + 4 = 9 = 3^2
    >>> sim = snnlib.simulate_population(lif, 12.0, 5 ** 0.5, n_neurons=500,
    ...                                  t_max=t_max, dt=dt, mu_t=s, seed=3)
    >>> est = snnlib.reverse_correlation(sim, stimulus=s, dt=dt,
    ...                                  segment_length=100.0, delay=dt / 2,
    ...                                  f_max=100.0)
    >>> th = snnlib.susceptibility(lif, 12.0, 3.0, est.freqs)
    >>> bool(np.median(est.z_scores(th)) < 2.0)
    True
    """
    st = as_trains(spikes, spike_ids, n_neurons, t_max)
    dt = check_positive(dt, "dt", unit="ms")
    n_blocks = check_int(n_blocks, "n_blocks", low=2)
    plan = _plan(st.t_max, dt, segment_length, t_start, delay, f_max, n_min=n_blocks)
    sxs, sss = _segment_spectra(st, stimulus, plan)
    n_seg = sxs.shape[0]
    # blocks of consecutive segments (the last one takes the remainder) and the jackknife
    block = np.minimum(np.arange(n_seg) * n_blocks // n_seg, n_blocks - 1)
    bxs = np.array([sxs[block == k].sum(axis=0) for k in range(n_blocks)])
    bss = np.array([sss[block == k].sum(axis=0) for k in range(n_blocks)])
    return _jackknife(plan.freqs, bxs, bss)


class _Plan(NamedTuple):
    """Binning of one reverse-correlation record: steps, segments, selected frequencies."""
    dt: float            # ms
    n_steps: int
    seg: int             # steps per segment
    first: int           # first analysed step
    n_seg: int
    delay: float         # ms
    sel: np.ndarray      # bool mask of the rfft frequencies kept
    freqs: np.ndarray    # Hz


def _plan(t_max, dt, segment_length, t_start, delay, f_max, *, n_min) -> _Plan:
    n_steps = whole_steps(t_max, dt, "t_max")
    seg = whole_steps(check_positive(segment_length, "segment_length", unit="ms"), dt, "segment_length", low=2)
    t_start = check_nonnegative(t_start, "t_start", unit="ms")
    delay = check_nonnegative(delay, "delay", unit="ms")
    first = int(math.ceil(t_start / dt - 1e-9))
    n_seg = (n_steps - first) // seg
    if n_seg < n_min:
        raise ValueError(f"segment_length: the record from t_start holds {n_seg} segments of "
                         f"{segment_length:g} ms, fewer than n_blocks = {n_min}; use shorter segments or "
                         "fewer blocks")
    f_nyq = MS_PER_S / (2.0 * dt)
    if f_max is not None:
        f_nyq = check_scalar(f_max, "f_max", low=0.0, high=f_nyq, low_inclusive=False, unit="Hz")
    check_memory(16.0 * n_seg * (seg // 2 + 1) + 8.0 * n_steps, "segment_length",
                 what="the segment spectra", hint="use a larger dt or a shorter record")
    freqs = np.fft.rfftfreq(seg, d=dt / MS_PER_S)
    sel = (freqs > 0.0) & (freqs <= f_nyq * (1.0 + 1e-12))
    return _Plan(dt, n_steps, seg, first, n_seg, delay, sel, freqs[sel])


def _segment_spectra(st, stimulus, plan: _Plan):
    """Per-segment cross-spectra rate x stimulus and stimulus spectra (unnormalised rfft
    products, shape (n_seg, n_freqs)); the population rate is in Hz."""
    p = plan
    s = check_array(stimulus, "stimulus", shape=(p.n_steps,))
    b = np.floor((st.spike_times - p.delay) / p.dt).astype(np.int64)
    b = b[(b >= 0) & (b < p.n_steps)]
    rate = np.bincount(b, minlength=p.n_steps).astype(float) / (st.n_neurons * p.dt / MS_PER_S)   # Hz
    span = slice(p.first, p.first + p.n_seg * p.seg)
    x = rate[span].reshape(p.n_seg, p.seg)
    y = s[span].reshape(p.n_seg, p.seg)
    fx = np.fft.rfft(x - x.mean(axis=1, keepdims=True), axis=1)
    fy = np.fft.rfft(y - y.mean(axis=1, keepdims=True), axis=1)
    return (fx * np.conj(fy))[:, p.sel], (np.abs(fy) ** 2)[:, p.sel]


def _jackknife(freqs, bxs, bss) -> RateResponse:
    """Ratio estimate sum(bxs) / sum(bss) and its leave-one-block-out jackknife (Efron &
    Tibshirani 1993, eq. 11.5), per frequency; ``bxs``, ``bss`` of shape (n_blocks, n_freqs)."""
    n_blocks = bxs.shape[0]
    chi = bxs.sum(axis=0) / bss.sum(axis=0)
    loo = (bxs.sum(axis=0) - bxs) / (bss.sum(axis=0) - bss)
    resid = loo - loo.mean(axis=0)
    var = (n_blocks - 1) / n_blocks * (resid.real ** 2 + resid.imag ** 2).sum(axis=0)
    return RateResponse(freqs, chi, np.sqrt(var / 2.0), n_blocks, loo)


def reverse_correlation_groups(populations, stimuli, *, dt, segment_length, t_start=0.0, delay=0.0,
                               f_max=None) -> RateResponse:
    r"""Reverse correlation pooled over groups of neurons, each driven by its own stimulus, with
    a jackknife over the groups.

    Parameters
    ----------
    populations : sequence of simulation results or SpikeTrains, length n_groups >= 2
        The spikes of each group (times in ms), all with the same ``t_max`` (ms); the neurons of a
        group share its stimulus, different groups are independent.
    stimuli : sequence of array_like, each of shape (t_max / dt,)
        The stimulus of each group (mV, or any unit), constant during each step, as in
        :func:`reverse_correlation`; :func:`common_noise_stimulus` gives it for a group simulated
        with ``input_correlation``.
    dt : float
        Time step of the stimuli (ms), > 0; spikes are counted in the same bins.
    segment_length : float
        Length of the segments whose spectra are averaged (ms), a whole number of steps.
    t_start : float
        Start of the analysed record (ms), >= 0.
    delay : float
        Time (ms) subtracted from every spike time, >= 0 (``dt / 2`` for the simulator).
    f_max : float, optional
        Highest frequency returned (Hz), default ``500 / dt``.

    Returns
    -------
    RateResponse
        :math:`\hat\chi = \sum_g \hat S^{(g)}_{xs}/\sum_g \hat S^{(g)}_{ss}` (Hz per unit of the
        stimulus), the jackknife standard errors of its real and imaginary parts over the
        groups, ``n_blocks = n_groups`` and the leave-one-group-out ``replicates``.

    Notes
    -----
    With one stimulus for all neurons (:func:`reverse_correlation`) the blocks of a jackknife
    over time share one realisation of the stimulus, and its slow part shifts the working point
    of the whole population: the rate, and with it the gain at all frequencies, moves by a
    random amount common to all frequencies. The per-frequency errors are then right but not
    independent across frequencies. Independent groups make that shift independent between
    the groups and average it down, and the jackknife over groups includes it in the standard
    error. With ``n_groups`` groups, :math:`z^2/2` at each frequency is approximately
    :math:`F(2, 2(n_{groups} - 1))` distributed for an unbiased estimate.

    Examples
    --------
    >>> import snnlib
    >>> lif, dt, t_max, c = snnlib.LIF(), 0.1, 4000.0, 0.5
    >>> sims, stims = [], []
    >>> for g in range(4):
    ...     sims.append(snnlib.simulate_population(
    ...         lif, 12.0, 3.0, n_neurons=200, t_max=t_max, dt=dt,
    ...         input_correlation=c, seed=g))
    ...     stims.append(snnlib.common_noise_stimulus(
    ...         3.0, c, tau_m=lif.tau_m, t_max=t_max, dt=dt, seed=g))
    >>> est = snnlib.reverse_correlation_groups(sims, stims, dt=dt,
    ...                                         segment_length=100.0,
    ...                                         delay=dt / 2, f_max=100.0)
    >>> est.n_blocks, est.freqs[:3]
    (4, array([10., 20., 30.]))
    """
    if isinstance(populations, (str, bytes)) or not hasattr(populations, "__len__"):
        raise TypeError("populations must be a sequence of simulation results or SpikeTrains")
    if isinstance(stimuli, (str, bytes)) or not hasattr(stimuli, "__len__"):
        raise TypeError("stimuli must be a sequence of arrays, one per group")
    if len(populations) < 2:
        raise ValueError(f"populations must hold at least 2 groups for the jackknife, got {len(populations)}")
    if len(stimuli) != len(populations):
        raise ValueError(f"stimuli must hold one array per group ({len(populations)}), got {len(stimuli)}")
    dt = check_positive(dt, "dt", unit="ms")
    trains = [as_trains(p) for p in populations]
    t_max = trains[0].t_max
    if any(abs(t.t_max - t_max) > 1e-9 * t_max for t in trains):
        raise ValueError("populations: every group must have the same t_max")
    plan = _plan(t_max, dt, segment_length, t_start, delay, f_max, n_min=1)
    spectra = [_segment_spectra(t, s, plan) for t, s in zip(trains, stimuli)]
    bxs = np.array([a.sum(axis=0) for a, _ in spectra])
    bss = np.array([b.sum(axis=0) for _, b in spectra])
    return _jackknife(plan.freqs, bxs, bss)


def common_noise_stimulus(sigma, input_correlation, *, tau_m, t_max, dt, seed) -> np.ndarray:
    r"""The common part of the noise of a run of
    :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>` with
    ``input_correlation`` :math:`c`, written as a stimulus (mV), for reverse correlation.

    Parameters
    ----------
    sigma : float
        The total noise amplitude ``sigma`` of the run (mV), >= 0.
    input_correlation : float
        Its ``input_correlation`` :math:`c`, in (0, 1].
    tau_m : float
        Membrane time constant of the neurons (ms), > 0.
    t_max : float
        Duration of the run (ms), a whole number of steps ``dt``.
    dt : float
        Its time step (ms), > 0.
    seed : int
        Its seed, an integer >= 0 (a Generator would be consumed and could not be replayed).

    Returns
    -------
    numpy.ndarray, shape (t_max / dt,)
        :math:`s_k = \sqrt{c}\,\sigma\sqrt{2\tau_m/dt}\,y_k` (mV), with :math:`y_k` the shared
        standard normals of the run: the run is the same as one with the private noise
        :math:`\sqrt{1 - c}\,\sigma` and ``mu_t = s`` (same seed; identical spikes without the
        threshold correction), i.e. a stimulus of amplitude :math:`\sigma_s = \sqrt{c}\,\sigma`
        in the convention of :func:`white_noise_input`.

    Notes
    -----
    Why not drive the neurons with ``mu_t = white_noise_input(...)`` instead: the simulator holds
    ``mu_t`` constant over each step, so its Brownian-bridge threshold test sees only the private
    noise, :math:`\sqrt{1 - c}\,\sigma`, and misses the crossings that the stimulus would cause
    within a step. The rate then comes out low by :math:`O(\sqrt{dt})`, the undercount that the
    bridge removes for the private noise (Gobet 2000): for the LIF at 12 mV, 3 mV and
    :math:`c = 1/2` by 1.8 % at ``dt = 0.1`` ms and 1.4 % at 0.05 ms (chapter 6
    measures both on the same noise, to 0.1 %). As shared noise the stimulus
    is part of the noise that the bridge sees (``simulate_population``, Notes), and the estimate
    is unbiased to :math:`O(dt)`.

    Examples
    --------
    >>> s = common_noise_stimulus(3.0, 0.5, tau_m=20.0, t_max=1000.0, dt=0.1,
    ...                           seed=1)
    >>> s.shape
    (10000,)
    """
    from .._core.seeding import kernel_seed
    from ..neuron.montecarlo import shared_noise

    sigma = check_nonnegative(sigma, "sigma", unit="mV")
    c = check_scalar(input_correlation, "input_correlation", low=0.0, high=1.0, low_inclusive=False)
    tau_m = check_positive(tau_m, "tau_m", unit="ms")
    dt = check_positive(dt, "dt", unit="ms")
    n_steps = whole_steps(check_positive(t_max, "t_max", unit="ms"), dt, "t_max")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be the integer seed of the run, got {type(seed).__name__}")
    seed = check_int(seed, "seed", low=0)
    common = shared_noise(kernel_seed(seed), n_steps, c).common        # sqrt(c) y_k
    return sigma * math.sqrt(2.0 * tau_m / dt) * common


def spike_kicks(spike_times, *, weight, delay, tau_m, t_max, dt) -> np.ndarray:
    r"""The input ``mu_t`` (mV) by which presynaptic spikes kick a neuron through a delta synapse
    in :func:`simulate_population <snnlib.neuron.montecarlo.simulate_population>`.

    Parameters
    ----------
    spike_times : array_like
        Presynaptic spike times (ms) as the simulator registers them, at the end of a step
        (whole multiples of ``dt``), in (0, t_max].
    weight : float
        Jump :math:`J` of the membrane potential per spike (mV).
    delay : float
        Synaptic delay :math:`d` (ms), >= 0, a whole number of steps.
    tau_m : float
        Membrane time constant of the postsynaptic neuron (ms), > 0.
    t_max : float
        Duration (ms), a whole number of steps.
    dt : float
        Time step (ms), > 0.

    Returns
    -------
    numpy.ndarray, shape (t_max / dt,)
        ``mu_t`` with :math:`J\tau_m/dt` in the step that starts one step plus the delay after
        the step in which each spike was caused (summed over spikes): in the Euler step
        :math:`V \mathrel{+}= (dt/\tau_m)\,\mu_t` this is a jump of exactly :math:`J`. A spike
        caused in step :math:`k` (registered at :math:`(k + 1)dt`) thus kicks in step
        :math:`k + 1 + d/dt`; the effective delay is :math:`d + dt`. Kicks beyond ``t_max`` are
        dropped. The diffusion limit of many such kicks is :math:`\mu = \tau_m J\nu`,
        :math:`\sigma^2 = \tau_m J^2\nu/2` (Brunel 2000, eqs. 4-5, with
        :math:`\sigma_B^2 = 2\sigma^2`).

    Examples
    --------
    >>> spike_kicks([0.3, 0.5], weight=0.5, delay=0.2, tau_m=20.0, t_max=1.0,
    ...             dt=0.1)
    array([  0.,   0.,   0.,   0.,   0., 100.,   0., 100.,   0.,   0.])
    """
    weight = check_scalar(weight, "weight", unit="mV")
    tau_m = check_positive(tau_m, "tau_m", unit="ms")
    dt = check_positive(dt, "dt", unit="ms")
    n_steps = whole_steps(check_positive(t_max, "t_max", unit="ms"), dt, "t_max")
    lag = whole_steps(check_nonnegative(delay, "delay", unit="ms"), dt, "delay", low=0)
    t = check_array(spike_times, "spike_times", ndim=1, min_size=0, unit="ms")
    k = np.round(t / dt).astype(np.int64)
    if t.size and (np.any(np.abs(k * dt - t) > 1e-6 * dt) or k.min() < 1 or k.max() > n_steps):
        raise ValueError("spike_times must be whole multiples of dt in (0, t_max], as the simulator "
                         "registers them")
    k = k + lag                  # caused in step k - 1, so it kicks 1 + lag steps after it
    k = k[k < n_steps]
    return np.bincount(k, minlength=n_steps).astype(float) * (weight * tau_m / dt)
