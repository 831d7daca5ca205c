"""snnlib: the numerics behind *Stochastic computation in recurrent networks of spiking neurons*.

Units throughout: time in ms, voltage in mV, rates and frequencies in Hz.
"""

from .models import EIF, LIF, IFModel

# -- chapter 1 (perceptron, MLP, data sets) --
# -- chapter 2 (spike statistics) --
# -- chapter 3 (deterministic IF, Siegert) --
# -- chapter 4 (Monte Carlo) --
# -- chapters 5-6 (Fokker-Planck) --

__version__ = "0.1.0"
