"""The class hub refuses to run unsafe, and holds when it runs: real `classhub/start`, real system users.

- shared-password login never logs anyone in as an instructor with the students' password, and the
  hub refuses to start with instructors and no admin password;
- plain HTTP beyond 127.0.0.1 is refused; with a certificate the hub speaks HTTPS and its cookies are Secure;
- a course every user can open is refused; home folders useradd left open are made private;
- a student's server runs in a cgroup of its own: memory over the limit kills only their kernel, a
  fork bomb stops at the task limit, and the hub keeps answering; idle servers are stopped.
"""
import http.cookiejar
import os
import re
import secrets
import select
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from coursekit.hub import UNVERIFIED, Hub, class_hub_setup, need_root
import prepare  # noqa: E402,I001 (classhub/prepare.py, on sys.path through coursekit.hub)

pytestmark = [pytest.mark.hub]

MEMORY = "400M"
TASKS = 160
CULL_SECONDS = 10


@pytest.fixture(scope="module")
def setup():
    need_root()
    with class_hub_setup() as setup:
        setup.instructor = setup.add_user("instructor")
        setup.student = setup.add_user("student")
        yield setup


def refused(setup, tmp_path, **env):
    """classhub/start with env must exit before serving; returns its output."""
    hub = Hub(setup, tmp_path / f"refused-{secrets.token_hex(3)}.log", env=env)
    with pytest.raises(RuntimeError, match="exited") as info:
        hub.start()
    hub.stop()
    return str(info.value)


class Browser:
    """Cookies and the hub's login form over HTTP(S), as a browser would send them."""

    def __init__(self, hub):
        self.hub, self.jar = hub, http.cookiejar.CookieJar()
        self.headers = []
        https = urllib.request.HTTPSHandler(context=UNVERIFIED)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), https, NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            resp = self.opener.open(self.hub.url + path, data=body, timeout=30)
        except urllib.error.HTTPError as err:
            resp = err
        self.headers += resp.headers.get_all("Set-Cookie") or []
        return resp.status

    def login(self, user, password):
        """HTTP status of the login form's POST (302: logged in, 403: refused)."""
        self.request("/hub/login")
        xsrf = next(c.value for c in self.jar if c.name == "_xsrf")
        return self.request("/hub/login?next=", {"username": user, "password": password, "_xsrf": xsrf})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_shared_password_needs_an_admin_password_for_instructors(setup, tmp_path):
    out = refused(setup, tmp_path, CLASSHUB_ADMIN_PASSWORD="")
    assert "needs CLASSHUB_ADMIN_PASSWORD" in out, out


def test_the_students_password_never_logs_in_an_instructor(setup, tmp_path):
    hub = Hub(setup, tmp_path / "login.log")
    try:
        hub.start()
        assert Browser(hub).login(setup.instructor, hub.password) == 403, "an instructor logged in with the students' password"
        assert Browser(hub).login(setup.student, hub.admin_password) == 403, "a student logged in with the admin password"
        assert Browser(hub).login(setup.instructor, hub.admin_password) == 302
        assert Browser(hub).login(setup.student, hub.password) == 302
    finally:
        hub.stop()


def test_plain_http_beyond_this_machine_is_refused(setup, tmp_path):
    out = refused(setup, tmp_path, CLASSHUB_IP="0.0.0.0")
    assert "plain HTTP" in out and "CLASSHUB_SSL_CERT" in out and "CLASSHUB_INSECURE=http" in out, out


def test_https_with_secure_cookies(setup, tmp_path):
    cert, key = tmp_path / "hub.crt", tmp_path / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    hub = Hub(setup, tmp_path / "tls.log", env={"CLASSHUB_SSL_CERT": str(cert), "CLASSHUB_SSL_KEY": str(key)})
    try:
        hub.start()
        assert hub.url.startswith("https://")
        browser = Browser(hub)
        assert browser.login(setup.student, hub.password) == 302
        session = [h for h in browser.headers if h.startswith("jupyterhub-")]
        assert session and all("Secure" in h for h in session), browser.headers
        assert all("Secure" in h for h in browser.headers if h.startswith("_xsrf")), browser.headers
    finally:
        hub.stop()


def test_a_course_others_can_open_is_refused(setup, tmp_path):
    course = setup.base / "open-course"
    course.mkdir(mode=0o755)
    os.chmod(course, 0o755)
    out = refused(setup, tmp_path, CLASSHUB_COURSE=str(course))
    assert f"every user can open the course {course}" in out, out


