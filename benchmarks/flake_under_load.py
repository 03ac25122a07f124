"""Run the browser and hub tests several times in a row while both cores are kept busy by another job.

    .venv/bin/python benchmarks/flake_under_load.py [--runs 5] [--burners 2] [--workers 2] [-m "browser or hub"]

The other job is `--burners` processes that spin on the CPU (and touch memory) for as long as the runs
last, so every test sees a machine as loaded as CI's when another job shares it. Each run is pytest on
the marked tests the way `make test` runs them (pytest-xdist, -n 2 --dist loadscope), no retry
anywhere; the script prints each run's result and time, then the failures by test. Exit code 1 when
any run failed.
"""
import argparse
import multiprocessing
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def burn(stop):
    """Spin until stop is set: arithmetic and a little memory traffic, like a test job's Python."""
    block = bytearray(16 * 1024 * 1024)
    i = 0
    while not stop.is_set():
        for _ in range(100_000):
            i = (i * 1103515245 + 12345) & 0x7FFFFFFF
        block[i % len(block)] = i & 0xFF


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--burners", type=int, default=2, help="CPU-bound processes beside the tests")
    parser.add_argument("-m", dest="marks", default="browser or hub", help="pytest -m expression")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers, as make test uses here")
    args = parser.parse_args()
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=burn, args=(stop,), daemon=True) for _ in range(args.burners)]
    for p in burners:
        p.start()
    failures, rows = {}, []
    try:
        for run in range(1, args.runs + 1):
            t0 = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "pytest", "-m", args.marks, "-p", "no:cacheprovider",
                                   "-n", str(args.workers), "--dist", "loadscope", "-q", "-rf"],
                                  cwd=ROOT, capture_output=True, text=True)
            seconds = time.monotonic() - t0
            summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
            for name in re.findall(r"^FAILED (\S+)", done.stdout, re.M):
                failures[name] = failures.get(name, 0) + 1
            rows.append((run, done.returncode, seconds, summary))
            print(f"run {run}: exit {done.returncode}, {seconds:.0f} s: {summary}", flush=True)
            if done.returncode not in (0, 1):
                print(done.stdout[-3000:], done.stderr[-3000:])
    finally:
        stop.set()
        for p in burners:
            p.join(timeout=5)
    failed_runs = sum(code != 0 for _, code, _, _ in rows)
    print(f"{args.runs} runs of -m {args.marks!r} with {args.burners} CPU burners: {failed_runs} failed")
    for name, count in sorted(failures.items()):
        print(f"  {name}: failed {count} of {args.runs}")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())
