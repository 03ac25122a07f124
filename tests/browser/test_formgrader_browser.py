"""What an instructor sees in nbgrader's formgrader after `python -m grader grade`, in Chromium.

A temp course gets three submissions of 00_feedforward: a finished notebook, one with a wrong sigmoid,
and a cheater who patches np.allclose (passes in the kernel, fails the grader's out-of-kernel check).
After grading, a real `jupyter lab` serves formgrader and the pages must show: the assignment with its
3 submissions, every student, and for each the score the gradebook holds (2/2, 1/2, and the cheater's
lowered 1/2, not the 2/2 the kernel gave). Screenshots: test-artifacts/browser/formgrader-*.png.
The server and the page helpers: formgrader_server.py.
"""
import json
import re
import subprocess
import sys

import nbformat
import pytest

from attacks import ATTACKS, SIGMOID_WRONG
from coursekit.course import ROOT, finished
from formgrader_pages import fg_page  # noqa: F401 - a fixture
from formgrader_pages import PAGE_TIMEOUT, parse_score, row, script_errors, table
from formgrader_server import clean_env, serve
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

FF = "00_feedforward"
STUDENTS = {  # student -> (answers replaced in the finished notebook, expected (score, max) of the lesson)
    "honest": ({}, (2, 2)),
    "wrong": ({"sigmoid": SIGMOID_WRONG}, (1, 2)),
    "cheater": (ATTACKS["allclose"][1], (1, 2)),
    "scripter": ({}, (2, 2)),  # right answers, and HTML that tries to run in the instructor's browser
}
PWN = "(window.__pwned = window.__pwned || []).push"
SCRIPTS = [  # a Markdown cell and a code cell whose outputs carry scripts (the kernel produces them at grading)
    nbformat.v4.new_markdown_cell(f"A note from the student. <img src=x onerror=\"{PWN}('md-img')\">"
                                  f"<script>{PWN}('md-script')</script>"),
    nbformat.v4.new_code_cell("from IPython.display import HTML, Javascript, display\n"
                              f"display(HTML(\"<script>{PWN}('html-script')</script>"
                              f"<img src=x onerror=\\\"{PWN}('html-img')\\\">\"))\n"
                              f"display(Javascript(\"{PWN}('javascript')\"))"),
]
GRADE_TIMEOUT = 600     # s: grading the 3 notebooks (course build + grading + server: about 22 s here)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A temp course with the three students submitted and graded: (course, grader output, grade.json rows)."""
    course = TempCourse(tmp_path_factory.mktemp("formgrader-course"))
    for student, (answers, _) in STUDENTS.items():
        nb = finished(FF, answers)
        if student == "scripter":
            nb.cells[1:1] = SCRIPTS
        course.submit(student, FF, nb)
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course.root), "--jobs", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=GRADE_TIMEOUT, env=clean_env())
    out = result.stdout + result.stderr
    assert result.returncode == 0, f"python -m grader grade exited {result.returncode}:\n{out[-4000:]}"
    report = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())
    rows = {r["student"]: r for r in report["submissions"] if r["lesson"] == FF}
    return course, out, rows


@pytest.fixture(scope="module")
def formgrader(graded, tmp_path_factory, artifacts):
    """A `jupyter lab` serving the graded course; yields its base URL and token."""
    with serve(graded[0], tmp_path_factory.mktemp("formgrader-server"), FF,
               artifacts / "formgrader-jupyter-lab.log") as server:
        yield server


