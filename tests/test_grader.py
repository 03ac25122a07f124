"""`python -m grader collect` and `grade`, each a real run on a temp copy of the course (lessons 00 and 01).

One class is graded once with --jobs 2 (the adversarial corpus beside honest students), then again
with --jobs 1: the gradebook must hold the same scores. Every attack scores zero on what it attacks;
the honest students in the same batch keep full marks; handed-in files are never modified.
"""
import copy
import hashlib
import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from attacks import ATTACKS, PEEK, SIGMOID_WRONG, SLEEP, VANDAL
from coursekit.course import ROOT, all_lessons, answer_cells, finished, processes_running, read
from nbgrader_course import TempCourse
from unprivileged import run_as

pytestmark = pytest.mark.nbgrader

FF, ERR = "00_feedforward", "01_error"


def grader(*args, env=None):
    """Run `python -m grader ARGS` from the repo root (extra environment variables: env); return (exit code, output)."""
    result = subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, **(env or {})))
    return result.returncode, result.stdout + result.stderr


# ------------------------------------------------------------------ collect

def _write(path, data=b"{}"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def collect_course(tmp_path_factory):
    return TempCourse(tmp_path_factory.mktemp("collect"))


def test_collect_matching_rules(collect_course, tmp_path):
    """Every documented pattern lands in submitted/<student>/<lesson>/; the rest is listed with a reason."""
    inbox = tmp_path / "inbox"
    nb = nbformat.writes(read("lessons", FF)).encode()
    files = {
        "jdoe_00_feedforward.ipynb": ("jdoe", FF),
        "Doe, Jane_12345_20261121-1830_01_error.ipynb": ("doe-jane", ERR),
        "smithann_LATE_123_456_00_feedforward-1.ipynb": ("smithann", FF),
        "bo/01_error.ipynb": ("bo", ERR),
        "cy/00_feedforward/00_feedforward.ipynb": ("cy", FF),
        "Dee 00-Feedforward (1).ipynb": ("dee", FF),
    }
    for name in files:
        _write(inbox / name, nb)
    _write(inbox / "notes_jdoe.ipynb", nb)                       # no lesson
    _write(inbox / "x_00_feedforward_01_error.ipynb", nb)        # two lessons
    _write(inbox / "00_feedforward.ipynb", nb)                   # no student
    _write(inbox / "ed_01_error.ipynb", nb)                      # duplicate pair, different content
    _write(inbox / "ed/01_error.ipynb", nb + b"\n")
    _write(inbox / "readme.txt", b"hi")
    _write(inbox / ".ipynb_checkpoints/jdoe_00_feedforward-checkpoint.ipynb", nb)
    before = {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()}

    code, out = grader("collect", str(inbox), "--course", str(collect_course.root))
    assert code == 1, out  # problems were listed
    submitted = collect_course.root / "grader" / "submitted"
    for name, (student, lesson) in files.items():
        assert (submitted / student / lesson / f"{lesson}.ipynb").read_bytes() == nb, (name, out)
    got = {f"{p.parent.parent.name}/{p.parent.name}" for p in submitted.rglob("*.ipynb")}
    assert got == {f"{s}/{l}" for s, l in files.values()}, out
    for name, reason in [("notes_jdoe.ipynb", "no lesson name"), ("x_00_feedforward_01_error.ipynb", "more than one lesson"),
                         ("00_feedforward.ipynb", "no student"), ("ed_01_error.ipynb", "duplicate"),
                         ("ed/01_error.ipynb", "duplicate"), ("readme.txt", "not a notebook")]:
        line = next((l for l in out.splitlines() if l.startswith(f"NOT collected {name}:")), "")
        assert reason in line, f"{name}: {reason!r} not reported:\n{out}"
    assert {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()} == before, "originals changed"

    # Collecting again is a no-op; a different notebook for the same slot is a conflict, kept apart.
    zipped = tmp_path / "again.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("subs/jdoe_00_feedforward.ipynb", nb)
        z.writestr("subs/bo_01_error.ipynb", nb + b" ")
    code, out = grader("collect", str(zipped), "--course", str(collect_course.root))
    assert "already collected" in out and "conflict" in out and code == 1, out
    assert (submitted / "bo" / ERR / f"{ERR}.ipynb").read_bytes() == nb
    code, out = grader("collect", str(zipped), "--course", str(collect_course.root), "--replace")
    assert code == 0 and "REPLACED" in out, out
    assert (submitted / "bo" / ERR / f"{ERR}.ipynb").read_bytes() == nb + b" "


# ------------------------------------------------------------------ grade

HONEST = {"honest-a": FF, "honest-b": ERR, "honest-c": FF}


def _damaged_duplicate():
    nb = finished(FF, {"sigmoid": SIGMOID_WRONG})
    i = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid")
    twin = copy.deepcopy(nb.cells[i])
    twin["id"] = "duplicated-answer"
    nb.cells.insert(i + 1, twin)
    return nb


def _deleted_tests():
    nb = finished(FF, {"sigmoid": SIGMOID_WRONG})
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") not in ("test_sigmoid", "check_sigmoid")]
    return nb


def _edited_locked_cells():
    """A wrong sigmoid whose student also emptied the hidden-test cell, the visible check and patched setup."""
    nb = finished(FF, {"sigmoid": SIGMOID_WRONG})
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in ("test_sigmoid", "check_sigmoid"):
            cell.source = "pass"
        elif grade_id == "setup":
            cell.source += "\nnp.allclose = lambda *a, **k: True\n"
    return nb


def _skip_tags():
    """A wrong sigmoid whose student tagged its hidden-test and check cells to be skipped (nbclient's
    skip-execution, and the course's own demo tag)."""
    nb = finished(FF, {"sigmoid": SIGMOID_WRONG})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in ("test_sigmoid", "check_sigmoid", "sigmoid"):
            cell.metadata["tags"] = ["skip-execution", "demo"]
    return nb


def _scores(course, student, lesson):
    return {k: v[0] for k, v in course.scores(student, lesson).items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded with --jobs 2: (course, output, gradebook scores, hashes of handed-in files)."""
    course = TempCourse(tmp_path_factory.mktemp("grade"))
    for student, lesson in HONEST.items():
        course.submit(student, lesson, finished(lesson))
    for lesson in all_lessons():  # every lesson, finished, through the whole grader (function arguments,
        course.submit("honest-all", lesson, finished(lesson))  # dicts, data answers, training)
    for student, (lesson, answers, _) in ATTACKS.items():
        course.submit(student, lesson, finished(lesson, answers))
    course.submit("dupids", FF, _damaged_duplicate())
    course.submit("deleted", FF, _deleted_tests())
    course.submit("locked", FF, _edited_locked_cells())
    course.submit("skiptags", FF, _skip_tags())
    course.submit("honest-a", ERR, finished(ERR))
    from grader import wall as grading_wall
    if grading_wall.probe().ok:  # never let a vandal loose without the wall; only the temp course is targeted
        course.submit("peeker", FF, finished(FF, {"sigmoid": PEEK.format(roots=[str(course.root), str(ROOT)])}))
        course.submit("vandal", FF, finished(FF, {"sigmoid": VANDAL.format(roots=[str(course.root)])}))
    relabelled = json.loads(nbformat.writes(finished(ERR)))
    relabelled["nbformat"], relabelled["nbformat_minor"] = 3, 0
    (course.root / "grader" / "submitted" / "relabel" / ERR).mkdir(parents=True)
    (course.root / "grader" / "submitted" / "relabel" / ERR / f"{ERR}.ipynb").write_text(json.dumps(relabelled))
    course.submit("renamed", FF, finished(FF))
    (course.root / "grader" / "submitted" / "renamed" / FF / f"{FF}.ipynb").rename(
        course.root / "grader" / "submitted" / "renamed" / FF / "Untitled1.ipynb")
    reordered = finished(ERR, {"output_error": "def output_error(target, guess):\n    return guess - target\n"})
    reordered.cells = reordered.cells[::-1]
    course.submit("reorder", ERR, reordered)
    broken = course.root / "grader" / "submitted" / "broken" / ERR
    broken.mkdir(parents=True)
    (broken / f"{ERR}.ipynb").write_text(nbformat.writes(finished(ERR))[:500])
    hashes = _hashes(course)
    code, out = grader("grade", "--course", str(course.root), "--jobs", "2", "--timeout", "3", "--check-timeout", "1")
    return course, code, out, _all_scores(course), hashes


def grading_wall_probe_ok():
    """Whether a real wall can be built here (else the attack class is graded unwalled, as asked)."""
    from grader import wall as grading_wall
    return grading_wall.probe().ok


def _hashes(course):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (course.root / "grader" / "submitted").rglob("*") if p.is_file()}


def _all_scores(course):
    report = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())
    return {(r["student"], r["lesson"]): _scores(course, r["student"], r["lesson"])
            for r in report["submissions"] if r["status"] in ("graded", "flagged")}


def test_honest_students_keep_full_marks(graded):
    course, code, out, scores, _ = graded
    for student, lesson in list(HONEST.items()) + [("honest-a", ERR)] + [("honest-all", l) for l in all_lessons()]:
        got = scores[(student, lesson)]
        assert got and all(v == 1.0 for v in got.values()), (student, lesson, got, out)


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_attack_scores_zero_on_what_it_attacks(graded, student):
    course, code, out, scores, _ = graded
    lesson, _, attacked = ATTACKS[student]
    got = scores[(student, lesson)]
    for grade_id, score in got.items():
        if grade_id in attacked:
            assert score == 0, f"{student} kept {score} on {grade_id}:\n{out}"
        else:
            assert score == 1.0, f"{student} lost {grade_id} though it was not attacked:\n{out}"


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """The attack class graded by plain `nbgrader autograde` from grader/ (nbgrader's own command, the
    course's config): (course, log, scores, hashes of handed-in files before)."""
    from grader import wall as grading_wall
    course = TempCourse(tmp_path_factory.mktemp("autograde"))
    for student, lesson in HONEST.items():
        course.submit(student, lesson, finished(lesson))
    for student, (lesson, answers, _) in ATTACKS.items():
        course.submit(student, lesson, finished(lesson, answers))
    if grading_wall.probe().ok:
        course.submit("peeker", FF, finished(FF, {"sigmoid": PEEK.format(roots=[str(course.root), str(ROOT)])}))
        course.submit("vandal", FF, finished(FF, {"sigmoid": VANDAL.format(roots=[str(course.root)])}))
    before = _hashes(course)
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "--force", "--Execute.timeout=5",
                             "--OutOfKernelCheck.case_timeout=1", "--CourseDirectory.assignment_id=*"],
                            cwd=course.root / "grader", capture_output=True, text=True)
    students = {**{s: l for s, l in HONEST.items()}, **{s: a[0] for s, a in ATTACKS.items()}}
    if grading_wall.probe().ok:
        students.update(peeker=FF, vandal=FF)
    return course, result.stdout + result.stderr, {(s, l): _scores(course, s, l) for s, l in students.items()}, before


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_attack_scores_zero_through_nbgrader_autograde(autograded, student):
    """The same hardened steps run in nbgrader's own `autograde` (the course's nbgrader_config.py)."""
    course, log, scores, _ = autograded
    lesson, _, attacked = ATTACKS[student]
    expected = {g: (0.0 if g in attacked else 1.0) for g in scores[(student, lesson)]}
    assert scores[(student, lesson)] == expected, log[-4000:]


def test_nbgrader_autograde_keeps_honest_marks_and_the_course_safe(autograded):
    course, log, scores, before = autograded
    for student, lesson in HONEST.items():
        assert all(v == 1.0 for v in scores[(student, lesson)].values()), (student, log[-4000:])
    if ("peeker", FF) in scores:
        assert scores[("peeker", FF)] == {"test_sigmoid": 0.0, "test_feedforward": 1.0}, log[-4000:]
        assert scores[("vandal", FF)] == {"test_sigmoid": 1.0, "test_feedforward": 1.0}, log[-4000:]
    assert _hashes(course) == before, "a handed-in file was modified"
    graded = read_autograded(course, "allclose", FF)
    assert graded.metadata["backprop_grading"]["wall"]["walled"] is True, graded.metadata
    assert "checked outside your notebook's kernel" in course.graded_outputs("allclose", FF, "test_sigmoid")


def test_student_code_cannot_read_solutions_or_write_the_course(graded):
    """With the wall's namespaces, solutions/ is invisible and the gradebook and other students untouched."""
    from grader import wall as grading_wall
    if not grading_wall.probe().ok:
        pytest.skip("no grading wall here: " + grading_wall.probe().why_not)
    course, code, out, scores, hashes = graded
    assert scores[("peeker", FF)]["test_sigmoid"] == 0.0, out
    assert scores[("vandal", FF)] == {"test_sigmoid": 1.0, "test_feedforward": 1.0}, out
    assert _hashes(course) == hashes


def test_tampering_is_flagged(graded):
    course, code, out, scores, _ = graded
    report = {(r["student"], r["lesson"]): r
              for r in json.loads((course.root / "grader" / "reports" / "grade.json").read_text())["submissions"]}
    assert any("np.allclose" in f for f in report[("allclose", FF)]["flags"])
    assert any("input_transformers_cleanup" in f for f in report[("blank", FF)]["flags"])
    assert any("sys.exit" in f for f in report[("exits", FF)]["flags"])
    assert report[("honest-a", FF)]["flags"] == [] and report[("honest-a", FF)]["status"] == "graded"


def test_no_picture_is_rendered_while_grading(graded):
    """The course draws no pictures for nbgrader (nobody looks): no graded notebook of any lesson holds one."""
    course = graded[0]
    for lesson in all_lessons():
        nb = nbformat.read(course.root / "grader" / "autograded" / "honest-all" / lesson / f"{lesson}.ipynb", 4)
        images = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
                  for o in c.get("outputs", []) if "image/png" in o.get("data", {})
                  or "data:image/png" in str(o.get("data", {}).get("text/html", ""))]
        assert images == [], f"{lesson}: pictures rendered in {images}"


