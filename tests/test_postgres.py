"""The gradebook on a real PostgreSQL server (coursekit/postgres.py starts one as an ordinary user, stops it after).

A temp course whose gradebook is a PostgreSQL database gets four students' notebooks of lessons 00
and 01 (finished, with a known mistake, an untouched stub, a cheater). Two `python -m grader grade`
processes, one per lesson, grade them at the same time into that database; a single process grades
them into a second database (the reference). Then the scores must be the same everywhere: both
databases, what we expect of each student, `export`'s CSV, `feedback`'s pages and formgrader's API.
Finally every wrong URL (server down, wrong port, host, database, password, driver, a database without
a gradebook) must give one message naming the URL (password masked), the cause and the fix
(gradebook.preflight), and `grade`, `export` and `feedback` must stop with it having written nothing. Without PostgreSQL these tests skip; with BACKPROP_REQUIRE_POSTGRES=1 (.ci/run) they fail.
"""
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coursekit import postgres
from coursekit.course import ROOT, finished, read
from formgrader_server import api, serve
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.postgres, pytest.mark.nbgrader]

URL_ENV = "BACKPROP_GRADEBOOK_URL"
FF, ERR = "00_feedforward", "01_error"
LESSONS = (FF, ERR)
CHEAT = "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
WRONG = {  # answer cell -> a wrong answer (it loses exactly that function's point)
    "sigmoid": "def sigmoid(z):\n    return 0.5 + 0 * z\n",
    "feedforward": "def feedforward(W_ih, W_ho, x):\n    return x, x\n",
    "output_error": "def output_error(target, guess):\n    return guess - target\n",
    "cost": "def cost(targets, guesses):\n    return float(np.mean((targets - guesses) ** 2))\n",
}
STUDENTS = {  # student -> lesson -> answer cells replaced (None: the untouched stub)
    "ada": {FF: {}, ERR: {}},
    "bob": {FF: {"sigmoid": WRONG["sigmoid"]}, ERR: {"cost": WRONG["cost"]}},
    "cy": {FF: None, ERR: {"output_error": WRONG["output_error"]}},
    "dan": {FF: {"feedforward": CHEAT + WRONG["feedforward"]}, ERR: {"cost": CHEAT + WRONG["cost"]}},
}
GRADE_TIMEOUT = 900  # s per grading run (about 40 s here)

def expected(student, lesson):
    """grade_id -> points the student must get: 1 for every function, 0 for the replaced ones (all for a stub)."""
    answers = STUDENTS[student][lesson]
    functions = ["sigmoid", "feedforward"] if lesson == FF else ["output_error", "cost"]
    return {f"test_{f}": 0.0 if answers is None or f in answers else 1.0 for f in functions}


