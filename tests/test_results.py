"""The one result channel: what the pipeline records in an autograded notebook is read back as data, never from prose."""
from nbformat.v4 import new_code_cell, new_notebook, new_output

from backprop import mistakes
from grader.autograde import pipeline
from grader.classwork import export
from grader.classwork.results import Submission, mistake_labels


def _graded(grade_id, outputs=()):
    cell = new_code_cell("check(cost, fixture, hidden=True)", outputs=list(outputs))
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": 1}
    return cell


def _autograded(labels, stops=(), error_text="AssertionError: returned wrong values"):
    """A notebook as the pipeline leaves it: test_cost failed with error_text, the metadata recorded."""
    error = new_output("error", ename="AssertionError", evalue=error_text.split(": ", 1)[1], traceback=[])
    nb = new_notebook(cells=[_graded("test_cost", [error]), _graded("test_output_error")])
    pipeline.record(nb, "mistakes", labels)
    pipeline.record(nb, "kernel", list(stops))
    pipeline.record(nb, "notes", ["a check note"])
    pipeline.record(nb, "flags", ["a flag"])
    pipeline.record(nb, "check", {"test_cost": [0.0, 1.0, "cost: why"]})
    pipeline.record(nb, "in_kernel", {"test_cost": 0.0, "test_output_error": 1.0})
    return nb


def test_read_notebook_takes_labels_stops_flags_and_notes_as_recorded():
    """Kernel stops become notes (a dead kernel is told by its flag, not a note); labels and messages are kept."""
    stops = [{"cell": "check_cost", "stop": "time limit"}, {"cell": "test_cost", "stop": "died"},
             {"cell": "x", "stop": "notebook time limit"}, {"cell": "y", "stop": "memory limit"}]
    sub = Submission("ann", "01_error").read_notebook(_autograded({"test_cost": "mean instead of sum"}, stops))
    assert sub.notes == ["a check note", "check_cost: hit the time limit in the kernel",
                         "x: not run (the notebook time limit was used up)", "y: hit the memory limit in the kernel"]
    assert sub.flags == ["a flag"] and sub.check == {"test_cost": [0.0, 1.0, "cost: why"]}
    assert sub.mistakes == {"test_cost": "mean instead of sum"}
    assert sub.messages == {"test_cost": "AssertionError: returned wrong values"}


def test_the_class_report_counts_the_recorded_label_not_a_sentence_in_the_message():
    """A message that quotes another mistake's sentence does not change the label the pipeline recorded."""
    other = next(m for m in mistakes.for_function("cost") if m.label != "mean instead of sum")
    nb = _autograded({"test_cost": "mean instead of sum"}, error_text=f"AssertionError: cost: {other.message}")
    sub = Submission("ann", "01_error").read_notebook(nb).take_scores({"test_cost": (0.0, 1.0),
                                                                        "test_output_error": (1.0, 1.0)})
    page = export.report([sub])
    mistakes_table = page.split("Most frequent mistakes")[1]
    assert "mean instead of sum" in mistakes_table and other.label not in mistakes_table
    assert mistake_labels(nb) == {"test_cost": "mean instead of sum"}


def test_a_full_score_names_no_mistake_even_with_a_label_left_over():
    """An instructor's manual full score wins: the report counts mistakes only on cells that lost points."""
    nb = _autograded({"test_cost": "mean instead of sum"})
    sub = Submission("ann", "01_error").read_notebook(nb).take_scores({"test_cost": (1.0, 1.0),
                                                                        "test_output_error": (1.0, 1.0)})
    assert "mean instead of sum" not in export.report([sub]).split("Most frequent mistakes")[1]