def test_output_flood_is_cut(graded):
    """20 MB printed at top level and 50 MB inside the function: the autograded notebook stays small."""
    course, code, out, scores, _ = graded
    path = course.root / "grader" / "autograded" / "flood" / ERR / f"{ERR}.ipynb"
    assert path.stat().st_size < 5 * 1024 ** 2, path.stat().st_size
    assert "output cut by the grader" in path.read_text()


def test_spawned_processes_are_bounded_and_reaped(graded):
    """The spawner gets at most the process limit, and none of its children outlive grading."""
    from grader import wall as grading_wall
    course, code, out, scores, _ = graded
    left = processes_running(SLEEP)
    assert not left, f"spawned processes still running: {left}"
    spawned = course.graded_outputs("spawner", FF, "sigmoid")
    count = int(spawned.split("spawned", 1)[1].split()[0])
    assert 0 < count <= grading_wall.LIMITS["nproc"], spawned


def test_a_submission_cannot_tag_its_own_cells_to_be_skipped(graded):
    """Skip tags in a submission are removed before the kernel runs: the hidden test runs and fails in the
    kernel itself (not only in the out-of-kernel check), and the tags are flagged."""
    course, code, out, scores, _ = graded
    assert scores[("skiptags", FF)] == {"test_sigmoid": 0.0, "test_feedforward": 1.0}, out
    report = {(r["student"], r["lesson"]): r
              for r in json.loads((course.root / "grader" / "reports" / "grade.json").read_text())["submissions"]}
    assert report[("skiptags", FF)]["in_kernel"]["test_sigmoid"] == 0.0, report[("skiptags", FF)]
    assert sum("skip-execution" in f for f in report[("skiptags", FF)]["flags"]) == 3, report[("skiptags", FF)]


