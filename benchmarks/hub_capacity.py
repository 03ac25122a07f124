"""How many students' servers this machine holds: N servers on the class hub, each running lesson 03.

Run as root from the repository (after `make setup-dev`):

    .venv/bin/python benchmarks/hub_capacity.py --servers 10

Starts `classhub/start` with N throwaway system users (deleted afterwards), starts each user's
server through the hub's REST API (LocalProcessSpawner: one `jupyterhub-singleuser` per user, as
that user), starts a kernel in it and executes every code cell of lesson 03 with its answers filled
in (the widget explorers are built and their pictures drawn; no browser is attached, so the
browser's own memory is not counted). Then it measures, per user, the memory of all their
processes (server + kernel): RSS and PSS (PSS shares the pages of common libraries fairly, so
PSS sums to what the machine really spends). Prints a Markdown table for docs/class_hub.md.
"""
import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

from coursekit.course import finished
from coursekit.hub import Hub, class_hub_setup, meminfo_gib

LESSON = "03_matrix"
HEADROOM_GIB = 3.0  # kept free: the OS, the hub and proxy, page cache, one grading run (`grade --jobs 2`)


def run_lesson(hub, token, user):
    """Start a kernel in user's server and execute lesson 03's code cells in it; seconds taken."""
    from jupyter_client import BlockingKernelClient
    t0 = time.monotonic()
    kernel = hub.api(token, "POST", f"/user/{user}/api/kernels", {"name": "python3"})
    conn = Path(f"/home/{user}/.local/share/jupyter/runtime/kernel-{kernel['id']}.json")
    for _ in range(100):
        if conn.exists():
            break
        time.sleep(0.2)
    client = BlockingKernelClient(connection_file=str(conn))
    client.load_connection_file()
    client.start_channels(hb=False)
    try:
        client.kernel_info()
        client.get_shell_msg(timeout=60)  # the kernel answers: it is up
        for cell in finished(LESSON).cells:
            if cell.cell_type == "code":
                reply = client.execute_interactive(cell.source, timeout=120, output_hook=lambda msg: None)
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{user}: a cell of {LESSON} failed: {reply['content']}")
    finally:
        client.stop_channels()
    return time.monotonic() - t0


def memory_of(user):
    """(RSS, PSS) in MiB summed over every process of user."""
    import pwd
    uid = pwd.getpwnam(user).pw_uid
    rss = pss = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid != uid:
                continue
            for line in (proc / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss / 1024, pss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=10, help="students' servers to start (default 10)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("hub_capacity: run as root (it creates system users and starts the hub)")
    token = secrets.token_hex(32)
    with class_hub_setup() as setup:
        users = [setup.add_user("student") for _ in range(args.servers)]
        setup.env["CLASSHUB_SERVICE_TOKEN"] = token
        hub = Hub(setup, setup.base / "jupyterhub.log").start()
        try:
            available_before = meminfo_gib("MemAvailable")
            rows = []
            for user in users:
                started = hub.start_server(token, user)
                ran = run_lesson(hub, token, user)
                rows.append((user, started, ran))
                print(f"{user}: server ready in {started:.1f} s, {LESSON} executed in {ran:.1f} s", flush=True)
            time.sleep(3)  # let the last redraws settle
            mems = [memory_of(user) for user, _, _ in rows]
            drop = available_before - meminfo_gib("MemAvailable")
        finally:
            hub.stop()
    report(args.servers, rows, mems, drop)


def report(n, rows, mems, drop):
    """Print the Markdown table and the capacity estimate."""
    rss = [r for r, _ in mems]
    pss = [p for _, p in mems]
    total = meminfo_gib("MemTotal")
    per = statistics.mean(pss)
    fits = int((total - HEADROOM_GIB) * 1024 // max(pss))
    print(f"\n| {n} servers running {LESSON} | mean | min | max |\n|---|---|---|---|")
    print(f"| server start (s) | {statistics.mean(r[1] for r in rows):.1f} | {min(r[1] for r in rows):.1f} | "
          f"{max(r[1] for r in rows):.1f} |")
    print(f"| kernel start + lesson executed (s) | {statistics.mean(r[2] for r in rows):.1f} | "
          f"{min(r[2] for r in rows):.1f} | {max(r[2] for r in rows):.1f} |")
    print(f"| RSS per student, server + kernel (MiB) | {statistics.mean(rss):.0f} | {min(rss):.0f} | {max(rss):.0f} |")
    print(f"| PSS per student, server + kernel (MiB) | {per:.0f} | {min(pss):.0f} | {max(pss):.0f} |")
    print(f"\nMemTotal {total:.1f} GiB, headroom {HEADROOM_GIB:g} GiB: about {fits} students' servers "
          f"(at the largest PSS measured, {max(pss):.0f} MiB each).")
    print(f"Cross-check: MemAvailable fell by {drop * 1024:.0f} MiB while the {n} servers started and ran "
          f"({drop * 1024 / n:.0f} MiB each; other helpers' work on this machine adds noise).")


if __name__ == "__main__":
    main()
