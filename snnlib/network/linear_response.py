r"""Spike correlations of a recurrent network predicted from its connectivity: linear response
theory (chapter 8).

Around the stationary state of mean-field theory each neuron ``i`` answers a small modulation of
its mean input :math:`\delta\mu_i(f)` (mV) with a rate modulation :math:`\chi_i(f)\,\delta\mu_i(f)`
(:func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`, Hz/mV), and its
spike train fluctuates on its own with the spectrum :math:`S_i(f)` (:func:`spike_spectrum
<snnlib.fokker_planck.linear_response.spike_spectrum>`). A delta synapse of :math:`J_{ij}` mV with
delay :math:`d` is, in the book's units (:math:`\tau_m\dot V = \dots + \mu(t)`), the input
:math:`\tau_m J_{ij}\sum_k\delta(t - t^j_k - d)`: it jumps :math:`V` by :math:`J_{ij}`. So the
spike train :math:`y_j` of neuron ``j`` drives neuron ``i`` through

.. math::

    K_{ij}(f) = \chi_i(f)\,\tau_{m,i}\,J_{ij}\,e^{-2\pi i f d_{ij}}\,h_i(f),

with :math:`h_i(f) = 1/(1 + 2\pi i f\tau_s)` for exponential current synapses (1 for delta
synapses); :math:`\tau_m` in seconds makes :math:`K` dimensionless. Treating every spike train as
its own fluctuation plus the linear response to the others,
:math:`y = y^0 + K y` (Lindner, Doiron & Longtin 2005; Trousdale et al. 2012, eq. 10), gives the
cross-spectrum

.. math::

    C(f) = (I - K(f))^{-1}\, C^0(f)\, (I - K(f))^{-H}, \qquad C^0 = \mathrm{diag}(S_i(f)),

the covariance density :math:`C(\tau)` as its inverse Fourier transform, and the long-window count
covariance :math:`C(0)`. A presynaptic rate also modulates the input *variance*,
:math:`\delta\sigma_i^2 = \frac{\tau_m}{2}\sum_j J_{ij}^2\,\delta r_j` in the book's units; with
``variance=True`` the kernel gains the term :math:`\chi^{\sigma^2}_i\,\frac{\tau_m}{2}J_{ij}^2
e^{-2\pi i f d}h_i` (Richardson 2007). It is second order in the weights: negligible for synapses
much smaller than :math:`\sigma`, 15 % of the covariance for :math:`J = \sigma/2` (the tests show
that a simulation then needs it). The expansion :math:`(I - K)^{-1} = \sum_n K^n` splits each covariance
into direct connections, shared input and longer chains (Pernice et al. 2011; Trousdale et al.
2012): :func:`covariance_motifs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._core.validation import check_array, check_bool, check_int, check_memory, check_positive, check_work
from ..fokker_planck import spike_spectrum, susceptibility
from ..units import MS_PER_S
from .mean_field import mean_field
from .network import Network

__all__ = ["WorkingPoint", "weight_matrix", "working_point", "coupling_kernel", "predict_cross_spectrum",
           "predict_cross_covariance", "predict_count_covariance", "covariance_motifs", "PopulationSpectra",
           "predict_population_spectrum"]

#: Largest network (neurons) for the dense N x N predictions.
MAX_NEURONS = 5000
#: Bytes of spectra held at once by the inverse transform of predict_cross_covariance.
BATCH_BYTES = 2 ** 25


def _check_network(network, dense: bool = True) -> Network:
    if not isinstance(network, Network):
        raise TypeError(f"network must be an snnlib.Network, got {type(network).__name__}")
    if dense and network.n_neurons > MAX_NEURONS:
        raise ValueError(f"network: the linear-response predictions are dense N x N matrices, for networks of at "
                         f"most {MAX_NEURONS} neurons; got {network.n_neurons}")
    return network


def weight_matrix(network, *, delay=None, squared: bool = False) -> np.ndarray:
    r"""The network's synapses as a dense matrix: ``W[i, j]`` is the summed PSP jump (mV) of the
    synapses from neuron ``j`` onto neuron ``i`` (multapses add up).

    Parameters
    ----------
    network : Network
        The network (neurons numbered population by population).
    delay : None or float
        Only the projections with this delay (ms); None: all.
    squared : bool
        Sum the squares of the weights instead (mV^2): what a presynaptic rate adds to the input
        variance, multapses counted one by one.

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons)
        Weights (mV), or summed squared weights (mV^2).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> w = np.array([[0.0, 0.5], [-1.0, 0.0]])
    >>> net = snnlib.Network.from_weights(w, snnlib.LIF(), mu=10.0, sigma=2.0)
    >>> snnlib.network.weight_matrix(net)
    array([[ 0. ,  0.5],
           [-1. ,  0. ]])
    """
    net = _check_network(network)
    n = net.n_neurons
    check_memory(8.0 * n * n, "network", what="the dense weight matrix")
    w = np.zeros((n, n))
    for p in net.projections:
        if delay is not None and p.delay != delay:
            continue
        c, pre, post = p.connectivity, net.population(p.pre), net.population(p.post)
        src = np.repeat(np.arange(c.n_pre), np.diff(c.indptr)) + pre.start
        dst = c.targets.astype(np.int64) + post.start
        vals = c.weights if p.j is None else np.full(dst.size, p.j)
        np.add.at(w, (dst, src), vals * vals if squared else vals)
    return w


@dataclass(frozen=True)
class WorkingPoint:
    """The mean-field stationary state on which the linear response is built (read-only).

    Parameters
    ----------
    group : ndarray of int64, shape (n_neurons,)
        Working point of each neuron (its population, or itself with ``per_neuron``).
    rate, mu, sigma : ndarray, shape (n_groups,)
        Stationary rate (Hz), mean input and noise amplitude (mV, book convention) of each.
    models : tuple
        Neuron model of each group.
    tau_s : tuple
        Synaptic time constant of the recurrent input of each group (ms), or None.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=1000, n_inh=250,
    ...                             epsilon=1.0, seed=1)
    >>> wp = snnlib.network.working_point(net)
    >>> [round(float(r), 2) for r in wp.rate], wp.neuron_rates.shape
    ([37.95, 37.95], (1250,))
    """

    group: np.ndarray
    rate: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    models: tuple
    tau_s: tuple

    @property
    def neuron_rates(self) -> np.ndarray:
        """Stationary rate of every neuron (Hz)."""
        return self.rate[self.group]


def working_point(network, *, per_neuron: bool = False) -> WorkingPoint:
    """The mean-field working point of ``network`` (:func:`~snnlib.network.mean_field.mean_field`).

    Parameters
    ----------
    network : Network
        The network.
    per_neuron : bool
        One working point per neuron (its actual in-degrees; for networks of at most
        ``MAX_NEURONS``) instead of one per population (mean in-degrees; any size).

    Returns
    -------
    WorkingPoint
        Rates (Hz), mu and sigma (mV) of each group, and each neuron's group.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [2.0, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0)
    >>> wp = snnlib.network.working_point(net, per_neuron=True)
    >>> # neuron 1 also receives neuron 0's spikes
    >>> bool(wp.rate[1] > wp.rate[0])
    True
    """
    per_neuron = check_bool(per_neuron, "per_neuron")
    net = _check_network(network, dense=per_neuron)
    mf = mean_field(net, per_neuron=per_neuron)
    pops = net.populations
    pop_of = np.concatenate([np.full(p.size, k) for k, p in enumerate(pops)]).astype(np.int64)
    if per_neuron:
        group = np.arange(net.n_neurons, dtype=np.int64)
        models = tuple(pops[k].model for k in pop_of)
        tau_s = tuple(pops[k].tau_s for k in pop_of)
    else:
        group = pop_of
        models = tuple(p.model for p in pops)
        tau_s = tuple(p.tau_s for p in pops)
    return WorkingPoint(group, np.asarray(mf.rate, float), np.asarray(mf.mu, float), np.asarray(mf.sigma, float),
                        models, tau_s)


def _check_freqs(freqs) -> np.ndarray:
    return np.atleast_1d(check_array(freqs, "freqs", ndim=(0, 1), low=0.0, unit="Hz"))


def _group_spectra(wp: WorkingPoint, f: np.ndarray):
    """chi (Hz/mV) and S (Hz) of every group at ``f``: arrays (n_groups, n_freqs)."""
    chi = np.array([susceptibility(m, mu, s, f) for m, mu, s in zip(wp.models, wp.mu, wp.sigma)])
    spec = np.array([spike_spectrum(m, mu, s, f) for m, mu, s in zip(wp.models, wp.mu, wp.sigma)])
    return chi, spec


class _Kernel:
    """K(f) of a network, one frequency at a time: diag(chi tau_m h) sum_d exp(-2 pi i f d) W_d, plus
    diag(chi_sigma2 tau_m h / 2) sum_d exp(-2 pi i f d) W2_d with the variance channel."""

    def __init__(self, net: Network, wp: WorkingPoint, f: np.ndarray, variance: bool = False):
        self.f = f
        delays = sorted({p.delay for p in net.projections})
        self.delays = np.array(delays, dtype=float)
        self.w = [weight_matrix(net, delay=d) for d in delays]
        chi, self.spec = _group_spectra(wp, f)
        tau_m = np.array([m.tau_m for m in wp.models]) / MS_PER_S          # s
        omega = 2.0 * np.pi * f
        h = np.array([np.ones_like(omega) if ts is None else 1.0 / (1.0 + 1j * omega * ts / MS_PER_S)
                      for ts in wp.tau_s])
        self.row = (chi * tau_m[:, None] * h)[wp.group]                      # (N, F)
        self.variance = variance
        if variance:   # sigma^2 = tau_m sum_j J_ij^2 r_j / 2 (book units): chapter 7
            self.w2 = [weight_matrix(net, delay=d, squared=True) for d in delays]
            chi2 = np.array([susceptibility(m, mu, s, f, channel="sigma2")
                             for m, mu, s in zip(wp.models, wp.mu, wp.sigma)])
            self.row2 = (chi2 * tau_m[:, None] / 2.0 * h)[wp.group]
        self.s0 = self.spec[wp.group]                                        # (N, F)
        self.n = net.n_neurons

    def at(self, k: int) -> np.ndarray:
        """K at frequency ``k``: (N, N) complex."""
        omega = 2.0 * np.pi * self.f[k] / MS_PER_S                            # rad/ms
        phases = np.exp(-1j * omega * self.delays)
        out = phases[0] * self.w[0]
        for ph, w in zip(phases[1:], self.w[1:]):
            out += ph * w
        out *= self.row[:, k, None]
        if self.variance:
            var = phases[0] * self.w2[0]
            for ph, w2 in zip(phases[1:], self.w2[1:]):
                var += ph * w2
            out += var * self.row2[:, k, None]
        return out


def coupling_kernel(network, freqs, *, per_neuron: bool = False, variance: bool = False) -> np.ndarray:
    r"""The linear coupling :math:`K_{ij}(f) = \chi_i(f)\tau_{m,i}J_{ij}e^{-2\pi i f d}h_i(f)`
    of every pair (dimensionless; see the module docstring).

    Parameters
    ----------
    network : Network
        The network.
    freqs : float or array_like
        Frequencies (Hz), >= 0.
    per_neuron : bool
        One working point per neuron instead of one per population.
    variance : bool
        Add the modulation of the input variance by the presynaptic rates,
        :math:`\chi^{\sigma^2}_i \tau_m J_{ij}^2 e^{-2\pi i f d} h_i / 2` (Richardson 2007; ``channel="sigma2"``
        of :func:`susceptibility <snnlib.fokker_planck.linear_response.susceptibility>`).

    Returns
    -------
    ndarray of complex, shape (len(freqs), n_neurons, n_neurons)
        ``K[k, i, j]``: the rate response of ``i`` per unit rate modulation of ``j`` at ``freqs[k]``.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [1.0, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0)
    >>> k = snnlib.network.coupling_kernel(net, [0.0])
    >>> # chi(0) tau_m J and no way back
    >>> round(float(k[0, 1, 0].real), 3), float(k[0, 0, 1].real)
    (0.055, 0.0)
    """
    net = _check_network(network)
    f = _check_freqs(freqs)
    kern = _Kernel(net, working_point(net, per_neuron=per_neuron), f, check_bool(variance, "variance"))
    check_memory(16.0 * f.size * kern.n ** 2, "freqs", what="the coupling kernel")
    return np.array([kern.at(k) for k in range(f.size)])


def _hermitian_product(a: np.ndarray, s: np.ndarray, out=None) -> np.ndarray:
    """``(I - K)^{-1} diag(s) (I - K)^{-H}`` for one frequency, from ``a = I - K``: the inverse,
    ``B = (I - K)^{-1} diag(sqrt(s))`` (``s`` is a power spectrum, >= 0) and ``B B^H``, with the
    conjugate transpose copied to a contiguous array first (NumPy's product is then twice as
    fast as on the transposed view)."""
    try:
        b = np.linalg.inv(a) * np.sqrt(np.maximum(s, 0.0))
    except np.linalg.LinAlgError:
        raise ValueError("network: I - K(f) is singular at a frequency: the linearised network is at an "
                         "instability there (no stationary asynchronous state)") from None
    return np.matmul(b, np.ascontiguousarray(np.conj(b.T)), out=out)


def _spectrum(kern: _Kernel, out: np.ndarray, k0: int = 0) -> np.ndarray:
    """C(f) at the kernel's frequencies ``k0, k0 + 1, ...`` into ``out[0], out[1], ...``."""
    eye = np.eye(kern.n)
    for k in range(out.shape[0]):
        _hermitian_product(eye - kern.at(k0 + k), kern.s0[:, k0 + k], out=out[k])
    return out


