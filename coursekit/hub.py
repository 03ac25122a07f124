"""The class hub in tests: throwaway system users, a private exchange, the course as its instructor, a hub.

Everything here needs root (useradd, files owned by others, servers run as other users): the tests
that use it skip when not root, the benchmarks that use it (benchmarks/hub_*.py) run as root. Users,
groups and the exchange folder are made per test module with a random prefix and deleted afterwards;
the students' environment (classhub/prepare.py, about two minutes the first time) is shared with
`classhub/start` under CLASSHUB_PREFIX and reused.

classhub/ holds the hub's own scripts, not a package: importing this module puts that folder on sys.path,
so that `prepare`, `safety` and `limits` import as the hub itself imports them (`limits` is re-exported here
for the benchmarks, which import only installed packages).
"""
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .course import ROOT

sys.path.insert(0, str(ROOT / "classhub"))
import limits  # noqa: E402,F401 (classhub/limits.py: a cgroup per student)
import prepare  # noqa: E402 (classhub/prepare.py)

HUB_START_TIMEOUT = 120   # s: hub and proxy answering (about 5 s here)
UNVERIFIED = ssl._create_unverified_context()  # the tests' self-signed certificates
STOP_TIMEOUT = 20         # s


def need_root():
    """Skip unless root: the hub's tests create system users and act as them."""
    import pytest
    if os.geteuid() != 0:
        pytest.skip("the class hub tests create system users (useradd) and run as them: run them as root "
                    "(.ci/run does)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClassHubSetup:
    """Groups, an exchange folder and the students' environment for one test module."""

    def __init__(self):
        tag = secrets.token_hex(3)
        self.tag = f"bp{tag}"
        self.base = Path(tempfile.mkdtemp(prefix=f"classhub-test-{tag}-", dir="/srv"))
        os.chmod(self.base, 0o755)
        self.env = dict(os.environ, CLASSHUB_EXCHANGE=str(self.base / "exchange"),
                        CLASSHUB_STATE=str(self.base / "state"), CLASSHUB_EXCHANGE_SIZE="256M",
                        CLASSHUB_STUDENTS_GROUP=f"{self.tag}-students",
                        CLASSHUB_INSTRUCTORS_GROUP=f"{self.tag}-instructors")
        self.users = []
        self.s = prepare.prepare(self.env)  # students' env (reused), roles, groups, exchange
        self.course = self.base / "no-course"  # for hubs that grade nothing: private, root's
        self.course.mkdir(mode=0o700)

    @property
    def inbound(self):
        return self.s["exchange"] / prepare.COURSE_ID / "inbound"

    def add_user(self, role):
        """A new system user in the role's group, home mode 700; returns its name."""
        name = f"{self.tag}{role[0]}{len(self.users)}"
        group = self.s["instructors" if role == "instructor" else "students"]
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, name], check=True)
        os.chmod(Path("/home") / name, 0o700)
        self.users.append(name)
        return name

    def user_env(self, user, role="student"):
        """The environment a user's server gives nbgrader: the role's config folder, the exchange."""
        home = Path("/home") / user if user != "root" else Path(tempfile.gettempdir())
        env = {"HOME": str(home), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
               "PATH": f"{self.s['venv'] / 'bin'}:/usr/bin:/bin",
               "JUPYTER_CONFIG_PATH": str(self.s["jupyter"] / role),
               "CLASSHUB_EXCHANGE": str(self.s["exchange"]), **prepare.runtime(self.s)}
        return env

    def run_as(self, user, args, role="student", cwd=None, check=True, extra_env=None):
        """Run args as user (runuser) with the role's environment; returns the CompletedProcess."""
        env = dict(self.user_env(user, role), **(extra_env or {}))
        cmd = ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or env["HOME"], timeout=300)
        if check:
            assert result.returncode == 0, f"{user}: {' '.join(args)} exited {result.returncode}:\n" \
                                           f"{result.stdout}\n{result.stderr}"
        return result

    def nbgrader(self, user, *args, role="student", **kw):
        """Run the students' environment's nbgrader as user."""
        return self.run_as(user, [str(self.s["venv"] / "bin" / "nbgrader"), *args], role=role, **kw)

    def instructor_nbgrader(self, course, *args, extra_env=None, check=True):
        """nbgrader as the instructor (root here) on course, from its grader/ folder, with the instructor role."""
        env = dict(os.environ, **self.user_env("root", "instructor"))
        env.update(HOME=os.environ.get("HOME", "/root"), CLASSHUB_COURSE=str(course))
        env.update(extra_env or {})
        cmd = [str(self.s["venv"] / "bin" / "nbgrader"), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(course) / "grader", env=env,
                                timeout=600)
        assert not check or result.returncode == 0, \
            f"instructor: nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return result

    def cleanup(self):
        for user in self.users:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)  # this user's processes only
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        for group in (self.s["students"], self.s["instructors"]):
            subprocess.run(["groupdel", group], capture_output=True)
        prepare.release_exchange_disk(self.s)
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def class_hub_setup():
    setup = ClassHubSetup()
    try:
        yield setup
    finally:
        setup.cleanup()


