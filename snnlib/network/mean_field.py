r"""Mean-field theory of a network's stationary state: self-consistent rates by the diffusion approximation.

In a large sparse network each neuron receives many small, weakly correlated inputs. Their sum is
approximated by white noise (the *diffusion approximation*; Amit & Brunel 1997; Brunel 2000): a
Poisson train of rate :math:`\nu` through synapses of weight :math:`J` (mV, the PSP jump) adds, in
the book's units (:math:`\tau_m dV = (E_L - V + \mu)dt + \sigma\sqrt{2\tau_m}dW`),

.. math::

    \mu = \tau_m J \nu, \qquad \sigma^2 = \tau_m J^2 \nu / 2

(the drift of the jumps and their variance rate :math:`J^2\nu` matched to :math:`2\sigma^2/\tau_m`;
Brunel's :math:`\sigma_B^2 = \tau_m J^2 \nu` is :math:`2\sigma^2`). Summing over the projections
onto a population :math:`a` (mean in-degree :math:`K_{ab}`, weight :math:`J_{ab}`), its external
Poisson input and its white noise,

.. math::

    \mu_a &= \mu_a^{ext} + \tau_m\Big(\sum_b K_{ab} J_{ab} \nu_b + J_a^{ext}\nu_a^{ext}\Big), \\
    \sigma_a^2 &= (\sigma_a^{ext})^2 + \frac{\tau_m}{2}\Big(\sum_b K_{ab} J_{ab}^2 \nu_b
    + (J_a^{ext})^2 \nu_a^{ext}\Big),

and the rates must reproduce themselves, :math:`\nu_a = \phi_a(\mu_a, \sigma_a)`, with
:math:`\phi` the stationary rate of the neuron model (:func:`siegert_rate <snnlib.fokker_planck.siegert.siegert_rate>` for the LIF,
:func:`stationary <snnlib.fokker_planck.stationary.stationary>` by threshold integration for the EIF). :func:`mean_field` finds the
stable solution by integrating the rate dynamics :math:`\dot\nu = \phi(\mu(\nu), \sigma(\nu)) - \nu`
from the rates of the uncoupled neurons, then polishing with Newton's method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._core.validation import check_bool, check_int, check_positive
from ..fokker_planck import siegert_rate, stationary
from ..units import MS_PER_S
from .network import BRUNEL_LIF, Network, brunel_threshold_rate

__all__ = ["MeanField", "mean_field", "brunel_mean_field", "rate_transfer"]

#: Relative tolerance of the self-consistent rates.
RTOL = 1e-10
#: Steps of the pseudo-dynamics before giving up (each one rate evaluation per population).
MAX_ITER = 20000
#: Pseudo-time step of the rate dynamics (in units of its time constant).
STEP = 0.2
#: alpha = sqrt(2) |zeta(1/2)| of Fourcaud & Brunel (2002): the threshold shift of synaptic filtering.
ALPHA_FB = math.sqrt(2.0) * 1.4603545088095868


@dataclass(frozen=True)
class MeanField:
    """Self-consistent stationary state of a network (read-only).

    Parameters
    ----------
    names : tuple of str
        Population names (or neuron indices as strings, per neuron).
    rate : ndarray
        Stationary rate of each population (Hz).
    mu : ndarray
        Mean input (mV) of each population at that rate, book convention.
    sigma : ndarray
        Noise amplitude (mV) at that rate, book convention (Brunel's sigma divided by sqrt(2)).
    cv : ndarray
        ISI coefficient of variation of the neurons at (mu, sigma).
    iterations : int
        Steps of the rate dynamics used.
    residual : float
        Largest relative mismatch ``|phi(mu, sigma) - rate| / rate`` at the solution.

    Examples
    --------
    >>> import snnlib
    >>> mf = snnlib.mean_field(snnlib.brunel_network(5.0, 2.0, n_exc=1000,
    ...                                              n_inh=250, epsilon=1.0))
    >>> mf.names, round(mf["E"]["rate"], 2)
    (('E', 'I'), 37.95)
    """

    names: tuple
    rate: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    cv: np.ndarray
    iterations: int
    residual: float

    def __getitem__(self, name: str) -> dict:
        """``{"rate", "mu", "sigma", "cv"}`` of population ``name``."""
        i = self.names.index(name)
        return {"rate": float(self.rate[i]), "mu": float(self.mu[i]), "sigma": float(self.sigma[i]),
                "cv": float(self.cv[i])}


class _Inputs:
    """mu(rates) and sigma(rates) of every unit (population or neuron), linear in the rates.

    ``k1[a, b]``: summed weight (mV) from unit ``b`` onto one neuron of ``a`` (in-degree times
    weight); ``k2[a, b]``: the same for the squared weights (mV^2); ``ext_mu``, ``ext_var``:
    ``J nu`` and ``J^2 nu`` of the external Poisson input (mV Hz, mV^2 Hz); ``mu0``, ``var0``: the
    white-noise drive (mV, mV^2).
    """

    def __init__(self, names, models, tau_s, k1, k2, mu0, var0, ext_mu, ext_var):
        self.names, self.models, self.tau_s = tuple(names), list(models), list(tau_s)
        tau = np.array([m.tau_m for m in self.models])
        # rates in Hz -> per ms: mu = mu0 + tau (K J nu + J_ext nu_ext), sigma^2 = var0 + tau/2 (...)
        self.k1, self.k2 = k1 * tau[:, None] / MS_PER_S, k2 * tau[:, None] / (2.0 * MS_PER_S)
        self.mu0 = mu0 + tau * ext_mu / MS_PER_S
        self.var0 = var0 + tau * ext_var / (2.0 * MS_PER_S)

    @classmethod
    def of_network(cls, net: Network, per_neuron: bool) -> "_Inputs":
        pops = net.populations
        if per_neuron:
            n = net.n_neurons
            index = None
            unit_start = {p.name: p.start for p in pops}
            rows = lambda pr, c: unit_start[pr.post] + c.targets  # noqa: E731
            cols = lambda pr, c: unit_start[pr.pre] + c.sources()  # noqa: E731
            per = lambda f: np.concatenate([np.broadcast_to(f(p), (p.size,)) for p in pops])  # noqa: E731
            names = [str(i) for i in range(n)]
            models = [p.model for p in pops for _ in range(p.size)]
            tau_s = [p.tau_s for p in pops for _ in range(p.size)]
            mu0, var0 = per(lambda p: p.mu), per(lambda p: p.sigma ** 2)
        else:
            for p in pops:
                if np.ptp(p.mu) > 0 or np.ptp(p.sigma) > 0:
                    raise ValueError(f"network: population {p.name!r} has a different white-noise drive per "
                                     "neuron; use mean_field(network, per_neuron=True)")
            n = len(pops)
            index = {p.name: i for i, p in enumerate(pops)}
            per = lambda f: np.array([f(p) for p in pops], dtype=float)  # noqa: E731
            names, models, tau_s = [p.name for p in pops], [p.model for p in pops], [p.tau_s for p in pops]
            mu0, var0 = per(lambda p: p.mu[0]), per(lambda p: p.sigma[0] ** 2)
        k1, k2 = np.zeros((n, n)), np.zeros((n, n))
        for pr in net.projections:
            c = pr.connectivity
            if not per_neuron:   # the mean over the postsynaptic neurons: synapses / n_post
                a, b = index[pr.post], index[pr.pre]
                w1 = c.n_synapses * pr.j if c.weights is None else c.weights.sum()
                w2 = c.n_synapses * pr.j ** 2 if c.weights is None else (c.weights ** 2).sum()
                k1[a, b] += w1 / c.n_post
                k2[a, b] += w2 / c.n_post
                continue
            w = np.full(c.n_synapses, pr.j) if c.weights is None else c.weights
            np.add.at(k1, (rows(pr, c), cols(pr, c)), w)
            np.add.at(k2, (rows(pr, c), cols(pr, c)), w ** 2)
        ext_mu = per(lambda p: p.poisson_j * p.poisson_rate)
        ext_var = per(lambda p: p.poisson_j ** 2 * p.poisson_rate)
        return cls(names, models, tau_s, k1, k2, mu0, var0, ext_mu, ext_var)

    def mu_sigma(self, rates):
        return self.mu0 + self.k1 @ rates, np.sqrt(np.maximum(self.var0 + self.k2 @ rates, 0.0))


def _rate(model, tau_s, mu, sigma) -> float:
    """Stationary rate (Hz) of ``model`` at (mu, sigma), with the Fourcaud-Brunel (2002) threshold
    and reset shift sigma_B alpha/2 sqrt(tau_s / tau_m) for an exponential synaptic current."""
    if sigma <= 0.0:
        from ..neuron.deterministic import eif_fi_curve, lif_fi_curve

        f = lif_fi_curve if model.kind == "lif" else eif_fi_curve
        return float(f(model, [mu])[0])
    if tau_s is not None:
        from dataclasses import replace

        shift = math.sqrt(2.0) * sigma * ALPHA_FB / 2.0 * math.sqrt(tau_s / model.tau_m)
        model = replace(model, v_th=model.v_th + shift, v_reset=model.v_reset + shift)
    if model.kind == "lif":
        return float(siegert_rate(model, mu, sigma))
    return stationary(model, mu, sigma).rate


def _cv(model, mu, sigma) -> float:
    if sigma <= 0.0:
        return 0.0
    return stationary(model, mu, sigma).cv


def mean_field(network, *, per_neuron: bool = False, rates0=None, max_iter: int = MAX_ITER) -> MeanField:
    r"""Self-consistent stationary rates of a network's populations (diffusion approximation).

    Parameters
    ----------
    network : Network
        The network (its projections' mean in-degrees and weights, drive and neuron models).
    per_neuron : bool
        Solve one rate per neuron with the actual synapses (for small networks, e.g. from
        :meth:`Network.from_weights`, or drive that differs per neuron) instead of one per
        population with mean in-degrees.
    rates0 : None or array_like
        Start of the rate dynamics (Hz); default the rates of the uncoupled neurons (external drive
        only).
    max_iter : int
        Most steps of the rate dynamics.

    Returns
    -------
    MeanField
        Rates (Hz), mu and sigma (mV, book convention), CV, per population (or neuron).

    Notes
    -----
    See the module docstring for the equations (Amit & Brunel 1997; Brunel 2000, eqs. 4-6, with
    Brunel's sigma = sqrt(2) times the book's). The rate dynamics
    :math:`\nu \leftarrow \nu + h(\phi(\nu) - \nu)`, :math:`h = 0.2`, converges to a fixed point
    that is stable for it; Newton's method (scipy's ``hybr``) then polishes it to a relative
    :data:`RTOL`. A ``ValueError`` says so when no fixed point is reached (for example when the
    recurrent excitation is so strong that the rates run away to saturation).

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, seed=1)
    >>> mf = snnlib.mean_field(net)
    >>> [round(float(r), 2) for r in mf.rate]
    [37.95, 37.95]
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be an snnlib.Network, got {type(network).__name__}")
    per_neuron = check_bool(per_neuron, "per_neuron")
    max_iter = check_int(max_iter, "max_iter", low=1)
    if per_neuron and network.n_neurons > 2000:
        raise ValueError(f"per_neuron: a per-neuron mean field is for small networks (<= 2000 neurons), "
                         f"got {network.n_neurons}")
    return _solve(_Inputs.of_network(network, per_neuron), rates0, max_iter)


