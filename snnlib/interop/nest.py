r"""The same network in NEST 3, for runs that outgrow one machine.

:func:`to_nest` builds a :class:`~snnlib.network.network.Network` in the NEST simulator
(Gewaltig & Diesmann 2007; https://nest-simulator.org), runs it and returns the same
:class:`~snnlib.network.simulate.NetworkResult` as :func:`simulate_network <snnlib.network.simulate.simulate_network>`, so that a
chapter's analysis runs unchanged on either. NEST distributes a network over threads and, with
MPI, over many machines (millions of neurons); snnlib is faster on one machine for the networks of
the book. Install it with ``pip install "snnlib[nest]"`` (the ``nest-simulator`` package).

How the book's model maps onto NEST's (see the book's notation page):

* LIF, delta synapses: ``iaf_psc_delta`` (``tau_m``, ``E_L``, ``V_th``, ``V_reset``, ``t_ref``; a
  weight is the PSP jump in mV, as in snnlib); EIF: ``aeif_psc_delta`` with ``a = b = 0``
  (``V_th`` is the EIF's ``v_t``, ``V_peak`` its cut-off ``v_th``, ``Delta_T``); with ``tau_s``:
  ``iaf_psc_exp`` / ``aeif_psc_exp``, weight ``j C_m / tau_s`` pA (the same charge).
* White noise of the book (mu, sigma) as a ``noise_generator`` current of mean ``mu C_m / tau_m``
  and, per step ``dt``, standard deviation ``sigma C_m sqrt(2 / (dt tau_m))`` (pA, ``C_m`` in pF):
  the free membrane potential then has standard deviation ``sigma`` (for ``dt << tau_m``).
* Poisson input: one ``poisson_generator`` per population (each neuron its own train).
* Connections: the same rule (``fixed_indegree`` with multapses and autapses as in snnlib,
  ``pairwise_bernoulli``, ``all_to_all``) drawn by NEST; weight matrices synapse by synapse.

NEST integrates the LIF exactly between inputs; snnlib takes Euler-Maruyama steps, whose error is
of order ``dt / tau_m`` (0.5 % at dt = 0.1 ms, tau_m = 20 ms).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import check_int, check_nonnegative, check_positive, whole_steps
from ..network.network import Network
from ..network.simulate import NetworkResult, _initial_state
from ..units import MS_PER_S

__all__ = ["to_nest", "nest_available"]

#: Membrane capacitance given to NEST's neurons (pF); only currents depend on it.
C_M = 250.0
#: Largest seed NEST accepts.
_NEST_SEED_MAX = 2 ** 31 - 1


def nest_available() -> bool:
    """True if NEST 3 can be imported."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    try:
        import nest  # noqa: F401
    except ImportError:
        return False
    return True


def _import_nest():
    os.environ.setdefault("PYNEST_QUIET", "1")     # no banner on import
    try:
        import nest
    except ImportError:
        raise ImportError("to_nest needs NEST 3: pip install 'snnlib[nest]' (the nest-simulator package)") from None
    return nest


def _quiet(nest) -> None:
    """Errors only from NEST's kernel (the attribute of NEST >= 3.9, else the older call)."""
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:  # pragma: no cover - NEST < 3.9
        nest.set_verbosity("M_ERROR")


def _neuron_model(pop) -> tuple[str, dict]:
    m = pop.model
    exp = pop.tau_s is not None
    if m.kind == "lif":
        params = {"C_m": C_M, "tau_m": m.tau_m, "E_L": m.e_l, "V_th": m.v_th, "V_reset": m.v_reset,
                  "t_ref": m.t_ref}
        if exp:
            params.update(tau_syn_ex=pop.tau_s, tau_syn_in=pop.tau_s)
        return ("iaf_psc_exp" if exp else "iaf_psc_delta"), params
    params = {"C_m": C_M, "g_L": C_M / m.tau_m, "E_L": m.e_l, "V_th": m.v_t, "Delta_T": m.delta_t,
              "V_peak": m.v_th, "V_reset": m.v_reset, "t_ref": m.t_ref, "a": 0.0, "b": 0.0, "tau_w": 100.0}
    if exp:
        params.update(tau_syn_ex=pop.tau_s, tau_syn_in=pop.tau_s)
    return ("aeif_psc_exp" if exp else "aeif_psc_delta"), params


