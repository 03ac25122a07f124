"""JupyterHub for one class on one machine: each student's JupyterLab runs as their own system user.

Started by `classhub/start` (as root, from the repository, with the course's .venv), after
classhub/prepare.py made the students' environment, the role configs and the exchange.

Who may log in: members of the Unix groups CLASSHUB_STUDENTS_GROUP and CLASSHUB_INSTRUCTORS_GROUP
(defaults backprop-students, backprop-instructors); every one must be a system user (useradd), since
their server runs as that user with their home as its folder (keep homes mode 700).

Login (CLASSHUB_AUTH):
- `pam` (default): the users' system passwords (JupyterHub's PAMAuthenticator).
- `shared-password`: one password for every student, CLASSHUB_SHARED_PASSWORD (8+ characters), for a
  workshop and for the tests; JupyterHub's SharedPasswordAuthenticator. Whoever knows it can log in
  as any student. Instructors cannot use it: they log in with CLASSHUB_ADMIN_PASSWORD (32+
  characters, JupyterHub's admin_password), and the hub refuses to start with instructors and no
  admin password.
- The school's login: add a branch to `_authenticator()` below. OAuth/OpenID Connect (Google, GitHub, Azure AD, Keycloak...): `pip install oauthenticator`, then
  `c.JupyterHub.authenticator_class = "generic-oauth"` and its client id/secret/URLs, plus
  `c.Authenticator.allowed_users`/`allowed_groups`; an LMS (Moodle, Canvas) through LTI 1.3:
  `pip install jupyterhub-ltiauthenticator`, `c.JupyterHub.authenticator_class = "lti13"`. The user
  names these give must exist as system users (or use `c.LocalAuthenticator.create_system_users`).

Roles: students get nbgrader's Assignments tab (fetch, validate, submit, fetch feedback) and no
formgrader; instructors get formgrader and course management on the course CLASSHUB_COURSE (default
/srv/backprop-course, made by prepare.py from this checkout's solutions; never the checkout itself,
which root runs; it is their server's root folder, since formgrader works only on a course inside
that folder) and are hub admins. Each role is a Jupyter config folder put first on the server's
JUPYTER_CONFIG_PATH (classhub/jupyter/student, classhub/jupyter/instructor, copied by prepare.py).

Refused at start (classhub/safety.py; each can be switched off only by name in CLASSHUB_INSECURE):
plain HTTP beyond 127.0.0.1 (`http`: give CLASSHUB_SSL_CERT and CLASSHUB_SSL_KEY, or listen on
127.0.0.1 behind a TLS proxy with CLASSHUB_PUBLIC_URL=https://...), code root runs or a course others can change or read
(`permissions`), the exchange on the machine's own disk (`exchange-disk`), and no per-student
limits (`no-limits`, classhub/limits.py: CLASSHUB_MEM_LIMIT,
CLASSHUB_CPU_LIMIT, CLASSHUB_TASKS_LIMIT). Idle servers are stopped after CLASSHUB_IDLE_TIMEOUT
seconds (default 3600; jupyterhub-idle-culler as a hub service).
"""
import grp
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import limits  # noqa: E402 (classhub/limits.py: a cgroup per student)
import prepare  # noqa: E402 (classhub/prepare.py: the shared settings)
import safety  # noqa: E402 (classhub/safety.py: what the hub refuses to start without)

c = get_config()  # noqa: F821 (provided by traitlets)
S = prepare.settings()
HERE = Path(prepare.HERE)
COURSE = str(S["course"])
OFF = S["insecure"]


def members(group):
    """User names in a Unix group (its listed members; primary-group members are not listed)."""
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def _authenticator():
    """PAM (system passwords) or one shared password; see the module docstring for a school's login."""
    auth = os.environ.get("CLASSHUB_AUTH", "pam")
    if auth == "shared-password":
        password = os.environ.get("CLASSHUB_SHARED_PASSWORD", "")
        if len(password) < 8:
            sys.exit("classhub: CLASSHUB_AUTH=shared-password needs CLASSHUB_SHARED_PASSWORD (8 or more characters)")
        instructors, admin_password = members(S["instructors"]), os.environ.get("CLASSHUB_ADMIN_PASSWORD", "")
        if instructors and not admin_password:
            sys.exit("classhub: CLASSHUB_AUTH=shared-password with instructors in the group "
                     f"{S['instructors']} needs CLASSHUB_ADMIN_PASSWORD (32 or more characters, not the students' "
                     "password): with one password for everyone, any student could log in as an instructor")
        c.JupyterHub.authenticator_class = "shared-password"
        c.SharedPasswordAuthenticator.user_password = password
        # admin_users must log in with admin_password; the students' password never logs them in.
        c.SharedPasswordAuthenticator.admin_users = instructors
        if admin_password:
            c.SharedPasswordAuthenticator.admin_password = admin_password
        # Users are read from the groups at start: restart the hub after adding students.
        c.Authenticator.allowed_users = members(S["students"]) | instructors
    elif auth == "pam":
        c.JupyterHub.authenticator_class = "pam"
        c.PAMAuthenticator.allowed_groups = {S["students"], S["instructors"]}
        c.Authenticator.admin_users = members(S["instructors"])  # the hub's admin page: start/stop servers
    else:
        sys.exit(f"classhub: CLASSHUB_AUTH={auth!r}: use pam or shared-password (or edit _authenticator())")


