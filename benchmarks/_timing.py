"""Timing helper shared by the benchmark scripts in this folder."""

import time


def per_call(func, min_time=0.2):
    """Seconds per call of func(), best of 3 repetitions of a loop lasting >= min_time."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            func()
        el = time.perf_counter() - t0
        if el >= min_time:
            break
        n *= 4
    best = el / n
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in range(n):
            func()
        best = min(best, (time.perf_counter() - t0) / n)
    return best
