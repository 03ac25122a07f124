"""Keep Jupyter, IPython and matplotlib state out of $HOME and the repo for every test and subprocess.

`make test` runs pytest-xdist with --dist loadscope: every module's tests run on one worker, so its
module- and session-scoped fixtures (a graded class, a server) are built once per run."""
import os
import sys
import tempfile
from pathlib import Path

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

