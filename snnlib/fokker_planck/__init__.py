"""Fokker-Planck theory of integrate-and-fire neurons driven by white noise (chapters 3, 5 and 6).

* :mod:`~snnlib.fokker_planck.siegert`: the closed-form Siegert rate and ISI CV of the LIF;
* :mod:`~snnlib.fokker_planck.stationary`: stationary rate, density and CV of any IF model by
  threshold integration;
* :mod:`~snnlib.fokker_planck.linear_response`: the susceptibility chi(f) and the spike-train power
  spectrum S(f) (*theory*; the estimate from data is :func:`power_spectrum <snnlib.spikes.statistics.power_spectrum>`);
* :mod:`~snnlib.fokker_planck.closed_form`: the LIF's chi(f) and S(f) in parabolic cylinder functions
  (needs mpmath), the independent check of threshold integration;
* :mod:`~snnlib.fokker_planck.response_theory`: high-frequency asymptotes of chi, the crossover
  frequency, the input for a given rate, and the transfer K(f) through a synapse;
* :mod:`~snnlib.fokker_planck.time_dependent`: the density evolving under time-dependent input;
* :mod:`~snnlib.fokker_planck.correlation`: the spike-count correlation that shared input induces
  (linear response, from chi and S).

The voltage grid shared by the solvers (with its defaults and the reasons they differ between
threshold integration and time stepping), their input check, and the exponential step and Romberg
extrapolation of threshold integration live in ``snnlib.fokker_planck.grid``.
"""

from .closed_form import lif_spectrum_closed_form, lif_susceptibility_closed_form, mpmath_available
from .closed_form import RelaxationMode, lif_relaxation_mode
from .correlation import shared_input_correlation
from .linear_response import spike_spectrum, susceptibility
from .response_theory import (binned_spectrum, crossover_frequency, half_gain_frequency, mean_input_for_rate,
                              susceptibility_asymptote, synaptic_kernel)
from .siegert import lif_cv, siegert_rate
from .stationary import StationaryState, stationary
from .time_dependent import DensityEvolution, solve_density

__all__ = ["lif_cv", "siegert_rate", "StationaryState", "stationary", "spike_spectrum", "susceptibility",
           "DensityEvolution", "solve_density", "shared_input_correlation", "lif_susceptibility_closed_form",
           "lif_spectrum_closed_form", "mpmath_available", "susceptibility_asymptote", "crossover_frequency",
           "mean_input_for_rate", "synaptic_kernel", "half_gain_frequency", "binned_spectrum"]
__all__ += ["RelaxationMode", "lif_relaxation_mode"]
