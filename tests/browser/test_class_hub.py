"""A class on the class hub, end to end in Chromium: release, fetch, answer, validate, submit, grade, feedback.

`classhub/start` runs JupyterHub with one shared password; three throwaway system users log in,
fetch lesson 01 from nbgrader's Assignments tab, answer in the notebook (one right, one with the
catalogued mistake "guess - target", one unfinished), validate and submit from the tab. One of them
then tries, as their own system user, to read and to overwrite another's submission in the exchange
and fails. The instructor (root here) collects with nbgrader, grades with `python -m grader grade`,
generates and releases feedback; each student fetches it in the tab and sees their score and their
mistake named, and never the hidden tests. Screenshots: test-artifacts/browser/hub-*.png.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backprop.mistakes import CATALOG
from coursekit.course import ROOT, answer_cells, read, solution_code
from coursekit.hub import Hub, assert_private, class_hub_setup, need_root, submission_of
from jlab import screenshot_if_failed
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.browser, pytest.mark.hub, pytest.mark.nbgrader]

LESSON = "01_error"
MISTAKE = next(m for m in CATALOG["output_error"] if m.label == "guess - target")
WRONG_OUTPUT_ERROR = "def output_error(target, guess):\n    return guess - target\n"
HIDDEN_MARKS = ["default_rng(2100)", "default_rng(2101)", "hidden=True", "BEGIN HIDDEN TESTS"]
LOGIN_TIMEOUT = 180_000   # ms: login to an idle JupyterLab, server spawn included (about 10 s here)
ACTION_TIMEOUT = 120_000  # ms: fetch, validate (runs the notebook), submit, fetch feedback
GRADE_TIMEOUT = 600       # s
NEWS_OFF = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                                 "checkForUpdates": False}}


@pytest.fixture(scope="module")
def gradebook_url(pg):
    """The gradebook the course uses from generate to feedback: a database on a real PostgreSQL server."""
    return pg.database("classhub")


def answers():
    """student role -> {grade_id: code} written into the notebook; None leaves a function unfinished."""
    solved = {gid: solution_code(c.source) for gid, c in answer_cells(read("solutions", LESSON)).items()}
    return {"right": solved,
            "mistake": dict(solved, output_error=WRONG_OUTPUT_ERROR),
            "unfinished": {"output_error": solved["output_error"]}}


def points():
    """grade_id of each graded test cell -> its points."""
    nb = read("lessons", LESSON)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def expected_score(role):
    p = points()
    return {"right": sum(p.values()), "mistake": sum(p.values()) - p["test_output_error"],
            "unfinished": p["test_output_error"]}[role]


@pytest.fixture(scope="module")
def classroom(tmp_path_factory, artifacts, gradebook_url):
    """The course with lesson 01 released, three students, and the hub running: (setup, course, hub, students)."""
    need_root()
    with pytest.MonkeyPatch.context() as env:
        if gradebook_url:  # every nbgrader and grader step below, and the hub (instructors' formgrader)
            env.setenv("BACKPROP_GRADEBOOK_URL", gradebook_url)
        else:
            env.delenv("BACKPROP_GRADEBOOK_URL", raising=False)
        yield from _classroom(tmp_path_factory, artifacts)


def _classroom(tmp_path_factory, artifacts):
    with class_hub_setup() as setup:
        course = TempCourse(setup.base / "course")  # the instructor's, private (grading here runs as root)
        instructor = setup.add_user("instructor")
        subprocess.run(["chown", "-R", f"{instructor}:{instructor}", str(course.root)], check=True)
        os.chmod(course.root, 0o700)
        students = {role: setup.add_user("student") for role in ("right", "mistake", "unfinished")}
        for user in [instructor, *students.values()]:
            _settings(user)
        setup.instructor_nbgrader(course.root, "release_assignment", LESSON)
        hub = Hub(setup, tmp_path_factory.mktemp("hub-log") / "jupyterhub.log", course=course.root)
        try:
            hub.start()
            yield setup, course, hub, dict(students, instructor=instructor)
        finally:
            hub.stop()
            shutil.copyfile(hub.log_path, artifacts / "hub-jupyterhub.log")


def _settings(user):
    """Lab user settings in the student's home: no news toast."""
    home = Path("/home") / user
    for rel, values in NEWS_OFF.items():
        path = home / ".jupyter" / "lab" / "user-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    subprocess.run(["chown", "-R", f"{user}:{user}", str(home / ".jupyter")], check=True)


