"""Read graded results back: one record per student, lesson and graded function, with the named mistake.

Scores come from the nbgrader gradebook (what formgrader and `nbgrader export` show); the failure
text comes from the autograded notebook's hidden-test cell, reduced to its error message (never the
traceback, which could show hidden test code).
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat

from backprop import mistakes

from . import ROOT, gradebook


@dataclass
class Result:
    """How one student's function did in one lesson."""
    student: str
    lesson: str
    function: str
    score: float
    max_score: float
    message: str = ""
    mistake: str = ""

    @property
    def passed(self):
        return self.score >= self.max_score


def db_url(root=ROOT):
    """The gradebook URL, as grader/nbgrader_config.py sets it."""
    return gradebook.default_url(root)


def load(root=ROOT, url=None):
    """Every graded function of every autograded submission, ordered by student, lesson, function."""
    from nbgrader.api import Gradebook
    records = []
    with Gradebook(url or db_url(root)) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    failures = _failures(Path(root) / "grader" / "autograded" / submission.student.id
                                         / assignment.name / f"{notebook.name}.ipynb")
                    for grade in sorted(notebook.grades, key=lambda g: g.name):
                        function = grade.name.removeprefix("test_")
                        score = grade.score if grade.score is not None else 0.0
                        message = failures.get(grade.name, "") if score < grade.max_score else ""
                        records.append(Result(submission.student.id, assignment.name, function, score,
                                              grade.max_score, message, name_mistake(function, message)))
    return sorted(records, key=lambda r: (r.student, r.lesson, r.function))


def _failures(path):
    """grade_id -> one-line error message for each graded cell that raised, in an autograded notebook."""
    if not path.exists():
        return {}
    return failures(nbformat.read(path, as_version=4))


def failures(nb):
    """grade_id -> one-line error message ('Name: value') of each cell with a grade id that raised."""
    found = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        message = error_message(cell.get("outputs", []))
        if grade_id and message:
            found[grade_id] = message
    return found


def error_message(outputs):
    """'Name: value' of the first error among a cell's outputs ('' if none): never the traceback."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    return f"{errors[0]['ename']}: {errors[0]['evalue']}".strip() if errors else ""


def name_mistake(function, message):
    """The catalogued label of the mistake a failure message names, or a short generic label."""
    if not message:
        return ""
    for mistake in mistakes.for_function(function):
        if mistake.message in message:
            return mistake.label
    for phrase, label in [("not written yet", "not written"), ("in place", "mutates its argument"),
                          ("1-D array", "1-D result"), ("a row of shape", "row instead of column"),
                          ("returned shape", "wrong shape"), ("raised", "raises an error"),
                          ("TimeoutError", "too slow (time limit)"), ("DeadKernel", "kernel died")]:
        if phrase in message:
            return label
    return "wrong values"
