"""Collect takes only what each student handed in, as real system users attacking after they submitted.

After `nbgrader submit` a student still owns their submission folder in the inbound. Each student
here changes it afterwards as an attacker would: a link to a file only root can read, a link in place
of the folder pointing at the course's solutions, a back-dated folder name and timestamp.txt, a fifo,
a dangling link, a hard link, a file over the size limit, an emptied submission_secret.txt; another
plants a folder in the name of a user who does not exist. Stock nbgrader 0.9.6 (the control) is
fooled by each or stops the whole class's collect; classhub/private_exchange.py refuses each entry
by name and collects every honest part.
"""
import datetime
import hashlib
import os
import secrets
import shutil

import pytest
from nbgrader.utils import parse_utc

from coursekit.hub import class_hub_setup, need_root, submission_of
from nbgrader_course import TempCourse

pytestmark = [pytest.mark.hub, pytest.mark.nbgrader]

LESSON = "01_error"
NB = f"{LESSON}.ipynb"
STOCK = {"collect": "--ExchangeFactory.collect=nbgrader.exchange.default.ExchangeCollect",
         "release_feedback": "--ExchangeFactory.release_feedback=nbgrader.exchange.default.ExchangeReleaseFeedback"}
SMALL = "--CourseDirectory.max_file_size=1000"   # KB: 1 MB per file, so a 2 MB file is over


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """(setup, course, students, facts): lesson 01 released and submitted by five students, four of whom
    then changed their submission as described above."""
    need_root()
    with class_hub_setup() as setup:
        course = TempCourse(tmp_path_factory.mktemp("collect-course"))
        setup.instructor_nbgrader(course.root, "release_assignment", LESSON)
        names = ["alice", "bob", "carol", "dave", "erin"]
        students = {n: setup.add_user("student") for n in names}
        for user in students.values():
            setup.nbgrader(user, "fetch_assignment", LESSON)
            setup.nbgrader(user, "submit", LESSON)
        facts = _attack(setup, course, students)
        yield setup, course, students, facts


def _attack(setup, course, s):
    facts = {"root_only": f"ROOT-ONLY-{secrets.token_hex(8)}"}
    secret_file = setup.base / "root-only.txt"
    secret_file.write_text(facts["root_only"])
    os.chmod(secret_file, 0o600)
    assert setup.run_as(s["alice"], ["cat", str(secret_file)], check=False).returncode != 0

    alice = submission_of(setup, s["alice"], LESSON)
    setup.run_as(s["alice"], ["ln", "-sf", str(secret_file), str(alice / NB)])

    bob = submission_of(setup, s["bob"], LESSON)   # his real one stays; a newer "submission" is a link
    setup.run_as(s["bob"], ["ln", "-s", str(course.root / "solutions" / LESSON),
                            str(setup.inbound / f"{s['bob']}+{LESSON}+2099-01-01 00:00:00.000000 UTC")])

    carol = submission_of(setup, s["carol"], LESSON)
    facts["before_backdating"] = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)  # as nbgrader
    old = "2000-01-01 00:00:00.000000 UTC"
    setup.run_as(s["carol"], ["sh", "-c", f"printf '{old}' > '{carol}/timestamp.txt'"])
    setup.run_as(s["carol"], ["mv", str(carol), str(setup.inbound / f"{s['carol']}+{LESSON}+{old}")])

    dave = submission_of(setup, s["dave"], LESSON)
    notes = setup.s["exchange"] / f"notes-{s['dave']}.txt"  # the exchange root is 1777: same filesystem as the link
    setup.run_as(s["dave"], ["mkfifo", str(dave / "pipe")])
    setup.run_as(s["dave"], ["ln", "-s", "/nonexistent/file", str(dave / "dangling")])
    setup.run_as(s["dave"], ["sh", "-c", f"echo mine > '{notes}' && ln '{notes}' '{dave}/hardlink.txt'"])
    setup.run_as(s["dave"], ["sh", "-c", f"head -c 2000000 /dev/zero > '{dave}/big.bin'"])
    setup.run_as(s["dave"], ["sh", "-c", f": > '{dave}/submission_secret.txt'"])

    ghost = setup.inbound / f"nosuchuser{setup.tag}+{LESSON}+2099-01-01 00:00:00.000000 UTC"
    setup.run_as(s["erin"], ["mkdir", str(ghost)])
    facts["erin_notebook"] = (submission_of(setup, s["erin"], LESSON) / NB).read_bytes()
    return facts


def _collected(course, student):
    return course.root / "grader" / "submitted" / student / LESSON


def _stock_collect(setup, course, student=None):
    args = ["collect", LESSON, STOCK["collect"], SMALL] + ([f"--student={student}"] if student else [])
    result = setup.instructor_nbgrader(course.root, *args, check=False)
    return result


