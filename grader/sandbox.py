"""Run student code in a limited process, and check graded functions outside the student's kernel.

Two uses of one launcher (``LAUNCHER``, run as ``python -c LAUNCHER CONFIG ARGV...``):

- grading kernels: a ``python3`` kernelspec whose argv goes through the launcher (``write_kernelspec``),
  put first on ``JUPYTER_PATH`` for nbgrader's workers;
- the out-of-kernel check (``run_check``): a fresh Python that execs the student's code cells and calls
  each graded function on the hidden fixtures, which are built here, in the grader's own process, by
  running the hidden test cells against recording stand-ins (``hidden_cases``). The child only returns
  plain data (numbers, lists, dtype and shape), never objects; the comparison with the reference
  happens in the parent (``score_results``) with ``backprop.checks.compare``.

The launcher gives every process: a fresh working folder under a private base outside the course
tree (HOME, IPython, Jupyter and matplotlib state inside it), rlimits (CPU seconds, address space,
file size, no core files, and when it can switch user, a process count); when root with
CAP_SYS_ADMIN, private mount and PID namespaces (the course, the repository except ``backprop/`` and
the venv, the instructor's home except the Python install, the grading scratch and other sandboxes
covered by empty tmpfs; every other mount read-only; a fresh /proc; all capabilities dropped); and,
as root, an unprivileged user id of its own (else ``nobody``). ``isolation()`` probes what works.
"""
import copy
import json
import os
import pwd
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from backprop import checks, reference

LIMITS = {"cpu": 120, "as": 2 * 1024 ** 3, "fsize": 64 * 1024 ** 2, "nproc": 128, "core": 0}

ENTER = r"""
import ctypes, json, os, resource, shutil, signal, sys, tempfile


def enter(cfg, argv, forward=()):
    # Set this process up as a sandbox; return (argv, env) for the program to run in it.
    # With namespaces, the caller forks: the parent stays outside, waits and exits with the child's code;
    # the child returns from here as the first process of the new PID namespace. `forward`: signals the
    # parent passes on to the child (SIGINT when nobody signals the whole process group).
    work = tempfile.mkdtemp(prefix="w-", dir=cfg["base"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL", "BACKPROP", "PYTHONPATH"))}
    env.update(HOME=work, TMPDIR=work, IPYTHONDIR=work + "/.ipython", MPLCONFIGDIR=work + "/.mpl",
               JUPYTER_CONFIG_DIR=work + "/.jupyter", JUPYTER_DATA_DIR=work + "/.jupyter-data",
               JUPYTER_RUNTIME_DIR=work + "/.jupyter-run", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", BACKPROP_SANDBOX=cfg["base"])
    if "-f" in argv:
        i = argv.index("-f") + 1
        conn = os.path.join(work, "kernel.json")
        shutil.copy(argv[i], conn)
        argv[i] = conn
    if cfg.get("mpl") and os.path.isdir(cfg["mpl"]):  # a prebuilt matplotlib font cache saves each kernel ~0.1 s
        shutil.copytree(cfg["mpl"], work + "/.mpl")
    uid = cfg.get("uid")
    if uid is not None and cfg.get("own_uid"):  # a user id of its own: its process limit and files are its own
        uid += os.getpid()
    if uid is not None:
        for d, _, files in os.walk(work):
            os.chown(d, uid, cfg["gid"])
            for f in files:
                os.chown(os.path.join(d, f), uid, cfg["gid"])
    if cfg.get("ns"):
        libc = ctypes.CDLL(None, use_errno=True)
        def mount(src, target, fstype, flags, data=None):
            enc = lambda v: v.encode() if isinstance(v, str) else v
            if libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
                raise OSError(ctypes.get_errno(), f"mount {target}")
        RDONLY, NOSUID, NODEV, NOEXEC, REMOUNT, BIND, REC, PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
        if libc.unshare(0x00020000 | 0x20000000) != 0:  # CLONE_NEWNS | CLONE_NEWPID
            raise OSError(ctypes.get_errno(), "unshare")
        mount(None, "/", None, REC | PRIVATE)
        keep = [p for p in cfg["keep"] + [work] if os.path.exists(p)]
        fds = {p: os.open(p, os.O_PATH) for p in keep}
        for h in cfg["hide"]:
            if os.path.isdir(h):
                mount("tmpfs", h, "tmpfs", NOSUID | NODEV, "mode=755,size=64k")
        for p, fd in fds.items():
            os.makedirs(p, exist_ok=True)
            mount(f"/proc/self/fd/{fd}", p, None, BIND | REC)
            os.close(fd)
        skip = ("/proc", "/sys", "/dev")
        for line in open("/proc/self/mountinfo"):
            point = line.split()[4].encode().decode("unicode_escape")
            if point == work or point.startswith(skip):
                continue
            opts = line.split()[5].split(",")
            flags = REMOUNT | BIND | RDONLY | sum(f for o, f in (("nosuid", NOSUID), ("nodev", NODEV), ("noexec", NOEXEC)) if o in opts)
            try:
                mount(None, point, None, flags)
            except OSError:
                pass
        child = os.fork()
        if child:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for sig in (signal.SIGTERM, *forward):
                signal.signal(sig, lambda n, _: os.kill(child, n))
            while True:
                try:
                    _, status = os.waitpid(child, 0)
                    break
                except ChildProcessError:
                    os._exit(1)
                except InterruptedError:
                    continue
            os._exit(os.waitstatus_to_exitcode(status) % 256)
        mount("proc", "/proc", "proc", NOSUID | NODEV | NOEXEC)
        for cap in range(64):  # no capabilities left: no unmounting, no ptrace, no raw devices
            libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP
    os.chdir(work)
    lim = cfg["limits"]
    for name, key in [("RLIMIT_CPU", "cpu"), ("RLIMIT_AS", "as"), ("RLIMIT_FSIZE", "fsize"), ("RLIMIT_CORE", "core")]:
        if lim.get(key) is not None and hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (lim[key], lim[key]))
            except (ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS
                pass
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (lim["nproc"], lim["nproc"]))
        os.setgroups([])
        os.setgid(cfg["gid"])
        os.setuid(uid)
    if cfg.get("ns"):  # the namespace's first process dies with the launcher (and takes every process in it along)
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, after the user switch that would clear it
    return argv, env
"""

