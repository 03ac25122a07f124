"""Fail early, and say why, when the Python that `make` would build .venv with cannot install the pins.

Run by `make setup` / `make lab` / `make setup-dev` with the interpreter they use ($(PYTHON)):
    python3.11 tools/check_python.py
The range comes from pyproject.toml's requires-python (today ">=3.11.5,<3.14": soupsieve, pulled in by
JupyterLab through nbconvert and beautifulsoup4, needs 3.11.5; 3.11 to 3.13 are tested). Kept runnable by
old Pythons (no tomllib, no new syntax), so that an old interpreter gets this message and not a traceback.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYPROJECT = os.path.join(ROOT, "pyproject.toml")
STUDENT_LOCK = os.path.join(ROOT, "binder", "requirements.txt")
# The pinned package whose own requires-python sets the course's minimum (tests/test_environment.py checks it).
FLOOR = "soupsieve"


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


def pinned(name, lock_text):
    """The version `lock_text` pins for package `name` ("name==X"), or None."""
    match = re.search(r"^%s==([^\s;#]+)" % re.escape(name), lock_text, re.M | re.I)
    return match.group(1) if match else None


def problem(version, minimum, below, floor="the pinned packages"):
    """Why this Python version cannot build the course's environment, or None when it can.

    floor: what sets the minimum, named in the message (e.g. "soupsieve 4.1.2")."""
    version = tuple(version[:3])
    if minimum <= version < below:
        return None
    newest = "%d.%d" % (below[0], below[1] - 1) if below[1] else show(below)
    why = ("%s needs Python >= %s" % (floor, show(minimum)) if version < minimum
           else "the pins are tested up to Python %s" % newest)
    return ("Python {0} cannot install the course's pinned packages: {1} (supported: >= {2} and < {3}).\n"
            "Give make another interpreter, e.g.  make lab PYTHON=/path/to/python{4}  (any of {2} to {4}).\n"
            "Ways to get one: your package manager, python.org, pyenv or `uv python install {4}`; "
            "or use conda (environment.yml) or the Binder badge.".format(
                show(version), why, show(minimum), show(below), newest))


def floor_name():
    """"soupsieve 4.1.2": the package that sets the minimum, at its pinned version."""
    try:
        with open(STUDENT_LOCK) as f:
            version = pinned(FLOOR, f.read())
    except OSError:
        version = None
    return "%s %s" % (FLOOR, version) if version else FLOOR


def main():
    with open(PYPROJECT) as f:
        minimum, below = python_range(f.read())
    message = problem(sys.version_info, minimum, below, floor_name())
    if message:
        sys.stderr.write("%s: %s\n" % (sys.executable, message))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
