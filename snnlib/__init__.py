"""snnlib: the numerics behind *Stochastic computation in recurrent networks of spiking neurons*.

Units throughout: time in ms, voltage in mV, rates and frequencies in Hz.
"""

from .models import EIF, LIF, IFModel

# -- chapter 1 (perceptron, MLP, data sets) --
from .datasets import SeparableData, Split, linearly_separable, spirals, train_test_split, two_moons, xor
from .mlp import (ForwardPass, LossGrad, MLPParams, MLPTrainResult, accuracy, forward, init_mlp, loss_and_grad,
                  predict_proba, train_mlp)
from .perceptron import (NovikoffBound, PerceptronResult, data_radius, mcculloch_pitts, novikoff_bound,
                         separation_margin, train_perceptron)
# -- chapter 2 (spike statistics) --
from .spikes import (BinnedSpikes, Correlogram, FanoCurve, PopulationRate, PowerSpectrum, SpikeTrains,
                     bin_spikes, cross_correlogram, cv_isi, fano_factor, fano_factor_curve, firing_rates,
                     gamma_spike_train, isi, poisson_spike_train, population_rate, power_spectrum,
                     spike_count_correlation)
# -- chapter 3 (deterministic IF, Siegert) --
from .deterministic import (DeterministicRun, eif_fi_curve, lif_fi_curve, lif_isi, lif_trajectory,
                            rheobase, simulate_deterministic)
from .siegert import lif_cv, siegert_rate
# -- chapter 4 (Monte Carlo) --
from .montecarlo import PopulationResult, langevin_noise, simulate_population
# -- chapters 5-6 (Fokker-Planck) --
from .fokker_planck.stationary import StationaryState, stationary
from .fokker_planck.linear_response import spike_spectrum, susceptibility
from .fokker_planck.time_dependent import DensityEvolution, solve_density

__version__ = "0.1.0"
