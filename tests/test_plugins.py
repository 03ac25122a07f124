"""The course's nbgrader hooks (grader/classwork/plugins.py): zip_collect file names, export CSV, feedback.

Fast unit tests of the pure parts (file-name rules, planning, penalties, feedback outputs), then one
temp course run through real `nbgrader zip_collect`, `nbgrader autograde`, `nbgrader export` and
`nbgrader generate_feedback` (marked nbgrader).
"""
import csv
import html
import json
import re
import subprocess
import sys
import zipfile
from types import SimpleNamespace

import nbformat
import pytest

from backprop import mistakes
from coursekit.course import ROOT, finished, read
from grader.classwork import collect
from grader.classwork import export
from grader.classwork import feedback
from nbgrader_course import TempCourse

FF, ERR = "00_feedforward", "01_error"
LESSONS = [FF, ERR, "02_blame"]

# ------------------------------------------------------------------ file names (pure)

NAMED = {
    "jdoe_00_feedforward.ipynb": ("jdoe", FF),
    "Doe, Jane_12345_20261121-1830_01_error.ipynb": ("doe-jane", ERR),
    "Jane Doe_12345_assignsubmission_file_01_error.ipynb": ("jane-doe", ERR),
    "smithann_LATE_123_456_00_feedforward-1.ipynb": ("smithann", FF),
    "doejane_LATE_123_456_00_feedforward.ipynb": ("doejane", FF),
    "bo/01_error.ipynb": ("bo", ERR),
    "cy/00_feedforward/00_feedforward.ipynb": ("cy", FF),
    "submissions/jdoe_00_feedforward.ipynb": ("jdoe", FF),
    "Dee 00-Feedforward (1).ipynb": ("dee", FF),
    "ann_01_error-Copy1.ipynb": ("ann", ERR),
    "ann_01_error copy.ipynb": ("ann", ERR),
}
UNNAMED = {
    "notes_jdoe.ipynb": "no lesson name",
    "x_00_feedforward_01_error.ipynb": "more than one lesson",
    "00_feedforward.ipynb": "no student",
    "01_error/01_error.ipynb": "no student",
}


@pytest.mark.parametrize("name", NAMED)
def test_every_documented_name_is_attributed(name):
    assert collect.match(name, LESSONS) == NAMED[name]


@pytest.mark.parametrize("name", UNNAMED)
def test_unattributable_names_say_why(name):
    with pytest.raises(ValueError, match=UNNAMED[name]):
        collect.match(name, LESSONS)


def _entries(files):
    """plan() input for {relative path: bytes}: the path itself is the origin."""
    return [(rel, rel, (lambda data=data: data)) for rel, data in files.items()]


def test_plan_keeps_one_of_identical_copies_and_neither_of_a_differing_pair():
    todo = collect.plan(_entries({
        "jdoe_00_feedforward.ipynb": b"A", "jdoe/00_feedforward.ipynb": b"A",      # identical copies
        "ed_01_error.ipynb": b"B", "ed/01_error.ipynb": b"C",                      # duplicate pair
        "readme.txt": b"x", ".ipynb_checkpoints/jdoe_00_feedforward-checkpoint.ipynb": b"Z",
        "__MACOSX/jdoe_00_feedforward.ipynb": b"Z", "00_feedforward.ipynb": b"D",
    }), LESSONS)
    assert set(todo.chosen) == {("jdoe", FF)}
    origin, data, note = todo.chosen[("jdoe", FF)]
    assert data == b"A" and note == "2 identical copies"
    reasons = dict(todo.problems)
    assert set(reasons) == {"ed_01_error.ipynb", "ed/01_error.ipynb", "readme.txt", "00_feedforward.ipynb"}
    assert reasons["ed_01_error.ipynb"].startswith("duplicate: 2 different files for ed/01_error")
    assert "not a notebook" in reasons["readme.txt"] and "no student" in reasons["00_feedforward.ipynb"]


@pytest.mark.parametrize("existing, replace, state", [
    (None, False, "new"), (b"A", False, "same"), (b"A", True, "same"),
    (b"B", False, "conflict"), (b"B", True, "replace")])
def test_against_what_submitted_already_holds(existing, replace, state):
    assert collect.against(existing, b"A", replace) == state


# ------------------------------------------------------------------ export and feedback (pure)

def _gradebook(*subs):
    """A stand-in for nbgrader's Gradebook: subs are (lesson, student, score, late penalty or None)."""
    lessons = sorted({lesson for lesson, *_ in subs} | {"09_unused"})
    return SimpleNamespace(assignments=[SimpleNamespace(name=lesson, submissions=[
        SimpleNamespace(student=SimpleNamespace(id=s), score=score, late_submission_penalty=penalty)
        for l, s, score, penalty in subs if l == lesson]) for lesson in lessons])


