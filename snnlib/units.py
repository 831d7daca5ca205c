r"""Units of snnlib, and the one conversion between milliseconds and seconds.

The library and the book use one set of units (see the book's *Notation and units* page):

* time in **ms** (``tau_m``, ``t_ref``, ``dt``, ``t_max``, ``delay``, spike times);
* voltage in **mV** (``e_l``, ``v_th``, ``v_reset``, ``mu``, ``sigma``, ``j``);
* rates and frequencies in **Hz**, i.e. per *second* (firing rates, spectra, ``freqs``).

Because times are in ms but rates in Hz, a rate computed as "events per ms" must be
multiplied by 1000 to be in Hz, and a frequency in Hz divided by 1000 to be "per ms". That
factor is :data:`MS_PER_S`, defined here and nowhere else; :func:`per_ms_to_hz` and
:func:`hz_to_per_ms` name the direction of the conversion.

Examples
--------
>>> from snnlib.units import MS_PER_S, hz_to_per_ms, per_ms_to_hz
>>> per_ms_to_hz(0.02)        # one spike every 50 ms
20.0
>>> hz_to_per_ms(20.0) * 50.0  # expected spikes in 50 ms at 20 Hz
1.0
"""

from __future__ import annotations

__all__ = ["MS_PER_S", "per_ms_to_hz", "hz_to_per_ms"]

#: Milliseconds per second: the one conversion between the library's time unit (ms) and the
#: unit of rates and frequencies (Hz = 1/s).
MS_PER_S = 1000.0


def per_ms_to_hz(x):
    """A rate or frequency given per millisecond, returned in Hz (per second).

    Parameters
    ----------
    x : float or ndarray
        Rate or frequency (1/ms).

    Returns
    -------
    float or ndarray
        The same rate (Hz): ``x * MS_PER_S``.

    Examples
    --------
    >>> per_ms_to_hz(0.05)
    50.0
    """
    return x * MS_PER_S


def hz_to_per_ms(x):
    """A rate or frequency given in Hz (per second), returned per millisecond.

    Parameters
    ----------
    x : float or ndarray
        Rate or frequency (Hz).

    Returns
    -------
    float or ndarray
        The same rate (1/ms): ``x / MS_PER_S``.

    Examples
    --------
    >>> hz_to_per_ms(50.0)
    0.05
    """
    return x / MS_PER_S
