"""Keep Jupyter, IPython and matplotlib state out of $HOME and the repo for every test and subprocess, and
say which tests pytest-xdist must keep on one worker."""
import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
pytest_plugins = ["unprivileged", "postgres"]  # fixtures: `unprivileged` (a throwaway ordinary user), `pg` (PostgreSQL)

_STATE = tempfile.mkdtemp(prefix="backprop-test-state-")
for var, sub in [("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
                 ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"),
                 ("MPLCONFIGDIR", "matplotlib")]:
    os.environ[var] = os.path.join(_STATE, sub)
    os.makedirs(os.environ[var], exist_ok=True)
os.environ["MPLBACKEND"] = "Agg"
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
# The course's own venv bin first: nbgrader runs alembic through PATH.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def xdist_group(item):
    """The worker group of a test (`make test` runs pytest-xdist with --dist loadgroup).

    A module is one group, so its module- and session-scoped fixtures (a graded class, a server) are
    built once; the class hub's modules share one group, since they build one students' environment
    in one place; the lessons in the browser are one group per lesson, so both workers share them.
    """
    module = item.nodeid.split("::", 1)[0]
    if item.get_closest_marker("hub"):
        return "hub"
    if module.endswith("test_lessons_browser.py"):
        return f"{module}::{item.callspec.params['lesson']}"
    return module


def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))
