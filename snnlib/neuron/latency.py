r"""Response of a noise-free integrate-and-fire neuron to a step of input: the first-spike latency.

A neuron rests at the stable fixed point of the input :math:`\mu_0`; at :math:`t = 0` the input
jumps to :math:`\mu`. Above the rheobase it fires; the time of its first spike is the time the
free trajectory needs from the old resting point to the threshold (LIF) or to the numerical
cut-off (EIF), with no refractory period before it:

.. math::

    T_1 = \tau_m \int_{V_0}^{V_\mathrm{th}} \frac{dV}{E_L - V + \psi(V) + \mu},
    \qquad V_0 = \text{rest at } \mu_0 .

For the LIF, :math:`V_0 = E_L + \mu_0` and the integral is the logarithm
:math:`T_1 = \tau_m\ln\frac{\mu - \mu_0}{\mu - \theta}` with :math:`\theta = V_\mathrm{th} - E_L`
(Gerstner et al. 2014, section 1.3; Burkitt 2006), which for a step from zero input is
:math:`\tau_m\ln(\mu/(\mu - \theta))`. For the EIF the same quadrature as ``eif_fi_curve``
integrates from the resting point given by ``eif_fixed_points``.
"""

from __future__ import annotations

import numpy as np

from .._core.validation import check_array, check_scalar
from ..models import check_model
from .deterministic import _eif_integral, _lif_rise_time, _shaped_like
from .fixed_points import eif_fixed_points

__all__ = ["step_latency"]


def step_latency(model, mu, *, mu0=0.0):
    r"""Time from a step of input to the first spike of a noise-free LIF or EIF neuron.

    Parameters
    ----------
    model : LIF or EIF
        Neuron parameters (``tau_m`` ms; ``e_l``, ``v_th`` mV; for the EIF also ``v_t`` and
        ``delta_t`` mV, with ``v_th`` the numerical cut-off). ``v_reset`` and ``t_ref`` play no
        part: they act only after the first spike.
    mu : float or array_like
        Input after the step (mV), finite.
    mu0 : float
        Input before the step (mV), below the rheobase, so that the neuron rests at its stable
        fixed point (``e_l + mu0`` for the LIF, ``eif_fixed_points(model, mu0).stable`` for the
        EIF) when the step comes. Default 0 (a step from rest).

    Returns
    -------
    latency : float or ndarray
        Time of the first spike after the step (ms), shaped like ``mu``; ``inf`` where ``mu``
        is at or below the rheobase (the neuron settles at a new resting point and never
        fires).

    Raises
    ------
    TypeError
        If ``model`` is not an LIF or EIF.
    ValueError
        If ``mu`` or ``mu0`` is not finite, or ``mu0`` is not below the rheobase (no resting
        point before the step).

    Notes
    -----
    LIF: the free solution :math:`V(t) = E_L + \mu + (V_0 - E_L - \mu)e^{-t/\tau_m}` reaches
    :math:`V_\mathrm{th}` at

    .. math::

        T_1 = \tau_m \ln\frac{\mu - \mu_0}{\mu - \theta},\qquad \theta = V_\mathrm{th} - E_L,

    evaluated in the ``log1p`` form of ``lif_isi``. EIF: with :math:`x = (V - V_T)/\Delta_T`,

    .. math::

        T_1 = \tau_m \int_{x_0}^{x_\mathrm{th}}
        \frac{\Delta_T\,dx}{\mu - \mu_\mathrm{rh} + \Delta_T(e^x - 1 - x)},

    by the adaptive Gauss-Kronrod quadrature of ``eif_fi_curve`` (relative accuracy about
    1e-12), from the resting point :math:`x_0 < 0` at :math:`\mu_0`
    (Fourcaud-Trocme et al. 2003, eq. 2 for the model). Near the rheobase,
    :math:`\mu = \mu_\mathrm{rh} + \epsilon`, the LIF latency grows like
    :math:`\tau_m\ln(1/\epsilon)` and the EIF latency like :math:`\pi\tau_m\sqrt{2\Delta_T/\epsilon}`
    (the bottleneck at :math:`V_T`).

    Examples
    --------
    >>> import snnlib
    >>> lif = snnlib.LIF(tau_m=20.0, e_l=-65.0, v_th=-50.0)
    >>> # 20 ln(30 / 15) = 20 ln 2 ms
    >>> round(snnlib.step_latency(lif, 30.0), 4)
    13.8629
    >>> snnlib.step_latency(lif, [10.0, 20.0]).round(3)
    array([   inf, 27.726])
    """
    model = check_model(model, "model", allowed=("lif", "eif"))
    mu_arr = check_array(mu, "mu", unit="mV")
    mu0_f = check_scalar(mu0, "mu0", unit="mV")
    # the saddle-node (EIF) or threshold (LIF) input: unlike ``rheobase`` it does not depend on
    # v_reset, which plays no part before the first spike
    if model.kind == "lif":
        mu_rh = model.v_th - model.e_l
    else:
        mu_rh = model.v_t - model.e_l - model.delta_t
    if not mu0_f < mu_rh:
        raise ValueError(f"step_latency: mu0 must lie below the rheobase {mu_rh:g} mV, so that the "
                         f"neuron rests before the step; got mu0={mu0_f:g} mV")
    flat = mu_arr.ravel()
    out = np.full(flat.size, np.inf)
    fires = flat > mu_rh
    if model.kind == "lif":
        v0 = model.e_l + mu0_f
        for i in np.flatnonzero(fires):
            out[i] = _lif_rise_time(v0, model.e_l + flat[i], model.v_th, model.tau_m)
    else:
        x0 = (eif_fixed_points(model, mu0_f).stable - model.v_t) / model.delta_t
        x_th = (model.v_th - model.v_t) / model.delta_t
        for i in np.flatnonzero(fires):
            out[i] = model.tau_m * _eif_integral(flat[i] - mu_rh, x0, x_th, model.delta_t)
    return _shaped_like(out, mu, mu_arr.shape)
