"""Fokker-Planck theory of integrate-and-fire neurons (Chapters 5-6).

Stationary density and rate, linear response (susceptibility and spike-train
spectrum) by threshold integration, and the time-dependent density.
"""

# -- stationary and linear response --
# -- time-dependent density --
