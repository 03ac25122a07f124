"""The course's folders and its gradebook URL, written once: every command asks a `Course` where things are.

Standard library only, so grader/nbgrader_config.py can load this file by path where the grader
package is not installed.
"""
import os
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "BACKPROP_GRADEBOOK_URL"  # a gradebook URL (any SQLAlchemy URL) that overrides grader/gradebook.db
COURSE_ID = "backprop"
# nbgrader's folders, relative to the course root (grader/nbgrader_config.py hands them to nbgrader).
NBGRADER_FOLDERS = {"source_directory": "solutions", "release_directory": "lessons",
                    "submitted_directory": "grader/submitted", "autograded_directory": "grader/autograded",
                    "feedback_directory": "grader/feedback"}


@dataclass(frozen=True)
class Course:
    """A course folder: solutions/ and lessons/, and grader/ with its submissions, results and reports."""
    root: Path

    @classmethod
    def at(cls, root=None):
        """The Course at root (a path, a Course, or None for this checkout)."""
        if isinstance(root, Course):
            return root
        return cls(Path(root if root is not None else Path(__file__).resolve().parent.parent).resolve())

    def _folder(self, key):
        return self.root / NBGRADER_FOLDERS[key]

    solutions = property(lambda self: self._folder("source_directory"))
    lessons = property(lambda self: self._folder("release_directory"))
    submitted = property(lambda self: self._folder("submitted_directory"))
    autograded = property(lambda self: self._folder("autograded_directory"))
    feedback = property(lambda self: self._folder("feedback_directory"))
    grader = property(lambda self: self.root / "grader", doc="where nbgrader runs: its config, gradebook, reports")
    config = property(lambda self: self.grader / "nbgrader_config", doc="for --NbGrader.config_file")
    reports = property(lambda self: self.grader / "reports", doc="grade.json and each grading worker's log")
    flags_file = property(lambda self: self.grader / "flags.json", doc="submissions that need a look")
    exports = property(lambda self: self.grader / "exports", doc="grades.csv and report.html")
    gradebook_file = property(lambda self: self.grader / "gradebook.db")

    @property
    def gradebook_url(self):
        """$BACKPROP_GRADEBOOK_URL, else the SQLite gradebook grader/gradebook.db."""
        return os.environ.get(URL_ENV, f"sqlite:///{self.gradebook_file}")

    def submission(self, student, lesson):
        """The folder of one handed-in notebook: grader/submitted/<student>/<lesson>."""
        return self.submitted / student / lesson

    def autograded_notebook(self, student, lesson):
        """grader/autograded/<student>/<lesson>/<lesson>.ipynb."""
        return self.autograded / student / lesson / f"{lesson}.ipynb"

    def results(self):
        """What grading writes into grader/ (never copied into an environment or an edition)."""
        return [self.submitted, self.autograded, self.feedback, self.reports, self.exports, self.flags_file,
                self.gradebook_file]

    def feedback_pages(self):
        """Every feedback page written: grader/feedback/<student>/<lesson>/<lesson>.html."""
        return sorted(self.feedback.glob("*/*/*.html"))
