r"""Fixed points of the noise-free EIF neuron in closed form (Lambert W).

Below its rheobase the EIF drift :math:`F(V) = E_L - V + \Delta_T e^{(V - V_T)/\Delta_T} + \mu`
has two zeros: the resting point (stable) and the dynamic threshold (unstable) beyond which a
spike runs away. With :math:`x = (V - V_T)/\Delta_T` and :math:`c = (E_L + \mu - V_T)/\Delta_T`
the condition :math:`F = 0` reads :math:`e^x = x - c`, whose solutions are
:math:`x = c - W_k(-e^c)` on the two real branches :math:`k = 0` (rest) and :math:`k = -1`
(threshold) of the Lambert W function (Corless et al. 1996, Adv Comput Math 5:329, eq. 1.1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import lambertw

from .._core.validation import check_array
from ..models import check_model

__all__ = ["EIFFixedPoints", "eif_fixed_points"]


class EIFFixedPoints(NamedTuple):
    """Output of :func:`eif_fixed_points` (mV; NaN where the neuron has no fixed point).

    Parameters
    ----------
    stable : float or numpy.ndarray
        Resting potential (mV), the stable zero of the drift, below ``v_t``.
    unstable : float or numpy.ndarray
        Dynamic threshold (mV), the unstable zero of the drift, above ``v_t``.

    Examples
    --------
    >>> import snnlib
    >>> fp = snnlib.eif_fixed_points(snnlib.EIF(), 8.0)
    >>> bool(fp.stable < snnlib.EIF().v_t < fp.unstable)
    True
    """

    stable: float | np.ndarray
    unstable: float | np.ndarray


def eif_fixed_points(model, mu):
    r"""Stable and unstable fixed point of the noise-free EIF neuron at constant input.

    Parameters
    ----------
    model : EIF
        Neuron parameters (``e_l``, ``v_t``, ``delta_t`` in mV; ``v_th`` and ``v_reset`` are
        not used: the fixed points are those of the drift, whatever the reset).
    mu : float or array_like
        Constant mean input (mV), finite.

    Returns
    -------
    EIFFixedPoints
        ``stable`` (resting potential, mV) and ``unstable`` (dynamic threshold, mV), each a
        float for a scalar ``mu`` or an array of ``mu``'s shape; both NaN above the rheobase
        :math:`\mu_\mathrm{rh} = V_T - E_L - \Delta_T`, where the drift has no zero, and both
        equal to :math:`V_T` at the rheobase (the saddle-node).

    Raises
    ------
    TypeError
        If ``model`` is not an EIF.
    ValueError
        If ``mu`` is not finite.

    Notes
    -----
    With :math:`x = (V - V_T)/\Delta_T` and :math:`c = (E_L + \mu - V_T)/\Delta_T` the zeros of
    the drift solve :math:`e^x = x - c`, i.e. :math:`(x - c)e^{-(x - c)} = e^{c}`, so
    :math:`x = c - W_k(-e^{c})` (Corless et al. 1996, eq. 1.1). The argument :math:`-e^c` lies in
    :math:`[-1/e, 0)` exactly when :math:`c \le -1`, i.e. :math:`\mu \le \mu_\mathrm{rh}`
    (Fourcaud-Trocme et al. 2003): branch :math:`k = 0` (:math:`W \ge -1`) gives the stable
    point below :math:`V_T`, branch :math:`k = -1` (:math:`W \le -1`) the unstable one above.
    Far below rheobase the stable point tends to :math:`E_L + \mu` (the LIF's), since
    :math:`W_0(-e^c) \approx -e^c \to 0`.

    Examples
    --------
    >>> import snnlib
    >>> # e_l -65, v_t -50, delta_t 2 mV
    >>> fp = snnlib.eif_fixed_points(snnlib.EIF(), 12.0)
    >>> round(fp.stable, 3), round(fp.unstable, 3)
    (-52.397, -48.285)
    >>> # above the rheobase of 13 mV
    >>> snnlib.eif_fixed_points(snnlib.EIF(), 14.0).stable
    nan
    """
    model = check_model(model, "model", allowed=("eif",))
    mu_arr = check_array(mu, "mu", finite=True)
    c = (model.e_l + mu_arr - model.v_t) / model.delta_t
    below = c <= -1.0
    arg = -np.exp(np.where(below, c, -1.0))          # in [-1/e, 0): both branches real
    # at the branch point -1/e (c = -1, the saddle-node) both branches are -1; rounding can
    # put arg a hair below it, where scipy returns NaN
    branch = arg <= -np.exp(-1.0)
    w0 = np.where(branch, -1.0, lambertw(arg, 0).real)
    wm1 = np.where(branch, -1.0, lambertw(arg, -1).real)
    stable = np.where(below, model.v_t + model.delta_t * (c - w0), np.nan)
    unstable = np.where(below, model.v_t + model.delta_t * (c - wm1), np.nan)
    if np.ndim(mu) == 0:
        return EIFFixedPoints(float(stable), float(unstable))
    return EIFFixedPoints(stable, unstable)