def predict_cross_spectrum(network, freqs, *, per_neuron: bool = False, variance: bool = False) -> np.ndarray:
    r"""Cross-spectra of all pairs of a network by linear response theory,
    :math:`C(f) = (I - K)^{-1}\mathrm{diag}(S_i)(I - K)^{-H}` (Lindner et al. 2005; Trousdale et
    al. 2012, eq. 12).

    Parameters
    ----------
    network : Network
        The network, in an asynchronous stationary state (mean-field working point).
    freqs : float or array_like
        Frequencies (Hz), >= 0.
    per_neuron : bool
        One working point per neuron (its own in-degrees) instead of one per population; for
        small networks.
    variance : bool
        Include the modulation of the input variance by the presynaptic rates (see
        :func:`coupling_kernel`); second order in the weights, small for weak synapses.

    Returns
    -------
    ndarray of complex, shape (len(freqs), n_neurons, n_neurons)
        :math:`C_{ij}(f) = \int C_{ij}(\tau)e^{-2\pi i f\tau}d\tau` (Hz) with
        :math:`C_{ij}(\tau) = \mathrm{Cov}(y_i(t+\tau), y_j(t))` including the
        :math:`r_i\delta(\tau)` term: Hermitian at every frequency, :math:`C_{ii} \to r_i` at
        high frequency, and :math:`C(0)` the long-window count covariance per unit time.

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [0.5, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0)
    >>> c = snnlib.predict_cross_spectrum(net, [0.0, 10.0])
    >>> # neuron 1 is driven by neuron 0
    >>> c.shape, bool(c[0, 1, 0].real > 0)
    ((2, 2, 2), True)
    """
    net = _check_network(network)
    f = _check_freqs(freqs)
    kern = _Kernel(net, working_point(net, per_neuron=per_neuron), f, check_bool(variance, "variance"))
    check_memory(16.0 * f.size * kern.n ** 2, "freqs", what="the cross-spectra")
    return _spectrum(kern, np.empty((f.size, kern.n, kern.n), dtype=complex))