def test_open_home_folders_are_made_private(setup):
    home = Path("/home") / setup.student
    os.chmod(home, 0o755)
    prepare.prepare(setup.env)
    assert home.stat().st_mode & 0o777 == 0o700


# The hub answers a server's start or stop only once it is done (201 / 204), so the tests wait on that answer.
WAIT_FOR_SERVERS = ["--JupyterHub.slow_spawn_timeout=180", "--JupyterHub.slow_stop_timeout=120"]


def _server(hub, token, user):
    return hub.api(token, "GET", f"/hub/api/users/{user}")["servers"].get("", {})


def _start_server(hub, token, user):
    """Start user's server; the hub (WAIT_FOR_SERVERS) answers 201 once it is ready."""
    status, _ = hub.call(token, "POST", f"/hub/api/users/{user}/server")
    assert status == 201, f"{user}'s server was not ready when the hub answered ({status}):\n{hub.log_tail()}"


def _stop_server(hub, token, user):
    """Stop user's server; the hub (WAIT_FOR_SERVERS) answers 204 once it and its post-stop hook are done."""
    status, _ = hub.call(token, "DELETE", f"/hub/api/users/{user}/server")
    assert status == 204, f"{user}'s server had not stopped when the hub answered ({status}):\n{hub.log_tail()}"


def _exits_within(pid, seconds):
    """Whether process pid ends within seconds (a pidfd becomes readable when it does)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def _kernel(hub, token, user):
    """A started kernel of user's server and a client connected to it (root reads its connection file)."""
    from jupyter_client import BlockingKernelClient
    kernel = hub.api(token, "POST", f"/user/{user}/api/kernels", {"name": "python3"})
    conn = Path(f"/home/{user}/.local/share/jupyter/runtime/kernel-{kernel['id']}.json")
    assert conn.exists(), "the server answered with a kernel but wrote no connection file"  # written before it answers
    client = BlockingKernelClient(connection_file=str(conn))
    client.load_connection_file()
    client.start_channels(hb=False)
    client.wait_for_ready(timeout=60)
    return kernel, client


def _run(client, code, timeout=120):
    out = []
    reply = client.execute_interactive(code, timeout=timeout,
                                       output_hook=lambda m: out.append(m["content"].get("text", "")))
    return reply["content"]["status"], "".join(out)


@pytest.fixture(scope="module")
def limited(setup, tmp_path_factory):
    """A hub whose students get MEMORY and TASKS, and one student's server running: (hub, token)."""
    token = secrets.token_hex(32)
    hub = Hub(setup, tmp_path_factory.mktemp("limits") / "jupyterhub.log",
              env={"CLASSHUB_MEM_LIMIT": MEMORY, "CLASSHUB_TASKS_LIMIT": str(TASKS), "CLASSHUB_SERVICE_TOKEN": token},
              args=WAIT_FOR_SERVERS)
    try:
        hub.start()
        _start_server(hub, token, setup.student)
        yield hub, token
    finally:
        hub.stop()


def _groups_of(pid):
    return dict(line.split(":", 2)[1:] for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines())


def test_a_students_memory_is_theirs_alone(setup, limited):
    hub, token = limited
    found = subprocess.run(["pgrep", "-u", setup.student, "-f", "jupyterhub-singleuser"], capture_output=True, text=True)
    pid = int(found.stdout.split()[0])
    memory = _groups_of(pid)["memory"]
    assert memory.endswith(f"/classhub/{setup.student}"), _groups_of(pid)
    limit = Path(f"/sys/fs/cgroup/memory{memory}/memory.limit_in_bytes").read_text()
    assert int(limit) == 400 * 2 ** 20
    kernel, client = _kernel(hub, token, setup.student)
    try:
        status, out = _run(client, "import os; print(os.getpid())")
        hog = int(out)
        assert status == "ok" and _groups_of(hog)["memory"] == memory, "the kernel is outside the student's group"
        client.execute("hog = []\nwhile True:\n    hog.append(bytearray(50 * 2**20))")
        assert _exits_within(hog, 90), "a kernel allocated without bound for 90 s and lived"  # the OOM killer
    finally:
        client.stop_channels()
    with urllib.request.urlopen(f"{hub.url}/hub/health", timeout=10) as resp:
        assert resp.status == 200
    assert _server(hub, token, setup.student).get("ready"), "the student's server itself died"


