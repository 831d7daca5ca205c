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


def cpu_ticks():
    """(steal, total) jiffies of all CPUs from /proc/stat (Linux), or None elsewhere.

    On a virtual machine the hypervisor may run other guests on our cores ("steal"); the
    fraction stolen during a timing says how far it is from what the hardware can do.
    """
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_since(t0):
    """Fraction of the CPU time stolen by the hypervisor since ``t0 = cpu_ticks()`` (None if unknown)."""
    t1 = cpu_ticks()
    if t0 is None or t1 is None or t1[1] == t0[1]:
        return None
    return (t1[0] - t0[0]) / (t1[1] - t0[1])
