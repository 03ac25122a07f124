"""A small grading job through the wall, and what student code sees inside it (used by test_isolation.py).

Imported by the tests (as root, in-process), and run as a script by an unprivileged user the test
creates: `python wall_job.py PORT SECRET_FILE` prints one JSON line with the same facts.
"""
import json
import os
import subprocess
import sys
import time

# What student code reports from inside: run in a kernel (and through python_argv). Args: port, secret file.
FACTS = r'''
import json, os, socket, sys
from pathlib import Path
root, port, secret = Path(sys.argv_root), int(sys.argv_port), sys.argv_secret
def writable(folder):
    try:
        Path(folder, "written-by-student").write_text("x")
        return True
    except OSError:
        return False
def reaches(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
print(json.dumps({
    "uid": os.getuid(), "cwd": os.getcwd(), "home": os.environ.get("HOME"), "secret_env": os.environ.get("WALL_SECRET"),
    "root_shows": sorted(os.listdir(root)), "solutions": (root / "solutions").exists(),
    "secret_file": os.path.exists(secret), "write_root": writable(root), "write_tmp": writable("/tmp"),
    "write_cwd": writable(os.getcwd()), "write_usr": writable("/usr"), "network": reaches(port),
    "cap_eff": status["CapEff"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
}))
'''


def facts_code(root, port, secret):
    """FACTS with its three arguments bound (a kernel has no argv of ours)."""
    return (f"import sys\nsys.argv_root, sys.argv_port, sys.argv_secret = {str(root)!r}, {port}, {str(secret)!r}\n"
            + FACTS)


def run_in_kernel(wall, code, timeout=60):
    """Start a kernel through wall.kernel_manager_kwargs(), run code, shut it down; returns (stdout, seconds to ready)."""
    from jupyter_client import KernelManager
    started = time.monotonic()
    km = KernelManager(**wall.kernel_manager_kwargs())
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        ready = time.monotonic() - started
        out = []
        reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: out.append(
            msg["content"].get("text", "") if msg["msg_type"] == "stream" else ""))
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out), ready
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run_python(wall, args, stdin="", timeout=60):
    """`python *args` through wall.python_argv; returns the CompletedProcess."""
    return subprocess.run(wall.python_argv(args), input=stdin, capture_output=True, text=True, timeout=timeout,
                          start_new_session=True)


DETACH = ("import subprocess\nsubprocess.Popen(['sleep', '{mark}'], start_new_session=True, stdin=subprocess.DEVNULL,"
          " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n")


def sleeping(mark):
    """Pids of running processes whose command line holds mark (procfs of the caller)."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if mark.encode() in fh.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def wait_until(condition, timeout=60, what="the condition"):
    """Poll condition() every 0.05 s until it is true; AssertionError after timeout s (a wait on an event,
    never a fixed sleep: a loaded machine only makes it slower)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def main(port, secret):
    """The job an unprivileged user runs: facts from a kernel and a check child, a detached process reset away."""
    from grader import ROOT
    from grader import wall as grading_wall
    with grading_wall.Wall() as wall:
        kernel, ready = run_in_kernel(wall, facts_code(ROOT, port, secret))
        child = run_python(wall, ["-c", facts_code(ROOT, port, secret)])
        run_in_kernel(wall, DETACH.format(mark="617.25"))
        wait_until(lambda: wall_sleepers(wall, "617.25") > 0, what="the detached process to start")
        before = wall_sleepers(wall, "617.25")
        wall.reset()
        after = wall_sleepers(wall, "617.25")
        print(json.dumps({"mode": wall.mode.as_dict(), "kernel": json.loads(kernel), "child": json.loads(child.stdout),
                          "child_rc": child.returncode, "detached_before_reset": before,
                          "detached_after_reset": after, "ready_seconds": ready}))


COUNT = ("import os\nfound = 0\nfor pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
         "    try:\n        found += {mark!r}.encode() in open(f'/proc/{{pid}}/cmdline', 'rb').read()\n"
         "    except OSError:\n        pass\nprint(found)")


def wall_sleepers(wall, mark):
    """How many processes with mark on their command line run in the wall, counted from inside it."""
    done = subprocess.run(wall.python_argv(["-c", COUNT.format(mark=mark)]), capture_output=True, text=True,
                          timeout=60)
    return int(done.stdout.strip())


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
