"""Grading kernels forked from a warm Python: the same sandbox, without paying for imports each time.

A fresh kernel spends about 0.5 s starting Python, ipykernel, numpy and matplotlib, and the lesson's
setup cell another 0.35 s importing the course package. The zygote is one trusted process that
imports all of that once (no student code ever runs in it), listens on a Unix socket in the grading
scratch folder, and forks a child for every kernel. The child enters the sandbox exactly as
``sandbox.LAUNCHER`` does (``sandbox.ENTER``: working folder, namespaces, rlimits, own user id) and
runs ipykernel in-process instead of exec'ing a new Python.

jupyter_client starts, interrupts and kills a *stub* (``STUB``, the kernelspec's argv): the stub
asks the zygote for a kernel, forwards SIGINT/SIGTERM to it, and exits with the kernel's exit code.
When the stub dies (jupyter_client kills it), the zygote kills the kernel's whole process group, so
no kernel outlives its stub.

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
conn.sendall(json.dumps({"argv": sys.argv[2:]}).encode() + b"\n")
replies = conn.makefile("rb")
pid = json.loads(replies.readline() or b'{"exit": 1}').get("pid")
if pid is None:
    sys.exit(1)
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, lambda n, _: os.kill(pid, n))
line = replies.readline()
os._exit(json.loads(line).get("exit", 1) if line else 1)
"""


def stub_argv(socket_path):
    """The kernelspec argv: a stub that gets its kernel from the zygote listening on socket_path."""
    return [sys.executable, "-I", "-S", "-c", STUB, str(socket_path),
            "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def _preload(cfg):
    os.environ.update(MPLBACKEND="Agg", MPLCONFIGDIR=cfg["mpl"], OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                      MKL_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    import importlib
    for name in PRELOAD:
        importlib.import_module(name)


def _kernel(cfg, argv, enter):
    """In the forked child: enter the sandbox, then run ipykernel with argv's arguments; never returns."""
    try:
        os.setsid()
        argv, env = enter(cfg, list(argv), forward=(signal.SIGINT,))
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(env)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path[:] = [p for p in sys.path if p not in ("", root)]
        for name in [n for n in sys.modules if n == "grader" or n.startswith("grader.")]:
            del sys.modules[name]
        import numpy
        numpy.random.seed()  # a fork shares the zygote's random state; a fresh kernel would not
        from ipykernel.kernelapp import IPKernelApp
        args = argv[argv.index("ipykernel_launcher") + 1:]
        sys.argv = ["ipykernel_launcher"] + args
        app = IPKernelApp.instance()
        app.initialize(args)
        sys.modules["ipywidgets"]._handle_ipython()  # what importing ipywidgets in a kernel does
        app.start()
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


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
                    request = json.loads(stub.makefile("rb").readline())
                except (OSError, ValueError):
                    stub.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in kernels:
                        other.close()
                    stub.close()
                    _kernel(cfg, request["argv"], enter)
                stub.sendall(json.dumps({"pid": pid}).encode() + b"\n")
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