class Student:
    """One student's browser tab on the hub."""

    def __init__(self, browser, hub, user, role, artifacts):
        self.hub, self.user, self.role, self.artifacts = hub, user, role, artifacts
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.base = f"{hub.url}/user/{user}"

    def shot(self, step):
        self.page.screenshot(path=str(self.artifacts / f"hub-{self.role}-{step}.png"), timeout=30_000)

    def login(self):
        pg = self.page
        pg.goto(f"{self.hub.url}/hub/login")
        pg.fill("#username_input", self.user)
        pg.fill("#password_input", self.hub.admin_password if self.role == "instructor" else self.hub.password)
        pg.click("#login_submit")
        pg.wait_for_url(re.compile(rf"/user/{self.user}/lab"), timeout=LOGIN_TIMEOUT)
        pg.locator(".jp-LabShell").wait_for(timeout=LOGIN_TIMEOUT)
        pg.get_by_text("Nbgrader", exact=True).first.wait_for(timeout=LOGIN_TIMEOUT)

    def formgrader_status(self):
        """HTTP status of this user's formgrader assignment list (200 with JSON for instructors only)."""
        resp = self.page.request.get(f"{self.base}/formgrader/api/assignments")
        return resp.status, (resp.json() if resp.status == 200 else None)

    def nbgrader_menu(self):
        """The items of the Nbgrader menu."""
        self.page.get_by_text("Nbgrader", exact=True).first.click()
        items = self.page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
        self.page.keyboard.press("Escape")
        return items

    def open_assignments(self):
        pg = self.page
        pg.get_by_text("Nbgrader", exact=True).first.click()
        pg.get_by_text("Assignment List", exact=True).click()
        pg.locator("#released_assignments_list").wait_for(timeout=ACTION_TIMEOUT)

    def fetch(self):
        released = self.page.locator("#released_assignments_list")
        released.get_by_text(LESSON).wait_for(timeout=ACTION_TIMEOUT)
        self.shot("1-released")
        released.get_by_role("button", name="Fetch").click()
        self.page.locator("#fetched_assignments_list").get_by_text(LESSON).first.wait_for(timeout=ACTION_TIMEOUT)

    def answer(self, codes):
        """Open the fetched notebook, type the answers into their cells, save."""
        pg = self.page
        pg.goto(f"{self.base}/lab/tree/{LESSON}/{LESSON}.ipynb")
        pg.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=ACTION_TIMEOUT)
        cells = read("lessons", LESSON).cells
        for index, cell in enumerate(cells):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in codes and cell.metadata["nbgrader"].get("solution"):
                editor = pg.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
                editor.click()
                pg.keyboard.press("Control+a")
                pg.keyboard.insert_text(codes[gid])
        pg.keyboard.press("Escape")
        pg.keyboard.press("Control+s")
        pg.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=ACTION_TIMEOUT)
        self.shot("2-answered")

    def validate(self):
        """Validate from the Assignments tab; returns the dialog's text."""
        self.open_assignments()
        fetched = self.page.locator("#fetched_assignments_list")
        fetched.get_by_text(LESSON).first.click()  # expands the notebook list
        fetched.get_by_role("button", name="Validate").first.click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=ACTION_TIMEOUT)
        text = dialog.inner_text()
        self.shot("3-validated")
        dialog.locator("button").last.click()
        return text

    def submit(self):
        self.page.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
        self.page.locator("#submitted_assignments_list").get_by_text(LESSON).first.wait_for(timeout=ACTION_TIMEOUT)
        self.shot("4-submitted")

    def feedback(self):
        """Fetch the feedback in the tab and open it; returns the page's text."""
        pg = self.page
        pg.goto(f"{self.base}/lab")
        pg.locator(".jp-LabShell").wait_for(timeout=ACTION_TIMEOUT)
        self.open_assignments()
        submitted = pg.locator("#submitted_assignments_list")
        submitted.get_by_text(LESSON).first.wait_for(timeout=ACTION_TIMEOUT)
        submitted.get_by_role("button", name="Fetch Feedback").first.click()
        link = submitted.get_by_text("view feedback").first
        link.wait_for(timeout=ACTION_TIMEOUT)
        self.shot("5-feedback-fetched")
        html = sorted(Path(f"/home/{self.user}/{LESSON}/feedback").glob(f"*/{LESSON}.html"))
        assert html, f"{self.user}: no feedback file in their home after Fetch Feedback"
        rel = html[-1].relative_to(f"/home/{self.user}")
        pg.goto(f"{self.base}/files/{rel}")
        pg.wait_for_load_state("load")
        pg.screenshot(path=str(self.artifacts / f"hub-{self.role}-6-feedback.png"), full_page=True, timeout=30_000)
        return pg.locator("body").inner_text()

    def close(self, request):
        screenshot_if_failed(request, self.page, self.artifacts / f"FAILED-hub-{self.role}.png")
        self.context.close()


