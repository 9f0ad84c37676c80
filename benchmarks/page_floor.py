"""The kernel's price for fresh memory pages, with none of orgmodel's code: a floor for replay.

    python benchmarks/page_floor.py                 # the cases of RESULTS.md, 3 runs each
    python benchmarks/page_floor.py --held 1.35 --touched 1.32

Each case runs in its own process. It maps ``--held`` GB and touches every page of it (as the
loaded directives are held when replay starts), then maps ``--touched`` GB more and touches
every page, timing only that second touch: wall time, kernel time, and page faults. Replay at
2,000 townships faults about 113,000 pages while the process holds about 0.45 GB; at 6,000
townships, 345,000 pages while it holds about 1.35 GB.
"""

from __future__ import annotations

import argparse
import mmap
import resource
import subprocess
import sys
import time

PAGE = 4096
CASES = [(0.45, 0.43), (1.35, 1.32), (0.05, 1.32), (1.35, 0.43)]


def touch(gigabytes: float) -> mmap.mmap:
    """An anonymous mapping of ``gigabytes`` with one byte written in every page."""
    size = int(gigabytes * 2**30)
    memory = mmap.mmap(-1, size)
    for offset in range(0, size, PAGE):
        memory[offset] = 1
    return memory


def one_case(held: float, touched: float) -> str:
    """Touch ``touched`` GB while ``held`` GB is held; the figures of the second touch as a line."""
    kept = touch(held)  # noqa: F841 - held on purpose while the second mapping is touched
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    more = touch(touched)  # noqa: F841
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    faults = after.ru_minflt - before.ru_minflt
    kernel = after.ru_stime - before.ru_stime
    return (f"held {held:.2f} GB, touched {touched:.2f} GB: wall {wall:.2f} s, kernel {kernel:.2f} s, "
            f"{faults:,} faults, {kernel / max(faults, 1) * 1e6:.1f} µs per fault")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--held", type=float)
    ap.add_argument("--touched", type=float)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.held is not None and args.touched is not None:
        print(one_case(args.held, args.touched), flush=True)
        return
    for _ in range(args.runs):
        for held, touched in CASES:
            subprocess.run([sys.executable, __file__, "--held", str(held), "--touched", str(touched)], check=True)


if __name__ == "__main__":
    main()
