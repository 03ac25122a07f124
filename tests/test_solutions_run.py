"""Every solutions notebook runs top to bottom without error, visible checks and hidden tests passing."""
import math
import re
import time

import numpy as np
import pytest
from nbclient import NotebookClient

from backprop import reference as ref
from coursekit.course import lessons, read

pytestmark = pytest.mark.nbgrader


def _is_plot_repr(text):
    """Is text the repr of matplotlib objects (what a picture call without a final ; shows under it)?"""
    return any(mark in text for mark in ("<Axes", "<Figure", "<matplotlib."))


def test_plot_litter_is_recognised():
    assert _is_plot_repr("array([<Axes: >, <Axes: >], dtype=object)") and not _is_plot_repr("0.7311")


NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e-?\d+)?(?![\w.])")
FF_GUESS = lambda: ref.feedforward(np.array([[0.9, -0.4], [0.3, 0.8]]), np.array([[0.2, 0.1]]),  # noqa: E731
                                   np.array([[1.0], [0.0]]))[1][0, 0]


def _lesson07_cost(lr):
    from test_lesson07 import PARAMS, T, X
    return ref.training_run(ref.train_step, PARAMS, X, T, lr, 500)[0][-1]


# Numbers in a lesson's prose that no cell of it prints: each with the computation that gives it, or (a
# string) why it is no computed result. Every other number must agree with one the lesson prints or writes.
NOT_PRINTED = {
    "00_feedforward": {"0.99995": lambda: 1 / (1 + math.exp(-10))},
    "01_error": {"0.550": FF_GUESS, "-0.1": lambda: 0.3 + (-0.4), "0.09": lambda: 0.3 ** 2,
                 "0.16": lambda: (-0.4) ** 2, "0.99": "a target some books use, not a result"},
    "02_blame": {"0.550": FF_GUESS, "0.300": lambda: (1 - FF_GUESS()) * 2 / 3, "0.150": lambda: (1 - FF_GUESS()) / 3},
    "04_nudging": {"0.847": lambda: math.log(0.7 / 0.3),  # the weighted sum whose sigmoid is 0.7
                   "0.00249": lambda: ref.one_input_cost(0.424, 2, 1) - ref.one_input_cost(0.434, 2, 1),
                   "0.252": lambda: -ref.one_input_cost_slope(0.424, 2, 1)},
    "06_gradient_check": {"0.00001": lambda: 1e-5},
    "07_bias_training": {"0.0447": lambda: 0.0669 * 0.6682, "0.0256": lambda: _lesson07_cost(0.05)},
    "09_activations": {"7.1": lambda: (s := 1 / (1 + math.exp(-4))) * (1 - s) / 0.25 * 100},
    "10_digits": {"4.0": "the version of the data's licence, CC BY 4.0"},
    "11_autograd": {"0.03": "the fastest of the measured times per step on 64-64-10 (this machine's own time is "
                            "printed by the timing cell)"},
}


def _decimals(text):
    return len(text.split(".")[1].split("e")[0])


def _agrees(quoted, values):
    """Does the prose's number equal one of values, to the decimals the prose shows?"""
    d = _decimals(quoted)  # numpy prints 0.15 for 0.150: the same value with fewer digits agrees too
    return any(abs(round(float(v), d) - float(quoted)) < 10 ** -(d + 3)
               and (_decimals(v) >= d or float(v) == float(quoted)) for v in values)


def prose_numbers_not_printed(nb, lesson):
    """Decimal numbers of the executed notebook's markdown that agree with no number its code writes or its
    cells print, and that NOT_PRINTED does not compute (or explain)."""
    texts = [c.source for c in nb.cells if c.cell_type == "code"]
    texts += [o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) + str(o.get("evalue", ""))
              for c in nb.cells for o in c.get("outputs", [])]
    values = NUMBER.findall("\n".join(texts))
    known = NOT_PRINTED.get(lesson, {})
    missing = []
    for cell in nb.cells:
        for quoted in NUMBER.findall(cell.source) if cell.cell_type == "markdown" else []:
            if _agrees(quoted, values):
                continue
            how = known.get(quoted)
            if how is None or (callable(how) and not _agrees(quoted, [f"{how():.{_decimals(quoted) + 2}f}"])):
                missing.append(quoted)
    return missing


def test_the_prose_number_check_can_fail():
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("the guess is 0.550, the cost 0.2500"),
                                         nbformat.v4.new_code_cell("print(0.5497)")])
    assert prose_numbers_not_printed(nb, "none") == ["0.2500"]
    assert prose_numbers_not_printed(nb, "01_error") == ["0.2500"]
    nb.cells[0].source = "0.0256 and 0.0257"
    assert prose_numbers_not_printed(nb, "07_bias_training") == ["0.0257"]


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
    missing = prose_numbers_not_printed(nb, lesson)
    assert not missing, f"numbers the prose quotes that no cell prints (nor NOT_PRINTED computes): {missing}"
    print(f"{lesson} ran in {seconds:.1f} s")
