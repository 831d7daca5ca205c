r"""A recurrent network of integrate-and-fire neurons: populations, projections, external drive.

:class:`Network` describes a network the way the book's chapters build one, in a few calls:
populations of LIF or EIF neurons (:meth:`Network.add_population`), projections between them
with a connection rule, a weight and a delay (:meth:`Network.connect`), and external input,
either as independent Poisson spike trains through a synaptic weight
(:meth:`Network.add_poisson_input`) or as white noise in the book's convention
(:meth:`Network.add_white_noise`). Connectivity is drawn when :meth:`Network.connect` is called,
from the network's seed, and stored as outgoing CSR tables
(``snnlib.network.connectivity``). :func:`brunel_network` builds Brunel's (2000) model A and
:meth:`Network.from_weights` a small network from a weight matrix.

Synapses are current-based: a spike of neuron ``j`` changes the membrane potential of each of its
targets by ``j`` mV (the PSP jump) ``delay`` ms later; with ``tau_s`` the jump is spread into an
exponentially decaying synaptic current of the same charge, see :meth:`Network.connect`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import check_int, check_nonnegative, check_positive, check_scalar, per_item
from ..models import LIF, check_model
from ..units import MS_PER_S
from .connectivity import Connectivity, bernoulli, fixed_indegree, from_matrix

__all__ = ["Population", "Projection", "Network", "brunel_network", "BRUNEL_LIF"]

#: The LIF of Brunel (2000), model A: tau_m 20 ms, rest 0 mV, threshold 20 mV, reset 10 mV,
#: refractory period 2 ms (voltages measured from rest).
BRUNEL_LIF = LIF(tau_m=20.0, e_l=0.0, v_th=20.0, v_reset=10.0, t_ref=2.0)
#: Connection rules of :meth:`Network.connect`.
RULES = ("fixed_indegree", "bernoulli", "all_to_all", "weights")


@dataclass(frozen=True)
class Population:
    """A population of identical neurons (read-only).

    Parameters
    ----------
    name : str
        Its name in the network (unique).
    model : LIF or EIF
        Neuron parameters (ms, mV).
    size : int
        Number of neurons.
    start : int
        Index of its first neuron in the network (neurons are numbered population by population).
    mu, sigma : ndarray, shape (size,)
        White-noise drive of each neuron (mV): mean input and noise amplitude (the standard
        deviation of the free membrane potential), 0 if none was added.
    poisson_rate : float
        Rate of the external Poisson input of each neuron (Hz), 0 if none.
    poisson_j : float
        Weight of an external Poisson spike (mV).
    tau_s : float or None
        Time constant of the exponential synaptic current through which this population receives
        recurrent input (ms); None for delta synapses.

    Examples
    --------
    >>> import snnlib
    >>> pop = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100,
    ...                             seed=1).population("I")
    >>> pop.size, pop.start, pop.stop, pop.poisson_rate > 0
    (100, 400, 500, True)
    """

    name: str
    model: object
    size: int
    start: int
    mu: np.ndarray
    sigma: np.ndarray
    poisson_rate: float = 0.0
    poisson_j: float = 0.0
    tau_s: float | None = None

    @property
    def stop(self) -> int:
        """One past the index of its last neuron."""
        return self.start + self.size


@dataclass(frozen=True)
class Projection:
    """Synapses from one population to another (read-only).

    Parameters
    ----------
    pre, post : str
        Names of the presynaptic and postsynaptic populations.
    rule : str
        How it was drawn: "fixed_indegree", "bernoulli", "all_to_all" or "weights".
    j : float or None
        Weight of every synapse (mV); None when the weights differ per synapse
        (``connectivity.weights``).
    delay : float
        Transmission delay (ms).
    connectivity : Connectivity
        The synapses (outgoing CSR; indices within the populations).
    indegree : int or None
        Synapses per postsynaptic neuron for the fixed in-degree rule.
    p_conn : float or None
        Connection probability for the Bernoulli rule.

    Examples
    --------
    >>> import snnlib
    >>> proj = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100,
    ...                              seed=1).projections[0]
    >>> proj.pre, proj.post, proj.rule, proj.j, proj.delay, proj.indegree
    ('E', 'E', 'fixed_indegree', 0.1, 1.5, 40)
    """

    pre: str
    post: str
    rule: str
    j: float | None
    delay: float
    connectivity: Connectivity
    indegree: int | None = None
    p_conn: float | None = None


class Network:
    """A network of LIF or EIF populations with delayed current synapses and external drive.

    Parameters
    ----------
    seed : None, int or numpy.random.Generator
        Seed of the connectivity: each call of :meth:`connect` draws its synapses from a stream
        derived from this seed and the projection's index, so the same calls in the same order
        give the same network.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.Network(seed=1)
    >>> e = net.add_population("E", snnlib.LIF(), 80)
    >>> i = net.add_population("I", snnlib.LIF(), 20)
    >>> net.connect("E", ["E", "I"], rule="bernoulli", p_conn=0.2, j=0.2,
    ...             delay=1.5)
    >>> net.connect("I", ["E", "I"], rule="bernoulli", p_conn=0.2, j=-0.8,
    ...             delay=1.5)
    >>> net.add_white_noise(["E", "I"], mu=12.0, sigma=4.0)
    >>> net.n_neurons, len(net.projections)
    (100, 4)
    """

    def __init__(self, seed=None):
        self._seq = np.random.SeedSequence(int(as_generator(seed).integers(0, 2 ** 63 - 1)))
        self._pops: dict[str, Population] = {}
        self._projections: list[Projection] = []
        self._packed = None   # the simulator's packed synapse tables (simulate._pack)
        self._quantum = None  # the simulator's input unit (simulate.input_quantum)

    # -- description ------------------------------------------------------------------------------
    @property
    def populations(self) -> tuple[Population, ...]:
        """The populations, in the order they were added (and numbered)."""
        return tuple(self._pops.values())

    @property
    def projections(self) -> tuple[Projection, ...]:
        """The projections, in the order they were made."""
        return tuple(self._projections)

    @property
    def n_neurons(self) -> int:
        """Total number of neurons."""
        return sum(p.size for p in self._pops.values())

    @property
    def n_synapses(self) -> int:
        """Total number of synapses."""
        return sum(p.connectivity.n_synapses for p in self._projections)

    def population(self, name: str) -> Population:
        """The population called ``name``."""
        if name not in self._pops:
            raise ValueError(f"population {name!r} does not exist; the network has {list(self._pops)}")
        return self._pops[name]

    def __repr__(self) -> str:
        pops = ", ".join(f"{p.name}: {p.size} {type(p.model).__name__}" for p in self._pops.values())
        return f"Network({pops}; {len(self._projections)} projections, {self.n_synapses} synapses)"

    # -- building ---------------------------------------------------------------------------------
    def add_population(self, name: str, model, size: int) -> Population:
        """Add ``size`` neurons of ``model`` (LIF or EIF) called ``name``; returns the population.

        Parameters
        ----------
        name : str
            Unique name.
        model : LIF or EIF
            Neuron parameters (ms, mV).
        size : int
            Number of neurons (>= 1).

        Returns
        -------
        Population
            The new population, without drive (add it with :meth:`add_white_noise` or
            :meth:`add_poisson_input`).
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string, got {name!r}")
        if name in self._pops:
            raise ValueError(f"name: a population called {name!r} exists already")
        model = check_model(model, "model", allowed=("lif", "eif"))
        size = check_int(size, "size", low=1, high=2 ** 31 - 1)
        start = self.n_neurons
        if start + size > 2 ** 31 - 1:
            raise ValueError(f"size: the network would exceed 2^31 - 1 neurons ({start} + {size})")
        pop = Population(name, model, size, start, np.zeros(size), np.zeros(size))
        self._pops[name] = pop
        return pop

    def _names(self, names, arg) -> list[str]:
        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise ValueError(f"{arg} must name at least one population")
        for n in names:
            self.population(n)
        return names

    def _rng(self):
        """The generator of the next projection (spawned from the network's seed)."""
        return np.random.default_rng(self._seq.spawn(1)[0])

    def connect(self, pre, post, *, rule: str = "fixed_indegree", j=None, delay: float = 1.5,
                indegree=None, p_conn=None, weights=None, autapses: bool = True, tau_s=None) -> None:
        """Connect population(s) ``pre`` to population(s) ``post``, one projection per pair.

        Parameters
        ----------
        pre, post : str or list of str
            Names of the presynaptic and postsynaptic populations.
        rule : str
            "fixed_indegree" (``indegree`` partners per postsynaptic neuron, drawn with
            replacement), "bernoulli" (each pair with probability ``p_conn``), "all_to_all", or
            "weights" (the nonzero entries of ``weights``; one ``pre`` and one ``post``).
        j : float
            Weight (mV): the jump of the postsynaptic membrane potential caused by one spike;
            negative for inhibition. Not used with ``rule="weights"``.
        delay : float
            Transmission delay (ms), > 0.
        indegree : int
            For "fixed_indegree".
        p_conn : float
            For "bernoulli", in [0, 1].
        weights : array_like or scipy.sparse, shape (post size, pre size)
            For "weights": ``weights[i, j]`` (mV) from neuron ``j`` of ``pre`` to ``i`` of ``post``.
        autapses : bool
            For "fixed_indegree" within one population: whether a neuron may connect to itself.
        tau_s : float or None
            Time constant (ms) of an exponential synaptic current: a spike adds
            ``j tau_m / tau_s`` (mV) to a current :math:`I_s` that decays with ``tau_s`` and
            enters the drift, :math:`\\tau_m dV = (E_L - V + \\psi + \\mu + I_s)dt + \\ldots`, so
            the PSP carries the same charge as a jump of ``j``. All recurrent input of a
            population goes through the same current: every projection onto it must give the
            same ``tau_s``. None: delta synapses.
        """
        if rule not in RULES:
            raise ValueError(f"rule must be one of {list(RULES)}, got {rule!r}")
        pres, posts = self._names(pre, "pre"), self._names(post, "post")
        delay = check_positive(delay, "delay", unit="ms")
        if rule == "weights":
            if len(pres) != 1 or len(posts) != 1:
                raise ValueError("rule='weights' connects one pre and one post population")
            if j is not None:
                raise ValueError("j must be None with rule='weights' (the weights are given per synapse)")
        else:
            if j is None:
                raise TypeError(f"j (mV) is required with rule={rule!r}")
            j = check_scalar(j, "j", unit="mV")
            if weights is not None:
                raise ValueError(f"weights are only used with rule='weights', not rule={rule!r}")
        if tau_s is not None:
            tau_s = check_positive(tau_s, "tau_s", unit="ms")
        for q in posts:
            self._set_tau_s(q, tau_s)
        for p in pres:
            for q in posts:
                self._projections.append(self._draw(p, q, rule, j, delay, indegree, p_conn, weights, autapses))

    def _set_tau_s(self, post: str, tau_s) -> None:
        pop = self._pops[post]
        has_input = any(pr.post == post for pr in self._projections)
        if has_input and pop.tau_s != tau_s:
            raise ValueError(f"tau_s: population {post!r} already receives input with tau_s={pop.tau_s}; "
                             f"every projection onto it must use the same synaptic time constant")
        self._pops[post] = _replace(pop, tau_s=tau_s)

    def _draw(self, pre, post, rule, j, delay, indegree, p_conn, weights, autapses) -> Projection:
        a, b = self._pops[pre], self._pops[post]
        if rule == "fixed_indegree":
            if indegree is None:
                raise TypeError("indegree is required with rule='fixed_indegree'")
            conn = fixed_indegree(a.size, b.size, indegree, autapses=autapses or pre != post, seed=self._rng())
            return Projection(pre, post, rule, j, delay, conn, indegree=int(indegree))
        if rule == "bernoulli":
            if p_conn is None:
                raise TypeError("p_conn is required with rule='bernoulli'")
            conn = bernoulli(a.size, b.size, p_conn, seed=self._rng())
            return Projection(pre, post, rule, j, delay, conn, p_conn=float(p_conn))
        if rule == "all_to_all":
            conn = bernoulli(a.size, b.size, 1.0)
            return Projection(pre, post, rule, j, delay, conn, p_conn=1.0)
        if weights is None:
            raise TypeError("weights is required with rule='weights'")
        conn = from_matrix(weights)
        if (conn.n_post, conn.n_pre) != (b.size, a.size):
            raise ValueError(f"weights must have shape (post size, pre size) = ({b.size}, {a.size}), "
                             f"got ({conn.n_post}, {conn.n_pre})")
        return Projection(pre, post, rule, None, delay, conn)

    def add_white_noise(self, post, *, mu=0.0, sigma=0.0) -> None:
        """Drive every neuron of ``post`` with white noise of mean ``mu`` and amplitude ``sigma``.

        Parameters
        ----------
        post : str or list of str
            Population name(s).
        mu : float or array_like, shape (size,)
            Mean input (mV), added to any already given.
        sigma : float or array_like, shape (size,)
            Noise amplitude (mV), >= 0: the standard deviation of the free membrane potential
            (the book's convention; Brunel 2000 and NEST write :math:`\\sigma_B = \\sqrt2\\,\\sigma`).
            Independent noises add in variance.
        """
        for name in self._names(post, "post"):
            pop = self._pops[name]
            m = per_item(mu, "mu", pop.size, n_name=f"size of {name}", unit="mV")
            s = per_item(sigma, "sigma", pop.size, n_name=f"size of {name}", low=0.0, unit="mV")
            self._pops[name] = _replace(pop, mu=pop.mu + m, sigma=np.sqrt(pop.sigma ** 2 + s ** 2))

    def add_poisson_input(self, post, *, rate, j) -> None:
        """Drive every neuron of ``post`` with its own Poisson spike train of ``rate`` Hz through weight ``j``.

        Parameters
        ----------
        post : str or list of str
            Population name(s).
        rate : float
            Total rate of external spikes per neuron (Hz), >= 0 (e.g. C_ext inputs at nu_ext each:
            ``rate = C_ext * nu_ext``).
        j : float
            Weight of an external spike (mV): the jump it causes.

        Notes
        -----
        One Poisson input per population (a second call replaces it); inside the simulator the
        number of external spikes in each step is drawn from the Poisson distribution of mean
        ``rate * dt`` (Brunel 2000, model A: C_E external inputs of rate nu_ext each).
        """
        rate = check_nonnegative(rate, "rate", unit="Hz")
        j = check_scalar(j, "j", unit="mV")
        for name in self._names(post, "post"):
            self._pops[name] = _replace(self._pops[name], poisson_rate=rate, poisson_j=j)

    # -- alternative constructors -----------------------------------------------------------------
    @classmethod
    def from_weights(cls, weights, model, *, mu, sigma, delay: float = 1.0) -> "Network":
        """N neurons of one model coupled by a weight matrix, each with its own white noise.

        Parameters
        ----------
        weights : array_like or scipy.sparse, shape (N, N)
            ``weights[i, j]`` (mV): the PSP jump that a spike of neuron ``j`` causes in neuron
            ``i``; zero where there is no synapse.
        model : LIF or EIF
            Neuron parameters (ms, mV).
        mu, sigma : float or array_like, shape (N,)
            White-noise drive of each neuron (mV), book convention.
        delay : float
            Transmission delay of every synapse (ms).

        Returns
        -------
        Network
            One population "all" with one projection (rule "weights").

        Examples
        --------
        >>> import numpy as np, snnlib
        >>> w = np.array([[0.0, 1.0], [0.0, 0.0]])  # neuron 1 excites neuron 0
        >>> net = snnlib.Network.from_weights(w, snnlib.LIF(), mu=12.0,
        ...                                   sigma=4.0)
        >>> net.n_neurons, net.n_synapses
        (2, 1)
        """
        conn = from_matrix(weights)
        if conn.n_pre != conn.n_post:
            raise ValueError(f"weights must be square (N, N), got shape ({conn.n_post}, {conn.n_pre})")
        net = cls()
        net.add_population("all", model, conn.n_pre)
        net.add_white_noise("all", mu=mu, sigma=sigma)
        net.connect("all", "all", rule="weights", weights=weights, delay=delay)
        return net


