"""Input validation shared by every public function of snnlib.

Each checker takes the value and the argument's public name, and raises a
``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, bad value)
whose message names the argument and the accepted range, so that a reader who
passes ``tau_m=-5`` learns at once which argument is wrong and what is allowed.

Besides single values and arrays there are checks of relations that several
functions share (a duration that must be a whole number of time steps, one label
per row of a data matrix, a parameter given per neuron or per step), and the
*resource guard*: :func:`check_memory` and :func:`check_work` reject a call
whose output would not fit in memory or whose run time would be absurd *before*
any work starts, naming the argument that makes it so.
"""

from __future__ import annotations

import functools
import numbers
import operator
import os

import numpy as np

__all__ = [
    "check_scalar",
    "check_positive",
    "check_nonnegative",
    "check_int",
    "check_array",
    "check_bool",
    "check_choice",
    "nearest_steps",
    "whole_steps",
    "check_one_per_row",
    "per_item",
    "memory_limit",
    "check_memory",
    "check_work",
    "MAX_WORK",
    "MAX_STEPS",
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

    Booleans are rejected unless ``dtype`` is bool; for an integer ``dtype`` (indices,
    labels) floats are accepted only if every element is a whole number.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    want = np.dtype(dtype)
    if arr.dtype == np.bool_ and want != np.bool_:
        # True/False are not physical quantities or indices; a mask is almost always a mistake here
        raise TypeError(f"{name} must be an array of numbers, got booleans (dtype bool)")
    if np.issubdtype(arr.dtype, np.complexfloating) and not np.issubdtype(want, np.complexfloating):
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
    if np.issubdtype(want, np.integer) and np.issubdtype(arr.dtype, np.floating) and arr.size:
        # indices, labels and counts: a float is accepted only if it is a whole number (2.0, not 1.7)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite integers (no NaN or inf)")
        info = np.iinfo(want)
        if np.any(arr != np.round(arr)) or arr.min() < info.min or arr.max() > info.max:
            bad = arr[(arr != np.round(arr)) | (arr < info.min) | (arr > info.max)].flat[0]
            raise ValueError(f"{name} must contain integers, got {float(bad):g}")
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


# ------------------------------------------------------------------------------------------------
# Relations shared by several functions
# ------------------------------------------------------------------------------------------------
#: Relative tolerance of "a whole number of steps" for float64 input: round-off of a product
#: such as 0.1 * 10000 is ~1e-13 relative, far below this; a genuine mismatch is far above it.
_STEP_RTOL = 1e-9


def _step_rtol(*values) -> float:
    """Tolerance of :func:`whole_steps`: 1e-9, or a few ulps of the coarsest float type given
    (a ``np.float32(0.1)`` is 0.1 only to 3e-8 relative)."""
    rtol = _STEP_RTOL
    for v in values:
        if isinstance(v, np.floating) and np.finfo(type(v)).eps > np.finfo(np.float64).eps:
            rtol = max(rtol, 8.0 * float(np.finfo(type(v)).eps))
    return rtol


def nearest_steps(duration, dt, *, raw=()) -> tuple[int, bool]:
    """``(n, exact)``: the whole number of steps ``dt`` nearest to ``duration``, and whether
    ``duration`` is that many steps up to round-off (relative 1e-9, or a few ulps of float32
    input among ``raw``, the values the user passed)."""
    x = duration / dt
    n = int(round(x))
    return n, abs(n - x) <= _step_rtol(*raw) * max(x, 1.0)


def whole_steps(duration, dt, name: str, *, dt_name: str = "dt", low: int = 1, unit: str = "ms",
                raw=()) -> int:
    """Return ``duration / dt`` as an int, requiring it to be a whole number of steps.

    ``duration`` and ``dt`` are already-checked floats; ``raw`` holds the values the user passed
    (so that float32 input gets a float32 tolerance). Raises ``ValueError`` naming ``name``, the
    step and the nearest accepted values when ``duration`` is not a multiple of ``dt`` or gives
    fewer than ``low`` steps.
    """
    x = duration / dt
    if not np.isfinite(x) or x > 2.0 ** 62:
        raise ValueError(f"{name} / {dt_name} = {x:.3g} steps is too many; raise {dt_name} or shorten {name}")
    n, exact = nearest_steps(duration, dt, raw=raw)
    if not exact:
        near = [k * dt for k in (int(np.floor(x)), int(np.ceil(x))) if k >= low]
        raise ValueError(f"{name} must be a whole number of steps {dt_name} = {dt:g} {unit}, got {name} = "
                         f"{duration:g} {unit} ({x:.6g} steps); use " + " or ".join(f"{v:g}" for v in near)
                         + f" {unit}")
    if n < low:
        raise ValueError(f"{name} must be at least {low} step(s) of {dt_name} = {dt:g} {unit}, "
                         f"got {name} = {duration:g} {unit}")
    return n


def check_one_per_row(y: np.ndarray, x: np.ndarray, name: str = "y", x_name: str = "x") -> None:
    """Raise ``ValueError`` unless the 1-D ``y`` has one entry (label) per row of ``x``."""
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"{name} must have one label per row of {x_name}, got {y.shape[0]} labels for "
                         f"{x.shape[0]} rows of {x_name}")


