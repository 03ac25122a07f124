"""Every solutions notebook runs top to bottom without error, visible checks and hidden tests passing."""
import time

import pytest
from nbclient import NotebookClient

from coursekit.course import lessons, read

pytestmark = pytest.mark.nbgrader


def _is_plot_repr(text):
    """Is text the repr of matplotlib objects (what a picture call without a final ; shows under it)?"""
    return any(mark in text for mark in ("<Axes", "<Figure", "<matplotlib."))


def test_plot_litter_is_recognised():
    assert _is_plot_repr("array([<Axes: >, <Axes: >], dtype=object)") and not _is_plot_repr("0.7311")


@pytest.mark.parametrize("lesson", lessons())
def test_solution_notebook_runs_clean(lesson, tmp_path):
    """Execute the nbgrader source notebook (hidden tests included) in a fresh kernel: no cell errors."""
    nb = read("solutions", lesson)
    start = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    seconds = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors[0]
    litter = [(c.metadata.get("nbgrader", {}).get("grade_id"), text) for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "execute_result" and _is_plot_repr(text := o.get("data", {}).get("text/plain", ""))]
    assert not litter, f"a picture cell also shows its return value (end the line with ;): {litter}"
    print(f"{lesson} ran in {seconds:.1f} s")
