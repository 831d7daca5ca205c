"""Naive twins of snnlib._core: the per-neuron random streams (SplitMix64 + ziggurat) on Python ints."""

from __future__ import annotations

import math


_M64 = (1 << 64) - 1
_SPLITMIX_GAMMA = 0x9E3779B97F4A7C15


def _splitmix_mix(z):
    """SplitMix64 finaliser (Steele, Lea & Flood 2014) on Python ints."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


class NeuronStream:
    """The random stream of neuron ``index``: SplitMix64 integers, ziggurat normals.

    Written with Python integers; the ziggurat tables (data, not code) come from snnlib._core.rng.
    """

    def __init__(self, seed, index):
        self.state = _splitmix_mix((int(seed) + (index + 1) * _SPLITMIX_GAMMA) & _M64)

    def next_u64(self):
        self.state = (self.state + _SPLITMIX_GAMMA) & _M64
        return _splitmix_mix(self.state)

    def uniform(self):
        """Uniform in (0, 1) from the top 53 bits."""
        return ((self.next_u64() >> 11) + 0.5) * 2.0 ** -53

    def normal(self):
        """Standard normal by the 256-layer ziggurat (Marsaglia & Tsang 2000)."""
        from snnlib._core.rng import ZIG_F, ZIG_R, ZIG_X

        while True:
            z = self.next_u64()
            i = z & 255
            sign = -1.0 if (z >> 8) & 1 else 1.0
            x = (z >> 11) * 2.0 ** -53 * ZIG_X[i]
            if x < ZIG_X[i + 1]:
                return sign * x
            if i == 0:  # tail beyond R (Marsaglia 1964)
                while True:
                    a = -math.log(self.uniform()) / ZIG_R
                    b = -math.log(self.uniform())
                    if 2.0 * b > a * a:
                        return sign * (ZIG_R + a)
            y = ZIG_F[i] + self.uniform() * (ZIG_F[i + 1] - ZIG_F[i])
            if y < math.exp(-0.5 * x * x):
                return sign * x
