"""Formgrader's own Autograde button grades the hardened way (grader/autograde/pipeline.py), clicked in Chromium.

A temp course gets ungraded 00_feedforward submissions: an honest one, a wrong sigmoid, and attacks
from tests/attacks.py (np.allclose patched, delegation to backprop.reference, os._exit, a peeker
reading solutions/ of the temp course and of the repo, a vandal overwriting every file under the
temp course's grader/). A real `jupyter lab` serves formgrader from the course's grader/ folder; in
"Manage Submissions" each student's Autograde button (the flash icon) is clicked and its dialog
awaited. Formgrader runs nbgrader's Autograde inside the server process, so this is the third entry
point of the same pipeline: the table and the gradebook must give honest 2/2, every attack but the
vandal 1/2 (sigmoid lost, feedforward kept), the vandal 2/2 with nothing else under grader/ changed.
With no bubblewrap for the server (BACKPROP_BWRAP=/nonexistent/bwrap), the button must refuse.
Screenshots: test-artifacts/browser/formgrader-autograde-*.png.
"""
import hashlib
import re
import sqlite3
import time

import pytest

from attacks import ATTACKS, PEEK, SIGMOID_WRONG, VANDAL
from coursekit.course import ROOT, finished
from formgrader_pages import fg_page  # noqa: F401 - a fixture
from formgrader_pages import PAGE_TIMEOUT, parse_score, row, script_errors, table
from formgrader_server import serve
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

FF = "00_feedforward"
FULL = {"test_sigmoid": 1.0, "test_feedforward": 1.0}
SIGMOID_LOST = {"test_sigmoid": 0.0, "test_feedforward": 1.0}
CLICK_TIMEOUT = 300_000  # ms: one Autograde click, the first starting the grading wall (4 to 10 s here)
NO_BWRAP = "/nonexistent/bwrap"
REFUSED = "refused"      # the student the refusal test clicks (never graded)


def students(course):
    """student -> (answers replacing the finished notebook's, expected gradebook scores), in click order.

    The vandal comes mid-way, so that it finds others' autograded notebooks and others are graded after it.
    """
    roots = [str(course.root)]
    return {
        "honest": ({}, FULL),
        "cheater": (ATTACKS["allclose"][1], SIGMOID_LOST),
        "vandal": ({"sigmoid": VANDAL.format(roots=roots)}, FULL),
        "wrong": ({"sigmoid": SIGMOID_WRONG}, SIGMOID_LOST),
        "delegate": (ATTACKS["delegate-from"][1], SIGMOID_LOST),
        "kill": (ATTACKS["kills"][1], SIGMOID_LOST),
        "peeker": ({"sigmoid": PEEK.format(roots=roots + [str(ROOT)])}, SIGMOID_LOST),
    }


def wall_missing():
    """Why no grading wall can be built on this machine, or None when it can."""
    from grader import wall as grading_wall
    return None if grading_wall.probe().ok else grading_wall.probe().why_not


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A temp course with every student's submission handed in, none graded (and REFUSED's, for the refusal).

    Without a wall on this machine only REFUSED's: the vandal is never let loose unwalled.
    """
    made = TempCourse(tmp_path_factory.mktemp("autograde-course"))
    for student, (answers, _) in ({} if wall_missing() else students(made)).items():
        made.submit(student, FF, finished(FF, answers))
    made.submit(REFUSED, FF, finished(FF))
    return made


def hashes(folder, skip=()):
    """{path relative to folder: sha256} of every file under folder, but paths starting with one of skip."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not str(p.relative_to(folder)).startswith(skip)}


def open_submissions(page, url, token):
    """Manage Submissions of the lesson, its table filled (logged in first: a token in the URL of a page
    other than /formgrader leaves the page's own API calls unauthenticated, and its table empty)."""
    page.goto(f"{url}/formgrader?token={token}", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/formgrader/manage_assignments"))
    page.goto(f"{url}/formgrader/manage_submissions/{FF}", wait_until="domcontentloaded")
    table(page, "student-id", "status", [REFUSED])


def click_autograde(page, student):
    """Click student's Autograde button and wait for formgrader's dialog: (its title, its text); dismissed after."""
    row(page, "student-id", student).locator("td.autograde a").click()
    dialog = page.locator("#success-modal, #error-modal")
    dialog.wait_for(state="visible", timeout=CLICK_TIMEOUT)
    page.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=dialog.element_handle(),
                           timeout=CLICK_TIMEOUT)  # the dialog's fade-in has ended, for the screenshot
    title = dialog.locator(".modal-title").inner_text().strip()
    text = dialog.locator(".modal-body").inner_text()
    return dialog, title, text


def dismiss(dialog):
    """Close formgrader's dialog with its OK button (it is removed from the page once hidden)."""
    dialog.locator(".modal-footer button").click()
    dialog.wait_for(state="detached", timeout=PAGE_TIMEOUT)


