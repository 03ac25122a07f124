"""The grading wall: where student code runs (kernels and out-of-kernel checks), built by bubblewrap.

One ``Wall`` per grading process (``current()``): bubblewrap (``bwrap``) gives it a read-only system,
a private read-only ``/tmp``, ``/dev`` and ``/proc``, no network (kernels talk to jupyter_client over
Unix sockets in a folder bound into the wall), its own PID, IPC and UTS namespaces, and none of the
course (only ``backprop/`` and ``grader/wall/inside/`` come back, read-only), the instructor's home, the
other home folders, ``/run`` or ``/var/tmp``: empty read-only tmpfs over each, the Python install
and venv bound back read-only where they live under them. As root, bubblewrap keeps only
CAP_SETUID, CAP_SETGID and CAP_KILL for the zygote, and each program the zygote forks switches to
the wall's own user id (``OWN_UID_BASE`` + something unique to the wall; every capability goes with
the switch, and bubblewrap's no_new_privs keeps them gone). As an ordinary user, bubblewrap uses a
user namespace (no nested ones): the programs keep the user's id. Inside, the zygote
(``inside/zygote.py``) forks every kernel and check process from one warm Python: a fresh working
folder, its own session, rlimits (``LIMITS``). ``Wall.reset()`` between two notebooks kills every
process of the previous one and wipes the working folders.

Known limit of the user-namespace wall (no root): the zygote and student code share one user id
inside the wall, so a hostile notebook could tamper with the zygote (ptrace, /proc/PID/mem; only
Yama's ptrace_scope >= 1 forbids it) and through it the notebooks graded after it by the same
process; it still sees nothing outside the wall. As root the zygote's user differs and this is closed.

Never silently unsafe: ``probe()`` really builds a wall and checks it from inside; when it fails,
``verdict()`` and ``Wall()`` raise ``Refused`` (one message: why, the fix, the way out by name)
unless grading without the wall was asked for by name (``allow_unwalled``, ``--no-wall`` or
``BACKPROP_GRADE_NO_WALL=1``): then the same zygote runs without bubblewrap (rlimits only) and the
``Mode`` says so (``walled`` False, and who asked).
"""
import atexit
import collections
import importlib.util
import itertools
import json
import os
import platform
import secrets
import select
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from grader import ROOT

NO_WALL_ENV = "BACKPROP_GRADE_NO_WALL"  # "1" = grade without the wall, asked for by name
CONFIG_SWITCH = "c.GradingWall.allow_unwalled = True"
LIMITS = {"cpu": 120, "as": 2 * 1024 ** 3, "fsize": 64 * 1024 ** 2, "nproc": 128, "core": 0}
OWN_UID_BASE = 1_000_000  # wall k of process p runs as OWN_UID_BASE + p * WALLS_PER_PROCESS + k (no passwd entry)
WALLS_PER_PROCESS = 16
WALL_PROCESSES = 2  # bubblewrap's init and the zygote, counted with the student's processes in a user namespace
UCOUNTS_SINCE = (5, 14)  # from this Linux on, a user namespace counts RLIMIT_NPROC for its own processes only
INSIDE = Path(__file__).resolve().parent / "inside"
KERNEL_NAME = "python3"
KERNEL_ARGS = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
PRELOAD = ["numpy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "IPython",
           "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "ipywidgets", "plaindata",
           "backprop.reference", "backprop.checks", "backprop.mistakes", "backprop.pictures", "backprop.widgets"]
PROBE_IMPORTS = ["numpy", "ipykernel.kernelapp", "backprop.reference"]
MARKER = "BACKPROP_WALL"  # in the environment of every process of a wall (how an unwalled reset finds them)
ROOT_CAPS = ["CAP_SETUID", "CAP_SETGID", "CAP_KILL"]  # the zygote's only capabilities when the wall is built as root
NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
TRAVERSABLE = "0755"  # folders bubblewrap makes on the way to a folder shown back
ALWAYS_HIDDEN = ["/root", "/home", "/tmp", "/var/tmp", "/run"]
# Top-level folders the wall shows (read-only): the system. Every other one (/work, /srv, /opt, /var,
# /mnt, ...: wherever another copy of the course, a gradebook or a database may live) is hidden.
SYSTEM_DIRS = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc", "sys"}
READY_SECONDS = 120
ANSWER_SECONDS = 30
PROBE_SECONDS = 120