def _course_max(course):
    """The most points a student can get over every assignment in the gradebook (formgrader's student total)."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course.root / 'grader' / 'gradebook.db'}") as gb:
        return sum(a.max_score for a in gb.assignments)


def test_formgrader_shows_the_gradebook(graded, formgrader, fg_page, artifacts):
    course, out, rows = graded
    url, token = formgrader
    page = fg_page
    book = {s: course.scores(s, FF) for s in STUDENTS}
    totals = {s: (sum(v[0] for v in g.values()), sum(v[1] for v in g.values())) for s, g in book.items()}

    # The gradebook itself: the expected scores, and the cheater's lowered from what the kernel gave.
    for student, (_, expected) in STUDENTS.items():
        assert totals[student] == expected, f"{student}: gradebook holds {book[student]}\n{out[-3000:]}"
    cheat = rows["cheater"]
    assert sum(cheat["in_kernel"].values()) == 2 and sum(cheat["final"].values()) == 1, cheat

    # Manage Assignments (where /formgrader redirects): the lesson with its 3 submissions.
    page.goto(f"{url}/formgrader?token={token}", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/formgrader/manage_assignments"))
    assignments = table(page, "name", "num-submissions", [FF])
    assert assignments[FF] == str(len(STUDENTS)), assignments
    page.screenshot(path=str(artifacts / "formgrader-assignments.png"), full_page=True)

    # Its submissions (the instructor clicks the count): every student, graded, with the gradebook's score.
    row(page, "name", FF).locator("td.num-submissions a").click()
    page.wait_for_url(re.compile(rf"/formgrader/manage_submissions/{FF}/?$"))
    submitted = table(page, "student-id", "score", STUDENTS)
    statuses = table(page, "student-id", "status", STUDENTS)
    assert set(submitted) == set(STUDENTS), submitted
    for student in STUDENTS:
        assert parse_score(submitted[student]) == totals[student], (student, submitted[student], book[student])
        assert statuses[student] == "graded", statuses
    page.screenshot(path=str(artifacts / "formgrader-submissions.png"), full_page=True)

    # Manual Grading -> lesson -> notebook: the per-notebook list, names revealed, scores as in the gradebook.
    page.get_by_role("link", name="Manual Grading", exact=True).click()
    page.wait_for_url(re.compile(r"/formgrader/gradebook/?$"))
    table(page, "name", "score", [FF])
    row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/gradebook/{FF}/?$"))
    table(page, "name", "avg-score", [FF])
    row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/gradebook/{FF}/{FF}/?$"))
    page.locator("#main-table td.score").nth(len(STUDENTS) - 1).wait_for()
    page.locator("#toggle_names").click()  # rows show "Submission #n" until names are revealed
    notebooks = table(page, "name", "score", STUDENTS)
    assert set(notebooks) == set(STUDENTS), notebooks
    for student in STUDENTS:
        assert parse_score(notebooks[student]) == totals[student], (student, notebooks[student], book[student])
        # "Tests Failed?" is a tick without text; its search key says whether it is there.
        flag = row(page, "name a.name-shown", student).locator("td.tests-failed").get_attribute("data-search")
        assert (flag == "tests failed") == (totals[student][0] < totals[student][1]), (student, flag)
    page.screenshot(path=str(artifacts / "formgrader-gradebook.png"), full_page=True)

    # Manage Students: everyone listed; the total is this lesson's score (the only one handed in) out of
    # the points of every lesson in the gradebook.
    page.get_by_role("link", name="Manage Students", exact=True).click()
    page.wait_for_url(re.compile(r"/formgrader/manage_students/?$"))
    students = table(page, "id", "score", STUDENTS)
    assert set(students) == set(STUDENTS), students
    for student in STUDENTS:
        assert parse_score(students[student]) == (totals[student][0], _course_max(course)), (student, students[student])
    page.screenshot(path=str(artifacts / "formgrader-students.png"), full_page=True)

    # The cheater: their lesson page shows the lowered score, and the graded notebook says why.
    row(page, "id", "cheater").locator("td.name a").click()
    page.wait_for_url(re.compile(r"/formgrader/manage_students/cheater/?$"))
    lessons = table(page, "name", "score", [FF])
    assert parse_score(lessons[FF]) == totals["cheater"], lessons
    row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/manage_students/cheater/{FF}/?$"))
    table(page, "name", "score", [FF])
    row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(r"/formgrader/submissions/"))
    page.get_by_text("checked outside your notebook's kernel").first.wait_for()
    for grade_id, (score, _) in book["cheater"].items():
        box = page.locator(f"input.score#{grade_id}")  # its placeholder is the auto score, filled in by JS
        page.wait_for_function("(id) => document.getElementById(id).getAttribute('placeholder') !== null",
                               arg=grade_id, timeout=PAGE_TIMEOUT)
        assert float(box.get_attribute("placeholder")) == score, (grade_id, box.get_attribute("placeholder"))
        assert box.input_value() == "", f"{grade_id}: a manual score was set"
    page.screenshot(path=str(artifacts / "formgrader-cheater.png"), full_page=True)

    # The notebook view needs MathJax (blocked above); any other script error is a failure.
    assert not script_errors(page), f"JavaScript errors in formgrader: {script_errors(page)}"


def test_a_students_scripts_never_run_in_formgrader(graded, formgrader, fg_page, artifacts):
    """The scripter's submission opened in formgrader: its scripts are on the page as text, and none ran."""
    course, _, _ = graded
    url, token = formgrader
    from nbconvert import HTMLExporter
    from nbgrader.api import Gradebook
    from nbgrader.server_extensions.formgrader import handlers
    with Gradebook(f"sqlite:///{course.root / 'grader' / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(FF, FF, "scripter").id
    graded_nb = course.root / "grader" / "autograded" / "scripter" / FF / f"{FF}.ipynb"
    stock = HTMLExporter(template_name="formgrade", extra_template_basedirs=[handlers.template_path])
    html, _ = stock.from_filename(str(graded_nb), resources={"index": 0, "total": 1, "base_url": "/"})
    live = [m for m in ("onerror=\"(window", "<script>(window", "html-script", "javascript')") if m in html]
    assert len(live) == 4, f"control: stock nbconvert would not render the scripts live ({live})"

    page = fg_page
    page.goto(f"{url}/formgrader/submissions/{submission}?token={token}", wait_until="load")
    page.get_by_text("A note from the student.").first.wait_for()
    page.locator(".output_html, .output_subarea").first.wait_for(state="attached")
    page.screenshot(path=str(artifacts / "formgrader-scripter.png"), full_page=True)
    ran = page.evaluate("window.__pwned || []")
    assert ran == [], f"a student's script ran in the instructor's browser: {ran}"
