"""Check the gradebook's database before anything is written: one clear message naming the URL and the fix.

`preflight(url)` connects once (SQLAlchemy, 10 s connect timeout) and raises SystemExit when the
database cannot be opened: a URL that does not parse, an unknown or missing driver, no server at
host:port, an unknown host, a wrong password, a missing database. With `graded=True` (export, feedback)
the database must also already hold an nbgrader gradebook. It never creates or changes anything; the
password is masked in every message. `grade`, `export` and `feedback` call it first.
"""
import os
import re
from pathlib import Path

from grader.course import URL_ENV

FORM = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
CONNECT_TIMEOUT = 10  # s: a host that drops packets fails after this instead of hanging


def masked(url):
    """The URL with its password replaced by ***, also when it does not parse."""
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(url))


def preflight(url, graded=False):
    """Return when the gradebook database at url can be opened (and, if graded, holds a gradebook); else SystemExit."""
    problem = _problem(url, graded)
    if problem:
        raise SystemExit(message(url, *problem))


def message(url, cause, fix):
    """The one message shown when the gradebook cannot be opened."""
    source = f"${URL_ENV}" if os.environ.get(URL_ENV) == url else "the gradebook URL"
    return (f"gradebook: cannot open {masked(url)} ({source}): {cause}.\n"
            f"Fix: {fix}. Nothing was written.")


def _problem(url, graded):
    """(cause, fix) when the database cannot be used, else None."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    change = f"set {URL_ENV} to {FORM} (or sqlite:///PATH; unset it for the course's grader/gradebook.db)"
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "this is not a database URL", change
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_problem(parsed, graded)
    args = {"connect_timeout": CONNECT_TIMEOUT} if parsed.get_backend_name() == "postgresql" else {}
    try:
        engine = create_engine(parsed, connect_args=args)
    except NoSuchModuleError:
        return (f"SQLAlchemy knows no database driver {parsed.drivername!r}",
                f"write the URL as {FORM} (`postgresql://` uses psycopg, which `make setup-dev` installs)")
    except ImportError as exc:
        return (f"the driver for {parsed.drivername!r} is not installed ({exc})",
                "use postgresql:// with psycopg (`make setup-dev` installs it), or install that driver")
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    except Exception as exc:  # the driver's own error types differ; its text says what went wrong
        return _connect_problem(parsed, exc, change)
    finally:
        engine.dispose()
    if graded and "assignment" not in tables:
        return ("this database holds no nbgrader gradebook (nothing graded into it yet)",
                f"run `python -m grader grade` with this URL first, or {change}")
    return None


def _sqlite_problem(parsed, graded):
    path = Path(parsed.database or "")
    if not parsed.database or parsed.database == ":memory:":
        return "an in-memory SQLite database keeps no grades", f"name a file: sqlite:///PATH, or unset {URL_ENV}"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist", f"create it, or set {URL_ENV} to another sqlite:///PATH"
    if graded and not path.exists():
        return ("there is no gradebook file yet (nothing graded)",
                "run `python -m grader grade` first, or point the URL at the course's gradebook")
    return None


def _connect_problem(parsed, exc, change):
    """(cause, fix) for a failed connection, from the driver's message."""
    text = str(getattr(exc, "orig", None) or exc)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "password authentication failed" in text or "no password supplied" in text:
        return (f"the server at {where} refused user {parsed.username!r} ({first})",
                f"correct the user name or password in {URL_ENV}")
    if re.search(r'database "[^"]*" does not exist', text):
        return (f"the server at {where} has no database {parsed.database!r}",
                f"create it (`createdb -h {parsed.host} -p {parsed.port or 5432} -U {parsed.username} "
                f"{parsed.database}`) or correct the database name in {URL_ENV}")
    if "could not translate host name" in text or "Name or service not known" in text:
        return f"the host {parsed.host!r} is unknown", f"correct the host in {URL_ENV}"
    if "Connection refused" in text or "No such file or directory" in text:
        return (f"no database server answers at {where} (connection refused)",
                f"start the PostgreSQL server, or correct the host and port in {URL_ENV}")
    if "timeout" in text.lower():
        return (f"no answer from {where} within {CONNECT_TIMEOUT} s",
                f"check that the server runs and the network lets you reach it, or correct {URL_ENV}")
    return f"the connection failed ({first})", change