Probe = collections.namedtuple("Probe", "ok how why_not")


class Refused(SystemExit):
    """Grading refused: the wall cannot be set up here and nobody asked to grade without it."""


class WallBroken(RuntimeError):
    """The wall's zygote did not start or stopped answering (its log says why)."""


# ---------------------------------------------------------------- what the wall shows

def _real(path):
    return os.path.realpath(os.path.expanduser(str(path)))


def _package_dir(name):
    """The folder of an importable package, without importing it."""
    spec = importlib.util.find_spec(name)
    return os.path.dirname(spec.origin) if spec and spec.origin else None


def _inside(path, folder):
    return path != folder and path.startswith(folder.rstrip(os.sep) + os.sep)


def layout(hide=(), binds=()):
    """[(path, kind)] in mount order: 'tmpfs' hides a folder, 'ro' shows one back read-only, 'rw' binds one.

    Hidden: the course root, the home folder, ALWAYS_HIDDEN, every top-level folder outside SYSTEM_DIRS,
    and hide. Shown back: the course package,
    grader/inside, this Python's prefixes and real folder (where they lie under something hidden).
    """
    top = [os.path.join(os.sep, n) for n in os.listdir(os.sep) if n not in SYSTEM_DIRS]
    top = [p for p in top if os.path.isdir(p) and not os.path.islink(p)]
    course = [ROOT] if (ROOT / "solutions").is_dir() else []  # not when grader is installed as a copy
    hidden = {_real(p) for p in (*course, "~", *ALWAYS_HIDDEN, *top, *hide)}
    hidden = {h for h in hidden if h != "/" and os.path.isdir(h)}
    keep = {_real(p) for p in (_package_dir("backprop"), INSIDE, sys.prefix, sys.base_prefix,
                               os.path.dirname(os.path.realpath(sys.executable))) if p}
    keep = {k for k in keep if any(_inside(k, h) for h in hidden)}
    ops = [(h, "tmpfs") for h in hidden] + [(k, "ro") for k in keep] + [(_real(b), "rw") for b in binds]
    return sorted(ops, key=lambda op: (op[0].count(os.sep), op[1] != "tmpfs", op[0]))


def bwrap_argv(bwrap, ops, as_root, cwd):
    """bubblewrap's command line (up to and with `--`) for a wall with these mounts."""
    argv = [bwrap, *NAMESPACES, "--die-with-parent", "--new-session"]
    if as_root:
        argv += ["--cap-drop", "ALL"] + [a for cap in ROOT_CAPS for a in ("--cap-add", cap)]
    else:
        argv += ["--unshare-user", "--disable-userns"]
    argv += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    flags = {"tmpfs": "--tmpfs", "ro": "--ro-bind", "rw": "--bind"}
    hidden, made = [p for p, kind in ops if kind == "tmpfs"], set()
    for path, kind in ops:
        if kind != "tmpfs":  # folders leading to it inside a tmpfs: traversable (bubblewrap would make them 0700)
            for step in _steps_below(path, hidden):
                if step not in made:
                    made.add(step)
                    argv += ["--perms", TRAVERSABLE, "--dir", step]
        argv += [flags[kind], path] if kind == "tmpfs" else [flags[kind], path, path]
    for path in ["/dev"] + [p for p, kind in ops if kind == "tmpfs"]:
        argv += ["--remount-ro", path]
    return argv + ["--chdir", str(cwd), "--"]


def _steps_below(path, hidden):
    """The folders between the deepest hidden folder above path and path itself (both excluded)."""
    above = max((h for h in hidden if _inside(path, h)), key=len, default=None)
    if above is None:
        return []
    steps, parent = [], os.path.dirname(path)
    while _inside(parent, above):
        steps.append(parent)
        parent = os.path.dirname(parent)
    return steps[::-1]


def shown_in(folder, ops):
    """Names a hidden folder may still show inside the wall: the first step of every mount below it."""
    return sorted({os.path.relpath(p, folder).split(os.sep)[0] for p, _ in ops if _inside(p, folder)})


# ---------------------------------------------------------------- can a wall be built here?

BWRAP_ENV = "BACKPROP_BWRAP"  # the bubblewrap to use instead of the one on PATH (a missing path: none at all)


