r"""Integrate-and-fire neuron models: small immutable parameter objects.

All models share the membrane equation of the book (DESIGN.md),

.. math::

    \tau_m \frac{dV}{dt} = E_L - V + \psi(V) + \mu + \sigma\sqrt{2\tau_m}\,\xi(t),

with a spike when :math:`V` reaches ``v_th``, after which :math:`V` is held at
``v_reset`` for ``t_ref`` ms. ``mu`` (mV) is the mean input expressed as a
voltage, ``sigma`` (mV) the standard deviation of the free membrane potential.

* :class:`LIF`: :math:`\psi(V) = 0` (Lapicque 1907; Burkitt 2006).
* :class:`EIF`: :math:`\psi(V) = \Delta_T \exp((V - V_T)/\Delta_T)`
  (Fourcaud-Trocme et al. 2003, eq. 2), with ``v_th`` a numerical cut-off
  well above ``v_t`` where the upswing is already explosive.
* :class:`IFModel`: any user-supplied vectorised :math:`\psi(V)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._core.validation import check_nonnegative, check_positive, check_scalar

__all__ = ["LIF", "EIF", "IFModel"]


def _check_common(obj) -> None:
    for name in ("tau_m", "e_l", "v_th", "v_reset", "t_ref"):
        val = getattr(obj, name)
        if name == "tau_m":
            val = check_positive(val, "tau_m", unit="ms")
        elif name == "t_ref":
            val = check_nonnegative(val, "t_ref", unit="ms")
        else:
            val = check_scalar(val, name, unit="mV")
        object.__setattr__(obj, name, val)
    if not obj.v_reset < obj.v_th:
        raise ValueError(f"v_reset must be below v_th, got v_reset={obj.v_reset:g} mV >= v_th={obj.v_th:g} mV")


@dataclass(frozen=True)
class LIF:
    r"""Leaky integrate-and-fire neuron (parameters only; immutable).

    Parameters
    ----------
    tau_m : float
        Membrane time constant (ms), > 0. Default 20 ms.
    e_l : float
        Leak reversal (resting) potential (mV). Default -65 mV.
    v_th : float
        Spike threshold (mV). Default -50 mV.
    v_reset : float
        Reset potential (mV), < ``v_th``. Default -65 mV.
    t_ref : float
        Absolute refractory period (ms), >= 0. Default 2 ms.

    Notes
    -----
    Drift :math:`f(V) = (E_L - V + \mu)/\tau_m` (mV/ms); see the module docstring
    for the full Langevin equation (Burkitt 2006, Biol Cybern 95:1, eq. 1).

    Examples
    --------
    >>> from snnlib import LIF
    >>> LIF(tau_m=10.0).tau_m
    10.0
    """

    tau_m: float = 20.0
    e_l: float = -65.0
    v_th: float = -50.0
    v_reset: float = -65.0
    t_ref: float = 2.0

    kind = "lif"

    def __post_init__(self):
        _check_common(self)

    def psi(self, v):
        """Spike-generating current :math:`\\psi(V) = 0` (mV) for the LIF."""
        return np.zeros_like(np.asarray(v, dtype=float))

    def drift(self, v, mu):
        """Deterministic drift :math:`(E_L - V + \\psi(V) + \\mu)/\\tau_m` (mV/ms).

        Parameters
        ----------
        v : float or array_like
            Membrane potential (mV).
        mu : float or array_like
            Mean input (mV).
        """
        v = np.asarray(v, dtype=float)
        return (self.e_l - v + self.psi(v) + mu) / self.tau_m


@dataclass(frozen=True)
class EIF:
    r"""Exponential integrate-and-fire neuron (parameters only; immutable).

    Parameters
    ----------
    tau_m : float
        Membrane time constant (ms), > 0. Default 20 ms.
    e_l : float
        Leak reversal potential (mV). Default -65 mV.
    v_th : float
        Numerical spike cut-off (mV), > ``v_t``. Default -30 mV.
    v_reset : float
        Reset potential (mV), < ``v_th``. Default -68 mV.
    t_ref : float
        Absolute refractory period (ms), >= 0. Default 2 ms.
    delta_t : float
        Slope factor :math:`\Delta_T` (mV), > 0. Default 2 mV.
    v_t : float
        Soft threshold :math:`V_T` (mV), < ``v_th``. Default -50 mV.

    Notes
    -----
    :math:`\psi(V) = \Delta_T \exp((V - V_T)/\Delta_T)`
    (Fourcaud-Trocme, Hansel, van Vreeswijk & Brunel 2003, J Neurosci 23:11628, eq. 2).

    Examples
    --------
    >>> from snnlib import EIF
    >>> round(float(EIF().psi(-50.0)), 6)
    2.0
    """

    tau_m: float = 20.0
    e_l: float = -65.0
    v_th: float = -30.0
    v_reset: float = -68.0
    t_ref: float = 2.0
    delta_t: float = 2.0
    v_t: float = -50.0

    kind = "eif"

    def __post_init__(self):
        _check_common(self)
        object.__setattr__(self, "delta_t", check_positive(self.delta_t, "delta_t", unit="mV"))
        object.__setattr__(self, "v_t", check_scalar(self.v_t, "v_t", unit="mV"))
        if not self.v_t < self.v_th:
            raise ValueError(f"v_t must be below the cut-off v_th, got v_t={self.v_t:g} mV >= v_th={self.v_th:g} mV")

    def psi(self, v):
        """:math:`\\psi(V) = \\Delta_T \\exp((V - V_T)/\\Delta_T)` (mV)."""
        v = np.asarray(v, dtype=float)
        return self.delta_t * np.exp((v - self.v_t) / self.delta_t)

    def drift(self, v, mu):
        """Deterministic drift :math:`(E_L - V + \\psi(V) + \\mu)/\\tau_m` (mV/ms)."""
        v = np.asarray(v, dtype=float)
        return (self.e_l - v + self.psi(v) + mu) / self.tau_m


@dataclass(frozen=True)
class IFModel:
    r"""Integrate-and-fire neuron with a user-supplied :math:`\psi(V)`.

    Parameters
    ----------
    psi_func : callable
        Vectorised function ``psi_func(v) -> array`` (mV in, mV out).
    tau_m, e_l, v_th, v_reset, t_ref : float
        As for :class:`LIF` (ms, mV, mV, mV, ms).

    Notes
    -----
    Used by the Fokker-Planck solvers, which only need :math:`\psi` on a grid.

    Examples
    --------
    >>> from snnlib import IFModel
    >>> quad = IFModel(psi_func=lambda v: 0.1 * (v + 55.0) ** 2, v_th=-40.0)
    >>> float(quad.psi(-55.0))
    0.0
    """

    psi_func: Callable = field(default=None)
    tau_m: float = 20.0
    e_l: float = -65.0
    v_th: float = -50.0
    v_reset: float = -65.0
    t_ref: float = 2.0

    kind = "custom"

    def __post_init__(self):
        if not callable(self.psi_func):
            raise TypeError(f"psi_func must be a callable psi(v) -> array (mV -> mV), got {type(self.psi_func).__name__}")
        _check_common(self)

    def psi(self, v):
        """The user's :math:`\\psi(V)` (mV), checked to be finite and of v's shape."""
        v = np.asarray(v, dtype=float)
        out = np.asarray(self.psi_func(v), dtype=float)
        if out.shape != v.shape:
            out = np.broadcast_to(out, v.shape).copy()
        return out

    def drift(self, v, mu):
        """Deterministic drift :math:`(E_L - V + \\psi(V) + \\mu)/\\tau_m` (mV/ms)."""
        v = np.asarray(v, dtype=float)
        return (self.e_l - v + self.psi(v) + mu) / self.tau_m


def check_model(model, name: str = "model", allowed=("lif", "eif", "custom")):
    """Raise ``TypeError`` unless ``model`` is one of the snnlib model objects."""
    if not isinstance(model, (LIF, EIF, IFModel)) or model.kind not in allowed:
        kinds = ", ".join({"lif": "LIF", "eif": "EIF", "custom": "IFModel"}[k] for k in allowed)
        raise TypeError(f"{name} must be an snnlib model ({kinds}), got {type(model).__name__}")
    return model