def _replace(pop: Population, **changes) -> Population:
    from dataclasses import replace

    return replace(pop, **changes)


def brunel_threshold_rate(model, j: float, c_e: int) -> float:
    r"""Brunel's :math:`\nu_{thr} = \theta / (J C_E \tau_m)` (Hz): the external rate per input
    that brings the mean input to threshold (Brunel 2000, p. 185), for ``model`` (mV, ms),
    weight ``j`` (mV) and ``c_e`` inputs."""
    return (model.v_th - model.e_l) / (j * c_e * model.tau_m) * MS_PER_S


def brunel_network(g, eta, *, n_exc: int = 10000, n_inh: int = 2500, epsilon: float = 0.1, j: float = 0.1,
                   delay: float = 1.5, model=BRUNEL_LIF, seed=None) -> Network:
    r"""Brunel's (2000) sparse network of excitatory and inhibitory LIF neurons (model A).

    Parameters
    ----------
    g : float
        Relative strength of inhibition (> 0): inhibitory synapses have weight ``-g * j``.
    eta : float
        External drive (> 0) in units of the threshold rate: each neuron receives ``C_E``
        external Poisson inputs of rate :math:`\eta\,\nu_{thr}`, :math:`\nu_{thr} =
        \theta/(J C_E \tau_m)` (10 Hz with the defaults).
    n_exc, n_inh : int
        Numbers of excitatory and inhibitory neurons (10,000 and 2,500).
    epsilon : float
        Connection probability in (0, 1]: every neuron receives exactly
        ``C_E = epsilon * n_exc`` excitatory and ``C_I = epsilon * n_inh`` inhibitory inputs.
    j : float
        Excitatory weight (mV), > 0 (0.1 mV).
    delay : float
        Transmission delay of every synapse (ms), 1.5 ms.
    model : LIF or EIF
        Neuron model (default :data:`BRUNEL_LIF`: tau_m 20 ms, threshold 20 mV, reset 10 mV,
        refractory 2 ms, voltages from rest).
    seed : None, int or numpy.random.Generator
        Seed of the connectivity.

    Returns
    -------
    Network
        Populations "E" and "I"; projections E->E, E->I (indegree C_E, weight j) and I->E,
        I->I (indegree C_I, weight -g j), all with ``delay``; Poisson input of rate
        :math:`C_E \eta \nu_{thr}` and weight j to every neuron.

    Notes
    -----
    Brunel (2000), J Comput Neurosci 8:183, section 2 (model A: identical excitatory and
    inhibitory neurons). Connections drawn with NEST's ``fixed_indegree`` rule (multapses and
    autapses allowed), as in NEST's ``brunel_delta_nest.py`` example.

    Examples
    --------
    >>> import snnlib
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=800, n_inh=200, seed=1)
    >>> [p.size for p in net.populations], net.n_synapses
    ([800, 200], 100000)
    """
    g = check_positive(g, "g")
    eta = check_positive(eta, "eta")
    n_exc = check_int(n_exc, "n_exc", low=1)
    n_inh = check_int(n_inh, "n_inh", low=1)
    epsilon = check_scalar(epsilon, "epsilon", low=0.0, high=1.0, low_inclusive=False)
    j = check_positive(j, "j", unit="mV")
    c_e, c_i = max(1, round(epsilon * n_exc)), max(1, round(epsilon * n_inh))
    net = Network(seed=seed)
    net.add_population("E", model, n_exc)
    net.add_population("I", model, n_inh)
    net.connect("E", ["E", "I"], rule="fixed_indegree", indegree=c_e, j=j, delay=delay)
    net.connect("I", ["E", "I"], rule="fixed_indegree", indegree=c_i, j=-g * j, delay=delay)
    nu_thr = brunel_threshold_rate(model, j, c_e)
    net.add_poisson_input(["E", "I"], rate=c_e * eta * nu_thr, j=j)
    return net
