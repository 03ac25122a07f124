"""Fail early, and say why, when the Python that `make` would build .venv with cannot install the pins.

Run by `make setup` / `make lab` / `make setup-dev` with the interpreter they use ($(PYTHON)):
    python3.11 tools/check_python.py
The range comes from pyproject.toml's requires-python (today ">=3.11.5,<3.12": soupsieve, pulled in by
JupyterLab through nbconvert, needs 3.11.5). Kept runnable by old Pythons (no tomllib, no new syntax),
so that an old interpreter gets this message and not a traceback.
"""
import os
import re
import sys

PYPROJECT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyproject.toml")


def python_range(pyproject_text):
    """(minimum, below) version tuples from requires-python = ">=X.Y.Z,<A.B"."""
    match = re.search(r'^requires-python\s*=\s*"([^"]*)"', pyproject_text, re.M)
    if not match:
        raise ValueError("pyproject.toml has no requires-python")
    bounds = dict(re.findall(r"(>=|<)\s*([0-9][0-9.]*)", match.group(1)))
    if set(bounds) != {">=", "<"}:
        raise ValueError("requires-python should read \">=X.Y.Z,<A.B\", not %r" % match.group(1))
    return tuple(int(p) for p in bounds[">="].split(".")), tuple(int(p) for p in bounds["<"].split("."))


def show(version):
    return ".".join(str(p) for p in version)


def problem(version, minimum, below):
    """Why this Python version cannot build the course's environment, or None when it can."""
    version = tuple(version[:3])
    if minimum <= version < below:
        return None
    return ("Python {0} cannot install the course's pinned packages: they need Python >= {1} and < {2}.\n"
            "Give make another interpreter, e.g.  make lab PYTHON=/path/to/python3.11  (3.11.5 or newer).\n"
            "Ways to get one: your package manager, python.org, pyenv or `uv python install 3.11`; "
            "or use conda (environment.yml) or the Binder badge.".format(show(version), show(minimum), show(below)))


def main():
    with open(PYPROJECT) as f:
        minimum, below = python_range(f.read())
    message = problem(sys.version_info, minimum, below)
    if message:
        sys.stderr.write("%s: %s\n" % (sys.executable, message))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