class PopulationSpectra(NamedTuple):
    r"""Spectra of the population activities predicted by :func:`predict_population_spectrum`.

    Parameters
    ----------
    freqs : ndarray, shape (F,)
        Frequencies (Hz).
    cross : ndarray of complex, shape (F, P, P)
        Cross-spectra of the population activities (Hz).
    pooled : ndarray, shape (F,)
        Spectrum (Hz) of the activity of all neurons together, :math:`\frac1N\sum_i y_i`.
    names : tuple of str
        Population names, in the order of the axes of ``cross``.

    Examples
    --------
    >>> import numpy as np
    >>> ps = PopulationSpectra(np.array([0.0]), np.ones((1, 1, 1), complex),
    ...                        np.ones(1), ("all",))
    >>> ps.names
    ('all',)
    """

    freqs: np.ndarray
    cross: np.ndarray
    pooled: np.ndarray
    names: tuple


def _population_kernel(net: Network, wp: WorkingPoint, f: np.ndarray, variance: bool, chi: np.ndarray
                       ) -> np.ndarray:
    """K of the population activities, (F, P, P): mean summed weights of q onto one neuron of p;
    ``chi`` (P, F) the populations' susceptibilities (Hz/mV)."""
    pops = net.populations
    index = {p.name: k for k, p in enumerate(pops)}
    omega = 2.0 * np.pi * f / MS_PER_S                                          # rad/ms
    tau_m = np.array([m.tau_m for m in wp.models]) / MS_PER_S                   # s
    h = np.array([np.ones_like(omega) if ts is None else 1.0 / (1.0 + 1j * omega * ts) for ts in wp.tau_s])
    row = chi * tau_m[:, None] * h                                               # (P, F)
    if variance:
        chi2 = np.array([susceptibility(m, mu, s, f, channel="sigma2")
                         for m, mu, s in zip(wp.models, wp.mu, wp.sigma)])
        row2 = chi2 * tau_m[:, None] / 2.0 * h
    k = np.zeros((f.size, len(pops), len(pops)), dtype=complex)
    for proj in net.projections:
        a, b = index[proj.post], index[proj.pre]
        c = proj.connectivity
        vals = c.weights if proj.j is None else np.full(c.targets.size, float(proj.j))
        phase = np.exp(-1j * omega * proj.delay)
        n_post = pops[a].size
        k[:, a, b] += row[a] * phase * (float(np.sum(vals)) / n_post)
        if variance:
            k[:, a, b] += row2[a] * phase * (float(np.sum(vals * vals)) / n_post)
    return k