def per_item(value, name: str, n: int, *, n_name: str = "n_neurons", low: float | None = None,
             low_inclusive: bool = True, unit: str = "", hint: str = "") -> np.ndarray:
    """A parameter given once for all items or once per item, as a float64 array of length ``n``.

    A scalar is checked with :func:`check_scalar` and repeated; an array must be 1-D of length
    ``n`` (the ``ValueError`` names ``n_name`` and adds ``hint``). ``low`` bounds every element.
    """
    if np.ndim(value) == 0:
        x = check_scalar(value, name, low=low, low_inclusive=low_inclusive, unit=unit)
        return np.full(n, x)
    arr = check_array(value, name, ndim=1, low=low, low_inclusive=low_inclusive, unit=unit)
    if arr.size != n:
        raise ValueError(f"{name} must be a scalar or an array of shape ({n_name},) = ({n},), "
                         f"got shape {arr.shape}{'; ' + hint if hint else ''}")
    return arr


# ------------------------------------------------------------------------------------------------
# Resource guard
# ------------------------------------------------------------------------------------------------
#: Most elementary operations (neuron-steps, sample-epochs, grid-cell-steps ...) one call may
#: ask for: about 1e13, i.e. a day or more at the ~5e-9 s per neuron-step of the fastest
#: kernel on one core. Anything above is a typo (t_max=1e300) rather than a plan.
MAX_WORK = 1e13
#: Most time steps (or epochs, iterations) a loop may run: 1e9 steps of 0.1 ms are 28 hours
#: of biological time.
MAX_STEPS = 10 ** 9
#: Fraction of the machine's physical memory a single call may allocate for its output.
_MEMORY_FRACTION = 0.5
#: Assumed physical memory where the operating system does not tell (bytes).
_FALLBACK_MEMORY = 8 * 2 ** 30


@functools.lru_cache(maxsize=1)
def _physical_memory() -> int:
    """Physical memory of the machine (bytes), read once."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return _FALLBACK_MEMORY


def memory_limit() -> int:
    """Bytes a single call may allocate: half of the physical memory, or the environment variable
    ``SNNLIB_MAX_BYTES`` if set (read on every call, so that tests and users can change it)."""
    env = os.environ.get("SNNLIB_MAX_BYTES")
    if env:
        return int(float(env))
    return int(_MEMORY_FRACTION * _physical_memory())


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024.0
    return f"{n:.3g} PiB"  # pragma: no cover


def check_memory(nbytes: float, name: str, *, what: str, hint: str = "") -> None:
    """Raise ``ValueError`` if an allocation of ``nbytes`` would exceed :func:`memory_limit`.

    ``name`` is the argument (or arguments, e.g. ``"n_neurons * t_max"``) that sets the size,
    ``what`` says what would be allocated; ``hint`` says how to shrink it.
    """
    limit = memory_limit()
    if not nbytes <= limit:
        source = "SNNLIB_MAX_BYTES" if os.environ.get("SNNLIB_MAX_BYTES") else "half of this machine's memory"
        raise ValueError(f"{name}: {what} would need {_fmt_bytes(nbytes)}, more than the "
                         f"{_fmt_bytes(limit)} one call may use ({source}){'; ' + hint if hint else ''}")


def check_work(n_ops: float, name: str, *, what: str, limit: float = MAX_WORK, hint: str = "") -> None:
    """Raise ``ValueError`` if ``n_ops`` elementary operations exceed ``limit`` (default
    :data:`MAX_WORK`), naming the argument(s) ``name`` that make the call so large."""
    if not n_ops <= limit:
        raise ValueError(f"{name}: {what} ({n_ops:.3g}) exceeds the {limit:.3g} one call may run"
                         f"{'; ' + hint if hint else ''}")
