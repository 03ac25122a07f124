"""Graded results, read back one way: a `Submission` per student and lesson, from the autograded notebook.

The autograded notebook is the one result channel: every step of the pipeline recorded its verdict in
its metadata (grader/autograde/pipeline.py, ``METADATA``): the check's verdicts, the named mistake's label per
graded cell that lost points, the kernel's stops, flags and notes. Scores are the gradebook's (what
formgrader and `nbgrader export` show). `grade`'s report, `export`'s class report and `feedback` all
read through `read_notebook`; failure text is a cell's error message (never the traceback, which could
show hidden test code).
"""
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.autograde import pipeline
from grader.course import Course

# A kernel stop recorded by the pipeline -> the note in `grade`'s report (a dead kernel is told by its flag).
STOP_NOTES = {"time limit": "hit the time limit in the kernel",
              "notebook time limit": "not run (the notebook time limit was used up)",
              "memory limit": "hit the memory limit in the kernel"}


@dataclass
class Submission:
    """One student's notebook of one lesson: where it is, how grading went, what each graded cell scored.

    status: pending, rejected, error, graded or flagged. final/max: gradebook points per grade id;
    in_kernel/check: the kernel's and the out-of-kernel check's verdicts; mistakes: grade id -> the
    label of the mistake that cost points; messages: grade id -> 'Name: message' of its error.
    """
    student: str
    lesson: str
    path: Path = None
    status: str = "pending"
    notes: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    in_kernel: dict = field(default_factory=dict)
    check: dict = field(default_factory=dict)
    final: dict = field(default_factory=dict)
    max: dict = field(default_factory=dict)
    mistakes: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)
    nb: object = field(default=None, repr=False, compare=False)

    def row(self):
        """The submission's row in grader/reports/grade.json."""
        return {"student": self.student, "lesson": self.lesson, "status": self.status,
                "file": str(self.path) if self.path else None, "notes": self.notes, "flags": self.flags,
                "in_kernel": self.in_kernel, "check": {k: list(v) for k, v in self.check.items()},
                "final": self.final, "max": self.max}

    def passed(self, grade_id):
        """Full points on one graded cell."""
        return self.final[grade_id] >= self.max[grade_id]

    def read_notebook(self, nb):
        """Take what the pipeline recorded in the autograded notebook nb: verdicts, labels, stops, flags, notes."""
        summary = pipeline.graded_summary(nb)
        self.notes.extend(summary.get("notes", []) + [f"{s['cell']}: {STOP_NOTES[s['stop']]}"
                                                      for s in summary.get("kernel", []) if s["stop"] in STOP_NOTES])
        self.flags.extend(summary.get("flags", []))
        self.check = summary.get("check", {})
        self.in_kernel = summary.get("in_kernel", {})
        self.mistakes = summary.get("mistakes", {})
        self.messages = failures(nb)
        return self

    def take_scores(self, scores):
        """Take the gradebook's {grade_id: (score, max)}; None scores count 0."""
        self.final = {k: (s if s is not None else 0.0) for k, (s, _) in scores.items()}
        self.max = {k: m for k, (_, m) in scores.items()}
        return self


def load(course=None, url=None):
    """Every autograded submission in the gradebook, read back, ordered by student and lesson."""
    from nbgrader.api import Gradebook
    course = Course.at(course)
    subs = []
    with Gradebook(url or course.gradebook_url) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    sub = Submission(submission.student.id, assignment.name,
                                     course.autograded_notebook(submission.student.id, assignment.name))
                    sub.take_scores({g.name: (g.score, g.max_score) for g in notebook.grades})
                    if sub.path.exists():
                        sub.read_notebook(nbformat.read(sub.path, as_version=4))
                    sub.status = "flagged" if sub.flags else "graded"
                    subs.append(sub)
    return sorted(subs, key=lambda s: (s.student, s.lesson))


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


def mistake_labels(nb):
    """grade_id -> the label of the mistake that cost a graded cell its points, as the pipeline recorded it."""
    return dict(nb.metadata.get(pipeline.METADATA, {}).get("mistakes", {}))
