"""nbgrader's formgrader, really started: a `jupyter lab` on a temp course, read by HTTP (`api`) or in Chromium.

Formgrader reads nbgrader_config.py from the server's *working directory*, not from its root_dir, so
the server runs from the course's grader/ folder (root_dir: the course root, which must not lie above
root_dir). Started anywhere else it fails silently: an empty assignment list and a new empty
gradebook.db in that directory; `serve` checks the API lists the lesson before any page.
"""
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

SERVER_TIMEOUT = 90     # s: server ready (2 to 4 s here)
STOP_TIMEOUT = 15       # s
# Inherited settings that would change what the server grades against or whether it may grade unwalled.
NOT_INHERITED = ("BACKPROP_GRADEBOOK_URL", "BACKPROP_GRADE_NO_WALL")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    """os.environ without NOT_INHERITED (the gradebook is the temp course's sqlite file), plus extra."""
    return dict({k: v for k, v in os.environ.items() if k not in NOT_INHERITED}, **extra)


@contextlib.contextmanager
def serve(course, base, lesson, log_copy=None, **env):
    """A `jupyter lab` serving course from its grader/ folder, listing lesson: yields (url, token).

    base: an empty folder for the server's state; log_copy: where its log is copied at the end;
    env: extra environment variables of the server process. Killed (process group) on exit.
    """
    port, token = free_port(), secrets.token_hex(16)
    env = clean_env(PYTHONUNBUFFERED="1", JUPYTER_RUNTIME_DIR=str(base / "runtime"),
                    JUPYTER_DATA_DIR=str(base / "data"), JUPYTER_CONFIG_DIR=str(base / "config"),
                    JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
                    JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"), **env)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course.root}",
           "--ServerApp.log_level=WARN", f"--Exchange.root={base / 'exchange'}"]
    (base / "exchange").mkdir()  # else formgrader warns that /usr/local/share/nbgrader/exchange is missing
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = base / "jupyter-lab.log"
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        # cwd = grader/: that is where formgrader looks for nbgrader_config.py.
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=course.root / "grader", start_new_session=True)
        try:
            listed = [a["name"] for a in _wait_ready(proc, url, token, log_path)]
            assert lesson in listed, f"formgrader lists {listed}: it did not find the course's nbgrader_config.py"
            yield url, token
        finally:
            _stop(proc)
            if log_copy is not None:
                log_copy.write_bytes(log_path.read_bytes())


def api(url, token, path, timeout=30):
    """GET formgrader's /formgrader/api/<path> as JSON."""
    req = urllib.request.Request(f"{url}/formgrader/api/{path}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def _wait_ready(proc, url, token, log_path):
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            return api(url, token, "assignments", timeout=5)
        except (OSError, urllib.error.URLError):
            try:  # not answering yet: wait for the server to exit (the error above), at most 0.2 s
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
    raise RuntimeError(f"formgrader not ready after {SERVER_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")


def _stop(proc):
    """SIGTERM the server's process group, then SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
    try:  # children the server left (kernels are not started here, but be sure)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
