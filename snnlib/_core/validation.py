"""Input validation shared by every public function of snnlib.

Each checker takes the value and the argument's public name, and raises a
``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, bad value)
whose message names the argument and the accepted range, so that a reader who
passes ``tau_m=-5`` learns at once which argument is wrong and what is allowed.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

__all__ = [
    "check_scalar",
    "check_positive",
    "check_nonnegative",
    "check_int",
    "check_array",
    "check_bool",
    "check_choice",
]


def _is_real_scalar(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and np.issubdtype(value.dtype, np.number) \
        and not np.issubdtype(value.dtype, np.complexfloating)


def check_scalar(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, high_inclusive: bool = True,
                 unit: str = "") -> float:
    """Return ``value`` as a finite float, checking it lies in [low, high].

    Raises ``TypeError`` if ``value`` is not a real number, and ``ValueError``
    naming ``name`` and the accepted interval if it is not finite or out of range.
    """
    if not _is_real_scalar(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} ({value!r})")
    x = float(value)
    u = f" {unit}" if unit else ""
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}{u}")
    lo_ok = low is None or (x >= low if low_inclusive else x > low)
    hi_ok = high is None or (x <= high if high_inclusive else x < high)
    if not (lo_ok and hi_ok):
        lb = "(-inf" if low is None else ("[" if low_inclusive else "(") + f"{low:g}"
        ub = "inf)" if high is None else f"{high:g}" + ("]" if high_inclusive else ")")
        raise ValueError(f"{name} must lie in {lb}, {ub}{u}, got {x:g}{u}")
    return x


def check_positive(value, name: str, *, unit: str = "") -> float:
    """Return ``value`` as a float, requiring it finite and > 0."""
    return check_scalar(value, name, low=0.0, low_inclusive=False, unit=unit)


def check_nonnegative(value, name: str, *, unit: str = "") -> float:
    """Return ``value`` as a float, requiring it finite and >= 0."""
    return check_scalar(value, name, low=0.0, unit=unit)


def check_int(value, name: str, *, low: int | None = 1, high: int | None = None) -> int:
    """Return ``value`` as a Python int in [low, high] (bools are rejected)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got bool ({value!r})")
    try:
        x = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} ({value!r})") from None
    if (low is not None and x < low) or (high is not None and x > high):
        lb = "-inf" if low is None else str(low)
        ub = "inf" if high is None else str(high)
        raise ValueError(f"{name} must be an integer in [{lb}, {ub}], got {x}")
    return x


def check_bool(value, name: str) -> bool:
    """Return ``value`` as bool, requiring a real bool (not 0/1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} ({value!r})")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_array(value, name: str, *, ndim: int | tuple[int, ...] | None = None,
                shape: tuple[int | None, ...] | None = None, dtype=np.float64,
                finite: bool = True, min_size: int = 1, low: float | None = None,
                high: float | None = None, low_inclusive: bool = True,
                high_inclusive: bool = True, unit: str = "") -> np.ndarray:
    """Return a C-contiguous copy of ``value`` as ``dtype`` after checking it.

    Parameters
    ----------
    ndim : int or tuple of int, optional
        Accepted number(s) of dimensions.
    shape : tuple, optional
        Required shape; ``None`` entries match any length.
    finite : bool
        Reject NaN and inf.
    min_size : int
        Minimum number of elements.
    low, high : float, optional
        Accepted value range (inclusive unless told otherwise).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating) and not np.issubdtype(np.dtype(dtype), np.complexfloating):
        raise TypeError(f"{name} must be real-valued, got complex dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(f"{name} must have ndim in {allowed}, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = tuple("any" if s is None else s for s in shape)
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {arr.size}")
    # Always a fresh copy: kernels may write into their inputs, and a caller's array must never change.
    arr = np.array(arr, dtype=dtype, order="C", copy=True)
    u = f" {unit}" if unit else ""
    if finite and arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    if arr.size and (low is not None or high is not None):
        if low is not None:
            bad = arr < low if low_inclusive else arr <= low
            if np.any(bad):
                op = ">=" if low_inclusive else ">"
                raise ValueError(f"{name} must be {op} {low:g}{u} everywhere, got min {np.min(arr):g}{u}")
        if high is not None:
            bad = arr > high if high_inclusive else arr >= high
            if np.any(bad):
                op = "<=" if high_inclusive else "<"
                raise ValueError(f"{name} must be {op} {high:g}{u} everywhere, got max {np.max(arr):g}{u}")
    return arr