def wait_status(page, student, status):
    """Wait until the student's row shows status ('graded', 'needs autograding', ...)."""
    page.wait_for_function(
        """([student, status]) => Array.from(document.querySelectorAll('#main-table tr')).some(tr => {
              const id = tr.querySelector('td.student-id'), st = tr.querySelector('td.status');
              return id && st && id.innerText.trim() === student && st.innerText.trim() === status; })""",
        arg=[student, status], timeout=PAGE_TIMEOUT)


def gradebook_scores(course, names):
    """{student: {grade_id: score}} from the gradebook (after an sqlite integrity check)."""
    db = course.root / "grader" / "gradebook.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), "the gradebook is damaged"
    return {s: {g: v[0] for g, v in course.scores(s, FF).items()} for s in names}


def test_formgrader_autograde_button_grades_hardened(course, tmp_path, fg_page, artifacts):
    if wall_missing():
        pytest.skip(f"no grading wall here: {wall_missing()} (the refusal test covers this machine)")
    page, expected = fg_page, students(course)
    grader_dir, submitted = course.root / "grader", course.root / "grader" / "submitted"
    handed_in = hashes(submitted)
    timings = {}
    with serve(course, tmp_path, FF, artifacts / "formgrader-autograde-jupyter-lab.log") as (url, token):
        open_submissions(page, url, token)
        before = table(page, "student-id", "status", expected)
        assert all(before[s] == "needs autograding" for s in expected), before
        page.screenshot(path=str(artifacts / "formgrader-autograde-before.png"), full_page=True)

        for student in expected:
            untouchable = hashes(grader_dir, skip=("gradebook.db", f"autograded/{student}/"))
            t0 = time.monotonic()
            dialog, title, text = click_autograde(page, student)
            timings[student] = time.monotonic() - t0
            if student == "honest":
                page.screenshot(path=str(artifacts / "formgrader-autograde-dialog.png"))
            assert title == "Success", f"{student}: formgrader says {title}:\n{text[-4000:]}"
            dismiss(dialog)
            wait_status(page, student, "graded")
            # Whoever it was, grading one student changed nothing under grader/ but the gradebook and its own output.
            assert hashes(grader_dir, skip=("gradebook.db", f"autograded/{student}/")) == untouchable, student

        page.reload(wait_until="domcontentloaded")  # what formgrader shows, fresh from the server
        shown = table(page, "student-id", "score", expected)
        page.screenshot(path=str(artifacts / "formgrader-autograde-after.png"), full_page=True)
        book = gradebook_scores(course, expected)
        for student, (_, scores) in expected.items():
            assert book[student] == scores, (student, book[student])
            assert parse_score(shown[student]) == (sum(scores.values()), len(scores)), (student, shown[student])
        assert hashes(submitted) == handed_in, "a handed-in file changed"

        # The cheater's autograded notebook: the named mistake in the test_sigmoid cell's output.
        row(page, "student-id", "cheater").locator("td.student-name a").click()
        page.wait_for_url(re.compile(rf"/formgrader/manage_students/cheater/{FF}/?$"))
        table(page, "name", "score", [FF])
        row(page, "name", FF).locator("td.name a").click()
        page.wait_for_url(re.compile(r"/formgrader/submissions/"))
        cell = page.locator("div.cell").filter(has=page.locator("input.score#test_sigmoid"))
        assert cell.count() == 1, "not one notebook cell holds test_sigmoid's score box"
        output = cell.locator(".output_wrapper")
        output.get_by_text("checked outside your notebook's kernel").first.wait_for()
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "formgrader-autograde-cheater.png"))
        assert script_errors(page) == [], f"JavaScript errors in formgrader: {script_errors(page)}"
    said = "formgrader Autograde clicks (s): " + ", ".join(f"{s} {t:.1f}" for s, t in timings.items())
    (artifacts / "formgrader-autograde-timings.txt").write_text(said + "\n")


def test_formgrader_autograde_refuses_without_the_wall(course, tmp_path, fg_page, artifacts):
    """With no bubblewrap for the server, the button shows the refusal and grades nothing."""
    from nbgrader.api import Gradebook, MissingEntry
    page = fg_page
    with serve(course, tmp_path, FF, artifacts / "formgrader-refusal-jupyter-lab.log",
               BACKPROP_BWRAP=NO_BWRAP) as (url, token):
        open_submissions(page, url, token)
        dialog, title, text = click_autograde(page, REFUSED)
        page.screenshot(path=str(artifacts / "formgrader-autograde-refused.png"))
        assert title == "Error", f"formgrader says {title}:\n{text[-4000:]}"
        assert "grading refused" in text and "--no-wall" in text, text[-4000:]
        assert "bubblewrap (bwrap) is not installed" in text, text[-4000:]
        dismiss(dialog)
        page.reload(wait_until="domcontentloaded")
        wait_status(page, REFUSED, "needs autograding")
    with Gradebook(f"sqlite:///{course.root / 'grader' / 'gradebook.db'}") as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission(FF, REFUSED)
    assert not (course.root / "grader" / "autograded" / REFUSED).exists()
