"""The course's nbgrader hooks, configured at the end of grader/nbgrader_config.py.

- `CourseFileNames`: `nbgrader zip_collect` with the file-name rules of `python -m grader collect`
  (grader/classwork/collect.py) and its duplicate and conflict report;
- `GradesCsv`: `nbgrader export` writes the course's grades CSV (grader/classwork/export.py), late penalties
  subtracted; `python -m grader export` uses this class too;
- `FeedbackMessages`: a `generate_feedback` step that shows each graded cell's message and named
  mistake, never its traceback (grader/classwork/feedback.py).

Each class only adapts nbgrader's interface; the rules live in the modules named above.
"""
import os
from pathlib import Path, PurePosixPath

import nbformat
from nbgrader import utils
from nbgrader.plugins import ExportPlugin, FileNameCollectorPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

from grader import lesson_names
from grader.classwork import collect, export, feedback, results
from grader.course import Course


class CourseFileNames(FileNameCollectorPlugin):
    """zip_collect's file-name step: the course's rules for LMS names, folders and nbgrader's layout.

    On the first file nbgrader asks about, every file of the extracted folder is planned at once
    (collect.plan), so a duplicate pair is seen whole: neither file is collected and both are logged,
    where stock zip_collect would abort the run ("Duplicate submission file") or keep the newer one.
    A different notebook already in submitted/ is logged as a conflict and kept, unless
    `--CourseFileNames.replace=True --force` (nbgrader clears a student's folder only with --force).
    """

    replace = Bool(False, help="Overwrite a different earlier submission (needs --force too).").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._decisions = None  # path relative to the extracted folder -> nbgrader's info dict

    def collect(self, submitted_file):
        """{'student_id', 'file_id'} for a file of the extracted folder, or None to skip it."""
        if self._decisions is None:
            self._decisions = self._decide()
        return self._decisions.get(self._extracted_rel(submitted_file))

    def _extracted_rel(self, path):
        """A file's path inside the extracted folder, posix style."""
        return Path(os.path.relpath(path, self._folder(self.parent.extracted_directory))).as_posix()

    def _folder(self, step):
        """The zip_collect folder of one step ('archive', 'extracted') for the assignment being collected."""
        return Path(self.parent._format_collect_path(step))

    def _decide(self):
        """Plan every extracted file with the course's rules; log what needs attention; return the decisions."""
        app, extracted = self.parent, self._folder(self.parent.extracted_directory)
        files = sorted(p for p in extracted.rglob("*") if p.is_file())
        entries = [(self._extracted_rel(p), self._rule_path(p), p.read_bytes) for p in files]
        todo = collect.plan(entries, lesson_names(Path(app.coursedir.root) / app.coursedir.source_directory))
        problems, decisions = list(todo.problems), {}
        for (student, lesson), (origin, data, note) in todo.chosen.items():
            state, text = self._check(student, lesson, data)
            if state == "problem":
                problems.append((origin, text))
            elif state == "same":
                self.log.info("unchanged %s -> %s/%s: %s", origin, student, lesson, collect.ALREADY)
            else:
                note = "; ".join(n for n in (note, text) if n)
                self.log.info("collected %s -> %s/%s%s", origin, student, lesson, f" ({note})" if note else "")
                decisions[origin] = {"student_id": student, "file_id": f"{lesson}.ipynb"}
        for origin, reason in problems:
            self.log.error("NOT collected %s: %s", origin, reason)
        self.log.info("%d notebooks to collect, %d files need attention", len(decisions), len(problems))
        return decisions

    def _check(self, student, lesson, data):
        """(state, text) for one chosen notebook: ('problem', reason), ('same'|'new', '') or ('replace', note)."""
        app = self.parent
        assignment = app.coursedir.assignment_id
        if lesson != assignment:
            return "problem", (f"a notebook of {lesson}, not of {assignment}: "
                               f"collect it with `nbgrader zip_collect {lesson}`")
        folder = Path(app.coursedir.format_path(app.coursedir.submitted_directory, student, assignment))
        target = folder / f"{lesson}.ipynb"
        state = collect.against(target.read_bytes() if target.exists() else None, data, self.replace and app.force)
        if state == "conflict":
            return "problem", collect.conflict_reason(target.relative_to(app.coursedir.root),
                                                      "add --CourseFileNames.replace=True --force to overwrite it")
        if state == "replace":
            self.log.warning("%s/%s: %s", student, lesson, collect.REPLACED)
            return state, collect.REPLACED
        return state, ""

    def _rule_path(self, path):
        """The path the naming rules see: inside the extracted folder, minus the folder an archive made."""
        rel = PurePosixPath(self._extracted_rel(path))
        archive = self._folder(self.parent.archive_directory)
        exts = list(self.parent.extractor_plugin_inst.zip_ext) + [".tar.gz"]
        if len(rel.parts) > 1 and any((archive / f"{rel.parts[0]}{ext}").is_file() for ext in exts):
            rel = PurePosixPath(*rel.parts[1:])
        return rel.as_posix()


class GradesCsv(ExportPlugin):
    """`nbgrader export`: the course's grades CSV (a row per student, a column per lesson, a total).

    Default destination: <course>/grader/exports/grades.csv (as `python -m grader export`); `--to`
    changes it; `--student`/`--assignment` narrow it. Late penalties are subtracted.
    """

    def export(self, gradebook):
        """Write the CSV for an open nbgrader Gradebook."""
        dest = Path(self.to) if self.to else Course.at(self.parent.coursedir.root).exports / "grades.csv"
        lessons, scores = export.gradebook_scores(gradebook, [str(s) for s in self.student],
                                                  [str(a) for a in self.assignment])
        export.write_csv(lessons, scores, dest)
        self.log.info("Wrote %s (%d students, %d lessons)", dest, len(scores), len(lessons))


class FeedbackMessages(NbGraderPreprocessor):
    """generate_feedback step: a graded cell's error shows as its message plus the mistake it names."""

    def preprocess(self, nb, resources):
        """Read the labels the pipeline recorded in the autograded notebook, then rewrite its graded cells."""
        self._labels = results.mistake_labels(nb)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        """Rewrite the outputs of graded test cells (see feedback.graded_outputs); leave the rest."""
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            grade_id = cell.metadata.nbgrader["grade_id"]
            outputs = feedback.graded_outputs(cell.get("outputs", []), self._labels.get(grade_id, ""))
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
        return cell, resources
