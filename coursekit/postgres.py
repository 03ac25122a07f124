"""A real, throwaway PostgreSQL server (tests, benchmarks): Debian's `postgresql` binaries, run as an ordinary user.

`Server(tmp)` runs initdb and pg_ctl in a fresh folder (data directory, Unix socket and log inside it),
listening on a free TCP port of 127.0.0.1 with password authentication, and makes one login role and
one database per gradebook (`server.database(name)` -> its SQLAlchemy URL). `server.stop()` (also done
by the context manager, on failure too) stops it fast and removes the folder.

initdb refuses to run as root, and the tests run as root in CI: as root the server runs as the system
user `postgres` (which Debian's package creates), else as a throwaway system user made with `useradd`;
as anyone else it runs as that user. The binaries are looked for in $BACKPROP_POSTGRES_BIN, then
/usr/lib/postgresql/<newest>/bin, then PATH. `missing()` says why none can start (tests skip with it,
or fail under BACKPROP_REQUIRE_POSTGRES=1, which .ci/run sets: the `pg` fixture in tests/conftest.py).
"""
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN_ENV = "BACKPROP_POSTGRES_BIN"
REQUIRE_ENV = "BACKPROP_REQUIRE_POSTGRES"
SYSTEM_USERS = ("postgres", "backprop-pg")  # as root: the first that exists, else the last is created
START_TIMEOUT = 60  # s for pg_ctl start -w (about 0.2 s here)
INSTALL_HINT = "install it: `sudo apt-get install postgresql` (Debian/Ubuntu; .ci/run does this)"


def bindir():
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates = [os.environ.get(BIN_ENV)] if os.environ.get(BIN_ENV) else []
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                      if p.parent.name.isdigit() else 0, reverse=True)
    candidates += [str(p) for p in versions]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    return next((Path(c) for c in candidates if (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists()),
                None)


def missing():
    """Why a test server cannot start here (a sentence for a skip), or '' when it can."""
    if bindir() is None:
        where = os.environ.get(BIN_ENV) or "/usr/lib/postgresql/*/bin or PATH"
        return f"PostgreSQL not found (no initdb and pg_ctl in {where}): {INSTALL_HINT}"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the PostgreSQL driver psycopg is not installed: `make setup-dev` installs it (requirements-dev.txt)"
    return ""


def free_port():
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_user():
    """The user name the server runs as: this user, or (as root) an unprivileged system user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in SYSTEM_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    name = SYSTEM_USERS[-1]
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    return name


class Server:
    """A running PostgreSQL server in its own temp folder; superuser `postgres` with a random password."""

    def __init__(self, parent=None):
        self.bin = bindir()
        if self.bin is None:
            raise RuntimeError(missing())
        self.user = server_user()
        self.home = Path(tempfile.mkdtemp(prefix="backprop-pg-", dir=parent))
        self.data, self.log = self.home / "data", self.home / "server.log"
        self.port, self.password = free_port(), secrets.token_hex(12)
        self.started = False
        account = pwd.getpwnam(self.user)
        os.chown(self.home, account.pw_uid, account.pw_gid)
        try:
            self._initdb()
            self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", str(START_TIMEOUT), "-o",
                      f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
            self.started = True
        except BaseException:
            self.stop()
            raise

    def _initdb(self):
        secret = self.home / "pwfile"
        secret.write_text(self.password + "\n")
        account = pwd.getpwnam(self.user)
        os.chown(secret, account.pw_uid, account.pw_gid)
        secret.chmod(0o600)
        try:
            # TCP needs the password (a wrong one must fail); the Unix socket in our folder trusts its owner.
            self._run("initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--no-sync",
                      "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={secret}")
        finally:
            secret.unlink()

    def _run(self, tool, *args):
        """Run a PostgreSQL binary as the server's user; raise with its output when it fails."""
        cmd = [str(self.bin / tool), *map(str, args)]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.home, timeout=START_TIMEOUT + 30)
        if result.returncode != 0:
            log = self.log.read_text()[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{log}")
        return result.stdout

    def url(self, database="postgres", user="postgres", password=None, driver="postgresql"):
        """A SQLAlchemy URL of this server over TCP (driver: 'postgresql' is psycopg 3 in SQLAlchemy 2.1)."""
        return f"{driver}://{user}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement, database="postgres"):
        """Run one statement as the superuser (autocommit); return the fetched rows or None."""
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=self.password,
                             dbname=database, connect_timeout=10, autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else None

    def database(self, name):
        """Make a login role and a database it owns, both called name; return the role's URL to it."""
        password = secrets.token_hex(12)
        self.sql(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        self.sql(f"CREATE DATABASE \"{name}\" OWNER \"{name}\"")
        return self.url(name, name, password)

    def dump(self, database):
        """{table: sorted rows} of every table of a database: compare before and after to see nothing changed."""
        tables = [t for (t,) in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database)]
        return {t: sorted(map(repr, self.sql(f'SELECT * FROM "{t}"', database))) for t in sorted(tables)}

    def stop(self):
        """Stop the server (fast shutdown, then immediate) and remove its folder."""
        if self.started:
            for mode in ("fast", "immediate"):
                try:
                    self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")
                    break
                except (RuntimeError, subprocess.TimeoutExpired):
                    continue
            self.started = False
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

