"""snnlib: the numerics behind *Stochastic computation in recurrent networks of spiking neurons*.

Units throughout: time in ms, voltage in mV, rates and frequencies in Hz (:mod:`snnlib.units`).
Every public name below is importable from ``snnlib`` directly; the subpackages hold one subject
each, so a reader finds each concept where its name says::

    snnlib/
      units.py         the one ms <-> s conversion (MS_PER_S)
      models.py        LIF, EIF and IFModel (user psi) on one base class
      neuron/          single neurons in time: noise-free dynamics (deterministic), Monte Carlo
                       of noisy populations (montecarlo), the shared Euler-Maruyama step (step)
      fokker_planck/   theory of the same neurons: Siegert formula, stationary state, linear
                       response (chi, S), time-dependent density; one shared voltage grid
      spikes/          spike-train containers, statistics estimated from data, generators
      network/         recurrent networks (chapters 7-9): connectivity, the network simulator,
                       mean-field theory
      interop/         the same network in NEST 3 (to_nest), for runs beyond one machine
      ml/              chapter 1: data sets, perceptron, MLP (``from snnlib import ml``)
      plotting/        the house style and the live figures of the widgets
      _core/           private: validation, seeding, in-kernel RNG, LLVM intrinsics and their
                       plain twins, quadrature, thread pool

Names that sound alike are kept apart on purpose: :func:`power_spectrum` *estimates* the spectrum
of recorded spikes, :func:`spike_spectrum` is its Fokker-Planck *theory*; :func:`isi` measures
intervals from data, :func:`lif_isi` is the noise-free LIF's interval in closed form.
"""

from . import interop, ml, network, plotting, units
# -- neuron models --
from .models import EIF, LIF, IFModel, IntegrateAndFire
# -- single neurons in time: noise-free and Monte Carlo --
from .neuron import (DeterministicRun, PopulationResult, eif_fi_curve, langevin_noise, lif_fi_curve, lif_isi,
                     lif_trajectory, rheobase, simulate_deterministic, simulate_population)
# -- Fokker-Planck theory: Siegert, stationary state, linear response, time-dependent density --
from .fokker_planck import (DensityEvolution, StationaryState, crossover_frequency, lif_cv,
                            lif_spectrum_closed_form, lif_susceptibility_closed_form, mean_input_for_rate,
                            shared_input_correlation, siegert_rate, solve_density, spike_spectrum, stationary,
                            susceptibility, susceptibility_asymptote, synaptic_kernel, half_gain_frequency,
                            binned_spectrum)
from .fokker_planck import RelaxationMode, lif_relaxation_mode
# -- first-spike latency after a step of input (chapter 3) --
from .neuron import step_latency
# -- recurrent networks --
from .network import (BRUNEL_LIF, HawkesResult, MeanField, Network, NetworkResult, brunel_mean_field,
                      brunel_network, hawkes_count_covariance, hawkes_covariance_density, hawkes_cross_spectrum,
                      hawkes_rates, mean_field, predict_count_covariance, predict_cross_covariance,
                      predict_cross_spectrum, rate_transfer, simulate_hawkes, simulate_network, BrunelStability,
                      WorkingPoint, brunel_instability_lines, brunel_stability, coupling_kernel, covariance_motifs,
                      weight_matrix, working_point, PopulationSpectra, predict_population_spectrum, SamplingResult,
                      boltzmann_probabilities, boltzmann_statistics, gibbs_sampling, kl_divergence, neural_sampling,
                      state_probabilities, BoltzmannFit, boltzmann_log_likelihood, learn_boltzmann,
                      HawkesFit, fit_hawkes_weights, infer_hawkes_weights, mean_field_weights)
# -- spike trains: containers, statistics from data, generators --
from .spikes import (BinnedSpikes, Correlogram, FanoCurve, PopulationRate, PowerSpectrum, SpikeTrains,
                     bin_spikes, cross_correlogram, cv_isi, fano_factor, fano_factor_curve, firing_rates,
                     gamma_spike_train, isi, poisson_spike_train, population_rate, population_spectrum,
                     power_spectrum, spike_count_correlation, synchrony_index, mean_count_correlation,
                     MeanCorrelation, CountCovariance, count_covariance, time_blocks, RateResponse, lock_in_response,
                     reverse_correlation, sinusoidal_input, white_noise_input, reverse_correlation_groups,
                     common_noise_stimulus, spike_kicks, CrossSpectra, cross_spectrum_matrix)
# -- EIF fixed points, the LIF's interval density, the first k intervals of every neuron --
from .neuron import (EIFFixedPoints, FirstIntervals, ISIDensity, eif_fixed_points, first_intervals,
                     lif_isi_density, IntervalDensity, interval_density)

