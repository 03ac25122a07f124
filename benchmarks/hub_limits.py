"""A loaded class with one hostile student: do the classmates' cells and the hub keep answering?

Run as root from the repository (after `make setup-dev`):

    .venv/bin/python benchmarks/hub_limits.py --classmates 6 --seconds 60

Starts `classhub/start` with the students' limits it ships with (CLASSHUB_MEM_LIMIT 1G,
CLASSHUB_TASKS_LIMIT 512, CLASSHUB_CPU_LIMIT 1, unless set in the environment), one server per
throwaway system user (deleted afterwards), and in each classmate's server a kernel. Every classmate
runs a small training step of lesson 10's size in a loop, pausing half a second between runs as a student
between cells; a prober asks `/hub/health` twice a second. After a calm phase, the hostile student's
notebook starts a program that forks without end while every child allocates memory without bound.
The script prints, for the calm phase and the attack, the classmates' cell times and the hub's health
times, then what the kernel did to the attacker (its cgroup's peak memory, OOM kills, refused forks,
CPU throttling) and the machine's lowest MemAvailable. A Markdown table for docs/class_hub.md.
"""
import argparse
import os
import secrets
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

from coursekit.hub import Hub, class_hub_setup, meminfo_gib
from coursekit.hub import limits as student_limits  # classhub/limits.py

# A classmate's cell: one step of lesson 10's network (64 inputs, 64 hidden, 10 outputs, a batch of 100).
CELL = """
rng = np.random.default_rng(len(seen))
W_ih, W_ho = rng.normal(0, .1, (64, 64)), rng.normal(0, .1, (10, 64))
X, T = rng.random((64, 100)), rng.random((10, 100))
for _ in range(300):
    H = 1 / (1 + np.exp(-W_ih @ X)); O = 1 / (1 + np.exp(-W_ho @ H))
    E_o = T - O; E_h = W_ho.T @ (E_o * O * (1 - O))
    W_ho += 0.1 * (E_o * O * (1 - O)) @ H.T / 100; W_ih += 0.1 * (E_h * H * (1 - H)) @ X.T / 100
seen.append(float(np.abs(E_o).mean()))
"""
WARM = "import numpy as np\nseen = []\n"

# The attacker's program, started from their notebook: fork without end; every other child allocates
# without bound, the rest fork again (a fork bomb), so the task count climbs while the memory fills.
ATTACK = """
import os, sys, time
deadline = time.monotonic() + float(sys.argv[1])
forks = refused = 0
while time.monotonic() < deadline:
    try:
        pid = os.fork()
    except OSError:
        refused += 1
        time.sleep(0.005)
        continue
    if pid == 0:
        hoard = []
        while time.monotonic() < deadline:
            if forks % 2:  # a fork bomb: this child forks too
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.05)
            else:
                hoard.append(b"x" * (16 << 20))
        os._exit(0)
    forks += 1
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
print("forks", forks, "refused", refused, flush=True)
"""


def kernel_client(hub, token, user):
    """A kernel started in user's server, and a client on it (root reads the connection file)."""
    from jupyter_client import BlockingKernelClient
    kernel = hub.api(token, "POST", f"/user/{user}/api/kernels", {"name": "python3"})
    conn = Path(f"/home/{user}/.local/share/jupyter/runtime/kernel-{kernel['id']}.json")
    deadline = time.monotonic() + 60
    while not conn.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{user}: no kernel connection file")
        time.sleep(0.2)
    client = BlockingKernelClient(connection_file=str(conn))
    client.load_connection_file()
    client.start_channels(hb=False)
    client.wait_for_ready(timeout=60)
    return client


class Recorder:
    """Times of repeated actions, each tagged with the phase it ran in; failures counted apart."""

    def __init__(self):
        self.phase, self.times, self.failures, self.lock = "calm", {}, {}, threading.Lock()

    def add(self, seconds, ok=True):
        with self.lock:
            if ok:
                self.times.setdefault(self.phase, []).append(seconds)
            else:
                self.failures[self.phase] = self.failures.get(self.phase, 0) + 1


def classmate(client, record, stop):
    """Run CELL, think half a second, again, until stop is set."""
    client.execute_interactive(WARM, timeout=60, output_hook=lambda m: None)
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            reply = client.execute_interactive(CELL, timeout=120, output_hook=lambda m: None)
            record.add(time.monotonic() - t0, reply["content"]["status"] == "ok")
        except TimeoutError:
            record.add(0, ok=False)
        stop.wait(0.5)


def prober(hub, record, stop):
    """GET /hub/health twice a second until stop is set."""
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/health", timeout=10) as resp:
                record.add(time.monotonic() - t0, resp.status == 200)
        except OSError:
            record.add(0, ok=False)
        stop.wait(0.5)


def read(path, default=""):
    try:
        return Path(path).read_text()
    except OSError:
        return default


def watch_attacker(group, stop, seen):
    """Sample the attacker's task count and the machine's MemAvailable until stop is set."""
    pids = group.dirs.get("pids") or group.dirs["all"]
    current = pids / "pids.current"
    while not stop.is_set():
        seen["tasks"] = max(seen.get("tasks", 0), int(read(current, "0") or 0))
        seen["available"] = min(seen.get("available", 1e9), meminfo_gib("MemAvailable"))
        stop.wait(0.2)


