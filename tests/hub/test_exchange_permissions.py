"""The class hub's exchange, as real system users: one student can neither read nor replace another's work.

Stock nbgrader 0.9.6 (the control case here) leaves a submission world-readable, and collects a
submission forged in another student's name (it only warns). With classhub/private_exchange.py and
the folder modes classhub/prepare.py sets, the same attempts by a real second user fail.
"""
import shutil

import nbformat
import pytest

from coursekit.course import finished
from coursekit.hub import assert_private, class_hub_setup, need_root, submission_of
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.hub, pytest.mark.nbgrader]

LESSON = "01_error"
STOCK_SUBMIT = "--ExchangeFactory.submit=nbgrader.exchange.default.ExchangeSubmit"


@pytest.fixture(scope="module")
def hub_setup():
    need_root()
    with class_hub_setup() as setup:
        yield setup


@pytest.fixture(scope="module")
def released(hub_setup, tmp_path_factory):
    """The course (instructor: root) with lesson 01 released; three students who fetched it."""
    course = TempCourse(tmp_path_factory.mktemp("exchange-course"))
    hub_setup.instructor_nbgrader(course.root, "release_assignment", LESSON)
    students = [hub_setup.add_user("student") for _ in range(3)]
    for student in students:
        hub_setup.nbgrader(student, "fetch_assignment", LESSON)
    return course, students


def _answer(setup, student, replace):
    """Write a finished lesson 01 (with `replace`d answers) over the student's fetched copy."""
    path = f"/home/{student}/{LESSON}/{LESSON}.ipynb"
    text = nbformat.writes(finished(LESSON, replace))
    with open(path, "w") as fh:  # as root, then hand the file back to the student
        fh.write(text)
    shutil.chown(path, student, student)
    return path


def test_another_student_cannot_read_or_replace_a_submission(hub_setup, released):
    course, (alice, bob, _) = released
    _answer(hub_setup, alice, {})
    hub_setup.nbgrader(alice, "submit", LESSON)
    mine = submission_of(hub_setup, alice, LESSON)
    notebook = mine / f"{LESSON}.ipynb"

    assert_private(hub_setup, bob, mine)
    as_alice = hub_setup.nbgrader(bob, "submit", LESSON, "--student", alice, check=False)
    assert as_alice.returncode != 0 and "only submit as yourself" in as_alice.stdout + as_alice.stderr, as_alice

    # A forged, newer folder in alice's name (bob can create one by hand) is not collected.
    forged = hub_setup.inbound / f"{alice}+{LESSON}+2099-01-01 00:00:00.000000 UTC+forged"
    hub_setup.run_as(bob, ["mkdir", str(forged)])
    hub_setup.run_as(bob, ["cp", f"/home/{bob}/{LESSON}/{LESSON}.ipynb", str(forged)])
    result = hub_setup.instructor_nbgrader(course.root, "collect", LESSON)
    assert "NOT collected" in result.stdout + result.stderr, result.stderr
    collected = course.root / "grader" / "submitted" / alice / LESSON / f"{LESSON}.ipynb"
    assert collected.read_bytes() == notebook.read_bytes(), "collect took the forged submission"


def test_stock_nbgrader_submit_would_leak(hub_setup, released):
    """Control: the same read succeeds against stock nbgrader's submit (so the test above can fail)."""
    course, (_, bob, carol) = released
    _answer(hub_setup, carol, {})
    hub_setup.nbgrader(carol, "submit", LESSON, STOCK_SUBMIT)
    notebook = submission_of(hub_setup, carol, LESSON) / f"{LESSON}.ipynb"
    read = hub_setup.run_as(bob, ["cat", str(notebook)], check=False)
    assert read.returncode == 0 and '"nbformat"' in read.stdout, read