def _role_environment(spawner):
    """Per-user environment: the role's config folder, the exchange, the course for instructors."""
    name = spawner.user.name
    role = "instructor" if name in members(S["instructors"]) else "student"
    if safety.private_home(name):
        spawner.log.warning("classhub: %s's home folder was open to others: made it 0700", name)
    spawner.environment.update(prepare.runtime(S))
    spawner.environment.update({
        "JUPYTER_CONFIG_PATH": str(S["jupyter"] / role),
        "CLASSHUB_EXCHANGE": str(S["exchange"]),
        "PATH": f"{S['venv'] / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # a terminal's python is the course's
    })
    if role == "instructor":
        # formgrader only works on a course inside the server's root folder: the course is the root.
        spawner.environment["CLASSHUB_COURSE"] = COURSE
        if os.environ.get("BACKPROP_GRADEBOOK_URL"):  # the course's gradebook server (e.g. PostgreSQL)
            spawner.environment["BACKPROP_GRADEBOOK_URL"] = os.environ["BACKPROP_GRADEBOOK_URL"]
        spawner.notebook_dir = COURSE
    spawner.log.info("classhub: starting %s's server as a %s", name, role)


def _scripts_token():
    """CLASSHUB_SERVICE_TOKEN (unset: none): a hub service that may start and use servers, for scripts
    such as benchmarks/hub_capacity.py."""
    token = os.environ.get("CLASSHUB_SERVICE_TOKEN")
    if token:
        c.JupyterHub.services.append({"name": "classhub-scripts", "api_token": token})
        c.JupyterHub.load_roles.append({"name": "classhub-scripts", "services": ["classhub-scripts"],
                                        "scopes": ["list:users", "read:users", "servers", "access:servers"]})


def _refuse_unsafe():
    """Exit with every problem classhub/safety.py finds, except those switched off by name."""
    problems = []
    if "http" not in OFF:
        problems += safety.transport_problems(c.JupyterHub.ip, os.environ.get("CLASSHUB_SSL_CERT"),
                                              os.environ.get("CLASSHUB_SSL_KEY"), os.environ.get("CLASSHUB_PUBLIC_URL"))
    if "permissions" not in OFF:
        problems += safety.code_problems(prepare.ROOT) + safety.course_problems(COURSE, S["students"], prepare.ROOT)
    if "no-limits" not in OFF:
        why = limits.probe()
        if why:
            problems.append(f"students' servers cannot be limited: {why}. Where systemd runs, use "
                            "jupyterhub-systemdspawner; or run without limits by name: "
                            f"{safety.INSECURE_ENV}=no-limits")
    if problems:
        sys.exit("classhub: refusing to start:\n- " + "\n- ".join(problems))


def _idle_culler():
    """jupyterhub-idle-culler as a hub service: servers idle for CLASSHUB_IDLE_TIMEOUT seconds are stopped."""
    timeout = int(os.environ.get("CLASSHUB_IDLE_TIMEOUT", "3600"))
    every = max(5, min(300, timeout // 2))
    c.JupyterHub.services.append({"name": "idle-culler", "command": [
        sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={timeout}", f"--cull-every={every}"]})
    c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"], "scopes": [
        "list:users", "read:users:activity", "read:servers", "delete:servers"]})


c.JupyterHub.services, c.JupyterHub.load_roles = [], []
_authenticator()
_scripts_token()
_idle_culler()
c.JupyterHub.ip = os.environ.get("CLASSHUB_IP", "0.0.0.0")
c.JupyterHub.port = int(os.environ.get("CLASSHUB_PORT", "8000"))
c.JupyterHub.hub_port = int(os.environ.get("CLASSHUB_HUB_PORT", "8081"))
c.JupyterHub.db_url = f"sqlite:///{S['state'] / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(S["state"] / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(S["state"] / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(S["state"] / "jupyterhub-proxy.pid")
if os.environ.get("CLASSHUB_PROXY_API_PORT"):
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['CLASSHUB_PROXY_API_PORT']}"

if os.environ.get("CLASSHUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["CLASSHUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ.get("CLASSHUB_SSL_KEY", "")
if os.environ.get("CLASSHUB_PUBLIC_URL"):  # behind a TLS proxy
    c.JupyterHub.public_url = os.environ["CLASSHUB_PUBLIC_URL"]
if c.JupyterHub.ssl_cert or os.environ.get("CLASSHUB_PUBLIC_URL", "").startswith("https://"):
    # Every cookie Secure: the session's (JupyterHub does that for https) and the form's _xsrf too.
    c.JupyterHub.tornado_settings = {"cookie_options": {"secure": True}}
_refuse_unsafe()

c.JupyterHub.spawner_class = "localprocess" if "no-limits" in OFF else limits.LimitedSpawner
c.LimitedSpawner.memory = os.environ.get("CLASSHUB_MEM_LIMIT", "1G")
c.LimitedSpawner.cpus = float(os.environ.get("CLASSHUB_CPU_LIMIT", "1"))
c.LimitedSpawner.tasks = int(os.environ.get("CLASSHUB_TASKS_LIMIT", "512"))
c.Spawner.cmd = [str(S["venv"] / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.pre_spawn_hook = _role_environment
c.Spawner.start_timeout = 120   # s: a loaded machine starting many servers at 9:00
c.Spawner.http_timeout = 120
