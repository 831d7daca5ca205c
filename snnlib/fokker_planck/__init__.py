"""Fokker-Planck theory of integrate-and-fire neurons (Chapters 5-6).

Stationary density and rate, linear response (susceptibility and spike-train
spectrum) by threshold integration, and the time-dependent density.
"""

# -- stationary and linear response --
from .stationary import StationaryState, stationary
from .linear_response import spike_spectrum, susceptibility
# -- time-dependent density --
from .time_dependent import DensityEvolution, solve_density
