"""Run every side-by-side benchmark in this folder, one after the other.

Usage: ``python benchmarks/run_all.py`` (or ``make bench``). Each ``bench_*.py`` prints
its own table (times and ratios against the tools a reader would otherwise use) and
writes its numbers to ``benchmarks/results/``. Speed is measured here, never asserted
in the unit tests.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"--- {script.name}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