def predict_population_spectrum(network, freqs, *, variance: bool = False) -> PopulationSpectra:
    r"""Spectra of the population activities of a network of any size by linear response theory
    at the population level (Brunel & Hakim 1999; Tetzlaff et al. 2012).

    Parameters
    ----------
    network : Network
        The network, in an asynchronous stationary state (mean-field working point).
    freqs : float or array_like
        Frequencies (Hz), >= 0.
    variance : bool
        Include the modulation of the input variance by the presynaptic rates (as in
        :func:`coupling_kernel`).

    Returns
    -------
    PopulationSpectra
        ``cross[k, p, q]``: the cross-spectrum (Hz) of the activities
        :math:`A_p = \frac{1}{N_p}\sum_{i\in p} y_i` of populations ``p`` and ``q`` at ``freqs[k]``;
        ``pooled``: the spectrum (Hz) of the activity of all neurons, what
        :func:`~snnlib.spikes.statistics.population_spectrum` estimates from a simulation.

    Notes
    -----
    Averaging :math:`y = y^0 + Ky` over the neurons of each population, with each neuron of
    population :math:`q` projecting to the mean number of neurons of :math:`p`, gives
    :math:`A = \xi + \bar K A` with the population kernel
    :math:`\bar K_{pq}(f) = \chi_p(f)\,\tau_{m,p}\,h_p(f)\sum_d \bar J^{(d)}_{pq} e^{-2\pi i f d}`
    (:math:`\bar J^{(d)}_{pq}`: the summed weights, mV, of the synapses of delay :math:`d` from
    :math:`q` onto one neuron of :math:`p`, on average) and independent finite-size
    fluctuations :math:`\xi_p` of spectrum :math:`S_p(f)/N_p`:

    .. math::

        C^A(f) &= (I - \bar K)^{-1}\,\mathrm{diag}(S_p/N_p)\,(I - \bar K)^{-H}, \\
        S_{\rm pooled} &= w^T C^A w,\quad w_p = N_p/N.

    This is the population average of :func:`predict_cross_spectrum`, exact when every neuron of
    :math:`q` has the same number of targets in :math:`p` (the tests check it against the
    :math:`N\times N` theory); for random out-degrees the error is of the order of their relative
    variance times the coupling, small for large networks. Each population's noise enters with
    its own weight: in an inhibition-dominated network the excitatory and the inhibitory
    fluctuations are each amplified by the strong couplings although the uniform mode
    :math:`\sum_q\bar K_{pq}` is weak (Tetzlaff et al. 2012), so that the pooled spectrum lies
    far above :math:`S/(N|1 - L|^2)`. The cost is :math:`O(P^3)` per frequency, whatever
    :math:`N`.

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> # 12,500 neurons
    >>> net = snnlib.brunel_network(5.0, 2.0, seed=1)
    >>> ps = snnlib.predict_population_spectrum(net, [0.0, 130.0],
    ...                                         variance=True)
    >>> # Hz: N independent neurons
    >>> r_over_n = 37.95 / 12_500
    >>> np.round(ps.pooled / r_over_n, -1)            # resonance near 130 Hz
    array([  30., 1190.])
    """
    net = _check_network(network, dense=False)
    f = _check_freqs(freqs)
    var = check_bool(variance, "variance")
    wp = working_point(net)
    chi, spec = _group_spectra(wp, f)
    k = _population_kernel(net, wp, f, var, chi)
    sizes = np.array([p.size for p in net.populations], dtype=float)
    n_pop = sizes.size
    a = np.eye(n_pop) - k
    try:
        b = np.linalg.solve(a, np.broadcast_to(np.eye(n_pop, dtype=complex), a.shape))
    except np.linalg.LinAlgError:
        raise ValueError("network: I - K(f) of the populations is singular at a frequency: the linearised "
                         "network is at an instability there") from None
    b = b * np.sqrt(np.maximum(spec.T, 0.0) / sizes)[:, None, :]
    cross = b @ np.conj(np.swapaxes(b, 1, 2))
    w = sizes / sizes.sum()
    pooled = np.einsum("p,kpq,q->k", w, cross, w).real
    return PopulationSpectra(f, cross, pooled, tuple(p.name for p in net.populations))


