"""Recurrent networks of spiking neurons (chapters 7-9).

* :mod:`~snnlib.network.connectivity`: synapses stored as one outgoing CSR table per projection
  (int32 targets, about 4 bytes per synapse for homogeneous weights), drawn by the fixed in-degree
  or Bernoulli rules, or taken from a weight matrix;
* :mod:`~snnlib.network.network`: :class:`Network` (populations of LIF or EIF neurons,
  projections with weights and delays, Poisson or white-noise drive), :func:`brunel_network`;
* :mod:`~snnlib.network.simulate`: :func:`simulate_network`, the delay-coupled simulator built on
  the single-neuron step of :mod:`snnlib.neuron.step`;
* :mod:`~snnlib.network.mean_field`: self-consistent stationary rates by the diffusion
  approximation (:func:`mean_field`, :func:`brunel_mean_field`);
* :mod:`~snnlib.network.hawkes`: the linear multivariate Hawkes process, exactly simulated
  (:func:`simulate_hawkes`) and exactly solved (rates, count covariances, cross-spectra and
  covariance densities): correlations from connectivity in their simplest form;
* :mod:`~snnlib.network.linear_response`: the same for integrate-and-fire networks, by linear
  response theory around the mean-field state (:func:`predict_cross_spectrum`,
  :func:`predict_cross_covariance`, :func:`predict_count_covariance`, :func:`covariance_motifs`, and for networks of any
  size the spectra of the population activities, :func:`predict_population_spectrum`);
* :mod:`~snnlib.network.stability`: where the asynchronous state of Brunel's model A loses
  stability (:func:`brunel_stability`, :func:`brunel_instability_lines`).
"""

from .connectivity import Connectivity, bernoulli, fixed_indegree, from_matrix
from .network import BRUNEL_LIF, Network, Population, Projection, brunel_network
from .mean_field import MeanField, brunel_mean_field, mean_field, rate_transfer
from .simulate import NetworkResult, simulate_network
from .hawkes import (HawkesResult, hawkes_count_covariance, hawkes_covariance_density, hawkes_cross_spectrum,
                     hawkes_rates, simulate_hawkes)
from .linear_response import (WorkingPoint, coupling_kernel, covariance_motifs, predict_count_covariance,
                              predict_cross_covariance, predict_cross_spectrum, weight_matrix, working_point,
                              PopulationSpectra, predict_population_spectrum)
from .stability import BrunelStability, brunel_instability_lines, brunel_stability
from .sampling import (BoltzmannFit, SamplingResult, boltzmann_log_likelihood, boltzmann_probabilities,
                       boltzmann_statistics, gibbs_sampling, kl_divergence, learn_boltzmann, neural_sampling,
                       state_probabilities)
from .inverse import HawkesFit, fit_hawkes_weights, infer_hawkes_weights, mean_field_weights

__all__ = ["Connectivity", "bernoulli", "fixed_indegree", "from_matrix", "BRUNEL_LIF", "Network", "Population",
           "Projection", "brunel_network", "NetworkResult", "simulate_network", "MeanField", "mean_field",
           "brunel_mean_field", "rate_transfer", "HawkesResult", "simulate_hawkes", "hawkes_rates",
           "hawkes_count_covariance", "hawkes_cross_spectrum", "hawkes_covariance_density", "WorkingPoint",
           "weight_matrix", "working_point", "coupling_kernel", "predict_cross_spectrum", "predict_cross_covariance",
           "predict_count_covariance", "covariance_motifs", "PopulationSpectra", "predict_population_spectrum",
           "BrunelStability", "brunel_stability",
           "brunel_instability_lines", "SamplingResult", "boltzmann_probabilities", "boltzmann_statistics",
           "gibbs_sampling", "kl_divergence", "neural_sampling", "state_probabilities", "BoltzmannFit",
           "boltzmann_log_likelihood", "learn_boltzmann",
           "HawkesFit", "fit_hawkes_weights", "infer_hawkes_weights", "mean_field_weights"]