def test_edited_locked_cells_are_restored(graded):
    course, code, out, scores, _ = graded
    assert scores[("locked", FF)] == {"test_sigmoid": 0.0, "test_feedforward": 1.0}, out


def test_damaged_notebooks_are_graded_from_the_template_or_rejected(graded):
    course, code, out, scores, hashes = graded
    assert scores[("dupids", FF)] == {"test_sigmoid": 0.0, "test_feedforward": 1.0}, out
    assert scores[("deleted", FF)] == {"test_sigmoid": 0.0, "test_feedforward": 1.0}, out
    assert "duplicate grade ids" in out and "missing cells" in out, out
    assert "broken/01_error: REJECTED" in out and "not valid JSON" in out, out
    assert code == 1  # a rejected notebook makes the run exit non-zero, after grading everyone else
    assert _hashes(course) == hashes, "a handed-in file was modified"


def test_wrong_version_name_or_order_still_graded(graded):
    """A v4 notebook labelled nbformat 3, a renamed file, and reversed cells are graded, answers kept."""
    course, code, out, scores, _ = graded
    assert scores[("relabel", ERR)] == {"test_output_error": 1.0, "test_cost": 1.0}, out
    assert scores[("renamed", FF)] == {"test_sigmoid": 1.0, "test_feedforward": 1.0}, out
    assert scores[("reorder", ERR)] == {"test_output_error": 0.0, "test_cost": 1.0}, out
    assert "wrong file name 'Untitled1.ipynb'" in out and "reordered" in out, out