__version__ = "0.1.0"

# -- PSP kernel, shot noise and Campbell's theorem (chapter 2) --
from .neuron.synapse import CampbellMoments, campbell_moments, psp_kernel, psp_peak, shot_noise
# -- renewal theory of Gamma trains and the hazard (chapter 2) --
from .spikes.renewal import (HazardEstimate, gamma_autocorrelation, gamma_fano_factor, gamma_hazard, gamma_isi_density,
                             gamma_spectrum, gamma_survivor, hazard_estimate)

__all__ = [
    # subpackages imported as modules
    "interop", "ml", "network", "plotting", "units",
    # neuron models
    "IntegrateAndFire", "LIF", "EIF", "IFModel",
    # single neurons in time
    "DeterministicRun", "lif_trajectory", "lif_isi", "lif_fi_curve", "eif_fi_curve", "rheobase",
    "simulate_deterministic", "PopulationResult", "simulate_population", "langevin_noise",
    # Fokker-Planck theory
    "siegert_rate", "lif_cv", "StationaryState", "stationary", "susceptibility", "spike_spectrum",
    "DensityEvolution", "solve_density", "shared_input_correlation",
    # linear response: closed forms, asymptotes, transfer through a synapse
    "lif_susceptibility_closed_form", "lif_spectrum_closed_form", "susceptibility_asymptote",
    "crossover_frequency", "mean_input_for_rate", "synaptic_kernel", "half_gain_frequency", "binned_spectrum",
    # recurrent networks
    "Network", "NetworkResult", "brunel_network", "simulate_network", "BRUNEL_LIF", "MeanField", "mean_field",
    "brunel_mean_field", "rate_transfer",
    # Hawkes processes: correlations from connectivity, exactly solvable
    "HawkesResult", "simulate_hawkes", "hawkes_rates", "hawkes_count_covariance", "hawkes_cross_spectrum",
    "hawkes_covariance_density",
    # linear response theory of network correlations
    "predict_cross_spectrum", "predict_cross_covariance", "predict_count_covariance", "covariance_motifs",
    "predict_population_spectrum", "PopulationSpectra", "coupling_kernel", "weight_matrix", "working_point",
    "WorkingPoint", "brunel_stability",
    "brunel_instability_lines", "BrunelStability",
    # neural sampling (chapter 9)
    "neural_sampling", "SamplingResult", "gibbs_sampling", "boltzmann_probabilities", "boltzmann_statistics",
    "state_probabilities", "kl_divergence", "learn_boltzmann", "BoltzmannFit", "boltzmann_log_likelihood",
    # connectivity from correlations and correlations by design (chapter 9)
    "fit_hawkes_weights", "HawkesFit", "infer_hawkes_weights", "mean_field_weights",
    # spike trains
    "SpikeTrains", "BinnedSpikes", "PopulationRate", "PowerSpectrum", "Correlogram", "FanoCurve",
    "bin_spikes", "firing_rates", "isi", "cv_isi", "fano_factor", "fano_factor_curve", "population_rate",
    "power_spectrum", "cross_correlogram", "spike_count_correlation", "population_spectrum", "synchrony_index",
    "mean_count_correlation", "MeanCorrelation", "count_covariance", "CountCovariance", "time_blocks",
    "poisson_spike_train",
    "gamma_spike_train",
    # the susceptibility measured from spikes
    "RateResponse", "sinusoidal_input", "lock_in_response", "white_noise_input", "reverse_correlation",
    "reverse_correlation_groups", "common_noise_stimulus", "spike_kicks",
    # cross-spectra of many trains
    "CrossSpectra", "cross_spectrum_matrix",
    # PSP kernel, shot noise and Campbell's theorem (chapter 2)
    "psp_kernel", "psp_peak", "shot_noise", "CampbellMoments", "campbell_moments",
    # renewal theory of Gamma trains and the hazard (chapter 2)
    "gamma_isi_density", "gamma_survivor", "gamma_hazard", "gamma_autocorrelation", "gamma_spectrum",
    "HazardEstimate", "hazard_estimate",
    "gamma_fano_factor",
    # EIF fixed points, interval density, first k intervals (chapters 3-4)
    "EIFFixedPoints", "eif_fixed_points", "ISIDensity", "lif_isi_density", "FirstIntervals", "first_intervals",
    "IntervalDensity", "interval_density",
    # eigenmodes of the LIF's Fokker-Planck operator
    "RelaxationMode", "lif_relaxation_mode",
    # first-spike latency after a step of input (chapter 3)
    "step_latency",
]