def _solve(inp: _Inputs, rates0, max_iter: int) -> MeanField:
    """The self-consistent rates of ``inp``: rate dynamics, then Newton."""
    n = len(inp.names)

    def phi(rates):
        mu, sigma = inp.mu_sigma(rates)
        return np.array([_rate(inp.models[i], inp.tau_s[i], mu[i], sigma[i]) for i in range(n)])

    if rates0 is None:
        rates = phi(np.zeros(n))
    else:
        from .._core.validation import check_array

        rates = check_array(rates0, "rates0", shape=(n,), low=0.0, unit="Hz")
    it = 0
    for it in range(1, max_iter + 1):
        new = phi(rates)
        step = STEP * (new - rates)
        rates = rates + step
        if np.all(np.abs(step) <= 1e-6 * np.maximum(rates, 1e-3)):
            break
    rates = _polish(phi, rates)
    resid = np.abs(phi(rates) - rates) / np.maximum(rates, 1e-300)
    if not np.all(np.isfinite(rates)) or resid.max() > 1e3 * RTOL:
        raise ValueError(f"network: the rate dynamics found no self-consistent state in {it} steps (largest "
                         f"relative mismatch {resid.max():.3g}); the rates may run away to saturation")
    mu, sigma = inp.mu_sigma(rates)
    cv = np.array([_cv(inp.models[i], mu[i], sigma[i]) for i in range(n)])
    return MeanField(inp.names, rates, mu, sigma, cv, it, float(resid.max()))