def test_nbgrader_export_agrees(graded):
    """nbgrader's own export reads the final (lowered) scores from the gradebook."""
    course, _, out, scores, _ = graded
    course.nbgrader("export", "--exporter=nbgrader.plugins.CsvExportPlugin", "--to=export.csv")
    import csv
    rows = list(csv.DictReader((course.root / "grader" / "export.csv").open()))
    total = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    for key, got in scores.items():
        assert total[key] == sum(got.values()), (key, total[key], got)
    assert total[("blank", FF)] == 0.0 and total[("allclose", FF)] == 1.0


def test_summary_and_formgrader_files(graded):
    course, code, out, scores, _ = graded
    assert f"{FF:<18}" in out and f"{ERR:<18}" in out and "done in" in out
    assert (course.root / "grader" / "autograded" / "honest-a" / FF / f"{FF}.ipynb").exists()


def test_jobs_1_gives_identical_scores(graded):
    course, _, _, scores, _ = graded
    code, out = grader("grade", "--course", str(course.root), "--jobs", "1", "--timeout", "3", "--check-timeout", "1")
    assert _all_scores(course) == scores, out


def test_notebook_time_limit(tmp_path):
    """Cells that each stay under the cell limit still cannot keep a notebook past its wall-clock limit."""
    course = TempCourse(tmp_path)
    course.submit("honest", FF, finished(FF))
    nap = "import time\ntime.sleep(6)\n"  # two answer cells: 12 s, past the 10 s limit; honest takes ~2 s
    solved = finished(FF)
    answers = {gid: c.source for gid, c in answer_cells(solved).items()}
    course.submit("sleeper", FF, finished(FF, {gid: nap + code for gid, code in answers.items()}))
    code, out = grader("grade", "--course", str(course.root), "--jobs", "2", "--timeout", "7",
                       "--notebook-timeout", "10")
    assert _scores(course, "honest", FF) == {"test_sigmoid": 1.0, "test_feedforward": 1.0}, out
    assert _scores(course, "sleeper", FF) == {"test_sigmoid": 1.0, "test_feedforward": 0.0}, out
    assert "notebook time limit" in out, out
    record = nbformat.read(course.root / "grader" / "autograded" / "sleeper" / FF / f"{FF}.ipynb",
                           as_version=4).metadata["backprop_grading"]
    assert {"cell": "test_feedforward", "stop": "notebook time limit"} in record["kernel"], record
    assert record["mistakes"] == {"test_feedforward": "not run (notebook time limit)"}, record
    rows = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())["submissions"]
    sleeper = next(r for r in rows if r["student"] == "sleeper")
    assert "test_feedforward: not run (the notebook time limit was used up)" in sleeper["notes"], sleeper


