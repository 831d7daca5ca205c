"""Private machinery shared by every subpackage of snnlib (not part of the public API).

* ``snnlib._core.validation``: input checks that name the bad argument and the accepted range,
  and the resource guard that rejects oversized work before it starts;
* ``snnlib._core.seeding``: one place that turns a user's ``seed`` into random streams;
* ``snnlib._core.rng``: per-neuron SplitMix64 streams and the ziggurat normal generator used
  inside numba kernels;
* ``snnlib._core.intrinsics``: the hand-written LLVM intrinsics of the hot loops, each with a
  plain numba twin (``SNNLIB_PLAIN_KERNELS=1`` selects the twins);
* ``snnlib._core.quad``: adaptive Gauss-Kronrod quadrature inside numba kernels;
* ``snnlib._core.parallel``: the thread pool that runs independent blocks of neurons.
"""
