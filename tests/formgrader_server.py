"""nbgrader's formgrader, really started: a `jupyter server` (nbgrader's server extensions) on a course, read by HTTP.

The server runs from the course's grader/ folder (formgrader reads nbgrader_config.py from its working
directory) with the course root as root_dir, a token, a free port of 127.0.0.1 and Jupyter's state in
a folder of its own; it is stopped (its process group) on exit, on failure too.
"""
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from postgres import free_port

READY_TIMEOUT = 90  # s (2 to 4 s here)
STOP_TIMEOUT = 15   # s


class Formgrader:
    """`with Formgrader(course_root, state_dir, env) as fg: fg.api("submissions/01_error")`."""

    def __init__(self, course_root, state, env=None):
        self.course, self.state = Path(course_root), Path(state)
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.state / "jupyter-server.log"
        self.env = dict(env if env is not None else os.environ, PYTHONUNBUFFERED="1",
                        **{var: str(self.state / sub) for var, sub in [
                            ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
                            ("JUPYTER_CONFIG_DIR", "config")]})
        self.proc = None

    def __enter__(self):
        (self.state / "exchange").mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               "--port-retries=0", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.course}",
               "--ServerApp.log_level=WARN", f"--Exchange.root={self.state / 'exchange'}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                         cwd=self.course / "grader", start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def api(self, path, timeout=30):
        """GET /formgrader/api/<path> as JSON."""
        req = urllib.request.Request(f"{self.url}/formgrader/api/{path}",
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                return self.api("assignments", timeout=5)
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"formgrader not ready after {READY_TIMEOUT} s:\n{self.log()}")

    def stop(self):
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        if self.proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(STOP_TIMEOUT)
                break
            except subprocess.TimeoutExpired:
                continue