def test_a_dead_kernel_and_the_mistake_it_cost_are_recorded_as_data(graded):
    """The kernel's death and the check's label travel in the notebook's metadata, not in nbgrader's log."""
    course = graded[0]
    record = nbformat.read(course.root / "grader" / "autograded" / "kills" / FF / f"{FF}.ipynb",
                           as_version=4).metadata["backprop_grading"]
    assert any(s["stop"] == "died" for s in record["kernel"]), record
    assert record["mistakes"] == {"test_sigmoid": "crashed the process"}, record
    assert record["wall"]["walled"] is grading_wall_probe_ok(), record


@pytest.mark.wall
def test_an_unprivileged_instructor_grades_the_attack_class(unprivileged):
    """`python -m grader grade` run by an ordinary user: a wall in a user namespace, same verdicts as root."""
    from grader import wall as grading_wall
    if not grading_wall.probe().ok:
        pytest.skip("no grading wall here: " + grading_wall.probe().why_not)
    user, folder = unprivileged
    course = folder / "course"
    chosen = {s: ATTACKS[s] for s in ("allclose", "delegate-from", "kills", "spawner")}
    chosen["peeker"] = (FF, {"sigmoid": PEEK.format(roots=[str(course), str(ROOT)])}, {"test_sigmoid"})
    chosen["vandal"] = (FF, {"sigmoid": VANDAL.format(roots=[str(course)])}, set())
    chosen["honest"] = (FF, {}, set())
    for student, (lesson, answers, _) in chosen.items():
        target = course / "grader" / "submitted" / student / lesson
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(finished(lesson, answers), str(target / f"{lesson}.ipynb"))
    subprocess.run(["chown", "-R", f"{user}:", str(course)], check=True)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (course / "grader" / "submitted").rglob("*") if p.is_file()}
    done = run_as(user, folder, [str(folder / "venv" / "bin" / "python"), "-m", "grader", "grade", "--course", str(course),
                                 "--jobs", "2", "--timeout", "5", "--check-timeout", "1", *{l for l, _, _ in chosen.values()}])
    out = done.stdout + done.stderr
    assert done.returncode == 0 and "in a user namespace" in out, out[-4000:]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'grader' / 'gradebook.db'}") as gb:
        for student, (lesson, _, attacked) in chosen.items():
            got = {g.name: g.score for g in gb.find_submission_notebook(lesson, lesson, student).grades}
            assert got == {g: (0.0 if g in attacked else 1.0) for g in got}, (student, got, out[-3000:])
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (course / "grader" / "submitted").rglob("*") if p.is_file()}
    assert after == before, "a handed-in file was modified"


