"""Spike trains as point processes: containers, statistics estimated from data, and generators.

* :mod:`~snnlib.spikes.containers`: :class:`SpikeTrains` (times in ms, neuron ids, ``n_neurons``,
  ``t_max``) and the small result types of the statistics;
* :mod:`~snnlib.spikes.statistics`: *estimates from data*: rates, ISIs, CV, Fano factors,
  population rate, the power spectrum of spike trains (:func:`power_spectrum`, an estimate, not to
  be confused with the Fokker-Planck theory :func:`spike_spectrum <snnlib.fokker_planck.linear_response.spike_spectrum>`), cross-correlograms and
  spike-count correlations;
* :mod:`~snnlib.spikes.response`: the susceptibility *measured* from spikes, by sinusoidal
  modulation (lock-in) or white-noise reverse correlation, and the inputs that drive them;
* :mod:`~snnlib.spikes.cross_spectrum`: the matrix of cross-spectra of many trains at chosen frequencies;
* :mod:`~snnlib.spikes.generators`: Poisson (homogeneous and inhomogeneous) and Gamma renewal trains.

Every statistic accepts a :class:`SpikeTrains`, the result of a simulation, or raw arrays.
"""

from .containers import (BinnedSpikes, CountCovariance, Correlogram, FanoCurve, MeanCorrelation, PopulationRate,
                         PowerSpectrum, SpikeTrains)
from .cross_spectrum import CrossSpectra, cross_spectrum_matrix
from .generators import gamma_spike_train, poisson_spike_train
from .response import (RateResponse, common_noise_stimulus, lock_in_response, reverse_correlation,
                       reverse_correlation_groups, sinusoidal_input, spike_kicks, white_noise_input)
from .statistics import (bin_spikes, count_covariance, cross_correlogram, cv_isi, fano_factor, fano_factor_curve,
                         firing_rates, isi, mean_count_correlation, population_rate, population_spectrum, power_spectrum,
                         spike_count_correlation, synchrony_index, time_blocks)

from .renewal import (HazardEstimate, gamma_autocorrelation, gamma_fano_factor, gamma_hazard, gamma_isi_density, gamma_spectrum,
                      gamma_survivor, hazard_estimate)

__all__ = [
    "SpikeTrains", "BinnedSpikes", "PopulationRate", "PowerSpectrum", "Correlogram", "FanoCurve",
    "bin_spikes", "firing_rates", "isi", "cv_isi", "fano_factor", "fano_factor_curve", "population_rate",
    "power_spectrum", "cross_correlogram", "spike_count_correlation", "population_spectrum", "synchrony_index",
    "mean_count_correlation", "MeanCorrelation", "count_covariance", "CountCovariance", "time_blocks",
    "poisson_spike_train", "gamma_spike_train",
    "RateResponse", "sinusoidal_input", "lock_in_response", "white_noise_input", "reverse_correlation",
    "reverse_correlation_groups", "common_noise_stimulus", "spike_kicks", "CrossSpectra", "cross_spectrum_matrix",
    "gamma_isi_density", "gamma_survivor", "gamma_hazard", "gamma_autocorrelation", "gamma_spectrum",
    "HazardEstimate", "hazard_estimate",
    "gamma_fano_factor",
]
