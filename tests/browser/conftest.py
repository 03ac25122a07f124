"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium for the session.

JupyterLab serves a temp copy of the notebooks (autosave writes outputs back) with user settings in a
temp dir; every test gets a fresh browser context and its kernel sessions are deleted afterwards.
Every wait is bounded, so a hang fails a test instead of stalling CI.
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from coursekit.course import ROOT
from jlab import screenshot_if_failed

# Where Chromium is looked for: $BACKPROP_CHROMIUM alone when set (any Chromium or Chrome binary),
# else Debian's /usr/bin/chromium, `chromium` on PATH, Homebrew's Chromium.app on macOS.
CHROMIUM_ENV = "BACKPROP_CHROMIUM"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium"]
# Set by .ci/run, which installs Chromium: there a missing browser FAILS the browser tests instead of skipping them.
REQUIRE_ENV = "BACKPROP_REQUIRE_BROWSER"
MISSING = "Chromium not found"  # the start of every skip reason for a missing browser (counted at the end)
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
SERVER_START_TIMEOUT = 90  # seconds; measured 2 to 4 s on an idle machine
STOP_TIMEOUT = 15

# User settings for the test server: no news toast, no update check, no extension manager calls to PyPI.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running `jupyter lab`: its URL, token and served root directory, plus a little REST."""

    def __init__(self, root, log_path):
        self.root, self.log_path = Path(root), Path(log_path)
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.timings = []  # (test id, {phase: seconds}) rows written to timings.txt at the end

    def start(self, settings_dir, workspaces_dir):
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
               "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.log_level=WARN"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
                   JUPYTERLAB_WORKSPACES_DIR=str(workspaces_dir), PYTHONUNBUFFERED="1")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                try:  # not answering yet: wait for the server to exit (the error above), at most 0.2 s
                    self.proc.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    pass
        raise RuntimeError(f"jupyter lab not ready after {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: the server shuts its kernels down
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        self._log.close()

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def api(self, method, path, timeout=10):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def delete_sessions(self):
        """Shut down every kernel session (the server reuses a session per notebook path)."""
        for session in self.api("GET", "/api/sessions") or []:
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=20)
            except urllib.error.HTTPError:
                pass  # already gone

    def tree_url(self, relpath):
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"  # reset: no tabs restored from earlier tests


def find_chromium(environ=os.environ):
    """(path or None, where it was looked for): the Chromium the browser tests drive."""
    chosen = environ.get(CHROMIUM_ENV)
    candidates = [chosen] if chosen else CHROMIUM_CANDIDATES
    for candidate in candidates:
        path = candidate if os.sep in candidate else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return Path(path), candidates
    return None, candidates


@pytest.fixture(scope="session")
def chromium():
    """Path of Chromium; missing means skip locally but FAIL under .ci/run (BACKPROP_REQUIRE_BROWSER=1)."""
    path, looked = find_chromium()
    if path is None:
        where = " or ".join(looked)
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{MISSING} at {where}, and {REQUIRE_ENV}=1 requires it "
                        f"(.ci/run installs it with apt-get; or set {CHROMIUM_ENV})", pytrace=False)
        pytest.skip(f"{MISSING} at {where}: install it (README: 'Browser tests need Chromium') or set {CHROMIUM_ENV}")
    return path


def pytest_terminal_summary(terminalreporter):
    """Say at the very end how many browser tests were skipped for want of Chromium, and why."""
    reasons = [rep.longrepr[2] for rep in terminalreporter.stats.get("skipped", [])
               if isinstance(rep.longrepr, tuple) and MISSING in str(rep.longrepr[2])]
    if reasons:
        reason = reasons[0].removeprefix("Skipped: ")
        count = f"{len(reasons)} browser test{'s' if len(reasons) != 1 else ''}"
        terminalreporter.write_sep("=", "browser tests skipped: Chromium missing", yellow=True, bold=True)
        terminalreporter.write_line(f"{count} skipped: {reason}", yellow=True)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab(chromium, tmp_path_factory, artifacts):
    """One JupyterLab server for the whole session, serving an empty temp dir (tests copy notebooks in)."""
    base = tmp_path_factory.mktemp("lab")
    root, settings, workspaces = base / "root", base / "settings", base / "workspaces"
    for d in (root, settings, workspaces):
        d.mkdir()
    for rel, values in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    server = Lab(root, base / "jupyter-lab.log")
    t0 = time.monotonic()
    try:
        server.start(settings, workspaces)
        server.timings.append(("server start", {"ready": time.monotonic() - t0}))
        yield server
    finally:
        server.stop()
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # each pytest-xdist worker has its own server
        suffix = f"-{worker}" if worker else ""
        shutil.copyfile(server.log_path, artifacts / f"jupyter-lab{suffix}.log")
        lines = [f"{name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
                 for name, phases in server.timings]
        (artifacts / f"timings{suffix}.txt").write_text("\n".join(lines) + "\n")
        print("\nbrowser timings:\n  " + "\n  ".join(lines))


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
                               timeout=60_000)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, lab, artifacts, request):
    """A fresh browser context and page; kernels are shut down afterwards, a failure leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)  # a click or a locator under load (about 1 s idle)
    context.set_default_navigation_timeout(60_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    try:
        yield pg
    finally:
        name = request.node.name.replace("[", "-").replace("]", "").replace("test_", "", 1)
        screenshot_if_failed(request, pg, artifacts / f"FAILED-{name}.png")
        context.close()
        lab.delete_sessions()