def predict_count_covariance(network, window=None, *, per_neuron: bool = False, variance: bool = False
                             ) -> np.ndarray:
    r"""Spike-count covariances per unit time, :math:`\mathrm{Cov}(N_i(T), N_j(T))/T`, of all
    pairs by linear response theory.

    Parameters
    ----------
    network : Network
        The network.
    window : None or float
        Counting window :math:`T` (ms); None: the limit :math:`T\to\infty`, :math:`C(f = 0)`.
    per_neuron, variance : bool
        As in :func:`predict_cross_spectrum`.

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons)
        Covariance per unit time (Hz); the diagonal is rate times Fano factor.

    Notes
    -----
    For a window :math:`T`,
    :math:`\mathrm{Cov}(N_i, N_j)/T = \int C_{ij}(f)\,T\,\mathrm{sinc}^2(\pi f T)\,df`
    (Fejer kernel). The diagonal's white part :math:`r_i` integrates to :math:`r_i` exactly; the
    rest, :math:`C(f) - \mathrm{diag}(r)`, is integrated by Gauss-Legendre quadrature on
    :math:`|f| \le 64/T` (8 nodes per interval 1/T up to 16/T, per 4/T beyond), where the Fejer
    kernel keeps all but 0.3 % of its weight; the part beyond is added with the value at
    :math:`64/T` (an error far below the statistical one of any simulation it is compared with).

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [2.0, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0)
    >>> c = snnlib.predict_count_covariance(net, window=1000.0)
    >>> # positive and symmetric
    >>> bool(c[1, 0] > 0), bool(abs(c[1, 0] - c[0, 1]) < 1e-9)
    (True, True)
    """
    net = _check_network(network)
    wp = working_point(net, per_neuron=check_bool(per_neuron, "per_neuron"))
    var = check_bool(variance, "variance")
    r = wp.neuron_rates
    if window is None:
        kern = _Kernel(net, wp, np.zeros(1), var)
        return _spectrum(kern, np.empty((1, kern.n, kern.n), dtype=complex))[0].real
    t_s = check_positive(window, "window", unit="ms") / MS_PER_S
    edges = np.concatenate([np.arange(0.0, 16.0, 1.0), np.arange(16.0, 64.0 + 1e-9, 4.0)])
    x, wq = np.polynomial.legendre.leggauss(8)
    lo, hi = edges[:-1, None], edges[1:, None]
    nodes = (lo + (hi - lo) * (x + 1.0) / 2.0).ravel()             # in units of 1/T
    weights = ((hi - lo) / 2.0 * wq).ravel()
    fejer = np.sinc(nodes) ** 2                                    # np.sinc(x) = sin(pi x)/(pi x)
    kern = _Kernel(net, wp, np.append(nodes, edges[-1]) / t_s, var)
    spec = _spectrum(kern, np.empty((nodes.size + 1, kern.n, kern.n), dtype=complex))
    rest = spec - np.diag(r)
    body = 2.0 * np.einsum("k,kij->ij", weights * fejer, rest.real[:-1])
    tail_weight = 1.0 - 2.0 * np.sum(weights * fejer)             # the Fejer kernel integrates to 1
    return np.diag(r) + body + tail_weight * rest.real[-1]


