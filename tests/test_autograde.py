"""Real nbgrader autograde on a temp course: stubs score zero, solutions full, the bank as the spec says.

Every submission of the session is graded in one batch (two nbgrader processes), then each test
reads its own student's grades from the real gradebook.
"""
import pytest

from coursekit.course import bank, finished, graded_cells, lessons, read
from nbgrader_course import TempCourse

pytestmark = pytest.mark.nbgrader
ENTRIES = bank()


def _student(i, name):
    return f"p{i % 2}-{name}"


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """The temp course after grading: stub, finished and every bank entry as its own student."""
    course = TempCourse(tmp_path_factory.mktemp("course"))
    for i, lesson in enumerate(lessons()):
        course.submit(_student(i, "stub"), lesson, read("lessons", lesson))
        course.submit(_student(i + 1, "finished"), lesson, finished(lesson))
    for i, entry in enumerate(ENTRIES):
        course.submit(_student(i, f"bank{i:03d}"), entry["lesson"],
                      finished(entry["lesson"], {entry["function"]: entry["code"]}))
    course.autograde()
    return course


@pytest.mark.parametrize("lesson", lessons())
def test_untouched_stubs_score_zero(graded, lesson):
    """Every graded cell of a released lesson, as handed out, scores zero: nothing passes by accident."""
    i = lessons().index(lesson)
    scores = graded.scores(_student(i, "stub"), lesson)
    assert scores and all(score == 0 for score, _ in scores.values()), scores


@pytest.mark.parametrize("lesson", lessons())
def test_finished_lesson_gets_full_marks(graded, lesson):
    """The released lesson with the solutions typed into its answer cells gets every point."""
    i = lessons().index(lesson)
    scores = graded.scores(_student(i + 1, "finished"), lesson)
    assert set(scores) == set(graded_cells(read("solutions", lesson)))
    assert all(score == full > 0 for score, full in scores.values()), scores


@pytest.mark.parametrize("lesson", lessons())
def test_demonstrations_are_skipped_and_nothing_else_breaks(graded, lesson):
    """Grading skips exactly the cells solutions/ tags as demos (each left with a note), and every other
    cell of the finished lesson still runs without an error: nothing graded or checked needed a demo."""
    from grader.autograde.pipeline import DEMO_NOTE, DEMO_TAG, METADATA
    i = lessons().index(lesson)
    nb = graded.autograded(_student(i + 1, "finished"), lesson)
    demos = [c.metadata["nbgrader"]["grade_id"] for c in read("solutions", lesson).cells
             if DEMO_TAG in c.metadata.get("tags", [])]
    assert demos and nb.metadata[METADATA]["demos_skipped"] == demos
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in demos:
            assert [o.get("text") for o in cell.outputs] == [DEMO_NOTE], grade_id
        else:
            assert not [o for o in cell.outputs if o.output_type == "error"], (grade_id, cell.outputs)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_bank_entry(graded, entry):
    """Correct styles get full marks; each known mistake loses exactly its function's points, named."""
    student = _student(ENTRIES.index(entry), f"bank{ENTRIES.index(entry):03d}")
    scores = graded.scores(student, entry["lesson"])
    target = f"test_{entry['function']}"
    assert target in scores, f"{entry['lesson']} has no hidden test cell {target}"
    for grade_id, (score, full) in scores.items():
        if entry["style"] == "wrong" and grade_id == target:
            assert score == 0, f"{entry['mistake']!r} was not caught by {target}"
        else:
            assert score == full, f"{grade_id} lost points ({score}/{full}) for an unrelated answer"
    if entry["style"] == "wrong":
        output = graded.graded_outputs(student, entry["lesson"], target)
        assert entry["message"] in output, f"the failure does not name {entry['mistake']!r}:\n{output}"