def test_gradebook_scores_subtract_late_penalties_never_below_zero():
    gb = _gradebook((FF, "ann", 2.0, None), (FF, "bo", 2.0, 2.0), (ERR, "bo", 1.0, 0.5), (ERR, "cy", 1.0, 3.0))
    lessons, scores = export.gradebook_scores(gb)
    assert lessons == [FF, ERR]
    assert scores == {"ann": {FF: 2.0}, "bo": {FF: 0.0, ERR: 0.5}, "cy": {ERR: 0.0}}
    assert export.gradebook_scores(gb, students=["bo"], assignments=[ERR]) == ([ERR], {"bo": {ERR: 0.5}})


def test_write_csv_has_a_zero_where_nothing_was_handed_in(tmp_path):
    export.write_csv([FF, ERR], {"bo": {FF: 0.0, ERR: 0.5}, "ann": {FF: 2.0}}, tmp_path / "g.csv")
    assert list(csv.reader((tmp_path / "g.csv").open())) == [
        ["student", FF, ERR, "total"], ["ann", "2", "0", "2"], ["bo", "0", "0.5", "0.5"]]


def test_graded_outputs_drop_the_traceback_and_name_the_mistake():
    mean = next(m for m in mistakes.for_function("cost") if m.label == "mean instead of sum")
    error = {"output_type": "error", "ename": "CheckFailed", "evalue": f"cost on a hidden test case: {mean.message}",
             "traceback": ["Traceback", "----> 3 check(cost, secret_fixture)", "CheckFailed: ..."]}
    stream = {"output_type": "stream", "name": "stdout", "text": "hi\n"}
    shown = feedback.graded_outputs([stream, error], mean.label)
    assert shown[0]["text"] == "hi\n"
    assert shown[1]["traceback"] == [f"CheckFailed: cost on a hidden test case: {mean.message}"]
    assert "secret_fixture" not in str(shown)
    assert shown[2]["data"]["text/plain"] == "Mistake: mean instead of sum"
    again = feedback.graded_outputs(shown, mean.label)
    assert [o.get("data", {}).get("text/plain") for o in again].count("Mistake: mean instead of sum") == 1
    assert feedback.graded_outputs([], mean.label) == []
    assert feedback.graded_outputs([stream], mean.label) == [stream]  # no error, no mistake named


# ------------------------------------------------------------------ real nbgrader commands

MEAN_COST = "def cost(targets, guesses):\n    return float(np.mean((targets - guesses) ** 2))\n"
ARRAY_COST = "def cost(targets, guesses):\n    return np.array(np.sum((targets - guesses) ** 2))\n"
HIDDEN_ASSERT = "assert isinstance(cost(np.array([[1.0], [0.0]])"  # a line of 01_error's hidden tests
DUE, ON_TIME, LATE = "2026-11-20 12:00:00", "2026-11-20 11:00:00", "2026-11-21 12:00:00"


def _nb_bytes(nb):
    return nbformat.writes(nb).encode()


def _holds(path, nb):
    """Whether the notebook file at path has nb's content (formatting aside)."""
    return json.loads(path.read_text()) == json.loads(nbformat.writes(nb))


def _grader(*args):
    """`python -m grader ARGS` from the repository root; return its output (fails on a non-zero exit)."""
    done = subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _csv(path):
    return {row[0]: row[1:] for row in list(csv.reader(path.open()))[1:]}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """01_error handed in through zip_collect (LMS names), one late and one on-time submission, autograded."""
    course = TempCourse(tmp_path_factory.mktemp("plugins"))
    with open(course.root / "grader" / "nbgrader_config.py", "a") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')  # late work scores zero
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course.root / 'grader' / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(ERR, duedate=DUE)
    for student, when in [("p0-dee", ON_TIME), ("p0-late", LATE)]:
        course.submit(student, ERR, finished(ERR))
        (course.root / "grader" / "submitted" / student / ERR / "timestamp.txt").write_text(when)
    archive = course.root / "downloaded" / ERR / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms_export.zip", "w") as z:
        z.writestr(f"P0, Ada_12345_20261121-1830_{ERR}.ipynb", _nb_bytes(finished(ERR)))
        z.writestr(f"p0-cy/{ERR}.ipynb", _nb_bytes(finished(ERR, {"cost": ARRAY_COST})))
        z.writestr(f"p1-ed_{ERR}.ipynb", _nb_bytes(finished(ERR)))                  # duplicate pair,
        z.writestr(f"p1-ed/{ERR}.ipynb", _nb_bytes(read("lessons", ERR)))            # different content
        z.writestr(f"p0-dee_{ERR}.ipynb", _nb_bytes(read("lessons", ERR)))           # conflicts with p0-dee's
        z.writestr(f"jdoe_{FF}.ipynb", _nb_bytes(read("lessons", FF)))              # another lesson
        z.writestr(f"{ERR}.ipynb", _nb_bytes(read("lessons", ERR)))                  # no student (not "lms_export")
    (archive / f"p1-bob_LATE_123_456_{ERR}-1.ipynb").write_bytes(_nb_bytes(finished(ERR, {"cost": MEAN_COST})))
    log = course.nbgrader("zip_collect", ERR).stderr
    course.autograde()
    return course, log


