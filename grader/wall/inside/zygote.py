"""The zygote: one warm Python inside the wall that forks every kernel and check process of a grading process.

    python zygote.py CONFIG_JSON        (started by grader.wall.Wall, inside bubblewrap or not)

Starting Python, ipykernel, numpy, matplotlib and the course package costs about 1.3 s; the zygote
pays it once (no student code ever runs in it) and forks a child per request. A request comes from a
stub (stub.py, the program jupyter_client or the check starts outside the wall) over a Unix socket
the Wall listens on and hands over as an inherited file descriptor (the socket's path is not inside
the wall): the stub's argv (`-m ipykernel_launcher ...`, `-c CODE`, `-m MODULE` or `SCRIPT`), its
environment, and its stdin, stdout and stderr. The child becomes the program in a fresh working
folder, its own session, the wall's user id (when the wall was started as root) and rlimits.

Messages are JSON lines. From a stub: {"run": argv, "env": {...}} (+ 3 fds), then {"signal": n}.
To it: {"pid": n}, later {"exit": code}. When a stub hangs up, its child's process group is killed.
From the Wall: {"reset": 1} -> every process in the wall but the zygote (and init) killed -> {"killed": n}.
The zygote exits when its parent goes (bubblewrap's init, or the grading process when unwalled).
"""
import importlib
import json
import os
import select
import signal
import socket
import sys

import jail

REQUEST_BYTES = 1 << 20
STDIO = 3  # stdin, stdout, stderr: the file descriptors a stub hands over
POLL_SECONDS = 0.2
HERE = os.path.dirname(os.path.abspath(__file__))


def preload(names):
    """Import every module named (once, here, so that each forked child has them for free)."""
    for name in names:
        importlib.import_module(name)


def receive(conn):
    """(message, fds) of a new connection's first JSON line (fds: those a stub passed with it)."""
    data, fds, _, _ = socket.recv_fds(conn, REQUEST_BYTES, STDIO)
    while not data.endswith(b"\n"):
        more = conn.recv(REQUEST_BYTES)
        if not more:
            raise ValueError("hung up before the end of its request")
        data += more
    return json.loads(data), fds


def send(conn, message):
    """Send one JSON line; False when the other side is gone."""
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
        return True
    except OSError:
        return False


def kill_group(pid):
    """SIGKILL a child's whole process group (it leads its own session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Zygote:
    """The accept loop: stubs get forked children, the Wall gets resets."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.listener = socket.socket(fileno=cfg["listen_fd"])
        self.children = {}  # stub connection -> child pid
        self.parent = os.getppid()
        self.marker = None if cfg["walled"] else cfg["marker"].encode()

    def serve(self):
        """Answer requests until the parent goes away."""
        while os.getppid() == self.parent:
            ready, _, _ = select.select([self.listener, *self.children], [], [], POLL_SECONDS)
            for conn in ready:
                if conn is self.listener:
                    self.accept()
                else:
                    self.from_stub(conn)
            self.report_exits()
        for conn in list(self.children):
            self.drop(conn)

    def accept(self):
        """One new connection: a stub's run request or the Wall's reset."""
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        try:
            message, fds = receive(conn)
        except (OSError, ValueError):
            conn.close()
            return
        if "reset" in message:
            killed = self.reset()
            send(conn, {"killed": killed})
            conn.close()
        elif "run" in message and len(fds) == STDIO:
            self.fork(conn, message, fds)
        else:
            for fd in fds:
                os.close(fd)
            conn.close()

    def fork(self, conn, message, fds):
        """Fork the child for a stub's request and tell the stub its pid."""
        pid = os.fork()
        if pid == 0:
            for other in (self.listener, conn, *self.children):
                other.close()
            Child(self.cfg, message, fds).run()
        for fd in fds:
            os.close(fd)
        conn.settimeout(None)
        self.children[conn] = pid
        if not send(conn, {"pid": pid}):
            self.drop(conn)

    def from_stub(self, conn):
        """A stub forwards a signal, or hung up (then its child's process group goes)."""
        try:
            data = conn.recv(REQUEST_BYTES)
        except OSError:
            data = b""
        if not data:
            self.drop(conn)
            return
        for line in data.splitlines():
            try:
                signum = int(json.loads(line)["signal"])
                os.killpg(self.children[conn], signum)
            except (ValueError, KeyError, TypeError, ProcessLookupError, PermissionError):
                continue

    def drop(self, conn):
        """Forget a stub: kill its child's process group, close the connection."""
        pid = self.children.pop(conn, None)
        if pid is not None:
            kill_group(pid)
        conn.close()

    def report_exits(self):
        """Tell the stub of every child that exited its exit code, then let it go."""
        for pid, code in jail.reap().items():
            for conn, child in list(self.children.items()):
                if child == pid:
                    send(conn, {"exit": code % 256})
                    self.drop(conn)

    def reset(self):
        """Kill every process of the previous notebook: all in the wall but the zygote; returns how many."""
        killed = jail.sweep({os.getpid()}, self.marker)
        for conn in list(self.children):
            self.drop(conn)
        jail.reap()
        return killed


