"""Every catalogued mistake, put in place of the answer, is rejected and named by the visible check alone.

The lesson's solutions notebook is run in-process up to the function's check cell (`check_<name>`),
with the answer cell replaced by the mistake; hidden test cells are skipped. A visible check that a
catalogued mistake passes with a tick would teach the student that the mistake is right.
"""
import contextlib
import io

import matplotlib
import pytest

from backprop import mistakes
from coursekit.course import answer_cells, grade_info, lessons, read, solution_code

matplotlib.use("Agg")


def _cases():
    for lesson in lessons():
        for name in answer_cells(read("solutions", lesson)):
            for mistake in mistakes.for_function(name):
                yield pytest.param(lesson, name, mistake, id=f"{lesson}:{name}:{mistake.label}")


def _as_student_function(name, compute):
    def answer(*args):
        return compute(*args)
    answer.__name__ = name
    return answer


def run_until_check(lesson, name, answer=None):
    """Run the lesson's code cells up to check_<name>, `answer` (if given) standing in for the answer cell.

    Returns the check's AssertionError message, or None when the check passed.
    """
    namespace = {"__name__": "__lesson__"}
    for cell in read("solutions", lesson).cells:
        info = grade_info(cell)
        if cell.cell_type != "code" or (info.get("grade") and not info.get("solution")):
            continue
        source = "\n".join(l for l in solution_code(cell.source).splitlines() if not l.startswith("%"))
        if info.get("grade_id") == name and answer is not None:
            namespace[name] = answer
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            if info.get("grade_id") == f"check_{name}":
                try:
                    exec(source, namespace)
                except AssertionError as error:
                    return str(error)
                return None
            exec(source, namespace)
        matplotlib.pyplot.close("all")
    raise AssertionError(f"{lesson} has no visible check cell check_{name}")


@pytest.mark.parametrize("lesson, name, mistake", list(_cases()))
def test_visible_check_rejects_and_names_the_mistake(lesson, name, mistake):
    error = run_until_check(lesson, name, _as_student_function(name, mistake.compute))
    assert error is not None, f"the visible check of {name} passes {mistake.label!r} with a tick"
    assert mistake.message in error, f"the visible check of {name} does not name {mistake.label!r}:\n{error}"


@pytest.mark.parametrize("lesson", lessons())
def test_visible_checks_pass_the_solution(lesson):
    """The harness itself: with the solutions in place every visible check passes."""
    for name in answer_cells(read("solutions", lesson)):
        assert run_until_check(lesson, name) is None, name