def predict_cross_covariance(network, lags, *, bin_width: float = 1.0, f_max=None, per_neuron: bool = False,
                             variance: bool = False) -> np.ndarray:
    r"""Cross-covariance densities of all pairs by linear response theory, averaged over lag bins
    as a cross-correlogram measures them.

    Parameters
    ----------
    network : Network
        The network.
    lags : float or array_like
        Centres of the lag bins (ms).
    bin_width : float
        Width of the bins (ms): the resolution of the prediction.
    f_max : None or float
        Highest frequency of the inverse transform (Hz); default ``8 / bin_width``.
    per_neuron, variance : bool
        As in :func:`predict_cross_spectrum`.

    Returns
    -------
    ndarray, shape (len(lags), n_neurons, n_neurons)
        :math:`\bar C_{ij}(\tau)` (Hz^2), the mean of :math:`\mathrm{Cov}(y_i(t+\tau), y_j(t))`
        over the bin around each lag, without the :math:`r_i\delta(\tau)` term of the
        autocovariances (as :func:`cross_correlogram <snnlib.spikes.statistics.cross_correlogram>`
        leaves out the same-spike term).

    Notes
    -----
    The bin average is the inverse transform of :math:`C(f) - \mathrm{diag}(r)` times
    :math:`\mathrm{sinc}(\pi f \Delta)`, by the trapezoid rule on
    :math:`0 \le f \le f_{max}` with spacing :math:`1/(2L)`, where :math:`L` is the largest
    :math:`|\tau|` plus 200 ms (the images of the periodic sum then lie at least 200 ms beyond
    every lag, where the covariances of an asynchronous network have decayed). The part of the
    transform beyond :math:`f_{max}` is left out: the sinc factor and the decay of :math:`K(f)`
    make it small, and ``tests/network/test_correlations_lrt.py`` measures it by doubling
    ``f_max``.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [2.0, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0,
    ...                                   delay=2.0)
    >>> c = snnlib.predict_cross_covariance(net, [-3.0, 3.0], bin_width=1.0)
    >>> c = c[:, 1, 0]
    >>> # neuron 1 follows neuron 0 by the delay
    >>> bool(c[1] > 10 * abs(c[0]))
    True
    """
    net = _check_network(network)
    s = np.atleast_1d(check_array(lags, "lags", ndim=(0, 1), unit="ms"))
    delta = check_positive(bin_width, "bin_width", unit="ms")
    fm = 8.0 / (delta / MS_PER_S) if f_max is None else check_positive(f_max, "f_max", unit="Hz")
    span = (np.max(np.abs(s)) + 200.0) / MS_PER_S
    n_f = int(np.ceil(fm * 2.0 * span)) + 1
    check_work(float(n_f) * net.n_neurons ** 3, "f_max", what="the work of the inverse transform "
               "(frequencies x n_neurons^3)", hint="raise bin_width or lower f_max")
    f = np.linspace(0.0, fm, n_f)
    wp = working_point(net, per_neuron=check_bool(per_neuron, "per_neuron"))
    kern = _Kernel(net, wp, f, check_bool(variance, "variance"))
    trap = np.full(f.size, f[1] - f[0])
    trap[[0, -1]] /= 2.0
    phase = np.exp(2j * np.pi * np.outer(s / MS_PER_S, f)) * (trap * np.sinc(f * delta / MS_PER_S))
    out = np.zeros((s.size, kern.n, kern.n))
    white, diag = wp.neuron_rates, np.arange(kern.n)
    step = max(1, int(BATCH_BYTES // (16.0 * kern.n ** 2)))
    for k0 in range(0, f.size, step):
        k1 = min(f.size, k0 + step)
        c = _spectrum(kern, np.empty((k1 - k0, kern.n, kern.n), dtype=complex), k0)
        c[:, diag, diag] -= white
        # C(tau) = int_{-fm}^{fm} C(f) e^{2 pi i f tau} df = 2 Re int_0^fm (C(-f) = conj C(f))
        out += 2.0 * (phase[:, k0:k1] @ c.reshape(k1 - k0, -1)).real.reshape(out.shape)   # one BLAS product
    return out


def covariance_motifs(network, *, order: int = 3, per_neuron: bool = False, variance: bool = False) -> dict:
    r"""The long-window count covariance split by the paths that carry it (Pernice et al. 2011;
    Trousdale et al. 2012): with :math:`K = K(0)` and :math:`C^0 = \mathrm{diag}(S_i(0))`,
    :math:`C = \sum_{n, m \ge 0} K^n C^0 (K^T)^m`.

    Parameters
    ----------
    network : Network
        The network.
    order : int
        Highest total path length :math:`n + m` listed term by term (>= 1).
    per_neuron, variance : bool
        As in :func:`predict_cross_spectrum`.

    Returns
    -------
    dict of str to ndarray (n_neurons, n_neurons), Hz
        ``"independent"``: :math:`C^0`; ``"direct"``: :math:`KC^0 + C^0K^T` (a connection
        between the two); ``"shared"``: :math:`KC^0K^T` (a common input); ``"chains"``:
        :math:`K^2C^0 + C^0(K^T)^2` (a path of two synapses from one to the other); ``"order 2"``
        ... ``"order {order}"``: the sum of the terms with :math:`n + m` equal to that
        (``"order 2"`` is ``"shared"`` plus ``"chains"``); ``"rest"``: everything of higher order;
        ``"total"``: :math:`(I-K)^{-1}C^0(I-K)^{-T}`, the sum of all. And for every population
        ``P`` of the network, ``"shared via P"`` and ``"chains via P"``: the same with the common
        input, or the intermediate neuron of the chain, in ``P`` (they add up to ``"shared"`` and
        ``"chains"``); in an E-I network these show excitatory and inhibitory paths cancelling.

    Notes
    -----
    All terms are at :math:`f = 0`, the limit of long counting windows; for windows of finite
    length :func:`predict_count_covariance` gives the total.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network.from_weights([[0.0, 0.0], [2.0, 0.0]],
    ...                                   snnlib.LIF(), mu=12.0, sigma=4.0)
    >>> m = snnlib.network.covariance_motifs(net, order=2)
    >>> # a pair: only the direct path
    >>> bool(abs(m["total"][1, 0] - m["direct"][1, 0]) < 1e-12)
    True
    """
    net = _check_network(network)
    order = check_int(order, "order", low=1)
    kern = _Kernel(net, working_point(net, per_neuron=check_bool(per_neuron, "per_neuron")), np.zeros(1),
                   check_bool(variance, "variance"))
    k = kern.at(0).real
    c0 = np.diag(kern.s0[:, 0].real)
    total = _spectrum(kern, np.empty((1, kern.n, kern.n), dtype=complex))[0].real
    powers = [np.eye(kern.n)]
    for _ in range(order):
        powers.append(k @ powers[-1])
    chains = powers[2] @ c0 if order >= 2 else k @ k @ c0
    out = {"independent": c0, "direct": k @ c0 + c0 @ k.T, "shared": k @ c0 @ k.T, "chains": chains + chains.T}
    for pop in net.populations:                    # split by the population of the middle neuron
        kp = np.zeros_like(k)
        kp[:, pop.start:pop.stop] = k[:, pop.start:pop.stop]
        out[f"shared via {pop.name}"] = kp @ c0 @ kp.T
        via = kp @ k @ c0
        out[f"chains via {pop.name}"] = via + via.T
    listed = c0.copy()
    for length in range(1, order + 1):
        term = sum(powers[a] @ c0 @ powers[length - a].T for a in range(length + 1))
        out[f"order {length}"] = term
        listed += term
    out["rest"] = total - listed
    out["total"] = total
    return out