LAUNCHER = ENTER + r"""
cfg = json.loads(sys.argv[1])
argv, env = enter(cfg, sys.argv[2:])
os.execve(argv[0], argv, env)
"""


_ISOLATION = {}


def _probe(cfg):
    """Does a launcher with cfg start this Python with numpy, ipykernel and the course package?"""
    probe = subprocess.run(launch_argv(cfg, [sys.executable, "-c", "import numpy, ipykernel, backprop.reference"]),
                           capture_output=True, text=True, timeout=120)
    return probe.returncode == 0, (probe.stderr.strip().splitlines() or ["?"])[-1]


OWN_UID_BASE = 1_000_000  # sandbox k runs as uid OWN_UID_BASE + its launcher's pid (no passwd entry needed)


def isolation():
    """What the launcher can do here (probed once): a user id per sandbox, mount+PID namespaces.

    Returns {'user', 'uid', 'gid', 'own_uid', 'ns', 'why'}. As root, every sandbox runs as a user id of
    its own (so the process-count limit, its files and its signals are its own), else as `nobody`,
    when that user can read the interpreter, venv and course package (a pyenv Python under a private
    /root cannot be used). Namespaces need root with CAP_SYS_ADMIN (unshare, mount).
    """
    if _ISOLATION:
        return _ISOLATION
    _ISOLATION.update(user=None, uid=None, gid=None, own_uid=False, ns=False)
    if os.geteuid() != 0:
        _ISOLATION["why"] = "not root: student code runs as the instructor's own user, with rlimits only"
        return _ISOLATION
    base = make_base()
    why = []
    try:
        ok, err = _probe(launcher_config(base, probing=True, ns=True))
        _ISOLATION["ns"] = ok
        why.append("private mount and PID namespaces (course, gradebook, other students hidden; "
                   "file system read-only; no capabilities)" if ok else f"no namespaces ({err})")
        try:
            pw = pwd.getpwnam("nobody")
        except KeyError:
            pw = None
        gid = pw.pw_gid if pw else 65534
        users = [("a user id of its own per sandbox", dict(uid=OWN_UID_BASE, gid=gid, own_uid=True))]
        users += [("'nobody'", dict(uid=pw.pw_uid, gid=gid, own_uid=False))] if pw else []
        errors = []
        for label, ids in users:
            cfg = launcher_config(base, probing=True, ns=_ISOLATION["ns"])
            cfg.update(ids)
            ok, err = _probe(cfg)
            if ok:
                _ISOLATION.update(user=label, **ids)
                why.append(f"runs as {label}")
                break
            errors.append(f"{label}: {err}")
        else:
            why.append("runs as root: cannot run this Python as another user (" + "; ".join(errors) + ")")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    _ISOLATION["why"] = "; ".join(why) + "; rlimits"
    return _ISOLATION