def _instructor(setup, course, timings):
    """Collect (nbgrader, the hub's private collect), grade (python -m grader grade), feedback (nbgrader)."""
    t0 = time.monotonic()
    setup.instructor_nbgrader(course.root, "collect", LESSON)
    result = subprocess.run([sys.executable, "-m", "grader", "grade", LESSON, "--course", str(course.root),
                             "--jobs", "2"], cwd=ROOT, capture_output=True, text=True, timeout=GRADE_TIMEOUT)
    assert result.returncode == 0, f"python -m grader grade exited {result.returncode}:\n" \
                                   f"{(result.stdout + result.stderr)[-4000:]}"
    for student in (course.root / "grader" / "submitted").iterdir():  # nbgrader's release_feedback needs it
        kept = course.root / "grader" / "autograded" / student.name / LESSON / "submission_secret.txt"
        assert kept.exists(), f"python -m grader grade did not keep {kept.name} of {student.name}'s submission"
    setup.instructor_nbgrader(course.root, "generate_feedback", LESSON, "--force")
    setup.instructor_nbgrader(course.root, "release_feedback", LESSON)
    timings["collect to feedback released"] = time.monotonic() - t0
    return result.stdout


def test_a_class_on_the_hub(classroom, browser, artifacts, request):
    setup, course, hub, users = classroom
    students = {role: user for role, user in users.items() if role != "instructor"}
    codes, timings, tabs = answers(), {}, {}
    try:
        t0 = time.monotonic()
        tab = tabs["instructor"] = Student(browser, hub, users["instructor"], "instructor", artifacts)
        tab.login()
        assert "Formgrader" in tab.nbgrader_menu()
        status, listed = tab.formgrader_status()
        assert status == 200 and LESSON in [a["name"] for a in listed], (status, listed)
        tab.page.goto(f"{tab.base}/formgrader")
        tab.page.get_by_text(LESSON).first.wait_for(timeout=ACTION_TIMEOUT)
        tab.shot("formgrader")
        timings["instructor: login to formgrader"] = time.monotonic() - t0

        t0 = time.monotonic()
        for role, user in students.items():
            tab = tabs[role] = Student(browser, hub, user, role, artifacts)
            tab.login()
            assert "Formgrader" not in tab.nbgrader_menu() and tab.formgrader_status()[0] == 404
            tab.open_assignments()
            tab.fetch()
            tab.answer(codes[role])
            verdict = tab.validate()
            if role == "right":
                assert "Success" in verdict, f"validating the right answers said:\n{verdict}"
            else:
                assert "Success" not in verdict, f"validating the {role} notebook said Success:\n{verdict}"
            tab.submit()
        timings["3 students: login to submitted"] = time.monotonic() - t0

        intruder, victim = students["mistake"], students["right"]
        assert_private(setup, intruder, submission_of(setup, victim, LESSON))

        grade_log = _instructor(setup, course, timings)
        t0 = time.monotonic()
        for role in students:
            text = tabs[role].feedback()
            score = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
            assert score, f"{role}: no score on the feedback page:\n{text[:2000]}"
            assert float(score.group(1)) == expected_score(role), \
                f"{role}: feedback shows {score.group(0)}, expected {expected_score(role)}\n{grade_log[-2000:]}"
            assert (MISTAKE.message in text) == (role == "mistake"), \
                f"{role}: the mistake {MISTAKE.message!r} is {'missing from' if role == 'mistake' else 'on'} the page"
            shown = [mark for mark in HIDDEN_MARKS if mark in text]
            assert not shown, f"{role}: the feedback shows hidden tests ({shown}):\n{text[:3000]}"
        timings["3 students: feedback fetched and read"] = time.monotonic() - t0
    finally:
        for tab in tabs.values():
            tab.close(request)
        lines = [f"{k}: {v:.1f} s" for k, v in timings.items()]
        (artifacts / "hub-timings.txt").write_text("\n".join(lines) + "\n")
        print("\nclass hub timings:\n  " + "\n  ".join(lines))
