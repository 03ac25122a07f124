"""Grading kernels forked from a warm Python: the same sandbox, without paying for imports each time.

A fresh kernel spends about 0.5 s starting Python, ipykernel, numpy and matplotlib, and the lesson's
setup cell another 0.35 s importing the course package. The zygote is one trusted process that
imports all of that once (no student code ever runs in it), listens on a Unix socket in the grading
scratch folder, and forks a child for every kernel. The child enters the sandbox exactly as
``sandbox.LAUNCHER`` does (``sandbox.ENTER``: working folder, namespaces, rlimits, own user id) and
runs ipykernel in-process instead of exec'ing a new Python.

jupyter_client starts, interrupts and kills a *stub* (``STUB``, the kernelspec's argv): the stub
hands the zygote its stdin/stdout/stderr and asks for a kernel, forwards SIGINT/SIGTERM to it, and
exits with the kernel's exit code. When the stub dies (jupyter_client kills it), the zygote kills
the kernel's whole process group, so no kernel outlives its stub. The out-of-kernel checks use the
same stubs with ``-c CODE`` instead of a kernel.

    python -m grader.zygote SOCKET CONFIG_JSON      (started by `grade`, stopped when it ends)
"""
import json
import os
import select
import signal
import socket
import sys

PRELOAD = ["numpy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "IPython",
           "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipywidgets",
           "backprop.reference", "backprop.checks", "backprop.mistakes", "backprop.pictures", "backprop.widgets"]

STUB = r"""
import json, os, signal, socket, sys
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect(sys.argv[1])
socket.send_fds(conn, [json.dumps({"argv": sys.argv[2:], "env": dict(os.environ)}).encode() + b"\n"], [0, 1, 2])
replies = conn.makefile("rb")
pid = json.loads(replies.readline() or b'{"exit": 1}').get("pid")
if pid is None:
    sys.exit(1)
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, lambda n, _: os.kill(pid, n))
line = replies.readline()
os._exit(json.loads(line).get("exit", 1) if line else 1)
"""

KERNEL_ARGS = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]


def stub_argv(socket_path, python_args=KERNEL_ARGS):
    """argv of a stub that runs `python PYTHON_ARGS` (a kernel, or `-c CODE`) in a sandbox forked by the zygote.

    The stub's stdin, stdout and stderr become the sandboxed program's.
    """
    return [sys.executable, "-I", "-S", "-c", STUB, str(socket_path), *python_args]


def _preload(cfg):
    os.environ.update(MPLBACKEND="Agg", MPLCONFIGDIR=cfg["mpl"], OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                      MKL_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    import importlib
    for name in PRELOAD:
        importlib.import_module(name)


def _child(cfg, argv, env, fds, enter):
    """In the forked child: take the stub's stdio and environment, enter the sandbox, run argv; never returns."""
    try:
        os.environ.clear()
        os.environ.update(env)
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.setsid()
        argv, env = enter(cfg, list(argv), forward=(signal.SIGINT,))
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(env)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path[:] = [p for p in sys.path if p not in ("", root)]
        for name in [n for n in sys.modules if n == "grader" or n.startswith("grader.")]:
            del sys.modules[name]
        import numpy
        numpy.random.seed()  # a fork shares the zygote's random state; a fresh process would not
        if argv[0] == "-c":
            sys.argv = ["-c", *argv[2:]]
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
        elif argv[:2] == ["-m", "ipykernel_launcher"]:
            _run_kernel(argv[2:])
        else:
            raise SystemExit(f"the zygote runs kernels and -c CODE, not {argv[:2]}")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        os._exit(code)
    except BaseException:
        import traceback
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def _run_kernel(args):
    """ipykernel in this process, as `python -m ipykernel_launcher ARGS` would run it."""
    from ipykernel.kernelapp import IPKernelApp
    sys.argv = ["ipykernel_launcher", *args]
    # class-level defaults were read from the zygote's environment at import: give the kernel its own
    app = IPKernelApp.instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
                               interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0))
    app.initialize(args)
    sys.modules["ipywidgets"]._handle_ipython()  # what importing ipywidgets inside a kernel does
    app.start()


def _request(stub):
    """(argv, env, fds) a stub sent: its python arguments, its environment, its stdin, stdout and stderr."""
    data, fds, _, _ = socket.recv_fds(stub, 1 << 20, 3)
    while not data.endswith(b"\n"):
        more = stub.recv(1 << 20)
        if not more:
            raise ValueError("stub hung up")
        data += more
    request = json.loads(data)
    return request["argv"], request["env"], fds


def serve(socket_path, cfg):
    """Accept kernel requests on socket_path until the parent goes away; one forked kernel per request."""
    from grader import sandbox
    namespace = {}
    exec(compile(sandbox.ENTER, "<sandbox.ENTER>", "exec"), namespace)
    enter = namespace["enter"]
    _preload(cfg)
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path))
    os.chmod(socket_path, 0o600)
    listener.listen(64)
    kernels = {}  # stub connection -> kernel pid
    print("ready", flush=True)
    while os.getppid() == parent:
        ready, _, _ = select.select([listener, *kernels], [], [], 0.2)
        for conn in ready:
            if conn is listener:
                stub, _ = listener.accept()
                stub.settimeout(10)
                try:
                    argv, env, fds = _request(stub)
                except (OSError, ValueError):
                    stub.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in kernels:
                        other.close()
                    stub.close()
                    _child(cfg, argv, env, fds, enter)
                for fd in fds:
                    os.close(fd)
                try:
                    stub.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                except OSError:
                    _kill(pid)
                    stub.close()
                    continue
                kernels[stub] = pid
            else:  # the stub went away (killed or exited): its kernel goes too
                _kill(kernels.pop(conn))
                conn.close()
        _reap(kernels)
    for pid in kernels.values():
        _kill(pid)


def _kill(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(kernels):
    """Tell each stub whose kernel exited its exit code."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for stub, kernel in list(kernels.items()):
            if kernel == pid:
                try:
                    stub.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status) % 256}).encode() + b"\n")
                except OSError:
                    pass
                _kill(pid)
                stub.close()
                del kernels[stub]


def start(socket_path, cfg, log_path, env):
    """Start the zygote (the caller's child) and wait until it listens; returns the Popen."""
    import subprocess
    from . import ROOT
    env = dict(env, PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "grader.zygote", str(socket_path), json.dumps(cfg)],
                            stdout=subprocess.PIPE, stderr=log, env=env, cwd=cfg["base"])
    log.close()
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    if not ready or proc.stdout.readline().strip() != b"ready":
        proc.kill()
        raise RuntimeError(f"the kernel zygote did not start; see {log_path}")
    return proc


if __name__ == "__main__":
    serve(sys.argv[1], json.loads(sys.argv[2]))
