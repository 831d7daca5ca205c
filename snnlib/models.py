r"""Integrate-and-fire neuron models: small immutable parameter objects.

All models share the membrane equation of the book (DESIGN.md),

.. math::

    \tau_m \frac{dV}{dt} = E_L - V + \psi(V) + \mu + \sigma\sqrt{2\tau_m}\,\xi(t),

with a spike when :math:`V` reaches ``v_th``, after which :math:`V` is held at
``v_reset`` for ``t_ref`` ms. ``mu`` (mV) is the mean input expressed as a
voltage, ``sigma`` (mV) the standard deviation of the free membrane potential.

The models differ only in the spike-generating current :math:`\psi(V)`; the five
membrane parameters, their checks and the drift live once, in the base class
:class:`IntegrateAndFire`:

* :class:`LIF`: :math:`\psi(V) = 0` (Lapicque 1907; Burkitt 2006).
* :class:`EIF`: :math:`\psi(V) = \Delta_T \exp((V - V_T)/\Delta_T)`
  (Fourcaud-Trocme et al. 2003, eq. 2), with ``v_th`` a numerical cut-off
  well above ``v_t`` where the upswing is already explosive.
* :class:`IFModel`: any user-supplied vectorised :math:`\psi(V)`.

The objects are frozen dataclasses, equal (and of equal hash) when their class and
parameters are equal, so that they can serve as cache keys.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from ._core.validation import check_array, check_nonnegative, check_positive, check_scalar

__all__ = ["IntegrateAndFire", "LIF", "EIF", "IFModel"]

#: Public class name of each model ``kind``, for error messages.
_CLASS_OF_KIND = {"lif": "LIF", "eif": "EIF", "custom": "IFModel"}


def _membrane_potential(v, name: str = "v") -> np.ndarray:
    """``v`` (mV) as a float64 array of finite numbers (a fresh copy; empty allowed)."""
    return check_array(v, name, min_size=0, unit="mV")


@dataclass(frozen=True)
class IntegrateAndFire(abc.ABC):
    r"""Base class of the integrate-and-fire models: membrane parameters and drift (immutable).

    Parameters
    ----------
    tau_m : float
        Membrane time constant (ms), > 0. Default 20 ms.
    e_l : float
        Leak reversal (resting) potential (mV). Default -65 mV.
    v_th : float
        Spike threshold (mV); for the EIF a numerical cut-off. Default -50 mV.
    v_reset : float
        Reset potential (mV), < ``v_th``. Default -65 mV.
    t_ref : float
        Absolute refractory period (ms), >= 0. Default 2 ms.

    Notes
    -----
    A model is one spike-generating current :math:`\psi(V)` (mV): a subclass sets the
    class attribute ``kind`` and implements ``_psi`` on an already checked float array;
    :meth:`psi` and :meth:`drift` check their input here, once for all models. The drift is
    :math:`f(V) = (E_L - V + \psi(V) + \mu)/\tau_m` (mV/ms), the noise-free part of the
    Langevin equation in the module docstring (Burkitt 2006, Biol Cybern 95:1, eq. 1).

    Examples
    --------
    >>> from snnlib.models import LIF, IntegrateAndFire
    >>> isinstance(LIF(), IntegrateAndFire)
    True
    """

    tau_m: float = 20.0
    e_l: float = -65.0
    v_th: float = -50.0
    v_reset: float = -65.0
    t_ref: float = 2.0

    #: Short name of the model ("lif", "eif" or "custom"), used by the solvers to pick a kernel.
    kind: ClassVar[str] = ""

    def __post_init__(self):
        self._check_parameters()

    def _set(self, name: str, value) -> None:
        # the dataclass is frozen: the checked (float) value is stored once, here
        object.__setattr__(self, name, value)

    def _check_parameters(self) -> None:
        """Check and store the membrane parameters as floats; subclasses extend it."""
        self._set("tau_m", check_positive(self.tau_m, "tau_m", unit="ms"))
        self._set("t_ref", check_nonnegative(self.t_ref, "t_ref", unit="ms"))
        for name in ("e_l", "v_th", "v_reset"):
            self._set(name, check_scalar(getattr(self, name), name, unit="mV"))
        if not self.v_reset < self.v_th:
            raise ValueError(f"v_reset must be below v_th, got v_reset={self.v_reset:g} mV >= "
                             f"v_th={self.v_th:g} mV")

    @abc.abstractmethod
    def _psi(self, v: np.ndarray):
        """psi (mV) on a checked float64 array ``v`` (mV)."""

    def psi(self, v):
        r"""Spike-generating current :math:`\psi(V)` (mV) of the model.

        Parameters
        ----------
        v : float or array_like
            Membrane potential (mV), finite.

        Returns
        -------
        psi : float or ndarray
            :math:`\psi(V)` (mV), of the shape of ``v``.
        """
        return self._psi(_membrane_potential(v))

    def drift(self, v, mu):
        r"""Deterministic drift :math:`(E_L - V + \psi(V) + \mu)/\tau_m` (mV/ms).

        Parameters
        ----------
        v : float or array_like
            Membrane potential (mV), finite.
        mu : float or array_like
            Mean input (mV), finite; broadcast against ``v``.

        Returns
        -------
        drift : float or ndarray
            :math:`dV/dt` without noise (mV/ms), of the broadcast shape of ``v`` and ``mu``;
            ``+inf`` where :math:`\psi` overflows (far above ``v_t`` for the EIF).
        """
        v = _membrane_potential(v)
        mu_arr = check_array(mu, "mu", min_size=0, unit="mV")
        try:
            np.broadcast_shapes(v.shape, mu_arr.shape)
        except ValueError:
            raise ValueError(f"mu must be a scalar or broadcast against v, got mu of shape {mu_arr.shape} "
                             f"and v of shape {v.shape}") from None
        return (self.e_l - v + self._psi(v) + mu_arr) / self.tau_m


@dataclass(frozen=True)
class LIF(IntegrateAndFire):
    r"""Leaky integrate-and-fire neuron (parameters only; immutable).

    Parameters
    ----------
    tau_m, e_l, v_th, v_reset, t_ref : float
        Membrane time constant (ms, default 20), leak reversal potential (mV, -65), spike
        threshold (mV, -50), reset potential (mV, -65, below ``v_th``) and absolute
        refractory period (ms, 2); see :class:`IntegrateAndFire`.

    Notes
    -----
    :math:`\psi(V) = 0`: drift :math:`f(V) = (E_L - V + \mu)/\tau_m` (mV/ms), the
    linear model of Lapicque 1907 (Burkitt 2006, Biol Cybern 95:1, eq. 1).

    Examples
    --------
    >>> from snnlib import LIF
    >>> LIF(tau_m=10.0).tau_m
    10.0
    >>> float(LIF().drift(-60.0, 10.0))  # (-65 + 60 + 10) / 20 mV/ms
    0.25
    """

    kind: ClassVar[str] = "lif"

    def _psi(self, v):
        return np.zeros_like(v)


@dataclass(frozen=True)
class EIF(IntegrateAndFire):
    r"""Exponential integrate-and-fire neuron (parameters only; immutable).

    Parameters
    ----------
    tau_m, e_l, t_ref : float
        Membrane time constant (ms, default 20), leak reversal potential (mV, -65) and
        absolute refractory period (ms, 2); see :class:`IntegrateAndFire`.
    v_th : float
        Numerical spike cut-off (mV), > ``v_t``. Default -30 mV.
    v_reset : float
        Reset potential (mV), < ``v_th``. Default -68 mV.
    delta_t : float
        Slope factor :math:`\Delta_T` (mV), > 0. Default 2 mV.
    v_t : float
        Soft threshold :math:`V_T` (mV), < ``v_th``. Default -50 mV.

    Notes
    -----
    :math:`\psi(V) = \Delta_T \exp((V - V_T)/\Delta_T)`
    (Fourcaud-Trocme, Hansel, van Vreeswijk & Brunel 2003, J Neurosci 23:11628, eq. 2).
    Far above ``v_t`` (more than about :math:`709\,\Delta_T`) the exponential exceeds the
    largest float and ``psi`` is ``+inf``, without a warning: that is the value of the
    explosive upswing, and the solvers treat it as such.

    Examples
    --------
    >>> from snnlib import EIF
    >>> round(float(EIF().psi(-50.0)), 6)
    2.0
    """

    v_th: float = -30.0
    v_reset: float = -68.0
    delta_t: float = 2.0
    v_t: float = -50.0

    kind: ClassVar[str] = "eif"

    def _check_parameters(self) -> None:
        super()._check_parameters()
        self._set("delta_t", check_positive(self.delta_t, "delta_t", unit="mV"))
        self._set("v_t", check_scalar(self.v_t, "v_t", unit="mV"))
        if not self.v_t < self.v_th:
            raise ValueError(f"v_t must be below the cut-off v_th, got v_t={self.v_t:g} mV >= "
                             f"v_th={self.v_th:g} mV")

    def _psi(self, v):
        with np.errstate(over="ignore"):  # exp overflow -> +inf, the upswing (see Notes)
            return self.delta_t * np.exp((v - self.v_t) / self.delta_t)


@dataclass(frozen=True)
class IFModel(IntegrateAndFire):
    r"""Integrate-and-fire neuron with a user-supplied :math:`\psi(V)`.

    Parameters
    ----------
    psi_func : callable
        Vectorised function ``psi_func(v) -> array`` (mV in, mV out), returning an array of
        ``v``'s shape (or a single number, taken as a constant). Keyword only.
    tau_m, e_l, v_th, v_reset, t_ref : float
        As for :class:`LIF` (ms, mV, mV, mV, ms; same defaults).

    Notes
    -----
    Used by the Fokker-Planck solvers, which only need :math:`\psi` on a grid. Each call of
    ``psi`` (and ``drift``) checks what ``psi_func`` returns: real numbers (``TypeError``
    otherwise), of ``v``'s shape, and no NaN (``ValueError`` naming ``psi_func``). Infinite
    values are passed on: like the EIF's exponential, a steep user :math:`\psi` may
    legitimately overflow to ``+inf`` far above threshold, and the solvers decide what to
    do there.

    Examples
    --------
    >>> from snnlib import IFModel
    >>> quad = IFModel(psi_func=lambda v: 0.1 * (v + 55.0) ** 2, v_th=-40.0)
    >>> float(quad.psi(-55.0))
    0.0
    """

    psi_func: Callable = field(default=None, kw_only=True)

    kind: ClassVar[str] = "custom"

    def _check_parameters(self) -> None:
        if not callable(self.psi_func):
            raise TypeError(f"psi_func must be a callable psi(v) -> array (mV -> mV), passed by keyword "
                            f"(IFModel(psi_func=f, ...)), got {type(self.psi_func).__name__}")
        super()._check_parameters()

    def _psi(self, v):
        out = check_array(self.psi_func(v), "psi_func(v)", finite=False, min_size=0, unit="mV")
        if out.shape != v.shape:
            if out.size != 1:
                raise ValueError(f"psi_func must return an array of v's shape {v.shape} (or one number), "
                                 f"got shape {out.shape}")
            out = np.full(v.shape, out.flat[0])
        nan = np.isnan(out)
        if np.any(nan):
            raise ValueError(f"psi_func returned NaN at v = {v[nan].flat[0]:g} mV: psi(v) must be a number "
                             f"(mV) wherever the model is evaluated")
        return out


def check_model(model, name: str = "model", allowed=("lif", "eif", "custom")):
    """Return ``model`` if it is an snnlib model of one of the ``allowed`` kinds, else raise ``TypeError``.

    Parameters
    ----------
    model : object
        The object passed by the user.
    name : str
        The argument's public name, for the message.
    allowed : tuple of str
        Accepted ``kind`` values ("lif", "eif", "custom").

    Returns
    -------
    model : IntegrateAndFire
        The same object.

    Examples
    --------
    >>> from snnlib.models import EIF, check_model
    >>> check_model(EIF(), allowed=("eif",)).kind
    'eif'
    """
    if not isinstance(model, IntegrateAndFire) or model.kind not in allowed:
        kinds = ", ".join(_CLASS_OF_KIND[k] for k in allowed)
        raise TypeError(f"{name} must be an snnlib model ({kinds}), got {type(model).__name__}")
    return model
