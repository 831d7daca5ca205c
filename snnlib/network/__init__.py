"""Recurrent networks of spiking neurons (chapters 7-9).

This package will hold the connectivity (fixed in-degree, Bernoulli and user matrices stored as
outgoing CSR), the delay-coupled network simulator built on the single-neuron step of
:mod:`snnlib.neuron`, the mean-field theory of the stationary rates, linear-response predictions of
spike correlations from connectivity, Hawkes processes, and networks that sample from probability
distributions. It is empty until those issues land; the single-neuron pieces it will reuse are
:func:`snnlib.simulate_population` (whose time loop runs in chunks no longer than the shortest
delay) and :func:`snnlib.stationary` / :func:`snnlib.susceptibility`.
"""

__all__: list[str] = []
