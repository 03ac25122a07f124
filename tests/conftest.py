"""Keep Jupyter, IPython and matplotlib state out of $HOME and the repo for every test and subprocess.

`make test` runs pytest-xdist with --dist loadscope: every module's tests run on one worker, so its
module- and session-scoped fixtures (a graded class, a server) are built once per run.

The helpers the benchmarks share (the course, PostgreSQL, the class hub) are the installed package
coursekit; the tests' own helpers (unprivileged, nbgrader_course, attacks...) import from tests/."""
import os
import sys
import tempfile
from pathlib import Path

import pytest

from coursekit import postgres

sys.path.insert(0, str(Path(__file__).parent))
pytest_plugins = ["unprivileged"]  # fixture `unprivileged` (a throwaway ordinary user)

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


# The longest modules first (their durations are in docs/testing.md), so that pytest-xdist's two workers
# end together.
LONGEST_FIRST = ["test_lessons_browser.py", "test_untouched_lessons_browser.py", "test_autograde.py",
                 "test_grader.py", "test_class_hub.py", "test_collect_trusts_nothing.py", "test_hub_guards.py",
                 "test_exchange_permissions.py", "test_postgres.py"]


def pytest_collection_modifyitems(config, items):
    """Put the longest modules first (a stable sort: every module's tests stay together and in order)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1], len(rank)))


@pytest.fixture(scope="module")
def pg():
    """A PostgreSQL server for one test module (skip, or fail under BACKPROP_REQUIRE_POSTGRES=1, when there is none)."""
    reason = postgres.missing()
    if reason:
        if os.environ.get(postgres.REQUIRE_ENV) == "1":
            pytest.fail(f"{reason} ({postgres.REQUIRE_ENV}=1: PostgreSQL is required here)")
        pytest.skip(reason)
    with postgres.Server() as server:
        yield server


@pytest.fixture
def draws(monkeypatch):
    """The number of pictures each explorer redraw put in its Output (an error counts as none)."""
    from backprop.widgets import controls
    shown, real = [], controls.drawn

    def counting(draw):
        entries = real(draw)
        shown.append(sum(e["output_type"] == "display_data" for e in entries))
        return entries
    monkeypatch.setattr(controls, "drawn", counting)
    return shown


@pytest.fixture
def rendered(monkeypatch):
    """Every figure an explorer rendered into its Output, in order (closed by pyplot, given back a canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from backprop.widgets import controls
    figures, real_render, real_drawn = [], controls.figure_output, controls.drawn

    def recording(fig):
        figures.append(fig)
        return real_render(fig)

    def drawn(draw):
        entries = real_drawn(draw)
        for fig in figures:
            if not isinstance(fig.canvas, FigureCanvasAgg):
                FigureCanvasAgg(fig)
        return entries
    monkeypatch.setattr(controls, "figure_output", recording)
    monkeypatch.setattr(controls, "drawn", drawn)
    return figures