def _weight(pop, j):
    """NEST weight of a PSP jump ``j`` (mV) onto ``pop``: mV for delta synapses, pA with tau_s."""
    return j if pop.tau_s is None else j * C_M / pop.tau_s


def _connect(nest, net, nodes):
    for pr in net.projections:
        b = net.population(pr.post)
        src, dst = nodes[pr.pre], nodes[pr.post]
        if pr.rule == "weights" or pr.j is None:
            c = pr.connectivity
            w = c.weights if c.weights is not None else np.full(c.n_synapses, pr.j)
            pre_ids = np.asarray(src.tolist())[c.sources()]
            post_ids = np.asarray(dst.tolist())[c.targets]
            nest.Connect(pre_ids, post_ids, "one_to_one",
                         {"weight": _weight(b, w), "delay": np.full(c.n_synapses, pr.delay)})
            continue
        if pr.rule == "fixed_indegree":
            rule = {"rule": "fixed_indegree", "indegree": pr.indegree, "allow_multapses": True,
                    "allow_autapses": True}
        elif pr.rule == "bernoulli":
            rule = {"rule": "pairwise_bernoulli", "p": pr.p_conn, "allow_autapses": True}
        else:
            rule = {"rule": "all_to_all"}
        nest.Connect(src, dst, rule, {"weight": _weight(b, pr.j), "delay": pr.delay})


def _drive(nest, net, nodes, dt):
    """Poisson generators, the mean input as a constant current I_e and the noise as current noise."""
    for pop in net.populations:
        m, group = pop.model, nodes[pop.name]
        if pop.poisson_rate > 0:
            pg = nest.Create("poisson_generator", params={"rate": pop.poisson_rate})
            nest.Connect(pg, group, syn_spec={"weight": _weight(pop, pop.poisson_j), "delay": dt})
        if np.any(pop.mu != 0):
            group.I_e = (pop.mu * C_M / m.tau_m).tolist()                   # pA
        if np.any(pop.sigma > 0):
            std = pop.sigma * C_M * math.sqrt(2.0 / (dt * m.tau_m))         # pA per step of dt
            if np.ptp(std) == 0:   # one generator: NEST gives each target its own noise
                ng = nest.Create("noise_generator", params={"std": float(std[0]), "dt": dt})
                nest.Connect(ng, group, syn_spec={"delay": dt})
            else:
                ngs = nest.Create("noise_generator", pop.size, params={"dt": dt})
                ngs.std = std.tolist()
                nest.Connect(ngs, group, "one_to_one", syn_spec={"delay": dt})