@pytest.mark.nbgrader
def test_zip_collect_reads_lms_names_and_reports_duplicates_and_conflicts(course):
    course, log = course
    submitted = course.root / "grader" / "submitted"
    assert sorted(p.parent.parent.name for p in submitted.glob(f"*/{ERR}/{ERR}.ipynb")) == [
        "p0-ada", "p0-cy", "p0-dee", "p0-late", "p1-bob"], log
    for name, reason in [(f"lms_export/p1-ed_{ERR}.ipynb", "duplicate"), (f"lms_export/p1-ed/{ERR}.ipynb", "duplicate"),
                         (f"lms_export/p0-dee_{ERR}.ipynb", "conflict"), (f"lms_export/{ERR}.ipynb", "no student"),
                         (f"lms_export/jdoe_{FF}.ipynb", f"a notebook of {FF}, not of {ERR}")]:
        assert any(f"NOT collected {name}: {reason}" in line for line in log.splitlines()), (name, log)
    dee = submitted / "p0-dee" / ERR / f"{ERR}.ipynb"
    assert _holds(dee, finished(ERR)), "a conflicting file overwrote a submission"

    # Again with --force (nbgrader needs it to re-extract): the conflict is still kept apart...
    log = course.nbgrader("zip_collect", "--force", ERR).stderr
    assert f"NOT collected lms_export/p0-dee_{ERR}.ipynb: conflict" in log, log
    assert f"unchanged lms_export/P0, Ada_12345_20261121-1830_{ERR}.ipynb -> p0-ada/{ERR}: already collected" in log
    assert _holds(dee, finished(ERR))
    # ... until the instructor asks for the replacement by name (undone at once: later tests grade the original).
    original = dee.read_bytes()
    log = course.nbgrader("zip_collect", "--force", "--CourseFileNames.replace=True", ERR).stderr
    assert "REPLACED" in log and _holds(dee, read("lessons", ERR)), log
    dee.write_bytes(original)
    (dee.parent / "timestamp.txt").write_text(ON_TIME)


@pytest.mark.nbgrader
def test_nbgrader_export_writes_the_course_csv_with_late_penalties(course):
    course, _ = course
    course.nbgrader("export")
    ours = course.root / "grader" / "exports" / "grades.csv"
    assert list(csv.reader(ours.open()))[0] == ["student", ERR, "total"]
    # p0-late handed in a finished notebook a day late: nbgrader's "zero" penalty takes its 2 points.
    assert _csv(ours) == {"p0-ada": ["2", "2"], "p0-cy": ["1", "1"], "p0-dee": ["2", "2"],
                          "p0-late": ["0", "0"], "p1-bob": ["1", "1"]}
    course.nbgrader("export", "--exporter=nbgrader.plugins.CsvExportPlugin", "--to=stock.csv")
    stock = {r["student_id"]: r for r in csv.DictReader((course.root / "grader" / "stock.csv").open())
             if r["assignment"] == ERR}
    assert float(stock["p0-late"]["raw_score"]) == 2.0 and float(stock["p0-late"]["late_submission_penalty"]) == 2.0
    assert {s: [f"{float(r['score']):g}"] * 2 for s, r in stock.items()} == _csv(ours)

    first = ours.read_bytes()
    ours.unlink()
    _grader("export", "--course", course.root)
    assert ours.read_bytes() == first, "python -m grader export and nbgrader export differ"


@pytest.mark.nbgrader
def test_generate_feedback_shows_score_and_mistake_never_hidden_tests(course):
    course, _ = course
    graded = (course.root / "grader" / "autograded" / "p0-cy" / ERR / f"{ERR}.ipynb").read_text()
    assert HIDDEN_ASSERT in graded.replace("\\", ""), "the control case no longer quotes the hidden line"
    _grader("feedback", "--course", course.root)
    pages = {p.parts[-3]: p.read_text() for p in (course.root / "grader" / "feedback").glob(f"*/{ERR}/{ERR}.html")}
    assert set(pages) == {"p0-ada", "p0-cy", "p0-dee", "p0-late", "p1-bob"}
    hidden = [line.strip() for cell in read("solutions", ERR).cells if "BEGIN HIDDEN TESTS" in cell.source
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].splitlines() if len(line.strip()) > 12]
    assert any(HIDDEN_ASSERT in line for line in hidden)
    for student, page in pages.items():
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # highlighted source is split by tags
        assert "HIDDEN TESTS" not in text and not [line for line in hidden if line in text], student
    assert "Score: 1.0 / 2.0" in pages["p1-bob"] and "Mistake:</b> mean instead of sum" in pages["p1-bob"]
    assert "Score: 1.0 / 2.0" in pages["p0-cy"] and "cost should return a Python float" in pages["p0-cy"]
    assert "Score: 2.0 / 2.0" in pages["p0-ada"] and "Mistake:" not in pages["p0-ada"]
    assert "Score: 0.0 / 2.0" in pages["p0-late"] and "Late submission penalty" in pages["p0-late"]