def test_stock_collect_is_fooled_by_each_attack(attacked):
    """Control: stock nbgrader's collect follows the links, believes the name, and one fifo stops the class."""
    setup, course, s, facts = attacked
    submitted = course.root / "grader" / "submitted"
    try:
        everyone = _stock_collect(setup, course)
        assert everyone.returncode != 0, "stock collect survived dave's fifo and dangling link"
        shutil.rmtree(submitted, ignore_errors=True)
        _stock_collect(setup, course, s["alice"])
        assert (_collected(course, s["alice"]) / NB).read_text() == facts["root_only"]
        _stock_collect(setup, course, s["bob"])
        assert "BEGIN HIDDEN TESTS" in (_collected(course, s["bob"]) / NB).read_text()
        _stock_collect(setup, course, s["carol"])
        stamp = parse_utc((_collected(course, s["carol"]) / "timestamp.txt").read_text())
        assert stamp.year == 2000
    finally:
        shutil.rmtree(submitted, ignore_errors=True)


@pytest.fixture(scope="module")
def collected(attacked):
    """Our collect on the attacked inbound: its log."""
    setup, course, s, facts = attacked
    result = setup.instructor_nbgrader(course.root, "collect", LESSON, SMALL)
    return result.stdout + result.stderr


def test_no_link_is_followed(attacked, collected):
    setup, course, s, facts = attacked
    assert f"{NB} (a symbolic link)" in collected and s["alice"] in collected, collected
    assert not (_collected(course, s["alice"]) / NB).exists()
    everything = b"".join(p.read_bytes() for p in (course.root / "grader" / "submitted").rglob("*") if p.is_file())
    assert facts["root_only"].encode() not in everything and b"BEGIN HIDDEN TESTS" not in everything
    assert "it is not a folder" in collected, collected          # bob's link to the solutions
    assert (_collected(course, s["bob"]) / NB).read_text().count("BEGIN SOLUTION") == 0


def test_the_time_is_the_kernels_not_the_students(attacked, collected):
    setup, course, s, facts = attacked
    stamp = parse_utc((_collected(course, s["carol"]) / "timestamp.txt").read_text())
    assert stamp >= facts["before_backdating"], f"carol's back-dated submission was collected as of {stamp}"


def test_special_files_hard_links_and_big_files_are_refused_by_name(attacked, collected):
    setup, course, s, facts = attacked
    dave = _collected(course, s["dave"])
    for name, reason in [("pipe", "a fifo"), ("dangling", "a symbolic link"), ("hardlink.txt", "a hard link"),
                         ("big.bin", "over the limit")]:
        said = [line for line in collected.splitlines() if f"{s['dave']}'s submission: {name} (" in line]
        assert said and reason in said[0], (name, collected)
        assert not (dave / name).exists(), name
    assert (dave / NB).is_file(), "dave's notebook itself was not collected"
    assert f"no user is called 'nosuchuser{setup.tag}'" in collected, collected


def test_every_honest_part_is_collected(attacked, collected):
    setup, course, s, facts = attacked
    assert (_collected(course, s["erin"]) / NB).read_bytes() == facts["erin_notebook"]
    for name in ("alice", "bob", "carol", "dave", "erin"):
        assert (_collected(course, s[name]) / "timestamp.txt").is_file(), name


def _feedback_pages(course, students):
    """A feedback page per collected student, as generate_feedback leaves them (release_feedback's input)."""
    for student in students:
        folder = course.root / "grader" / "feedback" / student / LESSON
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.copy(_collected(course, student) / name, folder / name)
        (folder / f"{LESSON}.html").write_text(f"<p>feedback for {student}</p>")


def _released(setup, student, course):
    secret = (_collected(course, student) / "submission_secret.txt").read_text()
    digest = hashlib.md5((secret + LESSON).encode()).hexdigest()
    return setup.s["exchange"] / "backprop" / "feedback" / f"{digest}.html"


def test_a_damaged_secret_costs_only_its_student(attacked, collected):
    setup, course, s, facts = attacked
    _feedback_pages(course, [s["dave"], s["erin"]])
    stock = setup.instructor_nbgrader(course.root, "release_feedback", LESSON, STOCK["release_feedback"], check=False)
    assert stock.returncode != 0 or not _released(setup, s["erin"], course).exists(), "control: stock coped"
    _released(setup, s["erin"], course).unlink(missing_ok=True)   # whatever stock released before it stopped
    ours = setup.instructor_nbgrader(course.root, "release_feedback", LESSON)
    log = ours.stdout + ours.stderr
    assert f"NOT released: {s['dave']}'s feedback" in log, log
    assert _released(setup, s["erin"], course).read_text() == f"<p>feedback for {s['erin']}</p>"