def make_base():
    """A private base folder for sandboxed working folders: others may enter it, not list it."""
    base = tempfile.mkdtemp(prefix="backprop-sandbox-")
    os.chmod(base, 0o711)
    return base


def launcher_config(base, limits=None, hide=(), probing=False, ns=None):
    """The launcher's configuration: working folders under base; hide these folders (with the course)."""
    iso = {"uid": None, "gid": None, "ns": False, "own_uid": False} if probing else isolation()
    import backprop
    from . import ROOT
    keep = {os.path.realpath(p) for p in (os.path.dirname(backprop.__file__), sys.prefix, sys.base_prefix,
                                          os.path.dirname(os.path.realpath(sys.executable)))}
    hidden = {os.path.realpath(p) for p in (ROOT, os.path.expanduser("~"), base, *hide)}
    hidden = sorted(h for h in hidden if h != "/" and os.path.isdir(h))
    keep = sorted(k for k in keep if any(k.startswith(h + os.sep) for h in hidden))
    return {"base": base, "uid": iso["uid"], "gid": iso["gid"], "own_uid": iso["own_uid"],
            "limits": dict(LIMITS, **(limits or {})), "ns": iso["ns"] if ns is None else ns, "hide": hidden, "keep": keep, "mpl": os.path.join(base, "mpl")}


def prebuild_mpl_cache(cfg):
    """Build matplotlib's font cache once (trusted, not sandboxed) for the launcher to copy into each sandbox."""
    env = dict(os.environ, MPLCONFIGDIR=cfg["mpl"], MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, capture_output=True, timeout=120)


def launch_argv(cfg, argv):
    return [sys.executable, "-c", LAUNCHER, json.dumps(cfg), *argv]


def write_kernelspec(jupyter_path, cfg, argv=None):
    """A `python3` kernelspec under jupyter_path/kernels that starts ipykernel through the launcher (or argv)."""
    folder = Path(jupyter_path) / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    argv = argv or launch_argv(cfg, [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])
    (folder / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": "Python 3 (sandboxed grading)", "language": "python"}))
    return folder


# ---------------------------------------------------------------- plain-data encoding

# ---------------------------------------------------------------- hidden fixtures, built in the parent

def _hidden_body(source):
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


def code_without_magics(source):
    """Cell code with IPython magics and shell lines removed (a %% cell magic drops the cell)."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def hidden_cases(source_nb):
    """[(test grade_id, points, cases)] from the solutions notebook's hidden test cells.

    Each case is (kind, fn, args, refs, want): every call a hidden test makes to a graded function,
    with the graded functions that were swapped for the reference at that moment, and the
    reference answer. Built by running the hidden cells here against recording stand-ins.
    """
    answer_ids = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
                  if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    functions = [f for f in answer_ids if hasattr(reference, f)]
    values = [v for v in answer_ids if v not in functions]  # answers that are data (lesson 10's settings)
    ns = {"__name__": "__hidden__"}
    log = []

    answers = {f: checks.own_copy(getattr(reference, f)) for f in functions}  # reached by no refusal

    def stand_in(name):
        def fn(*args):
            refs = sorted(f for f in functions if ns.get(f) is getattr(reference, f))
            want = answers[name](*copy.deepcopy(args))
            log.append((name, copy.deepcopy(args), refs, copy.deepcopy(want)))
            return want
        fn.__name__ = name
        return fn

    setup = [c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
    exec(compile(_safe_setup(setup[0].source if setup else "import numpy as np"), "<setup>", "exec"), ns)
    for f in functions:
        ns[f] = stand_in(f)
    tests = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and not meta.get("solution")):
            continue
        log.clear()
        value = meta["grade_id"].removeprefix("test_")
        if value in values:  # judged on the student's value, by this cell's own code, in the grader
            tests.append((meta["grade_id"], meta.get("points", 0),
                          [{"fn": value, "value": True, "code": _hidden_body(cell.source), "args": [], "refs": [],
                            "want": None, "strict": False}]))
            continue
        exec(compile(_hidden_body(cell.source), f"<{meta['grade_id']}>", "exec"), ns)
        strict = "isinstance" in cell.source
        cases = [{"fn": n, "args": a, "refs": r, "want": w, "strict": strict} for n, a, r, w in log]
        tests.append((meta["grade_id"], meta.get("points", 0), cases))
        for f in functions:  # a with_reference block must not leak into the next cell
            ns[f] = stand_in(f)
    return tests


def judge_value(case, value):
    """None when the hidden cell's own code accepts the student's value (plain data), else why not.

    The code is the course's (a hidden test cell), run here in the grader with nothing of the
    student's but the decoded value; what it prints is dropped.
    """
    import contextlib
    import io
    if isinstance(value, Foreign):
        return f"{case['fn']}: is not plain data ({value.name})"
    ns = {"__name__": "__hidden__", case["fn"]: value}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("import numpy as np\n" + case["code"], f"<test_{case['fn']}>", "exec"), ns)
    except AssertionError as failure:
        return f"{case['fn']}: {failure}"
    except Exception as exc:
        return f"{case['fn']}: raised {type(exc).__name__}: {exc}"
    return None


def _safe_setup(source):
    """The setup cell without magics and without the drawing modules (not needed to call functions)."""
    lines = []
    for line in code_without_magics(source).splitlines():
        if re.match(r"\s*from backprop import", line):
            continue
        lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------- the child

CHILD = r"""
import json, os, signal, sys
out = os.fdopen(os.dup(1), "w")
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1); os.dup2(null, 2)
job = json.loads(sys.stdin.read())
import copy, types
import numpy as np
import backprop
from backprop import reference
from backprop.checks import reference_forbidden
for stub in ("pictures", "widgets"):
    mod = types.ModuleType("backprop." + stub)
    sys.modules["backprop." + stub] = mod
    setattr(backprop, stub, mod)
