"""The stub: the program jupyter_client (or the check) starts, standing for a child the zygote forks in the wall.

    python -I -S stub.py SOCKET PYTHON_ARGS...      (argv from Wall.python_argv; runs outside the wall)

It hands the zygote its stdin, stdout and stderr and its arguments, forwards SIGINT, SIGTERM and
SIGHUP as messages (the child's pid lives in the wall's own PID namespace, out of reach of a
signal from here), and exits with the child's exit code. When the stub dies (jupyter_client kills
it), the zygote kills the child's process group. Standard library only, no site: it starts in ~20 ms.
"""
import json
import os
import signal
import socket
import sys

STDIO = [0, 1, 2]
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
FAILED = 1


def main(path, args):
    """Ask the zygote at path to run `python ARGS` with this process's stdio; exit with its code."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError as exc:
        sys.stderr.write(f"grading wall: no zygote at {path} ({exc})\n")
        os._exit(FAILED)
    request = json.dumps({"run": args, "env": dict(os.environ)}).encode() + b"\n"
    socket.send_fds(conn, [request], STDIO)
    replies = conn.makefile("rb")
    first = json.loads(replies.readline() or b"{}")
    if "pid" not in first:
        os._exit(FAILED)

    def forward(signum, _frame):
        try:
            conn.sendall(json.dumps({"signal": signum}).encode() + b"\n")
        except OSError:
            pass

    for sig in FORWARDED:
        signal.signal(sig, forward)
    line = replies.readline()
    os._exit(json.loads(line).get("exit", FAILED) if line else FAILED)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
