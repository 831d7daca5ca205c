"""Run a GIL-releasing kernel over independent blocks on several threads (private).

The population Monte Carlo (and the network simulator after it) integrates neurons in blocks that
never read each other's state within one call: each block has its own random streams and writes
only its own rows. :func:`run_blocks` splits ``range(n_blocks)`` into contiguous ranges, one per
thread, and calls ``kernel(b0, b1, *args)`` on each. Because every block's result depends only on
its own inputs, the outcome is identical for any number of threads.

Threads, not numba's ``prange``: a kernel built per feature set and cached on disk stays a plain
``@njit(nogil=True)`` function, and the same call runs serially when ``numba.get_num_threads()``
is 1 (``NUMBA_NUM_THREADS=1`` or ``numba.set_num_threads(1)``). The worker threads live in one
process-wide pool sized for ``NUMBA_NUM_THREADS`` (the most ``numba.set_num_threads`` allows),
created on first use under a lock; it starts threads only as they are needed and is shut down when
the interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

# snnlib runs its kernels on its own threads and asks numba only for the thread count
# (numba.get_num_threads / set_num_threads), which starts numba's threading layer. The default
# layer may be OpenMP, which loads a second OpenMP runtime next to NEST's (snnlib.interop) and
# crashes NEST when it starts its threads. numba's own "workqueue" layer has no such runtime and is
# all snnlib needs; a layer chosen by the user (NUMBA_THREADING_LAYER) is left alone.
if not os.environ.get("NUMBA_THREADING_LAYER"):
    numba.config.THREADING_LAYER = "workqueue"

__all__ = ["run_blocks", "run_ranges", "block_ranges", "shutdown"]


class _Pool:
    """The process-wide worker pool: ``NUMBA_NUM_THREADS - 1`` workers at most (the calling
    thread runs one share itself)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executor = None

    def get(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                workers = max(1, numba.config.NUMBA_NUM_THREADS - 1)
                self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="snnlib")
            return self._executor

    def shutdown(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
            self._executor = None


_POOL = _Pool()
atexit.register(_POOL.shutdown)


def shutdown() -> None:
    """Stop the worker threads (they are started again when next needed)."""
    _POOL.shutdown()


def block_ranges(n_blocks: int, n_threads: int) -> np.ndarray:
    """Bounds of ``min(n_threads, n_blocks)`` contiguous ranges of nearly equal size covering
    ``range(n_blocks)``: range ``i`` is ``bounds[i]:bounds[i + 1]``."""
    n = max(1, min(n_threads, n_blocks))
    return np.linspace(0, n_blocks, n + 1).round().astype(np.int64)


def run_blocks(kernel, n_blocks: int, *args, n_threads: int | None = None) -> None:
    """Call ``kernel(b0, b1, *args)`` on contiguous block ranges covering ``range(n_blocks)``, in
    parallel on ``n_threads`` threads (default ``numba.get_num_threads()``), and wait for all.

    ``kernel`` must release the GIL (``nogil=True``) for the threads to run at once, and the
    blocks must be independent. An exception in any range is raised here.
    """
    if n_threads is None:
        n_threads = numba.get_num_threads()
    run_ranges(kernel, block_ranges(n_blocks, n_threads), *args, with_index=False)


def run_ranges(kernel, bounds: np.ndarray, *args, with_index: bool = True) -> None:
    """Call ``kernel(bounds[i], bounds[i + 1], i, *args)`` for every range ``i`` in parallel (the
    calling thread takes range 0) and wait for all; without ``with_index`` the ``i`` is left out.

    For kernels that keep per-range state across calls (the network simulator's one input ring
    per range), the caller fixes ``bounds`` once, so the ranges do not change between calls.
    """
    def call(i):
        lead = (int(bounds[i]), int(bounds[i + 1]), i) if with_index else (int(bounds[i]), int(bounds[i + 1]))
        return kernel(*lead, *args)

    if bounds.size == 2:
        call(0)
        return
    pool = _POOL.get()
    futures = [pool.submit(call, i) for i in range(1, bounds.size - 1)]
    try:
        call(0)
    finally:
        for f in futures:
            f.result()
