"""feedback, export and student-edition on a temp course graded by real nbgrader autograde."""
import csv
import html
import re
import subprocess
import sys

import pytest

from coursekit.course import ROOT, finished, read
from nbgrader_course import TempCourse

pytestmark = pytest.mark.nbgrader
LESSON = "01_error"
MEAN_COST = '''
def cost(targets, guesses):
    return float(np.mean((targets - guesses) ** 2))
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Three students of lesson 01: one finished, one with the mean-instead-of-sum cost, one untouched stub."""
    course = TempCourse(tmp_path_factory.mktemp("reports"))
    course.submit("p0-ada", LESSON, finished(LESSON))
    course.submit("p0-bob", LESSON, finished(LESSON, {"cost": MEAN_COST}))
    course.submit("p1-cy", LESSON, read("lessons", LESSON))
    course.autograde()
    return course


def grader(*args):
    """Run `python -m grader ARGS` from the repo root, as an instructor would; return its output."""
    result = subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_feedback_names_the_mistake_and_hides_tests_and_answers(course):
    """`grader feedback` runs nbgrader's generate_feedback: score, message and named mistake; no hidden test."""
    grader("feedback", "--course", course.root)
    folder = course.root / "grader" / "feedback"
    pages = {p.parts[-3]: p.read_text() for p in folder.glob(f"*/{LESSON}/{LESSON}.html")}
    assert set(pages) == {"p0-ada", "p0-bob", "p1-cy"}
    bob = pages["p0-bob"]
    assert "mean of the squared errors" in bob and "Score: 1.0 / 2.0" in bob
    assert "Mistake:</b> mean instead of sum" in bob
    hidden_source = read("solutions", LESSON).cells
    secrets = [line.strip() for c in hidden_source if "BEGIN HIDDEN TESTS" in c.source
               for line in c.source.split("### BEGIN HIDDEN TESTS")[1].splitlines() if len(line.strip()) > 12]
    for page in pages.values():
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # highlighted source is split by tags
        assert "HIDDEN TESTS" not in text and "default_rng" not in text
        assert not any(secret in text for secret in secrets)
    assert "not written yet" in pages["p1-cy"] and "Score: 0.0 / 2.0" in pages["p1-cy"]
    assert "Score: 2.0 / 2.0" in pages["p0-ada"] and "Mistake:" not in pages["p0-ada"]


def test_export_writes_one_row_per_student_and_a_class_report(course):
    grader("export", "--course", course.root)
    csv_path, report_path = (course.root / "grader" / "exports" / name for name in ("grades.csv", "report.html"))
    rows = list(csv.reader(csv_path.open()))
    assert rows[0] == ["student", LESSON, "total"]
    assert {r[0]: r[1:] for r in rows[1:]} == {"p0-ada": ["2", "2"], "p0-bob": ["1", "1"], "p1-cy": ["0", "0"]}
    page = report_path.read_text()
    assert page.count("data:image/png;base64,") == 2
    assert "mean instead of sum" in page and "not written" in page


def test_student_edition_has_lessons_and_package_but_no_solutions_or_grading(tmp_path):
    grader("student-edition", tmp_path / "student")
    files = [str(p.relative_to(tmp_path / "student")) for p in (tmp_path / "student").rglob("*") if p.is_file()]
    assert any(f.startswith("lessons/00_feedforward/") for f in files)
    assert "backprop/reference.py" in files and "binder/requirements.txt" in files and "Makefile" in files
    assert not [f for f in files if f.startswith(("solutions/", "grader/", "tests/"))]
    again = subprocess.run([sys.executable, "-m", "grader", "student-edition", str(tmp_path / "student")],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode != 0 and "exists" in again.stderr