def _bwrap():
    """The bwrap executable, or None."""
    named = os.environ.get(BWRAP_ENV)
    if named is not None:
        return named if os.access(named, os.X_OK) else None
    return shutil.which("bwrap")


def _how(version):
    common = (f"bubblewrap {version}: read-only system, private /tmp, no network, own PID namespace; "
              "the course, solutions/, the gradebook, grader/submitted/ and home folders hidden; rlimits; ")
    if os.geteuid() == 0:
        return common + f"as root: student code runs as a user id of its own ({OWN_UID_BASE}+), no capabilities"
    return common + ("in a user namespace: student code runs under your own user id inside the wall "
                     "(a user id of its own needs root)")


def _probe_config(ops, uid):
    hidden = {p: shown_in(p, ops) for p, kind in ops if kind == "tmpfs"}
    return {"uid": uid, "gid": uid, "imports": PROBE_IMPORTS, "hidden": hidden,
            "readonly": [p for p, kind in ops if kind == "tmpfs"]}


@lru_cache(maxsize=None)
def probe():
    """Probe(ok, how, why_not), once per process: build a real wall, run Python in it, check it from inside."""
    bwrap = _bwrap()
    if not bwrap:
        return Probe(False, "", "bubblewrap (bwrap) is not installed")
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.split()[-1:] or ["?"]
    base = tempfile.mkdtemp(prefix="backprop-probe-")
    try:
        ops = layout()
        uid = _own_uid() if os.geteuid() == 0 else None
        argv = bwrap_argv(bwrap, ops, os.geteuid() == 0, "/")
        argv += [sys.executable, "-s", str(INSIDE / "probe.py"), json.dumps(_probe_config(ops, uid))]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=PROBE_SECONDS,
                                  env=_zygote_env(Path(base)), cwd=base)
        except subprocess.TimeoutExpired:
            return Probe(False, "", f"the probe did not finish in {PROBE_SECONDS} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        said = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return Probe(False, "", f"bubblewrap could not build the wall ({said})")
    problems = json.loads(lines[-1])["problems"]
    if problems:
        return Probe(False, "", "the wall does not hold: " + "; ".join(problems))
    return Probe(True, _how(version[0]), None)


def refusal(why_not):
    """The one message of a refusal: why, the fix, the way out by name."""
    if "not installed" in why_not:
        fix = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`, Fedora: "
               "`sudo dnf install bubblewrap`)")
    else:
        fix = ("enable unprivileged user namespaces (`sudo sysctl -w kernel.unprivileged_userns_clone=1` or "
               "`user.max_user_namespaces=15000`; in a container, allow them in its seccomp/AppArmor profile), "
               "or grade as root, where bubblewrap needs no user namespace")
    return (f"grading refused: student code cannot be isolated here: {why_not}.\n"
            "Without the wall a submission runs as you and can read solutions/, change the gradebook and "
            "other students' notebooks.\n"
            f"Fix: {fix}.\n"
            "To grade without the wall anyway (only if you trust every submission), ask for it by name: "
            f"`python -m grader grade --no-wall`, or {NO_WALL_ENV}=1, or {CONFIG_SWITCH} in "
            "grader/nbgrader_config.py; the report then says so.")


@dataclass(frozen=True)
class Mode:
    """How student code runs while grading: inside the wall (how it is built), or not, as asked by name."""
    walled: bool
    how: str  # the wall's build, or who asked to grade without it and why there is none here

    def __str__(self):
        return f"walled: {self.how}" if self.walled else f"UNWALLED, as asked ({self.how})"

    def as_dict(self):
        """{"walled": bool, "how": str}: how the mode is recorded in notebooks and reports."""
        return asdict(self)


def verdict(allow_unwalled=False):
    """The Mode grading runs in; raises Refused when there is no wall and nobody asked to grade without it."""
    found = probe()
    if found.ok:
        return Mode(True, found.how)
    if os.environ.get(NO_WALL_ENV) == "1":
        return Mode(False, f"{NO_WALL_ENV}=1; no wall here: {found.why_not}")
    if allow_unwalled:
        return Mode(False, f"--no-wall or {CONFIG_SWITCH}; no wall here: {found.why_not}")
    raise Refused(refusal(found.why_not))


# ---------------------------------------------------------------- the wall

_SERIAL = itertools.count()
_LAUNCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grading-wall")


def _own_uid():
    """A user id no other wall on this machine uses now (the pid of this process and a serial)."""
    return OWN_UID_BASE + os.getpid() * WALLS_PER_PROCESS + next(_SERIAL) % WALLS_PER_PROCESS


def _launch(argv, **kwargs):
    """Popen from one long-lived thread: bubblewrap's --die-with-parent fires when the *thread* that started it ends."""
    return _LAUNCHER.submit(subprocess.Popen, argv, **kwargs).result()


def _processes_of(uid):
    """How many processes of uid run now (from /proc)."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if any(line.split()[1] == str(uid) for line in status.read_text().splitlines() if line.startswith("Uid:")):
                count += 1
        except (OSError, IndexError):
            continue
    return count


def _kernel_version():
    return tuple(int(part) for part in platform.release().split("-")[0].split(".")[:2])


def nproc_limit(limit, walled, as_root):
    """RLIMIT_NPROC for the programs in a wall: it counts every process of their real user id.

    As root the wall's user id is its own: the limit as is. In a user namespace of Linux 5.14 or
    later only the namespace's processes count (plus bubblewrap's init and the zygote). Otherwise
    the user's processes elsewhere count too: the limit comes on top of how many run now.
    """
    if walled and as_root:
        return limit
    if walled and _kernel_version() >= UCOUNTS_SINCE:
        return limit + WALL_PROCESSES
    return limit + _processes_of(os.getuid())


def _zygote_env(base):
    """The zygote's whole environment (nothing of the grader's own: no tokens or database URLs)."""
    package = _package_dir("backprop")
    env = {"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
           "LANG": "C.UTF-8", "HOME": str(base / "zygote"), "MPLCONFIGDIR": str(base / "zygote" / "mpl"),
           "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", MARKER: str(base)}
    if package:
        env["PYTHONPATH"] = os.path.dirname(package)
    return env


def _copy_font_cache(target):
    """Give the zygote matplotlib's font list from the grader's own cache (building it costs ~0.8 s)."""
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    source = Path(os.environ.get("MPLCONFIGDIR") or os.path.join(xdg, "matplotlib"))
    target.mkdir(parents=True, exist_ok=True)
    for found in source.glob("fontlist-*.json") if source.is_dir() else []:
        shutil.copy(found, target / found.name)


def _force_remove(function, path, _excinfo):
    """rmtree's error handler: make the folder writable (a student may have chmod'ed it) and try again."""
    parent = os.path.dirname(path)
    for p in (parent, path):
        try:
            os.chmod(p, stat.S_IRWXU)
        except OSError:
            pass
    try:
        function(path)
    except FileNotFoundError:
        pass


def _empty(folder):
    """Remove everything inside folder (the folder stays)."""
    for entry in list(Path(folder).iterdir()) if os.path.isdir(folder) else []:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, onerror=_force_remove)
        else:
            entry.unlink(missing_ok=True)


class Wall:
    """Where student code runs, for one grading process: kernels (kernel_manager_kwargs) and checks (python_argv)."""

    def __init__(self, hide=(), limits=None, allow_unwalled=False):
        self.mode = verdict(allow_unwalled)
        self.walled = self.mode.walled
        self.as_root = os.geteuid() == 0
        self.uid = _own_uid() if self.walled and self.as_root else None
        self.hide = [str(h) for h in hide]
        self.limits = dict(LIMITS, **(limits or {}))
        self.limits["nproc"] = nproc_limit(self.limits["nproc"], self.walled, self.as_root)
        self.base = Path(tempfile.mkdtemp(prefix="backprop-wall-"))
        self.run_dir, self.work, self.state, self.ctl = (self.base / n for n in ("run", "work", "zygote", "ctl"))
        self.socket = self.ctl / "zygote.sock"
        self.proc, self.closed, self._specs = None, False, None
        self._lock = threading.Lock()
        self._make_folders()
        try:
            self._start()
        except BaseException:
            shutil.rmtree(self.base, onerror=_force_remove)
            raise

    def _make_folders(self):
        """base 0711; run/ where kernels bind their sockets; work/ for working folders (the wall's user's own)."""
        os.chmod(self.base, 0o711)
        for folder in (self.run_dir, self.work, self.state, self.ctl):
            folder.mkdir(mode=0o700)
        if self.uid is not None:
            os.chmod(self.run_dir, 0o1733)  # kernels create sockets here; nobody lists or removes another's
            os.chown(self.work, self.uid, self.uid)

    def _start(self):
        """Start the zygote (in bubblewrap when walled) on a listening socket it inherits; wait until ready."""
        _copy_font_cache(self.state / "mpl")
        self.socket.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.socket))
        listener.listen(64)
        env = _zygote_env(self.base)
        cfg = {"listen_fd": listener.fileno(), "uid": self.uid, "gid": self.uid, "limits": self.limits,
               "work": str(self.work), "walled": self.walled, "marker": f"{MARKER}={self.base}",
               "preload": PRELOAD, "env": {k: v for k, v in env.items() if k != "HOME"}}
        argv = [sys.executable, "-s", str(INSIDE / "zygote.py"), json.dumps(cfg)]
        if self.walled:
            ops = layout(self.hide, binds=[self.run_dir, self.work, self.state])
            argv = bwrap_argv(_bwrap(), ops, self.as_root, self.state) + argv
        with open(self.base / "zygote.log", "ab") as log:
            self.proc = _launch(argv, pass_fds=(listener.fileno(),), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=log, env=env, cwd=self.state)
        listener.close()
        ready, _, _ = select.select([self.proc.stdout], [], [], READY_SECONDS)
        if not ready or self.proc.stdout.readline().strip() != b"ready":
            self._stop()
            raise WallBroken(f"the grading wall's zygote did not start: {self._log_tail()}")

    def _log_tail(self):
        try:
            lines = (self.base / "zygote.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "no message"

    def _stop(self):
        """Kill the zygote (with bubblewrap: its init, and so every process in the wall)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()
            self.proc.stdout.close()

    def _ask(self, message):
        """One request to the zygote; its JSON answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(ANSWER_SECONDS)
            conn.connect(str(self.socket))
            conn.sendall(json.dumps(message).encode() + b"\n")
            answer = conn.makefile("rb").readline()
        if not answer:
            raise WallBroken("the zygote hung up")
        return json.loads(answer)

    def kernel_manager_kwargs(self):
        """kwargs for jupyter_client's (Async)KernelManager: its kernel is an ipykernel forked inside the wall."""
        if self._specs is None:
            from grader.wall.kernels import WallKernelSpecs
            self._specs = WallKernelSpecs.for_argv(KERNEL_NAME, self.python_argv(KERNEL_ARGS))
        name = "k" + secrets.token_hex(6)
        return {"kernel_name": KERNEL_NAME, "kernel_spec_manager": self._specs, "transport": "ipc",
                "ip": str(self.run_dir / name), "connection_file": str(self.run_dir / f"{name}.json")}

    def python_argv(self, args):
        """argv that runs `python *args` inside the wall (stdin, stdout and stderr are the started process's)."""
        return [sys.executable, "-I", "-S", str(INSIDE / "stub.py"), str(self.socket), *map(str, args)]

    def reset(self):
        """Between two notebooks: every process of the previous one gone, the working folders emptied."""
        with self._lock:
            if self.closed:
                raise WallBroken("this wall is closed")
            try:
                if self.proc.poll() is not None:
                    raise WallBroken("the zygote had exited")
                self._ask({"reset": 1})
            except (OSError, ValueError, WallBroken):  # a zygote a student's code stopped or killed: a new one
                self._stop()
                self._start()
            _empty(self.work)
            _empty(self.run_dir)

    def close(self):
        """Everything gone: every process, every folder (idempotent)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            if self.proc is not None and self.proc.poll() is None:
                try:  # every process of the wall killed and gone before the wall's own: without a PID namespace
                    self._ask({"reset": 1})  # nothing else would kill them, and with one the kernel's teardown
                except (OSError, ValueError, WallBroken):  # after bubblewrap's init dies runs on after close()
                    pass
            self._stop()
            shutil.rmtree(self.base, onerror=_force_remove)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


_CURRENT = {}
_CURRENT_LOCK = threading.Lock()


def current(**kw):
    """This process's Wall, created on first call with kw (later kw are ignored), closed at exit."""
    with _CURRENT_LOCK:
        wall = _CURRENT.get(os.getpid())
        if wall is None or wall.closed:
            wall = _CURRENT[os.getpid()] = Wall(**kw)
            atexit.register(wall.close)
        return wall