def attacker_stats(group):
    """What the kernel did to the attacker's group (cgroup v1 counters; v2 where they exist)."""
    stats = {}
    if group.v == 1:
        memory, pids, cpu = group.dirs["memory"], group.dirs["pids"], group.dirs["cpu"]
        stats["peak memory (MiB)"] = int(read(memory / "memory.max_usage_in_bytes", "0")) / 2 ** 20
        oom = dict(line.split() for line in read(memory / "memory.oom_control").splitlines() if line)
        stats["processes ended by the OOM killer"] = int(oom.get("oom_kill", -1))
        events = read(pids / "pids.events")
        stats["forks refused at the task limit"] = int(events.split()[1]) if events else -1
        cpustat = dict(line.split() for line in read(cpu / "cpu.stat").splitlines() if line)
        stats["CPU periods throttled"] = int(cpustat.get("nr_throttled", -1))
    else:
        d = group.dirs["all"]
        stats["peak memory (MiB)"] = int(read(d / "memory.peak", "0") or 0) / 2 ** 20
        events = dict(line.split() for line in read(d / "memory.events").splitlines() if line)
        stats["processes ended by the OOM killer"] = int(events.get("oom_kill", -1))
        pev = read(d / "pids.events")
        stats["forks refused at the task limit"] = int(pev.split()[1]) if pev else -1
        cpustat = dict(line.split() for line in read(d / "cpu.stat").splitlines() if line)
        stats["CPU periods throttled"] = int(cpustat.get("nr_throttled", -1))
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classmates", type=int, default=6, help="students running cells (default 6)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase (default 60)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("hub_limits: run as root (it creates system users and starts the hub)")
    token = secrets.token_hex(32)
    limits = {k: os.environ.get(k, v) for k, v in
              [("CLASSHUB_MEM_LIMIT", "1G"), ("CLASSHUB_TASKS_LIMIT", "512"), ("CLASSHUB_CPU_LIMIT", "1")]}
    with class_hub_setup() as setup:
        users = [setup.add_user("student") for _ in range(args.classmates + 1)]
        attacker, classmates = users[0], users[1:]
        hub = Hub(setup, setup.base / "jupyterhub.log", env={"CLASSHUB_SERVICE_TOKEN": token, **limits}).start()
        cells, health, stop, seen = Recorder(), Recorder(), threading.Event(), {}
        clients, threads = [], []
        try:
            for user in users:
                print(f"{user}: server ready in {hub.start_server(token, user):.1f} s", flush=True)
            clients = [kernel_client(hub, token, user) for user in users]
            threads = [threading.Thread(target=classmate, args=(c, cells, stop)) for c in clients[1:]]
            threads.append(threading.Thread(target=prober, args=(hub, health, stop)))
            for t in threads:
                t.start()
            time.sleep(args.seconds)  # the calm phase: measured by the threads
            group = student_limits.Group(attacker, student_limits.parse_bytes(limits["CLASSHUB_MEM_LIMIT"]), 0, 0)
            cells.phase = health.phase = "attack"
            watcher = threading.Thread(target=watch_attacker, args=(group, stop, seen))
            watcher.start()
            clients[0].execute(f"import subprocess, sys\nattack = subprocess.Popen([sys.executable, '-c', {ATTACK!r}, "
                               f"'{args.seconds}'])")
            time.sleep(args.seconds)
            stats = attacker_stats(group)
            stop.set()
            for t in threads + [watcher]:
                t.join()
            alive = sum(1 for user in classmates if hub.api(token, "GET", f"/hub/api/users/{user}")["servers"]
                        .get("", {}).get("ready"))
        finally:
            stop.set()
            for c in clients:
                c.stop_channels()
            hub.stop()
    report(args, limits, cells, health, stats, seen, alive)


def summary(times, failures):
    """'median / 95th percentile / max (runs, failed)' of one phase."""
    if not times:
        return f"- | - | - | 0 | {failures}"
    q = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return f"{statistics.median(times):.2f} | {q:.2f} | {max(times):.2f} | {len(times)} | {failures}"


def report(args, limits, cells, health, stats, seen, alive):
    """Print the tables for docs/class_hub.md."""
    print(f"\n{args.classmates} classmates + 1 attacker, {args.seconds:g} s per phase, limits per student: memory "
          f"{limits['CLASSHUB_MEM_LIMIT']}, tasks {limits['CLASSHUB_TASKS_LIMIT']}, CPU {limits['CLASSHUB_CPU_LIMIT']}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| phase | what | median (s) | 95th pct (s) | max (s) | runs | failed |\n|---|---|---:|---:|---:|---:|---:|")
    for phase in ("calm", "attack"):
        print(f"| {phase} | a classmate's cell | {summary(cells.times.get(phase, []), cells.failures.get(phase, 0))} |")
        print(f"| {phase} | `/hub/health` | {summary(health.times.get(phase, []), health.failures.get(phase, 0))} |")
    print("\n| the attacker | |\n|---|---:|")
    for name, value in stats.items():
        print(f"| {name} | {value:.0f} |")
    print(f"| most tasks at once | {seen.get('tasks', 0)} |")
    print(f"\nThe machine's lowest MemAvailable during the attack: {seen.get('available', 0):.1f} GiB; "
          f"classmates' servers still running at the end: {alive} of {args.classmates}.")


if __name__ == "__main__":
    main()
