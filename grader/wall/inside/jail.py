"""What a process inside the wall does to itself before student code runs, and how the wall is swept.

Used by the zygote (every forked kernel or check process) and by the probe. Ordinary Python:
os.setgroups/setgid/setuid, resource.setrlimit, /proc.
"""
import os
import resource
import signal
import tempfile

RLIMITS = {"cpu": resource.RLIMIT_CPU, "as": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
           "core": resource.RLIMIT_CORE, "nproc": resource.RLIMIT_NPROC}
INIT_PID = 1  # in the wall's own PID namespace: bubblewrap's init, which must stay (it holds the namespace)
SWEEPS = 200  # kill rounds before giving up on a process that keeps forking (the process limit bounds it)
# What a request's environment may pass in (name prefixes): jupyter_client's JPY_*, the locale, and the
# two flags nbgrader sets while it runs a notebook (the course draws no pictures while graded).
KEPT_ENV = ("JPY_", "LANG", "LC_", "NBGRADER_EXECUTION", "NBGRADER_VALIDATING")


def become(uid, gid):
    """Switch this process to uid:gid with no supplementary groups; a root process loses every capability."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def set_limits(limits):
    """Apply {'cpu','as','fsize','core','nproc': value or None} as soft and hard rlimits (never above the hard one)."""
    for key, value in limits.items():
        if value is None:
            continue
        which = RLIMITS[key]
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def fresh_folder(base):
    """A new private working folder under base (mode 0700) for one program."""
    return tempfile.mkdtemp(prefix="w-", dir=base)


def environment(requested, work, base_env):
    """The environment of a program in the wall: base_env, the allowed part of requested, state in work."""
    env = dict(base_env)
    env.update({k: v for k, v in requested.items() if k.startswith(KEPT_ENV)})
    env.update(HOME=work, TMPDIR=work, IPYTHONDIR=os.path.join(work, ".ipython"),
               MPLCONFIGDIR=os.path.join(work, ".mpl"), JUPYTER_CONFIG_DIR=os.path.join(work, ".jupyter"),
               JUPYTER_DATA_DIR=os.path.join(work, ".jupyter-data"),
               JUPYTER_RUNTIME_DIR=os.path.join(work, ".jupyter-run"))
    return env


def processes():
    """Pids of every process this /proc shows (in the wall: the wall's own PID namespace)."""
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def alive(pid):
    """Is pid a process that still runs (not gone, not a zombie waiting for its parent)?"""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def carries(pid, marker):
    """Does process pid's environment hold marker (b'NAME=VALUE')? False when it is gone or not ours."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return marker in fh.read().split(b"\0")
    except OSError:
        return False


def sweep(keep, marker=None):
    """SIGKILL every process but keep (and init), only those carrying marker when given; returns how many.

    Repeats until a round finds none, so a process forked during a round is caught by the next.
    """
    killed = set()
    for _ in range(SWEEPS):
        found = [p for p in processes() if p not in keep and p != INIT_PID and alive(p)
                 and (marker is None or carries(p, marker))]
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        reap()
    return len(killed)


def reap():
    """Collect every child of this process that has exited; returns {pid: exit code}."""
    done = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done[pid] = os.waitstatus_to_exitcode(status)
