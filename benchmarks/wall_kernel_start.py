"""Where a kernel's start and end go: a plain ipykernel vs one forked in the grading wall, and
jupyter_client's own handshake and shutdown vs the grader's (grader/wall/kernels.py).

    .venv/bin/python benchmarks/wall_kernel_start.py [--runs 5]

All through jupyter_client's AsyncKernelManager, as nbgrader runs kernels. "ready" = the client's
wait_for_ready returned; "+ imports" = the setup cell's imports (numpy, matplotlib.pyplot,
backprop.reference) ran too; "shutdown" = shutdown_kernel(now=True), as nbgrader's Execute ends a
notebook with shutdown_kernel = "immediate". Prints medians.
"""
import argparse
import asyncio
import statistics
import time

from jupyter_client.manager import AsyncKernelManager

from grader import wall as grading_wall
from grader.wall.kernels import QuickStartKernelManager

SETUP = "import numpy, matplotlib.pyplot, backprop.reference"


async def one(manager, kwargs):
    """(seconds to ready, to ready + setup imports, to shut down) of one kernel."""
    started = time.monotonic()
    km = manager(**kwargs)
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        ready = time.monotonic() - started
        await kc.execute_interactive(SETUP, timeout=60)
        imported = time.monotonic() - started
    finally:
        kc.stop_channels()
        stopping = time.monotonic()
        await km.shutdown_kernel(now=True)
    return ready, imported, time.monotonic() - stopping


async def main(runs):
    started = time.monotonic()
    wall = grading_wall.current()
    print(f"wall: {wall.mode}\nprobe + zygote start: {time.monotonic() - started:.2f} s (once per grading process)")
    cases = [("plain ipykernel", AsyncKernelManager, lambda: {"kernel_name": "python3"}),
             ("wall, jupyter_client's", AsyncKernelManager, wall.kernel_manager_kwargs),
             ("wall, grader's", QuickStartKernelManager, wall.kernel_manager_kwargs)]
    print(f"| {'kernel, handshake + shutdown':<30} | {'ready s':>7} | {'+ imports s':>11} | {'shutdown s':>10} |")
    for label, manager, kwargs in cases:
        times = []
        for _ in range(runs):
            times.append(await one(manager, kwargs()))
            wall.reset()
        ready, imported, shutdown = (statistics.median(t[i] for t in times) for i in range(3))
        print(f"| {label:<30} | {ready:>7.2f} | {imported:>11.2f} | {shutdown:>10.3f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