ENCODE = job["encode"]
exec(ENCODE)
def emit(obj):
    out.write(json.dumps(obj) + "\n"); out.flush()
class Timeout(BaseException):
    pass
def alarm(*_):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
ns = {"__name__": "__main__"}
for k, (name, code) in enumerate(job["cells"]):
    if k in job["skip"]:
        continue
    emit({"cell_start": k})
    try:
        signal.setitimer(signal.ITIMER_REAL, job["cell_timeout"])
        exec(compile(code, name, "exec"), ns)
        signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if k not in job["noted"]:
            emit({"cell": name, "error": type(exc).__name__})
for i, case in enumerate(job["cases"]):
    if i < job["start"]:
        continue
    emit({"start": i})
    saved = {r: ns.get(r) for r in case["refs"]}
    try:
        for r in case["refs"]:
            ns[r] = getattr(reference, r)
        if case["value"]:  # an answer that is data: sent back as plain data, judged by the grader
            emit({"case": i, "got": encode(ns.get(case["fn"])), "after": []}); continue
        fn = ns.get(case["fn"])
        if not callable(fn):
            emit({"case": i, "error": "missing"}); continue
        args = [decode(a) for a in case["args"]]
        signal.setitimer(signal.ITIMER_REAL, job["case_timeout"])
        with reference_forbidden(case["fn"]):
            got = fn(*args)
        signal.setitimer(signal.ITIMER_REAL, 0)
        emit({"case": i, "got": encode(got), "after": [encode(a) for a in args]})
    except BaseException as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        emit({"case": i, "error": type(exc).__name__, "message": str(exc)[:500]})
    finally:
        ns.update(saved)