class Child:
    """In the forked child: become the requested program in the wall's conditions; never returns."""

    def __init__(self, cfg, message, fds):
        self.cfg, self.argv, self.requested, self.fds = cfg, list(message["run"]), message.get("env", {}), fds

    def run(self):
        """Set up, then run the program; exit with its exit code."""
        try:
            self.set_up()
            self.start()
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

    def set_up(self):
        """Own session, the stub's stdio, the wall's user and limits, a fresh working folder and environment."""
        os.setsid()
        for target, fd in enumerate(self.fds):
            os.dup2(fd, target)
        for fd in self.fds:
            if fd >= STDIO:
                os.close(fd)
        connection = self.read_connection_file()  # jupyter_client writes it 0600: read before the user switch
        if self.cfg["uid"] is not None:
            jail.become(self.cfg["uid"], self.cfg["gid"])
        jail.set_limits(self.cfg["limits"])
        work = jail.fresh_folder(self.cfg["work"])
        os.chdir(work)
        if connection is not None:
            path = os.path.join(work, "kernel.json")
            with open(path, "w") as fh:
                fh.write(connection)
            self.argv[self.argv.index("-f") + 1] = path
        os.environ.clear()
        os.environ.update(jail.environment(self.requested, work, self.cfg["env"]))
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.path[:] = [p for p in sys.path if p != HERE]
        import numpy
        numpy.random.seed()  # a fork shares the zygote's random state; a fresh process would not

    def read_connection_file(self):
        """The text of the kernel's connection file (argv `-f PATH`), or None for other programs."""
        if "-f" not in self.argv[:-1]:
            return None
        with open(self.argv[self.argv.index("-f") + 1]) as fh:
            return fh.read()

    def start(self):
        """Run the program as `python ARGV` would: a kernel, -c CODE, -m MODULE or a script."""
        import runpy
        argv = self.argv
        if argv[:2] == ["-m", "ipykernel_launcher"]:
            sys.path.insert(0, os.getcwd())
            run_kernel(argv[2:])
        elif argv[:1] == ["-c"] and len(argv) > 1:
            sys.path.insert(0, "")
            sys.argv = ["-c", *argv[2:]]
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
        elif argv[:1] == ["-m"] and len(argv) > 1:
            sys.path.insert(0, os.getcwd())
            sys.argv = [argv[1], *argv[2:]]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        elif argv and not argv[0].startswith("-"):
            sys.path.insert(0, os.path.dirname(os.path.realpath(argv[0])))
            sys.argv = list(argv)
            runpy.run_path(argv[0], run_name="__main__")
        else:
            raise SystemExit(f"the zygote runs a kernel, -c CODE, -m MODULE or a script, not {argv[:2]}")


def run_kernel(args):
    """ipykernel in this process, as `python -m ipykernel_launcher ARGS` would run it."""
    from ipykernel.kernelapp import IPKernelApp
    sys.argv = ["ipykernel_launcher", *args]
    # parent_handle: the kernel ends when the zygote does (class defaults were read at the zygote's import)
    app = IPKernelApp.instance(parent_handle=os.getppid(), interrupt=0)
    app.initialize(args)
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"]._handle_ipython()  # what importing ipywidgets inside a kernel does
    app.start()


def main(cfg):
    """Preload, say ready on stdout, serve."""
    zygote = Zygote(cfg)
    preload(cfg["preload"])
    print("ready", flush=True)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    zygote.serve()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