def to_nest(network, *, t_max, dt=0.1, seed=None, t_warmup=0.0, n_threads=None, v0=None) -> NetworkResult:
    r"""Build ``network`` in NEST 3, simulate it and return a :class:`~snnlib.network.simulate.NetworkResult`.

    Parameters
    ----------
    network : Network
        The network (its connectivity rules, not its drawn synapses, are passed to NEST, except
        for weight matrices, passed synapse by synapse).
    t_max : float
        Recorded duration (ms), a whole number of steps.
    dt : float
        NEST's resolution (ms); delays must be at least one step.
    seed : None, int or numpy.random.Generator
        Seed of NEST's random numbers and of the initial potentials (drawn as in
        :func:`simulate_network <snnlib.network.simulate.simulate_network>`, so the same seed starts both simulators alike).
    t_warmup : float
        Simulated before the recording starts (ms); recorded times start at 0.
    n_threads : int or None
        NEST's ``local_num_threads`` (default: ``numba.get_num_threads()``).
    v0 : None, float or array_like
        Initial membrane potentials (mV), as in :func:`simulate_network <snnlib.network.simulate.simulate_network>`.

    Returns
    -------
    NetworkResult
        Spike times (ms), ids (snnlib's numbering), population rates in 1-ms bins and per-neuron
        rates (Hz); no voltage traces.

    Notes
    -----
    See the module docstring for the mapping of models, drive and connections. NEST's kernel is
    reset (``nest.ResetKernel``) at the start of each call.

    Examples
    --------
    >>> import snnlib
    >>> from snnlib.interop import nest_available, to_nest
    >>> net = snnlib.brunel_network(5.0, 2.0, n_exc=400, n_inh=100, seed=1)
    >>> res = (to_nest(net, t_max=100.0, seed=2)  # doctest: +SKIP
    ...        if nest_available() else None)
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be an snnlib.Network, got {type(network).__name__}")
    nest = _import_nest()
    dt = check_positive(dt, "dt", unit="ms")
    t_max = check_positive(t_max, "t_max", unit="ms")
    t_warmup = check_nonnegative(t_warmup, "t_warmup", unit="ms")
    n_rec = whole_steps(t_max, dt, "t_max")
    if n_threads is None:
        import numba

        n_threads = numba.get_num_threads()
    n_threads = check_int(n_threads, "n_threads", low=1)
    rng = as_generator(seed)
    net = network
    n = net.n_neurons
    state = _initial_state(net, n, v0, rng)   # the draws simulate_network makes with this seed
    nest_seed = int(rng.integers(1, _NEST_SEED_MAX))

    nest.ResetKernel()
    _quiet(nest)
    nest.SetKernelStatus({"resolution": dt, "local_num_threads": n_threads, "rng_seed": nest_seed,
                          "print_time": False})
    nodes = {}
    for pop in net.populations:
        model, params = _neuron_model(pop)
        nodes[pop.name] = nest.Create(model, pop.size, params=params)
        nodes[pop.name].V_m = state.v[pop.start:pop.stop].tolist()
    _connect(nest, net, nodes)
    _drive(nest, net, nodes, dt)
    rec = nest.Create("spike_recorder", params={"start": t_warmup})
    first = {}
    for pop in net.populations:
        nest.Connect(nodes[pop.name], rec)
        first[pop.name] = nodes[pop.name][0].global_id
    nest.Simulate(t_warmup + n_rec * dt)
    ev = rec.get("events")
    senders = np.asarray(ev["senders"], dtype=np.int64)
    times = np.asarray(ev["times"], dtype=float) - t_warmup
    ids = np.empty_like(senders)
    for pop in net.populations:
        sel = (senders >= first[pop.name]) & (senders < first[pop.name] + pop.size)
        ids[sel] = senders[sel] - first[pop.name] + pop.start
    order = np.lexsort((ids, times))
    times, ids = times[order], ids[order]
    return _result(net, times, ids, n_rec, dt)


def _result(net, times, ids, n_rec, dt) -> NetworkResult:
    """A NetworkResult with 1-ms population-rate bins from sorted spikes (ms, ids)."""
    spb = min(max(1, round(1.0 / dt)), n_rec)
    n_bins = n_rec // spb
    bins = np.minimum(np.round(times / dt).astype(np.int64) - 1, n_rec - 1) // spb
    t_rec = n_rec * dt
    rates, pops = {}, {}
    for pop in net.populations:
        sel = (ids >= pop.start) & (ids < pop.stop)
        b = bins[sel]
        counts = np.bincount(b[b < n_bins], minlength=n_bins)
        rates[pop.name] = counts / (pop.size * spb * dt / MS_PER_S)
        pops[pop.name] = slice(pop.start, pop.stop)
    return NetworkResult(spike_times=times, spike_ids=ids, n_neurons=net.n_neurons, t_max=t_rec, dt=dt,
                         populations=pops, rate_time=(np.arange(n_bins) + 0.5) * spb * dt, rates=rates,
                         neuron_rates=np.bincount(ids, minlength=net.n_neurons) / (t_rec / MS_PER_S))
