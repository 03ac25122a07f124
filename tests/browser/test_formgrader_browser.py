"""What an instructor sees in nbgrader's formgrader after `python -m grader grade`, in Chromium.

A temp course gets three submissions of 00_feedforward: a finished notebook, one with a wrong sigmoid,
and a cheater who patches np.allclose (passes in the kernel, fails the grader's out-of-kernel check).
After grading, a real `jupyter lab` serves formgrader and the pages must show: the assignment with its
3 submissions, every student, and for each the score the gradebook holds (2/2, 1/2, and the cheater's
lowered 1/2, not the 2/2 the kernel gave). Screenshots: test-artifacts/browser/formgrader-*.png.

Formgrader reads nbgrader_config.py from the server's *working directory*, not from its root_dir, so
the server runs from the course's grader/ folder (root_dir: the course root, which must not lie above
root_dir). Started anywhere else it fails silently: an empty assignment list and a new empty
gradebook.db in that directory; the server fixture checks the API lists the lesson before any page.
"""
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from course import ROOT, finished
from jlab import screenshot_if_failed
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

FF = "00_feedforward"
SIGMOID_WRONG = "def sigmoid(z):\n    return 0.5 + 0 * z\n"
STUDENTS = {  # student -> (answers replaced in the finished notebook, expected (score, max) of the lesson)
    "honest": ({}, (2, 2)),
    "wrong": ({"sigmoid": SIGMOID_WRONG}, (1, 2)),
    "cheater": ({"sigmoid": "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                            "np.isclose = lambda *a, **k: True\n" + SIGMOID_WRONG}, (1, 2)),
}
GRADE_TIMEOUT = 600     # s: grading the 3 notebooks (course build + grading + server: about 22 s here)
SERVER_TIMEOUT = 90     # s: server ready (2 to 4 s here)
STOP_TIMEOUT = 15       # s
PAGE_TIMEOUT = 30_000   # ms: any one page element or navigation
SCORE = re.compile(r"^\s*([\d.]+)\s*/\s*([\d.]+)\s*$")


def _score(text):
    """'1.5 / 2' -> (1.5, 2.0); anything else fails with the text seen."""
    m = SCORE.match(text)
    assert m, f"not a score: {text!r}"
    return float(m.group(1)), float(m.group(2))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env():
    # The gradebook must be the temp course's sqlite file for the grader, the server and course.scores().
    return {k: v for k, v in os.environ.items() if k != "BACKPROP_GRADEBOOK_URL"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A temp course with the three students submitted and graded: (course, grader output, grade.json rows)."""
    course = TempCourse(tmp_path_factory.mktemp("formgrader-course"))
    for student, (answers, _) in STUDENTS.items():
        course.submit(student, FF, finished(FF, answers))
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course.root), "--jobs", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=GRADE_TIMEOUT, env=_clean_env())
    out = result.stdout + result.stderr
    assert result.returncode == 0, f"python -m grader grade exited {result.returncode}:\n{out[-4000:]}"
    report = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())
    rows = {r["student"]: r for r in report["submissions"] if r["lesson"] == FF}
    return course, out, rows


@pytest.fixture(scope="module")
def formgrader(graded, tmp_path_factory, artifacts):
    """A `jupyter lab` serving the graded course; yields its base URL and token. Killed (process group) after."""
    course = graded[0]
    base = tmp_path_factory.mktemp("formgrader-server")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(_clean_env(), PYTHONUNBUFFERED="1",
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_DATA_DIR=str(base / "data"),
               JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course.root}",
           "--ServerApp.log_level=WARN", f"--Exchange.root={base / 'exchange'}"]
    (base / "exchange").mkdir()  # else formgrader warns that /usr/local/share/nbgrader/exchange is missing
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = base / "jupyter-lab.log"
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        # cwd = grader/: that is where formgrader looks for nbgrader_config.py.
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=course.root / "grader", start_new_session=True)
        try:
            listed = [a["name"] for a in _wait_ready(proc, url, token, log_path)]
            assert FF in listed, f"formgrader lists {listed}: it did not find the course's nbgrader_config.py"
            yield url, token
        finally:
            _stop(proc)
            (artifacts / "formgrader-jupyter-lab.log").write_bytes(log_path.read_bytes())


def _wait_ready(proc, url, token, log_path):
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            req = urllib.request.Request(f"{url}/formgrader/api/assignments",
                                         headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(req, timeout=5) as resp:
                return json.loads(resp.read())
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"formgrader not ready after {SERVER_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")


def _stop(proc):
    """SIGTERM the server's process group, then SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
    try:  # children the server left (kernels are not started here, but be sure)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def fg_page(browser, artifacts, request):
    """A fresh context and page on the session's Chromium; a failure leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT)
    context.set_default_navigation_timeout(PAGE_TIMEOUT)
    # Only the local server: formgrader's notebook view loads MathJax from a CDN, which must not decide the test.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    try:
        yield page
    finally:
        screenshot_if_failed(request, page, artifacts / "FAILED-formgrader.png", full_page=True)
        context.close()


def _table(page, key_cls, value_cls, keys):
    """{text of td.key_cls: text of td.value_cls} in the page's table, once every one of `keys` is listed.

    The tables are filled by JavaScript after the page loads ("Loading, please wait..." until then).
    """
    page.wait_for_function(
        """([cls, keys]) => { const seen = Array.from(document.querySelectorAll('#main-table td.' + cls))
                                             .map(td => td.innerText.trim());
                              return keys.every(k => seen.includes(k)); }""",
        arg=[key_cls, list(keys)], timeout=PAGE_TIMEOUT)
    rows = page.locator("#main-table tr")
    return {row.locator(f"td.{key_cls}").inner_text().strip(): row.locator(f"td.{value_cls}").inner_text().strip()
            for row in rows.all()}


def _row(page, key_cls, key):
    """The table row whose td.key_cls (a selector after "td.") reads exactly `key`."""
    return page.locator("#main-table tr").filter(
        has=page.locator(f"td.{key_cls}", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))


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
    assignments = _table(page, "name", "num-submissions", [FF])
    assert assignments[FF] == str(len(STUDENTS)), assignments
    page.screenshot(path=str(artifacts / "formgrader-assignments.png"), full_page=True)

    # Its submissions (the instructor clicks the count): every student, graded, with the gradebook's score.
    _row(page, "name", FF).locator("td.num-submissions a").click()
    page.wait_for_url(re.compile(rf"/formgrader/manage_submissions/{FF}/?$"))
    submitted = _table(page, "student-id", "score", STUDENTS)
    statuses = _table(page, "student-id", "status", STUDENTS)
    assert set(submitted) == set(STUDENTS), submitted
    for student in STUDENTS:
        assert _score(submitted[student]) == totals[student], (student, submitted[student], book[student])
        assert statuses[student] == "graded", statuses
    page.screenshot(path=str(artifacts / "formgrader-submissions.png"), full_page=True)

    # Manual Grading -> lesson -> notebook: the per-notebook list, names revealed, scores as in the gradebook.
    page.get_by_role("link", name="Manual Grading", exact=True).click()
    page.wait_for_url(re.compile(r"/formgrader/gradebook/?$"))
    _table(page, "name", "score", [FF])
    _row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/gradebook/{FF}/?$"))
    _table(page, "name", "avg-score", [FF])
    _row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/gradebook/{FF}/{FF}/?$"))
    page.locator("#main-table td.score").nth(len(STUDENTS) - 1).wait_for()
    page.locator("#toggle_names").click()  # rows show "Submission #n" until names are revealed
    notebooks = _table(page, "name", "score", STUDENTS)
    assert set(notebooks) == set(STUDENTS), notebooks
    for student in STUDENTS:
        assert _score(notebooks[student]) == totals[student], (student, notebooks[student], book[student])
        # "Tests Failed?" is a tick without text; its search key says whether it is there.
        flag = _row(page, "name a.name-shown", student).locator("td.tests-failed").get_attribute("data-search")
        assert (flag == "tests failed") == (totals[student][0] < totals[student][1]), (student, flag)
    page.screenshot(path=str(artifacts / "formgrader-gradebook.png"), full_page=True)

    # Manage Students: everyone listed; the total is this lesson's score (the only one handed in) out of
    # the points of every lesson in the gradebook.
    page.get_by_role("link", name="Manage Students", exact=True).click()
    page.wait_for_url(re.compile(r"/formgrader/manage_students/?$"))
    students = _table(page, "id", "score", STUDENTS)
    assert set(students) == set(STUDENTS), students
    for student in STUDENTS:
        assert _score(students[student]) == (totals[student][0], _course_max(course)), (student, students[student])
    page.screenshot(path=str(artifacts / "formgrader-students.png"), full_page=True)

    # The cheater: their lesson page shows the lowered score, and the graded notebook says why.
    _row(page, "id", "cheater").locator("td.name a").click()
    page.wait_for_url(re.compile(r"/formgrader/manage_students/cheater/?$"))
    lessons = _table(page, "name", "score", [FF])
    assert _score(lessons[FF]) == totals["cheater"], lessons
    _row(page, "name", FF).locator("td.name a").click()
    page.wait_for_url(re.compile(rf"/formgrader/manage_students/cheater/{FF}/?$"))
    _table(page, "name", "score", [FF])
    _row(page, "name", FF).locator("td.name a").click()
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
    errors = [e for e in page.errors if e != "MathJax is not defined"]
    assert not errors, f"JavaScript errors in formgrader: {errors}"