class Hub:
    """`classhub/start` running (JupyterHub + configurable-http-proxy): students log in with one shared
    password, instructors with the admin password; `env` adds CLASSHUB_* settings (a certificate...)."""

    def __init__(self, setup, log_path, course=None, env=None, args=()):
        self.setup, self.log_path, self.course = setup, Path(log_path), course
        self.args = list(args)  # to jupyterhub itself, e.g. --JupyterHub.slow_spawn_timeout=180
        self.port, self.password = free_port(), secrets.token_urlsafe(12)
        self.admin_password = secrets.token_urlsafe(32)
        self.extra = dict(env or {})
        scheme = "https" if "CLASSHUB_SSL_CERT" in self.extra else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        env = dict(self.setup.env, CLASSHUB_AUTH="shared-password", CLASSHUB_SHARED_PASSWORD=self.password,
                   CLASSHUB_ADMIN_PASSWORD=self.admin_password,
                   CLASSHUB_IP="127.0.0.1", CLASSHUB_PORT=str(self.port), CLASSHUB_HUB_PORT=str(free_port()),
                   CLASSHUB_PROXY_API_PORT=str(free_port()), CLASSHUB_COURSE=str(self.course or self.setup.course),
                   CLASSHUB_STATE=str(self.setup.base / f"state-{self.port}"))  # its own database and pid files
        env.update(self.extra)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(ROOT / "classhub" / "start"), *self.args], cwd=ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"classhub/start exited {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2, context=UNVERIFIED):
                    return self
            except (OSError, urllib.error.URLError):
                try:  # not answering yet: wait for the hub to exit (the error above), at most 0.3 s
                    self.proc.wait(timeout=0.3)
                except subprocess.TimeoutExpired:
                    pass
        raise RuntimeError(f"the hub did not answer within {HUB_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self):
        """SIGTERM the hub's process group (hub, proxy); the hub stops the users' servers first."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(STOP_TIMEOUT)
        self._log.close()

    def log_tail(self, chars=6000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def call(self, token, method, path, body=None, timeout=200):
        """(HTTP status, decoded JSON body or None) of one REST call to the hub, as token's owner."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None

    def api(self, token, method, path, body=None, timeout=200):
        """The decoded JSON body (or None) of one REST call to the hub."""
        return self.call(token, method, path, body, timeout)[1]

    def start_server(self, token, user, timeout=300):
        """Ask the hub to start user's server and poll until it is ready; seconds taken."""
        t0 = time.monotonic()
        self.api(token, "POST", f"/hub/api/users/{user}/server")
        while time.monotonic() - t0 < timeout:
            if self.api(token, "GET", f"/hub/api/users/{user}")["servers"].get("", {}).get("ready"):
                return time.monotonic() - t0
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server not ready after {timeout} s")


def assert_private(setup, intruder, submission):
    """As intruder (a real second student), list the inbound, read, overwrite and rename another's submission: all must fail."""
    notebook = next(submission.glob("*.ipynb"))
    listing = setup.run_as(intruder, ["ls", str(setup.inbound)], check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr, f"{intruder} listed the inbound: {listing}"
    read = setup.run_as(intruder, ["cat", str(notebook)], check=False)
    assert read.returncode != 0 and "Permission denied" in read.stderr, f"{intruder} read {notebook}: {read}"
    write = setup.run_as(intruder, ["sh", "-c", f"echo forged > '{notebook}'"], check=False)
    assert write.returncode != 0 and "Permission denied" in write.stderr, f"{intruder} overwrote {notebook}: {write}"
    rename = setup.run_as(intruder, ["mv", str(submission), f"{submission}-gone"], check=False)
    assert rename.returncode != 0 and submission.is_dir(), f"{intruder} renamed {submission}: {rename}"
    return [listing, read, write, rename]


def submission_of(setup, student, lesson):
    """The one folder student has in the inbound for lesson (root looks)."""
    found = sorted(p for p in setup.inbound.iterdir() if p.name.startswith(f"{student}+{lesson}+"))
    assert len(found) == 1, f"expected one submission of {student} in {setup.inbound}, found {found}"
    return found[0]


def meminfo_gib(field):
    """A /proc/meminfo field (MemTotal, MemAvailable) in GiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024 ** 2
    raise RuntimeError(f"no {field} in /proc/meminfo")