def run(*args, url, cwd=ROOT, timeout=GRADE_TIMEOUT):
    """Run `python -m ARGS` with the gradebook URL set; (exit code, output)."""
    result = subprocess.run([sys.executable, "-m", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                            env=dict(os.environ, **{URL_ENV: url}), timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def scores(url):
    """(student, lesson, grade_id) -> (score, max_score) of every graded cell in the gradebook at url."""
    from nbgrader.api import Gradebook
    found = {}
    with Gradebook(url, course_id="backprop") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[(submission.student.id, assignment.name, grade.name)] = (grade.score, grade.max_score)
    return found


def totals(book):
    """(student, lesson) -> total score, from scores()."""
    out = {}
    for (student, lesson, _), (score, _) in book.items():
        out[(student, lesson)] = out.get((student, lesson), 0.0) + score
    return out


@pytest.fixture(scope="module")
def graded(pg, tmp_path_factory):
    """The course graded twice: {'course', 'url', 'reference', 'outputs': {lesson: (code, output)}}."""
    url = pg.database("gradebook")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(URL_ENV, url)  # nbgrader generate_assignment (TempCourse) reads it through nbgrader_config.py
        course = TempCourse(tmp_path_factory.mktemp("pg-course"))
    for student, lessons in STUDENTS.items():
        for lesson, answers in lessons.items():
            course.submit(student, lesson, read("lessons", lesson) if answers is None else finished(lesson, answers))
    reference = pg.database("reference")
    with CmdlineWatch(secret=re.search(r":([^:@/]+)@", reference).group(1)) as watch:
        code, out = run("grader", "grade", "--course", course.root, "--jobs", "2", url=reference)
    assert code == 0, f"reference grading exited {code}:\n{out[-4000:]}"
    procs = {lesson: subprocess.Popen([sys.executable, "-m", "grader", "grade", lesson, "--course", str(course.root),
                                       "--jobs", "1"], cwd=ROOT, env=dict(os.environ, **{URL_ENV: url}),
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for lesson in LESSONS}
    outputs = {lesson: (p.communicate(timeout=GRADE_TIMEOUT)[0], p.returncode) for lesson, p in procs.items()}
    return {"course": course, "url": url, "reference": reference, "watch": watch,
            "outputs": {lesson: (code, out) for lesson, (out, code) in outputs.items()}}


class CmdlineWatch:
    """Reads every process's arguments (/proc/PID/cmdline, readable by every user) while grading runs."""

    def __init__(self, secret):
        self.secret, self.workers, self.leaks = secret.encode(), set(), []
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._watch)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        while not self._stop.wait(0.02):
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    args = cmdline.read_bytes()
                except OSError:
                    continue
                if b"autograde" in args and b"nbgrader" in args:
                    self.workers.add(cmdline.parent.name)
                if self.secret in args:
                    self.leaks.append(args.replace(b"\0", b" ").decode(errors="replace"))


def test_no_process_arguments_hold_the_gradebook_password(graded):
    """Every user can read every process's arguments: the URL travels in the environment instead."""
    watch = graded["watch"]
    assert watch.workers, "the watch never saw an nbgrader autograde worker: it watched nothing"
    assert not watch.leaks, f"the gradebook's password was on a command line: {watch.leaks[:3]}"


def test_two_graders_at_once_lose_and_mix_nothing(graded):
    for lesson, (code, out) in graded["outputs"].items():
        assert code == 0, f"grade {lesson} exited {code}:\n{out[-4000:]}"
    book, reference = scores(graded["url"]), scores(graded["reference"])
    want = {(s, l, g): points for s in STUDENTS for l in LESSONS for g, points in expected(s, l).items()}
    assert {k: v[0] for k, v in reference.items()} == want, "the single grader's scores are not the expected ones"
    assert book == reference, "two graders at once disagree with one grader:\n" + "\n".join(
        f"{k}: {book.get(k)} vs {reference.get(k)}" for k in sorted(set(book) | set(reference))
        if book.get(k) != reference.get(k))


def test_export_agrees(graded):
    code, out = run("grader", "export", "--course", graded["course"].root, url=graded["url"])
    assert code == 0, out
    with open(graded["course"].root / "grader" / "exports" / "grades.csv") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    book = totals(scores(graded["url"]))
    assert set(rows) == set(STUDENTS), rows
    for (student, lesson), total in book.items():
        assert float(rows[student][lesson]) == total, (student, lesson, rows[student], total)
    for student in STUDENTS:
        assert float(rows[student]["total"]) == sum(book[(student, lesson)] for lesson in LESSONS)


def test_feedback_agrees(graded):
    code, out = run("grader", "feedback", "--course", graded["course"].root, url=graded["url"])
    assert code == 0, out
    book, full = totals(scores(graded["url"])), 2
    for (student, lesson), total in book.items():
        page = (graded["course"].root / "grader" / "feedback" / student / lesson / f"{lesson}.html").read_text()
        assert f"Score: {float(total)} / {float(full)}" in page, (student, lesson, total)
    bob = (graded["course"].root / "grader" / "feedback" / "bob" / ERR / f"{ERR}.html").read_text()
    assert "mean of the squared errors" in bob, "the mistake is not named on the feedback page"


def test_formgrader_agrees(graded, tmp_path):
    book = scores(graded["url"])
    with serve(graded["course"], tmp_path, LESSONS[0], **{URL_ENV: graded["url"]}) as (url, token):
        assert {a["name"] for a in api(url, token, "assignments")} >= set(LESSONS)
        seen = {}
        for lesson in LESSONS:
            for sub in api(url, token, f"submissions/{lesson}"):
                if sub["student"] in STUDENTS:
                    assert sub["autograded"], sub
                    seen[(sub["student"], lesson)] = sub["score"]
            for nb in api(url, token, f"submitted_notebooks/{lesson}/{lesson}"):
                for grade in api(url, token, f"grades?submission_id={nb['id']}"):
                    key = (nb["student"], lesson, grade["name"])
                    score = grade["manual_score"] if grade["manual_score"] is not None else grade["auto_score"]
                    assert (score, grade["max_score"]) == book[key], (key, grade, book[key])
    assert seen == totals(book)


def test_two_graders_keep_both_lessons_in_the_reports(graded):
    """dan cheated in both lessons: grader/flags.json (read by export) must name both after two graders ran."""
    flags = (graded["course"].root / "grader" / "flags.json").read_text()
    assert all(re.search(rf'"lesson": "{lesson}"', flags) for lesson in LESSONS), flags


# ------------------------------------------------------------------ a gradebook that cannot be opened

@pytest.fixture(scope="module")
def down_url(pg):
    """The URL of a database on a PostgreSQL server that has been stopped."""
    with postgres.Server() as other:
        url = other.database("gradebook")
    return url


@pytest.fixture(scope="module")
def bad_urls(pg, graded, down_url):
    """kind -> a URL that cannot be used: its server is down, or one of its parts is wrong."""
    url = graded["url"]
    password = re.search(r":([^:@/]+)@", url.split("//", 1)[1]).group(1)
    return {"server down": down_url,
            "wrong port": url.replace(f":{pg.port}/", f":{postgres.free_port()}/"),
            "wrong host": url.replace("@127.0.0.1:", "@nosuchhost.invalid:"),
            "wrong database": url.rsplit("/", 1)[0] + "/nosuchdb",
            "wrong password": url.replace(f":{password}@", ":not-the-password@"),
            "unknown driver": url.replace("postgresql://", "postgresql+nosuchdriver://"),
            "not a gradebook": pg.url("postgres")}


@pytest.fixture(scope="module")
def broken_course(graded, tmp_path_factory):
    """A copy of the graded course (submissions, autograded notebooks, feedback, exports) to point at bad URLs."""
    dest = tmp_path_factory.mktemp("pg-broken") / "course"
    shutil.copytree(graded["course"].root, dest, symlinks=True)
    return dest


def _files(folder):
    """path -> sha256 of every file under folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


CAUSES = {"server down": "connection refused", "wrong port": "connection refused", "wrong host": "is unknown",
          "wrong database": "has no database", "wrong password": "refused user", "unknown driver": "no database driver",
          "not a gradebook": "holds no nbgrader gradebook"}


def _check_message(text, url, kind):
    """One message naming the URL with its password masked, the cause and the fix; no traceback."""
    assert text.count("gradebook: cannot open") == 1, text
    assert re.sub(r":[^:@/]+@", ":***@", url) in text and "Fix:" in text and CAUSES[kind] in text, text
    assert "Traceback" not in text, text
    assert re.search(r":([^:@/]+)@", url.split("//", 1)[1]).group(1) not in text, "the password is shown"


@pytest.mark.parametrize("kind", CAUSES)
def test_preflight_names_the_url_the_cause_and_the_fix(kind, bad_urls, pg):
    from grader.classwork import gradebook
    before = pg.dump("gradebook"), pg.dump("postgres")
    with pytest.raises(SystemExit) as stopped:
        gradebook.preflight(bad_urls[kind], graded=True)
    _check_message(str(stopped.value), bad_urls[kind], kind)
    assert (pg.dump("gradebook"), pg.dump("postgres")) == before, "a database changed"


def test_preflight_passes_a_good_gradebook(graded):
    from grader.classwork import gradebook
    gradebook.preflight(graded["url"], graded=True)


def _check_refused(command, kind, bad_urls, broken_course, pg):
    """`python -m grader COMMAND` with a bad URL: exit code not 0, one message, no file or database changed."""
    url = bad_urls[kind]
    before_files, before_db = _files(broken_course / "grader"), pg.dump("gradebook")
    code, out = run("grader", command, "--course", broken_course, url=url, timeout=300)
    assert code != 0, f"{command} with a {kind} URL exited 0:\n{out}"
    _check_message(out, url, kind)
    assert _files(broken_course / "grader") == before_files, "files were written or changed under grader/"
    assert pg.dump("gradebook") == before_db, "the gradebook changed"


COMMAND_KINDS = ["server down", "wrong password"]  # every kind is covered by the preflight test above


@pytest.mark.parametrize("command", ["export", "feedback"])
@pytest.mark.parametrize("kind", COMMAND_KINDS)
def test_bad_url_stops_export_and_feedback_with_one_message(command, kind, bad_urls, broken_course, pg):
    _check_refused(command, kind, bad_urls, broken_course, pg)


@pytest.mark.parametrize("kind", COMMAND_KINDS)
def test_bad_url_stops_grade_with_one_message(kind, bad_urls, broken_course, pg):
    _check_refused("grade", kind, bad_urls, broken_course, pg)
