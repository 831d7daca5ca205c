"""Slow, plainly correct reference versions of snnlib's fast kernels, one module per subpackage.

Each function here is written for clarity, not speed: explicit Python loops, no numba. Tests
compute ``ref = naive.f(...)`` and ``got = snnlib.f(...)`` on the same inputs (same noise) and
compare them; the book's "from scratch" cells show the same code. The modules mirror snnlib's
tree (``naive.core``, ``naive.neuron``, ``naive.fokker_planck``, ``naive.spikes``, ``naive.ml``, ``naive.network``, ``naive.hawkes``);
every name is also re-exported here, so ``naive.siegert_rate`` works from any test.
"""

from .core import (NeuronStream)  # noqa: F401
from .fokker_planck import (siegert_rate, lif_cv, fp_stationary_threshold_integrate,
                            fp_stationary_lif_density, fp_stationary_quad_rate,
                            fp_chi_threshold_integrate, fp_chi_lif_spectrum_closed_form,
                            fp_chi_lif_closed_form, fp_td_bernoulli, fp_td_operator, fp_td_solve,
                            fp_td_stationary, fp_td_siegert_rate_lif)  # noqa: F401
from .ml import (train_perceptron, mlp_loss_and_grad, train_mlp)  # noqa: F401
from .neuron import (lif_trajectory_with_threshold, eif_isi, simulate_deterministic, langevin_noise,
                     simulate_population)  # noqa: F401
from .spikes import (bin_spikes, isi, cross_correlogram_counts, lag_overlap, periodogram, pearson,
                     lock_in)  # noqa: F401
from .network import network_from_scratch  # noqa: F401
from .hawkes import hawkes_count_covariance_by_series, hawkes_intensity  # noqa: F401
from .hawkes import simulate_hawkes as simulate_hawkes_naive  # noqa: F401
from .network import simulate_network as simulate_network_naive  # noqa: F401
from .neuron import shot_noise  # noqa: F401
from .neuron import lif_first_passage_density  # noqa: F401