# ------------------------------------------------------------------ never silently unsafe

NO_BWRAP = {"BACKPROP_BWRAP": "/nonexistent/bwrap"}  # as on a machine without bubblewrap, in every process


def _refusal_is_clear(message):
    return ("refused" in message and "bubblewrap (bwrap) is not installed" in message
            and "apt-get install bubblewrap" in message and "--no-wall" in message
            and "BACKPROP_GRADE_NO_WALL=1" in message and "c.GradingWall.allow_unwalled" in message)


@pytest.fixture
def one_submission(tmp_path):
    course = TempCourse(tmp_path / "course")
    course.submit("honest", ERR, finished(ERR))
    return course


def test_grade_refuses_when_student_code_cannot_be_isolated(one_submission):
    """No wall, not asked for by name: one clear refusal, exit code 1, nothing graded or written."""
    course = one_submission
    before = sorted(p.relative_to(course.root) for p in course.root.rglob("*"))
    code, out = grader("grade", "--course", str(course.root), env=NO_BWRAP)
    assert code == 1 and _refusal_is_clear(out), out
    assert "Traceback" not in out, out
    assert sorted(p.relative_to(course.root) for p in course.root.rglob("*")) == before


def test_nbgrader_autograde_refuses_too(one_submission):
    """Plain `nbgrader autograde` from grader/ refuses before nbgrader writes a grade."""
    course = one_submission
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ERR], cwd=course.root / "grader",
                            capture_output=True, text=True, env=dict(os.environ, **NO_BWRAP))
    assert result.returncode != 0 and _refusal_is_clear(result.stdout + result.stderr), result.stderr
    assert not (course.root / "grader" / "autograded" / "honest" / ERR / f"{ERR}.ipynb").exists()
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(f"sqlite:///{course.root / 'grader' / 'gradebook.db'}") as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission(ERR, "honest")


def test_no_wall_grades_and_says_so(one_submission):
    """--no-wall grades for real without bubblewrap, and the report and the notebook record it."""
    course = one_submission
    code, out = grader("grade", "--course", str(course.root), "--no-wall", env=NO_BWRAP)
    assert code == 0 and "WITHOUT the wall" in out, out
    report = json.loads((course.root / "grader" / "reports" / "grade.json").read_text())
    assert report["wall"]["walled"] is False and report["originals_changed"] == []
    assert all(score == 1.0 for score in _scores(course, "honest", ERR).values())
    graded = read_autograded(course, "honest", ERR)
    assert graded.metadata["backprop_grading"]["wall"]["walled"] is False, graded.metadata


def read_autograded(course, student, lesson):
    return nbformat.read(course.root / "grader" / "autograded" / student / lesson / f"{lesson}.ipynb", as_version=4)
