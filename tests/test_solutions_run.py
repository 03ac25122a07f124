"""Every solutions notebook runs top to bottom without error, visible checks and hidden tests passing."""
import time

import pytest
from nbclient import NotebookClient

from course import lessons, read

pytestmark = pytest.mark.nbgrader


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
    print(f"{lesson} ran in {seconds:.1f} s")
