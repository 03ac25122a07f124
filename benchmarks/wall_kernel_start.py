"""How long a kernel takes to be ready and to have the course's imports: plain ipykernel vs forked in the wall.

    .venv/bin/python benchmarks/wall_kernel_start.py [--runs 5]

Both through jupyter_client's KernelManager; "ready" = wait_for_ready returned, "+ imports" = the
setup cell's imports (numpy, matplotlib.pyplot, backprop.reference) executed too. Prints medians.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

from jupyter_client import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader import isolation  # noqa: E402

SETUP = "import numpy, matplotlib.pyplot, backprop.reference"


def one(kwargs):
    """(seconds to ready, seconds to ready + setup imports) for one kernel started with kwargs."""
    started = time.monotonic()
    km = KernelManager(**kwargs)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        ready = time.monotonic() - started
        kc.execute_interactive(SETUP, timeout=60)
        return ready, time.monotonic() - started
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    started = time.monotonic()
    wall = isolation.current()
    print(f"wall: {wall.mode}\nprobe + zygote start: {time.monotonic() - started:.2f} s (once per grading process)")
    for label, kwargs in (("plain ipykernel", lambda: {"kernel_name": "python3"}),
                          ("forked in the wall", wall.kernel_manager_kwargs)):
        times = []
        for _ in range(runs):
            times.append(one(kwargs()))
            wall.reset()
        ready, total = (statistics.median(t[i] for t in times) for i in (0, 1))
        print(f"{label:<20} ready {ready:.2f} s, with the setup imports {total:.2f} s (median of {runs})")


if __name__ == "__main__":
    main()