def test_a_fork_bomb_stops_at_the_task_limit(setup, limited):
    hub, token = limited
    kernel, client = _kernel(hub, token, setup.student)
    try:
        status, out = _run(client, FORK_BOMB, timeout=120)
    finally:
        client.stop_channels()
    forked = int(re.search(r"forked (\d+)", out).group(1))
    assert status == "ok" and 0 < forked < TASKS, out
    with urllib.request.urlopen(f"{hub.url}/hub/health", timeout=10) as resp:
        assert resp.status == 200


BOMB = """
import os, signal
children = []
try:
    for _ in range(10_000):
        pid = os.fork()
        if pid == 0:
            signal.pause()  # a child waits for the SIGKILL below
            os._exit(0)
        children.append(pid)
except OSError as err:
    print("stopped:", err)
print("forked", len(children), flush=True)
for pid in children:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
"""
# Run from the notebook as a program of its own (forking the kernel's own threads is not what is tested).
FORK_BOMB = f"""
import subprocess, sys
done = subprocess.run([sys.executable, "-c", {BOMB!r}], capture_output=True, text=True, timeout=90)
print(done.stdout, done.stderr)
"""


def test_dev_shm_holds_no_more_than_a_students_memory_and_is_emptied(setup, limited):
    """/dev/shm is memory: what a student writes there counts against their limit and goes when their server stops."""
    hub, token = limited
    found = subprocess.run(["pgrep", "-u", setup.student, "-f", "jupyterhub-singleuser"], capture_output=True, text=True)
    groups = _groups_of(int(found.stdout.split()[0]))
    procs = [Path(f"/sys/fs/cgroup/{c}{groups[c]}/cgroup.procs") for c in ("memory", "pids", "cpu")]
    target = Path(f"/dev/shm/fill-{setup.student}")

    def join_students_group():  # the filler runs as one of the student's own processes would
        for path in procs:
            path.write_text(str(os.getpid()))
    subprocess.run(["runuser", "-u", setup.student, "--", "dd", "if=/dev/zero", f"of={target}", "bs=16M", "count=100"],
                   preexec_fn=join_students_group, capture_output=True, timeout=120)
    assert target.exists() and target.stat().st_size <= 400 * 2 ** 20, target.stat().st_size
    _stop_server(hub, token, setup.student)
    assert not _server(hub, token, setup.student), "the server did not stop"
    assert not target.exists(), "the student's /dev/shm file outlived their server"


def test_the_exchange_cannot_fill_the_disk(setup):
    """The exchange is a filesystem of its own: a student filling their submission folder fills only that."""
    exchange = setup.s["exchange"]
    assert os.path.ismount(exchange), f"{exchange} is on the machine's own disk"
    folder = exchange / "backprop" / "inbound" / f"{setup.student}+01_error+filler"
    done = setup.run_as(setup.student, ["sh", "-c", f"mkdir '{folder}' && head -c 400000000 /dev/zero > '{folder}/big'"],
                        check=False)
    assert done.returncode != 0 and "No space left" in done.stderr, done  # 400 MB into the tests' 256 MB exchange
    assert (folder / "big").stat().st_dev != os.stat("/").st_dev
    assert (folder / "big").stat().st_size < 256 * 2 ** 20
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def test_idle_servers_are_stopped(setup, tmp_path):
    token = secrets.token_hex(32)
    hub = Hub(setup, tmp_path / "cull.log", env={"CLASSHUB_IDLE_TIMEOUT": str(CULL_SECONDS),
                                                 "CLASSHUB_SERVICE_TOKEN": token, "CLASSHUB_INSECURE": "no-limits"},
              args=WAIT_FOR_SERVERS)
    idle = setup.add_user("student")  # before the hub starts: it reads the groups then
    try:
        hub.start()
        _start_server(hub, token, idle)
        found = subprocess.run(["pgrep", "-u", idle, "-f", "jupyterhub-singleuser"], capture_output=True, text=True)
        assert _exits_within(int(found.stdout.split()[0]), 120), f"the idle server was not stopped:\n{hub.log_tail()}"
        assert f"Culling server {idle}" in hub.log_tail(50_000)  # logged by the culler before it stops the server
    finally:
        hub.stop()