emit({"done": 1})
os._exit(0)
"""


def _encoder_source():
    """The source of encode/decode/Foreign for the child (read once: inspect's ast.parse is not thread-safe)."""
    with _ENCODER_LOCK:
        if not _ENCODER:
            import inspect
            _ENCODER.append("\n".join(inspect.getsource(f) for f in (encode, decode, Foreign)))
    return _ENCODER[0]


_ENCODER, _ENCODER_LOCK = [], threading.Lock()


def student_cells(nb, strip=True):
    """[(label, code)] of every code cell a student wrote or may have added, in order (magics removed)."""
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta and not meta.get("solution"):
            continue
        cells.append((f"<cell {meta.get('grade_id', i)}>", code_without_magics(cell.source) if strip else cell.source))
    return cells


def _talk(argv, payload, wall, limit=16 * 1024 ** 2):
    """Run argv in its own session, feed payload, read stdout lines until a done line, EOF or wall seconds.

    The whole process group is killed afterwards (forked children included). Returns (lines, timed_out, rc).
    """
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.stdin.write(payload.encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    fd, buf, timed_out = proc.stdout.fileno(), b"", False
    deadline = time.monotonic() + wall
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk or len(buf) > limit:
            break
        buf += chunk
        if buf.endswith(b'{"done": 1}\n'):
            break
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    proc.stdout.close()
    return buf.decode("utf-8", "replace").splitlines(), timed_out, proc.returncode


def run_check(cells, setup, tests, cfg, case_timeout=5.0, cell_timeout=None, wall=60.0, spawn=None):
    """Run the student's cells and every case of tests in sandboxed children; return per-case results.

    A child that dies or hangs is killed: if it was running a code cell, a new child runs again
    without that cell; if it was running a case, that case fails and a new child goes on with the
    next one. `spawn(python_args)` gives the argv of a sandboxed Python (default: the launcher; `grade`
    passes the zygote's stubs). Returns (results: one dict or None per flat case index, notes).
    """
    argv = spawn(["-c", CHILD]) if spawn else launch_argv(cfg, [sys.executable, "-c", CHILD])
    flat = [case for _, _, cases in tests for case in cases]
    cell_timeout = cell_timeout or 2 * case_timeout
    job = {"cells": [("<setup>", _safe_setup(setup))] + list(cells), "encode": _encoder_source(),
           "cases": [{"fn": c["fn"], "args": [encode(a) for a in c["args"]], "refs": c["refs"],
                      "value": bool(c.get("value"))} for c in flat],
           "case_timeout": case_timeout, "cell_timeout": cell_timeout, "skip": [], "noted": [], "start": 0}
    results, notes = [None] * len(flat), []
    deadline = time.monotonic() + wall
    for _ in range(len(flat) + len(job["cells"]) + 1):
        lines, timed_out, rc = _talk(argv, json.dumps(job),
                                     max(1.0, deadline - time.monotonic()))
        current, cell, done = None, None, False
        for line in lines[:10 * (len(flat) + len(job["cells"])) + 100]:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            if "cell_start" in msg:
                cell = msg["cell_start"]
            elif "start" in msg:
                current, cell = msg["start"], None
            elif "case" in msg and isinstance(msg["case"], int) and 0 <= msg["case"] < len(flat):
                if results[msg["case"]] is None:
                    results[msg["case"]] = msg
            elif "cell" in msg:
                notes.append(f"{msg['cell']} raised {msg.get('error')} outside the kernel")
                job["noted"].append(cell)
            elif "done" in msg:
                done = True
        if done:
            break
        why = "hit the time limit" if timed_out else f"died (exit code {rc})"
        if time.monotonic() >= deadline:
            notes.append(f"check process {why}; out of time for this notebook")
            break
        if cell is not None and current is None:
            notes.append(f"{job['cells'][cell][0]} {why} outside the kernel: run again without it")
            job["skip"].append(cell)
            continue
        if current is None:
            notes.append(f"check process {why} before running anything")
            break
        results[current] = results[current] or {"error": f"the process {why}"}
        notes.append(f"{flat[current]['fn']} on a hidden case: the process {why}")
        job["start"] = current + 1
        if job["start"] >= len(flat):
            break
    return results, notes


def reap(base):
    """Kill every process still carrying this sandbox's marker (forks a student left behind); return how many."""
    marker = f"BACKPROP_SANDBOX={base}".encode()
    killed = 0
    if not os.path.isdir("/proc"):
        return 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if marker in fh.read().split(b"\0"):
                    os.kill(int(pid), signal.SIGKILL)
                    killed += 1
        except (OSError, ProcessLookupError):
            continue
    return killed


def score_results(tests, results):
    """{test grade_id: (score, max, reason or None)} comparing the child's answers in this process."""
    scores, i = {}, 0
    for grade_id, points, cases in tests:
        reason = None if cases else "no calls recorded"
        for case in cases:
            res = results[i] if i < len(results) else None
            i += 1
            if reason:
                continue
            if isinstance(res, dict) and "message" in res:
                reason = f"{case['fn']}: " + checks.explain_exception(
                    case["fn"], copy.deepcopy(case["args"]), str(res["error"]), str(res["message"]))
                continue
            if not isinstance(res, dict) or "error" in res or "got" not in res:
                reason = f"{case['fn']}: " + (str(res.get("error")) if isinstance(res, dict) else "no answer")
                continue
            try:
                got = decode(res["got"])
                after = [decode(a) for a in res["after"]]
            except Exception:
                reason = f"{case['fn']}: unreadable answer"
                continue
            if case.get("value"):
                reason = judge_value(case, got)
                continue
            difference = checks.compare(got, case["want"])
            if difference is None and case["strict"] and type(case["want"]) is float and not isinstance(got, float):
                difference = checks.Difference(f"returned {type(got).__name__}, but it should return a Python float")
            changed = checks.changed_argument(case["fn"], case["args"], after) if difference is None else None
            if changed:
                reason = f"{case['fn']}: {changed}"
            elif difference is not None:
                reason = f"{case['fn']}: " + checks.explain(case["fn"], copy.deepcopy(case["args"]), got, difference)
        scores[grade_id] = (0.0 if reason else float(points), float(points), reason)
    return scores