def rate_transfer(network, rates, *, per_neuron: bool = False) -> dict:
    r"""One pass through the mean-field map: the input statistics and output rates for given input rates.

    The self-consistency of :func:`mean_field` in its open form: if the neurons of every
    population fired at ``rates``, their inputs would have mean ``mu`` and noise ``sigma``
    (diffusion approximation) and they would fire at ``rate_out``. The fixed points of this map
    (rate_out = rates) are the mean-field states; plotting ``rate_out`` against ``rates`` finds
    them graphically.

    Parameters
    ----------
    network : Network
        The network.
    rates : array_like, shape (n_populations,) or (n_points, n_populations)
        Input rates (Hz), one per population (or per neuron with ``per_neuron``); a 2-D array
        evaluates the map at several points.
    per_neuron : bool
        One rate per neuron instead of per population (see :func:`mean_field`).

    Returns
    -------
    dict
        ``mu``, ``sigma`` (mV, book convention) and ``rate_out`` (Hz), each of the shape of ``rates``.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=1000, n_inh=250,
    ...                             epsilon=1.0, j=0.1, seed=1)
    >>> out = snnlib.network.rate_transfer(net, [[0.0, 0.0], [40.0, 40.0]])
    >>> out["rate_out"].shape
    (2, 2)
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be an snnlib.Network, got {type(network).__name__}")
    from .._core.validation import check_array

    inp = _Inputs.of_network(network, check_bool(per_neuron, "per_neuron"))
    n = len(inp.names)
    r = check_array(rates, "rates", ndim=(1, 2), low=0.0, unit="Hz")
    pts = r.reshape(-1, n) if r.shape[-1] == n else _bad_rates(r, n)
    mu = np.empty_like(pts)
    sigma = np.empty_like(pts)
    out = np.empty_like(pts)
    for k, x in enumerate(pts):
        mu[k], sigma[k] = inp.mu_sigma(x)
        out[k] = [_rate(inp.models[i], inp.tau_s[i], mu[k, i], sigma[k, i]) for i in range(n)]
    return {"mu": mu.reshape(r.shape), "sigma": sigma.reshape(r.shape), "rate_out": out.reshape(r.shape)}


def _bad_rates(r, n):
    raise ValueError(f"rates must have {n} entries (one per population) in its last axis, got shape {r.shape}")


def _polish(phi, rates):
    """Newton-like polish of the rates: Powell's hybrid method, and Levenberg-Marquardt where it
    stops early (it does for a few points of model A near an instability); the candidate with
    the smallest mismatch wins, the unpolished rates included."""
    from scipy.optimize import root

    scale = np.maximum(rates, 1e-3)

    def mismatch(x):
        return np.max(np.abs(phi(x) - x) / np.maximum(x, 1e-300))

    best, best_m = rates, mismatch(rates)
    for method, opts in (("hybr", {"xtol": RTOL}), ("lm", {"xtol": RTOL, "ftol": RTOL})):
        sol = root(lambda x: (phi(x * scale) - x * scale) / scale, rates / scale, method=method, options=opts)
        cand = sol.x * scale
        if np.all(np.isfinite(cand)) and np.all(cand >= 0):
            m = mismatch(cand)
            if m < best_m:
                best, best_m = cand, m
        if best_m <= RTOL:
            break
    return best


def brunel_mean_field(g, eta, *, n_exc: int = 10000, n_inh: int = 2500, epsilon: float = 0.1, j: float = 0.1,
                      delay: float = 1.5, model=BRUNEL_LIF) -> dict:
    r"""The stationary rate of Brunel's (2000) model A by mean-field theory (no network is drawn).

    Parameters
    ----------
    g, eta : float
        Relative inhibition and external drive, as in :func:`brunel_network <snnlib.network.network.brunel_network>`.
    n_exc, n_inh : int
        Numbers of excitatory and inhibitory neurons.
    epsilon : float
        Connection probability: C_E = epsilon n_exc and C_I = epsilon n_inh inputs.
    j : float
        Excitatory weight (mV).
    delay : float
        Delay (ms); the stationary state does not depend on it (accepted for symmetry).
    model : LIF or EIF
        Neuron model (Brunel's LIF by default).

    Returns
    -------
    dict
        ``rate`` (Hz), ``mu`` and ``sigma`` (mV; sigma in the book's convention, Brunel's
        :math:`\sigma_B/\sqrt2`), ``cv`` of the ISIs.

    Notes
    -----
    Brunel (2000), eqs. 4-6 with identical E and I neurons: every neuron sees
    :math:`\mu = C_E J \tau (\nu_{ext} + \nu(1 - \gamma g))` and
    :math:`\sigma_B^2 = J^2 C_E \tau(\nu_{ext} + \nu(1 + \gamma g^2))`, :math:`\gamma = C_I/C_E`,
    :math:`\nu_{ext} = \eta\,\nu_{thr}`, and :math:`\nu = \phi(\mu, \sigma)`.

    Examples
    --------
    >>> import snnlib
    >>> mf = snnlib.brunel_mean_field(5.0, 2.0)
    >>> round(mf["rate"], 2), round(mf["mu"], 2), round(mf["sigma"], 2)
    (37.95, 21.03, 5.43)
    """
    g = check_positive(g, "g")
    eta = check_positive(eta, "eta")
    check_positive(delay, "delay", unit="ms")
    c_e, c_i = max(1, round(epsilon * n_exc)), max(1, round(epsilon * n_inh))
    nu_ext = c_e * eta * brunel_threshold_rate(model, j, c_e)     # Hz, all C_E external inputs
    inp = _Inputs(["E"], [model], [None], np.array([[c_e * j - c_i * g * j]]),
                  np.array([[c_e * j ** 2 + c_i * (g * j) ** 2]]), np.zeros(1), np.zeros(1),
                  np.array([j * nu_ext]), np.array([j ** 2 * nu_ext]))
    return _solve(inp, None, MAX_ITER)["E"]
