"""Single integrate-and-fire neurons in time: noise-free dynamics and Monte Carlo of noisy populations.

* :mod:`~snnlib.neuron.deterministic`: the noise-free LIF in closed form (trajectory, ISI, f-I
  curve, rheobase), the EIF f-I curve by quadrature, and a forward-Euler reference integrator;
* :mod:`~snnlib.neuron.montecarlo`: :func:`simulate_population`, Euler-Maruyama Monte Carlo of
  uncoupled neurons driven by white noise, and the noise it draws (:func:`langevin_noise`);
* ``snnlib.neuron.step``: the Euler-Maruyama step with the Brownian-bridge threshold test,
  written once and shared by the population kernel and the network simulator.

The stationary and linear-response *theory* of the same neurons is in ``snnlib.fokker_planck``.
"""

from .deterministic import (DeterministicRun, eif_fi_curve, lif_fi_curve, lif_isi, lif_trajectory, rheobase,
                            simulate_deterministic)
from .montecarlo import PopulationResult, langevin_noise, simulate_population

from .synapse import CampbellMoments, campbell_moments, psp_kernel, psp_peak, shot_noise

__all__ = [
    "DeterministicRun", "eif_fi_curve", "lif_fi_curve", "lif_isi", "lif_trajectory", "rheobase",
    "simulate_deterministic", "PopulationResult", "langevin_noise", "simulate_population",
    "psp_kernel", "psp_peak", "shot_noise", "CampbellMoments", "campbell_moments",
]
# EIF fixed points, the LIF's interspike-interval density and the first-k-intervals sample
from .fixed_points import EIFFixedPoints, eif_fixed_points
from .first_passage import ISIDensity, lif_isi_density
from .intervals import FirstIntervals, IntervalDensity, first_intervals, interval_density

__all__ += ["EIFFixedPoints", "eif_fixed_points", "ISIDensity", "lif_isi_density", "FirstIntervals",
            "first_intervals", "IntervalDensity", "interval_density"]
# first-spike latency after a step of input
from .latency import step_latency

__all__ += ["step_latency"]
